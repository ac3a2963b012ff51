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
//! `--top N` (rows in the table, default all), `--next N` (findings to examine next, default
//! 3; 0 for none), `--sensitivity N` (recompute under N perturbations of the rules' weights;
//! default 0, off).
//!
//! The JSON output is the differential with `next_findings` added: the findings whose answer
//! would most reduce the uncertainty, each with its id, HPO id, the expected information gain
//! in bits and the posterior after a yes and after a no; `robustness` (margin, uncertain flag,
//! the fewest findings whose removal or flipping changes the first) and, with `--sensitivity`,
//! `sensitivity`.

use std::process::ExitCode;

use osteodx::{report, Differential, NextFinding, NextQuery, Patient, Robustness, Sensitivity};

#[macro_use]
#[path = "support/output.rs"]
mod output;

#[path = "support/input.rs"]
mod input;

struct Options {
    json: bool,
    genes: bool,
    kind: Option<bool>,
    rules: Option<String>,
    obo: Option<String>,
    hpo: Option<String>,
    top: usize,
    next: usize,
    sensitivity: usize,
    file: Option<String>,
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

const USAGE: &str = "usage: diagnose [--format table|json] [--no-genes] [--phenopacket|--patient] [--rules PATH] [--hpo-obo FILE] [--hpo DIR] [--top N] [--next N] [--sensitivity N] [FILE]";

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        json: false,
        genes: true,
        kind: None,
        rules: None,
        obo: None,
        hpo: None,
        top: usize::MAX,
        next: 3,
        sensitivity: 0,
        file: None,
    };
    let mut next_given = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--format" => match args.next().as_deref() {
                Some("json") => o.json = true,
                Some("table") => o.json = false,
                other => return Err(format!("--format takes table or json, not {other:?}")),
            },
            "--no-genes" => o.genes = false,
            "--phenopacket" => o.kind = Some(true),
            "--patient" => o.kind = Some(false),
            "--rules" => o.rules = Some(args.next().ok_or("--rules needs a path")?),
            "--hpo-obo" => o.obo = Some(args.next().ok_or("--hpo-obo needs a file")?),
            "--hpo" => o.hpo = Some(args.next().ok_or("--hpo needs a directory")?),
            "--top" => o.top = args.next().and_then(|n| n.parse().ok()).ok_or("--top needs a number")?,
            "--next" => {
                next_given = true;
                o.next = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--next needs a number")?;
            }
            "--sensitivity" => {
                o.sensitivity = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--sensitivity needs a number")?;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => o.file = Some(s.to_owned()),
        }
    }
    if o.hpo.is_some() {
        // Thousands of diseases: the ten best, and no search for the next finding unless asked.
        if o.top == usize::MAX {
            o.top = 10;
        }
        if !next_given {
            o.next = 0;
        }
    }
    Ok(o)
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

fn run() -> Result<(), String> {
    let o = parse_args()?;
    let model = match &o.hpo {
        Some(dir) => input::catalogue_model(dir, o.rules.as_deref())?,
        None => input::model(o.rules.as_deref(), o.obo.as_deref())?,
    };
    let patient = match &o.file {
        None => demo_patient(),
        Some(path) => input::patient(path, o.kind, o.genes)?,
    };
    let patient = if o.genes { patient } else { patient.without_genetics() };
    let source = o.file.as_deref().unwrap_or("the demo patient");
    let resolved = model.resolve(&patient).map_err(|e| format!("{source}: {e}"))?;
    let differential = model.diagnose(&resolved);
    let next = model.next_findings(&resolved, &NextQuery::top(o.next));
    let robustness = model.robustness(&resolved);
    let sensitivity = (o.sensitivity > 0).then(|| model.sensitivity(&resolved, o.sensitivity, 1));
    if o.json {
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
            report::differential_table(&differential, o.top, o.hpo.is_some().then(|| model.knowledge_base())),
            report::robustness_text(&robustness, sensitivity.as_ref()),
            report::next_findings_text(&next)
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    output::exit_code("diagnose", run())
}
