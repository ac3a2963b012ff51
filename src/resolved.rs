//! A resolved patient: the patient's observations as evidence rows of one compiled model, ready
//! to score, and the notes of what resolution did with the patient's names. Resolution itself
//! is in [`resolve`](crate::resolve).

use serde::Serialize;

use crate::id::EvidenceId;

/// A patient turned into observations, ready to score.
///
/// Each observation is one thing the patient was found to have (or not to have): one or more
/// evidence rows (several when an HPO term outside the vocabulary sits under several vocabulary
/// findings) and a fallback value. For each diagnosis an observation contributes the best of its
/// rows, or its fallback (the false-positive value) when no rule of the diagnosis matches any of
/// them: one patient term is one piece of evidence.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ResolvedPatient {
    /// The rows of all observations, observation after observation.
    pub(crate) rows: Vec<EvidenceId>,
    pub(crate) observations: Vec<Observation>,
    /// What an observation is, in the patient's words, for the observations whose rows do not
    /// say it (a term outside the vocabulary, a gene no rule names): (observation, label), in
    /// observation order. Kept sparse so that a resolved patient stays small (batch scoring).
    pub(crate) labels: Vec<(u32, String)>,
    /// What resolution did with names it could not use directly.
    pub notes: ResolutionNotes,
}

/// One observation: a slice of [`ResolvedPatient::rows`] and its fallback value in units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Observation {
    pub start: u32,
    pub len: u32,
    /// The value when no rule matches, or [`ROW_FALLBACK`]: the first row's own fallback.
    pub fallback: i32,
    /// A genetic result (with or without a row: a gene no rule names has none).
    pub gene: bool,
}

/// "Use the first row's fallback from the tables".
pub(crate) const ROW_FALLBACK: i32 = i32::MIN;

/// What resolution reports back to the caller.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ResolutionNotes {
    /// Names that match no finding, with the nearest known names; not scored.
    pub unknown: Vec<UnknownName>,
    /// HPO terms outside the vocabulary, placed on their nearest vocabulary ancestors.
    pub placed: Vec<PlacedTerm>,
    /// HPO terms with no vocabulary ancestor: each scored as one unrelated finding.
    pub unplaced: Vec<String>,
    /// Absent terms that could not be used (an absent term says nothing of its ancestors).
    pub unused_absent: Vec<String>,
    /// Findings derived from ages, sex, family history and lab values.
    pub derived: Vec<String>,
    /// Context the knowledge base has no finding for (e.g. user rules without onset findings).
    pub not_expressible: Vec<String>,
    /// Genes that no rule names: scored as a variant in an unrelated gene.
    pub unknown_genes: Vec<String>,
    /// What the patient says that does not fit together (an onset after the age at
    /// examination): scored as given, and said here. In JSON only when there is any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inconsistent: Vec<String>,
    /// Terms dropped because another term of the patient already implies them (an ancestor of a
    /// term given present, a term outside the vocabulary placed exactly where another one is,
    /// or an absent term under another absent term).
    pub subsumed: Vec<String>,
}

/// The unknown names of a patient that get "did you mean" suggestions (the first ones): each
/// costs a comparison with every known name (tens of thousands in the HPO catalogue), and a
/// report shows the first ten.
pub const MAX_SUGGESTED_NAMES: usize = 20;

/// A name that matches no finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownName {
    /// The name as given.
    pub name: String,
    /// The nearest known names (none for the unknown names after the first
    /// [`ResolutionNotes::MAX_SUGGESTED_NAMES`] of a patient).
    pub suggestions: Vec<String>,
}

/// An HPO term placed on vocabulary findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedTerm {
    /// The HPO id given.
    pub term: String,
    /// The finding ids it was placed on.
    pub findings: Vec<String>,
}

impl ResolutionNotes {
    /// The unknown names of a patient that get "did you mean" suggestions (the first ones).
    pub const MAX_SUGGESTED_NAMES: usize = MAX_SUGGESTED_NAMES;
}

impl ResolvedPatient {
    /// The evidence ids of all observations, observation after observation.
    #[must_use]
    pub fn evidence(&self) -> &[EvidenceId] {
        &self.rows
    }

    /// The number of observations (each scores once per diagnosis).
    #[must_use]
    pub fn len(&self) -> usize {
        self.observations.len()
    }

    /// True when nothing was observed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.observations.is_empty()
    }

    /// Build from raw evidence ids, one observation each (sorted, repeats removed), for callers
    /// that resolve names themselves.
    #[must_use]
    pub fn from_evidence(mut evidence: Vec<EvidenceId>) -> Self {
        evidence.sort_unstable();
        evidence.dedup();
        let observations = (0..evidence.len() as u32)
            .map(|i| Observation {
                start: i,
                len: 1,
                fallback: ROW_FALLBACK,
                gene: false,
            })
            .collect();
        Self {
            labels: Vec::new(),
            rows: evidence,
            observations,
            notes: ResolutionNotes::default(),
        }
    }

    /// The rows of observation `i`.
    pub(crate) fn rows_of(&self, o: &Observation) -> &[EvidenceId] {
        &self.rows[o.start as usize..(o.start + o.len) as usize]
    }

    /// The patient's own label of observation `i`, when its rows do not name it.
    pub(crate) fn label(&self, i: usize) -> Option<&str> {
        self.labels
            .binary_search_by_key(&(i as u32), |(j, _)| *j)
            .ok()
            .map(|k| self.labels[k].1.as_str())
    }

    /// Add an observation; `label` only when its rows do not name it.
    pub(crate) fn push(&mut self, mut rows: Vec<EvidenceId>, fallback: i32, label: Option<String>, gene: bool) {
        rows.sort_unstable();
        rows.dedup();
        let start = self.rows.len() as u32;
        self.observations.push(Observation {
            start,
            len: rows.len() as u32,
            fallback,
            gene,
        });
        self.rows.extend(rows);
        if let Some(label) = label {
            self.labels.push((self.observations.len() as u32 - 1, label));
        }
    }
}
