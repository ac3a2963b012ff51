//! The hot path: scoring resolved patients into a ranking, with no hashing, no strings and no
//! allocation once the [`Ranking`] buffer has been made.
//!
//! Each observation contributes, per diagnosis, the best value among its rows, or its fallback
//! (the false-positive value) when none of the diagnosis's rules matches. Small knowledge bases
//! add dense lanes of all diagnoses' values; large ones add a shared value to a running sum and
//! each posting's difference to its diagnosis, so that diagnoses no posting touched share the
//! running sum and their posterior mass is summed in one step from their priors (the cost grows
//! with the patient's evidence and its postings, not with the number of diagnoses). Where the
//! false-positive value depends on the diagnosis's number of rules
//! ([`ScoringConfig::false_positive_shift`](crate::ScoringConfig::false_positive_shift)), every
//! diagnosis is owed its shift once for each observation no rule of it explains: the count is
//! shared, a matching posting takes its diagnosis's shift back, and the untouched diagnoses'
//! mass is summed per group of equal shift. Top-k takes the touched diagnoses plus the best
//! untouched ones (by prior, merged over the groups). Posteriors use the prior plus the total
//! divided by the temperature.
//!
//! **Order.** Diagnoses are ranked by posterior, highest first; equal posteriors are ordered
//! by diagnosis index (file order of the knowledge base), lowest first.

use serde::Serialize;

use crate::id::DiagnosisId;
use crate::model::Model;
use crate::resolve::{Observation, ResolvedPatient, ROW_FALLBACK};
use crate::tables::{effective, LOG_SCALE, NO_MATCH};

/// One ranked diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RankEntry {
    /// The diagnosis.
    pub diagnosis: DiagnosisId,
    /// Total log10 likelihood ratio against the background.
    pub log10_lr: f64,
    /// Posterior probability over the diagnoses plus "none of these".
    pub posterior: f64,
}

/// A reusable ranking buffer: the ranked entries plus the scorer's scratch space.
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
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    entries: Vec<RankEntry>,
    none_posterior: f64,
    /// Per diagnosis: its log10 score (prior + evidence) of the current ranking (dense mode: all
    /// of them; sparse mode: the touched ones).
    scores: Vec<f64>,
    /// The normalisation of the current ranking: posterior = 10^(score − max) / z.
    max: f64,
    z: f64,
    /// Per shift group: the log10 evidence score of its diagnoses no posting touched (sparse
    /// mode): the shared part plus the group's shift for each observation that carries one.
    untouched_score: Vec<f64>,
    /// The working buffers of the next ranking: kept with the result so that ranking into a
    /// reused `Ranking` never allocates.
    scratch: Scratch,
}

/// The working buffers of one ranking, sized for a model; cleared after each use.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// Per diagnosis: the clinical findings' part of the total (beyond the shared part).
    delta: Vec<i64>,
    /// Per diagnosis: the independent evidence's part (context findings, genes).
    delta_independent: Vec<i64>,
    mark: Vec<bool>,
    /// Sparse mode: the touched diagnoses are `touched[..n_touched]`; the buffer has a slot
    /// more than there are diagnoses, so that the next one can always be written ahead.
    touched: Vec<u32>,
    n_touched: usize,
    /// Dense mode: i32 partial sums of the clinical and of the independent observations.
    acc32: Vec<i32>,
    acc32_independent: Vec<i32>,
    /// The best value per diagnosis over the rows of one observation.
    best: Vec<i32>,
    /// Sparse mode: which diagnoses `best` holds for the current observation.
    best_stamp: Vec<u32>,
    best_list: Vec<u32>,
    stamp: u32,
    /// (log10 score, diagnosis, weight 10^(score − max)).
    candidates: Vec<(f64, u32, f64)>,
    /// Per shift group: the summed prior of its touched diagnoses of the differential and of its
    /// touched look-alikes, and (top k) the next member to look at.
    group_touched: Vec<f64>,
    group_touched_lookalike: Vec<f64>,
    group_next: Vec<u32>,
    /// Sparse mode, per shift group: what its diagnoses without a posting add to the absent rows'
    /// defaults ([`Model::absent_offsets_of`]), in units.
    group_extra: Vec<i64>,
}

impl Ranking {
    /// A buffer sized for `model`: scoring into it never allocates.
    #[must_use]
    pub fn new(model: &Model) -> Self {
        Self::with_size(model.n_diagnoses(), model.groups.shift.len())
    }

    fn with_size(n: usize, groups: usize) -> Self {
        Self {
            entries: Vec::with_capacity(n),
            none_posterior: 0.0,
            scores: vec![0.0; n],
            max: 0.0,
            z: 1.0,
            untouched_score: vec![0.0; groups],
            scratch: Scratch {
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
                candidates: Vec::with_capacity(n),
                group_touched: vec![0.0; groups],
                group_touched_lookalike: vec![0.0; groups],
                group_next: vec![0; groups],
                group_extra: vec![0; groups],
            },
        }
    }

    /// The ranked diagnoses, best first.
    #[must_use]
    pub fn entries(&self) -> &[RankEntry] {
        &self.entries
    }

    /// Posterior probability of "none of these".
    #[must_use]
    pub fn none_posterior(&self) -> f64 {
        self.none_posterior
    }

    /// Dense mode: the posterior of any diagnosis of the last ranking, look-alikes included.
    pub(crate) fn posterior_of(&self, d: usize) -> f64 {
        self.scores.get(d).map_or(0.0, |s| pow10(s - self.max) / self.z)
    }

    /// Sized for `model` (a buffer made for another model is remade once).
    fn fit(&mut self, model: &Model) {
        let (n, groups) = (model.n_diagnoses(), model.groups.shift.len());
        if self.scratch.delta.len() != n || self.untouched_score.len() != groups {
            *self = Self::with_size(n, groups);
        }
    }
}

impl Scratch {
    /// Back to zero for the next ranking: every total in dense mode, only the touched ones in
    /// sparse mode.
    fn clear(&mut self, dense: bool) {
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

impl Model {
    /// Rank every diagnosis for a resolved patient.
    pub fn rank_into(&self, patient: &ResolvedPatient, out: &mut Ranking) {
        self.rank_observations(patient, self.n_diagnoses(), out);
    }

    /// Rank the `k` best diagnoses for a resolved patient (posteriors still over all of them).
    pub fn rank_top_into(&self, patient: &ResolvedPatient, k: usize, out: &mut Ranking) {
        self.rank_observations(patient, k, out);
    }

    /// Rank and return a new buffer (allocates; prefer [`Model::rank_into`] in loops).
    #[must_use]
    pub fn rank(&self, patient: &ResolvedPatient) -> Ranking {
        let mut out = Ranking::new(self);
        self.rank_into(patient, &mut out);
        out
    }

    /// The posterior of every diagnosis, look-alikes included, into `out` (by diagnosis index),
    /// and the return value: the posterior of the background part of "none of these". `ranking`
    /// must hold the last ranking of `patient`.
    pub(crate) fn hypothesis_posteriors(
        &self,
        patient: &ResolvedPatient,
        ranking: &Ranking,
        out: &mut Vec<f64>,
    ) -> f64 {
        let n = self.n_diagnoses();
        out.clear();
        if self.tables.is_dense() {
            out.extend((0..n).map(|d| ranking.posterior_of(d)));
        } else {
            // Diagnoses with a posting on one of the patient's rows have their own score; the
            // others share the running sum.
            let mut touched = vec![false; n];
            for &e in &patient.rows {
                if e.index() < self.tables.default.len() {
                    for &d in self.tables.postings(e.index()).0 {
                        touched[d as usize] = true;
                    }
                }
            }
            out.extend((0..n).map(|d| {
                if touched[d] {
                    ranking.posterior_of(d)
                } else {
                    let g = self.shift_group[d] as usize;
                    pow10(self.log_prior[d] + ranking.untouched_score[g] - ranking.max) / ranking.z
                }
            }));
        }
        pow10(self.log_prior_none - ranking.max) / ranking.z
    }

    /// The fallback of an observation in units.
    #[inline]
    fn fallback_of(&self, patient: &ResolvedPatient, o: &Observation) -> i32 {
        if o.fallback != ROW_FALLBACK {
            return o.fallback;
        }
        patient
            .rows_of(o)
            .first()
            .and_then(|r| self.tables.fallback.get(r.index()))
            .copied()
            .unwrap_or(0)
    }

    /// The value of an observation for a diagnosis without a posting on any of its rows: the
    /// largest default of its rows ([`NO_MATCH`] when such a diagnosis takes the fallback).
    #[inline]
    pub(crate) fn untouched_value(&self, rows: &[crate::id::EvidenceId]) -> i32 {
        rows.iter()
            .filter_map(|r| self.tables.default.get(r.index()))
            .copied()
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
    pub(crate) fn absent_offsets_of(&self, row: crate::id::EvidenceId) -> &[i32] {
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
        o.gene
            || patient
                .rows_of(o)
                .first()
                .and_then(|r| self.tables.independent.get(r.index()))
                .copied()
                .unwrap_or(false)
    }

    /// Sum the observations into per-diagnosis totals, clinical ones into `out.scratch.delta` and
    /// independent ones into `out.scratch.delta_independent`: returns the parts shared by every diagnosis
    /// without an entry of its own (clinical, independent; all diagnoses are "touched" in dense
    /// mode), the number of clinical observations and the number of those that carry the
    /// false-positive shift ([`Model::carries_shift`]): every diagnosis is owed `n_fp` times its
    /// shift, and a diagnosis a rule matches for such an observation has its shift taken back here.
    #[allow(
        clippy::too_many_lines,
        reason = "the dense and the sparse path of the hot loop side by side, so that they are read together"
    )]
    fn accumulate(&self, patient: &ResolvedPatient, out: &mut Ranking) -> (i64, i64, usize, i64) {
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
        } = &mut out.scratch;
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
                    let independent = self.is_independent(patient, o);
                    let (acc, shared) = if independent {
                        (&mut *acc32_independent, &mut shared_i)
                    } else {
                        n_clinical += 1;
                        (&mut *acc32, &mut shared_c)
                    };
                    let fallback = self.fallback_of(patient, o);
                    let rows = patient.rows_of(o);
                    let take = i32::from(
                        self.has_shift && Self::carries_shift(independent, fallback, self.untouched_value(rows)),
                    );
                    n_fp += i64::from(take);
                    if let [row] = rows {
                        let row = row.index();
                        if let Some(lane) = t.lane(row) {
                            add_lane(acc, lane, fallback, take, fp_shift);
                        } else {
                            let v = t.default.get(row).copied().unwrap_or(NO_MATCH);
                            *shared += i64::from(effective(v, fallback));
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
                let independent = self.is_independent(patient, o);
                let (sums, shared) = if independent {
                    (&mut *delta_independent, &mut shared_i)
                } else {
                    n_clinical += 1;
                    (&mut *delta, &mut shared_c)
                };
                let fallback = self.fallback_of(patient, o);
                let rows = patient.rows_of(o);
                // The value of diagnoses without a posting on any of the rows. Observations of
                // several rows only hold present and implied rows, whose default is NO_MATCH.
                let base_raw = self.untouched_value(rows);
                let base = effective(base_raw, fallback);
                *shared += i64::from(base);
                let take = i64::from(self.has_shift && Self::carries_shift(independent, fallback, base_raw));
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
                        let v = effective(best[i].max(base_raw), fallback);
                        touch(d);
                        sums[i] += i64::from(v) - i64::from(base) - take * i64::from(fp_shift[i]);
                    }
                }
            }
        }
        (shared_c, shared_i, n_clinical, n_fp)
    }

    /// The scorer: totals, posteriors (prior + clinical total × design effect / T + independent
    /// total / T, in log10), top-k.
    #[allow(
        clippy::many_single_char_names,
        clippy::too_many_lines,
        reason = "the hot path in one piece, in the order of the maths (DESIGN.md): totals, normalisation, top k"
    )]
    fn rank_observations(&self, patient: &ResolvedPatient, k: usize, out: &mut Ranking) {
        out.fit(self);
        let (shared_c, shared_i, n_clinical, n_fp) = self.accumulate(patient, out);
        let (scale_c, scale_i) = self.scales(n_clinical);
        let score =
            |delta_c: i64, delta_i: i64| (shared_c + delta_c) as f64 * scale_c + (shared_i + delta_i) as f64 * scale_i;
        let shared = score(0, 0);
        // Each diagnosis's shifts, owed for every observation that carries one, and its group's
        // offsets of the absent rows (a matching rule took its own back in `accumulate`).
        let owed = |out: &Ranking, d: usize| {
            n_fp * i64::from(self.fp_shift[d])
                + out
                    .scratch
                    .group_extra
                    .get(self.shift_group[d] as usize)
                    .copied()
                    .unwrap_or(0)
        };
        let total = |out: &Ranking, d: usize| {
            shared_c + shared_i + out.scratch.delta[d] + out.scratch.delta_independent[d] + owed(out, d)
        };

        // Scores in log10: prior + evidence; the max anchors the normalisation. Look-alikes take
        // part in the normalisation but not in the ranking: their mass goes to "none of these".
        // The untouched diagnoses of one shift group share their evidence score.
        out.scratch.candidates.clear();
        let groups = &self.groups;
        let mut max = self.log_prior_none;
        for (g, &shift) in groups.shift.iter().enumerate() {
            let s = shared + (n_fp * i64::from(shift) + out.scratch.group_extra[g]) as f64 * scale_c;
            out.untouched_score[g] = s;
            max = max.max(s + groups.log_total[g]);
        }
        let dense = self.tables.is_dense();
        let touched: &[u32] = if dense {
            &self.all_diagnoses
        } else {
            &out.scratch.touched[..out.scratch.n_touched]
        };
        for &d in touched {
            let d = d as usize;
            let s = self.log_prior[d] + score(out.scratch.delta[d] + owed(out, d), out.scratch.delta_independent[d]);
            out.scores[d] = s;
            max = max.max(s);
            let g = self.shift_group[d] as usize;
            if self.lookalike[d] {
                out.scratch.group_touched_lookalike[g] += self.prior[d];
            } else {
                out.scratch.group_touched[g] += self.prior[d];
                out.scratch.candidates.push((s, d as u32, 0.0));
            }
        }
        // `max` is final here: weights are 10^(s − max), each computed once.
        let mut none = pow10(self.log_prior_none - max);
        let mut z = 0.0;
        for g in 0..groups.shift.len() {
            let untouched_mass = (groups.prior[g] - out.scratch.group_touched[g]).max(0.0);
            let untouched_lookalikes = (groups.lookalike_prior[g] - out.scratch.group_touched_lookalike[g]).max(0.0);
            let weight = pow10(out.untouched_score[g] - max);
            none += untouched_lookalikes * weight;
            z += untouched_mass * weight;
            out.scratch.group_touched[g] = 0.0;
            out.scratch.group_touched_lookalike[g] = 0.0;
        }
        // A weight below 10^-18 of the largest cannot change z: it is computed only if its
        // diagnosis ends up among the k returned (below), which keeps 10^x off most of the
        // thousands of diagnoses a large knowledge base touches.
        for c in &mut out.scratch.candidates {
            let x = c.0 - max;
            if x > NEGLIGIBLE_LOG10 {
                c.2 = pow10(x);
                z += c.2;
            }
        }
        for &d in touched {
            let d = d as usize;
            if self.lookalike[d] {
                let s = out.scores[d] - max;
                // A term below 1e-18 of the largest (which is 1) cannot change the sums.
                if s > NEGLIGIBLE_LOG10 {
                    none += pow10(s);
                }
            }
        }
        z += none;
        let k = k.min(self.prior_order.len());
        if !dense {
            self.best_untouched(k, &out.untouched_score, &mut out.scratch);
        }

        let by_rank = |a: &(f64, u32, f64), b: &(f64, u32, f64)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if k < out.scratch.candidates.len() && k > 0 && k <= SMALL_K {
            // The k best by one pass that keeps them sorted: nearly every candidate is turned
            // away by one comparison with the k-th best so far (a selection over the thousands
            // of candidates of the catalogue cost a tenth of a ranking).
            let mut top = [(f64::NEG_INFINITY, u32::MAX, 0.0); SMALL_K];
            let mut len = 0;
            for c in &out.scratch.candidates {
                if len == k && by_rank(c, &top[k - 1]).is_ge() {
                    continue;
                }
                let mut i = len.min(k - 1);
                len = (len + 1).min(k);
                while i > 0 && by_rank(c, &top[i - 1]).is_lt() {
                    top[i] = top[i - 1];
                    i -= 1;
                }
                top[i] = *c;
            }
            out.scratch.candidates.clear();
            out.scratch.candidates.extend_from_slice(&top[..len]);
        } else if k < out.scratch.candidates.len() && k > 0 {
            out.scratch.candidates.select_nth_unstable_by(k - 1, by_rank);
            out.scratch.candidates.truncate(k);
        }
        out.scratch.candidates.sort_unstable_by(by_rank);
        out.scratch.candidates.truncate(k);

        out.entries.clear();
        for i in 0..out.scratch.candidates.len() {
            let (s, d, w) = out.scratch.candidates[i];
            let w = if w == 0.0 { pow10(s - max) } else { w };
            let lr = total(out, d as usize) as f64 / LOG_SCALE;
            out.entries.push(RankEntry {
                diagnosis: DiagnosisId(d),
                log10_lr: lr,
                posterior: w / z,
            });
        }
        out.none_posterior = none / z;
        out.max = max;
        out.z = z;

        out.scratch.clear(dense);
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
    pub(crate) fn group_value(&self, model: &Model, group: usize) -> (i64, i64) {
        let shift = model.groups.shift.get(group).copied().unwrap_or(0);
        let extra = self.group_extra.get(group).copied().unwrap_or(0);
        (
            self.shared_clinical + self.n_fp * i64::from(shift) + extra,
            self.shared_independent,
        )
    }

    /// The (damped, undamped) value of hypothesis `h`: a diagnosis, or (any index past them) the
    /// background of "none of these", which has no evidence.
    pub(crate) fn value(&self, model: &Model, h: usize) -> (i64, i64) {
        let Some(&group) = model.shift_group.get(h) else {
            return (0, 0);
        };
        let (damped, undamped) = self.group_value(model, group as usize);
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

impl Model {
    /// What the one observation of `single` adds to each diagnosis's total (see
    /// [`ObservationValues`]), found by the scorer's own accumulation, so that the values are the
    /// ones a ranking adds. `out` is a buffer of this model, left ready for the next use.
    pub(crate) fn observation_values(&self, single: &ResolvedPatient, out: &mut Ranking) -> ObservationValues {
        out.fit(self);
        let (shared_clinical, shared_independent, n_clinical, n_fp) = self.accumulate(single, out);
        let dense = self.tables.is_dense();
        let scratch = &out.scratch;
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
        out.scratch.clear(dense);
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
    /// the undamped part, per unit (what [`Model::rank_into`] multiplies the totals by).
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

impl Model {
    /// Sparse mode: the `k` best untouched diagnoses of the differential into the candidates,
    /// their weights left to be computed for the `k` kept. In one group (or when every group's
    /// untouched score is the same: no observation carries a shift or an offset) they rank by
    /// prior; otherwise the groups' lists, each by prior, are merged by score, ties by index, or,
    /// when `k` is large, all of them are candidates.
    fn best_untouched(&self, k: usize, untouched_score: &[f64], scratch: &mut Scratch) {
        let groups = &self.groups;
        let by_prior = untouched_score.iter().all(|s| s.total_cmp(&untouched_score[0]).is_eq());
        if by_prior || k.saturating_mul(groups.shift.len()) >= self.prior_order.len() {
            // By prior, or (a full ranking) every untouched one, for the selection below to sort:
            // a merge would cost k times the groups.
            let limit = if by_prior { k } else { usize::MAX };
            let untouched = self.prior_order.iter().filter(|&&d| !scratch.mark[d as usize]);
            for &d in untouched.take(limit) {
                let s = self.log_prior[d as usize] + untouched_score[self.shift_group[d as usize] as usize];
                scratch.candidates.push((s, d, 0.0));
            }
            return;
        }
        scratch.group_next.copy_from_slice(&groups.start[..groups.shift.len()]);
        for _ in 0..k {
            let mut best: Option<(f64, u32, usize)> = None;
            for (g, &score) in untouched_score.iter().enumerate() {
                let end = groups.start[g + 1];
                let mut next = scratch.group_next[g];
                while next < end && scratch.mark[groups.members[next as usize] as usize] {
                    next += 1;
                }
                scratch.group_next[g] = next;
                if next < end {
                    let d = groups.members[next as usize];
                    let s = self.log_prior[d as usize] + score;
                    if best.is_none_or(|(bs, bd, _)| s.total_cmp(&bs).then(bd.cmp(&d)).is_gt()) {
                        best = Some((s, d, g));
                    }
                }
            }
            let Some((s, d, g)) = best else { break };
            scratch.candidates.push((s, d, 0.0));
            scratch.group_next[g] += 1;
        }
    }
}

/// Dense mode: add one observation's values of all diagnoses (`lane`, the fallback where it is
/// [`NO_MATCH`]) to the partial sums; for an observation that carries the shift (`take` 1), minus
/// the shift of each diagnosis a rule matched, which takes back what it is owed.
#[inline]
fn add_lane(acc: &mut [i32], lane: &[i32], fallback: i32, take: i32, shift: &[i32]) {
    if take == 0 {
        for (a, &v) in acc.iter_mut().zip(lane) {
            *a = a.wrapping_add(effective(v, fallback));
        }
    } else {
        for ((a, &v), &s) in acc.iter_mut().zip(lane).zip(shift) {
            let taken = if v == NO_MATCH { 0 } else { s };
            *a = a.wrapping_add(effective(v, fallback) - taken);
        }
    }
}

/// log10 of a weight too small to change a sum that holds 1 (the largest weight).
const NEGLIGIBLE_LOG10: f64 = -18.0;

/// Up to this many best diagnoses are picked by insertion; more by a selection.
const SMALL_K: usize = 32;

/// 10^x for the weights 10^(s − max) of the posterior (x ≤ 0): 2^(x log2 10) split into
/// 2^(k/64) = 2^(k div 64) · 2^((k mod 64)/64), the first set in the exponent bits, the second
/// read from a table of 64 values, and e^f for |f| ≤ ln 2 / 128 by its Taylor series to degree 5
/// (the next term is below 4e-17; relative error below 1e-12 over [−300, 10], checked against
/// `powf` in the tests). Plain arithmetic, so the result is the same on every platform; faster
/// than `exp`, which dominated the cost of a ranking.
#[inline]
#[allow(
    clippy::many_single_char_names,
    reason = "the names of the formula in the comment above"
)]
fn pow10(x: f64) -> f64 {
    // Below 10^-300 the weight cannot change a sum that holds 1.
    if x < -300.0 || x.is_nan() {
        return 0.0;
    }
    let y = x.min(300.0) * std::f64::consts::LOG2_10 * 64.0;
    // Round to the nearest integer with a truncating cast (one instruction; `round` is a call).
    let k = (y + if y >= 0.0 { 0.5 } else { -0.5 }) as i64;
    let f = (y - k as f64) * (std::f64::consts::LN_2 / 64.0);
    // e^f by Horner over 1/i!, i = 5 down to 1.
    let e = ((((f * (1.0 / 120.0) + 1.0 / 24.0) * f + 1.0 / 6.0) * f + 0.5) * f + 1.0) * f + 1.0;
    // 2^(k div 64) as an f64: k div 64 lies in [-998, 997], a normal exponent.
    let bits = (((k >> 6) + 1023) as u64) << 52;
    e * EXP2_SIXTY_FOURTHS[(k & 63) as usize] * f64::from_bits(bits)
}

/// 2^(j/64) for j = 0..64, each to within an ulp or two (Taylor series of e^(j ln 2 / 64) to
/// degree 30, evaluated at compile time).
const EXP2_SIXTY_FOURTHS: [f64; 64] = {
    let mut table = [0.0; 64];
    let mut j = 0;
    while j < 64 {
        let x = j as f64 * std::f64::consts::LN_2 / 64.0;
        let mut sum = 0.0;
        let mut term = 1.0;
        let mut i = 1;
        while i <= 30 {
            sum += term;
            term = term * x / i as f64;
            i += 1;
        }
        table[j] = sum;
        j += 1;
    }
    table
};

#[cfg(test)]
#[allow(
    clippy::float_cmp,
    reason = "the values compared are exact (0, 1, and the limits of the range)"
)]
mod tests {
    use super::pow10;
    use crate::{Model, Patient, ScoringConfig};

    /// The posteriors of every hypothesis (what "what to examine next" reads) include the
    /// untouched diagnoses' false-positive shifts: they sum to 1 and agree with the ranking.
    #[test]
    fn hypothesis_posteriors_carry_the_shift() {
        let kb = crate::simulate::synthetic_knowledge_base(100, 300, 10, 3).unwrap();
        let config = ScoringConfig {
            annotation_exponent: 1.0,
            ..ScoringConfig::default()
        };
        let m = Model::compile_with(&kb, config);
        assert!(m.has_shift && !m.tables.is_dense());
        let p = m
            .resolve(&Patient::new().present("f1").present("f2").present("f250"))
            .unwrap();
        let r = m.rank(&p);
        let mut posterior = Vec::new();
        let none = m.hypothesis_posteriors(&p, &r, &mut posterior);
        let total: f64 = posterior.iter().sum::<f64>() + none;
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        for e in r.entries() {
            let d = e.diagnosis.index();
            assert!((posterior[d] - e.posterior).abs() < 1e-12, "{d}");
        }
    }

    #[test]
    fn pow10_matches_powf() {
        let mut worst: f64 = 0.0;
        let mut x = -300.0;
        while x <= 10.0 {
            let (fast, exact) = (pow10(x), 10f64.powf(x));
            worst = worst.max(((fast - exact) / exact).abs());
            x += 0.000_731;
        }
        assert!(worst < 1e-12, "relative error {worst}");
        // The table part alone: 2^(j/64) against powf.
        for (j, &t) in super::EXP2_SIXTY_FOURTHS.iter().enumerate() {
            let exact = 2f64.powf(j as f64 / 64.0);
            assert!(((t - exact) / exact).abs() < 1e-15, "2^({j}/64) = {t}, not {exact}");
        }
        assert_eq!(pow10(-301.0), 0.0);
        assert_eq!(pow10(f64::NAN), 0.0);
        assert_eq!(pow10(0.0), 1.0);
    }
}
/// Results of [`Model::rank_batch`]: the top `k` entries of each patient, flat, and each
/// patient's "none of these" posterior.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchRanking {
    /// Entries kept per patient.
    pub k: usize,
    /// `k` entries per patient, patient after patient.
    pub entries: Vec<RankEntry>,
    /// Posterior of "none of these", per patient.
    pub none_posterior: Vec<f64>,
    /// Real entries per patient (fewer than `k` only when the model ranks fewer diagnoses).
    counts: Vec<u32>,
}

impl BatchRanking {
    /// The top entries of patient `i` (only real ones; empty for an `i` beyond the batch).
    #[must_use]
    pub fn patient(&self, i: usize) -> &[RankEntry] {
        let n = self.counts.get(i).map_or(0, |&n| n as usize);
        self.entries.get(i * self.k..i * self.k + n).unwrap_or(&[])
    }

    /// Number of patients.
    #[must_use]
    pub fn len(&self) -> usize {
        self.none_posterior.len()
    }

    /// True for an empty batch.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.none_posterior.is_empty()
    }
}

impl Model {
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
        let k = k.clamp(1, self.n_ranked().max(1));
        let filler = RankEntry {
            diagnosis: DiagnosisId(0),
            log10_lr: 0.0,
            posterior: 0.0,
        };
        let mut entries = vec![filler; patients.len() * k];
        let mut none = vec![0.0; patients.len()];
        let mut counts = vec![0u32; patients.len()];
        let work = |patients: &[ResolvedPatient], entries: &mut [RankEntry], none: &mut [f64], counts: &mut [u32]| {
            let mut r = Ranking::new(self);
            for (i, p) in patients.iter().enumerate() {
                self.rank_top_into(p, k, &mut r);
                // Fewer than k entries only when the knowledge base ranks fewer than k diagnoses
                // (e.g. none): the rest keep the filler, which `patient` never returns.
                let got = r.entries().len().min(k);
                entries[i * k..i * k + got].copy_from_slice(&r.entries()[..got]);
                none[i] = r.none_posterior();
                counts[i] = got as u32;
            }
        };
        #[cfg(feature = "rayon")]
        {
            use rayon::prelude::*;
            // At most 4096 patients a chunk, and at least four chunks a thread, so that a batch
            // of a thousand patients (HPO catalogue, ~0.1 ms each) is shared too.
            let chunk = patients
                .len()
                .div_ceil(4 * rayon::current_num_threads())
                .clamp(16, 4096);
            patients
                .par_chunks(chunk)
                .zip(entries.par_chunks_mut(chunk * k))
                .zip(none.par_chunks_mut(chunk))
                .zip(counts.par_chunks_mut(chunk))
                .for_each(|(((p, e), z), c)| work(p, e, z, c));
        }
        #[cfg(not(feature = "rayon"))]
        work(patients, &mut entries, &mut none, &mut counts);
        BatchRanking {
            k,
            entries,
            none_posterior: none,
            counts,
        }
    }
}
