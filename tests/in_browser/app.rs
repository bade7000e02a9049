//! Component tests in headless Chromium (`cargo test --target wasm32-unknown-unknown --test in_browser -- app::`, driven by wasm-bindgen-test-runner and chromedriver; see .ci/test).

use super::common::{
    count, dispatch_click, fresh_root, render_app, render_diagram, settle, text, trace_row,
};
use dsviz::scene::SceneId;
use dsviz::sim::run::{InvariantView, RowKind};
use dsviz::sim::{Line, Time, Violation};
use dsviz::ui::controls::{Controls, ControlsProps};
use dsviz::ui::invariants::{InvariantPanel, InvariantProps};
use dsviz::ui::model::Msg;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::Callback;

fn click(root: &Element, selector: &str) {
    click_with(root, selector, false)
}

/// A click with Shift held: on the step button, exactly one step (a plain click goes to the
/// next visible change).
fn shift_click(root: &Element, selector: &str) {
    click_with(root, selector, true)
}

fn click_with(root: &Element, selector: &str, shift: bool) {
    dispatch_click(&super::common::find(root, selector), shift);
}

/// Records the messages a component sends up.
fn recorder() -> (Callback<Msg>, Rc<RefCell<Vec<String>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let cb = Callback::from(move |msg: Msg| {
        let name = match msg {
            Msg::StepForward => "step-forward".to_string(),
            Msg::StepBack => "step-back".to_string(),
            Msg::TogglePlay => "toggle-play".to_string(),
            Msg::Seek(step) => format!("seek {step}"),
            Msg::NewSeed => "new-seed".to_string(),
            _ => "other".to_string(),
        };
        sink.borrow_mut().push(name);
    });
    (cb, seen)
}

fn controls_props(on_msg: Callback<Msg>, cursor: u64) -> ControlsProps {
    ControlsProps {
        cursor,
        horizon: 40,
        finished: true,
        playing: false,
        speed: 2,
        seed: 7,
        time: Time(12_500),
        compact: false,
        on_msg,
    }
}

#[wasm_bindgen_test]
async fn controls_send_the_right_messages_and_label_everything() {
    let root = fresh_root();
    let (on_msg, seen) = recorder();
    yew::Renderer::<Controls>::with_root_and_props(root.clone(), controls_props(on_msg, 5))
        .render();
    yew::scheduler::flush().await;

    click(&root, "#step-forward");
    click(&root, "#play");
    click(&root, "#step-back");
    click(&root, "#new-seed");
    assert_eq!(
        *seen.borrow(),
        ["step-forward", "toggle-play", "step-back", "new-seed"]
    );
    assert_eq!(text(&root, "#step-status"), "step 5 / 40 · 12.5 ms");

    // Every button, input and select has an accessible name.
    let controls = root.query_selector_all("button, input, select").unwrap();
    assert!(controls.length() >= 7);
    for i in 0..controls.length() {
        let el: Element = controls.item(i).unwrap().dyn_into().unwrap();
        let label = el.get_attribute("aria-label").unwrap_or_default();
        assert!(
            !label.is_empty(),
            "control {} has no aria-label",
            el.outer_html()
        );
    }
}

#[wasm_bindgen_test]
async fn controls_disable_stepping_past_either_end() {
    let root = fresh_root();
    let (on_msg, _) = recorder();
    let mut props = controls_props(on_msg, 0);
    props.cursor = 0;
    yew::Renderer::<Controls>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("#step-back:disabled")
        .unwrap()
        .is_some());
    assert!(root
        .query_selector("#step-forward:disabled")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn diagram_draws_arrows_drops_and_crashes_and_jumps_on_click() {
    let (on_msg, seen) = recorder();
    let rows = vec![
        trace_row(1, 0, RowKind::Send, 0, Some(1), Some(1)),
        trace_row(1, 0, RowKind::Send, 0, Some(2), Some(2)),
        trace_row(2, 10, RowKind::Deliver, 1, Some(0), Some(1)),
        trace_row(3, 12, RowKind::Drop, 2, Some(0), Some(2)),
        trace_row(4, 20, RowKind::Crash, 0, None, None),
        trace_row(5, 25, RowKind::Send, 1, Some(2), Some(3)),
    ];
    let root = render_diagram(rows, on_msg).await;

    assert_eq!(count(&root, ".diagram-svg .lane"), 3, "one lane per node");
    assert_eq!(
        count(&root, ".diagram-svg line.msg"),
        3,
        "one arrow per message"
    );
    assert_eq!(count(&root, ".diagram-svg line.msg.delivered"), 1);
    assert_eq!(
        count(&root, ".diagram-svg line.msg.drop"),
        1,
        "the dropped message is marked"
    );
    assert_eq!(
        count(&root, ".diagram-svg line.msg.flying"),
        1,
        "the message still in flight"
    );
    assert_eq!(count(&root, ".diagram-svg path.crash"), 1);
    assert_eq!(
        count(&root, ".diagram-svg .mark.current"),
        1,
        "the cursor's step is highlighted"
    );
    assert!(root.query_selector("#export-svg").unwrap().is_some());

    click(&root, ".diagram-svg .mark path.crash");
    assert_eq!(*seen.borrow(), ["seek 4"]);
}

#[wasm_bindgen_test]
async fn invariant_panel_shows_green_and_red_with_a_jump_button() {
    let root = fresh_root();
    let (on_msg, seen) = recorder();
    let props = InvariantProps {
        invariants: vec![
            InvariantView {
                name: "validity",
                description: "ok",
                violation: None,
            },
            InvariantView {
                name: "atomicity",
                description: "no mixed outcomes",
                violation: Some(Violation {
                    step: 17,
                    time: Time::from_millis(40),
                    message: Line::value("P1 committed, P2 aborted"),
                }),
            },
        ],
        compact: false,
        tight: false,
        on_msg,
    };
    yew::Renderer::<InvariantPanel>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".invariant.ok"), 1);
    assert_eq!(count(&root, ".invariant.violated"), 1);
    let detail = text(&root, ".violation-detail");
    assert!(detail.contains("step 17"), "{detail}");
    assert!(detail.contains("P1 committed, P2 aborted"), "{detail}");
    click(&root, ".violation-detail button");
    assert_eq!(*seen.borrow(), ["seek 17"]);
}

/// Steps forward, one click at a time, to the last step the scrubber offers.
async fn step_to_the_end(root: &Element) {
    let scrubber: web_sys::HtmlInputElement = root
        .query_selector("#scrubber")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let last: u64 = scrubber.max().parse().unwrap();
    for _ in 0..last {
        click(root, "#step-forward");
    }
    yew::scheduler::flush().await;
}

fn node_classes(root: &Element, id: u32) -> String {
    root.query_selector(&format!("g.node[data-node=\"{id}\"]"))
        .unwrap()
        .map(|n| n.get_attribute("class").unwrap_or_default())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn two_phase_commit_view_steps_and_crashes_the_coordinator() {
    let root = render_app("?scene=2pc&seed=7&n=3").await;
    assert_eq!(
        count(&root, "g.node"),
        4,
        "coordinator and three participants"
    );
    assert_eq!(count(&root, ".node-card"), 4);
    assert_eq!(count(&root, ".invariant.ok"), 2);

    for _ in 0..6 {
        shift_click(&root, "#step-forward");
        yew::scheduler::flush().await;
    }
    assert!(
        text(&root, "#step-status").starts_with("step 6 "),
        "{}",
        text(&root, "#step-status")
    );
    click(&root, "#step-back");
    yew::scheduler::flush().await;
    assert!(text(&root, "#step-status").starts_with("step 5 "));

    // Crash the coordinator from its menu.
    click(&root, "g.node[data-node=\"0\"]");
    yew::scheduler::flush().await;
    let crash = root.query_selector_all(".node-menu .menu-item").unwrap();
    let crash: HtmlElement = (0..crash.length())
        .map(|i| crash.item(i).unwrap().dyn_into::<HtmlElement>().unwrap())
        .find(|b| b.text_content().unwrap_or_default() == "Crash")
        .expect("a Crash item");
    crash.click();
    yew::scheduler::flush().await;
    assert!(
        node_classes(&root, 0).contains("crashed"),
        "{}",
        node_classes(&root, 0)
    );
    assert!(
        text(&root, "#step-status").starts_with("step 6 "),
        "the crash is step 6"
    );

    // The log survives the crash and is shown.
    let card = text(&root, ".node-card[data-node=\"0\"]");
    assert!(card.contains("log"), "coordinator card: {card}");
}

#[wasm_bindgen_test]
async fn broken_variant_turns_atomicity_red_at_its_step() {
    let root = render_app("?scene=2pc&seed=7&sc=forget-vote").await;
    click(&root, "#scenario-forget-vote");
    yew::scheduler::flush().await;
    step_to_the_end(&root).await;
    assert_eq!(
        count(&root, ".invariant.violated[data-invariant=\"atomicity\"]"),
        1
    );
    let detail = text(&root, ".violation-detail");
    assert!(detail.contains("violated at step"), "{detail}");
    click(&root, ".violation-detail button");
    yew::scheduler::flush().await;
    let step: u64 = detail
        .split("step ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(text(&root, "#step-status").starts_with(&format!("step {step} /")));
}

#[wasm_bindgen_test]
async fn bad_link_shows_messages_and_falls_back_to_defaults() {
    let root =
        render_app("?scene=paxos9&seed=-4&n=99&votes=zz&a=garbage,3@x:crash:0&step=1e9").await;
    let problems = text(&root, ".problems");
    assert!(problems.contains("Unknown scene"), "{problems}");
    assert!(problems.contains("seed"), "{problems}");
    assert!(
        problems.contains("The number of nodes must be"),
        "{problems}"
    );
    assert!(problems.contains("garbage"), "{problems}");
    assert_eq!(
        count(&root, ".ring-figure"),
        1,
        "the first scene (the ring) runs anyway"
    );
    assert_eq!(SceneId::default().slug(), "ring");
}

#[wasm_bindgen_test]
fn mount_rejects_a_bad_config_with_a_clear_message() {
    let root = fresh_root();
    let config = js_sys::JSON::parse(r#"{"scene":"raft2"}"#).unwrap();
    let err = dsviz::ui::mount(root.clone(), config).unwrap_err();
    let message = err.as_string().unwrap();
    assert!(message.contains("unknown scene \"raft2\""), "{message}");
    let shown = root
        .shadow_root()
        .and_then(|s| s.text_content())
        .unwrap_or_default();
    assert!(
        shown.contains("unknown scene"),
        "shown in the element: {shown}"
    );

    let root = fresh_root();
    let config = js_sys::JSON::parse(r#"{"scene":"2pc","seed":1.5}"#).unwrap();
    assert!(dsviz::ui::mount(root, config)
        .unwrap_err()
        .as_string()
        .unwrap()
        .contains("seed"));

    // A misspelt option, an option of the wrong type, a parameter that is neither text,
    // number nor flag, and a config that is not an object: each named, none a panic.
    let rejected = |json: &str| {
        let config = js_sys::JSON::parse(json).unwrap();
        let err = dsviz::ui::mount(fresh_root(), config).unwrap_err();
        err.as_string().unwrap()
    };
    for (config, expected) in [
        (
            r#"{"scene":"2pc","sede":1}"#,
            "unknown option \"sede\"; options: scene, seed, params",
        ),
        (r#"{"scene":5}"#, "scene must be text, not a number"),
        (
            r#"{"scene":"2pc","autoplay":"yes"}"#,
            "autoplay must be true or false, not text",
        ),
        (
            r#"{"scene":"2pc","actions":"crash"}"#,
            "actions must be an array of texts",
        ),
        (
            r#"{"scene":"2pc","params":{"n":[4]}}"#,
            "params.n must be text, a number or true or false, not an array",
        ),
        (r#"[1,2]"#, "the config must be an object, not an array"),
    ] {
        let message = rejected(config);
        assert!(message.contains(expected), "{config}: {message}");
    }
    // Null options are the defaults; parameters of every kind read as a link writes them.
    let config = js_sys::JSON::parse(r#"{"scene":"2pc","seed":null,"params":{"n":4}}"#).unwrap();
    assert!(dsviz::ui::mount(fresh_root(), config).is_ok());
}

#[wasm_bindgen_test]
async fn mount_renders_a_scene_from_a_config_object() {
    let root = fresh_root();
    let config = js_sys::JSON::parse(r#"{"scene":"2pc","seed":3,"params":{"n":5}}"#).unwrap();
    dsviz::ui::mount(root.clone(), config).unwrap();
    yew::scheduler::flush().await;
    settle().await;
    // The scene lives in the element's shadow root, with its own stylesheet.
    let shadow = root.shadow_root().expect("mounted in a shadow root");
    let inside = |selector: &str| shadow.query_selector_all(selector).unwrap().length();
    assert_eq!(inside(".dsviz.embed"), 1);
    assert_eq!(inside("g.node"), 6);
    assert_eq!(inside("style"), 1);
    assert_eq!(
        count(&root, "g.node"),
        0,
        "nothing in the host page's own tree"
    );
}

#[wasm_bindgen_test]
async fn locks_panel_shows_the_holder_the_storage_log_and_the_rejected_stale_write() {
    let root = render_app("?scene=locks&seed=1").await;
    click(&root, "#scenario-gc-pause");
    yew::scheduler::flush().await;
    step_to_the_end(&root).await;
    assert!(
        count(&root, "#storage-log tr.accepted") > 0,
        "accepted writes are listed"
    );
    assert!(
        count(&root, "#storage-log tr.rejected") > 0,
        "the paused client's late write is rejected"
    );
    assert!(text(&root, "#storage-log").contains("rejected (storage has seen"));
    assert_eq!(
        count(&root, ".invariant.ok[data-invariant=\"no stale writes\"]"),
        1
    );
    assert_eq!(
        count(
            &root,
            ".invariant.violated[data-invariant=\"single holder\"]"
        ),
        1
    );
    assert!(text(&root, "#lock-stats").contains("acquisitions"));
}

#[wasm_bindgen_test]
async fn locks_bad_parameters_are_explained() {
    let root = render_app("?scene=locks&clients=0&ttl=0&kind=mutex").await;
    let problems = text(&root, ".problems");
    assert!(problems.contains("Clients must be"), "{problems}");
    assert!(problems.contains("TTL"), "{problems}");
    assert!(problems.contains("Lock must be one of"), "{problems}");
    assert!(count(&root, "g.node") >= 3, "the default lock scene runs");
}
