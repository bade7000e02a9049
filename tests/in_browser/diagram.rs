//! The space-time diagram in headless Chromium (`cargo test --target wasm32-unknown-unknown
//! --test in_browser -- diagram::`): what comes after the current step is drawn faint, a
//! message whose delivery is still to come is drawn in flight, the time axis is labelled
//! with the window's range, and the legend names exactly the marks the window shows.

use super::common::{all_text, count, render_app, render_diagram, text, trace_row};
use dsviz::sim::run::RowKind;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::Callback;

/// Steps 1 to 7 between 0 and 50 ms, seen from step 4 (at 20 ms): a message delivered
/// before the cursor, one sent before it and delivered after it, then a crash and a timer
/// that have not happened yet.
async fn window_at_step_4() -> Element {
    let rows = vec![
        trace_row(1, 0, RowKind::Send, 0, Some(1), Some(1)),
        trace_row(2, 10, RowKind::Deliver, 1, Some(0), Some(1)),
        trace_row(3, 12, RowKind::Send, 1, Some(2), Some(2)),
        trace_row(5, 30, RowKind::Deliver, 2, Some(1), Some(2)),
        trace_row(6, 40, RowKind::Crash, 0, None, None),
        trace_row(7, 50, RowKind::Timer, 2, None, None),
    ];
    render_diagram(rows, Callback::noop()).await
}

fn steps_of(root: &Element, selector: &str) -> Vec<u64> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok())
        .filter_map(|e| e.get_attribute("data-step")?.parse().ok())
        .collect()
}

#[wasm_bindgen_test]
async fn events_after_the_current_step_are_faint_and_a_late_delivery_is_in_flight() {
    let root = window_at_step_4().await;
    let future = steps_of(&root, ".mark.future");
    let past = steps_of(&root, ".mark:not(.future)");
    assert_eq!(
        future,
        [6, 7],
        "the crash and the timer, after step 4, are faint"
    );
    assert_eq!(past, [1, 3], "the two sends, at or before step 4, are not");
    assert_eq!(
        count(&root, ".diagram-svg line.msg.delivered"),
        1,
        "the first message has arrived"
    );
    assert_eq!(
        count(&root, ".diagram-svg line.msg.flying"),
        1,
        "the second arrives at step 5: at step 4 it is in flight"
    );
    assert_eq!(
        count(&root, ".future-zone"),
        1,
        "a veil over what is to come"
    );
}

#[wasm_bindgen_test]
async fn the_time_axis_is_labelled_with_the_window_range() {
    let root = window_at_step_4().await;
    let ends = all_text(&root, ".axis-end text");
    assert_eq!(ends, ["0 ms", "50 ms"], "the window runs from 0 to 50 ms");
    let ticks = all_text(&root, ".axis-tick text");
    assert_eq!(ticks, ["0 ms", "12.5 ms", "25 ms", "37.5 ms", "50 ms"]);
    let window = text(&root, "#diagram-window");
    assert!(
        window.contains("1–7") && window.contains("0 ms") && window.contains("50 ms"),
        "the head names the window's steps and times: {window}"
    );
}

#[wasm_bindgen_test]
async fn the_legend_names_the_marks_the_window_shows_and_no_others() {
    let root = window_at_step_4().await;
    let kinds: Vec<String> = {
        let list = root.query_selector_all(".diagram-key").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok())
            .filter_map(|e| e.get_attribute("data-kind"))
            .collect()
    };
    assert_eq!(kinds, ["msg", "flying", "crash", "timer", "future"]);
    assert!(text(&root, ".diagram-key[data-kind=future]").contains("not happened yet"));
}

#[wasm_bindgen_test]
async fn in_the_app_the_diagram_dims_what_follows_the_current_step() {
    let root = render_app("?scene=2pc&sc=coord-crash&step=10").await;
    let future = steps_of(&root, ".diagram .mark.future");
    let past = steps_of(&root, ".diagram .mark:not(.future)");
    assert!(!future.is_empty(), "the run goes on after step 10");
    assert!(
        future.iter().all(|&s| s > 10),
        "faint marks are after step 10: {future:?}"
    );
    assert!(
        !past.is_empty() && past.iter().all(|&s| s <= 10),
        "the others are not: {past:?}"
    );
    assert_eq!(
        count(&root, ".axis-end text"),
        2,
        "the axis has its two ends labelled"
    );
    root.remove();
}

/// A state change is written under its lane with the state's name, taken from the row's
/// typed state (not cut out of its English label, which also names the old state).
#[wasm_bindgen_test]
async fn a_state_change_is_labelled_with_the_state_entered() {
    let rows = vec![
        trace_row(1, 0, RowKind::Send, 0, Some(1), Some(1)),
        trace_row(2, 10, RowKind::State, 1, None, None),
        trace_row(3, 50, RowKind::Timer, 2, None, None),
    ];
    let root = render_diagram(rows, Callback::noop()).await;
    assert_eq!(all_text(&root, ".diagram-svg .state-text"), ["PREPARED"]);
    root.remove();
}
