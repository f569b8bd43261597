//! Every rustdoc example is written as a user crate would write it, depending on `autodiff`
//! alone: no example names `autodiff_runtime`, `autodiff_macros`, or `approx`/`nalgebra` except
//! through `autodiff::` (`autodiff::approx`, `autodiff::nalgebra`). Doc tests compile and run the
//! examples; this test checks the paths they use, which doc tests cannot (a crate's own doc tests
//! always see the crate and its dependencies).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of runnable code blocks in doc comments: `(line number, code)`.
fn doc_code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_code = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let Some(doc) = t.strip_prefix("///").or_else(|| t.strip_prefix("//!")) else {
            in_code = false;
            continue;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        if let Some(info) = doc.trim_start().strip_prefix("```") {
            // Opening fence: Rust unless it says `text`, `sh`, `toml`, ...; closing fence.
            in_code = !in_code
                && (info.is_empty()
                    || info
                        .split(',')
                        .all(|w| matches!(w.trim(), "rust" | "should_panic" | "no_run")));
            continue;
        }
        if in_code {
            out.push((n + 1, doc.trim_start_matches("# ").to_string()));
        }
    }
    out
}

/// A path a user crate depending on `autodiff` alone cannot name.
fn foreign_path(code: &str) -> Option<&'static str> {
    let stripped = code
        .replace("autodiff::approx", "")
        .replace("autodiff::nalgebra", "");
    [
        "autodiff_runtime",
        "autodiff_macros",
        "approx::",
        "nalgebra::",
    ]
    .into_iter()
    .find(|p| stripped.contains(p))
}

#[test]
fn doc_examples_depend_on_autodiff_alone() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "autodiff-runtime/src", "autodiff-macros/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut examples = 0;
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a readable source file");
        for (n, code) in doc_code_lines(&text) {
            examples += 1;
            if let Some(p) = foreign_path(&code) {
                bad.push(format!("{}:{n}: `{p}` in `{}`", f.display(), code.trim()));
            }
        }
    }
    assert!(
        examples > 100,
        "found only {examples} doc example lines: is the scan broken?"
    );
    assert!(
        bad.is_empty(),
        "doc examples a user crate could not compile:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_scan_sees_foreign_paths() {
    let text = "/// ```\n/// use approx::assert_relative_eq;\n/// # use autodiff_runtime::ops;\n\
                /// use autodiff::approx::assert_relative_eq;\n/// ```\n/// ```text\n/// approx::x\n/// ```\n";
    let found: Vec<_> = doc_code_lines(text)
        .into_iter()
        .filter_map(|(n, c)| foreign_path(&c).map(|p| (n, p)))
        .collect();
    assert_eq!(found, vec![(2, "approx::"), (3, "autodiff_runtime")]);
}
