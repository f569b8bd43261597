//! The CSV loader: one test per kind of fault (each error names the file, and for a bad row its
//! line and column), the missing-value policies, and the housing file the example reads.

use autodiff::data::{CsvError, MissingValues, read_csv, read_csv_from};

fn load(
    text: &str,
    cols: &[&str],
    missing: MissingValues,
) -> Result<autodiff::data::CsvTable, CsvError> {
    read_csv_from(text.as_bytes(), "houses.csv", cols, missing)
}

#[test]
fn a_field_that_is_not_a_number_names_file_line_and_column() {
    let err = load(
        "a,b,c\n1,2,3\n4,five,6\n",
        &["a", "b"],
        MissingValues::Error,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            CsvError::Malformed {
                line: 3,
                index: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "houses.csv:3: column 2 (`b`): `five` is not a number"
    );
}

#[test]
fn a_row_with_the_wrong_number_of_fields() {
    let err = load("a,b\n1,2\n3\n", &["a"], MissingValues::Error).unwrap_err();
    assert!(
        matches!(
            err,
            CsvError::RowLength {
                line: 3,
                expected: 2,
                found: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("houses.csv:3:"), "{err}");
}

#[test]
fn an_empty_field_under_the_error_policy() {
    let err = load("a,b\n1,2\n3, \n", &["a", "b"], MissingValues::Error).unwrap_err();
    assert_eq!(err.to_string(), "houses.csv:3: column 2 (`b`) is empty");
}

#[test]
fn an_unknown_column() {
    let err = load("a,b\n1,2\n", &["a", "median_income"], MissingValues::Error).unwrap_err();
    assert!(
        err.to_string().contains("houses.csv") && err.to_string().contains("median_income"),
        "{err}"
    );
}

#[test]
fn a_missing_file_names_it() {
    let err = read_csv(
        "/nonexistent/dir/housing.csv",
        &["a"],
        MissingValues::DropRow,
    )
    .unwrap_err();
    assert!(matches!(err, CsvError::Io { .. }));
    assert!(
        err.to_string()
            .starts_with("/nonexistent/dir/housing.csv: "),
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_an_error_with_its_line() {
    let bytes = b"a,b\n1,2\n3,\xff\n";
    let err = read_csv_from(&bytes[..], "bin.csv", &["a", "b"], MissingValues::Error).unwrap_err();
    assert!(err.to_string().starts_with("bin.csv:3"), "{err}");
}

#[test]
fn missing_value_policies() {
    let text = "a,b,name\n1,2,x\n3,,y\n5,6,\n";
    // Only the selected columns count: the empty `name` of line 4 is not a missing value.
    let dropped = load(text, &["a", "b"], MissingValues::DropRow).unwrap();
    assert_eq!(dropped.data.shape(), (2, 2));
    assert_eq!(dropped.dropped_rows, 1);
    assert_eq!(dropped.column("b").unwrap(), vec![2.0, 6.0]);
    let filled = load(text, &["b"], MissingValues::Fill(-1.0)).unwrap();
    assert_eq!(filled.column("b").unwrap(), vec![2.0, -1.0, 6.0]);
    assert_eq!(filled.dropped_rows, 0);
}

#[test]
fn the_housing_file_has_20433_complete_rows() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/california_housing.csv");
    let cols = [
        "median_income",
        "total_bedrooms",
        "households",
        "median_house_value",
    ];
    let t = read_csv(path, &cols, MissingValues::DropRow).unwrap();
    assert_eq!(t.data.nrows(), 20433); // 20,640 rows, 207 without total_bedrooms
    assert_eq!(t.dropped_rows, 207);
    let err = read_csv(path, &cols, MissingValues::Error).unwrap_err();
    assert!(
        matches!(err, CsvError::Missing { ref column, .. } if column == "total_bedrooms"),
        "{err}"
    );
}

/// pandas' `read_csv` reads `NaN`/`nan` as missing (`.dropna()` drops them) and `inf` as a
/// number: a NaN field meets the missing-value policy exactly as an empty one, in every spelling
/// the float parser reads as NaN.
#[test]
fn nan_fields_are_missing_under_every_policy() {
    let text = "a,b\n1.0,2.0\nNaN,3.0\nnan,4.0\n5.0,inf\n6.0, -nan \n7.0,NAN\n8.0,-inf\n";
    let dropped = load(text, &["a", "b"], MissingValues::DropRow).unwrap();
    assert_eq!(dropped.dropped_rows, 4);
    assert_eq!(dropped.column("a").unwrap(), vec![1.0, 5.0, 8.0]);
    assert_eq!(
        dropped.column("b").unwrap(),
        vec![2.0, f64::INFINITY, f64::NEG_INFINITY]
    );
    // Selecting only `b` keeps the rows whose NaN is in `a`.
    let only_b = load(text, &["b"], MissingValues::DropRow).unwrap();
    assert_eq!(only_b.dropped_rows, 2);
    assert_eq!(only_b.data.nrows(), 5);

    let filled = load(text, &["a", "b"], MissingValues::Fill(-1.0)).unwrap();
    assert_eq!(filled.dropped_rows, 0);
    assert_eq!(
        filled.column("a").unwrap(),
        vec![1.0, -1.0, -1.0, 5.0, 6.0, 7.0, 8.0]
    );
    assert_eq!(filled.column("b").unwrap()[4..6], [-1.0, -1.0]);
    assert!(filled.data.iter().all(|v| !v.is_nan()));

    let err = load(text, &["b", "a"], MissingValues::Error).unwrap_err();
    assert!(
        matches!(err, CsvError::Missing { line: 3, index: 1, ref field, .. } if field == "NaN"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "houses.csv:3: column 1 (`a`) is missing (`NaN`)"
    );
    // Text that is neither a number nor NaN is still malformed, not missing.
    let err = load("a\n1\nNA\n", &["a"], MissingValues::DropRow).unwrap_err();
    assert!(
        matches!(err, CsvError::Malformed { line: 3, .. }),
        "{err:?}"
    );
}
