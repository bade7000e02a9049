//! The Paxos tour holds at its stops: each stop is placed as the page places it, opened
//! as its link opens it, and what its caption claims is checked there (who wants which
//! value, who accepted what in which ballot, what is chosen, who crashed, what was
//! refused, how many ballots and prepares there were).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_methods)] // a test may use the std sort; the app uses dsviz::sim::sort

use dsviz::algo::paxos::ghost::ValueSource;
use dsviz::algo::paxos::views::{accept_quorums, ballot_timeline};
use dsviz::algo::paxos::{Ballot, Msg, PaxosNode, Value, Word};
use dsviz::scene::paxos::{Paxos, PaxosView};
use dsviz::scene::tour::place_tour;
use dsviz::scene::{build_scene, At, Scene, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::{NodeId, NodeStatus, Sim, TraceKind};
use std::collections::BTreeSet;

fn n(i: u32) -> NodeId {
    NodeId(i)
}

fn b(round: u32, proposer: u32) -> Ballot {
    Ballot::new(round, n(proposer))
}

fn value(v: &str) -> Value {
    Value::Plain(Word::lit(v))
}

/// Acceptors that ever accepted `value` in `ballot` (slot 0), from their ghost history.
fn voters(sim: &Sim<PaxosNode>, ballot: Ballot, value: Value) -> BTreeSet<u32> {
    sim.nodes()
        .iter()
        .filter(|(_, node, _)| {
            node.acceptor().is_some_and(|a| {
                a.history()
                    .votes()
                    .any(|(slot, v)| slot == 0 && v.ballot == ballot && v.value == value)
            })
        })
        .map(|(id, ..)| id.0)
        .collect()
}

/// Every note and message of the run up to the stop, for claims about what happened.
fn history(run: &SceneRun<Paxos>) -> Vec<TraceKind<PaxosNode>> {
    run.timeline()
        .entries(1, run.cursor())
        .iter()
        .map(|e| e.kind.clone())
        .collect()
}

fn crashed(history: &[TraceKind<PaxosNode>], node: u32) -> bool {
    history
        .iter()
        .any(|k| matches!(k, TraceKind::Crash { node: c } if c.0 == node))
}

fn nacks_sent(history: &[TraceKind<PaxosNode>]) -> usize {
    history
        .iter()
        .filter(|k| {
            matches!(
                k,
                TraceKind::Send {
                    msg: Msg::Nack { .. },
                    ..
                }
            )
        })
        .count()
}

/// What the ballot `ballot` proposed first, and where the value came from.
fn first_value(view: &PaxosView, ballot: Ballot) -> Option<(Value, ValueSource)> {
    view.ballots
        .iter()
        .find(|e| e.record.ballot == ballot)
        .and_then(|e| e.record.first_value)
}

fn chosen_at(view: &PaxosView) -> Option<(Value, Ballot)> {
    view.safety.chosen.get(&0).map(|c| (c.value, c.ballot))
}

#[test]
fn every_paxos_tour_stop_shows_what_its_caption_says() {
    let stops = Paxos::tour();
    let placed = place_tour::<Paxos>();
    assert_eq!(placed.len(), stops.len(), "every stop's scenario exists");
    assert_eq!(
        stops.len(),
        9,
        "the claims below are written for nine stops"
    );
    for (i, (stop, at)) in stops.iter().zip(&placed).enumerate() {
        assert_eq!(stop.title, at.title);
        let mut spec = at.spec.clone();
        let built = build_scene::<Paxos>(&mut spec);
        assert!(
            built.problems.is_empty(),
            "{}: {:?}",
            stop.title,
            built.problems
        );
        let run = built.run;
        let step = at.spec.step.unwrap_or(0);
        assert_eq!(run.cursor(), step, "stop {i} opens at its step");
        if let At::When(holds) = stop.at {
            assert!(holds(run.sim()), "stop {i} ({}) not reached", stop.title);
        }
        let sim = run.sim();
        let view = run.view();
        let past = history(&run);
        let title = stop.title;
        match i {
            0 => {
                // "n0 wants red and n1 wants green, at the same time ... ballots".
                let by: BTreeSet<u32> = view.ballots.iter().map(|e| e.proposer.0).collect();
                assert_eq!(by, BTreeSet::from([0, 1]), "{title}");
                assert_eq!(view.nodes[0].wants, Some(value("red")), "{title}");
                assert_eq!(view.nodes[1].wants, Some(value("green")), "{title}");
                assert_eq!(chosen_at(&view), None, "{title}: nothing chosen yet");
            }
            1 => {
                // "an acceptor refuses ballot 1.0 with a nack: it promised a higher ballot".
                let refusal = sim.in_flight().find_map(|m| match m.msg {
                    Msg::Nack { ballot, promised } => Some((m.from, ballot, promised)),
                    _ => None,
                });
                let (acceptor, ballot, promised) = refusal.expect("a nack in flight");
                assert_eq!(ballot, b(1, 0), "{title}");
                assert!(promised > ballot, "{title}");
                let row = view.acceptors.iter().find(|a| a.node == acceptor);
                assert!(
                    row.is_some_and(|a| a.promised >= promised),
                    "{title}: the acceptor promised {promised}"
                );
            }
            2 => {
                // "n0 crashed after only n0 and n4 accepted red ... green is chosen".
                assert!(crashed(&past, 0), "{title}");
                assert_eq!(
                    voters(sim, b(1, 0), value("red")),
                    BTreeSet::from([0, 4]),
                    "{title}"
                );
                assert_eq!(chosen_at(&view), Some((value("green"), b(1, 1))), "{title}");
                assert_eq!(
                    first_value(&view, b(1, 1)),
                    Some((value("green"), ValueSource::Own)),
                    "{title}: n1's phase 1 heard of no value"
                );
                assert!(view.safety.holds(), "{title}");
            }
            3 => {
                // "Red was accepted by n0, n3 and n4: it is chosen; n3 and n4 have learned
                // it, but n1 and n2 have not. n0 crashed ... n1 proposes red."
                assert_eq!(
                    voters(sim, b(1, 0), value("red")),
                    BTreeSet::from([0, 3, 4]),
                    "{title}"
                );
                assert_eq!(chosen_at(&view), Some((value("red"), b(1, 0))), "{title}");
                assert_eq!(sim.status(n(0)), Some(NodeStatus::Crashed), "{title}");
                for (node, knows) in [(3, true), (4, true), (1, false), (2, false)] {
                    assert_eq!(
                        view.nodes[node].learned == Some(value("red")),
                        knows,
                        "{title}: n{node} has learned red: {:?}",
                        view.nodes[node].learned
                    );
                }
                assert_eq!(
                    first_value(&view, b(1, 1)),
                    Some((value("red"), ValueSource::Adopted { from: b(1, 0) })),
                    "{title}"
                );
                assert!(
                    sim.node(n(1))
                        .and_then(|p| p.proposer())
                        .is_some_and(|p| p.history().was_proposed(&value("green"))),
                    "{title}: n1 was asked for green"
                );
            }
            4 => {
                // "Red is accepted again, in ballot 1.1 ... The chosen badge never changes."
                let again = accept_quorums(&sim.nodes(), 0)
                    .into_iter()
                    .find(|q| q.ballot == b(1, 1))
                    .expect("ballot 1.1 reached acceptors");
                assert!(again.formed && again.value == Some(value("red")), "{title}");
                assert_eq!(chosen_at(&view), Some((value("red"), b(1, 0))), "{title}");
                assert!(view.safety.holds(), "{title}");
            }
            5 => {
                // "n1's promises report red, but n1 proposes green anyway, and the four live
                // acceptors accept it: green is chosen in 1.1 after red was chosen in 1.0 ... the invariants go red."
                assert_eq!(
                    first_value(&view, b(1, 1)),
                    Some((
                        value("green"),
                        ValueSource::KeptOwn {
                            ignored_from: b(1, 0)
                        }
                    )),
                    "{title}"
                );
                let conflict = view.safety.conflicts.first().expect("two values chosen");
                let mut pair = [
                    (conflict.first.value, conflict.first.ballot),
                    (conflict.second.value, conflict.second.ballot),
                ];
                pair.sort_by_key(|p| p.1);
                assert_eq!(pair, [(value("red"), b(1, 0)), (value("green"), b(1, 1))]);
                assert_eq!(
                    voters(sim, b(1, 1), value("green")),
                    BTreeSet::from([1, 2, 3, 4]),
                    "{title}: the four live acceptors"
                );
                assert_eq!(sim.status(n(0)), Some(NodeStatus::Crashed), "{title}");
                assert!(sim.violations().iter().any(Option::is_some), "{title}");
            }
            6 => {
                // "Three proposers, no back-off, no leader, every message 20 ms ... every
                // accept is refused. Ballots climb and nothing is chosen: safe."
                let p = &run.config.paxos;
                assert!(!p.backoff && !p.leader_election, "{title}");
                let net = sim.net_config();
                assert_eq!(
                    (net.latency_min.0, net.latency_max.0),
                    (20_000, 20_000),
                    "{title}"
                );
                let by: BTreeSet<u32> = ballot_timeline(&sim.nodes())
                    .iter()
                    .map(|e| e.proposer.0)
                    .collect();
                assert_eq!(by, BTreeSet::from([0, 1, 2]), "{title}");
                assert!(view.stats.ballots_started >= 12, "{title}");
                assert_eq!(chosen_at(&view), None, "{title}");
                let accepted = view
                    .acceptors
                    .iter()
                    .filter(|a| a.accepted.is_some())
                    .count();
                assert_eq!(accepted, 0, "{title}: every accept request was refused");
                assert!(nacks_sent(&past) > 0, "{title}");
                assert!(view.safety.holds(), "{title}");
            }
            7 => {
                // "every node trusts ... n0. n1 and n2 forward their values to it, and red
                // is chosen in ballot 1.0 with no refusal."
                assert_eq!(view.leader, Some(n(0)), "{title}");
                for forwarder in [1, 2] {
                    assert!(
                        past.iter().any(|k| matches!(k,
                            TraceKind::Send { from, to, msg: Msg::Request { .. }, .. }
                                if from.0 == forwarder && *to == n(0))),
                        "{title}: n{forwarder} forwards to n0"
                    );
                }
                assert_eq!(chosen_at(&view), Some((value("red"), b(1, 0))), "{title}");
                assert_eq!(nacks_sent(&past), 0, "{title}: no refusal");
                assert_eq!(view.stats.ballots_started, 1, "{title}");
            }
            8 => {
                // "A stable leader runs phase 1 once, for every slot from 0 on; then each
                // client command costs a single round trip ... applies it, in order."
                assert_eq!(view.stats.ballots_started, 1, "{title}: one phase 1");
                let prepares = past
                    .iter()
                    .filter(|k| {
                        matches!(
                            k,
                            TraceKind::Send {
                                msg: Msg::Prepare { from_slot: 0, .. },
                                ..
                            }
                        )
                    })
                    .count();
                assert_eq!(prepares, 5, "{title}: one prepare to each acceptor");
                assert!(view.stats.chosen_slots >= 3, "{title}");
                for (id, node, _) in sim.nodes().iter() {
                    if let (Some(l), Some(r)) = (node.learner(), node.replica()) {
                        assert!(r.applied() <= l.prefix(), "{title}: {id} applies in order");
                    }
                }
                // One accept request per acceptor per command: no retry, no second phase 1.
                let m = &view.stats.messages;
                assert_eq!(m.accept, 5 * u64::from(view.stats.chosen_slots), "{title}");
                let applied: Vec<u32> = sim
                    .nodes()
                    .iter()
                    .filter_map(|(_, node, _)| node.replica().map(|r| r.applied()))
                    .collect();
                assert_eq!(applied.len(), 5, "{title}: every node keeps a store");
                assert!(applied.iter().all(|a| *a >= 2), "{title}: {applied:?}");
            }
            _ => unreachable!(),
        }
    }
}
