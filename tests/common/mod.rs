//! What several test files share (each uses part of it).
#![allow(dead_code, reason = "each test file that includes this module uses only part of it")]

use std::sync::OnceLock;

use osteodx::catalogue::{Catalogue, CatalogueOptions};
use osteodx::Model;

/// The built-in model, loaded once per test file.
pub fn builtin() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::builtin().expect("built-in rules"))
}

/// The differential of a patient under the built-in model, with every name known.
pub fn diagnose(p: &osteodx::Patient) -> osteodx::Differential<'static> {
    let resolved = builtin().resolve(p).expect("valid patient");
    assert!(
        resolved.notes.unknown.is_empty(),
        "unknown names: {:?}",
        resolved.notes.unknown
    );
    builtin().diagnose(&resolved)
}

/// `cargo run --quiet --example` with `args` (the example's name, `--`, its arguments), in the
/// crate's directory.
pub fn example<S: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = S>) -> std::process::Output {
    std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs")
}

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
