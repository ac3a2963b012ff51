//! Rank the differential for one patient.
//!
//! ```text
//! cargo run --example diagnose                              # built-in demo patient
//! cargo run --example diagnose -- examples/patients/infant.json
//! cargo run --example diagnose -- --format json --no-genes case.phenopacket.json
//! ```
//!
//! Options: `--format table|json` (default table), `--no-genes` (score phenotype only),
//! `--phenopacket` / `--patient` (force the input kind; detected otherwise),
//! `--rules PATH` (a directory or file of rules put over the built-in ones),
//! `--hpo-obo FILE` (place HPO terms with this ontology instead of the built-in graph),
//! `--top N` (rows in the table and the HTML page, default all), `--next N` (findings to examine next, default
//! 3; 0 for none), `--sensitivity N` (recompute under N perturbations of the rules' weights;
//! default 0, off).
//!
//! The JSON output is the differential with `next_findings` added: the findings whose answer
//! would most reduce the uncertainty, each with its id, HPO id, the expected information gain
//! in bits and the posterior after a yes and after a no; `robustness` (margin, uncertain flag,
//! the fewest findings whose removal or flipping changes the first) and, with `--sensitivity`,
//! `sensitivity`.

use std::process::ExitCode;

use clap::Parser;
use osteodx::report::{self, NextFinding, NextQuery, Robustness, Sensitivity};
use osteodx::{Differential, Patient};

#[macro_use]
#[path = "support/output.rs"]
mod output;

#[path = "support/input.rs"]
mod input;

/// Rank the differential for one patient: the demo patient, or a patient file (the crate's JSON
/// or a GA4GH phenopacket, detected).
#[derive(Parser)]
#[command(name = "diagnose", args_override_self = true)]
pub(crate) struct Args {
    /// How to print the differential.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    model: input::ModelArgs,
    /// Read the file as a phenopacket (detected otherwise).
    #[arg(long, conflicts_with = "patient")]
    phenopacket: bool,
    /// Read the file as the crate's patient JSON (detected otherwise).
    #[arg(long)]
    patient: bool,
    /// Rank the diseases of the HPO catalogue of DIR (`hp.obo`, `phenotype.hpoa`,
    /// `genes_to_phenotype.txt`) instead of the built-in rules; `--rules` go over it, and its own
    /// ontology places the terms (`--hpo-obo` does not apply).
    #[arg(long, value_name = "DIR")]
    hpo: Option<String>,
    /// Rows in the table and the HTML page [default: all; 10 with --hpo].
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// Findings to examine next, 0 for none [default: 3; 0 with --hpo].
    #[arg(long, value_name = "N")]
    next: Option<usize>,
    /// Recompute under N perturbations of the rules' weights (0: off).
    #[arg(long, value_name = "N", default_value_t = 0)]
    sensitivity: usize,
    /// The patient file [default: the demo patient].
    #[arg(value_name = "FILE")]
    file: Option<String>,
}

/// The output formats.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The differential as a table, with the robustness and the findings to examine next.
    Table,
    /// The differential as JSON, with `next_findings`, `robustness` and `sensitivity`.
    Json,
    /// The differential as tab-separated values: rank, id, name, posterior, log10 LR (one row per
    /// diagnosis, "none of these" in its place), for spreadsheets and scripts.
    Tsv,
    /// One self-contained HTML page: the differential as bars, the findings for and against each
    /// diagnosis with their log10 LR, what to examine next, how solid the first place is.
    Html,
}

/// The JSON output: the differential and the findings to examine next.
#[derive(serde::Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    differential: &'a Differential<'a>,
    next_findings: &'a [NextFinding<'a>],
    robustness: &'a Robustness,
    #[serde(skip_serializing_if = "Option::is_none")]
    sensitivity: Option<&'a Sensitivity>,
}

/// The demo patient: a newborn as the overview describes malignant infantile osteopetrosis.
fn demo_patient() -> Patient {
    Patient::new()
        .present("macrocephaly")
        .present("pancytopenia")
        .present("hepatosplenomegaly")
        .present("blindness")
        .present("nystagmus")
        .present("generalized osteosclerosis")
        .absent("blue sclerae")
        .onset_years(0.05)
        .examined_at_years(0.3)
        .family(osteodx::FamilyHistory::ParentalConsanguinity)
}

/// Runs the example (and `osteodx diagnose`) with parsed arguments.
pub(crate) fn run(o: &Args) -> Result<(), String> {
    // Thousands of diseases with `--hpo`: the ten best, and no search for the next finding
    // unless asked.
    let top = o.top.unwrap_or(if o.hpo.is_some() { 10 } else { usize::MAX });
    let next = o.next.unwrap_or(if o.hpo.is_some() { 0 } else { 3 });
    let kind = match (o.phenopacket, o.patient) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    };
    let genes = o.model.genes;
    let model = match &o.hpo {
        Some(dir) => input::catalogue_model(dir, o.model.rules.as_deref())?,
        None => input::model(o.model.rules.as_deref(), o.model.obo.as_deref())?,
    };
    let patient = match &o.file {
        None => demo_patient(),
        Some(path) => input::patient(path, kind, genes)?,
    };
    let patient = if genes { patient } else { patient.without_genetics() };
    let source = o.file.as_deref().unwrap_or("the demo patient");
    let resolved = model.resolve(&patient).map_err(|e| format!("{source}: {e}"))?;
    // The table shows `top` rows: only those are explained (JSON has every diagnosis).
    // The HTML page, like the table, shows and explains the first `top` (every one without
    // `--hpo`); JSON and TSV have every diagnosis.
    let differential = if matches!(o.format, Format::Json | Format::Tsv) {
        model.diagnose(&resolved)
    } else {
        model.diagnose_top(&resolved, top)
    };
    if o.format == Format::Tsv {
        put!("{}", report::differential_tsv(&differential));
        return Ok(());
    }
    let next = model.next_findings(&resolved, &NextQuery::top(next));
    let robustness = model.robustness(&resolved);
    let sensitivity = (o.sensitivity > 0).then(|| model.sensitivity(&resolved, o.sensitivity, 1));
    if o.format == Format::Html {
        let title = patient
            .id
            .as_deref()
            .or(o.file.as_deref())
            .unwrap_or("the demo patient");
        put!(
            "{}",
            report::differential_html(&differential, &next, &robustness, title)
        );
        return Ok(());
    }
    if o.format == Format::Json {
        let output = Output {
            differential: &differential,
            next_findings: &next,
            robustness: &robustness,
            sensitivity: sensitivity.as_ref(),
        };
        let text = serde_json::to_string_pretty(&output).map_err(|e| e.to_string())?;
        say!("{text}");
    } else {
        put!(
            "{}{}{}",
            report::differential_table(&differential, top, o.hpo.is_some().then(|| model.knowledge_base())),
            report::robustness_text(&robustness, sensitivity.as_ref()),
            report::next_findings_text(&next)
        );
    }
    Ok(())
}

#[allow(dead_code, reason = "the osteodx command calls `run` with its own arguments")]
fn main() -> ExitCode {
    output::exit_code("diagnose", run(&Args::parse()))
}
