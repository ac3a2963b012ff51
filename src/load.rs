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

/// Turn a byte offset in `text` into a 1-based line and column (in characters). Within a
/// [`LocateScope`] the line starts of each text are found once, so that locating thousands of
/// problems in one file costs a binary search each, not a scan from its start.
pub(crate) fn locate(path: &Path, text: &str, offset: usize) -> Location {
    let cached = LINE_STARTS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let lines = cache
            .as_mut()?
            .entry((text.as_ptr() as usize, text.len()))
            .or_insert_with(|| Lines {
                starts: line_starts(text),
                last: (0, 0),
            });
        Some(lines.line_column(text, offset))
    });
    let (line, column) = cached.unwrap_or_else(|| crate::error::line_column(text, offset));
    Location {
        path: path.to_path_buf(),
        line,
        column,
    }
}

/// Where each line of `text` starts, and whether it is ASCII (its columns are byte offsets).
fn line_starts(text: &str) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.is_ascii()));
        start += line.len();
    }
    if out.is_empty() || text.ends_with('\n') {
        out.push((start, true));
    }
    out
}

/// The lines of a text being located: where each starts (and whether it is ASCII), and the
/// last place located in a line that is not (byte offset, characters before it in its line),
/// from which the next place after it is counted on.
struct Lines {
    starts: Vec<(usize, bool)>,
    last: (usize, usize),
}

impl Lines {
    /// The 1-based line and column of `offset`.
    fn line_column(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&(s, _)| s <= offset).max(1);
        let (start, ascii) = self.starts[line - 1];
        let column = if ascii {
            offset - start
        } else {
            // Count on from the last place when it is in this line and before `offset`.
            let (from, before) = if (start..=offset).contains(&self.last.0) {
                self.last
            } else {
                (start, 0)
            };
            let column = before + text.get(from..offset).map_or(offset - from, |s| s.chars().count());
            self.last = (offset, column);
            column
        };
        (line, column + 1)
    }
}

thread_local! {
    /// While a [`LocateScope`] lives: the line starts of the texts located, by their address and
    /// length (the texts are alive and unchanged meanwhile: the rule set being validated holds
    /// them).
    static LINE_STARTS: std::cell::RefCell<Option<std::collections::HashMap<(usize, usize), Lines>>> =
        const { std::cell::RefCell::new(None) };
}

/// While it lives, [`locate`] remembers the line starts of the texts it sees: made by
/// validation, which holds its rule set (and so every text) for as long.
pub(crate) struct LocateScope {
    outer: bool,
}

impl LocateScope {
    pub(crate) fn new() -> Self {
        let outer = LINE_STARTS.with(|c| {
            let mut c = c.borrow_mut();
            let outer = c.is_none();
            if outer {
                *c = Some(std::collections::HashMap::new());
            }
            outer
        });
        Self { outer }
    }
}

impl Drop for LocateScope {
    fn drop(&mut self) {
        if self.outer {
            LINE_STARTS.with(|c| *c.borrow_mut() = None);
        }
    }
}

/// A set of parsed rule files, not yet validated.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// The files, in load order.
    pub files: Vec<SourceFile>,
}

impl RuleSet {
    /// How deep a folder of rule files is read (deeper folders are refused).
    pub const MAX_FOLDER_DEPTH: usize = MAX_FOLDER_DEPTH;

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
    /// **Links.** A symbolic link to a file is read as the file. A symbolic link to a folder is
    /// never followed, so that no link can make the walk endless or read a folder twice: one
    /// that leads into the tree (a loop such as `ln -s . rules/again`, or a second name of a
    /// folder that is walked anyway) adds nothing, and one that leads out of it (`ln -s / rules/root`)
    /// is a problem naming the link, so that no rules are left out without a word. Folders
    /// nested deeper than [`RuleSet::MAX_FOLDER_DEPTH`] are a problem too.
    ///
    /// # Errors
    /// [`Error::Io`] if a directory cannot be listed; [`Error::Rules`] listing every file
    /// that cannot be read or parsed, and every link to a folder outside the tree.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_dir_with(dir, &Limits::default())
    }

    /// [`RuleSet::from_dir`] within `limits` (each file at most `limits.file_bytes`).
    ///
    /// # Errors
    /// As [`RuleSet::from_dir`]; [`ProblemKind::TooLarge`] for each file over the limit.
    pub fn from_dir_with(dir: impl AsRef<Path>, limits: &Limits) -> Result<Self, Error> {
        let (set, problems) = Self::dir_partial(dir.as_ref(), limits)?;
        finish(set, problems)
    }

    fn dir_partial(dir: &Path, limits: &Limits) -> Result<(Self, Vec<Problem>), Error> {
        let mut paths = Vec::new();
        let mut problems = Vec::new();
        let root = std::fs::canonicalize(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        collect_toml(&root, dir, 0, &mut paths, &mut problems)?;
        let mut set = Self::default();
        for path in &paths {
            set.push_path(path, 0, limits, &mut problems);
        }
        Ok((set, problems))
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
        let (set, problems) = Self::from_path_partial(path, limits)?;
        finish(set, problems)
    }

    /// As [`RuleSet::from_path_with`], but the files that cannot be read or parsed do not stop
    /// it: the set holds the files that parse, and the problems of the others are returned
    /// beside it. [`KnowledgeBase::new_with_problems`](crate::KnowledgeBase::new_with_problems)
    /// validates the set and reports those problems together with its own, so that a folder
    /// with several faults has them all reported at once
    /// ([`KnowledgeBase::load`](crate::KnowledgeBase::load) does this).
    ///
    /// # Errors
    /// [`Error::Io`] if a directory cannot be listed.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("osteodx-partial-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("a.toml"), "[[finding]]\nid = ").unwrap();
    /// std::fs::write(dir.join("b.toml"), "[[finding]]\nid = \"b\"\nlabel = \"B\"\n").unwrap();
    /// let (set, problems) = osteodx::RuleSet::from_path_partial(&dir, &osteodx::Limits::default())?;
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// assert_eq!((set.files.len(), problems.len()), (1, 1));
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    pub fn from_path_partial(path: impl AsRef<Path>, limits: &Limits) -> Result<(Self, Vec<Problem>), Error> {
        let path = path.as_ref();
        if path.is_dir() {
            Self::dir_partial(path, limits)
        } else {
            let mut set = Self::default();
            let mut problems = Vec::new();
            set.push_path(path, 0, limits, &mut problems);
            Ok((set, problems))
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
            Err(ReadFailure::NotUtf8(at)) => problems.push(Problem {
                location: Location {
                    path: path.to_path_buf(),
                    line: at.line,
                    column: at.column,
                },
                kind: ProblemKind::NotUtf8(at.byte),
            }),
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

/// Folders nested deeper than this under a rules folder are not walked (a problem names the
/// first): a bound on the walk that holds even where links are not the cause (bind mounts).
pub const MAX_FOLDER_DEPTH: usize = 64;

/// The `*.toml` files of the folder tree `dir` (of real path `root` at the top) in load order
/// (see [`RuleSet::from_dir`]): symbolic links to folders are not followed, and one that leads
/// out of the tree is a problem.
fn collect_toml(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
    problems: &mut Vec<Problem>,
) -> Result<(), Error> {
    let whole = |path: &Path, why: String| Problem {
        location: Location {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
        },
        kind: ProblemKind::Io(why),
    };
    if depth > MAX_FOLDER_DEPTH {
        problems.push(whole(
            dir,
            format!("folder nested deeper than {MAX_FOLDER_DEPTH} levels, not read"),
        ));
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let link = entry.file_type().is_ok_and(|t| t.is_symlink());
        // `is_dir` follows a link: a link to a folder is a folder here.
        if path.is_dir() {
            if !link {
                dirs.push(path);
            } else if !std::fs::canonicalize(&path).is_ok_and(|real| real.starts_with(root)) {
                problems.push(whole(
                    &path,
                    "a symbolic link to a folder outside the rules folder is not followed (copy or link its files instead)"
                        .to_owned(),
                ));
            }
        } else if path.extension().is_some_and(|x| x == "toml") {
            files.push(path);
        }
    }
    crate::load_order::sort_folder(&mut files, &mut dirs);
    out.extend(files);
    for d in dirs {
        collect_toml(root, &d, depth + 1, out, problems)?;
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

#[cfg(test)]
mod tests {
    use super::{line_starts, Lines};
    use crate::error::line_column;

    /// The line index gives what a scan from the start gives, for ASCII and other lines, for
    /// places in order and out of it.
    #[test]
    fn the_line_index_agrees_with_a_scan() {
        let text = "ab\nçé ü\n\nxyz\n日本語 text\nlast";
        let offsets: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let mut lines = Lines {
            starts: line_starts(text),
            last: (0, 0),
        };
        for &o in offsets
            .iter()
            .chain(offsets.iter().rev())
            .chain(offsets.iter().step_by(3))
        {
            assert_eq!(lines.line_column(text, o), line_column(text, o), "offset {o}");
        }
        for text in ["", "\n", "a\n", "\n\nb"] {
            let mut lines = Lines {
                starts: line_starts(text),
                last: (0, 0),
            };
            for o in 0..=text.len() {
                assert_eq!(lines.line_column(text, o), line_column(text, o), "{text:?} {o}");
            }
        }
    }
}
