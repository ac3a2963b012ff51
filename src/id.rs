//! Dense integer ids, minted in one place.
//!
//! A compiled [`Model`](crate::Model) numbers its findings and diagnoses by their position in the
//! [`KnowledgeBase`](crate::KnowledgeBase) (file order). Evidence ids number what the scorer
//! reads: finding `f` observed present is evidence `3f`, observed absent `3f + 1`, implied by a
//! more specific HPO term outside the vocabulary `3f + 2`; genetic results and unplaced HPO terms
//! follow after the findings.

use serde::Serialize;

/// The index of a diagnosis in the knowledge base (file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DiagnosisId(pub u32);

/// The index of a finding in the knowledge base (file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FindingId(pub u32);

/// One row of the compiled scoring table: an observation the scorer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct EvidenceId(pub u32);

/// Evidence rows per finding: present, absent, implied.
pub const ROWS_PER_FINDING: usize = 3;

impl FindingId {
    /// The evidence id of this finding observed present.
    pub fn present(self) -> EvidenceId {
        EvidenceId(self.0 * 3)
    }

    /// The evidence id of this finding observed absent.
    pub fn absent(self) -> EvidenceId {
        EvidenceId(self.0 * 3 + 1)
    }

    /// The evidence id of this finding implied by a more specific HPO term that is not in the
    /// vocabulary: it matches rules on this finding and its ancestors, but not, partially, rules
    /// on its descendants (the patient's term is not one of them).
    pub fn implied(self) -> EvidenceId {
        EvidenceId(self.0 * 3 + 2)
    }
}

impl DiagnosisId {
    /// As an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl EvidenceId {
    /// As an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
