//! The compiled engine: what every stage after compilation reads — the knowledge base, the
//! scoring core, the finding hierarchy and the vocabulary (names, HPO ids and gene symbols to
//! ids, and the ontology that places HPO terms outside it).
//!
//! It is crate-private: the stages after it (resolve, score, explain, next findings,
//! robustness) are types and functions that take an `&Engine`, and the public
//! [`Model`](crate::Model) is a facade over one.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::compile::{compile, scoring_core, Hierarchy};
use crate::config::ScoringConfig;
use crate::id::{DiagnosisId, EvidenceId, FindingId};
use crate::knowledge::KnowledgeBase;
use crate::names::normalize;
use crate::ontology::Ontology;
use crate::scoring_core::ScoringCore;
use crate::tables::{Row, Tables};

/// Normalised name (id, label, synonym) → finding, and HPO id → finding.
#[derive(Debug, Clone, Default)]
struct NameIndex {
    names: HashMap<String, u32>,
    hpo: HashMap<String, u32>,
    /// (normalised, original) for every id, label and synonym, in file order: "did you mean".
    all: Vec<(String, String)>,
}

/// Names for explanations, made once per engine; results borrow them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExplainNames {
    /// A readable name per evidence row.
    pub evidence: Vec<String>,
    /// Per diagnosis: its clinical, non-against rules at or above the expected threshold,
    /// most frequent first (file order for ties).
    pub expected: Vec<Vec<(u32, f64)>>,
}

/// A compiled knowledge base (see the module's doc).
#[derive(Debug, Clone)]
pub(crate) struct Engine {
    pub kb: Arc<KnowledgeBase>,
    /// The scoring core: tables, priors, shifts, and the value of an observation.
    pub core: ScoringCore,
    /// The finding hierarchy (transitive closure), used to drop implied observations.
    pub hierarchy: Arc<Hierarchy>,
    /// Normalised name (id, label, synonym) → finding.
    /// Made on first use (resolution), so that compiling stays cheap.
    names: OnceLock<NameIndex>,
    /// Names for explanations, made on first use.
    explain_names: OnceLock<ExplainNames>,
    /// Gene symbol → gene index of the tables.
    pub genes: HashMap<String, u32>,
    /// The ontology that places HPO terms outside the vocabulary; `None`: the built-in graph.
    pub ontology: Option<Arc<Ontology>>,
}

impl Engine {
    /// Compile a knowledge base with these constants (sanitized here).
    pub(crate) fn build(kb: Arc<KnowledgeBase>, config: ScoringConfig) -> Self {
        let config = config.sanitized();
        let hierarchy = Arc::new(Hierarchy::new(&kb));
        let tables = compile(&kb, &config, &hierarchy);
        Self::assemble(kb, config, tables, hierarchy)
    }

    /// An engine from its compiled parts (what [`Engine::build`] makes, or what a compiled file
    /// holds): the scoring core and the indexes are worked out here. `config` must be sanitized.
    pub(crate) fn assemble(
        kb: Arc<KnowledgeBase>,
        config: ScoringConfig,
        tables: Tables,
        hierarchy: Arc<Hierarchy>,
    ) -> Self {
        let genes = tables
            .gene_symbols
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        let core = scoring_core(&kb, config, tables);
        Self {
            kb,
            core,
            hierarchy,
            names: OnceLock::new(),
            explain_names: OnceLock::new(),
            genes,
            ontology: None,
        }
    }

    /// The constants it was compiled with.
    pub(crate) fn config(&self) -> &ScoringConfig {
        &self.core.config
    }

    /// The ontology used to place HPO terms: the one given, or the built-in HPO graph.
    pub(crate) fn ontology(&self) -> Result<&Ontology, crate::Error> {
        match &self.ontology {
            Some(o) => Ok(o),
            None => Ontology::builtin(),
        }
    }

    /// Number of diagnoses, look-alikes included.
    pub(crate) fn n_diagnoses(&self) -> usize {
        self.core.n_diagnoses()
    }

    /// Number of diagnoses of the differential.
    pub(crate) fn n_ranked(&self) -> usize {
        self.core.n_ranked()
    }

    /// The dense id of a diagnosis, by its id string.
    pub(crate) fn diagnosis_index(&self, id: &str) -> Option<DiagnosisId> {
        self.kb.diagnosis_index(id).map(|i| DiagnosisId(i as u32))
    }

    /// A diagnosis's id string ("" beyond the table).
    pub(crate) fn diagnosis_id(&self, d: DiagnosisId) -> &str {
        self.kb.diagnoses().get(d.index()).map_or("", |x| x.id.as_str())
    }

    /// A finding's id string ("" beyond the table).
    pub(crate) fn finding_id(&self, f: FindingId) -> &str {
        self.kb.findings().get(f.0 as usize).map_or("", |x| x.id.as_str())
    }

    /// Look a finding up by id, HPO id, label or synonym (case-insensitive).
    pub(crate) fn lookup(&self, name: &str) -> Option<FindingId> {
        let trimmed = name.trim();
        let index = self.name_index();
        if let Some(&i) = index.hpo.get(trimmed) {
            return Some(FindingId(i));
        }
        index.names.get(&normalize(trimmed)).map(|&i| FindingId(i))
    }

    /// The up to three known names nearest to `name` (ids, labels and synonyms).
    pub(crate) fn suggest(&self, name: &str) -> Vec<String> {
        let all = &self.name_index().all;
        crate::names::nearest_normalized(name, all.iter().map(|(n, o)| (n.as_str(), o.as_str())))
    }

    /// The finding with this HPO id, if the vocabulary has it.
    pub(crate) fn hpo_finding(&self, hpo: &str) -> Option<u32> {
        self.name_index().hpo.get(hpo).copied()
    }

    /// Names used by explanations, made once on first use.
    pub(crate) fn explain_names(&self) -> &ExplainNames {
        self.explain_names.get_or_init(|| {
            let kb = &self.kb;
            ExplainNames {
                evidence: (0..self.core.tables.layout.rows())
                    .map(|r| self.describe_row(EvidenceId(r as u32)))
                    .collect(),
                expected: kb
                    .diagnoses()
                    .iter()
                    .map(|d| {
                        let mut e: Vec<(u32, f64)> = d
                            .rules
                            .iter()
                            .filter(|r| {
                                !r.against
                                    && r.frequency >= self.core.config.expected_threshold
                                    && !kb.findings()[r.finding].kind.is_context()
                            })
                            .map(|r| (r.finding as u32, r.frequency))
                            .collect();
                        e.sort_by(|a, b| b.1.total_cmp(&a.1));
                        e
                    })
                    .collect(),
            }
        })
    }

    /// The readable name of an evidence row: `macrocephaly`, `no blue_sclerae`, `TCIRG1 (biallelic)`.
    fn describe_row(&self, e: EvidenceId) -> String {
        let id = |f: FindingId| self.finding_id(f).to_owned();
        match self.core.tables.layout.decode(e) {
            Some(Row::Present(f)) => id(f),
            Some(Row::Absent(f)) => format!("no {}", id(f)),
            Some(Row::Implied(f)) => format!("{} (by a more specific term)", id(f)),
            Some(Row::Gene(g, z)) => {
                let symbol = self
                    .core
                    .tables
                    .gene_symbols
                    .get(g as usize)
                    .map_or("?", String::as_str);
                format!("{symbol} ({})", z.as_str())
            }
            None => "?".to_owned(),
        }
    }

    /// True when the diagnosis is a look-alike whose posterior counts towards "none of these".
    pub(crate) fn is_lookalike(&self, d: DiagnosisId) -> bool {
        self.core.lookalike.get(d.index()).copied().unwrap_or(false)
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
}
