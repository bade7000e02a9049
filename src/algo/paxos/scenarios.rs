//! Ready-made runs, each placing its faults at moments the run defines ("once n0 has its
//! promises", "once red is chosen") rather than at fixed steps.
//!
//! Most stories steer which acceptors a proposer can reach with one-way link cuts: a
//! message sent over a cut link is lost, and a proposer's phase timeout later sends its
//! accept requests again, which is how an "old" request arrives late.
use super::ballot::{Ballot, Slot};
use super::config::{PaxosConfig, Variant};
use super::invariants::chosen_in;
use super::messages::{Cmd, Msg};
use super::node::PaxosNode;
use super::script::{
    accepting, b, chosen, cut, drop_accept_for, drop_msg, heal, heal_all, learned, n,
    no_accept_from, only_reach, partition, preparing, promised, proposal, propose, proposer_of,
    voted, when,
};
pub use super::script::{play, Scenario, PLAY_STEP_LIMIT};
use super::value::{Value, Word};
use crate::sim::scenario::Trigger;
use crate::sim::{Action, Sim, Time};

pub use crate::sim::scenario::ScenarioInfo;

type Builder = fn() -> Scenario;

const SCENARIOS: [(ScenarioInfo, Builder); 15] = [
    (
        ScenarioInfo {
            id: "happy",
            title: "The happy path",
            description: "n0 proposes red. It sends prepare 1.0 to the five acceptors, gets \
                          three promises (none has accepted anything, so it is free to \
                          propose its own value), sends accept 1.0 red, and once three \
                          acceptors accepted it red is chosen. Every learner learns red when \
                          three acceptances of ballot 1.0 reach it: four message delays in \
                          all.",
        },
        happy,
    ),
    (
        ScenarioInfo {
            id: "race",
            title: "Two proposers race",
            description: "n0 proposes red and, 15 ms later, n1 proposes green. n1's ballot \
                          1.1 is higher than 1.0, so acceptors that promised 1.1 refuse n0's \
                          accept requests. Whoever loses backs off and tries again with a \
                          higher ballot; if a value was already accepted by then, its phase 1 \
                          reports it and it must propose that value, not its own. Exactly one \
                          value is chosen.",
        },
        race,
    ),
    (
        ScenarioInfo {
            id: "livelock",
            title: "Dueling proposers: livelock",
            description: "Three proposers get their values 30 ms apart, with no back-off \
                          and no leader: a proposer whose ballot is refused retries at once \
                          with a higher one. On this network (every message takes exactly \
                          20 ms) each new prepare lands just after another proposer finished \
                          phase 1 and before its accept requests arrive, so every accept is \
                          refused. Ballots climb forever and nothing is ever chosen: Paxos \
                          stays safe but makes no progress.",
        },
        livelock,
    ),
    (
        ScenarioInfo {
            id: "leader",
            title: "A leader ends the duel",
            description: "The same three proposers and network as the livelock, with leader \
                          election on: every node trusts the live proposer with the lowest \
                          id, n0. Only n0 runs ballots; n1 and n2 forward their values to it. \
                          Red is chosen in ballot 1.0 with no duel.",
        },
        leader,
    ),
    (
        ScenarioInfo {
            id: "backoff",
            title: "Random back-off ends the duel",
            description: "The livelock again, but a refused proposer waits a random time, up \
                          to 20 ms and doubling with each failure in a row. The proposers \
                          drift out of step, one of them gets two undisturbed round trips, \
                          and its value is chosen. How long it takes depends on the seed.",
        },
        backoff,
    ),
    (
        ScenarioInfo {
            id: "crash-minority",
            title: "The proposer crashes after a minority accepted",
            description: "n0's accept requests for red reach only n0 itself and n4, then n0 \
                          crashes. Two acceptances out of five are not a quorum: red is not \
                          chosen. n4 is cut off while n1 proposes green; n1's phase 1 hears \
                          only from acceptors that accepted nothing, so it is free to propose \
                          green, and green is chosen in ballot 1.1. (Had n4 answered, n1 \
                          would have adopted red, which is just as safe.) n4 later learns \
                          green and n0 comes back.",
        },
        crash_minority,
    ),
    (
        ScenarioInfo {
            id: "crash-majority",
            title: "The proposer crashes after a majority accepted",
            description: "The heart of Paxos. n0's red is accepted by n0, n3 and n4: red is \
                          chosen, though n1 and n2 never hear of it. n0 crashes and n1 \
                          proposes green. Any three promises n1 can get include n3 or n4, \
                          which report red accepted in ballot 1.0, so n1 must drop green and \
                          propose red. Red is accepted again in ballot 1.1: a chosen value \
                          never changes.",
        },
        crash_majority,
    ),
    (
        ScenarioInfo {
            id: "acceptor-restart",
            title: "An acceptor restarts with its promise",
            description: "n0 gets promises for 1.0 from n0, n1 and n3, but its accept \
                          requests reach only n0 and n1. n2 then runs ballot 1.2 with green \
                          and gets promises from n2, n3 and n4. n3 crashes and restarts; its \
                          promise of 1.2 was on disk, so when n0's accept request for 1.0 \
                          finally reaches it, n3 refuses it. Red never reaches a quorum; \
                          green is chosen in 1.2. Any later ballot of n0 finds green in its \
                          promises and proposes green.",
        },
        acceptor_restart,
    ),
    (
        ScenarioInfo {
            id: "multi",
            title: "Multi-Paxos in steady state",
            description: "n0 is the leader. It runs phase 1 once, for every slot of the \
                          log, and from then on each client command costs one round trip: \
                          accept for the next slot, acceptances back. Every replica applies \
                          the log in slot order to its key-value store and the leader \
                          answers the client.",
        },
        multi,
    ),
    (
        ScenarioInfo {
            id: "leader-change",
            title: "A leader change fills a hole with a no-op",
            description: "Leader n0 puts put x=1 in slot 0 and put y=2 in slot 1, but every \
                          accept request for slot 0 is lost; slot 1 is chosen and n0 \
                          crashes. n1 stops hearing n0's heartbeats and takes over: its \
                          phase 1 reports slot 1 and nothing for slot 0, so it fills slot 0 \
                          with a no-op (the log must be applied in order, with no gaps). \
                          put x=1 died with n0, as an unanswered request can; a client would \
                          retry. n0 restarts and, as the lowest id, leads again.",
        },
        leader_change,
    ),
    (
        ScenarioInfo {
            id: "flexible",
            title: "Flexible quorums: 4 to prepare, 2 to accept",
            description: "Phase 1 needs four promises, phase 2 only two acceptances (4 + 2 \
                          > 5). n0's red is accepted by n0 and n1 alone, and that is enough: \
                          red is chosen. n0 crashes and n2 proposes green, but any four \
                          promises include n1, which reports red, so n2 proposes red. Two \
                          phase-2 quorums need not meet; each must meet every phase-1 \
                          quorum.",
        },
        flexible,
    ),
    (
        ScenarioInfo {
            id: "split-quorums",
            title: "Broken: quorums that need not meet",
            description: "Phase 1 needs two promises and phase 2 three acceptances: 2 + 3 \
                          is not more than 5. n1 gets red chosen by n1, n3 and n4. n2 then \
                          gets its two promises from n0 and n2, which accepted nothing, \
                          proposes green, and green is chosen too. Agreement fails.",
        },
        split_quorums,
    ),
    (
        ScenarioInfo {
            id: "keep-own-value",
            title: "Broken: the proposer keeps its own value",
            description: "The crash-majority story with a proposer that ignores the rule. \
                          Red is chosen by n0, n3 and n4; n0 crashes; n1's phase 1 reports \
                          red, but n1 proposes its own green anyway. Green is chosen in 1.1: \
                          a chosen value changed, and two values are chosen.",
        },
        keep_own_value,
    ),
    (
        ScenarioInfo {
            id: "forget-promise",
            title: "Broken: an acceptor forgets its promise",
            description: "The acceptor-restart story with an acceptor that keeps its promise \
                          in memory only. n3 promised 1.2, crashes and restarts having \
                          forgotten it, then accepts n0's late accept request for 1.0: red is \
                          chosen by n0, n1 and n3. n2, which counted on n3's promise, gets \
                          green chosen in 1.2 too.",
        },
        forget_promise,
    ),
    (
        ScenarioInfo {
            id: "mix-ballots",
            title: "Broken: a learner mixes ballots",
            description: "Red is accepted by n0 and n1 in ballot 1.0 and by n3 in ballot \
                          1.2: three acceptances of red, but in no single ballot a quorum, so \
                          red is not chosen. Learners that add acceptances up across ballots \
                          learn red anyway. Then n0's ballot 2.0 hears green, accepted in 1.1, \
                          as the highest value, and green is chosen: the learners are wrong.",
        },
        mix_ballots,
    ),
];

/// The ready-made scenarios, in menu order.
pub fn scenarios() -> Vec<ScenarioInfo> {
    SCENARIOS.iter().map(|(info, _)| *info).collect()
}

/// The scenario with this id.
pub fn scenario(id: &str) -> Option<Scenario> {
    SCENARIOS
        .iter()
        .find(|(info, _)| info.id == id)
        .map(|(_, build)| build())
}

// --- the scenarios ----------------------------------------------------------------------

pub fn happy() -> Scenario {
    (PaxosConfig::default(), Vec::new())
}

pub fn race() -> Scenario {
    let config = PaxosConfig {
        proposals: vec![proposal(0, "red", 0), proposal(1, "green", 15)],
        ..PaxosConfig::default()
    };
    (config, Vec::new())
}

/// Three proposers 30 ms apart on a lockstep network (every message 20 ms).
fn duel_base(backoff: bool, leader_election: bool) -> PaxosConfig {
    let mut config = PaxosConfig {
        backoff,
        leader_election,
        proposals: vec![
            proposal(0, "red", 0),
            proposal(1, "green", 30),
            proposal(2, "blue", 60),
        ],
        latency_min: Time::from_millis(20),
        latency_max: Time::from_millis(20),
        ..PaxosConfig::default()
    };
    config.timing.retry_delay = Time::ZERO;
    config
}

pub fn livelock() -> Scenario {
    (duel_base(false, false), Vec::new())
}

pub fn leader() -> Scenario {
    (duel_base(false, true), Vec::new())
}

pub fn backoff() -> Scenario {
    (duel_base(true, false), Vec::new())
}

pub fn crash_minority() -> Scenario {
    let mut triggers = when(|sim| accepting(sim, 0), vec![partition(&[0, 4])]);
    triggers.extend(when(
        |sim| voted(sim, 0, b(1, 0)) && voted(sim, 4, b(1, 0)) && no_accept_from(sim, 0),
        vec![
            Action::Crash(n(0)),
            heal_all(),
            partition(&[4]),
            propose(1, "green"),
        ],
    ));
    triggers.extend(when(|sim| chosen(sim, 0), vec![heal_all()]));
    triggers.extend(when(|sim| learned(sim, 4, 0), vec![Action::Restart(n(0))]));
    (PaxosConfig::default(), triggers)
}

/// Red is chosen by n0, n3 and n4 behind a partition; n0 crashes; n1 proposes green.
fn crash_majority_triggers() -> Vec<Trigger<PaxosNode>> {
    let mut triggers = when(|sim| accepting(sim, 0), vec![partition(&[0, 3, 4])]);
    triggers.extend(when(
        |sim| chosen(sim, 0) && no_accept_from(sim, 0),
        vec![Action::Crash(n(0)), heal_all(), propose(1, "green")],
    ));
    triggers
}

pub fn crash_majority() -> Scenario {
    (PaxosConfig::default(), crash_majority_triggers())
}

pub fn keep_own_value() -> Scenario {
    let config = PaxosConfig {
        variant: Variant::KeepOwnValue,
        ..PaxosConfig::default()
    };
    (config, crash_majority_triggers())
}

/// n0 (1.0, red) reaches n0, n1, n3 for phase 1 and n0, n1 for phase 2; n2 (1.2, green)
/// reaches n2, n3, n4; n3 restarts between its promise of 1.2 and n0's late accept.
fn acceptor_restart_triggers() -> Vec<Trigger<PaxosNode>> {
    let mut triggers = when(|_| true, only_reach(0, &[0, 1, 3]));
    triggers.extend(when(|sim| accepting(sim, 0), vec![cut(0, 3)]));
    let mut to_n2 = only_reach(2, &[2, 3, 4]);
    to_n2.push(propose(2, "green"));
    triggers.extend(when(
        |sim| voted(sim, 0, b(1, 0)) && voted(sim, 1, b(1, 0)),
        to_n2,
    ));
    triggers.extend(when(
        |sim| promised(sim, 3, b(1, 2)),
        vec![Action::Crash(n(3)), cut(2, 3), Action::Restart(n(3))],
    ));
    // n0's first accept request to n3 is lost to the cut; its resend (after the phase
    // timeout) is the one that arrives late.
    triggers.extend(when(|sim| no_accept_from(sim, 0), vec![heal(0, 3)]));
    // Once n3 has dealt with n0's late accept request (accepted it, or refused it and n0
    // gave up on 1.0), n0 is kept out of the way and n2's accept requests may reach n3.
    let mut step = only_reach(0, &[]);
    step.push(heal(2, 3));
    triggers.extend(when(
        |sim| {
            voted(sim, 3, b(1, 0))
                || proposer_of(sim, 0).is_some_and(|p| p.ballot() != Some(b(1, 0)))
        },
        step,
    ));
    triggers.extend(when(|sim| voted(sim, 3, b(1, 2)), vec![heal_all()]));
    triggers
}

pub fn acceptor_restart() -> Scenario {
    (PaxosConfig::default(), acceptor_restart_triggers())
}

pub fn forget_promise() -> Scenario {
    let config = PaxosConfig {
        variant: Variant::ForgetPromise,
        ..PaxosConfig::default()
    };
    (config, acceptor_restart_triggers())
}

pub fn multi() -> Scenario {
    (PaxosConfig::multi(), Vec::new())
}

pub fn leader_change() -> Scenario {
    let config = PaxosConfig {
        clients: 0,
        ..PaxosConfig::multi()
    };
    let put = |k: &str, v: &str| Action::Command(n(0), Cmd::Put(Word::lit(k), Word::lit(v)));
    let mut triggers = when(|sim| accepting(sim, 0), vec![put("x", "1"), put("y", "2")]);
    triggers.extend((0..5).map(|_| drop_accept_for(0)));
    triggers.extend(when(|sim| chosen(sim, 1), vec![Action::Crash(n(0))]));
    triggers.extend(when(|sim| chosen(sim, 0), vec![Action::Restart(n(0))]));
    (config, triggers)
}

pub fn flexible() -> Scenario {
    let config = PaxosConfig {
        phase1_quorum: 4,
        phase2_quorum: 2,
        ..PaxosConfig::default()
    };
    let mut triggers = when(|sim| accepting(sim, 0), vec![partition(&[0, 1])]);
    triggers.extend(when(
        |sim| chosen(sim, 0) && no_accept_from(sim, 0),
        vec![Action::Crash(n(0)), heal_all(), propose(2, "green")],
    ));
    (config, triggers)
}

pub fn split_quorums() -> Scenario {
    let config = PaxosConfig {
        phase1_quorum: 2,
        phase2_quorum: 3,
        proposals: vec![proposal(1, "red", 0)],
        ..PaxosConfig::default()
    };
    let mut triggers = when(|_| true, vec![partition(&[0, 2])]);
    triggers.extend(when(|sim| chosen(sim, 0), vec![propose(2, "green")]));
    triggers.extend(when(|sim| preparing(sim, 2), vec![heal_all()]));
    (config, triggers)
}

/// Red in 1.0 at n0 and n1; green in 1.1 at n2; red (adopted) in 1.2 at n3; then n0's
/// ballot 2.0 hears n0, n2 and n4 and adopts green, which everyone accepts. The proposers'
/// messages are steered by dropping single messages, so that every acceptance still
/// reaches every learner; phase timeouts are long so that no retry interferes.
pub fn mix_ballots() -> Scenario {
    let mut config = PaxosConfig {
        variant: Variant::MixBallots,
        proposals: vec![proposal(0, "red", 0)],
        ..PaxosConfig::default()
    };
    config.timing.phase_timeout = Time::from_millis(1_000);
    let accept =
        |ballot: Ballot| move |m: &Msg| matches!(m, Msg::Accept { ballot: x, .. } if *x == ballot);
    let prepare =
        |ballot: Ballot| move |m: &Msg| matches!(m, Msg::Prepare { ballot: x, .. } if *x == ballot);
    let mut triggers = Vec::new();
    // 1.0 (n0, red): accepted by n0 and n1 only.
    triggers.extend([2, 3, 4].map(|to| drop_msg(0, to, accept(b(1, 0)))));
    // 1.1 (n1, green): promises from n2, n3, n4 (nothing accepted), accepted by n2 only.
    triggers.extend(when(
        |sim| voted(sim, 0, b(1, 0)) && voted(sim, 1, b(1, 0)),
        vec![propose(1, "green")],
    ));
    triggers.extend([0, 1].map(|to| drop_msg(1, to, prepare(b(1, 1)))));
    triggers.extend([0, 1, 3, 4].map(|to| drop_msg(1, to, accept(b(1, 1)))));
    // 1.2 (n2): its own green is not heard, red from n0 or n1 is: it adopts red, which
    // only n3 accepts.
    triggers.extend(when(|sim| voted(sim, 2, b(1, 1)), vec![propose(2, "blue")]));
    triggers.push(drop_msg(2, 2, prepare(b(1, 2))));
    triggers.extend([0, 1, 2, 4].map(|to| drop_msg(2, to, accept(b(1, 2)))));
    // 2.0 (n0): promises from n0 (red, 1.0), n2 (green, 1.1) and n4: it adopts green.
    triggers.extend(when(
        |sim| voted(sim, 3, b(1, 2)),
        vec![Action::Command(n(0), Cmd::StartBallot)],
    ));
    triggers.extend([1, 3].map(|to| drop_msg(0, to, prepare(b(2, 0)))));
    (config, triggers)
}

/// The value a scenario's slot 0 ends with, for tests and captions: what is chosen there.
pub fn chosen_value(sim: &Sim<PaxosNode>, slot: Slot) -> Option<(Ballot, Value)> {
    chosen_in(&sim.nodes(), slot)
        .first()
        .map(|c| (c.ballot, c.value))
}
