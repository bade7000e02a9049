//! The kernel's answers to inputs at the edges: a node crashed before it started, and
//! actions that name nodes a run does not have.
use dsviz::sim::{Action, Ctx, NetChange, NodeId, Protocol, Sim, Time, TraceKind};

/// Counts its starts; nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
struct Starter {
    starts: u32,
}

impl Protocol for Starter {
    type Msg = ();
    type Timer = ();
    type Cmd = String;
    type Note = ();

    fn on_start(&mut self, _cx: &mut Ctx<'_, Self>) {
        self.starts += 1;
    }
    fn on_message(&mut self, _cx: &mut Ctx<'_, Self>, _from: NodeId, _msg: ()) {}
    fn on_timer(&mut self, _cx: &mut Ctx<'_, Self>, _timer: ()) {}
    fn on_command(&mut self, _cx: &mut Ctx<'_, Self>, _cmd: String) {}
    fn on_crash(&mut self) {}
    fn state_label(&self) -> &'static str {
        "UP"
    }
}

fn world() -> Sim<Starter> {
    Sim::new(
        1,
        vec![Starter::default(); 3],
        Default::default(),
        Vec::new(),
    )
}

#[test]
fn a_node_crashed_before_it_started_starts_only_when_restarted() {
    let mut sim = world();
    sim.apply(&Action::Crash(NodeId(1)), Time::ZERO, None);
    while sim.step(None) {}
    assert_eq!(sim.node(NodeId(0)).unwrap().starts, 1);
    assert_eq!(
        sim.node(NodeId(1)).unwrap().starts,
        0,
        "down nodes do not start"
    );
    sim.apply(&Action::Restart(NodeId(1)), Time::ZERO, None);
    assert_eq!(
        sim.node(NodeId(1)).unwrap().starts,
        1,
        "restart runs the start"
    );
    while sim.step(None) {}
    assert_eq!(sim.node(NodeId(1)).unwrap().starts, 1, "and only once");
}

#[test]
fn actions_naming_missing_nodes_are_ignored_with_a_reason() {
    let mut sim = world();
    let actions = [
        Action::Crash(NodeId(7)),
        Action::Command(NodeId(3), "hello".to_string()),
        Action::Network(NetChange::Cut {
            from: NodeId(0),
            to: NodeId(9),
        }),
        Action::Network(NetChange::Partition {
            group: vec![NodeId(1), NodeId(42)],
        }),
    ];
    let mut trace = Vec::new();
    for action in &actions {
        sim.apply(action, Time::ZERO, Some(&mut trace));
    }
    let ignored: Vec<&str> = trace
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Ignored { why } => Some(why.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ignored.len(), actions.len(), "{ignored:?}");
    assert!(ignored[0].contains("no node n7"), "{ignored:?}");
    assert_eq!(sim.links().cut_links().count(), 0, "no link was cut");
}

/// Sends one message to node 1 when told to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
struct Sender;

impl Protocol for Sender {
    type Msg = u8;
    type Timer = ();
    type Cmd = String;
    type Note = ();

    fn on_start(&mut self, _cx: &mut Ctx<'_, Self>) {}
    fn on_message(&mut self, _cx: &mut Ctx<'_, Self>, _from: NodeId, _msg: u8) {}
    fn on_timer(&mut self, _cx: &mut Ctx<'_, Self>, _timer: ()) {}
    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, _cmd: String) {
        cx.send(NodeId(1), 7);
    }
    fn on_crash(&mut self) {}
    fn state_label(&self) -> &'static str {
        "UP"
    }
}

#[test]
fn a_parked_message_dropped_by_hand_is_not_dropped_again_when_its_node_crashes() {
    use dsviz::sim::MsgId;
    let mut sim = Sim::new(1, vec![Sender; 2], Default::default(), Vec::new());
    let mut trace = Vec::new();
    while sim.step(Some(&mut trace)) {}
    sim.apply(
        &Action::Pause(NodeId(1), None),
        Time::ZERO,
        Some(&mut trace),
    );
    sim.apply(
        &Action::Command(NodeId(0), "go".into()),
        Time::ZERO,
        Some(&mut trace),
    );
    // The message arrives while node 1 is paused, and waits there.
    while sim.step(Some(&mut trace)) {}
    sim.apply(&Action::DropMessage(MsgId(1)), sim.now(), Some(&mut trace));
    sim.apply(&Action::Crash(NodeId(1)), sim.now(), Some(&mut trace));
    let drops = trace
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Drop { .. }))
        .count();
    assert_eq!(drops, 1, "{trace:#?}");
}
