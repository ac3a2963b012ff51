//! Reading JSON documents from outside (patients, phenopackets): a UTF-8 byte-order mark is
//! skipped (Windows tools write one), the document must be a JSON object (serde would build a
//! struct from an array), and errors carry line and column once, apart from the message.

use serde::de::DeserializeOwned;

use crate::error::line_column;

/// Where a JSON document went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The text without a leading byte-order mark.
pub(crate) fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parse a JSON object into `T`, refusing brackets nested deeper than `max_depth`.
pub(crate) fn parse_object<T: DeserializeOwned>(text: &str, max_depth: usize) -> Result<T, JsonProblem> {
    let text = strip_bom(text);
    if let Some(offset) = crate::limits::too_deep(text, max_depth, false) {
        let (line, column) = line_column(text, offset);
        return Err(JsonProblem {
            line,
            column,
            message: format!("brackets nested deeper than the limit of {max_depth}"),
        });
    }
    let start = text.len() - text.trim_start().len();
    let (line, column) = line_column(text, start);
    match text[start..].chars().next() {
        Some('{') => {}
        Some(c) => {
            return Err(JsonProblem {
                line,
                column,
                message: format!("expected a JSON object, found {}", describe(c, &text[start..])),
            })
        }
        None => {
            return Err(JsonProblem {
                line,
                column,
                message: "expected a JSON object, found an empty document".to_owned(),
            })
        }
    }
    serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let (line, column) = position(text, e.line(), e.column());
        JsonProblem {
            line,
            column,
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_owned(),
        }
    })
}

/// `serde_json`'s line and column, 1-based both: it reports column 0 for a newline (the line break
/// counted, no character of the new line read yet), which is the end of the line before.
fn position(text: &str, line: usize, column: usize) -> (usize, usize) {
    if column > 0 || line < 2 {
        return (line.max(1), column.max(1));
    }
    let before = text.split('\n').nth(line - 2).map_or(0, |l| l.chars().count());
    (line - 1, before + 1)
}

/// What a document starting with `c` (the first character of `rest`) holds instead of an object.
fn describe(c: char, rest: &str) -> String {
    match c {
        '[' => "an array".to_owned(),
        '"' => "a string".to_owned(),
        '0'..='9' | '-' => "a number".to_owned(),
        _ if rest.starts_with("true") || rest.starts_with("false") => "a boolean".to_owned(),
        _ if rest.starts_with("null") => "null".to_owned(),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Doc {
        #[allow(dead_code)]
        a: Option<u32>,
    }

    #[test]
    fn objects_only_bom_skipped_positions_once() {
        assert!(parse_object::<Doc>("\u{feff}{\"a\": 1}", 8).is_ok());
        let e = parse_object::<Doc>("  \n [1, 2]", 8).unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 2, "expected a JSON object, found an array")
        );
        let e = parse_object::<Doc>("", 8).unwrap_err();
        assert_eq!(e.message, "expected a JSON object, found an empty document");
        let e = parse_object::<Doc>("{\"a\": \"x", 8).unwrap_err();
        assert_eq!((e.line, e.column), (1, 8));
        assert!(!e.message.contains("line"), "{}", e.message);
        // A newline inside a string: the position of the newline, at the end of line 1.
        let e = parse_object::<Doc>("{\"a\": \"xy\n\"}", 8).unwrap_err();
        assert_eq!((e.line, e.column), (1, 10), "{}", e.message);
        let e = parse_object::<Doc>("{\"a\":\n [[[1]]]}", 3).unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 4, "brackets nested deeper than the limit of 3")
        );
    }
}
