//! The compiled model as a file: written once, read back (and checked) instead of compiling
//! again.

use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::compile::Hierarchy;
use crate::config::ScoringConfig;
use crate::engine::Engine;
use crate::error::{CompiledFileError, Error};
use crate::knowledge::{Diagnosis, Finding, KnowledgeBase};
use crate::limits::Limits;
use crate::ontology::Ontology;
use crate::tables::{Layout, Tables};

/// The first bytes of a compiled model file.
const MAGIC: &[u8; 8] = b"OSTEODXM";

/// The layout version this build writes and reads.
pub const FORMAT: u32 = 2;

/// Longest key or note read back.
const MAX_TEXT: u32 = 1 << 20;

impl CompiledFileError {
    fn damaged(what: impl Into<String>) -> Self {
        Self::Damaged(what.into())
    }
}

/// The serde part of the file. Written with references, read back owned.
#[derive(Serialize, Deserialize)]
struct Body<F, D, G, S, O> {
    config: ScoringConfig,
    findings: Vec<F>,
    diagnoses: Vec<D>,
    gene_backgrounds: Vec<G>,
    gene_carriers: Vec<G>,
    gene_symbols: Vec<S>,
    ontology: Option<O>,
    n_findings: u32,
    n_genes: u32,
    n_diagnoses: u64,
}

type BodyOut<'a> = Body<&'a Finding, &'a Diagnosis, (&'a str, f64, Option<&'a str>), &'a str, &'a Ontology>;
type BodyIn = Body<Finding, Diagnosis, (String, f64, Option<String>), String, Ontology>;

/// A value of a raw array: fixed size, little-endian.
trait Raw: Copy {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! raw {
    ($($t:ty),*) => {$(
        impl Raw for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }
    )*};
}
raw!(u8, u32, i32, u64);

/// A writer that hashes what goes through it.
struct Hashing<W> {
    inner: W,
    hash: Xxh3,
}

impl<W: Write> Hashing<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.inner.write_all(bytes)
    }

    fn put_text(&mut self, text: &str) -> io::Result<()> {
        let len = u32::try_from(text.len()).map_err(|_| io::Error::other("text too long"))?;
        self.put(&len.to_le_bytes())?;
        self.put(text.as_bytes())
    }

    fn put_array<T: Raw>(&mut self, values: &[T]) -> io::Result<()> {
        self.put(&(values.len() as u64).to_le_bytes())?;
        let mut buf = Vec::with_capacity(1 << 16);
        for chunk in values.chunks((1 << 16) / T::SIZE) {
            buf.clear();
            for &v in chunk {
                v.put(&mut buf);
            }
            self.put(&buf)?;
        }
        Ok(())
    }
}

/// A reader that hashes what comes through it, and reads at most `left` bytes.
struct Hashed<R> {
    inner: R,
    hash: Xxh3,
    left: u64,
    limit: u64,
}

impl<R: Read> Hashed<R> {
    fn take(&mut self, buf: &mut [u8]) -> Result<(), CompiledFileError> {
        self.read_unhashed(buf)?;
        self.hash.update(buf);
        Ok(())
    }

    /// Fill `buf` within the limit, without hashing it (the checksum itself).
    fn read_unhashed(&mut self, buf: &mut [u8]) -> Result<(), CompiledFileError> {
        let n = buf.len() as u64;
        if n > self.left {
            return Err(CompiledFileError::TooLarge {
                what: "compiled file bytes",
                size: self.limit - self.left + n,
                limit: self.limit,
            });
        }
        self.left -= n;
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => CompiledFileError::damaged("cut short"),
            _ => CompiledFileError::Io(e),
        })
    }

    fn value<T: Raw>(&mut self) -> Result<T, CompiledFileError> {
        let mut b = [0u8; 8];
        self.take(&mut b[..T::SIZE])?;
        Ok(T::get(&b[..T::SIZE]))
    }

    /// `len` bytes, read as they come: a false length ends at the end of the file.
    fn bytes(&mut self, len: u64) -> Result<Vec<u8>, CompiledFileError> {
        let mut out = Vec::new();
        self.chunks(len, |chunk| out.extend_from_slice(chunk))?;
        Ok(out)
    }

    /// Read `len` bytes in pieces of at most 64 KiB (a multiple of every [`Raw::SIZE`]),
    /// handing each to `take`: nothing is allocated ahead of the data.
    fn chunks(&mut self, len: u64, mut take: impl FnMut(&[u8])) -> Result<(), CompiledFileError> {
        let mut chunk = vec![0u8; 1 << 16];
        let mut left = len;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            self.take(&mut chunk[..n])?;
            take(&chunk[..n]);
            left -= n as u64;
        }
        Ok(())
    }

    fn text(&mut self) -> Result<String, CompiledFileError> {
        let len: u32 = self.value()?;
        if len > MAX_TEXT {
            return Err(CompiledFileError::damaged("a key or note of more than 1 MiB"));
        }
        String::from_utf8(self.bytes(u64::from(len))?)
            .map_err(|_| CompiledFileError::damaged("a key that is not UTF-8"))
    }

    fn array<T: Raw>(&mut self) -> Result<Vec<T>, CompiledFileError> {
        let n: u64 = self.value()?;
        let len = n
            .checked_mul(T::SIZE as u64)
            .ok_or_else(|| CompiledFileError::damaged("an array length"))?;
        let mut out = Vec::new();
        self.chunks(len, |chunk| out.extend(chunk.chunks_exact(T::SIZE).map(T::get)))?;
        Ok(out)
    }
}

/// The work of [`Model::write_compiled`](crate::Model::write_compiled).
pub(crate) fn write_compiled(m: &Engine, writer: impl Write, key: &str, note: &str) -> io::Result<()> {
    let kb = &m.kb;
    let t = &m.core.tables;
    let body: BodyOut<'_> = Body {
        config: m.core.config,
        findings: kb.findings().iter().collect(),
        diagnoses: kb.diagnoses().iter().collect(),
        gene_backgrounds: kb.gene_background_entries().collect(),
        gene_carriers: kb.gene_carrier_entries().collect(),
        gene_symbols: t.gene_symbols.iter().map(String::as_str).collect(),
        ontology: m.ontology.as_deref(),
        n_findings: t.layout.n_findings,
        n_genes: t.layout.n_genes,
        n_diagnoses: t.n_diagnoses as u64,
    };
    let body = postcard::to_stdvec(&body).map_err(io::Error::other)?;
    let mut w = Hashing {
        inner: BufWriter::with_capacity(1 << 16, writer),
        hash: Xxh3::new(),
    };
    w.put(MAGIC)?;
    w.put(&FORMAT.to_le_bytes())?;
    w.put_text(key)?;
    w.put_text(note)?;
    w.put(&(body.len() as u64).to_le_bytes())?;
    w.put(&body)?;
    drop(body);
    let independent: Vec<u8> = t.independent.iter().map(|&b| u8::from(b)).collect();
    w.put_array(&t.default)?;
    w.put_array(&t.fallback)?;
    w.put_array(&independent)?;
    w.put_array(&t.offsets)?;
    w.put_array(&t.post_diag)?;
    w.put_array(&t.post_value)?;
    w.put_array(&t.post_kind)?;
    w.put_array(&t.post_via)?;
    w.put_array(&t.dense_index)?;
    w.put_array(&t.dense)?;
    let sum = w.hash.digest();
    w.inner.write_all(&sum.to_le_bytes())?;
    w.inner.flush()
}

/// The work of [`Model::read_compiled`](crate::Model::read_compiled).
pub(crate) fn read_compiled(
    reader: impl Read,
    key: Option<&str>,
    limits: &Limits,
) -> Result<(Engine, String), CompiledFileError> {
    let mut r = Hashed {
        inner: io::BufReader::with_capacity(1 << 16, reader),
        hash: Xxh3::new(),
        left: limits.compiled_bytes,
        limit: limits.compiled_bytes,
    };
    let mut magic = [0u8; 8];
    r.take(&mut magic).map_err(|_| CompiledFileError::NotCompiled)?;
    if &magic != MAGIC {
        return Err(CompiledFileError::NotCompiled);
    }
    let format: u32 = r.value()?;
    if format != FORMAT {
        return Err(CompiledFileError::Format {
            found: format,
            expected: FORMAT,
        });
    }
    let found = r.text()?;
    if key.is_some_and(|k| k != found) {
        return Err(CompiledFileError::Stale);
    }
    let note = r.text()?;
    let len: u64 = r.value()?;
    let body = r.bytes(len)?;
    let body: BodyIn = postcard::from_bytes(&body).map_err(|e| CompiledFileError::damaged(format!("body: {e}")))?;
    // In the order written.
    let default = r.array()?;
    let fallback = r.array()?;
    let independent: Vec<u8> = r.array()?;
    let offsets = r.array()?;
    let post_diag = r.array()?;
    let post_value = r.array()?;
    let post_kind = r.array()?;
    let post_via = r.array()?;
    let dense_index = r.array()?;
    let dense = r.array()?;
    let expected = r.hash.digest();
    let mut sum = [0u8; 8];
    r.read_unhashed(&mut sum)?;
    if u64::from_le_bytes(sum) != expected {
        return Err(CompiledFileError::damaged("checksum does not match"));
    }
    // The checksum ends the file: anything after it is damage (an append, a second write).
    let mut after = [0u8; 1];
    loop {
        match r.inner.read(&mut after) {
            Ok(0) => break,
            Ok(_) => return Err(CompiledFileError::damaged("bytes after the checksum")),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CompiledFileError::Io(e)),
        }
    }
    let rules: usize = body.diagnoses.iter().map(|d| d.rules.len()).sum();
    if let Some((what, size, limit)) = limits.rule_set_excess(body.findings.len(), body.diagnoses.len(), rules) {
        return Err(CompiledFileError::TooLarge {
            what,
            size: size as u64,
            limit: limit as u64,
        });
    }
    let kb = KnowledgeBase::from_parts(body.findings, body.diagnoses, body.gene_backgrounds, body.gene_carriers)
        .map_err(CompiledFileError::Damaged)?;
    let tables = Tables {
        layout: Layout {
            n_findings: body.n_findings,
            n_genes: body.n_genes,
        },
        n_diagnoses: usize::try_from(body.n_diagnoses).map_err(|_| CompiledFileError::damaged("diagnosis count"))?,
        default,
        fallback,
        independent: independent.iter().map(|&b| b != 0).collect(),
        offsets,
        post_diag,
        post_value,
        post_kind,
        post_via,
        gene_symbols: body.gene_symbols,
        dense_index,
        dense,
    };
    tables
        .check(kb.findings().len(), kb.diagnoses().len())
        .map_err(CompiledFileError::Damaged)?;
    let config = body.config.sanitized();
    if config != body.config {
        return Err(CompiledFileError::damaged("constants out of their ranges"));
    }
    let hierarchy = Arc::new(Hierarchy::new(&kb));
    let mut engine = Engine::assemble(Arc::new(kb), config, tables, hierarchy);
    engine.ontology = body.ontology.map(Arc::new);
    Ok((engine, note))
}

/// The work of [`Model::save_compiled`](crate::Model::save_compiled).
pub(crate) fn save_compiled(m: &Engine, path: impl AsRef<Path>, key: &str, note: &str) -> Result<(), Error> {
    let path = path.as_ref();
    let io = |e| Error::Compiled {
        path: path.to_path_buf(),
        problem: CompiledFileError::Io(e),
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = std::path::PathBuf::from(partial);
    let written = std::fs::File::create(&partial).and_then(|f| {
        write_compiled(m, &f, key, note)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&partial, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(io(e))
        }
    }
}

/// The work of [`Model::open_compiled`](crate::Model::open_compiled).
pub(crate) fn open_compiled(
    path: impl AsRef<Path>,
    key: Option<&str>,
    limits: &Limits,
) -> Result<(Engine, String), Error> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_compiled(file, key, limits).map_err(|problem| Error::Compiled {
        path: path.to_path_buf(),
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Model;

    fn parts() -> (Vec<Finding>, Vec<Diagnosis>) {
        let kb = KnowledgeBase::builtin().unwrap_or_else(|e| panic!("{e}"));
        (kb.findings().to_vec(), kb.diagnoses().to_vec())
    }

    fn refused(findings: Vec<Finding>, diagnoses: Vec<Diagnosis>) -> String {
        match KnowledgeBase::from_parts(findings, diagnoses, Vec::new(), Vec::new()) {
            Ok(_) => panic!("damaged parts were taken"),
            Err(e) => e,
        }
    }

    #[test]
    fn parts_read_back_are_checked_like_rules() {
        let (f, d) = parts();
        assert!(KnowledgeBase::from_parts(f.clone(), d.clone(), Vec::new(), Vec::new()).is_ok());
        let n = f.len();

        let mut bad = f.clone();
        bad[0].parents.push(n);
        assert!(refused(bad, d.clone()).contains("parent beyond"));

        // A cycle: a finding with a parent becomes the parent of that parent.
        let mut bad = f.clone();
        let child = bad.iter().position(|x| !x.parents.is_empty()).unwrap_or(0);
        let parent = bad[child].parents[0];
        bad[parent].parents.push(child);
        assert!(refused(bad, d.clone()).contains("cycle"));

        let mut bad = f.clone();
        bad.push(bad[0].clone());
        assert!(refused(bad, d.clone()).contains("twice"));

        let mut bad = f.clone();
        bad[1].background = f64::NAN;
        assert!(refused(bad, d.clone()).contains("background"));

        let mut bad = d.clone();
        bad[0].rules[0].finding = n;
        assert!(refused(f.clone(), bad).contains("out of range"));

        let mut bad = d.clone();
        bad[0].rules[0].frequency = 2.0;
        assert!(refused(f.clone(), bad).contains("out of range"));

        let mut bad = d;
        bad[2].prevalence = 0.0;
        assert!(refused(f, bad).contains("out of range"));
    }

    #[test]
    fn tables_read_back_are_checked() {
        type Damage = (&'static str, fn(&mut Tables));
        let model = Model::builtin().unwrap_or_else(|e| panic!("{e}"));
        let (nf, nd) = (model.knowledge_base().findings().len(), model.n_diagnoses());
        let good = model.engine().core.tables.clone();
        assert_eq!(good.check(nf, nd), Ok(()));
        let damage: [Damage; 8] = [
            ("postings not sorted", |t| t.post_diag[0] = u32::MAX),
            ("offsets", |t| t.offsets[1] = u32::MAX),
            ("posting value", |t| t.post_value[0] = i32::MAX),
            ("fallback", |t| t.fallback[0] = i32::MIN),
            ("match kind", |t| t.post_kind[0] = 9),
            ("names a finding or gene", |t| t.post_via[0] = u32::MAX - 1),
            ("unequal length", |t| {
                t.post_kind.pop();
            }),
            ("dense lanes", |t| t.dense_index[0] = u32::MAX - 1),
        ];
        for (what, hurt) in damage {
            let mut t = good.clone();
            hurt(&mut t);
            let err = t.check(nf, nd).err().unwrap_or_default();
            assert!(err.contains(what), "{what}: {err}");
        }
        assert!(good.check(nf + 1, nd).is_err());
        assert!(good.check(nf, nd + 1).is_err());
    }

    #[test]
    fn a_file_with_a_good_checksum_but_damaged_tables_is_refused() {
        let mut engine = Model::builtin().unwrap_or_else(|e| panic!("{e}")).engine().clone();
        engine.core.tables.post_diag[0] = 1_000;
        let mut bytes = Vec::new();
        super::write_compiled(&engine, &mut bytes, "k", "").unwrap_or_else(|e| panic!("{e}"));
        match Model::read_compiled(&bytes[..], None, &Limits::default()) {
            Err(CompiledFileError::Damaged(m)) => assert!(m.contains("postings"), "{m}"),
            other => panic!("{:?}", other.map(|_| ())),
        }
    }
}
