//! The ready-made scenarios, in menu order. Each is a configuration plus triggers placed at
//! moments of the protocol (see `triggers`); resolving them gives an ordinary run that can
//! be rewound, forked and shared.
use super::config::Variant;
pub use super::scenario::Scenario;
use super::scenarios_basic as basic;
use super::scenarios_bugs as bugs;
use super::scenarios_faults as faults;
pub use crate::sim::scenario::ScenarioInfo;

fn info(id: &'static str, title: &'static str, description: &'static str) -> ScenarioInfo {
    ScenarioInfo {
        id,
        title,
        description,
    }
}

fn figure_8() -> Scenario {
    bugs::figure_8(Variant::Correct)
}
fn figure_8_bug() -> Scenario {
    bugs::figure_8(Variant::CommitOldTerm)
}
fn change_early_bug() -> Scenario {
    bugs::change_early(Variant::ChangeWithoutTermRule)
}

type Entry = (ScenarioInfo, fn() -> Scenario);

fn all() -> Vec<Entry> {
    vec![
        (info("first-election", "The first election",
            "Five servers start as followers with random election timeouts. The first whose timer \
             fires becomes a candidate for term 1, votes for itself and asks the others; they grant \
             their votes and it becomes leader. Its heartbeats then keep everyone else's timers from \
             firing."), basic::first_election),
        (info("split-vote", "A split vote",
            "Four of the five servers time out at the same instant and all become candidates for \
             term 1. Each votes for itself, so the last server's vote cannot make a majority: nobody \
             wins term 1. Their new, random timeouts differ, and one of them wins the next term."),
            basic::split_vote),
        (info("leader-crash", "The leader crashes",
            "n0 leads and commits a client's write. Then it crashes. The followers stop hearing \
             heartbeats, one times out, and a new leader is elected in a higher term; the write is \
             still there. When n0 restarts it finds a newer term and follows the new leader."),
            basic::leader_crash),
        (info("crash-minority", "A crash mid-replication: the entry reached a minority",
            "A client's write is on the leader n0 and one follower when both are cut off and n0 \
             crashes. The entry was never committed, and the three others, a majority, elect a \
             leader that does not hold it. When the partition heals, the follower's copy conflicts \
             with the new leader's log and is deleted. The client, hearing nothing, retries with the \
             same serial number, and the write takes effect exactly once."), basic::crash_minority),
        (info("crash-majority", "A crash mid-replication: the entry reached a majority",
            "The write is on three of five servers when the leader crashes before it could count \
             them. Any server that can win an election now must hold the entry (the others refuse \
             candidates whose log is behind theirs), so the new leader keeps it and commits it, and \
             answers the client's retry from its session record."), basic::crash_majority),
        (info("figure-8", "Figure 8: why old entries are not committed by counting",
            "The paper's Figure 8 from step (c): S1 (n0) wins term 4 and copies its term-2 entry at \
             index 2 to a majority, one entry per message. Correct Raft does not commit it, since it \
             is not from the current term. S1 then crashes, and S5 (n4), whose last entry is from \
             term 3, wins term 5 and overwrites index 2 everywhere: no harm, nothing committed was \
             lost. Switch the variant to commit-old-term to see what goes wrong otherwise."),
            figure_8),
        (info("figure-7", "Figure 7: a new leader repairs divergent logs",
            "Seven servers start with the logs of Figure 7: missing entries, extra uncommitted \
             entries, and entries from terms that never committed. n0 becomes leader of term 8 and \
             sends AppendEntries; each refusal moves its nextIndex for that follower back (a whole \
             term at a time with the conflict hint), until the logs match; conflicting entries are \
             deleted and every log ends up equal to the leader's."), basic::figure_7),
        (info("partitioned-leader", "A partitioned leader accepts writes that never commit",
            "n0 leads, then is cut off together with client c1. It still believes it leads and \
             appends c1's write, but can never replicate it to a majority. The other four elect a new \
             leader, which commits client c2's write. When the partition heals, n0 sees the higher \
             term, steps down, and its uncommitted entry is rolled back; c1's retry then commits."),
            basic::partitioned_leader),
        (info("no-quorum", "No quorum: nine servers split 3-3-3",
            "Nine servers are split into three groups of three. No group holds a majority (five), so \
             nothing can be committed anywhere: the old leader's group keeps a leader that commits \
             nothing, and the other groups hold elections that nobody can win. The client's write \
             waits."), basic::no_quorum),
        (info("workable-split", "A workable split: 5-2-2",
            "The same nine servers split 5-2-2. The group of five, with the leader and the client, \
             is a majority and carries on committing; the two small groups hold hopeless elections."),
            basic::workable_split),
        (info("rejoin", "A disruptive rejoin (no pre-vote)",
            "n4 is cut off. Hearing no leader, it times out again and again, each time starting an \
             election in a higher term. When it rejoins, its high term forces the working leader to \
             step down, and the cluster holds an election it did not need."),
            faults::rejoin_disruptive),
        (info("rejoin-prevote", "A calm rejoin (pre-vote)",
            "The same run with pre-vote. The cut-off n4 first asks whether anyone would vote for it; \
             nobody answers, so it never raises its term. When it rejoins, the leader's heartbeat \
             simply makes it a follower again."), faults::rejoin_pre_vote),
        (info("check-quorum", "CheckQuorum deposes an isolated leader",
            "n0 leads and is then cut off from everyone. With CheckQuorum, a leader that has not \
             heard from a majority within an election timeout steps down, so n0 stops acting as \
             leader, while the others elect a new one."), faults::check_quorum),
        (info("lost-reply", "A lost AppendEntries reply",
            "Three servers; a client writes. n1 stores the entry but its reply is lost. n2's reply \
             is enough for n0 to commit. n0 still thinks n1 lacks the entry, so its next heartbeat \
             carries it again; n1 answers that it has it, and learns from the same message that the \
             entry is committed: its commit index lagged and catches up."), faults::lost_reply),
        (info("membership", "Adding and removing servers, including the leader",
            "n0 leads five servers and adds the spare n5 (one server at a time; the new \
             configuration takes effect as soon as it is in a log). Once that commits it removes \
             n4, and then removes itself: it keeps leading without counting its own copy until the \
             configuration without it commits, then steps down, and the others elect a leader."),
            faults::membership),
        (info("snapshot", "A lagging follower catches up by snapshot",
            "Servers snapshot their state every four entries and drop the log they covered. n2 is \
             down while the client writes; when it returns, the leader no longer has the entries n2 \
             needs, so it sends its snapshot (InstallSnapshot), and then the entries after it."),
            faults::snapshot_catch_up),
        (info("stale-read", "Bug: a stale read from a deposed leader",
            "Reads are answered from the leader's own state (the local-reads variant). n0 and client \
             c1 are cut off; the others elect a new leader, and c2 writes x=2 there. c1 then reads x \
             from n0, which still believes it leads and answers x=1, a value overwritten before the \
             read began: linearizability fails."), faults::stale_read),
        (info("read-index", "The same read with ReadIndex",
            "The same run with ReadIndex reads. n0 notes its commit index and sends a round of \
             heartbeats to confirm it still leads; no majority answers, so it never serves the read. \
             c1 gives up on n0, and after the partition heals it reads x=2 from the new leader."),
            faults::read_index),
        (info("bug-figure-8", "Bug: committing an old-term entry by counting replicas",
            "Figure 8 with the broken commit rule. S1 (n0) counts its term-2 entry on a majority and \
             commits and applies it. After S1 crashes, S5 (n4) is elected without that entry \
             (Leader Completeness fails) and overwrites it with its own, which the others then \
             apply (State Machine Safety fails)."), figure_8_bug),
        (info("bug-vote-any-log", "Bug: votes without the up-to-date check",
            "Three servers; n2 is down while n0 and n1 commit a write. n0 crashes, n2 returns and \
             asks n1 for its vote. Without the log check, n1 grants it, and n2 becomes leader \
             without the committed write: Leader Completeness fails."), bugs::vote_any_log),
        (info("bug-volatile-vote", "Bug: votedFor lost in a crash",
            "n0 and n2 cannot hear each other. n1 votes for n0 in term 1, crashes and restarts \
             having forgotten its vote, and votes for n2 in the same term: two leaders in term 1, \
             and Election Safety fails."), bugs::volatile_vote),
        (info("bug-change-early", "Bug: a membership change before the leader's first commit",
            "Ongaro's 2015 bug. From the four-server configuration {n0..n3}, n0 adds n4 but only \
             n4 gets the entry before n0 crashes; the new leader n1 adds n5 before committing \
             anything of its own term, and commits it with n2 and n5. n0 returns and, with n3 and \
             n4, a majority of its own configuration, commits a different entry at the same index: \
             State Machine Safety fails. The correct rule makes n1 refuse the change."),
            change_early_bug),
    ]
}

/// The ready-made scenarios, in menu order.
pub fn scenarios() -> Vec<ScenarioInfo> {
    all().into_iter().map(|(info, _)| info).collect()
}

/// The scenario with this id.
pub fn scenario(id: &str) -> Option<Scenario> {
    all()
        .into_iter()
        .find(|(info, _)| info.id == id)
        .map(|(_, build)| build())
}

/// The scenario in which a broken variant's invariant goes red.
pub fn bug_scenario(variant: Variant) -> Option<&'static str> {
    match variant {
        Variant::Correct => None,
        Variant::CommitOldTerm => Some("bug-figure-8"),
        Variant::VoteWithoutLogCheck => Some("bug-vote-any-log"),
        Variant::VolatileVote => Some("bug-volatile-vote"),
        Variant::ChangeWithoutTermRule => Some("bug-change-early"),
        Variant::LocalReads => Some("stale-read"),
    }
}
