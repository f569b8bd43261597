//! A loss-curve PNG without fonts or system libraries: each series is a polyline on a white
//! canvas with grid lines at "nice" tick values (1, 2 or 5 × 10ᵏ), tick values and axis labels
//! in the built-in 5×7 font ([`font5x7`]), and a legend naming each colour. Written with the
//! `png` crate.
#![allow(dead_code)]

use std::path::Path;

#[path = "font5x7.rs"]
pub mod font5x7;

/// One line: its name (legend), points `(x, y)` and RGB colour.
pub struct Series<'a> {
    pub name: &'a str,
    pub points: &'a [(f64, f64)],
    pub rgb: [u8; 3],
}

/// The axis labels.
pub struct Axes<'a> {
    pub x_label: &'a str,
    pub y_label: &'a str,
}

/// Text is drawn at twice the font's size.
pub const TEXT_SCALE: usize = 2;
/// Plot-area margins in pixels: left (y tick values), right, top (y label, legend), bottom (x
/// tick values and x label).
pub const MARGIN: (f64, f64, f64, f64) = (70.0, 20.0, 40.0, 60.0);
const BLACK: [u8; 3] = [0, 0, 0];
const GRID: [u8; 3] = [225, 225, 225];

/// A step of 1, 2 or 5 × 10ᵏ giving about `target` intervals over `span`.
pub fn nice_step(span: f64, target: usize) -> f64 {
    let raw = (span / target as f64).max(f64::MIN_POSITIVE);
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    p * if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    }
}

/// The tick values from `lo` to `hi` (inclusive, with a little slack) at multiples of `step`,
/// each with its label printed with as many decimals as `step` needs.
pub fn ticks(lo: f64, hi: f64, step: f64) -> Vec<(f64, String)> {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            (v, format!("{v:.decimals$}"))
        })
        .collect()
}

/// RGB pixels (row-major, 3 bytes each) of the chart: x from the data's smallest to largest x,
/// y from 0 to the largest finite y rounded up to a tick.
pub fn render(width: u32, height: u32, axes: &Axes<'_>, series: &[Series<'_>]) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    let mut px = vec![255u8; w * h * 3];
    let (ml, mr, mt, mb) = MARGIN;
    let (mut x_min, mut x_max, mut y_max) = (f64::MAX, f64::MIN, 0.0f64);
    for &(x, y) in series.iter().flat_map(|s| s.points.iter()) {
        if y.is_finite() && x.is_finite() {
            x_min = x_min.min(x);
            x_max = x_max.max(x);
            y_max = y_max.max(y);
        }
    }
    if x_min > x_max {
        (x_min, x_max) = (0.0, 1.0);
    }
    if x_max <= x_min {
        x_max = x_min + 1.0;
    }
    if y_max <= 0.0 {
        y_max = 1.0;
    }
    let y_step = nice_step(y_max, 5);
    let y_top = (y_max / y_step - 1e-9).ceil() * y_step;
    let x_step = nice_step(x_max - x_min, 10);
    let (pw, ph) = (w as f64 - ml - mr, h as f64 - mt - mb);
    let sx = |x: f64| ml + (x - x_min) / (x_max - x_min) * pw;
    let sy = |y: f64| mt + ph - y / y_top * ph;
    let mut put = |x: i64, y: i64, c: [u8; 3]| {
        if x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h {
            let k = (y as usize * w + x as usize) * 3;
            px[k..k + 3].copy_from_slice(&c);
        }
    };
    let (left, right, top, bottom) = (ml as i64, (ml + pw) as i64, mt as i64, (mt + ph) as i64);
    let th = (font5x7::H * TEXT_SCALE) as i64;
    // Grid lines and tick values.
    for (v, label) in ticks(0.0, y_top, y_step) {
        let gy = sy(v).round() as i64;
        (left..=right).for_each(|t| put(t, gy, GRID));
        (left - 5..left).for_each(|t| put(t, gy, BLACK));
        let tw = font5x7::text_width(&label, TEXT_SCALE) as i64;
        font5x7::draw_text(&label, left - 8 - tw, gy - th / 2, TEXT_SCALE, |x, y| {
            put(x, y, BLACK)
        });
    }
    for (v, label) in ticks(x_min, x_max, x_step) {
        let gx = sx(v).round() as i64;
        (top..=bottom).for_each(|t| put(gx, t, GRID));
        (bottom + 1..bottom + 6).for_each(|t| put(gx, t, BLACK));
        let tw = font5x7::text_width(&label, TEXT_SCALE) as i64;
        font5x7::draw_text(&label, gx - tw / 2, bottom + 9, TEXT_SCALE, |x, y| {
            put(x, y, BLACK)
        });
    }
    // Axes and their labels: x centred below the tick values, y above the y axis.
    (left..=right).for_each(|t| put(t, bottom, BLACK));
    (top..=bottom).for_each(|t| put(left, t, BLACK));
    let xw = font5x7::text_width(axes.x_label, TEXT_SCALE) as i64;
    font5x7::draw_text(
        axes.x_label,
        (left + right) / 2 - xw / 2,
        bottom + 9 + th + 8,
        TEXT_SCALE,
        |x, y| put(x, y, BLACK),
    );
    font5x7::draw_text(axes.y_label, 8, top - th - 12, TEXT_SCALE, |x, y| {
        put(x, y, BLACK)
    });
    // Lines, two pixels thick.
    for s in series {
        for pair in s.points.windows(2) {
            let ((x0, y0), (x1, y1)) = (
                (sx(pair[0].0), sy(pair[0].1)),
                (sx(pair[1].0), sy(pair[1].1)),
            );
            if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
                continue;
            }
            let n = ((x1 - x0).abs().max((y1 - y0).abs()).ceil() as usize).clamp(1, 100_000);
            for i in 0..=n {
                let t = i as f64 / n as f64;
                let (x, y) = ((x0 + t * (x1 - x0)) as i64, (y0 + t * (y1 - y0)) as i64);
                put(x, y, s.rgb);
                put(x, y + 1, s.rgb);
            }
        }
    }
    // Legend, right-aligned above the plot: a short line in each colour, then the name.
    let mut lx = right;
    for s in series.iter().rev() {
        lx -= font5x7::text_width(s.name, TEXT_SCALE) as i64;
        let ly = top - th - 12;
        font5x7::draw_text(s.name, lx, ly, TEXT_SCALE, |x, y| put(x, y, BLACK));
        for t in lx - 26..lx - 6 {
            put(t, ly + th / 2, s.rgb);
            put(t, ly + th / 2 + 1, s.rgb);
        }
        lx -= 46;
    }
    px
}

/// Draws the chart ([`render`]) into a `width × height` PNG at `path`.
pub fn line_chart(
    path: &Path,
    width: u32,
    height: u32,
    axes: &Axes<'_>,
    series: &[Series<'_>],
) -> std::io::Result<()> {
    let px = render(width, height, axes, series);
    let file = std::fs::File::create(path)?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(&px)
        .map_err(std::io::Error::other)?;
    Ok(())
}
