//! Minifies every stylesheet under `src/` into `OUT_DIR/css/<same path>`, where the views'
//! `include_str!`s read it (see `build/css_minify.rs` for what is removed and why). The
//! sources keep their comments: they document the rules.
use std::path::{Path, PathBuf};

#[path = "build/css_minify.rs"]
mod css_minify;

fn main() {
    println!("cargo:rerun-if-changed=build/css_minify.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("css");
    let mut sheets = Vec::new();
    find_sheets(Path::new("src"), &mut sheets);
    for sheet in sheets {
        // The folder too, so that a new sheet there is found.
        println!("cargo:rerun-if-changed={}", sheet.display());
        if let Some(folder) = sheet.parent() {
            println!("cargo:rerun-if-changed={}", folder.display());
        }
        let css =
            std::fs::read_to_string(&sheet).unwrap_or_else(|e| panic!("{}: {e}", sheet.display()));
        let target = out.join(sheet.strip_prefix("src").expect("found under src"));
        std::fs::create_dir_all(target.parent().expect("a file has a folder"))
            .expect("OUT_DIR is writable");
        std::fs::write(&target, css_minify::minify(&css)).expect("OUT_DIR is writable");
    }
}

/// The `.css` files under `folder`, in a stable order.
#[allow(clippy::disallowed_methods)] // the std sort: this runs at build time, not in the bundle
fn find_sheets(folder: &Path, sheets: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("a readable folder").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            find_sheets(&path, sheets);
        } else if path.extension().is_some_and(|ext| ext == "css") {
            sheets.push(path);
        }
    }
}
