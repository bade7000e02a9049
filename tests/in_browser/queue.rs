//! The message-queue scene in headless Chromium (`cargo test --target
//! wasm32-unknown-unknown --test in_browser -- queue::`): the stage draws the view model (counters,
//! lanes with delivery counts, consumers' states, the command Redis ran), the node menu
//! gives the scene's commands, a message in flight can be dropped, and the designs are
//! compared on request, with a message for a bad seed.

use super::common::{click, count, find, text};
use dsviz::scene::RunSpec;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

/// The App from a link that must have no problems (the queue's links here are all good).
async fn render_app(query: &str) -> Element {
    let (_, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    super::common::render_app(query).await
}

fn counter(root: &Element, key: &str) -> (String, String) {
    let tile = find(root, &format!(".q-counter[data-counter=\"{key}\"]"));
    let n = tile
        .query_selector(".n")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default();
    (n, tile.get_attribute("class").unwrap_or_default())
}

#[wasm_bindgen_test]
async fn the_stage_draws_the_queue_its_nodes_and_the_command_redis_ran() {
    let root = render_app("?scene=queue&sc=happy&seed=1&step=120").await;
    assert_eq!(count(&root, ".q-counter"), 8);
    assert_eq!(count(&root, ".queue-svg g.node.producer"), 2);
    assert_eq!(count(&root, ".queue-svg g.node.consumer"), 2);
    assert_eq!(count(&root, ".queue-svg g.node.broker"), 1);
    assert_eq!(count(&root, ".queue-svg g.node.db"), 1);
    assert_eq!(
        count(&root, ".queue-svg g.q-lane"),
        3,
        "the queue and one lane per consumer"
    );
    assert!(text(&root, ".q-lane-progress").contains("BRPOP keeps no copy"));
    let strip = text(&root, "#command-strip");
    assert!(strip.starts_with("latest at redis"), "{strip}");
    assert_eq!(counter(&root, "lost"), ("0".into(), "q-counter".into()));
    assert!(count(&root, ".depth-chart path.line-queued") == 1);
    assert!(count(&root, ".command-log li") >= 1);
    assert!(text(&root, ".queue-panel h2").starts_with("1. LPUSH + BRPOP"));
}

#[wasm_bindgen_test]
async fn a_crash_after_brpop_turns_the_lost_counter_red() {
    let root = render_app("?scene=queue&sc=brpop-crash&seed=1&step=400").await;
    assert_eq!(counter(&root, "lost"), ("1".into(), "q-counter bad".into()));
    assert_eq!(count(&root, ".queue-svg g.node.consumer.crashed"), 1);
}

#[wasm_bindgen_test]
async fn the_poison_message_sits_in_the_dead_letter_lane_with_its_delivery_count() {
    let root = render_app("?scene=queue&sc=poison&seed=1&step=900").await;
    let chip = find(&root, ".q-lane-dead .q-chip");
    assert_eq!(chip.get_attribute("data-msg-id").as_deref(), Some("p1.3"));
    assert_eq!(chip.get_attribute("data-deliveries").as_deref(), Some("4"));
    assert!(chip.get_attribute("class").unwrap().contains("poison"));
    assert_eq!(
        find(&chip, ".count text").text_content().as_deref(),
        Some("4")
    );
    assert_eq!(counter(&root, "dead").0, "1");
}

#[wasm_bindgen_test]
async fn a_consumers_menu_makes_it_slow_and_the_stage_says_so() {
    let root = render_app("?scene=queue&sc=happy&seed=1&step=40").await;
    assert_eq!(count(&root, ".queue-svg .badge.warn"), 0);
    click(&root, ".queue-svg g.node[data-node=\"4\"]").await;
    let items: Vec<String> = {
        let list = root.query_selector_all(".node-menu .menu-item").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.text_content())
            .collect()
    };
    assert!(
        items.contains(&"Make slow (longer than the timeouts)".to_string()),
        "{items:?}"
    );
    let slow = root.query_selector_all(".node-menu .menu-item").unwrap();
    let button = (0..slow.length())
        .filter_map(|i| slow.item(i)?.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().as_deref() == Some("Make slow (longer than the timeouts)"))
        .unwrap();
    button.click();
    yew::scheduler::flush().await;
    // The command is taken at the playhead; the next steps show the consumer slow.
    click(&root, "#step-forward").await;
    assert!(text(&root, ".queue-svg g.node[data-node=\"4\"]").contains("slow"));
}

#[wasm_bindgen_test]
async fn clicking_a_message_in_flight_drops_it() {
    let root = render_app("?scene=queue&sc=happy&seed=1&step=11").await;
    let before = count(&root, ".queue-svg g.flight");
    assert!(before >= 1, "messages in flight at step 11");
    let id = find(&root, ".queue-svg g.flight")
        .get_attribute("data-msg")
        .unwrap();
    click(&root, &format!(".queue-svg g.flight[data-msg=\"{id}\"]")).await;
    assert_eq!(
        count(&root, &format!(".queue-svg g.flight[data-msg=\"{id}\"]")),
        0
    );
}

#[wasm_bindgen_test]
async fn the_designs_are_compared_on_request_and_a_bad_seed_is_explained() {
    let root = render_app("?scene=queue").await;
    assert_eq!(
        count(&root, "#compare-table"),
        0,
        "computed only on request"
    );
    let input: HtmlInputElement = find(&root, "#compare-seed").dyn_into().unwrap();
    input.set_value("seven");
    input
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(&root, "#compare-run").await;
    assert!(text(&root, ".designs-compared [role=alert]").contains("whole number"));
    input.set_value("1");
    input
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(&root, "#compare-run").await;
    let rows = root.query_selector_all("#compare-table tbody tr").unwrap();
    let designs: Vec<String> = (0..rows.length())
        .filter_map(|i| {
            rows.item(i)?
                .dyn_into::<Element>()
                .ok()?
                .get_attribute("data-design")
        })
        .collect();
    assert_eq!(
        designs,
        ["brpop", "blmove", "stream", "idem-blmove", "idem-stream"]
    );
    let duplicated = |design: &str| {
        text(
            &root,
            &format!("#compare-table tr[data-design=\"{design}\"] td:nth-of-type(2)"),
        )
    };
    assert_eq!(duplicated("idem-blmove"), "0");
    assert_eq!(duplicated("idem-stream"), "0");
    assert_ne!(
        duplicated("stream"),
        "0",
        "without idempotence the faults duplicate effects"
    );
}
