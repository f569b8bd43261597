//! An [`OptimizerState`] as a safetensors file: one 1-D tensor per slot, in the state's own
//! float type, and the optimizer, step count, dtype, shape and slot order as string metadata.

use std::collections::HashMap;
use std::io;
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::{Dtype as StDtype, SafeTensors};

use super::state::{Dtype, OptimizerState, Shape, Slot};

fn invalid(why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("optimizer state file: {why}"),
    )
}

/// The slot's values as little-endian bytes of `dtype` (exact: an `f32` state's values are
/// `f32` values widened to `f64`).
fn slot_bytes(values: &[f64], dtype: Dtype) -> Vec<u8> {
    match dtype {
        Dtype::F32 => values
            .iter()
            .flat_map(|&v| (v as f32).to_le_bytes())
            .collect(),
        Dtype::F64 => values.iter().flat_map(|&v| v.to_le_bytes()).collect(),
    }
}

fn slot_values(bytes: &[u8], dtype: Dtype) -> Vec<f64> {
    match dtype {
        Dtype::F32 => bytes
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect(),
        Dtype::F64 => bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("chunks of 8")))
            .collect(),
    }
}

fn join(v: impl IntoIterator<Item = impl ToString>) -> String {
    v.into_iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl OptimizerState {
    /// The state in the safetensors format: each slot a 1-D tensor named after it (`f32` or
    /// `f64` as the parameters), and `optimizer`, `iterations`, `dtype`, `shape` and `slots`
    /// (their order) in the header's metadata.
    ///
    /// # Panics
    ///
    /// If a slot's length differs from the shape's value count (a state built by hand).
    #[must_use]
    pub fn to_safetensors(&self) -> Vec<u8> {
        let dtype = self.dtype;
        let bytes: Vec<Vec<u8>> = self
            .slots
            .iter()
            .map(|s| slot_bytes(&s.values, dtype.unwrap_or(Dtype::F64)))
            .collect();
        let tensors = self.slots.iter().zip(&bytes).map(|(s, b)| {
            let st = match dtype {
                Some(Dtype::F32) => StDtype::F32,
                _ => StDtype::F64,
            };
            let view = TensorView::new(st, vec![s.values.len()], b).expect("sizes match");
            (s.name.clone(), view)
        });
        let meta = HashMap::from([
            ("optimizer".to_string(), self.optimizer.clone()),
            ("iterations".to_string(), self.iterations.to_string()),
            (
                "dtype".to_string(),
                dtype.map_or("none", Dtype::name).to_string(),
            ),
            // `2x3` for a matrix run, `len` for any other (as files before matrix runs were
            // told apart, which read back as runs of `(len, 1)`)
            (
                "shape".to_string(),
                join(self.shape.0.iter().map(|&(r, c)| {
                    if c == 1 {
                        r.to_string()
                    } else {
                        format!("{r}x{c}")
                    }
                })),
            ),
            (
                "slots".to_string(),
                join(self.slots.iter().map(|s| &s.name)),
            ),
        ]);
        safetensors::serialize(tensors, Some(meta)).expect("in-memory serialization")
    }

    /// Reads a state written by [`to_safetensors`](OptimizerState::to_safetensors).
    ///
    /// # Errors
    ///
    /// `io::ErrorKind::InvalidData` if the bytes are not such a file.
    pub fn from_safetensors(bytes: &[u8]) -> io::Result<OptimizerState> {
        let (_, header) = SafeTensors::read_metadata(bytes).map_err(invalid)?;
        let meta = header
            .metadata()
            .as_ref()
            .ok_or_else(|| invalid("no metadata"))?;
        let get = |k: &str| {
            meta.get(k)
                .ok_or_else(|| invalid(format!("no `{k}` entry")))
        };
        let dtype = match get("dtype")?.as_str() {
            "f32" => Some(Dtype::F32),
            "f64" => Some(Dtype::F64),
            "none" => None,
            other => return Err(invalid(format!("unknown dtype `{other}`"))),
        };
        let list = |s: &str| -> Vec<String> {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        let dim = |x: &str| x.parse::<usize>().map_err(invalid);
        let shape = list(get("shape")?)
            .iter()
            .map(|x| match x.split_once('x') {
                Some((r, c)) => Ok((dim(r)?, dim(c)?)),
                None => Ok((dim(x)?, 1)),
            })
            .collect::<io::Result<Vec<_>>>()?;
        let tensors = SafeTensors::deserialize(bytes).map_err(invalid)?;
        let slots = list(get("slots")?)
            .into_iter()
            .map(|name| {
                let t = tensors.tensor(&name).map_err(invalid)?;
                let want = if dtype == Some(Dtype::F32) {
                    StDtype::F32
                } else {
                    StDtype::F64
                };
                if t.dtype() != want || t.shape().len() != 1 {
                    return Err(invalid(format!(
                        "slot `{name}` is not a 1-D {want:?} tensor"
                    )));
                }
                let values = slot_values(t.data(), dtype.unwrap_or(Dtype::F64));
                Ok(Slot { name, values })
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(OptimizerState {
            optimizer: get("optimizer")?.clone(),
            iterations: get("iterations")?.parse().map_err(invalid)?,
            dtype,
            shape: Shape(shape),
            slots,
        })
    }

    /// Writes [`to_safetensors`](OptimizerState::to_safetensors) to a file.
    ///
    /// # Errors
    ///
    /// Any error writing the file.
    pub fn save(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.to_safetensors())
    }

    /// Reads a file written by [`save`](OptimizerState::save).
    ///
    /// ```
    /// use autodiff::check::{Tolerance, assert_slices};
    /// use autodiff::prelude::*;
    /// use autodiff::optim::{OptimizerState, RmsProp};
    ///
    /// let mut w = [1.0f32, -2.0, 0.5];
    /// let mut opt = RmsProp::new(0.01).momentum(0.9);
    /// opt.apply_gradients(&mut w, &[0.1, 0.2, -0.3]);
    ///
    /// let path = std::env::temp_dir().join("autodiff-doc-rmsprop-state.safetensors");
    /// opt.state().save(&path).unwrap();
    /// let restored = OptimizerState::load(&path).unwrap();
    /// let saved = opt.state();
    /// assert_eq!(restored.slots.len(), 2); // velocity and momentum
    /// for (a, b) in restored.slots.iter().zip(&saved.slots) {
    ///     assert_slices(&a.values, &b.values, Tolerance::new(0.0, 0.0)); // f32 values, bit for bit
    /// }
    /// let mut resumed = RmsProp::new(0.01).momentum(0.9);
    /// resumed.load_state(&restored).unwrap();
    /// assert_eq!(resumed.iterations(), 1);
    /// # std::fs::remove_file(&path).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// Any error reading the file; `io::ErrorKind::InvalidData` if it is not such a file.
    pub fn load(path: impl AsRef<Path>) -> io::Result<OptimizerState> {
        OptimizerState::from_safetensors(&std::fs::read(path)?)
    }
}
