//! An interactive differential: shows the differential, proposes the finding to examine next,
//! reads the answer, updates, and goes on until the first diagnosis is sure enough.
//!
//! ```text
//! cargo run --example ask                                   # start from nothing
//! cargo run --example ask -- examples/patients/adult.json   # start from a patient
//! cargo run --example ask -- --script examples/ask-answers.txt  # answers from a file
//! cargo run --release --example ask -- --simulate 20        # questions needed, simulated
//! ```
//!
//! Answers: `y` (present), `n` (absent), `u` (unknown: ask something else), `q` (stop). In a
//! script, one answer per line; `#` starts a comment; the end of the file stops.
//!
//! Options: `--until P` (stop when the first reaches posterior P, default 0.9),
//! `--max-questions N` (default 20), `--max-cost C` (only findings of cost at most C),
//! `--per-cost` (ask by gain per cost), `--rules PATH`, `--hpo-obo FILE`, `--no-genes`.
//!
//! `--simulate N [--seed S]`: for each diagnosis of the differential, N simulated patients
//! answer from the frequencies the rules imply for it (`osteodx::research::simulate::questions_to_reach`);
//! prints the mean number of questions until the true diagnosis reaches `--until`, asking by
//! information gain and in the order of the rules (a question loop that does not get there
//! counts as `--max-questions`).

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use clap::Parser;
use osteodx::report::NextQuery;
use osteodx::research::simulate::{questions_to_reach, Questioning};
use osteodx::{FindingId, Model, Patient};

#[macro_use]
#[path = "support/output.rs"]
mod output;

#[path = "support/input.rs"]
mod input;

/// An interactive differential: shows the differential, proposes the finding to examine next,
/// reads the answer (y, n, u: unknown, q: quit), updates, and goes on until the first diagnosis
/// is sure enough.
#[derive(Parser)]
#[command(name = "ask", args_override_self = true)]
pub(crate) struct Options {
    /// Read the answers from FILE (one a line, `#` starts a comment) instead of the terminal.
    #[arg(long, value_name = "FILE")]
    script: Option<String>,
    /// Stop when the first diagnosis reaches posterior P.
    #[arg(long, value_name = "P", default_value_t = 0.9, value_parser = number)]
    until: f64,
    /// Ask at most N questions.
    #[arg(long = "max-questions", value_name = "N", default_value_t = 20, value_parser = count)]
    max_questions: usize,
    /// Ask only about findings of cost at most C.
    #[arg(long = "max-cost", value_name = "C", value_parser = number)]
    max_cost: Option<f64>,
    /// Ask by information gain per cost.
    #[arg(long = "per-cost")]
    per_cost: bool,
    #[command(flatten)]
    model: input::ModelArgs,
    /// Instead of asking: for each diagnosis, N simulated patients answer from the frequencies
    /// the rules imply for it; prints the mean number of questions until the true diagnosis
    /// reaches `--until`, asking by information gain and in the order of the rules.
    #[arg(long, value_name = "N", value_parser = count)]
    simulate: Option<usize>,
    /// The seed of `--simulate`.
    #[arg(long, value_name = "S", default_value_t = 1, value_parser = seed)]
    seed: u64,
    /// Start from this patient file [default: nothing known].
    #[arg(value_name = "FILE")]
    file: Option<String>,
}

/// A number of the command line: anything Rust reads as an `f64`.
fn number(s: &str) -> Result<f64, String> {
    s.parse().map_err(|_| format!("not a number: {s:?}"))
}

/// A count of the command line, read as a number as it always was (`1e3`, `2.5`), the fraction
/// dropped.
fn count(s: &str) -> Result<usize, String> {
    number(s).map(|x| x as usize)
}

/// A seed of the command line, read as [`count`] is.
fn seed(s: &str) -> Result<u64, String> {
    number(s).map(|x| x as u64)
}

/// An answer to "is it present?".
enum Answer {
    Present,
    Absent,
    Unknown,
    Quit,
}

fn parse_answer(line: &str) -> Option<Answer> {
    match line.trim().to_lowercase().as_str() {
        "y" | "yes" | "present" => Some(Answer::Present),
        "n" | "no" | "absent" => Some(Answer::Absent),
        "u" | "unknown" | "?" | "skip" => Some(Answer::Unknown),
        "q" | "quit" | "stop" => Some(Answer::Quit),
        _ => None,
    }
}

/// The longest answer line read from the terminal (a pipe of endless bytes is refused, not
/// read until memory runs out).
const MAX_ANSWER_BYTES: u64 = 4096;

/// The lines of `input`, each at most `max` bytes: a longer one is an error, and reading stops.
fn bounded_lines(mut input: impl BufRead + 'static, max: u64) -> impl Iterator<Item = std::io::Result<String>> {
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut line = Vec::new();
        let read = (&mut input).take(max + 1).read_until(b'\n', &mut line);
        match read {
            Ok(0) => None,
            Ok(_) if line.len() as u64 > max && line.last() != Some(&b'\n') => {
                done = true;
                Some(Err(std::io::Error::other(format!("an answer longer than {max} bytes"))))
            }
            Ok(_) => Some(
                String::from_utf8(line)
                    .map(|l| l.trim_end_matches(['\n', '\r']).to_owned())
                    .map_err(|_| std::io::Error::other("an answer that is not UTF-8 text")),
            ),
            Err(e) => {
                done = true;
                Some(Err(e))
            }
        }
    })
}

/// Where answers come from: the terminal or a script.
struct Answers {
    lines: Box<dyn Iterator<Item = std::io::Result<String>>>,
    interactive: bool,
}

impl Answers {
    fn next(&mut self, out: &mut impl Write) -> Result<Answer, String> {
        loop {
            if self.interactive {
                write!(out, "present? [y/n/u/q] ").map_err(output::write_error)?;
                out.flush().map_err(output::write_error)?;
            }
            let Some(line) = self.lines.next() else {
                return Ok(Answer::Quit);
            };
            let line = line.map_err(|e| e.to_string())?;
            let line = line.split('#').next().unwrap_or("").trim().to_owned();
            if line.is_empty() {
                continue;
            }
            match parse_answer(&line) {
                Some(a) => {
                    if !self.interactive {
                        writeln!(out, "> {line}").map_err(output::write_error)?;
                    }
                    return Ok(a);
                }
                None if self.interactive => writeln!(out, "answer y, n, u or q").map_err(output::write_error)?,
                None => return Err(format!("answer {line:?} is not y, n, u or q")),
            }
        }
    }
}

fn session(o: &Options, model: &Model, out: &mut impl Write) -> Result<(), String> {
    let mut patient = match &o.file {
        Some(path) => input::patient(path, None, o.model.genes)?,
        None => Patient::new(),
    };
    let mut answers = match &o.script {
        Some(path) => {
            // Read within the limits (`/dev/zero` is refused, not read until memory runs out).
            let text = osteodx::Limits::default()
                .read_to_string(path.as_ref())
                .map_err(|e| output::chain(&e))?;
            let lines: Vec<std::io::Result<String>> = text.lines().map(|l| Ok(l.to_owned())).collect();
            Answers {
                lines: Box::new(lines.into_iter()),
                interactive: false,
            }
        }
        None => Answers {
            lines: Box::new(bounded_lines(std::io::stdin().lock(), MAX_ANSWER_BYTES)),
            interactive: true,
        },
    };
    let mut unknown: Vec<FindingId> = Vec::new();
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(output::write_error);
    for asked in 0.. {
        let source = o.file.as_deref().unwrap_or("the patient");
        let resolved = model.resolve(&patient).map_err(|e| format!("{source}: {e}"))?;
        let d = model.diagnose(&resolved);
        let top: Vec<String> = d
            .diagnoses
            .iter()
            .take(3)
            .map(|x| format!("{} {}", x.id, osteodx::report::percent(x.posterior)))
            .collect();
        w(
            out,
            format!(
                "differential: {}; none of these {}",
                top.join(", "),
                osteodx::report::percent(d.none_of_these)
            ),
        )?;
        let first = d.diagnoses.first().filter(|x| x.posterior >= d.none_of_these);
        if let Some(f) = first.filter(|f| f.posterior >= o.until) {
            return w(
                out,
                format!(
                    "{} reached {} after {asked} questions",
                    f.id,
                    osteodx::report::percent(f.posterior)
                ),
            );
        }
        if asked >= o.max_questions {
            return w(out, format!("stopped after {asked} questions"));
        }
        let mut query = NextQuery::top(1).except(&unknown);
        query.max_cost = o.max_cost;
        query.per_cost = o.per_cost;
        let Some(next) = model.next_findings(&resolved, &query).into_iter().next() else {
            return w(out, "nothing left to ask".to_owned());
        };
        let why: Vec<String> = next
            .separates
            .iter()
            .map(|g| format!("{} {:.0}%", g.diagnosis, 100.0 * g.probability_present))
            .collect();
        w(
            out,
            format!(
                "ask: {} ({}, {}; {:.2} bits; present in {})",
                next.label,
                next.id,
                next.examination.as_str(),
                next.information_gain_bits,
                why.join(", ")
            ),
        )?;
        match answers.next(out)? {
            Answer::Present => patient = patient.present(next.id),
            Answer::Absent => patient = patient.absent(next.id),
            Answer::Unknown => unknown.push(next.finding),
            Answer::Quit => return w(out, format!("stopped after {asked} questions")),
        }
    }
    Ok(())
}

fn simulate(o: &Options, model: &Model, n: usize, out: &mut impl Write) -> Result<(), String> {
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(output::write_error);
    w(
        out,
        format!(
            "questions until the true diagnosis reaches {} ({n} simulated patients each, at most {}; seed {})",
            osteodx::report::percent(o.until),
            o.max_questions,
            o.seed
        ),
    )?;
    w(
        out,
        format!("{:<26} {:>18} {:>12}", "diagnosis", "information gain", "rule order"),
    )?;
    let (mut total_gain, mut total_order, mut count) = (0usize, 0usize, 0usize);
    for id in model.diagnosis_ids() {
        let d = id.index();
        if model.is_lookalike(id) {
            continue;
        }
        let mean = |how: Questioning| {
            (0..n)
                .map(|i| {
                    let seed = o.seed.wrapping_mul(1_000_003).wrapping_add((d * n + i) as u64);
                    questions_to_reach(model, id, how, o.until, o.max_questions, seed).unwrap_or(o.max_questions)
                })
                .sum::<usize>()
        };
        let (gain, order) = (mean(Questioning::InformationGain), mean(Questioning::RuleOrder));
        total_gain += gain;
        total_order += order;
        count += n;
        let avg = |x: usize| x as f64 / n.max(1) as f64;
        w(
            out,
            format!(
                "{:<26} {:>18.1} {:>12.1}",
                model.diagnosis_id(id),
                avg(gain),
                avg(order)
            ),
        )?;
    }
    let avg = |x: usize| x as f64 / count.max(1) as f64;
    w(
        out,
        format!("{:<26} {:>18.1} {:>12.1}", "all", avg(total_gain), avg(total_order)),
    )
}

/// Runs the example (and `osteodx ask`) with parsed arguments.
pub(crate) fn run(o: &Options) -> Result<(), String> {
    let model = input::model(o.model.rules.as_deref(), o.model.obo.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match o.simulate {
        Some(n) => simulate(o, &model, n, &mut out),
        None => session(o, &model, &mut out),
    }
}

#[allow(dead_code, reason = "the osteodx command calls `run` with its own arguments")]
fn main() -> ExitCode {
    output::exit_code("ask", run(&Options::parse()))
}
