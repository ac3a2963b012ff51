//! The scoring core: everything the likelihood maths reads once a knowledge base is compiled —
//! the tables, the priors, the false-positive shifts and their groups, the absent rows' offsets
//! — and the one owner of the value of an observation for a diagnosis.
//!
//! [`compile`](crate::compile) builds it ([`compile::scoring_core`](crate::compile::scoring_core)).
//! Every value is made of the same parts: an observation's fallback (the first row's own, unless the observation says otherwise),
//! whether it carries the false-positive shift ([`ScoringCore::carries_shift`]), an absent row's
//! group offset ([`ScoringCore::absent_offsets_of`]) and the best table value, combined by
//! [`observed`]. [`ScoringCore::value`] gives one diagnosis's value (what an explanation lists);
//! [`ScoringCore::accumulate`] adds every diagnosis's values at once (the hot path, which
//! [`score`](crate::score) normalises and ranks). A property test keeps the sum of the one equal
//! to the other, and [`reference`](crate::research::reference) checks both against an independent scorer.

use crate::config::ScoringConfig;
use crate::id::{DiagnosisId, EvidenceId};
use crate::resolved::{Observation, ResolvedPatient, ROW_FALLBACK};
use crate::tables::{MatchKind, Row, Tables, LOG_SCALE, NO_MATCH, NO_VIA};

/// The compiled scoring core of a model (made by [`compile::scoring_core`](crate::compile::scoring_core)).
#[derive(Debug, Clone)]
pub(crate) struct ScoringCore {
    /// The constants it was compiled with (sanitized).
    pub config: ScoringConfig,
    pub tables: Tables,
    /// Per evidence row, what the scorer reads besides the postings ([`RowMeta::of`] the tables).
    pub rows: Vec<RowMeta>,
    /// log10 of each diagnosis's prior weight (prevalence^γ).
    pub log_prior: Vec<f64>,
    /// Each diagnosis's prior weight.
    pub prior: Vec<f64>,
    /// Diagnoses of the differential by prior, highest first, ties by index: the untouched ones
    /// rank this way when no observation carries a false-positive shift.
    pub prior_order: Vec<u32>,
    /// Per diagnosis: the shift of its false-positive value in units
    /// ([`ScoringConfig::false_positive_shift`]; all 0 unless `annotation_exponent` is set).
    pub fp_shift: Vec<i32>,
    /// True when some diagnosis's shift is not 0 (otherwise no observation carries one).
    pub has_shift: bool,
    /// Per diagnosis: its shift group (an index into `groups`).
    pub shift_group: Vec<u32>,
    /// The diagnoses grouped by their shift, so that the untouched ones' mass is summed per group.
    pub groups: ShiftGroups,
    /// Sparse tables: per finding and shift group, what a diagnosis of the group without a rule
    /// on the finding adds to the absent row's default ([`absent_offsets`](crate::compile::absent_offsets):
    /// `finding × groups + group`); empty when there is nothing to add.
    pub absent_offset: Vec<i32>,
    /// Which diagnoses are look-alikes (their posterior counts towards "none of these").
    pub lookalike: Vec<bool>,
    /// 0..n: the touched list of dense scoring, where every diagnosis is touched.
    pub all_diagnoses: Vec<u32>,
    /// The diagnoses of the differential, and the look-alikes, each in index order.
    pub ranked_index: Vec<u32>,
    pub lookalike_index: Vec<u32>,
    /// Dense tables, per shift group: what is left of its summed prior of the diagnoses of the
    /// differential, and of the look-alikes, once the diagnoses' own priors are taken from it in
    /// index order (every diagnosis is touched; this is the rounding residue the sparse path's
    /// sums leave, so that both give the same bits); empty for sparse tables.
    pub dense_untouched: Vec<(f64, f64)>,
    /// log10 of the prior of the background part of "none of these".
    pub log_prior_none: f64,
}

/// What the scorer reads of one evidence row besides its postings, packed so that an
/// observation costs one cache line: its default, its fallback, whether it is independent
/// evidence, and (dense tables) where its lane starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowMeta {
    /// [`Tables::default`].
    pub default: i32,
    /// [`Tables::fallback`].
    pub fallback: i32,
    /// Dense tables: the start of its lane in [`Tables::dense`]; `u32::MAX` when it has none.
    pub lane: u32,
    /// [`Tables::independent`].
    pub independent: bool,
}

impl RowMeta {
    /// The packed rows of `tables`.
    pub(crate) fn of(tables: &Tables) -> Vec<RowMeta> {
        (0..tables.default.len())
            .map(|r| RowMeta {
                default: tables.default[r],
                fallback: tables.fallback.get(r).copied().unwrap_or(0),
                lane: tables
                    .dense_index
                    .get(r)
                    .filter(|&&i| i != u32::MAX)
                    .map_or(u32::MAX, |&i| i * tables.n_diagnoses as u32),
                independent: tables.independent.get(r).copied().unwrap_or(false),
            })
            .collect()
    }
}

/// One observation's value for one diagnosis and what decided it (what an explanation lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Value {
    /// The value in units.
    pub units: i64,
    /// The evidence row whose table value decided it; `None` when no rule matched (the fallback).
    pub row: Option<EvidenceId>,
    /// How it matched.
    pub kind: MatchKind,
    /// The rule's finding (or gene) behind it, [`NO_VIA`] when none.
    pub via: u32,
    /// The part of `units` that comes from how richly the diagnosis is annotated: the
    /// false-positive shift, or an unlisted absent row's offset from the row's default.
    pub shift: i64,
}

/// What every diagnosis's value of one observation is made of, whatever the diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prepared {
    /// Evidence independent of the clinical findings (a gene result, a context finding).
    pub independent: bool,
    /// The value when no rule of a diagnosis matches (the first row's own, unless the observation says otherwise).
    pub fallback: i32,
    /// The value of a diagnosis without a posting on any of its rows
    /// ([`ScoringCore::untouched_value`]; [`NO_MATCH`]: the fallback).
    pub untouched: i32,
    /// A diagnosis no rule matches takes the fallback shifted by its number of rules
    /// ([`ScoringCore::carries_shift`], and some diagnosis has a shift).
    pub carries_shift: bool,
}

/// The value of an observation whose best table value for a diagnosis is `best` ([`NO_MATCH`]:
/// no rule of the diagnosis matches any of its rows): that value, or the fallback plus `shift`,
/// the diagnosis's false-positive shift when the observation carries it (0 otherwise).
#[inline]
pub(crate) fn observed(best: i32, fallback: i32, shift: i32) -> i32 {
    if best == NO_MATCH {
        fallback + shift
    } else {
        best
    }
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
    pub(crate) fn new(fp_shift: &[i32], prior: &[f64], prior_order: &[u32]) -> (Self, Vec<u32>) {
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

/// The working buffers of one ranking, sized for a model; cleared after each use.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    /// Per diagnosis: the clinical findings' part of the total (beyond the shared part).
    pub delta: Vec<i64>,
    /// Per diagnosis: the independent evidence's part (context findings, genes).
    pub delta_independent: Vec<i64>,
    pub mark: Vec<bool>,
    /// Sparse mode: the touched diagnoses are `touched[..n_touched]`; the buffer has a slot
    /// more than there are diagnoses, so that the next one can always be written ahead.
    pub touched: Vec<u32>,
    pub n_touched: usize,
    /// Dense mode: i32 partial sums of the clinical and of the independent observations.
    pub acc32: Vec<i32>,
    pub acc32_independent: Vec<i32>,
    /// The best value per diagnosis over the rows of one observation.
    pub best: Vec<i32>,
    /// Sparse mode: which diagnoses `best` holds for the current observation.
    pub best_stamp: Vec<u32>,
    pub best_list: Vec<u32>,
    pub stamp: u32,
    /// Dense mode: each diagnosis's weight 10^(score − max) (0 below 10^-18).
    pub weight: Vec<f64>,
    /// (log10 score, diagnosis, weight 10^(score − max)).
    pub candidates: Vec<(f64, u32, f64)>,
    /// Per shift group: the summed prior of its touched diagnoses of the differential and of its
    /// touched look-alikes, and (top k) the next member to look at.
    pub group_touched: Vec<f64>,
    pub group_touched_lookalike: Vec<f64>,
    pub group_next: Vec<u32>,
    /// Sparse mode, per shift group: what its diagnoses without a posting add to the absent rows'
    /// defaults ([`ScoringCore::absent_offsets_of`]), in units.
    pub group_extra: Vec<i64>,
}

impl Scratch {
    /// Buffers for `n` diagnoses in `groups` shift groups.
    pub(crate) fn new(n: usize, groups: usize) -> Self {
        Self {
            delta: vec![0; n],
            delta_independent: vec![0; n],
            mark: vec![false; n],
            touched: vec![0; n + 1],
            n_touched: 0,
            acc32: Vec::with_capacity(n),
            acc32_independent: Vec::with_capacity(n),
            best: vec![NO_MATCH; n],
            best_stamp: vec![0; n],
            best_list: Vec::with_capacity(n),
            stamp: 0,
            weight: vec![0.0; n],
            candidates: Vec::with_capacity(n),
            group_touched: vec![0.0; groups],
            group_touched_lookalike: vec![0.0; groups],
            group_next: vec![0; groups],
            group_extra: vec![0; groups],
        }
    }

    /// Sized for `core` (buffers made for another model are remade once).
    pub(crate) fn fit(&mut self, core: &ScoringCore) {
        let (n, groups) = (core.n_diagnoses(), core.groups.shift.len());
        if self.delta.len() != n || self.group_extra.len() != groups {
            *self = Self::new(n, groups);
        }
    }

    /// Back to zero for the next ranking: every total in dense mode, only the touched ones in
    /// sparse mode.
    pub(crate) fn clear(&mut self, dense: bool) {
        if dense {
            self.delta.fill(0);
            self.delta_independent.fill(0);
        } else {
            for &d in &self.touched[..self.n_touched] {
                self.delta[d as usize] = 0;
                self.delta_independent[d as usize] = 0;
                self.mark[d as usize] = false;
            }
            self.n_touched = 0;
            self.group_extra.fill(0);
        }
    }
}

/// What one observation adds to each diagnosis's total, in units, split as the scorer splits it:
/// for diagnosis `d` of shift group `g`, `shared_clinical + n_fp · shift(d) + group_extra[g]`
/// plus its own entry's first part to the part the design effect damps, and
/// `shared_independent` plus its own entry's second part to the other. Totals are sums of these
/// over the observations, exactly (integers), so that the robustness search knows every
/// hypothesis's score after removing or flipping a few observations from their values alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ObservationValues {
    /// A clinical observation: it counts in the design effect's number of findings.
    pub clinical: bool,
    /// The damped part every diagnosis gets, before its shift and its group's offset.
    pub shared_clinical: i64,
    /// The undamped part every diagnosis gets.
    pub shared_independent: i64,
    /// How many times every diagnosis is owed its false-positive shift (0 or 1).
    pub n_fp: i64,
    /// Per shift group, what its diagnoses add to the damped part (an absent row's offsets);
    /// empty when nothing.
    pub group_extra: Vec<i64>,
    /// The diagnoses a posting touched (in dense mode: with a value of their own), by index:
    /// (diagnosis, damped, undamped) beyond the shared values.
    pub own: Vec<(u32, i64, i64)>,
}

impl ObservationValues {
    /// The (damped, undamped) value of a diagnosis of shift group `group` that was not touched.
    pub(crate) fn group_value(&self, core: &ScoringCore, group: usize) -> (i64, i64) {
        let shift = core.groups.shift.get(group).copied().unwrap_or(0);
        let extra = self.group_extra.get(group).copied().unwrap_or(0);
        (
            self.shared_clinical + self.n_fp * i64::from(shift) + extra,
            self.shared_independent,
        )
    }

    /// The (damped, undamped) value of hypothesis `h`: a diagnosis, or (any index past them) the
    /// background of "none of these", which has no evidence.
    pub(crate) fn value(&self, core: &ScoringCore, h: usize) -> (i64, i64) {
        let Some(&group) = core.shift_group.get(h) else {
            return (0, 0);
        };
        let (damped, undamped) = self.group_value(core, group as usize);
        match self.own.binary_search_by_key(&(h as u32), |e| e.0) {
            Ok(at) => (damped + self.own[at].1, undamped + self.own[at].2),
            Err(_) => (damped, undamped),
        }
    }

    /// True when a posting touched diagnosis `d`.
    pub(crate) fn touches(&self, d: usize) -> bool {
        self.own.binary_search_by_key(&(d as u32), |e| e.0).is_ok()
    }
}

impl ScoringCore {
    /// Number of diagnoses, look-alikes included.
    pub(crate) fn n_diagnoses(&self) -> usize {
        self.prior.len()
    }

    /// Number of diagnoses of the differential (look-alikes excluded).
    pub(crate) fn n_ranked(&self) -> usize {
        self.prior_order.len()
    }

    /// The value of observation `o` of `patient` for diagnosis `d` and what decided it: the
    /// largest of its rows' table values for `d` (ties to the first row; an absent row that no
    /// rule of `d` covers takes `d`'s group offset), or, when no rule of `d` matches any row, the
    /// fallback shifted as [`ScoringCore::carries_shift`] says. The totals of
    /// [`ScoringCore::accumulate`] are the sums of these.
    pub(crate) fn value(&self, patient: &ResolvedPatient, o: &Observation, d: DiagnosisId) -> Value {
        self.value_of(patient, o, self.prepare(patient, o), d)
    }

    /// What every diagnosis's value of observation `o` is made of (see [`Prepared`]).
    #[inline]
    pub(crate) fn prepare(&self, patient: &ResolvedPatient, o: &Observation) -> Prepared {
        let rows = patient.rows_of(o);
        let first = rows.first().and_then(|r| self.rows.get(r.index()));
        let independent = o.gene || first.is_some_and(|m| m.independent);
        let fallback = if o.fallback == ROW_FALLBACK {
            first.map_or(0, |m| m.fallback)
        } else {
            o.fallback
        };
        let untouched = match rows {
            [_] => first.map_or(NO_MATCH, |m| m.default),
            _ => self.untouched_value(rows),
        };
        Prepared {
            independent,
            fallback,
            untouched,
            carries_shift: self.has_shift && Self::carries_shift(independent, fallback, untouched),
        }
    }

    /// [`ScoringCore::value`] with the observation's parts already made by
    /// [`ScoringCore::prepare`] (what explaining many diagnoses does once per observation).
    pub(crate) fn value_of(&self, patient: &ResolvedPatient, o: &Observation, prep: Prepared, d: DiagnosisId) -> Value {
        let rows = patient.rows_of(o);
        let mut best: Option<(i32, EvidenceId, MatchKind, u32)> = None;
        for &e in rows {
            if let Some(mut entry) = self.tables.value(e, d) {
                if entry.via == NO_VIA {
                    let offsets = self.absent_offsets_of(e);
                    if let Some(&o) = self.shift_group.get(d.index()).and_then(|&g| offsets.get(g as usize)) {
                        entry.value += o;
                    }
                }
                if best.is_none_or(|b| entry.value > b.0) {
                    best = Some((entry.value, e, entry.kind, entry.via));
                }
            }
        }
        let fallback = prep.fallback;
        let shift = if prep.carries_shift {
            self.fp_shift.get(d.index()).copied().unwrap_or(0)
        } else {
            0
        };
        match best {
            Some((value, e, kind, via)) if value != NO_MATCH => {
                // No rule of `d` on an absent row: the part of the value that comes from its
                // group's offset ([`ScoringConfig::unlisted_absent_llr`]), against the row's default.
                let unlisted = if via == NO_VIA && matches!(self.tables.layout.decode(e), Some(Row::Absent(_))) {
                    self.tables.default.get(e.index()).map_or(0, |&base| value - base)
                } else {
                    0
                };
                Value {
                    units: i64::from(observed(value, fallback, shift)),
                    row: Some(e),
                    kind,
                    via,
                    shift: i64::from(unlisted),
                }
            }
            _ => {
                let gene = rows
                    .first()
                    .is_some_and(|&e| matches!(self.tables.layout.decode(e), Some(Row::Gene(..))));
                Value {
                    units: i64::from(observed(NO_MATCH, fallback, shift)),
                    row: None,
                    kind: if gene { MatchKind::Gene } else { MatchKind::Unrelated },
                    via: NO_VIA,
                    shift: i64::from(shift),
                }
            }
        }
    }

    /// Bytes held by the scoring tables and priors (not the names and labels).
    pub(crate) fn table_bytes(&self) -> usize {
        let t = &self.tables;
        4 * (t.default.len() + t.fallback.len() + t.offsets.len() + t.post_diag.len() + t.post_value.len())
            + t.post_kind.len()
            + 4 * (t.post_via.len() + t.dense_index.len() + t.dense.len())
            + 8 * (self.log_prior.len() + self.prior.len())
            + 4 * (self.prior_order.len() + self.fp_shift.len() + self.shift_group.len())
    }

    /// The value of an observation for a diagnosis without a posting on any of its rows: the
    /// largest default of its rows ([`NO_MATCH`] when such a diagnosis takes the fallback).
    #[inline]
    pub(crate) fn untouched_value(&self, rows: &[EvidenceId]) -> i32 {
        rows.iter()
            .filter_map(|r| self.rows.get(r.index()))
            .map(|m| m.default)
            .max()
            .unwrap_or(NO_MATCH)
    }

    /// True when a diagnosis that no rule matches for this observation takes the false-positive
    /// value shifted by its number of rules ([`crate::ScoringConfig::false_positive_shift`]): a
    /// clinical observation whose fallback argues against, where no rule means the fallback.
    /// The hot path and the explanation both ask this.
    #[inline]
    pub(crate) fn carries_shift(independent: bool, fallback: i32, untouched: i32) -> bool {
        !independent && fallback < 0 && untouched == NO_MATCH
    }

    /// Sparse mode: for an absent row, what each shift group's diagnoses without a posting on it
    /// add to its default (by group; [`crate::compile::absent_offsets`]); empty for any other row
    /// or when there is nothing to add.
    #[inline]
    pub(crate) fn absent_offsets_of(&self, row: EvidenceId) -> &[i32] {
        if self.absent_offset.is_empty() {
            return &[];
        }
        let groups = self.groups.shift.len();
        match self.tables.layout.decode(row) {
            Some(crate::tables::Row::Absent(f)) => self
                .absent_offset
                .get(f.index() * groups..(f.index() + 1) * groups)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// True for evidence independent of the clinical findings (a gene result, a context finding),
    /// which the design effect does not damp.
    #[inline]
    pub(crate) fn is_independent(&self, patient: &ResolvedPatient, o: &Observation) -> bool {
        self.prepare(patient, o).independent
    }

    /// Sum the observations into per-diagnosis totals, clinical ones into `out.scratch.delta` and
    /// independent ones into `out.scratch.delta_independent`: returns the parts shared by every diagnosis
    /// without an entry of its own (clinical, independent; all diagnoses are "touched" in dense
    /// mode), the number of clinical observations and the number of those that carry the
    /// false-positive shift ([`ScoringCore::carries_shift`]): every diagnosis is owed `n_fp` times its
    /// shift, and a diagnosis a rule matches for such an observation has its shift taken back here.
    #[allow(
        clippy::too_many_lines,
        reason = "the dense and the sparse path of the hot loop side by side, so that they are read together"
    )]
    pub(crate) fn accumulate(&self, patient: &ResolvedPatient, scratch: &mut Scratch) -> (i64, i64, usize, i64) {
        let t = &self.tables;
        let n = self.n_diagnoses();
        let (mut shared_c, mut shared_i, mut n_clinical, mut n_fp) = (0i64, 0i64, 0usize, 0i64);
        let fp_shift = self.fp_shift.as_slice();
        let Scratch {
            delta,
            delta_independent,
            acc32,
            acc32_independent,
            best,
            best_stamp,
            best_list,
            stamp,
            mark,
            touched,
            n_touched,
            group_extra,
            ..
        } = scratch;
        if t.is_dense() {
            // Rows add as lanes of i32 values, flushed into the i64 totals every DENSE_CHUNK
            // observations: each value is below 2^25 in magnitude, so 32 of them fit.
            const DENSE_CHUNK: usize = 32;
            for chunk in patient.observations.chunks(DENSE_CHUNK) {
                acc32.clear();
                acc32.resize(n, 0);
                acc32_independent.clear();
                acc32_independent.resize(n, 0);
                for o in chunk {
                    let Prepared {
                        independent,
                        fallback,
                        carries_shift,
                        ..
                    } = self.prepare(patient, o);
                    let (acc, shared) = if independent {
                        (&mut *acc32_independent, &mut shared_i)
                    } else {
                        n_clinical += 1;
                        (&mut *acc32, &mut shared_c)
                    };
                    let rows = patient.rows_of(o);
                    let take = i32::from(carries_shift);
                    n_fp += i64::from(take);
                    if let [row] = rows {
                        let meta = self.rows.get(row.index());
                        let lane = meta
                            .filter(|m| m.lane != u32::MAX)
                            .and_then(|m| t.dense.get(m.lane as usize..m.lane as usize + n));
                        if let Some(lane) = lane {
                            add_lane(acc, lane, fallback, take, fp_shift);
                        } else {
                            let v = meta.map_or(NO_MATCH, |m| m.default);
                            *shared += i64::from(observed(v, fallback, 0));
                        }
                    } else if rows.is_empty() {
                        *shared += i64::from(fallback);
                    } else {
                        best.fill(NO_MATCH);
                        for row in rows {
                            let row = row.index();
                            if let Some(lane) = t.lane(row) {
                                for (b, &v) in best.iter_mut().zip(lane) {
                                    *b = (*b).max(v);
                                }
                            } else {
                                let v = t.default.get(row).copied().unwrap_or(NO_MATCH);
                                for b in best.iter_mut() {
                                    *b = (*b).max(v);
                                }
                            }
                        }
                        add_lane(acc, best, fallback, take, fp_shift);
                    }
                }
                for (total, &part) in delta.iter_mut().zip(acc32.iter()) {
                    *total += i64::from(part);
                }
                for (total, &part) in delta_independent.iter_mut().zip(acc32_independent.iter()) {
                    *total += i64::from(part);
                }
            }
        } else {
            // Slices, not the buffers' vectors, so that their bounds stay in registers.
            let mark = mark.as_mut_slice();
            let (delta, delta_independent) = (delta.as_mut_slice(), delta_independent.as_mut_slice());
            // Without a branch: the diagnosis is written at the end of the list in any case,
            // and the list grows only when it was not marked yet (at most n entries, and the
            // buffer has n + 1 slots).
            let touched = touched.as_mut_slice();
            let mut touch = |d: u32| {
                let i = d as usize;
                touched[*n_touched] = d;
                *n_touched += usize::from(!mark[i]);
                mark[i] = true;
            };
            for o in &patient.observations {
                let Prepared {
                    independent,
                    fallback,
                    untouched: base_raw,
                    carries_shift,
                } = self.prepare(patient, o);
                let (sums, shared) = if independent {
                    (&mut *delta_independent, &mut shared_i)
                } else {
                    n_clinical += 1;
                    (&mut *delta, &mut shared_c)
                };
                let rows = patient.rows_of(o);
                // The value of diagnoses without a posting on any of the rows. Observations of
                // several rows only hold present and implied rows, whose default is NO_MATCH.
                let base = observed(base_raw, fallback, 0);
                *shared += i64::from(base);
                let take = i64::from(carries_shift);
                n_fp += take;
                if let [row] = rows {
                    if row.index() >= t.default.len() {
                        continue;
                    }
                    // A posting's value is never NO_MATCH (Tables::check), so it applies as it is.
                    let (diags, values) = t.postings(row.index());
                    let base = i64::from(base);
                    let offsets = self.absent_offsets_of(*row);
                    if offsets.is_empty() {
                        for (&d, &v) in diags.iter().zip(values) {
                            touch(d);
                            let i = d as usize;
                            sums[i] += i64::from(v) - base - take * i64::from(fp_shift[i]);
                        }
                    } else {
                        // An absent row (never one that carries the shift: its default is not
                        // NO_MATCH): each group's diagnoses without a posting take the default plus
                        // the group's offset, and a posting takes its own group's back.
                        for (extra, &o) in group_extra.iter_mut().zip(offsets) {
                            *extra += i64::from(o);
                        }
                        for (&d, &v) in diags.iter().zip(values) {
                            touch(d);
                            let i = d as usize;
                            let own = offsets.get(self.shift_group[i] as usize).copied().unwrap_or(0);
                            sums[i] += i64::from(v) - base - i64::from(own);
                        }
                    }
                } else if rows.len() > 1 {
                    *stamp = stamp.wrapping_add(1);
                    if *stamp == 0 {
                        best_stamp.fill(0);
                        *stamp = 1;
                    }
                    best_list.clear();
                    for row in rows {
                        if row.index() >= t.default.len() {
                            continue;
                        }
                        let (diags, values) = t.postings(row.index());
                        for (&d, &v) in diags.iter().zip(values) {
                            let i = d as usize;
                            if best_stamp[i] != *stamp {
                                best_stamp[i] = *stamp;
                                best[i] = NO_MATCH;
                                best_list.push(d);
                            }
                            best[i] = best[i].max(v);
                        }
                    }
                    for &d in best_list.iter() {
                        let i = d as usize;
                        let v = observed(best[i].max(base_raw), fallback, 0);
                        touch(d);
                        sums[i] += i64::from(v) - i64::from(base) - take * i64::from(fp_shift[i]);
                    }
                }
            }
        }
        (shared_c, shared_i, n_clinical, n_fp)
    }

    /// What the one observation of `single` adds to each diagnosis's total (see
    /// [`ObservationValues`]), found by the scorer's own accumulation, so that the values are the
    /// ones a ranking adds. `out` is a buffer of this model, left ready for the next use.
    pub(crate) fn observation_values(&self, single: &ResolvedPatient, scratch: &mut Scratch) -> ObservationValues {
        scratch.fit(self);
        let (shared_clinical, shared_independent, n_clinical, n_fp) = self.accumulate(single, scratch);
        let dense = self.tables.is_dense();
        let touched: &[u32] = if dense {
            &self.all_diagnoses
        } else {
            &scratch.touched[..scratch.n_touched]
        };
        let mut own: Vec<(u32, i64, i64)> = touched
            .iter()
            .map(|&d| (d, scratch.delta[d as usize], scratch.delta_independent[d as usize]))
            .filter(|&(_, a, b)| !dense || a != 0 || b != 0)
            .collect();
        own.sort_unstable_by_key(|e| e.0);
        let group_extra = if scratch.group_extra.iter().any(|&x| x != 0) {
            scratch.group_extra.clone()
        } else {
            Vec::new()
        };
        scratch.clear(dense);
        ObservationValues {
            clinical: n_clinical > 0,
            shared_clinical,
            shared_independent,
            n_fp,
            group_extra,
            own,
        }
    }

    /// The scale of the damped part of the scores for `n_clinical` clinical observations, and of
    /// the undamped part, per unit (what [`crate::Model::rank_into`] multiplies the totals by).
    pub(crate) fn scales(&self, n_clinical: usize) -> (f64, f64) {
        (
            self.config.evidence_scale(n_clinical) / LOG_SCALE,
            self.config.evidence_scale(1) / LOG_SCALE,
        )
    }

    /// The log10 prior of hypothesis `h`: a diagnosis, or (any index past them) the background
    /// of "none of these".
    pub(crate) fn log_prior_of(&self, h: usize) -> f64 {
        self.log_prior.get(h).copied().unwrap_or(self.log_prior_none)
    }
}

/// Dense mode: add one observation's values of all diagnoses (`lane`, the fallback where it is
/// [`NO_MATCH`]) to the partial sums; for an observation that carries the shift (`take` 1), minus
/// the shift of each diagnosis a rule matched, which takes back what it is owed.
#[inline]
fn add_lane(acc: &mut [i32], lane: &[i32], fallback: i32, take: i32, shift: &[i32]) {
    if take == 0 {
        for (a, &v) in acc.iter_mut().zip(lane) {
            *a = a.wrapping_add(observed(v, fallback, 0));
        }
    } else {
        for ((a, &v), &s) in acc.iter_mut().zip(lane).zip(shift) {
            let taken = if v == NO_MATCH { 0 } else { s };
            *a = a.wrapping_add(observed(v, fallback, 0) - taken);
        }
    }
}
