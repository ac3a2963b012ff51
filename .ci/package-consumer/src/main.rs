//! Ranks the demo patient (a newborn as the overview describes malignant infantile osteopetrosis)
//! with the packaged crate's built-in rules, and prints the first diagnosis and its probability.

use osteodx::{FamilyHistory, Model, Patient};

fn main() -> Result<(), osteodx::Error> {
    let model = Model::builtin()?;
    let patient = Patient::new()
        .present("macrocephaly")
        .present("pancytopenia")
        .present("hepatosplenomegaly")
        .present("blindness")
        .present("nystagmus")
        .present("generalized osteosclerosis")
        .absent("blue sclerae")
        .onset_years(0.05)
        .examined_at_years(0.3)
        .family(FamilyHistory::ParentalConsanguinity);
    let differential = model.diagnose(&model.resolve(&patient)?);
    let first = &differential.diagnoses[0];
    println!("{} {:.3}", first.id, first.posterior);
    Ok(())
}
