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

fn nums(n: usize) -> Dataset<Vec<usize>> {
    Dataset::from_tensor_slices((0..n).collect())
}

/// tf.data's `.batch(3).shuffle(k)` shuffles whole batches: each batch keeps its consecutive
/// samples, only the batches' order changes (within the buffer's reach), and the short batch is
/// dropped before the shuffle sees it.
#[test]
fn a_shuffle_after_batch_shuffles_whole_batches() {
    let chunks = vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]];
    let mut orders = std::collections::HashSet::new();
    for seed in 0..50 {
        let ds = nums(10).batch(3).shuffle(4, seed);
        assert_eq!(ds.cardinality(), 4);
        let got: Vec<Vec<usize>> = ds.iter().collect();
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(sorted, chunks, "seed {seed}");
        assert_eq!(ds.order(0), got.concat());
        orders.insert(got);
        // A buffer of 2 lets a batch come at most one place early.
        let got: Vec<Vec<usize>> = nums(12).batch(3).shuffle(2, seed).iter().collect();
        for (pos, b) in got.iter().enumerate() {
            assert!(b[0] / 3 <= pos + 1, "seed {seed}: {got:?}");
        }
        let dropped = nums(10).batch(3).drop_remainder(true).shuffle(4, seed);
        assert_eq!(dropped.iter().flatten().count(), 9);
        assert_eq!(dropped.order(0)[9], 9);
    }
    assert!(orders.len() > 10, "{} distinct batch orders", orders.len());
    let kept: Vec<Vec<usize>> = nums(10).batch(3).shuffle(1, 7).iter().collect();
    assert_eq!(kept, chunks);
    // Samples shuffled, batched, then the batches shuffled: the same batches as without the
    // last shuffle.
    for seed in 0..20 {
        let mut a: Vec<Vec<usize>> = nums(10).shuffle(5, seed).batch(3).iter().collect();
        let mut b: Vec<Vec<usize>> = nums(10)
            .shuffle(5, seed)
            .batch(3)
            .shuffle(4, seed)
            .iter()
            .collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }
}

/// Two shuffles apply one after the other (tf.data), neither is dropped.
#[test]
fn shuffles_compose() {
    let once = nums(10).shuffle(4, 1).order(0);
    assert_eq!(nums(10).shuffle(4, 1).shuffle(1, 1).order(0), once);
    assert_ne!(once, (0..10).collect::<Vec<_>>());
    let mut differs = 0;
    for seed in 0..20 {
        let twice = nums(10).shuffle(2, seed).shuffle(2, seed).order(0);
        let mut sorted = twice.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        // Each buffer of 2 moves an element at most one place earlier.
        for (pos, &el) in twice.iter().enumerate() {
            assert!(el <= pos + 2, "seed {seed}: {twice:?}");
        }
        differs += usize::from(twice != nums(10).shuffle(2, seed).order(0));
    }
    assert!(differs > 10, "{differs}");
    // `reshuffle_each_iteration` sets the latest shuffle, here the batches' one.
    let ds = nums(10)
        .shuffle(10, 3)
        .batch(2)
        .shuffle(5, 3)
        .reshuffle_each_iteration(false);
    let a: Vec<Vec<usize>> = ds.iter_epoch(0).collect();
    let b: Vec<Vec<usize>> = ds.iter_epoch(1).collect();
    assert_ne!(a, b); // the samples are still reshuffled
    let fixed = nums(10)
        .shuffle(10, 3)
        .reshuffle_each_iteration(false)
        .batch(2)
        .shuffle(5, 3)
        .reshuffle_each_iteration(false);
    assert_eq!(fixed.order(0), fixed.order(4));
}

#[test]
#[should_panic(expected = "already batched by 2; tf.data's `.batch(2).batch(3)` nests batches")]
fn a_second_batch_panics() {
    let _ = nums(10).batch(2).batch(3);
}

#[test]
#[should_panic(expected = "no shuffle to set; write it after the shuffle it sets")]
fn reshuffle_before_shuffle_panics() {
    let _ = nums(10).reshuffle_each_iteration(false).shuffle(4, 1);
}

#[test]
#[should_panic(expected = "already set to false for this shuffle")]
fn reshuffle_set_twice_panics() {
    let _ = nums(10)
        .shuffle(4, 1)
        .reshuffle_each_iteration(false)
        .reshuffle_each_iteration(true);
}

#[test]
#[should_panic(expected = "Dataset::drop_remainder: already set to true")]
fn drop_remainder_set_twice_panics() {
    let _ = nums(10).batch(3).drop_remainder(true).drop_remainder(false);
}
