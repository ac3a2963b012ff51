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
use crate::resolved::ResolvedPatient;
use crate::scoring_core::{ScoringCore, Scratch};
use crate::tables::LOG_SCALE;

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

impl Ranking {
    /// A buffer sized for `core`: scoring into it never allocates.
    pub(crate) fn for_core(core: &ScoringCore) -> Self {
        let (n, groups) = (core.n_diagnoses(), core.groups.shift.len());
        Self {
            entries: Vec::with_capacity(n),
            none_posterior: 0.0,
            scores: vec![0.0; n],
            max: 0.0,
            z: 1.0,
            untouched_score: vec![0.0; groups],
            scratch: Scratch::new(n, groups),
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

    /// Sized for `core` (a buffer made for another model is remade once).
    fn fit(&mut self, core: &ScoringCore) {
        if self.scratch.delta.len() != core.n_diagnoses() || self.untouched_score.len() != core.groups.shift.len() {
            *self = Self::for_core(core);
        }
    }
}

thread_local! {
    /// A ranking buffer per thread for the slow paths that rank once per call (explaining),
    /// so that they do not make one each time.
    static RANKING: std::cell::RefCell<Ranking> = std::cell::RefCell::new(Ranking::default());
}

/// Call `f` with this thread's ranking buffer, sized for `core` (a new one when the buffer is in
/// use further up the stack).
pub(crate) fn with_ranking<R>(core: &ScoringCore, f: impl FnOnce(&mut Ranking) -> R) -> R {
    RANKING.with(|cell| match cell.try_borrow_mut() {
        Ok(mut ranking) => {
            ranking.fit(core);
            f(&mut ranking)
        }
        Err(_) => f(&mut Ranking::for_core(core)),
    })
}

/// The work of [`Model::rank_into`](crate::Model::rank_into).
pub(crate) fn rank_into(core: &ScoringCore, patient: &ResolvedPatient, out: &mut Ranking) {
    rank_observations(core, patient, core.n_diagnoses(), out);
}

/// The work of [`Model::rank_top_into`](crate::Model::rank_top_into).
pub(crate) fn rank_top_into(core: &ScoringCore, patient: &ResolvedPatient, k: usize, out: &mut Ranking) {
    rank_observations(core, patient, k, out);
}

/// The work of [`Model::rank`](crate::Model::rank).
pub(crate) fn rank(core: &ScoringCore, patient: &ResolvedPatient) -> Ranking {
    let mut out = Ranking::for_core(core);
    rank_into(core, patient, &mut out);
    out
}

/// The posterior of every diagnosis, look-alikes included, into `out` (by diagnosis index),
/// and the return value: the posterior of the background part of "none of these". `ranking`
/// must hold the last ranking of `patient`.
pub(crate) fn hypothesis_posteriors(
    core: &ScoringCore,
    patient: &ResolvedPatient,
    ranking: &Ranking,
    out: &mut Vec<f64>,
) -> f64 {
    let n = core.n_diagnoses();
    out.clear();
    if core.tables.is_dense() {
        out.extend((0..n).map(|d| ranking.posterior_of(d)));
    } else {
        // Diagnoses with a posting on one of the patient's rows have their own score; the
        // others share the running sum.
        let mut touched = vec![false; n];
        for &e in &patient.rows {
            if e.index() < core.tables.default.len() {
                for &d in core.tables.postings(e.index()).0 {
                    touched[d as usize] = true;
                }
            }
        }
        out.extend((0..n).map(|d| {
            if touched[d] {
                ranking.posterior_of(d)
            } else {
                let g = core.shift_group[d] as usize;
                pow10(core.log_prior[d] + ranking.untouched_score[g] - ranking.max) / ranking.z
            }
        }));
    }
    pow10(core.log_prior_none - ranking.max) / ranking.z
}

/// The scorer: totals, posteriors (prior + clinical total × design effect / T + independent
/// total / T, in log10), top-k.
#[allow(
    clippy::many_single_char_names,
    clippy::too_many_lines,
    reason = "the hot path in one piece, in the order of the maths (DESIGN.md): totals, normalisation, top k"
)]
fn rank_observations(core: &ScoringCore, patient: &ResolvedPatient, k: usize, out: &mut Ranking) {
    out.fit(core);
    let (shared_c, shared_i, n_clinical, n_fp) = core.accumulate(patient, &mut out.scratch);
    let (scale_c, scale_i) = core.scales(n_clinical);
    let score =
        |delta_c: i64, delta_i: i64| (shared_c + delta_c) as f64 * scale_c + (shared_i + delta_i) as f64 * scale_i;
    let shared = score(0, 0);
    // Each diagnosis's shifts, owed for every observation that carries one, and its group's
    // offsets of the absent rows (a matching rule took its own back in `accumulate`).
    let owed = |out: &Ranking, d: usize| {
        n_fp * i64::from(core.fp_shift[d])
            + out
                .scratch
                .group_extra
                .get(core.shift_group[d] as usize)
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
    let groups = &core.groups;
    let mut max = core.log_prior_none;
    for (g, &shift) in groups.shift.iter().enumerate() {
        let s = shared + (n_fp * i64::from(shift) + out.scratch.group_extra[g]) as f64 * scale_c;
        out.untouched_score[g] = s;
        max = max.max(s + groups.log_total[g]);
    }
    let dense = core.tables.is_dense();
    let (none, z) = if dense {
        // Every diagnosis has a score of its own. The weights are computed in one pass with no
        // dependency between them, then summed in the order of the sparse path below (the
        // diagnoses of the differential into z, the look-alikes into "none of these", each in
        // index order), so that both give the same bits.
        let n = core.n_diagnoses();
        let (scores, delta, delta_i) = (
            &mut out.scores[..n],
            &out.scratch.delta[..n],
            &out.scratch.delta_independent[..n],
        );
        let (log_prior, fp_shift) = (&core.log_prior[..n], &core.fp_shift[..n]);
        for d in 0..n {
            // Dense tables have no absent offsets: a diagnosis owes its shifts only.
            let s = log_prior[d] + score(delta[d] + n_fp * i64::from(fp_shift[d]), delta_i[d]);
            scores[d] = s;
            max = max.max(s);
        }
        let weight = &mut out.scratch.weight[..n];
        for (w, &s) in weight.iter_mut().zip(scores.iter()) {
            let x = s - max;
            // A weight below 10^-18 of the largest (which is 1) cannot change the sums.
            *w = if x > NEGLIGIBLE_LOG10 { pow10(x) } else { 0.0 };
        }
        let mut none = pow10(core.log_prior_none - max);
        let mut z = 0.0;
        for (g, &(untouched_mass, untouched_lookalikes)) in core.dense_untouched.iter().enumerate() {
            // What is left of the groups' prior sums once every diagnosis is touched: rounding
            // residue, usually nothing.
            if untouched_mass != 0.0 || untouched_lookalikes != 0.0 {
                let w = pow10(out.untouched_score[g] - max);
                none += untouched_lookalikes * w;
                z += untouched_mass * w;
            }
        }
        for &d in &core.ranked_index {
            let d = d as usize;
            z += weight[d];
            out.scratch.candidates.push((scores[d], d as u32, weight[d]));
        }
        for &d in &core.lookalike_index {
            none += weight[d as usize];
        }
        (none, z)
    } else {
        let touched: &[u32] = &out.scratch.touched[..out.scratch.n_touched];
        for &d in touched {
            let d = d as usize;
            let s = core.log_prior[d] + score(out.scratch.delta[d] + owed(out, d), out.scratch.delta_independent[d]);
            out.scores[d] = s;
            max = max.max(s);
            let g = core.shift_group[d] as usize;
            if core.lookalike[d] {
                out.scratch.group_touched_lookalike[g] += core.prior[d];
            } else {
                out.scratch.group_touched[g] += core.prior[d];
                out.scratch.candidates.push((s, d as u32, 0.0));
            }
        }
        // `max` is final here: weights are 10^(s − max), each computed once.
        let mut none = pow10(core.log_prior_none - max);
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
            if core.lookalike[d] {
                let s = out.scores[d] - max;
                // A term below 1e-18 of the largest (which is 1) cannot change the sums.
                if s > NEGLIGIBLE_LOG10 {
                    none += pow10(s);
                }
            }
        }
        (none, z)
    };
    let z = z + none;
    let k = k.min(core.prior_order.len());
    if !dense {
        best_untouched(core, k, &out.untouched_score, &mut out.scratch);
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

/// Sparse mode: the `k` best untouched diagnoses of the differential into the candidates,
/// their weights left to be computed for the `k` kept. In one group (or when every group's
/// untouched score is the same: no observation carries a shift or an offset) they rank by
/// prior; otherwise the groups' lists, each by prior, are merged by score, ties by index, or,
/// when `k` is large, all of them are candidates.
fn best_untouched(core: &ScoringCore, k: usize, untouched_score: &[f64], scratch: &mut Scratch) {
    let groups = &core.groups;
    let by_prior = untouched_score.iter().all(|s| s.total_cmp(&untouched_score[0]).is_eq());
    if by_prior || k.saturating_mul(groups.shift.len()) >= core.prior_order.len() {
        // By prior, or (a full ranking) every untouched one, for the selection below to sort:
        // a merge would cost k times the groups.
        let limit = if by_prior { k } else { usize::MAX };
        let untouched = core.prior_order.iter().filter(|&&d| !scratch.mark[d as usize]);
        for &d in untouched.take(limit) {
            let s = core.log_prior[d as usize] + untouched_score[core.shift_group[d as usize] as usize];
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
                let s = core.log_prior[d as usize] + score;
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
        let kb = crate::research::simulate::synthetic_knowledge_base(100, 300, 10, 3).unwrap();
        let config = ScoringConfig {
            annotation_exponent: 1.0,
            ..ScoringConfig::default()
        };
        let m = Model::compile_with(&kb, config);
        assert!(m.engine().core.has_shift && !m.engine().core.tables.is_dense());
        let p = m
            .resolve(&Patient::new().present("f1").present("f2").present("f250"))
            .unwrap();
        let r = m.rank(&p);
        let mut posterior = Vec::new();
        let none = super::hypothesis_posteriors(&m.engine().core, &p, &r, &mut posterior);
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
/// Results of [`Model::rank_batch`](crate::Model::rank_batch): the top `k` entries of each patient, flat, and each
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

/// The work of [`Model::rank_batch`](crate::Model::rank_batch).
pub(crate) fn rank_batch(core: &ScoringCore, patients: &[ResolvedPatient], k: usize) -> BatchRanking {
    let k = k.clamp(1, core.n_ranked().max(1));
    let filler = RankEntry {
        diagnosis: DiagnosisId(0),
        log10_lr: 0.0,
        posterior: 0.0,
    };
    let mut entries = vec![filler; patients.len() * k];
    let mut none = vec![0.0; patients.len()];
    let mut counts = vec![0u32; patients.len()];
    let work = |patients: &[ResolvedPatient], entries: &mut [RankEntry], none: &mut [f64], counts: &mut [u32]| {
        let mut r = Ranking::for_core(core);
        for (i, p) in patients.iter().enumerate() {
            rank_top_into(core, p, k, &mut r);
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
