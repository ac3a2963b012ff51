//! Evaluate the rules on a folder of GA4GH phenopackets.
//!
//! ```text
//! cargo run --release --example evaluate -- examples/patients
//! cargo run --release --example evaluate -- --format json --rules my-rules/ cases/
//! ```
//!
//! Every `*.json` file under the directory (recursively) that is a phenopacket is a case. Its
//! true diagnosis comes from the `labels.tsv` of its folder or a folder above (columns `file`,
//! `class`; class `other` is a condition outside the knowledge base) when one names it, and
//! otherwise from its disease ids through the disease map (`--mapping FILE`, default the
//! built-in `data/disease-map.tsv`); a packet whose diseases map to none of the diagnoses is a
//! case of another condition ("none of these" is then the right answer). Each configuration is
//! evaluated with and without genetic evidence: the built-in rules (or `--base PATH` instead of
//! them), and with `--rules PATH` the user's rules put over them. `--set KEY=VALUE` changes a
//! scoring constant (repeatable; see `ScoringConfig`). `--split` adds the figures of each half
//! of the cases (alternate publications of each class, in file order; a publication's cases stay
//! together). `--hpo DIR` evaluates the HPO
//! catalogue of `DIR` (`hp.obo`, `phenotype.hpoa`, `genes_to_phenotype.txt`) instead of the
//! built-in rules: each packet's OMIM or Orphanet disease is its truth (read from its compiled
//! form, `DIR/osteodx-compiled`, when no other rules go over it). `--hpo-obo FILE` places HPO
//! terms with that ontology. `--plot DIR` writes SVG figures (confusion matrix, reliability
//! diagram). `--cases` also lists every case whose true diagnosis was not ranked first (text),
//! or every case (JSON).
//!
//! A packet that cannot be read (too large, not UTF-8, not JSON, a key or enum value the
//! phenopacket schema does not have) or resolved is listed on standard error ("skipping ...")
//! and makes the run end with status 1 after the report, since its figures leave cases out;
//! `--allow-unreadable` accepts that (status 0). Files that are no case — the crate's own patient
//! JSON, packets without phenotypic features or without a truth — are listed and change nothing.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use osteodx::catalogue::{Catalogue, CatalogueOptions};
use osteodx::research::evaluate::{collect, halves, DiseaseMap, Evaluation, LabelledCase, Report};
use osteodx::{KnowledgeBase, Model, Ontology, Ranking, RuleSet, ScoringConfig};

#[macro_use]
#[path = "support/output.rs"]
mod output;

#[path = "support/plot.rs"]
mod plot;

/// Evaluate the rules on a folder of GA4GH phenopackets, with and without genetic evidence.
#[derive(Parser)]
#[command(name = "evaluate", args_override_self = true)]
pub(crate) struct Args {
    /// How to print the reports.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The disease map from a packet's disease ids to the diagnoses [default: the built-in
    /// `data/disease-map.tsv`].
    #[arg(long, value_name = "FILE")]
    mapping: Option<String>,
    /// The rules to evaluate instead of the built-in ones (a directory or file).
    #[arg(long, value_name = "PATH")]
    base: Option<String>,
    /// Evaluate the HPO catalogue of DIR (`hp.obo`, `phenotype.hpoa`, `genes_to_phenotype.txt`)
    /// instead of the built-in rules: each packet's OMIM or Orphanet disease is its truth.
    #[arg(long, value_name = "DIR")]
    hpo: Option<String>,
    /// Also evaluate these rules (a directory or file) put over the base ones.
    #[arg(long, value_name = "PATH")]
    rules: Option<String>,
    /// Change a scoring constant (see `ScoringConfig`); repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Add the figures of each half of the cases (alternate publications of each class, in file
    /// order; the cases of one publication stay together).
    #[arg(long)]
    split: bool,
    /// Place HPO terms with this ontology (an `hp.obo`).
    #[arg(long = "hpo-obo", value_name = "FILE")]
    obo: Option<String>,
    /// Write SVG figures (confusion matrix, reliability diagram) to DIR.
    #[arg(long, value_name = "DIR")]
    plot: Option<String>,
    /// Also list every case whose true diagnosis was not ranked first (text), or every case
    /// (JSON).
    #[arg(long)]
    cases: bool,
    /// End with status 0 even when some packets could not be read or resolved (they are listed
    /// on standard error and left out of the figures); without it such a run ends with status 1.
    #[arg(long = "allow-unreadable")]
    allow_unreadable: bool,
    /// The folder of phenopackets (every `*.json` under it, recursively).
    #[arg(value_name = "DIR")]
    dir: String,
}

/// The output formats.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A text report per configuration.
    #[value(alias = "table")]
    Text,
    /// A JSON list of `{configuration, report}`, with `cases` under `--cases`.
    Json,
}

fn progress(done: usize, total: usize) {
    if total >= 50 && (done % (total / 50).max(1) == 0 || done == total) {
        let filled = done * 30 / total.max(1);
        eprint!("\r[{}{}] {done}/{total}", "#".repeat(filled), " ".repeat(30 - filled));
        if done == total {
            eprintln!();
        }
    }
}

/// One case's outcome, for `--cases`.
#[derive(serde::Serialize)]
struct Outcome {
    id: String,
    truth: String,
    top: String,
    /// 1-based rank of the truth, "none of these" counted as a candidate.
    rank: usize,
    top_posterior: f64,
    none_of_these: f64,
}

/// Evaluate `cases`; the names of those that could not be resolved go to `unresolved`.
fn evaluate(
    model: &Model,
    cases: &[LabelledCase],
    genes: bool,
    unresolved: &mut std::collections::BTreeSet<String>,
) -> Result<(Report, Vec<Outcome>), String> {
    let mut eval = Evaluation::new(model);
    let mut outcomes = Vec::new();
    let mut ranking = Ranking::new(model);
    for (i, case) in cases.iter().enumerate() {
        let patient = case
            .packet
            .to_patient(genes)
            .map_err(|e| format!("{}: {e}", case.packet.id))?;
        match model.resolve(&patient) {
            Ok(resolved) => {
                model.rank_into(&resolved, &mut ranking);
                eval.add_ranking(case.truth.as_deref(), model, &ranking, !patient.genetics.is_empty());
                eval.add_coverage(case.truth.as_deref(), model, &resolved);
                let entries = ranking.entries();
                let none = ranking.none_posterior();
                // A truth that is not one of the ranked diagnoses is a case for "none of these".
                let truth = case
                    .truth
                    .clone()
                    .filter(|t| entries.iter().any(|e| model.diagnosis_id(e.diagnosis) == t))
                    .unwrap_or_else(|| "none_of_these".to_owned());
                let first = entries.first();
                let none_first = first.is_none_or(|e| none > e.posterior);
                let top = if none_first {
                    "none_of_these"
                } else {
                    first.map_or("none_of_these", |e| model.diagnosis_id(e.diagnosis))
                };
                // Rank with "none of these" counted as a candidate.
                let rank = if truth == "none_of_these" {
                    1 + entries.iter().filter(|e| e.posterior >= none).count()
                } else {
                    entries
                        .iter()
                        .position(|e| model.diagnosis_id(e.diagnosis) == truth)
                        .map_or(0, |i| {
                            let p = entries[i].posterior;
                            i + 1 + usize::from(none >= p)
                        })
                };
                outcomes.push(Outcome {
                    id: case.name.clone(),
                    rank,
                    top: top.to_owned(),
                    top_posterior: if none_first {
                        none
                    } else {
                        first.map_or(0.0, |e| e.posterior)
                    },
                    none_of_these: none,
                    truth,
                });
            }
            Err(e) => {
                eprintln!("skipping {}: {e}", case.packet.id);
                unresolved.insert(case.name.clone());
            }
        }
        progress(i + 1, cases.len());
    }
    Ok((eval.report(), outcomes))
}

#[allow(
    clippy::too_many_lines,
    reason = "the example's flow, read top to bottom: options, load, run, report"
)]
/// Runs the example (and `osteodx evaluate`) with parsed arguments.
pub(crate) fn run(o: &Args) -> Result<(), String> {
    // The HPO catalogue instead of the built-in rules: its diseases are the diagnoses, each
    // packet's disease id its truth, and its constants the catalogue's.
    let mut config = if o.hpo.is_some() {
        Catalogue::scoring_config()
    } else {
        ScoringConfig::default()
    };
    for s in &o.sets {
        config.set(s)?;
    }
    let options = CatalogueOptions {
        genes: true,
        ..CatalogueOptions::default()
    };
    // The catalogue alone is read from its compiled form (compiled and written the first time);
    // under other rules its rules are needed, so the files are read.
    let (compiled, catalogue) = match (&o.hpo, &o.base, &o.rules) {
        (Some(dir), None, None) => {
            let path = Catalogue::compiled_path(dir, &options, config);
            let (model, _, _) = Catalogue::compiled(dir, &options, config, path).map_err(|e| e.to_string())?;
            (Some(model), None)
        }
        (Some(dir), _, _) => (None, Some(Catalogue::load(dir, &options).map_err(|e| e.to_string())?)),
        (None, _, _) => (None, None),
    };
    let catalogue_kb = match (&compiled, &catalogue) {
        (Some(m), _) => Some(std::borrow::Cow::Borrowed(m.knowledge_base())),
        (None, Some(c)) => Some(std::borrow::Cow::Owned(c.knowledge_base().map_err(|e| e.to_string())?)),
        (None, None) => None,
    };
    let map = match (&o.mapping, &catalogue_kb) {
        (Some(path), _) => DiseaseMap::from_path(path).map_err(|e| e.to_string())?,
        (None, Some(kb)) => {
            let text: String = kb
                .diagnoses()
                .iter()
                .flat_map(|d| {
                    d.omim
                        .iter()
                        .chain(&d.orphanet)
                        .map(move |id| format!("{id}\t{}\n", d.id))
                })
                .collect();
            DiseaseMap::parse(&text).map_err(|e| e.to_string())?
        }
        (None, None) => DiseaseMap::builtin().map_err(|e| e.to_string())?,
    };
    let collection = collect(&o.dir, &map).map_err(|e| e.to_string())?;
    let unreadable = collection.unreadable.len();
    let mut cases = collection.cases;
    let mut skipped = collection.skipped;
    skipped.extend(collection.unreadable);
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    if o.hpo.is_some() && o.mapping.is_none() {
        // The catalogue's truth is the packet's own disease, not a class of a labels.tsv.
        for case in &mut cases {
            case.truth = map.diagnosis_of(&case.packet.disease_ids()).map(str::to_owned);
        }
    }
    for (path, why) in &skipped {
        eprintln!("skipping {}: {why}", path.display());
    }
    let ontology = match (&o.obo, &catalogue) {
        (Some(path), _) => Some(Arc::new(Ontology::from_obo(path).map_err(|e| e.to_string())?)),
        (None, Some(c)) => Some(Arc::new(c.ontology.clone())),
        (None, None) => None,
    };
    let compile = |kb: &KnowledgeBase| {
        let m = Model::compile_with(kb, config);
        match &ontology {
            Some(ont) => m.with_ontology(ont.clone()),
            None => m,
        }
    };
    drop(catalogue_kb);
    // Rules from files: every problem of reading, parsing and validating them at once.
    let limits = osteodx::Limits::default();
    let partial = |path: &str| RuleSet::from_path_partial(path, &limits).map_err(|e| output::chain(&e));
    let validated = |set: RuleSet, problems: Vec<osteodx::Problem>| {
        KnowledgeBase::new_with_problems(set, problems, &limits).map_err(|e| e.to_string())
    };
    let mut base_problems = Vec::new();
    let base = match (&o.base, catalogue, &compiled) {
        (Some(path), _, _) => {
            let (set, problems) = partial(path)?;
            base_problems = problems;
            set
        }
        (None, Some(c), _) => c.rules,
        // The compiled catalogue is the only configuration: no rules are needed.
        (None, None, Some(_)) => RuleSet::default(),
        (None, None, None) => RuleSet::builtin().map_err(|e| e.to_string())?,
    };
    let base_name = match (&o.base, &o.hpo) {
        (Some(p), _) => format!("base:{p}"),
        (None, Some(dir)) => format!("hpo:{dir}"),
        (None, None) => "builtin".to_owned(),
    };
    let base_model = match compiled {
        // `--obo` places the terms with another ontology, compiled form or not.
        Some(model) => match &ontology {
            Some(ont) => model.with_ontology(ont.clone()),
            None => model,
        },
        None => compile(&validated(base.clone(), base_problems)?),
    };
    let mut configurations: Vec<(String, Model)> = vec![(base_name, base_model)];
    if let Some(path) = &o.rules {
        let (user, problems) = partial(path)?;
        configurations.push((
            format!("rules:{path}"),
            compile(&validated(base.overlay(user), problems)?),
        ));
    }
    let mut results = Vec::new();
    let mut unresolved = std::collections::BTreeSet::new();
    let (half_a, half_b) = halves(&cases);
    for (name, model) in &configurations {
        for genes in [true, false] {
            let label = format!("{name} {}", if genes { "with genes" } else { "phenotype only" });
            results.push((label.clone(), evaluate(model, &cases, genes, &mut unresolved)?));
            if o.split {
                results.push((
                    format!("{label} [half A]"),
                    evaluate(model, &half_a, genes, &mut unresolved)?,
                ));
                results.push((
                    format!("{label} [half B]"),
                    evaluate(model, &half_b, genes, &mut unresolved)?,
                ));
            }
        }
    }
    if o.format == Format::Json {
        let json: Vec<serde_json::Value> = results
            .iter()
            .map(|(name, (r, outcomes))| {
                if o.cases {
                    serde_json::json!({ "configuration": name, "report": r, "cases": outcomes })
                } else {
                    serde_json::json!({ "configuration": name, "report": r })
                }
            })
            .collect();
        say!("{}", serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?);
    } else {
        for (name, (r, outcomes)) in &results {
            say!("== {name}\n{}", r.to_text());
            if o.cases {
                say!("cases whose truth is not first ('none of these' a candidate):");
                for c in outcomes.iter().filter(|c| c.top != c.truth) {
                    say!(
                        "  {:<40} truth {:<24} top {:<24} rank {}  p(top) {:.3}  p(none) {:.3}",
                        c.id,
                        c.truth,
                        c.top,
                        c.rank,
                        c.top_posterior,
                        c.none_of_these
                    );
                }
                say!();
            }
        }
    }
    if let Some(dir) = &o.plot {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
        for (name, (r, _)) in &results {
            let stem = name.replace([' ', ':', '/'], "_");
            plot::confusion(r, &Path::new(dir).join(format!("{stem}-confusion.svg")), name)?;
            plot::reliability(r, &Path::new(dir).join(format!("{stem}-reliability.svg")), name)?;
        }
        eprintln!("figures written to {dir}");
    }
    let left_out = unreadable + unresolved.len();
    if left_out > 0 && !o.allow_unreadable {
        return Err(format!(
            "{left_out} case file{} could not be read or resolved (listed above) and {} left out of the figures; --allow-unreadable accepts that",
            if left_out == 1 { "" } else { "s" },
            if left_out == 1 { "is" } else { "are" }
        ));
    }
    Ok(())
}

#[allow(dead_code, reason = "the osteodx command calls `run` with its own arguments")]
fn main() -> ExitCode {
    output::exit_code("evaluate", run(&Args::parse()))
}
