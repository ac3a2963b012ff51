//! The patient as the caller describes it: findings by name, context, lab values, genetics.
//!
//! A [`Patient`] is plain data (serde, with a builder). It is turned into evidence ids once,
//! by [`Model::resolve`](crate::Model::resolve); scoring then never looks at a string.
//!
//! ```
//! use osteodx::{Patient, Sex, FamilyHistory, Analyte, Zygosity};
//! let p = Patient::new()
//!     .present("macrocephaly")
//!     .present("HP:0001433")            // hepatosplenomegaly, by HPO id
//!     .absent("blue sclerae")           // by label or synonym, any case
//!     .sex(Sex::Male)
//!     .onset_years(0.1)
//!     .examined_at_years(0.4)
//!     .family(FamilyHistory::ParentalConsanguinity)
//!     .lab(Analyte::Hemoglobin, 7.2, "g/dL")
//!     .variant("TCIRG1", Zygosity::Biallelic);
//! let json = serde_json::to_string(&p).unwrap();
//! let back: Patient = serde_json::from_str(&json).unwrap();
//! assert_eq!(back, p);
//! ```

use serde::{Deserialize, Serialize};

pub use crate::rule_file::Zygosity;

/// The patient's sex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// Family history items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyHistory {
    /// A parent is affected.
    AffectedParent,
    /// The parents are related by blood.
    ParentalConsanguinity,
    /// A sibling is affected.
    AffectedSibling,
    /// A maternal uncle, a brother or another male relative on the mother's side is affected.
    AffectedMaternalMaleRelative,
}

impl Sex {
    /// The name a patient file uses (`male`, `female`), also the one messages show.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
}

impl FamilyHistory {
    /// The name a patient file uses (`parental_consanguinity`), also the one messages show.
    ///
    /// ```
    /// assert_eq!(osteodx::FamilyHistory::ParentalConsanguinity.as_str(), "parental_consanguinity");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AffectedParent => "affected_parent",
            Self::ParentalConsanguinity => "parental_consanguinity",
            Self::AffectedSibling => "affected_sibling",
            Self::AffectedMaternalMaleRelative => "affected_maternal_male_relative",
        }
    }

    /// The finding id this item resolves to.
    #[must_use]
    pub fn finding_id(self) -> &'static str {
        match self {
            Self::AffectedParent => "family_history_affected_parent",
            Self::ParentalConsanguinity => "parental_consanguinity",
            Self::AffectedSibling => "family_history_affected_sibling",
            Self::AffectedMaternalMaleRelative => "family_history_affected_maternal_male_relative",
        }
    }
}

/// Laboratory analytes the engine can turn into findings (see [`LabValue::interpret`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Analyte {
    /// Haemoglobin.
    #[serde(alias = "haemoglobin")]
    Hemoglobin,
    /// Platelet count.
    Platelets,
    /// White cell count.
    WhiteCells,
    /// Creatine kinase BB isoenzyme.
    CreatineKinaseBb,
    /// Tartrate-resistant acid phosphatase (TRAP, TRACP-5b).
    Trap,
}

impl Analyte {
    /// The name a patient file uses (`white_cells`), also the one messages show.
    ///
    /// ```
    /// assert_eq!(osteodx::Analyte::WhiteCells.as_str(), "white_cells");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hemoglobin => "hemoglobin",
            Self::Platelets => "platelets",
            Self::WhiteCells => "white_cells",
            Self::CreatineKinaseBb => "creatine_kinase_bb",
            Self::Trap => "trap",
        }
    }
}

/// The ages a patient may have at onset, in years: from a year before birth (negative: before
/// birth) to 130.
pub const ONSET_YEARS: std::ops::RangeInclusive<f64> = -1.0..=130.0;

/// The ages a patient may have at examination, in years: from birth to 130 (an examination
/// before birth is no age at examination; even −1e-300 is refused, as −3 is).
pub const EXAMINATION_YEARS: std::ops::RangeInclusive<f64> = 0.0..=130.0;

/// `value` of `what` when it is finite and in `range`; the error names it otherwise.
pub(crate) fn check_range(
    what: &str,
    value: f64,
    range: &std::ops::RangeInclusive<f64>,
) -> Result<f64, crate::PatientError> {
    if value.is_finite() && range.contains(&value) {
        Ok(value)
    } else {
        Err(crate::PatientError::BadValue {
            what: what.to_owned(),
            value,
        })
    }
}

/// The patient JSON's checks of values, while it is read, so that an error has the value's line
/// and column: ages in their ranges, lab values finite and not negative, gene symbols not empty.
mod checked {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer};

    fn age<'de, D: Deserializer<'de>>(
        d: D,
        what: &str,
        range: &std::ops::RangeInclusive<f64>,
    ) -> Result<Option<f64>, D::Error> {
        match Option::<f64>::deserialize(d)? {
            None => Ok(None),
            Some(v) => super::check_range(what, v, range)
                .map(Some)
                .map_err(|e| D::Error::custom(format!("{e} ({} to {} years)", range.start(), range.end()))),
        }
    }

    pub(super) fn onset<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        age(d, "age at onset", &super::ONSET_YEARS)
    }

    pub(super) fn examination<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        age(d, "age at examination", &super::EXAMINATION_YEARS)
    }

    /// A lab value as the file has it, checked (value and unit) before it becomes one.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct LabFields {
        analyte: super::Analyte,
        value: f64,
        unit: String,
    }

    impl TryFrom<LabFields> for super::LabValue {
        type Error = crate::PatientError;
        fn try_from(f: LabFields) -> Result<Self, Self::Error> {
            let lab = Self {
                analyte: f.analyte,
                value: f.value,
                unit: f.unit,
            };
            // The limits depend on age and sex; the value and the unit do not.
            lab.interpret(None, None)?;
            Ok(lab)
        }
    }

    pub(super) fn gene<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let symbol = String::deserialize(d)?;
        if symbol.trim().is_empty() {
            Err(D::Error::custom(crate::PatientError::EmptyGene))
        } else {
            Ok(symbol)
        }
    }
}

/// A laboratory value with its unit (read from JSON only with a value and a unit
/// [`LabValue::interpret`] accepts, so that an error has the line and column of the value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "checked::LabFields")]
pub struct LabValue {
    /// What was measured.
    pub analyte: Analyte,
    /// The value.
    pub value: f64,
    /// The unit (UCUM-like: `g/dL`, `g/L`, `10^9/L`, `U/L`, …).
    pub unit: String,
}

/// A pathogenic or likely pathogenic variant found in a gene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneticResult {
    /// HGNC symbol (not empty).
    #[serde(deserialize_with = "checked::gene")]
    pub gene: String,
    /// Zygosity, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zygosity: Option<Zygosity>,
}

/// A patient, as described by the caller.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// An optional identifier, echoed in outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Findings observed present: finding id, HPO id, label or synonym.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub present: Vec<String>,
    /// Findings explicitly observed absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
    /// Sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Age at onset in years (0 = at birth; negative = before birth), in [`Patient::ONSET_YEARS`].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::onset"
    )]
    pub age_at_onset_years: Option<f64>,
    /// Age at examination in years, in [`Patient::EXAMINATION_YEARS`].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked::examination"
    )]
    pub age_at_examination_years: Option<f64>,
    /// Family history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub family_history: Vec<FamilyHistory>,
    /// Laboratory values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labs: Vec<LabValue>,
    /// Genetic results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub genetics: Vec<GeneticResult>,
}

impl Patient {
    /// The ages at onset accepted, in years (negative: before birth).
    pub const ONSET_YEARS: std::ops::RangeInclusive<f64> = ONSET_YEARS;
    /// The ages at examination accepted, in years.
    pub const EXAMINATION_YEARS: std::ops::RangeInclusive<f64> = EXAMINATION_YEARS;

    /// An empty patient.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a finding observed present.
    #[must_use]
    pub fn present(mut self, name: impl Into<String>) -> Self {
        self.present.push(name.into());
        self
    }

    /// Add a finding observed absent.
    #[must_use]
    pub fn absent(mut self, name: impl Into<String>) -> Self {
        self.absent.push(name.into());
        self
    }

    /// Set the sex.
    #[must_use]
    pub fn sex(mut self, sex: Sex) -> Self {
        self.sex = Some(sex);
        self
    }

    /// Set the age at onset, in years.
    #[must_use]
    pub fn onset_years(mut self, years: f64) -> Self {
        self.age_at_onset_years = Some(years);
        self
    }

    /// Set the age at examination, in years.
    #[must_use]
    pub fn examined_at_years(mut self, years: f64) -> Self {
        self.age_at_examination_years = Some(years);
        self
    }

    /// Add a family-history item.
    #[must_use]
    pub fn family(mut self, item: FamilyHistory) -> Self {
        self.family_history.push(item);
        self
    }

    /// Add a laboratory value.
    #[must_use]
    pub fn lab(mut self, analyte: Analyte, value: f64, unit: impl Into<String>) -> Self {
        self.labs.push(LabValue {
            analyte,
            value,
            unit: unit.into(),
        });
        self
    }

    /// Add a pathogenic variant in a gene.
    #[must_use]
    pub fn variant(mut self, gene: impl Into<String>, zygosity: Zygosity) -> Self {
        self.genetics.push(GeneticResult {
            gene: gene.into(),
            zygosity: Some(zygosity),
        });
        self
    }

    /// The same patient without genetic results (to score on phenotype alone).
    #[must_use]
    pub fn without_genetics(&self) -> Self {
        Self {
            genetics: Vec::new(),
            ..self.clone()
        }
    }

    /// Parse a patient from the crate's JSON form.
    ///
    /// # Errors
    /// [`PatientError::Json`](crate::PatientError::Json) with line and column.
    pub fn from_json(text: &str) -> Result<Self, crate::Error> {
        Self::from_json_with(text, &crate::Limits::default())
    }

    /// Read a patient file in the crate's JSON format.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) if it cannot be read or is larger than the default
    /// [`Limits`](crate::Limits); as [`Patient::from_json`] otherwise.
    ///
    /// ```
    /// let p = osteodx::Patient::from_path("examples/patients/adult.json")?;
    /// assert!(!p.present.is_empty());
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, crate::Error> {
        Self::from_path_with(path, &crate::Limits::default())
    }

    /// [`Patient::from_path`] within `limits`.
    ///
    /// # Errors
    /// As [`Patient::from_path`].
    pub fn from_path_with(path: impl AsRef<std::path::Path>, limits: &crate::Limits) -> Result<Self, crate::Error> {
        Self::from_json_with(&limits.read_to_string(path.as_ref())?, limits)
    }

    /// [`Patient::from_json`] within `limits` on the size of the text.
    ///
    /// # Errors
    /// As [`Patient::from_json`]; [`PatientError::TooLarge`](crate::PatientError::TooLarge) for a
    /// text over `limits.file_bytes`.
    ///
    /// ```
    /// let tiny = osteodx::Limits { file_bytes: 8, ..Default::default() };
    /// assert!(osteodx::Patient::from_json_with(r#"{"present": ["anemia"]}"#, &tiny).is_err());
    /// ```
    pub fn from_json_with(text: &str, limits: &crate::Limits) -> Result<Self, crate::Error> {
        if text.len() as u64 > limits.file_bytes {
            return Err(crate::PatientError::TooLarge {
                what: "file bytes",
                size: text.len() as u64,
                limit: limits.file_bytes,
            }
            .into());
        }
        crate::json_input::parse_object(text, limits.nesting_depth).map_err(|e| {
            crate::PatientError::Json {
                line: e.line,
                column: e.column,
                message: e.message,
            }
            .into()
        })
    }
}
