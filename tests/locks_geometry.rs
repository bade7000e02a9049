//! The locks scene's stages, natively (`src/ui/locks/geometry.rs` is pure): for every
//! number of clients the scene allows (1 to 8),
//!
//! - nodes (with their halo, the holder's mark under a client and the word "paused" above
//!   it) lie inside the view box and apart from each other and from the lock queue;
//! - the nodes keep clear of the queue, its arcs, its arrows and its caption;
//! - no message between a client and what it talks to (ZooKeeper, the storage, the Redis
//!   servers) passes over a client's "holds the lock" mark, in English or in Chinese
//!   (review #17: the mark was crossed by the dots of the clients farther along the row);
//! - a child of `/lock` that has just been deleted keeps its slot while it fades, so it never
//!   lies over the next child, and the row fits in the stage with a box wide enough for
//!   "client 8" at 11 units;
//! - a crowded embed shows messages as dots only.
#![cfg(not(target_arch = "wasm32"))]
use dsviz::i18n::{tr, with_lang, Lang};
use dsviz::ui::locks::geometry::*;
use dsviz::ui::topology_geometry::{
    mark_offset, mark_width, message_path, text_width, Frame, Rect, DOT_R, HALO, MARK_HEIGHT,
};

/// The size the topology draws a layout's nodes at.
fn node_r(layout: &StageLayout) -> f64 {
    Frame::layout(layout.width, layout.height, 11.0).node_r
}

/// The holder's mark, in both languages.
fn mark_widths() -> [f64; 2] {
    [
        mark_width(tr("holds the lock")),
        with_lang(Lang::Zh, || mark_width(tr("holds the lock"))),
    ]
}

/// The mark pill under a node at `at`, the widest of the two languages.
fn mark_rect(at: (f64, f64), r: f64) -> Rect {
    let width = mark_widths().into_iter().fold(0.0, f64::max);
    Rect::centred(at.0, at.1 + mark_offset(0, r) - 0.5, width, MARK_HEIGHT)
}

fn circle_rect(at: (f64, f64), r: f64) -> Rect {
    Rect::centred(at.0, at.1, 2.0 * r, 2.0 * r)
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// How far `point` is from the nearest point of `rect` (0 inside it).
fn rect_distance(rect: &Rect, point: (f64, f64)) -> f64 {
    let dx = (rect.left - point.0).max(point.0 - rect.right).max(0.0);
    let dy = (rect.top - point.1).max(point.1 - rect.bottom).max(0.0);
    (dx * dx + dy * dy).sqrt()
}

fn inside(rect: &Rect, layout: &StageLayout) -> bool {
    rect.left >= 0.0
        && rect.top >= 0.0
        && rect.right <= layout.width
        && rect.bottom <= layout.height
}

/// The queue stage and the dense lease stages, each with its client nodes and the pairs
/// of nodes that exchange messages.
struct Stage {
    name: String,
    layout: StageLayout,
    clients: Vec<usize>,
    pairs: Vec<(usize, usize)>,
}

fn stages() -> Vec<Stage> {
    let mut out = Vec::new();
    for clients in 1..=8_usize {
        // ZooKeeper 0, storage 1, clients after.
        let ids: Vec<usize> = (2..2 + clients).collect();
        out.push(Stage {
            name: format!("queue stage, {clients} clients"),
            layout: queue_layout(clients as u32 + 2),
            pairs: ids
                .iter()
                .flat_map(|&c| [(c, 0), (0, c), (c, 1), (1, c)])
                .collect(),
            clients: ids,
        });
        for servers in [1_usize, 5] {
            let ids: Vec<usize> = (servers + 1..servers + 1 + clients).collect();
            out.push(Stage {
                name: format!("lease stage, {servers} servers, {clients} clients"),
                layout: lease_layout(servers as u32, clients as u32),
                pairs: ids
                    .iter()
                    .flat_map(|&c| (0..=servers).flat_map(move |s| [(c, s), (s, c)]))
                    .collect(),
                clients: ids,
            });
        }
    }
    out
}

#[test]
fn nodes_their_marks_and_pause_words_lie_inside_the_stage_and_apart() {
    let stages = stages();
    assert_eq!(stages.len(), 24);
    for stage in &stages {
        let (layout, r) = (&stage.layout, node_r(&stage.layout));
        let at = &layout.positions;
        for (i, &p) in at.iter().enumerate() {
            assert!(
                inside(&circle_rect(p, r + HALO), layout),
                "{}: node {i} at {p:?} leaves the view box",
                stage.name
            );
            for (j, &q) in at.iter().enumerate().skip(i + 1) {
                assert!(
                    distance(p, q) >= 2.0 * (r + HALO),
                    "{}: nodes {i} and {j} touch ({p:?}, {q:?})",
                    stage.name
                );
            }
        }
        for &c in &stage.clients {
            let mark = mark_rect(at[c], r);
            assert!(
                inside(&mark, layout),
                "{}: client {c}'s mark leaves the view box",
                stage.name
            );
            // "paused" above a client: about six of its 12-unit letters wide.
            let paused = Rect::centred(at[c].0, at[c].1 - r - 12.0, 72.0, 14.0);
            assert!(
                inside(&paused, layout),
                "{}: client {c}'s pause word leaves the view box",
                stage.name
            );
            for (j, &q) in at.iter().enumerate().filter(|&(j, _)| j != c) {
                assert!(
                    rect_distance(&mark, q) > r + HALO,
                    "{}: client {c}'s mark lies on node {j}",
                    stage.name
                );
            }
        }
    }
}

#[test]
fn no_message_crosses_a_clients_holds_the_lock_mark() {
    let mut checked = 0;
    for stage in stages() {
        let (layout, r) = (&stage.layout, node_r(&stage.layout));
        let at = &layout.positions;
        for &(from, to) in &stage.pairs {
            let way = message_path(at[from], at[to], at, r);
            for k in 0..=100 {
                let dot = way.at(f64::from(k) / 100.0);
                let dot = Rect::centred(dot.0, dot.1, 2.0 * DOT_R, 2.0 * DOT_R);
                for &c in &stage.clients {
                    checked += 1;
                    assert_eq!(
                        dot.overlap(&mark_rect(at[c], r)),
                        0.0,
                        "{}: a message {from} → {to} at {k}% covers client {c}'s mark",
                        stage.name
                    );
                }
            }
        }
    }
    assert!(checked > 100_000, "only {checked} positions checked");
}

#[test]
fn the_nodes_keep_clear_of_the_queue_its_arrows_and_its_caption() {
    for clients in 1..=8_u32 {
        let layout = queue_layout(clients + 2);
        let r = node_r(&layout);
        let at = &layout.positions;
        // The row and its `/lock` pill, the watch arrows under it (their curves reach
        // three quarters of their depth), the notification arcs over it, the caption.
        let row = Rect {
            left: LOCK_X - LOCK_W / 2.0,
            top: ROW_Y - 44.0,
            right: ROW_RIGHT,
            bottom: ROW_Y + BOX_H + 0.75 * 58.0,
        };
        // The longest of the captions (12 units), in either language.
        let longest = [Lang::En, Lang::Zh]
            .into_iter()
            .flat_map(|lang| {
                with_lang(lang, || {
                    [
                        text_width(
                            tr("children of /lock · each waiter watches its predecessor"),
                            12.0,
                        ),
                        text_width(tr("children of /lock · every waiter watches /lock"), 12.0),
                        text_width(
                            &tr("a change of /lock: {n} notifications at once (the herd)")
                                .replace("{n}", "8"),
                            12.0,
                        ),
                    ]
                })
            })
            .fold(0.0, f64::max);
        let caption = Rect {
            left: FIRST_X,
            top: CAPTION_Y - 12.0,
            right: FIRST_X + longest,
            bottom: CAPTION_Y + 4.0,
        };
        for (i, &p) in at.iter().enumerate() {
            let node = circle_rect(p, r + HALO);
            assert_eq!(
                node.overlap(&row),
                0.0,
                "{clients} clients: node {i} on the queue"
            );
            assert_eq!(
                node.overlap(&caption),
                0.0,
                "{clients} clients: node {i} on the caption"
            );
        }
    }
}

#[test]
fn a_deleted_child_keeps_its_slot_while_it_fades_so_it_never_covers_the_next() {
    // crash-queue, step 40: #1 (client 3's) expired, #2 (client 1's) and #3 remain.
    assert_eq!(
        slots(&[2, 3], &[1]),
        [(1, 0, true), (2, 1, false), (3, 2, false)]
    );
    // Once it has faded, the next child moves up into the head slot.
    assert_eq!(slots(&[2, 3], &[]), [(2, 0, false), (3, 1, false)]);
    // A leaving child between two others, and one that is also still listed, once.
    assert_eq!(
        slots(&[5, 9], &[7, 9]),
        [(5, 0, false), (7, 1, true), (9, 2, false)]
    );
    const { assert!(ROW_RIGHT <= WIDTH) };
    for n in 1..=9_usize {
        let row = Row::new(n);
        for i in 0..n.saturating_sub(1) {
            assert!(
                row.x(i) + row.box_w < row.x(i + 1),
                "{n} slots: box {i} touches the next"
            );
        }
        assert!(
            row.x(n - 1) + row.box_w <= ROW_RIGHT,
            "{n} slots: the row overflows"
        );
        for who in ["client 8", "客户端 8"] {
            assert!(
                text_width(who, 11.0) + 4.0 <= row.box_w,
                "{n} slots: \"{who}\" does not fit a box of {:.1}",
                row.box_w
            );
        }
    }
    // While it fits, the row keeps its full spacing.
    assert_eq!(Row::new(8).pitch, 62.0);
    assert!(Row::new(9).pitch < 62.0);
}

#[test]
fn a_crowded_embed_shows_messages_as_dots_only() {
    // herd and predecessor: ZooKeeper, storage and 8 clients; Redlock: 5 servers,
    // storage and 3 clients.
    assert!(!message_labels(true, 10));
    assert!(!message_labels(true, 9));
    // crash-queue: 3 clients; the default lease lock: 4 clients.
    assert!(message_labels(true, 5));
    assert!(message_labels(true, 6));
    // The full app has the room.
    assert!(message_labels(false, 14));
}
