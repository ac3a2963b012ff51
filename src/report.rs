//! Reports: a differential, how solid it is and what to examine next, as text for people (the
//! `diagnose` example prints these). As JSON, every result type is `Serialize`.
//!
//! ```
//! use osteodx::{Model, Patient, NextQuery};
//! let model = Model::builtin()?;
//! let patient = model.resolve(&Patient::new().present("fractures").present("blue sclerae"))?;
//! let next = model.next_findings(&patient, &NextQuery::top(3));
//! let text = osteodx::report::next_findings_text(&next);
//! assert!(text.starts_with("examine next"));
//! # Ok::<(), osteodx::Error>(())
//! ```

use std::fmt::Write as _;

pub use crate::error::shown;
use crate::explain::{DiagnosisResult, Differential};
use crate::knowledge::KnowledgeBase;
use crate::next_findings::NextFinding;
use crate::robustness::{Robustness, SearchExtent, Sensitivity};

/// The unknown names [`differential_table`] lists one a line; the others are counted.
pub const MAX_UNKNOWN_SHOWN: usize = 10;

/// A probability as a percentage with one decimal, `<0.1%` below 0.05 % (0 stays `0.0%`).
///
/// ```
/// assert_eq!(osteodx::report::percent(0.1234), "12.3%");
/// assert_eq!(osteodx::report::percent(0.0001), "<0.1%");
/// ```
#[must_use]
#[allow(clippy::float_cmp, reason = "exactly 0 is printed as 0.0%")]
pub fn percent(p: f64) -> String {
    if p >= 0.0005 || p == 0.0 {
        format!("{:.1}%", 100.0 * p)
    } else {
        "<0.1%".to_owned()
    }
}

/// The differential as tab-separated values, as LIRICAL writes its TSV: a header, then one row
/// per diagnosis with its rank, id, name, posterior and log10 likelihood ratio, "none of these"
/// in its place (id `none_of_these`, no likelihood ratio). Numbers are written in full (Rust's
/// shortest form that reads back exactly, as the JSON output writes them); a tab or line break in
/// a name becomes a space.
///
/// ```
/// use osteodx::{Model, Patient};
/// let model = Model::builtin()?;
/// let patient = model.resolve(&Patient::new().present("macrocephaly").present("pancytopenia"))?;
/// let tsv = osteodx::report::differential_tsv(&model.diagnose(&patient));
/// let mut lines = tsv.lines();
/// assert_eq!(lines.next(), Some("rank\tid\tname\tposterior\tlog10_lr"));
/// assert!(lines.next().is_some_and(|l| l.starts_with("1\tinfantile\t")));
/// assert!(tsv.lines().any(|l| l.split('\t').nth(1) == Some("none_of_these")));
/// # Ok::<(), osteodx::Error>(())
/// ```
#[must_use]
pub fn differential_tsv(d: &Differential) -> String {
    let cell = |text: &str| text.replace(['\t', '\n', '\r'], " ");
    let mut rows: Vec<(&str, &str, f64, Option<f64>)> = d
        .diagnoses
        .iter()
        .map(|r| (r.id, r.name, r.posterior, Some(r.log10_lr)))
        .collect();
    let at = d.none_of_these_rank.clamp(1, rows.len() + 1) - 1;
    rows.insert(at, ("none_of_these", "none of these", d.none_of_these, None));
    let mut s = String::from("rank\tid\tname\tposterior\tlog10_lr\n");
    for (i, (id, name, posterior, lr)) in rows.iter().enumerate() {
        let lr = lr.map_or_else(String::new, |x| x.to_string());
        let _ = writeln!(s, "{}\t{}\t{}\t{posterior}\t{lr}", i + 1, cell(id), cell(name));
    }
    s
}

/// The differential as a text table: rank, diagnosis, probability with a bar, log10 LR and the
/// strongest findings for and against, "none of these" in its place (with what makes it up),
/// then the notes (unknown names, placed HPO terms, unused terms, what the first expects and was
/// not examined for). The first `top` rows are shown. With `labels` (the HPO catalogue's
/// knowledge base), diagnoses are shown by name and HPO findings by label.
///
/// ```
/// use osteodx::{Model, Patient};
/// let model = Model::builtin()?;
/// let patient = model.resolve(&Patient::new().present("macrocephaly").present("pancytopenia"))?;
/// let text = osteodx::report::differential_table(&model.diagnose(&patient), 5, None);
/// assert!(text.starts_with("rank diagnosis"));
/// assert!(text.contains("(none of these)"));
/// # Ok::<(), osteodx::Error>(())
/// ```
#[allow(
    clippy::too_many_lines,
    reason = "the table's sections in the order they are printed"
)]
#[must_use]
pub fn differential_table(d: &Differential, top: usize, labels: Option<&KnowledgeBase>) -> String {
    let kb = labels;
    let evidence = |e: &str| -> String {
        kb.and_then(|kb| kb.finding(e))
            .filter(|f| f.id.starts_with("hp_"))
            .map_or_else(|| shown(e).into_owned(), |f| shown(&f.label).into_owned())
    };
    let mut s = String::new();
    // Catalogue diseases have long names: a wider column.
    let w = if kb.is_some() { 40 } else { 26 };
    let _ = writeln!(
        s,
        "{:<4} {:<w$} {:>7}  {:20} {:>8}  top findings for (+) and against (-)",
        "rank", "diagnosis", "prob", ' ', "log10LR"
    );
    let mut rows: Vec<(&str, f64, Option<&DiagnosisResult<'_>>)> = d
        .diagnoses
        .iter()
        .map(|r| (if kb.is_some() { r.name } else { r.id }, r.posterior, Some(r)))
        .collect();
    rows.insert(d.none_of_these_rank - 1, ("(none of these)", d.none_of_these, None));
    for (i, (id, p, r)) in rows.iter().enumerate().take(top) {
        let bar = "#".repeat((p * 20.0).round() as usize);
        let (lr, why) = if let Some(r) = r {
            let plus: Vec<String> = r
                .explanation
                .for_
                .iter()
                .filter(|c| c.log10_lr >= 0.005)
                .take(3)
                .map(|c| format!("+{} {:.2}", evidence(&c.evidence), c.log10_lr))
                .collect();
            let minus: Vec<String> = r
                .explanation
                .against
                .iter()
                .take(2)
                .map(|c| format!("{} {:.2}", evidence(&c.evidence), c.log10_lr))
                .collect();
            let mut why = [plus, minus].concat().join(", ");
            if why.chars().count() > 100 {
                why = why.chars().take(99).collect::<String>() + "…";
            }
            (format!("{:8.2}", r.log10_lr), why)
        } else {
            let parts: Vec<String> = d
                .none_of_these_breakdown
                .iter()
                .take(3)
                .map(|c| format!("{} {}", shown(c.id), percent(c.posterior)))
                .collect();
            (
                "       -".to_owned(),
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("= {}", parts.join(" + "))
                },
            )
        };
        // Names longer than the column (catalogue diseases) are cut to it.
        let _ = writeln!(
            s,
            "{:<4} {:<w$.w$} {:>7}  {:<20} {}  {}",
            i + 1,
            shown(id),
            percent(*p),
            bar,
            lr,
            why
        );
    }
    let _ = writeln!(s, "\n{}", d.normalisation);
    let n = &d.notes;
    for (i, u) in n.unknown.iter().enumerate() {
        if i == MAX_UNKNOWN_SHOWN {
            let _ = writeln!(
                s,
                "and {} more unknown findings (not scored), the first `{}`",
                n.unknown.len() - MAX_UNKNOWN_SHOWN,
                shown(&u.name)
            );
            break;
        }
        if u.suggestions.is_empty() && i >= crate::resolve::MAX_SUGGESTED_NAMES {
            let _ = writeln!(s, "unknown finding `{}` (not scored)", shown(&u.name));
        } else if u.suggestions.is_empty() {
            let _ = writeln!(
                s,
                "unknown finding `{}` (not scored; no known name is close)",
                shown(&u.name)
            );
        } else {
            let _ = writeln!(
                s,
                "unknown finding `{}` (not scored); did you mean: {}",
                shown(&u.name),
                shown(&u.suggestions.join(", "))
            );
        }
    }
    for p in &n.placed {
        let _ = writeln!(
            s,
            "HPO term {} placed on {}",
            shown(&p.term),
            shown(&p.findings.join(", "))
        );
    }
    if !n.unplaced.is_empty() {
        let _ = writeln!(
            s,
            "HPO terms outside the vocabulary (scored as unrelated findings): {}",
            shown(&n.unplaced.join(", "))
        );
    }
    if !n.unused_absent.is_empty() {
        let _ = writeln!(s, "absent terms not used: {}", shown(&n.unused_absent.join(", ")));
    }
    if !n.unknown_genes.is_empty() {
        let _ = writeln!(s, "genes no rule names: {}", shown(&n.unknown_genes.join(", ")));
    }
    for note in &n.inconsistent {
        let _ = writeln!(s, "inconsistent: {}", shown(note));
    }
    if let Some(top) = d.diagnoses.first() {
        if !top.explanation.not_examined.is_empty() {
            let list: Vec<String> = top
                .explanation
                .not_examined
                .iter()
                .take(6)
                .map(|e| format!("{} ({:.0}%)", e.label, e.frequency * 100.0))
                .collect();
            let _ = writeln!(
                s,
                "{} also expects, not examined: {}",
                shown(top.id),
                shown(&list.join(", "))
            );
        }
    }
    s
}

/// How solid the first of the differential is, in two or three lines: the margin over the
/// second, the smallest removal or flip of findings that changes the first, and (given) the range
/// under perturbed weights.
#[must_use]
pub fn robustness_text(r: &Robustness, s: Option<&Sensitivity>) -> String {
    let mut out = format!(
        "margin: {} {} against {} {}, log10 odds {:.2}{}\n",
        shown(&r.first),
        percent(r.first_posterior),
        shown(&r.second),
        percent(r.second_posterior),
        r.margin_log10,
        if r.uncertain { " (uncertain)" } else { "" }
    );
    let decisive = |what: &str, d: &Option<crate::robustness::Decisive>, search: &SearchExtent| match d {
        Some(d) => format!(
            "{what} {} makes {} first",
            shown(&d.findings.join(" + ")),
            shown(&d.first_after)
        ),
        None if search.stopped_early => match search.complete_up_to {
            0 => format!("{what}: the search stopped at its budget before it had tried every finding"),
            1 => format!("{what} any one finding leaves it first (the search of larger sets stopped at its budget)"),
            k => format!("{what} up to {k} findings leaves it first (the search of larger sets stopped at its budget)"),
        },
        None => format!(
            "{what} up to {} findings leaves it first",
            crate::robustness::MAX_DECISIVE
        ),
    };
    let _ = writeln!(
        out,
        "{}; {}",
        decisive("removing", &r.removal, &r.removal_search),
        decisive("flipping", &r.flip, &r.flip_search)
    );
    if let Some(s) = s {
        let _ = writeln!(
            out,
            "under {} perturbations of the rules' weights: {} {}-{}, first in {:.0}%",
            s.samples,
            shown(&s.first),
            percent(s.low),
            percent(s.high),
            100.0 * s.stays_first
        );
    }
    out
}

/// The findings to examine next, one line each: gain, what each answer would make first
/// (a line saying that none would change much when no gain reaches 0.01 bits).
#[must_use]
pub fn next_findings_text(next: &[NextFinding]) -> String {
    let mut s = String::new();
    // Below 0.01 bits no answer changes the differential visibly.
    let useful: Vec<&NextFinding> = next.iter().filter(|n| n.information_gain_bits >= 0.01).collect();
    if useful.is_empty() {
        if let Some(best) = next.first() {
            let _ = writeln!(
                s,
                "examine next: no finding left would change the differential much (best: {}, {:.3} bits)",
                shown(best.label),
                best.information_gain_bits
            );
        }
        return s;
    }
    s += "examine next (expected information gain; the differential's first after yes / no):\n";
    let first = |p: &indexmap::IndexMap<&str, f64>| {
        p.iter()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(String::new(), |(id, p)| format!("{} {}", shown(id), percent(*p)))
    };
    for (i, n) in useful.iter().enumerate() {
        let why: Vec<String> = n
            .separates
            .iter()
            .map(|g| format!("{} {:.0}%", shown(g.diagnosis), 100.0 * g.probability_present))
            .collect();
        let _ = writeln!(
            s,
            "{}. {} ({}, {:.2} bits, present in: {}): yes -> {}, no -> {}",
            i + 1,
            shown(n.label),
            n.examination.as_str(),
            n.information_gain_bits,
            why.join(", "),
            first(&n.posterior_if_present),
            first(&n.posterior_if_absent)
        );
    }
    s
}
