//! The locks scene's stages, natively (`src/ui/locks/geometry.rs` is pure): for every
//! number of clients the scene allows (1 to 8),
//!
//! - nodes (with their halo and the holder's mark under a client) lie inside the view box
//!   and apart from each other and from the lock queue;
//! - the nodes keep clear of the queue, its arcs, its arrows and its caption;
//! - no message between a client and what it talks to (ZooKeeper, the storage, the Redis
//!   servers) passes over a client's "holds the lock" mark, in English or in Chinese
//!   (review #17: the mark was crossed by the dots of the clients farther along the row);
//! - a child of `/lock` that has just been deleted keeps its slot while it fades, so it never
//!   lies over the next child, and the row fits in the stage with a box wide enough for
//!   "client 8" at 11 units;
//! - a crowded embed shows messages as dots only;
//! - a node's words (its state, the holder's mark, the word "paused") sit beside its circle
//!   where no message passes over them (the Redlock embed's dots crossed "paused" above
//!   client 3), inside the view box and clear of every other node and its words; the state
//!   is no longer squeezed into the circle;
//! - in runs of the herd and the predecessor scenarios (eight clients, the full app) and of
//!   Redlock, no message label covers another, a node, a node's words, the queue or another
//!   dot, and most messages still have their label;
//! - on a phone the queue stage takes its own frame (`src/ui/locks/phone.rs`), drawn at full
//!   size or more in a phone's 369 CSS pixels, with every node, its words, the queue's
//!   boxes and the caption inside it and apart.
#![cfg(not(target_arch = "wasm32"))]
use dsviz::i18n::{tr, tr_text, with_lang, Lang};
use dsviz::scene::locks::Locks;
use dsviz::scene::{self, Built, RunSpec};
use dsviz::sim::run::Run;
use dsviz::ui::locks::geometry::*;
use dsviz::ui::locks::phone::*;
use dsviz::ui::topology_geometry::{
    mark_width, message_path, text_width, Frame, Rect, DOT_R, HALO,
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

/// The mark pill under a client at `at`, the widest of the two languages.
fn mark_rect(at: (f64, f64)) -> Rect {
    let width = mark_widths().into_iter().fold(0.0, f64::max);
    pill_rect(at.0, at.1 + Words::on(Side::Below).mark_y(0), width)
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

/// An embed's stage at 720 × 460, in CSS pixels (tests/e2e/run.mjs measures the words).
const EMBED_PX: (f64, f64) = (720.0, 344.0);
/// An embed's stage at 420 × 460 (the caption on two lines; tests/e2e/run.mjs measures the
/// words there too).
const NARROW_EMBED_PX: (f64, f64) = (420.0, 340.0);

/// The least room between two nodes' words on one line, in units.
const WORD_GAP: f64 = 6.0;

/// The queue stage and the dense lease stages, each with its client nodes and the pairs
/// of nodes that exchange messages.
struct Stage {
    name: String,
    layout: StageLayout,
    clients: Vec<usize>,
    pairs: Vec<(usize, usize)>,
    /// Its messages pass under the nodes' words (dots only: the narrow embed's two rows of
    /// clients, as on a phone).
    under: bool,
    /// The CSS pixels of the embed stage it fills (an embed of 720 × 460, or 420 × 460).
    embed_px: (f64, f64),
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
            under: false,
            embed_px: EMBED_PX,
        });
        for servers in [1_usize, 5] {
            let ids: Vec<usize> = (servers + 1..servers + 1 + clients).collect();
            let pairs: Vec<(usize, usize)> = ids
                .iter()
                .flat_map(|&c| (0..=servers).flat_map(move |s| [(c, s), (s, c)]))
                .collect();
            out.push(Stage {
                name: format!("lease stage, {servers} servers, {clients} clients"),
                layout: lease_layout(servers as u32, clients as u32),
                pairs: pairs.clone(),
                clients: ids.clone(),
                under: false,
                embed_px: EMBED_PX,
            });
            out.push(Stage {
                name: format!("narrow lease stage, {servers} servers, {clients} clients"),
                layout: lease_narrow_layout(servers as u32, clients as u32),
                pairs,
                clients: ids,
                under: lease_narrow_under(servers as u32, clients as u32),
                embed_px: NARROW_EMBED_PX,
            });
        }
    }
    out
}

#[test]
fn nodes_and_their_marks_lie_inside_the_stage_and_apart() {
    let stages = stages();
    assert_eq!(stages.len(), 40);
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
            let mark = mark_rect(at[c]);
            assert!(
                inside(&mark, layout),
                "{}: client {c}'s mark leaves the view box",
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
    for stage in stages().into_iter().filter(|s| !s.under) {
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
                        dot.overlap(&mark_rect(at[c])),
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

/// The queue stage's row and its `/lock` pill, the watch arrows under it (their curves
/// reach three quarters of their depth) and the notification arcs over it.
fn queue_band() -> Rect {
    Rect {
        left: LOCK_X - LOCK_W / 2.0,
        top: ROW_Y - 44.0,
        right: ROW_RIGHT,
        bottom: ROW_Y + BOX_H + 0.75 * 58.0,
    }
}

/// Where the longest caption under the queue goes (12 units), in either language.
fn caption_band() -> Rect {
    let longest = [Lang::En, Lang::Zh]
        .into_iter()
        .flat_map(|lang| {
            with_lang(lang, || {
                [
                    "children of /lock · each waiter watches its predecessor",
                    "children of /lock · every waiter watches /lock",
                    "a change of /lock: {n} notifications at once (the herd)",
                ]
                .map(|c| text_width(&tr(c).replace("{n}", "8"), 12.0))
            })
        })
        .fold(0.0, f64::max);
    Rect {
        left: FIRST_X,
        top: CAPTION_Y - 12.0,
        right: FIRST_X + longest,
        bottom: CAPTION_Y + 4.0,
    }
}

#[test]
fn the_nodes_keep_clear_of_the_queue_its_arrows_and_its_caption() {
    for clients in 1..=8_u32 {
        let layout = queue_layout(clients + 2);
        let r = node_r(&layout);
        let at = &layout.positions;
        let (row, caption) = (queue_band(), caption_band());
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

/// The state names a node of each kind can show: (servers, the storage, clients).
const SERVER_STATES: &[&str] = &["HELD", "FREE"];
const STORAGE_STATES: &[&str] = &[
    "CHECKS TOKENS",
    "REJECTED STALE",
    "NO TOKEN CHECK",
    "STALE WRITE",
];
const CLIENT_STATES: &[&str] = &[
    "IDLE",
    "THINKING",
    "WAITING",
    "ACQUIRING",
    "BACKOFF",
    "HOLDING",
    "WRITING",
    "RELEASING",
    "DONE",
];

/// The widest of `states` at the stage's state size, in either language.
fn widest(states: &[&str]) -> f64 {
    [Lang::En, Lang::Zh]
        .into_iter()
        .flat_map(|lang| {
            with_lang(lang, || {
                states
                    .iter()
                    .map(|s| text_width(&tr_text(s), STATE_FONT))
                    .collect::<Vec<_>>()
            })
        })
        .fold(0.0, f64::max)
}

/// The widest "paused" pill, in either language.
fn paused_width() -> f64 {
    [Lang::En, Lang::Zh]
        .into_iter()
        .map(|lang| with_lang(lang, || mark_width(tr("paused"))))
        .fold(0.0, f64::max)
}

/// Node `i` of `stage` with the widest state it can show, paused, holding the lock if it is
/// a client and `holder`.
fn face_of(stage: &Stage, i: usize, holder: bool) -> NodeFace {
    let layout = &stage.layout;
    let client = stage.clients.contains(&i);
    let storage = !client && stage.clients.first().is_some_and(|&c| c == i + 1);
    let states = if client {
        CLIENT_STATES
    } else if storage {
        STORAGE_STATES
    } else {
        SERVER_STATES
    };
    NodeFace {
        stage_width: layout.width,
        centre: layout.positions[i],
        side: layout.sides[i],
        state_width: widest(states),
        marks: if client && holder {
            vec![mark_widths().into_iter().fold(0.0, f64::max)]
        } else {
            Vec::new()
        },
        paused: Some(paused_width()),
    }
}

#[test]
fn the_stages_draw_at_the_radius_and_sizes_the_geometry_assumes() {
    for stage in stages() {
        assert_eq!(node_r(&stage.layout), NODE_R, "{}", stage.name);
        assert_eq!(stage.layout.sides.len(), stage.layout.positions.len());
        for &c in &stage.clients {
            assert_eq!(stage.layout.sides[c], Side::Below, "{}", stage.name);
        }
    }
}

#[test]
fn no_message_passes_over_a_nodes_state_its_mark_or_the_word_paused() {
    let mut checked = 0;
    for stage in stages().into_iter().filter(|s| !s.under) {
        let at = &stage.layout.positions;
        let words: Vec<(usize, Vec<Rect>)> = (0..at.len())
            .map(|i| (i, face_of(&stage, i, true).word_rects()))
            .collect();
        for &(from, to) in &stage.pairs {
            let way = message_path(at[from], at[to], at, NODE_R);
            for k in 0..=100 {
                let dot = way.at(f64::from(k) / 100.0);
                let dot = Rect::centred(dot.0, dot.1, 2.0 * DOT_R, 2.0 * DOT_R);
                for (i, rects) in &words {
                    for rect in rects {
                        checked += 1;
                        assert_eq!(
                            dot.overlap(rect),
                            0.0,
                            "{}: a message {from} → {to} at {k}% passes over node {i}'s words {rect:?}",
                            stage.name
                        );
                    }
                }
            }
        }
    }
    assert!(checked > 500_000, "only {checked} positions checked");
}

#[test]
fn where_the_word_paused_was_the_redlock_embeds_messages_crossed_it() {
    // The fault the test above rules out: "paused" 6 units above client 3's circle, in the
    // stage of the Redlock embed (five servers, the storage, three clients), with the old
    // layout's pieces that matter: the clients' row and the storage at the right.
    let layout = lease_layout(5, 3);
    let at = &layout.positions;
    let client3 = at[8];
    let font = Frame::layout(layout.width, layout.height, 11.0).pause_font;
    let base = client3.1 - NODE_R - 6.0;
    let above = Rect {
        left: client3.0 - 3.0 * font,
        top: base - font,
        right: client3.0 + 3.0 * font,
        bottom: base + 2.0,
    };
    let crossed = (6..=8).any(|client| {
        (0..=5).any(|to| {
            let way = message_path(at[client], at[to], at, NODE_R);
            (0..=100).any(|k| {
                let dot = way.at(f64::from(k) / 100.0);
                Rect::centred(dot.0, dot.1, 2.0 * DOT_R, 2.0 * DOT_R).overlap(&above) > 0.0
            })
        })
    });
    assert!(
        crossed,
        "no message crosses the old spot: the test above proves nothing"
    );
    let below = pill_rect(
        client3.0,
        client3.1 + Words::on(Side::Below).paused_y,
        paused_width(),
    );
    assert!(
        below.top > client3.1 && below.bottom > client3.1 + NODE_R + HALO,
        "the pill is on the lower edge of the circle, away from the servers"
    );
}

#[test]
fn every_nodes_words_lie_inside_the_stage_and_clear_of_other_nodes_and_their_words() {
    for stage in stages() {
        let layout = &stage.layout;
        let n = layout.positions.len();
        for i in 0..n {
            for holder_i in [false, true] {
                let face = face_of(&stage, i, holder_i);
                for rect in face.word_rects() {
                    assert!(
                        inside(&rect, layout),
                        "{}: node {i}'s words {rect:?} leave the view box",
                        stage.name
                    );
                    for j in (0..n).filter(|&j| j != i) {
                        // Only one client holds the lock at a time.
                        let other = face_of(&stage, j, false);
                        for theirs in other.circle_rects().iter().chain(&other.word_rects()) {
                            assert_eq!(
                                rect.overlap(theirs),
                                0.0,
                                "{}: node {i}'s words {rect:?} cover node {j}'s {theirs:?}",
                                stage.name
                            );
                        }
                        // Two nodes' words a hair apart on one line read as one phrase
                        // ("HELDNO TOKEN CHECK" in the narrow Redlock embed).
                        let line = Rect {
                            left: rect.left - WORD_GAP,
                            right: rect.right + WORD_GAP,
                            ..rect
                        };
                        for theirs in other.word_rects() {
                            assert_eq!(
                                line.overlap(&theirs),
                                0.0,
                                "{}: node {i}'s words {rect:?} run into node {j}'s {theirs:?}",
                                stage.name
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn the_words_of_the_queue_stages_nodes_keep_clear_of_the_queue_its_arrows_and_its_caption() {
    for clients in 1..=8_u32 {
        let stage = stages()
            .into_iter()
            .find(|s| s.name == format!("queue stage, {clients} clients"))
            .expect("the queue stage");
        let (row, caption) = (queue_band(), caption_band());
        for i in 0..stage.layout.positions.len() {
            for rect in face_of(&stage, i, true).word_rects() {
                assert_eq!(
                    rect.overlap(&row),
                    0.0,
                    "{clients} clients: node {i}'s words on the queue"
                );
                assert_eq!(
                    rect.overlap(&caption),
                    0.0,
                    "{clients} clients: node {i}'s words {rect:?} on the caption {caption:?}"
                );
            }
        }
    }
}

/// Steps `0..steps` of a run of the locks scene given by `query`, with the view of each.
fn each_step(query: &str, steps: u64, mut check: impl FnMut(u64, &dsviz::sim::run::Snapshot)) {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let Built { run, problems } = scene::build_scene::<Locks>(&mut spec);
    assert!(problems.is_empty(), "{problems:?}");
    let mut run = *run;
    run.extend(steps);
    for step in 0..steps.min(run.horizon()) {
        run.seek(step);
        check(step, &run.snapshot());
    }
}

#[test]
fn no_message_label_covers_another_a_node_its_words_the_queue_or_a_dot_with_eight_clients() {
    for (query, queue) in [
        ("?scene=locks&sc=herd", true),
        ("?scene=locks&sc=predecessor", true),
        ("?scene=locks&sc=redlock-pause", false),
        ("?scene=locks&kind=lease&clients=8", false),
    ] {
        let (mut messages, mut labelled, mut identified) = (0, 0, 0);
        each_step(query, 700, |step, snapshot| {
            let n = snapshot.nodes.len() as u32;
            let layout = if queue {
                queue_layout(n)
            } else {
                let servers = if query.contains("redlock") { 5 } else { 1 };
                lease_layout(servers, n - servers - 1)
            };
            // The widest caption the queue stage writes.
            let obstacles: Vec<Rect> = if queue {
                queue_obstacles(
                    text_width(
                        tr("children of /lock · each waiter watches its predecessor"),
                        12.0,
                    )
                    .max(text_width(
                        tr("a change of /lock: {n} notifications at once (the herd)"),
                        12.0,
                    )),
                )
                .to_vec()
            } else {
                Vec::new()
            };
            let spots = stage_labels(&layout, snapshot, snapshot.time, &obstacles);
            let dots = dots(&layout, snapshot, snapshot.time);
            assert_eq!(spots.len(), snapshot.messages.len());
            let faces = faces(&layout, snapshot);
            let bounds = Rect {
                left: 0.0,
                top: 0.0,
                right: layout.width,
                bottom: layout.height,
            };
            let shown: Vec<usize> = (0..spots.len()).filter(|&i| spots[i].shown).collect();
            messages += spots.len();
            labelled += shown.len();
            // A message whose words another label shows can be told by them.
            identified += (0..spots.len())
                .filter(|&i| shown.iter().any(|&j| dots[j].label == dots[i].label))
                .count();
            for &i in &shown {
                let label = &spots[i].rect;
                let what = format!("{query} step {step}: the label of {:?}", dots[i].label);
                assert_eq!(label.outside(&bounds), 0.0, "{what} leaves the stage");
                for &j in shown.iter().filter(|&&j| j != i) {
                    assert_eq!(
                        label.overlap(&spots[j].rect),
                        0.0,
                        "{what} covers the label of {:?}",
                        dots[j].label
                    );
                }
                for (k, face) in faces.iter().enumerate() {
                    for rect in face.rects() {
                        assert_eq!(
                            label.overlap(&rect),
                            0.0,
                            "{what} covers node {k} or its words"
                        );
                    }
                }
                for rect in &obstacles {
                    assert_eq!(
                        label.overlap(rect),
                        0.0,
                        "{what} covers the queue or its caption"
                    );
                }
                for (j, glyph) in dots.iter().enumerate().filter(|&(j, _)| j != i) {
                    let (dot, text) = (glyph.dot, &glyph.label);
                    let dot = Rect::centred(dot.0, dot.1, 2.0 * DOT_R, 2.0 * DOT_R);
                    assert_eq!(
                        label.overlap(&dot),
                        0.0,
                        "{what} covers the dot of {text:?} ({j})"
                    );
                }
            }
        });
        assert!(messages > 500, "{query}: only {messages} messages seen");
        println!(
            "{query}: {labelled} of {messages} messages labelled, {identified} by their words"
        );
        assert!(
            identified * 2 > messages,
            "{query}: only {identified} of {messages} messages had their words on the stage"
        );
    }
}

#[test]
fn an_embed_draws_every_stage_at_full_size_or_more() {
    // An embed at 720 × 460 gives its stage about 720 × 344 CSS pixels (tests/e2e/run.mjs
    // measures the words): the 11-unit words read at 11 pixels or more only at a scale of
    // 1 or more. The stages were 362 units tall, which an embed drew at 0.95 (10.45 px).
    // A narrow embed (420 × 460) gives its stage about 420 × 340.
    for stage in stages() {
        let layout = &stage.layout;
        let (px_w, px_h) = stage.embed_px;
        let scale = (px_w / layout.width).min(px_h / layout.height);
        // The narrow lease stage with five servers and two rows of clients, which no
        // scenario uses, is drawn smaller (`LEASE_NARROW_WIDTH` says why).
        let least = if stage.embed_px == EMBED_PX {
            1.02
        } else if stage.name.starts_with("narrow lease stage, 5 servers") && stage.clients.len() > 4
        {
            0.89
        } else {
            1.0
        };
        assert!(
            scale >= least,
            "{}: {} × {} is drawn at {scale:.3} in an embed",
            stage.name,
            layout.width,
            layout.height
        );
    }
}

/// The stage svg's width on a 390 × 844 phone, in CSS pixels (tests/e2e/phone.mjs measures
/// it: 368.8).
const PHONE_STAGE_PX: f64 = 368.0;

/// The queue stage's captions in both languages, with the herd's seven notifications.
fn captions() -> Vec<String> {
    [Lang::En, Lang::Zh]
        .into_iter()
        .flat_map(|lang| {
            with_lang(lang, || {
                vec![
                    tr("children of /lock · every waiter watches /lock").to_string(),
                    tr("children of /lock · each waiter watches its predecessor").to_string(),
                    tr("a watch fired: 1 notification").to_string(),
                    dsviz::i18n::trf(
                        "a change of /lock: {n} notifications at once (the herd)",
                        &[("n", &7)],
                    ),
                ]
            })
        })
        .collect()
}

/// The phone's queue stage with `clients` clients (after ZooKeeper and the storage).
fn phone_stage(clients: usize) -> (StageLayout, Stage) {
    let layout = phone_layout(clients as u32 + 2);
    let stage = Stage {
        name: format!("phone queue stage, {clients} clients"),
        clients: (2..2 + clients).collect(),
        pairs: Vec::new(),
        layout: layout.clone(),
        under: true,
        embed_px: (PHONE_STAGE_PX, PHONE_HEIGHT),
    };
    (layout, stage)
}

#[test]
fn a_phone_draws_the_queue_stage_at_full_size_with_everything_inside_and_apart() {
    let scale = PHONE_STAGE_PX / PHONE_WIDTH;
    assert!(
        STATE_FONT * scale >= 11.0 && LABEL_FONT * scale >= 11.0,
        "a phone draws the {PHONE_WIDTH}-unit frame at {scale:.3}: 11-unit words at {:.1} px",
        11.0 * scale
    );
    for clients in 1..=8_usize {
        let (layout, stage) = phone_stage(clients);
        let n = layout.positions.len();
        assert_eq!(n, clients + 2);
        assert_eq!(node_r(&layout), NODE_R);
        // The queue: every slot's box for up to twelve children, and the /lock pill.
        let mut queue: Vec<Rect> = Vec::new();
        for slots in 1..=12 {
            let geo = QueueGeo::new(true, slots);
            let boxes: Vec<Rect> = (0..slots)
                .map(|i| {
                    let (x, y) = geo.slot(i);
                    Rect {
                        left: x,
                        top: y,
                        right: x + geo.box_w(),
                        bottom: y + BOX_H,
                    }
                })
                .collect();
            for (i, b) in boxes.iter().enumerate() {
                assert!(
                    inside(b, &layout),
                    "{slots} slots: slot {i} {b:?} leaves the frame"
                );
                for (j, c) in boxes.iter().enumerate().skip(i + 1) {
                    assert_eq!(
                        b.overlap(c),
                        0.0,
                        "{slots} slots: slots {i} and {j} overlap"
                    );
                }
            }
            // "client 8" fits its box at 11 units.
            assert!(
                geo.box_w() >= text_width("client 8", 11.0),
                "{slots} slots: boxes of {:.1}",
                geo.box_w()
            );
            queue.extend(boxes);
        }
        let (lock, lock_w) = QueueGeo::new(true, 1).lock();
        let pill = Rect {
            left: lock.x - lock_w / 2.0,
            top: lock.top,
            right: lock.x + lock_w / 2.0,
            bottom: lock.bottom,
        };
        assert!(inside(&pill, &layout));
        queue.push(pill);
        // Under the rows: the arrows reach 3/4 of their depth.
        let arrows = Rect {
            left: 0.0,
            top: PHONE_ROWS[0],
            right: PHONE_WIDTH,
            bottom: PHONE_ROWS[1] + BOX_H + 0.75 * WATCH_DEPTH,
        };
        // The caption, on its lines, in both languages.
        let mut caption: Vec<Rect> = Vec::new();
        for text in captions() {
            let lines = wrap(&text, CAPTION_FONT, CAPTION_MAX);
            assert!(lines.len() <= 3, "{text:?} takes {} lines", lines.len());
            for (i, line) in lines.iter().enumerate() {
                let w = text_width(line, CAPTION_FONT);
                assert!(w <= CAPTION_MAX + 0.01, "{line:?} is {w:.0} wide");
                let base = PHONE_CAPTION_Y + i as f64 * CAPTION_LINE;
                let rect = Rect {
                    left: PHONE_CAPTION_X - w / 2.0,
                    top: base - 10.0,
                    right: PHONE_CAPTION_X + w / 2.0,
                    bottom: base + 3.0,
                };
                assert!(inside(&rect, &layout), "{line:?} leaves the frame");
                assert_eq!(
                    rect.overlap(&arrows),
                    0.0,
                    "{line:?} lies on the queue's arrows"
                );
                caption.push(rect);
            }
        }
        for i in 0..n {
            for holder in [false, true] {
                let face = face_of(&stage, i, holder);
                for rect in face.rects() {
                    assert!(
                        inside(&rect, &layout),
                        "{}: node {i}'s {rect:?} leaves the frame",
                        stage.name
                    );
                    for other in queue.iter().chain(&caption).chain([&arrows]) {
                        assert_eq!(
                            rect.overlap(other),
                            0.0,
                            "{}: node {i}'s {rect:?} lies on the queue or the caption {other:?}",
                            stage.name
                        );
                    }
                }
                for j in (0..n).filter(|&j| j != i) {
                    // Only one client holds the lock at a time.
                    let other = face_of(&stage, j, false);
                    for mine in face.rects() {
                        for theirs in other.rects() {
                            assert_eq!(
                                mine.overlap(&theirs),
                                0.0,
                                "{}: node {i}'s {mine:?} covers node {j}'s {theirs:?}",
                                stage.name
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The gap a phone keeps between two nodes' words, in units: words closer than that read as
/// one line ("ACQUIRING RELEASING WAITING").
const PHONE_WORD_GAP: f64 = 8.0;

#[test]
fn on_a_phone_the_clients_words_stand_apart_and_the_servers_words_sit_on_their_circles() {
    for clients in 1..=8_usize {
        let (layout, stage) = phone_stage(clients);
        let n = layout.positions.len();
        let mut closest = f64::INFINITY;
        for i in 0..n {
            for j in (i + 1)..n {
                for mine in face_of(&stage, i, false).word_rects() {
                    for theirs in face_of(&stage, j, false).word_rects() {
                        let rows_meet = mine.top < theirs.bottom && theirs.top < mine.bottom;
                        if rows_meet {
                            let gap = (theirs.left - mine.right).max(mine.left - theirs.right);
                            closest = closest.min(gap);
                        }
                    }
                }
            }
        }
        println!("{clients} clients: the closest words on a line are {closest:.1} units apart");
        assert!(
            closest >= PHONE_WORD_GAP,
            "{clients} clients: two nodes' words are {closest:.1} units apart"
        );
        // A server's state is right over its circle (its timer arc is 3.5 out), closer to it
        // than to anything above.
        for server in [0, 1] {
            let face = face_of(&stage, server, false);
            let state = face.word_rects()[0];
            let circle_top = face.centre.1 - NODE_R;
            let gap = circle_top - state.bottom;
            assert!(
                (3.5..=6.0).contains(&gap),
                "node {server}'s state is {gap:.1} units over its circle"
            );
        }
    }
}

#[test]
fn the_full_frames_queue_is_where_it_was() {
    // The phone's queue geometry did not move the full stage's: one row, as before.
    for slots in 1..=12 {
        let geo = QueueGeo::new(false, slots);
        let row = Row::new(slots);
        for i in 0..slots {
            assert_eq!(geo.slot(i), (row.x(i), ROW_Y));
            let a = geo.anchor(i);
            assert_eq!((a.x, a.top, a.row), (row.centre(i), ROW_Y, 0));
        }
        let (lock, w) = geo.lock();
        assert_eq!((lock.x, w), (LOCK_X, LOCK_W));
        let (a, b) = (geo.anchor(0), geo.anchor(slots - 1));
        assert_eq!(geo.watch(b, a), watch_path(b.x, a.x));
        assert_eq!(geo.notify(a, b, 0.4), notify_arc(a.x, b.x, 0.4));
    }
    assert_eq!(queue_layout(10).width, WIDTH);
}
