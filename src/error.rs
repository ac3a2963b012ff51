//! Errors: one crate-level [`Error`], with a variant per phase.
//!
//! Rule files fail with [`Error::Rules`], which lists every [`Problem`] found (not only the
//! first), each with its file, line and column. Patients fail with [`Error::Patient`] and
//! phenopackets with [`Error::Phenopacket`].

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in osteodx.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The rule files hold one or more problems; nothing was loaded.
    #[error("{0}")]
    Rules(RuleErrors),
    /// A patient could not be resolved against the knowledge base.
    /// (The inner error is in the message, not also the `source()`: an error chain prints it once.)
    #[error("invalid patient: {0}")]
    Patient(PatientError),
    /// A phenopacket could not be read.
    #[error("invalid phenopacket: {0}")]
    Phenopacket(PhenopacketError),
    /// An ontology file could not be read.
    #[error("{}{}: {}", shown_path(.path), at_line(*.line), shown(.message))]
    Ontology {
        /// The file.
        path: PathBuf,
        /// 1-based line; 0 for a problem of the whole file (no term in it), not shown.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A compiled model file could not be used.
    #[error("{}: {problem}", shown_path(.path))]
    Compiled {
        /// The file.
        path: PathBuf,
        /// Why.
        problem: CompiledFileError,
    },
    /// A file is not UTF-8 text: the line and column of its first byte that is not.
    #[error("{}:{line}:{column}: not UTF-8 text (byte 0x{byte:02x})", shown_path(.path))]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// The first byte that is not UTF-8.
        byte: u8,
    },
    /// A file could not be read.
    #[error("cannot read {}", shown_path(.path))]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl From<PatientError> for Error {
    fn from(e: PatientError) -> Self {
        Self::Patient(e)
    }
}

impl From<PhenopacketError> for Error {
    fn from(e: PhenopacketError) -> Self {
        Self::Phenopacket(e)
    }
}

/// Every problem found in a set of rule files.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleErrors {
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl RuleErrors {
    /// The problems of each kind a message shows (the rest are counted).
    pub const MAX_SHOWN_PER_KIND: usize = MAX_SHOWN_PER_KIND;

    /// The problems in file order (by location; the sort is stable, so problems at one place
    /// keep the order they were found in).
    pub(crate) fn sorted(mut problems: Vec<Problem>) -> Self {
        problems.sort_by(|a, b| a.location.cmp(&b.location));
        Self { problems }
    }
}

/// The problems of one kind a message shows; the others of that kind are counted on one line
/// ("and 99,990 more like this"), so that a file with a hundred thousand repeats makes a message
/// of a few lines.
pub const MAX_SHOWN_PER_KIND: usize = 10;

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} problem{} in the rules",
            thousands(n),
            if n == 1 { "" } else { "s" }
        )?;
        // Per kind: how many were seen, and the first not shown.
        let mut kinds: Vec<(std::mem::Discriminant<ProblemKind>, usize, Option<&Problem>)> = Vec::new();
        for p in &self.problems {
            let kind = std::mem::discriminant(&p.kind);
            let at = kinds.iter().position(|k| k.0 == kind).unwrap_or_else(|| {
                kinds.push((kind, 0, None));
                kinds.len() - 1
            });
            kinds[at].1 += 1;
            if kinds[at].1 <= MAX_SHOWN_PER_KIND {
                write!(f, "\n  {p}")?;
            } else if kinds[at].2.is_none() {
                kinds[at].2 = Some(p);
            }
        }
        for (_, count, first_hidden) in kinds {
            if let Some(p) = first_hidden {
                let more = count - MAX_SHOWN_PER_KIND;
                write!(f, "\n  and {} more like this, the first at {p}", thousands(more))?;
            }
        }
        Ok(())
    }
}

/// A count with thousands separated by commas (99,990).
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Where a problem is: a file and, when known, a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file (`<builtin>/name.toml` for built-in rules, `<string>` for text).
    pub path: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", shown_path(&self.path))?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        Ok(())
    }
}

/// One problem in the rule files.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where it is.
    pub location: Location,
    /// What it is.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.kind)
    }
}

/// The kinds of problem a rule file can have.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be read.
    #[error("cannot read file: {}", shown(.0))]
    Io(String),
    /// Larger than a [`Limits`](crate::Limits) allows.
    #[error("{what}: {size} is more than the limit of {limit}")]
    TooLarge {
        /// What is counted (file bytes, findings, diagnoses, rules).
        what: &'static str,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is not UTF-8 text (located at its first byte that is not).
    #[error("not UTF-8 text (byte 0x{0:02x})")]
    NotUtf8(u8),
    /// The file is not valid TOML or does not fit the format.
    #[error("syntax: {}", shown(.0))]
    Syntax(String),
    /// A rule or parent names a finding that is not defined.
    #[error("unknown finding `{}`{}", shown(.id), did_you_mean(.suggestions))]
    UnknownFinding {
        /// The id as written.
        id: String,
        /// The nearest known ids.
        suggestions: Vec<String>,
    },
    /// Two findings share an id.
    #[error("duplicate finding id `{}` (first defined at {first})", shown(.id))]
    DuplicateFinding {
        /// The id.
        id: String,
        /// Where it was first defined.
        first: Location,
    },
    /// Two findings share an HPO id.
    #[error("HPO id {} is used by findings `{}` and `{}`", shown(.hpo), shown(.first), shown(.second))]
    DuplicateHpo {
        /// The HPO id.
        hpo: String,
        /// The first finding.
        first: String,
        /// The second finding.
        second: String,
    },
    /// Two diagnoses share an id.
    #[error("duplicate diagnosis id `{}` (first defined at {first})", shown(.id))]
    DuplicateDiagnosis {
        /// The id.
        id: String,
        /// Where it was first defined.
        first: Location,
    },
    /// A diagnosis has two rules on one finding.
    #[error("diagnosis `{}` has two rules on finding `{}`", shown(.diagnosis), shown(.finding))]
    DuplicateRule {
        /// The diagnosis.
        diagnosis: String,
        /// The finding.
        finding: String,
    },
    /// A diagnosis lists a gene twice with one zygosity.
    #[error("diagnosis `{}` lists gene {} twice", shown(.diagnosis), shown(.gene))]
    DuplicateGene {
        /// The diagnosis.
        diagnosis: String,
        /// The gene.
        gene: String,
    },
    /// An id is not `snake_case`.
    #[error("id `{}` is not snake_case (a lowercase letter, then lowercase letters, digits or _)", shown(.0))]
    BadId(String),
    /// An HPO id is malformed.
    #[error("malformed HPO id `{}` (expected HP: and seven digits)", shown(.0))]
    MalformedHpoId(String),
    /// A frequency lies outside [0, 1].
    #[error("frequency {0} is outside [0, 1]")]
    FrequencyOutOfRange(f64),
    /// A frequency is neither a number nor a known class.
    #[error("frequency `{}` is not a number nor an HPO frequency class (obligate, very_frequent, frequent, occasional, very_rare, excluded or HP:004028x)", shown(.0))]
    FrequencyNotANumber(String),
    /// A probability or figure lies outside its range.
    #[error("{what} {value} is outside {range}")]
    OutOfRange {
        /// Which field.
        what: &'static str,
        /// The value.
        value: f64,
        /// The allowed range, in words.
        range: &'static str,
    },
    /// Parent links form a cycle.
    #[error("parent cycle: {}", shown(&.0.join(" -> ")))]
    ParentCycle(Vec<String>),
    /// A diagnosis has no rules.
    #[error("diagnosis `{}` has no rules", shown(.0))]
    NoRules(String),
    /// Rules or genes without a `[diagnosis]` table.
    #[error("[[rule]] or [[gene]] tables without a [diagnosis] table")]
    RulesWithoutDiagnosis,
    /// A gene symbol is malformed.
    #[error("malformed gene symbol `{}`", shown(.0))]
    BadGene(String),
    /// A rule has no frequency.
    #[error("rule on `{}` has no frequency", shown(.0))]
    MissingFrequency(String),
    /// An `[amend]` names a diagnosis that no file defines.
    #[error("[amend] of unknown diagnosis `{}`{}", shown(.id), did_you_mean(.suggestions))]
    UnknownDiagnosis {
        /// The id as written.
        id: String,
        /// The nearest known ids.
        suggestions: Vec<String>,
    },
    /// A `remove = true` entry that matches nothing of the diagnosis.
    #[error("diagnosis `{}` has no {} to remove", shown(.diagnosis), shown(.what))]
    NothingToRemove {
        /// The diagnosis.
        diagnosis: String,
        /// What was to be removed.
        what: String,
    },
    /// `remove = true` outside an `[amend]` file.
    #[error("`remove = true` is only meaningful in an [amend] file")]
    RemoveOutsideAmend,
    /// A file holds both `[diagnosis]` and `[amend]`.
    #[error("a file holds either a [diagnosis] or an [amend] table, not both")]
    DiagnosisAndAmend,
    /// A subtype id is not `OMIM:` or `ORPHA:` followed by digits.
    #[error("malformed subtype id `{}` (expected OMIM:digits or ORPHA:digits)", shown(.0))]
    BadSubtypeId(String),
    /// The subtype shares of a diagnosis add up to more than 1.
    #[error("the subtype shares of diagnosis `{}` add up to {total}, more than 1", shown(.diagnosis))]
    SharesExceedOne {
        /// The diagnosis.
        diagnosis: String,
        /// Their sum.
        total: f64,
    },
    /// A gene has two backgrounds in one layer.
    #[error("gene {} has two backgrounds", shown(.0))]
    DuplicateGeneBackground(String),
    /// A gene has two carrier rates in one layer.
    #[error("gene {} has two carrier rates", shown(.0))]
    DuplicateCarrier(String),
}

/// Text from outside as messages show it: control characters (a NUL, an escape, a line break)
/// and the invisible characters that reorder or hide text on a terminal (bidirectional
/// overrides, zero-width marks) escaped as Rust writes them (`\0` as `\u{0}`, `\n`), so that no
/// byte of an input reaches a terminal raw; any other text is shown as it is.
///
/// ```
/// # use osteodx::{Patient, Model};
/// assert_eq!(osteodx::report::shown("a\u{0}b\u{1b}[2J"), "a\\u{0}b\\u{1b}[2J");
/// let model = Model::builtin()?;
/// let e = model.resolve_strict(&Patient::new().present("a\u{0}b\u{1b}[2J")).unwrap_err();
/// assert!(e.to_string().contains("a\\u{0}b\\u{1b}[2J"), "{e}");
/// # Ok::<(), osteodx::Error>(())
/// ```
#[must_use]
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A number as messages show it: as written when that is short (`-3`, `0.25`), in exponent form
/// when not (`-1e-300` rather than three hundred zeros).
pub(crate) fn number(v: f64) -> String {
    let plain = v.to_string();
    if plain.len() <= 24 {
        plain
    } else {
        format!("{v:e}")
    }
}

/// `:line` after a path, or nothing for line 0 (the whole file).
fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}

/// A path as messages show it (see [`shown`]).
pub(crate) fn shown_path(path: &std::path::Path) -> String {
    shown(&path.display().to_string()).into_owned()
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", shown(&suggestions.join(", ")))
    }
}

/// Why a patient could not be resolved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PatientError {
    /// A finding was given both present and absent.
    #[error("finding `{}` is given both present and absent", shown(.0))]
    PresentAndAbsent(String),
    /// A finding is not known (only in strict resolution).
    #[error("unknown finding `{}`{}", shown(.name), did_you_mean(.suggestions))]
    UnknownFinding {
        /// The name as given.
        name: String,
        /// The nearest known names.
        suggestions: Vec<String>,
    },
    /// A number (age, lab value) is not finite or out of range.
    #[error("{} {} is not a valid value", shown(.what), number(*.value))]
    BadValue {
        /// Which value.
        what: String,
        /// The value.
        value: f64,
    },
    /// A genetic result without a gene symbol (empty or blank).
    #[error("a genetic result without a gene symbol")]
    EmptyGene,
    /// A lab value has a unit the engine does not know.
    #[error("unit `{}` is not known for {}", shown(.unit), shown(.analyte))]
    UnknownUnit {
        /// The analyte.
        analyte: String,
        /// The unit.
        unit: String,
    },
    /// More terms, or a larger file, than the [`Limits`](crate::Limits) allow.
    #[error("{what}: {size} is more than the limit of {limit}")]
    TooLarge {
        /// What is counted (patient terms, file bytes).
        what: &'static str,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The patient JSON could not be parsed (not a JSON object, not JSON, or a field of the
    /// wrong type).
    #[error("{line}:{column}: {}", shown(.message))]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// Why a phenopacket could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PhenopacketError {
    /// Not JSON, or a field of the wrong type.
    #[error("{line}:{column}: {}", shown(.message))]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What `serde_json` said.
        message: String,
    },
    /// Larger than [`MAX_BYTES`](crate::research::phenopacket::MAX_BYTES).
    #[error("document of {bytes} bytes is larger than the limit of {limit} bytes")]
    TooLarge {
        /// Size.
        bytes: u64,
        /// Limit.
        limit: u64,
    },
    /// A term without an id.
    #[error("{} has no id", shown(.0))]
    MissingId(String),
    /// An ISO 8601 duration that cannot be read.
    #[error("cannot read ISO 8601 duration `{}`", shown(.0))]
    BadDuration(String),
}

/// Why a compiled model file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompiledFileError {
    /// The file does not start like a compiled model.
    #[error("not a compiled osteodx model")]
    NotCompiled,
    /// Written in another layout version.
    #[error("compiled in format {found}; this build reads format {expected}")]
    Format {
        /// The file's format.
        found: u32,
        /// This build's, [`Model::COMPILED_FORMAT`](crate::Model::COMPILED_FORMAT).
        expected: u32,
    },
    /// Compiled from other sources or settings than the ones expected.
    #[error("compiled from other sources or settings")]
    Stale,
    /// Damaged: cut short, a checksum that does not match, or parts that do not fit together.
    #[error("damaged: {}", shown(.0))]
    Damaged(String),
    /// Larger than the [`Limits`](crate::Limits) allow.
    #[error("{what}: {size} is more than the limit of {limit}")]
    TooLarge {
        /// What is counted.
        what: &'static str,
        /// How many.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
