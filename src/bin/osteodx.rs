//! `osteodx`: the crate's tools as one command. Each subcommand is the example of the same name
//! (`examples/*.rs`, compiled in here), with the same flags and the same output, so the command
//! and `cargo run --example NAME` cannot drift apart.
//!
//! ```text
//! cargo install --path .
//! osteodx diagnose examples/patients/newborn.json
//! osteodx --help
//! ```

// Each example is also a program of its own, with its own copy of the support modules.
#![allow(clippy::duplicate_mod)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The examples' `say!` and `put!` write through `crate::output`.
#[macro_use]
#[path = "../../examples/support/output.rs"]
mod output;

#[path = "../../examples/ask.rs"]
mod ask;
#[path = "../../examples/catalogue.rs"]
mod catalogue;
#[path = "../../examples/diagnose.rs"]
mod diagnose;
#[path = "../../examples/evaluate.rs"]
mod evaluate;
#[path = "../../examples/simulate.rs"]
mod simulate;

/// Symptom-based differential diagnosis of osteopetrosis and its look-alikes, and the same
/// engine over the whole HPO disease catalogue.
///
/// Every subcommand reads the built-in rules unless told otherwise; patient files are the
/// crate's JSON or GA4GH phenopackets (detected). `osteodx COMMAND --help` gives each command's
/// options.
#[derive(Parser)]
#[command(
    name = "osteodx",
    version,
    after_help = "Examples:\n  osteodx diagnose examples/patients/newborn.json\n  osteodx diagnose --format tsv examples/patients/adult.json\n  osteodx evaluate ../shared/cases\n  osteodx catalogue --hpo HPO_DIR --patients cases.jsonl\n  osteodx ask --script examples/ask-answers.txt\n  osteodx simulate 1000"
)]
struct Command {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Rank the differential for one patient: the demo patient, or a patient file (the crate's
    /// JSON or a GA4GH phenopacket), as a table, JSON or TSV.
    Diagnose(diagnose::Args),
    /// Rank patients against the whole HPO disease catalogue (one JSON line a patient in, one
    /// out).
    #[command(alias = "rank")]
    Catalogue(catalogue::Args),
    /// Evaluate the rules on a folder of labelled GA4GH phenopackets, with and without genes.
    Evaluate(evaluate::Args),
    /// An interactive differential: ask for the finding that tells the most, update, repeat.
    Ask(ask::Options),
    /// Simulate patients from the rules and report how often the truth comes first.
    Simulate(simulate::Args),
}

fn main() -> ExitCode {
    match Command::parse().what {
        What::Diagnose(args) => output::exit_code("diagnose", diagnose::run(&args)),
        What::Catalogue(args) => output::exit_code("catalogue", catalogue::run(args)),
        What::Evaluate(args) => output::exit_code("evaluate", evaluate::run(&args)),
        What::Ask(args) => output::exit_code("ask", ask::run(&args)),
        What::Simulate(args) => output::exit_code("simulate", simulate::run(args)),
    }
}
