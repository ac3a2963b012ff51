//! Ages: the HPO onset classes and the bands of age at examination, in one table each.
//!
//! Every stage that turns an age into a finding or a finding into an age reads these tables:
//! resolution (an age at onset or at examination becomes its class's finding), the HPO catalogue
//! (an annotation's onset term becomes the class of the built-in vocabulary) and phenopackets (an
//! onset term becomes an age). The onset findings themselves (labels, backgrounds) are data in
//! `rules/findings.toml`; a test checks that every finding named here is there with the same HPO
//! id.

/// One HPO onset class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OnsetClass {
    /// Its HPO id (the number of `HP:NNNNNNN`).
    pub hpo: u32,
    /// The built-in finding an onset in this class resolves to (`None`: a class the vocabulary
    /// folds into another, such as young adult onset into adult onset).
    pub finding: Option<&'static str>,
    /// An age in years that stands for the class when a case gives only the class.
    pub years: f64,
}

/// A day in years.
const DAY: f64 = 1.0 / 365.25;

/// The HPO onset classes (HP:0003674 and its descendants that name an age), youngest first.
pub(crate) const ONSET_CLASSES: [OnsetClass; 12] = [
    class(11460, None, -0.6),                    // embryonal
    class(11461, None, -0.3),                    // fetal
    class(30674, Some("onset_antenatal"), -0.2), // antenatal
    class(3577, Some("onset_congenital"), 0.0),  // congenital: at birth
    class(3623, Some("onset_neonatal"), 0.03),   // neonatal: the first 28 days
    class(3593, Some("onset_infantile"), 0.5),   // infantile: 28 days to 1 year
    class(11463, Some("onset_childhood"), 3.0),  // childhood: 1 to 5 years
    class(3621, Some("onset_juvenile"), 10.0),   // juvenile: 5 to 15 years
    class(11462, None, 25.0),                    // young adult: 16 to 40 years
    class(3581, Some("onset_adult"), 30.0),      // adult: 16 years or later
    class(3596, None, 50.0),                     // middle age: 40 to 60 years
    class(3584, None, 70.0),                     // late: after 60 years
];

const fn class(hpo: u32, finding: Option<&'static str>, years: f64) -> OnsetClass {
    OnsetClass { hpo, finding, years }
}

/// The onset findings by age: an age below a bound (exclusive) has that bound's finding, an age
/// at or above the last one `onset_adult`. By the HPO definitions of the classes.
const ONSET_BANDS: [(f64, &str); 6] = [
    (0.0, "onset_antenatal"),
    (DAY, "onset_congenital"),
    (28.0 * DAY, "onset_neonatal"),
    (1.0, "onset_infantile"),
    (5.0, "onset_childhood"),
    (16.0, "onset_juvenile"),
];

/// The bands of age at examination: under 1, 1 to 4, 5 to 9, 10 to 17, 18 to 39, 40 or more.
const EXAMINATION_BANDS: [(f64, &str); 5] = [
    (1.0, "age_at_examination_under_1"),
    (5.0, "age_at_examination_1_to_4"),
    (10.0, "age_at_examination_5_to_9"),
    (18.0, "age_at_examination_10_to_17"),
    (40.0, "age_at_examination_18_to_39"),
];

/// The first band whose upper limit (exclusive) is above `years`, else `last`.
fn band(years: f64, bands: &[(f64, &'static str)], last: &'static str) -> &'static str {
    bands
        .iter()
        .find(|(below, _)| years < *below)
        .map_or(last, |(_, id)| id)
}

/// The onset finding of an age at onset in years.
#[must_use]
pub(crate) fn onset_finding(years: f64) -> &'static str {
    band(years, &ONSET_BANDS, "onset_adult")
}

/// The age-at-examination finding of an age in years (finding ids `age_at_examination_under_1`,
/// `…_1_to_4`, …, `…_40_or_more`).
#[must_use]
pub(crate) fn examination_finding(years: f64) -> &'static str {
    band(years, &EXAMINATION_BANDS, "age_at_examination_40_or_more")
}

/// The onset class with this HPO number.
pub(crate) fn onset_class(hpo: u32) -> Option<&'static OnsetClass> {
    ONSET_CLASSES.iter().find(|c| c.hpo == hpo)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A class's representative age falls in the band of its own finding, and every finding
    /// named here is a built-in onset or examination finding with the class's HPO id.
    #[test]
    fn the_tables_agree_with_each_other_and_with_the_rules() {
        let kb = crate::KnowledgeBase::builtin().unwrap();
        let mut adult_like = 0;
        for c in ONSET_CLASSES {
            match c.finding {
                Some(f) => {
                    assert_eq!(onset_finding(c.years), f, "HP:{:07}", c.hpo);
                    let i = kb
                        .finding_index(f)
                        .unwrap_or_else(|| panic!("{f} is not a built-in finding"));
                    assert_eq!(
                        kb.findings()[i].hpo.as_deref(),
                        Some(format!("HP:{:07}", c.hpo).as_str())
                    );
                }
                None => adult_like += usize::from(onset_finding(c.years) == "onset_adult"),
            }
        }
        // Young adult, middle age and late onset fold into adult onset; embryonal and fetal
        // into antenatal.
        assert_eq!(adult_like, 3);
        for (_, f) in ONSET_BANDS.iter().chain(&EXAMINATION_BANDS) {
            assert!(kb.finding_index(f).is_some(), "{f}");
        }
        assert!(kb.finding_index("age_at_examination_40_or_more").is_some());
    }
}
