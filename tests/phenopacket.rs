//! Phenopacket import: the example packet, malformed documents, the examples on disk.

#![allow(
    clippy::float_cmp,
    reason = "tests compare exact values on purpose (the hot path against the reference, bit for bit)"
)]

use osteodx::research::phenopacket::{iso8601_years, Phenopacket, MAX_BYTES};
use osteodx::{Error, Model, Zygosity};

#[test]
fn the_reference_example_packet_reads_fully() {
    // The made-up example of shared/reference, copied into the fixtures.
    let packet = Phenopacket::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/example-phenopacket.json"
    ))
    .unwrap();
    let p = packet.to_patient(true).unwrap();
    assert!(p.present.contains(&"HP:0000256".to_owned()));
    assert!(!p.absent.is_empty());
    assert!(p.age_at_examination_years.is_some());
    assert!(p.age_at_onset_years.is_some_and(|a| a < 1.0));
    assert_eq!(p.genetics.len(), 1);
    assert_eq!(p.genetics[0].zygosity, Some(Zygosity::Biallelic));
    assert!(
        packet.to_patient(false).unwrap().genetics.is_empty(),
        "genes can be switched off"
    );
    let model = Model::builtin().unwrap();
    let d = model.diagnose(&model.resolve(&p).unwrap());
    assert_eq!(d.diagnoses[0].id, "infantile");
}

#[test]
fn labs_and_onset_classes_are_read() {
    let text = r#"{"id": "x", "subject": {"sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P5M"}}},
      "phenotypicFeatures": [{"type": {"id": "HP:0001433"}, "onset": {"ontologyClass": {"id": "HP:0003623"}}}],
      "measurements": [{"assay": {"id": "LOINC:718-7", "label": "Hemoglobin"}, "value": {"quantity": {"unit": {"id": "UCUM:g/dL"}, "value": 7.2}}}]}"#;
    let p = Phenopacket::from_json(text).unwrap().to_patient(true).unwrap();
    assert_eq!(p.labs.len(), 1);
    assert_eq!(p.labs[0].unit, "g/dL");
    assert!(p.age_at_onset_years.unwrap() < 0.1);
    let model = Model::builtin().unwrap();
    let r = model.resolve(&p).unwrap();
    assert!(
        r.notes.derived.iter().any(|d| d.contains("anemia")),
        "{:?}",
        r.notes.derived
    );
}

fn rejects(text: &str) -> String {
    match Phenopacket::from_json(text).and_then(|p| p.to_patient(true)) {
        Err(e @ Error::Phenopacket(_)) => e.to_string(),
        Err(other) => panic!("wrong error kind: {other}"),
        Ok(_) => panic!("accepted: {}", text.chars().take(200).collect::<String>()),
    }
}

#[test]
fn malformed_documents_are_typed_errors() {
    assert!(rejects("not json").contains("1:"));
    assert!(rejects(r#"{"phenotypicFeatures": "none"}"#).contains("invalid type"));
    assert!(rejects(r#"{"phenotypicFeatures": [{"excluded": true}]}"#).contains("has no id"));
    assert!(rejects(r#"{"phenotypicFeatures": [{"type": {"id": ""}}]}"#).contains("has no id"));
    assert!(
        rejects(r#"{"subject": {"timeAtLastEncounter": {"age": {"iso8601duration": "five"}}}}"#).contains("ISO 8601")
    );
    assert!(rejects(r#"{"subject": {"sex": 3}}"#).contains("invalid type"));
    // Deeply nested junk: refused before parsing (Limits::nesting_depth, 64 by default) at the
    // bracket that goes too deep, wherever it is; within the limit a type error where a field is
    // known, skipped where it is not.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        rejects(&format!(r#"{{"subject": {{"id": {deep}}}}}"#)),
        "invalid phenopacket: 1:82: brackets nested deeper than the limit of 64"
    );
    assert!(rejects(&format!(r#"{{"extra": {deep}, "id": "x"}}"#)).contains("deeper than the limit"));
    let shallow = format!("{}{}", "[".repeat(60), "]".repeat(60));
    assert!(rejects(&format!(r#"{{"subject": {{"id": {shallow}}}}}"#)).contains("invalid type"));
    // A key the schema does not have is an error naming it (issue 23: unknown keys were
    // ignored); the schema's keys the crate does not read are accepted, whatever they hold.
    assert!(rejects(&format!(r#"{{"extra": {shallow}, "id": "x"}}"#)).contains("unknown field `extra`"));
    let unread = Phenopacket::from_json(&format!(r#"{{"metaData": {shallow}, "id": "x"}}"#)).unwrap();
    assert_eq!(unread.id, "x");
    let big = " ".repeat(MAX_BYTES as usize + 1);
    assert!(rejects(&big).contains("larger than the limit"));
    assert!(matches!(
        Phenopacket::from_json(&big),
        Err(Error::Phenopacket(
            osteodx::research::phenopacket::PhenopacketError::TooLarge { .. }
        ))
    ));
}

#[test]
fn durations() {
    assert_eq!(iso8601_years("P2Y").unwrap(), 2.0);
    assert_eq!(iso8601_years("P6M").unwrap(), 0.5);
    assert!((iso8601_years("P14D").unwrap() - 14.0 / 365.25).abs() < 1e-12);
    assert!(iso8601_years("P").is_err());
    assert!(iso8601_years("2Y").is_err());
    assert!(iso8601_years("P1X").is_err());
}

#[test]
fn every_example_patient_ranks_its_diagnosis_first() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/patients");
    let map = osteodx::research::evaluate::DiseaseMap::builtin().unwrap();
    let model = Model::builtin().unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if !osteodx::research::phenopacket::looks_like_phenopacket(&text) {
            continue;
        }
        let packet = Phenopacket::from_json(&text).unwrap();
        let truth = map.diagnosis_of(&packet.disease_ids());
        for genes in [true, false] {
            let d = model.diagnose(&model.resolve(&packet.to_patient(genes).unwrap()).unwrap());
            match truth {
                Some(t) if t != "none_of_these" => {
                    assert_eq!(d.diagnoses[0].id, t, "{} (genes {genes})", path.display());
                }
                _ if genes => assert_eq!(
                    d.none_of_these_rank,
                    1,
                    "{}: none of these should come first",
                    path.display()
                ),
                _ => {}
            }
        }
        seen += 1;
    }
    assert!(seen >= 8, "only {seen} example phenopackets");
}

#[test]
fn a_gestational_age_is_an_antenatal_onset() {
    let text =
        r#"{"phenotypicFeatures": [{"type": {"id": "HP:0002757"}, "onset": {"gestationalAge": {"weeks": 30}}}]}"#;
    let p = Phenopacket::from_json(text).unwrap().to_patient(true).unwrap();
    assert!(p.age_at_onset_years.unwrap() < 0.0);
    let model = Model::builtin().unwrap();
    let r = model.resolve(&p).unwrap();
    assert!(
        r.notes.derived.iter().any(|d| d.contains("onset_antenatal")),
        "{:?}",
        r.notes.derived
    );
}

/// Input as other systems write it: a byte-order mark is accepted; a document that is not a
/// JSON object is an error naming where; positions are given once.
#[test]
fn json_input_objects_only_bom_accepted_positions_once() {
    use osteodx::research::phenopacket::{Phenopacket, PhenopacketError};
    use osteodx::{Error, Patient, PatientError};
    let p = Patient::from_json("\u{feff}{\"present\": [\"blue sclerae\"]}").unwrap();
    assert_eq!(p.present, ["blue sclerae"]);
    for text in ["[]", " 42", "\"x\"", "null", ""] {
        match Patient::from_json(text) {
            Err(Error::Patient(PatientError::Json { line: 1, message, .. })) => {
                assert!(message.starts_with("expected a JSON object"), "{text:?}: {message}");
            }
            other => panic!("{text:?} gave {other:?}"),
        }
        assert!(
            matches!(Phenopacket::parse(text), Err(PhenopacketError::Json { .. })),
            "{text:?}"
        );
    }
    let text = std::fs::read_to_string("tests/fixtures/example-phenopacket.json").unwrap();
    assert!(Phenopacket::parse(&format!("\u{feff}{text}")).is_ok());
    let err = Phenopacket::parse("{\"id\": \"x").unwrap_err().to_string();
    assert!(err.starts_with("1:9: ") && !err.contains("line 1"), "{err}");
}
