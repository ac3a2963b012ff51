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

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    reason = "counts, indices and shares of a few thousand cases or pixels, far from any type's limits"
)]

use std::fmt::Write as _;
use std::process::ExitCode;

use osteodx::{Differential, NextFinding, NextQuery, Patient, Robustness, Sensitivity};

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
            table(&differential, o.top, o.hpo.is_some().then_some(&model)),
            robustness_lines(&robustness, sensitivity.as_ref()),
            next_table(&next)
        );
    }
    Ok(())
}

fn percent(p: f64) -> String {
    if p >= 0.0005 || p == 0.0 {
        format!("{:.1}%", 100.0 * p)
    } else {
        "<0.1%".to_owned()
    }
}

/// The differential as a table; with `catalogue`, diagnoses by name and HPO findings by label.
#[allow(
    clippy::too_many_lines,
    reason = "the table's sections in the order they are printed"
)]
fn table(d: &Differential, top: usize, catalogue: Option<&osteodx::Model>) -> String {
    let kb = catalogue.map(osteodx::Model::knowledge_base);
    let evidence = |e: &str| -> String {
        kb.and_then(|kb| kb.findings().get(e))
            .filter(|f| f.id.starts_with("hp_"))
            .map_or_else(|| e.to_owned(), |f| f.label.clone())
    };
    let mut s = String::new();
    // Catalogue diseases have long names: a wider column.
    let w = if kb.is_some() { 40 } else { 26 };
    let _ = writeln!(
        s,
        "{:<4} {:<w$} {:>7}  {:20} {:>8}  top findings for (+) and against (-)",
        "rank", "diagnosis", "prob", ' ', "log10LR"
    );
    let mut rows: Vec<(&str, f64, Option<&osteodx::DiagnosisResult<'_>>)> = d
        .diagnoses
        .iter()
        .map(|r| (if kb.is_some() { r.name } else { r.id }, r.posterior, Some(r)))
        .collect();
    rows.insert(d.none_of_these_rank - 1, ("(none of these)", d.none_of_these, None));
    for (i, (id, p, r)) in rows.iter().enumerate().take(top) {
        let bar = "#".repeat((p * 20.0).round() as usize);
        let (lr, why) = if let Some(r) = r {
            let plus: Vec<String> = r
                .explanation
                .for_
                .iter()
                .filter(|c| c.log10_lr >= 0.005)
                .take(3)
                .map(|c| format!("+{} {:.2}", evidence(&c.evidence), c.log10_lr))
                .collect();
            let minus: Vec<String> = r
                .explanation
                .against
                .iter()
                .take(2)
                .map(|c| format!("{} {:.2}", evidence(&c.evidence), c.log10_lr))
                .collect();
            let mut why = [plus, minus].concat().join(", ");
            if why.chars().count() > 100 {
                why = why.chars().take(99).collect::<String>() + "…";
            }
            (format!("{:8.2}", r.log10_lr), why)
        } else {
            let parts: Vec<String> = d
                .none_of_these_breakdown
                .iter()
                .take(3)
                .map(|c| format!("{} {}", c.id, percent(c.posterior)))
                .collect();
            (
                "       -".to_owned(),
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("= {}", parts.join(" + "))
                },
            )
        };
        // Names longer than the column (catalogue diseases) are cut to it.
        let _ = writeln!(
            s,
            "{:<4} {:<w$.w$} {:>7}  {:<20} {}  {}",
            i + 1,
            id,
            percent(*p),
            bar,
            lr,
            why
        );
    }
    let _ = writeln!(s, "\n{}", d.normalisation);
    let n = &d.notes;
    for u in &n.unknown {
        let _ = writeln!(
            s,
            "unknown finding `{}` (not scored); did you mean: {}",
            u.name,
            u.suggestions.join(", ")
        );
    }
    for p in &n.placed {
        let _ = writeln!(s, "HPO term {} placed on {}", p.term, p.findings.join(", "));
    }
    if !n.unplaced.is_empty() {
        let _ = writeln!(
            s,
            "HPO terms outside the vocabulary (scored as unrelated findings): {}",
            n.unplaced.join(", ")
        );
    }
    if !n.unused_absent.is_empty() {
        let _ = writeln!(s, "absent terms not used: {}", n.unused_absent.join(", "));
    }
    if !n.unknown_genes.is_empty() {
        let _ = writeln!(s, "genes no rule names: {}", n.unknown_genes.join(", "));
    }
    if let Some(top) = d.diagnoses.first() {
        if !top.explanation.not_examined.is_empty() {
            let list: Vec<String> = top
                .explanation
                .not_examined
                .iter()
                .take(6)
                .map(|e| format!("{} ({:.0}%)", e.label, e.frequency * 100.0))
                .collect();
            let _ = writeln!(s, "{} also expects, not examined: {}", top.id, list.join(", "));
        }
    }
    s
}

/// How solid the first of the differential is.
fn robustness_lines(r: &Robustness, s: Option<&Sensitivity>) -> String {
    let mut out = format!(
        "margin: {} {} against {} {}, log10 odds {:.2}{}\n",
        r.first,
        percent(r.first_posterior),
        r.second,
        percent(r.second_posterior),
        r.margin_log10,
        if r.uncertain { " (uncertain)" } else { "" }
    );
    let decisive = |what: &str, d: &Option<osteodx::robustness::Decisive>| match d {
        Some(d) => format!("{what} {} makes {} first", d.findings.join(" + "), d.first_after),
        None => format!(
            "{what} up to {} findings leaves it first",
            osteodx::robustness::MAX_DECISIVE
        ),
    };
    let _ = writeln!(
        out,
        "{}; {}",
        decisive("removing", &r.removal),
        decisive("flipping", &r.flip)
    );
    if let Some(s) = s {
        let _ = writeln!(
            out,
            "under {} perturbations of the rules' weights: {} {}-{}, first in {:.0}%",
            s.samples,
            s.first,
            percent(s.low),
            percent(s.high),
            100.0 * s.stays_first
        );
    }
    out
}

/// The findings to examine next, one line each: gain, what each answer would make first.
fn next_table(next: &[NextFinding]) -> String {
    let mut s = String::new();
    // Below 0.01 bits no answer changes the differential visibly.
    let useful: Vec<&NextFinding> = next.iter().filter(|n| n.information_gain_bits >= 0.01).collect();
    if useful.is_empty() {
        if let Some(best) = next.first() {
            let _ = writeln!(
                s,
                "examine next: no finding left would change the differential much (best: {}, {:.3} bits)",
                best.label, best.information_gain_bits
            );
        }
        return s;
    }
    s += "examine next (expected information gain; the differential's first after yes / no):\n";
    let first = |p: &indexmap::IndexMap<&str, f64>| {
        p.iter()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(String::new(), |(id, p)| format!("{id} {}", percent(*p)))
    };
    for (i, n) in useful.iter().enumerate() {
        let why: Vec<String> = n
            .separates
            .iter()
            .map(|g| format!("{} {:.0}%", g.diagnosis, 100.0 * g.probability_present))
            .collect();
        let _ = writeln!(
            s,
            "{}. {} ({}, {:.2} bits, present in: {}): yes -> {}, no -> {}",
            i + 1,
            n.label,
            n.examination.as_str(),
            n.information_gain_bits,
            why.join(", "),
            first(&n.posterior_if_present),
            first(&n.posterior_if_absent)
        );
    }
    s
}

fn main() -> ExitCode {
    output::exit_code("diagnose", run())
}
