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
//! The noise model is documented in `osteodx::simulate`; a fixed seed reproduces a run.

use std::process::ExitCode;

use osteodx::evaluate::Evaluation;
use osteodx::simulate::{simulate, SimulationConfig};
use osteodx::{KnowledgeBase, Model, RuleSet};

#[macro_use]
#[path = "support/output.rs"]
mod output;

const USAGE: &str = "usage: simulate [N] [--seed S] [--drop P] [--imprecision P] [--unrelated N] [--max-findings N] [--no-context] [--rules PATH] [--format text|json] [--write DIR]";

fn run() -> Result<(), String> {
    let mut config = SimulationConfig::default();
    let (mut n, mut json, mut rules, mut write) = (1000usize, false, None::<String>, None::<String>);
    let mut args = std::env::args().skip(1);
    let number = |v: Option<String>, what: &str| -> Result<f64, String> {
        v.and_then(|x| x.parse::<f64>().ok())
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or(format!("{what} needs a number"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => config.seed = number(args.next(), "--seed")? as u64,
            "--drop" => config.drop = number(args.next(), "--drop")?.min(1.0),
            "--imprecision" => config.imprecision = number(args.next(), "--imprecision")?.min(1.0),
            "--unrelated" => config.max_unrelated = number(args.next(), "--unrelated")? as usize,
            "--max-findings" => config.max_findings = number(args.next(), "--max-findings")? as usize,
            "--no-context" => config.context = false,
            "--rules" => rules = Some(args.next().ok_or("--rules needs a path")?),
            "--write" => write = Some(args.next().ok_or("--write needs a directory")?),
            "--format" => json = args.next().as_deref() == Some("json"),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => {
                n = s
                    .parse()
                    .map_err(|_| format!("not a number of patients: {s}\n{USAGE}"))?;
            }
        }
    }
    let mut set = RuleSet::builtin().map_err(|e| e.to_string())?;
    if let Some(path) = &rules {
        set = set.overlay(RuleSet::from_path(path).map_err(|e| e.to_string())?);
    }
    let kb = KnowledgeBase::new(set).map_err(|e| e.to_string())?;
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
    if json {
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

fn main() -> ExitCode {
    output::exit_code("simulate", run())
}
