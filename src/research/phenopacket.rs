//! GA4GH Phenopacket (schema v2, JSON) import.
//!
//! Reads the parts of a phenopacket that are evidence: `phenotypicFeatures` (HPO ids;
//! `excluded: true` means observed absent; `onset` as an ISO 8601 age or an HPO onset class),
//! `subject.sex`, `subject.timeAtLastEncounter`, `measurements` that map to the lab analytes
//! (by LOINC code or assay label), and the genes of causative or pathogenic variants in
//! `interpretations[].diagnosis.genomicInterpretations[]`, with their zygosity (GENO).
//!
//! **Strict about the schema.** Every key must be one of the GA4GH schema's (v2, JSON names in
//! lowerCamelCase or the proto's `snake_case`, as the protobuf JSON mapping allows): a key the
//! schema does not have where the crate reads (a misspelt `"exluded"`, `"phenotypicFeature"`) is
//! an error naming it, with line and column, never silently dropped. So is a value outside an
//! enum the crate reads (`subject.sex`: `UNKNOWN_SEX`, `FEMALE`, `MALE`, `OTHER_SEX`;
//! `interpretationStatus`; `acmgPathogenicityClassification`), an ISO 8601 duration it cannot
//! read and a phenotypic feature without a term id. Parts of the schema the crate does not read
//! (`metaData`, `biosamples`, `medicalActions`, `files`, a feature's `modifiers`, a variant's
//! `vcfRecord`, ...) are accepted as they are, unlooked-into. Wrong types, non-JSON, oversize
//! documents and nesting deeper than the limit are errors, never panics.
//!
//! ```
//! use osteodx::research::phenopacket::Phenopacket;
//! let packet = Phenopacket::from_json(r#"{
//!   "id": "p1",
//!   "subject": {"id": "s1", "sex": "MALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P5M"}}},
//!   "phenotypicFeatures": [
//!     {"type": {"id": "HP:0000256"}, "onset": {"age": {"iso8601duration": "P2M"}}},
//!     {"type": {"id": "HP:0000592"}, "excluded": true}
//!   ]
//! }"#)?;
//! let patient = packet.to_patient(true)?;
//! assert_eq!(patient.present, vec!["HP:0000256"]);
//! assert_eq!(patient.absent, vec!["HP:0000592"]);
//! assert_eq!(patient.sex, Some(osteodx::Sex::Male));
//! # Ok::<(), osteodx::Error>(())
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::error::Error;
pub use crate::error::PhenopacketError;
use crate::patient::{Analyte, GeneticResult, LabValue, Patient, Sex, Zygosity};

/// Largest document read, in bytes (64 MiB).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// An ontology class (`{"id": "HP:0000256", "label": "Macrocephaly"}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OntologyClass {
    /// Term id.
    pub id: String,
    /// Label.
    pub label: String,
}

/// An age (`{"iso8601duration": "P5M"}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Age {
    /// ISO 8601 duration.
    pub iso8601duration: String,
}

/// An age range.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AgeRange {
    /// Start.
    pub start: Option<Age>,
}

/// A time element: an age, an age range or an onset class.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TimeElement {
    /// Age.
    pub age: Option<Age>,
    /// Age range.
    pub age_range: Option<AgeRange>,
    /// Onset class.
    pub ontology_class: Option<OntologyClass>,
    /// Gestational age (an onset before birth).
    pub gestational_age: Option<serde_json::Value>,
}

/// The subject.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Subject {
    /// Id.
    pub id: String,
    /// `MALE`, `FEMALE`, `OTHER_SEX` or `UNKNOWN_SEX`.
    pub sex: String,
    /// Age at last encounter.
    pub time_at_last_encounter: Option<TimeElement>,
}

/// A phenotypic feature.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PhenotypicFeature {
    /// The HPO term.
    #[serde(rename = "type")]
    pub term: Option<OntologyClass>,
    /// Observed absent.
    pub excluded: bool,
    /// Onset.
    pub onset: Option<TimeElement>,
}

/// A quantity.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Quantity {
    /// Unit.
    pub unit: OntologyClass,
    /// Value.
    pub value: Option<f64>,
}

/// A measurement value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MeasurementValue {
    /// Quantity.
    pub quantity: Option<Quantity>,
}

/// A measurement.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Measurement {
    /// What was measured.
    pub assay: OntologyClass,
    /// Its value.
    pub value: Option<MeasurementValue>,
}

/// Gene context.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GeneDescriptor {
    /// HGNC symbol.
    pub symbol: String,
}

/// Variation descriptor.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VariationDescriptor {
    /// Gene.
    pub gene_context: Option<GeneDescriptor>,
    /// Zygosity (GENO).
    pub allelic_state: Option<OntologyClass>,
}

/// Variant interpretation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VariantInterpretation {
    /// ACMG class.
    pub acmg_pathogenicity_classification: String,
    /// The variant.
    pub variation_descriptor: Option<VariationDescriptor>,
}

/// A genomic interpretation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GenomicInterpretation {
    /// `CAUSATIVE`, `CONTRIBUTORY`, `REJECTED`, …
    pub interpretation_status: String,
    /// A gene given directly.
    pub gene: Option<GeneDescriptor>,
    /// A variant.
    pub variant_interpretation: Option<VariantInterpretation>,
}

/// A diagnosis.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Diagnosis {
    /// The disease.
    pub disease: Option<OntologyClass>,
    /// Its genomic interpretations.
    pub genomic_interpretations: Vec<GenomicInterpretation>,
}

/// An interpretation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Interpretation {
    /// The diagnosis.
    pub diagnosis: Option<Diagnosis>,
}

/// A disease entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Disease {
    /// The disease term.
    pub term: Option<OntologyClass>,
    /// Excluded.
    pub excluded: bool,
    /// Onset.
    pub onset: Option<TimeElement>,
}

/// The parts of a phenopacket osteodx reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Phenopacket {
    /// Id.
    pub id: String,
    /// Subject.
    pub subject: Option<Subject>,
    /// Features.
    pub phenotypic_features: Vec<PhenotypicFeature>,
    /// Measurements.
    pub measurements: Vec<Measurement>,
    /// Interpretations.
    pub interpretations: Vec<Interpretation>,
    /// Diseases.
    pub diseases: Vec<Disease>,
    /// The ids of `metaData.externalReferences` (`PMID:21782149`, a DOI): the publications the
    /// packet comes from.
    pub references: Vec<String>,
}

/// True when a JSON document looks like a phenopacket rather than the crate's patient JSON.
#[must_use]
pub fn looks_like_phenopacket(text: &str) -> bool {
    text.contains("\"phenotypicFeatures\"") || text.contains("\"metaData\"") || text.contains("\"subject\"")
}

/// Years in an ISO 8601 duration such as `P1Y2M`, `P3W`, `P10D` or `PT12H`.
///
/// ```
/// use osteodx::research::phenopacket::iso8601_years;
/// assert_eq!(iso8601_years("P1Y6M").unwrap(), 1.5);
/// assert!(iso8601_years("five months").is_err());
/// ```
///
/// # Errors
/// [`PhenopacketError::BadDuration`].
pub fn iso8601_years(text: &str) -> Result<f64, PhenopacketError> {
    let bad = || PhenopacketError::BadDuration(text.to_owned());
    let rest = text.trim().strip_prefix('P').ok_or_else(bad)?;
    let mut years = 0.0;
    let mut number = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            _ => {
                let v: f64 = number.parse().map_err(|_| bad())?;
                number.clear();
                any = true;
                years += match (c, in_time) {
                    ('Y', false) => v,
                    ('M', false) => v / 12.0,
                    ('W', false) => v * 7.0 / 365.25,
                    ('D', false) => v / 365.25,
                    ('H', true) => v / (24.0 * 365.25),
                    ('M', true) => v / (60.0 * 24.0 * 365.25),
                    ('S', true) => v / (3600.0 * 24.0 * 365.25),
                    _ => return Err(bad()),
                };
            }
        }
    }
    if !number.is_empty() || !any || !years.is_finite() || years > 200.0 {
        return Err(bad());
    }
    Ok(years)
}

/// A representative age in years for an HPO onset class (`None` for classes too broad to place).
#[must_use]
pub fn onset_class_years(id: &str) -> Option<f64> {
    let digits = id
        .strip_prefix("HP:")
        .filter(|d| d.len() == 7 && d.bytes().all(|b| b.is_ascii_digit()))?;
    crate::onset::onset_class(digits.parse().ok()?).map(|c| c.years)
}

fn time_years(t: &TimeElement) -> Result<Option<f64>, PhenopacketError> {
    if let Some(age) = &t.age {
        return iso8601_years(&age.iso8601duration).map(Some);
    }
    if let Some(start) = t.age_range.as_ref().and_then(|r| r.start.as_ref()) {
        return iso8601_years(&start.iso8601duration).map(Some);
    }
    if t.gestational_age.is_some() {
        // Before birth: the antenatal onset class.
        return Ok(onset_class_years("HP:0030674"));
    }
    Ok(t.ontology_class.as_ref().and_then(|c| onset_class_years(&c.id)))
}

fn analyte_of(assay: &OntologyClass) -> Option<Analyte> {
    let label = assay.label.to_ascii_lowercase();
    let code = assay.id.trim_start_matches("LOINC:");
    match code {
        "718-7" | "20509-6" | "30313-1" | "30350-3" | "59260-0" => return Some(Analyte::Hemoglobin),
        "777-3" | "26515-7" | "49497-1" => return Some(Analyte::Platelets),
        "6690-2" | "26464-8" | "804-5" => return Some(Analyte::WhiteCells),
        _ => {}
    }
    if label.contains("tartrate") {
        Some(Analyte::Trap)
    } else if label.contains("creatine kinase") && label.contains("bb") {
        Some(Analyte::CreatineKinaseBb)
    } else if label.starts_with("hemoglobin") || label.starts_with("haemoglobin") {
        Some(Analyte::Hemoglobin)
    } else if label.starts_with("platelets") {
        Some(Analyte::Platelets)
    } else if label.starts_with("leukocytes") || label.contains("white blood cell") {
        Some(Analyte::WhiteCells)
    } else {
        None
    }
}

fn zygosity_of(state: Option<&OntologyClass>) -> Option<Zygosity> {
    let state = state?;
    let label = state.label.to_ascii_lowercase();
    match state.id.as_str() {
        "GENO:0000135" => Some(Zygosity::Heterozygous),
        "GENO:0000136" | "GENO:0000402" => Some(Zygosity::Biallelic),
        "GENO:0000134" => Some(Zygosity::Hemizygous),
        _ if label.contains("compound") || label.contains("homozygous") => Some(Zygosity::Biallelic),
        _ if label.contains("hemizygous") => Some(Zygosity::Hemizygous),
        _ if label.contains("heterozygous") => Some(Zygosity::Heterozygous),
        _ => None,
    }
}

/// The document as the schema has it: private structs that refuse keys the schema does not
/// have and values outside its enums, with the schema's keys the crate does not read accepted
/// and skipped; turned into the public structs (which mirror the fields read) once checked.
mod schema {
    use serde::de::{Error as _, IgnoredAny};
    use serde::{Deserialize, Deserializer};

    /// A key of the schema the crate does not read: accepted, its value not looked into.
    type Unread = Option<IgnoredAny>;

    /// A string that must be one of `allowed` (the enum of `what`).
    fn one_of<'de, D: Deserializer<'de>>(d: D, what: &str, allowed: &[&str]) -> Result<String, D::Error> {
        let value = String::deserialize(d)?;
        if allowed.contains(&value.as_str()) {
            Ok(value)
        } else {
            Err(D::Error::custom(format!(
                "{what} `{}` is not one of {}",
                crate::error::shown(&value),
                allowed.join(", ")
            )))
        }
    }

    fn sex<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        one_of(d, "sex", &["UNKNOWN_SEX", "FEMALE", "MALE", "OTHER_SEX"])
    }

    fn interpretation_status<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        one_of(
            d,
            "interpretationStatus",
            &["UNKNOWN_STATUS", "REJECTED", "CANDIDATE", "CONTRIBUTORY", "CAUSATIVE"],
        )
    }

    fn acmg<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        one_of(
            d,
            "acmgPathogenicityClassification",
            &[
                "NOT_PROVIDED",
                "BENIGN",
                "LIKELY_BENIGN",
                "UNCERTAIN_SIGNIFICANCE",
                "LIKELY_PATHOGENIC",
                "PATHOGENIC",
            ],
        )
    }

    fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let value = String::deserialize(d)?;
        super::iso8601_years(&value).map_err(D::Error::custom)?;
        Ok(value)
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct Phenopacket {
        #[serde(default)]
        pub id: String,
        #[serde(default)]
        pub subject: Option<Individual>,
        #[serde(default, alias = "phenotypic_features")]
        pub phenotypic_features: Vec<PhenotypicFeature>,
        #[serde(default)]
        pub measurements: Vec<Measurement>,
        #[serde(default)]
        pub interpretations: Vec<Interpretation>,
        #[serde(default)]
        pub diseases: Vec<Disease>,
        #[serde(default)]
        biosamples: Unread,
        #[serde(default, alias = "medical_actions")]
        medical_actions: Unread,
        #[serde(default)]
        files: Unread,
        #[serde(default, alias = "meta_data")]
        pub meta_data: Option<MetaData>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct MetaData {
        #[serde(default)]
        created: Unread,
        #[serde(default, alias = "created_by")]
        created_by: Unread,
        #[serde(default, alias = "submitted_by")]
        submitted_by: Unread,
        #[serde(default)]
        resources: Unread,
        #[serde(default)]
        updates: Unread,
        #[serde(default, alias = "phenopacket_schema_version")]
        phenopacket_schema_version: Unread,
        #[serde(default, alias = "external_references")]
        pub external_references: Vec<ExternalReference>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct ExternalReference {
        #[serde(default)]
        pub id: String,
        #[serde(default)]
        reference: Unread,
        #[serde(default)]
        description: Unread,
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub(super) struct OntologyClass {
        #[serde(default)]
        pub id: String,
        #[serde(default)]
        pub label: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Age {
        #[serde(default, deserialize_with = "duration")]
        pub iso8601duration: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct AgeRange {
        #[serde(default)]
        pub start: Option<Age>,
        #[serde(default)]
        end: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct TimeElement {
        #[serde(default)]
        pub age: Option<Age>,
        #[serde(default, alias = "age_range")]
        pub age_range: Option<AgeRange>,
        #[serde(default, alias = "ontology_class")]
        pub ontology_class: Option<OntologyClass>,
        #[serde(default, alias = "gestational_age")]
        pub gestational_age: Option<serde_json::Value>,
        #[serde(default)]
        timestamp: Unread,
        #[serde(default)]
        interval: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct Individual {
        #[serde(default)]
        pub id: String,
        #[serde(default, deserialize_with = "sex")]
        pub sex: String,
        #[serde(default, alias = "time_at_last_encounter")]
        pub time_at_last_encounter: Option<TimeElement>,
        #[serde(default, alias = "alternate_ids")]
        alternate_ids: Unread,
        #[serde(default, alias = "date_of_birth")]
        date_of_birth: Unread,
        #[serde(default, alias = "vital_status")]
        vital_status: Unread,
        #[serde(default, alias = "karyotypic_sex")]
        karyotypic_sex: Unread,
        #[serde(default)]
        gender: Unread,
        #[serde(default)]
        taxonomy: Unread,
    }

    /// A phenotypic feature, refused without a term id (located at the end of the feature).
    #[derive(Deserialize)]
    #[serde(try_from = "FeatureFields")]
    pub(super) struct PhenotypicFeature(pub FeatureFields);

    impl TryFrom<FeatureFields> for PhenotypicFeature {
        type Error = String;
        fn try_from(f: FeatureFields) -> Result<Self, String> {
            if f.term.as_ref().is_none_or(|t| t.id.trim().is_empty()) {
                return Err("phenotypic feature: type has no id".to_owned());
            }
            Ok(Self(f))
        }
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct FeatureFields {
        #[serde(default, rename = "type")]
        pub term: Option<OntologyClass>,
        #[serde(default)]
        pub excluded: bool,
        #[serde(default)]
        pub onset: Option<TimeElement>,
        #[serde(default)]
        description: Unread,
        #[serde(default)]
        severity: Unread,
        #[serde(default)]
        modifiers: Unread,
        #[serde(default)]
        resolution: Unread,
        #[serde(default)]
        evidence: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct Quantity {
        #[serde(default)]
        pub unit: OntologyClass,
        #[serde(default)]
        pub value: Option<f64>,
        #[serde(default, alias = "reference_range")]
        reference_range: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct MeasurementValue {
        #[serde(default)]
        pub quantity: Option<Quantity>,
        #[serde(default, alias = "ontology_class")]
        ontology_class: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct Measurement {
        #[serde(default)]
        pub assay: OntologyClass,
        #[serde(default)]
        pub value: Option<MeasurementValue>,
        #[serde(default)]
        description: Unread,
        #[serde(default, alias = "complex_value")]
        complex_value: Unread,
        #[serde(default, alias = "time_observed")]
        time_observed: Unread,
        #[serde(default)]
        procedure: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct GeneDescriptor {
        #[serde(default)]
        pub symbol: String,
        #[serde(default, alias = "value_id")]
        value_id: Unread,
        #[serde(default)]
        description: Unread,
        #[serde(default, alias = "alternate_ids")]
        alternate_ids: Unread,
        #[serde(default)]
        xrefs: Unread,
        #[serde(default, alias = "alternate_symbols")]
        alternate_symbols: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct VariationDescriptor {
        #[serde(default, alias = "gene_context")]
        pub gene_context: Option<GeneDescriptor>,
        #[serde(default, alias = "allelic_state")]
        pub allelic_state: Option<OntologyClass>,
        #[serde(default)]
        id: Unread,
        #[serde(default)]
        variation: Unread,
        #[serde(default)]
        label: Unread,
        #[serde(default)]
        description: Unread,
        #[serde(default)]
        expressions: Unread,
        #[serde(default, alias = "vcf_record")]
        vcf_record: Unread,
        #[serde(default)]
        xrefs: Unread,
        #[serde(default, alias = "alternate_labels")]
        alternate_labels: Unread,
        #[serde(default)]
        extensions: Unread,
        #[serde(default, alias = "molecule_context")]
        molecule_context: Unread,
        #[serde(default, alias = "structural_type")]
        structural_type: Unread,
        #[serde(default, alias = "vrs_ref_allele_seq")]
        vrs_ref_allele_seq: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct VariantInterpretation {
        #[serde(default, alias = "acmg_pathogenicity_classification", deserialize_with = "acmg")]
        pub acmg_pathogenicity_classification: String,
        #[serde(default, alias = "variation_descriptor")]
        pub variation_descriptor: Option<VariationDescriptor>,
        #[serde(default, alias = "therapeutic_actionability")]
        therapeutic_actionability: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct GenomicInterpretation {
        #[serde(default, alias = "interpretation_status", deserialize_with = "interpretation_status")]
        pub interpretation_status: String,
        #[serde(default)]
        pub gene: Option<GeneDescriptor>,
        #[serde(default, alias = "variant_interpretation")]
        pub variant_interpretation: Option<VariantInterpretation>,
        #[serde(default, alias = "subject_or_biosample_id")]
        subject_or_biosample_id: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub(super) struct Diagnosis {
        #[serde(default)]
        pub disease: Option<OntologyClass>,
        #[serde(default, alias = "genomic_interpretations")]
        pub genomic_interpretations: Vec<GenomicInterpretation>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    pub(super) struct Interpretation {
        #[serde(default)]
        pub diagnosis: Option<Diagnosis>,
        #[serde(default)]
        id: Unread,
        #[serde(default, alias = "progress_status")]
        progress_status: Unread,
        #[serde(default)]
        summary: Unread,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(
        dead_code,
        reason = "the schema's keys the crate does not read are accepted, not used"
    )]
    #[allow(clippy::struct_field_names, reason = "the schema's names")]
    pub(super) struct Disease {
        #[serde(default)]
        pub term: Option<OntologyClass>,
        #[serde(default)]
        pub excluded: bool,
        #[serde(default)]
        pub onset: Option<TimeElement>,
        #[serde(default)]
        resolution: Unread,
        #[serde(default, alias = "disease_stage")]
        disease_stage: Unread,
        #[serde(default, alias = "clinical_tnm_finding")]
        clinical_tnm_finding: Unread,
        #[serde(default, alias = "primary_site")]
        primary_site: Unread,
        #[serde(default)]
        laterality: Unread,
    }
}

impl From<schema::OntologyClass> for OntologyClass {
    fn from(c: schema::OntologyClass) -> Self {
        Self {
            id: c.id,
            label: c.label,
        }
    }
}

impl From<schema::Age> for Age {
    fn from(a: schema::Age) -> Self {
        Self {
            iso8601duration: a.iso8601duration,
        }
    }
}

impl From<schema::TimeElement> for TimeElement {
    fn from(t: schema::TimeElement) -> Self {
        Self {
            age: t.age.map(Into::into),
            age_range: t.age_range.map(|r| AgeRange {
                start: r.start.map(Into::into),
            }),
            ontology_class: t.ontology_class.map(Into::into),
            gestational_age: t.gestational_age,
        }
    }
}

impl From<schema::GeneDescriptor> for GeneDescriptor {
    fn from(g: schema::GeneDescriptor) -> Self {
        Self { symbol: g.symbol }
    }
}

impl From<schema::Phenopacket> for Phenopacket {
    fn from(p: schema::Phenopacket) -> Self {
        Self {
            id: p.id,
            subject: p.subject.map(|s| Subject {
                id: s.id,
                sex: s.sex,
                time_at_last_encounter: s.time_at_last_encounter.map(Into::into),
            }),
            phenotypic_features: p
                .phenotypic_features
                .into_iter()
                .map(|schema::PhenotypicFeature(f)| PhenotypicFeature {
                    term: f.term.map(Into::into),
                    excluded: f.excluded,
                    onset: f.onset.map(Into::into),
                })
                .collect(),
            measurements: p
                .measurements
                .into_iter()
                .map(|m| Measurement {
                    assay: m.assay.into(),
                    value: m.value.map(|v| MeasurementValue {
                        quantity: v.quantity.map(|q| Quantity {
                            unit: q.unit.into(),
                            value: q.value,
                        }),
                    }),
                })
                .collect(),
            interpretations: p
                .interpretations
                .into_iter()
                .map(|i| Interpretation {
                    diagnosis: i.diagnosis.map(|d| Diagnosis {
                        disease: d.disease.map(Into::into),
                        genomic_interpretations: d
                            .genomic_interpretations
                            .into_iter()
                            .map(|g| GenomicInterpretation {
                                interpretation_status: g.interpretation_status,
                                gene: g.gene.map(Into::into),
                                variant_interpretation: g.variant_interpretation.map(|v| VariantInterpretation {
                                    acmg_pathogenicity_classification: v.acmg_pathogenicity_classification,
                                    variation_descriptor: v.variation_descriptor.map(|d| VariationDescriptor {
                                        gene_context: d.gene_context.map(Into::into),
                                        allelic_state: d.allelic_state.map(Into::into),
                                    }),
                                }),
                            })
                            .collect(),
                    }),
                })
                .collect(),
            diseases: p
                .diseases
                .into_iter()
                .map(|d| Disease {
                    term: d.term.map(Into::into),
                    excluded: d.excluded,
                    onset: d.onset.map(Into::into),
                })
                .collect(),
            references: p
                .meta_data
                .map(|m| {
                    m.external_references
                        .into_iter()
                        .map(|r| r.id)
                        .filter(|id| !id.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

impl Phenopacket {
    /// Parse a phenopacket from JSON text.
    ///
    /// # Errors
    /// [`Error::Phenopacket`] for non-JSON, wrong types, oversize or too deeply nested input.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        Ok(Self::parse(text)?)
    }

    /// Parse, with the typed error.
    ///
    /// # Errors
    /// As [`Phenopacket::from_json`].
    pub fn parse(text: &str) -> Result<Self, PhenopacketError> {
        Self::parse_with(text, &crate::Limits::default())
    }

    /// [`Phenopacket::parse`] within `limits` on the size of the text (and at most
    /// [`MAX_BYTES`]).
    ///
    /// # Errors
    /// As [`Phenopacket::parse`].
    pub fn parse_with(text: &str, limits: &crate::Limits) -> Result<Self, PhenopacketError> {
        let limit = limits.file_bytes.min(MAX_BYTES);
        if text.len() as u64 > limit {
            return Err(PhenopacketError::TooLarge {
                bytes: text.len() as u64,
                limit,
            });
        }
        crate::json_input::parse_object::<schema::Phenopacket>(text, limits.nesting_depth)
            .map(Self::from)
            .map_err(|e| PhenopacketError::Json {
                line: e.line,
                column: e.column,
                message: e.message,
            })
    }

    /// Read a phenopacket file, refusing files over [`MAX_BYTES`] before reading them.
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read or is too large; [`Error::Phenopacket`] otherwise.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_path_with(path, &crate::Limits::default())
    }

    /// [`Phenopacket::from_path`] within `limits` (and at most [`MAX_BYTES`]).
    ///
    /// # Errors
    /// As [`Phenopacket::from_path`].
    pub fn from_path_with(path: impl AsRef<Path>, limits: &crate::Limits) -> Result<Self, Error> {
        let limits = crate::Limits {
            file_bytes: limits.file_bytes.min(MAX_BYTES),
            ..*limits
        };
        let text = limits.read_to_string(path.as_ref())?;
        Ok(Self::parse_with(&text, &limits)?)
    }

    /// The disease ids the packet names (`diseases[].term.id`, then interpretation diagnoses),
    /// without repeats, excluded diseases left out.
    #[must_use]
    pub fn disease_ids(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let from_diseases = self
            .diseases
            .iter()
            .filter(|d| !d.excluded)
            .filter_map(|d| d.term.as_ref());
        let from_interpretations = self
            .interpretations
            .iter()
            .filter_map(|i| i.diagnosis.as_ref()?.disease.as_ref());
        for term in from_diseases.chain(from_interpretations) {
            if !term.id.is_empty() && !out.contains(&term.id) {
                out.push(term.id.clone());
            }
        }
        out
    }

    /// Turn the packet into a [`Patient`]; `genes = false` leaves genetic results out.
    ///
    /// # Errors
    /// [`Error::Phenopacket`] for a feature without an id or an unreadable ISO 8601 age.
    pub fn to_patient(&self, genes: bool) -> Result<Patient, Error> {
        let mut p = Patient {
            id: (!self.id.is_empty()).then(|| self.id.clone()),
            ..Patient::default()
        };
        let mut onset: Option<f64> = None;
        let mut earliest = |v: Option<f64>| {
            if let Some(v) = v {
                onset = Some(onset.map_or(v, |o: f64| o.min(v)));
            }
        };
        for (i, f) in self.phenotypic_features.iter().enumerate() {
            let term = f.term.as_ref().filter(|t| !t.id.trim().is_empty());
            let term = term.ok_or_else(|| PhenopacketError::MissingId(format!("phenotypicFeatures[{i}].type")))?;
            if f.excluded {
                p.absent.push(term.id.trim().to_owned());
            } else {
                p.present.push(term.id.trim().to_owned());
                if let Some(t) = &f.onset {
                    earliest(time_years(t)?);
                }
            }
        }
        for d in self.diseases.iter().filter(|d| !d.excluded) {
            if let Some(t) = &d.onset {
                earliest(time_years(t)?);
            }
        }
        p.age_at_onset_years = onset;
        if let Some(s) = &self.subject {
            p.sex = match s.sex.as_str() {
                "MALE" => Some(Sex::Male),
                "FEMALE" => Some(Sex::Female),
                _ => None,
            };
            if let Some(t) = &s.time_at_last_encounter {
                p.age_at_examination_years = time_years(t)?;
            }
        }
        for m in &self.measurements {
            let (Some(analyte), Some(q)) = (analyte_of(&m.assay), m.value.as_ref().and_then(|v| v.quantity.as_ref()))
            else {
                continue;
            };
            let Some(value) = q.value else { continue };
            let unit = q.unit.id.trim_start_matches("UCUM:").to_owned();
            p.labs.push(LabValue {
                analyte,
                value,
                unit: if unit.is_empty() { q.unit.label.clone() } else { unit },
            });
        }
        if genes {
            for gi in self
                .interpretations
                .iter()
                .filter_map(|i| i.diagnosis.as_ref())
                .flat_map(|d| &d.genomic_interpretations)
            {
                let status = gi.interpretation_status.as_str();
                if matches!(status, "REJECTED" | "CANDIDATE_REJECTED") {
                    continue;
                }
                let vi = gi.variant_interpretation.as_ref();
                if vi
                    .is_some_and(|v| matches!(v.acmg_pathogenicity_classification.as_str(), "BENIGN" | "LIKELY_BENIGN"))
                {
                    continue;
                }
                let vd = vi.and_then(|v| v.variation_descriptor.as_ref());
                let symbol = vd
                    .and_then(|d| d.gene_context.as_ref())
                    .or(gi.gene.as_ref())
                    .map(|g| g.symbol.trim())
                    .unwrap_or_default();
                if symbol.is_empty() {
                    continue;
                }
                p.genetics.push(GeneticResult {
                    gene: symbol.to_owned(),
                    zygosity: zygosity_of(vd.and_then(|d| d.allelic_state.as_ref())),
                });
            }
        }
        Ok(p)
    }
}
