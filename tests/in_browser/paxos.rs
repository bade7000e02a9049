//! The Paxos scene in headless Chromium (`cargo test --target wasm32-unknown-unknown --test in_browser -- paxos::`): the acceptor table and the chosen badge follow the run, messages are
//! told apart by kind and dropped by a click, the challenge's menu stops offering Crash once
//! the budget is spent, a broken variant turns the safety badge red, Multi-Paxos shows logs.

use super::common::{all_text, click, count, render_app, text};
use wasm_bindgen_test::*;
use web_sys::Element;

async fn click_menu_item(root: &Element, label_start: &str) {
    let list = root.query_selector_all(".node-menu .menu-item").unwrap();
    let item = (0..list.length())
        .filter_map(|i| list.item(i))
        .find(|n| {
            n.text_content()
                .unwrap_or_default()
                .starts_with(label_start)
        })
        .unwrap_or_else(|| panic!("no menu item \"{label_start}\""));
    let el: web_sys::HtmlElement = wasm_bindgen::JsCast::dyn_into(item).unwrap();
    el.click();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_table_and_the_chosen_badge_show_red_chosen_and_n1_adopting_it() {
    // crash-majority at step 42: red chosen by n0, n3 and n4; n0 crashed; n1 runs 1.1.
    let root = render_app("?scene=paxos&sc=crash-majority&step=42").await;
    assert_eq!(count(&root, "#px-acceptors tbody tr"), 5);
    let n3 = text(&root, "#px-acceptors tr[data-node=\"3\"] .px-accepted");
    assert!(n3.contains("red") && n3.contains("1.0"), "{n3}");
    assert!(
        root.query_selector("#px-acceptors tr[data-node=\"0\"].crashed")
            .unwrap()
            .is_some(),
        "n0 is crashed"
    );
    let chosen = text(&root, "#px-chosen");
    assert!(chosen.contains("red") && chosen.contains("1.0"), "{chosen}");
    assert_eq!(text(&root, "#px-safety"), "safety holds");
    // The timeline marks n1's ballot as adopting a reported value.
    let bars = all_text(&root, "#px-timeline .px-bar-label");
    assert!(bars.iter().any(|b| b == "1.1 red ←"), "{bars:?}");
}

#[wasm_bindgen_test]
async fn messages_show_their_kind_and_a_click_drops_one() {
    let root = render_app("?scene=paxos&sc=happy&step=6").await;
    let prepares = count(&root, "g.px-msg[data-kind=\"1a\"]");
    assert!(prepares >= 4, "{prepares} prepares in flight");
    let id = root
        .query_selector("g.px-msg[data-kind=\"1a\"]")
        .unwrap()
        .and_then(|g| g.get_attribute("data-msg"))
        .expect("a message id");
    click(&root, &format!("g.px-msg[data-msg=\"{id}\"]")).await;
    assert_eq!(count(&root, &format!("g.px-msg[data-msg=\"{id}\"]")), 0);
    assert_eq!(count(&root, "g.px-msg[data-kind=\"1a\"]"), prepares - 1);
}

#[wasm_bindgen_test]
async fn the_challenge_menu_stops_offering_crash_when_the_budget_is_spent() {
    let root = render_app("?scene=paxos&challenge=1&props=none").await;
    assert_eq!(text(&root, "#px-budget"), "crashes left: 2 of 2");
    click(&root, "g.px-node[data-node=\"3\"]").await;
    click_menu_item(&root, "Crash (2 of 2 crashes left)").await;
    click(&root, "g.px-node[data-node=\"4\"]").await;
    click_menu_item(&root, "Crash (1 of 2 crashes left)").await;
    assert_eq!(text(&root, "#px-budget"), "crashes left: 0 of 2");
    click(&root, "g.px-node[data-node=\"0\"]").await;
    let items = all_text(&root, ".node-menu .menu-item");
    assert!(items.iter().any(|i| i == "Propose red"), "{items:?}");
    assert!(!items.iter().any(|i| i.starts_with("Crash")), "{items:?}");
    // Outside the challenge, the shell's menu offers Crash as usual.
    let plain = render_app("?scene=paxos").await;
    click(&plain, "g.px-node[data-node=\"3\"]").await;
    assert!(all_text(&plain, ".node-menu .menu-item")
        .iter()
        .any(|i| i == "Crash"));
}

#[wasm_bindgen_test]
async fn a_broken_variant_turns_the_safety_badge_red_with_both_values() {
    let root = render_app("?scene=paxos&sc=keep-own-value&step=72").await;
    let badge = root.query_selector("#px-safety").unwrap().expect("a badge");
    assert!(badge.class_name().contains("px-broken"));
    let text = badge.text_content().unwrap_or_default();
    assert!(text.contains("red") && text.contains("green"), "{text}");
}

#[wasm_bindgen_test]
async fn multi_paxos_shows_the_chosen_log_and_each_learners_log() {
    let root = render_app("?scene=paxos&sc=multi&step=192").await;
    let chosen = all_text(&root, "#px-logs .px-chosen-row td.px-chosen");
    assert!(chosen.len() >= 3, "{chosen:?}");
    assert_eq!(chosen[0], "x=1");
    assert_eq!(
        count(&root, "#px-logs tbody tr"),
        6,
        "the chosen row and five learners"
    );
    assert!(text(&root, "#px-chosen").contains('3'));
}

#[wasm_bindgen_test]
async fn unsafe_quorums_are_flagged_beside_the_rule() {
    let root = render_app("?scene=paxos&q1=2&q2=3").await;
    let rule = root
        .query_selector("#px-rule")
        .unwrap()
        .expect("the rule badge");
    assert!(rule.class_name().contains("px-unsafe"));
    assert!(text(&root, "#px-rule-text").starts_with("Unsafe setting: 2 + 3"));
}

#[wasm_bindgen_test]
async fn the_message_tool_holds_a_message_back_instead_of_dropping_it() {
    let root = render_app("?scene=paxos&sc=happy&step=6").await;
    let prepares = count(&root, "g.px-msg[data-kind=\"1a\"]");
    let id = root
        .query_selector("g.px-msg[data-kind=\"1a\"]")
        .unwrap()
        .and_then(|g| g.get_attribute("data-msg"))
        .expect("a message id");
    click(&root, "button.px-tool[data-tool=\"delay-300\"]").await;
    let pressed = root
        .query_selector("button.px-tool[data-tool=\"delay-300\"]")
        .unwrap()
        .and_then(|b| b.get_attribute("aria-pressed"));
    assert_eq!(pressed.as_deref(), Some("true"));
    let msg = format!("g.px-msg[data-msg=\"{id}\"]");
    click(&root, &msg).await;
    // Still in flight, ringed and labelled with the delay.
    assert_eq!(count(&root, "g.px-msg[data-kind=\"1a\"]"), prepares);
    assert_eq!(count(&root, &format!("{msg}.px-held .px-held-ring")), 1);
    let title = text(&root, &format!("{msg} title"));
    assert!(title.contains("Held back 300 ms in all"), "{title}");
}
