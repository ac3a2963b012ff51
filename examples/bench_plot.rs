//! Draw how the scoring cost grows, from the estimates criterion left in `target/criterion`.
//!
//! ```text
//! cargo bench --bench scoring -- "rank/|scale/"
//! cargo run --example bench_plot -- docs/figures/scaling.svg
//! ```
//!
//! Left: median time per patient against findings per patient (`rank/compiled/N` and
//! `rank/reference/N`). Right: against the number of diagnoses (`scale/compiled/D`). Log scales.

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use plotters::prelude::*;

#[macro_use]
#[path = "support/output.rs"]
mod output;

/// Draw how the scoring cost grows (time per patient against findings per patient and against
/// diagnoses), from the estimates criterion left in `target/criterion`.
#[derive(Parser)]
#[command(name = "bench_plot")]
struct Args {
    /// The SVG file to write.
    #[arg(value_name = "FILE", default_value = "docs/figures/scaling.svg")]
    out: String,
}

fn median_ns(id: &str) -> Result<f64, String> {
    let path = Path::new("target/criterion").join(id).join("new/estimates.json");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e} (run the benchmarks first)", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    v["median"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| format!("{}: no median", path.display()))
}

fn series(group: &str, xs: &[u32]) -> Result<Vec<(f64, f64)>, String> {
    xs.iter()
        .map(|&x| Ok((f64::from(x), median_ns(&format!("{group}/{x}"))?)))
        .collect()
}

fn run() -> Result<(), String> {
    let Args { out } = Args::parse();
    let compiled = series("rank/compiled", &[5, 12, 20, 40])?;
    let reference = series("rank/reference", &[5, 12, 20, 40])?;
    let scale = series("scale/compiled", &[7, 100, 1000, 10000])?;
    let err = |e: &dyn std::fmt::Display| format!("plot: {e}");

    let root = SVGBackend::new(&out, (960, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (left, right) = root.split_horizontally(480);

    let mut chart = ChartBuilder::on(&left)
        .caption("Time per patient vs findings per patient", ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((4f64..50f64).log_scale(), (100f64..1e8f64).log_scale())
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("findings per patient")
        .y_desc("median ns")
        .y_label_formatter(&|y| format!("{y:.0e}"))
        .draw()
        .map_err(|e| err(&e))?;
    chart
        .draw_series(LineSeries::new(compiled.clone(), BLUE.stroke_width(2)))
        .map_err(|e| err(&e))?
        .label("compiled model")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE));
    chart
        .draw_series(compiled.iter().map(|&p| Circle::new(p, 4, BLUE.filled())))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(LineSeries::new(reference.clone(), RED.stroke_width(2)))
        .map_err(|e| err(&e))?
        .label("reference scorer")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED));
    chart
        .draw_series(reference.iter().map(|&p| Circle::new(p, 4, RED.filled())))
        .map_err(|e| err(&e))?;
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE)
        .draw()
        .map_err(|e| err(&e))?;

    let mut chart = ChartBuilder::on(&right)
        .caption(
            "Time per patient (15 findings, top 10) vs diagnoses",
            ("sans-serif", 16),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((5f64..20_000f64).log_scale(), (100f64..1e5f64).log_scale())
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("diagnoses in the knowledge base")
        .y_desc("median ns")
        .y_label_formatter(&|y| format!("{y:.0e}"))
        .draw()
        .map_err(|e| err(&e))?;
    chart
        .draw_series(LineSeries::new(scale.clone(), BLUE.stroke_width(2)))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(scale.iter().map(|&p| Circle::new(p, 4, BLUE.filled())))
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    eprintln!("wrote {out}");
    Ok(())
}

fn main() -> ExitCode {
    output::exit_code("bench_plot", run())
}
