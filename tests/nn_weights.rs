//! Saving and loading weights in safetensors: the file is what numpy expects (row-major, named by
//! field path, in the model's dtype; read back here by parsing the format by hand), a
//! save-then-load round trip gives identical predictions, and every kind of bad file is an error
//! that leaves the model untouched.

use autodiff::nn::io::{
    WeightsError, from_safetensors_bytes, load_safetensors, save_safetensors, to_safetensors_bytes,
};
use autodiff::nn::{Activation, Dense, seeded_rng};
use autodiff::prelude::*;
use serde_json::Value;

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct MyModel<T: autodiff::matrix::MatrixScalar> {
    dense_1: Dense<T>,
    dense_2: Dense<T>,
}

impl<T: autodiff::matrix::MatrixScalar> MyModel<T> {
    fn new(inputs: usize, hidden: usize, outputs: usize, seed: u64) -> Self {
        let mut rng = seeded_rng(seed);
        MyModel {
            dense_1: Dense::with_rng(inputs, hidden, Activation::Relu, &mut rng),
            dense_2: Dense::with_rng(hidden, outputs, Activation::Linear, &mut rng),
        }
    }

    #[differentiable]
    fn call(&self, x: &DMatrix<T>) -> DMatrix<T> {
        let h = self.dense_1.forward(x);
        self.dense_2.forward(&h)
    }
}

/// The safetensors layout, parsed independently of the `safetensors` crate: an 8-byte
/// little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}}`, the data.
fn parse(bytes: &[u8]) -> (Value, &[u8]) {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    (header, &bytes[8 + n..])
}

fn tensor_f32(header: &Value, data: &[u8], name: &str) -> (Vec<usize>, Vec<f32>) {
    let t = &header[name];
    assert_eq!(t["dtype"], "F32", "{name}");
    let shape: Vec<usize> = t["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let (a, b) = (
        t["data_offsets"][0].as_u64().unwrap() as usize,
        t["data_offsets"][1].as_u64().unwrap() as usize,
    );
    let values = data[a..b]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    (shape, values)
}

/// A file path in a directory of its own under the system's temporary directory, removed with
/// everything in it when the value is dropped (tests run in parallel: one directory per file).
struct TmpPath {
    dir: std::path::PathBuf,
    path: std::path::PathBuf,
}

impl Drop for TmpPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn tmp(name: &str) -> TmpPath {
    let dir = std::env::temp_dir().join(format!("autodiff-weights-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    TmpPath {
        path: dir.join(name),
        dir,
    }
}

#[test]
fn saved_tensors_are_row_major_and_named_by_field_path() {
    let model = MyModel::<f32>::new(3, 4, 2, 7);
    let bytes = to_safetensors_bytes(&model, "").unwrap();
    let (header, data) = parse(&bytes);
    let mut names: Vec<&String> = header
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != "__metadata__")
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "dense_1.bias",
            "dense_1.kernel",
            "dense_2.bias",
            "dense_2.kernel"
        ]
    );
    let (shape, k) = tensor_f32(&header, data, "dense_1.kernel");
    assert_eq!(shape, [3, 4]); // Keras: kernel is (inputs, units)
    for i in 0..3 {
        for j in 0..4 {
            assert_eq!(
                k[i * 4 + j].to_bits(),
                model.dense_1.kernel[(i, j)].to_bits(),
                "[{i}, {j}]"
            );
        }
    }
    let (shape, b) = tensor_f32(&header, data, "dense_2.bias");
    assert_eq!(shape, [2]); // Keras: bias is (units,)
    assert!(b.iter().all(|v| *v == 0.0));
}

#[test]
fn f64_models_are_stored_as_f64() {
    let model = MyModel::<f64>::new(2, 3, 1, 1);
    let (header, _) = parse(&to_safetensors_bytes(&model, "").unwrap());
    assert_eq!(header["dense_1.kernel"]["dtype"], "F64");
}

#[test]
fn save_then_load_gives_identical_predictions() {
    let trained = MyModel::<f32>::new(5, 8, 3, 21);
    let tmp = tmp("roundtrip.safetensors");
    let path = &tmp.path;
    save_safetensors(&trained, path).unwrap();
    let mut fresh = MyModel::<f32>::new(5, 8, 3, 99);
    assert_ne!(fresh, trained);
    load_safetensors(&mut fresh, path).unwrap();
    assert_eq!(fresh, trained);
    let x = DMatrix::from_fn(4, 5, |i, j| ((i * 5 + j) as f32 * 0.3).sin());
    let (a, b) = (trained.call(&x), fresh.call(&x));
    assert!(
        a.iter()
            .zip(b.iter())
            .all(|(p, q)| p.to_bits() == q.to_bits())
    );
}

/// Loads `bytes` into a fresh model and checks the model did not change.
fn load_err(bytes: &[u8]) -> WeightsError {
    let mut model = MyModel::<f32>::new(3, 4, 2, 5);
    let before = model.clone();
    let err = from_safetensors_bytes(&mut model, "", bytes).unwrap_err();
    assert_eq!(model, before, "a failed load must not change the model");
    err
}

#[test]
fn another_shape_is_an_error_naming_the_tensor_and_both_shapes() {
    let other = MyModel::<f32>::new(3, 5, 2, 5);
    let err = load_err(&to_safetensors_bytes(&other, "").unwrap());
    let msg = err.to_string();
    assert!(matches!(err, WeightsError::Shape { .. }), "{msg}");
    assert!(
        msg.contains("dense_1.kernel") && msg.contains("[3, 5]") && msg.contains("[3, 4]"),
        "{msg}"
    );
}

#[test]
fn another_dtype_is_an_error_naming_both_dtypes() {
    let other = MyModel::<f64>::new(3, 4, 2, 5);
    let err = load_err(&to_safetensors_bytes(&other, "").unwrap());
    let msg = err.to_string();
    assert!(matches!(err, WeightsError::Dtype { .. }), "{msg}");
    assert!(
        msg.contains("F64") && msg.contains("F32") && msg.contains("dense_1"),
        "{msg}"
    );
}

#[test]
fn a_missing_tensor_is_an_error() {
    #[derive(Differentiable, Clone, Debug)]
    struct FirstOnly {
        dense_1: Dense<f32>,
    }
    let first = FirstOnly {
        dense_1: Dense::new(3, 4, Activation::Relu, 1),
    };
    let err = load_err(&to_safetensors_bytes(&first, "").unwrap());
    assert!(
        matches!(err, WeightsError::Missing { ref name } if name == "dense_2.kernel"),
        "{err}"
    );
}

#[test]
fn an_extra_tensor_is_an_error() {
    #[derive(Differentiable, Clone, Debug)]
    struct Bigger {
        dense_1: Dense<f32>,
        dense_2: Dense<f32>,
        extra: f32,
    }
    let m = MyModel::<f32>::new(3, 4, 2, 5);
    let big = Bigger {
        dense_1: m.dense_1,
        dense_2: m.dense_2,
        extra: 1.0,
    };
    let err = load_err(&to_safetensors_bytes(&big, "").unwrap());
    assert!(
        matches!(err, WeightsError::Unexpected { ref name } if name == "extra"),
        "{err}"
    );
}

#[test]
fn a_truncated_file_is_an_error() {
    let bytes = to_safetensors_bytes(&MyModel::<f32>::new(3, 4, 2, 5), "").unwrap();
    for cut in [4, 20, bytes.len() - 3] {
        let err = load_err(&bytes[..cut]);
        assert!(
            matches!(err, WeightsError::Corrupt { .. }),
            "cut at {cut}: {err}"
        );
    }
}

#[test]
fn a_corrupt_header_is_an_error() {
    let mut bytes = to_safetensors_bytes(&MyModel::<f32>::new(3, 4, 2, 5), "").unwrap();
    bytes[9] = b'#'; // inside the JSON header
    assert!(matches!(load_err(&bytes), WeightsError::Corrupt { .. }));
    assert!(matches!(
        load_err(b"not a safetensors file at all"),
        WeightsError::Corrupt { .. }
    ));
}

#[test]
fn an_unreadable_file_is_an_error_naming_it() {
    let mut model = MyModel::<f32>::new(3, 4, 2, 5);
    let tmp = tmp("does-not-exist.safetensors");
    let err = load_safetensors(&mut model, &tmp.path).unwrap_err();
    assert!(
        err.to_string().contains("does-not-exist.safetensors"),
        "{err}"
    );
}
