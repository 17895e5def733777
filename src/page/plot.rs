//! The report's figures, drawn with plotters' SVG backend only (no bitmap
//! backend, no font files: the browser renders the text). Each function
//! takes plain numbers and names and returns one SVG document.
//!
//! Categorical axes (facts, profiles) are laid out by hand — a row per item,
//! its label drawn at the row's pixel position — because plotters' own
//! labels fall at round numbers of a continuous axis; numeric axes use
//! plotters' mesh.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Okabe & Ito's colour-blind-safe palette, then greys.
const COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(120, 120, 120),
    RGBColor(0, 0, 0),
];

pub fn colour(k: usize) -> RGBColor {
    COLOURS[k % COLOURS.len()]
}

const FONT: &str = "sans-serif";
/// Pixels per character of 12-pixel text, for sizing label areas.
const CHAR: u32 = 7;
const WIDTH: u32 = 900;

fn text(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font())
}

fn render(width: u32, height: u32, draw: impl FnOnce(&Area) -> Drawn) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

fn label_px(labels: &[String]) -> u32 {
    labels
        .iter()
        .map(|l| l.chars().count() as u32)
        .max()
        .unwrap_or(0)
        * CHAR
        + 16
}

/// A legend of coloured squares and names, in rows, at pixel `top`.
fn legend(root: &Area, names: &[String], left: i32, top: i32, width: i32) -> Drawn {
    let (mut x, mut y) = (left, top);
    for (k, name) in names.iter().enumerate() {
        let w = 24 + (name.chars().count() as i32) * CHAR as i32;
        if x + w > width && x > left {
            x = left;
            y += 18;
        }
        root.draw(&Rectangle::new(
            [(x, y - 5), (x + 10, y + 5)],
            colour(k).filled(),
        ))?;
        root.draw(&Text::new(
            name.clone(),
            (x + 14, y),
            text(12).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += w + 12;
    }
    Ok(())
}

/// Rows needed by [`legend`].
fn legend_rows(names: &[String], width: i32) -> i32 {
    let mut x = 0;
    let mut rows = 1;
    for name in names {
        let w = 24 + (name.chars().count() as i32) * CHAR as i32 + 12;
        if x + w > width && x > 0 {
            rows += 1;
            x = 0;
        }
        x += w;
    }
    rows
}

/// An estimate and its interval for one item of a categorical axis.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// Dot-and-whisker rows: one row per label, one dot per series within it,
/// on a shared numeric axis from `range`. `zero` draws a reference line at 0.
#[allow(clippy::too_many_arguments)]
pub fn dots(
    title: &str,
    axis: &str,
    labels: &[String],
    series: &[String],
    points: &dyn Fn(usize, usize) -> Option<Point>,
    range: (f64, f64),
    zero: bool,
) -> Result<String, String> {
    let per = series.len().max(1) as u32;
    let row = (per * 11 + 12).max(22);
    let legend_h = if series.len() > 1 {
        legend_rows(series, WIDTH as i32 - 40) as u32 * 18 + 10
    } else {
        0
    };
    let height = 50 + row * labels.len() as u32 + 45 + legend_h;
    let left = label_px(labels).min(WIDTH / 2);
    render(WIDTH, height, |root| {
        let (x0, x1) = range;
        let n = labels.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(title, text(16))
            .margin(10)
            .margin_bottom(10 + legend_h)
            .x_label_area_size(40)
            .y_label_area_size(left)
            .build_cartesian_2d(x0..x1, 0f64..n)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(axis)
            .label_style(text(12))
            .draw()?;
        if zero && x0 < 0.0 && x1 > 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n)],
                BLACK.stroke_width(1),
            )))?;
        }
        for (i, label) in labels.iter().enumerate() {
            let centre = n - i as f64 - 0.5;
            if i > 0 {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x0, centre + 0.5), (x1, centre + 0.5)],
                    RGBColor(225, 225, 225).stroke_width(1),
                )))?;
            }
            let (px, py) = chart.backend_coord(&(x0, centre));
            root.draw(&Text::new(
                label.clone(),
                (px - 8, py),
                text(12).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
            for s in 0..series.len() {
                let Some(p) = points(i, s) else { continue };
                if !p.value.is_finite() {
                    continue;
                }
                // The first series on top, as in the legend.
                let y = centre - (s as f64 - (series.len() as f64 - 1.0) / 2.0) * 0.8 / per as f64;
                let c = colour(s);
                if p.low.is_finite() && p.high.is_finite() {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(p.low, y), (p.high, y)],
                        c.stroke_width(2),
                    )))?;
                }
                chart.draw_series(std::iter::once(Circle::new((p.value, y), 4, c.filled())))?;
            }
        }
        if series.len() > 1 {
            legend(
                root,
                series,
                20,
                height as i32 - legend_h as i32,
                WIDTH as i32 - 20,
            )?;
        }
        Ok(())
    })
}

/// A numeric range covering `values` (and 0 if `zero`), padded by 5%.
pub fn span(values: impl Iterator<Item = f64>, zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for x in values.filter(|x| x.is_finite()) {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    if hi - lo < 1e-12 {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// A band's (x, low, high) vertices in colour k.
pub type Band = (usize, Vec<(f64, f64, f64)>);
/// Points with whiskers (x, y, low, high) in colour k.
pub type Whiskers = (usize, Vec<(f64, f64, f64, f64)>);

/// One panel of small multiples: a title and lines, bands and points in
/// data coordinates.
#[derive(Clone, Debug, Default)]
pub struct Panel {
    pub title: String,
    /// (x, low, high) polygons filled in translucent colour k.
    pub bands: Vec<Band>,
    /// Lines in colour k.
    pub lines: Vec<(usize, Vec<(f64, f64)>)>,
    /// Points with whiskers (x, y, low, high) in colour k.
    pub points: Vec<Whiskers>,
    /// No numbers on the x axis (its positions are categories, named by
    /// the legend).
    pub hide_x: bool,
}

impl Panel {
    fn xs(&self) -> impl Iterator<Item = f64> + '_ {
        let b = self.bands.iter().flat_map(|b| b.1.iter().map(|p| p.0));
        let l = self.lines.iter().flat_map(|l| l.1.iter().map(|p| p.0));
        let p = self.points.iter().flat_map(|l| l.1.iter().map(|p| p.0));
        b.chain(l).chain(p)
    }

    fn ys(&self) -> impl Iterator<Item = f64> + '_ {
        let b = self
            .bands
            .iter()
            .flat_map(|b| b.1.iter().flat_map(|p| [p.1, p.2]));
        let l = self.lines.iter().flat_map(|l| l.1.iter().map(|p| p.1));
        let p = self
            .points
            .iter()
            .flat_map(|l| l.1.iter().flat_map(|p| [p.1, p.2, p.3]));
        b.chain(l).chain(p)
    }
}

/// Small multiples on a grid of `columns`, sharing the y range if `shared`;
/// `legend` names the colours (none if empty).
pub fn panels(
    title: &str,
    x_axis: &str,
    y_axis: &str,
    panels: &[Panel],
    columns: usize,
    shared: bool,
    names: &[String],
) -> Result<String, String> {
    let columns = columns.clamp(1, panels.len().max(1));
    let rows = panels.len().div_ceil(columns).max(1);
    let cell_h = 230u32;
    let legend_h = if names.is_empty() {
        0
    } else {
        legend_rows(names, WIDTH as i32 - 40) as u32 * 18 + 10
    };
    let height = 40 + rows as u32 * cell_h + legend_h;
    let all_y = span(panels.iter().flat_map(|p| p.ys()), false);
    render(WIDTH, height, |root| {
        let (head, rest) = root.split_vertically(40);
        head.draw(&Text::new(
            title.to_string(),
            (WIDTH as i32 / 2, 20),
            text(16).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        let (grid, foot) = rest.split_vertically(rows as u32 * cell_h);
        for (panel, area) in panels.iter().zip(grid.split_evenly((rows, columns))) {
            let x = span(panel.xs(), false);
            let y = if shared {
                all_y
            } else {
                span(panel.ys(), false)
            };
            let mut chart = ChartBuilder::on(&area)
                .caption(&panel.title, text(13))
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(54)
                .build_cartesian_2d(x.0..x.1, y.0..y.1)?;
            chart
                .configure_mesh()
                .x_desc(x_axis)
                .y_desc(y_axis)
                .x_labels(if panel.hide_x { 0 } else { 6 })
                .y_labels(6)
                .label_style(text(11))
                .axis_desc_style(text(11))
                .draw()?;
            for (k, band) in &panel.bands {
                let mut outline: Vec<(f64, f64)> = band.iter().map(|p| (p.0, p.2)).collect();
                outline.extend(band.iter().rev().map(|p| (p.0, p.1)));
                chart.draw_series(std::iter::once(Polygon::new(
                    outline,
                    colour(*k).mix(0.25).filled(),
                )))?;
            }
            for (k, line) in &panel.lines {
                chart.draw_series(std::iter::once(PathElement::new(
                    line.clone(),
                    colour(*k).stroke_width(2),
                )))?;
            }
            for (k, points) in &panel.points {
                for &(px, py, lo, hi) in points {
                    if lo.is_finite() && hi.is_finite() {
                        chart.draw_series(std::iter::once(PathElement::new(
                            vec![(px, lo), (px, hi)],
                            colour(*k).stroke_width(1),
                        )))?;
                    }
                    chart.draw_series(std::iter::once(Circle::new(
                        (px, py),
                        3,
                        colour(*k).filled(),
                    )))?;
                }
            }
        }
        if !names.is_empty() {
            legend(&foot, names, 20, 14, WIDTH as i32 - 20)?;
        }
        Ok(())
    })
}

/// Horizontal bars, one per label, coloured by sign, with optional intervals.
pub fn bars(
    title: &str,
    axis: &str,
    labels: &[String],
    values: &[f64],
    intervals: Option<&[(f64, f64)]>,
) -> Result<String, String> {
    let row = 20u32;
    let height = 50 + row * labels.len() as u32 + 45;
    let left = label_px(labels).min(WIDTH / 2);
    let range = span(
        values
            .iter()
            .copied()
            .chain(intervals.into_iter().flatten().flat_map(|i| [i.0, i.1])),
        true,
    );
    render(WIDTH, height, |root| {
        let n = labels.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(title, text(16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(left)
            .build_cartesian_2d(range.0..range.1, 0f64..n)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(axis)
            .label_style(text(12))
            .draw()?;
        for (i, (label, &v)) in labels.iter().zip(values).enumerate() {
            let centre = n - i as f64 - 0.5;
            let (px, py) = chart.backend_coord(&(range.0, centre));
            root.draw(&Text::new(
                label.clone(),
                (px - 8, py),
                text(12).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
            if !v.is_finite() {
                continue;
            }
            let c = if v >= 0.0 { colour(0) } else { colour(5) };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, centre - 0.35), (v, centre + 0.35)],
                c.filled(),
            )))?;
        }
        if let Some(intervals) = intervals {
            for (i, &(lo, hi)) in intervals.iter().enumerate() {
                if lo.is_finite() && hi.is_finite() {
                    let centre = n - i as f64 - 0.5;
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(lo, centre), (hi, centre)],
                        BLACK.stroke_width(1),
                    )))?;
                }
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, n)],
            BLACK.stroke_width(1),
        )))?;
        Ok(())
    })
}
