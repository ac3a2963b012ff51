//! Properties of the scorer, checked with proptest on random patients over the built-in rules.

#![allow(
    clippy::float_cmp,
    reason = "tests compare exact values on purpose (the hot path against the reference, bit for bit)"
)]

use std::sync::OnceLock;

use osteodx::research::reference::ReferenceScorer;
use osteodx::rule_file::FindingKind;
use osteodx::{KnowledgeBase, Model, Patient, Ranking, ResolvedPatient, RuleSet, Sex};
use proptest::prelude::*;

mod common;
use common::lineage;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::builtin().expect("built-in rules"))
}

fn clinical_ids() -> &'static Vec<String> {
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        model()
            .knowledge_base()
            .findings()
            .iter()
            .filter(|f| !f.kind.is_context())
            .map(|f| f.id.clone())
            .collect()
    })
}

/// A random patient: up to 12 present and 4 absent clinical findings (disjoint), maybe sex,
/// maybe an onset age, maybe a gene.
fn patient() -> impl Strategy<Value = Patient> {
    let n = clinical_ids().len();
    (
        proptest::collection::btree_set(0..n, 0..12),
        proptest::collection::btree_set(0..n, 0..4),
        proptest::option::of(prop_oneof![Just(Sex::Male), Just(Sex::Female)]),
        proptest::option::of(0.0f64..60.0),
        proptest::option::of(prop_oneof![Just("TCIRG1"), Just("CLCN7"), Just("COL1A1"), Just("CTSK")]),
    )
        .prop_map(|(present, absent, sex, onset, gene)| {
            let ids = clinical_ids();
            let mut p = Patient::new();
            for &i in &present {
                p = p.present(ids[i].clone());
            }
            for i in absent.difference(&present) {
                p = p.absent(ids[*i].clone());
            }
            p.sex = sex;
            p.age_at_onset_years = onset;
            if let Some(g) = gene {
                p = p.variant(g, osteodx::Zygosity::Heterozygous);
            }
            p
        })
}

/// The regression proptest found (tests/properties.proptest-regressions): a patient with
/// hypophosphatemia given renal hypophosphatemia as well scores as renal hypophosphatemia alone,
/// for every diagnosis; the more specific term is the evidence, not an addition to it.
#[test]
fn a_more_specific_finding_replaces_its_ancestor() {
    let m = model();
    let both = resolve(
        &Patient::new()
            .present("hypophosphatemia")
            .present("renal_hypophosphatemia"),
    );
    let specific = resolve(&Patient::new().present("renal_hypophosphatemia"));
    let general = resolve(&Patient::new().present("hypophosphatemia"));
    for id in m.diagnosis_ids() {
        assert_eq!(m.units(&both, id), m.units(&specific, id));
    }
    let rickets = m.diagnosis_index("rickets").unwrap();
    assert!(
        m.units(&specific, rickets) < m.units(&general, rickets),
        "the refinement the test guards against"
    );
}

/// Adding the finding of rule `rule` of diagnosis `index` (one it expects more often than
/// other disorders) to `p` never lowers that diagnosis's log LR; cases where the finding is not
/// new evidence are rejected.
fn expected_finding_does_not_lower(p: &Patient, index: usize, rule: usize) -> Result<(), TestCaseError> {
    let kb = model().knowledge_base();
    let d = &kb.diagnoses()[index];
    let r = &d.rules[rule];
    let f = &kb.findings()[r.finding];
    prop_assume!(!r.against && r.frequency > f.background);
    prop_assume!(!p.present.contains(&f.id) && !p.absent.contains(&f.id));
    prop_assume!(!f.kind.is_context() || !p.present.iter().any(|x| kb.finding(x.as_str()).unwrap().kind == f.kind));
    // A finding related to a present one refines it (a descendant replaces its ancestor) or
    // is implied by it (an ancestor adds nothing): that is not new evidence
    // (`a_more_specific_finding_replaces_its_ancestor`).
    let fi = kb.finding_index(&f.id).unwrap();
    prop_assume!(!p.present.iter().any(|x| {
        let xi = kb.finding_index(x).unwrap();
        lineage(kb, xi).contains(&fi) || lineage(kb, fi).contains(&xi)
    }));
    // Look-alikes included: model.units gives any diagnosis's total.
    let id = model().diagnosis_at(index).expect("a diagnosis of the model");
    let before = model().units(&resolve(p), id);
    let after = model().units(&resolve(&p.clone().present(f.id.clone())), id);
    prop_assert!(after >= before, "{} on {}: {} -> {}", f.id, d.id, before, after);
    Ok(())
}

/// The patients of the other two regressions proptest found for the property above
/// (tests/properties.proptest-regressions): no findings at all, and only
/// `abnormal_limb_bone_morphology` absent. For these, every rule of every diagnosis is tried.
#[test]
fn an_expected_finding_never_lowers_the_likelihood_ratio_of_the_regressions() {
    let kb = model().knowledge_base();
    let mut tried = 0;
    for p in [Patient::new(), Patient::new().absent("abnormal_limb_bone_morphology")] {
        for (index, d) in kb.diagnoses().iter().enumerate() {
            for rule in 0..d.rules.len() {
                match expected_finding_does_not_lower(&p, index, rule) {
                    Ok(()) => tried += 1,
                    Err(TestCaseError::Reject(_)) => {}
                    Err(e) => panic!("{e}"),
                }
            }
        }
    }
    assert!(tried > 500, "only {tried} cases tried");
}

fn resolve(p: &Patient) -> ResolvedPatient {
    model().resolve(p).expect("random patients are valid")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn finding_order_never_matters(p in patient(), seed in any::<u64>()) {
        let mut shuffled = p.clone();
        let k = shuffled.present.len().max(1);
        shuffled.present.rotate_left((seed as usize) % k);
        shuffled.present.reverse();
        shuffled.absent.reverse();
        let a = model().diagnose(&resolve(&p));
        let b = model().diagnose(&resolve(&shuffled));
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }

    #[test]
    fn probabilities_are_finite_and_sum_to_one(p in patient()) {
        let d = model().diagnose(&resolve(&p));
        let mut sum = d.none_of_these;
        prop_assert!(d.none_of_these.is_finite() && d.none_of_these >= 0.0);
        for r in &d.diagnoses {
            prop_assert!(r.posterior.is_finite() && r.posterior >= 0.0 && r.log10_lr.is_finite());
            sum += r.posterior;
        }
        prop_assert!((sum - 1.0).abs() < 1e-9, "sum {}", sum);
        for w in d.diagnoses.windows(2) {
            prop_assert!(w[0].posterior >= w[1].posterior);
        }
    }

    #[test]
    fn an_expected_finding_never_lowers_the_likelihood_ratio(p in patient(), pick in any::<prop::sample::Index>(), rule in any::<prop::sample::Index>()) {
        let kb = model().knowledge_base();
        let index = pick.index(kb.diagnoses().len());
        let rule = rule.index(kb.diagnoses()[index].rules.len());
        expected_finding_does_not_lower(&p, index, rule)?;
    }

    /// The explanation adds up to the score the hot path computed: the contributions of each
    /// diagnosis (explain, the slow path) sum to the total `rank_into` ranked it by.
    #[test]
    fn explanations_add_up_to_the_hot_path_score(p in patient()) {
        let resolved = resolve(&p);
        let mut ranking = Ranking::new(model());
        model().rank_into(&resolved, &mut ranking);
        for e in ranking.entries() {
            let (explanation, _) = model().explain(&resolved, e.diagnosis);
            let sum: i64 = explanation.all().map(|c| c.units).sum();
            prop_assert_eq!(sum as f64 / 1e6, e.log10_lr, "{}", model().diagnosis_id(e.diagnosis));
        }
    }

    #[test]
    fn compiled_model_agrees_with_the_reference_scorer(p in patient()) {
        let m = model();
        let resolved = resolve(&p);
        let reference = ReferenceScorer::new(m.knowledge_base(), *m.config());
        let plain = reference.rank(&ReferenceScorer::patient_from(m, &resolved));
        let fast = m.rank(&resolved);
        for (e, (id, lr, post)) in fast.entries().iter().zip(&plain) {
            prop_assert_eq!(m.diagnosis_id(e.diagnosis), id.as_str());
            prop_assert_eq!(e.log10_lr, *lr);
            prop_assert!((e.posterior - post).abs() < 1e-9);
        }
        prop_assert!((fast.none_posterior() - plain.last().unwrap().2).abs() < 1e-9);
    }

    #[test]
    fn top_k_is_a_prefix_of_the_full_ranking(p in patient(), k in 1usize..7) {
        let resolved = resolve(&p);
        let full = model().rank(&resolved);
        let mut top = Ranking::new(model());
        model().rank_top_into(&resolved, k, &mut top);
        prop_assert_eq!(top.entries(), &full.entries()[..k]);
        prop_assert_eq!(top.none_posterior(), full.none_posterior());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn reloading_the_knowledge_base_gives_identical_scores(patients in proptest::collection::vec(patient(), 1..8)) {
        static RELOADED: OnceLock<Model> = OnceLock::new();
        let reloaded = RELOADED.get_or_init(|| {
            let mut set = RuleSet::default();
            for (name, text) in model().knowledge_base().to_rule_files() {
                set = set.overlay(RuleSet::from_text(&name, &text).unwrap());
            }
            Model::compile(&KnowledgeBase::new(set).unwrap())
        });
        for p in &patients {
            let a = model().rank(&resolve(p));
            let b = reloaded.rank(&reloaded.resolve(p).unwrap());
            prop_assert_eq!(a.entries(), b.entries());
        }
    }

    #[test]
    fn batch_scoring_matches_one_by_one(patients in proptest::collection::vec(patient(), 1..30)) {
        let resolved: Vec<ResolvedPatient> = patients.iter().map(resolve).collect();
        let batch = model().rank_batch(&resolved, 3);
        let mut r = Ranking::new(model());
        for (i, p) in resolved.iter().enumerate() {
            model().rank_top_into(p, 3, &mut r);
            prop_assert_eq!(batch.patient(i), r.entries());
            prop_assert_eq!(batch.none_posterior[i], r.none_posterior());
        }
    }

    #[test]
    fn an_obligate_finding_observed_absent_lowers_the_likelihood_ratio(p in patient(), pick in any::<prop::sample::Index>()) {
        // A test diagnosis with one obligate finding, over the built-in rules.
        static BASE: OnceLock<RuleSet> = OnceLock::new();
        let kb = model().knowledge_base();
        let clinical: Vec<_> = kb.findings().iter().filter(|f| f.kind == FindingKind::Phenotype).collect();
        let f = pick.get(&clinical);
        // An absent finding under another absent one is implied by it and dropped (tested in api).
        prop_assume!(!p.present.contains(&f.id) && p.absent.is_empty());
        let base = BASE.get_or_init(|| RuleSet::builtin().unwrap()).clone();
        let text = format!(
            "[diagnosis]\nid = \"obligate_test\"\nname = \"Test\"\ninheritance = \"mixed\"\nprevalence = 1e-5\n[[rule]]\nfinding = \"{}\"\nfrequency = \"obligate\"\n",
            f.id
        );
        let m = Model::compile(&KnowledgeBase::new(base.overlay(RuleSet::from_text("t.toml", &text).unwrap())).unwrap());
        // Its log LR falls. (Not a theorem for the posterior: one more observation also reweighs
        // all the others through the design effect, `ScoringConfig::dependence`.)
        let id = m.diagnosis_index("obligate_test").unwrap();
        let lr = |q: &Patient| m.units(&m.resolve(q).unwrap(), id);
        let with_absent = p.clone().absent(f.id.clone());
        prop_assert!(lr(&with_absent) < lr(&p), "{}: {} -> {}", f.id, lr(&p), lr(&with_absent));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// Both table layouts (dense rows for small knowledge bases, sparse postings for large ones)
    /// agree with the plain reference scorer, top-k included.
    #[test]
    fn dense_and_sparse_layouts_agree_with_the_reference(picks in proptest::collection::vec(0usize..300, 1..20), k in 1usize..12) {
        static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
        let models = MODELS.get_or_init(|| {
            [40usize, 100]
                .iter()
                .map(|&d| Model::compile(&osteodx::research::simulate::synthetic_knowledge_base(d, 300, 10, d as u64).unwrap()))
                .collect()
        });
        for m in models {
            let mut p = Patient::new();
            for &i in &picks {
                p = p.present(format!("f{i}"));
            }
            let resolved = m.resolve(&p).unwrap();
            let reference = ReferenceScorer::new(m.knowledge_base(), *m.config());
            let plain = reference.rank(&ReferenceScorer::patient_from(m, &resolved));
            let mut top = Ranking::new(m);
            m.rank_top_into(&resolved, k, &mut top);
            for (e, (id, lr, post)) in top.entries().iter().zip(&plain) {
                prop_assert_eq!(m.diagnosis_id(e.diagnosis), id.as_str());
                prop_assert_eq!(e.log10_lr, *lr);
                prop_assert!((e.posterior - post).abs() < 1e-9);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Junk in, an error out: rule files, phenopackets and patients never panic.
    #[test]
    fn junk_never_panics(text in "\\PC{0,300}", lines in proptest::collection::vec("[a-z_\\[\\]=\" 0-9.\\-:]{0,40}", 0..12)) {
        let toml_like = lines.join("\n");
        for t in [&text, &toml_like] {
            let _ = RuleSet::from_text("junk.toml", t).and_then(KnowledgeBase::new);
            let _ = osteodx::research::phenopacket::Phenopacket::from_json(t).and_then(|p| p.to_patient(true));
            if let Ok(p) = Patient::from_json(t) {
                let _ = model().resolve(&p).map(|r| model().diagnose(&r));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any names, ages, lab values and genes: resolution either works or says why.
    #[test]
    fn odd_patients_never_panic(
        names in proptest::collection::vec("\\PC{0,30}", 0..6),
        absent in proptest::collection::vec("HP:[0-9]{7}", 0..4),
        age in proptest::option::of(proptest::num::f64::ANY),
        value in proptest::num::f64::ANY,
        unit in prop_oneof![Just("g/dL".to_owned()), Just("10^9/L".to_owned()), "\\PC{0,8}"],
        gene in "\\PC{0,10}",
    ) {
        let mut p = Patient::new().lab(osteodx::Analyte::Platelets, value, unit).variant(gene, osteodx::Zygosity::Any);
        p.present = names;
        p.absent = absent;
        p.age_at_onset_years = age;
        if let Ok(r) = model().resolve(&p) {
            let d = model().diagnose(&r);
            let sum: f64 = d.diagnoses.iter().map(|x| x.posterior).sum::<f64>() + d.none_of_these;
            prop_assert!((sum - 1.0).abs() < 1e-9);
        }
    }
}
