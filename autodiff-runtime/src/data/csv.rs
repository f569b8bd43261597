//! Loading numeric columns of a CSV file (with a header row) on the `csv` crate.

use std::fmt;
use std::path::{Path, PathBuf};

use nalgebra::DMatrix;

/// What to do with a row whose selected field is missing: empty (or only whitespace), or a
/// spelling of NaN (`NaN`, `nan`, `NAN`, `-nan`, ...: any field Rust's float parser reads as NaN),
/// as pandas' `read_csv` reads those as missing (`NaN`), so that `.dropna()` drops them. A NaN is
/// never kept as a number, under any policy. Infinities (`inf`, `-inf`, `Infinity`) are numbers,
/// as in pandas. Chosen by the caller: there is no silent default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MissingValues {
    /// Skip the row (counted in [`CsvTable::dropped_rows`]); what the housing example does.
    DropRow,
    /// Use this value instead.
    Fill(f64),
    /// Fail with [`CsvError::Missing`] naming the file, line and column.
    Error,
}

/// Why a CSV file could not be loaded. Every variant names the file; row faults name the line
/// (1-based, counting the header as line 1) and the column (its header name and 1-based index).
#[derive(Debug)]
pub enum CsvError {
    /// The file could not be opened or read.
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A requested column is not in the header.
    UnknownColumn {
        /// The file.
        file: PathBuf,
        /// The requested name.
        column: String,
        /// The header's names.
        header: Vec<String>,
    },
    /// A row's field is not a number.
    Malformed {
        /// The file.
        file: PathBuf,
        /// The line of the row.
        line: u64,
        /// The column's header name.
        column: String,
        /// The column's 1-based index.
        index: usize,
        /// The field's text.
        field: String,
    },
    /// A row's field is missing (empty, or NaN) and the policy is [`MissingValues::Error`].
    Missing {
        /// The file.
        file: PathBuf,
        /// The line of the row.
        line: u64,
        /// The column's header name.
        column: String,
        /// The column's 1-based index.
        index: usize,
        /// The field's text (trimmed): empty, or the spelling of NaN it had.
        field: String,
    },
    /// A row has another number of fields than the header.
    RowLength {
        /// The file.
        file: PathBuf,
        /// The line of the row.
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// The file is not valid CSV for another reason (invalid UTF-8, ...).
    Parse {
        /// The file.
        file: PathBuf,
        /// The line, when known.
        line: Option<u64>,
        /// What the parser said.
        reason: String,
    },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Io { file, source } => write!(f, "{}: {source}", file.display()),
            CsvError::UnknownColumn {
                file,
                column,
                header,
            } => write!(
                f,
                "{}: no column `{column}` in the header (it has {})",
                file.display(),
                header.join(", ")
            ),
            CsvError::Malformed {
                file,
                line,
                column,
                index,
                field,
            } => write!(
                f,
                "{}:{line}: column {index} (`{column}`): `{field}` is not a number",
                file.display()
            ),
            CsvError::Missing {
                file,
                line,
                column,
                index,
                field,
            } if field.is_empty() => write!(
                f,
                "{}:{line}: column {index} (`{column}`) is empty",
                file.display()
            ),
            CsvError::Missing {
                file,
                line,
                column,
                index,
                field,
            } => write!(
                f,
                "{}:{line}: column {index} (`{column}`) is missing (`{field}`)",
                file.display()
            ),
            CsvError::RowLength {
                file,
                line,
                expected,
                found,
            } => write!(
                f,
                "{}:{line}: {found} fields, but the header has {expected}",
                file.display()
            ),
            CsvError::Parse { file, line, reason } => match line {
                Some(l) => write!(f, "{}:{l}: {reason}", file.display()),
                None => write!(f, "{}: {reason}", file.display()),
            },
        }
    }
}

impl std::error::Error for CsvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CsvError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The selected columns of a CSV file as numbers.
#[derive(Clone, Debug)]
pub struct CsvTable {
    /// The selected columns' names, in the order asked for.
    pub columns: Vec<String>,
    /// One row per kept record, one column per selected column.
    pub data: DMatrix<f64>,
    /// Records skipped under [`MissingValues::DropRow`].
    pub dropped_rows: usize,
}

impl CsvTable {
    /// The column called `name`, if selected.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let j = self.columns.iter().position(|c| c == name)?;
        Some(self.data.column(j).iter().copied().collect())
    }
}

/// Reads the columns named in `columns` from the CSV file at `path` (comma-separated, header
/// row first), as `f64`. Other columns may hold anything.
///
/// # Errors
///
/// [`CsvError`] naming the file, and for a bad row its line and column: a field that is not a
/// number, a row with the wrong number of fields, a missing (empty or NaN) field under
/// [`MissingValues::Error`], a column name that is not in the header, or an unreadable file.
///
/// ```
/// use autodiff::data::{MissingValues, read_csv_from};
///
/// let text = "a,b,name\n1,2,x\n3,,y\n5,6,z\n";
/// let t = read_csv_from(text.as_bytes(), "inline.csv", &["b", "a"], MissingValues::DropRow).unwrap();
/// assert_eq!(t.data.shape(), (2, 2));
/// assert_eq!(t.dropped_rows, 1);
/// assert_eq!(t.column("a").unwrap(), vec![1.0, 5.0]);
///
/// let err = read_csv_from("a\n1\nx\n".as_bytes(), "bad.csv", &["a"], MissingValues::Error).unwrap_err();
/// assert_eq!(err.to_string(), "bad.csv:3: column 1 (`a`): `x` is not a number");
/// ```
pub fn read_csv(
    path: impl AsRef<Path>,
    columns: &[&str],
    missing: MissingValues,
) -> Result<CsvTable, CsvError> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|source| CsvError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    read_csv_from(std::io::BufReader::new(file), path, columns, missing)
}

/// As [`read_csv`], from any reader; `name` is the file name errors report.
///
/// # Errors
///
/// As [`read_csv`].
pub fn read_csv_from(
    reader: impl std::io::Read,
    name: impl AsRef<Path>,
    columns: &[&str],
    missing: MissingValues,
) -> Result<CsvTable, CsvError> {
    let file = name.as_ref().to_path_buf();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(reader);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| to_error(&file, e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut picks = Vec::with_capacity(columns.len());
    for &c in columns {
        let j = header
            .iter()
            .position(|h| h == c)
            .ok_or_else(|| CsvError::UnknownColumn {
                file: file.clone(),
                column: c.to_string(),
                header: header.clone(),
            })?;
        picks.push(j);
    }
    let mut values: Vec<f64> = Vec::new();
    let (mut rows, mut dropped) = (0usize, 0usize);
    let mut record = csv::StringRecord::new();
    'records: loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(to_error(&file, e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let start = values.len();
        for &j in &picks {
            let field = record.get(j).unwrap_or("").trim();
            // Empty, or a NaN (pandas' `read_csv` reads `NaN`/`nan` as missing); `None` when the
            // field is not a number at all.
            let parsed: Option<f64> = if field.is_empty() {
                Some(f64::NAN)
            } else {
                field.parse().ok()
            };
            if parsed.is_some_and(f64::is_nan) {
                match missing {
                    MissingValues::DropRow => {
                        values.truncate(start);
                        dropped += 1;
                        continue 'records;
                    }
                    MissingValues::Fill(v) => {
                        values.push(v);
                        continue;
                    }
                    MissingValues::Error => {
                        return Err(CsvError::Missing {
                            file,
                            line,
                            column: header[j].clone(),
                            index: j + 1,
                            field: field.to_string(),
                        });
                    }
                }
            }
            let v: f64 = parsed.ok_or_else(|| CsvError::Malformed {
                file: file.clone(),
                line,
                column: header[j].clone(),
                index: j + 1,
                field: field.to_string(),
            })?;
            values.push(v);
        }
        rows += 1;
    }
    Ok(CsvTable {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        data: DMatrix::from_row_slice(rows, picks.len(), &values),
        dropped_rows: dropped,
    })
}

/// The `csv` crate's error as ours.
fn to_error(file: &Path, e: csv::Error) -> CsvError {
    let line = e.position().map(|p| p.line());
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => CsvError::RowLength {
            file: file.to_path_buf(),
            line: pos.as_ref().map_or(line.unwrap_or(0), |p| p.line()),
            expected: *expected_len as usize,
            found: *len as usize,
        },
        csv::ErrorKind::Io(err) => CsvError::Io {
            file: file.to_path_buf(),
            source: std::io::Error::new(err.kind(), err.to_string()),
        },
        _ => CsvError::Parse {
            file: file.to_path_buf(),
            line,
            reason: e.to_string(),
        },
    }
}
