//! `Dataset` against tf.data's recorded behaviour (`reference/tf_refs.json`, section `tf_data`):
//! batch sizes and cardinality, the shuffle buffer's reach, and new orders each epoch.

use autodiff::data::Dataset;
use autodiff::prelude::*;
use serde_json::Value;

fn tf_data() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/tf_refs.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["tf_data"].clone()
}

fn ten() -> Dataset<(DMatrix<f64>, Vec<usize>)> {
    let x = DMatrix::from_fn(10, 1, |i, _| i as f64);
    Dataset::from_tensor_slices((x, (0..10).collect()))
}

#[test]
fn batches_and_cardinality_match_tf() {
    let r = tf_data();
    let ds = ten().shuffle(4, 0).batch(3);
    let sizes: Vec<u64> = ds
        .iter()
        .map(|(x, y)| {
            assert_eq!(x.nrows(), y.len());
            y.len() as u64
        })
        .collect();
    let want: Vec<u64> = r["batch_sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(sizes, want);
    assert_eq!(
        ds.cardinality() as u64,
        r["cardinality"]["shuffle_batch"].as_u64().unwrap()
    );
    let dropped = ten().batch(3).drop_remainder(true);
    assert_eq!(
        dropped.cardinality() as u64,
        r["cardinality"]["batch_drop_remainder"].as_u64().unwrap()
    );
    assert_eq!(dropped.iter().count(), 3);
    // Each sample keeps its pairing through shuffling and batching.
    for (x, y) in ten().shuffle(10, 3).batch(4).iter() {
        for (k, &i) in y.iter().enumerate() {
            assert!((x[(k, 0)] - i as f64).abs() < 1e-12);
        }
    }
}

/// TF's buffer of 4 over 0..9, 400 seeds: which element lands at which position. An element can
/// never appear more than 3 places early, so TF's count matrix has zeros exactly where
/// `element > position + 3`; ours must have the same zeros, and counts everywhere else.
#[test]
fn shuffle_buffer_reach_matches_tf() {
    let r = tf_data();
    let tf_counts = &r["buffer_check_400_seeds_k4_n10"]["count_element_by_position"];
    let mut ours = [[0u32; 10]; 10];
    for seed in 0..400 {
        for (pos, (_, y)) in ten().shuffle(4, seed).batch(1).iter().enumerate() {
            ours[y[0]][pos] += 1;
        }
    }
    for el in 0..10 {
        for pos in 0..10 {
            let tf = tf_counts[el][pos].as_u64().unwrap();
            assert_eq!(
                tf == 0,
                ours[el][pos] == 0,
                "element {el} at position {pos}: TF {tf}, ours {}",
                ours[el][pos]
            );
        }
        assert_eq!(ours[el].iter().sum::<u32>(), 400);
    }
    assert!(r["shuffle_buffer_1_is_identity"].as_bool().unwrap());
    let order: Vec<usize> = ten().shuffle(1, 9).batch(10).iter().next().unwrap().1;
    assert_eq!(order, (0..10).collect::<Vec<_>>());
}

#[test]
fn each_epoch_reshuffles_by_default() {
    let r = tf_data();
    assert!(
        r["shuffle_default_reshuffle_each_iteration"]
            .as_bool()
            .unwrap()
    );
    let ds = ten().shuffle(10, 5).batch(10);
    let first: Vec<usize> = ds.iter().next().unwrap().1;
    let second: Vec<usize> = ds.iter().next().unwrap().1;
    assert_ne!(first, second);
    let fixed = ten()
        .shuffle(10, 5)
        .reshuffle_each_iteration(false)
        .batch(10);
    let a: Vec<usize> = fixed.iter().next().unwrap().1;
    let b: Vec<usize> = fixed.iter().next().unwrap().1;
    assert_eq!(a, b);
}
