//! Dense integer ids, minted in one place.
//!
//! A compiled [`Model`](crate::Model) numbers its findings and diagnoses by their position in the
//! [`KnowledgeBase`](crate::KnowledgeBase) (file order). Evidence ids number what the scorer
//! reads: finding `f` observed present is evidence `2f`, observed absent `2f + 1`; genetic
//! results and unplaced HPO terms follow after the findings.

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

impl FindingId {
    /// The evidence id of this finding observed present.
    pub fn present(self) -> EvidenceId {
        EvidenceId(self.0 * 2)
    }

    /// The evidence id of this finding observed absent.
    pub fn absent(self) -> EvidenceId {
        EvidenceId(self.0 * 2 + 1)
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
