//! The examples run on the example patients (built by `cargo test` already; run here through
//! cargo so that the test exercises the same command lines the README gives).

use std::fmt::Write as _;
use std::process::Command;

mod common;
use common::example;

fn run_example(args: &[&str]) -> String {
    let out = example(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The catalogue example on the fixture, compiling it every time, with `args` after that.
fn run_catalogue(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let fixed = ["catalogue", "--", "--hpo", "tests/fixtures/hpo", "--no-cache"];
    example(fixed.iter().map(std::ffi::OsStr::new).chain(args.iter().copied()))
}

#[test]
fn diagnose_writes_tsv_with_the_json_s_ranks_and_numbers() {
    let file = "examples/patients/intermediate-child.json";
    let tsv = run_example(&["diagnose", "--", "--format", "tsv", file]);
    let json = run_example(&["diagnose", "--", "--format", "json", file]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut lines = tsv.lines();
    assert_eq!(lines.next(), Some("rank\tid\tname\tposterior\tlog10_lr"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let diagnoses = v["diagnoses"].as_array().unwrap();
    assert_eq!(rows.len(), diagnoses.len() + 1, "{tsv}");
    let none_rank = v["none_of_these_rank"].as_u64().unwrap() as usize;
    // serde_json reads a float to within an ulp or two (without its float_roundtrip feature).
    let same = |a: f64, b: &serde_json::Value| (a - b.as_f64().unwrap()).abs() <= 1e-15 * a.abs().max(1.0);
    let mut listed = diagnoses.iter();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 5, "{row:?}");
        assert_eq!(row[0], (i + 1).to_string());
        let posterior: f64 = row[3].parse().unwrap();
        if i + 1 == none_rank {
            assert_eq!((row[1], row[4]), ("none_of_these", ""));
            assert!(same(posterior, &v["none_of_these"]), "{row:?}");
        } else {
            let d = listed.next().unwrap();
            assert_eq!(row[1], d["id"].as_str().unwrap());
            assert_eq!(row[2], d["name"].as_str().unwrap());
            assert!(same(posterior, &d["posterior"]), "{row:?}");
            assert!(same(row[4].parse().unwrap(), &d["log10_lr"]), "{row:?}");
        }
    }
}

#[test]
fn diagnose_runs_on_the_demo_a_patient_and_a_phenopacket() {
    let demo = run_example(&["diagnose"]);
    assert!(demo.lines().nth(1).unwrap().contains("infantile"), "{demo}");
    let adult = run_example(&["diagnose", "--", "examples/patients/adult.json"]);
    assert!(adult.lines().nth(1).unwrap().contains("adult"), "{adult}");
    let json = run_example(&[
        "diagnose",
        "--",
        "--format",
        "json",
        "--no-genes",
        "examples/patients/oi-child.json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("--format json prints JSON");
    assert_eq!(v["diagnoses"][0]["id"], "osteogenesis_imperfecta");
    // The findings to examine next, with the fields scripts read.
    let next = v["next_findings"].as_array().expect("next_findings is a list");
    assert_eq!(next.len(), 3);
    for n in next {
        assert!(n["id"].is_string() && n["information_gain_bits"].is_number(), "{n}");
        assert!(n.get("hpo").is_some());
        let yes = n["posterior_if_present"].as_object().unwrap();
        let no = n["posterior_if_absent"].as_object().unwrap();
        for p in [yes, no] {
            let total: f64 = p.values().map(|x| x.as_f64().unwrap()).sum();
            assert!((total - 1.0).abs() < 1e-9, "{p:?}");
            assert!(p.contains_key("none_of_these"));
        }
    }
}

#[test]
fn ask_follows_a_script_and_stops_when_sure() {
    let out = run_example(&["ask", "--", "--script", "examples/ask-answers.txt"]);
    let asked = out.lines().filter(|l| l.starts_with("ask: ")).count();
    let answered = out.lines().filter(|l| l.starts_with("> ")).count();
    assert!(asked >= 2 && answered == asked, "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.contains("reached") || last.contains("stopped"), "{out}");
    // The same script gives the same session.
    assert_eq!(out, run_example(&["ask", "--", "--script", "examples/ask-answers.txt"]));
    let simulated = run_example(&["ask", "--", "--simulate", "1", "--max-questions", "10"]);
    assert!(simulated.lines().last().unwrap().starts_with("all"), "{simulated}");
}

#[test]
fn evaluate_runs_on_the_example_patients() {
    let json = run_example(&["evaluate", "--", "--format", "json", "examples/patients"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("--format json prints JSON");
    assert_eq!(v[0]["configuration"], "builtin with genes");
    assert_eq!(v[0]["report"]["top1"], 1.0);
    assert_eq!(v[1]["configuration"], "builtin phenotype only");
    assert!(v[0]["report"]["cases"].as_u64().unwrap() >= 8);
}

#[test]
fn simulate_is_reproducible() {
    let a = run_example(&["simulate", "--", "200", "--seed", "7", "--format", "json"]);
    let b = run_example(&["simulate", "--", "200", "--seed", "7", "--format", "json"]);
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert!(v["report"]["top1"].as_f64().unwrap() > 0.8);
}

/// Run an example with its standard output closed before it writes: it must end with status 0
/// and no panic (`println!` would panic with status 101 on the broken pipe).
fn run_with_output_closed(args: &[&str]) {
    let mut child = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("cargo runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the example ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("panicked"),
        "{args:?}: {:?}\n{stderr}",
        out.status
    );
}

#[test]
fn examples_end_quietly_when_their_output_is_closed() {
    run_with_output_closed(&["diagnose"]);
    run_with_output_closed(&["diagnose", "--", "--format", "json", "examples/patients/adult.json"]);
    run_with_output_closed(&["evaluate", "--", "examples/patients"]);
    run_with_output_closed(&["simulate", "--", "50"]);
    run_with_output_closed(&["ask", "--", "--script", "examples/ask-answers.txt"]);
    run_with_output_closed(&["explain_all", "--", "tests/fixtures/example-phenopacket.json"]);
    run_with_output_closed(&["fuzz", "--", "--seconds", "0.2", "--target", "patient"]);
}

/// Issue 23, item 3: `ask --script /dev/zero` read the script without a limit and aborted (exit
/// 134, "memory allocation of 8589934592 bytes failed"); endless answers on the terminal the same.
#[cfg(unix)]
#[test]
fn ask_refuses_an_endless_script_with_a_message_not_an_abort() {
    let out = example(["ask", "--", "--script", "/dev/zero"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "ask: cannot read /dev/zero: 67108865 bytes is more than the limit of 67108864 (Limits::file_bytes)"
    );
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "ask"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end(), "ask: an answer longer than 4096 bytes");
}

/// Issue 23, item 7: `evaluate` skipped packets it could not read with a note and still exited
/// 0; now the figures are printed and the status is 1, unless `--allow-unreadable`.
#[test]
fn evaluate_fails_when_it_could_not_read_some_cases() {
    let dir = std::env::temp_dir().join(format!("osteodx-unreadable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/example-phenopacket.json"
    ))
    .unwrap();
    std::fs::write(dir.join("a.json"), &good).unwrap();
    std::fs::write(dir.join("b.json"), good.replacen("\"excluded\"", "\"exluded\"", 1)).unwrap();
    assert!(good.contains("\"excluded\""));
    let run = |extra: &[&str]| {
        let fixed = ["evaluate", "--"].iter().chain(extra).map(std::ffi::OsStr::new);
        example(fixed.chain([dir.as_os_str()]))
    };
    let out = run(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("b.json") && stderr.contains("unknown field `exluded`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("evaluate: 1 case file could not be read or resolved (listed above) and is left out of the figures; --allow-unreadable accepts that"),
        "{stderr}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("cases: 1"),
        "the figures of the rest are printed"
    );
    let out = run(&["--allow-unreadable"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 23, item 7: `diagnose --hpo-obo /dev/zero` said only "cannot read /dev/zero".
#[cfg(unix)]
#[test]
fn diagnose_says_why_it_cannot_read_an_ontology() {
    let out = example(["diagnose", "--", "--hpo-obo", "/dev/zero"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "diagnose: cannot read /dev/zero: 67108865 bytes is more than the limit of 67108864 (Limits::file_bytes)"
    );
}

/// Issue 23, item 8: the fuzz driver generates patients of hundreds of terms and rule folders
/// with links (targets it did not have), and an input still running at the budget fails the run
/// (saved, and replayable) instead of holding it.
#[test]
fn the_fuzz_driver_generates_big_patients_and_linked_folders_within_a_budget() {
    let out_dir = std::env::temp_dir().join(format!("osteodx-fuzz-budget-{}", std::process::id()));
    let fuzz = |args: &[&str]| {
        let fixed = ["fuzz", "--"]
            .iter()
            .chain(args)
            .chain(&["--out"])
            .map(std::ffi::OsStr::new);
        example(fixed.chain([out_dir.as_os_str()]))
    };
    for target in ["big-patient", "rule-folder"] {
        let out = fuzz(&["--target", target, "--seconds", "2"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{target}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!("{target}: ")) && stdout.contains("generated"),
            "{stdout}"
        );
    }
    // A budget no big patient meets: the run fails with the input saved.
    let out = fuzz(&["--target", "big-patient", "--seconds", "30", "--budget", "0.05"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // Caught by the watchdog while it runs, or (a short one) when it returns.
    assert!(
        stdout.contains("failed: still running after 0.1 s") || stdout.contains(") failed: took "),
        "{stdout}"
    );
    let saved = stdout
        .lines()
        .last()
        .unwrap()
        .trim_start_matches("saved to ")
        .to_owned();
    let replay = fuzz(&["--target", "big-patient", "--input", &saved]);
    assert!(replay.status.success(), "{}", String::from_utf8_lossy(&replay.stdout));
    std::fs::remove_dir_all(&out_dir).unwrap();
}

/// A malformed file: one line on standard error naming the file and the problem, status 1 (not a
/// panic, and no ranking of a half-read patient).
#[test]
fn diagnose_refuses_a_malformed_file_in_one_line() {
    let dir = std::env::temp_dir().join(format!("osteodx-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("array.json", "[]".to_owned()),
        ("truncated.json", "{\"present\": [\"anemia\"".to_owned()),
        (
            "binary.json",
            String::from_utf8_lossy(&[0xff, 0xfe, 0, 1, 2]).into_owned(),
        ),
        (
            "both.json",
            "{\"present\": [\"anemia\"], \"absent\": [\"anemia\"]}".to_owned(),
        ),
        (
            "lab.json",
            "{\"labs\": [{\"analyte\": \"hemoglobin\", \"value\": \"low\"}]}".to_owned(),
        ),
        ("wrong-type.json", "{\"present\": \"anemia\"}".to_owned()),
        ("not-a-phenopacket.json", "{\"phenotypicFeatures\": 3}".to_owned()),
    ];
    for (name, text) in &cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = example(["diagnose".as_ref(), "--".as_ref(), path.as_os_str()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{name}: printed {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn catalogue_ranks_json_lines_against_the_fixture() {
    let dir = std::env::temp_dir().join(format!("osteodx-catalogue-example-{}", std::process::id()));
    let cache = dir.join("catalogue.bin");
    let run = |extra: &[&str]| {
        let fixed = [
            "catalogue",
            "--",
            "--hpo",
            "tests/fixtures/hpo",
            "--patients",
            "examples/catalogue-patients.jsonl",
            "--cache",
        ];
        let out = example(
            fixed
                .iter()
                .map(std::ffi::OsStr::new)
                .chain([cache.as_os_str()])
                .chain(extra.iter().map(std::ffi::OsStr::new)),
        );
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        (String::from_utf8(out.stdout).unwrap(), stderr)
    };
    let (stdout, stderr) = run(&[]);
    assert!(
        stderr.contains("compiled the files") && stderr.contains("wrote"),
        "{stderr}"
    );
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 3);
    for (v, truth) in lines.iter().zip(["OMIM:259700", "OMIM:166200", "OMIM:607017"]) {
        let top = v["top"].as_array().unwrap();
        assert!(top.len() <= 10 && !top.is_empty());
        assert_eq!(top[0]["id"], truth, "{v}");
        assert_eq!(v["true_rank"], 1);
        let p: f64 = top.iter().map(|t| t["probability"].as_f64().unwrap()).sum();
        assert!(p <= 1.0 + 1e-9);
    }
    // Load time, patients per second and peak memory on stderr.
    assert!(
        stderr.contains("loaded 28 diseases") && stderr.contains("patients/s") && stderr.contains("peak memory"),
        "{stderr}"
    );
    // The calibration of the top prediction, from the lines' true diseases.
    assert!(
        stderr.contains("calibration (top prediction") && stderr.contains("ECE"),
        "{stderr}"
    );
    // The second run reads the compiled form and writes the same lines.
    let (again, stderr) = run(&[]);
    assert!(stderr.contains("read the compiled catalogue"), "{stderr}");
    assert!(stderr.contains("loaded 28 diseases"), "{stderr}");
    assert_eq!(again, stdout);
    // `--gap --top 3`: each truth, ranked first, beats the third best of the other diseases, and
    // its evidence summed by kind says by how much (the fixture's patients give no sex or gene,
    // and the prior is uniform, so the sums order the diseases as the ranking does).
    let (with_gap, _) = run(&["--gap", "--top", "3"]);
    for line in with_gap.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let gap = &v["gap"];
        let sum = |e: &serde_json::Value| {
            ["present_explained", "present_unexplained", "absent", "gene"]
                .iter()
                .map(|k| e[k].as_f64().expect("every kind"))
                .sum::<f64>()
        };
        let other = gap["other"].as_str().expect("the disease to beat");
        let top = v["top"].as_array().unwrap();
        assert_eq!(top.len(), 3);
        assert!(
            top.iter().all(|t| t["id"] != other),
            "the third best other is fourth overall: {v}"
        );
        assert!(sum(&gap["truth"]) > sum(&gap["other_evidence"]), "{v}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn catalogue_leaves_each_patient_s_publication_out() {
    let dir = std::env::temp_dir().join(format!("osteodx-catalogue-lpo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let patients = dir.join("patients.jsonl");
    // OMIM:607017 is annotated from PMID:32631815 alone in the fixture; the first line names no
    // publication.
    std::fs::write(
        &patients,
        concat!(
            "{\"id\":\"no-pmid\",\"true_disease\":\"OMIM:259700\",\"terms\":[\"HP:0003015\",\"HP:0006824\",\"HP:0000365\"]}\n",
            "{\"id\":\"own-paper\",\"true_disease\":\"OMIM:607017\",\"pmid\":\"PMID:32631815\",\"terms\":[\"HP:0000407\"]}\n",
            "{\"id\":\"other-paper\",\"true_disease\":\"OMIM:607017\",\"pmid\":\"PMID:1\",\"terms\":[\"HP:0000407\"]}\n",
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["--patients".as_ref(), patients.as_os_str()];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let out = run_catalogue(&args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, stderr)
    };
    let (plain, stderr) = run(&[]);
    let (lpo, lpo_stderr) = run(&["--leave-publication-out"]);
    assert_eq!(plain.len(), 3);
    assert_eq!(lpo.len(), 3);
    // Without the flag the patient of the cited paper is recalled; with it, its disease has no
    // annotation left and is not in the catalogue the patient is ranked with.
    assert_eq!(plain[1]["true_rank"], 1, "{}", plain[1]);
    assert_eq!(lpo[1]["true_rank"], 0, "{}", lpo[1]);
    assert!(lpo[1]["top"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["id"] != "OMIM:607017"));
    // A line without a publication, and one of a publication no source has, are unchanged.
    assert_eq!(plain[0], lpo[0]);
    assert_eq!(plain[2], lpo[2]);
    // The figures are split by whether the truth's annotations cite the line's publication.
    for s in [&stderr, &lpo_stderr] {
        assert!(
            s.contains("publication cited by the truth's annotations, 1 patients"),
            "{s}"
        );
        assert!(s.contains("clean (publication not cited), 1 patients"), "{s}");
    }
    assert!(
        lpo_stderr.contains("leave-publication-out: 1 lines of 1 publications ranked by 1 catalogues"),
        "{lpo_stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn catalogue_says_which_lines_are_not_patients_and_which_terms_it_did_not_use() {
    let dir = std::env::temp_dir().join(format!("osteodx-catalogue-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let patients = dir.join("patients.jsonl");
    // A byte-order mark, then a patient with terms no finding matches; an array, an empty object,
    // a term of the wrong type and bytes that are not UTF-8 are not patients.
    let mut text =
        b"\xef\xbb\xbf{\"id\":\"a\",\"terms\":[\"HP:0000365\",\"HP:9999999\",\"hp:0001250\"]}\n[]\n{}\n".to_vec();
    text.extend_from_slice(b"{\"id\":\"x\",\"terms\":[1]}\n\xff\xfe\n\n{\"id\":\"b\",\"terms\":[\"HP:0000365\"]}\n");
    std::fs::write(&patients, text).unwrap();
    let run = |file: &std::path::Path| {
        run_catalogue(&["--top".as_ref(), "1".as_ref(), "--patients".as_ref(), file.as_os_str()])
    };
    let out = run(&patients);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a file with lines that are not patients fails: {stderr}"
    );
    assert!(
        stderr.contains("4 lines of") && stderr.contains("are not patients"),
        "{stderr}"
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["unused"], serde_json::json!(["HP:9999999", "hp:0001250"]));
    for (line, (number, problem)) in lines[1..5].iter().zip([
        (2, "one JSON object"),
        (3, "needs an \"id\""),
        (4, "invalid type"),
        (5, "not UTF-8"),
    ]) {
        assert_eq!(line["line"], number, "{line}");
        assert!(line.get("top").is_none(), "never a ranking: {line}");
        assert!(line["error"].as_str().unwrap().contains(problem), "{line}");
    }
    assert_eq!(lines[5]["id"], "b");
    assert!(lines[5].get("unused").is_none());
    // An endless line is refused at the limit, never read into memory whole.
    #[cfg(unix)]
    {
        let out = run(std::path::Path::new("/dev/zero"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("/dev/zero:1: a line longer than the limit"), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn catalogue_reads_a_folder_of_phenopackets_as_it_reads_the_same_patients_as_lines() {
    let dir = std::env::temp_dir().join(format!("osteodx-packets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let packet = |id: &str, disease: &str, terms: &[&str], excluded: &[&str]| {
        let features: Vec<String> = terms
            .iter()
            .map(|t| format!(r#"{{"type": {{"id": "{t}", "label": ""}}}}"#))
            .chain(
                excluded
                    .iter()
                    .map(|t| format!(r#"{{"type": {{"id": "{t}", "label": ""}}, "excluded": true}}"#)),
            )
            .collect();
        format!(
            r#"{{"id": "{id}", "subject": {{"id": "{id}", "sex": "FEMALE"}}, "phenotypicFeatures": [{}],
            "diseases": [{{"term": {{"id": "{disease}", "label": ""}}}}],
            "metaData": {{"createdBy": "test", "externalReferences": [{{"id": "PMID:1"}}]}}}}"#,
            features.join(", ")
        )
    };
    let patients = [
        (
            "a-ado2",
            "OMIM:166600",
            vec!["HP:0007626", "HP:0000572", "HP:0011001"],
            vec!["HP:0000592"],
        ),
        ("b-oi", "OMIM:166200", vec!["HP:0000592", "HP:0002757"], vec![]),
    ];
    let mut lines = String::new();
    for (id, disease, terms, excluded) in &patients {
        std::fs::write(dir.join(format!("{id}.json")), packet(id, disease, terms, excluded)).unwrap();
        let _ = writeln!(
            lines,
            "{}",
            serde_json::json!({"id": id, "true_disease": disease, "terms": terms, "excluded": excluded, "sex": "FEMALE", "pmid": "PMID:1"})
        );
    }
    let file = dir.join("lines.jsonl");
    std::fs::write(&file, lines).unwrap();
    let from_lines = run_catalogue(&["--patients".as_ref(), file.as_os_str()]);
    let packets = dir.join("packets");
    std::fs::create_dir_all(&packets).unwrap();
    for (id, ..) in &patients {
        std::fs::rename(dir.join(format!("{id}.json")), packets.join(format!("{id}.json"))).unwrap();
    }
    let from_packets = run_catalogue(&["--phenopackets".as_ref(), packets.as_os_str()]);
    assert!(
        from_packets.status.success(),
        "{}",
        String::from_utf8_lossy(&from_packets.stderr)
    );
    assert_eq!(
        from_packets.stdout, from_lines.stdout,
        "the same patients, the same output"
    );
    // A file that is no phenopacket: its output line names it, and the command says so.
    std::fs::write(packets.join("c-broken.json"), "{\"phenotypicFeatures\": 3}").unwrap();
    let broken = run_catalogue(&["--phenopackets".as_ref(), packets.as_os_str()]);
    let out = String::from_utf8(broken.stdout).unwrap();
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.lines().last().unwrap().contains("c-broken.json"), "{out}");
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("1 files of"));
    std::fs::remove_dir_all(&dir).unwrap();
}
