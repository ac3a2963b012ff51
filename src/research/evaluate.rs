//! Measuring how well a rule set ranks a collection of cases: top-1 / top-3 accuracy, mean
//! reciprocal rank, per-diagnosis recall, a confusion matrix, and calibration (Brier score,
//! expected calibration error and a reliability table).
//!
//! ```
//! use osteodx::research::evaluate::Evaluation;
//! use osteodx::{Model, Patient};
//! let model = Model::builtin()?;
//! let mut eval = Evaluation::new(&model);
//! let p = model.resolve(&Patient::new().present("blue sclerae").present("recurrent fractures"))?;
//! eval.add(Some("osteogenesis_imperfecta"), &model.diagnose(&p));
//! let report = eval.report();
//! assert_eq!(report.top1, 1.0);
//! # Ok::<(), osteodx::Error>(())
//! ```

use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;

use crate::explain::{Coverage, Differential};
use crate::model::Model;
use crate::resolved::ResolvedPatient;
use crate::score::Ranking;

/// Knowledge bases with more diagnoses get no confusion matrix (it would have their number
/// squared cells) and list only the diagnoses with cases in their per-diagnosis recall.
pub const CONFUSION_MAX_DIAGNOSES: usize = 64;

/// The label used for "none of these" in confusion matrices.
pub const NONE: &str = "none_of_these";
/// The label used for cases of conditions outside the knowledge base.
pub const OTHER: &str = "other";

#[derive(Debug, Clone)]
struct Case {
    truth: Option<usize>,
    /// Posterior per label (diagnoses in knowledge-base order), then "none of these".
    probs: Vec<f64>,
    /// The case reports a genetic result (and it was scored).
    gene: bool,
}

impl Case {
    /// The posterior of the true answer (its diagnosis, or "none of these").
    fn truth_posterior(&self) -> f64 {
        let column = self.truth.unwrap_or(self.probs.len() - 1);
        self.probs.get(column).copied().unwrap_or(0.0)
    }

    /// 1-based rank of column `c` among all columns (the seven and "none of these"); ties go
    /// against it.
    fn rank_of(&self, c: usize) -> usize {
        1 + self
            .probs
            .iter()
            .enumerate()
            .filter(|&(i, &p)| i != c && p >= self.probs[c])
            .count()
    }

    /// 1-based rank of column `c` among the diagnoses only ("none of these" left out).
    fn rank_among_diagnoses(&self, c: usize) -> usize {
        let k = self.probs.len() - 1;
        1 + self.probs[..k]
            .iter()
            .enumerate()
            .filter(|&(i, &p)| i != c && p >= self.probs[c])
            .count()
    }
}

/// Collects cases and computes the report.
#[derive(Debug, Clone)]
pub struct Evaluation {
    labels: Vec<String>,
    /// Per diagnosis of the model (by index): its label's position, `None` for look-alikes.
    label_of: Vec<Option<usize>>,
    cases: Vec<Case>,
    /// Per label: present clinical findings of its cases and those its rules explain.
    coverage: Vec<Coverage>,
}

/// Recall of one diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recall {
    /// Cases of this diagnosis.
    pub cases: usize,
    /// Share ranked first, "none of these" competing.
    pub top1: f64,
    /// Share ranked in the first three, "none of these" competing.
    pub top3: f64,
    /// Share ranked first among the diagnoses alone.
    pub top1_among_diagnoses: f64,
}

/// One bin of the reliability table (top-label confidence).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower bound of predicted probability.
    pub from: f64,
    /// Upper bound.
    pub to: f64,
    /// Cases whose top prediction falls here.
    pub cases: usize,
    /// Mean predicted probability.
    pub predicted: f64,
    /// Share of those top predictions that were right.
    pub observed: f64,
}

/// The evaluation report.
///
/// The headline figures (`top1`, `top2`, `top3`) count "none of these" as a candidate: a case of
/// one of the diagnoses ranked below "none of these" is a miss, and a case of another condition
/// is right when "none of these" comes first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// All cases.
    pub cases: usize,
    /// Cases whose truth is one of the diagnoses.
    pub cases_in_knowledge_base: usize,
    /// Share of all cases whose truth (a diagnosis, or "none of these") is ranked first.
    pub top1: f64,
    /// Share ranked in the first two.
    pub top2: f64,
    /// Share ranked in the first three.
    pub top3: f64,
    /// Cases of the diagnoses: share ranked first, "none of these" competing.
    pub top1_known: f64,
    /// Cases of the diagnoses: share ranked first among the diagnoses alone.
    pub top1_among_diagnoses: f64,
    /// Cases of the diagnoses: share in the first three among the diagnoses alone.
    pub top3_among_diagnoses: f64,
    /// Mean reciprocal rank of the truth among the diagnoses alone (cases of the diagnoses).
    pub mrr: f64,
    /// Per diagnosis.
    pub recall: IndexMap<String, Recall>,
    /// Row labels: the diagnoses, then `other`.
    pub confusion_rows: Vec<String>,
    /// Column labels: the diagnoses, then `none_of_these`.
    pub confusion_columns: Vec<String>,
    /// Counts: truth row × top prediction column (argmax including "none of these").
    pub confusion: Vec<Vec<usize>>,
    /// Multi-class Brier score over the diagnoses plus "none of these" (0 is perfect, 2 worst).
    pub brier: f64,
    /// Expected calibration error of the top prediction (10 bins).
    pub ece: f64,
    /// The reliability table.
    pub reliability: Vec<ReliabilityBin>,
    /// Cases of conditions outside the knowledge base.
    pub other_cases: usize,
    /// Share of those where "none of these" came first.
    pub none_first_for_other: f64,
    /// Share of in-knowledge-base cases where "none of these" came first.
    pub none_first_for_known: f64,
    /// Cases that report a genetic result that was scored.
    pub gene_cases: usize,
    /// Share of those whose truth is ranked first ("none of these" a candidate).
    pub top1_gene_cases: f64,
    /// Share of those whose truth has a posterior above 0.9.
    pub sure_gene_cases: f64,
    /// Per diagnosis: present clinical findings of its cases and how many of them a rule of the
    /// diagnosis explains at some level of the hierarchy (from [`Evaluation::add_coverage`]).
    pub coverage: IndexMap<String, Coverage>,
}

impl Evaluation {
    /// An empty evaluation over the model's diagnoses.
    #[must_use]
    pub fn new(model: &Model) -> Self {
        let labels: Vec<String> = model
            .knowledge_base()
            .diagnoses()
            .iter()
            .filter(|d| !d.lookalike)
            .map(|d| d.id.clone())
            .collect();
        let mut next = 0;
        let label_of = model
            .knowledge_base()
            .diagnoses()
            .iter()
            .map(|d| {
                (!d.lookalike).then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        Self {
            coverage: vec![Coverage::default(); labels.len()],
            labels,
            label_of,
            cases: Vec::new(),
        }
    }

    /// Count a case's findings explained by a rule of its true diagnosis
    /// ([`Model::rule_coverage`](crate::Model::rule_coverage)); cases of other conditions are not counted.
    pub fn add_coverage(&mut self, truth: Option<&str>, model: &Model, patient: &ResolvedPatient) {
        let Some(i) = truth.and_then(|t| self.labels.iter().position(|l| l == t)) else {
            return;
        };
        if let Some(d) = model.diagnosis_index(&self.labels[i]) {
            let c = model.rule_coverage(patient, d);
            self.coverage[i].findings += c.findings;
            self.coverage[i].explained += c.explained;
        }
    }

    /// Add a case from its differential: its true diagnosis id (`None`, or an id not in the
    /// model, for a condition outside the knowledge base).
    pub fn add(&mut self, truth: Option<&str>, differential: &Differential) {
        let mut probs = vec![0.0; self.labels.len() + 1];
        for d in &differential.diagnoses {
            if let Some(i) = self.labels.iter().position(|l| *l == d.id) {
                probs[i] = d.posterior;
            }
        }
        probs[self.labels.len()] = differential.none_of_these;
        self.push(truth, probs, false);
    }

    /// Add a case from a ranking (the hot path's result; no explanation needed); `gene` says
    /// whether the patient scored held a genetic result (reported apart as `top1_gene_cases`).
    pub fn add_ranking(&mut self, truth: Option<&str>, model: &Model, ranking: &Ranking, gene: bool) {
        let mut probs = vec![0.0; self.labels.len() + 1];
        for e in ranking.entries() {
            // The label by index (checked: the ranking may come from another model), else by id.
            let id = model.diagnosis_id(e.diagnosis);
            let by_index = self.label_of.get(e.diagnosis.0 as usize).copied().flatten();
            let label = by_index
                .filter(|&i| self.labels[i] == id)
                .or_else(|| self.labels.iter().position(|l| l == id));
            if let Some(i) = label {
                probs[i] = e.posterior;
            }
        }
        probs[self.labels.len()] = ranking.none_posterior();
        self.push(truth, probs, gene);
    }

    fn push(&mut self, truth: Option<&str>, probs: Vec<f64>, gene: bool) {
        let truth = truth.and_then(|t| self.labels.iter().position(|l| l == t));
        self.cases.push(Case { truth, probs, gene });
    }

    /// Number of cases added.
    #[must_use]
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// True when no case was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Compute the report.
    #[must_use]
    #[allow(
        clippy::too_many_lines,
        reason = "one figure after another, in the order of the report"
    )]
    pub fn report(&self) -> Report {
        let k = self.labels.len();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let column = |c: &Case| c.truth.unwrap_or(k);
        let known: Vec<&Case> = self.cases.iter().filter(|c| c.truth.is_some()).collect();
        let within = |cases: &[&Case], n: usize| cases.iter().filter(|c| c.rank_of(column(c)) <= n).count();
        let within_diagnoses =
            |cases: &[&Case], n: usize| cases.iter().filter(|c| c.rank_among_diagnoses(column(c)) <= n).count();
        let all: Vec<&Case> = self.cases.iter().collect();
        let mrr = if known.is_empty() {
            0.0
        } else {
            known
                .iter()
                .map(|c| 1.0 / c.rank_among_diagnoses(column(c)) as f64)
                .sum::<f64>()
                / known.len() as f64
        };
        let mut recall = IndexMap::new();
        for (i, label) in self.labels.iter().enumerate() {
            let of: Vec<&Case> = known.iter().copied().filter(|c| c.truth == Some(i)).collect();
            recall.insert(
                label.clone(),
                Recall {
                    cases: of.len(),
                    top1: ratio(within(&of, 1), of.len()),
                    top3: ratio(within(&of, 3), of.len()),
                    top1_among_diagnoses: ratio(within_diagnoses(&of, 1), of.len()),
                },
            );
        }
        // A confusion matrix only for knowledge bases small enough to read one (the HPO catalogue
        // has 8,000 diagnoses: 64 million cells).
        let with_confusion = k <= CONFUSION_MAX_DIAGNOSES;
        let mut confusion = if with_confusion {
            vec![vec![0usize; k + 1]; k + 1]
        } else {
            Vec::new()
        };
        let mut calibration = Calibration::new();
        let (mut none_other, mut none_known) = (0, 0);
        for c in &self.cases {
            let truth_col = column(c);
            let top = calibration.add(c.probs.iter().copied(), Some(truth_col)).unwrap_or(k);
            if with_confusion {
                confusion[truth_col][top] += 1;
            }
            if top == k {
                if c.truth.is_some() {
                    none_known += 1;
                } else {
                    none_other += 1;
                }
            }
        }
        let n = self.cases.len();
        let (mut rows, mut columns) = (Vec::new(), Vec::new());
        if with_confusion {
            rows.clone_from(&self.labels);
            rows.push(OTHER.to_owned());
            columns.clone_from(&self.labels);
            columns.push(NONE.to_owned());
        }
        let other = n - known.len();
        let with_gene: Vec<&Case> = self.cases.iter().filter(|c| c.gene).collect();
        Report {
            cases: n,
            cases_in_knowledge_base: known.len(),
            top1: ratio(within(&all, 1), n),
            top2: ratio(within(&all, 2), n),
            top3: ratio(within(&all, 3), n),
            top1_known: ratio(within(&known, 1), known.len()),
            top1_among_diagnoses: ratio(within_diagnoses(&known, 1), known.len()),
            top3_among_diagnoses: ratio(within_diagnoses(&known, 3), known.len()),
            mrr,
            recall,
            confusion_rows: rows,
            confusion_columns: columns,
            confusion,
            brier: calibration.brier(),
            ece: calibration.ece(),
            reliability: calibration.reliability(),
            other_cases: other,
            none_first_for_other: ratio(none_other, other),
            none_first_for_known: ratio(none_known, known.len()),
            gene_cases: with_gene.len(),
            top1_gene_cases: ratio(within(&with_gene, 1), with_gene.len()),
            sure_gene_cases: ratio(
                with_gene.iter().filter(|c| c.truth_posterior() > 0.9).count(),
                with_gene.len(),
            ),
            coverage: self
                .labels
                .iter()
                .cloned()
                .zip(self.coverage.iter().copied())
                .filter(|(_, c)| c.findings > 0)
                .collect(),
        }
    }
}

/// The calibration of predicted probabilities, gathered case by case: the multi-class Brier
/// score and the reliability of the top prediction (its expected calibration error over ten
/// equal-width bins of confidence). [`Evaluation::report`] computes its figures with it; a
/// ranker over more diagnoses than an [`Evaluation`] should hold in memory (the HPO catalogue)
/// feeds it each case's probabilities directly, and threads merge theirs.
///
/// ```
/// use osteodx::research::evaluate::Calibration;
/// let mut c = Calibration::new();
/// // Three candidates; the truth (index 0) is the top prediction at 0.8.
/// assert_eq!(c.add([0.8, 0.15, 0.05], Some(0)), Some(0));
/// // The top prediction (index 1, 0.6) is wrong.
/// assert_eq!(c.add([0.3, 0.6, 0.1], Some(0)), Some(1));
/// assert_eq!(c.cases(), 2);
/// // Brier: ((0.2² + 0.15² + 0.05²) + (0.7² + 0.6² + 0.1²)) / 2.
/// assert!((c.brier() - (0.065 + 0.86) / 2.0).abs() < 1e-12);
/// // Bin 0.8-0.9 predicts 0.8 and is right; bin 0.6-0.7 predicts 0.6 and is wrong.
/// assert!((c.ece() - (0.2 + 0.6) / 2.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calibration {
    cases: usize,
    /// Sum of the cases' Brier scores.
    brier: f64,
    /// Per bin of the top prediction's probability: cases, summed probability, right ones.
    bins: [(usize, f64, usize); 10],
}

impl Calibration {
    /// No cases yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one case: the probabilities of all its candidates (the diagnoses and "none of
    /// these", in any order fixed for the case) and the position of its truth among them
    /// (`None`: the truth is none of the candidates, so it had probability 0). Returns the
    /// position of the top prediction, the first of equals (`None` when there are no
    /// candidates).
    pub fn add(&mut self, probabilities: impl IntoIterator<Item = f64>, truth: Option<usize>) -> Option<usize> {
        let (mut top, mut best) = (None, f64::NEG_INFINITY);
        let mut brier = if truth.is_none() { 1.0 } else { 0.0 };
        for (i, p) in probabilities.into_iter().enumerate() {
            let y = if Some(i) == truth { 1.0 } else { 0.0 };
            brier += (p - y).powi(2);
            if top.is_none() || p > best {
                (top, best) = (Some(i), p);
            }
        }
        self.cases += 1;
        self.brier += brier;
        if top.is_some() {
            let b = ((best * 10.0) as usize).min(9);
            self.bins[b].0 += 1;
            self.bins[b].1 += best;
            self.bins[b].2 += usize::from(top == truth);
        }
        top
    }

    /// Add the cases of another accumulator (one per thread, say).
    pub fn merge(&mut self, other: &Self) {
        self.cases += other.cases;
        self.brier += other.brier;
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            a.0 += b.0;
            a.1 += b.1;
            a.2 += b.2;
        }
    }

    /// Cases added.
    #[must_use]
    pub fn cases(&self) -> usize {
        self.cases
    }

    /// The mean multi-class Brier score: Σ (p − y)² over the candidates, 0 perfect, 2 worst (0
    /// without cases).
    #[must_use]
    pub fn brier(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            self.brier / self.cases as f64
        }
    }

    /// The expected calibration error of the top prediction: over ten equal-width bins of its
    /// probability, the case-weighted mean of |mean probability − share right|.
    #[must_use]
    pub fn ece(&self) -> f64 {
        self.reliability()
            .iter()
            .map(|b| b.cases as f64 / self.cases.max(1) as f64 * (b.predicted - b.observed).abs())
            .sum()
    }

    /// The reliability table: per bin, the cases whose top prediction falls there, their mean
    /// probability and the share of them that were right.
    #[must_use]
    pub fn reliability(&self) -> Vec<ReliabilityBin> {
        self.bins
            .iter()
            .enumerate()
            .map(|(i, &(count, sum, right))| ReliabilityBin {
                from: i as f64 / 10.0,
                to: (i + 1) as f64 / 10.0,
                cases: count,
                predicted: if count == 0 { 0.0 } else { sum / count as f64 },
                observed: if count == 0 { 0.0 } else { right as f64 / count as f64 },
            })
            .collect()
    }
}

impl Report {
    /// A plain-text rendering of the report.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let pct = |x: f64| format!("{:5.1}%", 100.0 * x);
        let _ = writeln!(
            s,
            "cases: {} ({} of the knowledge base's diagnoses, {} other)",
            self.cases, self.cases_in_knowledge_base, self.other_cases
        );
        let _ = writeln!(
            s,
            "top-1 {}   top-2 {}   top-3 {}   (all cases, 'none of these' a candidate)",
            pct(self.top1),
            pct(self.top2),
            pct(self.top3)
        );
        let _ = writeln!(
            s,
            "cases of the diagnoses: top-1 {} with 'none of these' competing, {} among the diagnoses alone (top-3 {}, MRR {:.3})",
            pct(self.top1_known),
            pct(self.top1_among_diagnoses),
            pct(self.top3_among_diagnoses),
            self.mrr
        );
        let _ = writeln!(s, "Brier {:.3}   ECE {:.3}", self.brier, self.ece);
        if self.gene_cases > 0 {
            let _ = writeln!(
                s,
                "cases that report a gene, with the gene: {} (top-1 {}, truth above 0.9 {})",
                self.gene_cases,
                pct(self.top1_gene_cases),
                pct(self.sure_gene_cases)
            );
        }
        let _ = writeln!(
            s,
            "'none of these' first: {} of other-condition cases, {} of known cases",
            pct(self.none_first_for_other),
            pct(self.none_first_for_known)
        );
        if !self.coverage.is_empty() {
            let (findings, explained) = self
                .coverage
                .values()
                .fold((0, 0), |(f, e), c| (f + c.findings, e + c.explained));
            let _ = write!(
                s,
                "findings explained by a rule of the true diagnosis: {} ({explained} of {findings});",
                pct(Coverage { findings, explained }.share())
            );
            for (label, c) in &self.coverage {
                let _ = write!(s, " {label} {}", pct(c.share()).trim_start());
            }
            s += "\n";
        }
        s += "\nrecall by diagnosis ('none of these' competing; among the diagnoses alone):\n";
        // Every diagnosis of a small knowledge base; those with cases of a large one.
        let many = self.recall.len() > CONFUSION_MAX_DIAGNOSES;
        for (label, r) in self.recall.iter().filter(|(_, r)| !many || r.cases > 0) {
            let _ = writeln!(
                s,
                "  {label:<26} n={:<4} top-1 {}  top-3 {}  (alone {})",
                r.cases,
                pct(r.top1),
                pct(r.top3),
                pct(r.top1_among_diagnoses)
            );
        }
        if self.confusion.is_empty() {
            s += "\n(no confusion matrix: more than 64 diagnoses)\n";
        } else {
            s += "\nconfusion (rows: truth, columns: top prediction):\n";
        }
        let short = |l: &str| l.chars().take(6).collect::<String>();
        let _ = write!(s, "  {:<26}", "");
        for c in &self.confusion_columns {
            let _ = write!(s, "{:>7}", short(c));
        }
        s += "\n";
        for (row, counts) in self.confusion_rows.iter().zip(&self.confusion) {
            let _ = write!(s, "  {row:<26}");
            for c in counts {
                let _ = write!(s, "{c:>7}");
            }
            s += "\n";
        }
        s += "\nreliability (top prediction):\n  bin          n   predicted  observed\n";
        for b in self.reliability.iter().filter(|b| b.cases > 0) {
            let _ = writeln!(
                s,
                "  {:.1}-{:.1} {:>6}   {:>8.3}  {:>8.3}",
                b.from, b.to, b.cases, b.predicted, b.observed
            );
        }
        s
    }
}

/// A mapping from OMIM / Orphanet disease ids to diagnosis ids, to know the true class of a
/// phenopacket. The built-in one (`data/disease-map.tsv`) covers the entries of the HPO
/// annotations that make up the seven diagnoses; lines are `DB:ID<TAB>diagnosis_id[<TAB>name]`.
///
/// ```
/// let map = osteodx::research::evaluate::DiseaseMap::builtin()?;
/// assert_eq!(map.diagnosis_of(&["OMIM:259700".to_owned()]), Some("infantile"));
/// assert_eq!(map.diagnosis_of(&["OMIM:259775".to_owned()]), None);
/// # Ok::<(), osteodx::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiseaseMap {
    map: IndexMap<String, String>,
}

impl DiseaseMap {
    /// The mapping shipped with the crate.
    ///
    /// # Errors
    /// If the shipped file does not parse (a test guards against it): an error, never an empty
    /// mapping.
    pub fn builtin() -> Result<Self, crate::Error> {
        Self::parse(include_str!("../../data/disease-map.tsv"))
    }

    /// Parse the TSV form; `#` lines are comments.
    ///
    /// # Errors
    /// [`Error::Ontology`](crate::Error::Ontology) naming the line of an entry without a diagnosis.
    pub fn parse(text: &str) -> Result<Self, crate::Error> {
        let mut map = IndexMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(id), Some(diagnosis)) = (cols.next(), cols.next()) else {
                return Err(crate::Error::Ontology {
                    path: "disease map".into(),
                    line: i + 1,
                    message: "expected DB:ID<TAB>diagnosis".to_owned(),
                });
            };
            map.insert(id.trim().to_owned(), diagnosis.trim().to_owned());
        }
        Ok(Self { map })
    }

    /// Read a mapping file.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) or a parse error.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, crate::Error> {
        let path = path.as_ref();
        let text = crate::Limits::default().read_to_string(path)?;
        Self::parse(&text)
    }

    /// The diagnosis of the first disease id that maps.
    #[must_use]
    pub fn diagnosis_of(&self, disease_ids: &[String]) -> Option<&str> {
        disease_ids
            .iter()
            .find_map(|id| self.map.get(id.trim()).map(String::as_str))
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The true classes of cases named by `labels.tsv` files: a tab-separated table with a header
/// row naming at least the columns `file` (the case file, relative to the table's folder) and
/// `class` (a diagnosis id, or `other` for a condition outside the knowledge base).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("osteodx-labels-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("adult"))?;
/// std::fs::write(dir.join("labels.tsv"), "file\tclass\tnotes\nadult/a.json\tadult\tx\nb.json\tother\t\n")?;
/// let labels = osteodx::research::evaluate::Labels::find(&dir)?;
/// assert_eq!(labels.class_of(&dir.join("adult/a.json")), Some("adult"));
/// assert_eq!(labels.class_of(&dir.join("b.json")), Some("other"));
/// assert_eq!(labels.class_of(&dir.join("c.json")), None);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    classes: IndexMap<std::path::PathBuf, String>,
    /// The publication of each file that a `citation` (or else `source`) column names.
    publications: IndexMap<std::path::PathBuf, String>,
}

impl Labels {
    /// Read every `labels.tsv` in `root` and its subfolders.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) when a folder or table cannot be read;
    /// [`Error::Ontology`](crate::Error::Ontology) naming the line of a malformed table.
    pub fn find(root: impl AsRef<std::path::Path>) -> Result<Self, crate::Error> {
        let mut out = Self::default();
        out.scan(root.as_ref())?;
        Ok(out)
    }

    fn scan(&mut self, dir: &std::path::Path) -> Result<(), crate::Error> {
        let io = |source| crate::Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                self.scan(&path)?;
            } else if path.file_name().is_some_and(|n| n == "labels.tsv") {
                let text = crate::Limits::default().read_to_string(&path)?;
                self.parse(dir, &path, &text)?;
            }
        }
        Ok(())
    }

    fn parse(&mut self, dir: &std::path::Path, path: &std::path::Path, text: &str) -> Result<(), crate::Error> {
        let bad = |line: usize, message: &str| crate::Error::Ontology {
            path: path.to_path_buf(),
            line,
            message: message.to_owned(),
        };
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Ok(());
        };
        let columns: Vec<&str> = header.split('\t').map(str::trim).collect();
        let file_col = columns
            .iter()
            .position(|c| *c == "file")
            .ok_or_else(|| bad(1, "no `file` column"))?;
        let class_col = columns
            .iter()
            .position(|c| *c == "class")
            .ok_or_else(|| bad(1, "no `class` column"))?;
        let publication_col = ["citation", "source"]
            .iter()
            .find_map(|name| columns.iter().position(|c| c == name));
        for (i, line) in lines {
            let cols: Vec<&str> = line.split('\t').collect();
            let (Some(file), Some(class)) = (cols.get(file_col), cols.get(class_col)) else {
                return Err(bad(i + 1, "fewer columns than the header"));
            };
            let file = dir.join(file.trim());
            if let Some(publication) = publication_col.and_then(|c| cols.get(c)).map(|p| p.trim()) {
                if !publication.is_empty() {
                    self.publications.insert(file.clone(), publication.to_owned());
                }
            }
            self.classes.insert(file, class.trim().to_owned());
        }
        Ok(())
    }

    /// The class of a case file, when a table names it.
    #[must_use]
    pub fn class_of(&self, file: &std::path::Path) -> Option<&str> {
        self.classes.get(file).map(String::as_str)
    }

    /// The publication a table names for a case file (its `citation` column, else `source`).
    #[must_use]
    pub fn publication_of(&self, file: &std::path::Path) -> Option<&str> {
        self.publications.get(file).map(String::as_str)
    }

    /// Number of labelled files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// True when no table was found.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }
}

/// A file [`collect_cases`] passed over, and why.
pub type Skipped = (std::path::PathBuf, String);

/// A case of a collection: a phenopacket with its true class.
#[derive(Debug, Clone)]
pub struct LabelledCase {
    /// The file name without extension.
    pub name: String,
    /// The true diagnosis id, or `None` for a condition outside the knowledge base.
    pub truth: Option<String>,
    /// The publication the case comes from, as `labels.tsv` names it (`citation`, else
    /// `source`), else the file name: the unit [`halves`] keeps together.
    pub publication: String,
    /// The phenopacket.
    pub packet: crate::research::phenopacket::Phenopacket,
}

/// The cases under a folder and the files that are not cases ([`collect`]).
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// The cases, in file-path order.
    pub cases: Vec<LabelledCase>,
    /// Files that are no case, each with the reason: the crate's own patient JSON, a packet
    /// without phenotypic features, a packet without a truth.
    pub skipped: Vec<Skipped>,
    /// Files that could not be read as phenopackets (too large, not UTF-8, not JSON, a key or
    /// value the schema does not have), each with the error: a run over the collection has not
    /// seen every case, and should say so.
    pub unreadable: Vec<Skipped>,
}

/// The cases under a folder (recursively, file-path order): every `*.json` file that is a
/// phenopacket with phenotypic features. The truth comes from a `labels.tsv` of the folder or a
/// folder above it (class `other`: a condition outside the knowledge base), else from the
/// packet's disease ids through `map`; a packet that neither names is skipped. Returns the cases
/// and the files skipped or unreadable, each with the reason, in file order ([`collect`] keeps
/// the two apart).
///
/// # Errors
/// [`Error::Io`](crate::Error::Io) when a folder cannot be read, or a labels table is malformed.
pub fn collect_cases(
    dir: impl AsRef<std::path::Path>,
    map: &DiseaseMap,
) -> Result<(Vec<LabelledCase>, Vec<Skipped>), crate::Error> {
    let c = collect(dir, map)?;
    let mut skipped = c.skipped;
    skipped.extend(c.unreadable);
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((c.cases, skipped))
}

/// [`collect_cases`], with the files that could not be read apart from those that are no case.
///
/// # Errors
/// As [`collect_cases`].
pub fn collect(dir: impl AsRef<std::path::Path>, map: &DiseaseMap) -> Result<Collection, crate::Error> {
    fn json_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), crate::Error> {
        let entries = std::fs::read_dir(dir).map_err(|source| crate::Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                json_files(&path, out)?;
            } else if path.extension().is_some_and(|x| x == "json") {
                out.push(path);
            }
        }
        Ok(())
    }
    let dir = dir.as_ref();
    let mut files = Vec::new();
    json_files(dir, &mut files)?;
    files.sort();
    let labels = Labels::find(dir)?;
    let mut out = Collection::default();
    let (cases, skipped) = (&mut out.cases, &mut out.skipped);
    let limits = crate::Limits {
        file_bytes: crate::research::phenopacket::MAX_BYTES,
        ..crate::Limits::default()
    };
    for path in files {
        let text = match limits.read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                let cause = std::error::Error::source(&e)
                    .map(|c| format!(": {c}"))
                    .unwrap_or_default();
                out.unreadable.push((path, format!("{e}{cause}")));
                continue;
            }
        };
        let packet = match crate::research::phenopacket::Phenopacket::parse_with(&text, &limits) {
            Ok(p) if !p.phenotypic_features.is_empty() => p,
            Ok(_) => {
                skipped.push((path, "no phenotypic features".to_owned()));
                continue;
            }
            // The crate's own patient JSON: no phenopacket, as it always was.
            Err(_) if crate::patient::Patient::from_json_with(&text, &limits).is_ok() => {
                skipped.push((path, "no phenotypic features".to_owned()));
                continue;
            }
            Err(e) => {
                out.unreadable.push((path, crate::Error::from(e).to_string()));
                continue;
            }
        };
        let name = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let truth = match labels.class_of(&path) {
            Some(OTHER) => None,
            Some(class) => Some(class.to_owned()),
            None => {
                let ids = packet.disease_ids();
                if ids.is_empty() {
                    skipped.push((path, "it names no disease and no labels.tsv names it".to_owned()));
                    continue;
                }
                map.diagnosis_of(&ids).map(str::to_owned)
            }
        };
        let publication = labels.publication_of(&path).map_or_else(|| name.clone(), str::to_owned);
        cases.push(LabelledCase {
            name,
            truth,
            publication,
            packet,
        });
    }
    Ok(out)
}

/// Two halves of a collection, split by publication: the cases of one publication stay
/// together, and alternate publications of each class (the class of a publication's first case,
/// in collection order) go to each half, so that both halves hold every class in about equal
/// numbers and no publication informs both.
#[must_use]
pub fn halves(cases: &[LabelledCase]) -> (Vec<LabelledCase>, Vec<LabelledCase>) {
    let mut per_class: IndexMap<Option<String>, usize> = IndexMap::new();
    let mut half_of: IndexMap<&str, bool> = IndexMap::new();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for case in cases {
        let first = *half_of.entry(case.publication.as_str()).or_insert_with(|| {
            let n = per_class.entry(case.truth.clone()).or_insert(0);
            *n += 1;
            *n % 2 == 1
        });
        if first {
            a.push(case.clone());
        } else {
            b.push(case.clone());
        }
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::{halves, Calibration, LabelledCase};

    #[test]
    fn halves_keep_a_publication_together_and_alternate_publications_per_class() {
        let case = |name: &str, truth: Option<&str>, publication: &str| LabelledCase {
            name: name.to_owned(),
            truth: truth.map(str::to_owned),
            publication: publication.to_owned(),
            packet: crate::research::phenopacket::Phenopacket::default(),
        };
        let cases = [
            case("sib1", Some("intermediate"), "Sly 1972"),
            case("a1", Some("adult"), "A"),
            case("sib2", Some("intermediate"), "Sly 1972"),
            case("b1", Some("intermediate"), "B"),
            case("a2", Some("adult"), "C"),
            case("o1", None, "D"),
        ];
        let (a, b) = halves(&cases);
        let names = |h: &[LabelledCase]| h.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), ["sib1", "a1", "sib2", "o1"]);
        assert_eq!(names(&b), ["b1", "a2"]);
    }

    #[test]
    fn merged_calibrations_equal_one_over_all_cases() {
        let cases: [(&[f64], Option<usize>); 4] = [
            (&[0.7, 0.2, 0.1], Some(0)),
            (&[0.25, 0.45, 0.3], Some(2)),
            (&[0.95, 0.05, 0.0], Some(1)),
            (&[0.5, 0.5, 0.0], None),
        ];
        let mut all = Calibration::new();
        let (mut a, mut b) = (Calibration::new(), Calibration::new());
        for (i, &(p, t)) in cases.iter().enumerate() {
            all.add(p.iter().copied(), t);
            if i % 2 == 0 { &mut a } else { &mut b }.add(p.iter().copied(), t);
        }
        a.merge(&b);
        assert_eq!(all.cases(), 4);
        assert_eq!(a.cases(), 4);
        // Equal up to the order of the floating-point sums.
        assert!((a.brier() - all.brier()).abs() < 1e-12);
        assert!((a.ece() - all.ece()).abs() < 1e-12);
        for (x, y) in a.reliability().iter().zip(&all.reliability()) {
            assert_eq!(x.cases, y.cases);
            assert!((x.predicted - y.predicted).abs() < 1e-12 && (x.observed - y.observed).abs() < 1e-12);
        }
        // Not a vacuous comparison: the cases fall in four different bins.
        assert_eq!(all.reliability().iter().filter(|b| b.cases > 0).count(), 4);
    }

    #[test]
    fn a_truth_outside_the_candidates_counts_as_probability_zero() {
        let mut c = Calibration::new();
        // Ties go to the first of equals: index 0.
        assert_eq!(c.add([0.5, 0.5], None), Some(0));
        // Brier: 0.25 + 0.25 for the candidates, 1 for the truth that had none.
        assert!((c.brier() - 1.5).abs() < 1e-12);
        // The top prediction (0.5) was wrong: ECE 0.5.
        assert!((c.ece() - 0.5).abs() < 1e-12);
        let bins = c.reliability();
        assert_eq!(bins[5].cases, 1);
        assert!(bins[5].observed.abs() < 1e-12);
        assert_eq!(Calibration::new().add(std::iter::empty(), Some(0)), None);
    }
}
