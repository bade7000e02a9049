//! The generic stage's geometry, natively (`src/ui/topology_geometry.rs` is pure): what a
//! newcomer must be able to read, in the full app's square, an embed's wide frame and a
//! phone's frame, for every cluster size the scenes allow (2 to 9 nodes).
//!
//! - nodes (with their halo) lie inside the view box and apart from each other;
//! - a message's dot never sits on a node: it stays outside the circles of the two nodes it
//!   travels between and of every node its way passes (the way bows around them);
//! - labels of messages in flight at the same moment (a broadcast just sent, votes about to
//!   arrive, a full exchange of all pairs half way) cover no other label, no node (its name,
//!   its state, its marks) and stay inside the view box.
use dsviz::ui::topology_geometry::*;

fn frames() -> [Frame; 4] {
    [
        Frame::square(),
        Frame::compact(),
        Frame::compact_narrow(),
        Frame::narrow(),
    ]
}

fn positions(frame: &Frame, n: u32) -> Vec<(f64, f64)> {
    (0..n).map(|i| frame.node_position(i, n)).collect()
}

/// Where a message is at `t` on its way between two of the nodes at `at`.
fn message_path_at(
    at: &[(f64, f64)],
    from: (f64, f64),
    to: (f64, f64),
    node_r: f64,
    t: f64,
) -> (f64, f64) {
    message_path(from, to, at, node_r).at(t)
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The words the scenes put on messages, long and short (2PC, Raft, Redlock, Paxos).
const LABELS: [&str; 8] = [
    "PREPARE",
    "VOTE-YES",
    "COMMIT",
    "AppendEntries",
    "SET NX PX",
    "ack",
    "Promise(3)",
    "RequestVote t4",
];

fn glyphs(frame: &Frame, n: u32, with_marks: bool) -> Vec<NodeGlyph> {
    positions(frame, n)
        .into_iter()
        .enumerate()
        .map(|(i, centre)| NodeGlyph {
            centre,
            // Every other node carries a mark pill ("blocked", "holds lock").
            marks: if with_marks && i % 2 == 1 {
                vec![mark_width("holds lock")]
            } else {
                Vec::new()
            },
            paused: false,
        })
        .collect()
}

#[test]
fn nodes_lie_inside_the_view_box_and_apart_for_2_to_9_nodes() {
    for frame in frames() {
        let bounds = frame.bounds();
        for n in 2..=9 {
            let at = positions(&frame, n);
            for (i, &(x, y)) in at.iter().enumerate() {
                let r = frame.node_r + HALO;
                assert!(
                    x - r >= bounds.left
                        && x + r <= bounds.right
                        && y - r >= bounds.top
                        && y + r <= bounds.bottom,
                    "{:?}, {n} nodes: node {i} at ({x:.1}, {y:.1}) leaves the view box {bounds:?}",
                    frame.kind
                );
                for (j, &other) in at.iter().enumerate().skip(i + 1) {
                    let d = distance((x, y), other);
                    assert!(
                        d >= 2.0 * r,
                        "{:?}, {n} nodes: nodes {i} and {j} are {d:.1} apart, their circles meet",
                        frame.kind
                    );
                }
            }
        }
    }
}

#[test]
fn a_message_dot_never_sits_on_a_node() {
    let steps = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0];
    for frame in frames() {
        for n in 2..=9 {
            let at = positions(&frame, n);
            for from in 0..n as usize {
                for to in (0..n as usize).filter(|&to| to != from) {
                    for t in steps {
                        let dot = message_path(at[from], at[to], &at, frame.node_r).at(t);
                        for (k, &centre) in at.iter().enumerate() {
                            let d = distance(dot, centre);
                            // Outside every node's circle: its ends', and any node it passes
                            // (a chord between two neighbours of a node on the embed's flat
                            // ellipse would pass under its name).
                            let clear = frame.node_r + DOT_R;
                            assert!(
                                d >= clear,
                                "{:?}, {n} nodes: message {from}→{to} at {t} is {d:.1} from node {k}'s centre",
                                frame.kind
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Checks one picture: no label over another, over a node, or out of the frame.
fn assert_legible(frame: &Frame, nodes: &[NodeGlyph], messages: &[MessageGlyph], what: &str) {
    let spots = place_labels(frame, nodes, messages);
    assert_eq!(spots.len(), messages.len(), "{what}: one spot per message");
    let bounds = frame.bounds();
    let node_rects: Vec<Rect> = nodes.iter().flat_map(|n| n.rects(frame)).collect();
    for (i, spot) in spots.iter().enumerate() {
        let label = &messages[i].label;
        if !spot.shown {
            // Left out only where another message's label says the same words.
            assert!(
                spots
                    .iter()
                    .zip(messages)
                    .any(|(s, m)| s.shown && &m.label == label),
                "{what}: label {i} {label:?} is left out, and no other label says it"
            );
            continue;
        }
        let r = spot.rect;
        assert!(
            r.outside(&bounds) < 1e-6,
            "{what}: label {i} {label:?} at {r:?} leaves the view box {bounds:?}"
        );
        for (j, other) in spots
            .iter()
            .enumerate()
            .skip(i + 1)
            .filter(|(_, o)| o.shown)
        {
            let shared = r.overlap(&other.rect);
            assert!(
                shared < 1e-6,
                "{what}: labels {i} {label:?} and {j} {:?} overlap by {shared:.1} square units",
                messages[j].label
            );
        }
        for node in &node_rects {
            let shared = r.overlap(node);
            assert!(
                shared < 1e-6,
                "{what}: label {i} {label:?} at {r:?} covers a node or its mark at {node:?}"
            );
        }
        let text = text_width(label, frame.label_font);
        assert!(
            r.right - r.left >= text,
            "{what}: label {i}'s box is narrower than its text"
        );
    }
}

#[test]
fn labels_of_a_broadcast_just_sent_stand_apart_and_off_the_nodes() {
    // A coordinator's PREPAREs (or a leader's heartbeats) leave together: their dots are
    // bunched just outside the sender.
    for frame in frames() {
        for n in 2..=9 {
            for with_marks in [false, true] {
                let nodes = glyphs(&frame, n, with_marks);
                let at = positions(&frame, n);
                for sender in [0, n as usize / 2, n as usize - 1] {
                    for t in [0.0, 0.1, 0.3] {
                        for label in ["PREPARE", "AppendEntries", "SET NX PX"] {
                            let messages: Vec<MessageGlyph> = (0..n as usize)
                                .filter(|&to| to != sender)
                                .map(|to| MessageGlyph {
                                    dot: message_path_at(&at, at[sender], at[to], frame.node_r, t),
                                    label: label.to_string(),
                                })
                                .collect();
                            let what = format!(
                                "{:?}, {n} nodes (marks: {with_marks}), {label} from node {sender} at {t}",
                                frame.kind
                            );
                            assert_legible(&frame, &nodes, &messages, &what);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn labels_of_replies_arriving_together_stand_apart_and_off_the_nodes() {
    // Votes coming back to the coordinator: dots bunched just outside the receiver.
    for frame in frames() {
        for n in 2..=9 {
            let nodes = glyphs(&frame, n, true);
            let at = positions(&frame, n);
            for t in [0.7, 0.9, 1.0] {
                let messages: Vec<MessageGlyph> = (1..n as usize)
                    .map(|from| MessageGlyph {
                        dot: message_path_at(&at, at[from], at[0], frame.node_r, t),
                        label: "VOTE-YES".to_string(),
                    })
                    .collect();
                let what = format!("{:?}, {n} nodes, votes to node 0 at {t}", frame.kind);
                assert_legible(&frame, &nodes, &messages, &what);
            }
        }
    }
}

#[test]
fn labels_of_a_busy_exchange_stand_apart_and_off_the_nodes() {
    // Every node sends one message at once, every other one to its neighbour and the rest
    // across the picture, with labels of every length, at several moments of the flight: a
    // crowded Redlock or Raft picture. (Two messages from every node of eight on a phone
    // leave no free spot for the sixteenth label: the placement then covers the least.)
    for frame in frames() {
        for n in 3..=9 {
            let nodes = glyphs(&frame, n, true);
            let at = positions(&frame, n);
            for t in [0.2, 0.5, 0.8] {
                let messages: Vec<MessageGlyph> = (0..n as usize)
                    .map(|from| {
                        let to = if from % 2 == 0 {
                            (from + 1) % n as usize
                        } else {
                            (from + n as usize / 2) % n as usize
                        };
                        MessageGlyph {
                            dot: message_path_at(&at, at[from], at[to], frame.node_r, t),
                            label: LABELS[(from + to) % LABELS.len()].to_string(),
                        }
                    })
                    .collect();
                let what = format!("{:?}, {n} nodes, busy exchange at {t}", frame.kind);
                assert_legible(&frame, &nodes, &messages, &what);
            }
        }
    }
}

#[test]
fn a_lone_label_sits_right_beside_its_dot() {
    let frame = Frame::square();
    let nodes = glyphs(&frame, 4, false);
    let at = positions(&frame, 4);
    let dot = message_path_at(&at, at[1], at[3], frame.node_r, 0.5);
    let spots = place_labels(
        &frame,
        &nodes,
        &[MessageGlyph {
            dot,
            label: "COMMIT".into(),
        }],
    );
    let (x, y) = spots[0].rect.centre();
    assert!(
        distance((x, y), dot) < DOT_R + frame.label_font * 1.5,
        "a label with nothing around it stays next to its dot: at ({x:.1}, {y:.1}) for a dot at {dot:?}"
    );
    assert!(!spots[0].leader, "and needs no line back to it");
}

#[test]
fn the_2pc_prepares_no_longer_share_a_spot() {
    // The picture of issue 9: a coordinator at the top of four nodes sends three PREPAREs.
    // Before, the three labels were drawn at one offset from three dots a few units apart.
    for frame in frames() {
        let nodes = glyphs(&frame, 4, false);
        let at = positions(&frame, 4);
        let messages: Vec<MessageGlyph> = (1..4)
            .map(|to| MessageGlyph {
                dot: message_path_at(&at, at[0], at[to], frame.node_r, 0.05),
                label: "PREPARE".into(),
            })
            .collect();
        let spots = place_labels(&frame, &nodes, &messages);
        assert!(
            spots.iter().filter(|s| s.shown).count() == 3,
            "{:?}: all three PREPAREs are labelled",
            frame.kind
        );
        let centres: Vec<(f64, f64)> = spots.iter().map(|s| s.rect.centre()).collect();
        for i in 0..3 {
            for j in i + 1..3 {
                assert!(
                    spots[i].rect.overlap(&spots[j].rect) < 1e-6,
                    "{:?}: PREPARE labels {i} at {:?} and {j} at {:?} overlap",
                    frame.kind,
                    centres[i],
                    centres[j]
                );
            }
        }
    }
}

#[test]
fn a_node_glyph_covers_its_whole_circle_and_its_marks() {
    // Labels keep off what these rectangles cover: they must hold the circle with its halo.
    let frame = Frame::compact();
    let glyph = NodeGlyph {
        centre: (300.0, 150.0),
        marks: vec![mark_width("blocked")],
        paused: false,
    };
    let rects = glyph.rects(&frame);
    let r = frame.node_r + HALO - 0.01;
    for k in 0..360 {
        let a = f64::from(k).to_radians();
        let (x, y) = (300.0 + r * a.cos(), 150.0 + r * a.sin());
        assert!(
            rects
                .iter()
                .any(|q| q.left <= x && x <= q.right && q.top <= y && y <= q.bottom),
            "the point of the halo at {k}° is outside every rectangle"
        );
    }
    let below = 150.0 + mark_offset(0, frame.node_r);
    assert!(
        rects.iter().any(|q| q.top < below
            && below < q.bottom
            && q.right - q.left >= mark_width("blocked")),
        "the mark pill under the circle is covered"
    );
}

/// A node's name and state stay inside its circle: a long name ("coordinator") or a
/// translated state with its English term is squeezed to the circle's chord; short ones
/// ("P1", "IN DOUBT") are drawn as they are.
#[test]
fn long_names_and_states_are_squeezed_into_their_circle() {
    use dsviz::ui::topology_geometry::{squeeze_in_circle, text_width};
    for frame in frames() {
        let (name_y, state_y) = (-5.0, 13.0);
        assert_eq!(
            squeeze_in_circle("P1", frame.name_font, frame.node_r, name_y),
            None
        );
        let fit = squeeze_in_circle("coordinator", frame.name_font, frame.node_r, name_y)
            .unwrap_or_else(|| {
                panic!("{:?}: \"coordinator\" is wider than its circle", frame.kind)
            });
        assert!(fit < text_width("coordinator", frame.name_font));
        assert!(
            fit < 2.0 * frame.node_r,
            "{:?}: squeezed inside the circle",
            frame.kind
        );
        let zh = "IN DOUBT（存疑）";
        let fit = squeeze_in_circle(zh, frame.state_font, frame.node_r, state_y)
            .unwrap_or_else(|| panic!("{:?}: {zh} is wider than its circle", frame.kind));
        // Squeezed, but not past half its width: still legible.
        assert!(
            fit >= 0.5 * text_width(zh, frame.state_font) || fit >= frame.state_font,
            "{:?}",
            frame.kind
        );
    }
}

#[test]
fn a_side_nodes_wide_mark_is_moved_inside_the_frame_and_a_central_one_stays_centred() {
    let frame = Frame::narrow();
    let width = mark_width("log: PREPARED t1");
    let left_edge = frame.min_x;
    let right_edge = frame.min_x + frame.width;
    // A node near the left side: centred, its pill would start left of the frame.
    let near_left = left_edge + 30.0;
    assert!(near_left - width / 2.0 < left_edge);
    let shift = mark_shift(near_left, width, &frame);
    assert!(shift > 0.0);
    assert!(near_left + shift - width / 2.0 >= left_edge);
    // Near the right side, it moves left, by as much as it needs and no more.
    let near_right = right_edge - 30.0;
    let shift = mark_shift(near_right, width, &frame);
    assert!(shift < 0.0);
    assert!((near_right + shift + width / 2.0 - (right_edge - 2.0)).abs() < 1e-9);
    // In the middle, it stays centred under its node.
    assert_eq!(
        mark_shift(frame.min_x + frame.width / 2.0, width, &frame),
        0.0
    );
}
