//! The defects of the accuracy issue, one test each (every one of them failed on the rules and
//! engine of the first release): one patient term is one piece of evidence; signs that name a
//! condition and `against` rules are not flattened; the knowledge follows the literature; genes and
//! age carry their weight; unrelated findings do not sink a true case; look-alikes still go to
//! "none of these".

#![allow(
    clippy::float_cmp,
    reason = "tests compare exact values on purpose (the hot path against the reference, bit for bit)"
)]

use std::sync::OnceLock;

use osteodx::{DiagnosisId, Differential, KnowledgeBase, MatchKind, Model, Patient, ResolvedPatient, Zygosity};

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::builtin().expect("built-in rules"))
}

fn resolve(p: &Patient) -> ResolvedPatient {
    model().resolve(p).expect("valid patient")
}

fn id(diagnosis: &str) -> DiagnosisId {
    model()
        .diagnosis_index(diagnosis)
        .unwrap_or_else(|| panic!("no diagnosis {diagnosis}"))
}

fn posterior(d: &Differential, diagnosis: &str) -> f64 {
    d.diagnoses
        .iter()
        .find(|r| r.id == diagnosis)
        .map_or(0.0, |r| r.posterior)
}

fn ranking<'a>(d: &'a Differential<'a>) -> Vec<(&'a str, f64)> {
    d.diagnoses.iter().map(|r| (r.id, r.posterior)).collect()
}

fn rule_frequency(kb: &KnowledgeBase, diagnosis: &str, hpo: &str) -> Option<f64> {
    let f = kb.findings().iter().position(|f| f.hpo.as_deref() == Some(hpo))?;
    kb.diagnosis(diagnosis)
        .unwrap()
        .rules
        .iter()
        .find(|r| r.finding == f)
        .map(|r| r.frequency)
}

// ---------------------------------------------------------------- 1. one term, one evidence

#[test]
fn a_term_placed_on_several_findings_counts_once_per_diagnosis() {
    // Thenar muscle atrophy is outside the vocabulary and sits under several vocabulary findings
    // (skeletal muscle atrophy, abnormality of the hand, ...).
    let p = resolve(&Patient::new().present("HP:0003393"));
    assert_eq!(p.notes.placed.len(), 1);
    assert!(p.notes.placed[0].findings.len() >= 2, "{:?}", p.notes.placed);
    assert_eq!(p.len(), 1, "one observation");
    for d in model().diagnosis_ids() {
        let (e, units) = model().explain(&p, d);
        assert_eq!(e.all().count(), 1, "one contribution");
        assert_eq!(e.all().map(|c| c.units).sum::<i64>(), units);
    }
}

#[test]
fn two_terms_placed_on_the_same_findings_count_once() {
    // Two kinds of hand-muscle wasting outside the vocabulary land on the same findings.
    let one = resolve(&Patient::new().present("HP:0003393"));
    let both = resolve(&Patient::new().present("HP:0003393").present("HP:0009130"));
    assert_eq!(both.len(), 1, "{:?}", both.notes);
    for d in model().diagnosis_ids() {
        assert_eq!(model().units(&both, d), model().units(&one, d));
    }
}

#[test]
fn a_term_and_its_own_ancestor_count_once() {
    let specific = Patient::new().present("HP:0031846"); // femur fracture
    let with_ancestor = specific.clone().present("HP:0020110"); // bone fracture
    let (a, b) = (resolve(&specific), resolve(&with_ancestor));
    assert_eq!(b.len(), 1);
    assert_eq!(b.notes.subsumed.len(), 1, "{:?}", b.notes);
    for d in model().diagnosis_ids() {
        assert_eq!(model().units(&a, d), model().units(&b, d));
    }
}

// ---------------------------------------------------------------- 2. signs that decide

#[test]
fn the_melorheostosis_sign_names_melorheostosis() {
    let d = model().diagnose(&resolve(&Patient::new().present("HP:6000817").examined_at_years(30.0)));
    assert_eq!(d.diagnoses[0].id, "melorheostosis", "{:?}", ranking(&d));
    assert!(posterior(&d, "melorheostosis") > 0.5, "{:?}", ranking(&d));
    // Not clamped at LR ~190: the sign alone moves melorheostosis by more than 2.3 log10 units.
    let p = resolve(&Patient::new().present("HP:6000817"));
    assert!(model().units(&p, id("melorheostosis")) > 2_400_000);
}

#[test]
fn the_melorheostosis_sign_with_limb_pain_contracture_and_asymmetry_is_melorheostosis() {
    // The review's probe that the first release sent to osteopoikilosis at 98.9 %.
    let p = Patient::new()
        .present("HP:6000817")
        .present("HP:0009763")
        .present("HP:0034392")
        .present("HP:0100559")
        .examined_at_years(25.0);
    let d = model().diagnose(&resolve(&p));
    assert_eq!(d.diagnoses[0].id, "melorheostosis", "{:?}", ranking(&d));
    assert!(posterior(&d, "melorheostosis") > 0.8, "{:?}", ranking(&d));
}

#[test]
fn the_osteopoikilosis_sign_names_osteopoikilosis() {
    let d = model().diagnose(&resolve(&Patient::new().present("HP:0010739").examined_at_years(30.0)));
    assert_eq!(d.diagnoses[0].id, "osteopoikilosis", "{:?}", ranking(&d));
    assert!(posterior(&d, "osteopoikilosis") > 0.8, "{:?}", ranking(&d));
}

#[test]
fn a_sign_that_names_a_condition_is_not_matched_through_its_ancestors() {
    // SAPHO has a rule on hyperostosis; the flowing hyperostosis of melorheostosis is no
    // evidence for it.
    let p = resolve(&Patient::new().present("HP:6000817"));
    let (e, _) = model().explain(&p, id("sapho"));
    let c = e.all().next().unwrap();
    assert_eq!(c.matched, MatchKind::Unrelated, "{c:?}");
    assert!(c.units < 0);
}

#[test]
fn against_rules_on_rare_findings_argue_against() {
    // Sandwich vertebrae are rare among other disorders; OI's against rule must still cost.
    let p = resolve(&Patient::new().present("HP:0004618"));
    let units = model().units(&p, id("osteogenesis_imperfecta"));
    assert!(units < -500_000, "sandwich vertebrae for OI: {units}");
    // And seeing generalised osteosclerosis costs OI too.
    let p = resolve(&Patient::new().present("HP:0005789"));
    assert!(model().units(&p, id("osteogenesis_imperfecta")) < -500_000);
}

// ---------------------------------------------------------------- 3. the knowledge

#[test]
fn group_entry_class_labels_do_not_leak_to_the_whole_class() {
    let kb = model().knowledge_base();
    // S1: ORPHA:667 gives blistering and hair texture 'very frequent' for the whole class.
    assert!(rule_frequency(kb, "infantile", "HP:0008066").unwrap() <= 0.05);
    assert!(rule_frequency(kb, "infantile", "HP:0010719").unwrap() <= 0.05);
    // S2: curated values can lower: adult mandibular osteomyelitis about 0.12, not 0.9.
    assert!(rule_frequency(kb, "adult", "HP:0007626").unwrap() <= 0.2);
    assert!(rule_frequency(kb, "adult", "HP:0010628").unwrap() <= 0.1);
    // S3: CA II deficiency signs describe its share of the class, not half of it.
    assert!(rule_frequency(kb, "intermediate", "HP:0001947").unwrap() <= 0.3);
    // S5: a single reported patient is not 1.0.
    assert!(rule_frequency(kb, "x_linked", "HP:0000698").unwrap() < 0.9);
    assert!(rule_frequency(kb, "osteopoikilosis", "HP:0010816").unwrap() < 0.1);
    // Literature: visual loss is the commonest presenting sign of the infantile form.
    assert!(rule_frequency(kb, "infantile", "HP:0000572").unwrap() >= 0.5);
}

#[test]
fn child_terms_are_not_more_frequent_than_curated_parents() {
    // S6: OI mixed hearing loss was 0.9 with hearing impairment 0.17.
    let kb = model().knowledge_base();
    let parent = rule_frequency(kb, "osteogenesis_imperfecta", "HP:0000365").unwrap();
    let child = rule_frequency(kb, "osteogenesis_imperfecta", "HP:0000410").unwrap();
    assert!(child <= parent, "mixed {child} > hearing {parent}");
}

#[test]
fn fractures_are_not_pathognomonic() {
    // S8: a background of 0.00135 made any fracture near-decisive.
    let kb = model().knowledge_base();
    let fracture = kb
        .findings()
        .iter()
        .find(|f| f.hpo.as_deref() == Some("HP:0020110"))
        .unwrap();
    assert!(fracture.background > 0.005, "{}", fracture.background);
}

#[test]
fn the_missing_look_alikes_are_modelled() {
    let kb = model().knowledge_base();
    for id in [
        "osteoblastic_metastases",
        "renal_osteodystrophy",
        "skeletal_fluorosis",
        "myelofibrosis",
        "lad3",
    ] {
        assert!(kb.diagnosis(id).is_some_and(|d| d.lookalike), "{id}");
    }
}

// ---------------------------------------------------------------- 4. genes

#[test]
fn a_fitting_gene_confirms_the_type() {
    let dense = Patient::new().present("increased bone mineral density");
    for (gene, diagnosis, extra) in [
        ("CA2", "intermediate", "HP:0001947"), // with renal tubular acidosis
        // TNFSF11 is not here: genes-and-forms.md (section 2) classes biallelic TNFSF11 as infantile
        // ARO with a slower course (Orphanet ORPHA:667; onset neonatal or infantile in 6/6), so at
        // 8 years its result leaves infantile and intermediate to the phenotype (tests/genes.rs).
        ("PLEKHM1", "intermediate", "HP:0020110"),
        ("CLCN7", "adult", "HP:0020110"),
    ] {
        let z = if diagnosis == "adult" {
            Zygosity::Heterozygous
        } else {
            Zygosity::Biallelic
        };
        let p = dense.clone().present(extra).examined_at_years(8.0).variant(gene, z);
        let p = if diagnosis == "adult" {
            p.examined_at_years(35.0)
        } else {
            p
        };
        let d = model().diagnose(&resolve(&p));
        assert_eq!(d.diagnoses[0].id, diagnosis, "{gene}: {:?}", ranking(&d));
        assert!(d.diagnoses[0].posterior > 0.9, "{gene}: {:?}", ranking(&d));
    }
}

#[test]
fn a_zygosity_that_does_not_fit_still_counts() {
    let p = |z| resolve(&Patient::new().variant("TCIRG1", z));
    let (biallelic, one) = (p(Zygosity::Biallelic), p(Zygosity::Heterozygous));
    let infantile = id("infantile");
    let (b, h) = (model().units(&biallelic, infantile), model().units(&one, infantile));
    assert!(
        h > 0,
        "one TCIRG1 variant (the second may be missed) still points to ARO: {h}"
    );
    assert!(h < b);
}

// ---------------------------------------------------------------- 5. age

#[test]
fn a_ten_year_old_with_marrow_failure_is_not_sure_to_be_infantile() {
    let p = Patient::new()
        .present("increased bone mineral density")
        .present("pancytopenia")
        .examined_at_years(10.0);
    let d = model().diagnose(&resolve(&p));
    assert!(posterior(&d, "infantile") < 0.9, "{:?}", ranking(&d));
    assert!(posterior(&d, "intermediate") > 0.1, "{:?}", ranking(&d));
    // An infant with the same findings is the infantile form.
    let d = model().diagnose(&resolve(
        &Patient::new()
            .present("increased bone mineral density")
            .present("pancytopenia")
            .examined_at_years(0.3),
    ));
    assert_eq!(d.diagnoses[0].id, "infantile");
    assert!(d.diagnoses[0].posterior > 0.8, "{:?}", ranking(&d));
}

// ---------------------------------------------------------------- 6. none of these

#[test]
fn findings_the_rules_miss_do_not_send_a_true_case_to_none_of_these() {
    // An infant with ARO whose report also lists six findings no rule of ARO names.
    let p = Patient::new()
        .present("increased bone mineral density")
        .present("hepatosplenomegaly")
        .present("pancytopenia")
        .present("HP:0000822") // hypertension
        .present("HP:0002027") // abdominal pain
        .present("HP:0000508") // ptosis
        .present("HP:0001640") // cardiomegaly
        .present("HP:0000953") // hyperpigmentation of the skin
        .present("HP:0002099") // asthma
        .examined_at_years(0.5);
    let d = model().diagnose(&resolve(&p));
    assert_eq!(
        d.diagnoses[0].id,
        "infantile",
        "{:?} none {}",
        ranking(&d),
        d.none_of_these
    );
    assert!(d.none_of_these < 0.5, "none of these {}", d.none_of_these);
}

#[test]
fn a_look_alike_still_goes_to_none_of_these() {
    // Pycnodysostosis without a gene: dense bones, acro-osteolysis, open fontanelle, short stature.
    let p = Patient::new()
        .present("increased bone mineral density")
        .present("HP:0009839")
        .present("HP:0004474")
        .present("short stature")
        .examined_at_years(6.0);
    let d = model().diagnose(&resolve(&p));
    assert_eq!(d.none_of_these_rank, 1, "none {} vs {:?}", d.none_of_these, ranking(&d));
    assert_eq!(d.none_of_these_breakdown[0].id, "pycnodysostosis");
}

// ---------------------------------------------------------------- the review's probes

#[test]
fn review_probe_fractures_only_in_a_child_is_osteogenesis_imperfecta() {
    let d = model().diagnose(&resolve(&Patient::new().present("HP:0020110").examined_at_years(8.0)));
    assert_eq!(d.diagnoses[0].id, "osteogenesis_imperfecta", "{:?}", ranking(&d));
    assert!(
        d.diagnoses[0].posterior < 0.9,
        "one finding cannot make it sure: {:?}",
        ranking(&d)
    );
}

#[test]
fn review_probe_dense_bones_and_visual_loss_at_five_is_a_recessive_form() {
    let p = Patient::new()
        .present("increased bone mineral density")
        .present("HP:0000572")
        .examined_at_years(5.0);
    let d = model().diagnose(&resolve(&p));
    let recessive = posterior(&d, "infantile") + posterior(&d, "intermediate");
    assert!(recessive > 0.8, "{:?}", ranking(&d));
    // Visual loss in ADO2 is 19 % of carriers, with onset in childhood (Waguespack 2007,
    // genes-and-forms.md section 4), no longer "rare": the dominant form keeps about a tenth.
    assert!(posterior(&d, "adult") < 0.15, "{:?}", ranking(&d));
}

#[test]
fn review_probe_normal_skin_hair_and_hearing_cost_an_infant_with_aro_little() {
    let base = Patient::new()
        .present("increased bone mineral density")
        .present("pancytopenia")
        .present("hepatosplenomegaly")
        .examined_at_years(0.3);
    let examined = base
        .clone()
        .absent("HP:0008066")
        .absent("HP:0010719")
        .absent("HP:0000365");
    let infantile = id("infantile");
    let cost = model().units(&resolve(&base), infantile) - model().units(&resolve(&examined), infantile);
    assert!(cost < 300_000, "absent artefacts cost {cost} units");
    let d = model().diagnose(&resolve(&examined));
    assert_eq!(d.diagnoses[0].id, "infantile");
}
