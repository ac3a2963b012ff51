//! The HTML report (`diagnose --format html`) parsed as a browser would: every number it shows
//! is the JSON output's (`--format json`) for the same patient, at the place its `data-json`
//! pointer names, and shown rounded as its `data-format` says; the page is self-contained.

use scraper::{Html, Selector};

mod common;

/// `diagnose` with `args`, its output.
fn diagnose(args: &[&str]) -> String {
    let mut all = vec!["diagnose", "--"];
    all.extend_from_slice(args);
    let out = common::example(&all);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Checks every number of the page against the JSON output (the value at its `data-json`
/// pointer, and the text shown as its `data-format` says); returns how many there were.
fn check_numbers(page: &Html, json: &serde_json::Value, context: &str) -> usize {
    let mut checked = 0;
    for n in page.select(&Selector::parse("[data-json]").unwrap()) {
        let at = n.value().attr("data-json").unwrap();
        let value: f64 = n.value().attr("data-value").unwrap().parse().unwrap();
        let expected = json.pointer(at).and_then(serde_json::Value::as_f64);
        let expected = expected.unwrap_or_else(|| panic!("{context}: {at} is not a number of the JSON"));
        // serde_json reads a float to within an ulp or two.
        assert!(
            (value - expected).abs() <= 1e-15 * value.abs().max(1.0),
            "{context} {at}: {value} against {expected}"
        );
        let text: String = n.text().collect();
        let shown = match n.value().attr("data-format") {
            Some("percent") => percent(value),
            Some("fixed2") => format!("{value:.2}"),
            other => panic!("{context} {at}: format {other:?}"),
        };
        assert_eq!(text, shown, "{context} {at}");
        checked += 1;
    }
    checked
}

/// `percent` as the report shows it.
fn percent(p: f64) -> String {
    osteodx::report::percent(p)
}

#[test]
fn every_number_of_the_html_report_is_the_json_output_s() {
    for file in [
        "examples/patients/adult.json",
        "examples/patients/newborn.json",
        "examples/patients/intermediate-child.json",
        "examples/patients/pycnodysostosis-child.json",
    ] {
        let html = diagnose(&["--format", "html", file]);
        let json: serde_json::Value = serde_json::from_str(&diagnose(&["--format", "json", file])).unwrap();
        let page = Html::parse_document(&html);
        assert!(page.errors.is_empty(), "{file}: {:?}", page.errors);
        let checked = check_numbers(&page, &json, file);
        // Every diagnosis has its bar, posterior and log10 LR, every contribution its value.
        let diagnoses = json["diagnoses"].as_array().unwrap();
        let contributions: usize = diagnoses
            .iter()
            .map(|d| {
                d["explanation"]["for"].as_array().unwrap().len()
                    + d["explanation"]["against"].as_array().unwrap().len()
            })
            .sum();
        let bars = page.select(&Selector::parse("ol.bars li").unwrap()).count();
        assert_eq!(
            bars,
            diagnoses.len() + 1,
            "{file}: a bar per diagnosis and one for none of these"
        );
        assert!(
            checked > 2 * diagnoses.len() + contributions,
            "{file}: {checked} numbers"
        );
        for d in diagnoses {
            let id = d["id"].as_str().unwrap();
            let article = Selector::parse(&format!("article#d-{id}")).unwrap();
            assert_eq!(page.select(&article).count(), 1, "{file}: {id} explained");
        }
        // Self-contained: no script, stylesheet, image or font from anywhere.
        for selector in ["script", "link", "img", "iframe", "object", "embed"] {
            assert_eq!(
                page.select(&Selector::parse(selector).unwrap()).count(),
                0,
                "{file}: {selector}"
            );
        }
        assert!(
            !html.contains("url(") && !html.contains("@import"),
            "{file}: an outside resource"
        );
        let sections = ["#differential", "#robustness", "#next", "#explanations"];
        for section in sections {
            assert_eq!(
                page.select(&Selector::parse(section).unwrap()).count(),
                1,
                "{file}: {section}"
            );
        }
    }
}

#[test]
fn names_are_escaped_in_the_html_report() {
    let dir = std::env::temp_dir().join(format!("osteodx-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.json");
    std::fs::write(
        &path,
        r#"{"id": "<script>alert(1)</script> & co", "present": ["macrocephaly", "<b>bold</b>"]}"#,
    )
    .unwrap();
    let html = diagnose(&["--format", "html", path.to_str().unwrap()]);
    let page = Html::parse_document(&html);
    assert_eq!(page.select(&Selector::parse("script, b").unwrap()).count(), 0, "{html}");
    let title: String = page
        .select(&Selector::parse("title").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(title, "osteodx: <script>alert(1)</script> & co");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn with_the_catalogue_the_page_shows_the_first_top_and_none_of_these() {
    let run = |format: &str| {
        diagnose(&[
            "--hpo",
            "tests/fixtures/hpo",
            "--top",
            "5",
            "--format",
            format,
            "examples/patients/adult.json",
        ])
    };
    let page = Html::parse_document(&run("html"));
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert!(json["diagnoses"].as_array().unwrap().len() > 5);
    assert_eq!(page.select(&Selector::parse("ol.bars li").unwrap()).count(), 6);
    assert_eq!(page.select(&Selector::parse("article").unwrap()).count(), 5);
    assert_eq!(page.select(&Selector::parse("li.none").unwrap()).count(), 1);
    assert!(check_numbers(&page, &json, "the catalogue's page") > 10);
}
