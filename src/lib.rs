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
//! | stage | module | main types |
//! | --- | --- | --- |
//! | file format | [`rule_file`] | [`RuleFile`](rule_file::RuleFile) |
//! | loading | [`load`] | [`RuleSet`] |
//! | validation | [`knowledge`] | [`KnowledgeBase`] |
//! | compilation | `compile`, `tables` (private), [`model`], [`config`] | [`Model`], [`ScoringConfig`] |
//! | the compiled model as a file | [`model_file`] | [`model_file::CompiledFileError`] |
//! | patients | [`patient`], [`labs`], [`resolve`] | [`Patient`], [`ResolvedPatient`] |
//! | scoring | [`score`] | [`Ranking`], [`BatchRanking`] |
//! | explanation | [`explain`] | [`Differential`] |
//! | reports as text | [`report`] | [`report::differential_table`] |
//! | what to examine next, how solid the answer is | [`next_findings`], [`robustness`] | [`NextFinding`], [`Robustness`], [`Sensitivity`] |
//! | HPO graph | [`ontology`] | [`Ontology`] |
//! | the HPO catalogue as a rule source (compiled once) | [`catalogue`] | [`catalogue::Catalogue`] |
//! | phenopackets | [`phenopacket`] | [`phenopacket::Phenopacket`] |
//! | evaluation | [`evaluate`], [`simulate`], [`reference`](mod@reference) | [`evaluate::Evaluation`] |
//!
//! The scoring maths (likelihood ratios against a background, the false-positive model, the
//! hierarchy, priors and "none of these") is in `DESIGN.md` and in [`config`].
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod catalogue;
mod compile;
pub mod config;
pub mod error;
pub mod evaluate;
pub mod explain;
pub mod id;
mod json_input;
pub mod knowledge;
pub mod labs;
pub mod limits;
pub mod load;
pub mod model;
pub mod model_file;
pub mod names;
pub mod next_findings;
pub mod ontology;
pub mod patient;
pub mod phenopacket;
pub mod reference;
pub mod report;
pub mod resolve;
pub mod robustness;
pub mod rule_file;
pub mod score;
pub mod simulate;
mod tables;

pub use config::ScoringConfig;
pub use tables::MatchKind;

/// The README's examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
pub use error::{Error, PatientError, Problem, ProblemKind, RuleErrors};
pub use explain::{Contribution, DiagnosisResult, Differential, Explanation};
pub use id::{DiagnosisId, EvidenceId, FindingId};
pub use knowledge::KnowledgeBase;
pub use limits::Limits;
pub use load::RuleSet;
pub use model::Model;
pub use next_findings::{NextFinding, NextQuery};
pub use ontology::Ontology;
pub use patient::{Analyte, FamilyHistory, GeneticResult, LabValue, Patient, Sex, Zygosity};
pub use resolve::ResolvedPatient;
pub use robustness::{Robustness, Sensitivity};
pub use score::{BatchRanking, RankEntry, Ranking};
