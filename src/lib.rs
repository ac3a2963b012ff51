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
//!              --compile--> Tables (dense ids, flat fixed-point log-LR tables)
//!                           in a ScoringCore (priors, shifts; the value of an observation)
//!                           in an Engine (knowledge base, hierarchy, vocabulary; crate-private)
//!                           behind the Model facade (Send + Sync)
//! Patient --resolve once--> ResolvedPatient (observations: sorted evidence ids)
//!         --score (ScoringCore::accumulate; Ranking buffer, no allocation)--> ranked diagnoses with posteriors
//!         --diagnose (slow path, ScoringCore::value)--> Differential with explanations
//! ```
//!
//! # Map of the modules
//!
//! The library's core is used flat from the crate root (`osteodx::Model`, 45 names); the modules
//! that hold it are private, one file a stage, named for what it holds. Four modules are public,
//! for what is used by namespace: the rule-file format ([`rule_file`]), the HPO catalogue
//! ([`catalogue`]), the reports and the types they show ([`report`]) and the research helpers
//! ([`research`]: phenopackets, evaluation, simulation, the reference scorer). [`Model`] is a
//! facade: each of its methods is one call into the stage that does the work, and the stages take
//! the compiled engine (`engine.rs`; scoring only its scoring core), not the model. The rows are
//! in the order the stages import (`tests/architecture.rs` checks it): a module imports only the
//! rows above it.
//!
//! | stage | file in `src/` | main types |
//! | --- | --- | --- |
//! | ids (only the crate mints them; callers get them from a model) | `id.rs` | [`DiagnosisId`], [`FindingId`], [`EvidenceId`] |
//! | name matching, "did you mean" | `names.rs` | (none public) |
//! | errors | `error.rs` | [`Error`], [`RuleErrors`], [`PatientError`] |
//! | limits on input, the seeded random generator | `limits.rs`, `rng.rs` | [`Limits`] |
//! | ages: the HPO onset classes and the age bands | `onset.rs` | (none public) |
//! | the constants | `config.rs` | [`ScoringConfig`] |
//! | reading outside JSON | `json_input.rs` | (none public) |
//! | HPO graph | `ontology.rs` | [`Ontology`] |
//! | file format | [`rule_file`] (public) | [`RuleFile`](rule_file::RuleFile) |
//! | loading (in the load order of `load_order.rs`, which `build.rs` shares) | `load_order.rs`, `load.rs` | [`RuleSet`], [`SourceFile`] |
//! | validation | `knowledge.rs` | [`KnowledgeBase`], [`Finding`], [`Diagnosis`], [`Rule`] |
//! | compiled tables: the one evidence-row layout | `tables.rs` | [`MatchKind`] |
//! | the resolved patient | `resolved.rs` | [`ResolvedPatient`], [`ResolutionNotes`] |
//! | the scoring core: the value of an observation for a diagnosis, one diagnosis (explanations) or all at once (the hot path) | `scoring_core.rs` | `ScoringCore` (crate-private) |
//! | compilation: tables, priors, false-positive shifts | `compile.rs` | (none public) |
//! | the compiled engine: knowledge base, scoring core, hierarchy, vocabulary | `engine.rs` | `Engine` (crate-private) |
//! | the compiled model as a file | `model_file.rs` | [`CompiledFileError`] |
//! | patients | `patient.rs`, `labs.rs` | [`Patient`], [`LabValue`] |
//! | phenopackets | `research/phenopacket.rs`, public as [`research::phenopacket`] | [`research::phenopacket::Phenopacket`] |
//! | resolution | `resolve.rs` | [`Model::resolve`] |
//! | scoring | `score.rs` | [`Ranking`], [`BatchRanking`] |
//! | explanation | `explain.rs` | [`Differential`], [`Explanation`] |
//! | what to examine next, how solid the answer is | `next_findings.rs`, `robustness.rs` | [`report::NextFinding`], [`report::Robustness`], [`report::Sensitivity`] |
//! | the facade: every public method a call into a stage above | `model.rs` | [`Model`] |
//! | the HPO catalogue as a rule source (compiled once) | [`catalogue`] (public) | [`catalogue::Catalogue`] |
//! | reports as text, TSV and HTML | [`report`] (public) | [`report::differential_table`], [`report::differential_html`] |
//! | evaluation (research helpers) | `research/simulate.rs`, `research/reference.rs`, `research/evaluate.rs`, public in [`research`] | [`research::evaluate::Evaluation`] |
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
pub mod report;
pub mod research {
    //! The research helpers: phenopackets (the GA4GH case format of published cases), the
    //! evaluation of a folder of cases, simulated patients, and the reference scorer that checks
    //! the compiler independently. What a diagnosis needs is at the crate root; these are for
    //! measuring it.
    pub mod evaluate;
    pub mod phenopacket;
    pub mod reference;
    pub mod simulate;
}
mod resolve;
mod resolved;
mod rng;
mod robustness;
pub mod rule_file;
mod score;
mod scoring_core;
mod tables;

/// The README's examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

// The library's core, flat: `osteodx::Model`, not `osteodx::model::Model` (45 names; limits and
// format versions are associated constants of their types, and what the reports hold — how solid
// the answer is, what to examine next, rule coverage — is in `report`).
pub use config::ScoringConfig;
pub use error::{CompiledFileError, Error, Location, PatientError, PhenopacketError, Problem, ProblemKind, RuleErrors};
pub use explain::{Contribution, DiagnosisResult, Differential, Expected, Explanation, NoneComponent};
pub use id::{DiagnosisId, EvidenceId, FindingId};
pub use knowledge::{Diagnosis, Finding, Gene, KnowledgeBase, Rule, Subtype};
pub use labs::LabFinding;
pub use limits::Limits;
pub use load::{RuleSet, SourceFile};
pub use model::Model;
pub use ontology::Ontology;
pub use patient::{Analyte, FamilyHistory, GeneticResult, LabValue, Patient, Sex, Zygosity};
pub use resolved::{PlacedTerm, ResolutionNotes, ResolvedPatient, UnknownName};
pub use score::{BatchRanking, RankEntry, Ranking};
pub use tables::MatchKind;
