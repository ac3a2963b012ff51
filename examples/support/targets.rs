//! The fuzz targets, shared by the fuzz driver (`examples/fuzz.rs`) and the property tests
//! (`tests/hardening.rs`): feed one input to a parser and everything after it, and say what is
//! wrong with the outcome. A panic is caught by the caller; `Err` is a result that breaks a
//! promise (an error that does not say where, a posterior that is not a distribution).

use osteodx::catalogue::{Catalogue, CatalogueOptions, Sources};
use osteodx::phenopacket::{Phenopacket, PhenopacketError};
use osteodx::{
    Differential, Error, KnowledgeBase, Limits, Model, NextQuery, Ontology, Patient, PatientError, ProblemKind, RuleSet,
};

/// The targets, in the order `--target all` runs them.
pub const TARGETS: [&str; 6] = ["rules", "patient", "phenopacket", "obo", "hpoa", "compiled"];

/// The valid seed file of a target.
pub fn seed_of(target: &str) -> &'static [u8] {
    match target {
        "rules" => include_bytes!("../fuzz-seeds/rules.toml"),
        "patient" => include_bytes!("../fuzz-seeds/patient.json"),
        "phenopacket" => include_bytes!("../../tests/fixtures/example-phenopacket.json"),
        "hpoa" => include_bytes!("../fuzz-seeds/phenotype.hpoa"),
        "compiled" => compiled_seed(),
        _ => include_bytes!("../../tests/fixtures/mini.obo"),
    }
}

/// A compiled model file (`osteodx::model_file`) of a small synthetic knowledge base: the seed
/// of the `compiled` target, made on first use.
fn compiled_seed() -> &'static [u8] {
    static SEED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SEED.get_or_init(|| {
        let mut out = Vec::new();
        if let Ok(kb) = osteodx::simulate::synthetic_knowledge_base(6, 24, 4, 7) {
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
/// differential and the next findings.
pub fn score(model: &Model, patient: &Patient) -> Result<(), String> {
    if let Ok(resolved) = model.resolve(patient) {
        check_distribution(&model.diagnose(&resolved))?;
        for n in model.next_findings(&resolved, &NextQuery::top(2)) {
            if !(n.information_gain_bits.is_finite() && n.information_gain_bits >= 0.0) {
                return Err(format!("gain {} for {}", n.information_gain_bits, n.id));
            }
        }
    }
    Ok(())
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
