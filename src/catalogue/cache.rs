//! The catalogue compiled once: [`Catalogue::compiled`] reads the compiled form
//! ([`model_file`](crate::model_file)) when it was made from the same files, options and
//! constants by the same code, and otherwise compiles the files and writes it.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use xxhash_rust::const_xxh3::xxh3_64 as const_xxh3;
use xxhash_rust::xxh3::Xxh3;

use super::{Catalogue, CatalogueOptions, CatalogueStats};
use crate::config::ScoringConfig;
use crate::error::CompiledFileError;
use crate::error::Error;
use crate::model::Model;

/// A hash of the code that shapes a compiled catalogue: every source file of the library and the
/// rule vocabulary (`build.rs` lists them), so a compiled file of another build is stale even when
/// the crate's version number is the same.
const CODE: u64 = const_xxh3(include!(concat!(env!("OUT_DIR"), "/code_files.rs")).as_bytes());

/// What [`Catalogue::compiled`] did.
#[derive(Debug)]
#[non_exhaustive]
pub enum Cached {
    /// The compiled file was read: nothing was parsed or compiled.
    Read,
    /// The files were compiled (the compiled file was missing, stale or damaged: `why`) and
    /// the compiled file written.
    Written {
        /// Why the compiled file could not be used.
        why: String,
    },
    /// The files were compiled, but the compiled file could not be written (the model is
    /// whole all the same).
    NotWritten {
        /// Why the compiled file could not be used.
        why: String,
        /// Why it could not be written.
        error: Error,
    },
}

impl Catalogue {
    /// The model of the catalogue in `dir`, read from the compiled file `cache` when that was
    /// made from the same files (by content), options and constants by the same code, and
    /// otherwise compiled (as [`Catalogue::load`] then [`Catalogue::into_model_with`]) and
    /// written to `cache` for the next time. Returns the counts of the catalogue too.
    ///
    /// ```
    /// use osteodx::catalogue::{Cached, Catalogue, CatalogueOptions};
    /// let dir = std::env::temp_dir().join(format!("osteodx-doc-{}", std::process::id()));
    /// let cache = dir.join("catalogue.bin");
    /// let (o, c) = (CatalogueOptions::default(), Catalogue::scoring_config());
    /// let (first, _, how) = Catalogue::compiled("tests/fixtures/hpo", &o, c, &cache)?;
    /// assert!(matches!(how, Cached::Written { .. }));
    /// let (again, stats, how) = Catalogue::compiled("tests/fixtures/hpo", &o, c, &cache)?;
    /// assert!(matches!(how, Cached::Read));
    /// assert_eq!(again.n_diagnoses(), first.n_diagnoses());
    /// assert_eq!(stats.diseases, first.n_diagnoses());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Catalogue::load`] when the files have to be compiled. A compiled file that cannot
    /// be used or written is not an error: [`Cached`] says what happened.
    pub fn compiled(
        dir: impl AsRef<Path>,
        options: &CatalogueOptions,
        config: ScoringConfig,
        cache: impl AsRef<Path>,
    ) -> Result<(Model, CatalogueStats, Cached), Error> {
        let (dir, cache) = (dir.as_ref(), cache.as_ref());
        remove_stale_partials(cache);
        let key = Self::compiled_key(dir, options, config)?;
        let why = match Model::open_compiled(cache, Some(&key), &options.limits) {
            Ok((model, note)) => match serde_json::from_str::<CatalogueStats>(&note) {
                Ok(stats) => {
                    mark_used(cache);
                    return Ok((model, stats, Cached::Read));
                }
                Err(e) => format!("{}: damaged counts: {e}", cache.display()),
            },
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                format!("{} does not exist", cache.display())
            }
            Err(e) => e.to_string(),
        };
        let catalogue = Self::load(dir, options)?;
        let stats = catalogue.stats.clone();
        let model = catalogue.into_model_with(config)?;
        let note = serde_json::to_string(&stats).unwrap_or_default();
        let written = match cache.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => {
                std::fs::create_dir_all(parent).map_err(|e| Error::Compiled {
                    path: parent.to_path_buf(),
                    problem: CompiledFileError::Io(e),
                })
            }
            _ => Ok(()),
        }
        .and_then(|()| model.save_compiled(cache, &key, &note));
        let how = match written {
            Ok(()) => {
                prune_compiled(cache);
                Cached::Written { why }
            }
            Err(error) => Cached::NotWritten { why, error },
        };
        Ok((model, stats, how))
    }

    /// Where [`Catalogue::compiled`] keeps the compiled form of the catalogue in `dir` by
    /// default: `dir/osteodx-compiled/catalogue-<hash>.bin`, one file for each choice of options
    /// and constants (a change of the files rewrites it). Each file is about 60 MB for the full
    /// catalogue, so [`Catalogue::compiled`] keeps the [`KEEP_COMPILED`] most recently used files
    /// named so in a directory and removes the others when it writes one.
    #[must_use]
    pub fn compiled_path(dir: impl AsRef<Path>, options: &CatalogueOptions, config: ScoringConfig) -> PathBuf {
        let hash = xxhash_rust::xxh3::xxh3_64(settings(options, config).as_bytes());
        dir.as_ref()
            .join("osteodx-compiled")
            .join(format!("catalogue-{hash:016x}.bin"))
    }

    /// The key a compiled catalogue is written under: the format, the code, the hash and
    /// length of each source file, the options and the constants.
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be read or is larger than `options.limits` allow.
    pub fn compiled_key(
        dir: impl AsRef<Path>,
        options: &CatalogueOptions,
        config: ScoringConfig,
    ) -> Result<String, Error> {
        let dir = dir.as_ref();
        let mut key = format!(
            "osteodx {} catalogue, format {}, code {CODE:016x}; {}",
            env!("CARGO_PKG_VERSION"),
            crate::model_file::FORMAT,
            settings(options, config)
        );
        let mut files = vec!["hp.obo", "phenotype.hpoa"];
        if options.genes || options.orphanet_profiles {
            files.push("genes_to_phenotype.txt");
        }
        for name in files {
            let path = dir.join(name);
            if name == "genes_to_phenotype.txt" && !path.exists() {
                key.push_str("; no genes_to_phenotype.txt");
                continue;
            }
            let (len, hash) = hash_file(&path, options.limits.file_bytes)?;
            let _ = write!(key, "; {name} {len} bytes {hash:016x}");
        }
        if let super::CaseSource::File(path) = &options.cases {
            let (len, hash) = hash_file(path, options.limits.file_bytes)?;
            let _ = write!(key, "; cases {len} bytes {hash:016x}");
        }
        Ok(key)
    }
}

/// How many compiled catalogues named `catalogue-<16 hex digits>.bin` (the names of
/// [`Catalogue::compiled_path`]) [`Catalogue::compiled`] keeps in one directory: when it writes
/// one, it removes the least recently used beyond this many (best effort: a file that cannot be
/// removed stays). Files of other names are never touched.
pub const KEEP_COMPILED: usize = 4;

/// True for a file name of [`Catalogue::compiled_path`].
fn is_compiled_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("catalogue-"))
        .and_then(|n| n.strip_suffix(".bin"))
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A compiled file that was read is used: its modification time becomes now, so that pruning
/// keeps it (best effort; a read-only file keeps its time).
fn mark_used(cache: &Path) {
    if is_compiled_name(cache) {
        if let Ok(file) = std::fs::File::options().append(true).open(cache) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
    }
}

/// The entries of the directory of `cache` (`.` for a bare name), when `cache` has a name of
/// [`Catalogue::compiled_path`] and the directory can be read: what pruning and the removal of
/// partial files look through.
fn compiled_dir_entries(cache: &Path) -> Option<std::fs::ReadDir> {
    let dir = cache.parent().filter(|_| is_compiled_name(cache))?;
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::read_dir(dir).ok()
}

/// Remove the compiled files of `cache`'s directory beyond the [`KEEP_COMPILED`] most recently
/// used (`cache` itself, just written, is one of them); ties by name. Nothing happens unless
/// `cache` has a name of [`Catalogue::compiled_path`].
fn prune_compiled(cache: &Path) {
    let Some(entries) = compiled_dir_entries(cache) else {
        return;
    };
    let mut others: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| is_compiled_name(p) && p.file_name() != cache.file_name())
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    others.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    for (_, path) in others.into_iter().skip(KEEP_COMPILED.saturating_sub(1)) {
        let _ = std::fs::remove_file(path);
    }
}

/// A partial file that has not been written to for this long is stale whatever its process.
pub(crate) const STALE_PARTIAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Remove what interrupted writes left beside the compiled files of `cache`'s directory: files
/// `catalogue-<hash>.bin.partial-<pid>` ([`Model::save_compiled`](crate::Model::save_compiled) writes one, then renames it)
/// of a process that no longer runs (where `/proc` says so), or not written to for
/// [`STALE_PARTIAL`]; never this process's, never a file of another name (best effort: a file
/// that cannot be removed stays). An interrupt while the cache is written leaves 50–75 MB.
fn remove_stale_partials(cache: &Path) {
    let Some(entries) = compiled_dir_entries(cache) else {
        return;
    };
    let proc_fs = Path::new("/proc/self").exists();
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        let Some(pid) = partial_pid(&path) else { continue };
        if pid == std::process::id() {
            continue;
        }
        let gone = proc_fs && !Path::new("/proc").join(pid.to_string()).exists();
        let old = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > STALE_PARTIAL));
        if gone || old {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The process id of a partial compiled file (`catalogue-<hash>.bin.partial-<pid>`).
fn partial_pid(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    let (compiled, pid) = name.split_once(".partial-")?;
    if !is_compiled_name(Path::new(compiled)) || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// The options and constants, as text.
fn settings(options: &CatalogueOptions, config: ScoringConfig) -> String {
    let diseases = options.diseases.as_ref().map(|d| {
        let mut h = Xxh3::new();
        for id in d {
            h.update(id.as_bytes());
            h.update(b"\n");
        }
        format!("{} ids {:016x}", d.len(), h.digest())
    });
    format!(
        "sources {:?}, diseases {}, genes {}, orphanet profiles {}, cases {}, unspecified frequency {:?}, limits {:?}, constants {}",
        options.sources,
        diseases.as_deref().unwrap_or("all"),
        options.genes,
        options.orphanet_profiles,
        options.cases.describe(),
        options.unspecified_frequency,
        options.limits,
        serde_json::to_string(&config).unwrap_or_default()
    )
}

/// The length and xxh3 hash of a file, read in pieces, within `limit` bytes.
fn hash_file(path: &Path, limit: u64) -> Result<(u64, u64), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hash = Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        len += n as u64;
        if len > limit {
            return Err(io(std::io::Error::other(format!(
                "more than the limit of {limit} bytes (Limits::file_bytes)"
            ))));
        }
        hash.update(&buf[..n]);
    }
    Ok((len, hash.digest()))
}
