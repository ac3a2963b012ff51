//! The `osteodx` command (src/bin/osteodx.rs): its subcommands are the examples compiled in, so
//! they print what the examples print, byte for byte, and refuse bad input the same way.
#![cfg(feature = "cli")]

use std::process::{Command, Output};

mod common;

fn osteodx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_osteodx"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the command runs")
}

fn example(args: &[&str]) -> Output {
    common::example(args)
}

#[test]
fn each_subcommand_prints_what_its_example_prints() {
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["diagnose"],
        vec!["diagnose", "--format", "tsv", "examples/patients/adult.json"],
        vec!["evaluate", "examples/patients"],
        vec!["ask", "--script", "examples/ask-answers.txt"],
        vec!["simulate", "50", "--seed", "3"],
    ];
    let patients: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/patients"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect();
    for p in &patients {
        runs.push(vec!["diagnose", "--format", "json", p]);
    }
    for run in &runs {
        let (name, rest) = run.split_first().unwrap();
        let command = osteodx(run);
        let mut args = vec![*name, "--"];
        args.extend_from_slice(rest);
        let example = example(&args);
        assert!(
            command.status.success(),
            "{run:?}: {}",
            String::from_utf8_lossy(&command.stderr)
        );
        assert_eq!(command.status.code(), example.status.code(), "{run:?}");
        assert!(command.stdout == example.stdout, "{run:?}: the outputs differ");
    }
}

#[test]
fn help_reads_like_a_manual_and_rank_is_the_catalogue() {
    let help = String::from_utf8(osteodx(&["--help"]).stdout).unwrap();
    for command in ["diagnose", "catalogue", "evaluate", "ask", "simulate"] {
        assert!(help.contains(&format!("  {command} ")), "{command}: {help}");
    }
    let diagnose = String::from_utf8(osteodx(&["diagnose", "--help"]).stdout).unwrap();
    assert!(
        diagnose.contains("Usage: osteodx diagnose") && diagnose.contains("--format"),
        "{diagnose}"
    );
    let rank = String::from_utf8(osteodx(&["rank", "--help"]).stdout).unwrap();
    assert!(rank.contains("Usage: osteodx catalogue"), "{rank}");
}

#[test]
fn a_bad_file_is_one_line_naming_it_and_nothing_on_the_output() {
    let dir = std::env::temp_dir().join(format!("osteodx-command-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("truncated.json");
    std::fs::write(&path, "{\"present\": [\"anemia\"").unwrap();
    let out = osteodx(&["diagnose", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("diagnose: ") && stderr.contains("truncated.json"),
        "{stderr}"
    );
    let unknown = osteodx(&["diagnose", "--no-such-flag"]);
    assert_eq!(unknown.status.code(), Some(2), "clap's usage error");
    std::fs::remove_dir_all(&dir).unwrap();
}
