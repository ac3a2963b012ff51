//! A genetic result decides the form: one test per gene row of
//! `shared/reference/genes-and-forms.md` (sections 1 and 2), each a made-up patient (not a case
//! report) whose phenotype alone would leave the form open or point elsewhere.

use osteodx::{Differential, FamilyHistory, Patient, Sex, Zygosity};

mod common;

/// [`common::diagnose`], every gene named by a rule.
fn diagnose(p: &Patient) -> Differential<'static> {
    let unknown = common::builtin().resolve(p).expect("valid patient").notes.unknown_genes;
    assert!(unknown.is_empty(), "unknown genes: {unknown:?}");
    common::diagnose(p)
}

fn posterior(d: &Differential, id: &str) -> f64 {
    d.diagnoses.iter().find(|r| r.id == id).map_or(0.0, |r| r.posterior)
}

fn ranking<'m>(d: &Differential<'m>) -> Vec<(&'m str, f64)> {
    d.diagnoses.iter().map(|r| (r.id, r.posterior)).collect()
}

fn assert_first(d: &Differential, id: &str, at_least: f64) {
    assert_eq!(d.diagnoses[0].id, id, "{:?} none {}", ranking(d), d.none_of_these);
    assert!(d.diagnoses[0].posterior >= at_least, "{id}: {:?}", ranking(d));
}

/// The largest look-alike of "none of these".
fn first_lookalike<'m>(d: &Differential<'m>) -> &'m str {
    d.none_of_these_breakdown[0].id
}

/// Dense bones at 9 with the radiology ADO2 and the intermediate form share (sandwich-like
/// endplates, Erlenmeyer flasks) and fractures: the girl.
fn dense_bones_girl() -> Patient {
    Patient::new()
        .present("HP:0004975") // Erlenmeyer flask deformity of the femurs
        .present("HP:0100861") // Sclerotic vertebral body
        .present("HP:0002757") // Recurrent fractures
        .present("HP:0011001") // Increased bone mineral density
        .sex(Sex::Female)
        .examined_at_years(9.0)
}

/// An adult with the classic ADO2 picture: sandwich vertebrae, bone-in-bone, skull-base
/// sclerosis, a hip fracture.
fn ado2_like_adult() -> Patient {
    Patient::new()
        .present("HP:0011001")
        .present("HP:0004618") // Sandwich appearance of vertebral bodies
        .present("bone_in_bone_appearance")
        .present("HP:0002694") // Sclerosis of skull base
        .present("HP:0020110") // Bone fracture
        .sex(Sex::Male)
        .onset_years(16.0)
        .examined_at_years(34.0)
}

/// A newborn with marrow failure and dense bones.
fn newborn() -> Patient {
    Patient::new()
        .present("macrocephaly")
        .present("pancytopenia")
        .present("hepatosplenomegaly")
        .present("HP:0011001")
        .sex(Sex::Male)
        .onset_years(0.02)
        .examined_at_years(0.2)
}

/// Dense bones in an infant, nothing else.
fn dense_infant() -> Patient {
    Patient::new()
        .present("HP:0011001")
        .onset_years(0.2)
        .examined_at_years(0.4)
}

// -- PLEKHM1: biallelic is OPTB6, the intermediate form; heterozygous supports a dominant form weakly.

#[test]
fn biallelic_plekhm1_puts_intermediate_first_whatever_the_dense_bones() {
    for p in [dense_bones_girl(), ado2_like_adult()] {
        let d = diagnose(&p.variant("PLEKHM1", Zygosity::Biallelic));
        assert_first(&d, "intermediate", 0.9);
    }
}

#[test]
fn heterozygous_plekhm1_supports_the_dominant_form_only_weakly() {
    let alone = diagnose(&dense_bones_girl());
    let het = diagnose(&dense_bones_girl().variant("PLEKHM1", Zygosity::Heterozygous));
    let gain = posterior(&het, "adult") / posterior(&alone, "adult");
    assert!(
        gain > 1.0 && posterior(&het, "adult") < 0.95,
        "adult {} -> {}",
        posterior(&alone, "adult"),
        posterior(&het, "adult")
    );
}

// -- CLCN7: heterozygous is ADO2; biallelic is ARO or IARO, set by onset and course.

#[test]
fn heterozygous_clcn7_in_an_adult_is_adult_first() {
    let d = diagnose(&ado2_like_adult().variant("CLCN7", Zygosity::Heterozygous));
    assert_first(&d, "adult", 0.95);
    // Dense bones and a fracture alone in a young adult, with the gene: adult still first.
    let sparse = Patient::new()
        .present("HP:0011001")
        .present("HP:0020110")
        .examined_at_years(25.0);
    assert_first(
        &diagnose(&sparse.variant("CLCN7", Zygosity::Heterozygous)),
        "adult",
        0.9,
    );
}

#[test]
fn biallelic_clcn7_in_an_adult_with_an_ado2_picture_is_not_ado2() {
    let d = diagnose(&ado2_like_adult().variant("CLCN7", Zygosity::Biallelic));
    assert_first(&d, "intermediate", 0.9);
    assert!(posterior(&d, "adult") < 0.05, "{:?}", ranking(&d));
}

#[test]
fn biallelic_clcn7_in_a_newborn_is_infantile() {
    assert_first(
        &diagnose(&newborn().variant("CLCN7", Zygosity::Biallelic)),
        "infantile",
        0.95,
    );
}

// -- TCIRG1: biallelic is infantile ARO mostly, intermediate possible; heterozygous is a carrier.

#[test]
fn heterozygous_tcirg1_does_not_move_a_newborn_away_from_infantile() {
    let alone = diagnose(&newborn());
    let het = diagnose(&newborn().variant("TCIRG1", Zygosity::Heterozygous));
    assert_first(&het, "infantile", 0.95);
    assert!(posterior(&het, "infantile") >= posterior(&alone, "infantile") - 1e-9);
    assert!(
        posterior(&het, "adult") <= posterior(&alone, "adult") + 1e-9,
        "no move towards ADO"
    );
}

#[test]
fn biallelic_tcirg1_at_25_with_fractures_and_jaw_osteomyelitis_is_intermediate() {
    let p = Patient::new()
        .present("HP:0011001")
        .present("HP:0002757") // Recurrent fractures
        .present("HP:0007626") // Mandibular osteomyelitis
        .sex(Sex::Female)
        .examined_at_years(25.0)
        .variant("TCIRG1", Zygosity::Biallelic);
    let d = diagnose(&p);
    assert_first(&d, "intermediate", 0.5);
    assert!(posterior(&d, "adult") < 0.01, "{:?}", ranking(&d));
}

#[test]
fn biallelic_tcirg1_in_a_newborn_is_infantile() {
    assert_first(
        &diagnose(&newborn().variant("TCIRG1", Zygosity::Biallelic)),
        "infantile",
        0.99,
    );
}

// -- OSTM1, TNFSF11, TNFRSF11A, MITF: the infantile class.

#[test]
fn biallelic_ostm1_tnfsf11_tnfrsf11a_and_mitf_in_an_infant_are_infantile() {
    for gene in ["OSTM1", "TNFSF11", "TNFRSF11A", "MITF"] {
        let d = diagnose(&dense_infant().variant(gene, Zygosity::Biallelic));
        assert_first(&d, "infantile", 0.8);
    }
}

#[test]
fn heterozygous_tnfrsf11a_with_osteolysis_is_the_osteolytic_look_alike() {
    // A heterozygous TNFRSF11A duplication gives osteolysis (FEO, early-onset Paget disease 2),
    // not osteopetrosis: with an osteolytic picture the result keeps "none of these" first.
    let young_adult = Patient::new()
        .present("HP:0002797") // Osteolysis
        .present("HP:0002653") // Bone pain
        .present("HP:0000365") // Hearing impairment
        .present("HP:0003155") // Elevated circulating alkaline phosphatase concentration
        .examined_at_years(25.0);
    let d = diagnose(&young_adult.variant("TNFRSF11A", Zygosity::Heterozygous));
    assert!(d.none_of_these > 0.9, "{:?} none {}", ranking(&d), d.none_of_these);
    assert_eq!(first_lookalike(&d), "paget");
}

// -- SNX10: ARO of variable severity; the Vasterbotten allele gives IARO.

#[test]
fn biallelic_snx10_is_a_recessive_form_never_adult() {
    let child = Patient::new()
        .present("HP:0011001")
        .present("HP:0000648") // Optic atrophy
        .present("HP:0007626")
        .examined_at_years(8.0)
        .variant("SNX10", Zygosity::Biallelic);
    let d = diagnose(&child);
    let recessive = posterior(&d, "infantile") + posterior(&d, "intermediate");
    assert!(recessive > 0.95, "{:?}", ranking(&d));
    assert_first(
        &diagnose(&newborn().variant("SNX10", Zygosity::Biallelic)),
        "infantile",
        0.9,
    );
}

// -- CA2 and SLC4A2: intermediate-class recessive forms.

#[test]
fn biallelic_ca2_and_slc4a2_are_intermediate() {
    let child = Patient::new()
        .present("HP:0011001")
        .present("HP:0002757")
        .examined_at_years(6.0)
        .family(FamilyHistory::ParentalConsanguinity);
    for gene in ["CA2", "SLC4A2"] {
        assert_first(
            &diagnose(&child.clone().variant(gene, Zygosity::Biallelic)),
            "intermediate",
            0.8,
        );
    }
}

// -- IKBKG: hemizygous males; a heterozygous female has incontinentia pigmenti.

#[test]
fn hemizygous_ikbkg_is_x_linked_and_a_heterozygous_female_is_not() {
    let boy = Patient::new()
        .present("HP:0011001")
        .present("HP:0002719") // Recurrent infections
        .sex(Sex::Male)
        .examined_at_years(1.0);
    assert_first(
        &diagnose(&boy.clone().variant("IKBKG", Zygosity::Hemizygous)),
        "x_linked",
        0.9,
    );
    let girl = Patient::new()
        .present("HP:0011001")
        .present("HP:0002719")
        .sex(Sex::Female)
        .examined_at_years(1.0);
    let d = diagnose(&girl.variant("IKBKG", Zygosity::Heterozygous));
    assert!(posterior(&d, "x_linked") < 0.5, "{:?}", ranking(&d));
}

// -- LRP5: heterozygous gain of function is ADO1/high bone mass; biallelic loss is OPPG.

#[test]
fn lrp5_heterozygous_is_a_dominant_sclerosis_and_biallelic_is_osteoporosis_pseudoglioma() {
    let het = diagnose(&ado2_like_adult().variant("LRP5", Zygosity::Heterozygous));
    assert!(
        posterior(&het, "infantile") + posterior(&het, "intermediate") < 0.05,
        "{:?}",
        ranking(&het)
    );
    let child = Patient::new()
        .present("HP:0002757")
        .present("HP:0000505") // Visual impairment
        .examined_at_years(5.0)
        .variant("LRP5", Zygosity::Biallelic);
    let d = diagnose(&child);
    assert!(d.none_of_these > 0.5, "{:?} none {}", ranking(&d), d.none_of_these);
    assert_eq!(first_lookalike(&d), "osteoporosis_pseudoglioma");
}

// -- FERMT3, CSF1R, LRP4: look-alikes, "none of these".

#[test]
fn fermt3_csf1r_and_lrp4_results_point_to_their_look_alikes() {
    for (gene, lookalike) in [
        ("FERMT3", "lad3"),
        ("CSF1R", "dysosteosclerosis"),
        ("LRP4", "sclerosteosis"),
    ] {
        let d = diagnose(&dense_infant().variant(gene, Zygosity::Biallelic));
        assert!(
            d.none_of_these > 0.5,
            "{gene}: {:?} none {}",
            ranking(&d),
            d.none_of_these
        );
        assert_eq!(first_lookalike(&d), lookalike, "{gene}");
    }
}
