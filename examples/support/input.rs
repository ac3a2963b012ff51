//! What the examples share: the model (built-in rules, optionally with a user's rules over
//! them and another HPO release) and a patient read from a file (the crate's JSON or a
//! phenopacket, detected), and the options that choose them.

use std::sync::Arc;

use osteodx::research::phenopacket::{looks_like_phenopacket, Phenopacket};
use osteodx::{KnowledgeBase, Model, Ontology, Patient, RuleSet};

/// The options of the model and of the patient file, the same in `diagnose` and `ask`.
#[derive(clap::Args)]
pub struct ModelArgs {
    /// A directory or file of rules put over the built-in ones.
    #[arg(long, value_name = "PATH")]
    pub rules: Option<String>,
    /// Place HPO terms with this ontology (an `hp.obo`) instead of the built-in graph.
    #[arg(long = "hpo-obo", value_name = "FILE")]
    pub obo: Option<String>,
    /// Score the phenotype only: leave out the patient's genetic results.
    #[arg(long = "no-genes", action = clap::ArgAction::SetFalse)]
    pub genes: bool,
}

/// The rules at `rules` (a folder or a file) put over `base` and validated: every problem of
/// reading, parsing and validating them is reported at once.
pub fn over(base: RuleSet, rules: Option<&str>) -> Result<KnowledgeBase, String> {
    let limits = osteodx::Limits::default();
    let (set, problems) = match rules {
        Some(path) => {
            let (user, problems) = RuleSet::from_path_partial(path, &limits).map_err(|e| crate::output::chain(&e))?;
            (base.overlay(user), problems)
        }
        None => (base, Vec::new()),
    };
    KnowledgeBase::new_with_problems(set, problems, &limits).map_err(|e| crate::output::chain(&e))
}

/// The built-in rules with the rules at `rules` over them, compiled; `obo` places HPO terms.
pub fn model(rules: Option<&str>, obo: Option<&str>) -> Result<Model, String> {
    let kb = over(RuleSet::builtin().map_err(|e| e.to_string())?, rules)?;
    let mut model = Model::compile(&kb);
    if let Some(obo) = obo {
        model = model.with_ontology(Arc::new(Ontology::from_obo(obo).map_err(|e| crate::output::chain(&e))?));
    }
    Ok(model)
}

/// The HPO catalogue of `dir` (`hp.obo`, `phenotype.hpoa`, `genes_to_phenotype.txt`), with the
/// rules at `rules` over it, compiled with the catalogue's constants (without `rules`, read from
/// its compiled form when that is up to date).
#[allow(dead_code)] // `ask` does not offer the catalogue.
pub fn catalogue_model(dir: &str, rules: Option<&str>) -> Result<Model, String> {
    use osteodx::catalogue::{Catalogue, CatalogueOptions};
    let options = CatalogueOptions {
        genes: true,
        ..CatalogueOptions::default()
    };
    let config = Catalogue::scoring_config();
    if rules.is_none() {
        // Compiled once, then read back (`DIR/osteodx-compiled`); a failure to write it is no
        // failure of this run.
        let cache = Catalogue::compiled_path(dir, &options, config);
        let (model, _, _) = Catalogue::compiled(dir, &options, config, cache).map_err(|e| crate::output::chain(&e))?;
        return Ok(model);
    }
    let c = Catalogue::load(dir, &options).map_err(|e| crate::output::chain(&e))?;
    let kb = over(c.rules, rules)?;
    Ok(Model::compile_with(&kb, config).with_ontology(Arc::new(c.ontology)))
}

/// A patient from a file: a phenopacket when `phenopacket` says so or the text looks like one,
/// the crate's patient JSON otherwise; without genetic results unless `genes`.
pub fn patient(path: &str, phenopacket: Option<bool>, genes: bool) -> Result<Patient, String> {
    let limits = osteodx::Limits::default();
    let text = limits
        .read_to_string(path.as_ref())
        .map_err(|e| crate::output::chain(&e))?;
    let patient = if phenopacket.unwrap_or_else(|| looks_like_phenopacket(&text)) {
        Phenopacket::parse_with(&text, &limits)
            .map_err(osteodx::Error::from)
            .and_then(|p| p.to_patient(genes))
            .map_err(|e| format!("{path}: {e}"))?
    } else {
        Patient::from_json_with(&text, &limits).map_err(|e| format!("{path}: {e}"))?
    };
    Ok(if genes { patient } else { patient.without_genetics() })
}
