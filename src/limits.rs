//! Limits on what comes in, so that no input can make the crate run out of memory or time:
//! every entry point that reads outside input has a `_with` form taking [`Limits`], and the plain
//! form uses [`Limits::default`]. Exceeding a limit is a typed error that says which limit.
//!
//! ```
//! use osteodx::{Limits, Model, Patient};
//! let model = Model::builtin()?;
//! let many = (0..50).fold(Patient::new(), |p, i| p.present(format!("finding {i}")));
//! let strict = Limits { patient_terms: 20, ..Limits::default() };
//! assert!(model.resolve_with(&many, &strict).is_err());
//! assert!(model.resolve(&many).is_ok());
//! # Ok::<(), osteodx::Error>(())
//! ```

/// Limits on input sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one rule file, patient file or phenopacket (default 64 MiB).
    pub file_bytes: u64,
    /// Terms of one patient: findings present and absent, labs, genetic results and family
    /// history together (default 10,000).
    pub patient_terms: usize,
    /// Findings defined in a rule set (default 1,000,000).
    pub findings: usize,
    /// Diagnoses defined in a rule set (default 100,000).
    pub diagnoses: usize,
    /// Rules in a rule set (default 10,000,000).
    pub rules: usize,
    /// Brackets (`[` and `{`) open at once in one JSON or TOML document, outside strings and
    /// comments (default 64; rule files need 3, phenopackets about 8). The parsers have fixed
    /// limits of their own beyond which they refuse a document (`serde_json` 128); this one is
    /// checked first, in one pass before parsing, and can be set lower.
    pub nesting_depth: usize,
    /// Bytes of one compiled model file (`model_file`, default 1 GiB; the whole HPO catalogue
    /// compiles into about 60 MB). Read in pieces, never past the limit.
    pub compiled_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file_bytes: 64 * 1024 * 1024,
            patient_terms: 10_000,
            findings: 1_000_000,
            diagnoses: 100_000,
            rules: 10_000_000,
            nesting_depth: 64,
            compiled_bytes: 1 << 30,
        }
    }
}

impl Limits {
    /// The first of the rule-set counts above its limit, as (what, size, limit): checked while
    /// rule files are merged and again when a compiled model is read back.
    pub(crate) fn rule_set_excess(
        &self,
        findings: usize,
        diagnoses: usize,
        rules: usize,
    ) -> Option<(&'static str, usize, usize)> {
        [
            ("findings", findings, self.findings),
            ("diagnoses", diagnoses, self.diagnoses),
            ("rules", rules, self.rules),
        ]
        .into_iter()
        .find(|&(_, n, limit)| n > limit)
    }

    /// Read a UTF-8 file of at most [`Limits::file_bytes`], never reading more than that (a file
    /// that grows, a device or a pipe included): what the crate's own `from_path` functions use,
    /// for callers that read a file before deciding how to parse it.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) naming the file if it cannot be read or is larger than the
    /// limit (then its cause gives the size and the limit);
    /// [`Error::NotUtf8`](crate::Error::NotUtf8) with the line and column of the first byte that
    /// is not UTF-8.
    ///
    /// ```
    /// let tiny = osteodx::Limits { file_bytes: 100, ..Default::default() };
    /// let err = tiny.read_to_string("Cargo.toml".as_ref()).unwrap_err();
    /// assert!(err.to_string().contains("Cargo.toml"), "{err}");
    /// assert!(osteodx::Limits::default().read_to_string("Cargo.toml".as_ref()).is_ok());
    /// ```
    pub fn read_to_string(&self, path: &std::path::Path) -> Result<String, crate::Error> {
        read_within(path, self.file_bytes).map_err(|f| match f {
            ReadFailure::NotUtf8(at) => crate::Error::NotUtf8 {
                path: path.to_path_buf(),
                line: at.line,
                column: at.column,
                byte: at.byte,
            },
            ReadFailure::Io(source) => crate::Error::Io {
                path: path.to_path_buf(),
                source,
            },
            ReadFailure::TooLarge(size) => crate::Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(format!(
                    "{size} bytes is more than the limit of {} (Limits::file_bytes)",
                    self.file_bytes
                )),
            },
        })
    }
}

/// Where a text stops being UTF-8: the 1-based line and column (in characters) of its first
/// byte that is not, and that byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotUtf8 {
    pub line: usize,
    pub column: usize,
    pub byte: u8,
}

/// The bytes as UTF-8 text, or where they stop being UTF-8.
pub(crate) fn utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // The prefix is valid UTF-8 by definition of `valid_up_to`.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        NotUtf8 {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            byte: bytes.get(at).copied().unwrap_or_default(),
        }
    })
}

/// Why a file could not be read within a limit.
#[derive(Debug)]
pub(crate) enum ReadFailure {
    /// It could not be opened or read.
    Io(std::io::Error),
    /// It holds more than the limit of bytes (its size, or the bytes read when it had no size).
    TooLarge(u64),
    /// It is not UTF-8 text: where the first byte that is not is.
    NotUtf8(NotUtf8),
}

/// Read a UTF-8 file of at most `limit` bytes, never reading more than `limit + 1` bytes of it
/// (a file that grows, a device or a pipe included).
pub(crate) fn read_within(path: &std::path::Path, limit: u64) -> Result<String, ReadFailure> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(ReadFailure::Io)?;
    let len = file.metadata().map_err(ReadFailure::Io)?.len();
    if len > limit {
        return Err(ReadFailure::TooLarge(len));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge(bytes.len() as u64));
    }
    utf8(bytes).map_err(ReadFailure::NotUtf8)
}

/// The byte offset of the first bracket (`[` or `{`) that opens deeper than `limit`, outside
/// strings and, in TOML, comments; `None` when the text stays within it. One pass, no allocation.
pub(crate) fn too_deep(text: &str, limit: usize, toml: bool) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'"' => {
                i = skip_string(b, i, toml);
                continue;
            }
            b'\'' if toml => {
                i = skip_literal(b, i);
                continue;
            }
            b'#' if toml => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index after the string that opens at `b[start]` (a `"`): escapes skipped; in TOML a
/// `"""` string may span lines, any other ends at a line break at the latest.
fn skip_string(b: &[u8], start: usize, toml: bool) -> usize {
    let multi = toml && b[start..].starts_with(b"\"\"\"");
    let mut i = start + if multi { 3 } else { 1 };
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' if !multi => return i + 1,
            b'"' if b[i..].starts_with(b"\"\"\"") => return i + 3,
            b'\n' if !multi => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// The index after the TOML literal string that opens at `b[start]` (a `'`; no escapes).
fn skip_literal(b: &[u8], start: usize) -> usize {
    if b[start..].starts_with(b"'''") {
        return b[start + 3..]
            .windows(3)
            .position(|w| w == b"'''")
            .map_or(b.len(), |p| start + 3 + p + 3);
    }
    let mut i = start + 1;
    while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
        i += 1;
    }
    (i + 1).min(b.len())
}

#[cfg(test)]
mod tests {
    use super::too_deep;

    #[test]
    fn nesting_is_counted_outside_strings_and_comments() {
        assert_eq!(too_deep("[[1]]", 2, false), None);
        assert_eq!(too_deep("[[[1]]]", 2, false), Some(2));
        assert_eq!(too_deep(r#"{"a": "[[[[\"[[["}"#, 1, false), None);
        assert_eq!(
            too_deep("a = 1 # [[[[\nb = '[[[['\nc = \"\"\"\n[[[[\"\"\"\n", 0, true),
            None
        );
        assert_eq!(too_deep("x = '''\n[[['''\ny = [[1]]", 1, true), Some(20));
        assert_eq!(too_deep("[[finding]]\nid = \"a\"\n[[finding]]\n", 2, true), None);
    }
}
