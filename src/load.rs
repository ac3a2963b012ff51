//! Loading rule files: the built-in set, a directory, a file or a string, parsed into
//! [`RuleFile`]s that keep their path and text so that later problems can name a line.
//!
//! Loading only parses. [`KnowledgeBase::new`](crate::KnowledgeBase::new) validates.
//! Rule sets can be layered: [`RuleSet::overlay`] puts a user's files over the built-in ones,
//! so that their findings and diagnoses add to or replace the built-in ones with the same id.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Problem, ProblemKind, RuleErrors};
use crate::limits::{read_within, too_deep, Limits, ReadFailure};
use crate::rule_file::RuleFile;

// The built-in rule files: every `*.toml` under `rules/` (curated files, then the HPO-derived
// layer in `rules/derived/`), embedded by `build.rs` in the load order of [`RuleSet::from_dir`].
include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// One parsed rule file with where it came from.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path (`<builtin>/findings.toml` for built-in files).
    pub path: PathBuf,
    /// The text, kept to turn byte offsets into lines and columns.
    pub text: String,
    /// The parsed content.
    pub rules: RuleFile,
    /// The layer: files of a higher layer override ids of a lower one.
    pub layer: u32,
}

impl SourceFile {
    /// The location of a byte offset in this file.
    #[must_use]
    pub fn locate(&self, offset: usize) -> Location {
        locate(&self.path, &self.text, offset)
    }
}

/// Turn a byte offset in `text` into a 1-based line and column (in characters).
pub(crate) fn locate(path: &Path, text: &str, offset: usize) -> Location {
    let (line, column) = crate::error::line_column(text, offset);
    Location {
        path: path.to_path_buf(),
        line,
        column,
    }
}

/// A set of parsed rule files, not yet validated.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// The files, in load order.
    pub files: Vec<SourceFile>,
}

impl RuleSet {
    /// The rules compiled into the crate.
    ///
    /// # Errors
    /// Only if the built-in files were edited into invalid TOML (a test guards against it).
    ///
    /// ```
    /// let rules = osteodx::RuleSet::builtin()?;
    /// // One file a diagnosis or look-alike, and the shared findings.
    /// assert!(rules.files.iter().any(|f| f.path.ends_with("infantile.toml")));
    /// assert!(rules.files.iter().any(|f| f.path.ends_with("findings.toml")));
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn builtin() -> Result<Self, Error> {
        let mut set = Self::default();
        let mut problems = Vec::new();
        for &(name, text) in BUILTIN_FILES {
            let path = Path::new("<builtin>").join(name);
            set.push_text(path, text.to_owned(), 0, &Limits::default(), &mut problems);
        }
        finish(set, problems)
    }

    /// Parse rules from a string; `name` is used in error messages.
    ///
    /// # Errors
    /// [`Error::Rules`] with a [`ProblemKind::Syntax`] problem, with line and column.
    ///
    /// ```
    /// let err = osteodx::RuleSet::from_text("bad.toml", "[[finding]]\nid = ").unwrap_err();
    /// assert!(err.to_string().contains("bad.toml:2:"));
    /// ```
    pub fn from_text(name: &str, text: &str) -> Result<Self, Error> {
        Self::from_text_with(name, text, &Limits::default())
    }

    /// [`RuleSet::from_text`] within `limits`.
    ///
    /// # Errors
    /// As [`RuleSet::from_text`]; [`ProblemKind::TooLarge`] for a text over `limits.file_bytes`.
    ///
    /// ```
    /// use osteodx::{Limits, RuleSet};
    /// let tiny = Limits { file_bytes: 10, ..Limits::default() };
    /// let err = RuleSet::from_text_with("big.toml", "[[finding]]\nid = \"x\"\nlabel = \"X\"\n", &tiny).unwrap_err();
    /// assert!(err.to_string().contains("file bytes"));
    /// ```
    pub fn from_text_with(name: &str, text: &str, limits: &Limits) -> Result<Self, Error> {
        let mut set = Self::default();
        let mut problems = Vec::new();
        set.push_text(PathBuf::from(name), text.to_owned(), 0, limits, &mut problems);
        finish(set, problems)
    }

    /// Parse one rule file.
    ///
    /// # Errors
    /// [`Error::Rules`] naming the file when it cannot be read or parsed.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_file_within(path.as_ref(), &Limits::default())
    }

    fn from_file_within(path: &Path, limits: &Limits) -> Result<Self, Error> {
        let mut set = Self::default();
        let mut problems = Vec::new();
        set.push_path(path, 0, limits, &mut problems);
        finish(set, problems)
    }

    /// Parse every `*.toml` file of a directory and its subdirectories, in the load order of
    /// the built-in rules: in each folder `findings.toml` first, then the other files by name,
    /// then the subfolders by name.
    ///
    /// # Errors
    /// [`Error::Io`] if a directory cannot be listed; [`Error::Rules`] listing every file
    /// that cannot be read or parsed.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_dir_with(dir, &Limits::default())
    }

    /// [`RuleSet::from_dir`] within `limits` (each file at most `limits.file_bytes`).
    ///
    /// # Errors
    /// As [`RuleSet::from_dir`]; [`ProblemKind::TooLarge`] for each file over the limit.
    pub fn from_dir_with(dir: impl AsRef<Path>, limits: &Limits) -> Result<Self, Error> {
        let mut paths = Vec::new();
        collect_toml(dir.as_ref(), &mut paths)?;
        let mut set = Self::default();
        let mut problems = Vec::new();
        for path in &paths {
            set.push_path(path, 0, limits, &mut problems);
        }
        finish(set, problems)
    }

    /// Parse a directory or a single file, whichever `path` is.
    ///
    /// # Errors
    /// As [`RuleSet::from_dir`] and [`RuleSet::from_file`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_path_with(path, &Limits::default())
    }

    /// [`RuleSet::from_path`] within `limits`.
    ///
    /// # Errors
    /// As [`RuleSet::from_path`]; [`ProblemKind::TooLarge`] for each file over the limit.
    pub fn from_path_with(path: impl AsRef<Path>, limits: &Limits) -> Result<Self, Error> {
        let path = path.as_ref();
        if path.is_dir() {
            Self::from_dir_with(path, limits)
        } else {
            Self::from_file_within(path, limits)
        }
    }

    /// Put `user` over `self`: its findings and diagnoses are added, and replace those of
    /// `self` that have the same id.
    ///
    /// ```
    /// use osteodx::{KnowledgeBase, RuleSet};
    /// let user = RuleSet::from_text("mine.toml", r#"
    /// [diagnosis]
    /// id = "my_sclerosing_dysplasia"
    /// name = "A sclerosing dysplasia of my own"
    /// inheritance = "autosomal_recessive"
    /// prevalence = 1e-6
    /// [[rule]]
    /// finding = "increased_bone_mineral_density"
    /// frequency = "very_frequent"
    /// "#)?;
    /// let builtin = KnowledgeBase::builtin()?;
    /// let kb = KnowledgeBase::new(RuleSet::builtin()?.overlay(user))?;
    /// assert_eq!(kb.diagnoses().len(), builtin.diagnoses().len() + 1);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn overlay(mut self, user: RuleSet) -> RuleSet {
        let layer = self.files.iter().map(|f| f.layer + 1).max().unwrap_or(0);
        self.files.extend(user.files.into_iter().map(|mut f| {
            f.layer += layer;
            f
        }));
        self
    }

    fn push_path(&mut self, path: &Path, layer: u32, limits: &Limits, problems: &mut Vec<Problem>) {
        match read_within(path, limits.file_bytes) {
            Ok(text) => self.push_text(path.to_path_buf(), text, layer, limits, problems),
            Err(ReadFailure::TooLarge(size)) => problems.push(too_large(path, size, limits.file_bytes)),
            Err(ReadFailure::Io(e)) => problems.push(Problem {
                location: Location {
                    path: path.to_path_buf(),
                    line: 0,
                    column: 0,
                },
                kind: ProblemKind::Io(e.to_string()),
            }),
        }
    }

    fn push_text(&mut self, path: PathBuf, text: String, layer: u32, limits: &Limits, problems: &mut Vec<Problem>) {
        if text.len() as u64 > limits.file_bytes {
            problems.push(too_large(&path, text.len() as u64, limits.file_bytes));
            return;
        }
        if let Some(offset) = too_deep(&text, limits.nesting_depth, true) {
            problems.push(Problem {
                location: locate(&path, &text, offset),
                kind: ProblemKind::TooLarge {
                    what: "nesting depth",
                    size: limits.nesting_depth as u64 + 1,
                    limit: limits.nesting_depth as u64,
                },
            });
            return;
        }
        match toml::from_str::<RuleFile>(&text) {
            Ok(rules) => self.files.push(SourceFile {
                path,
                text,
                rules,
                layer,
            }),
            Err(e) => {
                let location = match e.span() {
                    Some(span) => locate(&path, &text, span.start),
                    None => Location {
                        path,
                        line: 0,
                        column: 0,
                    },
                };
                problems.push(Problem {
                    location,
                    kind: ProblemKind::Syntax(e.message().trim().to_owned()),
                });
            }
        }
    }
}

fn too_large(path: &Path, size: u64, limit: u64) -> Problem {
    Problem {
        location: Location {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
        },
        kind: ProblemKind::TooLarge {
            what: "file bytes",
            size,
            limit,
        },
    }
}

/// The `*.toml` files of a folder tree in load order (see [`RuleSet::from_dir`]).
fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        if path.is_dir() {
            dirs.push(path);
        } else if path.extension().is_some_and(|x| x == "toml") {
            files.push(path);
        }
    }
    files.sort_by_key(|p| (p.file_name().is_none_or(|n| n != "findings.toml"), p.clone()));
    dirs.sort();
    out.extend(files);
    for d in dirs {
        collect_toml(&d, out)?;
    }
    Ok(())
}

fn finish(set: RuleSet, problems: Vec<Problem>) -> Result<RuleSet, Error> {
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(Error::Rules(RuleErrors { problems }))
    }
}
