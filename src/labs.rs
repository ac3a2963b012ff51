//! Laboratory values to findings, by documented, age-aware thresholds.
//!
//! | analyte | low/high when | source |
//! | --- | --- | --- |
//! | haemoglobin | below 9.5 g/dL under 6 months, 11.0 to 5 years, 11.5 to 12 years, 12.0 to 15 years, then 12.0 (female or sex unknown) or 13.0 (male); 11.0 when age is unknown | WHO haemoglobin cut-offs for anaemia (2011; the under-6-month figure is the usual infant nadir) |
//! | platelets | below 150 × 10⁹/L | the usual definition of thrombocytopenia |
//! | white cells | below 5.0 × 10⁹/L under 1 year, 4.5 to 12 years, 4.0 after | common paediatric / adult lower reference limits |
//! | creatine kinase BB | above 5 U/L, or 10 ng/mL by immunoassay | above the usual upper reference limits; raised in ADO2 |
//! | TRAP (TRACP-5b) | above 4.5 U/L in adults, 15 U/L under 18 | approximate upper reference limits; raised in osteoclast-rich osteopetrosis |
//!
//! A value beyond its threshold gives the finding present; a value within gives it absent.
//! Haemoglobin, platelets and white cells all low together give pancytopenia too. Thresholds
//! are approximate: a caller whose laboratory flags a value can give the finding directly.

use crate::error::PatientError;
use crate::patient::{Analyte, LabValue, Sex};

/// What a lab value says: a finding (by HPO id or finding id) present or absent.
#[derive(Debug, Clone, PartialEq)]
pub struct LabFinding {
    /// Finding names to try, in order (HPO id first).
    pub names: &'static [&'static str],
    /// True when the value is beyond the threshold.
    pub present: bool,
    /// The analyte.
    pub analyte: Analyte,
}

/// Names of the finding each analyte speaks to.
#[must_use]
pub(crate) fn finding_names(analyte: Analyte) -> &'static [&'static str] {
    match analyte {
        Analyte::Hemoglobin => &["HP:0001903", "anemia"],
        Analyte::Platelets => &["HP:0001873", "thrombocytopenia"],
        Analyte::WhiteCells => &["HP:0001882", "leukopenia"],
        Analyte::CreatineKinaseBb => &[
            "HP:0032233",
            "increased circulating creatine kinase bb isoform",
            "HP:0003236",
        ],
        Analyte::Trap => &[
            "elevated_tartrate_resistant_acid_phosphatase",
            "raised tartrate-resistant acid phosphatase",
            "tartrate-resistant acid phosphatase",
            "HP:0003148",
        ],
    }
}

/// Pancytopenia's names.
pub(crate) const PANCYTOPENIA: &[&str] = &["HP:0001876", "pancytopenia"];

fn per_litre_e9(value: f64, unit: &str) -> Option<f64> {
    let u = unit
        .trim()
        .to_ascii_lowercase()
        .replace(['×', ' '], "")
        .replace("x10", "10");
    match u.as_str() {
        "10^9/l" | "10*9/l" | "10e9/l" | "g/l" | "10^3/ul" | "10*3/ul" | "k/ul" | "10^3/mm3" | "thou/ul" => Some(value),
        "/ul" | "/mm3" | "cells/ul" => Some(value / 1000.0),
        "/l" => Some(value / 1e9),
        _ => None,
    }
}

impl LabValue {
    /// Interpret this value for a patient of this age and sex: the finding it stands for and
    /// whether it is present (against age- and sex-specific limits).
    ///
    /// # Errors
    /// [`PatientError::BadValue`] for a value that is not finite or negative;
    /// [`PatientError::UnknownUnit`] for a unit the engine does not know.
    ///
    /// ```
    /// use osteodx::{Analyte, LabValue};
    /// let hb = LabValue { analyte: Analyte::Hemoglobin, value: 72.0, unit: "g/L".into() };
    /// assert!(hb.interpret(Some(0.5), None)?.present);
    /// let hb = LabValue { analyte: Analyte::Hemoglobin, value: 12.5, unit: "g/dL".into() };
    /// assert!(!hb.interpret(Some(30.0), None)?.present);
    /// # Ok::<(), osteodx::PatientError>(())
    /// ```
    pub fn interpret(&self, age_years: Option<f64>, sex: Option<Sex>) -> Result<LabFinding, PatientError> {
        let v = self.value;
        let name = self.analyte.as_str().to_owned();
        if !v.is_finite() || v < 0.0 {
            return Err(PatientError::BadValue { what: name, value: v });
        }
        let unknown_unit = || PatientError::UnknownUnit {
            analyte: name.clone(),
            unit: self.unit.clone(),
        };
        let unit = self.unit.trim().to_ascii_lowercase();
        let present = match self.analyte {
            Analyte::Hemoglobin => {
                let g_dl = match unit.as_str() {
                    "g/dl" => v,
                    "g/l" => v / 10.0,
                    "mmol/l" => v * 1.611,
                    _ => return Err(unknown_unit()),
                };
                let limit = match age_years {
                    None => 11.0,
                    Some(a) if a < 0.5 => 9.5,
                    Some(a) if a < 5.0 => 11.0,
                    Some(a) if a < 12.0 => 11.5,
                    Some(a) if a < 15.0 => 12.0,
                    Some(_) => match sex {
                        Some(Sex::Male) => 13.0,
                        _ => 12.0,
                    },
                };
                g_dl < limit
            }
            Analyte::Platelets => per_litre_e9(v, &self.unit).ok_or_else(unknown_unit)? < 150.0,
            Analyte::WhiteCells => {
                let limit = match age_years {
                    Some(a) if a < 1.0 => 5.0,
                    Some(a) if a < 12.0 => 4.5,
                    _ => 4.0,
                };
                per_litre_e9(v, &self.unit).ok_or_else(unknown_unit)? < limit
            }
            Analyte::CreatineKinaseBb => match unit.as_str() {
                "u/l" | "iu/l" => v > 5.0,
                "ng/ml" | "ug/l" | "µg/l" => v > 10.0,
                _ => return Err(unknown_unit()),
            },
            Analyte::Trap => match unit.as_str() {
                "u/l" | "iu/l" => v > if age_years.is_some_and(|a| a < 18.0) { 15.0 } else { 4.5 },
                _ => return Err(unknown_unit()),
            },
        };
        Ok(LabFinding {
            names: finding_names(self.analyte),
            present,
            analyte: self.analyte,
        })
    }
}
