//! A deliberately plain reference scorer: maps keyed by strings, the hierarchy walked at scoring
//! time, a full sort. It implements the model of `DESIGN.md` a second time, from the
//! [`KnowledgeBase`] and the constants alone, without the compiled tables, so that tests can
//! check the compiler and the hot path against it and the benchmarks can measure the speed-up in
//! one run.
//!
//! ```
//! use osteodx::research::reference::ReferenceScorer;
//! use osteodx::{Model, Patient};
//! let model = Model::builtin()?;
//! let reference = ReferenceScorer::new(model.knowledge_base(), *model.config());
//! let patient = model.resolve(&Patient::new().present("macrocephaly").present("anemia"))?;
//! let plain = reference.rank(&ReferenceScorer::patient_from(&model, &patient));
//! let fast = model.rank(&patient);
//! assert_eq!(plain[0].0, model.diagnosis_id(fast.entries()[0].diagnosis));
//! # Ok::<(), osteodx::Error>(())
//! ```

use std::collections::{HashMap, HashSet};

use crate::config::ScoringConfig;
use crate::knowledge::KnowledgeBase;
use crate::model::Model;
use crate::resolved::ResolvedPatient;
use crate::rule_file::Zygosity;
use crate::tables::{Row, LOG_SCALE};

/// One observation as the reference scorer reads it: finding ids and gene symbols as strings.
#[derive(Debug, Clone, PartialEq)]
pub enum ReferenceObservation {
    /// A finding observed present.
    Present(String),
    /// A finding observed absent.
    Absent(String),
    /// An HPO term outside the vocabulary, placed on these findings.
    Implied(Vec<String>),
    /// Terms merged into one observation (a term and its given ancestors): finding ids, each
    /// `true` when implied by a term outside the vocabulary (no partial match).
    Group(Vec<(String, bool)>),
    /// The genetic results, one observation (`None`: a gene no rule names): at most one of them
    /// causes the diagnosis, so the best-explained one counts.
    Genes(Vec<(Option<String>, Zygosity)>),
    /// An HPO term with no vocabulary ancestor: one unrelated finding.
    Unplaced,
}

/// A patient as the reference scorer reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferencePatient {
    /// The observations.
    pub observations: Vec<ReferenceObservation>,
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
    gene_background: HashMap<String, f64>,
    /// Carrier rates of genes with recessive forms.
    gene_carrier: HashMap<String, f64>,
    background: HashMap<String, f64>,
    context: HashMap<String, bool>,
    specific: HashMap<String, bool>,
    parents: HashMap<String, Vec<String>>,
    /// Per diagnosis: the shift of its false-positive value, in units.
    shift: HashMap<String, i64>,
}

/// log10 to units, rounded as the compiled tables round.
fn units(x: f64) -> i64 {
    let max = f64::from(1 << 24);
    (x * LOG_SCALE).round().clamp(-max, max) as i64
}

impl ReferenceScorer {
    /// Build from a knowledge base.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, config: ScoringConfig) -> Self {
        let config = config.sanitized();
        let ids: Vec<String> = kb.findings().iter().map(|f| f.id.clone()).collect();
        let mut s = Self {
            config,
            diagnoses: kb.diagnoses().iter().map(|d| d.id.clone()).collect(),
            lookalike: kb.diagnoses().iter().map(|d| (d.id.clone(), d.lookalike)).collect(),
            prevalence: HashMap::new(),
            rules: HashMap::new(),
            genes: HashMap::new(),
            gene_background: HashMap::new(),
            gene_carrier: HashMap::new(),
            background: HashMap::new(),
            context: HashMap::new(),
            specific: HashMap::new(),
            parents: HashMap::new(),
            shift: HashMap::new(),
        };
        for f in kb.findings() {
            s.background.insert(f.id.clone(), f.background);
            s.context.insert(f.id.clone(), f.kind.is_context());
            s.specific.insert(f.id.clone(), f.specific);
            s.parents
                .insert(f.id.clone(), f.parents.iter().map(|&p| ids[p].clone()).collect());
        }
        for d in kb.diagnoses() {
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
            // n_D: the rules that say the diagnosis has a clinical finding.
            let n = d
                .rules
                .iter()
                .filter(|r| !r.against && r.frequency > 0.0 && !kb.findings()[r.finding].kind.is_context())
                .count();
            s.shift.insert(d.id.clone(), units(config.false_positive_shift(n)));
            s.rules.insert(d.id.clone(), rules);
            s.genes.insert(
                d.id.clone(),
                d.genes
                    .iter()
                    .map(|g| (g.symbol.clone(), g.zygosity, g.fraction))
                    .collect(),
            );
            for g in &d.genes {
                if let Some(b) = kb.gene_background(&g.symbol) {
                    s.gene_background.insert(g.symbol.clone(), b);
                }
                if let Some(carrier) = kb.gene_carrier(&g.symbol) {
                    s.gene_carrier.insert(g.symbol.clone(), carrier);
                }
            }
        }
        s
    }

    /// Translate a resolved patient into strings.
    #[must_use]
    pub fn patient_from(model: &Model, patient: &ResolvedPatient) -> ReferencePatient {
        let layout = model.engine().core.tables.layout;
        let mut out = ReferencePatient::default();
        for o in &patient.observations {
            let rows = patient.rows_of(o);
            let decoded: Vec<Row> = rows.iter().filter_map(|&e| layout.decode(e)).collect();
            let id = |f: crate::id::FindingId| model.finding_id(f).to_owned();
            let observation = match decoded.as_slice() {
                [] if o.gene => ReferenceObservation::Genes(vec![(None, Zygosity::Any)]),
                genes if o.gene => ReferenceObservation::Genes(
                    genes
                        .iter()
                        .filter_map(|r| match r {
                            Row::Gene(g, z) => {
                                Some((model.engine().core.tables.gene_symbols.get(*g as usize).cloned(), *z))
                            }
                            _ => None,
                        })
                        .collect(),
                ),
                [] => ReferenceObservation::Unplaced,
                [Row::Present(f)] => ReferenceObservation::Present(id(*f)),
                [Row::Absent(f)] => ReferenceObservation::Absent(id(*f)),
                many if many.iter().all(|r| matches!(r, Row::Implied(_))) => ReferenceObservation::Implied(
                    many.iter()
                        .filter_map(|r| match r {
                            Row::Implied(f) => Some(id(*f)),
                            _ => None,
                        })
                        .collect(),
                ),
                many => ReferenceObservation::Group(
                    many.iter()
                        .filter_map(|r| match r {
                            Row::Implied(f) => Some((id(*f), true)),
                            Row::Present(f) => Some((id(*f), false)),
                            _ => None,
                        })
                        .collect(),
                ),
            };
            out.observations.push(observation);
        }
        out
    }

    fn clamp(&self, p: f64) -> f64 {
        p.clamp(self.config.min_probability, 1.0 - self.config.min_probability)
    }

    fn bg(&self, f: &str) -> f64 {
        self.background[f].clamp(self.config.min_background, 1.0 - self.config.min_probability)
    }

    /// Strict ancestors of a finding, by walking the parent links.
    fn ancestors(&self, f: &str) -> HashSet<String> {
        let mut out = HashSet::new();
        let mut stack: Vec<&str> = self.parents[f].iter().map(String::as_str).collect();
        while let Some(p) = stack.pop() {
            if p != f && out.insert(p.to_owned()) {
                stack.extend(self.parents[p].iter().map(String::as_str));
            }
        }
        out
    }

    fn unrelated(&self, f: &str) -> f64 {
        if self.context[f] {
            0.0
        } else {
            self.config.false_positive_lr(self.bg(f)).log10()
        }
    }

    fn rule_llr(&self, finding: &str, r: &RuleInfo) -> f64 {
        let p = self.clamp(r.p);
        match r.lr {
            Some(lr) => lr.log10(),
            None if r.against => (p / self.bg(finding)).min(self.config.against_max_lr).log10(),
            None => (p / self.bg(finding)).log10(),
        }
    }

    /// A false-positive value `u` (units) for `diag`: shifted by the diagnosis's number of rules
    /// when it argues against (a context finding's is 0, and stays so).
    fn shifted(&self, diag: &str, u: i64) -> i64 {
        if u < 0 {
            u + self.shift[diag]
        } else {
            u
        }
    }

    /// The false-positive value of `f` for `diag` in units.
    fn unexplained(&self, diag: &str, f: &str) -> i64 {
        self.shifted(diag, units(self.unrelated(f)))
    }

    /// The value of finding `f` present for diagnosis `diag` in units, or `None` when no rule
    /// matches.
    fn present_llr(&self, diag: &str, f: &str, partial: bool) -> Option<i64> {
        let rules = &self.rules[diag];
        let mut up = self.ancestors(f);
        up.insert(f.to_owned());
        // A rule on an ancestor does not reach past a specific finding strictly below it.
        let blocked = |rf: &str| {
            up.iter()
                .any(|s| self.specific[s] && s != rf && self.ancestors(s).contains(rf))
        };
        let candidates: Vec<&(String, RuleInfo)> =
            rules.iter().filter(|(rf, _)| up.contains(rf) && !blocked(rf)).collect();
        // The most specific candidates: those no other candidate lies under.
        let specific: Vec<&&(String, RuleInfo)> = candidates
            .iter()
            .filter(|(rf, _)| {
                !candidates
                    .iter()
                    .any(|(other, _)| other != rf && self.ancestors(other).contains(rf))
            })
            .collect();
        if !specific.is_empty() {
            let against = specific.iter().any(|(_, r)| r.against);
            // A rule on an ancestor is discounted by the specificity gap (not an against rule).
            let refinement = |rf: &str| {
                if rf == f || self.context[f] {
                    0.0
                } else {
                    self.config.refinement_exponent * (self.bg(f).log10() - self.bg(rf).log10()).min(0.0)
                }
            };
            let values = specific
                .iter()
                .filter(|(_, r)| r.against || !against)
                .map(|(rf, r)| self.rule_llr(rf, r) + if r.against { 0.0 } else { refinement(rf) });
            let v = if against {
                values.fold(f64::INFINITY, f64::min)
            } else {
                values.fold(f64::NEG_INFINITY, f64::max)
            };
            // A rule never costs more than no rule (against rules excepted).
            return Some(if against || self.context[f] {
                units(v)
            } else {
                units(v).max(self.unexplained(diag, f))
            });
        }
        if !partial || self.context[f] {
            return None;
        }
        let mut miss = 1.0;
        for (rf, r) in rules {
            if !r.against && !self.context[rf] && self.ancestors(rf).contains(f) {
                miss *= 1.0 - self.clamp(r.p);
            }
        }
        if miss < 1.0 {
            let llr = self.config.partial_match_discount * (self.clamp(1.0 - miss) / self.bg(f)).log10();
            let shift = (self.unexplained(diag, f) - units(self.unrelated(f))) as f64 / LOG_SCALE;
            if llr > self.unrelated(f) + shift {
                return Some(units(llr));
            }
        }
        None
    }

    fn absent_llr(&self, diag: &str, f: &str) -> f64 {
        let bg = self.bg(f);
        let mut p: Option<f64> = None;
        for (rf, r) in &self.rules[diag] {
            if rf == f || self.ancestors(rf).contains(f) {
                let q = self.clamp(r.p);
                p = Some(p.map_or(q, |x: f64| x.max(q)));
            }
        }
        match p {
            Some(p) => self.config.absent_weight * (self.config.absent_selection * (1.0 - p) / (1.0 - bg)).log10(),
            None if self.context[f] => 0.0,
            // The diagnosis's shift in units, as the compiled tables take it.
            None => self.config.unlisted_absent_llr(bg, self.shift[diag] as f64 / LOG_SCALE),
        }
    }

    /// The value of a result in `gene` of zygosity `z` for `diag`, and whether the diagnosis
    /// lists the gene for that zygosity (gives it a probability above 0).
    fn gene_llr(&self, diag: &str, gene: Option<&str>, z: Zygosity) -> (f64, bool) {
        let c = &self.config;
        let floor = c.gene_false_positive.log10();
        let Some(symbol) = gene else { return (floor, false) };
        // Independent of compile.rs: the rows stating the patient's zygosity give it; when none
        // does, recessive rows give μ of their fraction to one allele and dominant or X-linked
        // rows nothing to a zygosity that cannot cause their form.
        let rows: Vec<(Zygosity, f64)> = self.genes[diag]
            .iter()
            .filter(|(s, _, _)| s == symbol)
            .map(|(_, rz, fraction)| (*rz, *fraction))
            .collect();
        let share = |rz: Zygosity| -> f64 {
            let two_alleles = matches!(rz, Zygosity::Biallelic | Zygosity::Hemizygous);
            match z {
                _ if rz == Zygosity::Any || z == Zygosity::Any => 1.0,
                Zygosity::Heterozygous if rz == Zygosity::Biallelic => c.zygosity_mismatch,
                Zygosity::Heterozygous if rz == Zygosity::Hemizygous => 0.0,
                Zygosity::Heterozygous => 1.0,
                _ if two_alleles => 1.0,
                _ => 0.0,
            }
        };
        let stated: f64 = rows.iter().filter(|(rz, _)| share(*rz) >= 1.0).map(|(_, f)| f).sum();
        let p = if stated > 0.0 {
            stated
        } else {
            rows.iter().map(|(rz, f)| f * share(*rz)).sum()
        };
        let bg = self
            .gene_background
            .get(symbol)
            .copied()
            .unwrap_or(c.gene_background)
            .clamp(1e-9, 1.0);
        let p = p.min(1.0);
        // A heterozygous result in a gene with a carrier rate may be a carrier finding under any
        // diagnosis.
        if let (Some(&carrier), Zygosity::Heterozygous) = (self.gene_carrier.get(symbol), z) {
            return (((p + carrier) / (bg + carrier)).log10(), p > 0.0);
        }
        if p <= 0.0 {
            return (floor, false);
        }
        ((p / bg).log10().max(floor), true)
    }

    fn observation_units(&self, d: &str, o: &ReferenceObservation) -> i64 {
        // No rule of `d` explains a clinical finding: the false-positive value, shifted by d's
        // number of rules when it argues against.
        let unexplained = |u: i64| self.shifted(d, u);
        match o {
            ReferenceObservation::Present(f) => self.present_llr(d, f, true).unwrap_or_else(|| self.unexplained(d, f)),
            ReferenceObservation::Absent(f) => units(self.absent_llr(d, f)),
            ReferenceObservation::Implied(fs) => {
                let best = fs.iter().filter_map(|f| self.present_llr(d, f, false)).max();
                best.unwrap_or_else(|| unexplained(fs.iter().map(|f| units(self.unrelated(f))).min().unwrap_or(0)))
            }
            ReferenceObservation::Group(members) => {
                let best = members
                    .iter()
                    .filter_map(|(f, implied)| self.present_llr(d, f, !implied))
                    .max();
                best.unwrap_or_else(|| {
                    unexplained(members.iter().map(|(f, _)| units(self.unrelated(f))).min().unwrap_or(0))
                })
            }
            // The best-explained gene counts: the best of the genes the diagnosis lists for their
            // zygosity, or, when it lists none, the best of their values for a diagnosis
            // without them.
            ReferenceObservation::Genes(genes) => {
                let values: Vec<(i64, bool)> = genes
                    .iter()
                    .map(|(g, z)| {
                        let (llr, listed) = self.gene_llr(d, g.as_deref(), *z);
                        (units(llr), listed)
                    })
                    .collect();
                let listed = values.iter().any(|&(_, l)| l);
                values
                    .iter()
                    .filter(|&&(_, l)| l == listed)
                    .map(|&(v, _)| v)
                    .max()
                    .unwrap_or_else(|| units(self.gene_llr(d, None, Zygosity::Any).0))
            }
            ReferenceObservation::Unplaced => unexplained(units(self.config.false_positive_share.log10())),
        }
    }

    /// Rank all diagnoses: `(id, log10 LR, posterior)`, best first, ties by knowledge-base order,
    /// followed by `("none_of_these", 0, posterior)` as the last element.
    #[must_use]
    pub fn rank(&self, patient: &ReferencePatient) -> Vec<(String, f64, f64)> {
        let c = &self.config;
        // Priors: prevalence^γ for the diagnoses; "none of these" weighs ρ times their sum, a share
        // β of it the background, the rest shared by the look-alikes by prevalence^γ.
        let weight = |d: &String| 10f64.powf(c.prior_exponent * self.prevalence[d].log10());
        let differential: f64 = self.diagnoses.iter().filter(|d| !self.lookalike[*d]).map(weight).sum();
        let lookalikes: f64 = self.diagnoses.iter().filter(|d| self.lookalike[*d]).map(weight).sum();
        let none_total = c.none_prior_ratio * differential;
        let share = if lookalikes > 0.0 { c.background_share } else { 1.0 };
        let mut scored: Vec<(usize, String, i64, f64)> = Vec::new();
        let independent = |o: &ReferenceObservation| match o {
            ReferenceObservation::Present(f) | ReferenceObservation::Absent(f) => self.context[f],
            ReferenceObservation::Genes(..) => true,
            _ => false,
        };
        let n_clinical = patient.observations.iter().filter(|o| !independent(o)).count();
        for (i, d) in self.diagnoses.iter().enumerate() {
            let (mut clinical, mut other) = (0i64, 0i64);
            for o in &patient.observations {
                let u = self.observation_units(d, o);
                if independent(o) {
                    other += u;
                } else {
                    clinical += u;
                }
            }
            let total = clinical + other;
            let prior = if self.lookalike[d] {
                weight(d) * (1.0 - share) * none_total / lookalikes
            } else {
                weight(d)
            };
            let s = prior.log10()
                + (clinical as f64 * c.evidence_scale(n_clinical) + other as f64 * c.evidence_scale(1)) / LOG_SCALE;
            scored.push((i, d.clone(), total, s));
        }
        let none = (share * none_total).log10();
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
            .map(|(_, d, total, s)| (d, total as f64 / LOG_SCALE, 10f64.powf(s - max) / z))
            .collect();
        out.push(("none_of_these".to_owned(), 0.0, none_mass / z));
        out
    }
}
