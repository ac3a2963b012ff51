//! Published cases as a knowledge source beside the annotations: the terms other publications'
//! patients of a disease show, and those they were examined for and lack, counted into a cohort
//! of the disease the way a curator counts a cohort paper into `n/m` frequencies.
//!
//! The file is the catalogue's own patient format, one JSON object a line: `{"true_disease"
//! (or "disease"): "OMIM:…", "pmid": "PMID:…", "terms": [HPO ids], "excluded": [HPO ids]}`
//! (other fields ignored, so a benchmark file of patients can be given as it is). The crate
//! ships one: the 8,343 phenopacket-store cases of `data/phenopacket-store-cases.jsonl`
//! (monarch-initiative/phenopacket-store, BSD 3-Clause; [`CaseSource::Bundled`]).
//!
//! For a disease D and the cases of D that are not withheld, each term t that a case reports
//! (present or excluded) becomes an annotation of D with the frequency (n + 1) / (m + 2), the
//! same estimate `phenotype.hpoa`'s `n/m` frequencies get: n the cases with t or a term below
//! it present, m = n + the cases with t or a term above it excluded (the cases that were
//! examined for t). Like any second annotation of a term, the larger frequency wins.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{CatalogueStats, Disease};
use crate::error::{Error, RuleErrors};
use crate::limits::Limits;
use crate::ontology::Ontology;

/// The published cases the crate ships: phenopacket-store's 8,343 cases with one OMIM disease
/// (monarch-initiative/phenopacket-store, commit b694d17e, BSD 3-Clause; the licence is
/// `data/LICENSE.phenopacket-store.txt`).
const BUNDLED: &str = include_str!("../../data/phenopacket-store-cases.jsonl");
const BUNDLED_PATH: &str = "<builtin>/phenopacket-store-cases.jsonl";

/// Where the published cases of a catalogue come from.
///
/// ```
/// use osteodx::catalogue::CaseSource;
/// assert!(CaseSource::Bundled.read(&Default::default())?.is_some());
/// assert!(CaseSource::None.read(&Default::default())?.is_none());
/// # Ok::<(), osteodx::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CaseSource {
    /// No published cases: the annotations alone.
    None,
    /// The cases the crate ships (phenopacket-store; the default).
    #[default]
    Bundled,
    /// A file of cases, one JSON object a line (the module's format).
    File(PathBuf),
}

impl CaseSource {
    /// The path and text of the cases, `None` for [`CaseSource::None`].
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read or is larger than `limits` allow.
    pub fn read(&self, limits: &Limits) -> Result<Option<(PathBuf, String)>, Error> {
        Ok(match self {
            Self::None => None,
            Self::Bundled => Some((PathBuf::from(BUNDLED_PATH), BUNDLED.to_owned())),
            Self::File(path) => Some((path.clone(), limits.read_to_string(path)?)),
        })
    }

    /// A text that names the source and its content, for the key of a compiled catalogue
    /// (the bundled cases by a hash of their text).
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::None => "none".to_owned(),
            Self::Bundled => format!("bundled {:016x}", xxhash_rust::xxh3::xxh3_64(BUNDLED.as_bytes())),
            Self::File(path) => format!("file {}", path.display()),
        }
    }
}

/// The disease of a line of the bundled file, read without parsing the line.
fn bundled_disease(line: &str) -> Option<&str> {
    const KEY: &str = "\"true_disease\":\"";
    let from = line.find(KEY)? + KEY.len();
    let len = line[from..].find('"')?;
    Some(&line[from..from + len])
}

/// One line of a case file.
#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    true_disease: Option<String>,
    #[serde(default)]
    disease: Option<String>,
    #[serde(default)]
    pmid: Option<String>,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    excluded: Vec<String>,
}

/// One published case: its disease, its publication (an interned reference) and its terms.
#[derive(Debug, Clone)]
struct Case {
    disease: String,
    reference: Option<u32>,
    /// The present terms and all their ancestors, sorted.
    present_up: Vec<u32>,
    /// The present terms as given (known ones, each once).
    present: Vec<u32>,
    /// The excluded terms that are not present, each once.
    excluded: Vec<u32>,
}

/// Published cases read from a file ([`CaseSource`]), ready to annotate the diseases of a
/// catalogue; see the module's documentation for the estimate.
#[derive(Debug, Clone)]
pub struct PublishedCases {
    cases: Vec<Case>,
    /// Terms of the file that the ontology does not know (dropped).
    unknown_terms: usize,
    /// Cases of a disease the catalogue does not have (dropped).
    without_disease: usize,
}

impl PublishedCases {
    /// Parse a case file; `intern` gives the id of a reference (the publication); only the cases
    /// of a disease for which `known` holds are kept (the others are counted).
    ///
    /// # Errors
    /// [`Error::Rules`] with file and line for each line that is not a JSON object of the
    /// format or names no disease.
    pub(super) fn parse(
        path: &Path,
        text: &str,
        ontology: &Ontology,
        limits: &Limits,
        intern: &mut dyn FnMut(&str) -> u32,
        known: &dyn Fn(&str) -> bool,
    ) -> Result<Self, Error> {
        let mut cases = Vec::new();
        let mut problems = Vec::new();
        let (mut unknown_terms, mut without_disease) = (0, 0);
        let canonical = |terms: &[String], unknown: &mut usize| -> Vec<u32> {
            let mut out: Vec<u32> = Vec::new();
            for t in terms {
                match ontology.canonical(t) {
                    Some(c) if !out.contains(&c) => out.push(c),
                    Some(_) => {}
                    None => *unknown += 1,
                }
            }
            out
        };
        // The bundled file is the crate's own, written `{"id":…,"true_disease":"OMIM:…",…}`: the
        // lines of diseases the catalogue does not have are counted without being parsed.
        let bundled = path == Path::new(BUNDLED_PATH);
        for (i, l) in crate::json_input::strip_bom(text).lines().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            if bundled && bundled_disease(l).is_some_and(|d| !known(d)) {
                without_disease += 1;
                continue;
            }
            let line: Line = match crate::json_input::parse_object(l, limits.nesting_depth) {
                Ok(line) => line,
                Err(e) => {
                    problems.push(super::problem_at(path, i + 1, e.column, e.message));
                    continue;
                }
            };
            let Some(disease) = line.true_disease.or(line.disease) else {
                problems.push(super::problem_at(
                    path,
                    i + 1,
                    1,
                    "a case names no disease (`true_disease` or `disease`)".to_owned(),
                ));
                continue;
            };
            let disease = disease.trim();
            if !known(disease) {
                without_disease += 1;
                continue;
            }
            let present = canonical(&line.terms, &mut unknown_terms);
            let excluded: Vec<u32> = canonical(&line.excluded, &mut unknown_terms)
                .into_iter()
                .filter(|t| !present.contains(t))
                .collect();
            let mut present_up: Vec<u32> = present.clone();
            for &t in &present {
                present_up.extend(ontology.ancestors(t));
            }
            present_up.sort_unstable();
            present_up.dedup();
            cases.push(Case {
                disease: disease.to_owned(),
                reference: line
                    .pmid
                    .as_deref()
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(&mut *intern),
                present_up,
                present,
                excluded,
            });
            if problems.len() > 100 {
                break;
            }
        }
        if problems.is_empty() {
            Ok(Self {
                cases,
                unknown_terms,
                without_disease,
            })
        } else {
            Err(Error::Rules(RuleErrors { problems }))
        }
    }

    /// How many cases of the file are of a disease of the catalogue (the others are left out).
    #[must_use]
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// Cases of the file whose disease the catalogue does not have (left out).
    #[must_use]
    pub fn without_disease(&self) -> usize {
        self.without_disease
    }

    /// True when no case of the file is of a disease of the catalogue.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Terms of the file the ontology does not know (left out).
    #[must_use]
    pub fn unknown_terms(&self) -> usize {
        self.unknown_terms
    }

    /// Each case's publication (an interned reference) and disease, for the cases that name one.
    pub(super) fn references(&self) -> impl Iterator<Item = (u32, &str)> {
        self.cases
            .iter()
            .filter_map(|c| Some((c.reference?, c.disease.as_str())))
    }

    /// Annotate the diseases (`index`: by id) with the cohorts of their cases, leaving out the
    /// cases of `withheld` references.
    pub(super) fn annotate(
        &self,
        ontology: &Ontology,
        withheld: &HashSet<u32>,
        index: &HashMap<String, usize>,
        diseases: &mut [Disease],
        stats: &mut CatalogueStats,
    ) {
        let mut cohorts: Vec<Vec<&Case>> = vec![Vec::new(); diseases.len()];
        stats.cases_without_disease += self.without_disease;
        for case in &self.cases {
            if case.reference.is_some_and(|r| withheld.contains(&r)) {
                stats.withheld_cases += 1;
                continue;
            }
            match index.get(case.disease.as_str()) {
                Some(&d) => {
                    cohorts[d].push(case);
                    stats.cases += 1;
                }
                None => stats.cases_without_disease += 1,
            }
        }
        let mut up: HashMap<u32, Vec<u32>> = HashMap::new();
        for (d, cohort) in cohorts.iter().enumerate() {
            if cohort.is_empty() {
                continue;
            }
            let mut reported: Vec<u32> = cohort
                .iter()
                .flat_map(|c| c.present.iter().chain(&c.excluded).copied())
                .collect();
            reported.sort_unstable();
            reported.dedup();
            for t in reported {
                let above = up.entry(t).or_insert_with(|| {
                    let mut a = ontology.ancestors(t);
                    a.push(t);
                    a
                });
                let n = cohort.iter().filter(|c| c.present_up.binary_search(&t).is_ok()).count();
                let x = cohort
                    .iter()
                    .filter(|c| c.excluded.iter().any(|e| above.contains(e)))
                    .count();
                let p = (n as f64 + 1.0) / ((n + x) as f64 + 2.0);
                stats.case_terms += usize::from(diseases[d].annotate(t, p, false));
            }
        }
    }
}
