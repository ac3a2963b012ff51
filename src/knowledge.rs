//! The validated knowledge base: findings and diagnoses with their rules, ids resolved to
//! indices, valid by construction.
//!
//! [`KnowledgeBase::new`] works in two phases. **Merge** puts the layers of a [`RuleSet`] on
//! top of each other: a finding, gene background or `[diagnosis]` of a higher layer replaces
//! the one with the same id below it, and an `[amend]` file changes single rules and genes of a
//! diagnosis defined below (or in the same layer). **Validate** then checks every definition and
//! reports every problem it finds (see [`ProblemKind`] for the list) with its file, line and
//! column. The validated structs keep everything a definition says (sources included), so
//! [`KnowledgeBase::to_rule_files`] writes rules that load back into an equal knowledge base;
//! every value is written explicitly, and frequencies as numbers.

use std::collections::HashMap;

use indexmap::IndexMap;
use toml::Spanned;

use crate::error::{Error, Location, Problem, ProblemKind, RuleErrors};
use crate::limits::Limits;
use crate::load::{RuleSet, SourceFile};
use crate::names;
use crate::rule_file::{
    unspanned, AmendDef, CarrierDef, DiagnosisDef, Examination, FindingDef, FindingKind, Frequency, GeneBackgroundDef,
    GeneDef, Inheritance, RuleDef, RuleFile, SubtypeDef, Zygosity,
};

/// Background probability used when a finding gives none.
pub const DEFAULT_BACKGROUND: f64 = 0.05;

/// A validated finding.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// Stable id.
    pub id: String,
    /// Label.
    pub label: String,
    /// HPO id, if any.
    pub hpo: Option<String>,
    /// Kind of evidence.
    pub kind: FindingKind,
    /// Synonyms.
    pub synonyms: Vec<String>,
    /// Indices of the parent findings.
    pub parents: Vec<usize>,
    /// A sign that names a condition: rules on its ancestors do not match it.
    pub specific: bool,
    /// P(finding | other skeletal disorder).
    pub background: f64,
    /// Source of the background.
    pub background_source: Option<String>,
    /// How it is examined.
    pub examination: Examination,
    /// The relative cost of examining it.
    pub cost: f64,
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    /// Index of the finding.
    pub finding: usize,
    /// P(finding | diagnosis), in [0, 1].
    pub frequency: f64,
    /// Explicit likelihood ratio.
    pub lr: Option<f64>,
    /// The finding argues against the diagnosis.
    pub against: bool,
    /// Source of the weight.
    pub source: Option<String>,
}

/// A gene of a diagnosis.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Gene {
    /// HGNC symbol (upper case).
    pub symbol: String,
    /// Causal zygosity.
    pub zygosity: Zygosity,
    /// Share of cases.
    pub fraction: f64,
    /// Source of the fraction.
    pub source: Option<String>,
}

/// An OMIM / Orphanet entry that is part of a diagnosis.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Subtype {
    /// `OMIM:…` or `ORPHA:…`.
    pub id: String,
    /// Name of the entry.
    pub name: Option<String>,
    /// Share of the diagnosis's patients.
    pub share: f64,
    /// Source of the share.
    pub source: Option<String>,
}

/// A validated diagnosis.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Diagnosis {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Synonyms.
    pub synonyms: Vec<String>,
    /// Inheritance.
    pub inheritance: Inheritance,
    /// A look-alike: its posterior counts towards "none of these".
    pub lookalike: bool,
    /// Typical onset, in words.
    pub onset: Option<String>,
    /// Prevalence (the prior).
    pub prevalence: f64,
    /// Source of the prevalence.
    pub prevalence_source: Option<String>,
    /// OMIM ids.
    pub omim: Vec<String>,
    /// Orphanet ids.
    pub orphanet: Vec<String>,
    /// The entries that make up the diagnosis.
    pub subtypes: Vec<Subtype>,
    /// Genes.
    pub genes: Vec<Gene>,
    /// Rules, in file order.
    pub rules: Vec<Rule>,
}

/// A validated knowledge base.
///
/// ```
/// let kb = osteodx::KnowledgeBase::builtin()?;
/// assert_eq!(kb.diagnoses().iter().filter(|d| !d.lookalike).count(), 7);
/// let i = kb.finding_index("macrocephaly").unwrap();
/// assert_eq!(kb.findings()[i].id, "macrocephaly");
/// assert_eq!(kb.diagnosis("infantile").map(|d| d.lookalike), Some(false));
/// # Ok::<(), osteodx::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KnowledgeBase {
    findings: ById<Finding>,
    diagnoses: ById<Diagnosis>,
    /// Gene symbol → (background, its source).
    gene_backgrounds: IndexMap<String, (f64, Option<String>)>,
    /// Gene symbol → (carrier rate, its source).
    gene_carriers: IndexMap<String, (f64, Option<String>)>,
}

/// Items in file order, with an index by id: an item's position is its dense index.
#[derive(Debug, Clone)]
struct ById<T> {
    items: Vec<T>,
    index: HashMap<String, usize>,
}

impl<T> ById<T> {
    fn new(map: IndexMap<String, T>) -> Self {
        let mut index = HashMap::with_capacity(map.len());
        let mut items = Vec::with_capacity(map.len());
        for (i, (id, item)) in map.into_iter().enumerate() {
            index.insert(id, i);
            items.push(item);
        }
        Self { items, index }
    }

    fn get(&self, id: &str) -> Option<&T> {
        self.index.get(id).map(|&i| &self.items[i])
    }
}

/// The index is made from the items' ids: equal items, equal indexes.
impl<T: PartialEq> PartialEq for ById<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

/// One definition found in the files, with where it is.
struct Located<'a, T> {
    def: &'a T,
    file: &'a SourceFile,
}

impl<T> Clone for Located<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Located<'_, T> {}

/// A diagnosis after merging: its header and the genes, rules and subtypes of every file that
/// defined or amended it.
struct MergedDiagnosis<'a> {
    header: Located<'a, DiagnosisDef>,
    prevalence: Option<Located<'a, AmendDef>>,
    subtypes: Vec<Located<'a, SubtypeDef>>,
    genes: Vec<Located<'a, GeneDef>>,
    rules: Vec<Located<'a, RuleDef>>,
}

/// The layers merged: the definitions that are in force, in file order.
struct Merged<'a> {
    findings: IndexMap<String, Located<'a, FindingDef>>,
    gene_backgrounds: IndexMap<String, Located<'a, GeneBackgroundDef>>,
    gene_carriers: IndexMap<String, Located<'a, CarrierDef>>,
    diagnoses: IndexMap<String, MergedDiagnosis<'a>>,
}

impl KnowledgeBase {
    /// The background frequency of a finding whose file gives none.
    pub const DEFAULT_BACKGROUND: f64 = DEFAULT_BACKGROUND;

    /// A copy whose rules are changed by `change` (frequencies and explicit LRs; the findings,
    /// diagnoses and genes stay as they are, so a resolved patient stays valid for its model).
    pub(crate) fn with_changed_rules(&self, mut change: impl FnMut(&mut Rule)) -> Self {
        let mut kb = self.clone();
        for d in &mut kb.diagnoses.items {
            d.rules.iter_mut().for_each(&mut change);
        }
        kb
    }

    /// Load, validate the built-in rules.
    ///
    /// # Errors
    /// Only if the built-in rules were edited into an invalid state (a test guards against it).
    pub fn builtin() -> Result<Self, Error> {
        Self::new(RuleSet::builtin()?)
    }

    /// Load and validate the rules in a directory or file. The files that parse are validated
    /// even when others do not, so that every problem is reported at once: those of reading and
    /// parsing and those of validation (a definition a file that did not parse would have given
    /// may then show as unknown).
    ///
    /// # Errors
    /// [`Error::Rules`] listing every problem found; [`Error::Io`] if a directory cannot be read.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let limits = Limits::default();
        let (rules, problems) = RuleSet::from_path_partial(path, &limits)?;
        Self::new_with_problems(rules, problems, &limits)
    }

    /// [`KnowledgeBase::new_with`], with problems found before validation (the files of
    /// [`RuleSet::from_path_partial`] that could not be read or parsed): validation runs on
    /// `rules` all the same, and any problem, earlier or its own, makes the error that lists
    /// them all, in file order.
    ///
    /// # Errors
    /// As [`KnowledgeBase::new_with`], with `problems` among those listed.
    pub fn new_with_problems(rules: RuleSet, problems: Vec<Problem>, limits: &Limits) -> Result<Self, Error> {
        match (Self::new_with(rules, limits), problems.is_empty()) {
            (result, true) => result,
            (Ok(_), false) => Err(Error::Rules(RuleErrors::sorted(problems))),
            (Err(Error::Rules(found)), false) => Err(Error::Rules(RuleErrors::sorted(
                problems.into_iter().chain(found.problems).collect(),
            ))),
            (Err(other), false) => Err(other),
        }
    }

    /// Validate a rule set. Files of a higher layer replace findings and diagnoses of a lower
    /// one that have the same id; within a layer a repeated id is an error. `[amend]` files
    /// change rules and genes of a diagnosis one by one.
    ///
    /// # Errors
    /// [`Error::Rules`] listing every problem found, each with file, line and column.
    pub fn new(rules: RuleSet) -> Result<Self, Error> {
        Self::new_with(rules, &Limits::default())
    }

    /// [`KnowledgeBase::new`] within `limits` on the numbers of findings, diagnoses and rules.
    ///
    /// # Errors
    /// As [`KnowledgeBase::new`]; [`ProblemKind::TooLarge`] naming the file where a count went
    /// over its limit (nothing is validated then).
    ///
    /// ```
    /// use osteodx::{KnowledgeBase, Limits, RuleSet};
    /// let small = Limits { diagnoses: 3, ..Limits::default() };
    /// let err = KnowledgeBase::new_with(RuleSet::builtin()?, &small).unwrap_err();
    /// assert!(err.to_string().contains("diagnoses: 4 is more than the limit of 3"));
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[allow(
        clippy::needless_pass_by_value,
        reason = "takes the rules like `KnowledgeBase::new`, the public signature"
    )]
    pub fn new_with(rules: RuleSet, limits: &Limits) -> Result<Self, Error> {
        // `rules` holds every text until the end: lines are found once per file.
        let _lines = crate::load::LocateScope::new();
        check_counts(&rules, limits)?;
        let mut problems = Vec::new();
        let finding_files = merge_findings(&rules, &mut problems);
        let index = FindingIndex::new(&finding_files);
        let merged = Merged {
            gene_backgrounds: merge_by_symbol(&rules, |r| &r.gene_background, &mut problems),
            gene_carriers: merge_by_symbol(&rules, |r| &r.carrier, &mut problems),
            diagnoses: merge_diagnoses(&rules, &index, &mut problems),
            findings: finding_files,
        };
        let findings = validate_findings(&merged.findings, &index, &mut problems);
        check_cycles(&findings, &merged.findings, &mut problems);
        let gene_backgrounds = validate_by_symbol(&merged.gene_backgrounds, &mut problems);
        let gene_carriers = validate_by_symbol(&merged.gene_carriers, &mut problems);
        let mut diagnoses = IndexMap::new();
        for (id, merged) in &merged.diagnoses {
            diagnoses.insert(id.clone(), validate_diagnosis(id, merged, &index, &mut problems));
        }
        if !problems.is_empty() {
            return Err(Error::Rules(RuleErrors::sorted(problems)));
        }
        Ok(Self {
            findings: ById::new(findings),
            diagnoses: ById::new(diagnoses),
            gene_backgrounds,
            gene_carriers,
        })
    }

    /// The findings, in file order; a finding's index is its position here.
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings.items
    }

    /// The diagnoses, in file order (look-alikes included); a diagnosis's index is its position
    /// here.
    #[must_use]
    pub fn diagnoses(&self) -> &[Diagnosis] {
        &self.diagnoses.items
    }

    /// The index of a finding id.
    #[must_use]
    pub fn finding_index(&self, id: &str) -> Option<usize> {
        self.findings.index.get(id).copied()
    }

    /// The index of a diagnosis id.
    #[must_use]
    pub fn diagnosis_index(&self, id: &str) -> Option<usize> {
        self.diagnoses.index.get(id).copied()
    }

    /// A finding by id.
    #[must_use]
    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.findings.get(id)
    }

    /// A diagnosis by id.
    #[must_use]
    pub fn diagnosis(&self, id: &str) -> Option<&Diagnosis> {
        self.diagnoses.get(id)
    }

    /// The background of a gene result, when the rules give one.
    #[must_use]
    pub fn gene_background(&self, symbol: &str) -> Option<f64> {
        self.gene_backgrounds.get(symbol).map(|(b, _)| *b)
    }

    /// The carrier rate of a gene with recessive forms, when the rules give one
    /// ([`CarrierDef`]).
    #[must_use]
    pub fn gene_carrier(&self, symbol: &str) -> Option<f64> {
        self.gene_carriers.get(symbol).map(|(rate, _)| *rate)
    }

    /// Every carrier rate: symbol, rate and its source, in file order.
    pub(crate) fn gene_carrier_entries(&self) -> impl Iterator<Item = (&str, f64, Option<&str>)> {
        self.gene_carriers
            .iter()
            .map(|(s, (rate, source))| (s.as_str(), *rate, source.as_deref()))
    }

    /// Every gene background: symbol, background and its source, in file order.
    pub(crate) fn gene_background_entries(&self) -> impl Iterator<Item = (&str, f64, Option<&str>)> {
        self.gene_backgrounds
            .iter()
            .map(|(s, (b, source))| (s.as_str(), *b, source.as_deref()))
    }

    /// A knowledge base from validated parts read back (a compiled model file), checked again
    /// where a damaged file could break what validation promises: ids unique, every index in
    /// range, no parent cycle, every weight in its range. The first problem found is returned.
    pub(crate) fn from_parts(
        findings: Vec<Finding>,
        diagnoses: Vec<Diagnosis>,
        gene_backgrounds: Vec<(String, f64, Option<String>)>,
        gene_carriers: Vec<(String, f64, Option<String>)>,
    ) -> Result<Self, String> {
        let n = findings.len();
        let mut by_id = IndexMap::with_capacity(n);
        for f in findings {
            if f.parents.iter().any(|&p| p >= n) {
                return Err(format!("finding {}: a parent beyond the findings", f.id));
            }
            if !(valid::probability(f.background) && valid::cost(f.cost)) {
                return Err(format!("finding {}: background or cost out of range", f.id));
            }
            if let Some(old) = by_id.insert(f.id.clone(), f) {
                return Err(format!("finding {} twice", old.id));
            }
        }
        let findings = ById::new(by_id);
        if let Some((_, cycle)) = parent_cycles(&findings.items).first() {
            return Err(format!("findings in a parent cycle: {}", cycle.join(" -> ")));
        }
        let mut by_id = IndexMap::with_capacity(diagnoses.len());
        for d in diagnoses {
            let rules_ok = d
                .rules
                .iter()
                .all(|r| r.finding < n && valid::share(r.frequency) && r.lr.is_none_or(valid::ratio));
            let genes_ok = d.genes.iter().all(|g| valid::fraction(g.fraction));
            let subtypes_ok = d.subtypes.iter().all(|s| valid::share(s.share));
            if !(rules_ok && genes_ok && subtypes_ok && valid::probability(d.prevalence)) || d.rules.is_empty() {
                return Err(format!(
                    "diagnosis {}: a rule, gene, share or prevalence out of range",
                    d.id
                ));
            }
            if let Some(old) = by_id.insert(d.id.clone(), d) {
                return Err(format!("diagnosis {} twice", old.id));
            }
        }
        let by_symbol = |entries: Vec<(String, f64, Option<String>)>, what: &str| {
            let mut out = IndexMap::with_capacity(entries.len());
            for (symbol, value, source) in entries {
                if !valid::probability(value) {
                    return Err(format!("{what} of {symbol} out of range"));
                }
                out.insert(symbol, (value, source));
            }
            Ok(out)
        };
        Ok(Self {
            findings,
            diagnoses: ById::new(by_id),
            gene_backgrounds: by_symbol(gene_backgrounds, "gene background")?,
            gene_carriers: by_symbol(gene_carriers, "carrier rate")?,
        })
    }

    /// The rules as files again: `findings.toml` first, then `<diagnosis id>.toml` for each
    /// diagnosis (amendments folded in), as TOML text that loads back into an equal knowledge
    /// base.
    ///
    /// ```
    /// use osteodx::{KnowledgeBase, RuleSet};
    /// let kb = KnowledgeBase::builtin()?;
    /// let mut again = RuleSet::default();
    /// for (name, text) in kb.to_rule_files() {
    ///     again = again.overlay(RuleSet::from_text(&name, &text)?);
    /// }
    /// assert_eq!(KnowledgeBase::new(again)?, kb);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn to_rule_files(&self) -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(self.diagnoses.items.len() + 1);
        let vocabulary = RuleFile {
            finding: self.findings.items.iter().map(|f| self.finding_def(f)).collect(),
            gene_background: self
                .gene_backgrounds
                .iter()
                .map(|(symbol, (background, source))| GeneBackgroundDef {
                    symbol: unspanned(symbol.clone()),
                    background: unspanned(*background),
                    source: source.clone(),
                })
                .collect(),
            carrier: self
                .gene_carriers
                .iter()
                .map(|(symbol, (rate, source))| CarrierDef {
                    symbol: unspanned(symbol.clone()),
                    rate: unspanned(*rate),
                    source: source.clone(),
                })
                .collect(),
            ..RuleFile::default()
        };
        out.push(("findings.toml".to_owned(), toml_text(&vocabulary)));
        for d in &self.diagnoses.items {
            out.push((format!("{}.toml", d.id), toml_text(&self.diagnosis_file(d))));
        }
        out
    }

    /// A finding as it would be written: every value explicit.
    fn finding_def(&self, f: &Finding) -> FindingDef {
        FindingDef {
            id: unspanned(f.id.clone()),
            label: f.label.clone(),
            hpo: f.hpo.clone().map(unspanned),
            kind: f.kind,
            synonyms: f.synonyms.clone(),
            parents: f
                .parents
                .iter()
                .map(|&p| unspanned(self.finding_id(p).to_owned()))
                .collect(),
            specific: f.specific,
            background: Some(unspanned(f.background)),
            background_source: f.background_source.clone(),
            examination: Some(f.examination),
            cost: Some(unspanned(f.cost)),
        }
    }

    /// The id of the finding at an index (empty beyond the findings).
    fn finding_id(&self, index: usize) -> &str {
        self.findings.items.get(index).map_or("", |f| f.id.as_str())
    }

    /// A diagnosis as one rule file, amendments folded in.
    fn diagnosis_file(&self, d: &Diagnosis) -> RuleFile {
        RuleFile {
            diagnosis: Some(DiagnosisDef {
                id: unspanned(d.id.clone()),
                name: d.name.clone(),
                synonyms: d.synonyms.clone(),
                inheritance: d.inheritance,
                lookalike: d.lookalike,
                onset: d.onset.clone(),
                prevalence: unspanned(d.prevalence),
                prevalence_source: d.prevalence_source.clone(),
                omim: d.omim.clone(),
                orphanet: d.orphanet.clone(),
                subtype: Vec::new(),
                gene: Vec::new(),
                rule: Vec::new(),
            }),
            subtype: d
                .subtypes
                .iter()
                .map(|s| SubtypeDef {
                    id: unspanned(s.id.clone()),
                    name: s.name.clone(),
                    share: unspanned(s.share),
                    source: s.source.clone(),
                })
                .collect(),
            gene: d
                .genes
                .iter()
                .map(|g| GeneDef {
                    symbol: unspanned(g.symbol.clone()),
                    zygosity: g.zygosity,
                    fraction: unspanned(g.fraction),
                    source: g.source.clone(),
                    remove: false,
                })
                .collect(),
            rule: d
                .rules
                .iter()
                .map(|r| RuleDef {
                    finding: unspanned(self.finding_id(r.finding).to_owned()),
                    frequency: Some(unspanned(Frequency::Number(r.frequency))),
                    lr: r.lr.map(unspanned),
                    against: r.against,
                    source: r.source.clone(),
                    remove: false,
                })
                .collect(),
            ..RuleFile::default()
        }
    }
}

fn toml_text(file: &RuleFile) -> String {
    // Serialising plain data structs to TOML cannot fail; fall back to an empty file regardless.
    toml::to_string(file).unwrap_or_default()
}

/// Finding ids and HPO ids → position among the merged findings.
struct FindingIndex<'a> {
    by_id: HashMap<&'a str, usize>,
    by_hpo: HashMap<&'a str, usize>,
    ids: Vec<&'a str>,
    /// The ids' normalised forms (made on the first unknown name), and the suggestions made so
    /// far by name: at most [`MAX_SUGGESTED`] names get any, so that a file of a hundred
    /// thousand unknown names is reported in linear time.
    normalized: std::cell::OnceCell<Vec<(String, &'a str)>>,
    suggested: std::cell::RefCell<HashMap<String, Vec<String>>>,
}

/// The unknown names of one validation that get "did you mean" suggestions (the first ones):
/// a message shows the first ten of a kind, so later ones would not be seen.
const MAX_SUGGESTED: usize = 20;

impl<'a> FindingIndex<'a> {
    fn new(findings: &IndexMap<String, Located<'a, FindingDef>>) -> Self {
        let mut by_id = HashMap::new();
        let mut by_hpo = HashMap::new();
        for (i, l) in findings.values().enumerate() {
            by_id.insert(l.def.id.get_ref().as_str(), i);
            if let Some(h) = &l.def.hpo {
                by_hpo.entry(h.get_ref().as_str()).or_insert(i);
            }
        }
        Self {
            by_id,
            by_hpo,
            ids: findings.values().map(|l| l.def.id.get_ref().as_str()).collect(),
            normalized: std::cell::OnceCell::new(),
            suggested: std::cell::RefCell::new(HashMap::new()),
        }
    }

    /// A finding by id, or by HPO id.
    fn get(&self, reference: &str) -> Option<usize> {
        self.by_id
            .get(reference)
            .or_else(|| self.by_hpo.get(reference.trim()))
            .copied()
    }

    /// The nearest known ids of an unknown name (none once [`MAX_SUGGESTED`] names have had
    /// theirs).
    fn suggestions(&self, name: &str) -> Vec<String> {
        let mut suggested = self.suggested.borrow_mut();
        if let Some(s) = suggested.get(name) {
            return s.clone();
        }
        if suggested.len() >= MAX_SUGGESTED {
            return Vec::new();
        }
        let normalized = self
            .normalized
            .get_or_init(|| self.ids.iter().map(|&c| (names::normalize(c), c)).collect());
        let s = names::nearest_normalized(name, normalized.iter().map(|(n, c)| (n.as_str(), *c)));
        suggested.insert(name.to_owned(), s.clone());
        s
    }

    fn unknown(&self, id: &Spanned<String>, file: &SourceFile) -> Problem {
        at(
            file,
            id.span().start,
            ProblemKind::UnknownFinding {
                id: id.get_ref().clone(),
                suggestions: self.suggestions(id.get_ref()),
            },
        )
    }
}

fn merge_findings<'a>(rules: &'a RuleSet, problems: &mut Vec<Problem>) -> IndexMap<String, Located<'a, FindingDef>> {
    let mut out: IndexMap<String, Located<'a, FindingDef>> = IndexMap::new();
    for file in &rules.files {
        for def in &file.rules.finding {
            let id = def.id.get_ref().clone();
            if let Some(prev) = out.get(&id) {
                if prev.file.layer == file.layer {
                    problems.push(at(
                        file,
                        def.id.span().start,
                        ProblemKind::DuplicateFinding {
                            id: id.clone(),
                            first: prev.file.locate(prev.def.id.span().start),
                        },
                    ));
                    continue;
                }
            }
            out.insert(id, Located { def, file });
        }
    }
    out
}

/// A definition keyed by a gene symbol (`[[gene_background]]`, `[[carrier]]`).
trait SymbolDef {
    /// The symbol as written.
    fn symbol(&self) -> &Spanned<String>;
    /// The probability it gives, and what messages call it.
    fn value(&self) -> (&Spanned<f64>, &'static str);
    /// Its source.
    fn source(&self) -> Option<&String>;
    /// The problem of two definitions of one symbol in one layer.
    fn duplicate(symbol: String) -> ProblemKind;
}

impl SymbolDef for GeneBackgroundDef {
    fn symbol(&self) -> &Spanned<String> {
        &self.symbol
    }
    fn value(&self) -> (&Spanned<f64>, &'static str) {
        (&self.background, "gene background")
    }
    fn source(&self) -> Option<&String> {
        self.source.as_ref()
    }
    fn duplicate(symbol: String) -> ProblemKind {
        ProblemKind::DuplicateGeneBackground(symbol)
    }
}

impl SymbolDef for CarrierDef {
    fn symbol(&self) -> &Spanned<String> {
        &self.symbol
    }
    fn value(&self) -> (&Spanned<f64>, &'static str) {
        (&self.rate, "carrier rate")
    }
    fn source(&self) -> Option<&String> {
        self.source.as_ref()
    }
    fn duplicate(symbol: String) -> ProblemKind {
        ProblemKind::DuplicateCarrier(symbol)
    }
}

/// The definitions of each symbol in force: a higher layer's replaces a lower one's; two in one
/// layer are a problem.
fn merge_by_symbol<'a, T: SymbolDef>(
    rules: &'a RuleSet,
    defs: impl Fn(&'a RuleFile) -> &'a Vec<T>,
    problems: &mut Vec<Problem>,
) -> IndexMap<String, Located<'a, T>> {
    let mut out: IndexMap<String, Located<'a, T>> = IndexMap::new();
    for file in &rules.files {
        for def in defs(&file.rules) {
            let symbol = def.symbol().get_ref().trim().to_ascii_uppercase();
            if out.get(&symbol).is_some_and(|prev| prev.file.layer == file.layer) {
                problems.push(at(file, def.symbol().span().start, T::duplicate(symbol)));
                continue;
            }
            out.insert(symbol, Located { def, file });
        }
    }
    out
}

#[allow(
    clippy::too_many_lines,
    reason = "the merge rules of the module docs, in their order"
)]
fn merge_diagnoses<'a>(
    rules: &'a RuleSet,
    index: &FindingIndex<'_>,
    problems: &mut Vec<Problem>,
) -> IndexMap<String, MergedDiagnosis<'a>> {
    let mut out: IndexMap<String, MergedDiagnosis<'a>> = IndexMap::new();
    let layers: Vec<u32> = {
        let mut l: Vec<u32> = rules.files.iter().map(|f| f.layer).collect();
        l.dedup();
        l
    };
    for layer in layers {
        let files = || rules.files.iter().filter(move |f| f.layer == layer);
        // Definitions of the layer first, then its amendments.
        let mut defined_here: HashMap<String, Location> = HashMap::new();
        for file in files() {
            let r = &file.rules;
            let Some(def) = &r.diagnosis else {
                // At the first of the tables that need a diagnosis.
                let first = [
                    r.rule.first().map(|x| x.finding.span().start),
                    r.gene.first().map(|x| x.symbol.span().start),
                    r.subtype.first().map(|x| x.id.span().start),
                ]
                .into_iter()
                .flatten()
                .min();
                if let (None, Some(offset)) = (&r.amend, first) {
                    problems.push(at(file, offset, ProblemKind::RulesWithoutDiagnosis));
                }
                continue;
            };
            if let Some(amend) = &r.amend {
                problems.push(at(file, amend.diagnosis.span().start, ProblemKind::DiagnosisAndAmend));
            }
            let id = def.id.get_ref().clone();
            let here = file.locate(def.id.span().start);
            if let Some(first) = defined_here.get(&id) {
                problems.push(at(
                    file,
                    def.id.span().start,
                    ProblemKind::DuplicateDiagnosis {
                        id: id.clone(),
                        first: first.clone(),
                    },
                ));
                continue;
            }
            defined_here.insert(id.clone(), here);
            for rule in r.rule.iter().chain(&def.rule) {
                if rule.remove {
                    problems.push(at(file, rule.finding.span().start, ProblemKind::RemoveOutsideAmend));
                }
            }
            for gene in r.gene.iter().chain(&def.gene) {
                if gene.remove {
                    problems.push(at(file, gene.symbol.span().start, ProblemKind::RemoveOutsideAmend));
                }
            }
            let merged = MergedDiagnosis {
                header: Located { def, file },
                prevalence: None,
                subtypes: def
                    .subtype
                    .iter()
                    .chain(&r.subtype)
                    .map(|def| Located { def, file })
                    .collect(),
                genes: def
                    .gene
                    .iter()
                    .chain(&r.gene)
                    .map(|def| Located { def, file })
                    .collect(),
                rules: def
                    .rule
                    .iter()
                    .chain(&r.rule)
                    .map(|def| Located { def, file })
                    .collect(),
            };
            // A definition in a higher layer replaces the whole diagnosis (keeping its place).
            out.insert(id, merged);
        }
        for file in files() {
            let r = &file.rules;
            let (None, Some(amend)) = (&r.diagnosis, &r.amend) else {
                continue;
            };
            let id = amend.diagnosis.get_ref();
            let Some(target) = out.get_mut(id) else {
                problems.push(at(
                    file,
                    amend.diagnosis.span().start,
                    ProblemKind::UnknownDiagnosis {
                        id: id.clone(),
                        suggestions: names::nearest(
                            id,
                            rules
                                .files
                                .iter()
                                .filter_map(|f| f.rules.diagnosis.as_ref().map(|d| d.id.get_ref().as_str())),
                        ),
                    },
                ));
                continue;
            };
            amend_diagnosis(target, file, amend, index, problems);
        }
    }
    out
}

/// Apply one `[amend]` file to a merged diagnosis.
fn amend_diagnosis<'a>(
    target: &mut MergedDiagnosis<'a>,
    file: &'a SourceFile,
    amend: &'a AmendDef,
    index: &FindingIndex<'_>,
    problems: &mut Vec<Problem>,
) {
    let id = amend.diagnosis.get_ref();
    if amend.prevalence.is_some() {
        target.prevalence = Some(Located { def: amend, file });
    }
    // Where each finding's rule is, resolved once (an amend file may hold hundreds of
    // thousands of rules); removed rules are left as holes until the end, so that each change
    // costs the same however many there are.
    let mut position: HashMap<usize, usize> = HashMap::new();
    for (i, l) in target.rules.iter().enumerate() {
        if let Some(f) = index.get(l.def.finding.get_ref()) {
            position.entry(f).or_insert(i);
        }
    }
    let mut rules: Vec<Option<Located<'a, RuleDef>>> = target.rules.drain(..).map(Some).collect();
    for def in amend.rule.iter().chain(&file.rules.rule) {
        let finding = index.get(def.finding.get_ref());
        let existing = finding.and_then(|f| position.get(&f).copied());
        match (existing, def.remove) {
            (Some(i), true) => {
                rules[i] = None;
                if let Some(f) = finding {
                    position.remove(&f);
                }
            }
            (None, true) => problems.push(at(
                file,
                def.finding.span().start,
                ProblemKind::NothingToRemove {
                    diagnosis: id.clone(),
                    what: format!("rule on `{}`", def.finding.get_ref()),
                },
            )),
            (Some(i), false) => rules[i] = Some(Located { def, file }),
            (None, false) => {
                if let Some(f) = finding {
                    position.insert(f, rules.len());
                }
                rules.push(Some(Located { def, file }));
            }
        }
    }
    target.rules = rules.into_iter().flatten().collect();
    let gene_key = |symbol: &str, zygosity| (symbol.trim().to_ascii_uppercase(), zygosity);
    let mut gene_at: HashMap<(String, Zygosity), usize> = HashMap::new();
    for (i, l) in target.genes.iter().enumerate() {
        gene_at
            .entry(gene_key(l.def.symbol.get_ref(), l.def.zygosity))
            .or_insert(i);
    }
    let mut genes: Vec<Option<Located<'a, GeneDef>>> = target.genes.drain(..).map(Some).collect();
    for def in amend.gene.iter().chain(&file.rules.gene) {
        let key = gene_key(def.symbol.get_ref(), def.zygosity);
        let symbol = key.0.clone();
        let existing = gene_at.get(&key).copied();
        match (existing, def.remove) {
            (Some(i), true) => {
                genes[i] = None;
                gene_at.remove(&key);
            }
            (None, true) => problems.push(at(
                file,
                def.symbol.span().start,
                ProblemKind::NothingToRemove {
                    diagnosis: id.clone(),
                    what: format!("gene {symbol}"),
                },
            )),
            (Some(i), false) => genes[i] = Some(Located { def, file }),
            (None, false) => {
                gene_at.insert(key, genes.len());
                genes.push(Some(Located { def, file }));
            }
        }
    }
    target.genes = genes.into_iter().flatten().collect();
    let mut subtype_at: HashMap<&str, usize> = HashMap::new();
    for (i, l) in target.subtypes.iter().enumerate() {
        subtype_at.entry(l.def.id.get_ref().as_str()).or_insert(i);
    }
    for def in amend.subtype.iter().chain(&file.rules.subtype) {
        if let Some(&i) = subtype_at.get(def.id.get_ref().as_str()) {
            target.subtypes[i] = Located { def, file };
        } else {
            subtype_at.insert(def.id.get_ref().as_str(), target.subtypes.len());
            target.subtypes.push(Located { def, file });
        }
    }
}

fn validate_findings(
    defs: &IndexMap<String, Located<'_, FindingDef>>,
    index: &FindingIndex<'_>,
    problems: &mut Vec<Problem>,
) -> IndexMap<String, Finding> {
    let mut findings = IndexMap::new();
    let mut hpo_seen: HashMap<&str, &str> = HashMap::new();
    for (id, Located { def, file }) in defs {
        check_id(&def.id, file, problems);
        if let Some(hpo) = &def.hpo {
            if !is_hpo_id(hpo.get_ref()) {
                problems.push(at(
                    file,
                    hpo.span().start,
                    ProblemKind::MalformedHpoId(hpo.get_ref().clone()),
                ));
            } else if let Some(first) = hpo_seen.insert(hpo.get_ref(), id) {
                problems.push(at(
                    file,
                    hpo.span().start,
                    ProblemKind::DuplicateHpo {
                        hpo: hpo.get_ref().clone(),
                        first: first.to_owned(),
                        second: id.clone(),
                    },
                ));
            }
        }
        let background = match &def.background {
            Some(b) => probability(b, "background", file, problems),
            None => DEFAULT_BACKGROUND,
        };
        let examination = def.examination.unwrap_or_else(|| Examination::of_kind(def.kind));
        let cost = match &def.cost {
            Some(c) => {
                let v = *c.get_ref();
                if !valid::cost(v) {
                    problems.push(at(file, c.span().start, out_of_range("cost", v, "[0, inf)")));
                }
                v
            }
            None => examination.default_cost(),
        };
        let mut parents = Vec::new();
        for p in &def.parents {
            match index.get(p.get_ref()) {
                Some(i) => parents.push(i),
                None => problems.push(index.unknown(p, file)),
            }
        }
        findings.insert(
            id.clone(),
            Finding {
                id: id.clone(),
                label: def.label.clone(),
                hpo: def.hpo.as_ref().map(|h| h.get_ref().clone()),
                kind: def.kind,
                synonyms: def.synonyms.clone(),
                parents,
                specific: def.specific,
                background,
                background_source: def.background_source.clone(),
                examination,
                cost,
            },
        );
    }
    findings
}

/// The numbers of findings, diagnoses and rules against the limits, file by file.
fn check_counts(rules: &RuleSet, limits: &Limits) -> Result<(), Error> {
    let (mut findings, mut diagnoses, mut rule_count) = (0usize, 0usize, 0usize);
    for file in &rules.files {
        let r = &file.rules;
        findings += r.finding.len();
        diagnoses += usize::from(r.diagnosis.is_some());
        rule_count += r.rule.len()
            + r.diagnosis.as_ref().map_or(0, |d| d.rule.len())
            + r.amend.as_ref().map_or(0, |a| a.rule.len());
        if let Some((what, size, limit)) = limits.rule_set_excess(findings, diagnoses, rule_count) {
            return Err(Error::Rules(RuleErrors {
                problems: vec![Problem {
                    location: Location {
                        path: file.path.clone(),
                        line: 0,
                        column: 0,
                    },
                    kind: ProblemKind::TooLarge {
                        what,
                        size: size as u64,
                        limit: limit as u64,
                    },
                }],
            }));
        }
    }
    Ok(())
}

/// The valid range of each kind of weight, shared by validation and
/// [`KnowledgeBase::from_parts`] (NaN is in none).
mod valid {
    /// (0, 1): backgrounds, prevalences, gene backgrounds.
    pub(super) fn probability(v: f64) -> bool {
        v > 0.0 && v < 1.0
    }

    /// [0, 1]: rule frequencies, subtype shares.
    pub(super) fn share(v: f64) -> bool {
        (0.0..=1.0).contains(&v)
    }

    /// (0, 1]: a gene's share of cases.
    pub(super) fn fraction(v: f64) -> bool {
        v > 0.0 && v <= 1.0
    }

    /// (0, ∞): likelihood ratios.
    pub(super) fn ratio(v: f64) -> bool {
        v > 0.0 && v.is_finite()
    }

    /// [0, ∞): examination costs.
    pub(super) fn cost(v: f64) -> bool {
        v.is_finite() && v >= 0.0
    }
}

/// A value that must lie in (0, 1).
fn probability(value: &Spanned<f64>, what: &'static str, file: &SourceFile, problems: &mut Vec<Problem>) -> f64 {
    let v = *value.get_ref();
    if !valid::probability(v) {
        problems.push(at(file, value.span().start, out_of_range(what, v, "(0, 1)")));
    }
    v
}

fn validate_by_symbol<T: SymbolDef>(
    defs: &IndexMap<String, Located<'_, T>>,
    problems: &mut Vec<Problem>,
) -> IndexMap<String, (f64, Option<String>)> {
    let mut out = IndexMap::new();
    for (symbol, Located { def, file }) in defs {
        check_gene_symbol(def.symbol(), file, problems);
        let (value, what) = def.value();
        let v = probability(value, what, file, problems);
        out.insert(symbol.clone(), (v, def.source().cloned()));
    }
    out
}

fn check_gene_symbol(symbol: &Spanned<String>, file: &SourceFile, problems: &mut Vec<Problem>) {
    let s = symbol.get_ref();
    let valid = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if !valid {
        problems.push(at(file, symbol.span().start, ProblemKind::BadGene(s.clone())));
    }
}

fn validate_diagnosis(
    id: &str,
    merged: &MergedDiagnosis<'_>,
    index: &FindingIndex<'_>,
    problems: &mut Vec<Problem>,
) -> Diagnosis {
    let Located { def, file } = merged.header;
    check_id(&def.id, file, problems);
    let (prevalence, prevalence_source) = match merged
        .prevalence
        .and_then(|l| l.def.prevalence.as_ref().map(|p| (p, l)))
    {
        Some((p, amend)) => (
            probability(p, "prevalence", amend.file, problems),
            amend.def.prevalence_source.clone(),
        ),
        None => (
            probability(&def.prevalence, "prevalence", file, problems),
            def.prevalence_source.clone(),
        ),
    };
    if merged.rules.is_empty() {
        problems.push(at(file, def.id.span().start, ProblemKind::NoRules(id.to_owned())));
    }
    Diagnosis {
        id: id.to_owned(),
        name: def.name.clone(),
        synonyms: def.synonyms.clone(),
        inheritance: def.inheritance,
        lookalike: def.lookalike,
        onset: def.onset.clone(),
        prevalence,
        prevalence_source,
        omim: def.omim.clone(),
        orphanet: def.orphanet.clone(),
        subtypes: validate_subtypes(id, merged, problems),
        genes: validate_genes(id, merged, problems),
        rules: validate_rules(id, merged, index, problems),
    }
}

fn validate_subtypes(id: &str, merged: &MergedDiagnosis<'_>, problems: &mut Vec<Problem>) -> Vec<Subtype> {
    let mut out = Vec::new();
    let mut total = 0.0;
    for Located { def, file } in &merged.subtypes {
        let sid = def.id.get_ref();
        let ok = ["OMIM:", "ORPHA:"].iter().any(|prefix| {
            sid.strip_prefix(prefix)
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        });
        if !ok {
            problems.push(at(file, def.id.span().start, ProblemKind::BadSubtypeId(sid.clone())));
        }
        let share = *def.share.get_ref();
        if !valid::share(share) {
            problems.push(at(
                file,
                def.share.span().start,
                out_of_range("subtype share", share, "[0, 1]"),
            ));
        }
        total += share;
        out.push(Subtype {
            id: sid.clone(),
            name: def.name.clone(),
            share,
            source: def.source.clone(),
        });
    }
    if total > 1.0 + 1e-9 {
        let Located { def, file } = merged.header;
        problems.push(at(
            file,
            def.id.span().start,
            ProblemKind::SharesExceedOne {
                diagnosis: id.to_owned(),
                // Rounded as written (0.7 + 0.6 is 1.3, not 1.2999999999999998).
                total: (total * 1e9).round() / 1e9,
            },
        ));
    }
    out
}

fn validate_genes(id: &str, merged: &MergedDiagnosis<'_>, problems: &mut Vec<Problem>) -> Vec<Gene> {
    let mut checked: Vec<Gene> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for Located { def: g, file } in &merged.genes {
        check_gene_symbol(&g.symbol, file, problems);
        let fraction = *g.fraction.get_ref();
        if !valid::fraction(fraction) {
            problems.push(at(
                file,
                g.fraction.span().start,
                out_of_range("gene fraction", fraction, "(0, 1]"),
            ));
        }
        let symbol = g.symbol.get_ref().trim().to_ascii_uppercase();
        if !seen.insert((symbol.clone(), g.zygosity)) {
            problems.push(at(
                file,
                g.symbol.span().start,
                ProblemKind::DuplicateGene {
                    diagnosis: id.to_owned(),
                    gene: symbol.clone(),
                },
            ));
        }
        checked.push(Gene {
            symbol,
            zygosity: g.zygosity,
            fraction,
            source: g.source.clone(),
        });
    }
    checked
}

fn validate_rules(
    id: &str,
    merged: &MergedDiagnosis<'_>,
    index: &FindingIndex<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Rule> {
    let mut checked: Vec<Rule> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for Located { def: r, file } in &merged.rules {
        let Some(finding) = index.get(r.finding.get_ref()) else {
            problems.push(index.unknown(&r.finding, file));
            continue;
        };
        let Some(frequency) = &r.frequency else {
            problems.push(at(
                file,
                r.finding.span().start,
                ProblemKind::MissingFrequency(r.finding.get_ref().clone()),
            ));
            continue;
        };
        let frequency = match frequency.get_ref().value() {
            Some(v) if valid::share(v) => v,
            Some(v) => {
                problems.push(at(file, frequency.span().start, ProblemKind::FrequencyOutOfRange(v)));
                continue;
            }
            None => {
                let text = match frequency.get_ref() {
                    Frequency::Class(t) => t.clone(),
                    Frequency::Number(n) => n.to_string(),
                };
                problems.push(at(file, frequency.span().start, ProblemKind::FrequencyNotANumber(text)));
                continue;
            }
        };
        let lr = r.lr.as_ref().map(|lr| {
            let v = *lr.get_ref();
            if !valid::ratio(v) {
                problems.push(at(
                    file,
                    lr.span().start,
                    out_of_range("likelihood ratio", v, "(0, infinity)"),
                ));
            }
            v
        });
        if !seen.insert(finding) {
            problems.push(at(
                file,
                r.finding.span().start,
                ProblemKind::DuplicateRule {
                    diagnosis: id.to_owned(),
                    finding: r.finding.get_ref().clone(),
                },
            ));
        }
        checked.push(Rule {
            finding,
            frequency,
            lr,
            against: r.against,
            source: r.source.clone(),
        });
    }
    checked
}

fn check_cycles(
    findings: &IndexMap<String, Finding>,
    defs: &IndexMap<String, Located<'_, FindingDef>>,
    problems: &mut Vec<Problem>,
) {
    let findings: Vec<&Finding> = findings.values().collect();
    for (node, cycle) in parent_cycles(&findings) {
        let located = &defs[node];
        problems.push(at(
            located.file,
            located.def.id.span().start,
            ProblemKind::ParentCycle(cycle),
        ));
    }
}

/// Every parent cycle a depth-first search meets: the finding whose parent link closes it, and
/// the ids around it (the first repeated at the end). Validation reports each with its place;
/// [`KnowledgeBase::from_parts`] refuses parts with any.
fn parent_cycles<F: std::borrow::Borrow<Finding>>(findings: &[F]) -> Vec<(usize, Vec<String>)> {
    let mut cycles = Vec::new();
    // Iterative depth-first search with colours: 0 unseen, 1 on the stack, 2 done.
    let n = findings.len();
    let mut colour = vec![0u8; n];
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let parents = &findings[node].borrow().parents;
            if *next < parents.len() {
                let p = parents[*next];
                *next += 1;
                match colour[p] {
                    0 => {
                        colour[p] = 1;
                        stack.push((p, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|&(x, _)| x == p).unwrap_or(0);
                        let mut cycle: Vec<String> = stack[from..]
                            .iter()
                            .map(|&(x, _)| findings[x].borrow().id.clone())
                            .collect();
                        cycle.push(findings[p].borrow().id.clone());
                        cycles.push((node, cycle));
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
    cycles
}

fn check_id(id: &Spanned<String>, file: &SourceFile, problems: &mut Vec<Problem>) {
    let s = id.get_ref();
    let ok = s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        problems.push(at(file, id.span().start, ProblemKind::BadId(s.clone())));
    }
}

/// True for `HP:` followed by exactly seven digits.
pub(crate) fn is_hpo_id(s: &str) -> bool {
    s.len() == 10 && s.starts_with("HP:") && s[3..].bytes().all(|b| b.is_ascii_digit())
}

fn at(file: &SourceFile, offset: usize, kind: ProblemKind) -> Problem {
    Problem {
        location: file.locate(offset),
        kind,
    }
}

fn out_of_range(what: &'static str, value: f64, range: &'static str) -> ProblemKind {
    ProblemKind::OutOfRange { what, value, range }
}
