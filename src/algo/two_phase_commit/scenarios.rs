//! The ready-made scenarios, each placing its faults at moments the run defines.
use super::config::{TwoPcConfig, Variant, Vote, COORDINATOR};
use super::coordinator::{Coordinator, CoordinatorPhase};
use super::durable_log::Record;
use super::messages::{Decision, Msg};
use super::participant::{Participant, ParticipantPhase};
use super::TwoPcNode;
use crate::sim::scenario::Trigger;
use crate::sim::{Action, MsgId, NodeId, Sim};

/// A ready-made scenario as the scene's menu lists it (`id` short and URL-safe, `title`,
/// `description`). The type is the scenes' own, so that every scene's menu shares it.
pub use crate::sim::scenario::ScenarioInfo;

/// A scenario: the configuration and the faults, placed by what happens in the run.
pub type Scenario = (TwoPcConfig, Vec<Trigger<TwoPcNode>>);

const SCENARIOS: [(ScenarioInfo, fn() -> Scenario); 9] = [
    (
        ScenarioInfo {
            id: "happy",
            title: "Happy path",
            description: "Every participant votes yes: the coordinator logs COMMIT, tells \
                          everyone, and each participant commits and acknowledges.",
        },
        happy_path,
    ),
    (
        ScenarioInfo {
            id: "vote-no",
            title: "One participant votes no",
            description: "P2 votes no: the coordinator aborts at once, without waiting for \
                          the other votes, and every participant aborts.",
        },
        one_votes_no,
    ),
    (
        ScenarioInfo {
            id: "coord-crash",
            title: "Coordinator crashes after prepare",
            description: "The coordinator crashes right after sending PREPARE. The \
                          participants vote yes and are then IN DOUBT: they hold their \
                          locks and keep asking, blocked, until the coordinator restarts, \
                          finds no decision in its log and aborts (presumed abort).",
        },
        coordinator_crash_after_prepare,
    ),
    (
        ScenarioInfo {
            id: "participant-crash",
            title: "A participant crashes before voting",
            description: "P2 crashes while doing the work. Its vote never comes, so the \
                          coordinator times out and aborts. When P2 restarts it finds only \
                          BEGIN in its log (no yes vote) and aborts too.",
        },
        participant_crash_before_vote,
    ),
    (
        ScenarioInfo {
            id: "loss",
            title: "A lost COMMIT",
            description: "The COMMIT to P2 is lost. P2 has voted yes, so it stays IN DOUBT, \
                          holding its locks: its decision timeout fires, it is blocked and \
                          asks the coordinator, which, still missing P2's ACK, also resends \
                          the COMMIT. P2 learns the outcome, commits and acknowledges, and \
                          the coordinator finishes the transaction.",
        },
        lost_commit,
    ),
    (
        ScenarioInfo {
            id: "coop",
            title: "Cooperative termination helps",
            description: "The coordinator crashes just after deciding commit, and its COMMIT \
                          reaches only P1. P2 and P3, in doubt, ask their peers; P1 answers \
                          COMMIT and they finish without the coordinator.",
        },
        cooperative_termination_helps,
    ),
    (
        ScenarioInfo {
            id: "coop-blocked",
            title: "Cooperative termination cannot help",
            description: "Participants ask each other, but the coordinator crashed after \
                          sending PREPARE and all of them are prepared: nobody knows the \
                          outcome, so all stay blocked until the coordinator returns.",
        },
        cooperative_termination_blocked,
    ),
    (
        ScenarioInfo {
            id: "send-before-log",
            title: "Bug: sending the decision before logging it",
            description: "The coordinator sends COMMIT before its COMMIT record is on disk and \
                          crashes in between; the COMMIT to P3 is lost. P1 and P2 commit. The \
                          coordinator restarts with no decision in its log, presumes abort and \
                          says so: P3, still in doubt, aborts while P1 and P2 have committed. \
                          Atomicity is violated.",
        },
        send_before_log_bug,
    ),
    (
        ScenarioInfo {
            id: "forget-vote",
            title: "Bug: a yes vote that is not logged",
            description: "P1 votes yes without logging it, then crashes. It restarts believing \
                          it never voted and aborts, while the others commit: atomicity is \
                          violated.",
        },
        forget_vote_bug,
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

fn coordinator_of(sim: &Sim<TwoPcNode>) -> Option<&Coordinator> {
    sim.node(COORDINATOR).and_then(TwoPcNode::as_coordinator)
}

fn participant_of(sim: &Sim<TwoPcNode>, index: u32) -> Option<&Participant> {
    sim.node(NodeId(index)).and_then(TwoPcNode::as_participant)
}

fn coordinator_in(sim: &Sim<TwoPcNode>, phase: CoordinatorPhase) -> bool {
    coordinator_of(sim).is_some_and(|c| c.phase == phase)
}

fn every_participant(sim: &Sim<TwoPcNode>, test: impl Fn(&Participant) -> bool) -> bool {
    (1..sim.node_count()).all(|i| participant_of(sim, i).is_some_and(&test))
}

/// The first message in flight to `to` that `test` accepts.
fn in_flight_to(sim: &Sim<TwoPcNode>, to: u32, test: impl Fn(&Msg) -> bool) -> Option<MsgId> {
    sim.in_flight()
        .find(|m| m.to == NodeId(to) && test(&m.msg))
        .map(|m| m.id)
}

/// A trigger that drops the first in-flight message to `to` that `test` accepts.
fn drop_message_to(to: u32, test: fn(&Msg) -> bool) -> Trigger<TwoPcNode> {
    Trigger::new(
        move |sim| in_flight_to(sim, to, test).is_some(),
        // MsgId(0) is never used, so if the message were gone the drop is just ignored.
        move |sim| Action::DropMessage(in_flight_to(sim, to, test).unwrap_or(MsgId(0))),
    )
}

fn is_commit(msg: &Msg) -> bool {
    matches!(msg, Msg::Commit(_))
}

pub fn happy_path() -> Scenario {
    (TwoPcConfig::default(), Vec::new())
}

pub fn one_votes_no() -> Scenario {
    let config = TwoPcConfig {
        votes: vec![Vote::Yes, Vote::No, Vote::Yes],
        ..TwoPcConfig::default()
    };
    (config, Vec::new())
}

/// The crash fires once the coordinator has sent every PREPARE; it restarts after each
/// participant has been in doubt long enough to ask three times.
pub fn coordinator_crash_after_prepare() -> Scenario {
    let triggers = vec![
        Trigger::new(
            |sim| coordinator_in(sim, CoordinatorPhase::Collecting),
            |_| Action::Crash(COORDINATOR),
        ),
        Trigger::new(
            |sim| every_participant(sim, |p| p.is_in_doubt() && p.inquiries >= 3),
            |_| Action::Restart(COORDINATOR),
        ),
    ];
    (TwoPcConfig::default(), triggers)
}

pub fn participant_crash_before_vote() -> Scenario {
    let triggers = vec![
        // Once its work is logged, so that its log shows BEGIN but no vote.
        Trigger::new(
            |sim| {
                participant_of(sim, 2).is_some_and(|p| {
                    p.phase == ParticipantPhase::Working && p.storage.has(Record::Begin(p.tx))
                })
            },
            |_| Action::Crash(NodeId(2)),
        ),
        Trigger::new(
            |sim| {
                // The coordinator decided abort and moved on (presumed abort: no acks).
                coordinator_of(sim).is_some_and(|c| c.storage.has(Record::Abort(c.tx)))
                    && [1, 3].iter().all(|&i| {
                        participant_of(sim, i).is_some_and(|p| p.phase == ParticipantPhase::Aborted)
                    })
            },
            |_| Action::Restart(NodeId(2)),
        ),
    ];
    (TwoPcConfig::default(), triggers)
}

pub fn lost_commit() -> Scenario {
    (TwoPcConfig::default(), vec![drop_message_to(2, is_commit)])
}

pub fn cooperative_termination_helps() -> Scenario {
    let config = TwoPcConfig {
        cooperative_termination: true,
        ..TwoPcConfig::default()
    };
    let triggers = vec![
        Trigger::new(
            |sim| coordinator_in(sim, CoordinatorPhase::Finishing(Decision::Commit)),
            |_| Action::Crash(COORDINATOR),
        ),
        drop_message_to(2, is_commit),
        drop_message_to(3, is_commit),
        // Once everyone has committed, the coordinator returns and finishes its books.
        Trigger::new(
            |sim| every_participant(sim, |p| p.phase == ParticipantPhase::Committed),
            |_| Action::Restart(COORDINATOR),
        ),
    ];
    (config, triggers)
}

pub fn cooperative_termination_blocked() -> Scenario {
    let (_, triggers) = coordinator_crash_after_prepare();
    let config = TwoPcConfig {
        cooperative_termination: true,
        ..TwoPcConfig::default()
    };
    (config, triggers)
}

/// The crash falls in the 2 ms between sending COMMIT and the COMMIT record reaching the
/// disk, and the COMMIT to P3 is lost; the coordinator restarts once P1 and P2 have
/// committed, and tells P3 to abort.
pub fn send_before_log_bug() -> Scenario {
    let config = TwoPcConfig {
        variant: Variant::SendBeforeLog,
        ..TwoPcConfig::default()
    };
    let triggers = vec![
        Trigger::new(
            |sim| {
                coordinator_of(sim).is_some_and(|c| {
                    c.phase == CoordinatorPhase::Finishing(Decision::Commit)
                        && !c.storage.has(Record::Commit(c.tx))
                })
            },
            |_| Action::Crash(COORDINATOR),
        ),
        drop_message_to(3, is_commit),
        Trigger::new(
            |sim| {
                [1, 2].iter().all(|&i| {
                    participant_of(sim, i).is_some_and(|p| p.phase == ParticipantPhase::Committed)
                })
            },
            |_| Action::Restart(COORDINATOR),
        ),
    ];
    (config, triggers)
}

/// P1 crashes right after its (unlogged) yes vote and restarts once the coordinator has
/// decided to commit.
pub fn forget_vote_bug() -> Scenario {
    let config = TwoPcConfig {
        variant: Variant::ForgetVoteOnCrash,
        ..TwoPcConfig::default()
    };
    let triggers = vec![
        Trigger::new(
            |sim| {
                participant_of(sim, 1)
                    .is_some_and(|p| matches!(p.phase, ParticipantPhase::Prepared { .. }))
            },
            |_| Action::Crash(NodeId(1)),
        ),
        Trigger::new(
            |sim| coordinator_in(sim, CoordinatorPhase::Finishing(Decision::Commit)),
            |_| Action::Restart(NodeId(1)),
        ),
    ];
    (config, triggers)
}
