//! The rule files: the built-in set loads and covers the overview; malformed files give the
//! documented errors; a knowledge base serialises back to the same rules.

use osteodx::{Error, KnowledgeBase, ProblemKind, RuleSet};

const VOCAB: &str = r#"
[[finding]]
id = "osteosclerosis"
label = "Osteosclerosis"
hpo = "HP:0011001"

[[finding]]
id = "macrocephaly"
label = "Macrocephaly"
hpo = "HP:0000256"
"#;

const DIAGNOSIS: &str = r#"
[diagnosis]
id = "demo"
name = "Demo"
inheritance = "autosomal_recessive"
prevalence = 1e-5
"#;

fn problems(text: &str) -> Vec<osteodx::Problem> {
    let result = RuleSet::from_text("case.toml", text).and_then(KnowledgeBase::new);
    match result {
        Err(Error::Rules(e)) => e.problems,
        Err(other) => panic!("expected rule problems, got {other}"),
        Ok(_) => panic!("expected an error for:\n{text}"),
    }
}

fn one(text: &str) -> (String, ProblemKind) {
    let p = problems(text);
    assert_eq!(p.len(), 1, "expected one problem, got {p:?}");
    (p[0].to_string(), p[0].kind.clone())
}

#[test]
fn builtin_rules_load() {
    let kb = KnowledgeBase::builtin().expect("built-in rules are valid");
    let ids: Vec<&str> = kb
        .diagnoses()
        .iter()
        .filter(|d| !d.lookalike)
        .map(|d| d.id.as_str())
        .collect();
    assert!(
        kb.diagnoses().iter().filter(|d| d.lookalike).count() >= 5,
        "the look-alikes are modelled"
    );
    // File-name order (see RuleSet::from_dir).
    assert_eq!(
        ids,
        [
            "adult",
            "infantile",
            "intermediate",
            "melorheostosis",
            "osteogenesis_imperfecta",
            "osteopoikilosis",
            "x_linked",
        ]
    );
    assert!(
        kb.findings().len() > 300,
        "vocabulary has {} findings",
        kb.findings().len()
    );
    for d in kb.diagnoses() {
        assert!(d.rules.len() >= 5, "{} has {} rules", d.id, d.rules.len());
        assert!(d.lookalike || !d.genes.is_empty(), "{} has no genes", d.id);
    }
}

#[test]
fn builtin_files_on_disk_match_the_compiled_in_ones() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
    let from_disk = KnowledgeBase::load(dir).expect("rules/ loads");
    let builtin = KnowledgeBase::builtin().unwrap();
    // A directory loads in file-name order, the built-in set vocabulary first: compare as maps.
    assert_eq!(from_disk.findings(), builtin.findings());
    assert_eq!(from_disk.diagnoses(), builtin.diagnoses());
}

#[test]
fn every_overview_symptom_is_a_rule_of_its_diagnosis() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/overview-symptoms.toml"
    ))
    .unwrap();
    let fixture: toml::Table = toml::from_str(&text).unwrap();
    let kb = KnowledgeBase::builtin().unwrap();
    let mut checked = 0;
    for diagnosis in ["infantile", "adult", "intermediate", "x_linked"] {
        let d = &kb.diagnosis(diagnosis).unwrap();
        let symptoms = fixture[diagnosis]["symptoms"].as_array().expect("symptoms list");
        assert!(!symptoms.is_empty());
        for s in symptoms {
            let finding = s["finding"].as_str().unwrap();
            let index = finding_by_id_or_hpo(&kb, finding)
                .unwrap_or_else(|| panic!("{diagnosis}: `{}` -> unknown finding {finding}", s["text"]));
            // The finding, or (for signs HPO has no term for) its parent, carries an HPO id.
            let f = &kb.findings()[index];
            assert!(
                f.hpo.is_some() || f.parents.iter().any(|&p| kb.findings()[p].hpo.is_some()),
                "{finding} has no HPO id"
            );
            assert!(
                d.rules.iter().any(|r| r.finding == index && !r.against),
                "{diagnosis}: overview symptom `{}` ({finding}) has no rule",
                s["text"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 45, "only {checked} overview symptoms checked");
}

fn finding_by_id_or_hpo(kb: &KnowledgeBase, reference: &str) -> Option<usize> {
    kb.finding_index(reference)
        .or_else(|| kb.findings().iter().position(|f| f.hpo.as_deref() == Some(reference)))
}

#[test]
fn every_overview_item_is_a_rule_of_its_diagnoses() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/overview-symptoms.toml"
    ))
    .unwrap();
    let fixture: toml::Table = toml::from_str(&text).unwrap();
    let kb = KnowledgeBase::builtin().unwrap();
    let mut checked = 0;
    for section in ["common", "diagnostics", "complications", "differentials"] {
        for item in fixture[section]["items"].as_array().expect("items") {
            let finding = item["finding"].as_str().unwrap();
            let index = finding_by_id_or_hpo(&kb, finding).unwrap_or_else(|| panic!("unknown finding {finding}"));
            let diagnoses: Vec<&str> = match item.get("diagnoses") {
                Some(list) => list.as_array().unwrap().iter().filter_map(|d| d.as_str()).collect(),
                None => vec![item["diagnosis"].as_str().unwrap()],
            };
            for d in diagnoses {
                assert!(
                    kb.diagnosis(d)
                        .unwrap()
                        .rules
                        .iter()
                        .any(|r| r.finding == index && !r.against),
                    "{d}: overview item `{}` ({finding}) has no rule",
                    item["text"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 60, "only {checked} overview items checked");
}

#[test]
fn overview_genes_are_rules() {
    let kb = KnowledgeBase::builtin().unwrap();
    let has = |d: &str, g: &str| kb.diagnosis(d).unwrap().genes.iter().any(|x| x.symbol == g);
    assert!(has("adult", "CLCN7"));
    assert!(has("infantile", "CLCN7"));
    assert!(has("infantile", "TCIRG1"));
    assert!(has("x_linked", "IKBKG"));
    assert!(has("osteogenesis_imperfecta", "COL1A1"));
    assert!(has("osteopoikilosis", "LEMD3"));
}

#[test]
fn low_bone_density_argues_against_every_osteopetrosis() {
    let kb = KnowledgeBase::builtin().unwrap();
    let model = osteodx::Model::compile(&kb);
    let low = model.lookup("low bone density").expect("low bone density is a finding");
    for d in ["infantile", "adult", "intermediate", "x_linked"] {
        let rule = kb.diagnosis(d).unwrap().rules.iter().find(|r| r.finding == low.index());
        assert!(
            rule.is_some_and(|r| r.against),
            "{d} has no `against` rule on low bone density"
        );
    }
}

#[test]
fn round_trip_gives_the_same_knowledge_base() {
    let kb = KnowledgeBase::builtin().unwrap();
    let mut again = RuleSet::default();
    for (name, text) in kb.to_rule_files() {
        again = again.overlay(RuleSet::from_text(&name, &text).unwrap());
    }
    let kb2 = KnowledgeBase::new(again).unwrap();
    assert_eq!(kb2, kb);
    // And the text itself is stable.
    assert_eq!(kb2.to_rule_files(), kb.to_rule_files());
}

#[test]
fn user_rules_add_and_override() {
    let user = RuleSet::from_text(
        "mine.toml",
        r#"
[[finding]]
id = "kidney_stones"
label = "Kidney stones (user finding)"

[diagnosis]
id = "adult"
name = "My adult osteopetrosis"
inheritance = "autosomal_dominant"
prevalence = 5e-5
[[rule]]
finding = "kidney_stones"
frequency = 0.5
"#,
    )
    .unwrap();
    let kb = KnowledgeBase::new(RuleSet::builtin().unwrap().overlay(user)).unwrap();
    assert_eq!(
        kb.diagnoses().len(),
        KnowledgeBase::builtin().unwrap().diagnoses().len()
    );
    assert_eq!(kb.diagnosis("adult").unwrap().name, "My adult osteopetrosis");
    assert_eq!(kb.diagnosis("adult").unwrap().rules.len(), 1);
    assert_eq!(
        kb.diagnosis_index("adult"),
        KnowledgeBase::builtin().unwrap().diagnosis_index("adult"),
        "an override keeps its place"
    );
    assert!(kb.finding_index("kidney_stones").is_some());
}

#[test]
fn syntax_error_has_line_and_column() {
    let (msg, kind) = one("[[finding]]\nid = \"a\"\nlabel = ");
    assert!(matches!(kind, ProblemKind::Syntax(_)));
    assert!(msg.starts_with("case.toml:3:"), "{msg}");
}

#[test]
fn unknown_key_is_a_syntax_error() {
    let (msg, kind) = one("[[finding]]\nid = \"a\"\nlabl = \"A\"\nlabel = \"A\"");
    assert!(matches!(kind, ProblemKind::Syntax(_)));
    assert!(msg.contains("labl") && msg.starts_with("case.toml:3:"), "{msg}");
}

#[test]
fn wrong_type_is_a_syntax_error() {
    let (msg, kind) = one(&format!(
        "{VOCAB}{DIAGNOSIS}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = true\n"
    ));
    assert!(matches!(kind, ProblemKind::Syntax(_)), "{msg}");
}

#[test]
fn bad_inheritance_is_a_syntax_error() {
    let text = format!("{VOCAB}{}", DIAGNOSIS.replace("autosomal_recessive", "recessive"));
    let (msg, kind) = one(&format!(
        "{text}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 0.5\n"
    ));
    assert!(matches!(kind, ProblemKind::Syntax(_)), "{msg}");
    assert!(msg.contains("recessive"));
}

#[test]
fn unknown_finding_suggests_the_nearest() {
    let (msg, kind) = one(&format!(
        "{VOCAB}{DIAGNOSIS}[[rule]]\nfinding = \"macrocefaly\"\nfrequency = 0.5\n"
    ));
    match kind {
        ProblemKind::UnknownFinding { id, suggestions } => {
            assert_eq!(id, "macrocefaly");
            assert_eq!(suggestions[0], "macrocephaly");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        msg.starts_with("case.toml:18:11: unknown finding `macrocefaly`; did you mean macrocephaly?"),
        "{msg}"
    );
}

#[test]
fn unknown_parent() {
    let (_, kind) = one("[[finding]]\nid = \"a\"\nlabel = \"A\"\nparents = [\"nope\"]\n");
    assert!(matches!(kind, ProblemKind::UnknownFinding { ref id, .. } if id == "nope"));
}

#[test]
fn duplicate_finding() {
    let (msg, kind) = one(&format!(
        "{VOCAB}[[finding]]\nid = \"macrocephaly\"\nlabel = \"Again\"\n"
    ));
    assert!(matches!(kind, ProblemKind::DuplicateFinding { .. }));
    assert!(msg.contains("first defined at case.toml:8:"), "{msg}");
}

#[test]
fn duplicate_diagnosis_across_files() {
    let body = format!("{DIAGNOSIS}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 0.5\n");
    let mut set = RuleSet::from_text("vocab.toml", VOCAB).unwrap();
    set.files.extend(RuleSet::from_text("a.toml", &body).unwrap().files);
    set.files.extend(RuleSet::from_text("b.toml", &body).unwrap().files);
    match KnowledgeBase::new(set) {
        Err(Error::Rules(e)) => {
            assert_eq!(e.problems.len(), 1);
            assert!(matches!(e.problems[0].kind, ProblemKind::DuplicateDiagnosis { .. }));
            assert!(e.problems[0].to_string().starts_with("b.toml:"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_hpo_id() {
    let (_, kind) = one(&format!(
        "{VOCAB}[[finding]]\nid = \"big_head\"\nlabel = \"Big head\"\nhpo = \"HP:0000256\"\n"
    ));
    assert!(matches!(kind, ProblemKind::DuplicateHpo { .. }));
}

#[test]
fn duplicate_rule() {
    let (_, kind) = one(&format!(
        "{VOCAB}{DIAGNOSIS}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 0.5\n[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 0.6\n"
    ));
    assert!(matches!(kind, ProblemKind::DuplicateRule { .. }));
}

#[test]
fn frequency_out_of_range() {
    let (msg, kind) = one(&format!(
        "{VOCAB}{DIAGNOSIS}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 1.5\n"
    ));
    assert_eq!(kind, ProblemKind::FrequencyOutOfRange(1.5));
    assert!(
        msg.starts_with("case.toml:19:13: frequency 1.5 is outside [0, 1]"),
        "{msg}"
    );
}

#[test]
fn frequency_not_a_number() {
    let (_, kind) = one(&format!(
        "{VOCAB}{DIAGNOSIS}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = \"often\"\n"
    ));
    assert_eq!(kind, ProblemKind::FrequencyNotANumber("often".into()));
}

#[test]
fn frequency_classes_by_id_and_name() {
    let text = format!(
        "{VOCAB}{DIAGNOSIS}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = \"HP:0040282\"\n[[rule]]\nfinding = \"osteosclerosis\"\nfrequency = \"Very frequent\"\n"
    );
    let kb = KnowledgeBase::new(RuleSet::from_text("ok.toml", &text).unwrap()).unwrap();
    let f: Vec<f64> = kb
        .diagnosis("demo")
        .unwrap()
        .rules
        .iter()
        .map(|r| r.frequency)
        .collect();
    assert_eq!(f, [0.55, 0.9]);
}

#[test]
fn parent_cycle() {
    let (msg, kind) = one("[[finding]]\nid = \"a\"\nlabel = \"A\"\nparents = [\"b\"]\n[[finding]]\nid = \"b\"\nlabel = \"B\"\nparents = [\"a\"]\n");
    assert!(matches!(kind, ProblemKind::ParentCycle(_)));
    assert!(msg.contains("parent cycle: a -> b -> a"), "{msg}");
}

#[test]
fn malformed_hpo_id() {
    let (msg, kind) = one("[[finding]]\nid = \"a\"\nlabel = \"A\"\nhpo = \"HP:123\"\n");
    assert_eq!(kind, ProblemKind::MalformedHpoId("HP:123".into()));
    assert!(msg.starts_with("case.toml:4:7:"), "{msg}");
}

#[test]
fn diagnosis_without_rules() {
    let (_, kind) = one(&format!("{VOCAB}{DIAGNOSIS}"));
    assert_eq!(kind, ProblemKind::NoRules("demo".into()));
}

#[test]
fn id_not_snake_case() {
    let (_, kind) = one("[[finding]]\nid = \"Big-Head\"\nlabel = \"A\"\n");
    assert_eq!(kind, ProblemKind::BadId("Big-Head".into()));
}

#[test]
fn background_out_of_range() {
    let (_, kind) = one("[[finding]]\nid = \"a\"\nlabel = \"A\"\nbackground = 1.5\n");
    assert!(matches!(kind, ProblemKind::OutOfRange { what: "background", .. }));
}

#[test]
fn prevalence_out_of_range() {
    let text = format!("{VOCAB}{}", DIAGNOSIS.replace("1e-5", "0.0"));
    let (_, kind) = one(&format!(
        "{text}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 0.5\n"
    ));
    assert!(matches!(kind, ProblemKind::OutOfRange { what: "prevalence", .. }));
}

#[test]
fn negative_likelihood_ratio() {
    let (_, kind) = one(&format!(
        "{VOCAB}{DIAGNOSIS}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 0.5\nlr = -2.0\n"
    ));
    assert!(matches!(
        kind,
        ProblemKind::OutOfRange {
            what: "likelihood ratio",
            ..
        }
    ));
}

#[test]
fn rules_without_diagnosis() {
    let (_, kind) = one(&format!(
        "{VOCAB}[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 0.5\n"
    ));
    assert_eq!(kind, ProblemKind::RulesWithoutDiagnosis);
}

#[test]
fn bad_gene() {
    let p = problems(&format!(
        "{VOCAB}{DIAGNOSIS}[[gene]]\nsymbol = \"tc irg1\"\nfraction = 0.0\n[[rule]]\nfinding = \"macrocephaly\"\nfrequency = 0.5\n"
    ));
    assert!(p.iter().any(|x| x.kind == ProblemKind::BadGene("tc irg1".into())));
    assert!(p.iter().any(|x| matches!(
        x.kind,
        ProblemKind::OutOfRange {
            what: "gene fraction",
            ..
        }
    )));
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let text = format!(
        "{VOCAB}[[finding]]\nid = \"x\"\nlabel = \"X\"\nhpo = \"HP:1\"\n{DIAGNOSIS}[[rule]]\nfinding = \"nope\"\nfrequency = 2.0\n[[rule]]\nfinding = \"macrocephaly\"\nfrequency = \"often\"\n"
    );
    let p = problems(&text);
    assert_eq!(p.len(), 3, "{p:?}");
    let lines: Vec<usize> = p.iter().map(|x| x.location.line).collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted, "problems are in file order");
}

#[test]
fn syntax_errors_in_several_files_are_all_reported() {
    let dir = std::env::temp_dir().join(format!("osteodx-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.toml"), "[[finding]]\nid = ").unwrap();
    std::fs::write(dir.join("b.toml"), "[diagnosis\n").unwrap();
    std::fs::write(dir.join("c.toml"), VOCAB).unwrap();
    let err = KnowledgeBase::load(&dir).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    match err {
        Error::Rules(e) => {
            assert_eq!(e.problems.len(), 2);
            assert!(e.problems[0].location.path.ends_with("a.toml"));
            assert!(e.problems[1].location.path.ends_with("b.toml"));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn missing_directory_is_an_io_error() {
    let err = KnowledgeBase::load("/nonexistent/osteodx/rules").unwrap_err();
    assert!(matches!(err, Error::Io { .. } | Error::Rules(_)), "{err}");
    assert!(err.to_string().contains("/nonexistent/osteodx/rules"));
}

#[test]
fn the_readme_rule_example_loads_over_the_builtin_rules() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("## The rule format").expect("section")..];
    let start = section.find("```toml\n").expect("toml block") + 8;
    let text = &section[start..start + section[start..].find("```").unwrap()];
    let kb = KnowledgeBase::new(
        RuleSet::builtin()
            .unwrap()
            .overlay(RuleSet::from_text("README.md", text).unwrap()),
    )
    .expect("the README example is valid");
    let model = osteodx::Model::compile(&kb);
    let p = osteodx::Patient::new()
        .present("acro-osteolysis of the fingers")
        .present("increased bone mineral density")
        .variant("CTSK", osteodx::Zygosity::Biallelic);
    let d = model.diagnose(&model.resolve(&p).unwrap());
    assert_eq!(d.diagnoses[0].id, "my_pycnodysostosis");
    // And the README's error example is what a misspelt finding gives.
    let bad = text.replace(
        "finding = \"terminal_phalanx_resorption\"",
        "finding = \"terminal_phalanx_resorbtion\"",
    );
    let err = KnowledgeBase::new(
        RuleSet::builtin()
            .unwrap()
            .overlay(RuleSet::from_text("my-rules/pycno.toml", &bad).unwrap()),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("unknown finding `terminal_phalanx_resorbtion`; did you mean terminal_phalanx_resorption?"),
        "{err}"
    );
    assert!(
        readme.contains(err.lines().nth(1).unwrap().trim()),
        "README shows: {}",
        err.lines().nth(1).unwrap()
    );
}

/// FNV-1a, 64 bits: the hash `tools/derive_rules.py` writes into each derived file.
fn fnv1a64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The HPO-derived layer is up to date: each file's recorded input hash matches the curated files
/// it was made from (a curated edit was followed by `python3 tools/derive_rules.py HPO_DIR`), and
/// its output hash matches its own text (nobody edited it by hand).
#[test]
fn derived_layer_is_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut base = read("tools/derive_rules.py");
    base.extend(read("tools/derive/hierarchy.toml"));
    base.extend(read("tools/derive/synonyms.toml"));
    base.extend(read("tools/derive/examinations.toml"));
    let mut curated: Vec<String> = std::fs::read_dir(root.join("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| std::path::Path::new(n).extension().is_some_and(|e| e == "toml") && n != "findings.toml")
        .collect();
    curated.sort();
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("rules/derived")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.splitn(4, '\n');
        let (_, _, hashes, body) = (
            lines.next(),
            lines.next(),
            lines.next().unwrap_or(""),
            lines.next().unwrap_or(""),
        );
        let mut inputs = base.clone();
        if name == "vocabulary.toml" {
            inputs.extend(read("rules/findings.toml"));
            for c in &curated {
                inputs.extend(read(&format!("rules/{c}")));
            }
        } else {
            inputs.extend(read(&format!("rules/{name}")));
        }
        let expected = format!(
            "# inputs-fnv1a64 = {:016x}  output-fnv1a64 = {:016x}",
            fnv1a64(&inputs),
            fnv1a64(body.as_bytes())
        );
        assert_eq!(
            hashes, expected,
            "rules/derived/{name} is out of date: run `python3 tools/derive_rules.py HPO_DIR` \
             (HPO_DIR from shared/tools/hpo-data); do not edit rules/derived/ by hand"
        );
        checked += 1;
    }
    assert_eq!(
        checked,
        curated.len() + 1,
        "one derived file per curated diagnosis file, plus the vocabulary"
    );
}
