//! The hot path allocates nothing: counted with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use osteodx::{Model, Patient, Ranking};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn ranking_a_resolved_patient_allocates_nothing() {
    let model = Model::builtin().unwrap();
    let ids: Vec<String> = model
        .knowledge_base()
        .findings()
        .iter()
        .take(400)
        .step_by(33)
        .map(|f| f.id.clone())
        .collect();
    let mut patient = Patient::new().variant("CLCN7", osteodx::Zygosity::Heterozygous);
    for id in &ids {
        patient = patient.present(id.clone());
    }
    let resolved = model.resolve(&patient).unwrap();
    assert!(resolved.evidence().len() >= 12);
    let mut ranking = Ranking::new(&model);
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for _ in 0..1000 {
        model.rank_into(&resolved, &mut ranking);
        model.rank_top_into(&resolved, 3, &mut ranking);
    }
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert_eq!(after - before, 0, "the hot path allocated");
    assert_eq!(ranking.entries().len(), 3);
}
