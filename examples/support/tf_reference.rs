//! TensorFlow's own answers for the seed cells, read from `reference/seeds_tf.json`
//! (relative to the workspace root) when that file exists. Tolerant on purpose: a tiny scanner,
//! no JSON dependency; anything missing or malformed just yields `None`.
#![allow(dead_code)]

use std::path::PathBuf;

/// The reference file's text, if it is there.
pub fn load() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/seeds_tf.json");
    std::fs::read_to_string(path).ok()
}

/// The text right after `"key":`, whitespace skipped.
fn after_key<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(pos) = json[from..].find(&quoted) {
        let rest = json[from + pos + quoted.len()..].trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            return Some(value.trim_start());
        }
        from += pos + quoted.len();
    }
    None
}

/// A leading JSON number.
fn leading_number(text: &str) -> Option<f64> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
        .unwrap_or(text.len());
    text[..end].parse().ok()
}

/// A top-level numeric entry, e.g. `"gd_manual": 0.9999998807907104`.
pub fn number(json: &str, key: &str) -> Option<f64> {
    leading_number(after_key(json, key)?)
}

/// One row of the seed's control-flow check as TensorFlow computed it.
#[derive(Clone, Copy, Debug)]
pub struct ControlFlowRow {
    /// The input.
    pub a: f64,
    /// `f(a)`.
    pub c: f64,
    /// `dc/da`.
    pub dc_da: f64,
}

/// The `control_flow` array: `[{"a": .., "c": .., "dc_da": ..}, ..]`.
pub fn control_flow(json: &str) -> Vec<ControlFlowRow> {
    let Some(list) = after_key(json, "control_flow").and_then(|t| t.strip_prefix('[')) else {
        return Vec::new();
    };
    let list = &list[..list.find(']').unwrap_or(list.len())];
    list.split('}')
        .filter_map(|obj| {
            Some(ControlFlowRow {
                a: number(obj, "a")?,
                c: number(obj, "c")?,
                dc_da: number(obj, "dc_da")?,
            })
        })
        .collect()
}
