//! The loss-curve PNG of the `housing` example (`examples/support/plot.rs`): it decodes, has the
//! requested size, and its tick values, axis labels and legend are drawn where the layout puts
//! them.

#[path = "../examples/support/plot.rs"]
mod plot;

use plot::{Axes, MARGIN, Series, TEXT_SCALE, font5x7, line_chart, nice_step, render, ticks};

const BLUE: [u8; 3] = [31, 119, 180];
const ORANGE: [u8; 3] = [255, 127, 14];

fn chart(path: &std::path::Path) {
    let train: Vec<(f64, f64)> = (1..=20).map(|e| (e as f64, 1.0 / e as f64 + 0.3)).collect();
    let val: Vec<(f64, f64)> = (1..=20)
        .map(|e| (e as f64, 0.5 / e as f64 + 0.35))
        .collect();
    line_chart(
        path,
        640,
        400,
        &Axes {
            x_label: "epoch",
            y_label: "MSE",
        },
        &[
            Series {
                name: "train",
                points: &train,
                rgb: BLUE,
            },
            Series {
                name: "val",
                points: &val,
                rgb: ORANGE,
            },
        ],
    )
    .unwrap();
}

/// Pixels of colour `c` in the rectangle `[x0, x1) × [y0, y1)` of an RGB image `w` wide.
fn count(px: &[u8], w: usize, (x0, x1, y0, y1): (usize, usize, usize, usize), c: [u8; 3]) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (y * w + x) * 3))
        .filter(|&k| px[k..k + 3] == c)
        .count()
}

#[test]
fn png_decodes_with_its_size_and_labels() {
    let dir = std::env::temp_dir().join(format!("autodiff_plot_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("loss.png");
    chart(&path);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut px = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut px).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!((info.width, info.height), (640, 400));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let (w, h) = (640usize, 400usize);
    let (ml, _, mt, mb) = MARGIN;
    let (ml, mt, mb) = (ml as usize, mt as usize, mb as usize);
    let black = [0, 0, 0];
    // y tick values: black text left of the y axis (tick marks end 5 px left of it).
    assert!(count(&px, w, (0, ml - 6, mt, h - mb), black) > 100);
    // x tick values and the x label below the x axis (tick marks take the first 5 rows).
    let below = h - mb + 7;
    assert!(count(&px, w, (ml, w, below, below + 20), black) > 100);
    assert!(count(&px, w, (ml, w, below + 20, h), black) > 50);
    // The y label and the legend above the plot; the legend shows both colours.
    assert!(count(&px, w, (0, ml, 0, mt), black) > 30);
    assert!(count(&px, w, (w / 2, w, 0, mt), black) > 60);
    assert!(count(&px, w, (w / 2, w, 0, mt), BLUE) >= 20);
    assert!(count(&px, w, (w / 2, w, 0, mt), ORANGE) >= 20);
    // Both curves are drawn inside the plot area.
    assert!(count(&px, w, (ml, w, mt, h - mb), BLUE) > 200);
    assert!(count(&px, w, (ml, w, mt, h - mb), ORANGE) > 200);
}

#[test]
fn text_pixels_follow_the_glyph_table() {
    // "1" at scale 1: the glyph's lit bits, counted by hand from its rows
    // 0x04 0x0C 0x04 0x04 0x04 0x04 0x0E = 1 + 2 + 1 + 1 + 1 + 1 + 3 = 10 pixels.
    let mut lit = Vec::new();
    font5x7::draw_text("1", 0, 0, 1, |x, y| lit.push((x, y)));
    assert_eq!(lit.len(), 10);
    assert!(lit.contains(&(2, 0)) && lit.contains(&(1, 1)) && lit.contains(&(3, 6)));
    // At scale 2 each pixel is a 2 × 2 block; a character without a glyph draws nothing.
    let mut n = 0;
    font5x7::draw_text("1?", 0, 0, 2, |_, _| n += 1);
    assert_eq!(n, 40);
    assert_eq!(font5x7::text_width("0.35", TEXT_SCALE), (4 * 6 - 1) * 2);
    for c in "0123456789.- epochMSEtrainval".chars() {
        assert!(font5x7::glyph(c).is_some(), "no glyph for {c:?}");
    }
}

#[test]
fn ticks_are_nice_numbers() {
    assert_eq!(nice_step(1.0, 5), 0.2);
    assert_eq!(nice_step(19.0, 10), 2.0);
    assert_eq!(nice_step(0.37, 5), 0.1);
    assert_eq!(nice_step(3000.0, 5), 1000.0);
    let t = ticks(0.0, 1.0, 0.2);
    let labels: Vec<&str> = t.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    let t = ticks(1.0, 20.0, 2.0);
    assert_eq!(t.first().unwrap().1, "2");
    assert_eq!(t.last().unwrap().1, "20");
    assert_eq!(t.len(), 10);
    // A flat or empty series still renders (no division by zero, no panic).
    let px = render(
        64,
        48,
        &Axes {
            x_label: "x",
            y_label: "y",
        },
        &[],
    );
    assert_eq!(px.len(), 64 * 48 * 3);
}
