//! What several test files share (each uses part of it).
#![allow(dead_code, reason = "each test file that includes this module uses only part of it")]

use std::sync::OnceLock;

use osteodx::catalogue::{Catalogue, CatalogueOptions};
use osteodx::Model;

/// The pruned HPO fixture (made by `tools/make_hpo_fixture.py`).
pub const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hpo");

/// The fixture's OMIM catalogue, compiled once per test file.
pub fn fixture_catalogue() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        Catalogue::load(FIXTURE, &CatalogueOptions::default())
            .and_then(Catalogue::into_model)
            .unwrap_or_else(|e| panic!("the fixture compiles: {e}"))
    })
}

/// A finding and all its ancestors in the vocabulary (the finding first), by walking the parent
/// links: computed here, not by the library, so that tests built on it check the library.
pub fn lineage(kb: &osteodx::KnowledgeBase, f: usize) -> Vec<usize> {
    let mut out = vec![f];
    let mut i = 0;
    while i < out.len() {
        for &p in &kb.findings()[out[i]].parents {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        i += 1;
    }
    out
}
