//! The public face of a compiled model: [`Model`] holds the compiled engine (knowledge base,
//! scoring core, hierarchy, names) and offers every stage as a method — resolve, rank, explain,
//! what to examine next, how solid the answer is, the compiled file — each a call into the module
//! that does the work. The stages take the engine, never the facade; nothing outside this file
//! adds methods to `Model`.

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::config::ScoringConfig;
use crate::engine::Engine;
use crate::error::{CompiledFileError, Error};
use crate::explain::{Coverage, Differential, Explanation};
use crate::id::{DiagnosisId, EvidenceId, FindingId};
use crate::knowledge::KnowledgeBase;
use crate::limits::Limits;
use crate::next_findings::{NextFinding, NextQuery, Predictive};
use crate::ontology::Ontology;
use crate::patient::Patient;
use crate::resolved::ResolvedPatient;
use crate::robustness::{Robustness, Sensitivity};
use crate::score::{BatchRanking, Ranking};

/// A compiled knowledge base, ready to score patients.
///
/// ```
/// use osteodx::{KnowledgeBase, Model, Patient};
/// let model = Model::compile(&KnowledgeBase::builtin()?);
/// let patient = Patient::new().present("macrocephaly").present("pancytopenia").onset_years(0.1);
/// let patient = model.resolve(&patient)?;
/// let differential = model.diagnose(&patient);
/// assert_eq!(differential.diagnoses[0].id, "infantile");
/// # Ok::<(), osteodx::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Model {
    engine: Engine,
    /// The predictive frequencies of "what to examine next", made on first use.
    predictive: OnceLock<Arc<Predictive>>,
}

impl Ranking {
    /// A buffer sized for `model`: scoring into it never allocates.
    ///
    /// ```
    /// use osteodx::{Model, Patient, Ranking};
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("blue sclerae").present("recurrent fractures"))?;
    /// let mut ranking = Ranking::new(&model);
    /// model.rank_into(&patient, &mut ranking);
    /// assert_eq!(model.diagnosis_id(ranking.entries()[0].diagnosis), "osteogenesis_imperfecta");
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn new(model: &Model) -> Self {
        Self::for_core(&model.engine.core)
    }
}

impl Model {
    /// The version of the compiled file format ([`Model::write_compiled`]); a file of another
    /// version is refused.
    pub const COMPILED_FORMAT: u32 = crate::model_file::FORMAT;

    /// Compile a knowledge base with the default [`ScoringConfig`].
    #[must_use]
    pub fn compile(kb: &KnowledgeBase) -> Self {
        Self::compile_with(kb, ScoringConfig::default())
    }

    /// Compile a knowledge base, taking it (no copy is made).
    #[must_use]
    pub fn from_knowledge_base(kb: KnowledgeBase) -> Self {
        Self::build(Arc::new(kb), ScoringConfig::default())
    }

    /// Compile a knowledge base with the given constants (clamped into their valid ranges, see
    /// [`ScoringConfig::sanitized`]).
    #[must_use]
    pub fn compile_with(kb: &KnowledgeBase, config: ScoringConfig) -> Self {
        Self::build(Arc::new(kb.clone()), config)
    }

    /// Compile a knowledge base, taking it, with the given constants.
    #[must_use]
    pub fn from_knowledge_base_with(kb: KnowledgeBase, config: ScoringConfig) -> Self {
        Self::build(Arc::new(kb), config)
    }

    fn build(kb: Arc<KnowledgeBase>, config: ScoringConfig) -> Self {
        Self::from_engine(Engine::build(kb, config))
    }

    /// The facade over a compiled engine.
    pub(crate) fn from_engine(engine: Engine) -> Self {
        Self {
            engine,
            predictive: OnceLock::new(),
        }
    }

    /// The compiled engine the stages work on.
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The built-in rules, compiled.
    ///
    /// # Errors
    /// Only if the built-in rules were edited into an invalid state (a test guards against it).
    pub fn builtin() -> Result<Self, crate::Error> {
        Ok(Self::from_knowledge_base(KnowledgeBase::builtin()?))
    }

    /// Use this ontology (instead of the built-in HPO graph) to place HPO terms that are not in
    /// the vocabulary.
    #[must_use]
    pub fn with_ontology(mut self, ontology: Arc<Ontology>) -> Self {
        self.engine.ontology = Some(ontology);
        self
    }

    /// The ontology used to place HPO terms: the one given, or the built-in HPO graph.
    ///
    /// # Errors
    /// If the built-in graph does not parse ([`Ontology::builtin`]).
    pub fn ontology(&self) -> Result<&Ontology, crate::Error> {
        self.engine.ontology()
    }

    /// The knowledge base this model was compiled from.
    pub fn knowledge_base(&self) -> &KnowledgeBase {
        &self.engine.kb
    }

    /// The constants it was compiled with.
    pub fn config(&self) -> &ScoringConfig {
        self.engine.config()
    }

    /// Number of diagnoses, look-alikes included.
    pub fn n_diagnoses(&self) -> usize {
        self.engine.n_diagnoses()
    }

    /// Number of diagnoses of the differential (look-alikes excluded): the length of a full
    /// ranking.
    pub fn n_ranked(&self) -> usize {
        self.engine.n_ranked()
    }

    /// True when the diagnosis is a look-alike whose posterior counts towards "none of these".
    pub fn is_lookalike(&self, d: DiagnosisId) -> bool {
        self.engine.is_lookalike(d)
    }

    /// The dense id of a diagnosis, by its id string.
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// let d = model.diagnosis_index("adult").unwrap();
    /// assert_eq!(model.diagnosis_id(d), "adult");
    /// assert!(model.diagnosis_index("no such diagnosis").is_none());
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn diagnosis_index(&self, id: &str) -> Option<DiagnosisId> {
        self.engine.diagnosis_index(id)
    }

    /// The ids of every diagnosis, look-alikes included, in file order.
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// assert_eq!(model.diagnosis_ids().count(), model.n_diagnoses());
    /// assert!(model.diagnosis_ids().any(|d| model.diagnosis_id(d) == "adult"));
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn diagnosis_ids(&self) -> impl ExactSizeIterator<Item = DiagnosisId> + use<> {
        (0..self.n_diagnoses() as u32).map(DiagnosisId)
    }

    /// The id of the diagnosis at this position of the knowledge base
    /// ([`KnowledgeBase::diagnoses`]), if there is one.
    pub fn diagnosis_at(&self, index: usize) -> Option<DiagnosisId> {
        (index < self.n_diagnoses()).then_some(DiagnosisId(index as u32))
    }

    /// The id of the finding at this position of the knowledge base
    /// ([`KnowledgeBase::findings`]), if there is one.
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// let f = model.finding_at(0).unwrap();
    /// assert_eq!(model.finding_id(f), model.knowledge_base().findings()[0].id);
    /// assert!(model.finding_at(usize::MAX).is_none());
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn finding_at(&self, index: usize) -> Option<FindingId> {
        (index < self.engine.kb.findings().len()).then_some(FindingId(index as u32))
    }

    /// A diagnosis's id string.
    pub fn diagnosis_id(&self, d: DiagnosisId) -> &str {
        self.engine.diagnosis_id(d)
    }

    /// A finding's id string.
    pub fn finding_id(&self, f: FindingId) -> &str {
        self.engine.finding_id(f)
    }

    /// Look a finding up by id, HPO id, label or synonym (case-insensitive).
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// assert_eq!(model.lookup("HP:0000256"), model.lookup("Overly large head"));
    /// assert!(model.lookup("macrocephaly").is_some());
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn lookup(&self, name: &str) -> Option<FindingId> {
        self.engine.lookup(name)
    }

    /// The up to three known names nearest to `name` (ids, labels and synonyms).
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// assert_eq!(model.suggest("macrocefaly")[0], "macrocephaly");
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn suggest(&self, name: &str) -> Vec<String> {
        self.engine.suggest(name)
    }

    /// Bytes held by the scoring tables and priors (not the names and labels).
    #[must_use]
    pub fn table_bytes(&self) -> usize {
        self.engine.core.table_bytes()
    }

    /// Rank every diagnosis for a resolved patient.
    pub fn rank_into(&self, patient: &ResolvedPatient, out: &mut Ranking) {
        crate::score::rank_into(&self.engine.core, patient, out);
    }

    /// Rank the `k` best diagnoses for a resolved patient (posteriors still over all of them).
    pub fn rank_top_into(&self, patient: &ResolvedPatient, k: usize, out: &mut Ranking) {
        crate::score::rank_top_into(&self.engine.core, patient, k, out);
    }

    /// Rank and return a new buffer (allocates; prefer [`Model::rank_into`] in loops).
    #[must_use]
    pub fn rank(&self, patient: &ResolvedPatient) -> Ranking {
        crate::score::rank(&self.engine.core, patient)
    }

    /// Rank many patients, keeping the top `k` of each. With the `rayon` feature the work is
    /// spread over all cores; the results are the same as [`Model::rank_top_into`] one by one.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let p = model.resolve(&Patient::new().present("osteopoikilosis"))?;
    /// let batch = model.rank_batch(&[p.clone(), p], 3);
    /// assert_eq!(batch.patient(0), batch.patient(1));
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn rank_batch(&self, patients: &[ResolvedPatient], k: usize) -> BatchRanking {
        crate::score::rank_batch(&self.engine.core, patients, k)
    }

    /// Resolve a patient. Unknown names are reported in the notes, not scored.
    ///
    /// Each patient term is one observation. A term given present together with one of its
    /// descendants is dropped: the descendant implies it, so it adds no evidence. Two terms
    /// outside the vocabulary that sit on the same vocabulary findings count once (the second
    /// adds nothing the rules can see), and an absent term under another absent term is dropped
    /// (the general absence rules it out).
    ///
    /// # Errors
    /// [`PatientError`](crate::PatientError) when a finding is given both present and absent, or an age or lab value
    /// is not a valid number or unit.
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// let p = model.resolve(&osteodx::Patient::new().present("macrocefaly"))?;
    /// assert_eq!(p.notes.unknown[0].suggestions[0], "macrocephaly");
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn resolve(&self, patient: &Patient) -> Result<ResolvedPatient, Error> {
        crate::resolve::resolve(&self.engine, patient)
    }

    /// [`Model::resolve`] within `limits` on the number of the patient's terms.
    ///
    /// # Errors
    /// As [`Model::resolve`]; [`PatientError::TooLarge`](crate::PatientError::TooLarge) for more terms than
    /// `limits.patient_terms`.
    pub fn resolve_with(&self, patient: &Patient, limits: &Limits) -> Result<ResolvedPatient, Error> {
        crate::resolve::resolve_with(&self.engine, patient, limits)
    }

    /// Resolve a patient, making any unknown name an error.
    ///
    /// # Errors
    /// As [`Model::resolve`], and [`PatientError::UnknownFinding`](crate::PatientError::UnknownFinding) for the first unknown name.
    pub fn resolve_strict(&self, patient: &Patient) -> Result<ResolvedPatient, Error> {
        crate::resolve::resolve_strict(&self.engine, patient)
    }

    /// Nearest vocabulary findings of an HPO term outside the vocabulary (empty when none).
    ///
    /// # Errors
    /// If the built-in HPO graph does not parse ([`Ontology::builtin`]).
    pub fn place_hpo(&self, term: &str) -> Result<Vec<FindingId>, Error> {
        crate::resolve::place_hpo(&self.engine, term)
    }

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
    #[must_use]
    pub fn diagnose(&self, patient: &ResolvedPatient) -> Differential<'_> {
        crate::explain::diagnose(&self.engine, patient)
    }

    /// [`Model::diagnose`] for the `k` best diagnoses only: the same posteriors, ranks, "none of
    /// these" (its rank among the `k`, or `k + 1` below them) and notes, with explanations of
    /// the `k` alone. Explaining costs the patient's observations once per diagnosis; for the
    /// thousands of diseases of the HPO catalogue and a patient of thousands of terms,
    /// explaining the ten that are shown is the difference between a second and minutes.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let p = model.resolve(&Patient::new().present("blue sclerae").present("osteopenia"))?;
    /// let (all, two) = (model.diagnose(&p), model.diagnose_top(&p, 2));
    /// assert_eq!(two.diagnoses[..], all.diagnoses[..2]);
    /// assert_eq!(two.none_of_these, all.none_of_these);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn diagnose_top(&self, patient: &ResolvedPatient, k: usize) -> Differential<'_> {
        crate::explain::diagnose_top(&self.engine, patient, k)
    }

    /// The explanation of one diagnosis and its total in units.
    #[must_use]
    pub fn explain(&self, patient: &ResolvedPatient, d: DiagnosisId) -> (Explanation<'_>, i64) {
        crate::explain::explain(&self.engine, patient, d)
    }

    /// How many of the patient's present clinical findings a rule of diagnosis `d` explains at
    /// some level of the hierarchy (its own finding, an ancestor or a descendant, an `against`
    /// rule included); findings no rule of `d` matches take the false-positive value. Genes,
    /// context (age, sex, family history) and absent findings are not counted.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("HP:0010739").present("HP:0000365"))?;
    /// let d = model.diagnosis_index("osteopoikilosis").unwrap();
    /// let coverage = model.rule_coverage(&patient, d);
    /// assert_eq!(coverage.findings, 2);
    /// assert!(coverage.explained >= 1);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn rule_coverage(&self, patient: &ResolvedPatient, d: DiagnosisId) -> Coverage {
        crate::explain::rule_coverage(&self.engine, patient, d)
    }

    /// The total of one diagnosis in units, without building the explanation.
    #[must_use]
    pub fn units(&self, patient: &ResolvedPatient, d: DiagnosisId) -> i64 {
        crate::explain::units(&self.engine, patient, d)
    }

    /// A readable name for an evidence id.
    #[must_use]
    pub fn describe(&self, e: EvidenceId) -> &str {
        crate::explain::describe(&self.engine, e)
    }

    /// P(finding present | diagnosis) as the compiled rules imply it: from the values of the
    /// finding's present and absent rows for the diagnosis, q = b·LR+ / (b·LR+ + (1 − b)·LR−)
    /// with b its background ([`Model::background_frequency`]). For the finding of a rule without
    /// an explicit `lr` and without rules below it, this is the rule's frequency; where no rule
    /// of the diagnosis matches, the false-positive rate. Out-of-range ids give the background.
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// let blue = model.lookup("blue sclerae").unwrap();
    /// let oi = model.diagnosis_index("osteogenesis_imperfecta").unwrap();
    /// let adult = model.diagnosis_index("adult").unwrap();
    /// assert!(model.finding_frequency(blue, oi) > 0.5);
    /// assert!(model.finding_frequency(blue, adult) < 0.05);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn finding_frequency(&self, f: FindingId, d: DiagnosisId) -> f64 {
        crate::next_findings::finding_frequency(&self.engine, f, d)
    }

    /// P(finding present | some other skeletal disorder): the finding's background, clamped as
    /// the compiler clamps it.
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// let f = model.lookup("bone fracture").unwrap();
    /// assert!(model.background_frequency(f) > 0.0 && model.background_frequency(f) < 1.0);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn background_frequency(&self, f: FindingId) -> f64 {
        crate::next_findings::background_frequency(&self.engine, f)
    }

    /// The `query.k` findings not yet examined whose answer would most reduce the uncertainty of
    /// the differential (see [`NextFinding`](crate::report::NextFinding)), best first, each
    /// with the posterior after either answer and the groups it separates.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// use osteodx::report::NextQuery;
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("generalized osteosclerosis").onset_years(4.0))?;
    /// let next = model.next_findings(&patient, &NextQuery::top(3));
    /// assert_eq!(next.len(), 3);
    /// assert!(next[0].information_gain_bits >= next[1].information_gain_bits);
    /// assert!(next.iter().all(|n| n.id != "generalized_osteosclerosis"));
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn next_findings(&self, patient: &ResolvedPatient, query: &NextQuery) -> Vec<NextFinding<'_>> {
        crate::next_findings::next_findings(&self.engine, &self.predictive, patient, query)
    }

    /// The expected information gain (bits) of every candidate finding, by finding: the
    /// unranked values [`Model::next_findings`] chooses from (findings that are no candidate are
    /// left out).
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("osteosclerosis"))?;
    /// let gains = model.information_gains(&patient);
    /// assert!(gains.iter().all(|&(_, g)| g >= 0.0));
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn information_gains(&self, patient: &ResolvedPatient) -> Vec<(FindingId, f64)> {
        crate::next_findings::information_gains(&self.engine, &self.predictive, patient)
    }

    /// The margin of the first of the differential and the fewest findings that change it (see
    /// [`Robustness`](crate::report::Robustness)).
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("blue sclerae").present("recurrent fractures"))?;
    /// let r = model.robustness(&patient);
    /// assert_eq!(r.first, "osteogenesis_imperfecta");
    /// assert!(r.margin_log10 > 0.0);
    /// // Without its findings the differential falls back to the priors.
    /// assert!(r.removal.is_some());
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn robustness(&self, patient: &ResolvedPatient) -> Robustness {
        crate::robustness::robustness(&self.engine, patient)
    }

    /// The posterior of the first of the differential under `samples` perturbations of every
    /// rule's weight (see [`Robustness`](crate::report::Robustness)); the same seed gives the
    /// same result.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("blue sclerae").present("recurrent fractures"))?;
    /// let s = model.sensitivity(&patient, 4, 1);
    /// assert_eq!(s.first, "osteogenesis_imperfecta");
    /// assert!(s.low <= s.posterior && s.posterior <= s.high);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn sensitivity(&self, patient: &ResolvedPatient, samples: usize, seed: u64) -> Sensitivity {
        crate::robustness::sensitivity(&self.engine, patient, samples, seed)
    }

    /// Write the compiled model: its knowledge base, constants, tables and ontology, under
    /// `key` (what it was compiled from) with a `note` to read back. The format and its checks:
    ///
    /// Compiling the whole HPO catalogue (parse `hp.obo` and `phenotype.hpoa`, validate 150,000
    /// rules, propagate them up the ontology) takes about a second; reading its compiled form
    /// takes a fraction of that, and never holds the source texts or the rule definitions in
    /// memory. [`Catalogue::compiled`](crate::catalogue::Catalogue::compiled) uses it as a cache.
    ///
    /// A compiled file holds a **key** (a text naming what it was compiled from, chosen by the
    /// writer: [`Catalogue`](crate::catalogue::Catalogue) puts the hashes of the source files and
    /// every option and constant there) and a **note** (any text the writer wants back, such as
    /// counts). Reading with an expected key gives [`CompiledFileError::Stale`] when the keys
    /// differ, before the rest is read.
    ///
    /// # Layout (format 1)
    ///
    /// ```text
    /// "OSTEODXM"  u32 format  u32 len, key  u32 len, note        (little-endian throughout)
    /// u64 len, postcard body: constants, findings, diagnoses, gene backgrounds, gene symbols,
    ///          ontology (or none), table shape
    /// 10 arrays of the tables, each u64 count then the raw values
    /// u64 xxh3 of every byte before it
    /// ```
    ///
    /// Reading checks the magic, the format, the key, the checksum (the last bytes of the file:
    /// a byte after it is damage), and then everything a damaged
    /// file could break: the knowledge base's ids, indices, cycles and weights
    /// ([`KnowledgeBase`]) and the tables' shape, indices and values, so that scoring a model read
    /// back can never go out of bounds. Lengths in the file never decide an allocation ahead of
    /// the data: a false length ends in an error, not in a large allocation.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let mut bytes = Vec::new();
    /// model.write_compiled(&mut bytes, "builtin", "a note")?;
    /// let (again, note) = Model::read_compiled(&bytes[..], Some("builtin"), &Default::default())?;
    /// assert_eq!(note, "a note");
    /// let patient = Patient::new().present("macrocephaly").present("pancytopenia");
    /// let (a, b) = (model.resolve(&patient)?, again.resolve(&patient)?);
    /// assert_eq!(model.diagnose(&a).diagnoses, again.diagnose(&b).diagnoses);
    /// // Another key: stale.
    /// assert!(Model::read_compiled(&bytes[..], Some("other"), &Default::default()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// An I/O error of the writer.
    pub fn write_compiled(&self, writer: impl Write, key: &str, note: &str) -> io::Result<()> {
        crate::model_file::write_compiled(&self.engine, writer, key, note)
    }

    /// Read a model written by [`Model::write_compiled`], and its note. With `key`, a file
    /// written under another key is [`CompiledFileError::Stale`]. The file's size is held to
    /// [`Limits::compiled_bytes`] (never read past), its numbers of findings, diagnoses and rules
    /// to the limits on rule sets.
    ///
    /// # Errors
    /// [`CompiledFileError`]: not a compiled model, another format, stale, damaged (checked as
    /// [`Model::write_compiled`] says), too large, or an I/O error.
    pub fn read_compiled(
        reader: impl Read,
        key: Option<&str>,
        limits: &Limits,
    ) -> Result<(Model, String), CompiledFileError> {
        crate::model_file::read_compiled(reader, key, limits).map(|(e, note)| (Self::from_engine(e), note))
    }

    /// [`Model::write_compiled`] to a file, made whole or not at all: written beside it, then
    /// renamed over it.
    ///
    /// # Errors
    /// [`Error::Compiled`] naming the file, with the I/O error.
    pub fn save_compiled(&self, path: impl AsRef<Path>, key: &str, note: &str) -> Result<(), Error> {
        crate::model_file::save_compiled(&self.engine, path, key, note)
    }

    /// [`Model::read_compiled`] from a file.
    ///
    /// # Errors
    /// [`Error::Compiled`] naming the file, with the [`CompiledFileError`].
    pub fn open_compiled(path: impl AsRef<Path>, key: Option<&str>, limits: &Limits) -> Result<(Model, String), Error> {
        crate::model_file::open_compiled(path, key, limits).map(|(e, note)| (Self::from_engine(e), note))
    }
}
