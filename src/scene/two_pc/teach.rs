//! The two-phase commit tour, each idea told from the failure that motivates it, and the
//! legend of every state and mark the stage draws.
use super::TwoPc;
use crate::algo::two_phase_commit::{Participant, ParticipantPhase, TwoPcNode, COORDINATOR};
use crate::scene::{At, Focus, LegendEntry, Swatch, TourStop};
use crate::sim::{NodeId, NodeStatus, Sim};

/// Every participant, with its status.
fn participants(sim: &Sim<TwoPcNode>) -> Vec<(NodeId, &Participant, NodeStatus)> {
    sim.nodes()
        .iter()
        .filter_map(|(id, n, status)| n.as_participant().map(|p| (id, p, status)))
        .collect()
}

fn every_participant(sim: &Sim<TwoPcNode>, test: impl Fn(&Participant) -> bool) -> bool {
    let all = participants(sim);
    !all.is_empty() && all.iter().all(|(_, p, _)| test(p))
}

fn coordinator_down(sim: &Sim<TwoPcNode>) -> bool {
    sim.status(COORDINATOR) == Some(NodeStatus::Crashed)
}

/// Every participant has voted yes and waits for the decision.
fn all_in_doubt(sim: &Sim<TwoPcNode>) -> bool {
    every_participant(sim, Participant::is_in_doubt)
}

/// The coordinator is down and every participant voted yes into the silence.
fn in_doubt_without_coordinator(sim: &Sim<TwoPcNode>) -> bool {
    coordinator_down(sim) && all_in_doubt(sim)
}

/// The coordinator is down and every participant has asked for the outcome at least twice.
fn blocked_asking(sim: &Sim<TwoPcNode>) -> bool {
    coordinator_down(sim) && every_participant(sim, |p| p.is_blocked() && p.inquiries() >= 2)
}

/// The coordinator is back up, every participant has aborted, and the answers to the
/// inquiries it found waiting have landed too: an ABORT still on its way to a participant
/// that shows ABORTED read as the outcome arriving twice.
fn aborted_after_restart(sim: &Sim<TwoPcNode>) -> bool {
    sim.status(COORDINATOR) == Some(NodeStatus::Up)
        && every_participant(sim, |p| p.phase() == ParticipantPhase::Aborted)
        && sim.in_flight().next().is_none()
}

/// Every participant has committed while the coordinator is still down.
fn committed_without_coordinator(sim: &Sim<TwoPcNode>) -> bool {
    coordinator_down(sim) && every_participant(sim, |p| p.phase() == ParticipantPhase::Committed)
}

/// A safety property has failed and every participant has settled on an outcome (none is
/// still in doubt or reading its log), so the damage is there to see.
fn violated_and_settled(sim: &Sim<TwoPcNode>) -> bool {
    sim.violations().iter().any(Option::is_some)
        && every_participant(sim, |p| {
            matches!(
                p.phase(),
                ParticipantPhase::Committed | ParticipantPhase::Aborted
            )
        })
}

pub fn tour() -> Vec<TourStop<TwoPc>> {
    vec![
        TourStop {
            title: "Phase 1: everyone votes yes",
            caption: "The coordinator forced BEGIN to its log, sent the work, then asked P1, P2 and P3 to PREPARE. Each forced PREPARED to its log before voting YES. From its vote on, a participant is in doubt: it has promised to commit if told to, so it may no longer abort on its own, and it holds its locks.",
            scenario: "happy",
            at: At::When(all_in_doubt),
            highlights: &[NodeId(1), NodeId(2), NodeId(3)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Phase 2: commit",
            caption: "Every vote was yes, so the coordinator forced COMMIT to its log before telling anyone, then sent COMMIT. Each participant forced COMMIT too, released its locks and acknowledged; with every ACK in, the coordinator wrote END and forgot t1.",
            scenario: "happy",
            at: At::End,
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "One no vote aborts",
            caption: "P2 votes no. One no is enough: the coordinator aborts at once, sends ABORT once and forgets t1, since no record of a commit means abort (presumed abort). P1 and P3 had voted yes; they undo the work and release their locks.",
            scenario: "vote-no",
            at: At::End,
            highlights: &[NodeId(2)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "The coordinator crashes",
            caption: "The coordinator crashed right after sending PREPARE. The participants still voted yes, and now they are in doubt: they promised to commit if told, so they may not abort; another may have voted no, so they may not commit. They hold their locks and wait.",
            scenario: "coord-crash",
            at: At::When(in_doubt_without_coordinator),
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Blocked: no timeout helps",
            caption: "Past their decision timeout the participants are blocked: they ask the coordinator again and again, and nobody answers. A timeout only tells a participant that it does not know. Every other transaction that needs the same data waits behind their locks for as long as the coordinator is down.",
            scenario: "coord-crash",
            at: At::When(blocked_asking),
            highlights: &[NodeId(1), NodeId(2), NodeId(3)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Recovery: presumed abort",
            caption: "The coordinator restarted and read its log: BEGIN t1 but no decision. No record of a commit means abort, so it decided ABORT and told the participants, which could at last release their locks. The outage lasted exactly as long as the coordinator was down.",
            scenario: "coord-crash",
            at: At::When(aborted_after_restart),
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Cooperative termination",
            caption: "Here the coordinator crashed just after deciding commit, and its COMMIT reached only P1. With cooperative termination, blocked P2 and P3 ask their peers too. P1 knows the outcome and answers COMMIT; P2, once it knows, answers P3 too. They finish without the coordinator.",
            scenario: "coop",
            at: At::When(committed_without_coordinator),
            highlights: &[NodeId(1)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "…and where it cannot help",
            caption: "The coordinator crashes after PREPARE, before anyone learns the outcome. The participants ask each other, but all voted yes and are in doubt: none knows more than the asker. All stay blocked until the coordinator returns: cooperative termination cannot remove blocking.",
            scenario: "coop-blocked",
            at: At::When(blocked_asking),
            highlights: &[NodeId(1), NodeId(2), NodeId(3)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Broken: unlogged COMMIT",
            caption: "This coordinator sends COMMIT while its COMMIT record is still on the way to the disk, and crashes in between; the COMMIT to P3 is lost. P1 and P2 have committed, but the restarted coordinator finds no decision in its log, presumes abort, and P3 aborts: atomicity is violated.",
            scenario: "send-before-log",
            at: At::When(violated_and_settled),
            highlights: &[NodeId(0), NodeId(3)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Broken: an unlogged yes vote",
            caption: "This P1 votes yes without logging PREPARED, then crashes. It restarts with only BEGIN in its log, believes it never voted and aborts, while the coordinator, which counted its yes, commits: atomicity is violated. Log first, then send.",
            scenario: "forget-vote",
            at: At::When(violated_and_settled),
            highlights: &[NodeId(1)],
            focus: Focus::Nodes,
        },
    ]
}

const fn state(class: &'static str, label: &'static str, meaning: &'static str) -> LegendEntry {
    LegendEntry {
        swatch: Swatch::NodeState(class),
        label,
        meaning,
    }
}

pub fn legend() -> Vec<LegendEntry> {
    vec![
        state("starting", "STARTING", "The coordinator forces BEGIN to its log before anyone hears of the transaction."),
        state("executing", "EXECUTING", "The coordinator has sent the work (BEGIN); the participants are doing it."),
        state("collecting", "COLLECTING", "The coordinator has sent PREPARE and waits for every vote."),
        state("logging-commit", "LOGGING COMMIT", "Every vote was yes: the coordinator forces COMMIT to its log, and nobody is told before it is on disk."),
        state("committing", "COMMITTING", "The coordinator has sent COMMIT and resends it until every participant acknowledges."),
        state("idle", "IDLE", "The coordinator is between transactions."),
        state("init", "INIT", "A participant that has no transaction yet."),
        state("working", "WORKING", "A participant doing the transaction's work, holding its locks; it has not voted and may still abort on its own."),
        state("preparing", "PREPARING", "Forcing PREPARED to its log; its YES vote leaves once the record is on disk."),
        state("in-doubt", "IN DOUBT", "Voted yes and waits for the decision, holding its locks: it may neither commit nor abort on its own. Past its decision timeout it is blocked and keeps asking (the outline pulses)."),
        state("committed", "COMMITTED", "A participant that applied the commit; its locks are released once COMMIT is on disk. The coordinator shows it once it has run every transaction it was given and the last one committed."),
        state("aborted", "ABORTED", "A participant that undid the work and released its locks. The coordinator shows it once it has run every transaction it was given and the last one aborted."),
        state("recovering", "RECOVERING", "Restarted and reading its log; messages that arrive meanwhile are ignored, and their senders retry."),
        state("crashed", "CRASHED", "Down (dashed, crossed out): its memory is gone, only its log on disk survives."),
        LegendEntry {
            swatch: Swatch::Class("mark-bad"),
            label: super::BLOCKED_MARK,
            meaning: "In doubt past its decision timeout: it asks for the outcome and waits, locks held, until someone who knows answers.",
        },
        LegendEntry {
            swatch: Swatch::Class("mark-info"),
            label: "log: PREPARED",
            meaning: "The newest record of the node's log on disk. A crash keeps it: it is what the node reads when it restarts.",
        },
        LegendEntry {
            swatch: Swatch::Class("mark-warn"),
            label: "writing COMMIT",
            meaning: "A record on its way to the disk. A crash now loses it; a forced record is waited for before anyone is told.",
        },
        LegendEntry {
            swatch: Swatch::Message,
            label: "PREPARE t1",
            meaning: "A message in flight, labelled with its transaction. Click it to drop it.",
        },
        crate::scene::teaching::TIMER_ARC_ENTRY,
        crate::scene::teaching::HIGHLIGHT_ENTRY,
        LegendEntry {
            swatch: Swatch::CutLink,
            label: "cut link",
            meaning: "A link the network drops every message on.",
        },
    ]
}
