//! The compiled model: flat scoring tables plus the name indexes used to resolve patients.
//!
//! A [`Model`] is immutable, `Send + Sync`, and cheap to share (`Arc`). Scoring is in
//! [`score`](crate::score); resolving a patient into evidence ids is in
//! [`resolve`](crate::resolve).

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::compile::{absent_offsets, compile, false_positive_shifts, Hierarchy};
use crate::config::ScoringConfig;
use crate::id::{DiagnosisId, FindingId};
use crate::knowledge::KnowledgeBase;
use crate::names::normalize;
use crate::ontology::Ontology;
use crate::tables::Tables;

/// Normalised name (id, label, synonym) → finding, and HPO id → finding.
#[derive(Debug, Clone, Default)]
struct NameIndex {
    names: HashMap<String, u32>,
    hpo: HashMap<String, u32>,
    /// (normalised, original) for every id, label and synonym, in file order: "did you mean".
    all: Vec<(String, String)>,
}

/// The priors in log10: each diagnosis's, and the background part of "none of these".
///
/// A diagnosis of the differential weighs prevalence^γ. "None of these" weighs ρ times their sum:
/// a share β of it is the background, the rest is shared by the look-alikes in proportion to their
/// prevalence^γ.
pub(crate) fn priors(kb: &KnowledgeBase, config: &ScoringConfig) -> (Vec<f64>, f64) {
    let gamma = config.prior_exponent;
    let weight: Vec<f64> = kb.diagnoses().iter().map(|d| gamma * d.prevalence.log10()).collect();
    let sum = |lookalike: bool| -> f64 {
        kb.diagnoses()
            .iter()
            .zip(&weight)
            .filter(|(d, _)| d.lookalike == lookalike)
            .map(|(_, w)| 10f64.powf(*w))
            .sum()
    };
    let (differential, lookalikes) = (sum(false), sum(true));
    let none = config.none_prior_ratio * differential.max(f64::MIN_POSITIVE);
    let share = if lookalikes > 0.0 { config.background_share } else { 1.0 };
    let scale = ((1.0 - share) * none / lookalikes.max(f64::MIN_POSITIVE))
        .max(f64::MIN_POSITIVE)
        .log10();
    let log_prior = kb
        .diagnoses()
        .iter()
        .zip(&weight)
        .map(|(d, w)| if d.lookalike { w + scale } else { *w })
        .collect();
    (log_prior, (share * none).max(f64::MIN_POSITIVE).log10())
}

/// The diagnoses grouped by the shift of their false-positive value, in order of first
/// appearance: one group when no diagnosis is shifted.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShiftGroups {
    /// Each group's shift in units.
    pub shift: Vec<i32>,
    /// Each group's summed prior of the diagnoses of the differential.
    pub prior: Vec<f64>,
    /// Each group's summed prior of the look-alikes.
    pub lookalike_prior: Vec<f64>,
    /// log10 of each group's summed prior of all its diagnoses.
    pub log_total: Vec<f64>,
    /// The diagnoses of the differential of group g are `members[start[g]..start[g + 1]]`, by
    /// prior, highest first, ties by index.
    pub start: Vec<u32>,
    pub members: Vec<u32>,
}

impl ShiftGroups {
    /// The groups of these shifts; `prior_order` lists the diagnoses of the differential by prior.
    fn new(fp_shift: &[i32], prior: &[f64], prior_order: &[u32]) -> (Self, Vec<u32>) {
        let mut groups = Self::default();
        let mut group_of = Vec::with_capacity(fp_shift.len());
        for &s in fp_shift {
            let g = groups.shift.iter().position(|&x| x == s).unwrap_or_else(|| {
                groups.shift.push(s);
                groups.shift.len() - 1
            });
            group_of.push(g as u32);
        }
        let n = groups.shift.len();
        let mut all = vec![0.0; n];
        groups.prior = vec![0.0; n];
        for &d in prior_order {
            groups.prior[group_of[d as usize] as usize] += prior[d as usize];
        }
        for (d, &p) in prior.iter().enumerate() {
            all[group_of[d] as usize] += p;
        }
        // The look-alikes' part as the difference, as the priors were summed before groups.
        groups.lookalike_prior = all.iter().zip(&groups.prior).map(|(a, p)| a - p).collect();
        groups.log_total = groups
            .prior
            .iter()
            .zip(&groups.lookalike_prior)
            .map(|(p, l)| (p + l).max(f64::MIN_POSITIVE).log10())
            .collect();
        let mut count = vec![0u32; n + 1];
        for &d in prior_order {
            count[group_of[d as usize] as usize + 1] += 1;
        }
        for g in 0..n {
            count[g + 1] += count[g];
        }
        groups.start.clone_from(&count);
        groups.members = vec![0; prior_order.len()];
        for &d in prior_order {
            let slot = &mut count[group_of[d as usize] as usize];
            groups.members[*slot as usize] = d;
            *slot += 1;
        }
        (groups, group_of)
    }
}

/// What a later stage derives from a model on first use and keeps with it (the names of
/// explanations, the predictive frequencies of "what to examine next"). The model holds it
/// without naming its type, so that it imports no later stage; each stage has its own slot and
/// puts one type there.
#[derive(Clone, Default)]
pub(crate) struct Derived(OnceLock<Arc<dyn Any + Send + Sync>>);

impl Derived {
    /// The value of this slot, made by `make` on first use; `None` only if the slot was first
    /// filled with another type (each slot is used by one stage with one type, so never).
    pub(crate) fn get_or_init<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Option<&T> {
        self.0.get_or_init(|| Arc::new(make())).downcast_ref()
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Derived(made)"
        } else {
            "Derived(not yet)"
        })
    }
}

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
    pub(crate) kb: Arc<KnowledgeBase>,
    pub(crate) config: ScoringConfig,
    pub(crate) tables: Tables,
    /// The finding hierarchy (transitive closure), used to drop implied observations.
    pub(crate) hierarchy: Arc<Hierarchy>,
    /// log10 of each diagnosis's prior weight (prevalence^γ).
    pub(crate) log_prior: Vec<f64>,
    /// Each diagnosis's prior weight.
    pub(crate) prior: Vec<f64>,
    /// Diagnoses of the differential by prior, highest first, ties by index: the untouched ones
    /// rank this way when no observation carries a false-positive shift.
    pub(crate) prior_order: Vec<u32>,
    /// Per diagnosis: the shift of its false-positive value in units
    /// ([`ScoringConfig::false_positive_shift`]; all 0 unless `annotation_exponent` is set).
    pub(crate) fp_shift: Vec<i32>,
    /// True when some diagnosis's shift is not 0 (otherwise no observation carries one).
    pub(crate) has_shift: bool,
    /// Per diagnosis: its shift group (an index into `groups`).
    pub(crate) shift_group: Vec<u32>,
    /// The diagnoses grouped by their shift, so that the untouched ones' mass is summed per group.
    pub(crate) groups: ShiftGroups,
    /// Sparse tables: per finding and shift group, what a diagnosis of the group without a rule
    /// on the finding adds to the absent row's default ([`absent_offsets`]: `finding ×
    /// groups + group`); empty when there is nothing to add.
    pub(crate) absent_offset: Vec<i32>,
    /// Which diagnoses are look-alikes (their posterior counts towards "none of these").
    pub(crate) lookalike: Vec<bool>,
    /// 0..n: the touched list of dense scoring, where every diagnosis is touched.
    pub(crate) all_diagnoses: Vec<u32>,
    /// log10 of the prior of the background part of "none of these".
    pub(crate) log_prior_none: f64,
    /// Normalised name (id, label, synonym) → finding.
    /// Made on first use (resolution), so that compiling stays cheap.
    names: OnceLock<NameIndex>,
    /// Gene symbol → gene index of the tables.
    pub(crate) genes: HashMap<String, u32>,
    pub(crate) ontology: Option<Arc<Ontology>>,
    /// Names for explanations, made on first use by the explanation stage.
    pub(crate) explain_names: Derived,
    /// The predictive frequencies of "what to examine next", made on first use by that stage.
    pub(crate) predictive: Derived,
}

impl Model {
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
        let config = config.sanitized();
        let hierarchy = Arc::new(Hierarchy::new(&kb));
        let tables = compile(&kb, &config, &hierarchy);
        Self::assemble(kb, config, tables, hierarchy)
    }

    /// A model from its compiled parts (what [`Model::build`] makes, or what a compiled file
    /// holds): the priors and indexes are worked out here. `config` must be sanitized.
    pub(crate) fn assemble(
        kb: Arc<KnowledgeBase>,
        config: ScoringConfig,
        tables: Tables,
        hierarchy: Arc<Hierarchy>,
    ) -> Self {
        let (log_prior, log_prior_none) = priors(&kb, &config);
        let prior: Vec<f64> = log_prior.iter().map(|l| 10f64.powf(*l)).collect();
        let lookalike: Vec<bool> = kb.diagnoses().iter().map(|d| d.lookalike).collect();
        let mut prior_order: Vec<u32> = (0..prior.len() as u32).filter(|&d| !lookalike[d as usize]).collect();
        prior_order.sort_by(|&a, &b| prior[b as usize].total_cmp(&prior[a as usize]).then(a.cmp(&b)));
        let fp_shift = false_positive_shifts(&kb, &config);
        let (groups, shift_group) = ShiftGroups::new(&fp_shift, &prior, &prior_order);
        let absent_offset = if tables.is_dense() {
            Vec::new()
        } else {
            absent_offsets(&kb, &config, &tables, &groups.shift)
        };
        let genes = tables
            .gene_symbols
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        Self {
            kb,
            config,
            tables,
            hierarchy,
            log_prior,
            prior,
            prior_order,
            has_shift: fp_shift.iter().any(|&s| s != 0),
            fp_shift,
            shift_group,
            groups,
            absent_offset,
            all_diagnoses: (0..lookalike.len() as u32).collect(),
            lookalike,
            log_prior_none,
            names: OnceLock::new(),
            genes,
            ontology: None,
            explain_names: Derived::default(),
            predictive: Derived::default(),
        }
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
        self.ontology = Some(ontology);
        self
    }

    /// The ontology used to place HPO terms: the one given, or the built-in HPO graph.
    ///
    /// # Errors
    /// If the built-in graph does not parse ([`Ontology::builtin`]).
    pub fn ontology(&self) -> Result<&Ontology, crate::Error> {
        match &self.ontology {
            Some(o) => Ok(o),
            None => Ontology::builtin(),
        }
    }

    /// The knowledge base this model was compiled from.
    pub fn knowledge_base(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// The constants it was compiled with.
    pub fn config(&self) -> &ScoringConfig {
        &self.config
    }

    /// Number of diagnoses, look-alikes included.
    pub fn n_diagnoses(&self) -> usize {
        self.prior.len()
    }

    /// Number of diagnoses of the differential (look-alikes excluded): the length of a full
    /// ranking.
    pub fn n_ranked(&self) -> usize {
        self.prior_order.len()
    }

    /// True when the diagnosis is a look-alike whose posterior counts towards "none of these".
    pub fn is_lookalike(&self, d: DiagnosisId) -> bool {
        self.lookalike.get(d.index()).copied().unwrap_or(false)
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
        self.kb.diagnosis_index(id).map(|i| DiagnosisId(i as u32))
    }

    /// A diagnosis's id string.
    pub fn diagnosis_id(&self, d: DiagnosisId) -> &str {
        self.kb.diagnoses().get(d.index()).map_or("", |x| x.id.as_str())
    }

    /// A finding's id string.
    pub fn finding_id(&self, f: FindingId) -> &str {
        self.kb.findings().get(f.0 as usize).map_or("", |x| x.id.as_str())
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
        let trimmed = name.trim();
        let index = self.name_index();
        if let Some(&i) = index.hpo.get(trimmed) {
            return Some(FindingId(i));
        }
        index.names.get(&normalize(trimmed)).map(|&i| FindingId(i))
    }

    /// The up to three known names nearest to `name` (ids, labels and synonyms).
    ///
    /// ```
    /// let model = osteodx::Model::builtin()?;
    /// assert_eq!(model.suggest("macrocefaly")[0], "macrocephaly");
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn suggest(&self, name: &str) -> Vec<String> {
        let all = &self.name_index().all;
        crate::names::nearest_normalized(name, all.iter().map(|(n, o)| (n.as_str(), o.as_str())))
    }

    /// The finding with this HPO id, if the vocabulary has it.
    pub(crate) fn hpo_finding(&self, hpo: &str) -> Option<u32> {
        self.name_index().hpo.get(hpo).copied()
    }

    /// The name indexes, made once on first use. A name shared by two findings (a synonym)
    /// resolves to the first in file order.
    fn name_index(&self) -> &NameIndex {
        self.names.get_or_init(|| {
            let mut names = HashMap::new();
            let mut hpo = HashMap::new();
            let mut all = Vec::new();
            for (i, f) in self.kb.findings().iter().enumerate() {
                let i = i as u32;
                for name in std::iter::once(&f.id)
                    .chain(std::iter::once(&f.label))
                    .chain(f.synonyms.iter())
                {
                    let norm = normalize(name);
                    all.push((norm.clone(), name.clone()));
                    names.entry(norm).or_insert(i);
                }
                if let Some(h) = &f.hpo {
                    hpo.insert(h.clone(), i);
                }
            }
            NameIndex { names, hpo, all }
        })
    }

    /// Bytes held by the scoring tables and priors (not the names and labels).
    #[must_use]
    pub fn table_bytes(&self) -> usize {
        let t = &self.tables;
        4 * (t.default.len() + t.fallback.len() + t.offsets.len() + t.post_diag.len() + t.post_value.len())
            + t.post_kind.len()
            + 4 * (t.post_via.len() + t.dense_index.len() + t.dense.len())
            + 8 * (self.log_prior.len() + self.prior.len())
            + 4 * (self.prior_order.len() + self.fp_shift.len() + self.shift_group.len())
    }
}
