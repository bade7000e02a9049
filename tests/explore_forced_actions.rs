//! The forced actions a path of the explorer replays with (`deliver:<msg>`, `lose:<msg>`,
//! `fire:<node>:<n>`): their link text round-trips, bad text gets a message, bad ids are
//! ignored steps with a reason (never a panic), and each does exactly what the explorer's
//! choice does, the clock never going back afterwards; and a timeline playing such a link
//! knows when each forced step happens (the playhead finds the right step by time).
use dsviz::sim::action::{Forced, MAX_TIMER_NUMBER};
use dsviz::sim::{
    Action, Choice, Ctx, MsgId, NodeId, Protocol, Scheduled, Sim, Time, Timeline, TraceEntry,
    TraceKind,
};

/// Node 0 pings every other node and sets a timer; the others count the pings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
struct Pinger {
    pings: u32,
    ticks: u32,
}

impl Protocol for Pinger {
    type Msg = u32;
    type Timer = u32;
    type Cmd = String;
    type Note = ();

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        if cx.id() == NodeId(0) {
            for to in 1..cx.node_count() {
                cx.send(NodeId(to), to);
            }
            cx.set_timer(7, Time::from_millis(500));
        }
    }
    fn on_message(&mut self, _cx: &mut Ctx<'_, Self>, _from: NodeId, _msg: u32) {
        self.pings += 1;
    }
    fn on_timer(&mut self, _cx: &mut Ctx<'_, Self>, _timer: u32) {
        self.ticks += 1;
    }
    fn on_command(&mut self, _cx: &mut Ctx<'_, Self>, _cmd: String) {}
    fn on_crash(&mut self) {}
    fn state_label(&self) -> &'static str {
        "UP"
    }
}

fn started() -> Sim<Pinger> {
    let mut sim = Sim::new(
        3,
        vec![Pinger::default(); 3],
        Default::default(),
        Vec::new(),
    );
    sim.start_all();
    sim
}

type A = Action<String>;

#[test]
fn forced_actions_round_trip_through_their_link_text() {
    for text in ["deliver:7", "lose:0", "fire:2:3", "fire:0:255"] {
        let action = A::parse(text, 3).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(action.to_string(), text);
    }
    assert_eq!(
        A::parse("deliver:12", 3),
        Ok(Action::Force(Forced::Deliver(MsgId(12))))
    );
    assert_eq!(
        A::parse("fire:1:2", 3),
        Ok(Action::Force(Forced::Fire(NodeId(1), 2)))
    );
}

#[test]
fn bad_forced_action_text_is_refused_with_a_message() {
    let cases = [
        ("deliver:x", "a message number should be a whole number"),
        ("deliver", "is missing a part"),
        ("lose:3:4", "a part too many"),
        ("fire:9:0", "there is no node 9"),
        ("fire:1", "is missing a part"),
        ("fire:1:-1", "a timer number should be a whole number"),
        (
            "fire:1:99999999999",
            "a timer number should be a whole number",
        ),
    ];
    for (text, expected) in cases {
        let error = A::parse(text, 3).expect_err(text);
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
    let too_high = format!("fire:1:{}", MAX_TIMER_NUMBER + 1);
    let error = A::parse(&too_high, 3).expect_err("past the cap");
    assert!(error.to_string().contains("must be 0 to 255"), "{error}");
}

/// Applies `action` and returns the one entry it recorded (an ignored step's reason).
fn ignored_reason(sim: &mut Sim<Pinger>, action: A) -> String {
    let before = sim.step_count();
    let mut trace: Vec<TraceEntry<Pinger>> = Vec::new();
    let now = sim.now();
    sim.apply(&action, now, Some(&mut trace));
    assert_eq!(sim.step_count(), before + 1, "an action is a step");
    match &trace[..] {
        [TraceEntry {
            kind: TraceKind::Ignored { why },
            ..
        }] => why.clone(),
        other => panic!("{action}: expected one ignored entry, got {other:?}"),
    }
}

#[test]
fn forced_actions_naming_what_is_not_there_are_ignored_steps_with_a_reason() {
    let mut sim = started();
    let untouched = sim.state_fingerprint();
    let why = ignored_reason(&mut sim, Action::Force(Forced::Deliver(MsgId(999))));
    assert_eq!(why, "message 999 is not in flight");
    let why = ignored_reason(&mut sim, Action::Force(Forced::Lose(MsgId(999))));
    assert_eq!(why, "message 999 is not in flight");
    let why = ignored_reason(&mut sim, Action::Force(Forced::Fire(NodeId(1), 0)));
    assert!(
        why.contains("has no timer number 0 set (it has 0)"),
        "{why}"
    );
    let why = ignored_reason(&mut sim, Action::Force(Forced::Fire(NodeId(99), 0)));
    assert!(why.contains("there is no node"), "{why}");
    // A message to a crashed node cannot be handed over, only lost.
    let to_two = sim
        .in_flight()
        .find(|m| m.to == NodeId(2))
        .expect("a ping")
        .id;
    let now = sim.now();
    sim.apply(&Action::Crash(NodeId(2)), now, None);
    let why = ignored_reason(&mut sim, Action::Force(Forced::Deliver(to_two)));
    assert!(why.contains("is not running"), "{why}");
    assert_ne!(
        sim.state_fingerprint(),
        untouched,
        "the crash did change the world"
    );
}

#[test]
fn a_forced_step_does_what_the_explorers_choice_does() {
    let base = started();
    let last = base
        .in_flight()
        .map(|m| m.id)
        .max()
        .expect("pings in flight");
    for (forced, choice) in [
        (Forced::Deliver(last), Choice::Deliver(last)),
        (Forced::Lose(last), Choice::Lose(last)),
        (
            Forced::Fire(NodeId(0), 0),
            Choice::Fire {
                node: NodeId(0),
                timer: 0,
            },
        ),
    ] {
        let mut by_action = base.clone();
        let mut by_choice = base.clone();
        by_action.apply(&Action::Force(forced), Time(0), None);
        assert!(by_choice.choose(choice, None), "{choice:?} is a choice");
        assert_eq!(
            by_action.fingerprint(),
            by_choice.fingerprint(),
            "{forced:?}: the exact same world (clock, ids, random state)"
        );
        assert_eq!(by_action.step_count(), base.step_count() + 1);
    }
}

#[test]
fn after_a_forced_timer_the_messages_due_earlier_arrive_late_never_back_in_time() {
    let mut sim = started();
    let mut trace: Vec<TraceEntry<Pinger>> = Vec::new();
    // The timer is due at 500 ms; the pings at 10 to 30 ms.
    sim.apply(
        &Action::Force(Forced::Fire(NodeId(0), 0)),
        Time(0),
        Some(&mut trace),
    );
    let fired_at = sim.now();
    assert!(fired_at >= Time::from_millis(500), "{fired_at}");
    assert_eq!(sim.node(NodeId(0)).map(|p| p.ticks), Some(1));
    let mut delivered = 0;
    while sim.step(Some(&mut trace)) {
        assert!(sim.now() >= fired_at, "time went back to {}", sim.now());
        delivered += 1;
    }
    assert_eq!(delivered, 2, "both pings still arrive: {trace:?}");
    let times: Vec<Time> = trace.iter().map(|e| e.time).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
}

/// A link of forced steps, as the explorer writes one: the steps happen when their timer
/// or message was due, later than the time written in the link (the time before the step)
/// and, for a late delivery or a timer fired first, later than the next event. Playing it,
/// the playhead asks the timeline for the last step at or before a time: every answer must
/// be the step a look at each step's time gives, also far from the trace window (where
/// the timeline replays from a checkpoint and must guess each next step's time).
#[test]
fn the_timeline_finds_forced_steps_by_the_time_they_happen() {
    let base = started();
    let at = base.step_count();
    let now = base.now();
    let last = base.in_flight().map(|m| m.id).max().expect("pings");
    let cases = [
        // The timer first (due at 500 ms), before the pings due at 10 to 30 ms.
        vec![Forced::Fire(NodeId(0), 0)],
        // The last ping first, then the timer.
        vec![Forced::Deliver(last), Forced::Fire(NodeId(0), 0)],
    ];
    for forced in cases {
        let actions: Vec<Scheduled<String>> = forced
            .iter()
            .enumerate()
            .map(|(i, f)| Scheduled {
                at: at + i as u64,
                time: now,
                action: Action::Force(*f),
            })
            .collect();
        let mut timeline = Timeline::new(base.clone(), actions, 100);
        timeline.extend(100);
        let horizon = timeline.horizon();
        let times: Vec<Time> = (0..=horizon).map(|s| timeline.time_of(s)).collect();
        let forced_at = times[at as usize + forced.len()];
        assert!(
            forced_at > times[at as usize],
            "{forced:?}: the forced steps move the clock"
        );
        // Keep the trace window at the last step only, so that earlier steps are found
        // from a checkpoint.
        drop(timeline.entries(horizon, horizon));
        for probe in [
            now,
            Time::from_millis(20),
            forced_at.saturating_sub(Time(1)),
            forced_at,
            Time::from_millis(10_000),
        ] {
            let expected = times.iter().rposition(|t| *t <= probe).unwrap_or(0) as u64;
            assert_eq!(
                timeline.step_at_time(probe),
                expected,
                "{forced:?}: the last step at or before {probe} (steps at {times:?})"
            );
        }
    }
}
