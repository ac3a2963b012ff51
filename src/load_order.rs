//! The one load order of rule files, shared by `RuleSet::from_dir` and `build.rs` (which
//! includes this file), so that the built-in rules and a folder of rules load alike.

use std::path::PathBuf;

/// Sorts one folder's rule files and subfolders into load order: `findings.toml` first, then the
/// other files by name; the subfolders, by name, come after the files.
pub(crate) fn sort_folder(files: &mut [PathBuf], dirs: &mut [PathBuf]) {
    files.sort_by_key(|p| (p.file_name().is_none_or(|n| n != "findings.toml"), p.clone()));
    dirs.sort();
}
