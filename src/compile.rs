//! Compiling a [`KnowledgeBase`] into flat scoring tables.
//!
//! Everything the scorer needs is worked out here, once: the finding hierarchy is resolved, and
//! frequencies become log10 likelihood ratios against the background, one value per evidence
//! row and diagnosis (the row layout is in [`tables`](crate::tables)). The rules, with their
//! reasons, are in `DESIGN.md`:
//!
//! * **Present** — the most specific rules on the finding or its ancestors decide (a rule on an
//!   ancestor is superseded by a rule on a descendant that is still an ancestor of the finding);
//!   several incomparable ones give their maximum, or their minimum when one argues against. A
//!   rule on an ancestor is discounted by the specificity gap (`refinement_exponent`), and does
//!   not reach a finding below a `specific` one (a sign that names a condition).
//!   Without any, rules on descendants match partially (noisy-OR, discounted by δ). Without
//!   those, the row has no value for the diagnosis and the observation's false-positive value
//!   applies. Rules that do not argue against are floored at that false-positive value.
//! * **Implied** (a more specific term outside the vocabulary) — as present, without the partial
//!   match.
//! * **Absent** — the largest frequency among rules on the finding and its descendants.
//! * **Genes** — the share of the diagnosis caused by the gene, with zygosity fit, against the
//!   gene's background.
//!
//! Phases: [`Prepared`] (per-finding constants and the hierarchy), then per diagnosis
//! [`DiagnosisPass`] (collect rule candidates per finding, then turn them into postings), then
//! [`assemble`] (postings into CSR rows and dense lanes).

use std::collections::HashMap;

use crate::config::ScoringConfig;
use crate::id::FindingId;
use crate::knowledge::{Diagnosis, KnowledgeBase};
use crate::rule_file::Zygosity;
use crate::scoring_core::{RowMeta, ScoringCore, ShiftGroups};
use crate::tables::{fixed, Layout, MatchKind, Row, Tables, DENSE_MAX_DIAGNOSES, NO_MATCH, NO_VIA};

/// One compiled table entry before assembly. Packed (17 bytes, not 20): the HPO catalogue makes
/// about 4 million of them at once; fields are only ever read by value.
#[repr(C, packed)]
struct Posting {
    row: u32,
    diag: u32,
    value: i32,
    kind: MatchKind,
    via: u32,
}

/// Transitive closure of the parent links, as sorted flat CSR lists of ancestors and
/// descendants, and the depth of each finding (longest path from a root).
#[derive(Debug)]
pub(crate) struct Hierarchy {
    anc_off: Vec<usize>,
    anc: Vec<u32>,
    desc_off: Vec<usize>,
    desc: Vec<u32>,
    depth: Vec<u32>,
}

impl Hierarchy {
    pub(crate) fn new(kb: &KnowledgeBase) -> Self {
        let parents: Vec<&[usize]> = kb.findings().iter().map(|f| f.parents.as_slice()).collect();
        Self::from_parents(&parents)
    }

    fn from_parents(parents: &[&[usize]]) -> Self {
        let n = parents.len();
        let mut anc_off = Vec::with_capacity(n + 1);
        let mut anc: Vec<u32> = Vec::new();
        let mut seen = vec![usize::MAX; n];
        let mut stack = Vec::new();
        anc_off.push(0);
        for (f, ps) in parents.iter().enumerate() {
            let start = anc.len();
            stack.extend_from_slice(ps);
            while let Some(p) = stack.pop() {
                if seen[p] != f && p != f {
                    seen[p] = f;
                    anc.push(p as u32);
                    stack.extend_from_slice(parents[p]);
                }
            }
            anc[start..].sort_unstable();
            anc_off.push(anc.len());
        }
        let mut count = vec![0usize; n + 1];
        for &a in &anc {
            count[a as usize + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let desc_off = count.clone();
        let mut desc = vec![0u32; anc.len()];
        let mut fill = count;
        for f in 0..n {
            for &a in &anc[anc_off[f]..anc_off[f + 1]] {
                desc[fill[a as usize]] = f as u32;
                fill[a as usize] += 1;
            }
        }
        // Depth: longest path from a root, by relaxation in an order where parents come first.
        // Findings are processed by number of ancestors (a parent has fewer than its child).
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&f| anc_off[f + 1] - anc_off[f]);
        let mut depth = vec![0u32; n];
        for &f in &order {
            depth[f] = parents[f].iter().map(|&p| depth[p] + 1).max().unwrap_or(0);
        }
        Self {
            anc_off,
            anc,
            desc_off,
            desc,
            depth,
        }
    }

    /// Strict ancestors, sorted.
    pub(crate) fn ancestors(&self, f: usize) -> &[u32] {
        &self.anc[self.anc_off[f]..self.anc_off[f + 1]]
    }

    /// Strict descendants, sorted.
    pub(crate) fn descendants(&self, f: usize) -> &[u32] {
        &self.desc[self.desc_off[f]..self.desc_off[f + 1]]
    }

    /// True when `a` is a strict ancestor of `f`.
    pub(crate) fn is_ancestor(&self, a: usize, f: usize) -> bool {
        self.ancestors(f).binary_search(&(a as u32)).is_ok()
    }
}

/// The scoring core of compiled tables: the priors, the false-positive shifts and their groups,
/// and (sparse tables) the absent rows' offsets. `config` must be sanitized. What a compiled
/// file holds is the tables; this is worked out again when one is read.
pub(crate) fn scoring_core(kb: &KnowledgeBase, config: ScoringConfig, tables: Tables) -> ScoringCore {
    let (log_prior, log_prior_none) = priors(kb, &config);
    let prior: Vec<f64> = log_prior.iter().map(|l| 10f64.powf(*l)).collect();
    let lookalike: Vec<bool> = kb.diagnoses().iter().map(|d| d.lookalike).collect();
    let mut prior_order: Vec<u32> = (0..prior.len() as u32).filter(|&d| !lookalike[d as usize]).collect();
    prior_order.sort_by(|&a, &b| prior[b as usize].total_cmp(&prior[a as usize]).then(a.cmp(&b)));
    let fp_shift = false_positive_shifts(kb, &config);
    let (groups, shift_group) = ShiftGroups::new(&fp_shift, &prior, &prior_order);
    let absent_offset = if tables.is_dense() {
        Vec::new()
    } else {
        absent_offsets(kb, &config, &tables, &groups.shift)
    };
    let index = |want: bool| -> Vec<u32> {
        (0..lookalike.len() as u32)
            .filter(|&d| lookalike[d as usize] == want)
            .collect()
    };
    let (ranked_index, lookalike_index) = (index(false), index(true));
    // As the sparse path sums the touched diagnoses' priors when all are touched: in index order.
    // Dense tables: as the sparse path sums the touched diagnoses' priors when all are touched,
    // in index order, one pass (sparse tables never read it).
    let mut touched = vec![(0.0, 0.0); if tables.is_dense() { groups.shift.len() } else { 0 }];
    for (d, &p) in prior.iter().enumerate() {
        if let Some(t) = touched.get_mut(shift_group[d] as usize) {
            if lookalike[d] {
                t.1 += p;
            } else {
                t.0 += p;
            }
        }
    }
    let dense_untouched = touched
        .iter()
        .enumerate()
        .map(|(g, &(ranked, lookalikes))| {
            (
                (groups.prior[g] - ranked).max(0.0),
                (groups.lookalike_prior[g] - lookalikes).max(0.0),
            )
        })
        .collect();
    ScoringCore {
        config,
        rows: RowMeta::of(&tables),
        tables,
        log_prior,
        prior,
        prior_order,
        has_shift: fp_shift.iter().any(|&s| s != 0),
        fp_shift,
        shift_group,
        groups,
        absent_offset,
        all_diagnoses: (0..lookalike.len() as u32).collect(),
        ranked_index,
        lookalike_index,
        dense_untouched,
        lookalike,
        log_prior_none,
    }
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

/// The number of positive clinical rules of each diagnosis (not `against`, frequency above 0, on
/// a finding of a clinical kind): the `n_D` of [`ScoringConfig::false_positive_shift`].
fn clinical_rule_counts(kb: &KnowledgeBase) -> impl Iterator<Item = usize> + '_ {
    kb.diagnoses().iter().map(|d| {
        d.rules
            .iter()
            .filter(|r| !r.against && r.frequency > 0.0 && !kb.findings()[r.finding].kind.is_context())
            .count()
    })
}

/// Each diagnosis's false-positive shift in units ([`ScoringConfig::false_positive_shift`] of
/// its number of positive clinical rules).
pub(crate) fn false_positive_shifts(kb: &KnowledgeBase, cfg: &ScoringConfig) -> Vec<i32> {
    clinical_rule_counts(kb)
        .map(|n| fixed(cfg.false_positive_shift(n)))
        .collect()
}

/// Whether the tables of `n` diagnoses get dense lanes (and a shifted diagnosis's own absent
/// values as postings, [`DiagnosisPass::emit_unlisted_absent`]).
fn dense_layout(n: usize) -> bool {
    n <= DENSE_MAX_DIAGNOSES
}

/// [`ScoringConfig::unlisted_absent_llr`] in units, for a shift in units.
fn unlisted_absent_units(cfg: &ScoringConfig, background: f64, shift: i32) -> i32 {
    fixed(cfg.unlisted_absent_llr(background, f64::from(shift) / crate::tables::LOG_SCALE))
}

/// A finding's background as the model uses it: clamped into [`min_background`, 1 − ε].
///
/// [`min_background`]: ScoringConfig::min_background
fn clamped_background(cfg: &ScoringConfig, background: f64) -> f64 {
    background.clamp(cfg.min_background, 1.0 - cfg.min_probability)
}

/// For sparse tables (dense ones write a diagnosis's own value as a posting): per finding and
/// shift group (the groups' shifts `group_shift`, in units), how much a diagnosis of the group
/// without a rule on the finding gains over the absent row's default when the finding is
/// observed absent ([`ScoringConfig::unlisted_absent_llr`] at its shift, against the row's
/// default in `tables`, its value at 0), as `finding × groups + group`; empty when every offset
/// is 0 (no shift).
pub(crate) fn absent_offsets(
    kb: &KnowledgeBase,
    cfg: &ScoringConfig,
    tables: &Tables,
    group_shift: &[i32],
) -> Vec<i32> {
    if group_shift.iter().all(|&s| s == 0) {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(kb.findings().len() * group_shift.len());
    for (i, f) in kb.findings().iter().enumerate() {
        let b = clamped_background(cfg, f.background);
        // The absent row's default, as the tables hold it (its value at shift 0).
        let row = tables.layout.encode(Row::Absent(FindingId(i as u32))).index();
        let base = tables.default.get(row).copied().unwrap_or(0);
        for &shift in group_shift {
            out.push(if f.kind.is_context() {
                0
            } else {
                unlisted_absent_units(cfg, b, shift) - base
            });
        }
    }
    if out.iter().all(|&o| o == 0) {
        out.clear();
    }
    out
}

/// Per-finding constants, computed once for all diagnoses.
struct Prepared<'h> {
    /// Backgrounds, clamped.
    bg: Vec<f64>,
    context: Vec<bool>,
    /// log10 of the false-positive LR (clinical) or 0 (context): the fallback of present rows.
    unrelated: Vec<f64>,
    /// The value of an absent row for a diagnosis without a rule on the finding or below it.
    absent_default: Vec<f64>,
    /// log10 of the clamped backgrounds (the refinement discount).
    log_bg: Vec<f64>,
    /// Per diagnosis: its false-positive shift in units.
    shift: Vec<i32>,
    /// Per finding: the specific findings among it and its ancestors (usually none).
    specific_above: Vec<Vec<u32>>,
    hier: &'h Hierarchy,
    eps: f64,
    refinement: f64,
    /// The tables get dense lanes: a diagnosis's own value of an absent row without a rule is
    /// written as a posting where it differs from the row's default (sparse tables leave that to
    /// the scorer, [`absent_offsets`]).
    dense: bool,
}

impl<'h> Prepared<'h> {
    fn new(kb: &KnowledgeBase, cfg: &ScoringConfig, hier: &'h Hierarchy) -> Self {
        let eps = cfg.min_probability;
        let bg: Vec<f64> = kb
            .findings()
            .iter()
            .map(|f| clamped_background(cfg, f.background))
            .collect();
        let context: Vec<bool> = kb.findings().iter().map(|f| f.kind.is_context()).collect();
        let unrelated = bg
            .iter()
            .zip(&context)
            .map(|(&b, &c)| if c { 0.0 } else { cfg.false_positive_lr(b).log10() })
            .collect();
        let absent_default = bg
            .iter()
            .zip(&context)
            .map(|(&b, &c)| if c { 0.0 } else { cfg.unlisted_absent_llr(b, 0.0) })
            .collect();
        let specific: Vec<bool> = kb.findings().iter().map(|f| f.specific).collect();
        let specific_above = (0..bg.len())
            .map(|f| {
                std::iter::once(f as u32)
                    .chain(hier.ancestors(f).iter().copied())
                    .filter(|&a| specific[a as usize])
                    .collect()
            })
            .collect();
        Self {
            log_bg: bg.iter().map(|b| b.log10()).collect(),
            shift: false_positive_shifts(kb, cfg),
            bg,
            context,
            unrelated,
            absent_default,
            specific_above,
            hier,
            eps,
            refinement: cfg.refinement_exponent,
            dense: dense_layout(kb.diagnoses().len()),
        }
    }

    /// The false-positive value of clinical finding `f` for diagnosis `d`, in units: the
    /// fallback, shifted by the diagnosis's number of rules where it argues against (what the
    /// scorer gives `d` when none of its rules matches).
    fn unexplained(&self, f: usize, d: u32) -> i32 {
        let u = fixed(self.unrelated[f]);
        if u < 0 {
            u + self.shift.get(d as usize).copied().unwrap_or(0)
        } else {
            u
        }
    }

    /// The value of clinical finding `f` observed absent for diagnosis `d` when no rule of `d`
    /// covers it, in units ([`ScoringConfig::unlisted_absent_llr`] at the diagnosis's shift); 0
    /// for a context finding.
    fn absent_unlisted(&self, f: usize, d: u32, cfg: &ScoringConfig) -> i32 {
        if self.context[f] {
            0
        } else {
            unlisted_absent_units(cfg, self.bg[f], self.shift.get(d as usize).copied().unwrap_or(0))
        }
    }

    /// True when a rule on `r` reaches its descendant `f`: no specific finding lies between
    /// them (strictly below `r`, at or above `f`).
    fn reaches(&self, r: usize, f: usize) -> bool {
        self.specific_above[f]
            .iter()
            .all(|&s| s as usize == r || !self.hier.is_ancestor(r, s as usize))
    }

    /// The refinement discount of a rule on `r` matched by the more specific `f`.
    fn refinement_discount(&self, r: usize, f: usize) -> f64 {
        if r == f || self.context[f] {
            0.0
        } else {
            self.refinement * (self.log_bg[f] - self.log_bg[r]).min(0.0)
        }
    }

    fn clamp(&self, p: f64) -> f64 {
        p.clamp(self.eps, 1.0 - self.eps)
    }
}

/// A rule that applies to a finding (on it or on an ancestor), kept in a per-diagnosis arena.
#[derive(Clone, Copy)]
struct Candidate {
    /// The rule's finding.
    finding: u32,
    llr: f64,
    against: bool,
    /// The next candidate of the same finding, or `u32::MAX`.
    next: u32,
}

/// Per-finding working values for one diagnosis, reset by stamping.
#[derive(Clone, Copy)]
struct Slot {
    stamp: u32,
    /// Head of the candidate list, or `u32::MAX`.
    head: u32,
    /// Noisy-OR complement for partial matches (product of 1 − p of the rules below).
    miss: f64,
    miss_via: u32,
    /// Largest frequency among the rules on the finding and its descendants, or −1.
    absent_p: f64,
    absent_via: u32,
}

const EMPTY: Slot = Slot {
    stamp: u32::MAX,
    head: u32::MAX,
    miss: 1.0,
    miss_via: u32::MAX,
    absent_p: -1.0,
    absent_via: u32::MAX,
};

/// Scratch space for compiling one diagnosis after another.
struct DiagnosisPass {
    slots: Vec<Slot>,
    touched: Vec<usize>,
    arena: Vec<Candidate>,
    order: Vec<usize>,
}

impl DiagnosisPass {
    fn new(n: usize) -> Self {
        Self {
            slots: vec![EMPTY; n],
            touched: Vec::new(),
            arena: Vec::new(),
            order: Vec::new(),
        }
    }

    fn touch(&mut self, f: usize, stamp: u32) -> &mut Slot {
        if self.slots[f].stamp != stamp {
            self.slots[f] = Slot { stamp, ..EMPTY };
            self.touched.push(f);
        }
        &mut self.slots[f]
    }

    /// Collect, for every finding, the rules that apply to it.
    fn collect(&mut self, prep: &Prepared, diag: &Diagnosis, stamp: u32, cfg: &ScoringConfig) {
        self.touched.clear();
        self.arena.clear();
        // Rules by depth of their finding, most general first (file order for ties), so that a
        // candidate is only ever superseded by one that comes later.
        self.order.clear();
        self.order.extend(0..diag.rules.len());
        self.order.sort_by_key(|&i| (prep.hier.depth[diag.rules[i].finding], i));
        let order = std::mem::take(&mut self.order);
        for &i in &order {
            let rule = &diag.rules[i];
            let r = rule.finding;
            let p = prep.clamp(rule.frequency);
            let llr = match rule.lr {
                Some(lr) => lr.log10(),
                None if rule.against => (p / prep.bg[r]).min(cfg.against_max_lr).log10(),
                None => (p / prep.bg[r]).log10(),
            };
            for f in std::iter::once(r as u32).chain(prep.hier.descendants(r).iter().copied()) {
                let f = f as usize;
                if !prep.reaches(r, f) {
                    continue;
                }
                let head = self.touch(f, stamp).head;
                let at = self.arena.len() as u32;
                self.arena.push(Candidate {
                    finding: r as u32,
                    llr,
                    against: rule.against,
                    next: head,
                });
                self.slots[f].head = at;
            }
            // Absence of r or of any ancestor of r rules r out.
            for x in std::iter::once(r as u32).chain(prep.hier.ancestors(r).iter().copied()) {
                let slot = self.touch(x as usize, stamp);
                if p > slot.absent_p {
                    slot.absent_p = p;
                    slot.absent_via = r as u32;
                }
            }
            // More general findings match partially (noisy-OR over the rules below them).
            if !rule.against && !prep.context[r] {
                for &a in prep.hier.ancestors(r) {
                    let slot = self.touch(a as usize, stamp);
                    slot.miss *= 1.0 - p;
                    if slot.miss_via == u32::MAX {
                        slot.miss_via = r as u32;
                    }
                }
            }
        }
        self.order = order;
        self.touched.sort_unstable();
    }

    /// The most specific candidates of finding `f` combined: (log10 LR, against, via).
    #[allow(
        clippy::many_single_char_names,
        clippy::float_cmp,
        reason = "the names of the model (f finding, c candidate, v value); an exact tie of two values is broken by the finding index"
    )]
    fn decide(&self, prep: &Prepared, f: usize) -> Option<(f64, bool, u32)> {
        let head = self.slots[f].head;
        let mut best: Option<(f64, bool, u32)> = None;
        let mut i = head;
        while i != u32::MAX {
            let c = self.arena[i as usize];
            i = c.next;
            // Superseded when another candidate's finding is a strict descendant of this one's.
            let mut j = head;
            let mut superseded = false;
            while j != u32::MAX {
                let o = self.arena[j as usize];
                j = o.next;
                if prep.hier.is_ancestor(c.finding as usize, o.finding as usize) {
                    superseded = true;
                    break;
                }
            }
            if superseded {
                continue;
            }
            let c = Candidate {
                llr: if c.against {
                    c.llr
                } else {
                    c.llr + prep.refinement_discount(c.finding as usize, f)
                },
                ..c
            };
            best = Some(match best {
                None => (c.llr, c.against, c.finding),
                Some((v, against, via)) => {
                    if c.against || against {
                        // An argument against among the most specific rules wins.
                        let (cv, bv) = (
                            if c.against { c.llr } else { f64::INFINITY },
                            if against { v } else { f64::INFINITY },
                        );
                        if cv < bv {
                            (c.llr, true, c.finding)
                        } else {
                            (v, true, via)
                        }
                    } else if c.llr > v || (c.llr == v && c.finding < via) {
                        (c.llr, false, c.finding)
                    } else {
                        (v, false, via)
                    }
                }
            });
        }
        best
    }

    /// Dense tables, a diagnosis with a false-positive shift: its own value of each absent row no
    /// rule of it covers, as a posting where it differs from the row's default.
    fn emit_unlisted_absent(&self, prep: &Prepared, layout: Layout, d: u32, cfg: &ScoringConfig, out: &mut Postings) {
        if !prep.dense || prep.shift.get(d as usize).is_none_or(|&s| s == 0) {
            return;
        }
        for f in 0..prep.bg.len() {
            let slot = &self.slots[f];
            if prep.context[f] || (slot.stamp == d && slot.absent_p >= 0.0) {
                continue;
            }
            let value = prep.absent_unlisted(f, d, cfg);
            if value != fixed(prep.absent_default[f]) {
                out.push(Posting {
                    row: layout.encode(Row::Absent(FindingId(f as u32))).0,
                    diag: d,
                    value,
                    kind: MatchKind::Unrelated,
                    via: NO_VIA,
                });
            }
        }
    }

    /// Turn the collected candidates into postings for diagnosis `d`.
    fn emit(&self, prep: &Prepared, layout: Layout, d: u32, cfg: &ScoringConfig, out: &mut Postings) {
        self.emit_unlisted_absent(prep, layout, d, cfg, out);
        for &f in &self.touched {
            let slot = &self.slots[f];
            let finding = FindingId(f as u32);
            // A rule never costs more than no rule: the diagnosis's own false-positive value.
            let floor = prep.unexplained(f, d);
            let decided = self.decide(prep, f).map(|(llr, against, via)| {
                let value = if against || prep.context[f] {
                    fixed(llr)
                } else {
                    fixed(llr).max(floor)
                };
                let kind = if via as usize == f {
                    MatchKind::Exact
                } else {
                    MatchKind::MoreSpecific
                };
                (value, kind, via)
            });
            let present = decided.or_else(|| {
                if slot.miss >= 1.0 || prep.context[f] {
                    return None;
                }
                let p = prep.clamp(1.0 - slot.miss);
                let llr = cfg.partial_match_discount * (p / prep.bg[f]).log10();
                let shift = f64::from(floor - fixed(prep.unrelated[f])) / crate::tables::LOG_SCALE;
                (llr > prep.unrelated[f] + shift).then(|| (fixed(llr), MatchKind::MoreGeneral, slot.miss_via))
            });
            // A present term on the finding itself, and a more specific term outside the
            // vocabulary (implied): the implied row matches no rule below the finding.
            for (row, matched) in [(Row::Present(finding), present), (Row::Implied(finding), decided)] {
                if let Some((value, kind, via)) = matched {
                    out.push(Posting {
                        row: layout.encode(row).0,
                        diag: d,
                        value,
                        kind,
                        via,
                    });
                }
            }
            if slot.absent_p >= 0.0 {
                let llr =
                    cfg.absent_weight * (cfg.absent_selection * (1.0 - slot.absent_p) / (1.0 - prep.bg[f])).log10();
                let value = fixed(llr);
                if value != prep.absent_unlisted(f, d, cfg) {
                    let kind = if slot.absent_via as usize == f {
                        MatchKind::Exact
                    } else {
                        MatchKind::MoreGeneral
                    };
                    out.push(Posting {
                        row: layout.encode(Row::Absent(finding)).0,
                        diag: d,
                        value,
                        kind,
                        via: slot.absent_via,
                    });
                }
            }
        }
    }
}

/// The patient zygosities a gene row distinguishes.
const PATIENT_ZYGOSITIES: [Zygosity; 4] = [
    Zygosity::Heterozygous,
    Zygosity::Biallelic,
    Zygosity::Hemizygous,
    Zygosity::Any,
];

/// Gene postings of one diagnosis: one per own symbol and patient zygosity.
fn gene_postings(
    kb: &KnowledgeBase,
    diag: &Diagnosis,
    d: u32,
    symbols: &GeneSymbols,
    layout: Layout,
    cfg: &ScoringConfig,
    out: &mut Postings,
) {
    let mut own: Vec<usize> = diag
        .genes
        .iter()
        .filter_map(|x| symbols.index.get(x.symbol.as_str()).copied())
        .collect();
    own.sort_unstable();
    own.dedup();
    for g in own {
        let symbol = &symbols.names[g];
        for patient_z in PATIENT_ZYGOSITIES {
            let p = gene_probability(
                diag.genes
                    .iter()
                    .filter(|x| &x.symbol == symbol)
                    .map(|x| (x.zygosity, x.fraction)),
                patient_z,
                cfg,
            );
            if p > 0.0 {
                let llr = gene_value(kb, symbol, patient_z, p, cfg);
                out.push(Posting {
                    row: layout.encode(Row::Gene(g as u32, patient_z)).0,
                    diag: d,
                    value: fixed(llr),
                    kind: MatchKind::Gene,
                    via: g as u32,
                });
            }
        }
    }
}

/// The value of a result in gene `symbol` of zygosity `z` for a diagnosis that gives it
/// probability `p` (0: the diagnosis does not list the gene or not this zygosity):
/// log10 P(result | D) / P(result | background), at least φ (`gene_false_positive`). A
/// heterozygous result in a gene with a carrier rate c may be a carrier finding under any
/// diagnosis: (p + c) / (background + c), which a diagnosis without the gene keeps near 1.
fn gene_value(kb: &KnowledgeBase, symbol: &str, z: Zygosity, p: f64, cfg: &ScoringConfig) -> f64 {
    let background = kb
        .gene_background(symbol)
        .unwrap_or(cfg.gene_background)
        .clamp(1e-9, 1.0);
    match kb.gene_carrier(symbol) {
        Some(c) if z == Zygosity::Heterozygous => ((p.min(1.0) + c) / (background + c)).log10(),
        _ if p > 0.0 => (p.min(1.0) / background).log10().max(cfg.gene_false_positive.log10()),
        _ => cfg.gene_false_positive.log10(),
    }
}

/// Every gene symbol named by a rule, in first-seen order.
struct GeneSymbols {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl GeneSymbols {
    fn new(kb: &KnowledgeBase) -> Self {
        let mut names: Vec<String> = Vec::new();
        let mut index = HashMap::new();
        for d in kb.diagnoses() {
            for g in &d.genes {
                if !index.contains_key(&g.symbol) {
                    index.insert(g.symbol.clone(), names.len());
                    names.push(g.symbol.clone());
                }
            }
        }
        Self { names, index }
    }
}

pub(crate) fn compile(kb: &KnowledgeBase, cfg: &ScoringConfig, hier: &Hierarchy) -> Tables {
    let threads = if kb.diagnoses().len() >= PARALLEL_MIN_DIAGNOSES {
        std::thread::available_parallelism().map_or(1, usize::from).min(8)
    } else {
        1
    };
    compile_on(kb, cfg, hier, threads)
}

/// [`compile`] on `threads` threads.
fn compile_on(kb: &KnowledgeBase, cfg: &ScoringConfig, hier: &Hierarchy, threads: usize) -> Tables {
    let prep = Prepared::new(kb, cfg, hier);
    let symbols = GeneSymbols::new(kb);
    let layout = Layout {
        n_findings: kb.findings().len() as u32,
        n_genes: symbols.names.len() as u32,
    };
    // Large knowledge bases (the HPO catalogue) compile their diagnoses on several threads, each
    // a contiguous range; the ranges' postings are read in order, so the tables are the same as
    // from one thread.
    let diagnoses: Vec<&Diagnosis> = kb.diagnoses().iter().collect();
    let threads = threads.max(1);
    let chunk = diagnoses.len().div_ceil(threads).max(1);
    let n_findings = kb.findings().len();
    let range = |first: usize, part: &[&Diagnosis]| {
        let mut out = Postings::default();
        let mut pass = DiagnosisPass::new(n_findings);
        for (i, diag) in part.iter().enumerate() {
            let d = (first + i) as u32;
            pass.collect(&prep, diag, d, cfg);
            pass.emit(&prep, layout, d, cfg, &mut out);
            gene_postings(kb, diag, d, &symbols, layout, cfg, &mut out);
        }
        out
    };
    let parts: Vec<Postings> = if threads == 1 {
        vec![range(0, &diagnoses)]
    } else {
        std::thread::scope(|s| {
            // A range whose thread cannot be started (a platform without threads) is compiled
            // here instead.
            let handles: Vec<Result<_, &[&Diagnosis]>> = diagnoses
                .chunks(chunk)
                .enumerate()
                .map(|(c, part)| {
                    let range = &range;
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || range(c * chunk, part))
                        .map_err(|_| part)
                })
                .collect();
            handles
                .into_iter()
                .enumerate()
                .map(|(c, h)| match h {
                    Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                    Err(part) => range(c * chunk, part),
                })
                .collect()
        })
    };
    assemble(kb, &prep, layout, symbols.names, parts, cfg)
}

/// Knowledge bases with at least this many diagnoses compile on several threads.
const PARALLEL_MIN_DIAGNOSES: usize = 512;

/// Postings in blocks of fixed size: growing never copies and leaves at most one block's slack
/// (the HPO catalogue makes about 4 million).
#[derive(Default)]
struct Postings {
    blocks: Vec<Vec<Posting>>,
}

impl Postings {
    const BLOCK: usize = 1 << 16;

    fn push(&mut self, p: Posting) {
        match self.blocks.last_mut() {
            Some(b) if b.len() < Self::BLOCK => b.push(p),
            _ => {
                let mut b = Vec::with_capacity(Self::BLOCK);
                b.push(p);
                self.blocks.push(b);
            }
        }
    }

    fn len(&self) -> usize {
        self.blocks.iter().map(Vec::len).sum()
    }

    fn iter(&self) -> impl Iterator<Item = &Posting> {
        self.blocks.iter().flatten()
    }
}

/// Postings into CSR rows (counting sort by row; each row stays sorted by diagnosis because
/// postings were made in diagnosis order), the row defaults and fallbacks, and dense lanes.
fn assemble(
    kb: &KnowledgeBase,
    prep: &Prepared,
    layout: Layout,
    gene_symbols: Vec<String>,
    parts: Vec<Postings>,
    cfg: &ScoringConfig,
) -> Tables {
    let n_rows = layout.rows();
    let mut default = vec![NO_MATCH; n_rows];
    let mut fallback = vec![0i32; n_rows];
    for f in 0..layout.n_findings {
        let finding = FindingId(f);
        let u = fixed(prep.unrelated[f as usize]);
        fallback[layout.encode(Row::Present(finding)).index()] = u;
        fallback[layout.encode(Row::Implied(finding)).index()] = u;
        let absent = layout.encode(Row::Absent(finding)).index();
        default[absent] = fixed(prep.absent_default[f as usize]);
        fallback[absent] = default[absent];
    }
    for (g, symbol) in gene_symbols.iter().enumerate() {
        for z in PATIENT_ZYGOSITIES {
            fallback[layout.encode(Row::Gene(g as u32, z)).index()] = fixed(gene_value(kb, symbol, z, 0.0, cfg));
        }
    }
    let mut independent = vec![true; n_rows];
    for f in 0..layout.n_findings {
        let finding = FindingId(f);
        let context = prep.context[f as usize];
        for row in [Row::Present(finding), Row::Absent(finding), Row::Implied(finding)] {
            independent[layout.encode(row).index()] = context;
        }
    }

    let postings = || parts.iter().flat_map(Postings::iter);
    let mut offsets = vec![0u32; n_rows + 1];
    for p in postings() {
        offsets[p.row as usize + 1] += 1;
    }
    for i in 0..n_rows {
        offsets[i + 1] += offsets[i];
    }
    let total = parts.iter().map(Postings::len).sum();
    let mut fill: Vec<u32> = offsets[..n_rows].to_vec();
    let mut post_diag = vec![0u32; total];
    let mut post_value = vec![0i32; total];
    let mut post_kind = vec![0u8; total];
    let mut post_via = vec![0u32; total];
    for p in postings() {
        let i = fill[p.row as usize] as usize;
        fill[p.row as usize] += 1;
        post_diag[i] = p.diag;
        post_value[i] = p.value;
        post_kind[i] = p.kind.code();
        post_via[i] = p.via;
    }
    drop(parts);
    let n_diag = kb.diagnoses().len();
    let (mut dense_index, mut dense) = (Vec::new(), Vec::new());
    if dense_layout(n_diag) {
        dense_index = vec![u32::MAX; n_rows];
        // Identical lanes (a finding present and implied, siblings with the same rules) share one
        // copy.
        let mut seen: HashMap<Vec<i32>, u32> = HashMap::new();
        let mut lane = vec![0i32; n_diag];
        for row in 0..n_rows {
            let (lo, hi) = (offsets[row] as usize, offsets[row + 1] as usize);
            if lo < hi {
                lane.fill(default[row]);
                for i in lo..hi {
                    lane[post_diag[i] as usize] = post_value[i];
                }
                let next = (dense.len() / n_diag.max(1)) as u32;
                let index = *seen.entry(lane.clone()).or_insert_with(|| {
                    dense.extend_from_slice(&lane);
                    next
                });
                dense_index[row] = index;
            }
        }
    }
    Tables {
        layout,
        n_diagnoses: n_diag,
        default,
        fallback,
        independent,
        offsets,
        post_diag,
        post_value,
        post_kind,
        post_via,
        gene_symbols,
        dense_index,
        dense,
    }
}

/// P(a result of zygosity `patient` in one gene | the diagnosis), from the diagnosis's rows of
/// that gene as `(zygosity, fraction)`: the rows that state the patient's zygosity give it
/// (their fractions summed); when none does, each row counts its fraction times
/// [`zygosity_factor`]. So a diagnosis that lists a gene for two zygosities (a recessive form's
/// biallelic share and, say, a sourced heterozygous one) states each; one that lists one
/// zygosity gets the other by the literature's rule.
fn gene_probability(
    rows: impl Iterator<Item = (Zygosity, f64)> + Clone,
    patient: Zygosity,
    cfg: &ScoringConfig,
) -> f64 {
    let stated: f64 = rows
        .clone()
        .filter(|&(z, _)| zygosity_factor(z, patient, cfg) >= 1.0)
        .map(|(_, fraction)| fraction)
        .sum();
    if stated > 0.0 {
        return stated;
    }
    rows.map(|(z, fraction)| fraction * zygosity_factor(z, patient, cfg))
        .sum()
}

/// The share of a row's fraction that a result of another zygosity gets
/// (`../shared/reference/genes-and-forms.md` §2 and DESIGN.md "Genetic results"):
/// - the same zygosity, or either unknown (`any`): 1; a hemizygous male counts as biallelic;
/// - one allele of a recessive (biallelic) form: μ, `zygosity_mismatch` (the second allele may
///   have been missed; otherwise a carrier finding);
/// - two alleles of a gene whose form needs one (a dominant form: the biallelic state gives a
///   recessive form, as a biallelic CLCN7 or PLEKHM1 result does), or one allele of an X-linked
///   form in a female (incontinentia pigmenti for IKBKG): 0, so the result counts as a gene the
///   diagnosis does not list (φ, `gene_false_positive`).
fn zygosity_factor(rule: Zygosity, patient: Zygosity, cfg: &ScoringConfig) -> f64 {
    use Zygosity::{Any, Biallelic, Hemizygous, Heterozygous};
    match (rule, patient) {
        (Any, _) | (_, Any) | (Biallelic | Hemizygous, Biallelic | Hemizygous) | (Heterozygous, Heterozygous) => 1.0,
        (Biallelic, Heterozygous) => cfg.zygosity_mismatch,
        (Heterozygous, Biallelic | Hemizygous) | (Hemizygous, Heterozygous) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::{compile_on, Hierarchy};

    #[test]
    fn several_threads_compile_the_same_tables_as_one() {
        let kb = crate::research::simulate::synthetic_knowledge_base(40, 120, 12, 5).unwrap();
        let cfg = crate::ScoringConfig::default();
        let hier = Hierarchy::new(&kb);
        let one = compile_on(&kb, &cfg, &hier, 1);
        for threads in [2, 3, 7] {
            assert!(compile_on(&kb, &cfg, &hier, threads) == one, "{threads} threads");
        }
    }

    #[test]
    fn hierarchy_closure_and_depth() {
        // 0 <- 1 <- 3, 0 <- 2 <- 3 (a diamond), 4 alone.
        let parents: Vec<&[usize]> = vec![&[], &[0], &[0], &[1, 2], &[]];
        let h = Hierarchy::from_parents(&parents);
        assert_eq!(h.ancestors(3), &[0, 1, 2]);
        assert_eq!(h.descendants(0), &[1, 2, 3]);
        assert!(h.is_ancestor(0, 3) && !h.is_ancestor(3, 0) && !h.is_ancestor(1, 2));
        assert_eq!(h.depth, vec![0, 1, 1, 2, 0]);
    }
}
