//! A fuzzing driver on the stable toolchain: mutates valid seed files and feeds every parser and
//! what follows it (validation, compilation, resolution, ranking, explanation, next findings).
//!
//! ```text
//! cargo run --release --example fuzz -- --target rules|patient|phenopacket|obo|hpoa|compiled|big-patient|rule-folder|all --seconds N
//! ```
//!
//! Options: `--target` (default `all`, the time split between the targets), `--seconds N`
//! (default 10), `--seed S` (default 1), `--out DIR` (where a failing input is saved, default
//! `target/fuzz-failures`), `--input FILE` (replay one saved input on the chosen targets),
//! `--budget S` (the most one input may take, default 10 s).
//!
//! Two targets are generated rather than mutated: `big-patient` draws patients of 100 to 1,500
//! distinct terms (vocabulary ids and labels, HPO ids, unknown names, present or absent, with
//! context, labs and genes), so that work growing faster than the patient (a robustness search
//! cubic in its terms took minutes at 500) reaches the budget; `rule-folder` draws folders of
//! rule files with symbolic links (to the folder, its parent, `/`, a sibling, a file, itself,
//! nothing), so that a walk through links (exponential with two loops) reaches it. Their inputs
//! are saved as a patient JSON and as JSON lines describing the folder, and replay as such.
//!
//! The `compiled` target reads a compiled model file (`osteodx::model_file`) as mutated and
//! again with its checksum made to match, so that the checks behind the checksum are fuzzed too.
//!
//! A failure is a panic, an error that does not say where the input is wrong (a rule problem
//! without a line, a JSON error without line and column), a posterior that is not finite or does
//! not sum to 1, a robustness search outside its budgets, or one input that takes more than the
//! budget: a watchdog thread saves an input still running at the budget and ends the run with
//! status 1, so that a hang fails the run instead of holding it. `FUZZ_TRACE=1` prints each input's kind,
//! size and time to stderr, to find slow ones. The driver prints how many inputs it ran per target and mutation, and on
//! a failure saves the input, prints its path and exits with status 1.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::builder::PossibleValuesParser;
use clap::Parser;
use osteodx::research::simulate::SplitMix64;
use osteodx::Model;

#[macro_use]
#[path = "support/output.rs"]
mod output;

#[path = "support/mutate.rs"]
mod mutate;
#[path = "support/targets.rs"]
mod targets;
use targets::{seed_of, TARGETS};

/// A fuzzing driver: mutates valid seed files and feeds every parser and what follows it; on a
/// failure saves the input, prints its path and exits with status 1.
#[derive(Parser)]
#[command(name = "fuzz", args_override_self = true)]
struct Args {
    /// The target, or all of them with the time split between them.
    #[arg(
        long,
        value_name = "TARGET",
        default_value = "all",
        value_parser = PossibleValuesParser::new(TARGETS.into_iter().chain(["all"]))
    )]
    target: String,
    /// How long to fuzz, in seconds.
    #[arg(long, value_name = "N", default_value_t = 10.0)]
    seconds: f64,
    /// The seed of the mutations.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Where a failing input is saved.
    #[arg(long, value_name = "DIR", default_value = "target/fuzz-failures")]
    out: PathBuf,
    /// Replay one saved input on the chosen targets instead of fuzzing.
    #[arg(long = "input", value_name = "FILE")]
    replay: Option<PathBuf>,
    /// The most one input may take, in seconds: an input still running then is saved and fails
    /// the run.
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    budget: f64,
}

/// The input being run, for the watchdog: its target, number, kind, bytes and start.
#[derive(Default)]
struct Running {
    target: &'static str,
    number: usize,
    kind: &'static str,
    input: Vec<u8>,
    since: Option<Instant>,
}

/// Save a failing input and say where: `out/<target>-<number>.input`.
fn save_failure(out: &std::path::Path, target: &str, number: usize, input: &[u8]) -> Result<PathBuf, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join(format!("{target}-{number}.input"));
    std::fs::write(&path, input).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

fn main() -> ExitCode {
    match fuzz() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("fuzz: {e}");
            ExitCode::FAILURE
        }
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "the example's flow, read top to bottom: options, load, run, report"
)]
fn fuzz() -> Result<bool, String> {
    let Args {
        target,
        seconds,
        seed,
        out,
        replay,
        budget,
    } = Args::parse();
    let budget = Duration::from_secs_f64(budget.max(0.0));
    // `all`, or the one target of that name (the parser admits no other).
    let targets: Vec<&str> = TARGETS
        .into_iter()
        .filter(|t| target == "all" || target == *t)
        .collect();
    let model = Model::builtin().map_err(|e| e.to_string())?;
    if let Some(path) = replay {
        // One saved input, on each chosen target: the outcome, or the panic.
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut ok = true;
        for t in targets {
            match catch_unwind(AssertUnwindSafe(|| targets::run_bytes(t, &model, &bytes))) {
                Ok(Ok(())) => say!("{t}: ok"),
                Ok(Err(e)) => {
                    ok = false;
                    say!("{t}: {e}");
                }
                Err(_) => {
                    ok = false;
                    say!("{t}: panicked");
                }
            }
        }
        return Ok(ok);
    }
    // Panics are caught and reported here, not printed by the default hook.
    let message = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = message.clone();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut m) = sink.lock() {
            *m = info.to_string();
        }
    }));
    // The watchdog: an input still running at the budget is saved and ends the run.
    let running = std::sync::Arc::new(std::sync::Mutex::new(Running::default()));
    {
        let (running, out) = (running.clone(), out.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(100));
            let Ok(r) = running.lock() else { continue };
            if r.since.is_some_and(|s| s.elapsed() > budget) {
                let saved = save_failure(&out, r.target, r.number, &r.input);
                say!(
                    "{}: input {} ({}) failed: still running after {:.1} s\nsaved to {}",
                    r.target,
                    r.number,
                    r.kind,
                    budget.as_secs_f64(),
                    saved.map_or_else(|e| e, |p| p.display().to_string())
                );
                std::process::exit(1);
            }
        });
    }
    let mut rng = SplitMix64::new(seed);
    let per_target = Duration::from_secs_f64(seconds.max(0.0) / targets.len() as f64);
    for t in targets {
        let seed_bytes = seed_of(t);
        let mut counts = vec![0usize; mutate::KINDS.len()];
        let mut generated = 0usize;
        let start = Instant::now();
        let mut total = 0usize;
        // The seed itself first, then mutations of the seed or of an earlier mutation (or, for
        // the generated targets, new inputs).
        let mut current = seed_bytes.to_vec();
        while total == 0 || start.elapsed() < per_target {
            let (kind, input) = if total == 0 {
                ("seed", seed_bytes.to_vec())
            } else if let Some(made) = targets::generate(t, &model, &mut rng) {
                made
            } else {
                let base = if rng.unit() < 0.7 { seed_bytes } else { &current[..] };
                mutate::mutate(base, &mut rng)
            };
            let began = Instant::now();
            if let Ok(mut r) = running.lock() {
                *r = Running {
                    target: t,
                    number: total,
                    kind,
                    input: input.clone(),
                    since: Some(began),
                };
            }
            let result = catch_unwind(AssertUnwindSafe(|| targets::run_bytes(t, &model, &input)));
            if let Ok(mut r) = running.lock() {
                r.since = None;
            }
            let slow = began.elapsed() > budget;
            if std::env::var_os("FUZZ_TRACE").is_some() {
                eprintln!(
                    "{t} {total} {kind} {} bytes {:.3} s",
                    input.len(),
                    began.elapsed().as_secs_f64()
                );
            }
            let failure = match result {
                Err(_) => Some(format!(
                    "panic: {}",
                    message.lock().map(|m| m.clone()).unwrap_or_default()
                )),
                Ok(Err(e)) => Some(e),
                Ok(Ok(())) if slow => Some(format!("took {:.1} s", began.elapsed().as_secs_f64())),
                Ok(Ok(())) => None,
            };
            if let Some(why) = failure {
                let path = save_failure(&out, t, total, &input)?;
                say!("{t}: input {total} ({kind}) failed: {why}\nsaved to {}", path.display());
                return Ok(false);
            }
            if let Some(i) = mutate::KINDS.iter().position(|k| *k == kind) {
                counts[i] += 1;
            } else if kind != "seed" {
                generated += 1;
            }
            if input.len() < 1 << 14 {
                current = input;
            }
            total += 1;
        }
        let by_kind: Vec<String> = if generated > 0 {
            vec![format!("generated {generated}")]
        } else {
            mutate::KINDS
                .iter()
                .zip(&counts)
                .map(|(k, c)| format!("{k} {c}"))
                .collect()
        };
        say!(
            "{t}: {total} inputs in {:.1} s, no failure ({})",
            start.elapsed().as_secs_f64(),
            by_kind.join(", ")
        );
    }
    Ok(true)
}
