//! The HPO catalogue as a rule source, on the pruned fixture `tests/fixtures/hpo` (31 diseases,
//! made by `tools/make_hpo_fixture.py`).

#![allow(
    clippy::float_cmp,
    reason = "tests compare exact values on purpose (the hot path against the reference, bit for bit)"
)]

use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;

use osteodx::catalogue::{CaseSource, Catalogue, CatalogueFiles, CatalogueOptions, Sources};
use osteodx::rule_file::Frequency;
use osteodx::{Error, Model, Patient, RuleSet};

mod common;
use common::{fixture_catalogue, FIXTURE};

fn hpoa() -> String {
    std::fs::read_to_string(Path::new(FIXTURE).join("phenotype.hpoa")).unwrap()
}

fn obo() -> &'static str {
    static OBO: OnceLock<String> = OnceLock::new();
    OBO.get_or_init(|| std::fs::read_to_string(Path::new(FIXTURE).join("hp.obo")).unwrap())
}

fn catalogue(hpoa: &str, options: &CatalogueOptions) -> Result<Catalogue, Error> {
    Catalogue::from_texts(
        (Path::new("hp.obo"), obo()),
        (Path::new("phenotype.hpoa"), hpoa),
        None,
        options,
    )
}

/// The log10 LR of diagnosis `id` for a patient.
fn lr(model: &Model, patient: &Patient, id: &str) -> f64 {
    let resolved = model.resolve(patient).unwrap();
    let d = model
        .diagnosis_index(id)
        .unwrap_or_else(|| panic!("{id} is a diagnosis"));
    let ranking = model.rank(&resolved);
    ranking
        .entries()
        .iter()
        .find(|e| e.diagnosis == d)
        .map(|e| e.log10_lr)
        .unwrap()
}

/// The positive phenotype annotations of a disease in the fixture.
fn own_terms(hpoa: &str, disease: &str) -> Vec<String> {
    hpoa.lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f.len() > 10 && f[0] == disease && f[2].is_empty() && f[10] == "P")
        .map(|f| f[3].to_owned())
        .collect()
}

#[test]
fn the_fixture_loads_with_every_source() {
    let text = hpoa();
    let omim = catalogue(&text, &CatalogueOptions::default()).unwrap();
    let orpha = catalogue(
        &text,
        &CatalogueOptions {
            sources: Sources::Orphanet,
            ..CatalogueOptions::default()
        },
    )
    .unwrap();
    let both = catalogue(
        &text,
        &CatalogueOptions {
            sources: Sources::Both,
            ..CatalogueOptions::default()
        },
    )
    .unwrap();
    assert_eq!(orpha.stats.diseases, 3);
    assert_eq!(both.stats.diseases, omim.stats.diseases + 3);
    let two = catalogue(
        &text,
        &CatalogueOptions {
            diseases: Some(vec!["OMIM:259700".into(), "OMIM:166600".into()]),
            ..CatalogueOptions::default()
        },
    )
    .unwrap();
    assert_eq!(two.stats.diseases, 2);
    let kb = two.knowledge_base().unwrap();
    // In the order of the annotation file.
    assert_eq!(
        kb.diagnoses().iter().map(|d| &d.id).collect::<Vec<_>>(),
        ["omim_166600", "omim_259700"]
    );
}

#[test]
fn a_patient_made_of_a_disease_s_own_annotations_ranks_it_first() {
    let text = hpoa();
    let model = fixture_catalogue();
    let kb = model.knowledge_base();
    let mut checked = 0;
    for d in kb.diagnoses() {
        let id = &d.omim[0];
        let terms = own_terms(&text, id);
        if terms.len() < 3 {
            continue;
        }
        let patient = terms.iter().fold(Patient::new(), |p, t| p.present(t.clone()));
        let ranking = model.rank(&model.resolve(&patient).unwrap());
        let best = ranking.entries()[0].log10_lr;
        let own = ranking
            .entries()
            .iter()
            .find(|e| model.diagnosis_id(e.diagnosis) == d.id)
            .unwrap();
        // First, or tied for first with a disease whose annotations include all of its own
        // (OMIM:612287's are a subset of OMIM:612286's).
        assert_eq!(own.log10_lr, best, "{id} with its {} terms", terms.len());
        if model.diagnosis_id(ranking.entries()[0].diagnosis) != d.id {
            let other = model.diagnosis_id(ranking.entries()[0].diagnosis);
            let theirs = own_terms(&text, &kb.diagnosis(other).unwrap().omim[0]);
            assert!(terms.iter().all(|t| theirs.contains(t)), "{id} tied with {other}");
        }
        checked += 1;
    }
    assert!(checked >= 20, "{checked} diseases checked");
}

#[test]
fn a_not_annotation_lowers_a_disease_when_the_patient_shows_that_term() {
    // ORPHA:210110 (intermediate osteopetrosis) is annotated NOT thrombocytopenia (HP:0001873).
    let text = hpoa();
    let both = CatalogueOptions {
        sources: Sources::Both,
        ..CatalogueOptions::default()
    };
    let with_not = catalogue(&text, &both).unwrap().into_model().unwrap();
    let without: String = text
        .lines()
        .filter(|l| !(l.starts_with("ORPHA:210110\t") && l.contains("\tNOT\tHP:0001873")))
        .flat_map(|l| [l, "\n"])
        .collect();
    assert_ne!(without.len(), text.len(), "the fixture has the NOT line");
    let plain = catalogue(&without, &both).unwrap().into_model().unwrap();
    let base = Patient::new().present("HP:0011002").present("HP:0000365");
    let shown = base.clone().present("HP:0001873");
    let d = "orpha_210110";
    // Showing the term costs more where the disease is annotated NOT to have it.
    let drop_not = lr(&with_not, &shown, d) - lr(&with_not, &base, d);
    let drop_plain = lr(&plain, &shown, d) - lr(&plain, &base, d);
    assert!(drop_not < drop_plain - 0.1, "NOT: {drop_not}, without: {drop_plain}");
    assert!(drop_not < 0.0);
    // And the other diseases are unaffected by the NOT line.
    assert!((lr(&with_not, &shown, "omim_259700") - lr(&plain, &shown, "omim_259700")).abs() < 1e-9);
}

#[test]
fn propagated_annotations_match_a_less_specific_patient_term() {
    // Osteopetrosis (HP:0011002) is annotated to the osteopetroses; increased bone mineral
    // density (HP:0011001) is its parent, annotated to melorheostosis only.
    let model = fixture_catalogue();
    let general = Patient::new().present("HP:0011001");
    for d in ["omim_259700", "omim_166600", "omim_611490"] {
        assert!(lr(model, &general, d) > 0.0, "{d} matches the more general term");
    }
    // An unrelated disease does not.
    assert!(lr(model, &general, "omim_607017") < 0.0);
    // The background of the parent counts the diseases annotated below it (true path).
    let kb = model.knowledge_base();
    let bg = |hpo: &str| {
        kb.findings()
            .iter()
            .find(|f| f.hpo.as_deref() == Some(hpo))
            .map(|f| f.background)
            .unwrap()
    };
    assert!(bg("HP:0011001") > bg("HP:0011002"));
}

#[test]
fn the_catalogue_and_a_hand_written_rule_file_give_the_same_score() {
    // OMIM:601979 (hyperzincemia), written by hand: seven terms without a frequency (0.35) and
    // autosomal dominant inheritance (an affected parent at 0.5).
    let hand = r#"
[diagnosis]
id = "by_hand"
name = "Hyperzincemia with functional zinc depletion, by hand"
inheritance = "autosomal_dominant"
prevalence = 1e-5
rule = [
  { finding = "HP:0002014", frequency = 0.35 },
  { finding = "HP:0000939", frequency = 0.35 },
  { finding = "HP:0002240", frequency = 0.35 },
  { finding = "HP:0011424", frequency = 0.35 },
  { finding = "HP:0000988", frequency = 0.35 },
  { finding = "HP:0002633", frequency = 0.35 },
  { finding = "HP:0002721", frequency = 0.35 },
  { finding = "family_history_affected_parent", frequency = 0.5 },
]
"#;
    let c = Catalogue::load(FIXTURE, &CatalogueOptions::default()).unwrap();
    let rules = c
        .rules
        .clone()
        .overlay(RuleSet::from_text("by_hand.toml", hand).unwrap());
    let kb = osteodx::KnowledgeBase::new(rules).unwrap();
    let model =
        Model::compile_with(&kb, Catalogue::scoring_config()).with_ontology(std::sync::Arc::new(c.ontology.clone()));
    for p in [
        Patient::new().present("HP:0002014").present("HP:0000939"),
        Patient::new()
            .present("HP:0002240")
            .absent("HP:0000988")
            .present("HP:0000365"),
        Patient::new()
            .present("HP:0011424")
            .family(osteodx::FamilyHistory::AffectedParent),
    ] {
        let a = lr(&model, &p, "omim_601979");
        let b = lr(&model, &p, "by_hand");
        assert_eq!(a, b, "{p:?}");
    }
}

#[test]
fn malformed_annotation_files_are_located_errors() {
    let text = hpoa();
    let header_end = text.find("\nOMIM:").unwrap() + 1;
    // Rows of the header's twelve fields, but for the fourth (the frequency left out, as a
    // damaged file had it: its fields then sit under the wrong headers) and the fifth (an aspect
    // that is none).
    let bad = format!(
        "{}{}{}{}{}",
        &text[..header_end],
        "OMIM:1\tX\t\tHP:123\tPMID:1\tPCS\t\t\t\t\tP\tHPO:a\n",
        "OMIM:2\tY\t\tHP:0000365\tPMID:1\tPCS\t\t9/7\t\t\tP\tHPO:a\n",
        "OMIM:25x7\tZ\t\tHP:0000365\tPMID:1\tPCS\t\t\t\t\tP\tHPO:a\n",
        "OMIM:3\tW\t\tHP:0000365\tPMID:1\tPCS\t\t\t\tP\tHPO:a\nOMIM:4\tV\t\tHP:0000365\tPMID:1\tPCS\t\t\t\t\tQ\tHPO:a\n",
    );
    let e = catalogue(&bad, &CatalogueOptions::default()).unwrap_err();
    let Error::Rules(r) = e else { panic!("{e:?}") };
    let at: Vec<(usize, String)> = r
        .problems
        .iter()
        .map(|p| (p.location.line, p.kind.to_string()))
        .collect();
    let first = text[..header_end].lines().count() + 1;
    assert_eq!(at.len(), 5, "{at:?}");
    assert_eq!(at[0].0, first);
    assert!(at[0].1.contains("malformed HPO id `HP:123`"), "{at:?}");
    assert_eq!(at[1].0, first + 1);
    assert!(at[1].1.contains("9/7"), "{at:?}");
    // Found by the fuzz driver: an id that is not OMIM/ORPHA and digits made an invalid
    // diagnosis id, reported without a line of the annotation file.
    assert_eq!(at[2].0, first + 2);
    assert!(at[2].1.contains("malformed disease id `OMIM:25x7`"), "{at:?}");
    // Found by the second hardening round: rows with a field missing were read with their
    // fields under the wrong headers, and the catalogue lost most of its diseases in silence.
    assert_eq!(at[3].0, first + 3);
    assert!(at[3].1.contains("11 fields where the header row has 12"), "{at:?}");
    assert_eq!(at[4].0, first + 4);
    assert!(
        at[4].1.contains("aspect `Q` is not one of `P`, `I`, `C`, `M`, `H`"),
        "{at:?}"
    );
    let e = catalogue("database_id\tdisease_name\n", &CatalogueOptions::default()).unwrap_err();
    assert!(e.to_string().contains("header row lacks"), "{e}");
    let e = Catalogue::load("/nonexistent", &CatalogueOptions::default()).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
}

/// A catalogue of phenotype annotations `(disease id, name, HPO term, frequency)` and gene links
/// `(gene, disease id)`, over the fixture's ontology.
fn with_genes(
    annotations: &[(&str, &str, &str, &str)],
    links: &[(&str, &str)],
    options: &CatalogueOptions,
) -> Catalogue {
    let mut hpoa = "database_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\tfrequency\tsex\tmodifier\taspect\tbiocuration\n".to_owned();
    for (id, name, term, frequency) in annotations {
        let _ = writeln!(hpoa, "{id}\t{name}\t\t{term}\t{id}\tTAS\t\t{frequency}\t\t\tP\tx");
    }
    let mut genes = "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id\n".to_owned();
    for (gene, id) in links {
        let _ = writeln!(genes, "0\t{gene}\tHP:0000118\tx\t-\t{id}");
    }
    Catalogue::from_texts(
        (Path::new("hp.obo"), obo()),
        (Path::new("phenotype.hpoa"), &hpoa),
        Some((Path::new("genes_to_phenotype.txt"), &genes)),
        options,
    )
    .unwrap()
}

/// How many of a patient's findings (here: one term) a rule of disease `id` explains.
fn explained(m: &Model, id: &str, term: &str) -> usize {
    let d = m.diagnosis_index(id).unwrap();
    m.rule_coverage(&m.resolve(&Patient::new().present(term)).unwrap(), d)
        .explained
}

/// Two diseases annotated twice, once by OMIM and once by Orphanet, and how the gene file pairs
/// them: `GENEA` has one OMIM and one Orphanet disease (twins), `GENEB` two OMIM diseases
/// (allelic) and one Orphanet disease (pairing none of them).
fn twins(options: &CatalogueOptions) -> Model {
    let c = with_genes(
        &[
            ("OMIM:100001", "name of OMIM:100001", "HP:0001903", ""),
            ("ORPHA:900001", "name of ORPHA:900001", "HP:0001903", "HP:0040281"),
            ("ORPHA:900001", "name of ORPHA:900001", "HP:0000365", "HP:0040281"),
            ("OMIM:100002", "name of OMIM:100002", "HP:0001903", ""),
            ("OMIM:100003", "name of OMIM:100003", "HP:0000648", ""),
            ("ORPHA:900002", "name of ORPHA:900002", "HP:0000365", "HP:0040281"),
        ],
        &[
            ("GENEA", "OMIM:100001"),
            ("GENEA", "ORPHA:900001"),
            ("GENEB", "OMIM:100002"),
            ("GENEB", "OMIM:100003"),
            ("GENEB", "ORPHA:900002"),
        ],
        options,
    );
    if options.orphanet_profiles {
        assert_eq!((c.stats.orphanet_links, c.stats.orphanet_terms), (1, 2));
    }
    assert_eq!(
        c.stats.diseases, 3,
        "the Orphanet entries are not diagnoses of an OMIM catalogue"
    );
    c.into_model().unwrap()
}

#[test]
fn orphanet_twins_lend_their_terms_to_omim_diseases_paired_one_to_one() {
    let plain = twins(&CatalogueOptions {
        orphanet_profiles: false,
        ..CatalogueOptions::default()
    });
    let merged = twins(&CatalogueOptions::default());
    // Hearing impairment: only the Orphanet twin of OMIM:100001 has it.
    let hearing = Patient::new().present("HP:0000365");
    // A rule of the merged entry explains it, and it counts for the entry; without the twin it
    // stays unexplained (and costs little, the entry having one annotation).
    assert_eq!(
        (
            explained(&plain, "omim_100001", "HP:0000365"),
            explained(&merged, "omim_100001", "HP:0000365")
        ),
        (0, 1)
    );
    assert!(lr(&merged, &hearing, "omim_100001") > lr(&plain, &hearing, "omim_100001") + 0.2);
    // The allelic pair of GENEB takes nothing: which of them ORPHA:900002 is, the files do not say.
    for id in ["omim_100002", "omim_100003"] {
        assert_eq!(
            lr(&merged, &hearing, id).to_bits(),
            lr(&plain, &hearing, id).to_bits(),
            "{id}"
        );
    }
    // The term both have keeps the larger frequency: very frequent (Orphanet) over unspecified.
    let anaemia = Patient::new().present("HP:0001903");
    assert!(lr(&merged, &anaemia, "omim_100001") > lr(&plain, &anaemia, "omim_100001"));
    // Gene rules come only with `genes`: the pairing reads the gene file without making them.
    let kb = merged.knowledge_base();
    let d = kb.diagnosis("omim_100001").unwrap();
    assert!(d.genes.is_empty(), "{:?}", d.genes);
}

/// Where Orphanet splits a gene's one OMIM disease into several entries, the OMIM disease takes
/// the entry named like it (at least half the words shared), and none when no name is close.
#[test]
fn among_several_orphanet_entries_of_a_gene_the_one_named_like_the_omim_disease_is_its_twin() {
    let model = |names: [&str; 2], profiles: bool| {
        let options = CatalogueOptions {
            orphanet_profiles: profiles,
            ..CatalogueOptions::default()
        };
        let c = with_genes(
            &[
                ("OMIM:200001", "Foo syndrome", "HP:0001903", "HP:0040281"),
                ("ORPHA:900010", names[0], "HP:0000365", "HP:0040281"),
                ("ORPHA:900011", names[1], "HP:0000648", "HP:0040281"),
            ],
            &[
                ("GENEC", "OMIM:200001"),
                ("GENEC", "ORPHA:900010"),
                ("GENEC", "ORPHA:900011"),
            ],
            &options,
        );
        let links = c.stats.orphanet_links;
        (c.into_model().unwrap(), links)
    };
    let explained = |m: &Model, term: &str| explained(m, "omim_200001", term);
    // "Foo syndrome, mild form" shares 2 of 4 words with "Foo syndrome"; the microdeletion none.
    let (paired, links) = model(["Foo syndrome, mild form", "Bar microdeletion syndrome"], true);
    assert_eq!(links, 1);
    assert_eq!(
        (explained(&paired, "HP:0000365"), explained(&paired, "HP:0000648")),
        (1, 0)
    );
    // The order of the entries does not decide: the name does.
    let (swapped, _) = model(["Bar microdeletion syndrome", "Foo syndrome, mild form"], true);
    assert_eq!(
        (explained(&swapped, "HP:0000648"), explained(&swapped, "HP:0000365")),
        (1, 0)
    );
    // No name close enough (1 of 4 words): no twin.
    let (unpaired, links) = model(["Foo disease, juvenile", "Bar microdeletion syndrome"], true);
    assert_eq!(links, 0);
    assert_eq!(
        (explained(&unpaired, "HP:0000365"), explained(&unpaired, "HP:0000648")),
        (0, 0)
    );
    // Without profiles, nothing is lent.
    let (plain, links) = model(["Foo syndrome, mild form", "Bar microdeletion syndrome"], false);
    assert_eq!((links, explained(&plain, "HP:0000365")), (0, 0));
}

/// An OMIM disease without a twin by gene takes the one Orphanet entry whose name has the same
/// words ("type" and the like aside), unless their genes contradict it.
#[test]
fn an_omim_disease_without_a_twin_by_gene_takes_the_orphanet_entry_of_the_same_name() {
    let annotations: Vec<(&str, &str, &str, &str)> = [
        ("OMIM:200002", "Baz syndrome 2", "HP:0001903"),
        ("ORPHA:900012", "Baz syndrome, type 2", "HP:0000365"),
        ("ORPHA:900013", "Baz syndrome 12", "HP:0000648"),
        ("OMIM:200003", "Qux disease", "HP:0001903"),
        ("ORPHA:900014", "Qux disease", "HP:0000365"),
        // Names without a word of their own say nothing.
        ("OMIM:200004", "The type", "HP:0001903"),
        ("ORPHA:900015", "type", "HP:0000365"),
    ]
    .into_iter()
    .map(|(id, name, term)| (id, name, term, "HP:0040281"))
    .collect();
    // Qux's two entries name different genes: not the same disease.
    let c = with_genes(
        &annotations,
        &[("GENEQ", "OMIM:200003"), ("GENER", "ORPHA:900014")],
        &CatalogueOptions::default(),
    );
    assert_eq!(c.stats.orphanet_links, 1);
    let m = c.into_model().unwrap();
    let explained = |id: &str, term: &str| explained(&m, id, term);
    assert_eq!(explained("omim_200002", "HP:0000365"), 1, "type 2 is 2");
    assert_eq!(explained("omim_200002", "HP:0000648"), 0, "12 is not 2");
    assert_eq!(explained("omim_200003", "HP:0000365"), 0, "other genes");
    assert_eq!(explained("omim_200004", "HP:0000365"), 0, "no words");
}

/// The rules of a diagnosis (`omim_259700`) of a catalogue, as (finding, frequency), sorted.
fn rules_of(c: &Catalogue, diagnosis: &str) -> Option<Vec<(String, f64)>> {
    let d = c
        .rules
        .files
        .iter()
        .filter_map(|f| f.rules.diagnosis.as_ref())
        .find(|d| d.id.get_ref() == diagnosis)?;
    let mut rules: Vec<(String, f64)> = d
        .rule
        .iter()
        .map(|r| {
            let p = match r.frequency.as_ref().map(toml::Spanned::get_ref) {
                Some(Frequency::Number(p)) => *p,
                other => panic!("the catalogue writes numbers, not {other:?}"),
            };
            (r.finding.get_ref().clone(), p)
        })
        .collect();
    rules.sort_by(|a, b| a.0.cmp(&b.0));
    Some(rules)
}

/// The diagnosis ids of a catalogue.
fn diagnosis_ids(c: &Catalogue) -> Vec<String> {
    c.rules
        .files
        .iter()
        .filter_map(|f| f.rules.diagnosis.as_ref().map(|d| d.id.get_ref().clone()))
        .collect()
}

fn without_cases() -> CatalogueOptions {
    CatalogueOptions {
        cases: CaseSource::None,
        ..CatalogueOptions::default()
    }
}

#[test]
fn a_withheld_publication_takes_its_annotations_away_and_nothing_else() {
    let files = CatalogueFiles::load(FIXTURE, &without_cases()).unwrap();
    // OMIM:607017 is annotated from PMID:32631815 alone (8 rows of the fixture).
    assert!(files.cites("OMIM:607017", "PMID:32631815"));
    assert!(!files.cites("OMIM:259700", "PMID:32631815"));
    assert!(!files.cites("OMIM:607017", "PMID:1"));
    assert_eq!(files.shaped_by("PMID:32631815"), ["OMIM:607017"]);
    let all = files.catalogue().unwrap();
    let without = files.catalogue_without(&["PMID:32631815"]).unwrap();
    assert_eq!(without.stats.withheld_annotations, 8);
    assert_eq!(all.stats.withheld_annotations, 0);
    assert_eq!(without.stats.annotations + 8, all.stats.annotations);
    // The disease left without annotations is not in the catalogue; every other keeps its rules.
    assert!(diagnosis_ids(&all).contains(&"omim_607017".to_owned()));
    assert!(!diagnosis_ids(&without).contains(&"omim_607017".to_owned()));
    assert_eq!(diagnosis_ids(&without).len() + 1, diagnosis_ids(&all).len());
    for id in diagnosis_ids(&without) {
        assert_eq!(rules_of(&without, &id), rules_of(&all, &id), "{id}");
    }
    // A reference no source cites withholds nothing: the same rules, file for file.
    let same = files.catalogue_without(&["PMID:1"]).unwrap();
    assert_eq!(same.rules.files.len(), all.rules.files.len());
    for (a, b) in same.rules.files.iter().zip(&all.rules.files) {
        assert_eq!(a.rules, b.rules, "{}", a.path.display());
    }
    // Catalogue::load is the catalogue of everything the files hold.
    let loaded = Catalogue::load(FIXTURE, &without_cases()).unwrap();
    for (a, b) in loaded.rules.files.iter().zip(&all.rules.files) {
        assert_eq!(a.rules, b.rules, "{}", a.path.display());
    }
}

#[test]
fn published_cases_are_counted_into_n_of_m_annotations_and_withheld_with_their_publication() {
    // Intellectual disability in both cases, scoliosis present in one and excluded in the
    // other, short stature excluded in one: none is annotated for OMIM:259700.
    let dir = std::env::temp_dir().join(format!("osteodx-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cases.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"true_disease\":\"OMIM:259700\",\"pmid\":\"PMID:1\",\"terms\":[\"HP:0001249\",\"HP:0002650\"],\"excluded\":[\"HP:0004322\"]}\n",
            "\n",
            "{\"disease\":\"OMIM:259700\",\"pmid\":\"PMID:2\",\"terms\":[\"HP:0001249\",\"HP:9999999\"],\"excluded\":[\"HP:0002650\"],\"sex\":\"FEMALE\"}\n",
            "{\"true_disease\":\"OMIM:999999\",\"pmid\":\"PMID:2\",\"terms\":[\"HP:0001249\"]}\n",
        ),
    )
    .unwrap();
    let options = CatalogueOptions {
        cases: CaseSource::File(path.clone()),
        ..CatalogueOptions::default()
    };
    let files = CatalogueFiles::load(FIXTURE, &options).unwrap();
    let cases = files.published_cases().unwrap();
    // The case of a disease the catalogue does not have is left out (and counted).
    assert_eq!((cases.len(), cases.without_disease(), cases.unknown_terms()), (2, 1, 1));
    let plain = CatalogueFiles::load(FIXTURE, &without_cases())
        .unwrap()
        .catalogue()
        .unwrap();
    let freq = |c: &Catalogue, term: &str| {
        rules_of(c, "omim_259700")
            .unwrap()
            .into_iter()
            .find(|(f, _)| f == term)
            .map(|(_, p)| p)
    };
    for term in ["hp_0001249", "hp_0002650", "hp_0004322"] {
        assert_eq!(freq(&plain, term), None, "{term} is not annotated for OMIM:259700");
    }
    let all = files.catalogue().unwrap();
    assert_eq!((all.stats.cases, all.stats.cases_without_disease), (2, 1));
    // (n + 1) / (m + 2): 2 of 2, 1 of 2, 0 of 1.
    assert_eq!(freq(&all, "hp_0001249"), Some(3.0 / 4.0));
    assert_eq!(freq(&all, "hp_0002650"), Some(2.0 / 4.0));
    assert_eq!(freq(&all, "hp_0004322"), Some(1.0 / 3.0));
    // Without PMID:1 only the second case counts: 1 of 1, 0 of 1, and no short stature.
    let without = files.catalogue_without(&["PMID:1"]).unwrap();
    assert_eq!(without.stats.withheld_cases, 1);
    assert_eq!(freq(&without, "hp_0001249"), Some(2.0 / 3.0));
    assert_eq!(freq(&without, "hp_0002650"), Some(1.0 / 3.0));
    assert_eq!(freq(&without, "hp_0004322"), None);
    // Both publications shape OMIM:259700, so leave-publication-out never withholds them
    // together; PMID:32631815 (OMIM:607017) may go with either; a reference no source has is
    // in no group.
    assert_eq!(files.shaped_by("PMID:1"), ["OMIM:259700"]);
    assert_eq!(files.shaped_by("PMID:2"), ["OMIM:259700"]);
    let groups = files.publication_groups(&["PMID:2", "PMID:1", "PMID:32631815", "PMID:7", "PMID:1"], 64);
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(groups
        .iter()
        .all(|g| !(g.contains(&"PMID:1".to_owned()) && g.contains(&"PMID:2".to_owned()))));
    assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), 3);
    let exact = files.publication_groups(&["PMID:2", "PMID:1", "PMID:32631815"], 1);
    assert_eq!(exact.len(), 3);
    // A line that is not a case is an error naming the file and line.
    std::fs::write(&path, "{\"terms\":[\"HP:0001249\"]}\n[1]\n").unwrap();
    let err = CatalogueFiles::load(FIXTURE, &options).unwrap_err().to_string();
    assert!(
        err.contains("cases.jsonl:1:1") && err.contains("names no disease"),
        "{err}"
    );
    assert!(
        err.contains("cases.jsonl:2:1") && err.contains("expected a JSON object"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_bundled_cases_are_phenopacket_store_s() {
    let (path, text) = CaseSource::Bundled.read(&osteodx::Limits::default()).unwrap().unwrap();
    assert!(path.to_string_lossy().contains("phenopacket-store"));
    assert_eq!(text.lines().count(), 8343);
    let files = CatalogueFiles::load(FIXTURE, &CatalogueOptions::default()).unwrap();
    let cases = files.published_cases().expect("the default reads the bundled cases");
    assert_eq!((cases.len(), cases.without_disease()), (0, 8343));
    // None of them is of a disease of the pruned fixture: the rules stay the annotations'.
    let with = files.catalogue().unwrap();
    assert_eq!((with.stats.cases, with.stats.cases_without_disease), (0, 8343));
    let plain = Catalogue::load(FIXTURE, &without_cases()).unwrap();
    for (a, b) in with.rules.files.iter().zip(&plain.rules.files) {
        assert_eq!(a.rules, b.rules, "{}", a.path.display());
    }
}
