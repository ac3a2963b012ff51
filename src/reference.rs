//! A deliberately plain reference scorer: maps keyed by strings, the hierarchy walked at scoring
//! time, a full sort. It implements the model of `DESIGN.md` a second time, independently of
//! [`compile`](crate::compile), so that tests can check the compiled model against it and the
//! benchmarks can measure the speed-up in one run.
//!
//! ```
//! use osteodx::{reference::ReferenceScorer, Model, Patient};
//! let model = Model::builtin()?;
//! let reference = ReferenceScorer::new(model.knowledge_base(), *model.config());
//! let patient = model.resolve(&Patient::new().present("macrocephaly").present("anemia"))?;
//! let plain = reference.rank(&ReferenceScorer::patient_from(&model, &patient));
//! let fast = model.rank(&patient);
//! assert_eq!(plain[0].0, model.diagnosis_id(fast.entries()[0].diagnosis));
//! # Ok::<(), osteodx::Error>(())
//! ```

use std::collections::HashMap;

use crate::compile::{ScoringConfig, LOG_SCALE, ZYGOSITIES};
use crate::id::ROWS_PER_FINDING;
use crate::knowledge::KnowledgeBase;
use crate::model::Model;
use crate::resolve::ResolvedPatient;
use crate::rule_file::Zygosity;

/// A patient as the reference scorer reads it: finding ids and gene symbols as strings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferencePatient {
    /// Finding ids observed present.
    pub present: Vec<String>,
    /// Finding ids observed absent.
    pub absent: Vec<String>,
    /// Finding ids implied by a more specific HPO term outside the vocabulary.
    pub implied: Vec<String>,
    /// Genes with a variant; `None` for a gene no rule names.
    pub genes: Vec<(Option<String>, Zygosity)>,
    /// HPO terms outside the vocabulary.
    pub unplaced: usize,
}

struct RuleInfo {
    p: f64,
    lr: Option<f64>,
    against: bool,
}

/// The plain scorer.
pub struct ReferenceScorer {
    config: ScoringConfig,
    diagnoses: Vec<String>,
    lookalike: HashMap<String, bool>,
    prevalence: HashMap<String, f64>,
    rules: HashMap<String, Vec<(String, RuleInfo)>>,
    genes: HashMap<String, Vec<(String, Zygosity, f64)>>,
    background: HashMap<String, f64>,
    context: HashMap<String, bool>,
    parents: HashMap<String, Vec<String>>,
}

impl ReferenceScorer {
    /// Build from a knowledge base.
    pub fn new(kb: &KnowledgeBase, config: ScoringConfig) -> Self {
        let ids: Vec<String> = kb.findings().keys().cloned().collect();
        let mut s = Self {
            config,
            diagnoses: kb.diagnoses().keys().cloned().collect(),
            lookalike: kb.diagnoses().values().map(|d| (d.id.clone(), d.lookalike)).collect(),
            prevalence: HashMap::new(),
            rules: HashMap::new(),
            genes: HashMap::new(),
            background: HashMap::new(),
            context: HashMap::new(),
            parents: HashMap::new(),
        };
        for f in kb.findings().values() {
            s.background.insert(f.id.clone(), f.background);
            s.context.insert(f.id.clone(), f.kind.is_context());
            s.parents
                .insert(f.id.clone(), f.parents.iter().map(|&p| ids[p].clone()).collect());
        }
        for d in kb.diagnoses().values() {
            s.prevalence.insert(d.id.clone(), d.prevalence);
            let rules = d
                .rules
                .iter()
                .map(|r| {
                    (
                        ids[r.finding].clone(),
                        RuleInfo {
                            p: r.frequency,
                            lr: r.lr,
                            against: r.against,
                        },
                    )
                })
                .collect();
            s.rules.insert(d.id.clone(), rules);
            s.genes.insert(
                d.id.clone(),
                d.genes
                    .iter()
                    .map(|g| (g.symbol.clone(), g.zygosity, g.fraction))
                    .collect(),
            );
        }
        s
    }

    /// Translate a resolved patient into strings.
    pub fn patient_from(model: &Model, patient: &ResolvedPatient) -> ReferencePatient {
        let t = &model.tables;
        let mut out = ReferencePatient::default();
        for &e in patient.evidence() {
            let row = e.index();
            if row < ROWS_PER_FINDING * t.n_findings {
                let id = model
                    .finding_id(crate::id::FindingId((row / ROWS_PER_FINDING) as u32))
                    .to_owned();
                match row % ROWS_PER_FINDING {
                    0 => out.present.push(id),
                    1 => out.absent.push(id),
                    _ => out.implied.push(id),
                }
            } else if e == t.unplaced_row() {
                out.unplaced += 1;
            } else if e == t.other_gene_row() {
                out.genes.push((None, Zygosity::Any));
            } else {
                let k = row - ROWS_PER_FINDING * t.n_findings;
                out.genes.push((t.gene_symbols.get(k / 4).cloned(), ZYGOSITIES[k % 4]));
            }
        }
        out
    }

    fn clamp(&self, p: f64) -> f64 {
        p.clamp(self.config.min_probability, 1.0 - self.config.min_probability)
    }

    fn is_ancestor(&self, a: &str, b: &str) -> bool {
        self.parents
            .get(b)
            .is_some_and(|ps| ps.iter().any(|p| p == a || self.is_ancestor(a, p)))
    }

    fn rule_llr(&self, finding: &str, r: &RuleInfo) -> f64 {
        let bg = self.clamp(self.background[finding]);
        let mut llr = match r.lr {
            Some(lr) => lr.log10(),
            None => (self.clamp(r.p) / bg).log10(),
        };
        if !r.against && !self.context[finding] {
            llr = llr.max(self.config.false_positive_share.log10());
        }
        llr
    }

    fn present_llr(&self, diag: &str, f: &str, partial: bool) -> f64 {
        let rules = &self.rules[diag];
        if let Some((_, r)) = rules.iter().find(|(rf, _)| rf == f) {
            return self.rule_llr(f, r);
        }
        let mut best: Option<f64> = None;
        for (rf, r) in rules {
            if self.is_ancestor(rf, f) {
                let v = self.rule_llr(rf, r);
                best = Some(best.map_or(v, |b: f64| b.max(v)));
            }
        }
        if let Some(b) = best {
            return b;
        }
        let base = if self.context[f] {
            0.0
        } else {
            self.config.false_positive_share.log10()
        };
        if !partial {
            return base;
        }
        let mut miss = 1.0;
        for (rf, r) in rules {
            if !r.against && !self.context[rf] && self.is_ancestor(f, rf) {
                miss *= 1.0 - self.clamp(r.p);
            }
        }
        if miss < 1.0 {
            let bg = self.clamp(self.background[f]);
            let llr = self.config.partial_match_discount * (self.clamp(1.0 - miss) / bg).log10();
            if llr > base {
                return llr;
            }
        }
        base
    }

    fn absent_llr(&self, diag: &str, f: &str) -> f64 {
        let bg = self.clamp(self.background[f]);
        let mut p: Option<f64> = None;
        for (rf, r) in &self.rules[diag] {
            if rf == f || self.is_ancestor(f, rf) {
                let q = self.clamp(r.p);
                p = Some(p.map_or(q, |x: f64| x.max(q)));
            }
        }
        match p {
            Some(p) => ((1.0 - p) / (1.0 - bg)).log10(),
            None if self.context[f] => 0.0,
            None => ((1.0 - self.config.false_positive_share * bg) / (1.0 - bg)).log10(),
        }
    }

    fn gene_llr(&self, diag: &str, gene: Option<&str>, z: Zygosity) -> f64 {
        let c = &self.config;
        let mut p = 0.0;
        if let Some(symbol) = gene {
            for (s, rz, fraction) in &self.genes[diag] {
                if s == symbol {
                    let fits = *rz == Zygosity::Any
                        || z == Zygosity::Any
                        || *rz == z
                        || matches!(
                            (rz, z),
                            (Zygosity::Biallelic, Zygosity::Hemizygous) | (Zygosity::Hemizygous, Zygosity::Biallelic)
                        );
                    p += fraction * if fits { 1.0 } else { c.zygosity_mismatch };
                }
            }
        }
        (p.min(1.0).max(c.gene_false_positive) / c.gene_background).log10()
    }

    /// Rank all diagnoses: `(id, log10 LR, posterior)`, best first, ties by knowledge-base order,
    /// followed by `("none_of_these", 0, posterior)` as the last element.
    pub fn rank(&self, patient: &ReferencePatient) -> Vec<(String, f64, f64)> {
        let fixed = |x: f64| (x * LOG_SCALE).round() as i64;
        let mut scored: Vec<(usize, String, i64, f64)> = Vec::new();
        for (i, d) in self.diagnoses.iter().enumerate() {
            let mut units = 0i64;
            for f in &patient.present {
                units += fixed(self.present_llr(d, f, true));
            }
            for f in &patient.implied {
                units += fixed(self.present_llr(d, f, false));
            }
            for f in &patient.absent {
                units += fixed(self.absent_llr(d, f));
            }
            for (g, z) in &patient.genes {
                units += fixed(self.gene_llr(d, g.as_deref(), *z));
            }
            units += patient.unplaced as i64 * fixed(self.config.false_positive_share.log10());
            let s = self.prevalence[d].log10() + units as f64 / LOG_SCALE;
            scored.push((i, d.clone(), units, s));
        }
        // Look-alikes count towards "none of these", whose prior is set by the others.
        let total: f64 = self
            .diagnoses
            .iter()
            .filter(|d| !self.lookalike[*d])
            .map(|d| self.prevalence[d])
            .sum();
        let none = (self.config.none_prior_ratio * total).log10();
        let max = scored.iter().map(|x| x.3).fold(none, f64::max);
        let z: f64 = scored.iter().map(|x| 10f64.powf(x.3 - max)).sum::<f64>() + 10f64.powf(none - max);
        let none_mass: f64 = scored
            .iter()
            .filter(|x| self.lookalike[&x.1])
            .map(|x| 10f64.powf(x.3 - max))
            .sum::<f64>()
            + 10f64.powf(none - max);
        scored.retain(|x| !self.lookalike[&x.1]);
        scored.sort_by(|a, b| b.3.total_cmp(&a.3).then(a.0.cmp(&b.0)));
        let mut out: Vec<(String, f64, f64)> = scored
            .into_iter()
            .map(|(_, d, units, s)| (d, units as f64 / LOG_SCALE, 10f64.powf(s - max) / z))
            .collect();
        out.push(("none_of_these".to_owned(), 0.0, none_mass / z));
        out
    }
}
