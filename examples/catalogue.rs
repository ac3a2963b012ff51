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
//! top prediction (Brier score, ECE and the reliability table; `osteodx::research::evaluate::Calibration`).
//!
//! The first run compiles the files and writes their compiled form; later runs with the same
//! files (by content), options and build read it back instead (see `osteodx::model_file`).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use osteodx::catalogue::{Cached, CaseSource, Catalogue, CatalogueFiles, CatalogueOptions, CatalogueStats, Sources};
use osteodx::research::evaluate::Calibration;
use osteodx::research::phenopacket::Phenopacket;
use osteodx::{DiagnosisId, MatchKind, Model, Patient, Ranking, ResolvedPatient, Sex, Zygosity};
use serde::Deserialize;

#[macro_use]
#[path = "support/output.rs"]
mod output;

/// One input line.
#[derive(Debug, Clone, Deserialize)]
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
    /// The publication the patient comes from (`PMID:21782149`): withheld from every knowledge
    /// source with `--leave-publication-out`, and what labels the patient cited or clean.
    #[serde(default)]
    pmid: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
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
pub(crate) struct Args {
    /// The HPO files: `hp.obo` and `phenotype.hpoa` (and `genes_to_phenotype.txt` for
    /// `--genes`).
    #[arg(long, value_name = "DIR")]
    hpo: String,
    /// The patients, one JSON object a line: `{"id", "terms": [HPO ids], "excluded": [HPO ids]}`.
    #[arg(long, value_name = "FILE.jsonl", required_unless_present_any = ["phenopackets", "twins", "frequencies", "is_a"])]
    patients: Option<String>,
    /// Or: a folder of GA4GH phenopackets (every `*.json` in it, in name order), one patient
    /// each: its id the file name without `.json`, its terms the observed and excluded features,
    /// its genes (with `--genes`), sex, disease (`true_disease`) and publication (`pmid`, the
    /// first `PMID:` of `metaData.externalReferences`) from the packet.
    #[arg(long, value_name = "DIR", conflicts_with = "patients")]
    phenopackets: Option<String>,
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
    /// Rank each line that names a publication (`"pmid"`) with a catalogue that never saw it:
    /// every annotation row citing it and every published case from it withheld (see
    /// `--publication-group`).
    #[arg(long = "leave-publication-out")]
    leave_publication_out: bool,
    /// With `--leave-publication-out`: withhold up to N publications at once, never two that
    /// shape the same disease's knowledge, so that each patient meets its own disease's knowledge
    /// exactly as with its publication alone withheld (1: one catalogue per publication, exact
    /// and slowest).
    #[arg(long = "publication-group", value_name = "N", default_value_t = 8)]
    publication_group: usize,
    /// Published cases as a knowledge source beside the annotations: `bundled` (the
    /// phenopacket-store cases the crate ships), `none`, or a file of cases in this command's
    /// line format (`true_disease`, `pmid`, `terms`, `excluded`).
    #[arg(long, value_name = "bundled|none|FILE", default_value = "bundled")]
    cases: String,
    /// With `--genes`: add N other genes to each line's genes, drawn with a fixed seed from the
    /// genes the catalogue links to diseases, each with the zygosity of the line's first gene
    /// (the candidate genes of an exome).
    #[arg(long = "decoy-genes", value_name = "N", default_value_t = 0)]
    decoy_genes: usize,
    /// Write the Orphanet twins the catalogue pairs (`OMIM id<TAB>Orphanet id`, a line each,
    /// OMIM entries in file order) to FILE (`-`: standard output) and stop: the pairing that
    /// `tools/catalogue_bound.py` reads.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["patients", "phenopackets"])]
    twins: Option<PathBuf>,
    /// Write every frequency field of `phenotype.hpoa` (and the empty one) with the frequency the
    /// catalogue reads from it and, for an HPO frequency class, its name
    /// (`field<TAB>frequency<TAB>class`, a line each) to FILE (`-`: standard output) and stop:
    /// what `tools/derive_rules.py` reads.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["patients", "phenopackets", "twins"])]
    frequencies: Option<PathBuf>,
    /// Write the `is_a` graph of the HPO files' `hp.obo` in the form the crate ships
    /// (`data/hp-is-a.tsv`, `Ontology::to_tsv`) to FILE (`-`: standard output) and stop.
    #[arg(long = "is-a", value_name = "FILE", conflicts_with_all = ["patients", "phenopackets", "twins", "frequencies"])]
    is_a: Option<PathBuf>,
}

#[allow(
    clippy::struct_excessive_bools,
    reason = "the command line's switches, one field each"
)]
struct Options {
    hpo: String,
    /// Where the patients come from, as `--patients` or `--phenopackets` named it.
    patients: String,
    /// True when `patients` is a folder of phenopackets.
    phenopackets: bool,
    catalogue: CatalogueOptions,
    excluded: bool,
    sex: bool,
    threads: usize,
    top: usize,
    config: osteodx::ScoringConfig,
    /// Where the compiled catalogue is kept; `None` (`--no-cache`): compile every time.
    cache: Option<PathBuf>,
    gap: bool,
    leave_publication_out: bool,
    publication_group: usize,
    decoy_genes: usize,
}

impl Options {
    /// The options of a run from those of the command line: the scoring constants set, the
    /// diseases split, the defaults that depend on the machine or on the other options filled.
    fn new(args: Args) -> Result<Self, String> {
        let mut config = Catalogue::scoring_config();
        for s in &args.sets {
            config.set(s)?;
        }
        let cases = match args.cases.as_str() {
            "bundled" => CaseSource::Bundled,
            "none" => CaseSource::None,
            file => CaseSource::File(PathBuf::from(file)),
        };
        let catalogue = CatalogueOptions {
            cases,
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
            phenopackets: args.phenopackets.is_some(),
            patients: args.phenopackets.or(args.patients).unwrap_or_default(),
            catalogue,
            excluded: args.excluded,
            sex: args.sex,
            threads: threads.max(1),
            top: args.top,
            config,
            cache,
            gap: args.gap,
            leave_publication_out: args.leave_publication_out,
            publication_group: args.publication_group.max(1),
            decoy_genes: args.decoy_genes,
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

fn patient(line: &Line, o: &Options, decoys: &[String]) -> Patient {
    let mut p = Patient::new();
    for t in &line.terms {
        p = p.present(t.clone());
    }
    if o.excluded {
        for t in line.excluded.iter().filter(|t| !line.terms.contains(t)) {
            p = p.absent(t.clone());
        }
    }
    if o.sex {
        p.sex = match line.sex.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("male") => Some(Sex::Male),
            Some("female") => Some(Sex::Female),
            _ => None,
        };
    }
    if o.catalogue.genes {
        for g in &line.genes {
            p = p.variant(g.gene.clone(), zygosity(g.zygosity.as_deref()));
        }
        let z = zygosity(line.genes.first().and_then(|g| g.zygosity.as_deref()));
        for g in decoys {
            p = p.variant(g.clone(), z);
        }
    }
    p
}

/// `n` genes of `pool` (sorted, each once) other than the line's, drawn with a seed made of the
/// line's position: the same lines always get the same decoys.
fn decoys(pool: &[String], line: &Line, index: usize, n: usize) -> Vec<String> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (index as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let mut next = || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out: Vec<String> = Vec::new();
    let available = pool
        .iter()
        .filter(|g| !line.genes.iter().any(|l| l.gene == **g))
        .count();
    while out.len() < n.min(available) {
        let g = &pool[(next() % pool.len() as u64) as usize];
        if !line.genes.iter().any(|l| l.gene == *g) && !out.contains(g) {
            out.push(g.clone());
        }
    }
    out
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

/// Whether a line's publication is cited by its true disease's annotations (the catalogue then
/// partly recalls the patient rather than diagnosing it), or not ("clean"), or unknown (no true
/// disease or no publication).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Cited,
    Clean,
    Unknown,
}

/// The groups the figures are given for: all lines, cited, clean.
const GROUPS: [(&str, Option<Label>); 3] = [
    ("all", None),
    ("publication cited by the truth's annotations", Some(Label::Cited)),
    ("clean (publication not cited)", Some(Label::Clean)),
];

/// What one thread gathers beside the output lines: the calibration of each of [`GROUPS`] and,
/// with `--gap`, the summed gaps (by kind) of the cases outside the top N.
#[derive(Default)]
struct Tally {
    calibration: [Calibration; 3],
    gap: [f64; 4],
    misses: usize,
}

impl Tally {
    fn merge(&mut self, other: &Tally) {
        for (a, b) in self.calibration.iter_mut().zip(&other.calibration) {
            a.merge(b);
        }
        self.misses += other.misses;
        for (sum, g) in self.gap.iter_mut().zip(other.gap) {
            *sum += g;
        }
    }
}

/// A patient's JSON line and the rank of its true disease (see [`rank_line`]).
type Ranked = (String, Option<usize>);

/// The database id and name of each diagnosis of a model, by index.
fn names_of(model: &Model) -> Vec<(String, String)> {
    model
        .knowledge_base()
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
        .collect()
}

/// One line to rank: the line, its label and its decoy genes.
struct Job<'a> {
    line: &'a Line,
    label: Label,
    decoys: Vec<String>,
}

/// The JSON line of one patient, and the rank of its true disease when the line names one (ties
/// counted against it; 0 when it is not in the catalogue).
fn rank_line(
    model: &Model,
    names: &[(String, String)],
    job: &Job<'_>,
    o: &Options,
    ranking: &mut Ranking,
    tally: &mut Tally,
) -> Ranked {
    let line = job.line;
    let p = patient(line, o, &job.decoys);
    let mut rank = None;
    let mut gap = None;
    let result = match model.resolve(&p) {
        Ok(resolved) => {
            if let Some(truth) = &line.true_disease {
                model.rank_into(&resolved, ranking);
                let e = ranking.entries();
                let at = e.iter().position(|x| names[x.diagnosis.index()].0 == *truth);
                rank = Some(at.map_or(0, |t| e.iter().filter(|x| x.posterior >= e[t].posterior).count()));
                for (calibration, (_, group)) in tally.calibration.iter_mut().zip(GROUPS) {
                    if group.is_none_or(|g| g == job.label) {
                        calibration.add(e.iter().map(|x| x.posterior).chain([ranking.none_posterior()]), at);
                    }
                }
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
                            "other": names[other.diagnosis.index()].0,
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
                    let (id, name) = &names[e.diagnosis.index()];
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
            // The terms the ranking could not use: names no finding matches, and absent terms
            // that say nothing.
            let notes = &resolved.notes;
            let unused: Vec<&str> = notes
                .unknown
                .iter()
                .map(|u| u.name.as_str())
                .chain(notes.unused_absent.iter().map(String::as_str))
                .collect();
            if !unused.is_empty() {
                v["unused"] = serde_json::json!(unused);
            }
            v
        }
        Err(e) => serde_json::json!({"id": line.id, "error": e.to_string()}),
    };
    (result.to_string(), rank)
}

/// A line of the patient file: the patient, or why it is not one (with its line number).
type Input = Result<Line, (usize, String)>;

/// The lines of the patient file, read one at a time, each within the limit of a file's bytes
/// (`Limits::file_bytes`): a line that is not a patient object is kept as its problem, so that
/// its output line says so. A leading byte-order mark is skipped, blank lines too.
///
/// # Errors
/// A file that cannot be opened or read, or a line longer than the limit.
fn read_lines(path: &str) -> Result<Vec<Input>, String> {
    let limit = osteodx::Limits::default().file_bytes;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut reader = std::io::BufReader::new(file);
    let mut lines = Vec::new();
    let mut buf = Vec::new();
    for number in 1.. {
        buf.clear();
        let n = std::io::Read::take(&mut reader, limit + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("cannot read {path}: {e}"))?;
        if n == 0 {
            break;
        }
        if buf.len() as u64 > limit {
            return Err(format!(
                "{path}:{number}: a line longer than the limit of {limit} bytes (Limits::file_bytes)"
            ));
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t,
            Err(e) => {
                lines.push(Err((
                    number,
                    format!("not UTF-8 (byte {} of the line)", e.valid_up_to() + 1),
                )));
                continue;
            }
        };
        let text = if number == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        if text.trim().is_empty() {
            continue;
        }
        lines.push(parse_line(text).map_err(|e| (number, e)));
    }
    Ok(lines)
}

/// The phenopackets of a folder as patient lines, in file-name order (`--phenopackets`): each
/// packet through the crate's reader (`Phenopacket::parse_with`, `to_patient`), its id the file
/// name without `.json`. A file that is no phenopacket is kept as its problem, numbered by its
/// place in that order, and its output line names it.
///
/// # Errors
/// A folder that cannot be read.
fn read_phenopackets(dir: &str) -> Result<Vec<Input>, String> {
    let limits = osteodx::Limits::default();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {dir}: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    files.sort();
    let mut inputs = Vec::with_capacity(files.len());
    for (i, path) in files.iter().enumerate() {
        let name = path.display().to_string();
        let line = limits
            .read_to_string(path)
            .map_err(|e| output::chain(&e))
            .and_then(|text| Phenopacket::parse_with(&text, &limits).map_err(|e| output::chain(&e)))
            .and_then(|packet| {
                let patient = packet.to_patient(true).map_err(|e| output::chain(&e))?;
                let id = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let features = |excluded: bool| -> Vec<String> {
                    packet
                        .phenotypic_features
                        .iter()
                        .filter(|f| f.excluded == excluded)
                        .filter_map(|f| f.term.as_ref().map(|t| t.id.clone()))
                        .collect()
                };
                Ok(Line {
                    id: serde_json::Value::String(id),
                    terms: features(false),
                    excluded: features(true),
                    genes: patient
                        .genetics
                        .iter()
                        .map(|g| GeneLine {
                            gene: g.gene.clone(),
                            zygosity: g.zygosity.map(|z| z.as_str().to_owned()),
                        })
                        .collect(),
                    true_disease: packet.disease_ids().into_iter().next(),
                    sex: patient.sex.map(|s| s.as_str().to_owned()),
                    pmid: packet.references.iter().find(|r| r.starts_with("PMID:")).cloned(),
                })
            })
            .map_err(|e| (i + 1, format!("{name}: {e}")));
        inputs.push(line);
    }
    Ok(inputs)
}

/// One patient line: a JSON object with an `id`.
fn parse_line(text: &str) -> Result<Line, String> {
    if !text.trim_start().starts_with('{') {
        return Err("not a patient: a line is one JSON object".to_owned());
    }
    let line: Line = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if line.id.is_null() {
        return Err("a patient line needs an \"id\"".to_owned());
    }
    Ok(line)
}

/// What a ranking thread gives back: each line's index, output and the rank of its truth, and the
/// tally.
type Done = (Vec<(usize, Ranked)>, Tally);

/// A share of work: lines ranked by one model, the whole catalogue's (`group` None) or the one
/// built without a group of publications.
struct Work {
    group: Option<usize>,
    lines: Vec<usize>,
}

/// The whole catalogue's model and counts: read from the compiled form, or compiled from the
/// files (those read already, when there are).
fn whole_model(o: &Options, files: Option<&CatalogueFiles>) -> Result<(Model, CatalogueStats), String> {
    match (files, &o.cache) {
        (Some(files), _) if o.leave_publication_out || o.cache.is_none() => {
            files.model_without(&[], o.config).map_err(|e| output::chain(&e))
        }
        (_, None) => {
            let catalogue = Catalogue::load(&o.hpo, &o.catalogue).map_err(|e| output::chain(&e))?;
            let stats = catalogue.stats.clone();
            Ok((
                catalogue.into_model_with(o.config).map_err(|e| output::chain(&e))?,
                stats,
            ))
        }
        (_, Some(path)) => {
            let (model, stats, how) =
                Catalogue::compiled(&o.hpo, &o.catalogue, o.config, path).map_err(|e| output::chain(&e))?;
            match how {
                Cached::Read => eprintln!("read the compiled catalogue {}", path.display()),
                Cached::Written { why } => eprintln!("compiled the files ({why}); wrote {}", path.display()),
                Cached::NotWritten { why, error } => {
                    eprintln!("compiled the files ({why}); could not write the compiled form: {error}");
                }
                _ => {}
            }
            Ok((model, stats))
        }
    }
}

/// Print the figures of one group of lines: top-1/3/10 and calibration.
fn report_group(name: &str, ranks: &[usize], calibration: &Calibration, first: bool) {
    let share = |k: usize| 100.0 * ranks.iter().filter(|&&r| r >= 1 && r <= k).count() as f64 / ranks.len() as f64;
    let missing = ranks.iter().filter(|&&r| r == 0).count();
    let missing = if missing > 0 {
        format!(" ({missing} not in the catalogue)")
    } else {
        String::new()
    };
    if first {
        eprintln!(
            "true disease (ties against it), {} patients: top-1 {:.1} %, top-3 {:.1} %, top-10 {:.1} %{missing}",
            ranks.len(),
            share(1),
            share(3),
            share(10),
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
    } else {
        eprintln!(
            "  {name}, {} patients: top-1 {:.1} %, top-3 {:.1} %, top-10 {:.1} %{missing}; Brier {:.3}, ECE {:.3}",
            ranks.len(),
            share(1),
            share(3),
            share(10),
            calibration.brier(),
            calibration.ece()
        );
    }
}

/// `--frequencies`: each distinct frequency field of `phenotype.hpoa`, in order of first
/// appearance after the empty one, with the frequency the catalogue reads from it.
fn write_frequencies(hpo: &str, options: &CatalogueOptions, path: &Path) -> Result<(), String> {
    let file = Path::new(hpo).join("phenotype.hpoa");
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let fields = osteodx::catalogue::frequency_fields(&file, &text, options).map_err(|e| output::chain(&e))?;
    let mut out = String::new();
    for (field, value) in fields {
        let class = osteodx::rule_file::FREQUENCY_CLASSES
            .iter()
            .find(|(id, _, _)| *id == field)
            .map_or(String::new(), |(_, name, _)| name.replace('_', " "));
        out.push_str(&[field.as_str(), &value.to_string(), &class].join("\t"));
        out.push('\n');
    }
    write_or_print(path, &out)
}

/// `text` into the file at `path`, or to standard output for `-`.
fn write_or_print(path: &Path, text: &str) -> Result<(), String> {
    if path.as_os_str() == "-" {
        print!("{text}");
        Ok(())
    } else {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// `--twins`: the catalogue's Orphanet twins, a TSV line each.
fn write_twins(hpo: &str, options: &CatalogueOptions, path: &Path) -> Result<(), String> {
    let files = CatalogueFiles::load(hpo, options).map_err(|e| output::chain(&e))?;
    let mut text = String::new();
    for (omim, orpha) in files.orphanet_twins() {
        text.push_str(&[omim, "\t", orpha, "\n"].concat());
    }
    write_or_print(path, &text)
}

#[allow(
    clippy::too_many_lines,
    reason = "the example's flow, read top to bottom: options, load, run, report"
)]
/// Runs the example (and `osteodx catalogue`) with parsed arguments.
pub(crate) fn run(args: Args) -> Result<(), String> {
    if let Some(path) = args.is_a.clone() {
        let obo = Path::new(&args.hpo).join("hp.obo");
        let text = std::fs::read_to_string(&obo).map_err(|e| format!("{}: {e}", obo.display()))?;
        let release = text
            .lines()
            .take_while(|l| !l.starts_with('['))
            .find_map(|l| l.strip_prefix("data-version: "))
            .map_or("unknown", |v| v.trim().trim_start_matches("hp/releases/"));
        let ontology = osteodx::Ontology::parse_obo(&obo, &text).map_err(|e| output::chain(&e))?;
        return write_or_print(&path, &ontology.to_tsv(release));
    }
    if let Some(path) = args.frequencies.clone() {
        let o = Options::new(args)?;
        return write_frequencies(&o.hpo, &o.catalogue, &path);
    }
    if let Some(path) = args.twins.clone() {
        let o = Options::new(args)?;
        return write_twins(&o.hpo, &o.catalogue, &path);
    }
    let o = Options::new(args)?;
    let inputs = if o.phenopackets {
        read_phenopackets(&o.patients)?
    } else {
        read_lines(&o.patients)?
    };
    let not_patients = inputs.iter().filter(|i| i.is_err()).count();
    let lines: Vec<Line> = inputs.iter().filter_map(|i| i.as_ref().ok()).cloned().collect();
    let start = Instant::now();
    // The files with their references, when lines name publications (for the labels) or when
    // publications are to be withheld.
    let labelled = lines.iter().any(|l| l.pmid.is_some() && l.true_disease.is_some());
    let files = if o.leave_publication_out || labelled {
        Some(CatalogueFiles::load(&o.hpo, &o.catalogue).map_err(|e| output::chain(&e))?)
    } else {
        None
    };
    let (model, stats) = whole_model(&o, files.as_ref())?;
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
    if o.catalogue.cases != CaseSource::None {
        eprintln!(
            "published cases: {} used ({} of diseases the catalogue does not have), {} annotations added or raised",
            stats.cases, stats.cases_without_disease, stats.case_terms
        );
    }
    let names = names_of(&model);
    let pool: Vec<String> = if o.decoy_genes > 0 {
        let mut genes: Vec<String> = model
            .knowledge_base()
            .diagnoses()
            .iter()
            .flat_map(|d| d.genes.iter().map(|g| g.symbol.clone()))
            .collect();
        genes.sort_unstable();
        genes.dedup();
        genes
    } else {
        Vec::new()
    };
    let jobs: Vec<Job<'_>> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| Job {
            line,
            label: match (&files, &line.true_disease, &line.pmid) {
                (Some(files), Some(truth), Some(pmid)) if files.cites(truth, pmid) => Label::Cited,
                (Some(_), Some(_), Some(_)) => Label::Clean,
                _ => Label::Unknown,
            },
            decoys: if pool.is_empty() || line.genes.is_empty() {
                Vec::new()
            } else {
                decoys(&pool, line, i, o.decoy_genes)
            },
        })
        .collect();
    // Leave-publication-out: the lines of each group of publications go to the catalogue built
    // without them; the rest to the whole catalogue.
    let groups: Vec<Vec<String>> = match &files {
        Some(files) if o.leave_publication_out => {
            let pmids: Vec<&str> = lines.iter().filter_map(|l| l.pmid.as_deref()).collect();
            files.publication_groups(&pmids, o.publication_group)
        }
        _ => Vec::new(),
    };
    let group_of: std::collections::HashMap<&str, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, refs)| refs.iter().map(move |r| (r.as_str(), g)))
        .collect();
    let mut work: Vec<Work> = groups
        .iter()
        .enumerate()
        .map(|(g, _)| Work {
            group: Some(g),
            lines: Vec::new(),
        })
        .collect();
    let mut whole: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match line.pmid.as_deref().and_then(|p| group_of.get(p)) {
            Some(&g) => work[g].lines.push(i),
            None => whole.push(i),
        }
    }
    let withheld_lines = lines.len() - whole.len();
    let chunk = whole.len().div_ceil(o.threads).max(1);
    work.extend(whole.chunks(chunk).map(|c| Work {
        group: None,
        lines: c.to_vec(),
    }));
    let began = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Per thread: each line's index, output and the rank of its truth, and the tally.
    let outputs: Vec<Done> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..o.threads.min(work.len()).max(1))
            .map(|_| {
                let (model, names, o, jobs, work, next, files, groups) =
                    (&model, &names, &o, &jobs, &work, &next, &files, &groups);
                s.spawn(move || -> Result<Done, String> {
                    let mut done = Vec::new();
                    let mut tally = Tally::default();
                    loop {
                        let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(share) = work.get(at) else { break };
                        let built;
                        let (model, names) = match (share.group, files) {
                            (Some(g), Some(files)) => {
                                let refs: Vec<&str> = groups[g].iter().map(String::as_str).collect();
                                let (m, _) = files.model_without(&refs, o.config).map_err(|e| output::chain(&e))?;
                                let n = names_of(&m);
                                built = (m, n);
                                (&built.0, built.1.as_slice())
                            }
                            _ => (model, names.as_slice()),
                        };
                        let mut ranking = Ranking::new(model);
                        for &i in &share.lines {
                            done.push((i, rank_line(model, names, &jobs[i], o, &mut ranking, &mut tally)));
                        }
                    }
                    Ok((done, tally))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "a ranking thread stopped early".to_owned())?)
            .collect::<Result<_, _>>()
    })?;
    let secs = began.elapsed().as_secs_f64();
    let mut tally = Tally::default();
    let mut ranked: Vec<Option<Ranked>> = vec![None; lines.len()];
    for (done, part) in outputs {
        tally.merge(&part);
        for (i, r) in done {
            ranked[i] = Some(r);
        }
    }
    // In input order: each patient's line, or the problem of a line that is not one.
    let mut patients = ranked.iter().flatten();
    for input in &inputs {
        match input {
            Ok(_) => {
                if let Some((line, _)) = patients.next() {
                    say!("{line}");
                }
            }
            Err((number, problem)) => say!("{}", serde_json::json!({"line": number, "error": problem})),
        }
    }
    if let (Some(files), false) = (&files, o.leave_publication_out) {
        // Lines whose publication the knowledge holds are partly recalled, not diagnosed.
        let mut known: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
        let recalled = lines
            .iter()
            .filter_map(|l| l.pmid.as_deref())
            .filter(|p| *known.entry(p).or_insert_with(|| !files.shaped_by(p).is_empty()))
            .count();
        if recalled > 0 {
            eprintln!(
                "note: {recalled} of {} lines come from publications the knowledge was built from (annotation rows citing them, or published cases from them): their figures are partly recall; --leave-publication-out withholds each line's publication",
                lines.len()
            );
        }
    }
    if o.leave_publication_out {
        eprintln!(
            "leave-publication-out: {withheld_lines} lines of {} publications ranked by {} catalogues, each built without a group of up to {} of them; {} lines (no publication, or one no source cites) by the whole catalogue",
            groups.iter().map(Vec::len).sum::<usize>(),
            groups.len(),
            o.publication_group,
            lines.len() - withheld_lines
        );
    }
    for (g, (name, label)) in GROUPS.iter().enumerate() {
        let ranks: Vec<usize> = ranked
            .iter()
            .zip(&jobs)
            .filter(|(_, j)| label.is_none_or(|l| l == j.label))
            .filter_map(|(r, _)| r.as_ref().and_then(|r| r.1))
            .collect();
        if !ranks.is_empty() && (g == 0 || ranks.len() < lines.len()) {
            report_group(name, &ranks, &tally.calibration[g], g == 0);
        }
    }
    if o.gap && tally.misses > 0 {
        let mean = tally.gap.map(|g| g / tally.misses as f64);
        eprintln!(
            "gap of the {} cases outside the top {}: the disease to pass leads by {:.2} log10 (mean, before the design effect) = {}",
            tally.misses,
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
    eprintln!(
        "ranked {} patients in {secs:.3} s on {} threads: {:.0} patients/s; load {load:.2} s; peak memory {}",
        lines.len(),
        o.threads,
        lines.len() as f64 / secs.max(1e-9),
        peak_mib().map_or_else(|| "unknown".to_owned(), |m| format!("{m:.0} MiB"))
    );
    if not_patients > 0 {
        return Err(format!(
            "{not_patients} {} of {} are not patients (their output lines say why)",
            if o.phenopackets { "files" } else { "lines" },
            o.patients
        ));
    }
    Ok(())
}

#[allow(dead_code, reason = "the osteodx command calls `run` with its own arguments")]
fn main() -> ExitCode {
    output::exit_code("catalogue", run(Args::parse()))
}
