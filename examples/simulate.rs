//! Generate synthetic patients from a knowledge base and evaluate the rules on them.
//!
//! ```text
//! cargo run --release --example simulate -- 1000
//! cargo run --release --example simulate -- 500 --seed 7 --drop 0.3 --imprecision 0.5 --unrelated 4 --format json
//! ```
//!
//! Options: `N` (patients, default 1000), `--seed S`, `--drop P`, `--imprecision P`,
//! `--unrelated N` (most unrelated findings added), `--max-findings N`, `--no-context`,
//! `--rules PATH` (rules put over the built-in ones, used both to sample and to score),
//! `--format text|json`, `--write DIR` (also write each patient as JSON, with its truth).
//! The noise model is documented in `osteodx::research::simulate`; a fixed seed reproduces a run.

use std::process::ExitCode;

use clap::Parser;
use osteodx::research::evaluate::Evaluation;
use osteodx::research::simulate::{simulate, SimulationConfig};
use osteodx::{KnowledgeBase, Model, RuleSet};

#[macro_use]
#[path = "support/output.rs"]
mod output;

/// Generate synthetic patients from a knowledge base and evaluate the rules on them; a fixed
/// seed reproduces a run (the noise model is documented in `osteodx::research::simulate`).
#[derive(Parser)]
#[command(name = "simulate", args_override_self = true)]
pub(crate) struct Args {
    /// Patients to simulate.
    #[arg(value_name = "N", default_value_t = 1000)]
    n: usize,
    /// The seed of the generator.
    #[arg(long, value_name = "S", default_value_t = SimulationConfig::default().seed, value_parser = seed)]
    seed: u64,
    /// Probability that a sampled clinical finding is dropped.
    #[arg(long, value_name = "P", default_value_t = SimulationConfig::default().drop, value_parser = probability)]
    drop: f64,
    /// Probability that a kept clinical finding is replaced by a parent.
    #[arg(long, value_name = "P", default_value_t = SimulationConfig::default().imprecision, value_parser = probability)]
    imprecision: f64,
    /// Most unrelated findings added (uniform from 0).
    #[arg(long, value_name = "N", default_value_t = SimulationConfig::default().max_unrelated, value_parser = count)]
    unrelated: usize,
    /// Most clinical findings kept.
    #[arg(long = "max-findings", value_name = "N", default_value_t = SimulationConfig::default().max_findings, value_parser = count)]
    max_findings: usize,
    /// Sample no context (onset, age at examination, sex, family history).
    #[arg(long = "no-context", action = clap::ArgAction::SetFalse)]
    context: bool,
    /// Rules (a directory or file) put over the built-in ones, used both to sample and to score.
    #[arg(long, value_name = "PATH")]
    rules: Option<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write each patient as JSON, with its truth, to DIR.
    #[arg(long, value_name = "DIR")]
    write: Option<String>,
}

/// The output formats.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The settings and a text report.
    #[value(alias = "table")]
    Text,
    /// `{config, report}` as JSON.
    Json,
}

/// A number of the command line: anything Rust reads as an `f64` that is finite and not
/// negative, as it always was.
fn number(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| format!("not a number of at least 0: {s:?}"))
}

/// A probability: a [`number`], 1 when it is more.
fn probability(s: &str) -> Result<f64, String> {
    number(s).map(|x| x.min(1.0))
}

/// A count: a [`number`], the fraction dropped.
fn count(s: &str) -> Result<usize, String> {
    number(s).map(|x| x as usize)
}

/// A seed: a [`number`], the fraction dropped.
fn seed(s: &str) -> Result<u64, String> {
    number(s).map(|x| x as u64)
}

/// Runs the example (and `osteodx simulate`) with parsed arguments.
pub(crate) fn run(args: Args) -> Result<(), String> {
    let config = SimulationConfig {
        seed: args.seed,
        drop: args.drop,
        imprecision: args.imprecision,
        max_unrelated: args.unrelated,
        max_findings: args.max_findings,
        context: args.context,
    };
    let (n, rules, write) = (args.n, args.rules, args.write);
    // Every problem of reading, parsing and validating the rules at once.
    let limits = osteodx::Limits::default();
    let mut set = RuleSet::builtin().map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    if let Some(path) = &rules {
        let (user, found) = RuleSet::from_path_partial(path, &limits).map_err(|e| output::chain(&e))?;
        set = set.overlay(user);
        problems = found;
    }
    let kb = KnowledgeBase::new_with_problems(set, problems, &limits).map_err(|e| e.to_string())?;
    let model = Model::compile(&kb);
    let cases = simulate(&kb, n, &config);
    if let Some(dir) = &write {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
        for (i, case) in cases.iter().enumerate() {
            let body = serde_json::json!({ "truth": case.truth, "patient": case.patient });
            let path = std::path::Path::new(dir).join(format!("sim-{i:05}.json"));
            std::fs::write(&path, body.to_string()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    let mut eval = Evaluation::new(&model);
    for case in &cases {
        let resolved = model.resolve(&case.patient).map_err(|e| e.to_string())?;
        eval.add(Some(&case.truth), &model.diagnose(&resolved));
    }
    let report = eval.report();
    if args.format == Format::Json {
        let out = serde_json::json!({ "config": config, "report": report });
        say!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
    } else {
        say!(
            "simulated {n} patients (seed {}, drop {}, imprecision {}, up to {} unrelated findings)\n",
            config.seed,
            config.drop,
            config.imprecision,
            config.max_unrelated
        );
        put!("{}", report.to_text());
    }
    Ok(())
}

#[allow(dead_code, reason = "the osteodx command calls `run` with its own arguments")]
fn main() -> ExitCode {
    output::exit_code("simulate", run(Args::parse()))
}
