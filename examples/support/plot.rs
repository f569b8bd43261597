//! A loss-curve PNG without fonts or system libraries: each series is a polyline on a white
//! canvas with light grid lines at each tenth of the range; the legend is the colour (stated by
//! the caller in its output). Written with the `png` crate.
#![allow(dead_code)]

use std::path::Path;

/// One line: its points `(x, y)` and RGB colour.
pub struct Series<'a> {
    pub points: &'a [(f64, f64)],
    pub rgb: [u8; 3],
}

/// Draws `series` into a `width × height` PNG at `path`, both axes scaled to the data (y from 0).
pub fn line_chart(
    path: &Path,
    width: u32,
    height: u32,
    series: &[Series<'_>],
) -> std::io::Result<()> {
    let (w, h) = (width as usize, height as usize);
    let mut px = vec![255u8; w * h * 3];
    let margin = 20.0;
    let all = series.iter().flat_map(|s| s.points.iter());
    let (mut x_max, mut y_max) = (f64::MIN, 0.0f64);
    let mut x_min = f64::MAX;
    for &(x, y) in all {
        if y.is_finite() {
            x_min = x_min.min(x);
            x_max = x_max.max(x);
            y_max = y_max.max(y);
        }
    }
    if x_max <= x_min || x_max.is_nan() {
        x_max = x_min + 1.0;
    }
    if y_max <= 0.0 {
        y_max = 1.0;
    }
    let sx = |x: f64| margin + (x - x_min) / (x_max - x_min) * (w as f64 - 2.0 * margin);
    let sy = |y: f64| h as f64 - margin - y / y_max * (h as f64 - 2.0 * margin);
    let put = |x: i64, y: i64, c: [u8; 3], px: &mut Vec<u8>| {
        if x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h {
            let k = (y as usize * w + x as usize) * 3;
            px[k..k + 3].copy_from_slice(&c);
        }
    };
    // Grid at tenths, then the axes.
    for k in 0..=10 {
        let gy = sy(y_max * k as f64 / 10.0) as i64;
        let gx = sx(x_min + (x_max - x_min) * k as f64 / 10.0) as i64;
        for t in margin as i64..(w as f64 - margin) as i64 {
            put(t, gy, [225, 225, 225], &mut px);
        }
        for t in margin as i64..(h as f64 - margin) as i64 {
            put(gx, t, [225, 225, 225], &mut px);
        }
    }
    for t in margin as i64..(w as f64 - margin) as i64 {
        put(t, sy(0.0) as i64, [0, 0, 0], &mut px);
    }
    for t in margin as i64..(h as f64 - margin) as i64 {
        put(margin as i64, t, [0, 0, 0], &mut px);
    }
    // Lines, two pixels thick.
    for s in series {
        for pair in s.points.windows(2) {
            let ((x0, y0), (x1, y1)) = (
                (sx(pair[0].0), sy(pair[0].1)),
                (sx(pair[1].0), sy(pair[1].1)),
            );
            let n = ((x1 - x0).abs().max((y1 - y0).abs()).ceil() as usize).max(1);
            for i in 0..=n {
                let t = i as f64 / n as f64;
                let (x, y) = ((x0 + t * (x1 - x0)) as i64, (y0 + t * (y1 - y0)) as i64);
                put(x, y, s.rgb, &mut px);
                put(x, y + 1, s.rgb, &mut px);
            }
        }
    }
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
