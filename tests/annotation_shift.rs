//! The false-positive value per diagnosis by its number of rules
//! (`ScoringConfig::annotation_exponent`): a finding no rule explains costs a richly annotated
//! diagnosis more than a sparsely annotated one, in the hot path, the explanation and the
//! reference scorer alike, in both table layouts.

#![allow(
    clippy::float_cmp,
    reason = "tests compare exact values on purpose (the hot path against the reference, bit for bit)"
)]

use std::fmt::Write as _;
use std::sync::OnceLock;

use osteodx::research::reference::ReferenceScorer;
use osteodx::{KnowledgeBase, Model, Patient, Ranking, RuleSet, ScoringConfig};
use proptest::prelude::*;

/// The constants of these tests: the shift on, with a reference near the middle of the rule
/// counts below so that both signs occur.
fn shifted() -> ScoringConfig {
    ScoringConfig {
        annotation_exponent: 1.5,
        annotation_reference: 8.0,
        ..ScoringConfig::default()
    }
}

const FINDINGS: usize = 120;

/// A knowledge base of `n` diagnoses over 120 findings (every other one with a parent), where
/// diagnosis `d` has 1 + (7d mod 30) rules, so that their numbers of rules, and with them their
/// shifts, differ. Above 64 diagnoses the tables are sparse, at most 64 dense.
fn varied_knowledge_base(n: usize) -> KnowledgeBase {
    let mut findings = String::new();
    for f in 0..FINDINGS {
        let _ = write!(
            findings,
            "[[finding]]\nid = \"f{f}\"\nlabel = \"Finding {f}\"\nbackground = 0.0{}\n",
            1 + f % 9
        );
        if f % 2 == 1 {
            let _ = writeln!(findings, "parents = [\"f{}\"]", f / 3);
        }
        findings.push('\n');
    }
    let mut set = RuleSet::from_text("findings.toml", &findings).unwrap();
    for d in 0..n {
        let mut text = format!(
            "[diagnosis]\nid = \"d{d}\"\nname = \"Diagnosis {d}\"\ninheritance = \"mixed\"\nprevalence = {}e-6\n",
            1 + d % 4
        );
        for r in 0..=(7 * d) % 30 {
            let f = (d * 13 + r * 17) % FINDINGS;
            let _ = write!(
                text,
                "[[rule]]\nfinding = \"f{f}\"\nfrequency = 0.{}\n",
                1 + (d + r) % 9
            );
        }
        set = set.overlay(RuleSet::from_text(&format!("d{d}.toml"), &text).unwrap());
    }
    KnowledgeBase::new(set).unwrap()
}

/// `n` findings `f0`, `f1`, … without parents, each of background 0.05.
fn flat_findings(n: usize) -> RuleSet {
    let mut findings = String::new();
    for f in 0..n {
        let _ = writeln!(
            findings,
            "[[finding]]\nid = \"f{f}\"\nlabel = \"Finding {f}\"\nbackground = 0.05\n"
        );
    }
    RuleSet::from_text("findings.toml", &findings).unwrap()
}

/// The shift with a selection factor for absent findings, as in the catalogue: an absent
/// finding no rule covers then gains more for a sparser diagnosis
/// (`ScoringConfig::unlisted_absent_llr`).
fn shifted_and_selected() -> ScoringConfig {
    ScoringConfig {
        absent_selection: 16.0,
        ..shifted()
    }
}

/// Over 45 flat findings, a sparse diagnosis (prevalence 1e-6, one rule: f0 at 0.5) and a rich
/// one of prevalence `rich_prevalence` with the same rule and 40 more (f2 to f41 at 0.3).
fn sparse_and_rich(rich_prevalence: &str) -> KnowledgeBase {
    let set = flat_findings(45);
    let sparse = "[diagnosis]\nid = \"sparse\"\nname = \"Sparse\"\ninheritance = \"mixed\"\nprevalence = 1e-6\n[[rule]]\nfinding = \"f0\"\nfrequency = 0.5\n";
    let mut rich = format!(
        "[diagnosis]\nid = \"rich\"\nname = \"Rich\"\ninheritance = \"mixed\"\nprevalence = {rich_prevalence}\n[[rule]]\nfinding = \"f0\"\nfrequency = 0.5\n"
    );
    for f in 2..42 {
        let _ = write!(rich, "[[rule]]\nfinding = \"f{f}\"\nfrequency = 0.3\n");
    }
    let set = set
        .overlay(RuleSet::from_text("sparse.toml", sparse).unwrap())
        .overlay(RuleSet::from_text("rich.toml", &rich).unwrap());
    KnowledgeBase::new(set).unwrap()
}

fn models() -> &'static [Model] {
    static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
    MODELS.get_or_init(|| {
        vec![
            Model::compile_with(&varied_knowledge_base(40), shifted()),
            Model::compile_with(&varied_knowledge_base(100), shifted()),
            Model::compile_with(&KnowledgeBase::builtin().unwrap(), shifted()),
            Model::compile_with(&varied_knowledge_base(40), shifted_and_selected()),
            Model::compile_with(&varied_knowledge_base(100), shifted_and_selected()),
        ]
    })
}

fn patient_of(m: &Model, picks: &[usize]) -> Patient {
    let ids: Vec<&str> = m
        .knowledge_base()
        .findings()
        .iter()
        .filter(|f| !f.kind.is_context())
        .map(|f| f.id.as_str())
        .collect();
    let mut p = Patient::new();
    for (i, &pick) in picks.iter().enumerate() {
        let id = ids[pick % ids.len()];
        if p.present.iter().any(|x| x == id) || p.absent.iter().any(|x| x == id) {
            continue;
        }
        p = if i % 4 == 3 { p.absent(id) } else { p.present(id) };
    }
    p
}

#[test]
fn an_unexplained_finding_costs_a_rich_diagnosis_more_than_a_sparse_one() {
    // Two diagnoses with one shared rule; the rich one has 40 more. A patient with the shared
    // finding and one neither explains: without the shift, the rich one wins on its prior
    // (3e-6 against 1e-6) and the same evidence; with it, the sparse one does.
    let kb = sparse_and_rich("3e-6");
    let patient = Patient::new().present("f0").present("f44");
    let top = |config: ScoringConfig| {
        let m = Model::compile_with(&kb, config);
        let ranking = m.rank(&m.resolve(&patient).unwrap());
        m.diagnosis_id(ranking.entries()[0].diagnosis).to_owned()
    };
    assert_eq!(top(ScoringConfig::default()), "rich");
    let config = ScoringConfig {
        annotation_exponent: 1.0,
        annotation_reference: 8.0,
        ..ScoringConfig::default()
    };
    assert_eq!(top(config), "sparse");
    // The finding both explain costs neither anything extra: only f44 moves them apart.
    let m = Model::compile_with(&kb, config);
    let units = |q: &Patient, id: &str| m.units(&m.resolve(q).unwrap(), m.diagnosis_index(id).unwrap());
    let alone = Patient::new().present("f0");
    let plain = Model::compile(&kb);
    let plain_units = |id: &str| plain.units(&plain.resolve(&alone).unwrap(), plain.diagnosis_index(id).unwrap());
    assert_eq!(units(&alone, "sparse"), plain_units("sparse"));
    assert_eq!(units(&alone, "rich"), plain_units("rich"));
    let shift = |n: usize| (config.false_positive_shift(n) * 1e6).round() as i64;
    assert!(shift(1) > 0 && shift(41) < 0);
    assert_eq!(
        units(&patient, "sparse") - units(&alone, "sparse"),
        units(&Patient::new().present("f44"), "sparse")
    );
    assert_eq!(
        units(&patient, "rich") - units(&alone, "rich") - (units(&patient, "sparse") - units(&alone, "sparse")),
        shift(41) - shift(1)
    );
    // The explanation names the part of the unexplained finding's value that the shift is.
    let resolved = m.resolve(&patient).unwrap();
    for (id, n) in [("rich", 41), ("sparse", 1)] {
        let (explanation, _) = m.explain(&resolved, m.diagnosis_index(id).unwrap());
        let f44 = explanation.all().find(|c| c.evidence == "f44").unwrap();
        assert_eq!(f44.matched, osteodx::MatchKind::Unrelated);
        assert_eq!(f44.annotation_shift, Some(shift(n) as f64 / 1e6), "{id}");
        let f0 = explanation.all().find(|c| c.evidence == "f0").unwrap();
        assert_eq!(f0.annotation_shift, None, "a rule explains f0");
    }
    let (explanation, _) = plain.explain(
        &plain.resolve(&patient).unwrap(),
        plain.diagnosis_index("rich").unwrap(),
    );
    assert!(explanation.all().all(|c| c.annotation_shift.is_none()));
}

/// A finding observed absent that no rule of a diagnosis covers may be a feature its rules do
/// not list, the likelier the sparser the diagnosis (π = `U_D` · bg / p̄); where a source lists the
/// absent features of its diagnosis (`absent_selection` k above 1), that absence then says more
/// for the sparse diagnosis than for the rich one. With k = 1 it is the plain model's value at the
/// diagnosis's own false-positive value.
#[test]
fn an_absent_finding_no_rule_covers_says_more_for_a_sparse_diagnosis_when_sources_select() {
    let kb = sparse_and_rich("1e-6");
    let patient = Patient::new().absent("f44");
    let value = |config: ScoringConfig, id: &str| {
        let m = Model::compile_with(&kb, config);
        m.units(&m.resolve(&patient).unwrap(), m.diagnosis_index(id).unwrap())
    };
    let selected = ScoringConfig {
        annotation_exponent: 1.0,
        annotation_reference: 8.0,
        absent_selection: 16.0,
        ..ScoringConfig::default()
    };
    let shift = |n: usize| (selected.false_positive_shift(n) * 1e6).round() / 1e6;
    let expected = |c: ScoringConfig, n: usize| (c.unlisted_absent_llr(0.05, shift(n)) * 1e6).round() as i64;
    assert_eq!(value(selected, "sparse"), expected(selected, 1));
    assert_eq!(value(selected, "rich"), expected(selected, 41));
    assert!(value(selected, "sparse") > value(selected, "rich"));
    // One rule against n_ref 8 shifts by log10 8 ≈ 0.9, kept at 0.8 so that U = 0.15 · 10^0.8 stays
    // below 1: π = U · 0.05 / 0.35, and the value is log10((1 − π + 16 π 0.65) / 0.95).
    let pi = 0.15 * 10f64.powf(0.8) * 0.05 / 0.35;
    assert_eq!(shift(1), 0.8);
    assert_eq!(
        value(selected, "sparse"),
        (((1.0 - pi + 16.0 * pi * 0.65) / 0.95f64).log10() * 1e6).round() as i64
    );
    // Without selection (k = 1): the plain model at each diagnosis's own false-positive value.
    let unselected = ScoringConfig {
        absent_selection: 1.0,
        ..selected
    };
    for (id, n) in [("sparse", 1), ("rich", 41)] {
        let u = 0.15 * 10f64.powf(shift(n));
        let plain = ((1.0 - u * 0.05) / 0.95f64).log10();
        assert_eq!(value(unselected, id), (plain * 1e6).round() as i64, "{id}");
    }
    // Without the shift, both diagnoses get the same value, above the plain model's.
    let flat = ScoringConfig {
        annotation_exponent: 0.0,
        ..selected
    };
    assert_eq!(value(flat, "sparse"), value(flat, "rich"));
    assert!(value(flat, "rich") > value(ScoringConfig::default(), "rich"));
    // The explanation names the part that comes from the diagnosis's shift.
    let m = Model::compile_with(&kb, selected);
    let resolved = m.resolve(&patient).unwrap();
    for (id, n) in [("sparse", 1), ("rich", 41)] {
        let (explanation, _) = m.explain(&resolved, m.diagnosis_index(id).unwrap());
        let absent = explanation.all().find(|c| c.evidence == "no f44").unwrap();
        assert_eq!(absent.matched, osteodx::MatchKind::Unrelated);
        let unshifted = (selected.unlisted_absent_llr(0.05, 0.0) * 1e6).round() as i64;
        let part = expected(selected, n) - unshifted;
        assert_ne!(part, 0);
        assert_eq!(absent.annotation_shift, Some(part as f64 / 1e6), "{id}");
    }
}

/// A rule never costs more than no rule: a very rare rule of a sparsely annotated diagnosis is
/// floored at that diagnosis's own (shifted) false-positive value, not at the plain one.
#[test]
fn a_rare_rule_never_costs_more_than_no_rule_with_the_shift() {
    let mut set = flat_findings(3);
    let sparse = "[diagnosis]\nid = \"sparse\"\nname = \"Sparse\"\ninheritance = \"mixed\"\nprevalence = 1e-6\n[[rule]]\nfinding = \"f0\"\nfrequency = 0.005\n";
    set = set.overlay(RuleSet::from_text("sparse.toml", sparse).unwrap());
    let kb = KnowledgeBase::new(set).unwrap();
    for config in [ScoringConfig::default(), shifted()] {
        let m = Model::compile_with(&kb, config);
        let d = m.diagnosis_index("sparse").unwrap();
        let units = |f: &str| m.units(&m.resolve(&Patient::new().present(f)).unwrap(), d);
        // The rule on f0 (0.005 against a background of 0.05) is below the false-positive value.
        assert_eq!(units("f0"), units("f1"), "{config:?}");
        let reference = ReferenceScorer::new(m.knowledge_base(), *m.config());
        let resolved = m.resolve(&Patient::new().present("f0")).unwrap();
        let plain = reference.rank(&ReferenceScorer::patient_from(&m, &resolved));
        assert_eq!(plain[0].1, units("f0") as f64 / 1e6);
    }
    // With the shift, that value is higher than the plain one (one rule is far below n_ref).
    let value = |config| {
        let m = Model::compile_with(&kb, config);
        m.units(
            &m.resolve(&Patient::new().present("f0")).unwrap(),
            m.diagnosis_index("sparse").unwrap(),
        )
    };
    assert!(value(shifted()) > value(ScoringConfig::default()));
}

#[test]
fn without_the_exponent_every_diagnosis_has_the_same_false_positive_value() {
    let kb = varied_knowledge_base(100);
    let m = Model::compile(&kb);
    let p = m.resolve(&Patient::new().present("f119")).unwrap();
    assert_eq!(m.n_diagnoses(), 100);
    let values: Vec<i64> = m.diagnosis_ids().map(|d| m.units(&p, d)).filter(|&u| u < 0).collect();
    assert!(values.len() > 50);
    assert!(values.iter().all(|&u| u == values[0]), "{values:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// With the shift, both layouts agree with the reference scorer (which counts each
    /// diagnosis's rules on its own), top k included; the explanation adds up to the hot path's
    /// total; the posteriors of every hypothesis sum to 1.
    #[test]
    fn the_shift_agrees_with_the_reference_and_the_explanation(
        picks in proptest::collection::vec(0usize..1000, 0..16),
        k in 1usize..12,
    ) {
        for m in models() {
            let resolved = m.resolve(&patient_of(m, &picks)).unwrap();
            let reference = ReferenceScorer::new(m.knowledge_base(), *m.config());
            let plain = reference.rank(&ReferenceScorer::patient_from(m, &resolved));
            let mut top = Ranking::new(m);
            m.rank_top_into(&resolved, k, &mut top);
            prop_assert_eq!(top.entries().len(), k.min(m.n_ranked()));
            for (e, (id, lr, post)) in top.entries().iter().zip(&plain) {
                prop_assert_eq!(m.diagnosis_id(e.diagnosis), id.as_str());
                prop_assert_eq!(e.log10_lr, *lr);
                prop_assert!((e.posterior - post).abs() < 1e-9, "{} {} {}", id, e.posterior, post);
                let (explanation, _) = m.explain(&resolved, e.diagnosis);
                let sum: i64 = explanation.all().map(|c| c.units).sum();
                prop_assert_eq!(sum as f64 / 1e6, e.log10_lr);
            }
            prop_assert!((top.none_posterior() - plain.last().unwrap().2).abs() < 1e-9);
            let full = m.rank(&resolved);
            let total: f64 = full.entries().iter().map(|e| e.posterior).sum::<f64>() + full.none_posterior();
            prop_assert!((total - 1.0).abs() < 1e-9, "{total}");
            prop_assert_eq!(top.entries(), &full.entries()[..top.entries().len()]);
        }
    }
}
