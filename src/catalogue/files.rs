//! The catalogue's files read once, every annotation with the publications it cites, so that a
//! [`Catalogue`] can be built from them with some publications withheld: the evaluation that
//! cannot leak (leave-publication-out) ranks each published case with a catalogue that never saw
//! its publication.
//!
//! A reference is withheld from every source it reaches: each annotation row of
//! `phenotype.hpoa` whose `reference` column cites it is dropped whole (OMIM's and the Orphanet
//! twins' alike), and so is every published case of it ([`PublishedCases`]). Nothing else
//! changes: the ontology, the gene links and the pairing of the Orphanet twins do not come from
//! publications.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cases::PublishedCases;
use super::{
    build_rules, is_database_id, onset_class, parse_frequency, problem, read_genes, tsv, twins, Catalogue,
    CatalogueOptions, CatalogueStats, Disease, Sources,
};
use crate::config::ScoringConfig;
use crate::error::{Error, RuleErrors};
use crate::knowledge::KnowledgeBase;
use crate::load::RuleSet;
use crate::model::Model;
use crate::ontology::Ontology;

/// What an annotation row says, once its term is known.
#[derive(Debug, Clone, Copy)]
enum Says {
    /// Aspect P: a phenotype term, with its frequency (None: not given) and `NOT` qualifier.
    Phenotype { frequency: Option<f64>, not: bool },
    /// Aspect I, not `NOT`: a mode of inheritance.
    Inheritance,
    /// Aspect C, not `NOT`, on a term under an onset class: that class, with its frequency.
    Onset {
        class: &'static str,
        frequency: Option<f64>,
    },
    /// Anything else: counted, not used.
    Nothing,
}

/// One annotation row of `phenotype.hpoa` on a known term.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// The entry: an index into [`CatalogueFiles::entries`], or, when `lent`, into
    /// [`CatalogueFiles::lenders`].
    entry: u32,
    lent: bool,
    term: u32,
    says: Says,
    /// The row's references: `refs[from..to]` of [`CatalogueFiles::row_refs`].
    from: u32,
    to: u32,
}

/// The entries a reference is cited by (their own rows) and shapes (their own rows or their
/// Orphanet twin's), sorted.
#[derive(Debug, Clone, Default)]
struct Shapes {
    cited: Vec<u32>,
    shaped: Vec<u32>,
}

/// A disease entry of `phenotype.hpoa`: id, name and genes.
#[derive(Debug, Clone)]
struct Entry {
    id: String,
    name: String,
    genes: Vec<String>,
}

/// The catalogue's files, read once: the ontology, every annotation row with the references it
/// cites, the genes of each disease, the Orphanet twins, and the published cases when the options
/// ask for them. [`CatalogueFiles::catalogue`] builds the [`Catalogue`] of
/// [`Catalogue::load`]; [`CatalogueFiles::catalogue_without`] the same without some
/// publications.
///
/// ```
/// use osteodx::catalogue::{CatalogueFiles, CatalogueOptions};
/// let files = CatalogueFiles::load("tests/fixtures/hpo", &CatalogueOptions::default())?;
/// let all = files.catalogue()?;
/// // OMIM:607017 is annotated from PMID:32631815 alone in the fixture.
/// assert!(files.cites("OMIM:607017", "PMID:32631815"));
/// let without = files.catalogue_without(&["PMID:32631815"])?;
/// assert_eq!(without.stats.diseases + 1, all.stats.diseases);
/// # Ok::<(), osteodx::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CatalogueFiles {
    ontology: Arc<Ontology>,
    /// `phenotype.hpoa`'s path: diagnosis files are named after it.
    hpoa_path: PathBuf,
    options: CatalogueOptions,
    /// The frequency of an annotation that gives none.
    unspecified: f64,
    /// The entries of the chosen sources, in order of first appearance.
    entries: Vec<Entry>,
    /// The Orphanet entries that lend their terms to an OMIM twin (read only with profiles).
    lenders: Vec<Entry>,
    rows: Vec<Row>,
    row_refs: Vec<u32>,
    /// The references, interned: id -> text and text -> id.
    references: Vec<String>,
    reference_ids: HashMap<String, u32>,
    /// (OMIM entry, Orphanet lender) twins.
    twins: Vec<(usize, usize)>,
    cases: Option<PublishedCases>,
    /// Per reference, the entries it is cited by and shapes ([`CatalogueFiles::index_references`]).
    shapes: HashMap<u32, Shapes>,
    /// Entry index by id.
    entry_ids: HashMap<String, usize>,
    /// Counts that do not depend on what is withheld.
    stats: CatalogueStats,
}

impl CatalogueFiles {
    /// Read `hp.obo`, `phenotype.hpoa`, `genes_to_phenotype.txt` (with `options.genes` or
    /// profiles, when present) and the published cases of `options.cases` from `dir`.
    ///
    /// # Errors
    /// As [`Catalogue::load`].
    pub fn load(dir: impl AsRef<Path>, options: &CatalogueOptions) -> Result<Self, Error> {
        let dir = dir.as_ref();
        let obo_path = dir.join("hp.obo");
        let hpoa_path = dir.join("phenotype.hpoa");
        let genes_path = dir.join("genes_to_phenotype.txt");
        let obo = options.limits.read_to_string(&obo_path)?;
        let hpoa = options.limits.read_to_string(&hpoa_path)?;
        let genes = if (options.genes || options.orphanet_profiles) && genes_path.exists() {
            Some(options.limits.read_to_string(&genes_path)?)
        } else {
            None
        };
        let ontology = Ontology::parse_obo(&obo_path, &obo)?;
        let cases = options.cases.read(&options.limits)?;
        Self::parse(
            ontology,
            (&hpoa_path, &hpoa),
            genes.as_deref().map(|g| (genes_path.as_path(), g)),
            cases.as_ref().map(|(p, t)| (p.as_path(), t.as_str())),
            options,
        )
    }

    /// [`CatalogueFiles::load`] from an ontology and the texts of the files; the paths name them
    /// in errors.
    ///
    /// # Errors
    /// As [`Catalogue::load`].
    pub fn parse(
        ontology: Ontology,
        hpoa: (&Path, &str),
        genes: Option<(&Path, &str)>,
        cases: Option<(&Path, &str)>,
        options: &CatalogueOptions,
    ) -> Result<Self, Error> {
        let unspecified = options.unspecified();
        // The Orphanet entries, read in the same pass, when they lend their terms to OMIM's.
        let pairing = options.orphanet_profiles && options.sources == Sources::Omim && genes.is_some();
        let mut files = Self {
            ontology: Arc::new(ontology),
            hpoa_path: hpoa.0.to_path_buf(),
            options: options.clone(),
            unspecified,
            entries: Vec::new(),
            lenders: Vec::new(),
            rows: Vec::new(),
            row_refs: Vec::new(),
            references: Vec::new(),
            reference_ids: HashMap::new(),
            twins: Vec::new(),
            cases: None,
            shapes: HashMap::new(),
            entry_ids: HashMap::new(),
            stats: CatalogueStats::default(),
        };
        files.read_annotations(hpoa, pairing)?;
        if let Some((path, text)) = genes {
            // One pass over the gene file for both sets: the lenders go after OMIM's entries
            // for it, and only OMIM's links count as invalid.
            let n = files.entries.len();
            let mut all: Vec<Disease> = files
                .entries
                .iter()
                .chain(&files.lenders)
                .map(|e| Disease::new(e.id.clone(), e.name.clone()))
                .collect();
            let invalid = read_genes(path, text, &mut all, n)?;
            for (entry, d) in files.entries.iter_mut().chain(files.lenders.iter_mut()).zip(all) {
                entry.genes = d.genes;
            }
            if pairing {
                let named = |entries: &[Entry]| -> Vec<(String, Vec<String>)> {
                    entries.iter().map(|e| (e.name.clone(), e.genes.clone())).collect()
                };
                let (omim, orpha) = (named(&files.entries), named(&files.lenders));
                files.twins = twins(&orpha, &omim);
            }
            // Gene rules come with the gene file, unless it was read only to pair the twins.
            if options.genes || !options.orphanet_profiles {
                files.stats.invalid_genes = invalid;
            } else {
                for e in &mut files.entries {
                    e.genes.clear();
                }
            }
        }
        if let Some((path, text)) = cases {
            let ontology = Arc::clone(&files.ontology);
            let entries: HashSet<String> = files.entries.iter().map(|e| e.id.clone()).collect();
            let known = |d: &str| entries.contains(d);
            let mut interned = |r: &str| files.intern(r);
            let cases = PublishedCases::parse(path, text, &ontology, &options.limits, &mut interned, &known)?;
            files.cases = Some(cases);
        }
        files.index_references();
        Ok(files)
    }

    /// The id of a reference, interned.
    fn intern(&mut self, reference: &str) -> u32 {
        if let Some(&id) = self.reference_ids.get(reference) {
            return id;
        }
        let id = self.references.len() as u32;
        self.references.push(reference.to_owned());
        self.reference_ids.insert(reference.to_owned(), id);
        id
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one pass over the annotation lines, one arm per aspect"
    )]
    /// The rows of the chosen sources (and of `options.diseases`, when given), and with
    /// `lenders`, the Orphanet entries' too, whatever the options say (they are not counted in
    /// the stats).
    fn read_annotations(&mut self, (path, text): (&Path, &str), lenders: bool) -> Result<(), Error> {
        let sources = self.options.sources;
        let wanted: Option<HashSet<String>> = self.options.diseases.as_ref().map(|ids| ids.iter().cloned().collect());
        let (mut reader, headers) = tsv(path, text, true)?;
        let column = |name: &str| headers.iter().position(|h| h == name);
        let missing: Vec<&str> = [
            "database_id",
            "disease_name",
            "qualifier",
            "hpo_id",
            "reference",
            "frequency",
            "aspect",
        ]
        .into_iter()
        .filter(|c| column(c).is_none())
        .collect();
        if !missing.is_empty() {
            let line = headers.position().map_or(1, |p| p.line() as usize);
            return Err(Error::Rules(RuleErrors {
                problems: vec![problem(path, line, format!("header row lacks {}", missing.join(", ")))],
            }));
        }
        let at = |name: &str| column(name).unwrap_or(0);
        // Columns whose values come from a fixed list, checked on every row when the header has
        // them: a value outside the list means the row's fields are not where the header says.
        let kinds: Vec<(usize, &str, &[&str])> = [
            ("qualifier", &["", "NOT"][..]),
            ("aspect", &["P", "I", "C", "M", "H"][..]),
            ("evidence", &["IEA", "PCS", "TAS", "ICE"][..]),
            ("sex", &["", "MALE", "FEMALE"][..]),
        ]
        .into_iter()
        .filter_map(|(name, values)| Some((column(name)?, name, values)))
        .collect();
        let (c_id, c_name, c_qual, c_hpo, c_ref, c_freq, c_aspect) = (
            at("database_id"),
            at("disease_name"),
            at("qualifier"),
            at("hpo_id"),
            at("reference"),
            at("frequency"),
            at("aspect"),
        );
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut lender_index: HashMap<String, usize> = HashMap::new();
        let mut problems = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    problems.push(problem(path, line, e.to_string()));
                    if problems.len() > 100 {
                        break;
                    }
                    continue;
                }
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.len() != headers.len() {
                problems.push(problem(
                    path,
                    line,
                    format!(
                        "{} fields where the header row has {} (a row with a field missing or one too many)",
                        record.len(),
                        headers.len()
                    ),
                ));
                continue;
            }
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let off_list = kinds
                .iter()
                .find(|(c, _, values)| !values.iter().any(|v| v.eq_ignore_ascii_case(field(*c))));
            if let Some(&(c, name, values)) = off_list {
                let list: Vec<String> = values
                    .iter()
                    .map(|v| {
                        if v.is_empty() {
                            "empty".to_owned()
                        } else {
                            format!("`{v}`")
                        }
                    })
                    .collect();
                problems.push(problem(
                    path,
                    line,
                    format!("{name} `{}` is not one of {}", field(c), list.join(", ")),
                ));
                continue;
            }
            let id = field(c_id);
            let lent = lenders && !sources.admits(id) && Sources::Orphanet.admits(id);
            if !lent && (!sources.admits(id) || wanted.as_ref().is_some_and(|w| !w.contains(id))) {
                continue;
            }
            if !is_database_id(id) {
                problems.push(problem(
                    path,
                    line,
                    format!("malformed disease id `{id}` (expected OMIM: or ORPHA: and digits)"),
                ));
                continue;
            }
            let Some(term) = super::hpo_number(field(c_hpo)) else {
                problems.push(problem(path, line, format!("malformed HPO id `{}`", field(c_hpo))));
                continue;
            };
            let frequency = match parse_frequency(field(c_freq)) {
                Ok(f) => f,
                Err(e) => {
                    problems.push(problem(path, line, e));
                    continue;
                }
            };
            let (entries, index) = if lent {
                (&mut self.lenders, &mut lender_index)
            } else {
                (&mut self.entries, &mut index)
            };
            let entry = *index.entry(id.to_owned()).or_insert_with(|| {
                entries.push(Entry {
                    id: id.to_owned(),
                    name: field(c_name).to_owned(),
                    genes: Vec::new(),
                });
                entries.len() - 1
            });
            let Some(term) = self.ontology.canonical_id(term) else {
                self.stats.unknown_terms += usize::from(!lent);
                continue;
            };
            let not = field(c_qual).eq_ignore_ascii_case("NOT");
            let says = match field(c_aspect) {
                "P" => Says::Phenotype { frequency, not },
                "I" if !not => Says::Inheritance,
                "C" if !not => {
                    onset_class(&self.ontology, term).map_or(Says::Nothing, |class| Says::Onset { class, frequency })
                }
                _ => Says::Nothing,
            };
            let from = self.row_refs.len() as u32;
            for reference in field(c_ref).split(';').map(str::trim).filter(|r| !r.is_empty()) {
                let r = self.intern(reference);
                self.row_refs.push(r);
            }
            self.rows.push(Row {
                entry: entry as u32,
                lent,
                term,
                says,
                from,
                to: self.row_refs.len() as u32,
            });
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Rules(RuleErrors { problems }))
        }
    }

    /// The ontology the files were read with.
    #[must_use]
    pub fn ontology(&self) -> &Ontology {
        &self.ontology
    }

    /// The Orphanet twins (OMIM id, Orphanet id) whose terms the OMIM diseases take
    /// ([`CatalogueOptions::orphanet_profiles`]), OMIM entries in file order: the pairing as the
    /// catalogue makes it, for tools that need it (`catalogue --twins`).
    #[must_use]
    pub fn orphanet_twins(&self) -> Vec<(&str, &str)> {
        self.twins
            .iter()
            .filter_map(|&(i, o)| Some((self.entries.get(i)?.id.as_str(), self.lenders.get(o)?.id.as_str())))
            .collect()
    }

    /// The published cases read with the files (`options.cases`), if any.
    #[must_use]
    pub fn published_cases(&self) -> Option<&PublishedCases> {
        self.cases.as_ref()
    }

    /// The catalogue with everything the files hold: what [`Catalogue::load`] gives.
    ///
    /// # Errors
    /// As [`Catalogue::load`] (the files were read already, so only a defect could fail here).
    pub fn catalogue(&self) -> Result<Catalogue, Error> {
        self.catalogue_without(&[])
    }

    /// The catalogue without what the `withheld` references (`PMID:21782149`, as
    /// `phenotype.hpoa`'s `reference` column writes them) gave: every annotation row that cites
    /// one of them and every published case of one of them are left out. A disease left without
    /// phenotype annotations is not in it.
    ///
    /// # Errors
    /// As [`CatalogueFiles::catalogue`].
    pub fn catalogue_without(&self, withheld: &[&str]) -> Result<Catalogue, Error> {
        let (rules, stats) = self.rules_without(withheld)?;
        Ok(Catalogue {
            ontology: (*self.ontology).clone(),
            rules,
            stats,
            limits: self.options.limits,
        })
    }

    /// The rules and counts of [`CatalogueFiles::catalogue_without`], without a copy of the
    /// ontology (a model shares the files' own).
    fn rules_without(&self, withheld: &[&str]) -> Result<(RuleSet, CatalogueStats), Error> {
        let withheld: HashSet<u32> = withheld
            .iter()
            .filter_map(|r| self.reference_ids.get(*r).copied())
            .collect();
        let mut stats = self.stats.clone();
        let new = |e: &Entry| {
            let mut d = Disease::new(e.id.clone(), e.name.clone());
            d.genes.clone_from(&e.genes);
            d
        };
        let mut diseases: Vec<Disease> = self.entries.iter().map(new).collect();
        let mut lenders: Vec<Disease> = self.lenders.iter().map(new).collect();
        for row in &self.rows {
            let refs = &self.row_refs[row.from as usize..row.to as usize];
            if refs.iter().any(|r| withheld.contains(r)) {
                stats.withheld_annotations += usize::from(!row.lent);
                continue;
            }
            stats.annotations += usize::from(!row.lent);
            let disease = if row.lent {
                &mut lenders[row.entry as usize]
            } else {
                &mut diseases[row.entry as usize]
            };
            match row.says {
                Says::Phenotype { frequency, not } => {
                    let p = if not {
                        0.0
                    } else {
                        frequency.unwrap_or(self.unspecified)
                    };
                    disease.annotate(row.term, p, not);
                }
                Says::Inheritance => disease.inheritance.push(row.term),
                Says::Onset { class, frequency } => {
                    let p = frequency.unwrap_or(self.unspecified);
                    match disease.onsets.iter_mut().find(|(c, _)| *c == class) {
                        Some((_, q)) => *q = q.max(p),
                        None => disease.onsets.push((class, p)),
                    }
                }
                Says::Nothing => {}
            }
        }
        for &(i, o) in &self.twins {
            let d = &mut diseases[i];
            for (&term, &(p, not)) in &lenders[o].terms {
                stats.orphanet_terms += usize::from(d.annotate(term, p, not));
            }
            stats.orphanet_links += 1;
        }
        if let Some(cases) = &self.cases {
            cases.annotate(&self.ontology, &withheld, &self.entry_ids, &mut diseases, &mut stats);
        }
        diseases.retain(|d| {
            let keep = !d.terms.is_empty();
            stats.without_phenotype += usize::from(!keep);
            keep
        });
        let rules = build_rules(&diseases, &self.ontology, &mut stats, &self.hpoa_path)?;
        Ok((rules, stats))
    }

    /// [`CatalogueFiles::catalogue_without`], validated and compiled with `config` (and the
    /// files' ontology, shared, for placing patient terms).
    ///
    /// # Errors
    /// As [`Catalogue::into_model_with`].
    pub fn model_without(&self, withheld: &[&str], config: ScoringConfig) -> Result<(Model, CatalogueStats), Error> {
        let (rules, stats) = self.rules_without(withheld)?;
        let kb = KnowledgeBase::new_with(rules, &self.options.limits)?;
        Ok((
            Model::from_knowledge_base_with(kb, config).with_ontology(Arc::clone(&self.ontology)),
            stats,
        ))
    }

    /// True when an annotation row of the disease `disease` (`OMIM:166710`; its own rows, not
    /// its Orphanet twin's) cites `reference`: a published case of that disease from that
    /// publication is then partly recalled, not diagnosed, by a catalogue built with it.
    #[must_use]
    pub fn cites(&self, disease: &str, reference: &str) -> bool {
        match (self.entry_ids.get(disease), self.reference_ids.get(reference)) {
            (Some(&e), Some(&r)) => self.shapes.get(&r).is_some_and(|s| s.cited.contains(&(e as u32))),
            _ => false,
        }
    }

    /// The diseases (entry ids, `OMIM:166710`) whose knowledge a reference shapes: those with an
    /// annotation row citing it, those whose Orphanet twin has one, and those with a published
    /// case from it. Sorted, each once.
    #[must_use]
    pub fn shaped_by(&self, reference: &str) -> Vec<String> {
        let Some(r) = self.reference_ids.get(reference) else {
            return Vec::new();
        };
        let mut ids: Vec<String> = self
            .shapes
            .get(r)
            .map(|s| s.shaped.iter().map(|&e| self.entries[e as usize].id.clone()).collect())
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }

    /// For each reference, the entries whose own rows cite it and the entries it shapes (its own
    /// rows, its Orphanet twin's, or its published cases): made once, after the twins are paired
    /// and the cases read.
    fn index_references(&mut self) {
        self.entry_ids = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        // The OMIM entries each Orphanet lender is the twin of.
        let mut twin_of: Vec<Vec<u32>> = vec![Vec::new(); self.lenders.len()];
        for &(omim, lender) in &self.twins {
            twin_of[lender].push(omim as u32);
        }
        let mut shapes: HashMap<u32, Shapes> = HashMap::new();
        for row in &self.rows {
            for &r in &self.row_refs[row.from as usize..row.to as usize] {
                let s = shapes.entry(r).or_default();
                if row.lent {
                    s.shaped.extend_from_slice(&twin_of[row.entry as usize]);
                } else {
                    s.cited.push(row.entry);
                    s.shaped.push(row.entry);
                }
            }
        }
        if let Some(cases) = &self.cases {
            for (r, disease) in cases.references() {
                if let Some(&e) = self.entry_ids.get(disease) {
                    shapes.entry(r).or_default().shaped.push(e as u32);
                }
            }
        }
        for s in shapes.values_mut() {
            for v in [&mut s.cited, &mut s.shaped] {
                v.sort_unstable();
                v.dedup();
            }
        }
        self.shapes = shapes;
    }

    /// The references to withhold together, for leave-publication-out: `references` in groups of
    /// at most `most` (at least 1) such that no two references of a group shape the knowledge of
    /// the same disease ([`CatalogueFiles::shaped_by`]). A patient of a publication then meets
    /// its own disease's knowledge exactly as with that publication alone withheld; the other
    /// references of the group take away knowledge of other diseases only. With `most` 1 each
    /// reference is a group of its own (exact, and one compilation a publication). Groups are
    /// made greedily, references with the most diseases first (ties by text), so the grouping is
    /// the same from run to run; references in no source are left out.
    #[must_use]
    pub fn publication_groups(&self, references: &[&str], most: usize) -> Vec<Vec<String>> {
        let mut refs: Vec<(&str, Vec<String>)> = references
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<&str>>()
            .into_iter()
            .map(|r| (r, self.shaped_by(r)))
            .filter(|(_, d)| !d.is_empty())
            .collect();
        refs.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
        let mut groups: Vec<(Vec<String>, HashSet<String>)> = Vec::new();
        for (r, diseases) in refs {
            let fits = groups
                .iter()
                .position(|(g, shaped)| g.len() < most.max(1) && diseases.iter().all(|d| !shaped.contains(d)));
            match fits {
                Some(i) => {
                    groups[i].0.push(r.to_owned());
                    groups[i].1.extend(diseases);
                }
                None => groups.push((vec![r.to_owned()], diseases.into_iter().collect())),
            }
        }
        groups.into_iter().map(|(g, _)| g).collect()
    }
}
