//! Every scene is a cargo feature (see `ARCHITECTURE.md`, "How to add a scene"): its line in
//! the registry and its modules in the scene and UI layers are behind the same feature, and
//! the default build has every scene. Without the gates a build "with only these scenes"
//! would still carry the others, and `.ci/scene-sizes` would measure nothing.
use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The features `Cargo.toml` declares, and those of its `default` list.
fn cargo_features() -> (BTreeSet<String>, BTreeSet<String>) {
    let manifest = read("Cargo.toml");
    let section = manifest
        .split("[features]")
        .nth(1)
        .expect("Cargo.toml has a [features] section")
        .split("\n[")
        .next()
        .unwrap();
    let mut declared = BTreeSet::new();
    let mut default = BTreeSet::new();
    for line in section.lines().map(str::trim) {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim().to_string();
        if name == "default" {
            default = value
                .split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
        } else {
            declared.insert(name);
        }
    }
    (declared, default)
}

/// `(feature, module)` of each line of the `scenes!` list in `src/registry.rs`.
fn registry_lines() -> Vec<(Option<String>, String)> {
    let registry = read("src/registry.rs");
    let list = registry
        .split("scenes! {")
        .nth(1)
        .expect("src/registry.rs has a scenes! list")
        .split('}')
        .next()
        .unwrap();
    list.lines()
        .map(str::trim)
        .filter(|line| line.contains("::"))
        .map(|line| {
            let feature = line
                .strip_prefix("#[cfg(feature = \"")
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string);
            let module = line
                .rsplit(' ')
                .next()
                .unwrap()
                .split("::")
                .next()
                .unwrap()
                .to_string();
            (feature, module)
        })
        .collect()
}

/// The feature gating `pub mod <module>;` in a `mod.rs`, if any.
fn module_gate(mod_rs: &str, module: &str) -> Option<String> {
    let source = read(mod_rs);
    let lines: Vec<&str> = source.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|line| *line == format!("pub mod {module};"))
        .unwrap_or_else(|| panic!("{mod_rs} declares no `pub mod {module};`"));
    lines[..at]
        .iter()
        .rev()
        .take_while(|line| line.starts_with("#["))
        .find_map(|line| line.strip_prefix("#[cfg(feature = \""))
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
}

#[test]
fn every_scene_is_behind_its_own_default_feature() {
    let (declared, default) = cargo_features();
    let lines = registry_lines();
    assert!(
        lines.len() >= 7,
        "the registry lists {} scenes",
        lines.len()
    );
    let mut seen = BTreeSet::new();
    for (feature, module) in &lines {
        let feature = feature
            .as_ref()
            .unwrap_or_else(|| panic!("the registry's line for `{module}` has no feature gate"));
        assert!(
            declared.contains(feature),
            "feature `{feature}` is not in Cargo.toml"
        );
        assert!(
            default.contains(feature),
            "feature `{feature}` is not on by default"
        );
        assert!(
            seen.insert(feature.clone()),
            "two scenes share feature `{feature}`"
        );
        for mod_rs in ["src/scene/mod.rs", "src/ui/mod.rs"] {
            assert_eq!(
                module_gate(mod_rs, module).as_ref(),
                Some(feature),
                "`pub mod {module};` in {mod_rs} must be behind feature `{feature}`"
            );
        }
    }
    assert_eq!(seen, declared, "a feature in Cargo.toml is not a scene's");
}
