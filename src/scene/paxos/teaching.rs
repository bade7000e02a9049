//! The Paxos tour (each idea told from the failure that motivates it) and the legend of
//! every state, colour and mark the scene's views draw.
use super::Paxos;
use crate::algo::paxos::ghost::ValueSource;
use crate::algo::paxos::{views, Msg, PaxosNode};
use crate::scene::{At, Focus, LegendEntry, Swatch, TourStop};
use crate::sim::{NodeId, Sim};

/// A proposer adopted a reported value in one of its ballots.
fn adopted(sim: &Sim<PaxosNode>) -> bool {
    sim.nodes().iter().any(|(_, n, _)| {
        n.proposer().is_some_and(|p| {
            p.history()
                .ballots()
                .iter()
                .any(|r| matches!(r.first_value, Some((_, ValueSource::Adopted { .. }))))
        })
    })
}

fn nack_in_flight(sim: &Sim<PaxosNode>) -> bool {
    sim.in_flight().any(|m| matches!(m.msg, Msg::Nack { .. }))
}

fn two_ballots_started(sim: &Sim<PaxosNode>) -> bool {
    views::ballot_timeline(&sim.nodes()).len() >= 2
}

fn duel_under_way(sim: &Sim<PaxosNode>) -> bool {
    views::stats(&sim.nodes()).ballots_started >= 12
}

/// Every learner has learned slot 0 (a run with heartbeats never comes to rest).
fn everyone_learned(sim: &Sim<PaxosNode>) -> bool {
    sim.nodes()
        .iter()
        .all(|(_, n, _)| n.learner().is_none_or(|l| l.is_learned(0)))
}

fn three_slots_chosen(sim: &Sim<PaxosNode>) -> bool {
    views::stats(&sim.nodes()).chosen_slots >= 3
}

const N0: NodeId = NodeId(0);
const N1: NodeId = NodeId(1);
const N2: NodeId = NodeId(2);
const N3: NodeId = NodeId(3);
const N4: NodeId = NodeId(4);

pub fn tour() -> Vec<TourStop<Paxos>> {
    vec![
        TourStop {
            title: "One round is not enough",
            caption: "n0 wants red, n1 wants green, at once. If acceptors kept the first value they heard, votes could split with no majority; if they could change their minds, red and green could each win a majority in turn. Paxos numbers each attempt (a ballot) and runs two phases under it.",
            scenario: "race",
            at: At::When(two_ballots_started),
            highlights: &[N0, N1],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Ballots and promises",
            caption: "A ballot is (round, proposer): 1.1 is above 1.0. In phase 1 a proposer \
asks for promises: an acceptor that promises 1.1 will accept nothing below it, and has \
written that promise to disk first. Here an acceptor refuses ballot 1.0 with a nack (red): it \
promised a higher ballot.",
            scenario: "race",
            at: At::When(nack_in_flight),
            highlights: &[N0, N1],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "A minority accepted: may lose",
            caption: "n0 crashed (it is back now) after only n0 and n4 accepted red. Two of five is not a quorum: red was never chosen, and nobody learned it. n1's phase 1 heard only acceptors that had accepted nothing, so it was free to propose green: green is chosen. Losing red is safe.",
            scenario: "crash-minority",
            at: At::End,
            highlights: &[N0, N4, N1],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "A majority accepted: adopt it",
            caption: "Red was accepted by n0, n3 and n4: it is chosen; n3 and n4 have \
learned it, but n1 and n2 have not. n0 crashed, and n1 wants green. But any three promises include n3 or n4, \
which report red accepted in ballot 1.0. The rule: propose the value with the highest ballot \
among the promises. n1 proposes red.",
            scenario: "crash-majority",
            at: At::When(adopted),
            highlights: &[N1, N3, N4],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Why a chosen value sticks",
            caption: "Red is accepted again, in ballot 1.1. Every phase-1 quorum meets the \
quorum that chose red, so every later ballot hears of red, or of a higher ballot that itself \
proposed red: by induction no ballot after 1.0 can propose anything else. The chosen badge \
never changes.",
            scenario: "crash-majority",
            at: At::End,
            highlights: &[N1, N3, N4],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Break the rule, break consensus",
            caption: "The same story with a proposer that keeps its own value. n1's promises \
report red, but n1 proposes green anyway, and the four live acceptors accept it: green is \
chosen in 1.1 after red was chosen in 1.0. Two values are chosen; the invariants go red.",
            scenario: "keep-own-value",
            at: At::End,
            highlights: &[N1, N3, N4],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Dueling proposers can livelock",
            caption: "Three proposers, no back-off, no leader. Each new prepare lands between another's phase 1 and its accepts, so every accept is refused: ballots climb and nothing is chosen. Safe, but stuck; in an asynchronous network no deterministic protocol can rule this out (FLP).",
            scenario: "livelock",
            at: At::When(duel_under_way),
            highlights: &[N0, N1, N2],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "A leader ends the duel",
            caption: "The same duel with leader election: every node trusts the live \
proposer with the lowest id, n0. n1 and n2 forward their values to it, and red is chosen in \
ballot 1.0 with no refusal. Random back-off is the other cure: losers wait longer and longer, \
at random, until one gets two quiet round trips.",
            scenario: "leader",
            at: At::When(everyone_learned),
            highlights: &[N0],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Multi-Paxos runs phase 1 once",
            caption: "A log of commands is one Paxos instance per slot. A stable leader runs \
phase 1 once, for every slot from 0 on; then each client command costs a single round trip, \
accept and accepted. Every learner fills its log slot by slot and applies it, in order, to \
its key-value store.",
            scenario: "multi",
            at: At::When(three_slots_chosen),
            highlights: &[N0],
            focus: Focus::Nodes,
        },
    ]
}

pub fn legend() -> Vec<LegendEntry> {
    let class = Swatch::Class;
    let entry = |swatch, label, meaning| LegendEntry {
        swatch,
        label,
        meaning,
    };
    vec![
        entry(class("px-roles-swatch"), "P A L", "Under a node's name, its roles: P proposes values, A accepts them (it counts in quorums), L learns what was chosen."),
        entry(class("px-state-preparing"), "preparing", "A proposer in phase 1: it sent prepare and counts promises."),
        entry(class("px-state-accepting"), "accepting", "A proposer in phase 2: it sent accept requests for its value (leading, in Multi-Paxos)."),
        entry(class("px-state-backing-off"), "backing off", "A proposer waiting after a refused or timed-out ballot."),
        entry(class("px-state-idle"), "idle", "A proposer with nothing to do, or a node that only accepts and learns."),
        entry(Swatch::NodeState("crashed"), "crashed", "A crashed node: it keeps only what it wrote to disk."),
        entry(class("px-leader"), "leader", "The node every other node currently takes for the leader."),
        entry(class("px-msg-prepare"), "1a prepare", "Phase 1a: \"promise to ignore ballots below this one\"."),
        entry(class("px-msg-promise"), "1b promise", "Phase 1b: the promise, with the highest-ballot value the acceptor accepted."),
        entry(class("px-msg-accept"), "2a accept", "Phase 2a: \"accept this value in this ballot\"."),
        entry(class("px-msg-accepted"), "2b accepted", "Phase 2b: the acceptor accepted; it tells the learners and the proposer."),
        entry(class("px-msg-nack"), "nack", "A refusal: the acceptor promised a higher ballot."),
        entry(class("px-msg-other"), "other", "Heartbeats, client requests and replies, and learners catching up."),
        entry(class("px-held"), "held back", "A message you held back (dashed ring, +time): it arrives that much later than the network would have brought it."),
        entry(class("px-chosen"), "chosen", "The simulator's global fact: a phase-2 quorum accepted this value in one ballot. No node needs to know it yet."),
        entry(class("px-learned"), "knows", "What one learner has learned. It may lag behind what is chosen."),
        entry(class("px-quorum"), "quorum", "Acceptors that promised (or accepted) one ballot; solid once there are enough."),
        entry(class("px-forgot"), "forgot", "A broken acceptor whose promise is lower than one it made before a crash."),
        entry(class("px-ballot-chosen"), "ballot chosen", "On the ballot timeline, at a bar's end (the bar has its value's colour): the ballot got its value chosen."),
        entry(class("px-ballot-preempted"), "preempted", "On the ballot timeline: a higher ballot overtook it."),
        entry(class("px-ballot-timedout"), "timed out", "On the ballot timeline: no quorum answered in time."),
        entry(class("px-ballot-running"), "running", "On the ballot timeline: the ballot is still in progress."),
        entry(class("px-ballot-ended"), "ended", "On the ballot timeline: its proposer stepped down, crashed, or the value was decided elsewhere."),
        entry(class("px-safe"), "safety holds", "No slot has two chosen values."),
        entry(class("px-broken"), "consensus broken", "Two different values were chosen in one slot."),
    ]
}
