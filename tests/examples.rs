//! The examples run on the example patients (built by `cargo test` already; run here through
//! cargo so that the test exercises the same command lines the README gives).

use std::process::Command;

fn run_example(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
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
