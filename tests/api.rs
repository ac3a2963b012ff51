//! The public API as an outside user sees it.

use osteodx::{Error, KnowledgeBase, Model, Patient, PatientError};

#[test]
fn main_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Model>();
    check::<KnowledgeBase>();
    check::<osteodx::Ranking>();
    check::<osteodx::Differential>();
    check::<Error>();
}

#[test]
fn present_and_absent_is_an_error() {
    let model = Model::builtin().unwrap();
    let err = model
        .resolve(&Patient::new().present("macrocephaly").absent("HP:0000256"))
        .unwrap_err();
    assert!(
        matches!(err, Error::Patient(PatientError::PresentAndAbsent(_))),
        "{err}"
    );
}

#[test]
fn unknown_findings_are_reported_not_dropped() {
    let model = Model::builtin().unwrap();
    let p = model
        .resolve(&Patient::new().present("macrocefaly").present("pancytopenia"))
        .unwrap();
    assert_eq!(p.notes.unknown.len(), 1);
    assert_eq!(p.notes.unknown[0].name, "macrocefaly");
    assert!(p.notes.unknown[0]
        .suggestions
        .iter()
        .any(|s| s.eq_ignore_ascii_case("macrocephaly")));
    let d = model.diagnose(&p);
    assert_eq!(d.notes.unknown.len(), 1, "the differential carries the notes");
    let strict = model
        .resolve_strict(&Patient::new().present("macrocefaly"))
        .unwrap_err();
    assert!(strict.to_string().contains("did you mean"), "{strict}");
}

#[test]
fn names_resolve_by_id_hpo_label_and_synonym_in_any_case() {
    let model = Model::builtin().unwrap();
    let a = model.lookup("macrocephaly");
    assert!(a.is_some());
    assert_eq!(model.lookup("HP:0000256"), a);
    assert_eq!(model.lookup("MACROCEPHALY"), a);
    assert_eq!(model.lookup("overly large head"), a);
}

#[test]
fn hpo_terms_outside_the_vocabulary_are_placed_on_ancestors() {
    let model = Model::builtin().unwrap();
    // Every vocabulary term's children are placed on it (or on a nearer vocabulary term).
    let ontology = model.ontology().unwrap();
    assert!(
        ontology.len() > 15_000,
        "the built-in HPO graph has {} terms",
        ontology.len()
    );
    let p = model.resolve(&Patient::new().present("HP:0000001")).unwrap();
    assert!(p.notes.unplaced.contains(&"HP:0000001".to_owned()), "{:?}", p.notes);
}

#[test]
fn bad_values_are_errors_not_panics() {
    let model = Model::builtin().unwrap();
    let err = model.resolve(&Patient::new().onset_years(f64::NAN)).unwrap_err();
    assert!(matches!(err, Error::Patient(PatientError::BadValue { .. })));
    let err = model
        .resolve(&Patient::new().lab(osteodx::Analyte::Hemoglobin, 7.0, "furlongs"))
        .unwrap_err();
    assert!(matches!(err, Error::Patient(PatientError::UnknownUnit { .. })), "{err}");
    let err = Patient::from_json("{\"present\": [\"a\"], \"colour\": 1}").unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
}

#[test]
fn lab_values_become_findings() {
    let model = Model::builtin().unwrap();
    let p = Patient::new()
        .examined_at_years(0.5)
        .lab(osteodx::Analyte::Hemoglobin, 72.0, "g/L")
        .lab(osteodx::Analyte::Platelets, 40.0, "10^9/L")
        .lab(osteodx::Analyte::WhiteCells, 2.0, "10*9/L");
    let r = model.resolve(&p).unwrap();
    let derived = r.notes.derived.join("; ");
    assert!(derived.contains("pancytopenia"), "{derived}");
    assert!(r.notes.not_expressible.is_empty(), "{:?}", r.notes.not_expressible);
    let normal = model
        .resolve(&Patient::new().lab(osteodx::Analyte::Platelets, 250.0, "10^9/L"))
        .unwrap();
    assert!(normal.notes.derived[0].contains("-> no "), "{:?}", normal.notes.derived);
}

#[test]
fn same_input_same_output_byte_for_byte() {
    let model = Model::builtin().unwrap();
    let p = Patient::new()
        .present("fracture")
        .present("anemia")
        .present("osteosclerosis");
    let a = serde_json::to_string(&model.diagnose(&model.resolve(&p).unwrap())).unwrap();
    let again = Model::builtin().unwrap();
    let b = serde_json::to_string(&again.diagnose(&again.resolve(&p).unwrap())).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_knowledge_base_of_look_alikes_only_scores_without_panicking() {
    let text = r#"
[[finding]]
id = "dense_bones"
label = "Dense bones"

[diagnosis]
id = "other_thing"
name = "Other"
inheritance = "mixed"
lookalike = true
prevalence = 1e-5

[[rule]]
finding = "dense_bones"
frequency = 0.9
"#;
    let kb = KnowledgeBase::new(osteodx::RuleSet::from_text("t.toml", text).unwrap()).unwrap();
    let model = Model::compile(&kb);
    let p = model.resolve(&Patient::new().present("dense bones")).unwrap();
    let d = model.diagnose(&p);
    assert!(d.diagnoses.is_empty());
    assert!((d.none_of_these - 1.0).abs() < 1e-12);
    let batch = model.rank_batch(&[p.clone(), p], 3);
    assert_eq!(batch.none_posterior.len(), 2);
    assert_eq!(batch.len(), 2);
    // No filler rows: nothing is ranked, so nothing is returned; beyond the batch, nothing.
    assert!(batch.patient(0).is_empty() && batch.patient(1).is_empty());
    assert!(batch.patient(99).is_empty());
}

#[test]
fn a_full_hp_obo_can_replace_the_built_in_graph() {
    let obo = osteodx::Ontology::from_obo(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini.obo")).unwrap();
    assert_eq!(obo.len(), 4);
    assert_eq!(obo.canonical("HP:0099998"), Some(11001), "alt ids map to their term");
    assert_eq!(
        obo.canonical("HP:0099991"),
        Some(99990),
        "obsolete terms map to their replacement"
    );
    assert!(obo.is_ancestor(118, 99990));
    let model = Model::builtin().unwrap().with_ontology(std::sync::Arc::new(obo));
    // The made-up term is placed on its vocabulary ancestor through the given graph.
    let placed = model.place_hpo("HP:0099991").unwrap();
    assert_eq!(placed.len(), 1);
    assert_eq!(model.finding_id(placed[0]), "increased_bone_mineral_density");
    let err = osteodx::Ontology::from_obo("/nonexistent/hp.obo").unwrap_err();
    assert!(matches!(err, osteodx::Error::Io { .. }));
}

#[test]
fn the_disease_map_knows_every_diagnosis_and_the_old_ol_eda_id_entry() {
    let map = osteodx::research::evaluate::DiseaseMap::builtin().unwrap();
    let kb = KnowledgeBase::builtin().unwrap();
    for d in kb.diagnoses() {
        for id in d.omim.iter().chain(&d.orphanet) {
            let expected = if d.lookalike { "none_of_these" } else { d.id.as_str() };
            assert_eq!(
                map.diagnosis_of(std::slice::from_ref(id)),
                Some(expected),
                "{id} of {}",
                d.id
            );
        }
    }
    assert_eq!(map.diagnosis_of(&["OMIM:300301".to_owned()]), Some("x_linked"));
}

#[test]
fn an_error_chain_prints_each_cause_once() {
    use std::error::Error as _;
    let e = osteodx::Patient::from_json("[]").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid patient: 1:1: expected a JSON object"),
        "{e}"
    );
    assert!(
        e.source().is_none(),
        "the inner error is in the message, not repeated as a source"
    );
    let e = osteodx::research::phenopacket::Phenopacket::from_json("{").unwrap_err();
    assert!(e.source().is_none(), "{e}");
    // An I/O error keeps its cause as the source, and the message does not repeat it.
    let e = osteodx::RuleSet::from_dir("/nonexistent/osteodx").unwrap_err();
    let mut chain = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        chain.push(c.to_string());
        cause = c.source();
    }
    for (i, a) in chain.iter().enumerate() {
        for b in &chain[i + 1..] {
            assert!(!a.contains(b.as_str()), "{chain:?}");
        }
    }
}

/// Messages and explanations name labs, family history, sex and zygosity as patient files
/// write them (`white_cells`), never by their Rust names (`WhiteCells`, `whitecells`).
#[test]
fn messages_use_the_names_patient_files_use() {
    use osteodx::{Analyte, FamilyHistory, Sex, Zygosity};
    let model = Model::builtin().unwrap();
    let bad = Patient::new().lab(Analyte::WhiteCells, 3.0, "furlongs");
    let err = model.resolve(&bad).unwrap_err().to_string();
    assert!(err.contains("white_cells") && !err.contains("whitecells"), "{err}");
    let p = Patient::new()
        .present("macrocephaly")
        .family(FamilyHistory::ParentalConsanguinity)
        .sex(Sex::Female)
        .variant("TCIRG1", Zygosity::Biallelic);
    let resolved = model.resolve(&p).unwrap();
    let text = serde_json::to_string(&model.diagnose(&resolved)).unwrap();
    assert!(
        !text.contains("ParentalConsanguinity") && !text.contains("Female"),
        "{text}"
    );
    assert!(text.contains("TCIRG1 (biallelic)"), "{text}");
}
