//! SVG figures for the evaluate example, drawn with plotters (SVG backend, no system fonts).

use std::path::Path;

use osteodx::research::evaluate::Report;
use plotters::prelude::*;

fn err(e: impl std::fmt::Display) -> String {
    format!("plot: {e}")
}

/// The confusion matrix as a heat map: rows are the true diagnoses, columns the top prediction.
pub fn confusion(r: &Report, path: &Path, title: &str) -> Result<(), String> {
    let rows = r.confusion_rows.len();
    let cols = r.confusion_columns.len();
    let cell = 56;
    let (left, top) = (190, 160);
    let size = ((left + cols * cell + 20) as u32, (top + rows * cell + 20) as u32);
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let font = ("sans-serif", 13).into_font();
    root.draw(&Text::new(
        format!("Confusion matrix: {title}"),
        (10, 10),
        ("sans-serif", 16).into_font(),
    ))
    .map_err(err)?;
    for (j, label) in r.confusion_columns.iter().enumerate() {
        let x = (left + j * cell + cell / 2) as i32;
        let style = font.clone().transform(FontTransform::Rotate270);
        root.draw(&Text::new(label.clone(), (x - 6, top as i32 - 6), style))
            .map_err(err)?;
    }
    for (i, (label, counts)) in r.confusion_rows.iter().zip(&r.confusion).enumerate() {
        let y = (top + i * cell) as i32;
        root.draw(&Text::new(label.clone(), (10, y + cell as i32 / 2 - 6), font.clone()))
            .map_err(err)?;
        let total: usize = counts.iter().sum::<usize>().max(1);
        for (j, &n) in counts.iter().enumerate() {
            let x = (left + j * cell) as i32;
            let fraction = n as f64 / total as f64;
            let shade = (255.0 * (1.0 - fraction)) as u8;
            let colour = if i == j || (j == cols - 1 && i == rows - 1) {
                RGBColor(shade, 255, shade)
            } else {
                RGBColor(255, shade, shade)
            };
            root.draw(&Rectangle::new(
                [(x, y), (x + cell as i32, y + cell as i32)],
                colour.filled(),
            ))
            .map_err(err)?;
            root.draw(&Rectangle::new(
                [(x, y), (x + cell as i32, y + cell as i32)],
                BLACK.mix(0.2),
            ))
            .map_err(err)?;
            root.draw(&Text::new(
                n.to_string(),
                (x + cell as i32 / 2 - 8, y + cell as i32 / 2 - 6),
                font.clone(),
            ))
            .map_err(err)?;
        }
    }
    root.present().map_err(err)
}

/// The reliability diagram: mean predicted probability of the top prediction against the share
/// that was right, per bin, with the diagonal of perfect calibration.
pub fn reliability(r: &Report, path: &Path, title: &str) -> Result<(), String> {
    let root = SVGBackend::new(path, (520, 440)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("Reliability: {title} (ECE {:.3})", r.ece), ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("predicted probability of the top diagnosis")
        .y_desc("observed share right")
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], BLACK.mix(0.4)))
        .map_err(err)?;
    let points: Vec<(f64, f64, usize)> = r
        .reliability
        .iter()
        .filter(|b| b.cases > 0)
        .map(|b| (b.predicted, b.observed, b.cases))
        .collect();
    chart
        .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), BLUE.stroke_width(2)))
        .map_err(err)?;
    let max = points.iter().map(|p| p.2).max().unwrap_or(1) as f64;
    chart
        .draw_series(points.iter().map(|p| {
            Circle::new(
                (p.0, p.1),
                3 + (9.0 * (p.2 as f64 / max).sqrt()) as i32,
                BLUE.mix(0.5).filled(),
            )
        }))
        .map_err(err)?;
    root.present().map_err(err)
}
