//! Rank every disease of the HPO catalogue for patients given one a line.
//!
//! ```text
//! cargo run --release --example catalogue -- --hpo DIR --patients FILE.jsonl
//! ```
//!
//! `DIR` holds `hp.obo` and `phenotype.hpoa` (and `genes_to_phenotype.txt` for `--genes`); get
//! them with `../shared/tools/hpo-data DIR`, or use the fixture `tests/fixtures/hpo`. Each input
//! line is `{"id", "terms": [HPO ids], "excluded": [HPO ids]}` (other fields ignored; with
//! `--genes`, `"genes": [{"gene", "zygosity"}]` is read too). Each output line is
//! `{"id", "top": [{"id", "name", "probability"}...], "none_of_these"}` with the 10 best
//! diseases (`--top N`). Load time, patients per second and peak memory go to stderr.
//!
//! Options: `--source omim|orphanet|both` (default omim), `--diseases ID,ID,...`, `--genes`,
//! `--orphanet-profiles` (OMIM diseases take the annotations of their Orphanet twin),
//! `--no-excluded` (ignore excluded terms), `--no-sex` (ignore a `"sex"` field: `MALE`,
//! `FEMALE`), `--threads N` (default: the machine's cores), `--top N`, `--set KEY=VALUE` (a
//! scoring constant), `--unspecified-frequency P`, `--cache FILE` (where the compiled catalogue
//! is kept; default `DIR/osteodx-compiled/catalogue-<hash>.bin`), `--no-cache` (compile the
//! files every time), `--gap` (for lines with a `true_disease`: the truth's evidence and that of
//! the disease it must beat to be in the top N, summed by kind, and their mean gap over the cases
//! outside the top N on stderr).
//!
//! With a `true_disease` on the lines, stderr also gets top-1/3/10 and the calibration of the
//! top prediction (Brier score, ECE and the reliability table; `osteodx::evaluate::Calibration`).
//!
//! The first run compiles the files and writes their compiled form; later runs with the same
//! files (by content), options and build read it back instead (see `osteodx::model_file`).

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use osteodx::catalogue::{Cached, Catalogue, CatalogueOptions, Sources};
use osteodx::evaluate::Calibration;
use osteodx::{DiagnosisId, MatchKind, Model, Patient, Ranking, ResolvedPatient, Sex, Zygosity};
use serde::Deserialize;

#[macro_use]
#[path = "support/output.rs"]
mod output;

/// One input line.
#[derive(Debug, Deserialize)]
struct Line {
    #[serde(default)]
    id: serde_json::Value,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    excluded: Vec<String>,
    #[serde(default)]
    genes: Vec<GeneLine>,
    /// For the figures on stderr, when given.
    #[serde(default)]
    true_disease: Option<String>,
    /// `MALE`, `FEMALE` (any case), anything else unknown.
    #[serde(default)]
    sex: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GeneLine {
    gene: String,
    #[serde(default)]
    zygosity: Option<String>,
}

/// Rank every disease of the HPO catalogue for patients given one a JSON line; load time,
/// patients per second and peak memory go to stderr.
#[derive(Parser)]
#[command(name = "catalogue", args_override_self = true)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "the command line's switches, one field each"
)]
struct Args {
    /// The HPO files: `hp.obo` and `phenotype.hpoa` (and `genes_to_phenotype.txt` for
    /// `--genes`).
    #[arg(long, value_name = "DIR")]
    hpo: String,
    /// The patients, one JSON object a line: `{"id", "terms": [HPO ids], "excluded": [HPO ids]}`.
    #[arg(long, value_name = "FILE.jsonl")]
    patients: String,
    /// Which databases' diseases become diagnoses.
    #[arg(long, value_name = "omim|orphanet|both", default_value = "omim", value_parser = str::parse::<Sources>)]
    source: Sources,
    /// Only these diseases (comma-separated ids, `OMIM:259700`).
    #[arg(long, value_name = "ID,ID,...")]
    diseases: Option<String>,
    /// Read the genes of each line (`"genes": [{"gene", "zygosity"}]`) and the gene links of
    /// `genes_to_phenotype.txt`.
    #[arg(long)]
    genes: bool,
    /// Give an OMIM disease the phenotype annotations of its Orphanet twin, where
    /// `genes_to_phenotype.txt` pairs them one to one (`CatalogueOptions::orphanet_profiles`;
    /// the default, so this flag only says so).
    #[arg(long = "orphanet-profiles", conflicts_with = "no_orphanet_profiles")]
    orphanet_profiles: bool,
    /// OMIM's own annotations only, without the Orphanet twins' terms.
    #[arg(long = "no-orphanet-profiles")]
    no_orphanet_profiles: bool,
    /// Ignore excluded terms.
    #[arg(long = "no-excluded", action = clap::ArgAction::SetFalse)]
    excluded: bool,
    /// Ignore a `"sex"` field (`MALE`, `FEMALE`).
    #[arg(long = "no-sex", action = clap::ArgAction::SetFalse)]
    sex: bool,
    /// Ranking threads [default: the machine's cores].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// The best diseases written for each patient.
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Change a scoring constant (see `ScoringConfig`); repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// The frequency of an annotation that gives none.
    #[arg(long = "unspecified-frequency", value_name = "P")]
    unspecified_frequency: Option<f64>,
    /// Where the compiled catalogue is kept [default:
    /// `DIR/osteodx-compiled/catalogue-<hash>.bin`].
    #[arg(long, value_name = "FILE", conflicts_with = "no_cache")]
    cache: Option<PathBuf>,
    /// Compile the files every time, without reading or writing a compiled form.
    #[arg(long = "no-cache")]
    no_cache: bool,
    /// For lines with a `true_disease`: add `"gap"`, the truth's evidence and that of the
    /// disease it must beat to be in the top N (`--top`; the N-th best of the others), each
    /// summed by kind; and print the mean gap of the cases outside the top N.
    #[arg(long)]
    gap: bool,
}

struct Options {
    hpo: String,
    patients: String,
    catalogue: CatalogueOptions,
    excluded: bool,
    sex: bool,
    threads: usize,
    top: usize,
    config: osteodx::ScoringConfig,
    /// Where the compiled catalogue is kept; `None` (`--no-cache`): compile every time.
    cache: Option<PathBuf>,
    gap: bool,
}

impl Options {
    /// The options of a run from those of the command line: the scoring constants set, the
    /// diseases split, the defaults that depend on the machine or on the other options filled.
    fn new(args: Args) -> Result<Self, String> {
        let mut config = Catalogue::scoring_config();
        for s in &args.sets {
            config.set(s)?;
        }
        let catalogue = CatalogueOptions {
            sources: args.source,
            diseases: args
                .diseases
                .map(|ids| ids.split(',').map(|s| s.trim().to_owned()).collect()),
            genes: args.genes,
            unspecified_frequency: args.unspecified_frequency,
            orphanet_profiles: !args.no_orphanet_profiles,
            ..CatalogueOptions::default()
        };
        let threads = args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let cache = (!args.no_cache).then(|| {
            args.cache
                .unwrap_or_else(|| Catalogue::compiled_path(&args.hpo, &catalogue, config))
        });
        Ok(Self {
            hpo: args.hpo,
            patients: args.patients,
            catalogue,
            excluded: args.excluded,
            sex: args.sex,
            threads: threads.max(1),
            top: args.top,
            config,
            cache,
            gap: args.gap,
        })
    }
}

fn zygosity(z: Option<&str>) -> Zygosity {
    match z.map(str::to_ascii_lowercase).as_deref() {
        Some("heterozygous") => Zygosity::Heterozygous,
        Some("homozygous" | "biallelic" | "compound_heterozygous" | "compound heterozygous") => Zygosity::Biallelic,
        Some("hemizygous") => Zygosity::Hemizygous,
        _ => Zygosity::Any,
    }
}

fn patient(line: &Line, excluded: bool, sex: bool, genes: bool) -> Patient {
    let mut p = Patient::new();
    for t in &line.terms {
        p = p.present(t.clone());
    }
    if excluded {
        for t in line.excluded.iter().filter(|t| !line.terms.contains(t)) {
            p = p.absent(t.clone());
        }
    }
    if sex {
        p.sex = match line.sex.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("male") => Some(Sex::Male),
            Some("female") => Some(Sex::Female),
            _ => None,
        };
    }
    if genes {
        for g in &line.genes {
            p = p.variant(g.gene.clone(), zygosity(g.zygosity.as_deref()));
        }
    }
    p
}

/// Peak resident memory in MiB (Linux), if known.
fn peak_mib() -> Option<f64> {
    status_mib("VmHWM:")
}

/// A memory figure of `/proc/self/status` in MiB (Linux), if known.
fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The kinds of evidence `--gap` sums apart: present findings a rule explains (sex and onset
/// included), present findings none explains, absent findings, genes.
const KINDS: [&str; 4] = ["present_explained", "present_unexplained", "absent", "gene"];

/// A diagnosis's evidence for a patient in log10, summed by kind ([`KINDS`]; before the design
/// effect, which scales every diagnosis of a patient alike).
fn evidence_by_kind(model: &Model, patient: &ResolvedPatient, d: DiagnosisId) -> [f64; 4] {
    let (explanation, _) = model.explain(patient, d);
    let mut sums = [0.0; 4];
    for c in explanation.all() {
        let kind = if c.matched == MatchKind::Gene {
            3
        } else if c.evidence.starts_with("no ") {
            2
        } else {
            usize::from(c.matched == MatchKind::Unrelated)
        };
        sums[kind] += c.log10_lr;
    }
    sums
}

/// What one thread gathers beside the output lines: the calibration and, with `--gap`, the
/// summed gaps (by kind) of the cases outside the top N.
#[derive(Default)]
struct Tally {
    calibration: Calibration,
    gap: [f64; 4],
    misses: usize,
}

/// A patient's JSON line and the rank of its true disease (see [`rank_line`]).
type Ranked = (String, Option<usize>);

/// The JSON line of one patient, and the rank of its true disease when the line names one (ties
/// counted against it; 0 when it is not in the catalogue).
fn rank_line(
    model: &Model,
    names: &[(String, String)],
    line: &Line,
    o: &Options,
    ranking: &mut Ranking,
    tally: &mut Tally,
) -> Ranked {
    let p = patient(line, o.excluded, o.sex, o.catalogue.genes);
    let mut rank = None;
    let mut gap = None;
    let result = match model.resolve(&p) {
        Ok(resolved) => {
            if let Some(truth) = &line.true_disease {
                model.rank_into(&resolved, ranking);
                let e = ranking.entries();
                let at = e.iter().position(|x| names[x.diagnosis.0 as usize].0 == *truth);
                rank = Some(at.map_or(0, |t| e.iter().filter(|x| x.posterior >= e[t].posterior).count()));
                tally
                    .calibration
                    .add(e.iter().map(|x| x.posterior).chain([ranking.none_posterior()]), at);
                if let Some(t) = at.filter(|_| o.gap) {
                    let n = o.top.max(1);
                    // The truth is in the top n exactly when it beats the n-th best other disease.
                    let other = e.iter().filter(|x| x.diagnosis != e[t].diagnosis).nth(n - 1);
                    if let Some(other) = other {
                        let ours = evidence_by_kind(model, &resolved, e[t].diagnosis);
                        let theirs = evidence_by_kind(model, &resolved, other.diagnosis);
                        if rank.is_some_and(|r| r > n) {
                            tally.misses += 1;
                            for (sum, (a, b)) in tally.gap.iter_mut().zip(theirs.iter().zip(&ours)) {
                                *sum += a - b;
                            }
                        }
                        let by_kind = |v: [f64; 4]| -> serde_json::Map<String, serde_json::Value> {
                            KINDS
                                .iter()
                                .map(|k| (*k).to_owned())
                                .zip(v.map(serde_json::Value::from))
                                .collect()
                        };
                        gap = Some(serde_json::json!({
                            "truth": by_kind(ours),
                            "other": names[other.diagnosis.0 as usize].0,
                            "other_evidence": by_kind(theirs),
                        }));
                    }
                }
            } else {
                model.rank_top_into(&resolved, o.top, ranking);
            }
            let top: Vec<serde_json::Value> = ranking
                .entries()
                .iter()
                .take(o.top)
                .map(|e| {
                    let (id, name) = &names[e.diagnosis.0 as usize];
                    serde_json::json!({"id": id, "name": name, "probability": e.posterior})
                })
                .collect();
            let mut v = serde_json::json!({"id": line.id, "top": top, "none_of_these": ranking.none_posterior()});
            if let Some(r) = rank {
                v["true_rank"] = serde_json::json!(r);
            }
            if let Some(g) = gap {
                v["gap"] = g;
            }
            v
        }
        Err(e) => serde_json::json!({"id": line.id, "error": e.to_string()}),
    };
    (result.to_string(), rank)
}

#[allow(
    clippy::too_many_lines,
    reason = "the example's flow, read top to bottom: options, load, run, report"
)]
fn run() -> Result<(), String> {
    let o = Options::new(Args::parse())?;
    let start = Instant::now();
    let (model, stats) = match &o.cache {
        None => {
            let catalogue = Catalogue::load(&o.hpo, &o.catalogue).map_err(|e| e.to_string())?;
            let stats = catalogue.stats.clone();
            (catalogue.into_model_with(o.config).map_err(|e| e.to_string())?, stats)
        }
        Some(path) => {
            let (model, stats, how) =
                Catalogue::compiled(&o.hpo, &o.catalogue, o.config, path).map_err(|e| e.to_string())?;
            match how {
                Cached::Read => eprintln!("read the compiled catalogue {}", path.display()),
                Cached::Written { why } => eprintln!("compiled the files ({why}); wrote {}", path.display()),
                Cached::NotWritten { why, error } => {
                    eprintln!("compiled the files ({why}); could not write the compiled form: {error}");
                }
                _ => {}
            }
            (model, stats)
        }
    };
    let load = start.elapsed().as_secs_f64();
    if std::env::var_os("CATALOGUE_TRACE").is_some() {
        eprintln!(
            "after loading: resident {:?} MiB, peak {:?} MiB",
            status_mib("VmRSS:"),
            peak_mib()
        );
    }
    eprintln!(
        "loaded {} diseases, {} findings, {} annotations ({} on unknown terms), {} gene links in {load:.2} s",
        stats.diseases, stats.findings, stats.annotations, stats.unknown_terms, stats.genes
    );
    if o.catalogue.orphanet_profiles {
        eprintln!(
            "Orphanet profiles: {} diseases took {} terms of their Orphanet twin",
            stats.orphanet_links, stats.orphanet_terms
        );
    }
    // The database id and name of each diagnosis, by index.
    let kb = model.knowledge_base();
    let names: Vec<(String, String)> = kb
        .diagnoses()
        .iter()
        .map(|d| {
            let id = d
                .omim
                .first()
                .or(d.orphanet.first())
                .cloned()
                .unwrap_or_else(|| d.id.clone());
            (id, d.name.clone())
        })
        .collect();
    let file = std::fs::File::open(&o.patients).map_err(|e| format!("cannot read {}: {e}", o.patients))?;
    let mut lines = Vec::new();
    for (i, l) in std::io::BufReader::new(file).lines().enumerate() {
        let l = l.map_err(|e| format!("{}: {e}", o.patients))?;
        if l.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(&l).map_err(|e| format!("{}:{}: {e}", o.patients, i + 1))?;
        lines.push(line);
    }
    let began = Instant::now();
    let chunk = lines.len().div_ceil(o.threads).max(1);
    // Per thread: each patient's output line and the rank of its truth, and the tally.
    let outputs: Vec<(Vec<Ranked>, Tally)> = std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .chunks(chunk)
            .map(|part| {
                let (model, names, o) = (&model, &names, &o);
                s.spawn(move || {
                    let mut ranking = Ranking::new(model);
                    let mut tally = Tally::default();
                    let lines = part
                        .iter()
                        .map(|l| rank_line(model, names, l, o, &mut ranking, &mut tally))
                        .collect();
                    (lines, tally)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "a ranking thread stopped early".to_owned()))
            .collect::<Result<_, _>>()
    })?;
    let secs = began.elapsed().as_secs_f64();
    let mut calibration = Calibration::new();
    let (mut gap, mut misses) = ([0.0; 4], 0);
    for (lines, part) in &outputs {
        for (line, _) in lines {
            say!("{line}");
        }
        calibration.merge(&part.calibration);
        misses += part.misses;
        for (sum, g) in gap.iter_mut().zip(part.gap) {
            *sum += g;
        }
    }
    let ranks: Vec<usize> = outputs.iter().flat_map(|(l, _)| l).filter_map(|(_, r)| *r).collect();
    if !ranks.is_empty() {
        let share = |k: usize| 100.0 * ranks.iter().filter(|&&r| r >= 1 && r <= k).count() as f64 / ranks.len() as f64;
        let missing = ranks.iter().filter(|&&r| r == 0).count();
        eprintln!(
            "true disease (ties against it), {} patients: top-1 {:.1} %, top-3 {:.1} %, top-10 {:.1} %{}",
            ranks.len(),
            share(1),
            share(3),
            share(10),
            if missing > 0 {
                format!(" ({missing} not in the catalogue)")
            } else {
                String::new()
            }
        );
        eprintln!(
            "calibration (top prediction, \"none of these\" competing): Brier {:.3}, ECE {:.3}; by probability of the top prediction:",
            calibration.brier(),
            calibration.ece()
        );
        for b in calibration.reliability().iter().filter(|b| b.cases > 0) {
            eprintln!(
                "  {:.1}-{:.1}: {:>5} cases, mean probability {:.3}, right {:.3}",
                b.from, b.to, b.cases, b.predicted, b.observed
            );
        }
        if o.gap && misses > 0 {
            let mean = gap.map(|g| g / misses as f64);
            eprintln!(
                "gap of the {misses} cases outside the top {}: the disease to pass leads by {:.2} log10 (mean, before the design effect) = {}",
                o.top.max(1),
                mean.iter().sum::<f64>(),
                KINDS
                    .iter()
                    .zip(mean)
                    .map(|(k, g)| format!("{k} {g:.2}"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            );
        }
    }
    eprintln!(
        "ranked {} patients in {secs:.3} s on {} threads: {:.0} patients/s; load {load:.2} s; peak memory {}",
        lines.len(),
        o.threads,
        lines.len() as f64 / secs.max(1e-9),
        peak_mib().map_or_else(|| "unknown".to_owned(), |m| format!("{m:.0} MiB"))
    );
    Ok(())
}

fn main() -> ExitCode {
    output::exit_code("catalogue", run())
}
