//! The Paxos stage's messages keep clear of what a node shows: its circle and the two
//! lines of text under it ("accept 1.0 red"), which the messages a top node sends down
//! would otherwise cover as they leave (a reviewer found "accept 1.1" hidden under four
//! 2a badges at the moment a proposer sends them).
#![cfg(not(target_arch = "wasm32"))]

use dsviz::ui::paxos::geometry::{
    flight_position, node_position, text_box, Rect, CHAR_W, DOT_R, NODE_R,
};

/// The two text lines under node `i`, as the stage lays them out, at their longest
/// ordinary width ("accept 1.0 red": 14 characters).
fn lines_under(i: u32, n: u32) -> [Rect; 2] {
    let (x, y) = node_position(i, n);
    let chars = 14;
    let first = y + NODE_R + 13.0;
    let left = x - chars as f64 * CHAR_W / 2.0;
    [
        text_box(left, first, chars),
        text_box(left, first + 13.0, chars),
    ]
}

#[test]
fn messages_never_cover_the_text_under_their_sender_or_receiver() {
    for n in 3..=5 {
        for from in 0..n {
            for to in 0..n {
                for k in 0..=20 {
                    let (x, y) = flight_position(from, to, n, f64::from(k) / 20.0);
                    let dot = Rect::around(x, y, DOT_R);
                    for end in [from, to] {
                        for line in lines_under(end, n) {
                            assert!(
                                !dot.overlaps(&line),
                                "n={n} {from}->{to} at {k}/20: the dot at ({x:.0}, {y:.0}) covers n{end}'s text"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_message_to_itself_circles_beside_its_node() {
    for n in 3..=7 {
        for i in 0..n {
            let (x, y) = node_position(i, n);
            for k in 0..=20 {
                let (dx, dy) = flight_position(i, i, n, f64::from(k) / 20.0);
                let d = ((dx - x).powi(2) + (dy - y).powi(2)).sqrt();
                assert!(
                    d >= NODE_R + DOT_R,
                    "n={n} node {i} at {k}/20: {d:.1} from its centre"
                );
                assert!((dy - y).abs() <= 10.5, "level with its node");
            }
        }
    }
}
