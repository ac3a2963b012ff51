//! The stages import in one direction: no module of `src/` names a later stage (its tests
//! excepted). The order below is the data flow of the README's "Where things are".

use std::path::Path;

/// Every module of `src/`, each after all it may import. A module of `src/catalogue/` counts as
/// `catalogue`; `src/research/X.rs` as `X` (the public `research` module only groups them).
const STAGES: &[&str] = &[
    // Shared helpers and the errors every stage returns.
    "id",
    "names",
    "error",
    "limits",
    "rng",
    "onset",
    "config",
    "json_input",
    "ontology",
    // Rule files to a compiled model.
    "rule_file",
    "load_order",
    "load",
    "knowledge",
    "tables",
    "resolved",
    "scoring_core",
    "compile",
    "engine",
    "model_file",
    // Patients to a differential.
    "patient",
    "labs",
    "phenopacket",
    "resolve",
    "score",
    "explain",
    "next_findings",
    "robustness",
    // The public facade over the stages, and what is built on it.
    "model",
    "catalogue",
    "report",
    // Research helpers.
    "simulate",
    "reference",
    "evaluate",
];

/// The module each name the crate root re-exports comes from (`pub use error::{Error, …}` in
/// lib.rs: `Error` → `error`), so that `crate::Error` counts as an import of `error`.
fn root_exports(lib: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut statement = String::new();
    for line in lib.lines().map(str::trim) {
        if statement.is_empty() && !line.starts_with("pub use ") {
            continue;
        }
        statement.push_str(line);
        statement.push(' ');
        if !line.ends_with(';') {
            continue;
        }
        let path = statement
            .trim_start_matches("pub use ")
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_owned();
        statement.clear();
        let (module, rest) = path.split_once("::").unwrap_or((path.as_str(), ""));
        let names = rest.trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',') {
            // `FORMAT as COMPILED_FORMAT`: the name the root gives it.
            let name = name.rsplit(" as ").next().unwrap_or(name).trim();
            let name = name.rsplit("::").next().unwrap_or(name);
            if !name.is_empty() {
                out.push((name.to_owned(), module.to_owned()));
            }
        }
    }
    out
}

/// The first name of a path (`model::Model` → `model`).
fn first_name(segment: &str) -> String {
    segment
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The stage a path's first name is, or the stage a root re-export comes from; `None` for any
/// other name.
fn named(segment: &str, exports: &[(String, String)]) -> Option<String> {
    let name = first_name(segment);
    if STAGES.contains(&name.as_str()) {
        return Some(name);
    }
    exports.iter().find(|(n, _)| *n == name).map(|(_, m)| m.clone())
}

/// The crate modules a source file names in code (comments and its `#[cfg(test)]` module left
/// out), in every path form: `crate::NAME`, `crate::{a, b::C}`, a name the root re-exports
/// (`crate::Error`), and the same through `super::` where `super` is the crate root (`depth`:
/// how many `super::` reach it from this file; 0 for none).
fn imports(text: &str, exports: &[(String, String)], depth: usize) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let root = if depth == 0 {
        None
    } else {
        Some("super::".repeat(depth))
    };
    let mut out: Vec<String> = Vec::new();
    let mut add = |segment: &str| {
        let module = match first_name(segment) {
            name if name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) => {
                exports.iter().find(|(n, _)| *n == name).map(|(_, m)| m.clone())
            }
            name => Some(name),
        };
        if let Some(module) = module.filter(|m| !m.is_empty() && m != "self") {
            if !out.contains(&module) {
                out.push(module);
            }
        }
    };
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        for prefix in std::iter::once("crate::").chain(root.as_deref()) {
            let mut rest = line;
            while let Some(at) = rest.find(prefix) {
                // `super::super::` seen from a deeper prefix only.
                let before = &rest[..at];
                rest = &rest[at + prefix.len()..];
                // `research` is the public namespace of four stages (research/X.rs): its path
                // names the stage after it.
                rest = rest.strip_prefix("research::").unwrap_or(rest);
                if prefix.starts_with("super") && (before.ends_with("super::") || rest.starts_with("super::")) {
                    continue;
                }
                // Through `super::`, only a stage or a root re-export counts: any other name is
                // an item of an enclosing module of the same file (`mod checked` in patient.rs
                // calling `super::check_range`).
                let known = |segment: &str| !prefix.starts_with("super") || named(segment, exports).is_some();
                if let Some(group) = rest.strip_prefix('{') {
                    let inner = group.split('}').next().unwrap_or(group);
                    inner.split(',').filter(|s| known(s)).for_each(&mut add);
                } else if known(rest) {
                    add(rest);
                }
            }
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_stage_imports_a_later_one() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let exports = root_exports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let rank = |m: &str| STAGES.iter().position(|s| *s == m);
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).unwrap();
        let mut parts = relative.components().filter_map(|c| c.as_os_str().to_str());
        let module = match parts.next() {
            // src/research/X.rs is stage X, in the public `research` namespace.
            Some("research") => parts.next().unwrap_or_default().trim_end_matches(".rs").to_owned(),
            // src/bin/ holds the osteodx command, a crate of its own over the public API (its
            // `crate::` is itself).
            Some(first) if first != "lib.rs" && first != "bin" => first.trim_end_matches(".rs").to_owned(),
            _ => continue,
        };
        let own = rank(&module).unwrap_or_else(|| panic!("{} is not in STAGES", relative.display()));
        let depth = relative.components().count();
        for import in imports(&std::fs::read_to_string(path).unwrap(), &exports, depth) {
            match rank(&import) {
                Some(r) if r < own || import == module => {}
                Some(_) => wrong.push(format!("{} imports the later stage {import}", relative.display())),
                None => wrong.push(format!("{} names crate::{import}, not in STAGES", relative.display())),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_import_reader_sees_through_comments_and_tests() {
    let text = "use crate::model::Model;\n// crate::explain in a comment\nfn f() { crate::score::x(); }\n#[cfg(test)]\nmod tests { use crate::simulate; }\n";
    assert_eq!(imports(text, &[], 1), ["model", "score"]);
}

#[test]
fn every_path_form_counts_as_an_import() {
    let exports = root_exports(
        "pub use error::{Error, RuleErrors};\npub use model_file::FORMAT as COMPILED_FORMAT;\npub use limits::Limits;",
    );
    let found = |text: &str, depth: usize| imports(text, &exports, depth);
    assert_eq!(found("use crate::Error;", 1), ["error"]);
    assert_eq!(found("let f = crate::COMPILED_FORMAT;", 1), ["model_file"]);
    assert_eq!(found("use crate::{knowledge::Rule, Error};", 1), ["knowledge", "error"]);
    assert_eq!(
        found("use super::Limits; use super::score::Ranking;", 1),
        ["limits", "score"]
    );
    assert_eq!(
        found("use super::files::X; use super::super::model::Model;", 2),
        ["model"]
    );
    assert!(found("// crate::Error in a comment", 1).is_empty());
}

/// `Model` is a facade: its methods are all in model.rs, each a call into the stage that does the
/// work; no other file adds methods to it (the stages take the compiled engine instead).
#[test]
fn only_model_rs_adds_methods_to_model() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for path in &files {
        if path.file_name().is_some_and(|n| n == "model.rs") {
            continue;
        }
        for (i, line) in std::fs::read_to_string(path).unwrap().lines().enumerate() {
            let line = line.trim_start();
            let facade = line.starts_with("impl Model") || (line.starts_with("impl") && line.contains(" for Model"));
            if facade {
                wrong.push(format!("{}:{}: {line}", path.display(), i + 1));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "impl blocks of Model outside model.rs:\n{}",
        wrong.join("\n")
    );
    // The check can fail: model.rs itself has one.
    let model = std::fs::read_to_string(src.join("model.rs")).unwrap();
    assert!(model.lines().any(|l| l.starts_with("impl Model {")));
}
