//! Scoring benchmarks: `cargo bench --bench scoring`.
//!
//! Groups and ids (an interface: keep them):
//! `build/builtin`, `build/synthetic_10000`, `rank/compiled/N` and `rank/reference/N`
//! (N = 5, 12, 20, 40 findings per patient, built-in rules), `explain/compiled/12`,
//! `batch/compiled/1000000`, `scale/compiled/D` (D = 7, 100, 1000, 10000 diagnoses),
//! `next/gains/N` (the expected information gain of every candidate finding) and
//! `next/findings/N` (the 5 best, each with the engine's posterior after either answer), N = 3
//! and 12 findings per patient; `catalogue/load/fixture`, `catalogue/rank/fixture` and
//! `catalogue/batch/fixture` (the HPO catalogue: read, validate and compile; one patient top 10 on
//! one thread; a batch on every core), with `…/full` when `OSTEODX_HPO_DIR` names the full HPO
//! files; `robustness/builtin/N` (the margin and the search for decisive findings, N = 12, 100
//! and 500 findings per patient, built-in rules) and `robustness/synthetic/1000` (1,000 findings,
//! 300 diagnoses, sparse tables): the search was exhaustive and cubic in N before it was bounded
//! (500 findings: over two minutes).
//! Every benchmark checks its result through `black_box` so the work cannot be optimised away.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use osteodx::catalogue::{Catalogue, CatalogueOptions};
use osteodx::report::NextQuery;
use osteodx::research::reference::{ReferencePatient, ReferenceScorer};
use osteodx::research::simulate::{synthetic_knowledge_base, SplitMix64};
use osteodx::{KnowledgeBase, Model, Patient, Ranking, ResolvedPatient, RuleSet};

/// `count` patients with `n` clinical findings each, drawn from a diagnosis's rules, plus noise.
fn patients(model: &Model, n: usize, count: usize, seed: u64) -> Vec<ResolvedPatient> {
    let kb = model.knowledge_base();
    let clinical: Vec<&str> = kb
        .findings()
        .iter()
        .filter(|f| !f.kind.is_context())
        .map(|f| f.id.as_str())
        .collect();
    let mut rng = SplitMix64::new(seed);
    (0..count)
        .map(|_| {
            let d = &kb.diagnoses()[rng.below(kb.diagnoses().len())];
            let mut ids: Vec<&str> = Vec::new();
            let mut tries = 0;
            while ids.len() < n && tries < 10_000 {
                tries += 1;
                let id = if rng.unit() < 0.8 && !d.rules.is_empty() {
                    kb.findings()[d.rules[rng.below(d.rules.len())].finding].id.as_str()
                } else {
                    clinical[rng.below(clinical.len())]
                };
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let mut p = Patient::new();
            for id in ids {
                p = p.present(id);
            }
            model.resolve(&p).unwrap()
        })
        .collect()
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("build");
    g.bench_function("builtin", |b| {
        b.iter(|| {
            let kb = KnowledgeBase::new(RuleSet::builtin().unwrap()).unwrap();
            black_box(Model::from_knowledge_base(kb))
        });
    });
    let kb = synthetic_knowledge_base(10_000, 20_000, 30, 1).unwrap();
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("synthetic_10000", |b| {
        b.iter(|| black_box(Model::compile(black_box(&kb))));
    });
    g.finish();
}

fn rank(c: &mut Criterion) {
    let model = Model::builtin().unwrap();
    let reference = ReferenceScorer::new(model.knowledge_base(), *model.config());
    let mut g = c.benchmark_group("rank");
    for n in [5, 12, 20, 40] {
        let pool = patients(&model, n, 256, n as u64);
        let mut ranking = Ranking::new(&model);
        let mut i = 0;
        g.bench_with_input(BenchmarkId::new("compiled", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 1) % pool.len();
                model.rank_into(black_box(&pool[i]), &mut ranking);
                black_box(ranking.entries()[0].posterior)
            });
        });
        let plain: Vec<ReferencePatient> = pool.iter().map(|p| ReferenceScorer::patient_from(&model, p)).collect();
        let mut j = 0;
        g.bench_with_input(BenchmarkId::new("reference", n), &n, |b, _| {
            b.iter(|| {
                j = (j + 1) % plain.len();
                black_box(reference.rank(black_box(&plain[j])))
            });
        });
    }
    g.finish();

    let mut g = c.benchmark_group("explain");
    let pool = patients(&model, 12, 256, 12);
    let mut i = 0;
    g.bench_function("compiled/12", |b| {
        b.iter(|| {
            i = (i + 1) % pool.len();
            black_box(model.diagnose(black_box(&pool[i])))
        });
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let model = Model::builtin().unwrap();
    let pool = patients(&model, 12, 1000, 99);
    let all: Vec<ResolvedPatient> = (0..1_000_000).map(|i| pool[i % pool.len()].clone()).collect();
    let mut g = c.benchmark_group("batch");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(all.len() as u64));
    g.bench_function("compiled/1000000", |b| {
        b.iter(|| black_box(model.rank_batch(black_box(&all), 1)));
    });
    g.finish();
}

fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    for d in [7usize, 100, 1000, 10_000] {
        let kb = synthetic_knowledge_base(d, (2 * d).clamp(100, 20_000), 30, d as u64).unwrap();
        let model = Model::compile(&kb);
        let pool = patients(&model, 15, 128, 7);
        let mut ranking = Ranking::new(&model);
        let mut i = 0;
        g.bench_with_input(BenchmarkId::new("compiled", d), &d, |b, _| {
            b.iter(|| {
                i = (i + 1) % pool.len();
                model.rank_top_into(black_box(&pool[i]), 10, &mut ranking);
                black_box(ranking.entries()[0].posterior)
            });
        });
    }
    g.finish();
}

fn next(c: &mut Criterion) {
    let model = Model::builtin().unwrap();
    let mut g = c.benchmark_group("next");
    for n in [3usize, 12] {
        let pool = patients(&model, n, 256, 31 + n as u64);
        // Made on first use: not part of the figure.
        black_box(model.information_gains(&pool[0]));
        let mut i = 0;
        g.bench_with_input(BenchmarkId::new("gains", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 1) % pool.len();
                black_box(model.information_gains(black_box(&pool[i])))
            });
        });
        let query = NextQuery::top(5);
        g.bench_with_input(BenchmarkId::new("findings", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 1) % pool.len();
                black_box(model.next_findings(black_box(&pool[i]), &query))
            });
        });
    }
    g.finish();
}

fn robustness(c: &mut Criterion) {
    let model = Model::builtin().unwrap();
    let mut g = c.benchmark_group("robustness");
    g.sample_size(10);
    for n in [12usize, 100, 500] {
        let pool = patients(&model, n, 16, 41 + n as u64);
        let mut i = 0;
        g.bench_with_input(BenchmarkId::new("builtin", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 1) % pool.len();
                let r = model.robustness(black_box(&pool[i]));
                assert!(!r.removal_search.stopped_early && !r.flip_search.stopped_early);
                black_box(r.margin_log10)
            });
        });
    }
    let kb = synthetic_knowledge_base(300, 3000, 20, 9).unwrap();
    let synthetic = Model::compile(&kb);
    let pool = patients(&synthetic, 1000, 4, 43);
    let mut i = 0;
    g.bench_function(BenchmarkId::new("synthetic", 1000), |b| {
        b.iter(|| {
            i = (i + 1) % pool.len();
            let r = synthetic.robustness(black_box(&pool[i]));
            assert!(!r.removal_search.stopped_early && !r.flip_search.stopped_early);
            black_box(r.margin_log10)
        });
    });
    g.finish();
}

/// Patients for the catalogue: the terms of `hpo-simulated-1000.jsonl` when the file is at
/// `OSTEODX_BENCH_PATIENTS` (default `../shared/bench/hpo-simulated-1000.jsonl`), else each
/// diagnosis's own rules (every third one dropped).
fn catalogue_patients(model: &Model) -> Vec<ResolvedPatient> {
    let path = std::env::var("OSTEODX_BENCH_PATIENTS")
        .unwrap_or_else(|_| "../shared/bench/hpo-simulated-1000.jsonl".to_owned());
    let from_file: Vec<Patient> = std::fs::read_to_string(&path)
        .map(|text| {
            text.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .map(|v| {
                    let terms = v["terms"].as_array().cloned().unwrap_or_default();
                    terms
                        .iter()
                        .filter_map(|t| t.as_str())
                        .fold(Patient::new(), |p, t| p.present(t.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default();
    let kb = model.knowledge_base();
    let own = || {
        kb.diagnoses()
            .iter()
            .map(|d| {
                d.rules
                    .iter()
                    .enumerate()
                    .filter(|(i, r)| i % 3 != 2 && !r.against)
                    .fold(Patient::new(), |p, (_, r)| {
                        p.present(kb.findings()[r.finding].id.clone())
                    })
            })
            .collect::<Vec<_>>()
    };
    let chosen = if from_file.is_empty() { own() } else { from_file };
    chosen.iter().filter_map(|p| model.resolve(p).ok()).collect()
}

/// `catalogue/load`: parse, validate and compile the files; `catalogue/load_compiled`: the same
/// model read from its compiled form (`Catalogue::compiled`). `catalogue/rank`: one patient against every disease of the HPO catalogue, top 10, one
/// thread; on the fixture always, on the full files when `OSTEODX_HPO_DIR` names a directory with
/// them (`../shared/tools/hpo-data DIR`). `catalogue/batch`: the same patients on 2 threads.
fn catalogue(c: &mut Criterion) {
    let mut sources = vec![(
        "fixture",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hpo").to_owned(),
    )];
    if let Ok(dir) = std::env::var("OSTEODX_HPO_DIR") {
        sources.push(("full", dir));
    }
    for (name, dir) in sources {
        let load = || {
            Catalogue::load(&dir, &CatalogueOptions::default())
                .and_then(Catalogue::into_model)
                .unwrap()
        };
        let mut g = c.benchmark_group("catalogue/load");
        g.sample_size(10);
        g.bench_function(name, |b| b.iter(|| black_box(load().n_diagnoses())));
        g.finish();
        // The same model read from its compiled form: hash the files, check and read it.
        let options = CatalogueOptions::default();
        let config = Catalogue::scoring_config();
        let cache = std::env::temp_dir().join(format!("osteodx-bench-{}-{name}.bin", std::process::id()));
        Catalogue::compiled(&dir, &options, config, &cache).unwrap();
        let mut g = c.benchmark_group("catalogue/load_compiled");
        g.sample_size(10);
        g.bench_function(name, |b| {
            b.iter(|| {
                let (model, _, how) = Catalogue::compiled(&dir, &options, config, &cache).unwrap();
                assert!(matches!(how, osteodx::catalogue::Cached::Read));
                black_box(model.n_diagnoses())
            });
        });
        g.finish();
        let _ = std::fs::remove_file(&cache);
        let model = load();
        let pool = catalogue_patients(&model);
        let mut ranking = Ranking::new(&model);
        let mut i = 0;
        let mut g = c.benchmark_group("catalogue/rank");
        g.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) % pool.len();
                model.rank_top_into(black_box(&pool[i]), 10, &mut ranking);
                black_box(ranking.entries()[0].posterior)
            });
        });
        g.finish();
        let mut g = c.benchmark_group("catalogue/batch");
        g.sample_size(10);
        g.throughput(Throughput::Elements(pool.len() as u64));
        g.bench_function(name, |b| b.iter(|| black_box(model.rank_batch(black_box(&pool), 10))));
        g.finish();
    }
}

criterion_group!(benches, build, rank, batch, scale, next, robustness, catalogue);
criterion_main!(benches);
