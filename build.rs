//! Embeds the built-in rule files: every `*.toml` under `rules/`, in the load order that
//! `RuleSet::from_dir` also uses (in each folder `findings.toml` first, then the other files by
//! name, then the subfolders by name).

// The load order `RuleSet::from_dir` uses too.
#[path = "src/load_order.rs"]
#[allow(dead_code, reason = "shared with the library, which documents it")]
mod load_order;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            dirs.push(path);
        } else if path.extension().is_some_and(|x| x == "toml") {
            files.push(path);
        }
    }
    load_order::sort_folder(&mut files, &mut dirs);
    out.extend(files);
    for d in dirs {
        collect(&d, out);
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    let mut code = String::from(
        "/// The built-in rule files (path relative to `rules/`, text), in load order.\npub const BUILTIN_FILES: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&rules).unwrap_or(f).to_string_lossy().replace('\\', "/");
        let _ = writeln!(code, "    ({rel:?}, include_str!({:?})),", f.display().to_string());
    }
    code += "];\n";
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    let out = out_dir.join("builtin_rules.rs");
    if let Err(e) = fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
    code_files(&root, &out_dir);
}

/// Every source file of the library (`src/**/*.rs`, sorted) and the rule vocabulary, as one
/// `concat!` of their texts: what the catalogue cache hashes as the code that shaped a compiled
/// catalogue (`catalogue/cache.rs`), so no list of files is kept by hand.
fn code_files(root: &Path, out_dir: &Path) {
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    let src = root.join("src");
    println!("cargo:rerun-if-changed=src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files.push(root.join("rules").join("findings.toml"));
    let mut code = String::from("concat!(\n");
    for f in &files {
        let _ = writeln!(code, "    include_str!({:?}),", f.display().to_string());
    }
    code += ")\n";
    let out = out_dir.join("code_files.rs");
    if let Err(e) = fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
