//! Resolving a [`Patient`] into sorted evidence ids, once, before scoring.
//!
//! * Findings are looked up by id, HPO id, label or synonym (case-insensitive).
//! * An HPO id outside the vocabulary is placed through the HPO graph onto its nearest
//!   vocabulary ancestors (a more specific term matches its ancestor's rules). An HPO term that
//!   has no vocabulary ancestor counts as one unrelated clinical finding (the false-positive
//!   model) and is listed in [`ResolutionNotes::unplaced`].
//! * A name that is neither is listed in [`ResolutionNotes::unknown`] with the nearest known
//!   names, and not scored ([`Model::resolve_strict`](crate::Model::resolve_strict) makes it an error).
//! * Sex, ages, family history, lab values and genetic results become evidence too.
//! * A finding given both present and absent is an error.

use crate::engine::Engine;
use crate::error::{Error, PatientError};
use crate::id::{EvidenceId, FindingId};
use crate::knowledge::is_hpo_id;
use crate::labs::PANCYTOPENIA;
use crate::limits::Limits;
use crate::onset::{examination_finding, onset_finding};
use crate::ontology::Ontology;
use crate::patient::{check_range, Analyte, Patient, Sex, Zygosity, EXAMINATION_YEARS, ONSET_YEARS};
use crate::resolved::{PlacedTerm, ResolutionNotes, ResolvedPatient, UnknownName, MAX_SUGGESTED_NAMES, ROW_FALLBACK};
use crate::tables::Row;

impl ResolvedPatient {
    /// This patient with one more answer: vocabulary finding `f` observed present or absent, as
    /// resolution would have made it. A present finding replaces the present findings above it
    /// (its ancestors, which it implies); an absent finding replaces the absent findings below
    /// it. A term outside the vocabulary that is more general than `f` is kept.
    pub(crate) fn with_answer(&self, model: &Engine, f: FindingId, present: bool) -> ResolvedPatient {
        let layout = model.core.tables.layout;
        let hier = &model.hierarchy;
        let mut items: Vec<(Vec<EvidenceId>, i32, Option<String>, bool)> = Vec::with_capacity(self.len() + 1);
        for (i, o) in self.observations.iter().enumerate() {
            let rows = self.rows_of(o);
            let replaced = match rows {
                [e] => match layout.decode(*e) {
                    Some(Row::Present(g)) => present && hier.is_ancestor(g.index(), f.index()),
                    Some(Row::Absent(g)) => !present && hier.is_ancestor(f.index(), g.index()),
                    _ => false,
                },
                _ => false,
            };
            if !replaced {
                items.push((rows.to_vec(), o.fallback, self.label(i).map(str::to_owned), o.gene));
            }
        }
        let row = if present { Row::Present(f) } else { Row::Absent(f) };
        items.push((vec![layout.encode(row)], ROW_FALLBACK, None, false));
        // The order of resolution: by rows, those without rows last (by label).
        items.sort_by(|a, c| {
            (a.0.is_empty(), &a.0, a.2.as_deref().unwrap_or("")).cmp(&(
                c.0.is_empty(),
                &c.0,
                c.2.as_deref().unwrap_or(""),
            ))
        });
        let mut out = ResolvedPatient {
            notes: self.notes.clone(),
            ..ResolvedPatient::default()
        };
        for (rows, fallback, label, gene) in items {
            out.push(rows, fallback, label, gene);
        }
        out
    }

    /// This patient with some observations changed, to be ranked (without the notes): `keep(i)`
    /// says whether observation `i` stays, `flip(i)` whether a single present (absent)
    /// vocabulary finding becomes absent (present).
    pub(crate) fn edited(
        &self,
        model: &Engine,
        keep: impl Fn(usize) -> bool,
        flip: impl Fn(usize) -> bool,
    ) -> ResolvedPatient {
        let mut out = ResolvedPatient::default();
        for (i, o) in self.observations.iter().enumerate() {
            if !keep(i) {
                continue;
            }
            let mut rows = self.rows_of(o).to_vec();
            if flip(i) {
                flip_row(model, &mut rows);
            }
            out.push(rows, o.fallback, self.label(i).map(str::to_owned), o.gene);
        }
        out
    }

    /// Observation `i` alone (flipped as [`ResolvedPatient::edited`] flips, when `flip`), without
    /// the notes: what the robustness search scores one observation at a time.
    pub(crate) fn single(&self, model: &Engine, i: usize, flip: bool) -> ResolvedPatient {
        let mut out = ResolvedPatient::default();
        if let Some(o) = self.observations.get(i) {
            let mut rows = self.rows_of(o).to_vec();
            if flip {
                flip_row(model, &mut rows);
            }
            out.push(rows, o.fallback, None, o.gene);
        }
        out
    }

    /// True when observation `i` is one vocabulary finding, present or absent (it can be flipped).
    pub(crate) fn is_flippable(&self, model: &Engine, i: usize) -> bool {
        self.observations.get(i).is_some_and(|o| {
            matches!(
                self.rows_of(o),
                [e] if matches!(model.core.tables.layout.decode(*e), Some(Row::Present(_) | Row::Absent(_)))
                    && !model.core.is_independent(self, o)
            )
        })
    }
}

/// A single present (absent) vocabulary row becomes the absent (present) row of its finding;
/// anything else stays as it is.
fn flip_row(model: &Engine, rows: &mut [EvidenceId]) {
    let layout = model.core.tables.layout;
    if let [e] = rows {
        match layout.decode(*e) {
            Some(Row::Present(f)) => *e = layout.encode(Row::Absent(f)),
            Some(Row::Absent(f)) => *e = layout.encode(Row::Present(f)),
            _ => {}
        }
    }
}

/// A present term while observations are formed.
struct Node {
    rows: Vec<EvidenceId>,
    label: String,
    term: Term,
    fallback: i32,
}

/// What a present term is: a vocabulary finding, or an HPO term outside the vocabulary with its
/// nearest vocabulary ancestors and all its HPO ancestors (sorted).
enum Term {
    Finding(FindingId),
    Placed(u32, Vec<FindingId>, Vec<u32>),
}

#[derive(Default)]
struct Builder {
    present: Vec<(FindingId, String)>,
    absent: Vec<(FindingId, String)>,
    /// HPO terms outside the vocabulary: (numeric id, nearest vocabulary ancestors, name).
    placed: Vec<(u32, Vec<FindingId>, String)>,
    /// Observations without rows: (fallback in units, label).
    bare: Vec<(i32, String)>,
    /// Genetic results: (rows, label).
    genes: Vec<(Vec<EvidenceId>, String)>,
    notes: ResolutionNotes,
}

/// The work of [`Model::resolve`](crate::Model::resolve).
pub(crate) fn resolve(m: &Engine, patient: &Patient) -> Result<ResolvedPatient, Error> {
    resolve_with(m, patient, &Limits::default())
}

/// The work of [`Model::resolve_with`](crate::Model::resolve_with).
pub(crate) fn resolve_with(m: &Engine, patient: &Patient, limits: &Limits) -> Result<ResolvedPatient, Error> {
    let terms = patient.present.len()
        + patient.absent.len()
        + patient.labs.len()
        + patient.genetics.len()
        + patient.family_history.len();
    if terms > limits.patient_terms {
        return Err(PatientError::TooLarge {
            what: "patient terms",
            size: terms as u64,
            limit: limits.patient_terms as u64,
        }
        .into());
    }
    let ontology = m.ontology()?;
    let mut b = Builder::default();
    for name in &patient.present {
        resolve_name(m, ontology, name, true, &mut b);
    }
    for name in &patient.absent {
        resolve_name(m, ontology, name, false, &mut b);
    }
    resolve_context(m, patient, &mut b)?;
    resolve_genes(m, patient, &mut b)?;

    b.present.sort();
    b.present.dedup_by_key(|x| x.0);
    b.absent.sort();
    b.absent.dedup_by_key(|x| x.0);
    for (f, name) in &b.present {
        if b.absent.binary_search_by_key(f, |x| x.0).is_ok() {
            return Err(PatientError::PresentAndAbsent(name.clone()).into());
        }
    }
    Ok(observations(m, ontology, b))
}

/// Drop what other observations already imply, then lay the rest out in a fixed order.
fn observations(m: &Engine, ontology: &Ontology, mut b: Builder) -> ResolvedPatient {
    let hier = &m.hierarchy;
    let layout = m.core.tables.layout;
    // Placed terms that sit exactly where an earlier one sits add nothing the rules can see.
    b.placed.sort_by_key(|a| a.0);
    let mut placed: Vec<(u32, Vec<FindingId>, String)> = Vec::new();
    for (t, at, name) in b.placed.drain(..) {
        if placed.iter().any(|(_, other, _)| *other == at) {
            b.notes.subsumed.push(name);
        } else {
            placed.push((t, at, name));
        }
    }
    // Present terms: a vocabulary finding, or a placed term. A term given together with one
    // of its descendants adds nothing the descendant does not say (P(a and b | D) = P(b | D)
    // when b implies a), so it is dropped: the two are one piece of evidence, not two.
    let mut nodes: Vec<Node> = b
        .present
        .iter()
        .map(|(f, _)| Node {
            rows: vec![layout.encode(Row::Present(*f))],
            label: m.finding_id(*f).to_owned(),
            term: Term::Finding(*f),
            fallback: ROW_FALLBACK,
        })
        .collect();
    for (t, at, term) in placed {
        let under: Vec<&str> = at.iter().map(|&f| m.finding_id(f)).collect();
        let rows: Vec<EvidenceId> = at.iter().map(|&f| layout.encode(Row::Implied(f))).collect();
        // The most specific placement's false-positive value (the term is at least as
        // specific as each of them).
        let fallback = rows
            .iter()
            .map(|r| m.core.tables.fallback[r.index()])
            .min()
            .unwrap_or(ROW_FALLBACK);
        let mut ancestors = ontology.ancestors(t);
        ancestors.sort_unstable();
        nodes.push(Node {
            rows,
            label: format!("{term} (under {})", under.join(", ")),
            term: Term::Placed(t, at, ancestors),
            fallback,
        });
    }
    // Each node with a given descendant joins the first descendant that has none itself.
    let owner = owners(m, ontology, &nodes);
    #[cfg(debug_assertions)]
    assert!(nodes.len() > 64 || owner == owners_pairwise(m, ontology, &nodes));
    let mut items: Vec<(Vec<EvidenceId>, i32, String, bool)> = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        if let Some(j) = owner[i] {
            b.notes
                .subsumed
                .push(format!("{} (implied by {})", node.label, nodes[j].label));
            continue;
        }
        let rows = node.rows.clone();
        let label = node.label.clone();
        let fallback = node.fallback;
        items.push((rows, fallback, label, false));
    }
    // Absent findings under another absent finding are already ruled out by it.
    let absent_set: std::collections::HashSet<u32> = b.absent.iter().map(|(f, _)| f.0).collect();
    let absent_keep: Vec<bool> = b
        .absent
        .iter()
        .map(|(g, _)| !hier.ancestors(g.index()).iter().any(|a| absent_set.contains(a)))
        .collect();
    for ((f, name), kept) in b.absent.into_iter().zip(absent_keep) {
        if kept {
            let label = format!("no {}", m.finding_id(f));
            items.push((vec![layout.encode(Row::Absent(f))], ROW_FALLBACK, label, false));
        } else {
            b.notes.subsumed.push(format!("no {name}"));
        }
    }
    // The genetic results are one observation: at most one of them causes the diagnosis, so
    // the best-explained gene counts and the others are incidental under every hypothesis
    // (an exome's candidate genes would otherwise each cost every diagnosis the
    // false-positive value, and hand the probability to "none of these").
    if !b.genes.is_empty() {
        let mut rows: Vec<EvidenceId> = b.genes.iter().flat_map(|(r, _)| r.iter().copied()).collect();
        rows.sort_unstable();
        rows.dedup();
        let names: Vec<&str> = b.genes.iter().map(|(_, name)| name.as_str()).collect();
        let fallback = gene_fallback(m, &rows);
        items.push((rows, fallback, names.join(", "), true));
    }
    for (fallback, name) in b.bare {
        items.push((Vec::new(), fallback, name, false));
    }
    // Observations in row order (those without rows last, by label): the same patient gives
    // the same layout whatever the order of its terms.
    items.sort_by(|a, c| (a.0.is_empty(), &a.0, &a.2).cmp(&(c.0.is_empty(), &c.0, &c.2)));
    let mut out = ResolvedPatient {
        notes: b.notes,
        ..ResolvedPatient::default()
    };
    for (rows, fallback, label, gene) in items {
        // A single row that is not a placement names the observation itself (explanations
        // describe the row); only the others keep the patient's label.
        let named = matches!(rows.as_slice(), [e] if !matches!(layout.decode(*e), Some(Row::Implied(_))));
        out.push(rows, fallback, (!named).then_some(label), gene);
    }
    out
}

/// For each node with a more specific node among `nodes`: the first of those that has none
/// more specific than itself (by [`is_more_general`]). The nodes more general than
/// each node are found from its ancestors (in the vocabulary and in the ontology), looked up
/// among the nodes, so that a patient of thousands of terms costs its terms times their
/// depth, not its terms squared or cubed.
fn owners(m: &Engine, ontology: &Ontology, nodes: &[Node]) -> Vec<Option<usize>> {
    let hier = &m.hierarchy;
    let n = nodes.len();
    let mut finding_node: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut placed_node: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        match &node.term {
            Term::Finding(f) => finding_node.entry(f.0).or_insert(i),
            Term::Placed(t, _, _) => placed_node.entry(*t).or_insert(i),
        };
    }
    // above[j]: the nodes more general than node j.
    let mut above: Vec<Vec<usize>> = Vec::with_capacity(n);
    for (j, node) in nodes.iter().enumerate() {
        let mut more_general: Vec<usize> = Vec::new();
        let mut findings_above = |f: usize, itself: bool| {
            let own = itself.then_some(f as u32);
            for a in own.into_iter().chain(hier.ancestors(f).iter().copied()) {
                more_general.extend(finding_node.get(&a));
            }
        };
        match &node.term {
            Term::Finding(g) => {
                findings_above(g.index(), false);
                let hpo = m.kb.findings()[g.index()]
                    .hpo
                    .as_deref()
                    .and_then(|h| ontology.canonical(h));
                for t in hpo.map(|h| ontology.ancestors(h)).unwrap_or_default() {
                    more_general.extend(placed_node.get(&t));
                }
            }
            Term::Placed(_, at, ancestors) => {
                for a in at {
                    findings_above(a.index(), true);
                }
                for t in ancestors {
                    more_general.extend(placed_node.get(t));
                }
            }
        }
        more_general.retain(|&i| i != j);
        more_general.sort_unstable();
        more_general.dedup();
        debug_assert!(more_general
            .iter()
            .all(|&i| is_more_general(m, ontology, &nodes[i].term, &node.term)));
        above.push(more_general);
    }
    let mut leaf = vec![true; n];
    for list in &above {
        for &i in list {
            leaf[i] = false;
        }
    }
    let mut owner = vec![None; n];
    for (j, list) in above.iter().enumerate().filter(|(j, _)| leaf[*j]) {
        for &i in list {
            owner[i].get_or_insert(j);
        }
    }
    owner
}

/// [`owners`] by comparing every pair (cubic): what debug builds check it against.
#[cfg(debug_assertions)]
fn owners_pairwise(m: &Engine, ontology: &Ontology, nodes: &[Node]) -> Vec<Option<usize>> {
    let below = |x: &Node, y: &Node| is_more_general(m, ontology, &x.term, &y.term);
    (0..nodes.len())
        .map(|i| {
            (0..nodes.len()).find(|&j| {
                j != i
                    && below(&nodes[i], &nodes[j])
                    && !(0..nodes.len()).any(|k| k != j && below(&nodes[j], &nodes[k]))
            })
        })
        .collect()
}

/// True when term `x` is a strict ancestor of term `y` (so `y` implies `x`), in the
/// vocabulary or in the ontology: what [`owners`] finds from the ancestors.
fn is_more_general(engine: &Engine, ontology: &Ontology, x: &Term, y: &Term) -> bool {
    let hier = &engine.hierarchy;
    let hpo_of = |f: FindingId| {
        engine.kb.findings()[f.index()]
            .hpo
            .as_deref()
            .and_then(|h| ontology.canonical(h))
    };
    match (x, y) {
        (Term::Finding(f), Term::Finding(g)) => hier.is_ancestor(f.index(), g.index()),
        (Term::Finding(f), Term::Placed(_, at, _)) => {
            at.iter().any(|a| a == f || hier.is_ancestor(f.index(), a.index()))
        }
        (Term::Placed(t, _, _), Term::Placed(_, _, above)) => above.binary_search(t).is_ok(),
        // A vocabulary finding lies under a placed term only in vocabularies that are not
        // closed under ancestors (the built-in one is).
        (Term::Placed(t, _, _), Term::Finding(g)) => hpo_of(*g).is_some_and(|h| ontology.is_ancestor(*t, h)),
    }
}

/// The value of the genetic results for a diagnosis that lists none of their genes: the best
/// of their rows' own fallbacks (φ, or about 0 for a heterozygous result in a gene with a
/// carrier rate), φ when no rule names any of the genes.
fn gene_fallback(m: &Engine, rows: &[EvidenceId]) -> i32 {
    rows.iter()
        .filter_map(|r| m.core.tables.fallback.get(r.index()).copied())
        .max()
        .unwrap_or_else(|| crate::tables::fixed(m.core.config.gene_false_positive.log10()))
}

/// The work of [`Model::resolve_strict`](crate::Model::resolve_strict).
pub(crate) fn resolve_strict(m: &Engine, patient: &Patient) -> Result<ResolvedPatient, Error> {
    let resolved = resolve(m, patient)?;
    if let Some(u) = resolved.notes.unknown.first() {
        return Err(PatientError::UnknownFinding {
            name: u.name.clone(),
            suggestions: u.suggestions.clone(),
        }
        .into());
    }
    Ok(resolved)
}

/// The work of [`Model::place_hpo`](crate::Model::place_hpo).
pub(crate) fn place_hpo(m: &Engine, term: &str) -> Result<Vec<FindingId>, Error> {
    Ok(place_in(m, m.ontology()?, term))
}

/// [`Model::place_hpo`](crate::Model::place_hpo) with this ontology.
fn place_in(m: &Engine, ontology: &Ontology, term: &str) -> Vec<FindingId> {
    let Some(start) = ontology.canonical(term) else {
        return Vec::new();
    };
    if let Some(f) = m.hpo_finding(&crate::ontology::format_hpo(start)) {
        return vec![FindingId(f)];
    }
    let found = ontology.nearest_ancestors(start, |t| m.hpo_finding(&crate::ontology::format_hpo(t)).is_some());
    let mut out: Vec<FindingId> = found
        .into_iter()
        .filter_map(|t| m.hpo_finding(&crate::ontology::format_hpo(t)).map(FindingId))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn resolve_name(m: &Engine, ontology: &Ontology, name: &str, present: bool, b: &mut Builder) {
    if let Some(f) = m.lookup(name) {
        let list = if present { &mut b.present } else { &mut b.absent };
        list.push((f, name.to_owned()));
        return;
    }
    let trimmed = name.trim();
    if is_hpo_id(trimmed) {
        if let Some(term) = ontology.canonical(trimmed) {
            let placed = place_in(m, ontology, trimmed);
            if placed.is_empty() {
                if present {
                    // One unrelated clinical finding of ordinary specificity.
                    let fallback = crate::tables::fixed(m.core.config.false_positive_share.log10());
                    b.bare.push((fallback, trimmed.to_owned()));
                    b.notes.unplaced.push(trimmed.to_owned());
                } else {
                    b.notes.unused_absent.push(trimmed.to_owned());
                }
            } else if present {
                b.notes.placed.push(PlacedTerm {
                    term: trimmed.to_owned(),
                    findings: placed.iter().map(|&f| m.finding_id(f).to_owned()).collect(),
                });
                b.placed.push((term, placed, trimmed.to_owned()));
            } else {
                // "No optic atrophy" says nothing about visual impairment in general.
                b.notes.unused_absent.push(trimmed.to_owned());
            }
            return;
        }
    }
    // "Did you mean" costs a comparison with every known name: the first names get it.
    let suggestions = if b.notes.unknown.len() < MAX_SUGGESTED_NAMES {
        m.suggest(name)
    } else {
        Vec::new()
    };
    b.notes.unknown.push(UnknownName {
        name: name.to_owned(),
        suggestions,
    });
}

fn push_context(m: &Engine, id: &str, present: bool, why: String, b: &mut Builder) {
    match m.kb.finding_index(id) {
        Some(i) => {
            let list = if present { &mut b.present } else { &mut b.absent };
            list.push((FindingId(i as u32), id.to_owned()));
            b.notes
                .derived
                .push(format!("{why} -> {}{id}", if present { "" } else { "no " }));
        }
        None => b.notes.not_expressible.push(why),
    }
}

fn resolve_context(m: &Engine, patient: &Patient, b: &mut Builder) -> Result<(), Error> {
    if let Some(v) = patient.age_at_onset_years {
        check_range("age at onset", v, &ONSET_YEARS)?;
    }
    if let Some(v) = patient.age_at_examination_years {
        check_range("age at examination", v, &EXAMINATION_YEARS)?;
    }
    if let (Some(onset), Some(exam)) = (patient.age_at_onset_years, patient.age_at_examination_years) {
        if onset > exam {
            b.notes.inconsistent.push(format!(
                "onset at {onset} years is after the examination at {exam} years (both scored as given)"
            ));
        }
    }
    if let Some(sex) = patient.sex {
        let id = match sex {
            Sex::Male => "sex_male",
            Sex::Female => "sex_female",
        };
        push_context(m, id, true, format!("sex {}", sex.as_str()), b);
    }
    if let Some(a) = patient.age_at_onset_years {
        push_context(m, onset_finding(a), true, format!("onset at {a} years"), b);
    }
    if let Some(a) = patient.age_at_examination_years {
        push_context(m, examination_finding(a), true, format!("examined at {a} years"), b);
    }
    for item in &patient.family_history {
        push_context(
            m,
            item.finding_id(),
            true,
            format!("family history {}", item.as_str()),
            b,
        );
    }
    let age = patient.age_at_examination_years.or(patient.age_at_onset_years);
    let mut low_counts = 0;
    let mut cytopenia_tested = 0;
    for lab in &patient.labs {
        let finding = lab.interpret(age, patient.sex)?;
        if matches!(
            lab.analyte,
            Analyte::Hemoglobin | Analyte::Platelets | Analyte::WhiteCells
        ) {
            cytopenia_tested |= 1 << (lab.analyte as u8);
            if finding.present {
                low_counts |= 1 << (lab.analyte as u8);
            }
        }
        push_lab(m, finding.names, finding.present, lab, b);
    }
    if cytopenia_tested == 0b111 && low_counts == 0b111 {
        push_lab(m, PANCYTOPENIA, true, &patient.labs[0], b);
    }
    Ok(())
}

fn push_lab(m: &Engine, names: &[&str], present: bool, lab: &crate::patient::LabValue, b: &mut Builder) {
    let why = format!("{} {} {}", lab.analyte.as_str(), lab.value, lab.unit);
    // A finding the caller gave explicitly wins over one derived from a value.
    let Some(f) = names.iter().find_map(|n| m.lookup(n)) else {
        b.notes.not_expressible.push(why);
        return;
    };
    if b.present.iter().chain(b.absent.iter()).any(|x| x.0 == f) {
        return;
    }
    let id = m.finding_id(f).to_owned();
    b.notes
        .derived
        .push(format!("{why} -> {}{id}", if present { "" } else { "no " }));
    let list = if present { &mut b.present } else { &mut b.absent };
    list.push((f, id));
}

fn resolve_genes(m: &Engine, patient: &Patient, b: &mut Builder) -> Result<(), Error> {
    let mut seen: Vec<(String, Zygosity)> = Vec::new();
    for g in &patient.genetics {
        let symbol = g.gene.trim().to_ascii_uppercase();
        if symbol.is_empty() {
            return Err(PatientError::EmptyGene.into());
        }
        let z = g.zygosity.unwrap_or(Zygosity::Any);
        match seen.iter_mut().find(|(s, _)| *s == symbol) {
            // Two heterozygous results in one gene: compound heterozygous.
            Some((_, prev)) => {
                *prev = match (*prev, z) {
                    (Zygosity::Heterozygous, Zygosity::Heterozygous) => Zygosity::Biallelic,
                    (Zygosity::Any, other) | (other, Zygosity::Any) => other,
                    (a, _) => a,
                }
            }
            None => seen.push((symbol, z)),
        }
    }
    for (symbol, z) in seen {
        let label = match z {
            Zygosity::Any => symbol.clone(),
            z => format!("{symbol} ({})", zygosity_name(z)),
        };
        if let Some(&g) = m.genes.get(&symbol) {
            b.genes
                .push((vec![m.core.tables.layout.encode(Row::Gene(g, z))], label));
        } else {
            b.genes.push((Vec::new(), label));
            b.notes.unknown_genes.push(symbol);
        }
    }
    Ok(())
}

fn zygosity_name(z: Zygosity) -> &'static str {
    match z {
        Zygosity::Heterozygous => "heterozygous",
        Zygosity::Biallelic => "biallelic",
        Zygosity::Hemizygous => "hemizygous",
        Zygosity::Any => "zygosity unknown",
    }
}

#[cfg(test)]
mod subsumption_tests {
    use crate::model::Model;
    use crate::patient::Patient;
    use crate::rng::SplitMix64;

    /// Terms given with their own ancestors, in and out of the vocabulary: the ancestors are
    /// subsumed as comparing every pair finds (debug builds check each resolution against it).
    #[test]
    fn terms_with_their_ancestors_are_subsumed_as_pairwise_comparison_finds() {
        let model = Model::builtin().unwrap();
        let ontology = model.ontology().unwrap();
        let terms = ontology.terms();
        let mut rng = SplitMix64::new(3);
        let mut subsumed = 0;
        for _ in 0..60 {
            let mut p = Patient::new();
            for _ in 0..12 {
                let t = terms[rng.below(terms.len())];
                p = p.present(format!("HP:{t:07}"));
                let ancestors = ontology.ancestors(t);
                for _ in 0..2 {
                    if let Some(&a) = ancestors.get(rng.below(ancestors.len().max(1))) {
                        p = p.present(format!("HP:{a:07}"));
                    }
                }
            }
            let resolved = model.resolve(&p).unwrap();
            subsumed += resolved.notes.subsumed.len();
        }
        assert!(subsumed > 100, "{subsumed}");
    }
}

#[cfg(test)]
mod band_tests {
    use crate::onset::{examination_finding, onset_finding};

    #[test]
    fn ages_fall_in_the_hpo_onset_classes_and_examination_bands() {
        let day = 1.0 / 365.25;
        let onsets = [
            (-0.1, "onset_antenatal"),
            (0.0, "onset_congenital"),
            (day, "onset_neonatal"),
            (27.0 * day, "onset_neonatal"),
            (28.0 * day, "onset_infantile"),
            (1.0, "onset_childhood"),
            (15.9, "onset_juvenile"),
            (16.0, "onset_adult"),
            (f64::NAN, "onset_adult"),
        ];
        for (years, class) in onsets {
            assert_eq!(onset_finding(years), class, "{years}");
        }
        let bands = [
            (0.5, "age_at_examination_under_1"),
            (1.0, "age_at_examination_1_to_4"),
            (9.99, "age_at_examination_5_to_9"),
            (10.0, "age_at_examination_10_to_17"),
            (39.0, "age_at_examination_18_to_39"),
            (40.0, "age_at_examination_40_or_more"),
        ];
        for (years, band) in bands {
            assert_eq!(examination_finding(years), band, "{years}");
        }
    }
}
