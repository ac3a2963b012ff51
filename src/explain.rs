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

use crate::id::{DiagnosisId, EvidenceId, FindingId};
use crate::model::Model;
use crate::resolve::{Observation, ResolutionNotes, ResolvedPatient, ROW_FALLBACK};
use crate::score::Ranking;
use crate::tables::{MatchKind, Row, LOG_SCALE, NO_MATCH, NO_VIA};

/// Names for explanations, made once per model; results borrow them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExplainNames {
    /// A readable name per evidence row.
    evidence: Vec<String>,
    /// Per diagnosis: its clinical, non-against rules at or above the expected threshold,
    /// most frequent first (file order for ties).
    expected: Vec<Vec<(u32, f64)>>,
}

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

impl Model {
    /// The full differential with explanations (allocates; the ranking agrees with
    /// [`Model::rank_into`]).
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let p = model.resolve(&Patient::new().present("blue sclerae").present("osteopenia"))?;
    /// let d = model.diagnose(&p);
    /// let top = &d.diagnoses[0];
    /// assert_eq!(top.id, "osteogenesis_imperfecta");
    /// let sum: i64 = top.explanation.all().map(|c| c.units).sum();
    /// assert_eq!(sum, top.units);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn diagnose(&self, patient: &ResolvedPatient) -> Differential<'_> {
        self.diagnose_top(patient, usize::MAX)
    }

    /// [`Model::diagnose`] for the `k` best diagnoses only: the same posteriors, ranks, "none of
    /// these" (its rank among the `k`, or `k + 1` below them) and notes, with explanations of
    /// the `k` alone. Explaining costs the patient's observations once per diagnosis; for the
    /// thousands of diseases of the HPO catalogue and a patient of thousands of terms,
    /// explaining the ten that are shown is the difference between a second and minutes.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let p = model.resolve(&Patient::new().present("blue sclerae").present("osteopenia"))?;
    /// let (all, two) = (model.diagnose(&p), model.diagnose_top(&p, 2));
    /// assert_eq!(two.diagnoses[..], all.diagnoses[..2]);
    /// assert_eq!(two.none_of_these, all.none_of_these);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn diagnose_top(&self, patient: &ResolvedPatient, k: usize) -> Differential<'_> {
        let mut ranking = Ranking::new(self);
        self.rank_top_into(patient, k, &mut ranking);
        let none = ranking.none_posterior();
        let mut none_rank = ranking.entries().len() + 1;
        let mut diagnoses = Vec::with_capacity(ranking.entries().len());
        let mut covered = Vec::with_capacity(2 * patient.rows.len());
        for (i, e) in ranking.entries().iter().enumerate() {
            if none_rank > i + 1 && none > e.posterior {
                none_rank = i + 1;
            }
            let (explanation, units) = self.explain_with(patient, e.diagnosis, &mut covered);
            let (id, diag) = self
                .kb
                .diagnoses()
                .get(e.diagnosis.index())
                .map_or(("", None), |d| (d.id.as_str(), Some(d)));
            diagnoses.push(DiagnosisResult {
                rank: i + 1,
                id,
                name: diag.map_or("", |d| d.name.as_str()),
                posterior: e.posterior,
                log10_lr: e.log10_lr,
                units,
                log10_prior: self.log_prior[e.diagnosis.index()],
                explanation,
            });
        }
        let mut breakdown = Vec::new();
        if let (Some(top), Some(first)) = (ranking.entries().first(), diagnoses.first()) {
            let dense = self.tables.is_dense();
            let s_top = first.log10_prior + self.evidence(patient, top.diagnosis);
            let mut lookalike_mass = 0.0;
            for (d, diag) in self.kb.diagnoses().iter().enumerate() {
                if diag.lookalike {
                    // Dense tables: the ranking holds every diagnosis's score; otherwise recompute.
                    let posterior = if dense {
                        ranking.posterior_of(d)
                    } else {
                        let s = self.log_prior[d] + self.evidence(patient, DiagnosisId(d as u32));
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
                self.n_ranked(),
                self.n_diagnoses() - self.n_ranked()
            ),
            notes: patient.notes.clone(),
        }
    }

    /// The explanation of one diagnosis and its total in units.
    #[must_use]
    pub fn explain(&self, patient: &ResolvedPatient, d: DiagnosisId) -> (Explanation<'_>, i64) {
        self.explain_with(patient, d, &mut Vec::new())
    }

    /// How many of the patient's present clinical findings a rule of diagnosis `d` explains at
    /// some level of the hierarchy (its own finding, an ancestor or a descendant, an `against`
    /// rule included); findings no rule of `d` matches take the false-positive value. Genes,
    /// context (age, sex, family history) and absent findings are not counted.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("HP:0010739").present("HP:0000365"))?;
    /// let d = model.diagnosis_index("osteopoikilosis").unwrap();
    /// let coverage = model.rule_coverage(&patient, d);
    /// assert_eq!(coverage.findings, 2);
    /// assert!(coverage.explained >= 1);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn rule_coverage(&self, patient: &ResolvedPatient, d: DiagnosisId) -> Coverage {
        let mut coverage = Coverage::default();
        for o in &patient.observations {
            let rows = patient.rows_of(o);
            let absent = rows
                .iter()
                .all(|&e| matches!(self.tables.layout.decode(e), Some(Row::Absent(_))));
            if self.is_independent(patient, o) || (absent && !rows.is_empty()) {
                continue;
            }
            coverage.findings += 1;
            if self.contribution(patient, o, d).1.is_some() {
                coverage.explained += 1;
            }
        }
        coverage
    }

    /// What one observation contributes to diagnosis `d`: (units, deciding row, match kind,
    /// rule finding or gene, the units of the false-positive shift among them). The maximum over
    /// the observation's rows of the tables' value, or the fallback when none matches; ties go
    /// to the first row.
    fn contribution(
        &self,
        patient: &ResolvedPatient,
        o: &Observation,
        d: DiagnosisId,
    ) -> (i64, Option<EvidenceId>, MatchKind, u32, i64) {
        let rows = patient.rows_of(o);
        let mut best: Option<(i32, EvidenceId, MatchKind, u32)> = None;
        for &e in rows {
            if let Some(mut entry) = self.tables.value(e, d) {
                if entry.via == NO_VIA {
                    // An absent row no rule of `d` covers: its group's offset (sparse tables; as
                    // in the hot path).
                    let offsets = self.absent_offsets_of(e);
                    if let Some(&o) = self.shift_group.get(d.index()).and_then(|&g| offsets.get(g as usize)) {
                        entry.value += o;
                    }
                }
                if best.is_none_or(|b| entry.value > b.0) {
                    best = Some((entry.value, e, entry.kind, entry.via));
                }
            }
        }
        let fallback = if o.fallback == ROW_FALLBACK {
            rows.first()
                .and_then(|r| self.tables.fallback.get(r.index()))
                .copied()
                .unwrap_or(0)
        } else {
            o.fallback
        };
        let gene = rows
            .first()
            .is_some_and(|&e| matches!(self.tables.layout.decode(e), Some(Row::Gene(..))));
        // A diagnosis no rule matches takes the fallback, shifted by its number of rules where
        // the observation carries the shift (as in the hot path).
        let shift = if Self::carries_shift(self.is_independent(patient, o), fallback, self.untouched_value(rows)) {
            self.fp_shift.get(d.index()).copied().unwrap_or(0)
        } else {
            0
        };
        match best {
            Some((value, e, kind, via)) if value != NO_MATCH => {
                // No rule of `d` on an absent row: the part of the value that comes from its
                // shift ([`ScoringConfig::unlisted_absent_llr`]), against the row's default.
                let unlisted = if via == NO_VIA && matches!(self.tables.layout.decode(e), Some(Row::Absent(_))) {
                    self.tables.default.get(e.index()).map_or(0, |&base| value - base)
                } else {
                    0
                };
                (i64::from(value), Some(e), kind, via, i64::from(unlisted))
            }
            _ => (
                i64::from(fallback) + i64::from(shift),
                None,
                if gene { MatchKind::Gene } else { MatchKind::Unrelated },
                NO_VIA,
                i64::from(shift),
            ),
        }
    }

    /// [`Model::explain`] with a scratch vector for the findings the patient was examined for.
    fn explain_with(
        &self,
        patient: &ResolvedPatient,
        d: DiagnosisId,
        covered: &mut Vec<u32>,
    ) -> (Explanation<'_>, i64) {
        let names = self.names();
        let layout = self.tables.layout;
        let mut out = Explanation {
            for_: Vec::with_capacity(patient.observations.len()),
            ..Explanation::default()
        };
        let mut total: i64 = 0;
        covered.clear();
        for (i, o) in patient.observations.iter().enumerate() {
            let (units, evidence_id, matched, via, shift) = self.contribution(patient, o, d);
            total += units;
            // Examined: a finding present (or implied) and everything above it; a finding absent
            // and everything below it.
            for &e in patient.rows_of(o) {
                match layout.decode(e) {
                    Some(Row::Present(f) | Row::Implied(f)) => {
                        covered.push(f.0);
                        covered.extend_from_slice(self.hierarchy.ancestors(f.index()));
                    }
                    Some(Row::Absent(f)) => {
                        covered.push(f.0);
                        covered.extend_from_slice(self.hierarchy.descendants(f.index()));
                    }
                    _ => {}
                }
            }
            let row_finding = evidence_id.and_then(|e| match layout.decode(e) {
                Some(Row::Present(f) | Row::Absent(f) | Row::Implied(f)) => Some(f.0),
                _ => None,
            });
            let rule = match matched {
                MatchKind::Gene | MatchKind::Unrelated => None,
                _ if via != NO_VIA && Some(via) != row_finding => {
                    covered.push(via);
                    self.kb.findings().get(via as usize).map(|f| f.id.as_str())
                }
                _ => None,
            };
            let c = Contribution {
                observation: i,
                evidence_id,
                evidence: self.evidence_name(patient, i, o),
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
            covered.sort_unstable();
            // Most frequent first, file order for ties; at most MAX_NOT_EXAMINED.
            out.not_examined = expected
                .iter()
                .filter(|&&(i, _)| covered.binary_search(&i).is_err())
                .take(MAX_NOT_EXAMINED)
                .map(|&(i, frequency)| Expected {
                    finding: &self.kb.findings()[i as usize].id,
                    label: &self.kb.findings()[i as usize].label,
                    frequency,
                })
                .collect();
        }
        (out, total)
    }

    /// The name of an observation: the model's name of its row when it has one row of a
    /// vocabulary finding or gene, otherwise the patient's own term.
    pub(crate) fn evidence_name(&self, patient: &ResolvedPatient, i: usize, o: &Observation) -> Cow<'_, str> {
        match patient.rows_of(o) {
            [e] if !matches!(self.tables.layout.decode(*e), Some(Row::Implied(_))) => Cow::Borrowed(self.describe(*e)),
            rows => Cow::Owned(patient.label(i).map_or_else(
                || rows.iter().map(|&e| self.describe(e)).collect::<Vec<_>>().join(" | "),
                str::to_owned,
            )),
        }
    }

    /// The log10 evidence a diagnosis's posterior uses: the clinical findings' total times the
    /// design effect, plus the independent evidence (context, genes), both over T.
    fn evidence(&self, patient: &ResolvedPatient, d: DiagnosisId) -> f64 {
        let (mut clinical, mut independent, mut n) = (0i64, 0i64, 0usize);
        for o in &patient.observations {
            let units = self.contribution(patient, o, d).0;
            if self.is_independent(patient, o) {
                independent += units;
            } else {
                clinical += units;
                n += 1;
            }
        }
        (clinical as f64 * self.config.evidence_scale(n) + independent as f64 * self.config.evidence_scale(1))
            / LOG_SCALE
    }

    /// The total of one diagnosis in units, without building the explanation.
    #[must_use]
    pub fn units(&self, patient: &ResolvedPatient, d: DiagnosisId) -> i64 {
        patient
            .observations
            .iter()
            .map(|o| self.contribution(patient, o, d).0)
            .sum()
    }

    /// A readable name for an evidence id.
    #[must_use]
    pub fn describe(&self, e: EvidenceId) -> &str {
        self.names().evidence.get(e.index()).map_or("?", String::as_str)
    }

    /// Names used by explanations, made once on first use.
    pub(crate) fn names(&self) -> &ExplainNames {
        static NONE: ExplainNames = ExplainNames {
            evidence: Vec::new(),
            expected: Vec::new(),
        };
        let names = self.explain_names.get_or_init(|| {
            let kb = &self.kb;
            ExplainNames {
                evidence: (0..self.tables.layout.rows())
                    .map(|r| self.describe_row(EvidenceId(r as u32)))
                    .collect(),
                expected: kb
                    .diagnoses()
                    .iter()
                    .map(|d| {
                        let mut e: Vec<(u32, f64)> = d
                            .rules
                            .iter()
                            .filter(|r| {
                                !r.against
                                    && r.frequency >= self.config.expected_threshold
                                    && !kb.findings()[r.finding].kind.is_context()
                            })
                            .map(|r| (r.finding as u32, r.frequency))
                            .collect();
                        e.sort_by(|a, b| b.1.total_cmp(&a.1));
                        e
                    })
                    .collect(),
            }
        });
        names.unwrap_or(&NONE)
    }

    fn describe_row(&self, e: EvidenceId) -> String {
        let id = |f: FindingId| self.finding_id(f).to_owned();
        match self.tables.layout.decode(e) {
            Some(Row::Present(f)) => id(f),
            Some(Row::Absent(f)) => format!("no {}", id(f)),
            Some(Row::Implied(f)) => format!("{} (by a more specific term)", id(f)),
            Some(Row::Gene(g, z)) => {
                let symbol = self.tables.gene_symbols.get(g as usize).map_or("?", String::as_str);
                format!("{symbol} ({})", z.as_str())
            }
            None => "?".to_owned(),
        }
    }
}

/// What [`Model::rule_coverage`] counts: present clinical findings, and those a rule of the
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
    /// let c = osteodx::Coverage { findings: 4, explained: 3 };
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
