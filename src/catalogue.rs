//! The whole HPO catalogue as a rule source: the standard HPO files (`hp.obo`, `phenotype.hpoa`
//! and, for genes, `genes_to_phenotype.txt`) turned into the same [`RuleSet`] the built-in rule
//! files give, so that [`KnowledgeBase::new`] validates it and [`Model`] compiles and scores it
//! like any other rules.
//!
//! * **Diagnoses** are the diseases of the chosen [`Sources`] (OMIM, Orphanet or both; or a list
//!   of ids), one per `database_id`, with id `omim_259700` / `orpha_2781` and the HPO name.
//! * **Findings** are the annotated HPO terms and all their ancestors (the true-path rule), with
//!   the `is_a` links of `hp.obo` as parents; the context findings (onset classes, age bands, sex,
//!   family history) come from the built-in `rules/findings.toml`.
//! * **Rules**: each aspect-P annotation is a rule on its term with the annotated frequency
//!   (`n/m` as (n + 1) / (m + 2), `%` as given, a frequency class as its midpoint, none as
//!   [`UNSPECIFIED_FREQUENCY`]); several annotations of one term keep the largest. A `NOT`
//!   annotation is an `against` rule (frequency 0). Aspect-C onset terms become rules on the
//!   onset classes. Aspect I sets the inheritance, which gives family-history rules
//!   ([`INHERITANCE_RULES`]) and the zygosity expected of the disease's genes.
//! * **Backgrounds** P(f | not D) are computed over the catalogue: bg(t) = (`Σ_D` `f_D(t)` + 0.5) /
//!   (N + 1), `f_D(t)` the largest frequency of D's annotations on t or any term below it.
//! * **Genes** (optional): every gene `genes_to_phenotype.txt` links to a disease, with fraction
//!   1 / (the disease's number of genes) and background (diseases with the gene + 0.5) / (N + 1).
//! * **Orphanet profiles** (on by default, [`CatalogueOptions::orphanet_profiles`]): an OMIM
//!   disease paired with an Orphanet entry by `genes_to_phenotype.txt` (among several entries of
//!   its gene, by name; without one, by the same name) also takes the entry's phenotype terms.
//! * **Constants** ([`Catalogue::scoring_config`]): case reports list the features of their
//!   disease as excluded ([`ABSENT_SELECTION`]), and a finding none of a disease's rules explains
//!   costs a sparsely annotated disease less than a rich one ([`ANNOTATION_EXPONENT`],
//!   [`ANNOTATION_REFERENCE`]).
//!
//! Matching more and less specific terms is the engine's: a patient term below an annotated one
//! matches it with the refinement discount, a term above annotated ones matches them partially,
//! and a term outside the vocabulary is placed on its nearest ancestors in it (see DESIGN.md).
//!
//! ```
//! use osteodx::catalogue::{Catalogue, CatalogueOptions};
//! let catalogue = Catalogue::load("tests/fixtures/hpo", &CatalogueOptions::default())?;
//! let model = catalogue.into_model()?;
//! assert!(model.n_diagnoses() > 20);
//! # Ok::<(), osteodx::Error>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod cache;
mod cases;
mod files;
pub use cache::{Cached, KEEP_COMPILED};
pub use cases::{CaseSource, PublishedCases};
pub use files::CatalogueFiles;

use crate::config::ScoringConfig;
use crate::error::{Error, Location, Problem, ProblemKind, RuleErrors};
use crate::knowledge::KnowledgeBase;
use crate::limits::Limits;
use crate::load::{RuleSet, SourceFile};
use crate::model::Model;
use crate::ontology::{format_hpo, Ontology};
use crate::rule_file::{
    unspanned, DiagnosisDef, FindingDef, FindingKind, Frequency, GeneBackgroundDef, GeneDef, Inheritance, RuleDef,
    RuleFile, Zygosity, FREQUENCY_CLASSES,
};

/// Frequency of an annotation that gives none (an estimate: the same value the built-in
/// HPO-derived layer uses, `tools/derive_rules.py`).
pub const UNSPECIFIED_FREQUENCY: f64 = 0.35;

/// How much likelier a case report is to list a feature as excluded when the disease has it:
/// published cases list the absent features of their disease (phenopacket-store: 87 % of cases
/// list excluded terms, mostly features of the disease). Fitted on `phenopacket-store-8343.jsonl`
/// and re-checked by leave-publication-out, each half of the publications (8, 16 and 32 tried;
/// DESIGN.md gives the figures; 1 is the plain Bayesian value, which costs the true disease most).
pub const ABSENT_SELECTION: f64 = 32.0;

/// G of [`ScoringConfig::annotation_exponent`] for the catalogue: an OMIM entry lists a median of
/// 11 phenotype terms, so a finding none of them explains is far more often an unlisted feature
/// of a sparse entry than of one with 80. Fitted with [`ANNOTATION_REFERENCE`] on
/// `phenopacket-store-8343.jsonl` and re-checked by leave-publication-out, each half of the
/// publications (DESIGN.md gives the grids).
pub const ANNOTATION_EXPONENT: f64 = 2.0;

/// `n_ref` of [`ScoringConfig::annotation_reference`] for the catalogue: the number of positive
/// phenotype rules at which an unexplained finding costs the plain false-positive value (the
/// 99th percentile of OMIM entries). Fitted with [`ANNOTATION_EXPONENT`] and
/// [`CATALOGUE_FALSE_POSITIVE_SHARE`].
pub const ANNOTATION_REFERENCE: f64 = 80.0;

/// α of [`ScoringConfig::false_positive_share`] for the catalogue (the built-in rules keep
/// 0.15): a patient of a publication the annotations were not made from shows more findings its
/// disease's annotations do not list, so a finding no rule explains says less against a disease.
/// Fitted by leave-publication-out on `phenopacket-store-8343.jsonl` with
/// [`ANNOTATION_REFERENCE`] (0.15 to 0.5 and 80 to 320 tried), each half of the publications
/// choosing it (DESIGN.md gives the grid).
pub const CATALOGUE_FALSE_POSITIVE_SHARE: f64 = 0.5;

/// [`ScoringConfig::temperature`] for the catalogue: at 1 its probabilities were overconfident
/// on patients of publications it had not seen. Fitted by leave-publication-out on
/// `phenopacket-store-8343.jsonl` (the expected calibration error of each half of the
/// publications; DESIGN.md gives the figures). The ranking does not depend on it.
pub const CATALOGUE_TEMPERATURE: f64 = 1.3;

/// Prevalence given to every catalogue disease: the HPO gives none, so the prior is uniform.
pub const CATALOGUE_PREVALENCE: f64 = 1e-5;

/// Family-history and sex rules implied by the mode of inheritance (estimates: the share of
/// published cases of such diseases reporting it): (inheritance, finding, frequency).
///
/// The sex of the patient follows from X-linked inheritance: an X-linked recessive disorder
/// affects mostly males (affected females, manifesting carriers, taken as 15 %), an X-linked
/// dominant one about twice as many females as males where males survive (67 % female).
pub const INHERITANCE_RULES: [(Inheritance, &str, f64); 8] = [
    (Inheritance::AutosomalRecessive, "parental_consanguinity", 0.3),
    (Inheritance::AutosomalRecessive, "family_history_affected_sibling", 0.3),
    (Inheritance::AutosomalDominant, "family_history_affected_parent", 0.5),
    (
        Inheritance::XLinkedRecessive,
        "family_history_affected_maternal_male_relative",
        0.4,
    ),
    (Inheritance::XLinkedRecessive, "sex_male", 0.85),
    (Inheritance::XLinkedRecessive, "sex_female", 0.15),
    (Inheritance::XLinkedDominant, "sex_female", 0.67),
    (Inheritance::XLinkedDominant, "sex_male", 0.33),
];

/// Which diseases of `phenotype.hpoa` become diagnoses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sources {
    /// `OMIM:` entries (the default; the benchmarks rank these).
    #[default]
    Omim,
    /// `ORPHA:` entries.
    Orphanet,
    /// Both.
    Both,
}

impl Sources {
    fn admits(self, id: &str) -> bool {
        match self {
            Self::Omim => id.starts_with("OMIM:"),
            Self::Orphanet => id.starts_with("ORPHA:"),
            Self::Both => id.starts_with("OMIM:") || id.starts_with("ORPHA:"),
        }
    }
}

impl std::str::FromStr for Sources {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "omim" => Ok(Self::Omim),
            "orphanet" | "orpha" => Ok(Self::Orphanet),
            "both" | "all" => Ok(Self::Both),
            _ => Err(format!("unknown source `{s}` (omim, orphanet or both)")),
        }
    }
}

/// How to read the catalogue.
///
/// ```
/// use osteodx::catalogue::{CaseSource, CatalogueOptions};
/// let options = CatalogueOptions::default();
/// assert!(options.orphanet_profiles && !options.genes);
/// assert_eq!(options.cases, CaseSource::Bundled);
/// ```
#[derive(Debug, Clone)]
pub struct CatalogueOptions {
    /// Which databases.
    pub sources: Sources,
    /// Only these disease ids (`OMIM:259700`), when given.
    pub diseases: Option<Vec<String>>,
    /// Read `genes_to_phenotype.txt` (when present) for gene rules.
    pub genes: bool,
    /// Limits on the files.
    pub limits: Limits,
    /// The frequency of an annotation that gives none (`None`: [`UNSPECIFIED_FREQUENCY`]).
    pub unspecified_frequency: Option<f64>,
    /// Add to an OMIM disease the phenotype annotations of the Orphanet entry for the same
    /// disease, where `genes_to_phenotype.txt` pairs them: a gene with exactly one OMIM disease
    /// and one Orphanet disease, each with that gene alone, or, among several Orphanet entries
    /// with the gene alone, the one named like the OMIM disease ([`NAME_MATCH`]); failing that,
    /// the one Orphanet entry whose name has the same words, unless their genes contradict it.
    /// Each term keeps the larger of the two frequencies; onset and inheritance stay OMIM's. Only
    /// for [`Sources::Omim`]; needs `genes_to_phenotype.txt` (without it this does nothing) and
    /// makes no gene rules unless [`genes`](Self::genes) is set too. On by default: it helps on
    /// the published cases (DESIGN.md gives the figures, per half).
    pub orphanet_profiles: bool,
    /// Published cases as a knowledge source beside the annotations ([`CaseSource`]; each
    /// disease takes the cohort of its cases as `n/m` annotations).
    pub cases: CaseSource,
}

/// OMIM's diseases, no gene rules, no other limits than the defaults, Orphanet profiles on, the
/// bundled published cases.
impl CatalogueOptions {
    /// The frequency of an annotation that gives none: [`CatalogueOptions::unspecified_frequency`]
    /// when it is a probability, otherwise [`UNSPECIFIED_FREQUENCY`].
    pub(crate) fn unspecified(&self) -> f64 {
        self.unspecified_frequency
            .filter(|p| (0.0..=1.0).contains(p))
            .unwrap_or(UNSPECIFIED_FREQUENCY)
    }
}

impl Default for CatalogueOptions {
    fn default() -> Self {
        Self {
            sources: Sources::default(),
            diseases: None,
            genes: false,
            limits: Limits::default(),
            unspecified_frequency: None,
            orphanet_profiles: true,
            cases: CaseSource::Bundled,
        }
    }
}

/// What was read and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CatalogueStats {
    /// Diagnoses made.
    pub diseases: usize,
    /// Annotation lines used.
    pub annotations: usize,
    /// Findings (annotated terms and their ancestors).
    pub findings: usize,
    /// Annotation lines on terms `hp.obo` does not know (dropped).
    pub unknown_terms: usize,
    /// Diseases of the selection without a phenotype annotation (dropped).
    pub without_phenotype: usize,
    /// Gene links made.
    pub genes: usize,
    /// Gene symbols of `genes_to_phenotype.txt` that are not valid symbols (left out).
    pub invalid_genes: usize,
    /// With [`CatalogueOptions::orphanet_profiles`]: the diseases that took the annotations of
    /// their Orphanet entry, and the terms that added or raised.
    #[serde(default)]
    pub orphanet_links: usize,
    /// See [`CatalogueStats::orphanet_links`].
    #[serde(default)]
    pub orphanet_terms: usize,
    /// Annotation lines left out because they cite a withheld publication
    /// ([`CatalogueFiles::catalogue_without`]).
    #[serde(default)]
    pub withheld_annotations: usize,
    /// Published cases used ([`CatalogueOptions::cases`]).
    #[serde(default)]
    pub cases: usize,
    /// Published cases left out because their publication is withheld.
    #[serde(default)]
    pub withheld_cases: usize,
    /// Published cases of a disease the catalogue does not have (left out).
    #[serde(default)]
    pub cases_without_disease: usize,
    /// Annotations the published cases added or raised.
    #[serde(default)]
    pub case_terms: usize,
}

/// The HPO catalogue read into rules: the ontology and a [`RuleSet`].
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// The `is_a` graph of `hp.obo`, for placing patient terms.
    pub ontology: Ontology,
    /// The rules, ready for [`KnowledgeBase::new`].
    pub rules: RuleSet,
    /// Counts.
    pub stats: CatalogueStats,
    /// The limits the files were read within; validation keeps to them too.
    pub limits: Limits,
}

/// One disease while reading.
struct Disease {
    id: String,
    name: String,
    /// Phenotype terms: (frequency, not).
    terms: HashMap<u32, (f64, bool)>,
    /// Onset classes: finding id and frequency.
    onsets: Vec<(&'static str, f64)>,
    inheritance: Vec<u32>,
    genes: Vec<String>,
}

impl Disease {
    fn new(id: String, name: String) -> Self {
        Self {
            id,
            name,
            terms: HashMap::new(),
            onsets: Vec::new(),
            inheritance: Vec::new(),
            genes: Vec::new(),
        }
    }

    /// Annotate `term` with frequency `p` (0 for `not`): a positive annotation wins over a `NOT`
    /// one, the largest frequency over smaller ones. Whether the term's rule changed.
    fn annotate(&mut self, term: u32, p: f64, not: bool) -> bool {
        match self.terms.get_mut(&term) {
            None => {
                self.terms.insert(term, (p, not));
                true
            }
            Some(have) if !not && (have.1 || p > have.0) => {
                *have = (p, false);
                true
            }
            Some(_) => false,
        }
    }
}

impl Catalogue {
    /// Read `hp.obo`, `phenotype.hpoa` and (with `options.genes`) `genes_to_phenotype.txt` from
    /// `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] for a file that cannot be read; [`Error::Ontology`] for an `hp.obo` without
    /// terms; [`Error::Rules`] with file and line for malformed annotation lines (every one).
    pub fn load(dir: impl AsRef<Path>, options: &CatalogueOptions) -> Result<Self, Error> {
        CatalogueFiles::load(dir, options)?.catalogue()
    }

    /// [`Catalogue::load`] from the texts of the files; the paths name them in errors.
    ///
    /// # Errors
    /// As [`Catalogue::load`].
    pub fn from_texts(
        obo: (&Path, &str),
        hpoa: (&Path, &str),
        genes: Option<(&Path, &str)>,
        options: &CatalogueOptions,
    ) -> Result<Self, Error> {
        Self::with_ontology(Ontology::parse_obo(obo.0, obo.1)?, hpoa, genes, options)
    }

    /// [`Catalogue::from_texts`] with an ontology already read (one `hp.obo` for several
    /// annotation files).
    ///
    /// # Errors
    /// As [`Catalogue::load`], but for `hp.obo`.
    pub fn with_ontology(
        ontology: Ontology,
        hpoa: (&Path, &str),
        genes: Option<(&Path, &str)>,
        options: &CatalogueOptions,
    ) -> Result<Self, Error> {
        let cases = options.cases.read(&options.limits)?;
        let cases = cases.as_ref().map(|(p, t)| (p.as_path(), t.as_str()));
        CatalogueFiles::parse(ontology, hpoa, genes, cases, options)?.catalogue()
    }

    /// Validate the rules into a knowledge base.
    ///
    /// # Errors
    /// [`Error::Rules`] (a defect of this module if it happens: the rules are made valid).
    pub fn knowledge_base(&self) -> Result<KnowledgeBase, Error> {
        KnowledgeBase::new_with(self.rules.clone(), &self.limits)
    }

    /// Validate and compile, with the ontology for placing patient terms.
    ///
    /// # Errors
    /// As [`Catalogue::knowledge_base`].
    pub fn into_model(self) -> Result<Model, Error> {
        self.into_model_with(Self::scoring_config())
    }

    /// The constants for the catalogue: the defaults, with
    /// [`absent_selection`](ScoringConfig::absent_selection) = [`ABSENT_SELECTION`], the
    /// false-positive value set per disease by its number of annotations
    /// ([`ANNOTATION_EXPONENT`], [`ANNOTATION_REFERENCE`], [`CATALOGUE_FALSE_POSITIVE_SHARE`])
    /// and the temperature [`CATALOGUE_TEMPERATURE`].
    ///
    /// ```
    /// let c = osteodx::catalogue::Catalogue::scoring_config();
    /// // An entry with 160 annotations pays more for an unexplained finding than one with 10.
    /// assert!(c.false_positive_shift(160) < c.false_positive_shift(10));
    /// ```
    #[must_use]
    pub fn scoring_config() -> ScoringConfig {
        ScoringConfig {
            absent_selection: ABSENT_SELECTION,
            annotation_exponent: ANNOTATION_EXPONENT,
            annotation_reference: ANNOTATION_REFERENCE,
            unlisted_frequency: UNSPECIFIED_FREQUENCY,
            temperature: CATALOGUE_TEMPERATURE,
            false_positive_share: CATALOGUE_FALSE_POSITIVE_SHARE,
            ..ScoringConfig::default()
        }
    }

    /// [`Catalogue::into_model`] with other constants.
    ///
    /// # Errors
    /// As [`Catalogue::knowledge_base`].
    pub fn into_model_with(self, config: ScoringConfig) -> Result<Model, Error> {
        let kb = KnowledgeBase::new_with(self.rules, &self.limits)?;
        Ok(Model::from_knowledge_base_with(kb, config).with_ontology(Arc::new(self.ontology)))
    }
}

fn problem(path: &Path, line: usize, message: String) -> Problem {
    problem_at(path, line, 1, message)
}

fn problem_at(path: &Path, line: usize, column: usize, message: String) -> Problem {
    Problem {
        location: Location {
            path: path.to_path_buf(),
            line,
            column,
        },
        kind: ProblemKind::Syntax(message),
    }
}

/// A tab-separated file (no quoting, rows of any length; `#` lines skipped when `comments`) and
/// its header row.
fn tsv<'t>(path: &Path, text: &'t str, comments: bool) -> Result<(csv::Reader<&'t [u8]>, csv::StringRecord), Error> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .comment(comments.then_some(b'#'))
        .flexible(true)
        .quoting(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            Error::Rules(RuleErrors {
                problems: vec![problem(path, 1, format!("no header row: {e}"))],
            })
        })?
        .clone();
    Ok((reader, headers))
}

/// The frequency the catalogue reads from the frequency field of an annotation of
/// `phenotype.hpoa`: `n/m` as (n + 1) / (m + 2), `x%` as given, an HPO frequency class as its
/// value in [`crate::rule_file::FREQUENCY_CLASSES`], and `None` for an empty
/// field (the catalogue then uses [`CatalogueOptions::unspecified_frequency`], by default
/// [`UNSPECIFIED_FREQUENCY`]). The one parser of these fields: tools that need it read what
/// `catalogue --frequencies` writes.
///
/// ```
/// use osteodx::catalogue::annotation_frequency;
/// assert_eq!(annotation_frequency("3/8"), Ok(Some(0.4)));
/// assert_eq!(annotation_frequency("HP:0040281"), Ok(Some(0.9)));
/// assert_eq!(annotation_frequency(" "), Ok(None));
/// assert!(annotation_frequency("often").is_err());
/// ```
///
/// # Errors
/// A field that is none of these, or out of range (`n > m`, over 100 %).
pub fn annotation_frequency(s: &str) -> Result<Option<f64>, String> {
    parse_frequency(s)
}

/// Every distinct frequency field of the `phenotype.hpoa` text `text` (read from `path`), the
/// empty one first, then in order of first appearance, with the frequency the catalogue reads
/// from it under `options` ([`annotation_frequency`], the empty field as the options'
/// unspecified frequency): what `catalogue --frequencies` writes for the tools.
///
/// ```
/// use osteodx::catalogue::{frequency_fields, CatalogueOptions};
/// let text = "#description\ndatabase_id\tfrequency\nOMIM:1\t1/2\nOMIM:1\t\nOMIM:2\t1/2\n";
/// let fields = frequency_fields("p.hpoa".as_ref(), text, &CatalogueOptions::default())?;
/// assert_eq!(fields, [(String::new(), 0.35), ("1/2".to_owned(), 0.5)]);
/// # Ok::<(), osteodx::Error>(())
/// ```
///
/// # Errors
/// [`Error::Rules`] naming the line of a field that is not a frequency, or a text without a
/// `frequency` column.
pub fn frequency_fields(path: &Path, text: &str, options: &CatalogueOptions) -> Result<Vec<(String, f64)>, Error> {
    let refuse = |line: usize, message: String| {
        Error::Rules(RuleErrors {
            problems: vec![problem(path, line, message)],
        })
    };
    let (mut reader, headers) = tsv(path, text, true)?;
    let column = headers
        .iter()
        .position(|h| h == "frequency")
        .ok_or_else(|| refuse(1, "no `frequency` column".to_owned()))?;
    let unspecified = options.unspecified();
    let mut out = vec![(String::new(), unspecified)];
    let mut seen: HashSet<String> = HashSet::from([String::new()]);
    let mut record = csv::StringRecord::new();
    loop {
        let line = |position: Option<&csv::Position>| position.map_or(0, |p| p.line() as usize);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(refuse(line(e.position()), e.to_string())),
        }
        let field = record.get(column).unwrap_or("").trim();
        if seen.insert(field.to_owned()) {
            let value = parse_frequency(field).map_err(|e| refuse(line(record.position()), e))?;
            out.push((field.to_owned(), value.unwrap_or(unspecified)));
        }
    }
    Ok(out)
}

/// An annotation frequency: `n/m`, `x%`, an HPO frequency class, or empty (None).
fn parse_frequency(s: &str) -> Result<Option<f64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Some((n, m)) = s.split_once('/') {
        let (n, m): (u32, u32) = (
            n.trim().parse().map_err(|_| format!("frequency `{s}`: not n/m"))?,
            m.trim().parse().map_err(|_| format!("frequency `{s}`: not n/m"))?,
        );
        if m == 0 || n > m {
            return Err(format!("frequency `{s}`: n/m needs 0 <= n <= m, m > 0"));
        }
        return Ok(Some((f64::from(n) + 1.0) / (f64::from(m) + 2.0)));
    }
    if let Some(p) = s.strip_suffix('%') {
        let v: f64 = p
            .trim()
            .parse()
            .map_err(|_| format!("frequency `{s}`: not a percentage"))?;
        if !(0.0..=100.0).contains(&v) {
            return Err(format!("frequency `{s}`: outside 0-100 %"));
        }
        return Ok(Some(v / 100.0));
    }
    FREQUENCY_CLASSES
        .iter()
        .find(|(id, _, _)| *id == s)
        .map(|&(_, _, v)| Some(v))
        .ok_or_else(|| format!("frequency `{s}` is not n/m, a percentage or an HPO frequency class"))
}

/// `OMIM:` or `ORPHA:` and 1 to 9 digits.
fn is_database_id(id: &str) -> bool {
    let digits = id.strip_prefix("OMIM:").or_else(|| id.strip_prefix("ORPHA:"));
    digits.is_some_and(|d| (1..=9).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

fn hpo_number(s: &str) -> Option<u32> {
    let d = s.trim().strip_prefix("HP:")?;
    (d.len() == 7 && d.bytes().all(|b| b.is_ascii_digit()))
        .then(|| d.parse().ok())
        .flatten()
}

/// The onset class of an onset term: itself or its nearest ancestor among the classes.
fn onset_class(ontology: &Ontology, term: u32) -> Option<&'static str> {
    let of = |t: u32| crate::onset::onset_class(t).and_then(|c| c.finding);
    of(term).or_else(|| {
        ontology
            .nearest_ancestors(term, |t| of(t).is_some())
            .first()
            .and_then(|&t| of(t))
    })
}

/// # Orphanet profiles
///
/// OMIM and Orphanet annotate many diseases twice, from different sources: OMIM's clinical
/// synopsis and cohort papers on one side, Orphanet's curated frequency classes on the other.
/// An OMIM entry can be sparse where its Orphanet twin is rich (developmental and epileptic
/// encephalopathy 4 has 24 annotations, without global developmental delay or infantile spasms;
/// "STXBP1-related encephalopathy" has 31, with both). `phenotype.hpoa` does not say which
/// entries are twins, but `genes_to_phenotype.txt` gives each its genes, and where a gene has
/// exactly one OMIM disease and exactly one Orphanet disease, each with that gene alone, the two
/// are taken as the same disease: the OMIM disease gets the Orphanet phenotype terms, each at the
/// larger of the two frequencies (as for several annotations of one term). Onset and inheritance
/// stay OMIM's. A gene shared by several diseases (allelic disorders) links none of them: which
/// Orphanet entry matches which OMIM entry is not written in the files. Where one OMIM disease has
/// the gene but Orphanet splits it into several entries with that gene alone (clinical forms,
/// "classic" and "mild", or causes), the OMIM disease takes the entry whose name is most like its
/// own, if they share at least half of their words ([`NAME_MATCH`]; OMIM's "KBG syndrome" takes
/// Orphanet's "KBG syndrome", not "16q24.3 microdeletion syndrome", both of ANKRD11 alone).
/// An OMIM disease left without a twin takes the one Orphanet entry whose name has the same words
/// as its own ("Spinocerebellar ataxia 12" and "Spinocerebellar ataxia type 12"; "11q terminal
/// deletion", which no gene links), unless two entries have them or the two have genes and share
/// none. Each entry is given as its name and genes; the pairs are (OMIM entry, Orphanet entry),
/// OMIM entries in order. [`CatalogueFiles::catalogue_without`] gives each OMIM entry its
/// twin's terms, each at the larger of the two frequencies.
fn twins(orpha: &[(String, Vec<String>)], omim: &[(String, Vec<String>)]) -> Vec<(usize, usize)> {
    // gene -> (how many OMIM diseases have it, the Orphanet diseases with it alone)
    let mut by_gene: HashMap<&str, (usize, Vec<usize>)> = HashMap::new();
    for (_, genes) in omim {
        for g in genes {
            by_gene.entry(g.as_str()).or_default().0 += 1;
        }
    }
    for (i, (_, genes)) in orpha.iter().enumerate() {
        if let [g] = genes.as_slice() {
            by_gene.entry(g.as_str()).or_default().1.push(i);
        }
    }
    // The words of each Orphanet entry's name, once for both pairings by name.
    let orpha_words: Vec<Vec<String>> = orpha.iter().map(|(name, _)| name_words(name)).collect();
    let mut twins: Vec<(usize, usize)> = omim
        .iter()
        .enumerate()
        .filter_map(
            |(i, (name, genes))| match (genes.as_slice(), by_gene.get(genes.first()?.as_str())) {
                ([_], Some((1, o))) if o.len() == 1 => Some((i, o[0])),
                ([_], Some((1, o))) => {
                    let own = name_words(name);
                    o.iter()
                        .map(|&j| (word_overlap(&own, &orpha_words[j]), j))
                        .filter(|&(overlap, _)| overlap >= NAME_MATCH)
                        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
                        .map(|(_, j)| (i, j))
                }
                _ => None,
            },
        )
        .collect();
    let paired: HashSet<usize> = twins.iter().map(|&(i, _)| i).collect();
    // Orphanet entries by the words of their names, in a fixed order.
    let mut by_name: HashMap<&[String], Vec<usize>> = HashMap::new();
    for (j, words) in orpha_words.iter().enumerate() {
        by_name.entry(words.as_slice()).or_default().push(j);
    }
    for (i, (name, genes)) in omim.iter().enumerate() {
        if paired.contains(&i) {
            continue;
        }
        let key = name_words(name);
        // A name without words (none given) says nothing.
        if key.is_empty() {
            continue;
        }
        if let Some([j]) = by_name.get(key.as_slice()).map(Vec::as_slice) {
            let theirs = &orpha[*j].1;
            let contradicts = !genes.is_empty() && !theirs.is_empty() && !genes.iter().any(|g| theirs.contains(g));
            if !contradicts {
                twins.push((i, *j));
            }
        }
    }
    twins
}

/// The least share of words (Jaccard: shared over all) an OMIM disease's name and an Orphanet
/// entry's must have for the entry to be its twin among several of its gene: half, chosen before
/// measuring (0.3 pairs the same diseases on the HPO release of 2025-01-16).
pub const NAME_MATCH: f64 = 0.5;

/// The words of a disease name that say which disease it is, sorted and each once (names with
/// the same words have the same list): lower case, letters and digits, without a few that any
/// name may have ("type", "due to", "related").
fn name_words(name: &str) -> Vec<String> {
    const COMMON: [&str; 11] = [
        "and", "by", "due", "in", "of", "or", "related", "the", "to", "type", "with",
    ];
    let mut words: Vec<String> = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !COMMON.contains(w))
        .map(str::to_owned)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// Shared words over all words of two names' [`name_words`] (0 when both are empty).
fn word_overlap(a: &[String], b: &[String]) -> f64 {
    let shared = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// The genes of the diseases; returns how many links of the first `counted` diseases had an
/// invalid symbol.
fn read_genes(path: &Path, text: &str, diseases: &mut [Disease], counted: usize) -> Result<usize, Error> {
    let index: HashMap<&str, usize> = diseases.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    let (mut reader, headers) = tsv(path, text, false)?;
    let (Some(c_gene), Some(c_disease)) = (
        headers.iter().position(|h| h == "gene_symbol"),
        headers.iter().position(|h| h == "disease_id"),
    ) else {
        return Err(Error::Rules(RuleErrors {
            problems: vec![problem(
                path,
                1,
                "header row lacks gene_symbol or disease_id".to_owned(),
            )],
        }));
    };
    let mut links: Vec<(usize, String)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            Error::Rules(RuleErrors {
                problems: vec![problem(
                    path,
                    e.position().map_or(0, |p| p.line() as usize),
                    e.to_string(),
                )],
            })
        })?;
        let (Some(gene), Some(disease)) = (record.get(c_gene), record.get(c_disease)) else {
            continue;
        };
        if let Some(&d) = index.get(disease.trim()) {
            links.push((d, gene.trim().to_owned()));
        }
    }
    let mut invalid = 0;
    for (d, gene) in links {
        let valid = gene.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && gene.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        invalid += usize::from(!valid && d < counted);
        if valid && !diseases[d].genes.contains(&gene) {
            diseases[d].genes.push(gene);
        }
    }
    for d in diseases.iter_mut() {
        d.genes.sort();
    }
    Ok(invalid)
}

fn inheritance_of(terms: &[u32]) -> Inheritance {
    let mut modes: Vec<Inheritance> = terms
        .iter()
        .filter_map(|t| match t {
            7 => Some(Inheritance::AutosomalRecessive),
            6 => Some(Inheritance::AutosomalDominant),
            1419 | 1417 => Some(Inheritance::XLinkedRecessive),
            1423 => Some(Inheritance::XLinkedDominant),
            _ => None,
        })
        .collect();
    let order = [
        Inheritance::AutosomalDominant,
        Inheritance::AutosomalRecessive,
        Inheritance::XLinkedRecessive,
        Inheritance::XLinkedDominant,
    ];
    modes.sort_by_key(|m| order.iter().position(|o| o == m));
    modes.dedup();
    match modes.as_slice() {
        [one] => *one,
        [] => Inheritance::Sporadic,
        _ => Inheritance::Mixed,
    }
}

fn finding_id(term: u32) -> String {
    format!("hp_{term:07}")
}

fn db_id(id: &str) -> String {
    id.to_ascii_lowercase().replace(':', "_")
}

/// The rules of the catalogue: the vocabulary file, then one diagnosis file per disease.
fn build_rules(
    diseases: &[Disease],
    ontology: &Ontology,
    stats: &mut CatalogueStats,
    hpoa_path: &Path,
) -> Result<RuleSet, Error> {
    let (context, context_hpo) = context_findings()?;
    let vocabulary = Vocabulary::new(diseases, ontology, &context_hpo);
    let backgrounds = vocabulary.backgrounds(diseases);
    // Each disease's rules are a file of their own, named after the annotation file and the id
    // (`phenotype.hpoa#OMIM:259700`), so that any problem points to both.
    let file_name = hpoa_path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let path = |name: &str| -> PathBuf { hpoa_path.with_file_name(format!("{file_name}#{name}")) };
    let mut files = vec![SourceFile {
        path: path("vocabulary"),
        text: String::new(),
        rules: vocabulary.file(context, &backgrounds, diseases, ontology),
        layer: 0,
    }];
    for d in diseases {
        let rules = vocabulary.disease_file(d);
        stats.genes += rules.diagnosis.as_ref().map_or(0, |x| x.gene.len());
        files.push(SourceFile {
            path: path(&d.id),
            text: String::new(),
            rules,
            layer: 0,
        });
    }
    stats.diseases = diseases.len();
    stats.findings = vocabulary.terms.len();
    Ok(RuleSet { files })
}

/// The context findings (onset classes, age bands, sex, family history) of the built-in
/// `findings.toml`, and their HPO ids.
fn context_findings() -> Result<(Vec<FindingDef>, HashSet<u32>), Error> {
    let findings = crate::load::BUILTIN_FILES
        .iter()
        .find(|(name, _)| *name == "findings.toml")
        .map_or("", |&(_, text)| text);
    let builtin = RuleSet::from_text("<builtin>/findings.toml", findings)?;
    let context: Vec<FindingDef> = builtin
        .files
        .iter()
        .flat_map(|f| f.rules.finding.iter())
        .filter(|f| f.kind.is_context())
        .cloned()
        .collect();
    let context_hpo = context
        .iter()
        .filter_map(|f| f.hpo.as_ref().and_then(|h| hpo_number(h.get_ref())))
        .collect();
    Ok((context, context_hpo))
}

/// The catalogue's findings: the annotated terms and their ancestors, sorted by HPO id, with
/// dense indices, finding ids and parents.
struct Vocabulary {
    terms: Vec<u32>,
    index: HashMap<u32, usize>,
    ids: Vec<String>,
    parents: Vec<Vec<usize>>,
}

impl Vocabulary {
    fn new(diseases: &[Disease], ontology: &Ontology, context_hpo: &HashSet<u32>) -> Self {
        let mut terms: Vec<u32> = Vec::new();
        let mut index: HashMap<u32, usize> = HashMap::new();
        let mut stack: Vec<u32> = Vec::new();
        for d in diseases {
            for &t in d.terms.keys() {
                stack.push(t);
                while let Some(t) = stack.pop() {
                    if context_hpo.contains(&t) || index.contains_key(&t) {
                        continue;
                    }
                    index.insert(t, terms.len());
                    terms.push(t);
                    stack.extend_from_slice(ontology.parents(t));
                }
            }
        }
        // Sorted by HPO id so that the order (and so every tie) does not depend on hashing.
        terms.sort_unstable();
        for (i, &t) in terms.iter().enumerate() {
            index.insert(t, i);
        }
        // Each term's finding id, formatted once.
        let ids = terms.iter().map(|&t| finding_id(t)).collect();
        let parents = terms
            .iter()
            .map(|&t| {
                ontology
                    .parents(t)
                    .iter()
                    .filter_map(|p| index.get(p).copied())
                    .collect()
            })
            .collect();
        Self {
            terms,
            index,
            ids,
            parents,
        }
    }

    /// Per term, the sum over the diseases of each one's largest frequency on the term or below
    /// it (the true path): the numerator of the background.
    fn backgrounds(&self, diseases: &[Disease]) -> Vec<f64> {
        let mut sum = vec![0.0f64; self.terms.len()];
        let mut best = vec![0.0f64; self.terms.len()];
        let mut stamp = vec![usize::MAX; self.terms.len()];
        let mut touched: Vec<usize> = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        for (k, d) in diseases.iter().enumerate() {
            touched.clear();
            for (&t, &(p, not)) in &d.terms {
                if not {
                    continue;
                }
                let Some(&i) = self.index.get(&t) else { continue };
                stack.clear();
                stack.push(i as u32);
                while let Some(j) = stack.pop() {
                    let j = j as usize;
                    if stamp[j] != k {
                        stamp[j] = k;
                        best[j] = 0.0;
                        touched.push(j);
                    } else if best[j] >= p {
                        continue;
                    }
                    best[j] = best[j].max(p);
                    stack.extend(self.parents[j].iter().map(|&x| x as u32));
                }
            }
            for &j in &touched {
                sum[j] += best[j];
            }
        }
        sum
    }

    /// The vocabulary file: the context findings, every term with its background, and the gene
    /// backgrounds.
    fn file(&self, context: Vec<FindingDef>, sum: &[f64], diseases: &[Disease], ontology: &Ontology) -> RuleFile {
        let n = diseases.len() as f64;
        let mut vocabulary = RuleFile {
            finding: context,
            ..RuleFile::default()
        };
        for (i, &t) in self.terms.iter().enumerate() {
            let bg = ((sum[i] + 0.5) / (n + 1.0)).clamp(1e-6, 0.999);
            vocabulary.finding.push(FindingDef {
                id: unspanned(self.ids[i].clone()),
                label: ontology.name(t).map_or_else(|| format_hpo(t), str::to_owned),
                hpo: Some(unspanned(format_hpo(t))),
                kind: FindingKind::Phenotype,
                synonyms: Vec::new(),
                parents: self.parents[i]
                    .iter()
                    .map(|&p| unspanned(self.ids[p].clone()))
                    .collect(),
                specific: false,
                background: Some(unspanned(bg)),
                background_source: Some("computed over the catalogue (true path)".to_owned()),
                examination: None,
                cost: None,
            });
        }
        let mut gene_diseases: HashMap<&str, usize> = HashMap::new();
        for d in diseases {
            for g in &d.genes {
                *gene_diseases.entry(g.as_str()).or_default() += 1;
            }
        }
        let mut genes: Vec<(&str, usize)> = gene_diseases.into_iter().collect();
        genes.sort_unstable();
        for (g, count) in genes {
            vocabulary.gene_background.push(GeneBackgroundDef {
                symbol: unspanned(g.to_owned()),
                background: unspanned(((count as f64 + 0.5) / (n + 1.0)).min(0.5)),
                source: Some("computed over the catalogue (genes_to_phenotype.txt)".to_owned()),
            });
        }
        vocabulary
    }

    /// One disease as a diagnosis file: its annotation rules (by HPO id), onset and
    /// inheritance rules, and genes.
    fn disease_file(&self, d: &Disease) -> RuleFile {
        let inheritance = inheritance_of(&d.inheritance);
        let mut rules: Vec<(u32, f64, bool)> = d.terms.iter().map(|(&t, &(p, not))| (t, p, not)).collect();
        rules.sort_unstable_by_key(|r| r.0);
        let mut rule: Vec<RuleDef> = rules
            .into_iter()
            .map(|(t, p, not)| RuleDef {
                finding: unspanned(match self.index.get(&t) {
                    Some(&i) => self.ids[i].clone(),
                    None => format_hpo(t),
                }),
                frequency: Some(unspanned(Frequency::Number(p))),
                lr: None,
                against: not,
                // The source of every annotation rule is the annotation file (the diagnosis's
                // `prevalence_source` says so); a per-rule copy of the text would cost 5 MB.
                source: None,
                remove: false,
            })
            .collect();
        let context_rule = |finding: &str, p: f64, source: &str| RuleDef {
            finding: unspanned(finding.to_owned()),
            frequency: Some(unspanned(Frequency::Number(p))),
            lr: None,
            against: false,
            source: Some(source.to_owned()),
            remove: false,
        };
        for &(class, p) in &d.onsets {
            rule.push(context_rule(
                class,
                p,
                "HPO onset annotation (phenotype.hpoa, aspect C)",
            ));
        }
        for &(mode, finding, p) in &INHERITANCE_RULES {
            if mode == inheritance {
                rule.push(context_rule(
                    finding,
                    p,
                    "estimate from the mode of inheritance (aspect I)",
                ));
            }
        }
        let zygosity = match inheritance {
            Inheritance::AutosomalRecessive => Zygosity::Biallelic,
            Inheritance::AutosomalDominant => Zygosity::Heterozygous,
            _ => Zygosity::Any,
        };
        let gene: Vec<GeneDef> = d
            .genes
            .iter()
            .map(|g| GeneDef {
                symbol: unspanned(g.clone()),
                zygosity,
                fraction: unspanned(1.0 / d.genes.len() as f64),
                source: Some("genes_to_phenotype.txt".to_owned()),
                remove: false,
            })
            .collect();
        let (omim, orphanet) = if d.id.starts_with("ORPHA:") {
            (Vec::new(), vec![d.id.clone()])
        } else {
            (vec![d.id.clone()], Vec::new())
        };
        RuleFile {
            diagnosis: Some(DiagnosisDef {
                id: unspanned(db_id(&d.id)),
                name: d.name.clone(),
                synonyms: Vec::new(),
                inheritance,
                lookalike: false,
                onset: None,
                prevalence: unspanned(CATALOGUE_PREVALENCE),
                prevalence_source: Some(
                    "uniform: the HPO gives no prevalence; rules: HPO annotations (phenotype.hpoa)".to_owned(),
                ),
                omim,
                orphanet,
                subtype: Vec::new(),
                gene,
                rule,
            }),
            ..RuleFile::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_in_every_form() {
        assert_eq!(parse_frequency(""), Ok(None));
        assert_eq!(parse_frequency("3/7"), Ok(Some(4.0 / 9.0)));
        assert_eq!(parse_frequency("45%"), Ok(Some(0.45)));
        assert!(parse_frequency("HP:0040281").unwrap().is_some());
        assert!(parse_frequency("8/7").is_err());
        assert!(parse_frequency("120%").is_err());
        assert!(parse_frequency("often").is_err());
    }

    #[test]
    fn inheritance_from_aspect_i() {
        assert_eq!(inheritance_of(&[7]), Inheritance::AutosomalRecessive);
        assert_eq!(inheritance_of(&[6, 7]), Inheritance::Mixed);
        assert_eq!(inheritance_of(&[]), Inheritance::Sporadic);
    }
}
