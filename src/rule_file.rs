//! The rule-file format: serde structs that mirror the TOML files in `rules/` one to one.
//!
//! This module is the format reference. A rule file is TOML and may hold any of:
//!
//! * `[[finding]]` tables: the vocabulary (what can be observed in a patient);
//! * one `[diagnosis]` table with its `[[gene]]` and `[[rule]]` tables.
//!
//! The built-in knowledge base keeps the vocabulary in `rules/findings.toml` and one file per
//! diagnosis (`rules/infantile.toml`, …). Unknown keys are errors (`deny_unknown_fields`), so a
//! misspelt key is reported instead of being ignored.
//!
//! ```toml
//! [[finding]]
//! id = "macrocephaly"                 # snake_case, unique
//! label = "Macrocephaly"
//! hpo = "HP:0000256"                  # optional HPO term id
//! kind = "phenotype"                  # phenotype (default) | laboratory | imaging | onset | age | sex | history
//! synonyms = ["overly large head"]    # optional, matched case-insensitively
//! parents = ["abnormal_skull_size"]   # optional, more general findings
//! background = 0.041                  # P(finding | some other skeletal disorder); default 0.05
//! background_source = "HPO 2025-01-16 annotations"
//!
//! [diagnosis]
//! id = "infantile"
//! name = "Infantile malignant osteopetrosis"
//! synonyms = ["malignant infantile osteopetrosis"]
//! inheritance = "autosomal_recessive"
//! # lookalike = true                # a condition outside the differential ("none of these")
//! onset = "birth to first year"
//! prevalence = 4.0e-6
//! prevalence_source = "overview: 1 in 250,000 births"
//! omim = ["OMIM:259700"]
//! orphanet = ["ORPHA:667"]
//!
//! [[gene]]
//! symbol = "TCIRG1"
//! zygosity = "biallelic"              # biallelic | heterozygous | hemizygous | any
//! fraction = 0.5                      # share of this diagnosis's cases caused by the gene
//! source = "overview"
//!
//! [[rule]]
//! finding = "macrocephaly"
//! frequency = "frequent"              # number in [0, 1], HPO class id, or class name
//! source = "HPO ORPHA:667"
//! # lr = 20.0                         # explicit positive likelihood ratio (evoking strength)
//! # against = true                    # the finding argues against the diagnosis
//! ```
//!
//! The same text, parsed:
//!
//! ```
//! use osteodx::rule_file::RuleFile;
//! let file: RuleFile = toml::from_str(r#"
//! [[finding]]
//! id = "macrocephaly"
//! label = "Macrocephaly"
//! hpo = "HP:0000256"
//! "#).unwrap();
//! assert_eq!(file.finding[0].id.get_ref(), "macrocephaly");
//! ```

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A value made in code, not read from a file: an empty span (rules the catalogue builds,
/// rules written back, synthetic rules).
pub(crate) fn unspanned<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

/// One rule file, as written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Findings defined in this file (the vocabulary).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finding: Vec<FindingDef>,
    /// Backgrounds of gene results (`[[gene_background]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gene_background: Vec<GeneBackgroundDef>,
    /// Carrier rates of genes with recessive forms (`[[carrier]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carrier: Vec<CarrierDef>,
    /// The diagnosis this file describes, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<DiagnosisDef>,
    /// Or: an existing diagnosis this file changes (`[amend]`): its rules and genes replace the
    /// diagnosis's rules on the same finding and genes with the same symbol and zygosity, or add
    /// to them; `remove = true` takes one away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amend: Option<AmendDef>,
    /// The OMIM / Orphanet entries that make up the diagnosis, with their shares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtype: Vec<SubtypeDef>,
    /// Genes whose variants cause the diagnosis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gene: Vec<GeneDef>,
    /// The weighted finding rules of the diagnosis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule: Vec<RuleDef>,
}

/// What kind of evidence a finding is; it decides what a diagnosis without a rule on it means.
///
/// For clinical kinds (`phenotype`, `laboratory`, `imaging`) a diagnosis without a rule explains
/// the finding only as a false positive; for context kinds (`onset`, `age`, `sex`, `history`) a
/// missing rule is neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A clinical sign or symptom.
    #[default]
    Phenotype,
    /// A laboratory result.
    Laboratory,
    /// A radiological or other imaging sign.
    Imaging,
    /// An age-of-onset class.
    Onset,
    /// An age-at-examination band.
    Age,
    /// The patient's sex.
    Sex,
    /// Family history.
    History,
}

impl FindingKind {
    /// True for the kinds whose absence from a diagnosis's rules is neutral.
    #[must_use]
    pub fn is_context(self) -> bool {
        matches!(self, Self::Onset | Self::Age | Self::Sex | Self::History)
    }
}

/// A finding of the vocabulary (`[[finding]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingDef {
    /// Stable `snake_case` id.
    pub id: Spanned<String>,
    /// Human-readable label.
    pub label: String,
    /// HPO term id (`HP:` and seven digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hpo: Option<Spanned<String>>,
    /// Kind of evidence; `phenotype` when omitted.
    #[serde(default, skip_serializing_if = "is_default_kind")]
    pub kind: FindingKind,
    /// Other names, matched case-insensitively.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
    /// More general findings: their ids, or their HPO ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<Spanned<String>>,
    /// A sign that names a condition (the melorheostosis or osteopoikilosis pattern): rules on
    /// its ancestors do not match it, only rules on the finding itself (or below it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub specific: bool,
    /// P(finding | patient has some other skeletal disorder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<Spanned<f64>>,
    /// Where the background figure comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_source: Option<String>,
    /// How the finding is examined (for "what to examine next"); by default from `kind`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examination: Option<Examination>,
    /// The relative cost of examining it (≥ 0); by default the examination's
    /// ([`Examination::default_cost`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Spanned<f64>>,
}

/// How a finding is examined: the diagnostic methods of the overview (blood and biochemical
/// tests, radiography, CT and MRI, bone biopsy) plus history taking, the bedside examination and
/// the specialist's (audiometry, fundoscopy). Molecular genetic testing answers with a gene, not
/// yes or no, and is not a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Examination {
    /// Asking the patient or the family.
    History,
    /// Looking at and examining the patient.
    Bedside,
    /// A blood or urine test.
    Laboratory,
    /// A specialist's examination (audiometry, fundoscopy, dental examination).
    Specialist,
    /// Plain radiographs.
    Radiograph,
    /// CT or MRI.
    CtMri,
    /// A bone or bone-marrow biopsy.
    Biopsy,
}

impl Examination {
    /// The examination of a finding whose rules give none, from its kind.
    ///
    /// ```
    /// use osteodx::rule_file::{Examination, FindingKind};
    /// assert_eq!(Examination::of_kind(FindingKind::Imaging), Examination::Radiograph);
    /// ```
    #[must_use]
    pub fn of_kind(kind: FindingKind) -> Self {
        match kind {
            FindingKind::Phenotype | FindingKind::Sex | FindingKind::Age => Self::Bedside,
            FindingKind::Laboratory => Self::Laboratory,
            FindingKind::Imaging => Self::Radiograph,
            FindingKind::Onset | FindingKind::History => Self::History,
        }
    }

    /// The default relative cost: history and bedside 1, laboratory 2, specialist and
    /// radiograph 3, CT or MRI 8, biopsy 20. Orders of effort and burden, not prices; a rule file
    /// sets its own with `cost`.
    ///
    /// ```
    /// assert!(osteodx::rule_file::Examination::Biopsy.default_cost() > 10.0);
    /// ```
    #[must_use]
    pub fn default_cost(self) -> f64 {
        match self {
            Self::History | Self::Bedside => 1.0,
            Self::Laboratory => 2.0,
            Self::Specialist | Self::Radiograph => 3.0,
            Self::CtMri => 8.0,
            Self::Biopsy => 20.0,
        }
    }

    /// The `snake_case` name used in rule files and JSON.
    ///
    /// ```
    /// assert_eq!(osteodx::rule_file::Examination::CtMri.as_str(), "ct_mri");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::History => "history",
            Self::Bedside => "bedside",
            Self::Laboratory => "laboratory",
            Self::Specialist => "specialist",
            Self::Radiograph => "radiograph",
            Self::CtMri => "ct_mri",
            Self::Biopsy => "biopsy",
        }
    }
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's `skip_serializing_if` passes a reference"
)]
fn is_default_kind(kind: &FindingKind) -> bool {
    *kind == FindingKind::Phenotype
}

/// Mode of inheritance of a diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inheritance {
    /// Autosomal dominant.
    AutosomalDominant,
    /// Autosomal recessive.
    AutosomalRecessive,
    /// X-linked recessive.
    XLinkedRecessive,
    /// X-linked dominant.
    XLinkedDominant,
    /// Sporadic (somatic or de novo).
    Sporadic,
    /// Several modes.
    Mixed,
}

/// A diagnosis (`[diagnosis]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisDef {
    /// Stable `snake_case` id.
    pub id: Spanned<String>,
    /// Display name.
    pub name: String,
    /// Other names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
    /// Mode of inheritance.
    pub inheritance: Inheritance,
    /// A look-alike condition outside the differential: scored like any diagnosis, but its
    /// posterior counts towards "none of these".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lookalike: bool,
    /// Typical age of onset, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<String>,
    /// Prevalence per person, in (0, 1): the prior.
    pub prevalence: Spanned<f64>,
    /// Where the prevalence comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevalence_source: Option<String>,
    /// OMIM ids (`OMIM:259700`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omim: Vec<String>,
    /// Orphanet ids (`ORPHA:667`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orphanet: Vec<String>,
    /// The entries that make up the diagnosis (may also be given at the top level).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtype: Vec<SubtypeDef>,
    /// Genes (may also be given at the top level as `[[gene]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gene: Vec<GeneDef>,
    /// Rules (may also be given at the top level as `[[rule]]`); one inline table per line
    /// (`rule = [ { finding = "HP:0011001", frequency = 0.95, source = "…" }, … ]`) keeps a
    /// rule to one line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule: Vec<RuleDef>,
}

/// A change to an existing diagnosis (`[amend]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendDef {
    /// The id of the diagnosis to change.
    pub diagnosis: Spanned<String>,
    /// A new prevalence (the prior).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevalence: Option<Spanned<f64>>,
    /// Where the new prevalence comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevalence_source: Option<String>,
    /// Entries to add or replace (may also be given at the top level).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtype: Vec<SubtypeDef>,
    /// Genes to set or remove (may also be given at the top level as `[[gene]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gene: Vec<GeneDef>,
    /// Rules to set or remove (may also be given at the top level as `[[rule]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule: Vec<RuleDef>,
}

/// An OMIM or Orphanet entry that is part of a diagnosis (`[[subtype]]`), with its share of
/// the diagnosis's patients. `tools/derive_rules.py` weights the entry's HPO annotations by the
/// share; evaluation maps the entry's id to the diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubtypeDef {
    /// `OMIM:` or `ORPHA:` followed by digits.
    pub id: Spanned<String>,
    /// The entry's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Share of the diagnosis's patients the entry describes, in [0, 1]; the shares of a
    /// diagnosis add up to at most 1.
    pub share: Spanned<f64>,
    /// Where the share comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The background of a gene result (`[[gene_background]]`): P(a pathogenic variant in this gene
/// is reported | the patient has some other skeletal disorder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneBackgroundDef {
    /// HGNC symbol.
    pub symbol: Spanned<String>,
    /// The probability, in (0, 1).
    pub background: Spanned<f64>,
    /// Where the figure comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The carrier rate of a gene with recessive forms (`[[carrier]]`): P(a heterozygous
/// pathogenic variant in this gene is reported | any patient). With it, a heterozygous result in
/// the gene may be a carrier finding under every diagnosis: P(heterozygous | D) is D's own share
/// plus the rate, against the gene's background plus the rate, so a diagnosis that does not list
/// the gene keeps about its odds instead of losing φ (`gene_false_positive`).
///
/// ```
/// let file: osteodx::rule_file::RuleFile = toml::from_str(
///     "[[carrier]]\nsymbol = \"TCIRG1\"\nrate = 0.003\nsource = \"Hardy-Weinberg\"",
/// )?;
/// assert_eq!(*file.carrier[0].rate.get_ref(), 0.003);
/// # Ok::<(), toml::de::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierDef {
    /// HGNC symbol.
    pub symbol: Spanned<String>,
    /// The carrier rate, in (0, 1).
    pub rate: Spanned<f64>,
    /// Where the figure comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Zygosity of a causal variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zygosity {
    /// One allele (heterozygous).
    Heterozygous,
    /// Both alleles (homozygous or compound heterozygous).
    Biallelic,
    /// The single X of a male.
    Hemizygous,
    /// Any zygosity (rules), or unknown (patients).
    Any,
}

impl Zygosity {
    /// The name a rule or patient file uses (`biallelic`), also the one messages show.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Heterozygous => "heterozygous",
            Self::Biallelic => "biallelic",
            Self::Hemizygous => "hemizygous",
            Self::Any => "any",
        }
    }
}

/// A gene whose variants cause a diagnosis (`[[gene]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneDef {
    /// HGNC symbol.
    pub symbol: Spanned<String>,
    /// Zygosity that causes the diagnosis.
    #[serde(default = "any_zygosity")]
    pub zygosity: Zygosity,
    /// Share of the diagnosis's cases caused by this gene, in (0, 1].
    pub fraction: Spanned<f64>,
    /// Where the figure comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// In an `[amend]` file: remove this gene entry instead of setting it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove: bool,
}

fn any_zygosity() -> Zygosity {
    Zygosity::Any
}

/// A frequency as written: a number in [0, 1] or an HPO frequency class.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Frequency {
    /// A number in [0, 1].
    Number(f64),
    /// An HPO frequency class id (`HP:0040282`) or name (`frequent`).
    Class(String),
}

/// Read by hand rather than derived (`untagged`), so that a value of another type says what a
/// frequency is instead of "data did not match any variant".
impl<'de> Deserialize<'de> for Frequency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Frequency;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a frequency: a number in [0, 1] or an HPO frequency class (a name such as \"frequent\", or HP:004028x)")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Frequency, E> {
                Ok(Frequency::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Frequency, E> {
                Ok(Frequency::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Frequency, E> {
                Ok(Frequency::Number(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<Frequency, E> {
                Ok(Frequency::Class(v.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The HPO frequency classes, their names and the value used for each (the class midpoint).
pub const FREQUENCY_CLASSES: [(&str, &str, f64); 6] = [
    ("HP:0040280", "obligate", 1.0),
    ("HP:0040281", "very_frequent", 0.9),
    ("HP:0040282", "frequent", 0.55),
    ("HP:0040283", "occasional", 0.17),
    ("HP:0040284", "very_rare", 0.025),
    ("HP:0040285", "excluded", 0.0),
];

impl Frequency {
    /// The numeric value, or `None` for an unknown class name.
    ///
    /// ```
    /// use osteodx::rule_file::Frequency;
    /// assert_eq!(Frequency::Class("HP:0040281".into()).value(), Some(0.9));
    /// assert_eq!(Frequency::Class("Very frequent".into()).value(), Some(0.9));
    /// assert_eq!(Frequency::Number(0.3).value(), Some(0.3));
    /// assert_eq!(Frequency::Class("often".into()).value(), None);
    /// ```
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        match self {
            Self::Number(x) => Some(*x),
            Self::Class(text) => {
                let norm = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                FREQUENCY_CLASSES
                    .iter()
                    .find(|(id, name, _)| id.eq_ignore_ascii_case(text.trim()) || *name == norm)
                    .map(|(_, _, v)| *v)
            }
        }
    }
}

/// A weighted finding-to-diagnosis rule (`[[rule]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// The finding: its id, or its HPO id.
    pub finding: Spanned<String>,
    /// How often the finding occurs in the diagnosis (required unless `remove`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Spanned<Frequency>>,
    /// An explicit positive likelihood ratio (evoking strength), overriding frequency/background.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lr: Option<Spanned<f64>>,
    /// The finding argues against the diagnosis.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub against: bool,
    /// Where the weight comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// In an `[amend]` file: remove the diagnosis's rule on this finding.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove: bool,
}
