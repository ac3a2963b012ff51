//! The fuzz targets, shared by the fuzz driver (`examples/fuzz.rs`) and the property tests
//! (`tests/hardening.rs`): feed one input to a parser and everything after it, and say what is
//! wrong with the outcome. A panic is caught by the caller; `Err` is a result that breaks a
//! promise (an error that does not say where, a posterior that is not a distribution).

use osteodx::catalogue::{Catalogue, CatalogueOptions, Sources};
use osteodx::report::NextQuery;
use osteodx::research::phenopacket::{Phenopacket, PhenopacketError};
use osteodx::research::simulate::SplitMix64;
use osteodx::{
    Differential, Error, KnowledgeBase, Limits, Model, Ontology, Patient, PatientError, ProblemKind, RuleSet,
};

/// The targets, in the order `--target all` runs them. The last two are generated rather than
/// mutated ([`generate`]): `big-patient`, patients of hundreds to thousands of distinct terms
/// (where work that grows faster than the terms shows), and `rule-folder`, folders of rule files
/// with symbolic links (loops, links out of the tree, to files, to themselves).
pub const TARGETS: [&str; 8] = [
    "rules",
    "patient",
    "phenopacket",
    "obo",
    "hpoa",
    "compiled",
    "big-patient",
    "rule-folder",
];

/// The valid seed file of a target.
pub fn seed_of(target: &str) -> &'static [u8] {
    match target {
        "rules" => include_bytes!("../fuzz-seeds/rules.toml"),
        "patient" => include_bytes!("../fuzz-seeds/patient.json"),
        "phenopacket" => include_bytes!("../../tests/fixtures/example-phenopacket.json"),
        "hpoa" => include_bytes!("../fuzz-seeds/phenotype.hpoa"),
        "compiled" => compiled_seed(),
        "big-patient" => br#"{"present": ["generalized osteosclerosis", "anemia"], "absent": ["blue sclerae"]}"#,
        "rule-folder" => {
            br#"{"file": "findings.toml", "text": "[[finding]]\nid = \"a\"\nlabel = \"A\"\n"}
{"link": "again", "to": "."}"#
        }
        _ => include_bytes!("../../tests/fixtures/mini.obo"),
    }
}

/// A compiled model file (`osteodx::model_file`) of a small synthetic knowledge base: the seed
/// of the `compiled` target, made on first use.
fn compiled_seed() -> &'static [u8] {
    static SEED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SEED.get_or_init(|| {
        let mut out = Vec::new();
        if let Ok(kb) = osteodx::research::simulate::synthetic_knowledge_base(6, 24, 4, 7) {
            let _ = Model::compile(&kb).write_compiled(&mut out, "fuzz", "note");
        }
        out
    })
}

/// Give a (mutated) compiled file a checksum that matches its bytes again, so that reading it
/// gets past the checksum to the parts behind it.
pub fn reseal(bytes: &mut [u8]) {
    if bytes.len() >= 16 {
        let n = bytes.len() - 8;
        let sum = xxhash_rust::xxh3::xxh3_64(&bytes[..n]);
        bytes[n..].copy_from_slice(&sum.to_le_bytes());
    }
}

/// Feed raw bytes to `target`: a compiled model file as it is and resealed (every outcome but a
/// model that scores a patient into a distribution must be a typed error), the text targets as
/// text.
pub fn run_bytes(target: &str, model: &Model, bytes: &[u8]) -> Result<(), String> {
    if target != "compiled" {
        return run(target, model, &String::from_utf8_lossy(bytes));
    }
    let mut sealed = bytes.to_vec();
    reseal(&mut sealed);
    for input in [bytes, &sealed[..]] {
        // An error is typed (`CompiledFileError`) by construction; a model read must score.
        if let Ok((m, _)) = Model::read_compiled(input, None, &Limits::default()) {
            let p = Patient::new().present("f1").present("f2").absent("f3");
            score(&m, &p)?;
        }
    }
    Ok(())
}

/// The posteriors of a differential are finite and sum to 1.
pub fn check_distribution(d: &Differential<'_>) -> Result<(), String> {
    let sum: f64 = d.diagnoses.iter().map(|x| x.posterior).sum::<f64>() + d.none_of_these;
    let bad = d
        .diagnoses
        .iter()
        .find(|x| !(x.posterior.is_finite() && (0.0..=1.0).contains(&x.posterior) && x.log10_lr.is_finite()));
    if let Some(x) = bad {
        return Err(format!("{}: posterior {}, log10 LR {}", x.id, x.posterior, x.log10_lr));
    }
    if !d.none_of_these.is_finite() || (sum - 1.0).abs() > 1e-9 {
        return Err(format!("posteriors sum to {sum} (none of these {})", d.none_of_these));
    }
    Ok(())
}

/// Everything downstream of a patient: resolution (its errors are typed, so fine), the
/// differential, the next findings and the robustness (whose search must stay within its
/// budgets and say so).
pub fn score(model: &Model, patient: &Patient) -> Result<(), String> {
    if let Ok(resolved) = model.resolve(patient) {
        check_distribution(&model.diagnose(&resolved))?;
        for n in model.next_findings(&resolved, &NextQuery::top(2)) {
            if !(n.information_gain_bits.is_finite() && n.information_gain_bits >= 0.0) {
                return Err(format!("gain {} for {}", n.information_gain_bits, n.id));
            }
        }
        let r = model.robustness(&resolved);
        if r.margin_log10.is_nan() || !(0.0..=1.0).contains(&r.first_posterior) {
            return Err(format!(
                "robustness: margin {}, first {}",
                r.margin_log10, r.first_posterior
            ));
        }
        for s in [r.removal_search, r.flip_search] {
            if s.rankings > osteodx::report::Robustness::MAX_RANKINGS
                || s.complete_up_to > osteodx::report::Robustness::MAX_DECISIVE
            {
                return Err(format!("robustness search out of its budget: {s:?}"));
            }
        }
    }
    Ok(())
}

/// A generated input of a generated target (`big-patient`, `rule-folder`), drawn with `rng`:
/// its kind and its bytes (what `run` reads back, so that a failing input can be saved and
/// replayed); `None` for the mutated targets.
pub fn generate(target: &str, model: &Model, rng: &mut SplitMix64) -> Option<(&'static str, Vec<u8>)> {
    match target {
        "big-patient" => Some(("many terms", big_patient(model, rng))),
        "rule-folder" => Some(("linked folder", rule_folder(rng))),
        _ => None,
    }
}

/// A patient of 100 to 1,500 distinct terms: the vocabulary's ids and labels, HPO ids of the
/// ontology (placed on the vocabulary), a few names nobody knows, present or absent, with ages,
/// sex, family history, labs and genes now and then; as the crate's patient JSON.
fn big_patient(model: &Model, rng: &mut SplitMix64) -> Vec<u8> {
    use osteodx::{Analyte, FamilyHistory, Sex, Zygosity};
    let kb = model.knowledge_base();
    let terms = model.ontology().map(osteodx::Ontology::terms).unwrap_or_default();
    let n = 100 + rng.below(1400);
    let mut seen = std::collections::BTreeSet::new();
    let mut p = Patient::new();
    for _ in 0..n * 2 {
        if seen.len() >= n {
            break;
        }
        let name = match rng.below(10) {
            0..=2 => kb.findings()[rng.below(kb.findings().len())].id.clone(),
            3 => kb.findings()[rng.below(kb.findings().len())].label.clone(),
            4 => format!("unheard of finding {}", rng.below(1_000_000)),
            _ if !terms.is_empty() => format!("HP:{:07}", terms[rng.below(terms.len())]),
            _ => kb.findings()[rng.below(kb.findings().len())].id.clone(),
        };
        if seen.insert(name.clone()) {
            p = if rng.unit() < 0.7 {
                p.present(name)
            } else {
                p.absent(name)
            };
        }
    }
    if rng.unit() < 0.5 {
        p = p.sex([Sex::Male, Sex::Female][rng.below(2)]);
    }
    if rng.unit() < 0.5 {
        let exam = 130.0 * rng.unit();
        p = p.examined_at_years(exam).onset_years(exam * rng.unit());
    }
    if rng.unit() < 0.3 {
        p = p.family(FamilyHistory::ParentalConsanguinity);
    }
    if rng.unit() < 0.3 {
        p = p.lab(Analyte::Hemoglobin, 20.0 * rng.unit(), "g/dL");
    }
    for _ in 0..rng.below(4) {
        let genes = ["TCIRG1", "CLCN7", "COL1A1", "LEMD3", "NOTAGENE"];
        let zygosity = [Zygosity::Heterozygous, Zygosity::Biallelic, Zygosity::Hemizygous][rng.below(3)];
        p = p.variant(genes[rng.below(genes.len())], zygosity);
    }
    serde_json::to_vec(&p).unwrap_or_default()
}

/// A folder of rule files with symbolic links, as JSON lines: `{"file": PATH, "text": TEXT}` and
/// `{"link": PATH, "to": TARGET}`; paths relative and without `..` (they stay in the folder),
/// targets anything (`.`, `..`, `/`, a sibling, a file, the link itself, nothing).
fn rule_folder(rng: &mut SplitMix64) -> Vec<u8> {
    let dirs = ["", "sub/", "sub/deeper/", "other/"];
    let mut lines = Vec::new();
    let seed = std::str::from_utf8(seed_of("rules")).unwrap_or_default();
    let (vocabulary, diagnosis) = seed.split_at(seed.find("[diagnosis]").unwrap_or(seed.len()));
    let files = [("findings.toml", vocabulary), ("demo.toml", diagnosis)];
    for (name, text) in files {
        let dir = dirs[rng.below(dirs.len())];
        let text = if rng.unit() < 0.3 {
            String::from_utf8_lossy(&crate::mutate::mutate(text.as_bytes(), rng).1).into_owned()
        } else {
            text.to_owned()
        };
        lines.push(serde_json::json!({ "file": format!("{dir}{name}"), "text": text }));
    }
    for i in 0..=rng.below(6) {
        let dir = dirs[rng.below(dirs.len())];
        let name = format!("{dir}link{i}{}", if rng.unit() < 0.3 { ".toml" } else { "" });
        let to = match rng.below(9) {
            0 | 1 => ".".to_owned(),
            2 => "..".to_owned(),
            3 => "../..".to_owned(),
            4 => "/".to_owned(),
            5 => "sub".to_owned(),
            6 => "demo.toml".to_owned(),
            7 => format!("link{i}{}", if rng.unit() < 0.5 { ".toml" } else { "" }),
            _ => "missing".to_owned(),
        };
        lines.push(serde_json::json!({ "link": name, "to": to }));
    }
    lines
        .iter()
        .flat_map(|l| l.to_string().into_bytes().into_iter().chain([b'\n']))
        .collect()
}

/// Make the folder of a `rule-folder` input under a fresh temporary folder, load it, score a
/// patient on what loads, and remove it: the load must end (no walk through links), and a
/// failure must list problems that each name a file and, unless they concern a whole file, a
/// line.
fn run_rule_folder(text: &str) -> Result<(), String> {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let root = std::env::temp_dir().join(format!("osteodx-fuzz-folder-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let inside = |p: &str| {
        let path = std::path::Path::new(p);
        (!p.is_empty() && path.components().all(|c| matches!(c, std::path::Component::Normal(_))))
            .then(|| root.join(path))
    };
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let (Some(path), Some(text)) = (v["file"].as_str().and_then(inside), v["text"].as_str()) {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(path, text);
        } else if let (Some(path), Some(to)) = (v["link"].as_str().and_then(inside), v["to"].as_str()) {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            #[cfg(unix)]
            let _ = std::os::unix::fs::symlink(to, path);
        }
    }
    let outcome = match KnowledgeBase::load(&root) {
        Ok(kb) => {
            let p = Patient::new().present("osteosclerosis").present("anemia");
            score(&Model::compile(&kb), &p)
        }
        Err(Error::Rules(r)) => match r.problems.iter().find(|p| {
            let whole_file = matches!(p.kind, ProblemKind::TooLarge { .. } | ProblemKind::Io(_));
            !(p.location.path.starts_with(&root) && (whole_file || p.location.line > 0))
        }) {
            Some(p) => Err(format!("a problem without its place: {p}")),
            None => Ok(()),
        },
        Err(Error::Io { path, .. }) if path.starts_with(&root) => Ok(()),
        Err(e) => Err(format!("not a rule error: {e:?}")),
    };
    let _ = std::fs::remove_dir_all(&root);
    outcome
}

/// A rule-file error lists problems, each naming the file `name` and, unless it concerns the
/// whole file, a line.
pub fn check_rule_error(e: &Error, name: &str) -> Result<(), String> {
    let Error::Rules(r) = e else {
        return Err(format!("not a rule error: {e:?}"));
    };
    if r.problems.is_empty() {
        return Err("a rule error without problems".to_owned());
    }
    for p in &r.problems {
        let whole_file = matches!(p.kind, ProblemKind::TooLarge { .. } | ProblemKind::Io(_));
        if p.location.path.to_string_lossy() != name || !(whole_file || p.location.line > 0) {
            return Err(format!("a problem without its place: {p}"));
        }
    }
    Ok(())
}

/// Feed `text` to `target`; `model` scores the patients (rule files get a model of their own).
pub fn run(target: &str, model: &Model, text: &str) -> Result<(), String> {
    match target {
        "rules" => match RuleSet::from_text("fuzz.toml", text).and_then(KnowledgeBase::new) {
            Ok(kb) => {
                let p = Patient::new()
                    .present("osteosclerosis")
                    .present("anemia")
                    .onset_years(0.5);
                score(&Model::compile(&kb), &p)
            }
            Err(e) => check_rule_error(&e, "fuzz.toml"),
        },
        "patient" => match Patient::from_json(text) {
            Ok(p) => score(model, &p),
            Err(Error::Patient(PatientError::Json { line, column, .. })) if line > 0 && column > 0 => Ok(()),
            // Over a limit: a whole-file error, typed, with the sizes.
            Err(Error::Patient(PatientError::TooLarge { .. })) => Ok(()),
            Err(e) => Err(format!("not a located JSON error: {e:?}")),
        },
        "phenopacket" => match Phenopacket::from_json(text).and_then(|p| p.to_patient(true)) {
            Ok(p) => score(model, &p),
            Err(Error::Phenopacket(PhenopacketError::Json { line, column, .. })) if line == 0 || column == 0 => {
                Err(format!("a JSON error without its place: {line}:{column}"))
            }
            // Read, but not a patient (no subject, a term that is not HPO, ...): typed.
            Err(Error::Phenopacket(_)) => Ok(()),
            Err(e) => Err(format!("not a phenopacket error: {e:?}")),
        },
        "big-patient" => match Patient::from_json(text) {
            Ok(p) => score(model, &p),
            Err(Error::Patient(PatientError::Json { line, column, .. })) if line > 0 && column > 0 => Ok(()),
            Err(e) => Err(format!("not a located JSON error: {e:?}")),
        },
        "rule-folder" => run_rule_folder(text),
        "obo" => match Ontology::parse_obo("fuzz.obo".as_ref(), text) {
            Ok(o) => {
                for id in [1, 118, 5789, 11001, 99991] {
                    let _ = (o.ancestors(id), o.nearest_ancestors(id, |t| t % 7 == 0));
                }
                Ok(())
            }
            Err(Error::Ontology { ref path, .. }) if path.to_string_lossy() == "fuzz.obo" => Ok(()),
            Err(e) => Err(format!("not an ontology error naming the file: {e:?}")),
        },
        "hpoa" => {
            // The annotations of a few diseases over the fixture's ontology, read once.
            static ONTOLOGY: std::sync::OnceLock<Option<Ontology>> = std::sync::OnceLock::new();
            let ontology = ONTOLOGY.get_or_init(|| {
                let text = include_str!("../../tests/fixtures/hpo/hp.obo");
                Ontology::parse_obo("hp.obo".as_ref(), text).ok()
            });
            let Some(ontology) = ontology else {
                return Err("the fixture's hp.obo does not parse".to_owned());
            };
            let options = CatalogueOptions {
                sources: Sources::Both,
                ..CatalogueOptions::default()
            };
            let hpoa = ("fuzz.hpoa".as_ref(), text);
            match Catalogue::with_ontology(ontology.clone(), hpoa, None, &options).and_then(Catalogue::into_model) {
                Ok(model) => {
                    let p = Patient::new().present("HP:0011002").absent("HP:0000365");
                    score(&model, &p)
                }
                Err(Error::Rules(r)) => match r.problems.iter().find(|p| {
                    let path = p.location.path.to_string_lossy();
                    !(path == "fuzz.hpoa" && p.location.line > 0)
                }) {
                    Some(p) => Err(format!("a problem without its line in the annotation file: {p}")),
                    None => Ok(()),
                },
                Err(e) => Err(format!("not a rule error: {e:?}")),
            }
        }
        t => Err(format!("unknown target {t}")),
    }
}
