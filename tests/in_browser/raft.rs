//! The Raft scene in headless Chromium (`cargo test --target wasm32-unknown-unknown --test in_browser -- raft::`): the stage draws the view model (roles, terms, timers, logs, messages),
//! a click drops a message, RaftScope's keys act, the node menu offers the scene's
//! commands, and the panel shows the stores and the history's verdict; the snapshot hatch,
//! a candidate's vote dots and the space-time diagram's lanes are drawn where they should
//! be; and "Why randomized timeouts" measures 1,000 seeds per range in slices, the page
//! answering between them, until the chart is complete.

use super::common::{all_text, click, count, find, render_app, text};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::*;
use web_sys::Element;

fn attr(root: &Element, selector: &str, name: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .get_attribute(name)
        .unwrap_or_default()
}

/// Presses a key on the page, as a person does with nothing focused.
async fn press_key(key: &str) {
    js_sys::eval(&format!(
        "document.body.dispatchEvent(new KeyboardEvent('keydown', {{ key: '{key}', bubbles: true }}))"
    ))
    .unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn figure_7_draws_seven_servers_their_logs_and_the_leaders_indexes() {
    let root = render_app("?scene=raft&sc=figure-7&seed=1&step=400").await;
    assert_eq!(count(&root, "g.raft-server"), 7);
    assert_eq!(count(&root, "g.raft-server.role-leader"), 1);
    assert_eq!(count(&root, "g.log-row"), 7);
    assert_eq!(count(&root, "g.log-row.lead"), 1);
    // Every log matches the leader's by now: the whole logs are shown, entries 1 to 11,
    // all committed, and the last columns are free indexes.
    assert_eq!(count(&root, "g.log-row g.cell.committed"), 77);
    assert_eq!(count(&root, "g.log-row g.cell.uncommitted"), 0);
    // The leader knows every follower's matchIndex and nextIndex.
    assert_eq!(count(&root, "path.next-mark"), 6);
    assert_eq!(count(&root, "rect.match-bar"), 6);
    assert_eq!(attr(&root, "g.log-row.lead", "data-commit"), "11");
    // Followers show a shrinking timer; the leader has none.
    assert!(count(&root, "g.raft-server.role-follower path.timer-arc[d^='M']") >= 1);
    assert_eq!(
        attr(&root, "g.raft-server.role-leader path.timer-arc", "d"),
        ""
    );
    assert!(text(&root, "g.raft-server.role-leader text.term").starts_with("t8"));
}

#[wasm_bindgen_test]
async fn a_click_drops_a_message_in_flight() {
    let root = render_app("?scene=raft&sc=first-election&seed=1&step=60").await;
    let before = count(&root, "g.raft-msg");
    assert!(before > 0, "heartbeats are in flight");
    let id = attr(&root, "g.raft-msg", "data-msg");
    click(&root, &format!("g.raft-msg[data-msg='{id}']")).await;
    assert_eq!(
        count(&root, &format!("g.raft-msg[data-msg='{id}']")),
        0,
        "message {id} dropped"
    );
}

#[wasm_bindgen_test]
async fn the_keys_send_a_request_and_restart_the_leader() {
    let root = render_app("?scene=raft&sc=first-election&seed=1&step=60").await;
    assert!(text(&root, "#raft-verdict").contains("No operation"));
    press_key("c").await;
    assert_eq!(
        count(&root, ".client-history li.pending"),
        1,
        "the client's write is pending"
    );
    assert_eq!(count(&root, "g.raft-client.waiting"), 1);
    press_key("r").await;
    assert_eq!(
        count(&root, "g.raft-server.role-leader"),
        0,
        "the leader restarted as a follower"
    );
    press_key("a").await;
    press_key("t").await;
    // Typing into a field is left alone.
    assert_eq!(count(&root, ".problems"), 0);
}

#[wasm_bindgen_test]
async fn the_node_menu_offers_the_scenes_commands() {
    let root = render_app("?scene=raft&sc=first-election&seed=1&step=60").await;
    click(&root, "g.raft-server.role-follower").await;
    assert_eq!(count(&root, ".node-menu"), 1);
    let menu = text(&root, ".node-menu");
    assert!(menu.contains("Time out now"), "{menu}");
    assert!(menu.contains("Crash"), "{menu}");
    click(&root, "g.raft-client").await;
    let menu = text(&root, ".node-menu");
    assert!(menu.contains("Write: put x=1"), "{menu}");
}

#[wasm_bindgen_test]
async fn a_split_network_is_named_and_the_stores_are_listed() {
    let root = render_app("?scene=raft&sc=no-quorum&seed=1&step=900").await;
    assert_eq!(count(&root, "g.raft-server"), 9);
    let split = text(&root, "#raft-split");
    assert_eq!(split.matches('{').count(), 3, "{split}");
    assert_eq!(count(&root, ".raft-stores tbody tr"), 9);
}

#[wasm_bindgen_test]
async fn a_stale_read_turns_the_verdict_red() {
    let root = render_app("?scene=raft&sc=stale-read&seed=1&step=300").await;
    let verdict = text(&root, "#raft-verdict");
    assert!(verdict.starts_with("Not linearizable"), "{verdict}");
    assert!(count(&root, "g.log-grid rect.snap") == 0);
}

#[wasm_bindgen_test]
async fn the_snapshot_hatch_is_drawn_after_the_snapshot() {
    // Before any snapshot: no hatch.
    let root = render_app("?scene=raft&sc=snapshot&seed=1&step=20").await;
    assert_eq!(count(&root, "g.log-grid rect.snap"), 0);
    // Later, every server that snapshotted shows hatched cells up to its snapshot index.
    let root = render_app(&format!(
        "?scene=raft&sc=snapshot&seed=1&step={SNAPSHOT_STEP}"
    ))
    .await;
    let rows = root.query_selector_all("g.log-row").unwrap();
    let mut hatched_rows = 0;
    for i in 0..rows.length() {
        let row: Element = wasm_bindgen::JsCast::unchecked_into(rows.item(i).unwrap());
        let snapshot: u64 = row.get_attribute("data-snapshot").unwrap().parse().unwrap();
        let hatch = row.query_selector_all("rect.snap").unwrap().length();
        if snapshot > 0 {
            assert!(hatch > 0, "row {i}: snapshot up to {snapshot} but no hatch");
            hatched_rows += 1;
        } else {
            assert_eq!(hatch, 0, "row {i}: no snapshot, no hatch");
        }
    }
    assert_eq!(
        hatched_rows, 3,
        "every server has a snapshot, n2 by InstallSnapshot"
    );
    // Entries 1 to 8 are in each snapshot: eight hatched cells per row.
    assert_eq!(count(&root, "g.log-grid rect.snap"), 24);
}

/// A step of the `snapshot` scenario (seed 1) just after n2, back from its crash, installed
/// the leader's snapshot up to entry 8 (the native view says so at this step).
const SNAPSHOT_STEP: u64 = 100;

#[wasm_bindgen_test]
async fn a_candidate_in_a_split_vote_shows_its_vote_dots() {
    let root = render_app(&format!(
        "?scene=raft&sc=split-vote&seed=1&step={SPLIT_STEP}"
    ))
    .await;
    let candidates = count(&root, "g.raft-server.role-candidate");
    assert_eq!(candidates, 4, "four candidates for term 1");
    // Each asks the four other servers, a dot per voter, and every answer is in: the other
    // candidates refuse (they voted for themselves), n4 grants one of them only.
    assert_eq!(count(&root, "g.raft-server.role-candidate circle.vote"), 16);
    assert_eq!(
        count(&root, "g.raft-server.role-candidate circle.vote.yes"),
        1
    );
    assert_eq!(
        count(&root, "g.raft-server.role-candidate circle.vote.no"),
        15
    );
    assert_eq!(count(&root, "g.raft-server.role-follower circle.vote"), 0);
}

/// The step of the tour's "A split vote" stop (seed 1): four candidates of term 1, all
/// answered (`tests/raft_tour.rs` checks the same on the view).
const SPLIT_STEP: u64 = 47;

#[wasm_bindgen_test]
async fn the_space_time_diagram_has_a_lane_per_node() {
    let root = render_app("?scene=raft&sc=first-election&seed=1&step=60").await;
    let lanes = all_text(&root, ".diagram text.lane-name");
    assert_eq!(lanes, ["n0", "n1", "n2", "n3", "n4", "c1"]);
    assert_eq!(count(&root, ".diagram line.lane"), 6);
    let root = render_app("?scene=raft&sc=figure-7&seed=1&step=40").await;
    assert_eq!(
        count(&root, ".diagram line.lane"),
        7,
        "seven servers, no client"
    );
}

#[wasm_bindgen_test]
async fn figure_16_measures_1000_seeds_in_slices_and_completes_the_chart() {
    let root = render_app("?scene=raft&sc=first-election&seed=1").await;
    assert_eq!(
        count(&root, ".raft-figure16 path.cdf"),
        0,
        "nothing measured yet"
    );
    click(&root, "#raft-measure").await;
    let mut seen_partial = false;
    let mut waited = 0;
    loop {
        TimeoutFuture::new(200).await;
        yew::scheduler::flush().await;
        waited += 200;
        let progress = find(&root, ".figure16-progress");
        let seeds: u64 = progress
            .get_attribute("data-seeds")
            .unwrap()
            .parse()
            .unwrap();
        if progress.get_attribute("data-done").as_deref() == Some("true") {
            assert_eq!(seeds, 1_000);
            break;
        }
        if seeds > 0 && seeds < 1_000 {
            // Mid-way: the page answers, the chart shows the curves so far.
            seen_partial = true;
            assert_eq!(count(&root, ".raft-figure16 path.cdf"), 6);
            assert!(text(&root, ".figure16-progress").contains("of 1000"));
        }
        assert!(
            waited < 110_000,
            "still measuring after {waited} ms ({seeds} seeds)"
        );
    }
    assert!(seen_partial, "the chart filled in while seeds completed");
    let rows = root.query_selector_all(".cdf-table tbody tr").unwrap();
    assert_eq!(rows.length(), 6);
    for i in 0..rows.length() {
        let row: Element = wasm_bindgen::JsCast::unchecked_into(rows.item(i).unwrap());
        assert_eq!(row.get_attribute("data-runs").as_deref(), Some("1000"));
    }
    assert!(text(&root, "#raft-measure").starts_with("Measure"));
}
