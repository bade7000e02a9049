//! The pictures tell the truth, in Chromium: the topology draws a node's marks and only the
//! links used so far, the 2PC panel counts forced writes by outcome, and the queue lock's
//! stage draws the children of /lock, the watches, the herd's burst and the leavers.
//! `cargo test --target wasm32-unknown-unknown --test in_browser -- truth_ui::`.

use super::common::{all_text as texts, count, fresh_root, render_app};
use dsviz::algo::locks::WatchTarget;
use dsviz::algo::two_phase_commit::ForcedWrites;
use dsviz::scene::locks::{Departure, DepartureReason, Notification, QueueStage, Znode};
use dsviz::sim::kernel::NodeStatus;
use dsviz::sim::run::{NodeGroup, NodeMark, NodeView, Snapshot, Tone};
use dsviz::sim::{NodeId, Time};
use dsviz::ui::locks::stage::{QueueLockStage, QueueLockStageProps};
use dsviz::ui::scenes::ViewCtx;
use dsviz::ui::topology::{Topology, TopologyProps};
use dsviz::ui::two_pc::{ForcedWritesPanel, ForcedWritesProps};
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::Callback;

fn node(id: u32, state: &'static str, marks: Vec<NodeMark>) -> NodeView {
    NodeView {
        id,
        name: format!("n{id}"),
        state,
        status: NodeStatus::Up,
        details: Vec::new(),
        timers: Vec::new(),
        group: NodeGroup::Core,
        marks,
    }
}

fn snapshot(nodes: Vec<NodeView>, links_used: Vec<(u32, u32)>) -> Snapshot {
    Snapshot {
        step: 5,
        time: Time(1_000),
        nodes,
        messages: Vec::new(),
        lost: Vec::new(),
        cut_links: Vec::new(),
        links_used,
        invariants: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn topology_draws_marks_and_only_the_links_used() {
    let root = fresh_root();
    let blocked = NodeMark {
        text: "blocked".into(),
        tone: Tone::Bad,
    };
    let nodes = vec![
        node(0, "WAITING", Vec::new()),
        node(1, "IN DOUBT", vec![blocked]),
        node(2, "IN DOUBT", Vec::new()),
        node(3, "COMMITTED", Vec::new()),
    ];
    let props = TopologyProps {
        snapshot: snapshot(nodes, vec![(0, 1), (0, 2)]),
        playhead: Time(1_000),
        selected: None,
        partition: None,
        commands: Vec::new(),
        highlights: Vec::new(),
        on_msg: Callback::noop(),
        layout: None,
        overlay: Default::default(),
        compact: false,
        min_scale: false,
    };
    yew::Renderer::<Topology>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    assert_eq!(count(&root, "line.edge"), 2, "two links used of six pairs");
    assert_eq!(count(&root, "line.edge[data-link=\"0-1\"]"), 1);
    assert_eq!(count(&root, "line.edge[data-link=\"1-2\"]"), 0);
    assert_eq!(
        texts(&root, "g.marks-of[data-node=\"1\"] .mark-bad text"),
        ["blocked"]
    );
    assert_eq!(
        count(&root, "g.marks-of[data-node=\"2\"] .mark-bad"),
        0,
        "in doubt is not blocked"
    );
    let label = root
        .query_selector("g.node[data-node=\"1\"]")
        .unwrap()
        .unwrap()
        .get_attribute("aria-label")
        .unwrap();
    assert!(label.contains("blocked"), "{label}");
}

#[wasm_bindgen_test]
async fn the_2pc_panel_counts_forced_writes_by_outcome() {
    let root = fresh_root();
    let props = ForcedWritesProps {
        coordinator: ForcedWrites {
            commit: 4,
            abort: 1,
        },
        participants: ForcedWrites {
            commit: 12,
            abort: 2,
        },
        coordinator_undecided: 1,
        participants_undecided: 3,
    };
    yew::Renderer::<ForcedWritesPanel>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    assert_eq!(texts(&root, "tr.coordinator td"), ["4", "1", "1"]);
    assert_eq!(texts(&root, "tr.participants td"), ["12", "2", "3"]);
    assert_eq!(texts(&root, "tr.total td"), ["16", "3", "4"]);
    let hint = texts(&root, "#forced-writes .hint").join("");
    assert!(hint.contains("Presumed abort"), "{hint}");
    assert!(hint.contains("2n + 1"), "{hint}");
}

fn znode(seq: u64, owner: u32, holds: bool, watching: WatchTarget) -> Znode {
    Znode {
        seq,
        owner: NodeId(owner),
        owner_name: format!("client {}", owner - 1),
        holds,
        told: holds,
        watching,
    }
}

fn ctx(nodes: u32) -> ViewCtx {
    let views = (0..nodes).map(|i| node(i, "WAITING", Vec::new())).collect();
    ViewCtx {
        snapshot: Rc::new(snapshot(views, vec![(0, 2), (0, 3), (0, 4)])),
        selected: None,
        selected_commands: Vec::new(),
        partition: None,
        cursor: 5,
        playhead: Time(1_000),
        compact: false,
        highlights: Vec::new(),
        on_msg: Callback::noop(),
    }
}

#[wasm_bindgen_test]
async fn the_queue_stage_draws_the_children_their_watches_and_the_leavers() {
    let root = fresh_root();
    let queue = QueueStage {
        server: NodeId(0),
        herd: false,
        entries: vec![
            znode(7, 3, true, WatchTarget::Nothing),
            znode(9, 4, false, WatchTarget::Predecessor(7)),
        ],
        notifications: vec![Notification {
            id: 40,
            to: NodeId(3),
            sent: Time(900),
            arrives: Time(1_100),
            deleted: Some(5),
        }],
        departures: vec![Departure {
            seq: 5,
            owner: NodeId(2),
            owner_name: "client 1".into(),
            at: Time(900),
            reason: DepartureReason::Released,
        }],
        now: Time(1_000),
    };
    let props = QueueLockStageProps { queue, ctx: ctx(5) };
    yew::Renderer::<QueueLockStage>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    assert_eq!(count(&root, "g.znode-slot"), 2);
    assert_eq!(texts(&root, "g.znode-slot .seq"), ["#7", "#9"]);
    assert_eq!(texts(&root, "g.znode-slot .who"), ["client 2", "client 3"]);
    assert_eq!(count(&root, "g.znode.holds"), 1);
    assert_eq!(count(&root, ".lock-queue-stage path.watch"), 1);
    assert_eq!(count(&root, ".lock-queue-stage path.watch.herd"), 0);
    assert_eq!(texts(&root, "g.znode.leaving .who"), ["released"]);
    assert_eq!(count(&root, "g.notify"), 1);
    // The stage keeps the generic nodes, in its own layout.
    assert_eq!(count(&root, "g.node"), 5);
}

#[wasm_bindgen_test]
async fn the_herd_stage_fans_notifications_out_to_every_waiter() {
    let root = fresh_root();
    let waiters = [(8, 3), (9, 4), (10, 5), (11, 6)];
    let mut entries = vec![znode(7, 2, true, WatchTarget::Nothing)];
    entries.extend(
        waiters
            .iter()
            .map(|&(s, o)| znode(s, o, false, WatchTarget::LockNode)),
    );
    let notifications = waiters
        .iter()
        .map(|&(_, o)| Notification {
            id: u64::from(o),
            to: NodeId(o),
            sent: Time(1_000),
            arrives: Time(1_400),
            deleted: None,
        })
        .collect();
    let queue = QueueStage {
        server: NodeId(0),
        herd: true,
        entries,
        notifications,
        departures: Vec::new(),
        now: Time(1_000),
    };
    let props = QueueLockStageProps { queue, ctx: ctx(7) };
    yew::Renderer::<QueueLockStage>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".lock-queue-stage path.watch.herd"), 4);
    assert_eq!(
        count(&root, "g.notify"),
        4,
        "one arc per waiter, all at once"
    );
    let caption = texts(&root, ".queue-caption.burst").join("");
    assert!(caption.contains("4 notifications"), "{caption}");
}

#[wasm_bindgen_test]
async fn the_locks_app_shows_the_queue_on_the_stage_and_no_client_to_client_link() {
    let root = render_app("?scene=locks&sc=herd&seed=1&step=400").await;
    assert_eq!(count(&root, ".locks-stage .lock-queue-stage"), 1);
    assert!(count(&root, ".locks-stage g.znode-slot") >= 1);
    // Nodes 0 (ZooKeeper) and 1 (storage) are the only ones clients talk to.
    let links = root.query_selector_all("line.edge").unwrap();
    assert!(links.length() >= 2);
    for i in 0..links.length() {
        let link: Element = wasm_bindgen::JsCast::dyn_into(links.item(i).unwrap()).unwrap();
        let ends = link.get_attribute("data-link").unwrap();
        let (a, b) = ends.split_once('-').unwrap();
        let (a, b): (u32, u32) = (a.parse().unwrap(), b.parse().unwrap());
        assert!(a <= 1 || b <= 1, "clients {a} and {b} look linked");
    }
}
