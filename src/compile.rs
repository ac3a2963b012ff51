//! Compiling a [`KnowledgeBase`] into flat scoring tables.
//!
//! Everything the scorer needs is worked out here, once: the finding hierarchy is resolved
//! (a patient finding more specific than a rule's finding matches it; a more general one matches
//! it partially), frequencies become log10 likelihood ratios against the background, and the
//! result is stored as one row per [evidence id](crate::id::EvidenceId): a `base` value for every
//! diagnosis without an entry, and a sparse list of `(diagnosis, delta)` postings (knowledge bases
//! of at most [`DENSE_MAX_DIAGNOSES`] diagnoses also get the same deltas as dense rows). Values are
//! fixed-point integers in millionths of a log10 unit ([`LOG_SCALE`]), so that sums are exact and
//! the same whatever their order.
//!
//! The maths is in `DESIGN.md`; the constants are in [`ScoringConfig`].

use crate::id::{EvidenceId, ROWS_PER_FINDING};
use crate::knowledge::KnowledgeBase;
use crate::rule_file::Zygosity;

/// Fixed-point scale of log10 likelihood ratios: stored value = round(log10 LR × `LOG_SCALE`).
pub const LOG_SCALE: f64 = 1_000_000.0;

/// The patient zygosities a gene row distinguishes, in row order.
pub const ZYGOSITIES: [Zygosity; 4] = [
    Zygosity::Heterozygous,
    Zygosity::Biallelic,
    Zygosity::Hemizygous,
    Zygosity::Any,
];

/// The documented constants of the likelihood-ratio model.
///
/// ```
/// let config = osteodx::ScoringConfig { false_positive_share: 0.5, ..Default::default() };
/// let model = osteodx::Model::compile_with(&osteodx::KnowledgeBase::builtin()?, config);
/// assert_eq!(model.config().false_positive_share, 0.5);
/// # Ok::<(), osteodx::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScoringConfig {
    /// α: a clinical finding that a diagnosis has no rule for is still seen in it with
    /// probability α × background (another cause, a mislabelled term). An unrelated finding so
    /// costs each diagnosis log10 α (−0.6 at 0.25) and no more.
    pub false_positive_share: f64,
    /// δ: a patient finding more general than a rule's finding gets δ times the log LR it would
    /// get from the rule's frequency (noisy-OR over the rules below it) against its own background.
    pub partial_match_discount: f64,
    /// Frequencies are clamped to [ε, 1 − ε] so that an obligate finding observed absent, or an
    /// excluded one observed present, costs a finite amount (log10 ε ≈ −2.3 at 0.005).
    pub min_probability: f64,
    /// P(a pathogenic variant reported in a gene | the patient has some other skeletal disorder).
    pub gene_background: f64,
    /// P(a pathogenic variant reported in a gene no rule links to D | D).
    pub gene_false_positive: f64,
    /// A causal variant whose zygosity does not fit the rule (one variant in a recessive gene,
    /// two in a dominant one) counts this share of the gene's fraction.
    pub zygosity_mismatch: f64,
    /// Prior weight of "none of these", as a multiple of the summed prevalence of the built-in
    /// diagnoses: 1.0 makes "none of these" as likely as all of them together before evidence.
    pub none_prior_ratio: f64,
    /// Rules at or above this frequency are listed as "expected, not examined" in explanations.
    pub expected_threshold: f64,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        Self {
            false_positive_share: 0.25,
            partial_match_discount: 0.5,
            min_probability: 0.005,
            gene_background: 0.01,
            gene_false_positive: 0.001,
            zygosity_mismatch: 0.2,
            none_prior_ratio: 1.0,
            expected_threshold: 0.3,
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
    fn code(self) -> u8 {
        self as u8
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

/// Sentinel for "no rule finding" in [`Tables::post_via`].
pub(crate) const NO_VIA: u32 = u32::MAX;

/// The compiled scoring tables (CSR by evidence row).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tables {
    pub base: Vec<i32>,
    pub offsets: Vec<u32>,
    pub post_diag: Vec<u32>,
    pub post_delta: Vec<i32>,
    /// Explanation only: match kind per posting.
    pub post_kind: Vec<u8>,
    /// Explanation only: the rule finding (or gene) behind the posting.
    pub post_via: Vec<u32>,
    pub n_findings: usize,
    pub gene_symbols: Vec<String>,
    /// Dense mode: per row, its index into `dense` (u32::MAX: no postings); empty otherwise.
    pub dense_index: Vec<u32>,
    /// Dense mode: one row of deltas per diagnosis for each row with postings.
    pub dense: Vec<i32>,
}

impl Tables {
    pub fn gene_row(&self, gene: usize, zygosity: Zygosity) -> EvidenceId {
        let z = ZYGOSITIES.iter().position(|&x| x == zygosity).unwrap_or(3);
        EvidenceId((ROWS_PER_FINDING * self.n_findings + 4 * gene + z) as u32)
    }

    pub fn other_gene_row(&self) -> EvidenceId {
        EvidenceId((ROWS_PER_FINDING * self.n_findings + 4 * self.gene_symbols.len()) as u32)
    }

    pub fn unplaced_row(&self) -> EvidenceId {
        EvidenceId(self.other_gene_row().0 + 1)
    }
}

/// Largest magnitude of one table value: 2^24 units, 16.7 log10 units (an LR of 10^16.7).
pub(crate) const MAX_UNITS: i32 = 1 << 24;

fn fixed(log10: f64) -> i32 {
    (log10 * LOG_SCALE)
        .round()
        .clamp(-f64::from(MAX_UNITS), f64::from(MAX_UNITS)) as i32
}

struct Posting {
    row: u32,
    diag: u32,
    value: i32,
    kind: MatchKind,
    via: u32,
}

/// Transitive closure of the parent links, as flat CSR lists of ancestors and descendants.
struct Hierarchy {
    anc_off: Vec<usize>,
    anc: Vec<u32>,
    desc_off: Vec<usize>,
    desc: Vec<u32>,
}

impl Hierarchy {
    fn new(kb: &KnowledgeBase) -> Self {
        let n = kb.findings().len();
        let parents: Vec<&[usize]> = kb.findings().values().map(|f| f.parents.as_slice()).collect();
        let mut anc_off = Vec::with_capacity(n + 1);
        let mut anc: Vec<u32> = Vec::new();
        let mut seen = vec![u32::MAX; n];
        let mut stack = Vec::new();
        anc_off.push(0);
        for (f, ps) in parents.iter().enumerate() {
            stack.extend_from_slice(ps);
            while let Some(p) = stack.pop() {
                if seen[p] != f as u32 && p != f {
                    seen[p] = f as u32;
                    anc.push(p as u32);
                    stack.extend_from_slice(parents[p]);
                }
            }
            anc_off.push(anc.len());
        }
        let mut count = vec![0usize; n + 1];
        for &a in &anc {
            count[a as usize + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let desc_off = count.clone();
        let mut desc = vec![0u32; anc.len()];
        let mut fill = count;
        for f in 0..n {
            for &a in &anc[anc_off[f]..anc_off[f + 1]] {
                desc[fill[a as usize]] = f as u32;
                fill[a as usize] += 1;
            }
        }
        Self {
            anc_off,
            anc,
            desc_off,
            desc,
        }
    }

    fn ancestors(&self, f: usize) -> &[u32] {
        &self.anc[self.anc_off[f]..self.anc_off[f + 1]]
    }

    fn descendants(&self, f: usize) -> &[u32] {
        &self.desc[self.desc_off[f]..self.desc_off[f + 1]]
    }
}

/// Per-finding working values for one diagnosis, reset by stamping.
#[derive(Clone, Copy)]
struct Slot {
    stamp: u32,
    priority: u8,
    llr: f64,
    kind: MatchKind,
    via: u32,
    /// Noisy-OR complement for partial matches (product of 1 − p).
    miss: f64,
    miss_via: u32,
    absent_p: f64,
    absent_via: u32,
}

const EMPTY: Slot = Slot {
    stamp: u32::MAX,
    priority: 0,
    llr: 0.0,
    kind: MatchKind::Unrelated,
    via: NO_VIA,
    miss: 1.0,
    miss_via: NO_VIA,
    absent_p: -1.0,
    absent_via: NO_VIA,
};

pub(crate) fn compile(kb: &KnowledgeBase, cfg: &ScoringConfig) -> Tables {
    let findings: Vec<_> = kb.findings().values().collect();
    let n = findings.len();
    let eps = cfg.min_probability;
    let clamp = |p: f64| p.clamp(eps, 1.0 - eps);
    let bg: Vec<f64> = findings.iter().map(|f| clamp(f.background)).collect();
    let context: Vec<bool> = findings.iter().map(|f| f.kind.is_context()).collect();
    let log_alpha = cfg.false_positive_share.log10();

    let mut gene_symbols: Vec<String> = Vec::new();
    let mut seen_genes = std::collections::HashSet::new();
    for d in kb.diagnoses().values() {
        for g in &d.genes {
            if seen_genes.insert(g.symbol.as_str()) {
                gene_symbols.push(g.symbol.clone());
            }
        }
    }
    let gene_index: std::collections::HashMap<&str, usize> =
        gene_symbols.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let n_rows = ROWS_PER_FINDING * n + 4 * gene_symbols.len() + 2;
    let mut base = vec![0i32; n_rows];
    let base_present: Vec<f64> = (0..n).map(|f| if context[f] { 0.0 } else { log_alpha }).collect();
    let base_absent: Vec<f64> = (0..n)
        .map(|f| {
            if context[f] {
                0.0
            } else {
                ((1.0 - cfg.false_positive_share * bg[f]) / (1.0 - bg[f])).log10()
            }
        })
        .collect();
    for f in 0..n {
        base[3 * f] = fixed(base_present[f]);
        base[3 * f + 1] = fixed(base_absent[f]);
        base[3 * f + 2] = fixed(base_present[f]);
    }
    let gene_base = (cfg.gene_false_positive / cfg.gene_background).log10();
    for row in base
        .iter_mut()
        .skip(ROWS_PER_FINDING * n)
        .take(4 * gene_symbols.len() + 1)
    {
        *row = fixed(gene_base);
    }
    base[n_rows - 1] = fixed(log_alpha);

    let hier = Hierarchy::new(kb);
    let mut slots = vec![EMPTY; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut postings: Vec<Posting> = Vec::new();

    for (d, diag) in kb.diagnoses().values().enumerate() {
        let stamp = d as u32;
        touched.clear();
        let touch = |slots: &mut [Slot], f: usize, touched: &mut Vec<usize>| {
            if slots[f].stamp != stamp {
                slots[f] = Slot { stamp, ..EMPTY };
                touched.push(f);
            }
        };
        for rule in &diag.rules {
            let r = rule.finding;
            let p = clamp(rule.frequency);
            let mut llr = match rule.lr {
                Some(lr) => lr.log10(),
                None => (p / bg[r]).log10(),
            };
            if !rule.against && !context[r] {
                llr = llr.max(log_alpha);
            }
            // Exact, then every more specific finding (full match, the rule's own LR).
            touch(&mut slots, r, &mut touched);
            slots[r].priority = 3;
            slots[r].llr = llr;
            slots[r].kind = MatchKind::Exact;
            slots[r].via = r as u32;
            for &s in hier.descendants(r) {
                let s = s as usize;
                touch(&mut slots, s, &mut touched);
                let slot = &mut slots[s];
                if slot.priority < 2 || (slot.priority == 2 && llr > slot.llr) {
                    slot.priority = 2;
                    slot.llr = llr;
                    slot.kind = MatchKind::MoreSpecific;
                    slot.via = r as u32;
                }
            }
            // Absence of r or of any ancestor of r rules r out.
            for x in std::iter::once(r as u32).chain(hier.ancestors(r).iter().copied()) {
                let x = x as usize;
                touch(&mut slots, x, &mut touched);
                if p > slots[x].absent_p {
                    slots[x].absent_p = p;
                    slots[x].absent_via = r as u32;
                }
            }
            // More general findings match partially (noisy-OR over the rules below them).
            if !rule.against && !context[r] {
                for &a in hier.ancestors(r) {
                    let a = a as usize;
                    touch(&mut slots, a, &mut touched);
                    slots[a].miss *= 1.0 - p;
                    if slots[a].miss_via == NO_VIA {
                        slots[a].miss_via = r as u32;
                    }
                }
            }
        }
        touched.sort_unstable();
        for &f in &touched {
            let slot = &mut slots[f];
            if slot.priority == 0 && slot.miss < 1.0 {
                let p = clamp(1.0 - slot.miss);
                let llr = cfg.partial_match_discount * (p / bg[f]).log10();
                if llr > base_present[f] {
                    slot.priority = 1;
                    slot.llr = llr;
                    slot.kind = MatchKind::MoreGeneral;
                    slot.via = slot.miss_via;
                }
            }
            if slot.priority > 0 {
                let value = fixed(slot.llr) - fixed(base_present[f]);
                if value != 0 {
                    postings.push(Posting {
                        row: 3 * f as u32,
                        diag: d as u32,
                        value,
                        kind: slot.kind,
                        via: slot.via,
                    });
                    // Implied by a more specific term outside the vocabulary: no partial match.
                    if slot.priority >= 2 {
                        postings.push(Posting {
                            row: 3 * f as u32 + 2,
                            diag: d as u32,
                            value,
                            kind: MatchKind::MoreSpecific,
                            via: slot.via,
                        });
                    }
                }
            }
            if slot.absent_p >= 0.0 {
                let llr = ((1.0 - slot.absent_p) / (1.0 - bg[f])).log10();
                let value = fixed(llr) - fixed(base_absent[f]);
                if value != 0 {
                    let kind = if slot.absent_via == f as u32 {
                        MatchKind::Exact
                    } else {
                        MatchKind::MoreGeneral
                    };
                    postings.push(Posting {
                        row: 3 * f as u32 + 1,
                        diag: d as u32,
                        value,
                        kind,
                        via: slot.absent_via,
                    });
                }
            }
        }
        // Genes: one row per symbol and patient zygosity (only the diagnosis's own symbols).
        let mut own: Vec<usize> = diag
            .genes
            .iter()
            .filter_map(|x| gene_index.get(x.symbol.as_str()).copied())
            .collect();
        own.sort_unstable();
        own.dedup();
        for g in own {
            let symbol = &gene_symbols[g];
            for (z, &patient_z) in ZYGOSITIES.iter().enumerate() {
                let p: f64 = diag
                    .genes
                    .iter()
                    .filter(|x| &x.symbol == symbol)
                    .map(|x| x.fraction * zygosity_factor(x.zygosity, patient_z, cfg))
                    .sum();
                if p > 0.0 {
                    let llr = (p.min(1.0).max(cfg.gene_false_positive) / cfg.gene_background).log10();
                    let value = fixed(llr) - fixed(gene_base);
                    if value != 0 {
                        let row = (ROWS_PER_FINDING * n + 4 * g + z) as u32;
                        postings.push(Posting {
                            row,
                            diag: d as u32,
                            value,
                            kind: MatchKind::Gene,
                            via: g as u32,
                        });
                    }
                }
            }
        }
    }

    // Counting sort by row; postings were made in diagnosis order, so each row stays sorted by
    // diagnosis.
    let mut offsets = vec![0u32; n_rows + 1];
    for p in &postings {
        offsets[p.row as usize + 1] += 1;
    }
    for i in 0..n_rows {
        offsets[i + 1] += offsets[i];
    }
    let total = postings.len();
    let mut fill: Vec<u32> = offsets[..n_rows].to_vec();
    let mut post_diag = vec![0u32; total];
    let mut post_delta = vec![0i32; total];
    let mut post_kind = vec![0u8; total];
    let mut post_via = vec![0u32; total];
    for p in &postings {
        let i = fill[p.row as usize] as usize;
        fill[p.row as usize] += 1;
        post_diag[i] = p.diag;
        post_delta[i] = p.value;
        post_kind[i] = p.kind.code();
        post_via[i] = p.via;
    }
    // Small knowledge bases (the built-in one) also get dense rows: adding a row of all
    // diagnoses' deltas vectorises, and beats walking postings when most rows touch most
    // diagnoses. Only rows with postings are stored.
    let n_diag = kb.diagnoses().len();
    let (mut dense_index, mut dense) = (Vec::new(), Vec::new());
    if n_diag <= DENSE_MAX_DIAGNOSES {
        dense_index = vec![u32::MAX; n_rows];
        // Identical rows (a finding present and implied, siblings with the same rules) share
        // one copy.
        let mut seen: std::collections::HashMap<Vec<i32>, u32> = std::collections::HashMap::new();
        let mut row_values = vec![0i32; n_diag];
        for row in 0..n_rows {
            let (lo, hi) = (offsets[row] as usize, offsets[row + 1] as usize);
            if lo < hi {
                row_values.iter_mut().for_each(|v| *v = 0);
                for i in lo..hi {
                    row_values[post_diag[i] as usize] = post_delta[i];
                }
                let next = (dense.len() / n_diag) as u32;
                let index = *seen.entry(row_values.clone()).or_insert_with(|| {
                    dense.extend_from_slice(&row_values);
                    next
                });
                dense_index[row] = index;
            }
        }
    }
    Tables {
        base,
        offsets,
        post_diag,
        post_delta,
        post_kind,
        post_via,
        n_findings: n,
        gene_symbols,
        dense_index,
        dense,
    }
}

/// Knowledge bases with at most this many diagnoses get dense rows as well.
pub const DENSE_MAX_DIAGNOSES: usize = 64;

fn zygosity_factor(rule: Zygosity, patient: Zygosity, cfg: &ScoringConfig) -> f64 {
    use Zygosity::*;
    match (rule, patient) {
        (Any, _) | (_, Any) => 1.0,
        (a, b) if a == b => 1.0,
        // A hemizygous male carries no second X allele: treated as biallelic loss.
        (Biallelic, Hemizygous) | (Hemizygous, Biallelic) => 1.0,
        _ => cfg.zygosity_mismatch,
    }
}
