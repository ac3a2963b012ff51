//! Synthetic patients sampled from a knowledge base, for sensitivity studies, and simulated
//! question loops ([`questions_to_reach`]).
//!
//! For each patient a diagnosis of the differential (not a look-alike) is drawn uniformly. Each of its clinical rules (not `against`)
//! is then kept with probability equal to its frequency; one value is drawn per context kind
//! (onset, age, sex, history) in proportion to the frequencies of that kind's rules. Then the
//! documented noise: each kept clinical finding is dropped with probability `drop`, or replaced
//! by one of its parents with probability `imprecision`; and 0 to `max_unrelated` clinical
//! findings that the diagnosis has no rule on are added. At most `max_findings` clinical findings
//! are kept (a random subset). A fixed seed reproduces a run.
//!
//! ```
//! use osteodx::research::simulate::{simulate, SimulationConfig};
//! use osteodx::KnowledgeBase;
//! let kb = KnowledgeBase::builtin()?;
//! let a = simulate(&kb, 20, &SimulationConfig::default());
//! let b = simulate(&kb, 20, &SimulationConfig::default());
//! assert_eq!(a, b);
//! # Ok::<(), osteodx::Error>(())
//! ```

use crate::id::{DiagnosisId, FindingId};
use crate::knowledge::KnowledgeBase;
use crate::model::Model;
use crate::next_findings::NextQuery;
use crate::patient::Patient;
pub use crate::rng::SplitMix64;
use crate::rule_file::FindingKind;
use crate::score::Ranking;

/// Noise and size settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SimulationConfig {
    /// Seed of the generator.
    pub seed: u64,
    /// Probability that a sampled clinical finding is dropped.
    pub drop: f64,
    /// Probability that a kept clinical finding is replaced by a parent.
    pub imprecision: f64,
    /// Largest number of unrelated findings added (uniform from 0).
    pub max_unrelated: usize,
    /// Largest number of clinical findings kept.
    pub max_findings: usize,
    /// Sample context (onset, age at examination, sex, family history).
    pub context: bool,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        Self {
            seed: 20_250_309,
            drop: 0.1,
            imprecision: 0.3,
            max_unrelated: 2,
            max_findings: 15,
            context: true,
        }
    }
}

/// One synthetic patient and its true diagnosis.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedCase {
    /// The diagnosis it was sampled from.
    pub truth: String,
    /// The patient (findings by id).
    pub patient: Patient,
}

/// Generate `n` synthetic patients.
#[must_use]
pub fn simulate(kb: &KnowledgeBase, n: usize, config: &SimulationConfig) -> Vec<SimulatedCase> {
    let mut rng = SplitMix64::new(config.seed);
    let findings: Vec<_> = kb.findings().iter().collect();
    let clinical: Vec<usize> = (0..findings.len())
        .filter(|&i| !findings[i].kind.is_context())
        .collect();
    let diagnoses: Vec<_> = kb.diagnoses().iter().filter(|d| !d.lookalike).collect();
    let mut out = Vec::with_capacity(n);
    if diagnoses.is_empty() {
        return out;
    }
    for _ in 0..n {
        let d = diagnoses[rng.below(diagnoses.len())];
        let mut chosen: Vec<usize> = Vec::new();
        for r in d
            .rules
            .iter()
            .filter(|r| !r.against && !findings[r.finding].kind.is_context())
        {
            if rng.unit() < r.frequency && rng.unit() >= config.drop {
                let mut f = r.finding;
                let parents = &findings[f].parents;
                if !parents.is_empty() && rng.unit() < config.imprecision {
                    f = parents[rng.below(parents.len())];
                }
                chosen.push(f);
            }
        }
        let unrelated = rng.below(config.max_unrelated + 1);
        let mut tries = 0;
        let mut added = 0;
        while added < unrelated && tries < 100 && !clinical.is_empty() {
            tries += 1;
            let f = clinical[rng.below(clinical.len())];
            if !d.rules.iter().any(|r| r.finding == f) && !chosen.contains(&f) {
                chosen.push(f);
                added += 1;
            }
        }
        while chosen.len() > config.max_findings {
            let i = rng.below(chosen.len());
            chosen.swap_remove(i);
        }
        chosen.sort_unstable();
        chosen.dedup();
        let mut patient = Patient {
            present: chosen.iter().map(|&f| findings[f].id.clone()).collect(),
            ..Patient::default()
        };
        if config.context {
            for kind in [
                FindingKind::Onset,
                FindingKind::Age,
                FindingKind::Sex,
                FindingKind::History,
            ] {
                let rules: Vec<_> = d.rules.iter().filter(|r| findings[r.finding].kind == kind).collect();
                let total: f64 = rules.iter().map(|r| r.frequency).sum();
                if total <= 0.0 {
                    continue;
                }
                // History items are independent; the others are one value each.
                if kind == FindingKind::History {
                    for r in &rules {
                        if rng.unit() < r.frequency {
                            patient.present.push(findings[r.finding].id.clone());
                        }
                    }
                    continue;
                }
                let mut x = rng.unit() * total;
                for r in &rules {
                    x -= r.frequency;
                    if x < 0.0 {
                        patient.present.push(findings[r.finding].id.clone());
                        break;
                    }
                }
            }
        }
        out.push(SimulatedCase {
            truth: d.id.clone(),
            patient,
        });
    }
    out
}

/// A synthetic knowledge base for scale tests and benchmarks: `n_findings` findings (each
/// with a random earlier finding as parent, half of the time), `n_diagnoses` diagnoses with
/// `rules_per_diagnosis` rules on random findings (frequencies uniform in 0.05–0.95), one gene
/// each, prevalence uniform in 1e-7–1e-4. Deterministic for a seed.
///
/// ```
/// let kb = osteodx::research::simulate::synthetic_knowledge_base(100, 500, 10, 7)?;
/// assert_eq!(kb.diagnoses().len(), 100);
/// # Ok::<(), osteodx::Error>(())
/// ```
/// # Errors
/// None in practice: the generator only makes valid rules; the result is checked all the same.
pub fn synthetic_knowledge_base(
    n_diagnoses: usize,
    n_findings: usize,
    rules_per_diagnosis: usize,
    seed: u64,
) -> Result<KnowledgeBase, crate::Error> {
    use crate::load::{RuleSet, SourceFile};
    use crate::rule_file::{
        unspanned, DiagnosisDef, FindingDef, Frequency, GeneDef, Inheritance, RuleDef, RuleFile, Zygosity,
    };
    let s = unspanned::<String>;
    let mut rng = SplitMix64::new(seed);
    let n_findings = n_findings.max(1);
    let mut vocabulary = RuleFile::default();
    for i in 0..n_findings {
        let parents = if i > 0 && rng.unit() < 0.5 {
            vec![s(format!("f{}", rng.below(i)))]
        } else {
            Vec::new()
        };
        vocabulary.finding.push(FindingDef {
            id: s(format!("f{i}")),
            label: format!("Finding {i}"),
            hpo: None,
            kind: FindingKind::Phenotype,
            synonyms: Vec::new(),
            parents,
            specific: false,
            background: Some(unspanned(0.01 + 0.2 * rng.unit())),
            background_source: None,
            examination: None,
            cost: None,
        });
    }
    let mut files = vec![SourceFile {
        path: "synthetic/findings.toml".into(),
        text: String::new(),
        rules: vocabulary,
        layer: 0,
    }];
    for d in 0..n_diagnoses {
        let mut used = std::collections::BTreeSet::new();
        while used.len() < rules_per_diagnosis.min(n_findings) {
            used.insert(rng.below(n_findings));
        }
        let rule = used
            .into_iter()
            .map(|f| RuleDef {
                finding: s(format!("f{f}")),
                frequency: Some(unspanned(Frequency::Number(0.05 + 0.9 * rng.unit()))),
                lr: None,
                against: false,
                source: None,
                remove: false,
            })
            .collect();
        let rules = RuleFile {
            diagnosis: Some(DiagnosisDef {
                id: s(format!("d{d}")),
                name: format!("Diagnosis {d}"),
                synonyms: Vec::new(),
                inheritance: Inheritance::Mixed,
                lookalike: false,
                onset: None,
                prevalence: unspanned(1e-7 + 1e-4 * rng.unit()),
                prevalence_source: None,
                omim: Vec::new(),
                orphanet: Vec::new(),
                subtype: Vec::new(),
                gene: Vec::new(),
                rule: Vec::new(),
            }),
            gene: vec![GeneDef {
                symbol: s(format!("G{d}")),
                zygosity: Zygosity::Any,
                fraction: unspanned(0.5),
                source: None,
                remove: false,
            }],
            rule,
            ..RuleFile::default()
        };
        files.push(SourceFile {
            path: format!("synthetic/d{d}.toml").into(),
            text: String::new(),
            rules,
            layer: 0,
        });
    }
    KnowledgeBase::new(RuleSet { files })
}

/// How a question loop chooses the next finding to ask for ([`questions_to_reach`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Questioning {
    /// The finding of highest expected information gain ([`Model::next_findings`](crate::Model::next_findings)).
    InformationGain,
    /// The next finding in the order of the rules (diagnoses and rules in knowledge-base order)
    /// that is still open: the baseline.
    RuleOrder,
}

/// A simulated question loop: a patient of diagnosis `truth` starts with nothing known and is
/// asked one finding after another, chosen `how`; it answers present with the finding's
/// frequency in `truth` as the compiled rules imply it ([`Model::finding_frequency`](crate::Model::finding_frequency)), drawn
/// with the seed. Returns the number of questions after which the posterior of `truth` first
/// reaches `until`, or `None` when `max` questions do not get there.
///
/// ```
/// use osteodx::research::simulate::{questions_to_reach, Questioning};
/// let model = osteodx::Model::builtin()?;
/// let oi = model.diagnosis_index("osteogenesis_imperfecta").unwrap();
/// let n = questions_to_reach(&model, oi, Questioning::InformationGain, 0.9, 30, 1);
/// assert!(n.is_some_and(|n| n <= 30));
/// assert_eq!(n, questions_to_reach(&model, oi, Questioning::InformationGain, 0.9, 30, 1));
/// # Ok::<(), osteodx::Error>(())
/// ```
#[must_use]
pub fn questions_to_reach(
    model: &Model,
    truth: DiagnosisId,
    how: Questioning,
    until: f64,
    max: usize,
    seed: u64,
) -> Option<usize> {
    let mut rng = SplitMix64::new(seed);
    let kb = model.knowledge_base();
    let truth_id = model.diagnosis_id(truth).to_owned();
    let rule_order: Vec<FindingId> = {
        let mut listed = vec![false; kb.findings().len()];
        let mut order = Vec::new();
        for d in kb.diagnoses() {
            for r in &d.rules {
                if !std::mem::replace(&mut listed[r.finding], true) {
                    order.push(FindingId(r.finding as u32));
                }
            }
        }
        order
    };
    let mut patient = Patient::new();
    let mut ranking = Ranking::new(model);
    for asked in 0..=max {
        let resolved = model.resolve(&patient).ok()?;
        model.rank_into(&resolved, &mut ranking);
        let posterior = ranking
            .entries()
            .iter()
            .find(|e| model.diagnosis_id(e.diagnosis) == truth_id)
            .map_or(0.0, |e| e.posterior);
        if posterior >= until {
            return Some(asked);
        }
        if asked == max {
            break;
        }
        let next = match how {
            Questioning::InformationGain => model
                .next_findings(&resolved, &NextQuery::top(1))
                .first()
                .map(|n| n.finding),
            Questioning::RuleOrder => {
                let open: Vec<FindingId> = model.information_gains(&resolved).into_iter().map(|(f, _)| f).collect();
                rule_order.iter().copied().find(|f| open.contains(f))
            }
        };
        let f = next?;
        let id = model.finding_id(f).to_owned();
        patient = if rng.unit() < model.finding_frequency(f, truth) {
            patient.present(id)
        } else {
            patient.absent(id)
        };
    }
    None
}
