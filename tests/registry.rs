//! The list of every scene that a lean module's picker shows (`registry::EVERY_SCENE`) is
//! the registry's own list, in the same order, with the same titles: in the build with
//! every scene, the two cannot drift apart. Built with the ring alone (as the ring's lean
//! module is: `cargo test --no-default-features --features ring --test registry`, run by
//! `.ci/test`), a link to another scene says the page lacks it, not that it does not exist.

use dsviz::registry::{EVERY_SCENE, SCENES};
use dsviz::scene::{RunSpec, SceneId};

/// Whether this test binary was built with every scene.
const WHOLE_APP: bool = cfg!(all(
    feature = "ring",
    feature = "two-pc",
    feature = "locks",
    feature = "raft",
    feature = "paxos",
    feature = "queue",
    feature = "balance"
));

#[test]
fn every_scene_of_the_picker_is_a_registered_scene_in_order() {
    let registered: Vec<(&str, &str)> = SCENES.iter().map(|s| (s.slug(), s.title())).collect();
    if WHOLE_APP {
        assert_eq!(EVERY_SCENE, registered.as_slice());
    } else {
        assert!(
            registered.iter().all(|s| EVERY_SCENE.contains(s)),
            "{registered:?}"
        );
    }
}

#[test]
fn an_unknown_scene_lists_every_scene_of_the_app() {
    if WHOLE_APP {
        assert!(EVERY_SCENE.iter().all(|(slug, _)| !SceneId::left_out(slug)));
    }
    assert!(!SceneId::left_out("raft2"));
    let (spec, problems) = RunSpec::from_query("?scene=raft2");
    assert_eq!(spec.scene, SceneId::default());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("Unknown scene \"raft2\"")
            && problems[0].contains("ring, 2pc, locks, raft, paxos, queue, balance"),
        "{}",
        problems[0]
    );
}

#[cfg(all(feature = "ring", not(feature = "raft")))]
#[test]
fn a_module_without_raft_says_so_and_shows_its_own_scene() {
    assert!(SceneId::left_out("raft"));
    let (spec, problems) = RunSpec::from_query("?scene=raft&seed=4");
    assert_eq!(spec.scene.slug(), "ring");
    assert_eq!(spec.seed, 4);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("built with only ring")
            && problems[0].contains("not \"raft\"")
            && problems[0].contains("scene picker"),
        "{}",
        problems[0]
    );
}

/// The release build's lean modules (`.ci/lean-modules.mjs`) are one per scene of the picker,
/// in its order, each built with a feature that `Cargo.toml` declares: a scene missing
/// there would open the first scene's module, whose picker links back to the same page.
#[test]
fn the_release_build_writes_a_lean_module_for_every_scene() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(root.join(".ci/lean-modules.mjs")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let table = script
        .split_once("const SCENES = [")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map(|(table, _)| table)
        .expect("the SCENES table");
    let modules: Vec<(String, String)> = table
        .lines()
        .filter_map(|line| {
            let mut quoted = line.split('"').skip(1).step_by(2);
            Some((quoted.next()?.to_string(), quoted.next()?.to_string()))
        })
        .collect();
    let slugs: Vec<&str> = modules.iter().map(|(slug, _)| slug.as_str()).collect();
    let every: Vec<&str> = EVERY_SCENE.iter().map(|(slug, _)| *slug).collect();
    assert_eq!(slugs, every, "the lean modules, by slug");
    for (slug, feature) in &modules {
        assert!(
            manifest.contains(&format!("\n{feature} = [")),
            "{slug}'s feature {feature} is not in Cargo.toml"
        );
    }
}
