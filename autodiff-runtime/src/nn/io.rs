//! Saving and loading a model's parameters in the safetensors format, laid out as numpy and
//! PyTorch expect: each tensor row-major, named by its field path (`dense_1.kernel`), stored in
//! the model's dtype (`F32` or `F64`). nalgebra stores matrices column-major; they are transposed
//! on the way out and back on the way in.
//!
//! Loading checks the whole file against the model before writing a single parameter, so a
//! failed load leaves the model as it was.
//!
//! ```
//! use autodiff::nalgebra::{DMatrix, RowDVector};
//! use autodiff::nn::io::{from_safetensors_bytes, to_safetensors_bytes};
//!
//! // Any `NamedParameters` container works; derived model structs are the usual case.
//! let mut w = vec![DMatrix::from_row_slice(2, 3, &[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0])];
//! let bytes = to_safetensors_bytes(&w, "layers").unwrap();
//! w[0].fill(0.0);
//! from_safetensors_bytes(&mut w, "layers", &bytes).unwrap();
//! assert_eq!(w[0][(1, 2)], 6.0);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use super::named::{Layout, NamedParameters, TensorInfo};

/// A float type that safetensors stores: `f32` as `F32`, `f64` as `F64`, little-endian.
pub trait SafeFloat: Copy + 'static {
    /// The safetensors dtype.
    const DTYPE: Dtype;
    /// Bytes per element.
    const SIZE: usize;
    /// Appends the little-endian bytes.
    fn put(self, out: &mut Vec<u8>);
    /// Reads one element from exactly [`SIZE`](SafeFloat::SIZE) little-endian bytes.
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! safe_float {
    ($t:ty, $d:expr, $n:expr) => {
        impl SafeFloat for $t {
            const DTYPE: Dtype = $d;
            const SIZE: usize = $n;
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                let mut b = [0u8; $n];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }
    };
}
safe_float!(f32, Dtype::F32, 4);
safe_float!(f64, Dtype::F64, 8);

/// Why weights could not be saved or loaded. Every variant names the file (when there is one)
/// and the tensor concerned.
#[derive(Debug)]
pub enum WeightsError {
    /// The file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The bytes are not a valid safetensors file (truncated, corrupt header, bad offsets).
    Corrupt {
        /// What the safetensors parser reported.
        reason: String,
    },
    /// The model has a tensor the file lacks.
    Missing {
        /// The tensor's name.
        name: String,
    },
    /// The file has a tensor the model lacks.
    Unexpected {
        /// The tensor's name.
        name: String,
    },
    /// A tensor has another shape in the file than in the model.
    Shape {
        /// The tensor's name.
        name: String,
        /// The model's shape.
        model: Vec<usize>,
        /// The file's shape.
        file: Vec<usize>,
    },
    /// A tensor has another dtype in the file than in the model.
    Dtype {
        /// The tensor's name.
        name: String,
        /// The model's dtype.
        model: String,
        /// The file's dtype.
        file: String,
    },
    /// Two of the model's tensors have the same name (a bug in a hand-written `NamedParameters`).
    Duplicate {
        /// The tensor's name.
        name: String,
    },
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightsError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            WeightsError::Corrupt { reason } => {
                write!(f, "not a valid safetensors file: {reason}")
            }
            WeightsError::Missing { name } => {
                write!(f, "tensor `{name}` of the model is not in the file")
            }
            WeightsError::Unexpected { name } => {
                write!(
                    f,
                    "tensor `{name}` in the file is not a parameter of the model"
                )
            }
            WeightsError::Shape { name, model, file } => write!(
                f,
                "tensor `{name}` has shape {file:?} in the file but {model:?} in the model"
            ),
            WeightsError::Dtype { name, model, file } => write!(
                f,
                "tensor `{name}` has dtype {file} in the file but {model} in the model"
            ),
            WeightsError::Duplicate { name } => {
                write!(f, "the model has two tensors named `{name}`")
            }
        }
    }
}

impl std::error::Error for WeightsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WeightsError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The name of a tensor with a prefix (`prefix.name`, or just `name`).
fn full_name(info: &TensorInfo<'_>) -> String {
    info.name.to_string()
}

/// The elements of a visited tensor in row-major order.
fn row_major<T: Copy>(info: &TensorInfo<'_>, data: &[T]) -> Vec<T> {
    match info.layout {
        Layout::RowMajor => data.to_vec(),
        Layout::ColumnMajor { rows } => {
            let cols = data.len().checked_div(rows).unwrap_or(0);
            let mut out = Vec::with_capacity(data.len());
            for i in 0..rows {
                for j in 0..cols {
                    out.push(data[j * rows + i]);
                }
            }
            out
        }
    }
}

/// Serialises `model`'s parameters; tensor names are the field paths under `prefix` (pass `""`
/// for bare field names such as `dense_1.kernel`).
///
/// # Errors
///
/// [`WeightsError::Duplicate`] if two tensors share a name.
pub fn to_safetensors_bytes<T: SafeFloat, P: NamedParameters<T> + ?Sized>(
    model: &P,
    prefix: &str,
) -> Result<Vec<u8>, WeightsError> {
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    model.visit_named(prefix, &mut |info, data| {
        let mut bytes = Vec::with_capacity(data.len() * T::SIZE);
        for x in row_major(info, data) {
            x.put(&mut bytes);
        }
        tensors.push((full_name(info), info.shape.clone(), bytes));
    });
    let mut seen = std::collections::HashSet::new();
    for (name, _, _) in &tensors {
        if !seen.insert(name.as_str()) {
            return Err(WeightsError::Duplicate { name: name.clone() });
        }
    }
    let views = tensors.iter().map(|(name, shape, bytes)| {
        let view = TensorView::new(T::DTYPE, shape.clone(), bytes)
            .expect("the byte count is the shape's element count times the dtype's size");
        (name.clone(), view)
    });
    safetensors::tensor::serialize(views, None).map_err(|e| WeightsError::Corrupt {
        reason: e.to_string(),
    })
}

/// Writes `model`'s parameters to `path` (see [`to_safetensors_bytes`]).
///
/// # Errors
///
/// [`WeightsError::Io`] naming the file if it cannot be written.
pub fn save_safetensors<T: SafeFloat, P: NamedParameters<T> + ?Sized>(
    model: &P,
    path: impl AsRef<Path>,
) -> Result<(), WeightsError> {
    let bytes = to_safetensors_bytes(model, "")?;
    let path = path.as_ref();
    std::fs::write(path, bytes).map_err(|source| WeightsError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Overwrites `model`'s parameters from safetensors bytes, names under `prefix`.
///
/// Every tensor of the model must be in the file with the same shape and dtype, and the file may
/// hold no other tensor; all of it is checked before anything is written, so on error the model
/// is unchanged.
///
/// # Errors
///
/// [`WeightsError::Corrupt`] for bytes that are not a valid safetensors file (truncated,
/// corrupted header or offsets); [`WeightsError::Missing`], [`WeightsError::Unexpected`],
/// [`WeightsError::Shape`] or [`WeightsError::Dtype`] naming the tensor that does not fit.
pub fn from_safetensors_bytes<T: SafeFloat, P: NamedParameters<T> + ?Sized>(
    model: &mut P,
    prefix: &str,
    bytes: &[u8],
) -> Result<(), WeightsError> {
    let file = SafeTensors::deserialize(bytes).map_err(|e| WeightsError::Corrupt {
        reason: e.to_string(),
    })?;
    // Check every tensor first.
    let mut wanted: Vec<(String, Vec<usize>)> = Vec::new();
    model.visit_named(prefix, &mut |info, _| {
        wanted.push((full_name(info), info.shape.clone()))
    });
    let mut views: HashMap<String, TensorView<'_>> = HashMap::new();
    for (name, shape) in &wanted {
        let view = file
            .tensor(name)
            .map_err(|_| WeightsError::Missing { name: name.clone() })?;
        if view.dtype() != T::DTYPE {
            return Err(WeightsError::Dtype {
                name: name.clone(),
                model: format!("{:?}", T::DTYPE),
                file: format!("{:?}", view.dtype()),
            });
        }
        if view.shape() != shape.as_slice() {
            return Err(WeightsError::Shape {
                name: name.clone(),
                model: shape.clone(),
                file: view.shape().to_vec(),
            });
        }
        let count: usize = shape.iter().product();
        if view.data().len() != count * T::SIZE {
            return Err(WeightsError::Corrupt {
                reason: format!(
                    "tensor `{name}` holds {} bytes, not {}",
                    view.data().len(),
                    count * T::SIZE
                ),
            });
        }
        if views.insert(name.clone(), view).is_some() {
            return Err(WeightsError::Duplicate { name: name.clone() });
        }
    }
    let mut extra: Vec<String> = file
        .names()
        .into_iter()
        .filter(|n| !views.contains_key(*n))
        .map(str::to_string)
        .collect();
    extra.sort();
    if let Some(name) = extra.into_iter().next() {
        return Err(WeightsError::Unexpected { name });
    }
    // Everything fits: write.
    model.visit_named_mut(prefix, &mut |info, data| {
        let view = &views[info.name];
        let values: Vec<T> = view.data().chunks_exact(T::SIZE).map(T::get).collect();
        match info.layout {
            Layout::RowMajor => data.copy_from_slice(&values),
            Layout::ColumnMajor { rows } => {
                let cols = data.len().checked_div(rows).unwrap_or(0);
                for i in 0..rows {
                    for j in 0..cols {
                        data[j * rows + i] = values[i * cols + j];
                    }
                }
            }
        }
    });
    Ok(())
}

/// Overwrites `model`'s parameters from the safetensors file at `path` (see
/// [`from_safetensors_bytes`]; on error the model is unchanged).
///
/// # Errors
///
/// [`WeightsError::Io`] naming the file if it cannot be read, or any error of
/// [`from_safetensors_bytes`].
pub fn load_safetensors<T: SafeFloat, P: NamedParameters<T> + ?Sized>(
    model: &mut P,
    path: impl AsRef<Path>,
) -> Result<(), WeightsError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| WeightsError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    from_safetensors_bytes(model, "", &bytes)
}
