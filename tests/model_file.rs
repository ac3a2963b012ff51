//! The compiled model as a file (`osteodx::model_file`) and the catalogue's use of it as a
//! cache (`Catalogue::compiled`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use osteodx::catalogue::{Cached, Catalogue, CatalogueOptions, KEEP_COMPILED};
use osteodx::CompiledFileError;
use osteodx::{Error, Limits, Model, Patient};
use proptest::prelude::*;

mod common;
use common::{fixture_catalogue, FIXTURE};

/// A fresh directory of this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("osteodx-model-file-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A copy of the fixture in a directory of its own, to change.
fn fixture_copy(name: &str) -> PathBuf {
    let dir = scratch(name);
    for f in ["hp.obo", "phenotype.hpoa", "genes_to_phenotype.txt"] {
        let from = Path::new(FIXTURE).join(f);
        if from.exists() {
            std::fs::copy(from, dir.join(f)).unwrap();
        }
    }
    dir
}

fn builtin() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::builtin().unwrap())
}

fn bytes(model: &Model, key: &str) -> Vec<u8> {
    let mut out = Vec::new();
    model.write_compiled(&mut out, key, "note").unwrap();
    out
}

fn read(bytes: &[u8], key: Option<&str>) -> Result<Model, CompiledFileError> {
    Model::read_compiled(bytes, key, &Limits::default()).map(|(m, _)| m)
}

/// Every diagnosis's posterior and log LR, bit for bit, in ranked order, and the explanation.
fn same_scores(a: &Model, b: &Model, patient: &Patient) {
    let (ra, rb) = (a.resolve(patient).unwrap(), b.resolve(patient).unwrap());
    assert_eq!(ra, rb);
    let (x, y) = (a.rank(&ra), b.rank(&rb));
    assert_eq!(x.entries().len(), y.entries().len());
    for (p, q) in x.entries().iter().zip(y.entries()) {
        assert_eq!(p.diagnosis, q.diagnosis);
        assert_eq!(p.posterior.to_bits(), q.posterior.to_bits());
        assert_eq!(p.log10_lr.to_bits(), q.log10_lr.to_bits());
    }
    assert_eq!(x.none_posterior().to_bits(), y.none_posterior().to_bits());
    assert_eq!(a.diagnose(&ra), b.diagnose(&rb));
}

/// The HPO terms of the fixture's catalogue, to make patients of.
fn catalogue_terms() -> Vec<String> {
    fixture_catalogue()
        .knowledge_base()
        .findings()
        .iter()
        .filter_map(|f| f.hpo.clone())
        .collect()
}

/// A term of the fixture's ontology that is not a finding of its catalogue.
fn outside_term() -> String {
    let model = fixture_catalogue();
    let ontology = model.ontology().unwrap();
    ontology
        .terms()
        .into_iter()
        .map(osteodx::Ontology::format_hpo)
        .find(|t| model.lookup(t).is_none())
        .unwrap()
}

#[test]
fn the_builtin_model_read_back_scores_bit_identically() {
    let again = read(&bytes(builtin(), "k"), Some("k")).unwrap();
    assert_eq!(again.knowledge_base(), builtin().knowledge_base());
    assert_eq!(again.config(), builtin().config());
    for patient in [
        Patient::new()
            .present("macrocephaly")
            .present("pancytopenia")
            .onset_years(0.1),
        Patient::new().present("fractures").absent("hepatosplenomegaly"),
        Patient::new().variant("CLCN7", osteodx::Zygosity::Heterozygous),
        Patient::new(),
    ] {
        same_scores(builtin(), &again, &patient);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The catalogue model read back gives the same ranking, to the bit, for any patient made
    /// of its terms (present and absent), its ontology placing the rest.
    #[test]
    fn the_catalogue_model_read_back_scores_bit_identically(
        present in proptest::sample::subsequence(catalogue_terms(), 0..6),
        absent in proptest::sample::subsequence(catalogue_terms(), 0..3),
    ) {
        static AGAIN: OnceLock<Model> = OnceLock::new();
        let again = AGAIN.get_or_init(|| read(&bytes(fixture_catalogue(), "k"), None).unwrap());
        let mut p = Patient::new();
        for t in &present {
            p = p.present(t.clone());
        }
        for t in absent.iter().filter(|t| !present.contains(t)) {
            p = p.absent(t.clone());
        }
        // A term outside the vocabulary, placed through the ontology.
        p = p.present(outside_term());
        same_scores(fixture_catalogue(), again, &p);
    }

    /// A compiled file cut short, or with any byte changed, is refused with a typed error and
    /// never panics; a change is never read back as a model.
    #[test]
    fn a_damaged_compiled_file_is_refused(at in 0usize..1_000_000, flip in 1u8..=255, cut in proptest::bool::ANY) {
        static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
        let good = BYTES.get_or_init(|| bytes(builtin(), "k"));
        let at = at % good.len();
        let mut bad = good.clone();
        if cut {
            bad.truncate(at);
        } else {
            bad[at] ^= flip;
        }
        prop_assert!(read(&bad, Some("k")).is_err());
        prop_assert!(read(&bad, None).is_err());
    }
}

#[test]
fn the_header_is_checked_before_the_rest() {
    let good = bytes(builtin(), "key one");
    assert!(matches!(read(&good, Some("key two")), Err(CompiledFileError::Stale)));
    assert!(matches!(
        read(b"not a model at all", None),
        Err(CompiledFileError::NotCompiled)
    ));
    assert!(matches!(read(b"", None), Err(CompiledFileError::NotCompiled)));
    let mut other_format = good.clone();
    other_format[8] = 99;
    assert!(matches!(
        read(&other_format, None),
        Err(CompiledFileError::Format {
            found: 99,
            expected: osteodx::Model::COMPILED_FORMAT
        })
    ));
    let mut cut = good.clone();
    cut.truncate(good.len() - 1);
    assert!(matches!(read(&cut, None), Err(CompiledFileError::Damaged(m)) if m == "cut short"));
    let mut flipped = good;
    let last = flipped.len() - 9;
    flipped[last] ^= 1;
    assert!(matches!(read(&flipped, None), Err(CompiledFileError::Damaged(m)) if m.contains("checksum")));
}

#[test]
fn a_compiled_file_is_held_to_the_limits() {
    let good = bytes(builtin(), "k");
    let small = Limits {
        diagnoses: 3,
        ..Limits::default()
    };
    let err = Model::read_compiled(&good[..], None, &small).err().unwrap();
    assert!(matches!(
        err,
        CompiledFileError::TooLarge {
            what: "diagnoses",
            limit: 3,
            ..
        }
    ));
    // The file's size: never read past the limit.
    let half = good.len() as u64 / 2;
    let tight = Limits {
        compiled_bytes: half,
        ..Limits::default()
    };
    let err = Model::read_compiled(&good[..], None, &tight).err().unwrap();
    assert!(
        matches!(err, CompiledFileError::TooLarge { what: "compiled file bytes", limit, .. } if limit == half),
        "{err}"
    );
    let exact = Limits {
        compiled_bytes: good.len() as u64,
        ..Limits::default()
    };
    assert!(Model::read_compiled(&good[..], None, &exact).is_ok());
}

#[test]
fn the_catalogue_is_compiled_once_then_read_and_recompiled_when_a_file_changes() {
    let dir = fixture_copy("cache");
    let options = CatalogueOptions::default();
    let config = Catalogue::scoring_config();
    let cache = Catalogue::compiled_path(&dir, &options, config);
    let (first, stats, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(
        matches!(how, Cached::Written { ref why } if why.contains("does not exist")),
        "{how:?}"
    );
    let (second, stats2, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(matches!(how, Cached::Read), "{how:?}");
    assert_eq!(stats, stats2);
    let p = Patient::new().present("HP:0000256").present("HP:0001263");
    same_scores(&first, &second, &p);
    same_scores(fixture_catalogue(), &second, &p);

    // Another constant: another file, and the first one untouched.
    let mut other = config;
    other.absent_selection = 2.0;
    assert_ne!(Catalogue::compiled_path(&dir, &options, other), cache);

    // Drop a disease from the annotations: the compiled file is stale and rewritten.
    let hpoa = std::fs::read_to_string(dir.join("phenotype.hpoa")).unwrap();
    let gone = first.knowledge_base().diagnoses()[0].omim[0].clone();
    let kept: String = hpoa
        .lines()
        .filter(|l| !l.starts_with(&format!("{gone}\t")))
        .flat_map(|l| [l, "\n"])
        .collect();
    std::fs::write(dir.join("phenotype.hpoa"), kept).unwrap();
    let (third, _, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(
        matches!(how, Cached::Written { ref why } if why.contains("other sources")),
        "{how:?}"
    );
    assert_eq!(third.n_diagnoses(), first.n_diagnoses() - 1);
    let (_, _, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(matches!(how, Cached::Read));

    // A damaged compiled file is compiled again and rewritten.
    let mut damaged = std::fs::read(&cache).unwrap();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x55;
    std::fs::write(&cache, damaged).unwrap();
    let (fourth, _, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(
        matches!(how, Cached::Written { ref why } if why.contains("damaged")),
        "{how:?}"
    );
    same_scores(&third, &fourth, &p);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writing a compiled catalogue keeps the `KEEP_COMPILED` most recently used ones of its
/// directory: older ones go, one that was just read stays, files of other names stay.
#[test]
fn old_compiled_catalogues_are_removed_when_a_new_one_is_written() {
    let dir = fixture_copy("prune");
    let options = CatalogueOptions::default();
    let config = Catalogue::scoring_config();
    let cache = Catalogue::compiled_path(&dir, &options, config);
    let compiled_dir = cache.parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&compiled_dir).unwrap();
    // Six stale compiled files, one a minute older than the next, and a file of the user's.
    let now = std::time::SystemTime::now();
    let stale: Vec<PathBuf> = (0..6)
        .map(|i| {
            let path = compiled_dir.join(format!("catalogue-{i:016x}.bin"));
            let file = std::fs::File::create(&path).unwrap();
            file.set_modified(now - std::time::Duration::from_secs(60 * (10 - i)))
                .unwrap();
            path
        })
        .collect();
    let mine = compiled_dir.join("catalogue-mine.bin");
    std::fs::write(&mine, b"not a compiled catalogue").unwrap();
    let names = || {
        let mut n: Vec<String> = std::fs::read_dir(&compiled_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };

    let (_, _, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(matches!(how, Cached::Written { .. }), "{how:?}");
    // The new one and the three newest stale ones are kept, and the user's file.
    let own = cache.file_name().unwrap().to_string_lossy().into_owned();
    let mut expected: Vec<String> = stale[3..]
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .chain([own.clone(), "catalogue-mine.bin".to_owned()])
        .collect();
    expected.sort();
    assert_eq!(names(), expected);
    assert_eq!(KEEP_COMPILED, 4);

    // Reading it marks it used: after another constant's file is written, it is still there.
    std::fs::File::options()
        .append(true)
        .open(&cache)
        .unwrap()
        .set_modified(now - std::time::Duration::from_secs(3600))
        .unwrap();
    let (_, _, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(matches!(how, Cached::Read), "{how:?}");
    let mut other = config;
    other.absent_selection = 2.0;
    let other_cache = Catalogue::compiled_path(&dir, &options, other);
    let (_, _, how) = Catalogue::compiled(&dir, &options, other, &other_cache).unwrap();
    assert!(matches!(how, Cached::Written { .. }), "{how:?}");
    let left = names();
    assert!(left.contains(&own), "{left:?}");
    assert!(left.contains(&"catalogue-mine.bin".to_owned()));
    assert_eq!(
        left.iter()
            .filter(|n| n.len() == "catalogue-0000000000000000.bin".len())
            .count(),
        KEEP_COMPILED
    );
    assert!(!stale[3].exists(), "the oldest kept stale file went");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_compiled_file_that_cannot_be_written_leaves_a_whole_model() {
    let dir = scratch("unwritable");
    // The cache's parent is a file: no directory can be made there.
    let blocker = dir.join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let cache = blocker.join("catalogue.bin");
    let options = CatalogueOptions::default();
    let (model, _, how) = Catalogue::compiled(FIXTURE, &options, Catalogue::scoring_config(), &cache).unwrap();
    assert!(matches!(how, Cached::NotWritten { .. }), "{how:?}");
    same_scores(fixture_catalogue(), &model, &Patient::new().present("HP:0000256"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_source_file_is_an_error_naming_it() {
    let dir = scratch("missing");
    let err = Catalogue::compiled(
        &dir,
        &CatalogueOptions::default(),
        Catalogue::scoring_config(),
        dir.join("c.bin"),
    )
    .err()
    .unwrap();
    assert!(
        matches!(&err, Error::Io { path, .. } if path.ends_with("hp.obo")),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 23, item 7: the compiled cache accepted bytes after its checksum; it must be refused
/// (and, by the catalogue, compiled again and rewritten).
#[test]
fn bytes_after_the_checksum_are_refused_and_the_cache_rewritten() {
    let good = bytes(builtin(), "k");
    assert!(read(&good, Some("k")).is_ok());
    for extra in [&b"\0"[..], b"x", &[0u8; 4096]] {
        let mut longer = good.clone();
        longer.extend_from_slice(extra);
        assert!(
            matches!(read(&longer, Some("k")), Err(CompiledFileError::Damaged(ref m)) if m == "bytes after the checksum"),
            "{} extra bytes",
            extra.len()
        );
    }
    let dir = fixture_copy("trailing");
    let (options, config) = (CatalogueOptions::default(), Catalogue::scoring_config());
    let cache = Catalogue::compiled_path(&dir, &options, config);
    Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    let mut appended = std::fs::read(&cache).unwrap();
    let whole = appended.len();
    appended.extend_from_slice(b"appended");
    std::fs::write(&cache, appended).unwrap();
    let (_, _, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(
        matches!(how, Cached::Written { ref why } if why.contains("bytes after the checksum")),
        "{how:?}"
    );
    assert_eq!(std::fs::metadata(&cache).unwrap().len() as usize, whole);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 23, item 7: an interrupt while the cache was written left
/// `catalogue-<hash>.bin.partial-<pid>` (50–75 MB) for ever. The next use of the directory
/// removes those of processes that no longer run, and leaves a running writer's and other files.
#[cfg(target_os = "linux")]
#[test]
fn partial_files_of_interrupted_writes_are_removed() {
    let dir = fixture_copy("partial");
    let (options, config) = (CatalogueOptions::default(), Catalogue::scoring_config());
    let cache = Catalogue::compiled_path(&dir, &options, config);
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    let name = cache.file_name().unwrap().to_str().unwrap().to_owned();
    // Process ids above the kernel's largest (4,194,304) are no process.
    let dead = cache.with_file_name(format!("{name}.partial-999999999"));
    let dead_other = cache.with_file_name("catalogue-0123456789abcdef.bin.partial-999999998");
    let running = cache.with_file_name(format!("{name}.partial-1"));
    let foreign = cache.with_file_name("notes.partial-999999999");
    for f in [&dead, &dead_other, &running, &foreign] {
        std::fs::write(f, b"half a model").unwrap();
    }
    Catalogue::compiled(&dir, &options, config, &cache).unwrap();
    assert!(!dead.exists() && !dead_other.exists());
    assert!(running.exists() && foreign.exists());
    assert!(cache.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
