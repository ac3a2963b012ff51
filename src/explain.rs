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
use crate::id::{DiagnosisId, EvidenceId};
use crate::model::Model;
use crate::resolve::{ResolutionNotes, ResolvedPatient};
use crate::score::Ranking;

/// The ranked differential for one patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Differential {
    /// The diagnoses, best first (ties: knowledge-base order).
    pub diagnoses: Vec<DiagnosisResult>,
    /// Posterior probability that the patient has none of the diagnoses.
    pub none_of_these: f64,
    /// 1-based rank "none of these" would take among the diagnoses.
    pub none_of_these_rank: usize,
    /// What "none of these" is made of: the modelled look-alikes, most likely first, then
    /// `other` (some other skeletal disorder: the background).
    pub none_of_these_breakdown: Vec<NoneComponent>,
    /// What the posteriors are normalised over.
    pub normalisation: String,
    /// What resolution did with the patient's names.
    pub notes: ResolutionNotes,
}

/// A part of "none of these".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoneComponent {
    /// A look-alike's id, or `other`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its posterior probability.
    pub posterior: f64,
}

/// One diagnosis in the differential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagnosisResult {
    /// 1-based rank.
    pub rank: usize,
    /// Diagnosis id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Posterior probability.
    pub posterior: f64,
    /// Total log10 likelihood ratio.
    pub log10_lr: f64,
    /// The total in millionths of a log10 unit: the exact sum of the contributions' units.
    pub units: i64,
    /// log10 of the prior (prevalence).
    pub log10_prior: f64,
    /// Why.
    pub explanation: Explanation,
}

/// Why a diagnosis scored as it did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Explanation {
    /// Evidence that raised the likelihood, largest first.
    #[serde(rename = "for")]
    pub for_: Vec<Contribution>,
    /// Evidence that lowered it, largest first.
    pub against: Vec<Contribution>,
    /// Evidence that changed nothing.
    pub neutral: Vec<Contribution>,
    /// Findings the diagnosis expects that the patient was not examined for.
    pub not_examined: Vec<Expected>,
}

impl Explanation {
    /// Every contribution (for, against, neutral).
    pub fn all(&self) -> impl Iterator<Item = &Contribution> {
        self.for_.iter().chain(&self.against).chain(&self.neutral)
    }
}

/// One piece of evidence's contribution to one diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// What was observed, e.g. `macrocephaly`, `no blue_sclerae`, `TCIRG1 (biallelic)`.
    pub evidence: String,
    /// log10 likelihood ratio.
    pub log10_lr: f64,
    /// The same in millionths of a log10 unit.
    pub units: i64,
    /// How it matched the diagnosis's rules.
    pub matched: MatchKind,
    /// The rule's finding (or gene) behind it, when not the evidence itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// A finding a diagnosis expects that the patient was not examined for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected {
    /// Finding id.
    pub finding: String,
    /// Label.
    pub label: String,
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
    pub fn diagnose(&self, patient: &ResolvedPatient) -> Differential {
        let mut ranking = Ranking::new(self);
        self.rank_into(patient, &mut ranking);
        let none = ranking.none_posterior();
        let mut none_rank = ranking.entries().len() + 1;
        let mut diagnoses = Vec::with_capacity(ranking.entries().len());
        for (i, e) in ranking.entries().iter().enumerate() {
            if none_rank > i + 1 && none > e.posterior {
                none_rank = i + 1;
            }
            let (explanation, units) = self.explain(patient, e.diagnosis);
            let (id, diag) = self
                .kb
                .diagnoses()
                .get_index(e.diagnosis.index())
                .map_or(("", None), |(k, v)| (k.as_str(), Some(v)));
            diagnoses.push(DiagnosisResult {
                rank: i + 1,
                id: id.to_owned(),
                name: diag.map_or_else(String::new, |d| d.name.clone()),
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
            for (d, diag) in self.kb.diagnoses().values().enumerate() {
                if diag.lookalike {
                    let (_, units) = self.explain(patient, DiagnosisId(d as u32));
                    let s = self.log_prior[d] + units as f64 / LOG_SCALE;
                    let posterior = top.posterior * (std::f64::consts::LN_10 * (s - s_top)).exp();
                    lookalike_mass += posterior;
                    breakdown.push(NoneComponent {
                        id: diag.id.clone(),
                        name: diag.name.clone(),
                        posterior,
                    });
                }
            }
            breakdown.sort_by(|a, b| b.posterior.total_cmp(&a.posterior).then_with(|| a.id.cmp(&b.id)));
            breakdown.push(NoneComponent {
                id: "other".to_owned(),
                name: "some other skeletal disorder (background)".to_owned(),
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
    pub fn explain(&self, patient: &ResolvedPatient, d: DiagnosisId) -> (Explanation, i64) {
        let t = &self.tables;
        let mut out = Explanation::default();
        let mut total: i64 = 0;
        let mut covered: Vec<u32> = Vec::new();
        for &e in &patient.evidence {
            let row = e.index();
            let Some(&b) = t.base.get(row) else { continue };
            let (lo, hi) = (t.offsets[row] as usize, t.offsets[row + 1] as usize);
            let hit = (lo..hi).find(|&i| t.post_diag[i] as usize == d.index());
            let (units, matched, via) = match hit {
                Some(i) => (
                    i64::from(b) + i64::from(t.post_delta[i]),
                    MatchKind::from_code(t.post_kind[i]),
                    t.post_via[i],
                ),
                None if row >= 2 * t.n_findings => (i64::from(b), MatchKind::Gene, NO_VIA),
                None => (i64::from(b), MatchKind::Unrelated, NO_VIA),
            };
            total += units;
            if row < 2 * t.n_findings {
                covered.push((row / 2) as u32);
                if via != NO_VIA {
                    covered.push(via);
                }
            }
            let rule = match matched {
                MatchKind::Gene if via != NO_VIA => t.gene_symbols.get(via as usize).cloned(),
                _ if via != NO_VIA && via as usize != row / 2 => {
                    Some(self.finding_id(crate::id::FindingId(via)).to_owned())
                }
                _ => None,
            };
            let c = Contribution {
                evidence: self.describe(e),
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
        out.for_
            .sort_by(|a, b| b.units.cmp(&a.units).then_with(|| a.evidence.cmp(&b.evidence)));
        out.against
            .sort_by(|a, b| a.units.cmp(&b.units).then_with(|| a.evidence.cmp(&b.evidence)));
        if let Some(diag) = self.kb.diagnoses().get_index(d.index()).map(|(_, v)| v) {
            for r in &diag.rules {
                let f = &self.kb.findings()[r.finding];
                if !r.against
                    && !f.kind.is_context()
                    && r.frequency >= self.config.expected_threshold
                    && !covered.contains(&(r.finding as u32))
                {
                    out.not_examined.push(Expected {
                        finding: f.id.clone(),
                        label: f.label.clone(),
                        frequency: r.frequency,
                    });
                }
            }
            out.not_examined.sort_by(|a, b| b.frequency.total_cmp(&a.frequency));
        }
        (out, total)
    }

    /// A readable name for an evidence id.
    pub fn describe(&self, e: EvidenceId) -> String {
        let t = &self.tables;
        let row = e.index();
        if row < 2 * t.n_findings {
            let id = self.finding_id(crate::id::FindingId((row / 2) as u32));
            if row % 2 == 0 {
                id.to_owned()
            } else {
                format!("no {id}")
            }
        } else if e == t.other_gene_row() {
            "variant in a gene no rule names".to_owned()
        } else if e == t.unplaced_row() {
            "HPO term outside the vocabulary".to_owned()
        } else {
            let g = (row - 2 * t.n_findings) / 4;
            let z = crate::compile::ZYGOSITIES[(row - 2 * t.n_findings) % 4];
            let symbol = t.gene_symbols.get(g).map_or("?", String::as_str);
            format!("{symbol} ({})", format!("{z:?}").to_lowercase())
        }
    }
}
