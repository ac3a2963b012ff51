//! The compiled scoring tables and the one place that knows how an evidence row is laid out.
//!
//! An evidence row is one thing the scorer can read about a patient: finding `f` observed
//! present, observed absent, or implied by a more specific HPO term outside the vocabulary, or a
//! variant in gene `g` with a patient zygosity. [`Row`] names them; [`Layout`] mints and decodes
//! their [`EvidenceId`]s, and nothing else in the crate does arithmetic on those ids.
//!
//! Each row has a `default` value (the value for every diagnosis without a posting; [`NO_MATCH`]
//! when a diagnosis without a rule falls back to the observation's false-positive value) and
//! sparse postings `(diagnosis, value)`. Knowledge bases of at most [`DENSE_MAX_DIAGNOSES`]
//! diagnoses also store each row with postings as a dense lane of all diagnoses' values.
//! [`Tables::value`] is the single accessor that scoring checks against and explanations use.

use crate::id::{DiagnosisId, EvidenceId, FindingId};
use crate::rule_file::Zygosity;

/// Fixed-point scale of log10 likelihood ratios: stored value = round(log10 LR × `LOG_SCALE`).
pub(crate) const LOG_SCALE: f64 = 1_000_000.0;

/// "No rule of this diagnosis matches": the observation's fallback (false-positive) value
/// applies. Below every real value, so that the maximum over an observation's rows ignores it.
pub(crate) const NO_MATCH: i32 = i32::MIN / 4;

/// Largest magnitude of one table value: 2^24 units, 16.7 log10 units.
pub(crate) const MAX_UNITS: i32 = 1 << 24;

/// Knowledge bases with at most this many diagnoses get dense rows as well.
pub(crate) const DENSE_MAX_DIAGNOSES: usize = 64;

/// Sentinel for "no rule finding" in [`Entry::via`].
pub(crate) const NO_VIA: u32 = u32::MAX;

/// The patient zygosities a gene row distinguishes, in row order.
const ZYGOSITIES: [Zygosity; 4] = [
    Zygosity::Heterozygous,
    Zygosity::Biallelic,
    Zygosity::Hemizygous,
    Zygosity::Any,
];

/// What an evidence row says about the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Row {
    /// The finding was observed present.
    Present(FindingId),
    /// The finding was observed absent.
    Absent(FindingId),
    /// A more specific HPO term outside the vocabulary was observed: it matches rules on this
    /// finding and its ancestors, but not, partially, rules on its descendants.
    Implied(FindingId),
    /// A pathogenic variant in gene (index into the gene symbols) with this zygosity.
    Gene(u32, Zygosity),
}

/// Evidence rows of one finding (present, absent, implied) and of one gene (one per zygosity).
const FINDING_ROWS: u32 = 3;
const GENE_ROWS: u32 = 4;

/// The row layout of one compiled model: `FINDING_ROWS` rows per finding, then `GENE_ROWS`
/// per gene symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub n_findings: u32,
    pub n_genes: u32,
}

impl Layout {
    /// The number of rows.
    pub fn rows(self) -> usize {
        (FINDING_ROWS * self.n_findings + GENE_ROWS * self.n_genes) as usize
    }

    /// The first gene row (every row from here on is a gene row).
    pub fn first_gene_row(self) -> usize {
        (FINDING_ROWS * self.n_findings) as usize
    }

    /// The evidence id of a row.
    pub fn encode(self, row: Row) -> EvidenceId {
        EvidenceId(match row {
            Row::Present(f) => FINDING_ROWS * f.0,
            Row::Absent(f) => FINDING_ROWS * f.0 + 1,
            Row::Implied(f) => FINDING_ROWS * f.0 + 2,
            Row::Gene(g, z) => {
                let zi = ZYGOSITIES.iter().position(|&x| x == z).unwrap_or(3) as u32;
                FINDING_ROWS * self.n_findings + GENE_ROWS * g + zi
            }
        })
    }

    /// The row of an evidence id, `None` beyond the table.
    pub fn decode(self, e: EvidenceId) -> Option<Row> {
        let findings = FINDING_ROWS * self.n_findings;
        if e.0 < findings {
            let f = FindingId(e.0 / FINDING_ROWS);
            Some(match e.0 % FINDING_ROWS {
                0 => Row::Present(f),
                1 => Row::Absent(f),
                _ => Row::Implied(f),
            })
        } else if (e.index()) < self.rows() {
            let k = e.0 - findings;
            Some(Row::Gene(k / GENE_ROWS, ZYGOSITIES[(k % GENE_ROWS) as usize]))
        } else {
            None
        }
    }
}

/// How a table entry came about; the explanation reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// A rule on this very finding.
    Exact,
    /// The patient's finding is more specific than the rule's finding.
    MoreSpecific,
    /// The patient's finding is more general than the rule's finding(s): partial match.
    MoreGeneral,
    /// No rule: the false-positive model (clinical kinds) or neutral (context kinds).
    Unrelated,
    /// A genetic result.
    Gene,
}

impl MatchKind {
    /// The name the JSON output uses (`more_specific`), also the one the HTML report shows.
    ///
    /// ```
    /// assert_eq!(osteodx::MatchKind::MoreSpecific.as_str(), "more_specific");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::MoreSpecific => "more_specific",
            Self::MoreGeneral => "more_general",
            Self::Unrelated => "unrelated",
            Self::Gene => "gene",
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Exact => 0,
            Self::MoreSpecific => 1,
            Self::MoreGeneral => 2,
            Self::Unrelated => 3,
            Self::Gene => 4,
        }
    }

    pub(crate) fn from_code(code: u8) -> Self {
        match code {
            0 => Self::Exact,
            1 => Self::MoreSpecific,
            2 => Self::MoreGeneral,
            4 => Self::Gene,
            _ => Self::Unrelated,
        }
    }
}

/// One row's value for one diagnosis, as the explanation reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The value in units, or [`NO_MATCH`].
    pub value: i32,
    /// How it matched.
    pub kind: MatchKind,
    /// The rule's finding (or gene index) behind it, [`NO_VIA`] when none.
    pub via: u32,
}

/// The compiled scoring tables (CSR by evidence row).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tables {
    pub layout: Layout,
    pub n_diagnoses: usize,
    /// Per row: the value of diagnoses without a posting ([`NO_MATCH`]: the fallback applies).
    pub default: Vec<i32>,
    /// Per row: its fallback value when used alone (the false-positive value of its finding).
    pub fallback: Vec<i32>,
    /// Per row: evidence independent of the clinical findings (a context finding — onset, age,
    /// sex, family history — or a gene result), which the design effect does not damp.
    pub independent: Vec<bool>,
    pub offsets: Vec<u32>,
    pub post_diag: Vec<u32>,
    pub post_value: Vec<i32>,
    /// Explanation only: match kind per posting.
    pub post_kind: Vec<u8>,
    /// Explanation only: the rule finding (or gene) behind the posting.
    pub post_via: Vec<u32>,
    pub gene_symbols: Vec<String>,
    /// Dense mode: per row, its index into `dense` (`u32::MAX`: no postings); empty otherwise.
    pub dense_index: Vec<u32>,
    /// Dense mode: one lane of values (defaults filled in) per row with postings.
    pub dense: Vec<i32>,
}

impl Tables {
    /// The value of a row for a diagnosis, with how it matched: the one accessor shared by
    /// scoring's checks and by explanations. `None` beyond the table.
    pub fn value(&self, e: EvidenceId, d: DiagnosisId) -> Option<Entry> {
        let row = e.index();
        let default = *self.default.get(row)?;
        let (lo, hi) = (self.offsets[row] as usize, self.offsets[row + 1] as usize);
        // Postings of a row are sorted by diagnosis.
        Some(match self.post_diag[lo..hi].binary_search(&d.0) {
            Ok(i) => Entry {
                value: self.post_value[lo + i],
                kind: MatchKind::from_code(self.post_kind[lo + i]),
                via: self.post_via[lo + i],
            },
            Err(_) => Entry {
                value: default,
                kind: match self.layout.decode(e) {
                    Some(Row::Gene(..)) => MatchKind::Gene,
                    _ => MatchKind::Unrelated,
                },
                via: NO_VIA,
            },
        })
    }

    /// The postings of a row: `(diagnosis, value)`.
    pub fn postings(&self, row: usize) -> (&[u32], &[i32]) {
        let (lo, hi) = (self.offsets[row] as usize, self.offsets[row + 1] as usize);
        (&self.post_diag[lo..hi], &self.post_value[lo..hi])
    }

    /// Dense mode: the lane of a row with postings.
    pub fn lane(&self, row: usize) -> Option<&[i32]> {
        let index = *self.dense_index.get(row)?;
        if index == u32::MAX {
            return None;
        }
        let start = index as usize * self.n_diagnoses;
        self.dense.get(start..start + self.n_diagnoses)
    }

    /// True when the tables have dense rows.
    pub fn is_dense(&self) -> bool {
        !self.dense_index.is_empty()
    }

    /// Check that the tables are whole and every index and value is in range, so that scoring
    /// and explaining them cannot go out of bounds: what a compiled file read back must pass.
    /// `n_findings` and `n_diagnoses` are those of the knowledge base they go with.
    pub fn check(&self, n_findings: usize, n_diagnoses: usize) -> Result<(), String> {
        let rows = self.layout.rows();
        let in_range = |v: i32| (-MAX_UNITS..=MAX_UNITS).contains(&v);
        let in_range_or_none = |v: i32| v == NO_MATCH || in_range(v);
        let postings = self.post_diag.len();
        let checks: [(bool, &str); 12] = [
            (
                self.layout.n_findings as usize == n_findings,
                "finding count differs from the knowledge base",
            ),
            (
                self.n_diagnoses == n_diagnoses,
                "diagnosis count differs from the knowledge base",
            ),
            (
                self.gene_symbols.len() == self.layout.n_genes as usize,
                "gene count differs from the layout",
            ),
            (
                self.default.len() == rows && self.fallback.len() == rows && self.independent.len() == rows,
                "row arrays of unequal length",
            ),
            (
                self.offsets.len() == rows + 1
                    && self.offsets.first() == Some(&0)
                    && self.offsets.last().map(|&o| o as usize) == Some(postings)
                    && self.offsets.windows(2).all(|w| w[0] <= w[1]),
                "row offsets are not a partition of the postings",
            ),
            (
                self.post_value.len() == postings
                    && self.post_kind.len() == postings
                    && self.post_via.len() == postings,
                "posting arrays of unequal length",
            ),
            (
                self.default.iter().all(|&v| in_range_or_none(v)),
                "a default value out of range",
            ),
            (
                self.fallback.iter().all(|&v| in_range(v)),
                "a fallback value out of range",
            ),
            (
                self.post_value.iter().all(|&v| in_range(v)),
                "a posting value out of range",
            ),
            (
                self.post_kind.iter().all(|&k| MatchKind::from_code(k).code() == k),
                "an unknown match kind",
            ),
            (
                self.dense.iter().all(|&v| in_range_or_none(v)),
                "a dense value out of range",
            ),
            (
                self.dense_index.is_empty()
                    || (self.dense_index.len() == rows
                        && n_diagnoses > 0
                        && self.dense.len() % n_diagnoses == 0
                        && self
                            .dense_index
                            .iter()
                            .all(|&i| i == u32::MAX || (i as usize) < self.dense.len() / n_diagnoses)),
                "dense lanes out of range",
            ),
        ];
        if let Some((_, what)) = checks.iter().find(|(ok, _)| !ok) {
            return Err((*what).to_owned());
        }
        for row in 0..rows {
            let (lo, hi) = (self.offsets[row] as usize, self.offsets[row + 1] as usize);
            let diagnoses = &self.post_diag[lo..hi];
            if diagnoses.iter().any(|&d| d as usize >= n_diagnoses) || diagnoses.windows(2).any(|w| w[0] >= w[1]) {
                return Err(format!(
                    "row {row}: postings not sorted diagnoses of the knowledge base"
                ));
            }
            let vias = if row < self.layout.first_gene_row() {
                n_findings
            } else {
                self.gene_symbols.len()
            };
            if self.post_via[lo..hi].iter().any(|&v| v != NO_VIA && v as usize >= vias) {
                return Err(format!(
                    "row {row}: a posting names a finding or gene beyond the tables"
                ));
            }
        }
        Ok(())
    }
}

/// A value in units, saturated to ±[`MAX_UNITS`].
pub(crate) fn fixed(log10: f64) -> i32 {
    if log10.is_nan() {
        return 0;
    }
    (log10 * LOG_SCALE)
        .round()
        .clamp(-f64::from(MAX_UNITS), f64::from(MAX_UNITS)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_round_trips_every_row() {
        let layout = Layout {
            n_findings: 5,
            n_genes: 2,
        };
        let mut seen = Vec::new();
        for f in 0..5 {
            for row in [
                Row::Present(FindingId(f)),
                Row::Absent(FindingId(f)),
                Row::Implied(FindingId(f)),
            ] {
                let e = layout.encode(row);
                assert_eq!(layout.decode(e), Some(row));
                seen.push(e.0);
            }
        }
        for g in 0..2 {
            for z in ZYGOSITIES {
                let e = layout.encode(Row::Gene(g, z));
                assert_eq!(layout.decode(e), Some(Row::Gene(g, z)));
                seen.push(e.0);
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..layout.rows() as u32).collect::<Vec<_>>());
        assert_eq!(layout.decode(EvidenceId(layout.rows() as u32)), None);
    }
}
