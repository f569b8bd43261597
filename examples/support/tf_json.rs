//! `reference/seeds_tf.json` as a JSON value (read through `CARGO_MANIFEST_DIR`), printed the
//! way Python prints it (`None` for null, lists as `[a, b]`).
#![allow(dead_code)]

use std::path::PathBuf;

/// The parsed reference file.
pub fn seeds() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/seeds_tf.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("seeds_tf.json is JSON")
}

/// A number as Python's `repr` of a float writes it.
pub fn python_float(x: f64) -> String {
    if x.is_finite() && x == x.trunc() && x.abs() < 1e16 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

/// A JSON value as Python prints the object it loads to.
pub fn to_python(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "None".to_string(),
        serde_json::Value::Number(n) => python_float(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::Array(xs) => {
            let items: Vec<String> = xs.iter().map(to_python).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Every number in printing order, `None` for null.
pub fn flatten(v: &serde_json::Value) -> Vec<Option<f64>> {
    match v {
        serde_json::Value::Null => vec![None],
        serde_json::Value::Number(n) => vec![n.as_f64()],
        serde_json::Value::Array(xs) => xs.iter().flat_map(flatten).collect(),
        _ => Vec::new(),
    }
}
