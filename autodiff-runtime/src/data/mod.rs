//! Input pipelines in tf.data's and scikit-learn's vocabulary: [`Dataset`] (`from_tensor_slices`,
//! `shuffle`, `batch`), [`train_test_split`], [`StandardScaler`] and a CSV loader
//! ([`read_csv`]) on the `csv` crate.
//!
//! Rows are samples, as TensorFlow's `(batch, features)`.

mod csv;
mod dataset;
mod prep;

pub use self::csv::{CsvError, CsvTable, MissingValues, read_csv, read_csv_from};
pub use dataset::{Batches, Dataset, TensorSlices};
pub use prep::{StandardScaler, random_batch, train_test_split};
