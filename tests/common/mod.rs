//! What several test files share.

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
