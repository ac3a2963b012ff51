//! How solid the answer is: the margin of the first of the differential, the fewest findings
//! that would change it, and the range of its posterior when the rules' weights move.

use serde::Serialize;

mod search;

pub use search::{MAX_BOUND_WORK, MAX_RANKINGS};

use crate::engine::Engine;
use crate::resolved::ResolvedPatient;
use crate::rng::SplitMix64;
use crate::score::Ranking;

/// Below this margin (log10 posterior odds of the first against the second) the first is
/// flagged uncertain: log10 3.
pub const UNCERTAIN_MARGIN_LOG10: f64 = 0.477_121_254_719_662_4;

/// The largest set of decisive findings searched for.
pub const MAX_DECISIVE: usize = 3;

/// The margin of the first of the differential and the findings it rests on.
///
/// - **Margin**: log10 of the posterior odds of the first of the differential (a diagnosis or
///   "none of these") against the second. Below [`Robustness::UNCERTAIN_MARGIN_LOG10`] (the first less than
///   three times as likely as the second) the result is flagged uncertain.
/// - **Decisive findings**: the smallest set of the patient's observations whose removal
///   changes the first, and the smallest set of present or absent findings whose flipping (present
///   to absent, absent to present) does; sets of up to [`Robustness::MAX_DECISIVE`] are searched, smallest
///   first, then in observation order, and the set reported is the first that changes the first.
///   The search does not rank every set: a bound (from the scores' being sums of what each
///   observation adds) rules out the sets that cannot change the first, and only the others are
///   ranked, so that it is exact and fast for patients of hundreds of terms. Two budgets
///   ([`Robustness::MAX_RANKINGS`] sets ranked, [`Robustness::MAX_BOUND_WORK`] bound evaluations) keep it finite for any
///   patient; a search that reaches one stops and says so ([`SearchExtent`]).
/// - **Sensitivity to the rules**: the differential recomputed under `samples` perturbations of
///   every rule: its frequency's odds, or its explicit likelihood ratio, multiplied by 2^u with u
///   uniform in [−1, 1], independently per rule (a factor of up to two either way, the spread of
///   the estimates and small-cohort figures the rules hold). Reported: the range of the posterior
///   of today's first and the share of samples in which it stays first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Robustness {
    /// The first: a diagnosis id or `none_of_these`.
    pub first: String,
    /// Its posterior.
    pub first_posterior: f64,
    /// The second.
    pub second: String,
    /// Its posterior.
    pub second_posterior: f64,
    /// log10(first posterior / second posterior).
    pub margin_log10: f64,
    /// The margin is below [`Robustness::UNCERTAIN_MARGIN_LOG10`].
    pub uncertain: bool,
    /// The fewest observations whose removal changes the first (their names), with the first
    /// after it; `None` when no set of up to [`Robustness::MAX_DECISIVE`] does.
    pub removal: Option<Decisive>,
    /// The fewest present or absent findings whose flipping changes the first.
    pub flip: Option<Decisive>,
    /// How far the search for `removal` went. In JSON only when it stopped early, so that the
    /// output of a complete search is as it always was.
    #[serde(skip_serializing_if = "SearchExtent::is_complete")]
    pub removal_search: SearchExtent,
    /// How far the search for `flip` went (in JSON only when it stopped early).
    #[serde(skip_serializing_if = "SearchExtent::is_complete")]
    pub flip_search: SearchExtent,
}

impl Robustness {
    /// A margin below this (log10 of the first's posterior over the second's: threefold) marks
    /// the answer uncertain.
    pub const UNCERTAIN_MARGIN_LOG10: f64 = UNCERTAIN_MARGIN_LOG10;
    /// The most findings a decisive set holds (larger sets are not searched).
    pub const MAX_DECISIVE: usize = MAX_DECISIVE;
    /// The most rankings one search makes.
    pub const MAX_RANKINGS: usize = MAX_RANKINGS;
    /// The most work the bound of one search does.
    pub const MAX_BOUND_WORK: u64 = MAX_BOUND_WORK;
}

/// How far a search for decisive findings went.
///
/// A complete search is exact: the set it reports is the first (smallest, then in observation
/// order) of up to [`Robustness::MAX_DECISIVE`] findings that changes the first, and none means that no such
/// set does. A search that reached a budget ([`Robustness::MAX_RANKINGS`], [`Robustness::MAX_BOUND_WORK`]) stopped
/// early: no set of up to `complete_up_to` findings changes the first, and larger sets were not
/// all tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SearchExtent {
    /// Every set of up to this many findings was ranked or ruled out by the bound:
    /// [`Robustness::MAX_DECISIVE`] (or the number of findings, when there are fewer) unless the search
    /// stopped early.
    pub complete_up_to: usize,
    /// The sets ranked by the scorer (the others were ruled out by the bound).
    pub rankings: usize,
    /// The search stopped at a budget before it was complete.
    pub stopped_early: bool,
}

impl SearchExtent {
    /// True unless the search stopped early.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        !self.stopped_early
    }
}

/// A set of observations that changes the first of the differential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decisive {
    /// The observations, by name.
    pub findings: Vec<String>,
    /// The first of the differential after the change.
    pub first_after: String,
}

/// The range of the first's posterior when the rules' weights move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// The first of the differential with today's rules.
    pub first: String,
    /// Its posterior with today's rules.
    pub posterior: f64,
    /// The lowest and highest posterior of it over the perturbed rules.
    pub low: f64,
    /// See `low`.
    pub high: f64,
    /// The share of perturbed rule sets under which it stays first.
    pub stays_first: f64,
    /// The number of perturbed rule sets.
    pub samples: usize,
}

/// The first of the differential (a diagnosis id or `none_of_these`) and its posterior; the
/// second likewise. Ties go to the diagnosis of the ranking before "none of these".
fn first_two(m: &Engine, ranking: &Ranking) -> ((String, f64), (String, f64)) {
    let (first, second, _) = first_two_of(m, ranking);
    (first, second)
}

/// [`first_two`], and whether the first is a diagnosis (its index) or "none of these".
fn first_two_of(m: &Engine, ranking: &Ranking) -> ((String, f64), (String, f64), search::First) {
    let none = ranking.none_posterior();
    let mut groups: Vec<(&str, f64, search::First)> = ranking
        .entries()
        .iter()
        .take(2)
        .map(|e| {
            (
                m.diagnosis_id(e.diagnosis),
                e.posterior,
                search::First::Diagnosis(e.diagnosis.0 as usize),
            )
        })
        .collect();
    groups.push(("none_of_these", none, search::First::None));
    groups.sort_by(|a, b| b.1.total_cmp(&a.1));
    let get = |i: usize| {
        groups
            .get(i)
            .map_or((String::new(), 0.0), |(id, p, _)| ((*id).to_owned(), *p))
    };
    let first = groups.first().map_or(search::First::None, |g| g.2);
    (get(0), get(1), first)
}

/// The work of [`Model::robustness`](crate::Model::robustness).
pub(crate) fn robustness(m: &Engine, patient: &ResolvedPatient) -> Robustness {
    let mut ranking = Ranking::for_core(&m.core);
    crate::score::rank_into(&m.core, patient, &mut ranking);
    let ((first, p1), (second, p2), which) = first_two_of(m, &ranking);
    let margin = if p2 > 0.0 { (p1 / p2).log10() } else { f64::INFINITY };
    let all: Vec<usize> = (0..patient.len()).collect();
    let flippable: Vec<usize> = all.iter().copied().filter(|&i| patient.is_flippable(m, i)).collect();
    let mut changes = |set: &[usize], flip: bool| -> Option<String> {
        let edited = if flip {
            patient.edited(m, |_| true, |i| set.contains(&i))
        } else {
            patient.edited(m, |i| !set.contains(&i), |_| false)
        };
        crate::score::rank_into(&m.core, &edited, &mut ranking);
        let ((after, _), _) = first_two(m, &ranking);
        (after != first).then_some(after)
    };
    let decisive = |found: Option<(Vec<usize>, String)>| {
        found.map(|(set, after)| Decisive {
            findings: set.iter().map(|&i| observation_name(m, patient, i)).collect(),
            first_after: after,
        })
    };
    let (removal, removal_search) = search::smallest_set(m, patient, which, &all, false, |set| changes(set, false));
    let (flip, flip_search) = search::smallest_set(m, patient, which, &flippable, true, |set| changes(set, true));
    let (removal, flip) = (decisive(removal), decisive(flip));
    Robustness {
        first,
        first_posterior: p1,
        second,
        second_posterior: p2,
        margin_log10: margin,
        uncertain: margin < UNCERTAIN_MARGIN_LOG10,
        removal,
        flip,
        removal_search,
        flip_search,
    }
}

/// The work of [`Model::sensitivity`](crate::Model::sensitivity).
pub(crate) fn sensitivity(m: &Engine, patient: &ResolvedPatient, samples: usize, seed: u64) -> Sensitivity {
    let mut ranking = Ranking::for_core(&m.core);
    crate::score::rank_into(&m.core, patient, &mut ranking);
    let ((first, posterior), _) = first_two(m, &ranking);
    let posterior_of = |model: &Engine, ranking: &Ranking| {
        if first == "none_of_these" {
            ranking.none_posterior()
        } else {
            ranking
                .entries()
                .iter()
                .find(|e| model.diagnosis_id(e.diagnosis) == first)
                .map_or(0.0, |e| e.posterior)
        }
    };
    let mut rng = SplitMix64::new(seed);
    let (mut low, mut high, mut kept) = (posterior, posterior, 0usize);
    for _ in 0..samples {
        let kb = m.kb.with_changed_rules(|rule| {
            let factor = 2f64.powf(2.0 * rng.unit() - 1.0);
            if let Some(lr) = &mut rule.lr {
                *lr *= factor;
            } else {
                let p = rule.frequency.clamp(1e-9, 1.0 - 1e-9);
                let odds = p / (1.0 - p) * factor;
                rule.frequency = odds / (1.0 + odds);
            }
        });
        let mut model = Engine::build(std::sync::Arc::new(kb), *m.config());
        model.ontology.clone_from(&m.ontology);
        let mut r = Ranking::for_core(&model.core);
        crate::score::rank_into(&model.core, patient, &mut r);
        let p = posterior_of(&model, &r);
        low = low.min(p);
        high = high.max(p);
        let ((after, _), _) = first_two(&model, &r);
        kept += usize::from(after == first);
    }
    Sensitivity {
        first,
        posterior,
        low,
        high,
        stays_first: if samples == 0 {
            1.0
        } else {
            kept as f64 / samples as f64
        },
        samples,
    }
}

/// The name of observation `i` of a patient.
fn observation_name(m: &Engine, patient: &ResolvedPatient, i: usize) -> String {
    patient.observations.get(i).map_or_else(String::new, |o| {
        crate::explain::evidence_name(m, patient, i, o).into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::MAX_DECISIVE;

    /// The first set (smallest, then lexicographic) of up to [`Robustness::MAX_DECISIVE`] items for which `test`
    /// gives `Some`, with its value.
    pub(crate) fn smallest_set<T>(
        items: &[usize],
        mut test: impl FnMut(&[usize]) -> Option<T>,
    ) -> Option<(Vec<usize>, T)> {
        let n = items.len();
        for size in 1..=MAX_DECISIVE.min(n) {
            let mut idx: Vec<usize> = (0..size).collect();
            loop {
                let set: Vec<usize> = idx.iter().map(|&i| items[i]).collect();
                if let Some(v) = test(&set) {
                    return Some((set, v));
                }
                if !super::search::next_combination(&mut idx, n) {
                    break;
                }
            }
        }
        None
    }

    use super::{Decisive, Robustness};
    use crate::model::Model;
    use crate::patient::{Patient, Zygosity};
    use crate::resolved::ResolvedPatient;
    use crate::rng::SplitMix64;
    use crate::score::Ranking;

    /// The robustness of `patient` with the exhaustive search of every set (the reference the
    /// bounded search must agree with); counts of what the searches found, by size (0: none),
    /// are added to `found`.
    fn check_against_exhaustive(model: &Model, patient: &ResolvedPatient, found: &mut [usize; 4]) -> Robustness {
        let r = model.robustness(patient);
        let mut ranking = Ranking::new(model);
        model.rank_into(patient, &mut ranking);
        let ((first, _), _) = super::first_two(model.engine(), &ranking);
        let all: Vec<usize> = (0..patient.len()).collect();
        let flippable: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| patient.is_flippable(model.engine(), i))
            .collect();
        let mut changes = |set: &[usize], flip: bool| -> Option<String> {
            let edited = if flip {
                patient.edited(model.engine(), |_| true, |i| set.contains(&i))
            } else {
                patient.edited(model.engine(), |i| !set.contains(&i), |_| false)
            };
            model.rank_into(&edited, &mut ranking);
            let ((after, _), _) = super::first_two(model.engine(), &ranking);
            (after != first).then_some(after)
        };
        let decisive = |found: Option<(Vec<usize>, String)>| {
            found.map(|(set, after)| Decisive {
                findings: set
                    .iter()
                    .map(|&i| super::observation_name(model.engine(), patient, i))
                    .collect(),
                first_after: after,
            })
        };
        let removal = decisive(smallest_set(&all, |set| changes(set, false)));
        let flip = decisive(smallest_set(&flippable, |set| changes(set, true)));
        assert_eq!(r.removal, removal, "removal, first {first}: {r:?}");
        assert_eq!(r.flip, flip, "flip, first {first}: {r:?}");
        assert!(r.removal_search.is_complete() && r.flip_search.is_complete(), "{r:?}");
        for d in [&r.removal, &r.flip] {
            found[d.as_ref().map_or(0, |d| d.findings.len())] += 1;
        }
        r
    }

    /// Random patients of `names` (present or absent), with some of `genes` and ages.
    fn random_patients(names: &[String], genes: &[String], count: usize, max_terms: usize, seed: u64) -> Vec<Patient> {
        let mut rng = SplitMix64::new(seed);
        (0..count)
            .map(|_| {
                let mut p = Patient::new();
                let mut used = std::collections::BTreeSet::new();
                for _ in 0..=rng.below(max_terms) {
                    let name = names[rng.below(names.len())].clone();
                    if used.insert(name.clone()) {
                        p = if rng.unit() < 0.7 {
                            p.present(name)
                        } else {
                            p.absent(name)
                        };
                    }
                }
                if !genes.is_empty() && rng.unit() < 0.3 {
                    let zygosity = [Zygosity::Heterozygous, Zygosity::Biallelic][rng.below(2)];
                    p = p.variant(genes[rng.below(genes.len())].clone(), zygosity);
                }
                if rng.unit() < 0.3 {
                    p = p.onset_years(0.5 + 30.0 * rng.unit()).examined_at_years(40.0);
                }
                p
            })
            .collect()
    }

    /// The bounded search gives what the exhaustive one gives: on the built-in rules (dense,
    /// with look-alikes, "none of these" first or a diagnosis), with genes and ages (observations
    /// that do not count in the design effect).
    #[test]
    fn the_bounded_search_finds_what_the_exhaustive_one_finds_builtin() {
        let model = Model::builtin().unwrap();
        let kb = model.knowledge_base();
        let names: Vec<String> = kb.findings().iter().map(|f| f.id.clone()).collect();
        let genes: Vec<String> = kb
            .diagnoses()
            .iter()
            .flat_map(|d| d.genes.iter().map(|g| g.symbol.clone()))
            .collect();
        let mut found = [0; 4];
        let mut firsts = std::collections::BTreeSet::new();
        for p in random_patients(&names, &genes, 400, 12, 11) {
            if let Ok(resolved) = model.resolve(&p) {
                firsts.insert(check_against_exhaustive(&model, &resolved, &mut found).first);
            }
        }
        assert!(found.iter().all(|&n| n > 10), "sets found by size: {found:?}");
        assert!(firsts.contains("none_of_these") && firsts.len() > 3, "{firsts:?}");
    }

    /// The same on a large synthetic knowledge base (sparse tables), with the catalogue's
    /// constants (false-positive shifts by group, offsets of absent rows) and look-alikes.
    #[test]
    fn the_bounded_search_finds_what_the_exhaustive_one_finds_sparse() {
        use crate::knowledge::KnowledgeBase;
        use crate::load::RuleSet;
        let kb = crate::research::simulate::synthetic_knowledge_base(150, 60, 8, 5).unwrap();
        // Every fifth diagnosis a look-alike, and d % 5 of the rules of diagnosis d left out, so
        // that the numbers of rules, and with them the false-positive shifts, differ.
        let mut set = RuleSet::default();
        for (name, text) in kb.to_rule_files() {
            let d = name
                .trim_end_matches(".toml")
                .trim_start_matches('d')
                .parse::<usize>()
                .ok();
            let mut text = text;
            if let Some(d) = d {
                let mut parts: Vec<&str> = text.split("\n[[rule]]\n").collect();
                parts.drain(1..=d % 5);
                text = parts.join("\n[[rule]]\n");
                if d % 5 == 0 {
                    text = text.replace("\ninheritance = ", "\nlookalike = true\ninheritance = ");
                }
            }
            set = set.overlay(RuleSet::from_text(&name, &text).unwrap());
        }
        let kb = KnowledgeBase::new(set).unwrap();
        assert!(kb.diagnoses().iter().filter(|d| d.lookalike).count() >= 20);
        let config = crate::ScoringConfig {
            annotation_reference: 8.0,
            ..crate::catalogue::Catalogue::scoring_config()
        };
        let model = Model::compile_with(&kb, config);
        assert!(!model.engine().core.tables.is_dense() && model.engine().core.groups.shift.len() > 1);
        let names: Vec<String> = kb.findings().iter().map(|f| f.id.clone()).collect();
        let genes: Vec<String> = (0..150).map(|d| format!("G{d}")).collect();
        let mut found = [0; 4];
        for p in random_patients(&names, &genes, 250, 14, 3) {
            if let Ok(resolved) = model.resolve(&p) {
                check_against_exhaustive(&model, &resolved, &mut found);
            }
        }
        assert!(found.iter().all(|&n| n > 5), "sets found by size: {found:?}");
    }

    /// The budgets stop the search and say how far it got; without the bound (a budget of
    /// work too small to set it up) the sets are ranked one by one, with the same result.
    #[test]
    fn budgets_stop_the_search_and_say_where() {
        use super::search::{smallest_set_within, Budget};
        let model = Model::builtin().unwrap();
        let names: Vec<String> = model.knowledge_base().findings().iter().map(|f| f.id.clone()).collect();
        // A patient whose removal search finds a set of two, and whose single findings the bound
        // rules out without ranking (the first such of the random patients).
        let mut found = [0; 4];
        let unlimited = Budget::default();
        let singles_bounded = |patient: &ResolvedPatient| {
            let mut ranking = Ranking::new(&model);
            model.rank_into(patient, &mut ranking);
            let (_, _, first) = super::first_two_of(model.engine(), &ranking);
            let all: Vec<usize> = (0..patient.len()).collect();
            let budget = Budget {
                rankings: 0,
                ..unlimited
            };
            let (set, extent) = smallest_set_within(
                model.engine(),
                patient,
                first,
                &all,
                false,
                budget,
                &mut |_: &[usize]| None::<String>,
            );
            set.is_none() && (extent.complete_up_to, extent.stopped_early) == (1, true)
        };
        let patient = random_patients(&names, &[], 400, 12, 11)
            .into_iter()
            .filter_map(|p| model.resolve(&p).ok())
            .find(|r| {
                check_against_exhaustive(&model, r, &mut found)
                    .removal
                    .is_some_and(|d| d.findings.len() == 2)
                    && singles_bounded(r)
            })
            .expect("a patient with a decisive pair whose singles the bound rules out");
        let r = model.robustness(&patient);
        let mut ranking = Ranking::new(&model);
        model.rank_into(&patient, &mut ranking);
        let (_, _, first) = super::first_two_of(model.engine(), &ranking);
        let all: Vec<usize> = (0..patient.len()).collect();
        let mut changes = |set: &[usize]| -> Option<String> {
            let edited = patient.edited(model.engine(), |i| !set.contains(&i), |_| false);
            model.rank_into(&edited, &mut ranking);
            let ((after, _), _) = super::first_two(model.engine(), &ranking);
            (after != r.first).then_some(after)
        };
        let search = |budget: Budget, changes: &mut dyn FnMut(&[usize]) -> Option<String>| {
            smallest_set_within(model.engine(), &patient, first, &all, false, budget, changes)
        };
        let (set, extent) = search(unlimited, &mut changes);
        assert_eq!(set.map(|s| s.0.len()), Some(2));
        assert!(!extent.stopped_early && extent.rankings <= 2, "{extent:?}");
        // No ranking allowed: the pairs are not tried, the singles were ruled out by the bound.
        let (set, extent) = search(
            Budget {
                rankings: 0,
                ..unlimited
            },
            &mut changes,
        );
        assert!(set.is_none());
        assert_eq!((extent.complete_up_to, extent.stopped_early), (1, true));
        // No bound: every set ranked in order, the same set found.
        let (plain, extent) = search(Budget { work: 0, ..unlimited }, &mut changes);
        assert_eq!(plain.map(|s| s.0), smallest_set(&all, |s| changes(s)).map(|s| s.0));
        assert!(!extent.stopped_early && extent.rankings > patient.len(), "{extent:?}");
        // No bound and three rankings: three singles tried, nothing complete.
        let (set, extent) = search(Budget { rankings: 3, work: 0 }, &mut changes);
        assert!(set.is_none());
        assert_eq!(
            (extent.complete_up_to, extent.rankings, extent.stopped_early),
            (0, 3, true)
        );
    }

    #[test]
    fn smallest_set_tries_smaller_sets_first_in_order() {
        let items = [10, 11, 12, 13];
        let mut seen = Vec::new();
        let found = smallest_set(&items, |s| {
            seen.push(s.to_vec());
            (s == [11, 13]).then_some(())
        });
        assert_eq!(found.map(|f| f.0), Some(vec![11, 13]));
        assert_eq!(seen[..4], [vec![10], vec![11], vec![12], vec![13]]);
        assert_eq!(
            seen[4..],
            [vec![10, 11], vec![10, 12], vec![10, 13], vec![11, 12], vec![11, 13]]
        );
        assert_eq!(smallest_set(&items, |_| None::<()>), None);
        // Every set of up to three of four: 4 + 6 + 4.
        let mut count = 0;
        let _ = smallest_set(&items, |_| {
            count += 1;
            None::<()>
        });
        assert_eq!(count, 14);
    }
}
