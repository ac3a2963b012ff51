//! How solid the answer is: margins, decisive findings, sensitivity to the rules' weights.

#![allow(
    clippy::float_cmp,
    reason = "tests compare exact values on purpose (the hot path against the reference, bit for bit)"
)]

use osteodx::UNCERTAIN_MARGIN_LOG10;
use osteodx::{Model, Patient};

fn model() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| Model::builtin().unwrap())
}

/// A patient of vocabulary findings by id: (id, present).
fn patient(findings: &[(&str, bool)]) -> Patient {
    findings.iter().fold(
        Patient::new(),
        |p, &(id, present)| {
            if present {
                p.present(id)
            } else {
                p.absent(id)
            }
        },
    )
}

fn first_of(findings: &[(&str, bool)]) -> String {
    let m = model();
    let d = m.diagnose(&m.resolve(&patient(findings)).unwrap());
    match d.diagnoses.first() {
        Some(top) if top.posterior >= d.none_of_these => top.id.to_owned(),
        _ => "none_of_these".to_owned(),
    }
}

const CLOSE: [(&str, bool); 3] = [
    ("generalized_osteosclerosis", true),
    ("anemia", true),
    ("onset_childhood", true),
];

const CLEAR: [(&str, bool); 4] = [
    ("blue_sclerae", true),
    ("recurrent_fractures", true),
    ("dentinogenesis_imperfecta", true),
    ("generalized_osteosclerosis", false),
];

#[test]
fn close_calls_are_flagged_and_clear_ones_are_not() {
    let m = model();
    let close = m.robustness(&m.resolve(&patient(&CLOSE)).unwrap());
    assert!(close.uncertain, "{close:?}");
    assert!(close.margin_log10 < UNCERTAIN_MARGIN_LOG10);
    assert!((close.margin_log10 - (close.first_posterior / close.second_posterior).log10()).abs() < 1e-12);
    let clear = m.robustness(&m.resolve(&patient(&CLEAR)).unwrap());
    assert_eq!(clear.first, "osteogenesis_imperfecta");
    assert!(!clear.uncertain && clear.margin_log10 > 2.0, "{clear:?}");
}

#[test]
fn decisive_findings_change_the_first_and_are_the_fewest() {
    let m = model();
    for case in [&CLOSE[..], &CLEAR[..]] {
        let r = m.robustness(&m.resolve(&patient(case)).unwrap());
        assert_eq!(first_of(case), r.first);
        let removal = r.removal.expect("some removal changes the first");
        // Removing them changes the first to what the report says.
        let rest: Vec<(&str, bool)> = case
            .iter()
            .copied()
            .filter(|(id, _)| !removal.findings.iter().any(|f| f == id))
            .collect();
        assert_eq!(first_of(&rest), removal.first_after, "{removal:?}");
        assert_ne!(removal.first_after, r.first);
        // No smaller set does: every set of one fewer keeps the first (checked for sets of 2).
        if removal.findings.len() == 2 {
            for f in &removal.findings {
                let rest: Vec<(&str, bool)> = case.iter().copied().filter(|(id, _)| id != f).collect();
                assert_eq!(first_of(&rest), r.first);
            }
        }
        if let Some(flip) = r.flip {
            let flipped: Vec<(&str, bool)> = case
                .iter()
                .map(|&(id, present)| (id, present ^ flip.findings.iter().any(|f| f == id)))
                .collect();
            assert_eq!(first_of(&flipped), flip.first_after, "{flip:?}");
            assert_ne!(flip.first_after, r.first);
        }
    }
}

#[test]
fn sensitivity_brackets_the_posterior_and_repeats() {
    let m = model();
    let p = m.resolve(&patient(&CLOSE)).unwrap();
    let s = m.sensitivity(&p, 6, 7);
    assert!(s.low <= s.posterior && s.posterior <= s.high, "{s:?}");
    assert!(s.high > s.low, "perturbed weights move the posterior: {s:?}");
    assert!((0.0..=1.0).contains(&s.stays_first));
    assert_eq!(s, m.sensitivity(&p, 6, 7));
    let none = m.sensitivity(&p, 0, 7);
    assert_eq!(
        (none.low, none.high, none.stays_first),
        (none.posterior, none.posterior, 1.0)
    );
    // A clear answer stays first under every perturbation.
    let clear = m.sensitivity(&m.resolve(&patient(&CLEAR)).unwrap(), 6, 7);
    assert_eq!(clear.stays_first, 1.0, "{clear:?}");
}
