//! The Paxos stage's messages keep clear of what a node shows: its circle and the two
//! lines of text under it ("accept 1.0 red"), which the messages a top node sends down
//! would otherwise cover as they leave (a reviewer found "accept 1.1" hidden under four
//! 2a badges at the moment a proposer sends them).
#![cfg(not(target_arch = "wasm32"))]

use dsviz::ui::paxos::geometry::{
    flight_position, line_centre, line_width, spread_flights, text_box, NetFrame, Rect, CHAR_W,
    DOT_R, NODE_R,
};

/// The page's drawing and a narrow embed's: every rule holds in both.
const FRAMES: [NetFrame; 2] = [NetFrame::FULL, NetFrame::NARROW];

/// The two text lines under node `i`, as the stage lays them out, at their longest
/// ordinary width ("2 of 3 promises": 15 characters).
fn lines_under(frame: &NetFrame, i: u32, n: u32) -> [Rect; 2] {
    let (x, y) = frame.node_position(i, n);
    let chars = 15;
    let first = y + NODE_R + 13.0;
    let left = x - chars as f64 * CHAR_W / 2.0;
    [
        text_box(left, first, chars),
        text_box(left, first + 13.0, chars),
    ]
}

#[test]
fn messages_never_cover_the_text_under_their_sender_or_receiver() {
    for (frame, n) in FRAMES.iter().flat_map(|f| (3..=5).map(move |n| (f, n))) {
        for from in 0..n {
            for to in 0..n {
                for k in 0..=20 {
                    let (x, y) = flight_position(frame, from, to, n, f64::from(k) / 20.0);
                    let dot = Rect::around(x, y, DOT_R);
                    for end in [from, to] {
                        for line in lines_under(frame, end, n) {
                            assert!(
                                !dot.overlaps(&line),
                                "{frame:?} n={n} {from}->{to} at {k}/20: the dot at ({x:.0}, {y:.0}) covers n{end}'s text"
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
    for (frame, n) in FRAMES.iter().flat_map(|f| (3..=7).map(move |n| (f, n))) {
        for i in 0..n {
            let (x, y) = frame.node_position(i, n);
            for k in 0..=20 {
                let (dx, dy) = flight_position(frame, i, i, n, f64::from(k) / 20.0);
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

/// Whether two dots' boxes leave each other's letters readable.
fn apart(a: (f64, f64), b: (f64, f64)) -> bool {
    !Rect::around(a.0, a.1, DOT_R).overlaps(&Rect::around(b.0, b.1, DOT_R))
}

/// Whether `p` lies on the straight way from node `from` to node `to`.
fn on_way(frame: &NetFrame, p: (f64, f64), from: u32, to: u32, n: u32) -> bool {
    let ((x1, y1), (x2, y2)) = (frame.node_position(from, n), frame.node_position(to, n));
    let cross = (x2 - x1) * (p.1 - y1) - (y2 - y1) * (p.0 - x1);
    let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt();
    (cross / len).abs() < 0.01
}

#[test]
fn crossing_and_crowded_messages_slide_apart_along_their_own_lines() {
    // The reviewer's embeds: a prepare and its promise crossing on one line ("1b" over
    // "1a", tour stop 7), and a proposer's accepts and the acceptors' accepted leaving and
    // reaching nodes together ("2a" under "2b", stop 9).
    let n = 5;
    let cases: Vec<Vec<(u32, u32, f64)>> = vec![
        vec![(2, 1, 0.5), (1, 2, 0.5)],
        vec![
            (0, 1, 0.9),
            (0, 2, 0.9),
            (3, 1, 0.88),
            (4, 1, 0.9),
            (1, 0, 0.1),
            (2, 1, 0.85),
        ],
        vec![(1, 3, 0.4), (1, 3, 0.41), (1, 3, 0.42), (3, 1, 0.6)],
    ];
    for (frame, flights) in FRAMES
        .iter()
        .flat_map(|f| cases.iter().map(move |c| (f, c)))
    {
        let spots = spread_flights(frame, flights, n);
        assert_eq!(spots.len(), flights.len());
        for (i, (&(from, to, _), &p)) in flights.iter().zip(&spots).enumerate() {
            assert!(
                on_way(frame, p, from, to, n),
                "{flights:?}: message {i} left its line"
            );
            for (j, &q) in spots[..i].iter().enumerate() {
                assert!(
                    apart(p, q),
                    "{flights:?}: messages {j} and {i} cover each other at {q:?} and {p:?}"
                );
            }
        }
    }
}

#[test]
fn a_message_with_room_stays_where_its_progress_puts_it() {
    let flights = [(0, 2, 0.3), (3, 4, 0.7), (1, 1, 0.5)];
    for frame in &FRAMES {
        let spots = spread_flights(frame, &flights, 5);
        for (&(from, to, t), spot) in flights.iter().zip(spots) {
            assert_eq!(spot, flight_position(frame, from, to, 5, t));
        }
    }
}

/// A line under a node can be longer than the node is wide (a proposer's promises in words,
/// "2 of 3 promises", in Chinese): under a node at the drawing's side it moves in just
/// enough to stay whole, and under every other node it stays centred, for every node of 3
/// to 9.
#[test]
fn a_long_line_under_a_node_stays_inside_the_drawing_and_as_near_its_node_as_it_can() {
    let lines = [
        "2 of 3 promises",
        "prepare 12.4: 4 of 5 promises",
        "2 个承诺，需 3 个",
        "准备 1.1：2 个承诺（需 3 个）",
        "accept 1.0",
    ];
    let (mut moved, mut centred) = (0, 0);
    for (frame, n) in FRAMES.iter().flat_map(|f| (3..=9).map(move |n| (f, n))) {
        let width = frame.width;
        for i in 0..n {
            let (x, _) = frame.node_position(i, n);
            for text in lines {
                let w = line_width(text);
                let c = line_centre(width, x, text);
                assert!(
                    c - w / 2.0 >= 0.0 && c + w / 2.0 <= width,
                    "{n} nodes, node {i}: '{text}' from {} to {}",
                    c - w / 2.0,
                    c + w / 2.0
                );
                // Under its node still: the line covers the node's centre.
                assert!(
                    (c - x).abs() < w / 2.0,
                    "{n} nodes, node {i}: '{text}' left its node"
                );
                if x - w / 2.0 >= 2.0 && x + w / 2.0 <= width - 2.0 {
                    assert_eq!(c, x, "{n} nodes, node {i}: '{text}' has room: centred");
                    centred += 1;
                } else {
                    moved += 1;
                }
            }
        }
    }
    assert!(moved > 0 && centred > 0, "{moved} moved, {centred} centred");
    // A Chinese character is drawn about a whole font size wide, a Latin one about 0.6.
    assert!(line_width("准备") > line_width("ab") * 1.5);
}
