//! How solid the answer is: the margin of the first of the differential, the fewest findings
//! that would change it, and the range of its posterior when the rules' weights move.

use serde::Serialize;

use crate::model::Model;
use crate::resolve::ResolvedPatient;
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
///   "none of these") against the second. Below [`UNCERTAIN_MARGIN_LOG10`] (the first less than
///   three times as likely as the second) the result is flagged uncertain.
/// - **Decisive findings**: the smallest set of the patient's observations whose removal
///   changes the first, and the smallest set of present or absent findings whose flipping (present
///   to absent, absent to present) does; sets of up to [`MAX_DECISIVE`] are searched exhaustively,
///   smallest first, then in observation order.
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
    /// The margin is below [`UNCERTAIN_MARGIN_LOG10`].
    pub uncertain: bool,
    /// The fewest observations whose removal changes the first (their names), with the first
    /// after it; `None` when no set of up to [`MAX_DECISIVE`] does.
    pub removal: Option<Decisive>,
    /// The fewest present or absent findings whose flipping changes the first.
    pub flip: Option<Decisive>,
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

impl Model {
    /// The first of the differential (a diagnosis id or `none_of_these`) and its posterior; the
    /// second likewise. Ties go to the diagnosis of the ranking before "none of these".
    fn first_two(&self, ranking: &Ranking) -> ((String, f64), (String, f64)) {
        let none = ranking.none_posterior();
        let mut groups: Vec<(&str, f64)> = ranking
            .entries()
            .iter()
            .take(2)
            .map(|e| (self.diagnosis_id(e.diagnosis), e.posterior))
            .collect();
        groups.push(("none_of_these", none));
        groups.sort_by(|a, b| b.1.total_cmp(&a.1));
        let get = |i: usize| {
            groups
                .get(i)
                .map_or((String::new(), 0.0), |(id, p)| ((*id).to_owned(), *p))
        };
        (get(0), get(1))
    }

    /// The margin of the first of the differential and the fewest findings that change it (see
    /// [`Robustness`]).
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("blue sclerae").present("recurrent fractures"))?;
    /// let r = model.robustness(&patient);
    /// assert_eq!(r.first, "osteogenesis_imperfecta");
    /// assert!(r.margin_log10 > 0.0);
    /// // Without its findings the differential falls back to the priors.
    /// assert!(r.removal.is_some());
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn robustness(&self, patient: &ResolvedPatient) -> Robustness {
        let mut ranking = Ranking::new(self);
        self.rank_into(patient, &mut ranking);
        let ((first, p1), (second, p2)) = self.first_two(&ranking);
        let margin = if p2 > 0.0 { (p1 / p2).log10() } else { f64::INFINITY };
        let all: Vec<usize> = (0..patient.len()).collect();
        let flippable: Vec<usize> = all.iter().copied().filter(|&i| patient.is_flippable(self, i)).collect();
        let mut changes = |set: &[usize], flip: bool| -> Option<String> {
            let edited = if flip {
                patient.edited(self, |_| true, |i| set.contains(&i))
            } else {
                patient.edited(self, |i| !set.contains(&i), |_| false)
            };
            self.rank_into(&edited, &mut ranking);
            let ((after, _), _) = self.first_two(&ranking);
            (after != first).then_some(after)
        };
        let removal = smallest_set(&all, |set| changes(set, false)).map(|(set, after)| Decisive {
            findings: set.iter().map(|&i| self.observation_name(patient, i)).collect(),
            first_after: after,
        });
        let flip = smallest_set(&flippable, |set| changes(set, true)).map(|(set, after)| Decisive {
            findings: set.iter().map(|&i| self.observation_name(patient, i)).collect(),
            first_after: after,
        });
        Robustness {
            first,
            first_posterior: p1,
            second,
            second_posterior: p2,
            margin_log10: margin,
            uncertain: margin < UNCERTAIN_MARGIN_LOG10,
            removal,
            flip,
        }
    }

    /// The posterior of the first of the differential under `samples` perturbations of every
    /// rule's weight (see [`Robustness`]); the same seed gives the
    /// same result.
    ///
    /// ```
    /// use osteodx::{Model, Patient};
    /// let model = Model::builtin()?;
    /// let patient = model.resolve(&Patient::new().present("blue sclerae").present("recurrent fractures"))?;
    /// let s = model.sensitivity(&patient, 4, 1);
    /// assert_eq!(s.first, "osteogenesis_imperfecta");
    /// assert!(s.low <= s.posterior && s.posterior <= s.high);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn sensitivity(&self, patient: &ResolvedPatient, samples: usize, seed: u64) -> Sensitivity {
        let mut ranking = Ranking::new(self);
        self.rank_into(patient, &mut ranking);
        let ((first, posterior), _) = self.first_two(&ranking);
        let posterior_of = |model: &Model, ranking: &Ranking| {
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
            let kb = self.knowledge_base().with_changed_rules(|rule| {
                let factor = 2f64.powf(2.0 * rng.unit() - 1.0);
                if let Some(lr) = &mut rule.lr {
                    *lr *= factor;
                } else {
                    let p = rule.frequency.clamp(1e-9, 1.0 - 1e-9);
                    let odds = p / (1.0 - p) * factor;
                    rule.frequency = odds / (1.0 + odds);
                }
            });
            let mut model = Model::from_knowledge_base_with(kb, *self.config());
            model.ontology.clone_from(&self.ontology);
            let mut r = Ranking::new(&model);
            model.rank_into(patient, &mut r);
            let p = posterior_of(&model, &r);
            low = low.min(p);
            high = high.max(p);
            let ((after, _), _) = model.first_two(&r);
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
    fn observation_name(&self, patient: &ResolvedPatient, i: usize) -> String {
        patient
            .observations
            .get(i)
            .map_or_else(String::new, |o| self.evidence_name(patient, i, o).into_owned())
    }
}

/// The first set (smallest, then lexicographic) of up to [`MAX_DECISIVE`] items for which `test`
/// gives `Some`, with its value.
fn smallest_set<T>(items: &[usize], mut test: impl FnMut(&[usize]) -> Option<T>) -> Option<(Vec<usize>, T)> {
    let n = items.len();
    for size in 1..=MAX_DECISIVE.min(n) {
        let mut idx: Vec<usize> = (0..size).collect();
        loop {
            let set: Vec<usize> = idx.iter().map(|&i| items[i]).collect();
            if let Some(v) = test(&set) {
                return Some((set, v));
            }
            // Next combination of `size` out of `n`.
            let mut k = size;
            while k > 0 && idx[k - 1] == n - size + k - 1 {
                k -= 1;
            }
            if k == 0 {
                break;
            }
            idx[k - 1] += 1;
            for j in k..size {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::smallest_set;

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
