//! The Raft scene in headless Chromium (`cargo test --target wasm32-unknown-unknown --test in_browser -- raft::`): the stage draws the view model (roles, terms, timers, logs, messages),
//! a click drops a message, RaftScope's keys act, the node menu offers the scene's
//! commands, and the panel shows the stores and the history's verdict.

use super::common::{click, count, render_app, text};
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
    // Every log matches the leader's by now: entries 3 to 11 are shown, all committed, and
    // the last column is the next free index.
    assert_eq!(count(&root, "g.log-row g.cell.committed"), 63);
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
