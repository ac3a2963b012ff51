//! The slow path: the full differential with an explanation per diagnosis.
//!
//! Each diagnosis lists every piece of evidence's contribution in millionths of a log10 unit
//! (`units`); they add up exactly to the diagnosis's total, because the scorer sums the very
//! same fixed-point table values. Contributions are split into evidence for (positive) and
//! against (negative), each sorted by size, plus the findings the diagnosis expects (frequency at
//! or above [`ScoringConfig::expected_threshold`](crate::ScoringConfig::expected_threshold)) that
//! the patient was not examined for.

use serde::Serialize;

use crate::compile::{MatchKind, LOG_SCALE, NO_VIA};
use crate::id::{DiagnosisId, EvidenceId, ROWS_PER_FINDING};
use crate::model::Model;
use crate::resolve::{ResolutionNotes, ResolvedPatient};
use crate::score::Ranking;

/// Names for explanations, made once per model; results borrow them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExplainNames {
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

/// One piece of evidence's contribution to one diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution<'m> {
    /// The evidence id (finding present/absent/implied, or a gene row).
    pub evidence_id: EvidenceId,
    /// What was observed, e.g. `macrocephaly`, `no blue_sclerae`, `TCIRG1 (biallelic)`.
    pub evidence: &'m str,
    /// log10 likelihood ratio.
    pub log10_lr: f64,
    /// The same in millionths of a log10 unit.
    pub units: i64,
    /// How it matched the diagnosis's rules.
    pub matched: MatchKind,
    /// The rule's finding (or gene) behind it, when not the evidence itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'m str>,
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
    pub fn diagnose(&self, patient: &ResolvedPatient) -> Differential<'_> {
        let mut ranking = Ranking::new(self);
        self.rank_into(patient, &mut ranking);
        let none = ranking.none_posterior();
        let mut none_rank = ranking.entries().len() + 1;
        let mut diagnoses = Vec::with_capacity(ranking.entries().len());
        let mut covered = Vec::with_capacity(2 * patient.evidence.len());
        for (i, e) in ranking.entries().iter().enumerate() {
            if none_rank > i + 1 && none > e.posterior {
                none_rank = i + 1;
            }
            let (explanation, units) = self.explain_with(patient, e.diagnosis, &mut covered);
            let (id, diag) = self
                .kb
                .diagnoses()
                .get_index(e.diagnosis.index())
                .map_or(("", None), |(k, v)| (k.as_str(), Some(v)));
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
            let s_top = first.log10_prior + first.log10_lr;
            let mut lookalike_mass = 0.0;
            let totals = self.all_units(patient);
            for (d, diag) in self.kb.diagnoses().values().enumerate() {
                if diag.lookalike {
                    let units = totals[d];
                    let s = self.log_prior[d] + units as f64 / LOG_SCALE;
                    let posterior = top.posterior * (std::f64::consts::LN_10 * (s - s_top)).exp();
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
    pub fn explain(&self, patient: &ResolvedPatient, d: DiagnosisId) -> (Explanation<'_>, i64) {
        self.explain_with(patient, d, &mut Vec::new())
    }

    /// [`Model::explain`] with a scratch vector for the findings the patient was examined for.
    fn explain_with(
        &self,
        patient: &ResolvedPatient,
        d: DiagnosisId,
        covered: &mut Vec<u32>,
    ) -> (Explanation<'_>, i64) {
        let t = &self.tables;
        let names = self.names();
        let n = patient.evidence.len();
        let mut out = Explanation {
            for_: Vec::with_capacity(n),
            ..Explanation::default()
        };
        let mut total: i64 = 0;
        covered.clear();
        for &e in &patient.evidence {
            let row = e.index();
            let Some(&b) = t.base.get(row) else { continue };
            let (lo, hi) = (t.offsets[row] as usize, t.offsets[row + 1] as usize);
            // Postings of a row are sorted by diagnosis.
            let hit = t.post_diag[lo..hi].binary_search(&d.0).ok().map(|i| lo + i);
            let (units, matched, via) = match hit {
                Some(i) => (
                    i64::from(b) + i64::from(t.post_delta[i]),
                    MatchKind::from_code(t.post_kind[i]),
                    t.post_via[i],
                ),
                None if row >= ROWS_PER_FINDING * t.n_findings => (i64::from(b), MatchKind::Gene, NO_VIA),
                None => (i64::from(b), MatchKind::Unrelated, NO_VIA),
            };
            total += units;
            if row < ROWS_PER_FINDING * t.n_findings {
                covered.push((row / ROWS_PER_FINDING) as u32);
                if via != NO_VIA {
                    covered.push(via);
                }
            }
            let rule = match matched {
                MatchKind::Gene => None,
                _ if via != NO_VIA && via as usize != row / ROWS_PER_FINDING => {
                    self.kb.findings().get_index(via as usize).map(|(k, _)| k.as_str())
                }
                _ => None,
            };
            let c = Contribution {
                evidence_id: e,
                evidence: names.evidence.get(row).map_or("?", String::as_str),
                log10_lr: units as f64 / LOG_SCALE,
                units,
                matched,
                rule,
            };
            match units.cmp(&0) {
                std::cmp::Ordering::Greater => out.for_.push(c),
                std::cmp::Ordering::Less => out.against.push(c),
                std::cmp::Ordering::Equal => out.neutral.push(c),
            }
        }
        // Largest first; equal contributions in evidence-id order.
        out.for_
            .sort_unstable_by_key(|c| (std::cmp::Reverse(c.units), c.evidence_id));
        out.against.sort_unstable_by_key(|c| (c.units, c.evidence_id));
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

    /// The total of one diagnosis in units, without building the explanation.
    pub fn units(&self, patient: &ResolvedPatient, d: DiagnosisId) -> i64 {
        let t = &self.tables;
        let mut total = 0i64;
        for &e in &patient.evidence {
            let row = e.index();
            let Some(&b) = t.base.get(row) else { continue };
            let (lo, hi) = (t.offsets[row] as usize, t.offsets[row + 1] as usize);
            let delta = t.post_diag[lo..hi]
                .binary_search(&d.0)
                .map_or(0, |i| t.post_delta[lo + i]);
            total += i64::from(b) + i64::from(delta);
        }
        total
    }

    /// The totals of every diagnosis (look-alikes included) in units, in one pass.
    pub fn all_units(&self, patient: &ResolvedPatient) -> Vec<i64> {
        let t = &self.tables;
        let mut totals = vec![0i64; self.n_diagnoses()];
        let mut shared = 0i64;
        for &e in &patient.evidence {
            let row = e.index();
            let Some(&b) = t.base.get(row) else { continue };
            shared += i64::from(b);
            let (lo, hi) = (t.offsets[row] as usize, t.offsets[row + 1] as usize);
            for i in lo..hi {
                totals[t.post_diag[i] as usize] += i64::from(t.post_delta[i]);
            }
        }
        totals.iter_mut().for_each(|x| *x += shared);
        totals
    }

    /// A readable name for an evidence id.
    pub fn describe(&self, e: EvidenceId) -> &str {
        self.names().evidence.get(e.index()).map_or("?", String::as_str)
    }

    /// Names used by explanations, made once on first use.
    pub(crate) fn names(&self) -> &ExplainNames {
        self.explain_names.get_or_init(|| {
            let kb = &self.kb;
            ExplainNames {
                evidence: (0..self.tables.base.len())
                    .map(|r| self.describe_row(EvidenceId(r as u32)))
                    .collect(),
                expected: kb
                    .diagnoses()
                    .values()
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
        })
    }

    fn describe_row(&self, e: EvidenceId) -> String {
        let t = &self.tables;
        let row = e.index();
        if row < ROWS_PER_FINDING * t.n_findings {
            let id = self.finding_id(crate::id::FindingId((row / ROWS_PER_FINDING) as u32));
            match row % ROWS_PER_FINDING {
                0 => id.to_owned(),
                1 => format!("no {id}"),
                _ => format!("{id} (by a more specific term)"),
            }
        } else if e == t.other_gene_row() {
            "variant in a gene no rule names".to_owned()
        } else if e == t.unplaced_row() {
            "HPO term outside the vocabulary".to_owned()
        } else {
            let g = (row - ROWS_PER_FINDING * t.n_findings) / 4;
            let z = crate::compile::ZYGOSITIES[(row - ROWS_PER_FINDING * t.n_findings) % 4];
            let symbol = t.gene_symbols.get(g).map_or("?", String::as_str);
            format!("{symbol} ({})", format!("{z:?}").to_lowercase())
        }
    }
}
