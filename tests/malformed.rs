//! Malformed inputs as data: every file under `tests/malformed/` is an input that must be
//! refused, and the `.expected` file beside it holds the exact message, as `Display` prints it.
//!
//! - `rules/NAME.toml`: a rule file on its own, loaded as `NAME.toml`;
//! - `patients/NAME.json`: the crate's patient JSON, resolved against the built-in rules;
//! - `phenopackets/NAME.json`: a phenopacket, turned into a patient and resolved.
//!
//! A new case is a new input file; `OSTEODX_BLESS=1 cargo test --test malformed` writes the
//! missing or changed `.expected` files (read them before committing).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use osteodx::research::phenopacket::Phenopacket;
use osteodx::{KnowledgeBase, Model, Patient, RuleSet};

/// The message an input is refused with, or `None` when it is accepted.
fn refusal(kind: &str, name: &str, text: &str) -> Option<String> {
    static MODEL: OnceLock<Model> = OnceLock::new();
    let model = || MODEL.get_or_init(|| Model::builtin().unwrap());
    let result = match kind {
        "rules" => RuleSet::from_text(name, text).and_then(KnowledgeBase::new).map(|_| ()),
        "patients" => Patient::from_json(text).and_then(|p| model().resolve(&p).map(|_| ())),
        "phenopackets" => Phenopacket::from_json(text)
            .and_then(|p| p.to_patient(true))
            .and_then(|p| model().resolve(&p).map(|_| ())),
        other => panic!("no kind of input {other}"),
    };
    result.err().map(|e| e.to_string())
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "expected"))
        .collect();
    out.sort();
    out
}

#[test]
fn malformed_inputs_are_refused_with_the_expected_messages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let bless = std::env::var_os("OSTEODX_BLESS").is_some();
    let mut failures = Vec::new();
    let mut cases = 0;
    for kind in ["rules", "patients", "phenopackets"] {
        let kind_inputs = inputs(&root.join(kind));
        for input in &kind_inputs {
            cases += 1;
            let name = input.file_name().unwrap().to_str().unwrap();
            let text = std::fs::read_to_string(input).unwrap();
            let expected_path = input.with_extension("expected");
            let Some(message) = refusal(kind, name, &text) else {
                failures.push(format!("{kind}/{name}: accepted"));
                continue;
            };
            let expected = std::fs::read_to_string(&expected_path).ok();
            if expected.as_deref().map(str::trim_end) != Some(message.as_str()) {
                if bless {
                    std::fs::write(&expected_path, format!("{message}\n")).unwrap();
                } else {
                    failures.push(format!(
                        "{kind}/{name}:\n  expected: {}\n  got:      {message}",
                        expected.as_deref().map_or("(no .expected file)", str::trim_end)
                    ));
                }
            }
        }
        // No message without its input.
        for entry in std::fs::read_dir(root.join(kind)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "expected") {
                let stem = path.file_stem().unwrap();
                let has_input = kind_inputs.iter().any(|i| i.file_stem() == Some(stem));
                assert!(has_input, "{} has no input", path.display());
            }
        }
    }
    assert!(cases >= 40, "only {cases} cases read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
