//! The slow path: the full differential with an explanation per diagnosis.
//!
//! Each diagnosis lists every piece of evidence's contribution in millionths of a log10 unit
//! (`units`); they add up exactly to the diagnosis's total, because the scorer sums the very
//! same fixed-point table values. Contributions are split into evidence for (positive) and
//! against (negative), each sorted by size, plus the findings the diagnosis expects (frequency at
//! or above [`ScoringConfig::expected_threshold`](crate::ScoringConfig::expected_threshold)) that
//! the patient was not examined for.

use std::borrow::Cow;

use serde::Serialize;

use crate::engine::Engine;
use crate::id::{DiagnosisId, EvidenceId};
use crate::resolved::{Observation, ResolutionNotes, ResolvedPatient};
use crate::score::Ranking;
use crate::scoring_core::{Prepared, Value};
use crate::tables::{MatchKind, Row, LOG_SCALE, NO_VIA};

/// The most "expected, not examined" findings listed per diagnosis (the most frequent ones).
pub const MAX_NOT_EXAMINED: usize = 10;

/// The ranked differential for one patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Differential<'m> {
    /// The diagnoses, best first (ties: knowledge-base order).
    pub diagnoses: Vec<DiagnosisResult<'m>>,
    /// Posterior probability that the patient has none of the diagnoses.
    pub none_of_these: f64,
    /// 1-based rank "none of these" would take among the diagnoses.
    pub none_of_these_rank: usize,
    /// What "none of these" is made of: the modelled look-alikes, most likely first, then
    /// `other` (some other skeletal disorder: the background).
    pub none_of_these_breakdown: Vec<NoneComponent<'m>>,
    /// What the posteriors are normalised over.
    pub normalisation: String,
    /// What resolution did with the patient's names.
    pub notes: ResolutionNotes,
}

/// A part of "none of these".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoneComponent<'m> {
    /// A look-alike's id, or `other`.
    pub id: &'m str,
    /// Its name.
    pub name: &'m str,
    /// Its posterior probability.
    pub posterior: f64,
}

/// One diagnosis in the differential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagnosisResult<'m> {
    /// 1-based rank.
    pub rank: usize,
    /// Diagnosis id.
    pub id: &'m str,
    /// Display name.
    pub name: &'m str,
    /// Posterior probability.
    pub posterior: f64,
    /// Total log10 likelihood ratio.
    pub log10_lr: f64,
    /// The total in millionths of a log10 unit: the exact sum of the contributions' units.
    pub units: i64,
    /// log10 of the prior (prevalence).
    pub log10_prior: f64,
    /// Why.
    pub explanation: Explanation<'m>,
}

/// Why a diagnosis scored as it did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Explanation<'m> {
    /// Evidence that raised the likelihood, largest first.
    #[serde(rename = "for")]
    pub for_: Vec<Contribution<'m>>,
    /// Evidence that lowered it, largest first.
    pub against: Vec<Contribution<'m>>,
    /// Evidence that changed nothing.
    pub neutral: Vec<Contribution<'m>>,
    /// Findings the diagnosis expects that the patient was not examined for.
    pub not_examined: Vec<Expected<'m>>,
}

impl Explanation<'_> {
    /// The most "expected, not examined" findings listed per diagnosis (the most frequent ones).
    pub const MAX_NOT_EXAMINED: usize = MAX_NOT_EXAMINED;
}

impl<'m> Explanation<'m> {
    /// Every contribution (for, against, neutral).
    pub fn all(&self) -> impl Iterator<Item = &Contribution<'m>> {
        self.for_.iter().chain(&self.against).chain(&self.neutral)
    }
}

/// One observation's contribution to one diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution<'m> {
    /// The observation's position in the resolved patient (each observation contributes once).
    pub observation: usize,
    /// The evidence row that decided the value (`None` when no rule matched any row, or the
    /// observation has no row).
    pub evidence_id: Option<EvidenceId>,
    /// What was observed, e.g. `macrocephaly`, `no blue_sclerae`, `TCIRG1 (biallelic)`, or an
    /// HPO term outside the vocabulary with the findings it sits under.
    pub evidence: Cow<'m, str>,
    /// log10 likelihood ratio.
    pub log10_lr: f64,
    /// The same in millionths of a log10 unit.
    pub units: i64,
    /// How it matched the diagnosis's rules.
    pub matched: MatchKind,
    /// The rule's finding (or gene) behind it, when not the evidence itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'m str>,
    /// For a finding no rule explains, present or absent: the part of `log10_lr` that comes from
    /// how richly the diagnosis is annotated ([`ScoringConfig::false_positive_shift`](crate::ScoringConfig::false_positive_shift)
    /// for a present finding, [`ScoringConfig::unlisted_absent_llr`](crate::ScoringConfig::unlisted_absent_llr)
    /// for an absent one; positive for a sparsely annotated diagnosis). `None` when there is no
    /// such part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation_shift: Option<f64>,
}

/// A finding a diagnosis expects that the patient was not examined for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected<'m> {
    /// Finding id.
    pub finding: &'m str,
    /// Label.
    pub label: &'m str,
    /// Frequency in the diagnosis.
    pub frequency: f64,
}

/// The work of [`Model::diagnose`](crate::Model::diagnose).
pub(crate) fn diagnose<'m>(m: &'m Engine, patient: &ResolvedPatient) -> Differential<'m> {
    diagnose_top(m, patient, usize::MAX)
}

/// The work of [`Model::diagnose_top`](crate::Model::diagnose_top).
pub(crate) fn diagnose_top<'m>(m: &'m Engine, patient: &ResolvedPatient, k: usize) -> Differential<'m> {
    crate::score::with_ranking(&m.core, |ranking| {
        crate::score::rank_top_into(&m.core, patient, k, ranking);
        differential(m, patient, ranking)
    })
}

/// The differential of `patient` whose ranking (of the `k` best) is `ranking`.
fn differential<'m>(m: &'m Engine, patient: &ResolvedPatient, ranking: &Ranking) -> Differential<'m> {
    let none = ranking.none_posterior();
    let mut none_rank = ranking.entries().len() + 1;
    let mut diagnoses = Vec::with_capacity(ranking.entries().len());
    let view = PatientView::new(m, patient);
    let mut scratch = ExplainScratch::default();
    for (i, e) in ranking.entries().iter().enumerate() {
        if none_rank > i + 1 && none > e.posterior {
            none_rank = i + 1;
        }
        let (explanation, units) = explain_with(m, patient, e.diagnosis, &view, &mut scratch);
        let (id, diag) =
            m.kb.diagnoses()
                .get(e.diagnosis.index())
                .map_or(("", None), |d| (d.id.as_str(), Some(d)));
        diagnoses.push(DiagnosisResult {
            rank: i + 1,
            id,
            name: diag.map_or("", |d| d.name.as_str()),
            posterior: e.posterior,
            log10_lr: e.log10_lr,
            units,
            log10_prior: m.core.log_prior[e.diagnosis.index()],
            explanation,
        });
    }
    let mut breakdown = Vec::new();
    if let (Some(top), Some(first)) = (ranking.entries().first(), diagnoses.first()) {
        let dense = m.core.tables.is_dense();
        // Sparse tables only: the top diagnosis's score, against which look-alikes are weighed.
        let s_top = if dense {
            0.0
        } else {
            first.log10_prior + evidence(m, patient, top.diagnosis)
        };
        let mut lookalike_mass = 0.0;
        for (d, diag) in m.kb.diagnoses().iter().enumerate() {
            if diag.lookalike {
                // Dense tables: the ranking holds every diagnosis's score; otherwise recompute.
                let posterior = if dense {
                    ranking.posterior_of(d)
                } else {
                    let s = m.core.log_prior[d] + evidence(m, patient, DiagnosisId(d as u32));
                    top.posterior * (std::f64::consts::LN_10 * (s - s_top)).exp()
                };
                lookalike_mass += posterior;
                breakdown.push(NoneComponent {
                    id: &diag.id,
                    name: &diag.name,
                    posterior,
                });
            }
        }
        breakdown.sort_by(|a, b| b.posterior.total_cmp(&a.posterior).then_with(|| a.id.cmp(b.id)));
        breakdown.push(NoneComponent {
            id: "other",
            name: "some other skeletal disorder (background)",
            posterior: (none - lookalike_mass).max(0.0),
        });
    }
    Differential {
        diagnoses,
        none_of_these: none,
        none_of_these_rank: none_rank,
        none_of_these_breakdown: breakdown,
        normalisation: format!(
            "posterior over the {} diagnoses of the knowledge base plus \"none of these\" ({} modelled look-alikes and the background)",
            m.n_ranked(),
            m.n_diagnoses() - m.n_ranked()
        ),
        notes: patient.notes.clone(),
    }
}

/// The work of [`Model::explain`](crate::Model::explain).
pub(crate) fn explain<'m>(m: &'m Engine, patient: &ResolvedPatient, d: DiagnosisId) -> (Explanation<'m>, i64) {
    explain_with(
        m,
        patient,
        d,
        &PatientView::new(m, patient),
        &mut ExplainScratch::default(),
    )
}

/// The work of [`Model::rule_coverage`](crate::Model::rule_coverage).
pub(crate) fn rule_coverage(m: &Engine, patient: &ResolvedPatient, d: DiagnosisId) -> Coverage {
    let mut coverage = Coverage::default();
    for o in &patient.observations {
        let rows = patient.rows_of(o);
        let absent = rows
            .iter()
            .all(|&e| matches!(m.core.tables.layout.decode(e), Some(Row::Absent(_))));
        if m.core.is_independent(patient, o) || (absent && !rows.is_empty()) {
            continue;
        }
        coverage.findings += 1;
        if m.core.value(patient, o, d).row.is_some() {
            coverage.explained += 1;
        }
    }
    coverage
}

/// What explaining one patient needs once, whatever the diagnosis: the findings it was examined
/// for (a finding present or implied and everything above it, a finding absent and everything
/// below it), each observation's name and the parts of its value.
struct PatientView<'m> {
    /// A bit per finding of the knowledge base: examined.
    examined: Vec<u64>,
    names: Vec<Cow<'m, str>>,
    prepared: Vec<Prepared>,
}

impl<'m> PatientView<'m> {
    fn new(m: &'m Engine, patient: &ResolvedPatient) -> Self {
        let layout = m.core.tables.layout;
        let mut examined = vec![0u64; m.kb.findings().len().div_ceil(64)];
        let mut mark = |f: u32| {
            if let Some(word) = examined.get_mut(f as usize / 64) {
                *word |= 1 << (f % 64);
            }
        };
        for &e in &patient.rows {
            match layout.decode(e) {
                Some(Row::Present(f) | Row::Implied(f)) => {
                    mark(f.0);
                    m.hierarchy.ancestors(f.index()).iter().for_each(|&a| mark(a));
                }
                Some(Row::Absent(f)) => {
                    mark(f.0);
                    m.hierarchy.descendants(f.index()).iter().for_each(|&a| mark(a));
                }
                _ => {}
            }
        }
        let names = patient
            .observations
            .iter()
            .enumerate()
            .map(|(i, o)| evidence_name(m, patient, i, o))
            .collect();
        let prepared = patient
            .observations
            .iter()
            .map(|o| m.core.prepare(patient, o))
            .collect();
        Self {
            examined,
            names,
            prepared,
        }
    }

    /// True when the patient was examined for finding `f`.
    fn was_examined(&self, f: u32) -> bool {
        self.examined
            .get(f as usize / 64)
            .is_some_and(|word| word & (1 << (f % 64)) != 0)
    }
}

/// Scratch space of [`explain_with`], reused from one diagnosis to the next.
#[derive(Default)]
struct ExplainScratch {
    /// The rule findings the explanation names (examined too).
    vias: Vec<u32>,
    /// Each observation's value for the diagnosis.
    values: Vec<Value>,
}

/// [`Model::explain`](crate::Model::explain) of a patient seen through `view`.
fn explain_with<'m>(
    m: &'m Engine,
    patient: &ResolvedPatient,
    d: DiagnosisId,
    view: &PatientView<'m>,
    scratch: &mut ExplainScratch,
) -> (Explanation<'m>, i64) {
    let names = m.explain_names();
    let layout = m.core.tables.layout;
    let ExplainScratch { vias, values } = scratch;
    values.clear();
    values.extend(
        patient
            .observations
            .iter()
            .zip(&view.prepared)
            .map(|(o, &prep)| m.core.value_of(patient, o, prep, d)),
    );
    let count = |keep: fn(i64) -> bool| values.iter().filter(|v| keep(v.units)).count();
    let mut out = Explanation {
        for_: Vec::with_capacity(count(|u| u > 0)),
        against: Vec::with_capacity(count(|u| u < 0)),
        neutral: Vec::with_capacity(count(|u| u == 0)),
        not_examined: Vec::new(),
    };
    let mut total: i64 = 0;
    vias.clear();
    for (i, value) in values.iter().enumerate() {
        let Value {
            units,
            row: evidence_id,
            kind: matched,
            via,
            shift,
        } = *value;
        total += units;
        let row_finding = evidence_id.and_then(|e| match layout.decode(e) {
            Some(Row::Present(f) | Row::Absent(f) | Row::Implied(f)) => Some(f.0),
            _ => None,
        });
        let rule = match matched {
            MatchKind::Gene | MatchKind::Unrelated => None,
            _ if via != NO_VIA && Some(via) != row_finding => {
                vias.push(via);
                m.kb.findings().get(via as usize).map(|f| f.id.as_str())
            }
            _ => None,
        };
        let c = Contribution {
            observation: i,
            evidence_id,
            evidence: view.names[i].clone(),
            log10_lr: units as f64 / LOG_SCALE,
            units,
            matched,
            rule,
            annotation_shift: (shift != 0).then(|| shift as f64 / LOG_SCALE),
        };
        match units.cmp(&0) {
            std::cmp::Ordering::Greater => out.for_.push(c),
            std::cmp::Ordering::Less => out.against.push(c),
            std::cmp::Ordering::Equal => out.neutral.push(c),
        }
    }
    // Largest first; equal contributions in observation order.
    out.for_
        .sort_unstable_by_key(|c| (std::cmp::Reverse(c.units), c.observation));
    out.against.sort_unstable_by_key(|c| (c.units, c.observation));
    if let Some(expected) = names.expected.get(d.index()) {
        // Most frequent first, file order for ties; at most MAX_NOT_EXAMINED.
        out.not_examined = expected
            .iter()
            .filter(|&&(i, _)| !view.was_examined(i) && !vias.contains(&i))
            .take(MAX_NOT_EXAMINED)
            .map(|&(i, frequency)| Expected {
                finding: &m.kb.findings()[i as usize].id,
                label: &m.kb.findings()[i as usize].label,
                frequency,
            })
            .collect();
    }
    (out, total)
}

/// The name of an observation: the model's name of its row when it has one row of a
/// vocabulary finding or gene, otherwise the patient's own term.
pub(crate) fn evidence_name<'m>(m: &'m Engine, patient: &ResolvedPatient, i: usize, o: &Observation) -> Cow<'m, str> {
    match patient.rows_of(o) {
        [e] if !matches!(m.core.tables.layout.decode(*e), Some(Row::Implied(_))) => Cow::Borrowed(describe(m, *e)),
        rows => Cow::Owned(patient.label(i).map_or_else(
            || rows.iter().map(|&e| describe(m, e)).collect::<Vec<_>>().join(" | "),
            str::to_owned,
        )),
    }
}

/// The log10 evidence a diagnosis's posterior uses: the clinical findings' total times the
/// design effect, plus the independent evidence (context, genes), both over T.
fn evidence(m: &Engine, patient: &ResolvedPatient, d: DiagnosisId) -> f64 {
    let (mut clinical, mut independent, mut n) = (0i64, 0i64, 0usize);
    for o in &patient.observations {
        let units = m.core.value(patient, o, d).units;
        if m.core.is_independent(patient, o) {
            independent += units;
        } else {
            clinical += units;
            n += 1;
        }
    }
    (clinical as f64 * m.core.config.evidence_scale(n) + independent as f64 * m.core.config.evidence_scale(1))
        / LOG_SCALE
}

/// The work of [`Model::units`](crate::Model::units).
pub(crate) fn units(m: &Engine, patient: &ResolvedPatient, d: DiagnosisId) -> i64 {
    patient
        .observations
        .iter()
        .map(|o| m.core.value(patient, o, d).units)
        .sum()
}

/// The work of [`Model::describe`](crate::Model::describe).
pub(crate) fn describe(m: &Engine, e: EvidenceId) -> &str {
    m.explain_names().evidence.get(e.index()).map_or("?", String::as_str)
}

/// What [`Model::rule_coverage`](crate::Model::rule_coverage) counts: present clinical findings, and those a rule of the
/// diagnosis explains.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Present clinical findings (observations) of the patient.
    pub findings: usize,
    /// Those a rule of the diagnosis matches at some level of the hierarchy.
    pub explained: usize,
}

impl Coverage {
    /// The share explained (1 when there is nothing to explain).
    ///
    /// ```
    /// let c = osteodx::report::Coverage { findings: 4, explained: 3 };
    /// assert_eq!(c.share(), 0.75);
    /// ```
    #[must_use]
    pub fn share(&self) -> f64 {
        if self.findings == 0 {
            1.0
        } else {
            self.explained as f64 / self.findings as f64
        }
    }
}
