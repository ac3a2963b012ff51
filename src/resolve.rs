//! Resolving a [`Patient`] into sorted evidence ids, once, before scoring.
//!
//! * Findings are looked up by id, HPO id, label or synonym (case-insensitive).
//! * An HPO id outside the vocabulary is placed through the HPO graph onto its nearest
//!   vocabulary ancestors (a more specific term matches its ancestor's rules). An HPO term that
//!   has no vocabulary ancestor counts as one unrelated clinical finding (the false-positive
//!   model) and is listed in [`ResolutionNotes::unplaced`].
//! * A name that is neither is listed in [`ResolutionNotes::unknown`] with the nearest known
//!   names, and not scored ([`Model::resolve_strict`] makes it an error).
//! * Sex, ages, family history, lab values and genetic results become evidence too.
//! * A finding given both present and absent is an error.

use serde::Serialize;

use crate::error::{Error, PatientError};
use crate::id::{EvidenceId, FindingId};
use crate::knowledge::is_hpo_id;
use crate::labs::{self, PANCYTOPENIA};
use crate::model::Model;
use crate::patient::{Analyte, Patient, Sex, Zygosity};

/// A patient turned into evidence ids, ready to score.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ResolvedPatient {
    pub(crate) evidence: Vec<EvidenceId>,
    /// What resolution did with names it could not use directly.
    pub notes: ResolutionNotes,
}

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
}

/// A name that matches no finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownName {
    /// The name as given.
    pub name: String,
    /// The nearest known names.
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

impl ResolvedPatient {
    /// The evidence ids, sorted.
    pub fn evidence(&self) -> &[EvidenceId] {
        &self.evidence
    }

    /// Build from raw evidence ids (sorted here), for callers that resolve names themselves.
    pub fn from_evidence(mut evidence: Vec<EvidenceId>) -> Self {
        evidence.sort_unstable();
        Self {
            evidence,
            notes: ResolutionNotes::default(),
        }
    }
}

/// The onset class of an age at onset in years, by the HPO onset definitions.
pub fn onset_finding(years: f64) -> &'static str {
    const DAY: f64 = 1.0 / 365.25;
    if years < 0.0 {
        "onset_antenatal"
    } else if years < DAY {
        "onset_congenital"
    } else if years < 28.0 * DAY {
        "onset_neonatal"
    } else if years < 1.0 {
        "onset_infantile"
    } else if years < 5.0 {
        "onset_childhood"
    } else if years < 16.0 {
        "onset_juvenile"
    } else {
        "onset_adult"
    }
}

/// The age-at-examination band of an age in years.
pub fn examination_finding(years: f64) -> &'static str {
    if years < 1.0 {
        "age_at_examination_infant"
    } else if years < 10.0 {
        "age_at_examination_child"
    } else if years < 18.0 {
        "age_at_examination_adolescent"
    } else {
        "age_at_examination_adult"
    }
}

#[derive(Default)]
struct Builder {
    present: Vec<(FindingId, String)>,
    absent: Vec<(FindingId, String)>,
    extra: Vec<EvidenceId>,
    notes: ResolutionNotes,
}

impl Model {
    /// Resolve a patient. Unknown names are reported in the notes, not scored.
    ///
    /// # Errors
    /// [`PatientError`] when a finding is given both present and absent, or an age or lab value
    /// is not a valid number or unit.
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// let p = model.resolve(&osteodx::Patient::new().present("macrocefaly"))?;
    /// assert_eq!(p.notes.unknown[0].suggestions[0], "macrocephaly");
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn resolve(&self, patient: &Patient) -> Result<ResolvedPatient, Error> {
        let mut b = Builder::default();
        for name in &patient.present {
            self.resolve_name(name, true, &mut b);
        }
        for name in &patient.absent {
            self.resolve_name(name, false, &mut b);
        }
        self.resolve_context(patient, &mut b)?;
        self.resolve_genes(patient, &mut b);

        b.present.sort();
        b.present.dedup_by_key(|x| x.0);
        b.absent.sort();
        b.absent.dedup_by_key(|x| x.0);
        for (f, name) in &b.present {
            if b.absent.binary_search_by_key(f, |x| x.0).is_ok() {
                return Err(PatientError::PresentAndAbsent(name.clone()).into());
            }
        }
        let mut evidence: Vec<EvidenceId> = b.present.iter().map(|x| x.0.present()).collect();
        evidence.extend(b.absent.iter().map(|x| x.0.absent()));
        evidence.extend(b.extra);
        evidence.sort_unstable();
        Ok(ResolvedPatient {
            evidence,
            notes: b.notes,
        })
    }

    /// Resolve a patient, making any unknown name an error.
    ///
    /// # Errors
    /// As [`Model::resolve`], and [`PatientError::UnknownFinding`] for the first unknown name.
    pub fn resolve_strict(&self, patient: &Patient) -> Result<ResolvedPatient, Error> {
        let resolved = self.resolve(patient)?;
        if let Some(u) = resolved.notes.unknown.first() {
            return Err(PatientError::UnknownFinding {
                name: u.name.clone(),
                suggestions: u.suggestions.clone(),
            }
            .into());
        }
        Ok(resolved)
    }

    /// Nearest vocabulary findings of an HPO term outside the vocabulary (empty when none).
    pub fn place_hpo(&self, term: &str) -> Vec<FindingId> {
        let ontology = self.ontology();
        let Some(start) = ontology.canonical(term) else {
            return Vec::new();
        };
        if let Some(f) = self.hpo_finding(&crate::ontology::format_hpo(start)) {
            return vec![FindingId(f)];
        }
        let found = ontology.nearest_ancestors(start, |t| self.hpo_finding(&crate::ontology::format_hpo(t)).is_some());
        let mut out: Vec<FindingId> = found
            .into_iter()
            .filter_map(|t| self.hpo_finding(&crate::ontology::format_hpo(t)).map(FindingId))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn resolve_name(&self, name: &str, present: bool, b: &mut Builder) {
        if let Some(f) = self.lookup(name) {
            let list = if present { &mut b.present } else { &mut b.absent };
            list.push((f, name.to_owned()));
            return;
        }
        let trimmed = name.trim();
        if is_hpo_id(trimmed) && self.ontology().canonical(trimmed).is_some() {
            let placed = self.place_hpo(trimmed);
            if placed.is_empty() {
                if present {
                    b.extra.push(self.tables.unplaced_row());
                    b.notes.unplaced.push(trimmed.to_owned());
                } else {
                    b.notes.unused_absent.push(trimmed.to_owned());
                }
            } else if present {
                b.notes.placed.push(PlacedTerm {
                    term: trimmed.to_owned(),
                    findings: placed.iter().map(|&f| self.finding_id(f).to_owned()).collect(),
                });
                b.extra.extend(placed.into_iter().map(|f| f.implied()));
            } else {
                // "No optic atrophy" says nothing about visual impairment in general.
                b.notes.unused_absent.push(trimmed.to_owned());
            }
            return;
        }
        b.notes.unknown.push(UnknownName {
            name: name.to_owned(),
            suggestions: self.suggest(name),
        });
    }

    fn push_context(&self, id: &str, present: bool, why: String, b: &mut Builder) {
        match self.kb.finding_index(id) {
            Some(i) => {
                let list = if present { &mut b.present } else { &mut b.absent };
                list.push((FindingId(i as u32), id.to_owned()));
                b.notes
                    .derived
                    .push(format!("{why} -> {}{id}", if present { "" } else { "no " }));
            }
            None => b.notes.not_expressible.push(why),
        }
    }

    fn resolve_context(&self, patient: &Patient, b: &mut Builder) -> Result<(), Error> {
        let check_age = |what: &str, v: Option<f64>| -> Result<(), Error> {
            match v {
                Some(x) if !x.is_finite() || !(-1.0..=130.0).contains(&x) => Err(PatientError::BadValue {
                    what: what.to_owned(),
                    value: x,
                }
                .into()),
                _ => Ok(()),
            }
        };
        check_age("age at onset", patient.age_at_onset_years)?;
        check_age("age at examination", patient.age_at_examination_years)?;
        if let Some(sex) = patient.sex {
            let id = match sex {
                Sex::Male => "sex_male",
                Sex::Female => "sex_female",
            };
            self.push_context(id, true, format!("sex {sex:?}").to_lowercase(), b);
        }
        if let Some(a) = patient.age_at_onset_years {
            self.push_context(onset_finding(a), true, format!("onset at {a} years"), b);
        }
        if let Some(a) = patient.age_at_examination_years {
            self.push_context(examination_finding(a), true, format!("examined at {a} years"), b);
        }
        for item in &patient.family_history {
            self.push_context(item.finding_id(), true, format!("family history {item:?}"), b);
        }
        let age = patient.age_at_examination_years.or(patient.age_at_onset_years);
        let mut low_counts = 0;
        let mut cytopenia_tested = 0;
        for lab in &patient.labs {
            let finding = labs::interpret(lab, age, patient.sex)?;
            if matches!(
                lab.analyte,
                Analyte::Hemoglobin | Analyte::Platelets | Analyte::WhiteCells
            ) {
                cytopenia_tested |= 1 << (lab.analyte as u8);
                if finding.present {
                    low_counts |= 1 << (lab.analyte as u8);
                }
            }
            self.push_lab(finding.names, finding.present, lab, b);
        }
        if cytopenia_tested == 0b111 && low_counts == 0b111 {
            self.push_lab(PANCYTOPENIA, true, &patient.labs[0], b);
        }
        Ok(())
    }

    fn push_lab(&self, names: &[&str], present: bool, lab: &crate::patient::LabValue, b: &mut Builder) {
        let why = format!("{:?} {} {}", lab.analyte, lab.value, lab.unit);
        // A finding the caller gave explicitly wins over one derived from a value.
        let Some(f) = names.iter().find_map(|n| self.lookup(n)) else {
            b.notes.not_expressible.push(why);
            return;
        };
        if b.present.iter().chain(b.absent.iter()).any(|x| x.0 == f) {
            return;
        }
        let id = self.finding_id(f).to_owned();
        b.notes
            .derived
            .push(format!("{why} -> {}{id}", if present { "" } else { "no " }));
        let list = if present { &mut b.present } else { &mut b.absent };
        list.push((f, id));
    }

    fn resolve_genes(&self, patient: &Patient, b: &mut Builder) {
        let mut seen: Vec<(String, Zygosity)> = Vec::new();
        for g in &patient.genetics {
            let symbol = g.gene.trim().to_ascii_uppercase();
            let z = g.zygosity.unwrap_or(Zygosity::Any);
            match seen.iter_mut().find(|(s, _)| *s == symbol) {
                // Two heterozygous results in one gene: compound heterozygous.
                Some((_, prev)) => {
                    *prev = match (*prev, z) {
                        (Zygosity::Heterozygous, Zygosity::Heterozygous) => Zygosity::Biallelic,
                        (Zygosity::Any, other) | (other, Zygosity::Any) => other,
                        (a, _) => a,
                    }
                }
                None => seen.push((symbol, z)),
            }
        }
        for (symbol, z) in seen {
            match self.genes.get(&symbol) {
                Some(&g) => b.extra.push(self.tables.gene_row(g as usize, z)),
                None => {
                    b.extra.push(self.tables.other_gene_row());
                    b.notes.unknown_genes.push(symbol);
                }
            }
        }
    }
}
