//! The kernel's fault semantics, each pinned to its exact order of events, on a tiny test
//! protocol: nodes that log everything that happens to them and send or set timers when
//! told to. Every message takes exactly 10 ms, so every arrival time is known in advance.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::sim::trace::{DropReason, TraceEntry, TraceKind};
use dsviz::sim::{
    Action, Ctx, MsgId, NetChange, NetConfig, NodeId, NodeStatus, Protocol, Sim, Time,
};
use std::fmt;
use std::str::FromStr;

const LATENCY: Time = Time::from_millis(10);

/// What a node saw, and when (in ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Seen {
    Started,
    Restarted,
    Msg { from: u32, body: u32 },
    Timer(u32),
}

/// A person's input to a test node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmd {
    /// Send `body` to node `to`.
    Send { to: u32, body: u32 },
    /// Set timer `name` to fire after `after_ms`.
    Timer { name: u32, after_ms: u64 },
    /// Cancel timer `name`.
    Cancel { name: u32 },
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cmd::Send { to, body } => write!(f, "send:{to}:{body}"),
            Cmd::Timer { name, after_ms } => write!(f, "timer:{name}:{after_ms}"),
            Cmd::Cancel { name } => write!(f, "cancel:{name}"),
        }
    }
}

impl FromStr for Cmd {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let num = |i: usize| -> Result<u64, String> {
            parts
                .get(i)
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("bad command {s}"))
        };
        match parts.first() {
            Some(&"send") => Ok(Cmd::Send {
                to: num(1)? as u32,
                body: num(2)? as u32,
            }),
            Some(&"timer") => Ok(Cmd::Timer {
                name: num(1)? as u32,
                after_ms: num(2)?,
            }),
            Some(&"cancel") => Ok(Cmd::Cancel {
                name: num(1)? as u32,
            }),
            _ => Err(format!("bad command {s}")),
        }
    }
}

/// Logs everything; its log is the observer's record, so a crash keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Logger {
    log: Vec<(u64, Seen)>,
}

impl Logger {
    fn seen(&mut self, cx: &Ctx<'_, Self>, what: Seen) {
        self.log.push((cx.now().0 / 1000, what));
    }
}

impl Protocol for Logger {
    type Msg = u32;
    type Timer = u32;
    type Cmd = Cmd;
    type Note = ();

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        self.seen(cx, Seen::Started);
    }

    fn on_restart(&mut self, cx: &mut Ctx<'_, Self>) {
        self.seen(cx, Seen::Restarted);
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, from: NodeId, body: u32) {
        self.seen(cx, Seen::Msg { from: from.0, body });
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: u32) {
        self.seen(cx, Seen::Timer(timer));
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: Cmd) {
        match cmd {
            Cmd::Send { to, body } => cx.send(NodeId(to), body),
            Cmd::Timer { name, after_ms } => cx.set_timer(name, Time::from_millis(after_ms)),
            Cmd::Cancel { name } => cx.cancel_timer(name),
        }
    }

    fn on_crash(&mut self) {}

    fn state_label(&self) -> &'static str {
        "UP"
    }
}

/// Two (or more) loggers, a fixed 10 ms latency, the trace recorded.
struct World {
    sim: Sim<Logger>,
    trace: Vec<TraceEntry<Logger>>,
}

impl World {
    fn new(nodes: usize, duplicate: f64) -> Self {
        let net = NetConfig {
            latency_min: LATENCY,
            latency_max: LATENCY,
            loss: 0.0,
            duplicate,
        };
        let mut world = World {
            sim: Sim::new(1, vec![Logger::default(); nodes], net, Vec::new()),
            trace: Vec::new(),
        };
        world.run_until(0);
        world.trace.clear();
        world
    }

    /// Handles every event due at or before `ms`.
    fn run_until(&mut self, ms: u64) {
        while self
            .sim
            .next_event_time()
            .is_some_and(|t| t <= Time::from_millis(ms))
        {
            self.sim.step(Some(&mut self.trace));
        }
    }

    /// Runs up to `ms`, then takes `action` at `ms`.
    fn at(&mut self, ms: u64, action: Action<Cmd>) {
        self.run_until(ms);
        self.sim
            .apply(&action, Time::from_millis(ms), Some(&mut self.trace));
    }

    fn cmd(&mut self, ms: u64, node: u32, cmd: Cmd) {
        self.at(ms, Action::Command(NodeId(node), cmd));
    }

    /// What node `n` saw after its start, with the time in ms.
    fn seen(&self, n: u32) -> Vec<(u64, Seen)> {
        let log = &self.sim.node(NodeId(n)).expect("a node").log;
        log.iter()
            .copied()
            .filter(|(_, s)| *s != Seen::Started)
            .collect()
    }

    /// The trace since the world was built, as short readable lines, `ms: what`.
    fn events(&self) -> Vec<String> {
        self.trace.iter().map(describe).collect()
    }
}

fn describe(e: &TraceEntry<Logger>) -> String {
    let ms = e.time.0 / 1000;
    let what = match &e.kind {
        TraceKind::Send {
            id,
            from,
            to,
            msg,
            arrives,
            copy_of,
        } => {
            let copy = copy_of.map_or(String::new(), |c| format!(" copy of #{}", c.0));
            format!(
                "send #{} {}->{} body {msg} due {}{copy}",
                id.0,
                from.0,
                to.0,
                arrives.0 / 1000
            )
        }
        TraceKind::Deliver { id, from, to, .. } => {
            format!("deliver #{} {}->{}", id.0, from.0, to.0)
        }
        TraceKind::Drop { id, reason, .. } => format!("drop #{} {}", id.0, reason.label()),
        TraceKind::Delay { id, by, .. } => format!("delay #{} by {}", id.0, by.0 / 1000),
        TraceKind::Timer { node, timer } => format!("timer {timer} at {}", node.0),
        TraceKind::Command { node, cmd } => format!("cmd {cmd} at {}", node.0),
        TraceKind::Crash { node } => format!("crash {}", node.0),
        TraceKind::Restart { node } => format!("restart {}", node.0),
        TraceKind::Pause { node } => format!("pause {}", node.0),
        TraceKind::Resume { node } => format!("resume {}", node.0),
        TraceKind::Network { change } => format!("net {change}"),
        TraceKind::Start { node } => format!("start {}", node.0),
        TraceKind::State { node, to, .. } => format!("state {} {to}", node.0),
        TraceKind::Ignored { why } => format!("ignored: {why}"),
        TraceKind::Violation { message, .. } => format!("violation: {message}"),
        TraceKind::Note { node, .. } => format!("note at {}", node.0),
    };
    format!("{ms}: {what}")
}

fn send(to: u32, body: u32) -> Cmd {
    Cmd::Send { to, body }
}

fn msg(from: u32, body: u32) -> Seen {
    Seen::Msg { from, body }
}

#[test]
fn a_paused_node_parks_its_timers_and_messages_and_replays_them_in_arrival_order() {
    let mut w = World::new(2, 0.0);
    w.cmd(
        0,
        0,
        Cmd::Timer {
            name: 7,
            after_ms: 15,
        },
    );
    w.cmd(0, 1, send(0, 1)); // arrives at 10
    w.at(5, Action::Pause(NodeId(0), None));
    w.cmd(12, 1, send(0, 2)); // arrives at 22
    w.run_until(100);
    assert_eq!(w.seen(0), [], "nothing is handled while paused");
    assert_eq!(w.sim.status(NodeId(0)), Some(NodeStatus::Paused));
    w.at(100, Action::Resume(NodeId(0)));
    w.run_until(100);
    // Handled late, all at the resume time, in the order they reached the node.
    assert_eq!(
        w.seen(0),
        [(100, msg(1, 1)), (100, Seen::Timer(7)), (100, msg(1, 2))]
    );
    assert_eq!(
        w.events(),
        [
            "0: cmd timer:7:15 at 0",
            "0: cmd send:0:1 at 1",
            "0: send #1 1->0 body 1 due 10",
            "5: pause 0",
            "12: cmd send:0:2 at 1",
            "12: send #2 1->0 body 2 due 22",
            "100: resume 0",
            "100: deliver #1 1->0",
            "100: timer 7 at 0",
            "100: deliver #2 1->0",
        ]
    );
}

#[test]
fn a_pause_with_a_duration_ends_by_itself() {
    let mut w = World::new(2, 0.0);
    w.cmd(0, 1, send(0, 1)); // arrives at 10
    w.at(2, Action::Pause(NodeId(0), Some(Time::from_millis(30))));
    w.run_until(100);
    assert_eq!(w.seen(0), [(32, msg(1, 1))]);
    assert_eq!(w.sim.status(NodeId(0)), Some(NodeStatus::Up));
    assert_eq!(
        w.events()[2..],
        ["2: pause 0", "32: resume 0", "32: deliver #1 1->0"]
    );
}

#[test]
fn crashing_a_paused_node_drops_its_parked_messages_and_forgets_its_timers() {
    let mut w = World::new(2, 0.0);
    w.cmd(
        0,
        0,
        Cmd::Timer {
            name: 3,
            after_ms: 12,
        },
    );
    w.cmd(0, 1, send(0, 1)); // arrives at 10, parked
    w.cmd(1, 1, send(0, 2)); // arrives at 11, parked
    w.at(5, Action::Pause(NodeId(0), None));
    w.run_until(20);
    w.at(20, Action::Crash(NodeId(0)));
    w.at(30, Action::Restart(NodeId(0)));
    w.run_until(200);
    // Nothing from before the crash is replayed after the restart.
    assert_eq!(w.seen(0), [(30, Seen::Restarted)]);
    assert_eq!(
        w.events()[5..],
        [
            "5: pause 0",
            "20: crash 0",
            "20: drop #1 node down",
            "20: drop #2 node down",
            "30: restart 0",
        ]
    );
    assert!(w.sim.is_quiescent(), "the parked timer is gone too");
}

#[test]
fn a_link_cut_at_send_time_drops_the_message_on_the_spot() {
    let mut w = World::new(2, 0.0);
    let cut = NetChange::Cut {
        from: NodeId(1),
        to: NodeId(0),
    };
    w.at(0, Action::Network(cut));
    w.cmd(3, 1, send(0, 1));
    w.run_until(100);
    assert_eq!(w.seen(0), []);
    assert_eq!(
        w.events(),
        [
            "0: net cut n1→n0",
            "3: cmd send:0:1 at 1",
            "3: send #1 1->0 body 1 due 3",
            "3: drop #1 partition",
        ]
    );
    // The cut is one-way: the other direction still works.
    w.cmd(100, 0, send(1, 2));
    w.run_until(200);
    assert_eq!(w.seen(1), [(110, msg(0, 2))]);
}

#[test]
fn a_link_cut_while_the_message_is_in_flight_drops_it_on_arrival_and_a_heal_in_time_saves_it() {
    let mut w = World::new(2, 0.0);
    let cut = || {
        Action::Network(NetChange::Cut {
            from: NodeId(1),
            to: NodeId(0),
        })
    };
    let heal = || {
        Action::Network(NetChange::Heal {
            from: NodeId(1),
            to: NodeId(0),
        })
    };
    // Sent on a working link, cut while in flight: lost when it arrives.
    w.cmd(0, 1, send(0, 1));
    w.at(4, cut());
    w.run_until(50);
    // Cut, then healed before the message arrives: it gets through.
    w.at(50, heal());
    w.cmd(51, 1, send(0, 2));
    w.at(52, cut());
    w.at(55, heal());
    w.run_until(100);
    assert_eq!(w.seen(0), [(61, msg(1, 2))]);
    assert_eq!(
        w.events(),
        [
            "0: cmd send:0:1 at 1",
            "0: send #1 1->0 body 1 due 10",
            "4: net cut n1→n0",
            "10: drop #1 partition",
            "50: net heal n1→n0",
            "51: cmd send:0:2 at 1",
            "51: send #2 1->0 body 2 due 61",
            "52: net cut n1→n0",
            "55: net heal n1→n0",
            "61: deliver #2 1->0",
        ]
    );
}

#[test]
fn duplication_sends_a_second_copy_that_is_delivered_too() {
    let mut w = World::new(2, 1.0);
    w.cmd(0, 1, send(0, 9));
    w.run_until(100);
    assert_eq!(w.seen(0), [(10, msg(1, 9)), (10, msg(1, 9))]);
    assert_eq!(
        w.events(),
        [
            "0: cmd send:0:9 at 1",
            "0: send #1 1->0 body 9 due 10",
            "0: send #2 1->0 body 9 due 10 copy of #1",
            "10: deliver #1 1->0",
            "10: deliver #2 1->0",
        ]
    );
    // A copy can be dropped on its own.
    w.cmd(100, 1, send(0, 4));
    w.at(101, Action::DropMessage(MsgId(4)));
    w.run_until(200);
    assert_eq!(w.seen(0)[2..], [(110, msg(1, 4))]);
    assert!(w
        .events()
        .contains(&"101: drop #4 dropped by user".to_string()));
}

#[test]
fn a_cancelled_timer_does_not_fire_and_a_reset_timer_fires_once_at_its_new_time() {
    let mut w = World::new(1, 0.0);
    w.cmd(
        0,
        0,
        Cmd::Timer {
            name: 1,
            after_ms: 10,
        },
    );
    w.cmd(
        0,
        0,
        Cmd::Timer {
            name: 2,
            after_ms: 10,
        },
    );
    w.cmd(5, 0, Cmd::Cancel { name: 1 });
    w.cmd(
        6,
        0,
        Cmd::Timer {
            name: 2,
            after_ms: 20,
        },
    );
    w.run_until(100);
    assert_eq!(w.seen(0), [(26, Seen::Timer(2))]);
}

#[test]
fn a_crashed_node_drops_what_arrives_and_ignores_commands() {
    let mut w = World::new(2, 0.0);
    w.cmd(0, 1, send(0, 1));
    w.at(5, Action::Crash(NodeId(0)));
    w.cmd(6, 0, send(1, 2));
    w.run_until(100);
    assert_eq!(w.seen(0), []);
    assert_eq!(w.seen(1), []);
    let events = w.events();
    assert!(
        events.contains(&"10: drop #1 node down".to_string()),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| e.starts_with("6: ignored")),
        "{events:?}"
    );
}

/// A message that reached a paused node waits in its inbox: it has crossed the network.
/// A partition that starts afterwards should not take it back.
#[test]

fn a_message_parked_before_a_cut_is_still_handled_on_resume() {
    let mut w = World::new(2, 0.0);
    w.at(1, Action::Pause(NodeId(0), None));
    w.cmd(2, 1, send(0, 1)); // arrives (parked) at 12
    w.run_until(20);
    w.at(
        20,
        Action::Network(NetChange::Partition {
            group: vec![NodeId(0)],
        }),
    );
    w.at(30, Action::Resume(NodeId(0)));
    w.run_until(100);
    assert_eq!(w.seen(0), [(30, msg(1, 1))], "{:#?}", w.events());
}

/// Parked messages keep their drop reasons honest: one the network lost is reported lost.
#[test]
fn the_drop_reasons_name_what_happened() {
    let mut w = World::new(3, 0.0);
    w.cmd(0, 1, send(0, 1));
    w.at(1, Action::DropMessage(MsgId(1)));
    w.at(2, Action::Crash(NodeId(2)));
    w.cmd(3, 1, send(2, 2));
    w.run_until(100);
    let drops: Vec<DropReason> = w
        .trace
        .iter()
        .filter_map(|e| match e.kind {
            TraceKind::Drop { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(drops, [DropReason::ByUser, DropReason::NodeDown]);
}

/// A delayed message arrives later than it was due, so a message sent after it overtakes
/// it; the trace says when it arrives now.
#[test]
fn a_delayed_message_arrives_later_and_is_overtaken() {
    let mut w = World::new(2, 0.0);
    w.cmd(0, 1, send(0, 1)); // #1, due at 10
    w.cmd(1, 1, send(0, 2)); // #2, due at 11
    w.at(2, Action::DelayMessage(MsgId(1), Time::from_millis(5)));
    w.run_until(100);
    assert_eq!(w.seen(0), [(11, msg(1, 2)), (15, msg(1, 1))]);
    let events = w.events();
    assert_eq!(
        events[events.len() - 3..],
        [
            "2: delay #1 by 5",
            "11: deliver #2 1->0",
            "15: deliver #1 1->0"
        ]
    );
    let arrives = w.trace.iter().find_map(|e| match e.kind {
        TraceKind::Delay { arrives, by, .. } => Some((arrives, by)),
        _ => None,
    });
    assert_eq!(
        arrives,
        Some((Time::from_millis(15), Time::from_millis(5))),
        "the delay entry carries the new arrival"
    );
}

/// Two delays of one message add up, and the message is delivered once.
#[test]
fn delays_add_up_and_the_message_arrives_once() {
    let mut w = World::new(2, 0.0);
    w.cmd(0, 1, send(0, 7));
    w.at(1, Action::DelayMessage(MsgId(1), Time::from_millis(5)));
    w.at(2, Action::DelayMessage(MsgId(1), Time::from_millis(30)));
    let flying: Vec<(Time, Time)> = w.sim.in_flight().map(|m| (m.arrives, m.delayed)).collect();
    assert_eq!(
        flying,
        [(Time::from_millis(45), Time::from_millis(35))],
        "the view sees the new arrival and the total delay"
    );
    w.run_until(200);
    assert_eq!(w.seen(0), [(45, msg(1, 7))]);
}

/// A delayed message to a node that crashed meanwhile is lost when it arrives, as any.
#[test]
fn a_delayed_message_to_a_crashed_node_is_lost_as_usual() {
    let mut w = World::new(2, 0.0);
    w.cmd(0, 1, send(0, 1)); // due at 10
    w.at(1, Action::DelayMessage(MsgId(1), Time::from_millis(20)));
    w.at(20, Action::Crash(NodeId(0)));
    w.run_until(100);
    assert_eq!(w.seen(0), []);
    let events = w.events();
    assert!(
        events.contains(&"30: drop #1 node down".to_string()),
        "{events:?}"
    );
    assert!(
        !events.iter().any(|e| e.starts_with("10:")),
        "nothing happens at the old arrival time: {events:?}"
    );
}

/// A message that already reached a paused node cannot be held back (it waits in the
/// node's inbox), nor can one that is gone: both are ignored with a reason.
#[test]
fn delaying_a_parked_or_gone_message_is_ignored_with_a_reason() {
    let mut w = World::new(2, 0.0);
    w.at(1, Action::Pause(NodeId(0), None));
    w.cmd(2, 1, send(0, 1)); // reaches the paused node at 12
    w.at(20, Action::DelayMessage(MsgId(1), Time::from_millis(5)));
    w.at(21, Action::DelayMessage(MsgId(9), Time::from_millis(5)));
    w.at(30, Action::Resume(NodeId(0)));
    w.run_until(100);
    assert_eq!(w.seen(0), [(30, msg(1, 1))]);
    let ignored: Vec<String> = w
        .events()
        .into_iter()
        .filter(|e| e.contains("ignored"))
        .collect();
    assert_eq!(
        ignored,
        [
            "20: ignored: message 1 already reached n0, which is paused: it waits there",
            "21: ignored: message 9 is no longer in flight",
        ]
    );
}

/// The text form round-trips, and bad ids and amounts get a clear message.
#[test]
fn the_delay_action_reads_back_and_rejects_bad_amounts() {
    type A = Action<Cmd>;
    let delay = A::DelayMessage(MsgId(12), Time::from_millis(250));
    assert_eq!(delay.to_string(), "delay:12:250000");
    assert_eq!(A::parse("delay:12:250000", 2), Ok(delay));
    let max = dsviz::sim::action::MAX_DELAY;
    assert!(A::parse(&format!("delay:1:{}", max.0), 2).is_ok());
    for (text, says) in [
        (
            "delay:1:0",
            "a delay must be 1 to 10000000 microseconds (10000 ms), not 0",
        ),
        (
            "delay:1:10000001",
            "a delay must be 1 to 10000000 microseconds (10000 ms), not 10000001",
        ),
        (
            "delay:x:5",
            "a message number should be a whole number, not \"x\"",
        ),
        (
            "delay:1:5ms",
            "a delay (in microseconds) should be a whole number, not \"5ms\"",
        ),
        ("delay:1", "\"delay:1\" is missing a part"),
    ] {
        assert_eq!(
            A::parse(text, 2).map_err(|e| e.to_string()),
            Err(says.to_string()),
            "{text}"
        );
    }
}

/// Rewinding over a delay and playing forward again reproduces the run exactly.
#[test]
fn a_delay_replays_identically_after_a_rewind() {
    use dsviz::sim::{Scheduled, Timeline};
    let net = NetConfig {
        latency_min: Time::from_millis(5),
        latency_max: Time::from_millis(25),
        loss: 0.0,
        duplicate: 0.0,
    };
    let start = Sim::new(3, vec![Logger::default(); 3], net, Vec::new());
    let at = |at: u64, ms: u64, action: Action<Cmd>| Scheduled {
        at,
        time: Time::from_millis(ms),
        action,
    };
    let actions = vec![
        at(3, 0, Action::Command(NodeId(1), send(0, 1))),
        at(4, 0, Action::Command(NodeId(2), send(0, 2))),
        at(5, 0, Action::DelayMessage(MsgId(1), Time::from_millis(40))),
    ];
    let mut timeline = Timeline::new(start, actions, 1_000);
    timeline.extend(1_000);
    let end = timeline.horizon();
    timeline.seek(end);
    let (final_print, final_log) = (
        timeline.sim().fingerprint(),
        timeline.sim().node(NodeId(0)).expect("n0").log.clone(),
    );
    assert_eq!(
        final_log.len(),
        3,
        "n0 started and got both messages: {final_log:?}"
    );
    assert_eq!(
        final_log.last().map(|(_, s)| *s),
        Some(msg(1, 1)),
        "the delayed message came last"
    );
    timeline.seek(2);
    assert_ne!(timeline.sim().fingerprint(), final_print);
    timeline.seek(end);
    assert_eq!(timeline.sim().fingerprint(), final_print);
    assert_eq!(timeline.sim().node(NodeId(0)).expect("n0").log, final_log);
}
