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

/// Limits on input sizes. Nesting depth needs none of its own: both parsers refuse documents
/// nested deeper than their fixed limits (serde_json 128 levels, `toml` likewise) with an error.
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
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file_bytes: 64 * 1024 * 1024,
            patient_terms: 10_000,
            findings: 1_000_000,
            diagnoses: 100_000,
            rules: 10_000_000,
        }
    }
}
