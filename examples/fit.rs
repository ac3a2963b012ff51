//! Fit the few free constants of the scoring model on a folder of labelled cases, with a
//! split-half check of what generalises.
//!
//! ```text
//! cargo run --release --example fit -- ../shared/cases
//! ```
//!
//! The constants are fitted by grid search to minimise the mean log loss (−log10 of the
//! posterior of the true answer, "none of these" for a condition outside the knowledge base),
//! phenotype only: a proper scoring rule, so the fit rewards calibrated probabilities, not only
//! right rankings. The cases are split into two halves by publication (`evaluate::halves`); the
//! constants are fitted on each half and reported on the other, then on all cases. The grid
//! and the figures are printed; DESIGN.md records the chosen values.

use std::process::ExitCode;

use clap::Parser;
use osteodx::research::evaluate::{collect_cases, halves, DiseaseMap, Evaluation, LabelledCase, Report};
use osteodx::{KnowledgeBase, Model, Patient, Ranking, ScoringConfig};

#[macro_use]
#[path = "support/output.rs"]
mod output;

/// Fit the free constants of the scoring model on a folder of labelled cases (grid search on the
/// mean log loss, phenotype only), with a split-half check of what generalises.
#[derive(Parser)]
#[command(name = "fit")]
struct Args {
    /// The folder of labelled phenopackets (every `*.json` under it, recursively).
    #[arg(value_name = "DIR")]
    dir: String,
}

/// The grid: (constant, values).
const GRID: &[(&str, &[f64])] = &[
    ("temperature", &[1.0, 1.5, 2.0, 2.5]),
    ("dependence", &[0.0, 0.05, 0.1, 0.2]),
    ("prior_exponent", &[0.25, 0.5, 0.75]),
    ("none_prior_ratio", &[0.1, 0.3, 1.0]),
    ("background_share", &[0.1, 0.3]),
    ("false_positive_share", &[0.15, 0.3]),
];

struct Scored {
    loss: f64,
    report: Report,
}

/// Mean log loss (log10) and the report of one configuration on some cases.
fn score(kb: &KnowledgeBase, config: ScoringConfig, cases: &[(Option<String>, Patient)]) -> Scored {
    let model = Model::compile_with(kb, config);
    let mut eval = Evaluation::new(&model);
    let mut ranking = Ranking::new(&model);
    let mut loss = 0.0;
    for (truth, patient) in cases {
        let Ok(resolved) = model.resolve(patient) else { continue };
        model.rank_into(&resolved, &mut ranking);
        let p = match truth {
            Some(t) => ranking
                .entries()
                .iter()
                .find(|e| model.diagnosis_id(e.diagnosis) == t)
                .map_or(0.0, |e| e.posterior),
            None => ranking.none_posterior(),
        };
        loss -= p.max(1e-6).log10();
        eval.add_ranking(truth.as_deref(), &model, &ranking, !patient.genetics.is_empty());
    }
    Scored {
        loss: loss / cases.len().max(1) as f64,
        report: eval.report(),
    }
}

/// Every configuration of the grid.
fn configurations() -> Vec<ScoringConfig> {
    let mut out = vec![ScoringConfig::default()];
    for (name, values) in GRID {
        let mut next = Vec::with_capacity(out.len() * values.len());
        for c in &out {
            for v in *values {
                let mut c = *c;
                // The grid names only known constants.
                let _ = c.set(&format!("{name}={v}"));
                next.push(c);
            }
        }
        out = next;
    }
    out
}

fn describe(c: &ScoringConfig) -> String {
    format!(
        "temperature={} dependence={} prior_exponent={} none_prior_ratio={} background_share={} false_positive_share={} specificity_exponent={}",
        c.temperature,
        c.dependence,
        c.prior_exponent,
        c.none_prior_ratio,
        c.background_share,
        c.false_positive_share,
        c.specificity_exponent
    )
}

fn line(label: &str, s: &Scored) -> String {
    let r = &s.report;
    format!(
        "  {label:<28} log loss {:.3}  top-1 {:5.1}%  top-2 {:5.1}%  Brier {:.3}  ECE {:.3}  none first: other {:5.1}%, known {:5.1}%",
        s.loss,
        100.0 * r.top1,
        100.0 * r.top2,
        r.brier,
        r.ece,
        100.0 * r.none_first_for_other,
        100.0 * r.none_first_for_known
    )
}

fn run() -> Result<(), String> {
    let Args { dir } = Args::parse();
    let (cases, _) =
        collect_cases(&dir, &DiseaseMap::builtin().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let kb = KnowledgeBase::builtin().map_err(|e| e.to_string())?;
    let as_patients = |cases: &[LabelledCase]| -> Result<Vec<(Option<String>, Patient)>, String> {
        cases
            .iter()
            .map(|c| Ok((c.truth.clone(), c.packet.to_patient(false).map_err(|e| e.to_string())?)))
            .collect()
    };
    let (a, b) = halves(&cases);
    let (all, a, b) = (as_patients(&cases)?, as_patients(&a)?, as_patients(&b)?);
    let grid = configurations();
    eprintln!("{} configurations x {} cases", grid.len(), all.len());
    let best_on = |part: &[(Option<String>, Patient)]| {
        let mut best: Option<(f64, ScoringConfig)> = None;
        for c in &grid {
            let s = score(&kb, *c, part);
            if best.is_none_or(|(l, _)| s.loss < l) {
                best = Some((s.loss, *c));
            }
        }
        best.map(|(_, c)| c).unwrap_or_default()
    };
    say!(
        "grid: {}",
        GRID.iter()
            .map(|(n, v)| format!("{n} {v:?}"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    say!("\ndefaults: {}", describe(&ScoringConfig::default()));
    say!("{}", line("all cases", &score(&kb, ScoringConfig::default(), &all)));
    for (name, fit, other) in [("half A", &a, &b), ("half B", &b, &a)] {
        let c = best_on(fit);
        say!("\nfitted on {name}: {}", describe(&c));
        say!("{}", line(&format!("{name} (fitted on)"), &score(&kb, c, fit)));
        say!("{}", line("the other half (held out)", &score(&kb, c, other)));
    }
    let c = best_on(&all);
    say!("\nfitted on all cases: {}", describe(&c));
    say!("{}", line("all cases", &score(&kb, c, &all)));
    say!("{}", line("half A", &score(&kb, c, &a)));
    say!("{}", line("half B", &score(&kb, c, &b)));
    Ok(())
}

fn main() -> ExitCode {
    output::exit_code("fit", run())
}
