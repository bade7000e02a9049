//! The browser's translation test (`tests/in_browser/i18n.rs`) reads the UI's source files with
//! `include_str!`, so it must name each one. This native test keeps that list true: every
//! `.rs` file under `src/ui/` is named there, and every file named there exists. A file that
//! is moved or added breaks here, in seconds, rather than as a compile error in the browser
//! step of CI.

use std::path::{Path, PathBuf};

fn rust_files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files_under(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn listed_paths(test_source: &str) -> Vec<&str> {
    test_source
        .lines()
        .map(str::trim)
        .filter_map(|line| line.strip_prefix('"')?.strip_suffix("\","))
        .filter(|path| path.starts_with("src/"))
        .collect()
}

#[test]
fn every_ui_source_file_is_named_by_the_translation_test_and_each_named_file_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let test_source = std::fs::read_to_string(root.join("tests/in_browser/i18n.rs")).unwrap();
    let listed = listed_paths(&test_source);
    assert!(listed.len() > 20, "the list was not found: {listed:?}");

    let missing: Vec<&&str> = listed.iter().filter(|p| !root.join(p).is_file()).collect();
    assert!(missing.is_empty(), "named but not on disk: {missing:?}");

    let mut files = Vec::new();
    rust_files_under(&root.join("src/ui"), &mut files);
    let unlisted: Vec<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|f| !listed.contains(&f.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "add these to SHELL in tests/in_browser/i18n.rs: {unlisted:?}"
    );
}
