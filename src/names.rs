//! Name matching: normalisation of names, and "did you mean" suggestions by edit distance.

/// Normalise a name for lookup: lowercase, `_`, `-` and runs of white space folded to one space,
/// British/American spellings of common words folded (anaemia/anemia, oedema/edema).
#[must_use]
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase());
    }
    for (uk, us) in [
        ("anaemia", "anemia"),
        ("oedema", "edema"),
        ("haem", "hem"),
        ("paediatric", "pediatric"),
        ("oesophag", "esophag"),
    ] {
        if out.contains(uk) {
            out = out.replace(uk, us);
        }
    }
    out
}

/// Levenshtein distance between two strings, in characters.
#[cfg(test)]
#[must_use]
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    edit_distance_within(a, b, usize::MAX).unwrap_or(usize::MAX)
}

/// `edit_distance` when it is at most `limit`, `None` when it is more: the rows stop as soon
/// as every entry of one is above `limit` (the distance can only grow from there).
#[must_use]
pub(crate) fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        let mut least = row[0];
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(cur).min(row[j]) };
            least = least.min(row[j + 1]);
            prev = cur;
        }
        if least > limit {
            return None;
        }
    }
    Some(row[b.len()]).filter(|&d| d <= limit)
}

/// The up to three candidates nearest to `name`: close by edit distance, or containing it.
/// Ties are broken by the candidates' order.
pub(crate) fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let normalized: Vec<(String, &str)> = candidates.map(|c| (normalize(c), c)).collect();
    nearest_normalized(name, normalized.iter().map(|(n, c)| (n.as_str(), *c)))
}

/// As [`nearest`], over candidates given as (normalised form, original) pairs, so that a caller
/// who asks often can normalise its candidates once.
pub(crate) fn nearest_normalized<'a>(name: &str, candidates: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let query = normalize(name);
    let query_len = query.chars().count();
    let limit = (query_len / 3).max(2);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .enumerate()
        .filter_map(|(i, (norm, c))| {
            // The edit distance is at least the difference in length: skip what cannot be near.
            let close_in_length = norm.len().abs_diff(query.len()) <= 4 * limit;
            if close_in_length && norm.chars().count().abs_diff(query_len) <= limit {
                if let Some(d) = edit_distance_within(&query, norm, limit) {
                    return Some((d, i, c));
                }
            }
            (query.len() >= 4 && norm.contains(&query)).then_some((limit + 1, i, c))
        })
        .collect();
    scored.sort_unstable();
    let mut out: Vec<String> = Vec::new();
    for (_, _, c) in scored {
        if !out.iter().any(|o| o == c) {
            out.push(c.to_owned());
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, nearest, normalize};

    #[test]
    fn names_are_folded_for_lookup() {
        assert_eq!(normalize("  Blue_Sclerae "), "blue sclerae");
        assert_eq!(normalize("Anaemia"), "anemia");
        assert_eq!(normalize("Oedema-of  the_legs"), "edema of the legs");
    }

    #[test]
    fn nearest_names_by_edit_distance_then_order() {
        let known = ["macrocephaly", "microcephaly", "hydrocephalus"];
        assert_eq!(
            nearest("macrocefaly", known.iter().copied()),
            vec!["macrocephaly", "microcephaly"]
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        for (a, b) in [
            ("kitten", "sitting"),
            ("", "abc"),
            ("abc", ""),
            ("flaw", "lawn"),
            ("same", "same"),
        ] {
            let d = edit_distance(a, b);
            for limit in 0..6 {
                assert_eq!(
                    super::edit_distance_within(a, b, limit),
                    (d <= limit).then_some(d),
                    "{a} {b} {limit}"
                );
            }
        }
        assert!(nearest("zzzz", known.iter().copied()).is_empty());
    }
}
