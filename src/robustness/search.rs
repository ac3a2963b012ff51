//! The search for the fewest observations whose removal (or flipping) changes the first of the
//! differential, with a bound that makes it exact and fast, and budgets that make it finite.
//!
//! **Why a bound exists.** A ranking is a sum: each observation adds, per hypothesis (a
//! diagnosis, or the background of "none of these", which has no evidence), a fixed-point value
//! to a part the design effect damps and one it does not
//! ([`ObservationValues`]), and a hypothesis's log10 score is its log prior plus each part's
//! total times that part's scale. Only the damped part's scale depends on the set of
//! observations, through its number of clinical ones. So the score of every hypothesis after a
//! set S is removed (or flipped) follows from the values of S's observations alone, and for two
//! hypotheses x and y the gain of y over x is
//!
//! ```text
//! Δ(S) = (prior_y − prior_x) + c(m) · (A_y − A_x + Σ_S u_j) + c_i · (B_y − B_x + Σ_S w_j)
//! ```
//!
//! with `u_j`, `w_j` what observation j's change takes from x more than from y, `c(m)` the damped
//! scale when S holds m clinical observations more than it adds, and `c_i` the other.
//!
//! **The walk.** Sets are walked in the order the result promises (smallest first, then in
//! observation order) depth first. At each branch — a prefix of a set, its last observation
//! known — the largest Δ any completion can reach is bounded per pair of hypotheses: the
//! prefix's own values plus, for each class of observation (by how it changes the number of
//! clinical ones), the largest values of those after the last (read from a list of the three
//! largest of the whole patient, per pair, class and part). A branch in which no hypothesis can
//! reach the first (a diagnosis overtaking it, or, for a first diagnosis, "none of these" —
//! the background and the look-alikes — adding up to it) is skipped; a full set that passes is
//! ranked by the scorer, which decides. The bound never skips a set the scorer would find (up to
//! [`EPS`] in log10 for rounding), so the set found is the one the exhaustive search finds, and
//! a search that completes is exact. Most patients need no walk at all: no pair can reach the
//! first with the three observations most in its favour.
//!
//! **The budgets.** [`MAX_RANKINGS`] sets ranked by the scorer and [`MAX_BOUND_WORK`] bound
//! evaluations per search; past either, the search stops and says how far it got
//! ([`SearchExtent`]). Where the bound does not apply (a scoring configuration with a scale that
//! is not positive, more than [`MAX_COMPONENTS`] look-alikes, or a bound that would cost more
//! than [`MAX_BOUND_WORK`] to set up) the sets are ranked one by one within [`MAX_RANKINGS`].

use crate::engine::Engine;
use crate::resolved::ResolvedPatient;
use crate::scoring_core::{ObservationValues, Scratch};

use super::{SearchExtent, MAX_DECISIVE};

/// Sets the scorer ranks per search, at most (a ranking of the whole HPO catalogue with a
/// hundred terms takes about a millisecond).
pub const MAX_RANKINGS: usize = 1_000;

/// Bound evaluations (one pair of hypotheses at one branch, or one pair and one observation
/// when the bound is set up) per search, at most.
pub const MAX_BOUND_WORK: u64 = 50_000_000;

/// The look-alikes beyond which the bound is not used ("none of these" is bounded by each of its
/// parts).
pub const MAX_COMPONENTS: usize = 256;

/// The margin, in log10, by which a bound must rule a hypothesis out: far above the rounding of
/// the scores (about 1e-12 of their size).
pub const EPS: f64 = 1e-6;

/// The first of the differential the search is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum First {
    /// A diagnosis, by index.
    Diagnosis(usize),
    /// "None of these".
    None,
}

/// One observation the search may remove or flip: the change to every hypothesis's values.
struct Item {
    /// Its values.
    before: ObservationValues,
    /// Its values once flipped; `None` when it is removed.
    after: Option<ObservationValues>,
    /// Its class: 0, 1 or 2 for taking −1, 0 or +1 from the number of clinical observations.
    class: usize,
}

impl Item {
    /// What the change takes from hypothesis `h`'s (damped, undamped) totals.
    fn change(&self, model: &Engine, h: usize) -> (i64, i64) {
        let (a, b) = self.before.value(&model.core, h);
        match &self.after {
            None => (a, b),
            Some(after) => {
                let (a2, b2) = after.value(&model.core, h);
                (a - a2, b - b2)
            }
        }
    }

    /// The least the change takes from any hypothesis, per part (the background, which takes
    /// nothing, included).
    fn least(&self, model: &Engine) -> (i64, i64) {
        let (mut a, mut b) = (0i64, 0i64);
        let mut take = |(x, y): (i64, i64)| {
            a = a.min(x);
            b = b.min(y);
        };
        for g in 0..model.core.groups.shift.len() {
            let (x, y) = self.before.group_value(&model.core, g);
            match &self.after {
                None => take((x, y)),
                Some(after) => {
                    let (x2, y2) = after.group_value(&model.core, g);
                    take((x - x2, y - y2));
                }
            }
        }
        let after_own = self.after.iter().flat_map(|a| a.own.iter());
        for &(d, _, _) in self.before.own.iter().chain(after_own) {
            take(self.change(model, d as usize));
        }
        (a, b)
    }
}

/// The three largest values of one part of one class, with their positions (largest first;
/// `len` of them, fewer when the class has fewer items).
#[derive(Debug, Clone, Copy, Default)]
struct Top {
    value: [i64; 3],
    at: [u32; 3],
    len: u8,
}

impl Top {
    fn add(&mut self, value: i64, at: u32) {
        let mut i = usize::from(self.len);
        if i == 3 {
            if value <= self.value[2] {
                return;
            }
            i = 2;
        } else {
            self.len += 1;
        }
        while i > 0 && self.value[i - 1] < value {
            self.value[i] = self.value[i - 1];
            self.at[i] = self.at[i - 1];
            i -= 1;
        }
        self.value[i] = value;
        self.at[i] = at;
    }

    /// An upper bound of the sum of the `r` largest values at positions after `last`, of a class
    /// with at least `r` items there: those of the list, then the list's smallest for the rest
    /// (an item not in a full list is no larger).
    fn sum_after(&self, r: usize, last: Option<usize>) -> i64 {
        if r == 0 {
            return 0;
        }
        let mut sum = 0;
        let mut taken = 0;
        for k in 0..usize::from(self.len) {
            if taken == r {
                break;
            }
            if last.is_none_or(|l| self.at[k] as usize > l) {
                sum += self.value[k];
                taken += 1;
            }
        }
        if taken < r && self.len > 0 {
            sum += (r - taken) as i64 * self.value[usize::from(self.len) - 1];
        }
        sum
    }
}

/// Two hypotheses: can `y` reach `x`?
#[derive(Debug, Clone)]
struct Pair {
    x: usize,
    y: usize,
    /// The log10 prior of `y` less that of `x`.
    prior: f64,
    /// The totals of `y` less those of `x`, damped and undamped, in units.
    damped: i64,
    undamped: i64,
    /// Per class, the largest values of u (damped) and w (undamped).
    top_u: [Top; 3],
    top_w: [Top; 3],
}

/// What makes the first change.
#[derive(Debug, Clone)]
enum Test {
    /// A diagnosis overtakes the first: each of the pairs (part of "none of these", the
    /// diagnosis) when the first is "none of these", so that the parts' sum stays below it; the
    /// one pair (the first, the diagnosis) otherwise.
    Rival(std::ops::Range<usize>),
    /// "None of these" overtakes a first diagnosis: the pairs (the first, each part of it).
    NoneOfThese(std::ops::Range<usize>),
}

/// The linear form of the patient's rankings, and the state of the walk.
struct Bound<'m> {
    model: &'m Engine,
    items: Vec<Item>,
    pairs: Vec<Pair>,
    tests: Vec<Test>,
    /// The damped scale for m = −3..=3 (index m + 3), and the undamped one.
    scale: [f64; 7],
    scale_i: f64,
    /// Per class, the number of items at positions ≥ p (index p).
    after: [Vec<u32>; 3],
    /// The bound evaluations so far, and the budgets.
    work: u64,
    budget: Budget,
}

impl Bound<'_> {
    /// The damped scale when the set takes `m` from the number of clinical observations.
    fn scale_of(&self, m: i64) -> f64 {
        self.scale[(m + 3).clamp(0, 6) as usize]
    }

    /// The largest gain of `pair.y` over `pair.x` any completion of a prefix can reach: the
    /// prefix holds `counts` items per class with sums `u`, `w`; `r` more come after position
    /// `last`.
    fn best(&self, pair: &Pair, counts: [usize; 3], u: i64, w: i64, last: Option<usize>, r: usize) -> f64 {
        let start = last.map_or(0, |l| l + 1);
        let available = [0, 1, 2].map(|c| self.after[c][start] as usize);
        let mut best = f64::NEG_INFINITY;
        for r0 in 0..=r.min(available[0]) {
            for r1 in 0..=(r - r0).min(available[1]) {
                let r2 = r - r0 - r1;
                if r2 > available[2] {
                    continue;
                }
                let taken = [r0, r1, r2];
                let m = (counts[2] + r2) as i64 - (counts[0] + r0) as i64;
                let (mut su, mut sw) = (pair.damped + u, pair.undamped + w);
                for (c, &r) in taken.iter().enumerate() {
                    su += pair.top_u[c].sum_after(r, last);
                    sw += pair.top_w[c].sum_after(r, last);
                }
                best = best.max(pair.prior + self.scale_of(m) * su as f64 + self.scale_i * sw as f64);
            }
        }
        best
    }

    /// Whether a test can pass in some completion (`best` per pair given).
    fn passes(test: &Test, best: impl Fn(usize) -> f64) -> bool {
        match test {
            Test::Rival(pairs) if pairs.len() == 1 => best(pairs.start) >= -EPS,
            Test::Rival(pairs) => {
                let gains: Vec<f64> = pairs.clone().map(|p| -best(p)).collect();
                log10_sum(&gains) <= EPS
            }
            Test::NoneOfThese(pairs) => {
                let gains: Vec<f64> = pairs.clone().map(best).collect();
                log10_sum(&gains) >= -EPS
            }
        }
    }

    fn pairs_of(test: &Test) -> std::ops::Range<usize> {
        match test {
            Test::Rival(p) | Test::NoneOfThese(p) => p.clone(),
        }
    }
}

/// log10 of the sum of 10^x over `xs` (−∞ for none).
fn log10_sum(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    max + xs.iter().map(|x| 10f64.powf(x - max)).sum::<f64>().log10()
}

/// How a search ended: the set found (positions in `items`) and its value, and how far it got.
pub(crate) type Found<T> = (Option<(Vec<usize>, T)>, SearchExtent);

/// The first set (smallest, then in order) of up to [`MAX_DECISIVE`] of `items` (observations of
/// `patient`, ascending) whose removal (`flip` false) or flipping changes the first of the
/// differential, `first`; `test` ranks a set of observations and says what is first then, when
/// it is not the first any more.
pub(crate) fn smallest_set<T>(
    model: &Engine,
    patient: &ResolvedPatient,
    first: First,
    items: &[usize],
    flip: bool,
    test: impl FnMut(&[usize]) -> Option<T>,
) -> Found<T> {
    smallest_set_within(model, patient, first, items, flip, Budget::default(), test)
}

/// The budgets of one search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    /// Sets ranked by the scorer, at most.
    pub rankings: usize,
    /// Bound evaluations, at most.
    pub work: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            rankings: MAX_RANKINGS,
            work: MAX_BOUND_WORK,
        }
    }
}

/// [`smallest_set`] within other budgets.
pub(crate) fn smallest_set_within<T>(
    model: &Engine,
    patient: &ResolvedPatient,
    first: First,
    items: &[usize],
    flip: bool,
    budget: Budget,
    mut test: impl FnMut(&[usize]) -> Option<T>,
) -> Found<T> {
    let sizes = MAX_DECISIVE.min(items.len());
    let mut rankings = 0usize;
    let mut ranked = |set: &[usize], rankings: &mut usize| {
        *rankings += 1;
        let observations: Vec<usize> = set.iter().map(|&p| items[p]).collect();
        test(&observations).map(|v| (observations, v))
    };
    let Some(mut bound) = Bound::new(model, patient, first, items, flip, budget) else {
        return plain(items.len(), sizes, budget, &mut rankings, &mut ranked);
    };
    for size in 1..=sizes {
        let active: Vec<usize> = (0..bound.tests.len())
            .filter(|&t| {
                let test = &bound.tests[t];
                Bound::passes(test, |p| bound.best(&bound.pairs[p], [0; 3], 0, 0, None, size))
            })
            .collect();
        if active.is_empty() {
            continue;
        }
        let mut walk = Walk {
            size,
            active,
            set: Vec::with_capacity(size),
            sums: vec![(0, 0); bound.pairs.len() * (size + 1)],
            counts: vec![[0; 3]; size + 1],
        };
        match walk.go(&mut bound, 0, &mut rankings, &mut ranked) {
            Step::Found(found) => {
                return (Some(found), extent(sizes, rankings, false));
            }
            Step::Stopped => return (None, extent(size - 1, rankings, true)),
            Step::Nothing => {}
        }
    }
    (None, extent(sizes, rankings, false))
}

fn extent(complete_up_to: usize, rankings: usize, stopped_early: bool) -> SearchExtent {
    SearchExtent {
        complete_up_to,
        rankings,
        stopped_early,
    }
}

/// Every set in order, each ranked, within [`MAX_RANKINGS`].
fn plain<T>(
    n: usize,
    sizes: usize,
    budget: Budget,
    rankings: &mut usize,
    ranked: &mut impl FnMut(&[usize], &mut usize) -> Option<(Vec<usize>, T)>,
) -> Found<T> {
    for size in 1..=sizes {
        let mut idx: Vec<usize> = (0..size).collect();
        loop {
            if *rankings >= budget.rankings {
                return (None, extent(size - 1, *rankings, true));
            }
            if let Some(found) = ranked(&idx, rankings) {
                return (Some(found), extent(sizes, *rankings, false));
            }
            if !next_combination(&mut idx, n) {
                break;
            }
        }
    }
    (None, extent(sizes, *rankings, false))
}

/// The outcome of a branch of the walk.
enum Step<T> {
    Found((Vec<usize>, T)),
    Stopped,
    Nothing,
}

/// The depth-first walk over the sets of one size.
struct Walk {
    size: usize,
    /// The tests that can pass somewhere at this size.
    active: Vec<usize>,
    /// The positions chosen so far.
    set: Vec<usize>,
    /// Per depth and pair, the prefix's sums of u and w (depth-major).
    sums: Vec<(i64, i64)>,
    /// Per depth, the prefix's items per class.
    counts: Vec<[usize; 3]>,
}

impl Walk {
    fn go<T>(
        &mut self,
        bound: &mut Bound<'_>,
        start: usize,
        rankings: &mut usize,
        ranked: &mut impl FnMut(&[usize], &mut usize) -> Option<(Vec<usize>, T)>,
    ) -> Step<T> {
        let n = bound.items.len();
        let depth = self.set.len();
        let np = bound.pairs.len();
        for j in start..n {
            if n - j < self.size - depth {
                break;
            }
            if bound.work > bound.budget.work || *rankings >= bound.budget.rankings {
                return Step::Stopped;
            }
            // The prefix with j: its sums per pair of the active tests, and its counts.
            let mut counts = self.counts[depth];
            counts[bound.items[j].class] += 1;
            self.counts[depth + 1] = counts;
            for &t in &self.active {
                bound.work += Bound::pairs_of(&bound.tests[t]).len() as u64;
                for p in Bound::pairs_of(&bound.tests[t]) {
                    let pair = &bound.pairs[p];
                    let item = &bound.items[j];
                    let (ax, bx) = item.change(bound.model, pair.x);
                    let (ay, by) = item.change(bound.model, pair.y);
                    let (u, w) = self.sums[depth * np + p];
                    self.sums[(depth + 1) * np + p] = (u + ax - ay, w + bx - by);
                }
            }
            let r = self.size - depth - 1;
            let mut open = false;
            for &t in &self.active {
                let test = &bound.tests[t];
                bound.work += Bound::pairs_of(test).len() as u64;
                let best = |p: usize| {
                    let (u, w) = self.sums[(depth + 1) * np + p];
                    bound.best(&bound.pairs[p], counts, u, w, Some(j), r)
                };
                if Bound::passes(test, best) {
                    open = true;
                    break;
                }
            }
            if !open {
                continue;
            }
            self.set.push(j);
            let step = if r == 0 {
                match ranked(&self.set, rankings) {
                    Some(found) => Step::Found(found),
                    None => Step::Nothing,
                }
            } else {
                self.go(bound, j + 1, rankings, ranked)
            };
            self.set.pop();
            match step {
                Step::Nothing => {}
                other => return other,
            }
        }
        Step::Nothing
    }
}

impl<'m> Bound<'m> {
    /// The linear form of `patient` for the search over `items`, with the pairs and tests that
    /// can make `first` change; `None` where the bound does not apply (see the module).
    fn new(
        model: &'m Engine,
        patient: &ResolvedPatient,
        first: First,
        items: &[usize],
        flip: bool,
        budget: Budget,
    ) -> Option<Self> {
        let n_hyp = model.n_diagnoses();
        let lookalikes: Vec<usize> = (0..n_hyp).filter(|&d| model.core.lookalike[d]).collect();
        if lookalikes.len() > MAX_COMPONENTS {
            return None;
        }
        let mut scratch = Scratch::default();
        let values: Vec<ObservationValues> = (0..patient.len())
            .map(|i| {
                model
                    .core
                    .observation_values(&patient.single(model, i, false), &mut scratch)
            })
            .collect();
        let n_clinical = values.iter().filter(|v| v.clinical).count() as i64;
        let (_, scale_i) = model.core.scales(1);
        let scale = [-3i64, -2, -1, 0, 1, 2, 3].map(|m| model.core.scales((n_clinical - m).max(0) as usize).0);
        if !(scale.iter().all(|s| s.is_finite() && *s >= 0.0) && scale_i.is_finite() && scale_i >= 0.0) {
            return None;
        }
        // Every hypothesis's totals: the diagnoses, then the background (none): per group,
        // then each diagnosis's own entries.
        let groups = model.core.groups.shift.len();
        let mut per_group = vec![(0i64, 0i64); groups];
        let (mut damped, mut undamped) = (vec![0i64; n_hyp + 1], vec![0i64; n_hyp + 1]);
        let mut work = 0u64;
        for v in &values {
            work += (v.own.len() + groups) as u64;
            for (g, total) in per_group.iter_mut().enumerate() {
                let (a, b) = v.group_value(&model.core, g);
                total.0 += a;
                total.1 += b;
            }
            for &(d, a, b) in &v.own {
                damped[d as usize] += a;
                undamped[d as usize] += b;
            }
        }
        for d in 0..n_hyp {
            let (a, b) = per_group[model.core.shift_group[d] as usize];
            damped[d] += a;
            undamped[d] += b;
        }
        let items: Vec<Item> = items
            .iter()
            .map(|&i| {
                let before = values[i].clone();
                let after = flip.then(|| {
                    model
                        .core
                        .observation_values(&patient.single(model, i, true), &mut scratch)
                });
                let taken = i64::from(before.clinical) - after.as_ref().map_or(0, |a| i64::from(a.clinical));
                Item {
                    before,
                    after,
                    class: (taken + 1) as usize,
                }
            })
            .collect();
        let n = items.len();
        let mut after = [vec![0u32; n + 1], vec![0u32; n + 1], vec![0u32; n + 1]];
        for p in (0..n).rev() {
            for (c, counts) in after.iter_mut().enumerate() {
                counts[p] = counts[p + 1] + u32::from(items[p].class == c);
            }
        }
        let mut bound = Bound {
            model,
            items,
            pairs: Vec::new(),
            tests: Vec::new(),
            scale,
            scale_i,
            after,
            work,
            budget,
        };
        bound.build_tests(first, &lookalikes, &damped, &undamped, &values)?;
        Some(bound)
    }

    /// The pairs and tests of `first`, each pair kept only when a loose bound (the most any
    /// observation could take from its x more than from any hypothesis) lets it reach at some
    /// size.
    fn build_tests(
        &mut self,
        first: First,
        lookalikes: &[usize],
        damped: &[i64],
        undamped: &[i64],
        values: &[ObservationValues],
    ) -> Option<()> {
        let model = self.model;
        let n_hyp = model.n_diagnoses();
        let background = n_hyp;
        let rivals: Vec<usize> = (0..n_hyp)
            .filter(|&d| !model.core.lookalike[d] && first != First::Diagnosis(d))
            .collect();
        // The loose bound: per class, the largest u and w of any pair with this x.
        let x_loose = match first {
            First::Diagnosis(f) => f,
            First::None => background,
        };
        let (mut loose_u, mut loose_w) = ([Top::default(); 3], [Top::default(); 3]);
        for (p, item) in self.items.iter().enumerate() {
            let (ax, bx) = item.change(model, x_loose);
            let (la, lb) = item.least(model);
            loose_u[item.class].add(ax - la, p as u32);
            loose_w[item.class].add(bx - lb, p as u32);
        }
        let loose = |x: usize, y: usize| Pair {
            x,
            y,
            prior: model.core.log_prior_of(y) - model.core.log_prior_of(x),
            damped: damped[y] - damped[x],
            undamped: undamped[y] - undamped[x],
            top_u: loose_u,
            top_w: loose_w,
        };
        let sizes = MAX_DECISIVE.min(self.items.len());
        let reaches = |bound: &Self, pair: &Pair| {
            (1..=sizes)
                .map(|k| bound.best(pair, [0; 3], 0, 0, None, k))
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let mut wanted: Vec<(usize, usize)> = Vec::new();
        let mut tests: Vec<(bool, usize)> = Vec::new();
        match first {
            First::Diagnosis(f) => {
                for &d in &rivals {
                    if reaches(self, &loose(f, d)) >= -EPS && !twin(model, values, &self.items, f, d) {
                        wanted.push((f, d));
                        tests.push((true, 1));
                    }
                }
                let parts: Vec<usize> = lookalikes.iter().copied().chain([background]).collect();
                let gains: Vec<f64> = parts.iter().map(|&c| reaches(self, &loose(f, c))).collect();
                if log10_sum(&gains) >= -EPS {
                    wanted.extend(parts.iter().map(|&c| (f, c)));
                    tests.push((false, parts.len()));
                }
            }
            First::None => {
                // The background and the look-alikes that weigh most now: a diagnosis must reach
                // each (any of the parts bounds "none of these" from below).
                let mut parts: Vec<usize> = lookalikes.to_vec();
                let score = |h: usize| {
                    model.core.log_prior_of(h) + self.scale[3] * damped[h] as f64 + self.scale_i * undamped[h] as f64
                };
                parts.sort_by(|&a, &b| score(b).total_cmp(&score(a)));
                parts.truncate(15);
                parts.insert(0, background);
                for &d in &rivals {
                    if reaches(self, &loose(background, d)) >= -EPS {
                        wanted.extend(parts.iter().map(|&c| (c, d)));
                        tests.push((true, parts.len()));
                    }
                }
            }
        }
        self.work += (wanted.len() * self.items.len()) as u64;
        if self.work > self.budget.work {
            return None;
        }
        // The exact lists of the pairs kept.
        self.pairs = wanted
            .iter()
            .map(|&(x, y)| {
                let mut pair = loose(x, y);
                pair.top_u = [Top::default(); 3];
                pair.top_w = [Top::default(); 3];
                for (p, item) in self.items.iter().enumerate() {
                    let (ax, bx) = item.change(model, x);
                    let (ay, by) = item.change(model, y);
                    pair.top_u[item.class].add(ax - ay, p as u32);
                    pair.top_w[item.class].add(bx - by, p as u32);
                }
                pair
            })
            .collect();
        let mut start = 0;
        for (rival, len) in tests {
            let range = start..start + len;
            start += len;
            self.tests.push(if rival {
                Test::Rival(range)
            } else {
                Test::NoneOfThese(range)
            });
        }
        Some(())
    }
}

/// True when diagnosis `d` can never overtake `f`, the first: it has the same prior and, from
/// every observation before and after any change, the same values, and a posting touches both
/// or neither (so that the scorer computes their scores the same way, bit for bit); the tie
/// that put `f` first (by index) then stays.
fn twin(model: &Engine, values: &[ObservationValues], items: &[Item], f: usize, d: usize) -> bool {
    let same =
        |v: &ObservationValues| v.value(&model.core, f) == v.value(&model.core, d) && v.touches(f) == v.touches(d);
    model.core.log_prior_of(f).to_bits() == model.core.log_prior_of(d).to_bits()
        && model.core.shift_group[f] == model.core.shift_group[d]
        && values.iter().all(same)
        && items.iter().filter_map(|i| i.after.as_ref()).all(same)
        && f < d
}

/// Step `idx` (strictly increasing indices below `n`) to the next combination of its size in
/// lexicographic order; false when it was the last.
pub(crate) fn next_combination(idx: &mut [usize], n: usize) -> bool {
    let size = idx.len();
    let mut k = size;
    while k > 0 && idx[k - 1] == n - size + k - 1 {
        k -= 1;
    }
    if k == 0 {
        return false;
    }
    idx[k - 1] += 1;
    for j in k..size {
        idx[j] = idx[j - 1] + 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::Top;

    #[test]
    fn top_keeps_the_three_largest_and_bounds_what_follows() {
        let mut t = Top::default();
        for (v, at) in [(5, 0), (1, 1), (9, 2), (7, 3), (3, 4)] {
            t.add(v, at);
        }
        assert_eq!((t.len, t.value, t.at), (3, [9, 7, 5], [2, 3, 0]));
        assert_eq!(t.sum_after(2, None), 16);
        // After position 2: 7 (at 3) is in the list; the next is at most 5, the list's smallest.
        assert_eq!(t.sum_after(2, Some(2)), 12);
        assert_eq!(t.sum_after(0, Some(4)), 0);
        let mut short = Top::default();
        short.add(-2, 0);
        short.add(4, 1);
        assert_eq!((short.len, short.sum_after(1, Some(0))), (2, 4));
    }
}
