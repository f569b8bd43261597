//! The seed notebooks' `tf.GradientTape` cells computed with the tape facade, one per line, next
//! to TensorFlow's answers from `reference/seeds_tf.json`:
//!
//! ```text
//! cargo run --example tape_basics
//! square_at_3 ours=6.0 tf=6.0
//! ...
//! ```

#[path = "support/tape_cells.rs"]
mod tape_cells;
#[path = "support/tf_json.rs"]
mod tf_json;

fn main() {
    let tf = tf_json::seeds();
    let show = |key: &str, ours: String| {
        let theirs = tf
            .get(key)
            .map_or("(missing)".to_string(), tf_json::to_python);
        println!("{key} ours={ours} tf={theirs}");
    };
    for (key, out) in tape_cells::cells() {
        show(key, out.to_python());
        if key == "poly_dx1" {
            println!(
                "nonpersistent_second_call ours=compile error (a one-shot tape's gradient consumes \
                 it; tests/ui/tape_gradient_twice.rs) tf={:?}",
                tf["nonpersistent_second_call"].as_str().unwrap_or("")
            );
        }
    }
    for (i, case) in tf["control_flow"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let a = case["a"].as_f64().unwrap_or(0.0) as f32;
        let (c, dc_da) = tape_cells::control_flow_tape(a);
        let ours = format!(
            "[{}, {}]",
            tf_json::python_float(f64::from(c)),
            dc_da.map_or("None".into(), |d| tf_json::python_float(f64::from(d)))
        );
        let theirs = format!(
            "[{}, {}]",
            tf_json::to_python(&case["c"]),
            tf_json::to_python(&case["dc_da"])
        );
        println!("control_flow[{i}] (c, dc_da) ours={ours} tf={theirs}");
    }
}
