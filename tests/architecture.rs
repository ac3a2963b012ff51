//! The stages import in one direction: no module of `src/` names a later stage (its tests
//! excepted). The order below is the data flow of the README's "Where things are".

use std::path::Path;

/// Every module of `src/`, each after all it may import. A module of `src/catalogue/` counts as
/// `catalogue`.
const STAGES: &[&str] = &[
    // Shared helpers and the errors every stage returns.
    "id",
    "names",
    "limits",
    "rng",
    "config",
    "error",
    "json_input",
    "ontology",
    // Rule files to a compiled model.
    "rule_file",
    "load",
    "knowledge",
    "tables",
    "compile",
    "model",
    "model_file",
    "catalogue",
    // Patients to a differential.
    "patient",
    "labs",
    "phenopacket",
    "resolve",
    "score",
    "explain",
    "next_findings",
    "robustness",
    "report",
    // Research helpers.
    "simulate",
    "reference",
    "evaluate",
];

/// The crate modules a source file names in code (comments and its `#[cfg(test)]` module left
/// out): every `crate::NAME`.
fn imports(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = Vec::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
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
    let rank = |m: &str| STAGES.iter().position(|s| *s == m);
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).unwrap();
        let module = match relative.components().next().and_then(|c| c.as_os_str().to_str()) {
            // src/bin/ holds the osteodx command, a crate of its own over the public API (its
            // `crate::` is itself).
            Some(first) if first != "lib.rs" && first != "bin" => first.trim_end_matches(".rs").to_owned(),
            _ => continue,
        };
        let own = rank(&module).unwrap_or_else(|| panic!("{} is not in STAGES", relative.display()));
        for import in imports(&std::fs::read_to_string(path).unwrap()) {
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
    assert_eq!(imports(text), ["model", "score"]);
}
