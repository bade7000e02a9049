//! The consistent-hashing scene in headless Chromium (`cargo test --target
//! wasm32-unknown-unknown --test in_browser -- ring::`): typing a key shows its owner, adding a
//! node shows the library's moved-key count, bad input is explained, many keys are drawn
//! on the canvas.

use super::common::{count, find, render_app, text};
use dsviz::algo::placement::{HashRing, NodeSpec};
use dsviz::algo::ring_cluster::{KeyNaming, RingConfig};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement};

fn type_into(root: &Element, selector: &str, value: &str) {
    find(root, selector)
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .set_value(value);
}

/// Clicks a button; a submit button submits its form, as a person's click does.
async fn press(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
}

async fn look_up(root: &Element, key: &str) {
    type_into(root, "#lookup-key", key);
    press(root, "#lookup-go").await;
}

#[wasm_bindgen_test]
async fn typing_a_key_shows_its_owner_and_replicas() {
    let root = render_app("?scene=ring&seed=3&churn=0").await;
    assert_eq!(count(&root, "g.chip.live"), 6);
    look_up(&root, "user:42").await;

    let config = RingConfig::uniform(6, 100, 0);
    let ring = HashRing::new(&config.nodes, 100).unwrap();
    let hash = ring.hash_key(b"user:42");
    let names: Vec<String> = ring
        .preference_list(hash, 3)
        .iter()
        .map(|i| ring.node(*i).unwrap().name.clone())
        .collect();
    let centre: String = root
        .query_selector_all(".centre-line")
        .map(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i).and_then(|n| n.text_content()))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap();
    assert!(centre.contains("user:42"), "{centre}");
    assert!(centre.contains(&format!("→ {}", names[0])), "{centre}");
    assert!(
        centre.contains(&format!("replicas: {}, {}", names[1], names[2])),
        "{centre}"
    );
    assert_eq!(count(&root, "g.chip.replica"), 3);
    let primary = find(&root, ".chip-rank")
        .closest("g.chip")
        .unwrap()
        .unwrap()
        .get_attribute("data-node")
        .unwrap();
    assert!(names.contains(&primary));
    assert_eq!(
        count(&root, ".walk-stop"),
        3,
        "a stop per replica on the walk"
    );
    assert!(text(&root, "#lookup-error").is_empty());
}

#[wasm_bindgen_test]
async fn adding_a_node_shows_the_librarys_moved_key_count() {
    let root = render_app("?scene=ring&seed=11&n=5&vnodes=50&keys=3000&churn=0").await;
    type_into(&root, "#join-name", "node-6");
    find(&root, "#join-weight")
        .dyn_into::<HtmlSelectElement>()
        .unwrap()
        .set_value("2");
    press(&root, "#join-go").await;

    let config = RingConfig::uniform(5, 50, 3000);
    let naming = KeyNaming::new(11);
    let mut ring = HashRing::new(&config.nodes, 50).unwrap();
    let hashes: Vec<u64> = (0..3000)
        .map(|i| ring.hash_key(naming.name(i).as_bytes()))
        .collect();
    let moves = ring
        .add_node(NodeSpec::new("node-6", 2), &hashes)
        .unwrap()
        .len();
    let counter = find(&root, "#moved-count");
    assert_eq!(
        counter.get_attribute("data-moved"),
        Some(moves.to_string()),
        "{}",
        counter.text_content().unwrap_or_default()
    );
    assert!(
        text(&root, "#moved-count").contains(&format!("of {}", "3,000")),
        "{}",
        text(&root, "#moved-count")
    );
    // Ideal K/N for a weight-2 newcomer among five weight-1 nodes: 3000 * 2/7.
    assert_eq!(counter.get_attribute("data-ideal"), Some("857".into()));
    assert_eq!(
        find(&root, ".hbar[data-node=\"node-6\"]").get_attribute("data-keys"),
        Some(moves.to_string()),
        "every moved key went to the newcomer"
    );
    assert_eq!(count(&root, ".invariant.violated"), 0);
    assert!(text(&root, "#step-status").starts_with("step 1 "));
}

#[wasm_bindgen_test]
async fn bad_input_is_explained_next_to_the_field() {
    let root = render_app("?scene=ring&seed=1&churn=0").await;
    look_up(&root, "").await;
    assert_eq!(text(&root, "#lookup-error"), "Type a key first.");
    look_up(&root, "ключ").await;
    assert!(text(&root, "#lookup-error").contains("non-ASCII"));
    look_up(&root, &"k".repeat(80)).await;
    assert!(text(&root, "#lookup-error").contains("at most 64"));

    type_into(&root, "#join-name", "node-1");
    press(&root, "#join-go").await;
    assert!(text(&root, "#join-error").contains("already a node named \"node-1\""));
    type_into(&root, "#join-name", "no spaces please");
    press(&root, "#join-go").await;
    assert!(text(&root, "#join-error").contains("may use only"));
    assert!(
        text(&root, "#step-status").starts_with("step 0 "),
        "nothing was sent"
    );

    // Removing down to one node: the last one is refused, with the reason in the page.
    for name in ["node-1", "node-2", "node-3", "node-4", "node-5", "node-6"] {
        let pick = find(&root, "#node-pick")
            .dyn_into::<HtmlSelectElement>()
            .unwrap();
        pick.set_value(name);
        pick.dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
        yew::scheduler::flush().await;
        press(&root, "#node-leave").await;
    }
    assert!(
        text(&root, "#ring-rejection").contains("last node"),
        "{}",
        text(&root, "#ring-rejection")
    );
    assert_eq!(count(&root, "g.chip.live"), 1);
}

#[wasm_bindgen_test]
async fn bad_links_show_messages_and_the_scene_still_runs() {
    let root = render_app("?scene=ring&n=0&vnodes=0&keys=5000000&weights=101&r=0&algo=nope").await;
    let problems = text(&root, ".problems");
    for expected in [
        "empty ring",
        "0 virtual nodes",
        "at most 100000",
        "weight of 0",
        "replication factor",
        "algorithm",
    ] {
        assert!(problems.contains(expected), "{expected}: {problems}");
    }
    assert_eq!(count(&root, "g.chip.live"), 6, "the defaults are used");
    assert!(web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .query_selector(".panic-banner")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn many_keys_are_drawn_on_the_canvas_and_few_as_svg() {
    let root = render_app("?scene=ring&seed=2&keys=5000&churn=0").await;
    assert_eq!(count(&root, "circle.key"), 0);
    let canvas: HtmlCanvasElement = find(&root, "canvas.ring-keys").dyn_into().unwrap();
    let (w, h) = (canvas.width(), canvas.height());
    assert!(w > 0 && h > 0);
    // A painted canvas encodes to a much longer PNG than a blank one of the same size.
    let blank: HtmlCanvasElement = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    blank.set_width(w);
    blank.set_height(h);
    let painted = canvas.to_data_url().unwrap().len();
    let empty = blank.to_data_url().unwrap().len();
    assert!(
        painted > empty * 5,
        "keys are painted: {painted} vs {empty} bytes"
    );

    let root = render_app("?scene=ring&seed=2&keys=120&churn=0").await;
    assert_eq!(count(&root, "circle.key"), 120, "few keys are SVG circles");
    assert!(text(&root, "circle.key title").starts_with("key-"));
}

#[wasm_bindgen_test]
async fn twenty_nodes_get_twenty_weight_choices_and_editing_one_keeps_the_twentieth() {
    let root = render_app("?scene=ring&n=20&weights=11111111111111111114").await;
    assert_eq!(
        count(&root, "#param-weights select"),
        20,
        "one choice per node"
    );
    let twentieth: HtmlSelectElement = find(&root, "#param-weights-20").dyn_into().unwrap();
    assert_eq!(twentieth.value(), "4");
    let third: HtmlSelectElement = find(&root, "#param-weights-3").dyn_into().unwrap();
    third.set_value("2");
    third
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let third: HtmlSelectElement = find(&root, "#param-weights-3").dyn_into().unwrap();
    let twentieth: HtmlSelectElement = find(&root, "#param-weights-20").dyn_into().unwrap();
    assert_eq!(
        (third.value(), twentieth.value()),
        ("2".to_string(), "4".to_string())
    );
    assert_eq!(count(&root, "#param-weights select"), 20);
}
