//! The load-balancing scene in headless Chromium (`cargo test --target
//! wasm32-unknown-unknown --test in_browser -- balance::`): the stage draws the view model (server
//! rows, request dots, both sides of a comparison in the chart and the panel), a node's
//! menu gives its commands, a dot can be dropped, a bad link is explained, and the figures
//! are computed on request.

use super::common::{count, find, render_app, text};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

/// A person's click: a bubbling mouse event, which reaches SVG groups too.
async fn click(element: &Element) {
    super::common::dispatch_click(element, false);
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn a_comparison_draws_both_sides_on_the_same_requests() {
    let root = render_app("?scene=balance&sc=slow-server&seed=1&step=6000").await;
    assert_eq!(count(&root, "g.lb-server"), 4);
    assert_eq!(count(&root, "g.lb-balancer"), 1);
    assert_eq!(count(&root, "g.lb-client"), 1);
    assert_eq!(
        count(&root, "g.lb-server.state-slow"),
        1,
        "server 4 is slow"
    );
    assert_eq!(
        count(&root, ".lb-partner-queue"),
        4,
        "the second side's queues"
    );
    // `.lb-side` is a drawn side; the key's dashed stretch is only styled like side b.
    assert_eq!(count(&root, ".lb-side.lb-side-a .lb-line-p99"), 1);
    assert_eq!(count(&root, ".lb-side.lb-side-b .lb-line-p99"), 1);
    assert_eq!(
        count(&root, ".lb-chart-key .lb-side-b .lb-line"),
        3,
        "the key's dashed stretches"
    );
    assert!(!find(&root, ".lb-side.lb-side-b .lb-line-p99")
        .get_attribute("d")
        .unwrap()
        .is_empty());
    let head = text(&root, "#lb-numbers thead");
    assert!(
        head.contains("round robin") && head.contains("two choices"),
        "{head}"
    );
    assert!(find(&root, "#lb-same-arrivals").class_name().contains("ok"));
    let title = text(&root, ".lb-title");
    assert!(
        title.contains("round robin") && title.contains("two choices"),
        "{title}"
    );
}

#[wasm_bindgen_test]
async fn a_server_menu_slows_it_down() {
    let root = render_app("?scene=balance&seed=2&step=500").await;
    let server = find(&root, "g.lb-server[data-node=\"4\"]");
    click(&server).await;
    let menu = find(&root, ".node-menu");
    let slow = (0..menu.children().length())
        .filter_map(|i| menu.children().item(i))
        .find(|b| b.text_content().unwrap_or_default().contains("Slow down"))
        .expect("a slow-down command");
    click(&slow).await;
    TimeoutFuture::new(50).await;
    yew::scheduler::flush().await;
    assert_eq!(
        count(&root, "g.lb-server.state-slow"),
        1,
        "the server is drawn slow"
    );
}

#[wasm_bindgen_test]
async fn clicking_a_request_dot_drops_its_message() {
    // With 20 ms hops, requests are on the wires most of the time.
    let root = render_app("?scene=balance&seed=3&lat=20-20&step=400").await;
    let dots = count(&root, "circle.lb-dot");
    assert!(dots > 0, "requests on the wires are drawn");
    let dot = find(&root, "circle.lb-dot");
    let msg = dot.get_attribute("data-msg").unwrap();
    click(&dot).await;
    let selector = format!("circle.lb-dot[data-msg=\"{msg}\"]");
    assert_eq!(count(&root, &selector), 0, "message {msg} was dropped");
}

#[wasm_bindgen_test]
async fn a_bad_link_is_explained_and_the_scene_still_draws() {
    let root = render_app("?scene=balance&servers=99&strategy=fastest&rate=5000&dur=600").await;
    let problems = text(&root, ".problems");
    assert!(problems.contains("Servers"), "{problems}");
    assert!(problems.contains("Strategy"), "{problems}");
    assert!(problems.contains("500000"), "{problems}");
    assert_eq!(count(&root, "g.lb-server"), 4);
}

#[wasm_bindgen_test]
async fn the_p99_figure_is_computed_on_request() {
    let root = render_app("?scene=balance&seed=1").await;
    assert_eq!(count(&root, "#lb-p99-figure"), 0);
    click(&find(&root, "#lb-compute-p99")).await;
    for _ in 0..600 {
        TimeoutFuture::new(100).await;
        if count(&root, "#lb-p99-figure") == 1 {
            break;
        }
    }
    assert_eq!(
        count(&root, "#lb-p99-figure tbody tr"),
        8,
        "one row per strategy"
    );
    let table = text(&root, "#lb-p99-figure");
    assert!(
        table.contains("1.00×"),
        "round robin against itself: {table}"
    );
}

#[wasm_bindgen_test]
async fn sixteen_servers_get_short_names_alternating_and_keep_their_full_name_in_a_tooltip() {
    let root = render_app("?scene=balance&servers=16&lb=8&seed=1&step=400").await;
    assert_eq!(count(&root, "g.lb-server"), 16);
    let names = root.query_selector_all("g.lb-server .lb-name").unwrap();
    assert_eq!(names.length(), 16);
    let x = |i: u32| {
        let e: Element = names.item(i).unwrap().dyn_into().unwrap();
        (e.text_content().unwrap(), e.get_attribute("x").unwrap())
    };
    let all: Vec<_> = (0..16).map(x).collect();
    assert_eq!(
        x(0).0,
        "#1",
        "{all:?} {}",
        find(&root, ".lb-svg").get_attribute("viewBox").unwrap()
    );
    assert_eq!(x(15).0, "#16");
    assert_ne!(x(0).1, x(1).1, "neighbours start at different places");
    assert_eq!(x(0).1, x(2).1);
    // The numbers a dense row leaves out are in its tooltip.
    assert_eq!(count(&root, "g.lb-server .lb-count"), 0);
    let tip = text(&root, "g.lb-server[data-node=\"20\"] > title");
    assert!(
        tip.contains("server 12") && tip.contains("waiting"),
        "{tip}"
    );
    // Four servers keep their full names and numbers.
    let few = render_app("?scene=balance&seed=1&step=400").await;
    assert_eq!(text(&few, "g.lb-server .lb-name"), "server 1");
    assert_eq!(count(&few, "g.lb-server .lb-count"), 4);
}
