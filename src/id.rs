//! Dense integer ids, minted in one place.
//!
//! A compiled [`Model`](crate::Model) numbers its findings and diagnoses by their position in the
//! [`KnowledgeBase`](crate::KnowledgeBase) (file order). Evidence ids number what the scorer
//! reads (a finding observed present, absent or implied, a gene result); how they are laid out
//! is private to the compiled tables. Only the crate mints them: a caller gets them from a
//! model ([`Model::diagnosis_index`](crate::Model::diagnosis_index),
//! [`Model::diagnosis_ids`](crate::Model::diagnosis_ids), [`Model::lookup`](crate::Model::lookup),
//! [`ResolvedPatient::evidence`](crate::ResolvedPatient::evidence)), so that an id always means
//! what the model that made it says.

use serde::Serialize;

/// The index of a diagnosis in the knowledge base (file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DiagnosisId(pub(crate) u32);

/// The index of a finding in the knowledge base (file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FindingId(pub(crate) u32);

/// One row of the compiled scoring table: an observation the scorer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct EvidenceId(pub(crate) u32);

impl FindingId {
    /// As an index.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl DiagnosisId {
    /// As an index.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl EvidenceId {
    /// As an index.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
