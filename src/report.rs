//! Reports: a differential, how solid it is and what to examine next, as text for people (the
//! `diagnose` example prints these), and the types that hold the last two ([`Robustness`],
//! [`Sensitivity`], [`NextFinding`], asked for with a [`NextQuery`]) and a diagnosis's rule
//! [`Coverage`]. As JSON, every result type is `Serialize`.
//!
//! ```
//! use osteodx::{Model, Patient};
//! use osteodx::report::NextQuery;
//! let model = Model::builtin()?;
//! let patient = model.resolve(&Patient::new().present("fractures").present("blue sclerae"))?;
//! let next = model.next_findings(&patient, &NextQuery::top(3));
//! let text = osteodx::report::next_findings_text(&next);
//! assert!(text.starts_with("examine next"));
//! # Ok::<(), osteodx::Error>(())
//! ```

use std::fmt::Write as _;

pub use crate::error::shown;
pub use crate::explain::Coverage;
use crate::explain::{DiagnosisResult, Differential};
use crate::knowledge::KnowledgeBase;
pub use crate::next_findings::{NextFinding, NextQuery, Separation};
pub use crate::robustness::{Decisive, Robustness, SearchExtent, Sensitivity};

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
    s.push_str(&notes_text(d));
    s
}

/// What resolution did with the patient's names and what the first expects and was not examined
/// for, one line each (the notes under [`differential_table`] and in the HTML page).
fn notes_text(d: &Differential) -> String {
    let mut s = String::new();
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
        if u.suggestions.is_empty() && i >= crate::resolved::MAX_SUGGESTED_NAMES {
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

/// The differential as one self-contained HTML page (no script, font or image from anywhere
/// else): the probability of each diagnosis as a bar, "none of these" in its place with what
/// makes it up; for each diagnosis the findings for and against with their log10 likelihood
/// ratios and what it expects that was not examined; the findings to examine next with the
/// differential's first after each answer; how solid the first place is; the resolution notes.
/// Readable on a phone and printable. `title` names the patient.
///
/// Every number is shown rounded and carries the exact value and where it sits in the JSON
/// output (`diagnose --format json`) as `data-value` and `data-json` (a JSON pointer), so a
/// reader or a test can check one against the other.
///
/// ```
/// use osteodx::report::NextQuery;
/// use osteodx::{Model, Patient};
/// let model = Model::builtin()?;
/// let patient = model.resolve(&Patient::new().present("macrocephaly").present("pancytopenia"))?;
/// let d = model.diagnose(&patient);
/// let next = model.next_findings(&patient, &NextQuery::top(3));
/// let html = osteodx::report::differential_html(&d, &next, &model.robustness(&patient), "demo");
/// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("data-json=\"/diagnoses/0/posterior\""));
/// # Ok::<(), osteodx::Error>(())
/// ```
#[must_use]
#[allow(clippy::too_many_lines, reason = "the page's sections in the order they are shown")]
pub fn differential_html(d: &Differential, next: &[NextFinding], r: &Robustness, title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>osteodx: {}</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>Differential diagnosis <small>{}</small></h1>\n<p class=\"note\">{}</p>\n",
        escape(title),
        escape(title),
        escape(&d.normalisation)
    );
    // The differential: one bar per diagnosis, "none of these" in its place.
    s.push_str("<section id=\"differential\">\n<h2>Differential</h2>\n<ol class=\"bars\">\n");
    // "None of these" in its place, or last when it ranks below the diagnoses shown.
    let none_rank = d.none_of_these_rank.clamp(1, d.diagnoses.len() + 1);
    let mut listed = d.diagnoses.iter().enumerate();
    for rank in 1..=d.diagnoses.len() + 1 {
        if rank == none_rank {
            let parts: Vec<String> = d
                .none_of_these_breakdown
                .iter()
                .enumerate()
                .take(3)
                .map(|(k, c)| {
                    format!(
                        "{} {}",
                        escape(c.id),
                        number(
                            c.posterior,
                            &format!("/none_of_these_breakdown/{k}/posterior"),
                            Shown::Percent
                        )
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "<li class=\"none\" data-id=\"none_of_these\"><span class=\"name\">none of these</span>\
                 <span class=\"bar\"><span style=\"width:{:.1}%\"></span></span>\
                 <span class=\"p\">{}</span><span class=\"why\">{}</span></li>",
                100.0 * d.none_of_these,
                number(d.none_of_these, "/none_of_these", Shown::Percent),
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("= {}", parts.join(" + "))
                }
            );
        } else if let Some((i, r)) = listed.next() {
            let _ = writeln!(
                s,
                "<li data-id=\"{}\"><span class=\"name\"><a href=\"#d-{}\">{}</a></span>\
                 <span class=\"bar\"><span style=\"width:{:.1}%\"></span></span>\
                 <span class=\"p\">{}</span><span class=\"why\">log10 LR {}</span></li>",
                escape(r.id),
                escape(r.id),
                escape(r.name),
                100.0 * r.posterior,
                number(r.posterior, &format!("/diagnoses/{i}/posterior"), Shown::Percent),
                number(r.log10_lr, &format!("/diagnoses/{i}/log10_lr"), Shown::Fixed2)
            );
        }
    }
    s.push_str("</ol>\n</section>\n");
    // How solid the first place is.
    s.push_str("<section id=\"robustness\">\n<h2>How solid the first place is</h2>\n");
    let _ = writeln!(
        s,
        "<p>{} {} against {} {}: log10 odds {}{}.</p>",
        escape(&r.first),
        number(r.first_posterior, "/robustness/first_posterior", Shown::Percent),
        escape(&r.second),
        number(r.second_posterior, "/robustness/second_posterior", Shown::Percent),
        number(r.margin_log10, "/robustness/margin_log10", Shown::Fixed2),
        if r.uncertain { " (uncertain)" } else { "" }
    );
    if let Some(line) = robustness_text(r, None).lines().nth(1) {
        let _ = writeln!(s, "<p>{}.</p>", escape(line));
    }
    s.push_str("</section>\n");
    // What to examine next.
    let useful: Vec<(usize, &NextFinding)> = next
        .iter()
        .enumerate()
        .filter(|(_, n)| n.information_gain_bits >= 0.01)
        .collect();
    s.push_str("<section id=\"next\">\n<h2>What to examine next</h2>\n");
    if useful.is_empty() {
        s.push_str("<p>No finding left would change the differential much.</p>\n");
    } else {
        s.push_str(
            "<table>\n<thead><tr><th>finding</th><th>examination</th><th>bits</th>\
             <th>if present</th><th>if absent</th></tr></thead>\n<tbody>\n",
        );
        for (k, n) in useful {
            let first_after = |posteriors: &indexmap::IndexMap<&str, f64>, which: &str| {
                posteriors
                    .iter()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map_or_else(String::new, |(id, p)| {
                        format!(
                            "{} {}",
                            escape(id),
                            number(
                                *p,
                                &format!("/next_findings/{k}/{which}/{}", pointer(id)),
                                Shown::Percent
                            )
                        )
                    })
            };
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(n.label),
                escape(n.examination.as_str()),
                number(
                    n.information_gain_bits,
                    &format!("/next_findings/{k}/information_gain_bits"),
                    Shown::Fixed2
                ),
                first_after(&n.posterior_if_present, "posterior_if_present"),
                first_after(&n.posterior_if_absent, "posterior_if_absent"),
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</section>\n");
    // Each diagnosis: the findings for and against, what it expects and was not examined.
    s.push_str("<section id=\"explanations\">\n<h2>Why: the findings for and against each diagnosis</h2>\n");
    for (i, r) in d.diagnoses.iter().enumerate() {
        let _ = writeln!(
            s,
            "<article id=\"d-{}\">\n<h3>{} <small>{} · log10 LR {}</small></h3>",
            escape(r.id),
            escape(r.name),
            number(r.posterior, &format!("/diagnoses/{i}/posterior"), Shown::Percent),
            number(r.log10_lr, &format!("/diagnoses/{i}/log10_lr"), Shown::Fixed2)
        );
        let e = &r.explanation;
        if e.for_.is_empty() && e.against.is_empty() {
            s.push_str("<p>No finding for or against.</p>\n");
        } else {
            s.push_str(
                "<table class=\"terms\">\n<thead><tr><th></th><th>finding</th><th>matched</th>\
                 <th>log10 LR</th></tr></thead>\n<tbody>\n",
            );
            for (side, list, sign) in [("for", &e.for_, "+"), ("against", &e.against, "−")] {
                for (j, c) in list.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "<tr class=\"{side}\"><td>{sign}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(&c.evidence),
                        escape(c.matched.as_str()),
                        number(
                            c.log10_lr,
                            &format!("/diagnoses/{i}/explanation/{side}/{j}/log10_lr"),
                            Shown::Fixed2
                        )
                    );
                }
            }
            s.push_str("</tbody>\n</table>\n");
        }
        if !e.not_examined.is_empty() {
            let list: Vec<String> = e
                .not_examined
                .iter()
                .enumerate()
                .map(|(j, x)| {
                    format!(
                        "{} ({})",
                        escape(x.label),
                        number(
                            x.frequency,
                            &format!("/diagnoses/{i}/explanation/not_examined/{j}/frequency"),
                            Shown::Percent
                        )
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "<p class=\"expects\">Expects, not examined: {}.</p>",
                list.join(", ")
            );
        }
        s.push_str("</article>\n");
    }
    s.push_str("</section>\n");
    // The notes: what resolution did with the patient's names.
    let notes = notes_text(d);
    let notes: Vec<&str> = notes.lines().filter(|l| !l.trim().is_empty()).collect();
    if !notes.is_empty() {
        s.push_str("<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
        for line in notes {
            let _ = writeln!(s, "<li>{}</li>", escape(line));
        }
        s.push_str("</ul>\n</section>\n");
    }
    s.push_str(
        "<footer>osteodx: a decision aid, not a diagnosis. Probabilities are over the diagnoses \
         above; the rules and their sources are in the crate's rule files.</footer>\n</main>\n</body>\n</html>\n",
    );
    s
}

/// How a number of the HTML page is shown.
#[derive(Clone, Copy)]
enum Shown {
    /// As [`percent`].
    Percent,
    /// With two decimals.
    Fixed2,
}

/// A number of the HTML page: shown rounded, with its exact value and its JSON pointer.
fn number(value: f64, json: &str, shown: Shown) -> String {
    let (text, format) = match shown {
        Shown::Percent => (percent(value), "percent"),
        Shown::Fixed2 => (format!("{value:.2}"), "fixed2"),
    };
    format!(
        "<span class=\"n\" data-json=\"{}\" data-value=\"{value}\" data-format=\"{format}\">{}</span>",
        escape(json),
        escape(&text)
    )
}

/// A JSON pointer token (RFC 6901): `~` as `~0`, `/` as `~1`.
fn pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Text for HTML: `&`, `<`, `>`, `"` and `'` as entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's style: a single column that fits a phone, bars drawn with CSS, print in black on
/// white without the links' colour.
const HTML_STYLE: &str = "
:root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1f24; background: #fff; }
body { margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; } h1 small { color: #57606a; font-weight: normal; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 1.5rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 0.3rem; } h3 small { color: #57606a; font-weight: normal; }
.note, .expects, footer { color: #57606a; font-size: 0.9rem; }
ol.bars { list-style: none; padding: 0; margin: 0; }
ol.bars li { display: grid; grid-template-columns: minmax(8rem, 16rem) 1fr 4.5rem; grid-template-areas: 'name bar p' 'why why why'; gap: 0.1rem 0.6rem; align-items: center; padding: 0.35rem 0; border-bottom: 1px solid #eaeef2; }
ol.bars .name { grid-area: name; } ol.bars .bar { grid-area: bar; } ol.bars .p { grid-area: p; text-align: right; font-variant-numeric: tabular-nums; }
ol.bars .why { grid-area: why; color: #57606a; font-size: 0.85rem; }
.bar { display: block; height: 0.9rem; background: #eaeef2; border-radius: 0.2rem; overflow: hidden; }
.bar span { display: block; height: 100%; min-width: 1px; background: #0969da; }
li.none .bar span { background: #8c959f; } li.none .name { font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.3rem 0; }
th, td { text-align: left; padding: 0.25rem 0.4rem; border-bottom: 1px solid #eaeef2; vertical-align: top; overflow-wrap: anywhere; }
table.terms { table-layout: fixed; } table.terms th:first-child { width: 1.2rem; } table.terms th:nth-child(3) { width: 7.5rem; } table.terms th:last-child { width: 5rem; }
td:last-child, th:last-child { text-align: right; font-variant-numeric: tabular-nums; }
#next td:nth-child(3) { text-align: right; }
tr.for td:first-child { color: #1a7f37; font-weight: bold; } tr.against td:first-child { color: #cf222e; font-weight: bold; }
a { color: #0969da; text-decoration: none; }
footer { margin: 2rem 0 1rem; }
@media (max-width: 40rem) {
  main { padding: 0.6rem; }
  ol.bars li { grid-template-columns: 1fr 4rem; grid-template-areas: 'name p' 'bar bar' 'why why'; }
  table { font-size: 0.8rem; } th, td { padding: 0.2rem 0.25rem; }
  table.terms th:nth-child(3), table.terms td:nth-child(3) { display: none; } table.terms th:last-child { width: 3.8rem; }
  #next th:nth-child(2), #next td:nth-child(2) { display: none; }
}
@media print {
  main { max-width: none; padding: 0; } a { color: inherit; }
  .bar { border: 1px solid #8c959f; } .bar span { background: #57606a; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  article { break-inside: avoid; }
}
";
