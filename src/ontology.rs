//! The HPO `is_a` graph, used to place HPO terms that are not in the vocabulary.
//!
//! The crate ships the graph of HPO release 2025-01-16 as `data/hp-is-a.tsv` (the `is_a` lines of
//! that release's `hp.obo`, as [`Ontology::parse_obo`] reads them, written by
//! [`Ontology::to_tsv`]: `cargo run --example catalogue -- --hpo DIR --is-a data/hp-is-a.tsv`
//! regenerates it), so it works offline; [`Ontology::from_obo`] reads a full `hp.obo` of another
//! release instead.
//!
//! ```
//! let hpo = osteodx::Ontology::builtin()?;
//! let optic_atrophy = hpo.canonical("HP:0000648").unwrap();
//! assert!(!hpo.parents(optic_atrophy).is_empty());
//! # Ok::<(), osteodx::Error>(())
//! ```

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::error::Error;

const BUILTIN: &str = include_str!("../data/hp-is-a.tsv");
const BUILTIN_PATH: &str = "<builtin>/hp-is-a.tsv";

/// An HPO `is_a` graph over numeric term ids (`HP:0000648` is 648).
///
/// It is written (serde) as sorted lists, so that the same graph always gives the same bytes.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(into = "OntologyLists", from = "OntologyLists")]
pub struct Ontology {
    parents: HashMap<u32, Vec<u32>>,
    alt: HashMap<u32, u32>,
    names: HashMap<u32, String>,
}

/// The serde form of an [`Ontology`]: its maps as lists sorted by term.
#[derive(serde::Serialize, serde::Deserialize)]
struct OntologyLists {
    parents: Vec<(u32, Vec<u32>)>,
    alt: Vec<(u32, u32)>,
    names: Vec<(u32, String)>,
}

impl From<Ontology> for OntologyLists {
    fn from(o: Ontology) -> Self {
        fn sorted<T>(map: HashMap<u32, T>) -> Vec<(u32, T)> {
            let mut v: Vec<(u32, T)> = map.into_iter().collect();
            v.sort_unstable_by_key(|(k, _)| *k);
            v
        }
        Self {
            parents: sorted(o.parents),
            alt: sorted(o.alt),
            names: sorted(o.names),
        }
    }
}

impl From<OntologyLists> for Ontology {
    fn from(l: OntologyLists) -> Self {
        Self {
            parents: l.parents.into_iter().collect(),
            alt: l.alt.into_iter().collect(),
            names: l.names.into_iter().collect(),
        }
    }
}

/// Format a numeric HPO id as `HP:0000648`.
#[must_use]
pub fn format_hpo(id: u32) -> String {
    format!("HP:{id:07}")
}

fn parse_hpo(s: &str) -> Option<u32> {
    let digits = s.trim().strip_prefix("HP:").or_else(|| s.trim().strip_prefix("HP_"))?;
    if digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

impl Ontology {
    /// An HPO id from its number: `HP:` and seven digits.
    ///
    /// ```
    /// assert_eq!(osteodx::Ontology::format_hpo(648), "HP:0000648");
    /// ```
    #[must_use]
    pub fn format_hpo(id: u32) -> String {
        crate::ontology::format_hpo(id)
    }

    /// The graph shipped with the crate (parsed once, on first use).
    ///
    /// # Errors
    /// [`Error::Ontology`] if the shipped graph does not parse (a test guards against it).
    pub fn builtin() -> Result<&'static Ontology, Error> {
        static ONCE: OnceLock<Result<Ontology, (usize, String)>> = OnceLock::new();
        let parsed = ONCE.get_or_init(|| {
            Self::from_tsv(Path::new(BUILTIN_PATH), BUILTIN).map_err(|e| match e {
                Error::Ontology { line, message, .. } => (line, message),
                other => (0, other.to_string()),
            })
        });
        // A failure is an error, never an empty graph (the built-in file is tested to parse).
        parsed.as_ref().map_err(|(line, message)| Error::Ontology {
            path: BUILTIN_PATH.into(),
            line: *line,
            message: message.clone(),
        })
    }

    /// Parse the shipped TSV form: `HP:id<TAB>parent,parent` and `alt<TAB>HP:old<TAB>HP:new`.
    ///
    /// # Errors
    /// [`Error::Ontology`] naming the line of a malformed entry.
    pub fn from_tsv(path: &Path, text: &str) -> Result<Self, Error> {
        let mut o = Self::default();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let bad = |message: &str| Error::Ontology {
                path: path.to_path_buf(),
                line: i + 1,
                message: message.to_owned(),
            };
            let mut cols = line.split('\t');
            let first = cols.next().unwrap_or_default();
            if first == "alt" {
                let old = cols.next().and_then(parse_hpo).ok_or_else(|| bad("malformed alt id"))?;
                let new = cols
                    .next()
                    .and_then(parse_hpo)
                    .ok_or_else(|| bad("malformed replacement id"))?;
                o.alt.insert(old, new);
                continue;
            }
            let id = parse_hpo(first).ok_or_else(|| bad("malformed HPO id"))?;
            let mut parents = Vec::new();
            for p in cols.next().unwrap_or_default().split(',').filter(|p| !p.is_empty()) {
                parents.push(parse_hpo(p).ok_or_else(|| bad("malformed parent id"))?);
            }
            o.parents.insert(id, parents);
        }
        Ok(o)
    }

    /// The shipped TSV form of this graph (what [`Ontology::from_tsv`] reads; `data/hp-is-a.tsv`
    /// is this of release `release`'s `hp.obo`, written by `catalogue --is-a FILE`): a header,
    /// every term with its parents in file order, by id, then the alternative and replaced ids,
    /// by old id. Names are not kept.
    ///
    /// ```
    /// let text = "[Term]\nid: HP:0000001\n\n[Term]\nid: HP:0000118\nalt_id: HP:0000005\nis_a: HP:0000001 ! All\n";
    /// let hpo = osteodx::Ontology::parse_obo("mini.obo".as_ref(), text)?;
    /// let tsv = hpo.to_tsv("test");
    /// assert!(tsv.ends_with("HP:0000001\t\nHP:0000118\tHP:0000001\nalt\tHP:0000005\tHP:0000118\n"));
    /// let back = osteodx::Ontology::from_tsv("t.tsv".as_ref(), &tsv)?;
    /// assert_eq!(back.parents(118), [1]);
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    #[must_use]
    pub fn to_tsv(&self, release: &str) -> String {
        let mut out = format!(
            "# HPO release {release}, generated from hp.obo by `cargo run --example catalogue -- --hpo DIR --is-a FILE`\n\
             # term<TAB>is_a parents (comma-separated; empty for the root); then alt<TAB>old id<TAB>current id\n\
             # for alt_ids and for obsolete terms with replaced_by. Human Phenotype Ontology, hpo.jax.org.\n"
        );
        let mut terms: Vec<(&u32, &Vec<u32>)> = self.parents.iter().collect();
        terms.sort_unstable_by_key(|(id, _)| **id);
        for (&id, parents) in terms {
            let parents: Vec<String> = parents.iter().map(|&p| format_hpo(p)).collect();
            out.push_str(&[format_hpo(id), "\t".into(), parents.join(","), "\n".into()].concat());
        }
        let mut alt: Vec<(&u32, &u32)> = self.alt.iter().collect();
        alt.sort_unstable();
        for (&old, &new) in alt {
            out.push_str(
                &[
                    "alt\t".into(),
                    format_hpo(old),
                    "\t".into(),
                    format_hpo(new),
                    "\n".into(),
                ]
                .concat(),
            );
        }
        out
    }

    /// Read an `hp.obo` file (terms, `is_a`, `alt_id`, obsolete terms' `replaced_by`).
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; [`Error::Ontology`] if it holds no HPO term.
    pub fn from_obo(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = crate::Limits::default().read_to_string(path)?;
        Self::parse_obo(path, &text)
    }

    /// Parse the text of an `hp.obo` file; `path` names it in errors.
    ///
    /// ```
    /// let text = "[Term]\nid: HP:0000001\n\n[Term]\nid: HP:0000118\nis_a: HP:0000001 ! All\n";
    /// let hpo = osteodx::Ontology::parse_obo("mini.obo".as_ref(), text)?;
    /// assert_eq!(hpo.parents(118), [1]);
    /// assert!(osteodx::Ontology::parse_obo("empty.obo".as_ref(), "").is_err());
    /// # Ok::<(), osteodx::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Ontology`] if it holds no HPO term.
    pub fn parse_obo(path: &Path, text: &str) -> Result<Self, Error> {
        let mut o = Self::default();
        let mut current: Option<u32> = None;
        let mut obsolete = false;
        let mut replaced: Option<u32> = None;
        let flush = |o: &mut Self, current: Option<u32>, obsolete: bool, replaced: Option<u32>| {
            if let (Some(id), true, Some(new)) = (current, obsolete, replaced) {
                o.parents.remove(&id);
                o.alt.insert(id, new);
            } else if let (Some(id), true) = (current, obsolete) {
                o.parents.remove(&id);
            }
            if let (Some(id), true) = (current, obsolete) {
                o.names.remove(&id);
            }
        };
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                flush(&mut o, current, obsolete, replaced);
                current = None;
                obsolete = false;
                replaced = None;
                if line == "[Term]" {
                    current = Some(u32::MAX);
                }
            } else if let Some(rest) = line.strip_prefix("id: ") {
                if current.is_some() {
                    current = parse_hpo(rest);
                    if let Some(id) = current {
                        o.parents.entry(id).or_default();
                    }
                }
            } else if let (Some(id), Some(rest)) = (current, line.strip_prefix("is_a: ")) {
                if let Some(p) = parse_hpo(rest.split_whitespace().next().unwrap_or_default()) {
                    o.parents.entry(id).or_default().push(p);
                }
            } else if let (Some(id), Some(rest)) = (current, line.strip_prefix("name: ")) {
                if id != u32::MAX {
                    o.names.insert(id, rest.to_owned());
                }
            } else if let (Some(id), Some(rest)) = (current, line.strip_prefix("alt_id: ")) {
                if let Some(a) = parse_hpo(rest) {
                    o.alt.insert(a, id);
                }
            } else if line == "is_obsolete: true" {
                obsolete = true;
            } else if let Some(rest) = line.strip_prefix("replaced_by: ") {
                replaced = parse_hpo(rest);
            }
        }
        flush(&mut o, current, obsolete, replaced);
        if o.parents.is_empty() {
            return Err(Error::Ontology {
                path: path.to_path_buf(),
                line: 0,
                message: "no HPO term found".to_owned(),
            });
        }
        Ok(o)
    }

    /// Number of terms.
    #[must_use]
    pub fn len(&self) -> usize {
        self.parents.len()
    }

    /// True when the graph holds no term.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.parents.is_empty()
    }

    /// The current id of a term: itself, or the term an alternative or obsolete id stands for.
    #[must_use]
    pub fn canonical(&self, term: &str) -> Option<u32> {
        self.canonical_id(parse_hpo(term)?)
    }

    /// [`Ontology::canonical`] of a numeric id (`HP:0000648` is 648).
    #[must_use]
    pub fn canonical_id(&self, id: u32) -> Option<u32> {
        let mut id = id;
        for _ in 0..8 {
            if self.parents.contains_key(&id) {
                return Some(id);
            }
            id = *self.alt.get(&id)?;
        }
        None
    }

    /// The name of a term, when the graph was read from an `hp.obo` file (the shipped graph has
    /// no names).
    pub fn name(&self, id: u32) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// Every current term id, sorted.
    #[must_use]
    pub fn terms(&self) -> Vec<u32> {
        let mut t: Vec<u32> = self.parents.keys().copied().collect();
        t.sort_unstable();
        t
    }

    /// The direct parents of a term.
    pub fn parents(&self, id: u32) -> &[u32] {
        self.parents.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The nearest ancestors of `id` (itself excluded) for which `wanted` holds: the search goes
    /// up every path and stops at the first wanted term on it. Terms that are ancestors of another
    /// found term are dropped. Sorted.
    pub fn nearest_ancestors(&self, id: u32, wanted: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut found = Vec::new();
        let mut seen = vec![id];
        let mut stack: Vec<u32> = self.parents(id).to_vec();
        while let Some(t) = stack.pop() {
            if seen.contains(&t) {
                continue;
            }
            seen.push(t);
            if wanted(t) {
                found.push(t);
            } else {
                stack.extend_from_slice(self.parents(t));
            }
        }
        let keep: Vec<u32> = found
            .iter()
            .copied()
            .filter(|&a| !found.iter().any(|&b| b != a && self.is_ancestor(a, b)))
            .collect();
        let mut keep = keep;
        keep.sort_unstable();
        keep
    }

    /// Every strict ancestor of a term (unsorted, each once).
    #[must_use]
    pub fn ancestors(&self, id: u32) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        let mut stack = self.parents(id).to_vec();
        let mut seen = std::collections::HashSet::new();
        while let Some(t) = stack.pop() {
            if seen.insert(t) {
                out.push(t);
                stack.extend_from_slice(self.parents(t));
            }
        }
        out
    }

    /// True when `a` is a strict ancestor of `b`.
    #[must_use]
    pub fn is_ancestor(&self, a: u32, b: u32) -> bool {
        let mut stack = self.parents(b).to_vec();
        let mut seen = Vec::new();
        while let Some(t) = stack.pop() {
            if t == a {
                return true;
            }
            if !seen.contains(&t) {
                seen.push(t);
                stack.extend_from_slice(self.parents(t));
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    /// The shipped graph is exactly what the writer makes of it: regenerating it from the same
    /// release's `hp.obo` (`catalogue --is-a`) gives the same file, and a hand edit shows.
    #[test]
    fn the_shipped_graph_is_in_the_writers_form() {
        let builtin = super::Ontology::builtin().unwrap();
        assert_eq!(builtin.to_tsv("2025-01-16"), super::BUILTIN);
    }
}
