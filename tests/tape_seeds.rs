//! The seed notebooks' GradientTape cells through the tape facade, against TensorFlow's own
//! answers in `reference/seeds_tf.json` (float32 there and here, so 1e-5 relative).

#[path = "../examples/support/tape_cells.rs"]
mod tape_cells;
#[path = "../examples/support/tf_json.rs"]
mod tf_json;

fn close(ours: Option<f64>, tf: Option<f64>, key: &str) {
    match (ours, tf) {
        (None, None) => {}
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= 1e-5 * b.abs().max(1.0),
            "{key}: ours {a}, TensorFlow {b}"
        ),
        _ => panic!("{key}: ours {ours:?}, TensorFlow {tf:?} (None must match None)"),
    }
}

#[test]
fn every_tape_cell_matches_tensorflow() {
    let tf = tf_json::seeds();
    let cells = tape_cells::cells();
    let required = [
        "square_at_3",
        "poly_dx1",
        "poly_persistent",
        "unwatched_constants",
        "watched_constants",
        "watch_accessed_false",
        "unconnected_zero",
        "multi_target_sum",
        "second_order",
        "gd_manual",
        "gd_sgd",
        "gd_adam_100",
        "xtx_value",
        "xtx_grad",
        "xtx_second",
        "chain_dz_dx",
        "chain_dz_dy",
        "tf_gradients",
        "tf_gradients_stop",
        "stop_gradient_x_sgx",
    ];
    for key in required {
        assert!(
            cells.iter().any(|(k, _)| *k == key),
            "cell {key} is missing"
        );
    }
    for (key, out) in &cells {
        let theirs = tf_json::flatten(&tf[*key]);
        let ours = out.flatten();
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{key}: ours {}, TensorFlow {}",
            out.to_python(),
            tf[*key]
        );
        for (a, b) in ours.into_iter().zip(theirs) {
            close(a, b, key);
        }
    }
}

#[test]
fn printed_like_python() {
    // The example prints both sides the same way; a cell whose values agree prints the same text.
    let tf = tf_json::seeds();
    for (key, out) in tape_cells::cells() {
        if [
            "xtx_grad",
            "second_order",
            "unwatched_constants",
            "tf_gradients",
        ]
        .contains(&key)
        {
            assert_eq!(out.to_python(), tf_json::to_python(&tf[key]), "{key}");
        }
    }
}

#[test]
fn control_flow_recorded_on_the_tape() {
    let tf = tf_json::seeds();
    let cases = tf["control_flow"].as_array().expect("control_flow cases");
    assert_eq!(cases.len(), 5);
    for case in cases {
        let a = case["a"].as_f64().unwrap() as f32;
        let (c, dc_da) = tape_cells::control_flow_tape(a);
        close(Some(f64::from(c)), case["c"].as_f64(), "control_flow c");
        close(
            dc_da.map(f64::from),
            case["dc_da"].as_f64(),
            "control_flow dc_da",
        );
    }
}

#[test]
fn adam_through_the_tape_reaches_the_seed_value() {
    // The number for 100 Adam steps at learning rate 0.1 on x² - 2x + 1 from 0.
    let x = tape_cells::gd_with(autodiff::optim::Adam::new(0.1));
    assert!((f64::from(x) - 0.99706370).abs() < 1e-7, "{x}");
}
