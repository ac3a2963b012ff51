//! Debug helper: every diagnosis's score (look-alikes included) for one phenopacket.

use clap::Parser;
use osteodx::research::phenopacket::Phenopacket;
use osteodx::{KnowledgeBase, Model, ScoringConfig};

#[macro_use]
#[path = "support/output.rs"]
mod output;

/// Debug helper: every diagnosis's score (look-alikes included) for each phenopacket, the twelve
/// best with their evidence.
#[derive(Parser)]
#[command(name = "explain_all")]
struct Args {
    /// Change a scoring constant (see `ScoringConfig`); repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    sets: Vec<String>,
    /// The phenopackets.
    #[arg(value_name = "PHENOPACKET", required = true)]
    packets: Vec<String>,
}

fn main() -> std::process::ExitCode {
    output::exit_code("explain_all", run())
}

fn run() -> Result<(), String> {
    let args = Args::parse();
    let mut config = ScoringConfig::default();
    for s in &args.sets {
        config.set(s)?;
    }
    let kb = KnowledgeBase::builtin().map_err(|e| e.to_string())?;
    let model = Model::compile_with(&kb, config);
    for path in &args.packets {
        let patient = Phenopacket::from_path(path)
            .and_then(|p| p.to_patient(false))
            .and_then(|p| model.resolve(&p))
            .map_err(|e| format!("{path}: {e}"))?;
        say!("== {path}");
        let mut rows: Vec<(f64, usize)> = (0..model.n_diagnoses())
            .map(|d| {
                let units = model.diagnosis_at(d).map_or(0, |id| model.units(&patient, id));
                let prior = config.prior_exponent * kb.diagnoses()[d].prevalence.log10();
                (prior + units as f64 / 1e6 / config.temperature, d)
            })
            .collect();
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        for &(s, d) in rows.iter().take(12) {
            let Some(id) = model.diagnosis_at(d) else { continue };
            let (e, units) = model.explain(&patient, id);
            let parts: Vec<String> = e
                .for_
                .iter()
                .chain(&e.against)
                .map(|c| {
                    format!(
                        "{}{} {:+.2}",
                        c.evidence,
                        c.rule.map(|r| format!(" [via {r}]")).unwrap_or_default(),
                        c.log10_lr
                    )
                })
                .collect();
            say!(
                "  {:>7.2} {:<28} lr {:>6.2}  {}",
                s,
                kb.diagnoses()[d].id,
                units as f64 / 1e6,
                parts.join(", ")
            );
        }
    }
    Ok(())
}
