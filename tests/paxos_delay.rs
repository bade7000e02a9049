//! What holding one message back teaches (`Action::DelayMessage`, the challenge's "delay
//! or drop messages"): correct Paxos takes a different path but stays safe, while a broken
//! variant can be beaten with delays alone, no crash spent.
//!
//! Every message takes exactly 10 ms here, so each story is told by the order of events.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort

use dsviz::algo::paxos::views::safety_report;
use dsviz::algo::paxos::{new_sim, Ballot, Cmd, Msg, PaxosConfig, PaxosNode, Value, Variant, Word};
use dsviz::sim::{Action, MsgId, NodeId, Sim, Time, TraceEntry, TraceKind};

const LATENCY: Time = Time::from_millis(10);
const HORIZON: Time = Time::from_millis(3_000);

fn n(i: u32) -> NodeId {
    NodeId(i)
}

fn b(round: u32, proposer: u32) -> Ballot {
    Ballot::new(round, n(proposer))
}

fn red() -> Value {
    Value::Plain(Word::lit("red"))
}

fn green() -> Value {
    Value::Plain(Word::lit("green"))
}

/// The default cluster (n0..n2 propose, accept and learn; n3, n4 accept and learn;
/// majorities of 3), n0 proposing red at time 0, every message 10 ms.
fn config(variant: Variant) -> PaxosConfig {
    PaxosConfig {
        variant,
        latency_min: LATENCY,
        latency_max: LATENCY,
        ..PaxosConfig::default()
    }
}

/// A run with its trace recorded.
struct Play {
    sim: Sim<PaxosNode>,
    trace: Vec<TraceEntry<PaxosNode>>,
}

impl Play {
    fn new(variant: Variant) -> Self {
        Play {
            sim: new_sim(1, &config(variant)),
            trace: Vec::new(),
        }
    }

    /// Steps until `done` holds (checked before each step); false if the run ended first.
    fn until(&mut self, done: impl Fn(&Sim<PaxosNode>) -> bool) -> bool {
        while !done(&self.sim) {
            if self.sim.next_event_time().is_none_or(|t| t > HORIZON)
                || !self.sim.step(Some(&mut self.trace))
            {
                return false;
            }
        }
        true
    }

    fn finish(&mut self) {
        self.until(|_| false);
    }

    fn act(&mut self, action: Action<Cmd>) {
        let now = self.sim.now();
        self.sim.apply(&action, now, Some(&mut self.trace));
    }

    /// Holds back by `by` every message in flight from `from` to `to` that `test` accepts;
    /// returns how many.
    fn delay(&mut self, from: u32, to: u32, by: Time, test: impl Fn(&Msg) -> bool) -> usize {
        let ids: Vec<MsgId> = self
            .sim
            .in_flight()
            .filter(|m| m.from == n(from) && m.to == n(to) && test(&m.msg))
            .map(|m| m.id)
            .collect();
        for id in &ids {
            self.act(Action::DelayMessage(*id, by));
        }
        ids.len()
    }

    /// Messages sent, as (from, to, message).
    fn sends(&self) -> impl Iterator<Item = (NodeId, NodeId, &Msg)> {
        self.trace.iter().filter_map(|e| match &e.kind {
            TraceKind::Send { from, to, msg, .. } => Some((*from, *to, msg)),
            _ => None,
        })
    }

    fn sent_accepted(&self, by: u32, ballot: Ballot) -> bool {
        self.sends().any(|(from, _, m)| {
            from == n(by) && matches!(m, Msg::Accepted { ballot: x, .. } if *x == ballot)
        })
    }

    fn crashes(&self) -> usize {
        self.trace
            .iter()
            .filter(|e| matches!(e.kind, TraceKind::Crash { .. }))
            .count()
    }
}

fn accepts_in_flight(sim: &Sim<PaxosNode>, ballot: Ballot) -> bool {
    sim.in_flight()
        .any(|m| matches!(m.msg, Msg::Accept { ballot: x, .. } if x == ballot))
}

fn is_accept(m: &Msg) -> bool {
    matches!(m, Msg::Accept { .. })
}

/// n0's accept requests for 1.0 are on their way; n1 is told to propose green. With
/// `held`, n0's accept request to n4 is held back 300 ms first.
fn second_proposer_overtakes(held: bool) -> Play {
    let mut play = Play::new(Variant::Correct);
    assert!(play.until(|sim| accepts_in_flight(sim, b(1, 0))));
    if held {
        let held = play.delay(0, 4, Time::from_millis(300), is_accept);
        assert_eq!(held, 1, "one accept request from n0 to n4");
    }
    play.act(Action::Command(n(1), Cmd::Propose(Word::lit("green"))));
    play.finish();
    play
}

/// One accept request held back: n1's prepare for 1.1 reaches n4 first, so n4 promises
/// 1.1 and then refuses n0's late accept for 1.0 with a nack. Red is still the one value
/// chosen (by n0..n3 in 1.0): a different path, the same safe outcome.
#[test]
fn holding_one_accept_back_lets_a_higher_ballot_in_first_and_the_late_accept_is_refused() {
    let plain = second_proposer_overtakes(false);
    let held = second_proposer_overtakes(true);

    // Without the delay n4 accepts red in 1.0 and refuses nothing.
    assert!(plain.sent_accepted(4, b(1, 0)), "n4 accepts 1.0 on time");
    let nacks = |p: &Play| -> Vec<(NodeId, NodeId, Msg)> {
        p.sends()
            .filter(|(_, _, m)| matches!(m, Msg::Nack { .. }))
            .map(|(f, t, m)| (f, t, m.clone()))
            .collect()
    };
    assert_eq!(nacks(&plain), [], "no refusal without the delay");

    // With it, n4 promised 1.1 before the accept for 1.0 arrived, and refuses it.
    assert!(!held.sent_accepted(4, b(1, 0)), "n4 never accepts 1.0");
    assert_eq!(
        nacks(&held),
        [(
            n(4),
            n(0),
            Msg::Nack {
                ballot: b(1, 0),
                promised: b(1, 1)
            }
        )],
        "n4 refuses n0's late accept request, naming the ballot it promised"
    );
    let nack_at = held
        .trace
        .iter()
        .find(|e| {
            matches!(
                &e.kind,
                TraceKind::Send {
                    msg: Msg::Nack { .. },
                    ..
                }
            )
        })
        .map(|e| e.time);
    assert_eq!(
        nack_at,
        Some(Time::from_millis(20 + 10 + 300)),
        "the refusal comes when the held accept finally arrives"
    );

    for play in [&plain, &held] {
        let report = safety_report(&play.sim.nodes());
        assert!(report.holds(), "{:?}", report.conflicts);
        let chosen = report.chosen.get(&0).expect("a value is chosen");
        assert_eq!((chosen.value, chosen.ballot), (red(), b(1, 0)));
        assert!(play.sim.violations().iter().all(Option::is_none));
    }
}

/// The moves of the broken-variant test: n0's accept requests for 1.0 to n1 and n2 held
/// back (so red is chosen by n0, n3 and n4 only), then the accepted messages telling n2
/// held back (so n2 does not learn red), then n2 told to propose green. No crash.
fn n2_kept_in_the_dark(variant: Variant) -> Play {
    let mut play = Play::new(variant);
    let long = Time::from_millis(500);
    assert!(play.until(|sim| accepts_in_flight(sim, b(1, 0))));
    assert_eq!(play.delay(0, 1, long, is_accept), 1);
    assert_eq!(play.delay(0, 2, long, is_accept), 1);
    let told_n2 = |sim: &Sim<PaxosNode>| {
        sim.in_flight()
            .filter(|m| m.to == n(2) && matches!(m.msg, Msg::Accepted { .. }))
            .count()
            == 3
    };
    assert!(
        play.until(told_n2),
        "n0, n3 and n4 tell n2 they accepted red"
    );
    for from in [0, 3, 4] {
        let held = play.delay(from, 2, long, |m| matches!(m, Msg::Accepted { .. }));
        assert_eq!(held, 1);
    }
    play.act(Action::Command(n(2), Cmd::Propose(Word::lit("green"))));
    play.finish();
    play
}

/// Red is chosen in 1.0 but n2 has not heard; its phase 1 for 1.2 reports red from any
/// three acceptors. Correct Paxos adopts red and proposes it in 1.2: safe. The broken
/// proposer keeps green, and green is chosen in 1.2 too: consensus broken with delays
/// alone, inside the challenge's crash budget (no crash at all).
#[test]
fn the_same_delays_leave_correct_paxos_safe_and_break_a_proposer_that_keeps_its_value() {
    let correct = n2_kept_in_the_dark(Variant::Correct);
    let report = safety_report(&correct.sim.nodes());
    assert!(report.holds(), "correct: {:?}", report.conflicts);
    let chosen = report.chosen.get(&0).expect("red is chosen");
    assert_eq!((chosen.value, chosen.ballot), (red(), b(1, 0)));
    assert!(
        correct.sends().any(|(from, _, m)| from == n(2)
            && *m
                == Msg::Accept {
                    ballot: b(1, 2),
                    slot: 0,
                    value: red()
                }),
        "correct n2 adopts red in 1.2"
    );
    assert!(correct.sim.violations().iter().all(Option::is_none));

    let broken = n2_kept_in_the_dark(Variant::KeepOwnValue);
    assert_eq!(broken.crashes(), 0, "no crash was spent");
    let report = safety_report(&broken.sim.nodes());
    let conflict = report.conflicts.first().expect("two values chosen");
    let mut pair = [
        (conflict.first.value, conflict.first.ballot),
        (conflict.second.value, conflict.second.ballot),
    ];
    pair.sort_by_key(|p| p.1);
    assert_eq!(pair, [(red(), b(1, 0)), (green(), b(1, 2))]);
    let broken_invariants: Vec<&str> = broken
        .sim
        .violations()
        .iter()
        .zip(broken.sim.invariants())
        .filter(|(v, _)| v.is_some())
        .map(|(_, i)| i.name)
        .collect();
    assert!(
        broken_invariants.contains(&"chosen value sticks"),
        "{broken_invariants:?}"
    );
}

/// The broken-variant win above, played as a person would in the challenge: the moves are
/// link actions (`delay:<id>:<micros>` and a proposal from n2's menu), the badge says
/// consensus broke with no crash spent, and the link of the run replays the win.
#[test]
fn the_challenge_is_won_with_delays_alone_and_the_winning_link_replays_it() {
    use dsviz::scene::paxos::Paxos;
    use dsviz::scene::{build_scene, RunSpec, SceneRun};
    use dsviz::sim::run::Run;

    fn open(query: &str) -> Box<SceneRun<Paxos>> {
        let (mut spec, problems) = RunSpec::from_query(query);
        assert!(problems.is_empty(), "{problems:?}");
        build_scene::<Paxos>(&mut spec).run
    }
    /// Steps the run forward until `done` holds.
    fn until(run: &mut SceneRun<Paxos>, done: impl Fn(&Sim<PaxosNode>) -> bool) {
        while !done(run.sim()) {
            if run.cursor() >= run.horizon() {
                assert!(run.extend(100) > 0, "the run ended first");
            }
            run.seek(run.cursor() + 1);
        }
    }
    /// Takes `delay:<id>:500000` for each message from a sender in `from` to `to` that
    /// `test` accepts.
    fn hold(run: &mut SceneRun<Paxos>, from: &[u32], to: u32, test: fn(&Msg) -> bool) {
        let ids: Vec<u64> = run
            .sim()
            .in_flight()
            .filter(|m| from.contains(&m.from.0) && m.to == n(to) && test(&m.msg))
            .map(|m| m.id.0)
            .collect();
        assert_eq!(ids.len(), from.len(), "one message from each");
        for id in ids {
            let time = run.sim().now();
            run.take(&format!("delay:{id}:500000"), time)
                .expect("a delay");
        }
    }

    let base = "?scene=paxos&seed=1&challenge=1&variant=keep-own-value&lat=10-10";
    let mut run = open(base);
    until(&mut run, |sim| accepts_in_flight(sim, b(1, 0)));
    hold(&mut run, &[0], 1, is_accept);
    hold(&mut run, &[0], 2, is_accept);
    until(&mut run, |sim| {
        sim.in_flight()
            .filter(|m| m.to == n(2) && matches!(m.msg, Msg::Accepted { .. }))
            .count()
            == 3
    });
    hold(&mut run, &[0, 3, 4], 2, |m| {
        matches!(m, Msg::Accepted { .. })
    });
    let propose = run
        .node_commands(2)
        .into_iter()
        .find(|c| c.action.ends_with(":propose:green"))
        .expect("n2's menu offers green")
        .action;
    let time = run.sim().now();
    run.take(&propose, time).expect("a proposal");
    run.extend(3_000);
    run.seek(run.horizon());
    let view = run.view();
    let challenge = view.challenge.expect("challenge mode");
    assert_eq!(
        (challenge.in_run, challenge.budget),
        (0, 2),
        "no crash spent"
    );
    assert!(!view.safety.holds(), "two values chosen");

    let actions = run.actions_text();
    assert_eq!(
        actions.iter().filter(|a| a.contains(":delay:")).count(),
        5,
        "{actions:?}"
    );
    let link = format!("{base}&a={}", actions.join(","));
    let mut again = open(&link);
    again.extend(3_000);
    again.seek(again.horizon());
    assert_eq!(again.view().safety, view.safety, "the link replays the win");
}
