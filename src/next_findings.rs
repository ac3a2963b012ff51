//! What to examine next: the findings not yet examined whose answer would most reduce the
//! uncertainty of the differential, and what each answer would do to it.

use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;
use serde::Serialize;

use crate::engine::Engine;
use crate::id::{DiagnosisId, FindingId};
use crate::resolved::ResolvedPatient;
use crate::rule_file::{Examination, FindingKind};
use crate::score::Ranking;
use crate::tables::{Row, LOG_SCALE, NO_MATCH};

/// Gains below this (bits) are no gain.
const NO_GAIN: f64 = 1e-9;

/// What to ask for: how many suggestions, at what cost, by which examinations.
///
/// ```
/// use osteodx::report::NextQuery;
/// use osteodx::rule_file::Examination;
/// let query = NextQuery::top(3).max_cost(3.0).only(&[Examination::Bedside, Examination::Laboratory]);
/// assert_eq!(query.k, 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NextQuery {
    /// The number of suggestions.
    pub k: usize,
    /// Only findings that cost at most this.
    pub max_cost: Option<f64>,
    /// Rank by gain per unit of cost instead of by gain.
    pub per_cost: bool,
    /// Only findings examined in one of these ways (empty: all).
    pub examinations: Vec<Examination>,
    /// Findings not to suggest (e.g. asked already, answer unknown).
    pub except: Vec<FindingId>,
}

impl NextQuery {
    /// The `k` findings of highest gain, any cost, any examination.
    #[must_use]
    pub fn top(k: usize) -> Self {
        Self {
            k,
            max_cost: None,
            per_cost: false,
            examinations: Vec::new(),
            except: Vec::new(),
        }
    }

    /// Never suggest these findings.
    #[must_use]
    pub fn except(mut self, findings: &[FindingId]) -> Self {
        self.except.extend_from_slice(findings);
        self
    }

    /// Only findings that cost at most `cost`.
    #[must_use]
    pub fn max_cost(mut self, cost: f64) -> Self {
        self.max_cost = Some(cost);
        self
    }

    /// Rank by gain per unit of cost (a finding of cost 0 counts as cost 0.01).
    #[must_use]
    pub fn per_cost(mut self) -> Self {
        self.per_cost = true;
        self
    }

    /// Only findings examined in one of these ways.
    #[must_use]
    pub fn only(mut self, examinations: &[Examination]) -> Self {
        self.examinations = examinations.to_vec();
        self
    }
}

/// One suggested finding, with what each answer would do.
///
/// **The differential** is the distribution over the diagnoses of the ranking plus "none of
/// these" (the look-alikes and the background summed), the groups a user reads. Its entropy is
/// the uncertainty a question can reduce.
///
/// **The gain** of asking for finding `f` is the expected reduction of that entropy, the mutual
/// information between the answer (present or absent) and the differential, computed exactly over
/// both answers:
///
/// ```text
/// P(h)        current posterior of each hypothesis h (every diagnosis, look-alikes included,
///             and the background)
/// q_h         P(f present | h), the frequency the compiled rules imply for h: from the values of
///             the present and absent rows, q = b·LR+ / (b·LR+ + (1 − b)·LR−) with b the
///             finding's background (a rule's own frequency when it is the rule's finding; the
///             false-positive rate b·fp when no rule of h matches; b for the background)
/// P(g, +)     Σ_{h in group g} P(h) q_h,  P(+) = Σ_g P(g, +)
/// gain        H(answer) − Σ_g P(g) H(answer | g) = h(P(+)) − Σ_g P(g) h(P(g, +) / P(g))
/// ```
///
/// with h the binary entropy in bits. It is never negative (h is concave). Each diagnosis of the
/// ranking is a group of its own, so its conditional entropy is `h(q_d)`, made once per model;
/// only "none of these" and P(+) take logarithms per candidate, and a chi-square bound on the
/// gain (no logarithms) discards most candidates once `k` good ones are known. The gain weighs the answer
/// by Bayes' rule at face value; the posteriors shown after each answer are the engine's own (the
/// patient re-ranked with the answer added), which also damp it as one more correlated finding
/// (the design effect of [`ScoringConfig::dependence`](crate::ScoringConfig)).
///
/// **Candidates** are the findings some rule of some diagnosis is about, except sex and age at
/// examination (known at the visit), onset classes when the patient has an onset, and findings
/// already known: those observed, the ancestors of findings present (and of the placements of
/// terms outside the vocabulary) and the descendants of findings absent. A candidate with no gain
/// (below 1e-9 bits) is never suggested. Ties are broken by finding index (file order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextFinding<'m> {
    /// The finding.
    #[serde(skip)]
    pub finding: FindingId,
    /// Its id.
    pub id: &'m str,
    /// Its HPO id.
    pub hpo: Option<&'m str>,
    /// Its label.
    pub label: &'m str,
    /// How it is examined.
    pub examination: Examination,
    /// Its relative cost.
    pub cost: f64,
    /// The expected reduction of the differential's entropy, in bits.
    pub information_gain_bits: f64,
    /// The probability that it is present, under the current posterior.
    pub probability_present: f64,
    /// The differential if it is found present: each diagnosis of the ranking, then
    /// `none_of_these`.
    pub posterior_if_present: IndexMap<&'m str, f64>,
    /// The differential if it is found absent.
    pub posterior_if_absent: IndexMap<&'m str, f64>,
    /// Why: the groups of the differential with a posterior of at least 1 %, with how often the
    /// finding is present in each, most often first.
    pub separates: Vec<Separation<'m>>,
}

/// How often a suggested finding is present in one group of the differential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Separation<'m> {
    /// The diagnosis id, or `none_of_these`.
    pub diagnosis: &'m str,
    /// Its current posterior.
    pub posterior: f64,
    /// P(finding present | the group).
    pub probability_present: f64,
}

/// The predictive frequencies of the candidate findings, made once per model.
#[derive(Debug, Clone, Default)]
pub(crate) struct Predictive {
    candidates: Vec<Candidate>,
    /// Per candidate, `start..end`: the diagnoses whose frequency differs from the default,
    /// those of the ranking (`start..split`) before the look-alikes (`split..end`).
    posts: Vec<Post>,
    /// The diagnoses of the ranking, in knowledge-base order: each is one group of the
    /// differential; the look-alikes and the background make the last, "none of these".
    ranked: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Post {
    diagnosis: u32,
    /// P(finding present | diagnosis).
    q: f64,
    /// h(q), the diagnosis's own conditional entropy.
    h: f64,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    finding: u32,
    onset: bool,
    q_default: f64,
    /// `h(q_default)`, the conditional entropy of the diagnoses no rule of the finding touches.
    h_default: f64,
    q_background: f64,
    start: u32,
    split: u32,
    end: u32,
}

impl Candidate {
    /// Not yet known: not examined, not implied, and no onset class when the onset is known.
    fn is_open(&self, known: &[bool], onset_known: bool) -> bool {
        let onset_closed = self.onset && onset_known;
        !known[self.finding as usize] && !onset_closed
    }
}

impl Predictive {
    pub(crate) fn new(model: &Engine) -> Self {
        let kb = &model.kb;
        let n = model.n_diagnoses();
        let mut is_rule = vec![false; kb.findings().len()];
        for d in kb.diagnoses() {
            for r in &d.rules {
                is_rule[r.finding] = true;
            }
        }
        let lookalike = |d: usize| model.is_lookalike(DiagnosisId(d as u32));
        let mut out = Self {
            ranked: (0..n as u32).filter(|&d| !lookalike(d as usize)).collect(),
            ..Self::default()
        };
        // Diagnoses of the ranking first, then the look-alikes.
        let order: Vec<usize> = (0..n)
            .filter(|&d| !lookalike(d))
            .chain((0..n).filter(|&d| lookalike(d)))
            .collect();
        for (i, f) in kb.findings().iter().enumerate() {
            if !is_rule[i] || matches!(f.kind, FindingKind::Sex | FindingKind::Age) {
                continue;
            }
            let id = FindingId(i as u32);
            let b = background_frequency(model, id);
            let q = |d: Option<usize>| implied_frequency(model, id, d.map(|d| DiagnosisId(d as u32)));
            let q_default = q(None);
            let start = out.posts.len() as u32;
            let mut split = start;
            for &d in &order {
                let qd = q(Some(d));
                if (qd - q_default).abs() > 1e-12 {
                    out.posts.push(Post {
                        diagnosis: d as u32,
                        q: qd,
                        h: h2(qd),
                    });
                }
                if !lookalike(d) {
                    split = out.posts.len() as u32;
                }
            }
            out.candidates.push(Candidate {
                finding: i as u32,
                onset: f.kind == FindingKind::Onset,
                q_default,
                h_default: h2(q_default),
                q_background: b,
                start,
                split,
                end: out.posts.len() as u32,
            });
        }
        out
    }

    /// The groups of the differential: the diagnoses of the ranking, then "none of these".
    fn groups(&self) -> usize {
        self.ranked.len() + 1
    }
}

/// Binary entropy in bits.
#[inline]
fn h2(p: f64) -> f64 {
    let p = p.clamp(0.0, 1.0);
    let term = |x: f64| if x > 0.0 { -x * x.log2() } else { 0.0 };
    term(p) + term(1.0 - p)
}

/// The current posterior of one query.
struct State {
    /// P(h) per diagnosis (look-alikes included).
    posterior: Vec<f64>,
    /// The background part of "none of these".
    background: f64,
    /// Summed posterior of the diagnoses of the ranking, and of the look-alikes.
    ranked: f64,
    lookalikes: f64,
}

impl State {
    /// P(g) per group: the diagnoses of the ranking, then "none of these".
    fn groups(&self, pred: &Predictive) -> Vec<f64> {
        pred.ranked
            .iter()
            .map(|&d| self.posterior[d as usize])
            .chain(std::iter::once(self.lookalikes + self.background))
            .collect()
    }
}

/// The work of [`Model::finding_frequency`](crate::Model::finding_frequency).
pub(crate) fn finding_frequency(m: &Engine, f: FindingId, d: DiagnosisId) -> f64 {
    if d.index() >= m.n_diagnoses() {
        return background_frequency(m, f);
    }
    implied_frequency(m, f, Some(d))
}

/// The work of [`Model::background_frequency`](crate::Model::background_frequency).
pub(crate) fn background_frequency(m: &Engine, f: FindingId) -> f64 {
    let cfg = m.config();
    m.kb.findings()
        .get(f.index())
        .map_or(cfg.min_background, |x| x.background)
        .clamp(cfg.min_background, 1.0 - cfg.min_probability)
}

/// [`Model::finding_frequency`](crate::Model::finding_frequency); `None`: a diagnosis without a posting on the finding's rows.
#[allow(clippy::many_single_char_names, reason = "the names of the formula in DESIGN.md")]
fn implied_frequency(m: &Engine, f: FindingId, d: Option<DiagnosisId>) -> f64 {
    let t = &m.core.tables;
    let b = background_frequency(m, f);
    if f.index() >= m.kb.findings().len() {
        return b;
    }
    let value = |row: Row| -> f64 {
        let e = t.layout.encode(row);
        let v = match d {
            Some(d) => t.value(e, d).map_or(NO_MATCH, |x| x.value),
            None => t.default.get(e.index()).copied().unwrap_or(NO_MATCH),
        };
        let v = if v == NO_MATCH {
            t.fallback.get(e.index()).copied().unwrap_or(0)
        } else {
            v
        };
        f64::from(v) / LOG_SCALE
    };
    let yes = b * 10f64.powf(value(Row::Present(f)));
    let no = (1.0 - b) * 10f64.powf(value(Row::Absent(f)));
    yes / (yes + no)
}

/// The predictive frequencies of `m`, made in `cache` on first use.
fn predictive<'c>(m: &Engine, cache: &'c OnceLock<Arc<Predictive>>) -> &'c Predictive {
    cache.get_or_init(|| Arc::new(Predictive::new(m)))
}

/// The work of [`Model::next_findings`](crate::Model::next_findings).
pub(crate) fn next_findings<'m>(
    m: &'m Engine,
    cache: &OnceLock<Arc<Predictive>>,
    patient: &ResolvedPatient,
    query: &NextQuery,
) -> Vec<NextFinding<'m>> {
    if query.k == 0 {
        // Nothing asked for: not even the predictive tables are built.
        return Vec::new();
    }
    let pred = predictive(m, cache);
    let mut ranking = Ranking::for_core(&m.core);
    let (chosen, state) = best_questions(m, pred, patient, query, &mut ranking);
    chosen
        .into_iter()
        .map(|(c, gain)| suggestion(m, pred, patient, c, gain, &state, &mut ranking))
        .collect()
}

/// The work of [`Model::information_gains`](crate::Model::information_gains).
pub(crate) fn information_gains(
    m: &Engine,
    cache: &OnceLock<Arc<Predictive>>,
    patient: &ResolvedPatient,
) -> Vec<(FindingId, f64)> {
    let pred = predictive(m, cache);
    let mut ranking = Ranking::for_core(&m.core);
    let (state, known, onset_known) = question_state(m, pred, patient, &mut ranking);
    pred.candidates
        .iter()
        .filter(|c| c.is_open(&known, onset_known))
        .map(|c| (FindingId(c.finding), gain_of(pred, c, &state)))
        .collect()
}

/// The current posteriors, the groups and the known findings.
fn question_state(
    m: &Engine,
    pred: &Predictive,
    patient: &ResolvedPatient,
    ranking: &mut Ranking,
) -> (State, Vec<bool>, bool) {
    crate::score::rank_into(&m.core, patient, ranking);
    let mut posterior = Vec::with_capacity(m.n_diagnoses());
    let background = crate::score::hypothesis_posteriors(&m.core, patient, ranking, &mut posterior);
    let ranked: f64 = pred.ranked.iter().map(|&d| posterior[d as usize]).sum();
    let lookalikes = posterior.iter().sum::<f64>() - ranked;
    let findings = m.kb.findings();
    let mut known = vec![false; findings.len()];
    let mut onset_known = false;
    let layout = m.core.tables.layout;
    for &e in patient.evidence() {
        match layout.decode(e) {
            Some(Row::Present(f) | Row::Implied(f)) => {
                known[f.index()] = true;
                for &a in m.hierarchy.ancestors(f.index()) {
                    known[a as usize] = true;
                }
                if findings.get(f.index()).is_some_and(|x| x.kind == FindingKind::Onset) {
                    onset_known = true;
                }
            }
            Some(Row::Absent(f)) => {
                known[f.index()] = true;
                for &a in m.hierarchy.descendants(f.index()) {
                    known[a as usize] = true;
                }
            }
            _ => {}
        }
    }
    let state = State {
        posterior,
        background,
        ranked,
        lookalikes,
    };
    (state, known, onset_known)
}

/// The chosen candidates with their gains, best first.
#[allow(
    clippy::float_cmp,
    reason = "an exact tie of two gains is broken by the finding index"
)]
fn best_questions(
    m: &Engine,
    pred: &Predictive,
    patient: &ResolvedPatient,
    query: &NextQuery,
    ranking: &mut Ranking,
) -> (Vec<(Candidate, f64)>, State) {
    let (state, known, onset_known) = question_state(m, pred, patient, ranking);
    let findings = m.kb.findings();
    // (score, finding, gain), best first; ties by finding index.
    let mut best: Vec<(f64, u32, f64, usize)> = Vec::with_capacity(query.k + 1);
    if query.k == 0 {
        return (Vec::new(), state);
    }
    for (ci, c) in pred.candidates.iter().enumerate() {
        if !c.is_open(&known, onset_known) {
            continue;
        }
        let Some(f) = findings.get(c.finding as usize) else {
            continue;
        };
        if query.except.contains(&FindingId(c.finding))
            || query.max_cost.is_some_and(|m| f.cost > m)
            || (!query.examinations.is_empty() && !query.examinations.contains(&f.examination))
        {
            continue;
        }
        let per = if query.per_cost { 1.0 / f.cost.max(0.01) } else { 1.0 };
        // The k-th best score so far: a candidate must beat it.
        let floor = if best.len() == query.k {
            best.last().map_or(0.0, |b| b.0)
        } else {
            NO_GAIN * per
        };
        let Some(gain) = gain_above(pred, c, &state, floor / per) else {
            continue;
        };
        let score = gain * per;
        if gain < NO_GAIN || (best.len() == query.k && score <= floor) {
            continue;
        }
        let at = best
            .iter()
            .position(|b| score > b.0 || (score == b.0 && c.finding < b.1))
            .unwrap_or(best.len());
        best.insert(at, (score, c.finding, gain, ci));
        best.truncate(query.k);
    }
    let chosen = best
        .into_iter()
        .map(|(_, _, gain, ci)| (pred.candidates[ci], gain))
        .collect();
    (chosen, state)
}

fn suggestion<'m>(
    m: &'m Engine,
    pred: &Predictive,
    patient: &ResolvedPatient,
    c: Candidate,
    gain: f64,
    state: &State,
    ranking: &mut Ranking,
) -> NextFinding<'m> {
    let f = FindingId(c.finding);
    let (id, finding) =
        m.kb.findings()
            .get(f.index())
            .map_or(("", None), |x| (x.id.as_str(), Some(x)));
    let mut after = |present: bool| {
        let answered = patient.with_answer(m, f, present);
        crate::score::rank_into(&m.core, &answered, ranking);
        group_posteriors(m, pred, ranking)
    };
    let posterior_if_present = after(true);
    let posterior_if_absent = after(false);
    // P(g, +) of this candidate again, for the groups it separates.
    let (yes, p_yes) = group_yes(pred, &c, state);
    let group = state.groups(pred);
    let mut separates: Vec<Separation<'_>> = (0..pred.groups())
        .filter(|&g| group[g] >= 0.01)
        .map(|g| Separation {
            diagnosis: group_name(m, pred, g),
            posterior: group[g],
            probability_present: (yes[g] / group[g]).clamp(0.0, 1.0),
        })
        .collect();
    separates.sort_by(|a, b| b.probability_present.total_cmp(&a.probability_present));
    NextFinding {
        finding: f,
        id,
        hpo: finding.and_then(|x| x.hpo.as_deref()),
        label: finding.map_or("", |x| x.label.as_str()),
        examination: finding.map_or(Examination::Bedside, |x| x.examination),
        cost: finding.map_or(1.0, |x| x.cost),
        information_gain_bits: gain,
        probability_present: p_yes,
        posterior_if_present,
        posterior_if_absent,
        separates,
    }
}

/// The id of group `g`: a diagnosis of the ranking, or `none_of_these`.
fn group_name<'m>(m: &'m Engine, pred: &Predictive, g: usize) -> &'m str {
    pred.ranked
        .get(g)
        .map_or("none_of_these", |&d| m.diagnosis_id(DiagnosisId(d)))
}

/// The differential of the last ranking: each diagnosis of the ranking in knowledge-base
/// order, then `none_of_these`.
fn group_posteriors<'m>(m: &'m Engine, pred: &Predictive, ranking: &Ranking) -> IndexMap<&'m str, f64> {
    let mut out: IndexMap<&str, f64> = pred
        .ranked
        .iter()
        .map(|&d| (m.diagnosis_id(DiagnosisId(d)), 0.0))
        .collect();
    for e in ranking.entries() {
        if let Some(p) = out.get_mut(m.diagnosis_id(e.diagnosis)) {
            *p = e.posterior;
        }
    }
    out.insert("none_of_these", ranking.none_posterior());
    out
}

/// P(g, +) per group for candidate `c`, and P(+).
fn group_yes(pred: &Predictive, c: &Candidate, state: &State) -> (Vec<f64>, f64) {
    let mut yes: Vec<f64> = state.groups(pred).iter().map(|p| p * c.q_default).collect();
    let none = yes.len() - 1;
    yes[none] += state.background * (c.q_background - c.q_default);
    for post in &pred.posts[c.start as usize..c.end as usize] {
        let d = post.diagnosis as usize;
        let g = pred.ranked.binary_search(&post.diagnosis).unwrap_or(none);
        yes[g] += state.posterior[d] * (post.q - c.q_default);
    }
    let p_yes = yes.iter().sum::<f64>().clamp(0.0, 1.0);
    (yes, p_yes)
}

/// The gain of candidate `c` under `state`:
///
/// ```text
/// h(P(+)) − Σ_{d of the ranking} P(d) h(q_d) − P(none) h(P(none, +) / P(none))
/// ```
///
/// Each diagnosis of the ranking is a group of its own, so its conditional entropy `h(q_d)` is
/// made with the tables; only "none of these" (look-alikes and background) and P(+) need a
/// logarithm per candidate.
fn gain_of(pred: &Predictive, c: &Candidate, state: &State) -> f64 {
    gain_above(pred, c, state, f64::NEG_INFINITY).unwrap_or(0.0)
}

/// [`gain_of`], or `None` when the gain cannot exceed `floor`. The gain is
/// `Σ_g` P(g) `KL(r_g` ‖ P(+)) with `r_g` = P(g, +)/P(g), and KL is at most the chi-square divergence
/// (r − p)² / (p (1 − p)) nats: a bound without logarithms that discards most candidates once k
/// good ones are known.
fn gain_above(pred: &Predictive, c: &Candidate, state: &State, floor: f64) -> Option<f64> {
    let posts = &pred.posts[c.start as usize..c.end as usize];
    let (ranked, lookalikes) = posts.split_at((c.split - c.start) as usize);
    let mut p_yes = c.q_default * (1.0 - state.background) + c.q_background * state.background;
    // Diagnoses of the ranking with a frequency of their own.
    let mut posted = 0.0;
    let mut conditional = 0.0;
    for post in ranked {
        let p = state.posterior[post.diagnosis as usize];
        posted += p;
        conditional += p * post.h;
        p_yes += p * (post.q - c.q_default);
    }
    let unposted = (state.ranked - posted).max(0.0);
    conditional += unposted * c.h_default;
    // "None of these".
    let mut none_yes = c.q_default * state.lookalikes + c.q_background * state.background;
    for post in lookalikes {
        let delta = state.posterior[post.diagnosis as usize] * (post.q - c.q_default);
        none_yes += delta;
        p_yes += delta;
    }
    let p_yes = p_yes.clamp(0.0, 1.0);
    let none = state.lookalikes + state.background;
    let r_none = if none > 0.0 {
        (none_yes / none).clamp(0.0, 1.0)
    } else {
        p_yes
    };
    if floor > 0.0 {
        let spread = |r: f64| (r - p_yes) * (r - p_yes);
        let mut chi = unposted * spread(c.q_default) + none * spread(r_none);
        for post in ranked {
            chi += state.posterior[post.diagnosis as usize] * spread(post.q);
        }
        let variance = p_yes * (1.0 - p_yes);
        if variance <= 0.0 || chi / variance * std::f64::consts::LOG2_E <= floor {
            return None;
        }
    }
    // Without the "none of these" term (≥ 0) the gain is bounded by two logarithms fewer.
    let bound = h2(p_yes) - conditional;
    if bound <= floor {
        return None;
    }
    // "None of these" below 1e-12 adds at most its mass (in bits): left out.
    let none_term = if none > 1e-12 { none * h2(r_none) } else { 0.0 };
    Some((bound - none_term).max(0.0))
}

#[cfg(test)]
#[allow(
    clippy::float_cmp,
    reason = "the values compared are exact (0, 1, and the limits of the range)"
)]
mod tests {
    use super::h2;

    #[test]
    fn binary_entropy() {
        assert_eq!(h2(0.0), 0.0);
        assert_eq!(h2(1.0), 0.0);
        assert!((h2(0.5) - 1.0).abs() < 1e-14);
        assert!((h2(0.1) - 0.468_995_593_589_281_2).abs() < 1e-12);
    }
}
