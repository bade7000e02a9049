//! The Raft tour, each idea told from the failure that motivates it, and the legend of every
//! mark the stage draws.
use super::Raft;
use crate::algo::raft::{leader, Command, RaftNode, Role, Server};
use crate::scene::{At, Focus, LegendEntry, Swatch, TourStop};
use crate::sim::{NodeId, NodeStatus, Sim};

fn server(sim: &Sim<RaftNode>, id: u32) -> Option<&Server> {
    sim.node(NodeId(id)).and_then(RaftNode::as_server)
}

fn up_servers(sim: &Sim<RaftNode>) -> impl Iterator<Item = &Server> {
    sim.nodes()
        .iter()
        .filter(|(_, _, status)| *status == NodeStatus::Up)
        .filter_map(|(_, n, _)| n.as_server())
}

fn has_leader(sim: &Sim<RaftNode>) -> bool {
    leader(sim).is_some()
}

/// A split vote, complete: two or more candidates of one term, each of which has heard
/// from every server of its configuration (its own vote included) without a majority. The
/// stop shows every candidate's vote dots answered, so the picture says why nobody wins.
fn split(sim: &Sim<RaftNode>) -> bool {
    let candidates: Vec<&Server> = up_servers(sim)
        .filter(|s| s.role() == Role::Candidate)
        .collect();
    let answered = |s: &Server| {
        let (ayes, noes) = s.votes();
        !s.members().is_quorum(ayes) && ayes.union(noes).len() == s.members().len()
    };
    candidates.iter().any(|c| {
        let rivals: Vec<_> = candidates
            .iter()
            .filter(|d| d.current_term() == c.current_term())
            .collect();
        rivals.len() >= 2 && rivals.iter().all(|d| answered(d))
    })
}

/// A leader, and every other server up is a follower in its term: no candidate is left
/// standing, so the stage shows who won and that the late candidate gave up.
fn all_follow_leader(sim: &Sim<RaftNode>) -> bool {
    let Some(l) = leader(sim).and_then(|(id, _)| server(sim, id.0)) else {
        return false;
    };
    up_servers(sim).all(|s| {
        s.id() == l.id() || (s.role() == Role::Follower && s.current_term() == l.current_term())
    })
}

/// The leader has committed an entry carrying a client's command.
fn client_write_committed(sim: &Sim<RaftNode>) -> bool {
    let Some(s) = leader(sim).and_then(|(id, _)| server(sim, id.0)) else {
        return false;
    };
    s.log()
        .entries()
        .any(|(i, e)| i <= s.commit_index() && matches!(e.command, Command::Client { .. }))
}

/// n0 is down and another server leads.
fn replaced_after_crash(sim: &Sim<RaftNode>) -> bool {
    sim.status(NodeId(0)) == Some(NodeStatus::Crashed) && has_leader(sim)
}

/// Every server is up, a leader exists, every log and commit index equals the leader's, and
/// every client has had an answer: the run has healed and agrees.
fn converged(sim: &Sim<RaftNode>) -> bool {
    let Some(l) = leader(sim).and_then(|(id, _)| server(sim, id.0)) else {
        return false;
    };
    let all_up = sim.nodes().iter().all(|(_, _, s)| s == NodeStatus::Up);
    let clients_answered = sim
        .nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_client())
        .all(|c| c.completed() >= 1 && c.outstanding().is_none());
    all_up
        && clients_answered
        && l.commit_index() == l.log().last_index()
        && sim
            .nodes()
            .iter()
            .filter_map(|(_, n, _)| n.as_server())
            .all(|s| {
                s.log().last_index() == l.log().last_index() && s.commit_index() == l.commit_index()
            })
}

/// Figure 8, end: S5 (n4) leads and its term-3 entry has replaced index 2 on a majority.
fn figure_8_overwritten(sim: &Sim<RaftNode>) -> bool {
    let replaced = sim
        .nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_server())
        .filter(|s| s.log().term_at(2) == Some(3))
        .count();
    server(sim, 4).is_some_and(|s| s.role() == Role::Leader) && replaced >= 3
}

/// n4 timed out while cut off and now follows a leader of its own term again.
fn n4_rejoined(sim: &Sim<RaftNode>) -> bool {
    let Some(n4) = server(sim, 4) else {
        return false;
    };
    let follows = n4.leader().and_then(|l| server(sim, l.0)).is_some_and(|l| {
        l.role() == Role::Leader && l.current_term() == n4.current_term() && l.id() != n4.id()
    });
    n4.sent().timeouts >= 2 && n4.role() == Role::Follower && follows
}

pub fn tour() -> Vec<TourStop<Raft>> {
    vec![
        TourStop {
            title: "The first election",
            caption: "Five servers start as followers, each with a random election timeout: the arc around each one shrinks as its timer runs down. The first to run out becomes a candidate, votes for itself and asks the others; with a majority of votes it leads, and its heartbeats keep the other timers from running out.",
            scenario: "first-election",
            at: At::When(has_leader),
            highlights: &[],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "A split vote",
            caption: "What if several timers run out together? Four servers become candidates for term 1 at once. Each votes for itself, and a server votes once per term, so no candidate can reach three votes: term 1 ends without a leader.",
            scenario: "split-vote",
            at: At::When(split),
            highlights: &[],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Why timeouts are randomized",
            caption: "Each candidate draws a new random timeout. n2's runs out first: it asks first and wins term 2. n4's runs out just after, too late: the others already voted for n2, so n4 follows n2 once it hears from it. Randomness makes another split unlikely.",
            scenario: "split-vote",
            at: At::When(all_follow_leader),
            highlights: &[],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Commit by a majority",
            caption: "The leader n0 appends the client's write to its log and sends it in AppendEntries. Once a majority stores it, n0 commits it (a solid cell), applies it to its store and answers the client; followers learn the commit index from the next AppendEntries.",
            scenario: "leader-crash",
            at: At::When(client_write_committed),
            highlights: &[NodeId(0)],
            focus: Focus::Logs,
        },
        TourStop {
            title: "The leader crashes",
            caption: "n0 crashes; a follower wins a higher term. n0 had committed the write but told no one, and its commit index, kept in memory, died with it: every row draws it dashed. Yet it is on a majority, and a voter holding it refuses a candidate whose log is behind: the new leader has it.",
            scenario: "leader-crash",
            at: At::When(replaced_after_crash),
            highlights: &[NodeId(0)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Crash mid-write: on a minority",
            caption: "The write reached only n0 and one follower before n0 crashed, so it was never committed: the majority elected a leader without it, and both copies were deleted when they rejoined (struck out under the logs). c1 retried the same request until the new leader took it: it is entry 3 in every log, applied once.",
            scenario: "crash-minority",
            at: At::When(converged),
            highlights: &[NodeId(0)],
            focus: Focus::Logs,
        },
        TourStop {
            title: "Crash mid-write: on a majority",
            caption: "This time the write reached three servers before n0 crashed. Voters refuse a candidate whose log is less up to date than theirs, so only a server holding the write could win: the new leader keeps it and commits it.",
            scenario: "crash-majority",
            at: At::When(converged),
            highlights: &[NodeId(0)],
            focus: Focus::Logs,
        },
        TourStop {
            title: "Figure 8: the current-term rule",
            caption: "n0, leader of term 4, copied its term-2 entry to a majority but did not commit it: it is not from the current term. Cut off (its tinted side), n0 crashed; n4, whose log ends in term 3, won term 5 and overwrote index 2: nothing committed was lost.",
            scenario: "figure-8",
            at: At::When(figure_8_overwritten),
            highlights: &[NodeId(0), NodeId(4)],
            focus: Focus::Logs,
        },
        TourStop {
            title: "A cut-off leader rolls back",
            caption: "Cut off with client c1, the old leader n0 still appended c1's write but could never reach a majority. The other side elected a leader and committed c2's write. On healing, n0 saw the higher term, stepped down, and its uncommitted entry was replaced (struck out under the logs); c1's retry then committed.",
            scenario: "partitioned-leader",
            at: At::When(converged),
            highlights: &[NodeId(0)],
            focus: Focus::Logs,
        },
        TourStop {
            title: "PreVote calms a rejoiner",
            caption: "Without PreVote, a cut-off server raises its term at every timeout and, on rejoining, forces a working leader to step down. With PreVote, n4 first asks whether anyone would vote for it; nobody answers, so its term stays put, and on rejoining it simply follows the leader.",
            scenario: "rejoin-prevote",
            at: At::When(n4_rejoined),
            highlights: &[NodeId(4)],
            focus: Focus::Nodes,
        },
    ]
}

const fn entry(swatch: &'static str, label: &'static str, meaning: &'static str) -> LegendEntry {
    LegendEntry {
        swatch: Swatch::Class(swatch),
        label,
        meaning,
    }
}

pub fn legend() -> Vec<LegendEntry> {
    vec![
        entry("raft-role-leader", "leader", "Leads its term: takes client requests and replicates its log (thick ring)."),
        entry("raft-role-candidate", "candidate", "Asks for votes in a new term (dashed ring); the dots around it are the answers."),
        entry("raft-role-pre-candidate", "pre-candidate", "Asks whether it would win (PreVote) before raising its term (dotted ring)."),
        entry("raft-role-follower", "follower", "Answers leaders and candidates; starts an election when its timer runs out."),
        entry("raft-role-non-member", "non-member", "A server outside the configuration (a spare, or removed): it neither votes nor starts elections."),
        entry("raft-crashed", "crashed", "Down: it keeps only its term, its vote and its log, the durable state."),
        entry("raft-term-swatch", "term colour", "Each term has its own colour for the whole run: a server shows its current term's colour, a log entry the colour of the term that created it."),
        entry("raft-timer-swatch", "election timer", "The arc around a server shrinks as its election timeout runs out; a full circle is the maximum timeout."),
        entry("raft-vote-yes", "vote granted", "A dot beside a candidate for each server that voted for it."),
        entry("raft-vote-no", "vote refused", "A dot for each server that refused it."),
        entry("raft-cell-committed", "committed entry", "Solid: at or below this server's commit index, so known committed: a leader stored an entry of its own term, at or after it, on a majority (§5.4.2). It will never be lost."),
        entry("raft-cell-uncommitted", "uncommitted entry", "Pale with a dashed border: beyond this server's commit index, so not known to it as committed (the leader may know more). Being on a majority is not enough (Figure 8): until it is committed, it may still be replaced."),
        entry("raft-cell-snapshot", "snapshot", "Hatched: entries compacted into the snapshot, up to the index shown."),
        entry("raft-cell-removed", "deleted entry", "Under the logs, struck out in its index's column: an entry this server deleted because it conflicted with a leader's log, which replaced it (§5.3). Each server's latest such conflict is shown."),
        entry("raft-next", "nextIndex", "Triangle under a follower's row: the next entry the leader will send it."),
        entry("raft-match", "matchIndex", "Bar under a follower's row: the entries the leader knows it stores."),
        entry("raft-msg-vote", "RequestVote", "A request for a vote (hollow when it is a PreVote)."),
        entry("raft-msg-append", "AppendEntries", "Entries for a follower, with their count; a small dot is an empty heartbeat."),
        entry("raft-msg-yes", "reply: yes", "A granted vote or a successful AppendEntries (a ring)."),
        entry("raft-msg-no", "reply: no", "A refused vote or a rejected AppendEntries (a ring with a cross)."),
        entry("raft-msg-snapshot", "InstallSnapshot", "The leader's snapshot for a follower that lags behind it."),
        entry("raft-msg-client", "client request", "A client's read or write and the server's answer (a diamond)."),
    ]
}
