//! A fuzzing driver on the stable toolchain: mutates valid seed files and feeds every parser and
//! what follows it (validation, compilation, resolution, ranking, explanation, next findings).
//!
//! ```text
//! cargo run --release --example fuzz -- --target rules|patient|phenopacket|obo|hpoa|compiled|all --seconds N
//! ```
//!
//! Options: `--target` (default `all`, the time split between the targets), `--seconds N`
//! (default 10), `--seed S` (default 1), `--out DIR` (where a failing input is saved, default
//! `target/fuzz-failures`), `--input FILE` (replay one saved input on the chosen targets).
//!
//! The `compiled` target reads a compiled model file (`osteodx::model_file`) as mutated and
//! again with its checksum made to match, so that the checks behind the checksum are fuzzed too.
//!
//! A failure is a panic, an error that does not say where the input is wrong (a rule problem
//! without a line, a JSON error without line and column), a posterior that is not finite or does
//! not sum to 1, or one input that takes more than 10 s. `FUZZ_TRACE=1` prints each input's kind,
//! size and time to stderr, to find slow ones. The driver prints how many inputs it ran per target and mutation, and on
//! a failure saves the input, prints its path and exits with status 1.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::builder::PossibleValuesParser;
use clap::Parser;
use osteodx::simulate::SplitMix64;
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
    } = Args::parse();
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
    let mut rng = SplitMix64::new(seed);
    let per_target = Duration::from_secs_f64(seconds.max(0.0) / targets.len() as f64);
    for t in targets {
        let seed_bytes = seed_of(t);
        let mut counts = vec![0usize; mutate::KINDS.len()];
        let start = Instant::now();
        let mut total = 0usize;
        // The seed itself first, then mutations of the seed or of an earlier mutation.
        let mut current = seed_bytes.to_vec();
        while total == 0 || start.elapsed() < per_target {
            let (kind, input) = if total == 0 {
                ("seed", seed_bytes.to_vec())
            } else {
                let base = if rng.unit() < 0.7 { seed_bytes } else { &current[..] };
                mutate::mutate(base, &mut rng)
            };
            let began = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(|| targets::run_bytes(t, &model, &input)));
            let slow = began.elapsed() > Duration::from_secs(10);
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
                std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
                let path = out.join(format!("{t}-{total}.input"));
                std::fs::write(&path, &input).map_err(|e| format!("{}: {e}", path.display()))?;
                say!("{t}: input {total} ({kind}) failed: {why}\nsaved to {}", path.display());
                return Ok(false);
            }
            if let Some(i) = mutate::KINDS.iter().position(|k| *k == kind) {
                counts[i] += 1;
            }
            if input.len() < 1 << 14 {
                current = input;
            }
            total += 1;
        }
        let by_kind: Vec<String> = mutate::KINDS
            .iter()
            .zip(&counts)
            .map(|(k, c)| format!("{k} {c}"))
            .collect();
        say!(
            "{t}: {total} inputs in {:.1} s, no failure ({})",
            start.elapsed().as_secs_f64(),
            by_kind.join(", ")
        );
    }
    Ok(true)
}
