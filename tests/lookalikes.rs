//! Look-alikes are not taken for the seven: each made-up patient (not a case report) under
//! `tests/fixtures/lookalikes/` has the signs the literature gives for one look-alike (the file
//! name's prefix), with the findings that the seven share with it, phenotype only. "None of
//! these" comes first and that look-alike leads its breakdown.

use std::path::Path;

use osteodx::research::phenopacket::Phenopacket;
use osteodx::Model;

/// The look-alike a fixture stands for, from its file name (`camurati-engelmann-14y.json`).
fn lookalike_of(name: &str) -> &'static str {
    [
        ("camurati-engelmann", "camurati_engelmann"),
        ("dysosteosclerosis", "dysosteosclerosis"),
        ("erdheim-chester", "erdheim_chester"),
        ("myelofibrosis", "myelofibrosis"),
        ("paget", "paget"),
        ("pycnodysostosis", "pycnodysostosis"),
        ("sapho", "sapho"),
        ("sclerosteosis", "sclerosteosis"),
    ]
    .iter()
    .find(|(prefix, _)| name.starts_with(prefix))
    .map_or_else(|| panic!("no look-alike for fixture {name}"), |(_, id)| *id)
}

#[test]
fn every_look_alike_fixture_puts_none_of_these_first_with_its_look_alike_leading() {
    let model = Model::builtin().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lookalikes");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 13, "{} fixtures", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let patient = Phenopacket::from_json(&text).unwrap().to_patient(false).unwrap();
        let resolved = model.resolve(&patient).unwrap();
        assert!(
            resolved.notes.unknown.is_empty(),
            "{name}: {:?}",
            resolved.notes.unknown
        );
        let d = model.diagnose(&resolved);
        let leading = d.none_of_these_breakdown.first().map_or("", |c| c.id);
        if d.none_of_these_rank != 1 || leading != lookalike_of(name) {
            failures.push(format!(
                "{name}: none of these {:.3} (rank {}), led by {leading}; first {} {:.3}",
                d.none_of_these, d.none_of_these_rank, d.diagnoses[0].id, d.diagnoses[0].posterior
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
