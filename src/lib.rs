//! osteodx ranks the likely diagnoses of a patient with a sclerosing or fragile-bone disorder:
//! the four osteopetroses (infantile, adult, intermediate, X-linked) and the look-alikes
//! melorheostosis, osteopoikilosis and osteogenesis imperfecta, plus "none of these".
//!
//! It is a research tool, not a medical device.
//!
//! ```
//! use osteodx::{Model, Patient};
//!
//! let model = Model::builtin()?;                       // built-in rules, compiled
//! let patient = Patient::new()
//!     .present("macrocephaly")
//!     .present("pancytopenia")
//!     .present("hepatosplenomegaly")
//!     .present("blindness")
//!     .onset_years(0.1);
//! let resolved = model.resolve(&patient)?;              // names -> evidence ids, once
//! let differential = model.diagnose(&resolved);         // ranked, with explanations
//! assert_eq!(differential.diagnoses[0].id, "infantile");
//! # Ok::<(), osteodx::Error>(())
//! ```
//!
//! # Data flow
//!
//! ```text
//! rules/*.toml --load--> RuleSet (rule_file structs, with path and text)
//!              --validate--> KnowledgeBase (every problem reported with file:line:column)
//!              --compile--> Model (dense ids, flat fixed-point log-LR tables, Send + Sync)
//! Patient --resolve once--> ResolvedPatient (sorted evidence ids)
//!         --score (Ranking buffer, no allocation)--> ranked diagnoses with posteriors
//!         --diagnose (slow path)--> Differential with explanations
//! ```
//!
//! # Map of the modules
//!
//! The types are used flat (`osteodx::Model`); the modules that hold them are private, one file
//! a stage, named for what it holds. Public modules group what is used by namespace: the rule
//! file format, the HPO catalogue, phenopackets, reports, and the research helpers.
//!
//! | stage | file in `src/` | main types |
//! | --- | --- | --- |
//! | file format | [`rule_file`] (public) | [`RuleFile`](rule_file::RuleFile) |
//! | loading (in the load order of `load_order.rs`, which `build.rs` shares) | `load.rs`, `load_order.rs` | [`RuleSet`], [`SourceFile`] |
//! | validation | `knowledge.rs` | [`KnowledgeBase`], [`Finding`], [`Diagnosis`], [`Rule`] |
//! | compilation | `compile.rs`, `tables.rs`, `model.rs`, `config.rs` | [`Model`], [`ScoringConfig`], [`MatchKind`] |
//! | the compiled model as a file | `model_file.rs` | [`CompiledFileError`] |
//! | patients | `patient.rs`, `labs.rs`, `resolve.rs` | [`Patient`], [`LabValue`], [`ResolvedPatient`] |
//! | scoring | `score.rs` | [`Ranking`], [`BatchRanking`] |
//! | explanation | `explain.rs` | [`Differential`], [`Explanation`] |
//! | reports as text, TSV and HTML | [`report`] (public) | [`report::differential_table`], [`report::differential_html`] |
//! | what to examine next, how solid the answer is | `next_findings.rs`, `robustness.rs` | [`NextFinding`], [`Robustness`], [`Sensitivity`] |
//! | HPO graph | `ontology.rs` | [`Ontology`] |
//! | the HPO catalogue as a rule source (compiled once) | [`catalogue`] (public) | [`catalogue::Catalogue`] |
//! | phenopackets | [`phenopacket`] (public) | [`phenopacket::Phenopacket`] |
//! | evaluation (research helpers) | [`evaluate`], [`simulate`], [`reference`](mod@reference) (public) | [`evaluate::Evaluation`] |
//! | errors | `error.rs` | [`Error`], [`RuleErrors`], [`PatientError`] |
//!
//! The scoring maths (likelihood ratios against a background, the false-positive model, the
//! hierarchy, priors and "none of these") is in `DESIGN.md` and in [`ScoringConfig`].
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod catalogue;
mod compile;
mod config;
mod engine;
mod error;
pub mod evaluate;
mod explain;
mod id;
mod json_input;
mod knowledge;
mod labs;
mod limits;
mod load;
mod load_order;
mod model;
mod model_file;
mod names;
mod next_findings;
mod onset;
mod ontology;
mod patient;
pub mod phenopacket;
pub mod reference;
pub mod report;
mod resolve;
mod resolved;
mod rng;
mod robustness;
pub mod rule_file;
mod score;
mod scoring_core;
pub mod simulate;
mod tables;

/// The README's examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

// The stages' public types, flat: `osteodx::Model`, not `osteodx::model::Model`.
pub use config::ScoringConfig;
pub use error::{
    CompiledFileError, Error, Location, PatientError, PhenopacketError, Problem, ProblemKind, RuleErrors,
    MAX_SHOWN_PER_KIND,
};
pub use explain::{
    Contribution, Coverage, DiagnosisResult, Differential, Expected, Explanation, NoneComponent, MAX_NOT_EXAMINED,
};
pub use id::{DiagnosisId, EvidenceId, FindingId};
pub use knowledge::{Diagnosis, Finding, Gene, KnowledgeBase, Rule, Subtype, DEFAULT_BACKGROUND};
pub use labs::LabFinding;
pub use limits::Limits;
pub use load::{RuleSet, SourceFile, MAX_FOLDER_DEPTH};
pub use model::Model;
pub use model_file::FORMAT as COMPILED_FORMAT;
pub use next_findings::{NextFinding, NextQuery, Separation};
pub use ontology::{format_hpo, Ontology};
pub use patient::{
    Analyte, FamilyHistory, GeneticResult, LabValue, Patient, Sex, Zygosity, EXAMINATION_YEARS, ONSET_YEARS,
};
pub use resolved::{PlacedTerm, ResolutionNotes, ResolvedPatient, UnknownName, MAX_SUGGESTED_NAMES};
pub use robustness::{
    Decisive, Robustness, SearchExtent, Sensitivity, MAX_BOUND_WORK, MAX_DECISIVE, MAX_RANKINGS, UNCERTAIN_MARGIN_LOG10,
};
pub use score::{BatchRanking, RankEntry, Ranking};
pub use tables::MatchKind;
