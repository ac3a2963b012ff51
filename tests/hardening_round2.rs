//! Hostile input, second round (issue 23): what an adversarial run found hanging, aborting or
//! silently changing the answer, each with the test that failed before the fix.

use std::path::{Path, PathBuf};

use osteodx::{Error, KnowledgeBase, Patient, ProblemKind, RuleSet};

/// A fresh folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("osteodx-round2-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The fuzz driver's seed rule set: findings, a gene background and a diagnosis.
const SEED_RULES: &str = include_str!("../examples/fuzz-seeds/rules.toml");

fn rule_problems(e: Error) -> Vec<osteodx::Problem> {
    match e {
        Error::Rules(r) => r.problems,
        other => panic!("not a rule error: {other}"),
    }
}

/// Item 2: a link to the folder itself made the walk go round (40 nested copies and 40
/// "duplicate diagnosis id" errors for one link, an exponential walk for two); a link out of the
/// tree was followed (to `/`: "cannot read .../dev/fd/4").
#[cfg(unix)]
#[test]
fn rule_folders_are_walked_once_whatever_their_links() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new("links");
    dir.write("seed.toml", SEED_RULES);
    let plain = KnowledgeBase::load(dir.path()).expect("the seed rules load");
    // One link to the folder itself, then two, then a link from a subfolder to the top and a
    // link to a file: the same rules, read once.
    symlink(".", dir.path().join("again")).unwrap();
    let once = KnowledgeBase::load(dir.path()).expect("a link to the folder adds nothing");
    assert_eq!(once, plain);
    symlink(".", dir.path().join("more")).unwrap();
    dir.write("sub/extra.toml", "[[finding]]\nid = \"extra\"\nlabel = \"Extra\"\n");
    symlink("..", dir.path().join("sub/up")).unwrap();
    symlink(dir.path().join("sub"), dir.path().join("sub-again")).unwrap();
    let kb = KnowledgeBase::load(dir.path()).expect("loops add nothing");
    assert_eq!(kb.findings().len(), plain.findings().len() + 1);
    assert_eq!(kb.diagnoses(), plain.diagnoses());
    // A link to a file is read; a link to itself is a file that cannot be read, named.
    symlink(dir.path().join("seed.toml"), dir.path().join("sub/linked.toml")).unwrap();
    let duplicate = rule_problems(KnowledgeBase::load(dir.path()).unwrap_err());
    assert!(
        duplicate
            .iter()
            .any(|p| p.location.path.ends_with("sub/linked.toml") && p.to_string().contains("duplicate")),
        "{duplicate:?}"
    );
    std::fs::remove_file(dir.path().join("sub/linked.toml")).unwrap();
    symlink("self.toml", dir.path().join("self.toml")).unwrap();
    let problems = rule_problems(KnowledgeBase::load(dir.path()).unwrap_err());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].location.path.ends_with("self.toml"), "{problems:?}");
    std::fs::remove_file(dir.path().join("self.toml")).unwrap();
    // A link out of the tree is not followed, and says so.
    symlink("/", dir.path().join("root")).unwrap();
    let problems = rule_problems(KnowledgeBase::load(dir.path()).unwrap_err());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].location.path.ends_with("root"), "{problems:?}");
    assert!(problems[0].to_string().contains("not followed"), "{}", problems[0]);
}

/// Item 7: a folder with six faults reported the syntax and UTF-8 ones only, the others after
/// those were fixed; the UTF-8 one had no line and column.
#[test]
fn a_rule_folder_with_six_faults_reports_them_all_at_once() {
    let dir = TempDir::new("six-faults");
    dir.write("a-seed.toml", SEED_RULES);
    dir.write("b-syntax.toml", "[[finding]]\nid = \n");
    let mut bytes = b"[[finding]]\nid = \"latin\"\nlabel = \"Caf".to_vec();
    bytes.extend([0xe9, b'"', b'\n']);
    dir.write("c-not-utf8.toml", bytes);
    dir.write(
        "d-unknown.toml",
        "[amend]\ndiagnosis = \"demo\"\nrule = [{ finding = \"anemai\", frequency = 0.5 }]\n",
    );
    dir.write(
        "e-range.toml",
        "[[finding]]\nid = \"wide\"\nlabel = \"Wide\"\nbackground = 1.5\n",
    );
    dir.write(
        "f-duplicate.toml",
        "[[finding]]\nid = \"anemia\"\nlabel = \"Anemia again\"\n",
    );
    dir.write("g-id.toml", "[[finding]]\nid = \"Bad-Id\"\nlabel = \"Bad\"\n");
    let problems = rule_problems(KnowledgeBase::load(dir.path()).unwrap_err());
    let at: Vec<(String, usize, usize)> = problems
        .iter()
        .map(|p| {
            let name = p.location.path.file_name().unwrap().to_string_lossy().into_owned();
            (name, p.location.line, p.location.column)
        })
        .collect();
    assert_eq!(
        at,
        [
            ("b-syntax.toml".to_owned(), 2, 6),
            ("c-not-utf8.toml".to_owned(), 3, 13),
            ("d-unknown.toml".to_owned(), 3, 21),
            ("e-range.toml".to_owned(), 4, 14),
            ("f-duplicate.toml".to_owned(), 2, 6),
            ("g-id.toml".to_owned(), 2, 6),
        ],
        "{problems:#?}"
    );
    assert!(
        matches!(problems[1].kind, ProblemKind::NotUtf8(0xe9)),
        "{}",
        problems[1]
    );
    assert_eq!(
        problems[1].to_string(),
        format!(
            "{}:3:13: not UTF-8 text (byte 0xe9)",
            dir.path().join("c-not-utf8.toml").display()
        )
    );
    // `RuleSet::from_path` alone still stops at what does not parse.
    assert_eq!(rule_problems(RuleSet::from_path(dir.path()).unwrap_err()).len(), 2);
}

/// Item 7: invalid UTF-8 in a patient file said "cannot read" without line and column.
#[test]
fn invalid_utf8_in_a_patient_file_is_located() {
    let dir = TempDir::new("utf8");
    let path = dir.write("patient.json", b"{\n  \"present\": [\"an\xffemia\"]\n}\n");
    let e = Patient::from_path(&path).unwrap_err();
    let Error::NotUtf8 { line, column, byte, .. } = e else {
        panic!("{e:?}")
    };
    assert_eq!((line, column, byte), (2, 18, 0xff));
    assert_eq!(
        Patient::from_path(&path).unwrap_err().to_string(),
        format!("{}:2:18: not UTF-8 text (byte 0xff)", path.display())
    );
    let packet = dir.write("packet.json", b"{\"id\": \"\xc3\"}");
    assert!(matches!(
        osteodx::research::phenopacket::Phenopacket::from_path(&packet),
        Err(Error::NotUtf8 { line: 1, column: 9, .. })
    ));
}

/// No control character (a NUL, an escape sequence, a line break) from an input reaches the
/// output raw.
fn assert_printable(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a control character printed raw: {text:?}"
    );
}

/// Item 7: a NUL byte from the input was echoed raw to the terminal; "did you mean:" was
/// printed with an empty list.
#[test]
fn control_characters_from_inputs_are_escaped_and_no_empty_did_you_mean() {
    let model = osteodx::Model::builtin().unwrap();
    let hostile = "osteo\u{0}sclerosis\u{1b}[2J\nrm -rf";
    let p = Patient::new().present(hostile).present("blue sclerae");
    let resolved = model.resolve(&p).unwrap();
    let table = osteodx::report::differential_table(&model.diagnose(&resolved), 5, None);
    let line = table.lines().find(|l| l.contains("unknown finding")).unwrap();
    assert_printable(line);
    assert!(line.contains(r"osteo\u{0}sclerosis\u{1b}[2J\nrm -rf"), "{line}");
    // Nothing near: no "did you mean:" with nothing after it.
    let far = Patient::new().present("zqxjkvw");
    let table = osteodx::report::differential_table(&model.diagnose(&model.resolve(&far).unwrap()), 5, None);
    assert!(!table.contains("did you mean: \n"), "{table}");
    assert!(
        table.contains("unknown finding `zqxjkvw` (not scored; no known name is close)"),
        "{table}"
    );
    // Errors: a patient, a phenopacket, a rule file.
    let e = model.resolve_strict(&p).unwrap_err().to_string();
    assert_printable(&e);
    let e = osteodx::research::phenopacket::Phenopacket::from_json("{\"subject\": {\"sex\": \"M\\u0000\\u001b[31m\"}}")
        .unwrap_err()
        .to_string();
    assert_printable(&e);
    assert!(e.contains(r"M\u{0}\u{1b}[31m"), "{e}");
    let e = RuleSet::from_text("x.toml", "[[finding]]\nid = \"a\\u0000b\"\nlabel = \"\\u001b[2J\"\n")
        .and_then(KnowledgeBase::new)
        .unwrap_err()
        .to_string();
    assert_printable(&e);
    assert!(e.contains(r"a\u{0}b"), "{e}");
    let e = Patient::from_json("{\"presnt\u{1b}[2J\": []}").unwrap_err().to_string();
    assert_printable(&e);
}

/// Item 7: an onset at 50 with an examination at 2 years passed without a note; an empty gene
/// symbol was accepted and scored; an age at examination of −1e-300 was accepted while −3 was
/// refused; out-of-range values in a patient file had no line and column.
#[test]
fn ages_genes_and_lab_values_are_checked_and_located() {
    let model = osteodx::Model::builtin().unwrap();
    let p = Patient::new()
        .present("macrocephaly")
        .onset_years(50.0)
        .examined_at_years(2.0);
    let r = model.resolve(&p).unwrap();
    assert_eq!(
        r.notes.inconsistent,
        ["onset at 50 years is after the examination at 2 years (both scored as given)"]
    );
    let table = osteodx::report::differential_table(&model.diagnose(&r), 3, None);
    assert!(table.contains("inconsistent: onset at 50 years"), "{table}");
    // Consistent ages: no note, and none in the JSON.
    let fine = model
        .resolve(
            &Patient::new()
                .present("macrocephaly")
                .onset_years(1.0)
                .examined_at_years(2.0),
        )
        .unwrap();
    assert!(fine.notes.inconsistent.is_empty());
    assert!(serde_json::to_value(&fine.notes).unwrap().get("inconsistent").is_none());
    // An empty gene symbol is refused, from the API and from a file (located).
    let empty = Patient::new()
        .present("macrocephaly")
        .variant("  ", osteodx::Zygosity::Biallelic);
    assert!(matches!(
        model.resolve(&empty),
        Err(Error::Patient(osteodx::PatientError::EmptyGene))
    ));
    // Any negative age at examination is refused, −1e-300 as −3; an onset before birth is not.
    for v in [-3.0, -1e-300, f64::NAN] {
        let e = model
            .resolve(&Patient::new().examined_at_years(v))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("age at examination") && e.contains("is not a valid value"),
            "{e}"
        );
    }
    assert!(model.resolve(&Patient::new().onset_years(-1e-300)).is_ok());
    assert_eq!(
        Patient::from_json("{\"age_at_examination_years\": -1e-300}")
            .unwrap_err()
            .to_string(),
        "invalid patient: 1:37: age at examination -1e-300 is not a valid value (0 to 130 years)"
    );
    assert_eq!(
        Patient::from_json("{\"labs\": [{\"analyte\": \"platelets\", \"value\": 1, \"unit\": \"parsecs\"}]}")
            .unwrap_err()
            .to_string(),
        "invalid patient: 1:66: unit `parsecs` is not known for platelets"
    );
}

/// Item 7: `--hpo-obo /dev/zero` said only "cannot read"; an ontology file without a term said
/// `file:0:`, a line that does not exist.
#[cfg(unix)]
#[test]
fn an_ontology_that_cannot_be_read_says_why() {
    let e = osteodx::Ontology::from_obo("/dev/zero").unwrap_err();
    let cause = std::error::Error::source(&e)
        .map(ToString::to_string)
        .unwrap_or_default();
    assert_eq!(
        format!("{e}: {cause}"),
        "cannot read /dev/zero: 67108865 bytes is more than the limit of 67108864 (Limits::file_bytes)"
    );
    let dir = TempDir::new("obo");
    let zeros = dir.write("zeros.obo", vec![0u8; 4096]);
    assert_eq!(
        osteodx::Ontology::from_obo(&zeros).unwrap_err().to_string(),
        format!("{}: no HPO term found", zeros.display())
    );
    let bad = dir.write("bad.obo", b"format-version: 1.2\n\n[Term]\nid: HP:0000001\n\xff\n");
    assert_eq!(
        osteodx::Ontology::from_obo(&bad).unwrap_err().to_string(),
        format!("{}:5:1: not UTF-8 text (byte 0xff)", bad.display())
    );
}

/// Item 7: 100,000 repeated rules took 46 s and printed 9.9 MB (one line each, each located by a
/// scan from the start of the file), 100,000 unknown findings 109 s (a "did you mean" each):
/// problems are located in one pass per file, suggestions are made for the first names only, and
/// the message shows ten of a kind and counts the rest.
#[test]
fn a_hundred_thousand_problems_make_a_short_message() {
    let header = "[diagnosis]\nid = \"demo\"\nname = \"Demo\"\ninheritance = \"autosomal_recessive\"\nprevalence = 1e-5\nrule = [\n";
    let repeated: String = std::iter::repeat_n("  { finding = \"anemia\", frequency = 0.5 },\n", 100_000).collect();
    let unknown = (0..100_000).fold(String::new(), |mut s, i| {
        use std::fmt::Write as _;
        let _ = writeln!(s, "  {{ finding = \"nofinding_{i}\", frequency = 0.5 }},");
        s
    });
    let vocabulary = SEED_RULES.split("[diagnosis]").next().unwrap();
    for (body, kind, first_hidden) in [
        (repeated, "diagnosis `demo` has two rules on finding `anemia`", 18),
        (unknown, "unknown finding `nofinding_10`", 17),
    ] {
        let set = RuleSet::from_text("vocabulary.toml", vocabulary)
            .unwrap()
            .overlay(RuleSet::from_text("demo.toml", &format!("{header}{body}]\n")).unwrap());
        let e = KnowledgeBase::new(set).unwrap_err();
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 12, "{text}");
        assert!(lines[10].starts_with("  demo.toml:"), "{text}");
        let n = rule_problems(e).len();
        assert!(
            lines[11].starts_with(&format!(
                "  and {} more like this, the first at demo.toml:{first_hidden}:15: {kind}",
                thousands(n - 10)
            )),
            "{text}"
        );
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A patient of the limit's 10,000 unknown names: 18 s on the built-in rules (a "did you mean"
/// each, against every known name) and 10,000 lines of table; now the first
/// `MAX_SUGGESTED_NAMES` get suggestions and the table lists ten and counts the rest.
#[test]
fn ten_thousand_unknown_names_are_reported_briefly() {
    let model = osteodx::Model::builtin().unwrap();
    let p = (0..10_000).fold(Patient::new(), |p, i| p.present(format!("no such finding {i}")));
    let r = model.resolve(&p).unwrap();
    assert_eq!(r.notes.unknown.len(), 10_000);
    assert!(r.notes.unknown[osteodx::ResolutionNotes::MAX_SUGGESTED_NAMES..]
        .iter()
        .all(|u| u.suggestions.is_empty()));
    let table = osteodx::report::differential_table(&model.diagnose_top(&r, 3), 3, None);
    let unknown: Vec<&str> = table.lines().filter(|l| l.contains("unknown finding")).collect();
    assert_eq!(unknown.len(), 11, "{table}");
    assert_eq!(
        unknown[10],
        "and 9990 more unknown findings (not scored), the first `no such finding 10`"
    );
}
