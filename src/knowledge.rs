//! The validated knowledge base: findings and diagnoses with their rules, ids resolved to
//! indices, valid by construction.
//!
//! [`KnowledgeBase::new`] checks a [`RuleSet`] and reports every problem it finds (see
//! [`ProblemKind`] for the list) with its file, line and column. The knowledge base keeps the
//! definitions as written, so [`KnowledgeBase::to_rule_files`] writes back the same rules.

use std::collections::HashMap;

use indexmap::IndexMap;
use toml::Spanned;

use crate::error::{Error, Location, Problem, ProblemKind, RuleErrors};
use crate::load::{RuleSet, SourceFile};
use crate::names;
use crate::rule_file::{
    DiagnosisDef, FindingDef, FindingKind, Frequency, GeneDef, Inheritance, RuleDef, RuleFile, Zygosity,
};

/// Background probability used when a finding gives none.
pub const DEFAULT_BACKGROUND: f64 = 0.05;

/// A validated finding.
#[derive(Debug, Clone, PartialEq)]
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
    /// P(finding | other skeletal disorder).
    pub background: f64,
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Index of the finding.
    pub finding: usize,
    /// P(finding | diagnosis), in [0, 1].
    pub frequency: f64,
    /// Explicit positive likelihood ratio.
    pub lr: Option<f64>,
    /// The finding argues against the diagnosis.
    pub against: bool,
    /// Source of the weight.
    pub source: Option<String>,
}

/// A gene of a diagnosis.
#[derive(Debug, Clone, PartialEq)]
pub struct Gene {
    /// HGNC symbol (upper case).
    pub symbol: String,
    /// Causal zygosity.
    pub zygosity: Zygosity,
    /// Share of cases.
    pub fraction: f64,
}

/// A validated diagnosis.
#[derive(Debug, Clone, PartialEq)]
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
    /// OMIM ids.
    pub omim: Vec<String>,
    /// Orphanet ids.
    pub orphanet: Vec<String>,
    /// Genes.
    pub genes: Vec<Gene>,
    /// Rules, in file order.
    pub rules: Vec<Rule>,
}

/// A validated knowledge base.
///
/// ```
/// let kb = osteodx::KnowledgeBase::builtin()?;
/// assert_eq!(kb.diagnoses().values().filter(|d| !d.lookalike).count(), 7);
/// assert!(kb.finding_index("macrocephaly").is_some());
/// # Ok::<(), osteodx::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KnowledgeBase {
    findings: IndexMap<String, Finding>,
    diagnoses: IndexMap<String, Diagnosis>,
    finding_defs: Vec<FindingDef>,
    diagnosis_files: Vec<RuleFile>,
}

/// One definition found in the files, with where it is.
struct Located<'a, T> {
    def: &'a T,
    file: &'a SourceFile,
}

impl KnowledgeBase {
    /// Load, validate the built-in rules.
    ///
    /// # Errors
    /// Only if the built-in rules were edited into an invalid state (a test guards against it).
    pub fn builtin() -> Result<Self, Error> {
        Self::new(RuleSet::builtin()?)
    }

    /// Load and validate the rules in a directory or file.
    ///
    /// # Errors
    /// [`Error::Rules`] listing every problem found; [`Error::Io`] if a directory cannot be read.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        Self::new(RuleSet::from_path(path)?)
    }

    /// Validate a rule set. Files of a higher layer replace findings and diagnoses of a lower
    /// one that have the same id; within a layer a repeated id is an error.
    ///
    /// # Errors
    /// [`Error::Rules`] listing every problem found, each with file, line and column.
    pub fn new(rules: RuleSet) -> Result<Self, Error> {
        let mut problems = Vec::new();
        let finding_defs = merge_findings(&rules, &mut problems);
        let diagnosis_defs = merge_diagnoses(&rules, &mut problems);

        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, f) in finding_defs.values().enumerate() {
            index.insert(f.def.id.get_ref(), i);
        }
        let ids: Vec<&str> = finding_defs.keys().map(String::as_str).collect();
        let unknown = |id: &Spanned<String>, file: &SourceFile| Problem {
            location: file.locate(id.span().start),
            kind: ProblemKind::UnknownFinding {
                id: id.get_ref().clone(),
                suggestions: names::nearest(id.get_ref(), ids.iter().copied()),
            },
        };

        let mut findings = IndexMap::new();
        let mut hpo_seen: HashMap<&str, &str> = HashMap::new();
        for (id, Located { def, file }) in &finding_defs {
            check_id(&def.id, file, &mut problems);
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
                Some(b) => {
                    let v = *b.get_ref();
                    if !(v > 0.0 && v < 1.0) {
                        problems.push(at(file, b.span().start, out_of_range("background", v, "(0, 1)")));
                    }
                    v
                }
                None => DEFAULT_BACKGROUND,
            };
            let mut parents = Vec::new();
            for p in &def.parents {
                match index.get(p.get_ref().as_str()) {
                    Some(&i) => parents.push(i),
                    None => problems.push(unknown(p, file)),
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
                    background,
                },
            );
        }
        check_cycles(&findings, &finding_defs, &mut problems);

        let mut diagnoses = IndexMap::new();
        for (id, (Located { def, file }, genes, rules)) in &diagnosis_defs {
            check_id(&def.id, file, &mut problems);
            let prevalence = *def.prevalence.get_ref();
            if !(prevalence > 0.0 && prevalence < 1.0) {
                problems.push(at(
                    file,
                    def.prevalence.span().start,
                    out_of_range("prevalence", prevalence, "(0, 1)"),
                ));
            }
            if rules.is_empty() {
                problems.push(at(file, def.id.span().start, ProblemKind::NoRules(id.clone())));
            }
            let mut checked_genes = Vec::new();
            for g in genes.iter() {
                let symbol = g.symbol.get_ref();
                let valid = !symbol.is_empty()
                    && symbol.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && symbol.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                if !valid {
                    problems.push(at(file, g.symbol.span().start, ProblemKind::BadGene(symbol.clone())));
                }
                let fraction = *g.fraction.get_ref();
                if !(fraction > 0.0 && fraction <= 1.0) {
                    problems.push(at(
                        file,
                        g.fraction.span().start,
                        out_of_range("gene fraction", fraction, "(0, 1]"),
                    ));
                }
                let symbol = symbol.to_ascii_uppercase();
                if checked_genes
                    .iter()
                    .any(|x: &Gene| x.symbol == symbol && x.zygosity == g.zygosity)
                {
                    problems.push(at(
                        file,
                        g.symbol.span().start,
                        ProblemKind::DuplicateGene {
                            diagnosis: id.clone(),
                            gene: symbol.clone(),
                        },
                    ));
                }
                checked_genes.push(Gene {
                    symbol,
                    zygosity: g.zygosity,
                    fraction,
                });
            }
            let mut checked_rules: Vec<Rule> = Vec::new();
            for r in rules.iter() {
                let finding = match index.get(r.finding.get_ref().as_str()) {
                    Some(&i) => i,
                    None => {
                        problems.push(unknown(&r.finding, file));
                        continue;
                    }
                };
                let frequency = match r.frequency.get_ref().value() {
                    Some(v) if (0.0..=1.0).contains(&v) => v,
                    Some(v) => {
                        problems.push(at(file, r.frequency.span().start, ProblemKind::FrequencyOutOfRange(v)));
                        continue;
                    }
                    None => {
                        let text = match r.frequency.get_ref() {
                            Frequency::Class(t) => t.clone(),
                            Frequency::Number(n) => n.to_string(),
                        };
                        problems.push(at(
                            file,
                            r.frequency.span().start,
                            ProblemKind::FrequencyNotANumber(text),
                        ));
                        continue;
                    }
                };
                let lr = r.lr.as_ref().map(|lr| {
                    let v = *lr.get_ref();
                    if !(v > 0.0 && v.is_finite()) {
                        problems.push(at(
                            file,
                            lr.span().start,
                            out_of_range("likelihood ratio", v, "(0, infinity)"),
                        ));
                    }
                    v
                });
                if checked_rules.iter().any(|x| x.finding == finding) {
                    problems.push(at(
                        file,
                        r.finding.span().start,
                        ProblemKind::DuplicateRule {
                            diagnosis: id.clone(),
                            finding: r.finding.get_ref().clone(),
                        },
                    ));
                }
                checked_rules.push(Rule {
                    finding,
                    frequency,
                    lr,
                    against: r.against,
                    source: r.source.clone(),
                });
            }
            diagnoses.insert(
                id.clone(),
                Diagnosis {
                    id: id.clone(),
                    name: def.name.clone(),
                    synonyms: def.synonyms.clone(),
                    inheritance: def.inheritance,
                    lookalike: def.lookalike,
                    onset: def.onset.clone(),
                    prevalence,
                    omim: def.omim.clone(),
                    orphanet: def.orphanet.clone(),
                    genes: checked_genes,
                    rules: checked_rules,
                },
            );
        }

        if !problems.is_empty() {
            problems.sort_by(|a, b| a.location.cmp(&b.location));
            return Err(Error::Rules(RuleErrors { problems }));
        }
        let finding_defs = finding_defs.into_values().map(|l| l.def.clone()).collect();
        let diagnosis_files = diagnosis_defs
            .into_values()
            .map(|(d, genes, rules)| RuleFile {
                finding: Vec::new(),
                diagnosis: Some(d.def.clone()),
                gene: genes.into_iter().cloned().collect(),
                rule: rules.into_iter().cloned().collect(),
            })
            .collect();
        Ok(Self {
            findings,
            diagnoses,
            finding_defs,
            diagnosis_files,
        })
    }

    /// The findings, in file order; a finding's index is its position here.
    pub fn findings(&self) -> &IndexMap<String, Finding> {
        &self.findings
    }

    /// The diagnoses, in file order; a diagnosis's index is its position here.
    pub fn diagnoses(&self) -> &IndexMap<String, Diagnosis> {
        &self.diagnoses
    }

    /// The index of a finding id.
    pub fn finding_index(&self, id: &str) -> Option<usize> {
        self.findings.get_index_of(id)
    }

    /// The rules as files again: `findings.toml` first, then `<diagnosis id>.toml` for each
    /// diagnosis, as TOML text that loads back into an equal knowledge base.
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
    pub fn to_rule_files(&self) -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(self.diagnosis_files.len() + 1);
        let vocabulary = RuleFile {
            finding: self.finding_defs.clone(),
            ..RuleFile::default()
        };
        out.push(("findings.toml".to_owned(), toml_text(&vocabulary)));
        for file in &self.diagnosis_files {
            let name = file
                .diagnosis
                .as_ref()
                .map_or("diagnosis".to_owned(), |d| d.id.get_ref().clone());
            out.push((format!("{name}.toml"), toml_text(file)));
        }
        out
    }
}

fn toml_text(file: &RuleFile) -> String {
    // Serialising plain data structs to TOML cannot fail; fall back to an empty file regardless.
    toml::to_string(file).unwrap_or_default()
}

type DiagnosisEntry<'a> = (Located<'a, DiagnosisDef>, Vec<&'a GeneDef>, Vec<&'a RuleDef>);

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

fn merge_diagnoses<'a>(rules: &'a RuleSet, problems: &mut Vec<Problem>) -> IndexMap<String, DiagnosisEntry<'a>> {
    let mut out: IndexMap<String, DiagnosisEntry<'a>> = IndexMap::new();
    for file in &rules.files {
        let r = &file.rules;
        let Some(def) = &r.diagnosis else {
            if !r.rule.is_empty() || !r.gene.is_empty() {
                problems.push(Problem {
                    location: Location {
                        path: file.path.clone(),
                        line: 0,
                        column: 0,
                    },
                    kind: ProblemKind::RulesWithoutDiagnosis,
                });
            }
            continue;
        };
        let id = def.id.get_ref().clone();
        if let Some((prev, _, _)) = out.get(&id) {
            if prev.file.layer == file.layer {
                problems.push(at(
                    file,
                    def.id.span().start,
                    ProblemKind::DuplicateDiagnosis {
                        id: id.clone(),
                        first: prev.file.locate(prev.def.id.span().start),
                    },
                ));
                continue;
            }
        }
        out.insert(
            id,
            (Located { def, file }, r.gene.iter().collect(), r.rule.iter().collect()),
        );
    }
    out
}

fn check_cycles(
    findings: &IndexMap<String, Finding>,
    defs: &IndexMap<String, Located<'_, FindingDef>>,
    problems: &mut Vec<Problem>,
) {
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
            let parents = &findings[node].parents;
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
                        let mut cycle: Vec<String> =
                            stack[from..].iter().map(|&(x, _)| findings[x].id.clone()).collect();
                        cycle.push(findings[p].id.clone());
                        let located = &defs[node];
                        problems.push(at(
                            located.file,
                            located.def.id.span().start,
                            ProblemKind::ParentCycle(cycle),
                        ));
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
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
