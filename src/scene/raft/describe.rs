//! A sentence for every decision a Raft node narrates: what it does and why, in the present
//! tense, naming nodes as the page does. English in the code, Chinese in `raft.zh.txt`.
use crate::algo::raft::{
    AppendRefusal, ChangeRefusal, Ignored, LastEntry, LogsCompared, Members, Note, Op, OpResult,
    StepDown, VoteRefusal,
};
use crate::i18n::{tr, trf};
use crate::scene::Names;
use crate::sim::NodeId;
use std::fmt::Display;

/// An operation as a sentence shows it: `put x=5`, `get x`.
pub fn op_text(op: Op) -> String {
    match op {
        Op::Put { key, value } => format!("put {key}={value}"),
        Op::Get { key } => format!("get {key}"),
    }
}

/// What an operation returned: `ok`, a value, or `nil` (never written).
pub fn result_text(result: OpResult) -> String {
    result.to_string()
}

/// A configuration by its members' names: `{n0, n1, n2}`.
pub fn members_text(names: &Names<'_>, members: Members) -> String {
    let all: Vec<String> = members.iter().map(|m| names.of(m)).collect();
    format!("{{{}}}", all.join(", "))
}

fn vote_word(pre_vote: bool) -> &'static str {
    if pre_vote {
        tr("pre-vote")
    } else {
        tr("vote")
    }
}

/// The end of a log as a vote sentence shows it (§5.4.1 compares the last entries' terms,
/// then indexes): "term 2, index 4", or "empty".
fn last_entry_text(last: LastEntry) -> String {
    if last.index == 0 {
        tr("empty").into()
    } else {
        trf(
            "term {t}, index {i}",
            &[("t", &last.term), ("i", &last.index)],
        )
    }
}

/// A vote granted (not a PreVote): why, with both logs' ends (§5.4.1); in the broken
/// variant, that the logs were not compared.
fn grant_sentence(n: &str, c: &str, term: u64, logs: LogsCompared) -> String {
    let args: [(&str, &dyn Display); 5] = [
        ("n", &n),
        ("c", &c),
        ("t", &term),
        ("cl", &last_entry_text(logs.candidate)),
        ("ol", &last_entry_text(logs.own)),
    ];
    let up_to_date = logs.candidate.at_least_as_up_to_date_as(logs.own);
    match (logs.checked, up_to_date) {
        (true, _) => trf("{n} votes for {c} in term {t}, its only vote there: {c}'s log ({cl}) is at least as up to date as its own ({ol}) (§5.4.1).", &args),
        (false, false) => trf("{n} votes for {c} in term {t} without comparing logs (the bug): {c}'s log ({cl}) is behind its own ({ol}), so {c} may lack committed entries.", &args),
        (false, true) => trf("{n} votes for {c} in term {t} without comparing logs (the bug); here {c}'s log ({cl}) happens to be as up to date as its own ({ol}).", &args),
    }
}

/// What a voter that grants says of the two logs (§5.4.1): that the candidate's is at least
/// as up to date as its own; or, in the broken variant, that it did not compare them.
fn logs_clause(candidate: &str, logs: LogsCompared) -> String {
    let args: [(&str, &dyn Display); 3] = [
        ("c", &candidate),
        ("cl", &last_entry_text(logs.candidate)),
        ("ol", &last_entry_text(logs.own)),
    ];
    let up_to_date = logs.candidate.at_least_as_up_to_date_as(logs.own);
    match (logs.checked, up_to_date) {
        (true, _) => trf("and {c}'s log ({cl}) is at least as up to date as its own ({ol}) (§5.4.1)", &args),
        (false, false) => trf("without comparing logs: the bug. {c}'s log ({cl}) is less up to date than its own ({ol}), so {c} may lack committed entries (§5.4.1)", &args),
        (false, true) => trf("without comparing logs: the bug (here {c}'s log, {cl}, happens to be at least as up to date as its own, {ol})", &args),
    }
}

/// The sentence for `note`, narrated by `node`.
pub fn describe(names: &Names<'_>, node: NodeId, note: &Note) -> String {
    let n = names.of(node);
    let of = |id: NodeId| names.of(id);
    match note {
        Note::ElectionTimerSet { due } => trf("{n} sets its election timer: it fires at {due} unless a leader is heard from first.", &[("n", &n), ("due", due)]),
        Note::ElectionTimeout { term } => trf("{n} hears from no leader in time: its election timeout fires in term {t}.", &[("n", &n), ("t", term)]),
        Note::NotAMember { members } => trf("{n}'s timer fires, but it is not in its configuration {m}, so it stays quiet instead of starting an election.", &[("n", &n), ("m", &members_text(names, *members))]),
        Note::PreVoteStarted { term } => trf("{n} asks the others whether they would vote for it in term {t}, without raising its own term (PreVote).", &[("n", &n), ("t", term)]),
        Note::ElectionStarted { term, transfer: false } => trf("{n} becomes a candidate for term {t}: it votes for itself and asks every other server for its vote.", &[("n", &n), ("t", term)]),
        Note::ElectionStarted { term, transfer: true } => trf("{n} is told to time out now and becomes a candidate for term {t}: it votes for itself and asks for votes.", &[("n", &n), ("t", term)]),
        Note::VoteGranted { candidate, term, pre_vote, logs } => {
            let c = of(*candidate);
            let args: [(&str, &dyn Display); 4] = [("n", &n), ("c", &c), ("t", term), ("logs", &logs_clause(&c, *logs))];
            if *pre_vote {
                trf("{n} would vote for {c} in term {t} (PreVote): it has heard from no live leader lately, {logs}.", &args)
            } else {
                grant_sentence(&n, &c, *term, *logs)
            }
        }
        Note::SecondVote { candidate, term, first } => trf("{n} votes for {c} in term {t}: its second vote in that term, since the crash made it forget its vote for {f} (the bug), so two candidates can both count it.", &[("n", &n), ("c", &of(*candidate)), ("t", term), ("f", &of(*first))]),
        Note::VoteLost { term, candidate } => trf("{n} has lost its vote: it voted for {c} in term {t}, but this variant keeps votedFor only in memory, and the crash erased it (the bug).", &[("n", &n), ("c", &of(*candidate)), ("t", term)]),
        Note::VoteRefused { candidate, term, pre_vote, reason } => {
            let c = of(*candidate);
            let kind = vote_word(*pre_vote);
            match reason {
                VoteRefusal::StaleTerm => trf("{n} refuses {c} its {kind} for term {t}: its own term is newer.", &[("n", &n), ("c", &c), ("kind", &kind), ("t", term)]),
                VoteRefusal::AlreadyVoted(other) => trf("{n} refuses {c} its {kind} for term {t}: it already voted for {o} in this term, and a server votes once per term.", &[("n", &n), ("c", &c), ("kind", &kind), ("t", term), ("o", &of(*other))]),
                VoteRefusal::LogBehind { candidate, own } => trf("{n} refuses {c} its {kind} for term {t}: {c}'s log ({cl}) is behind its own ({ol}), so {c} might lack committed entries (§5.4.1).", &[("n", &n), ("c", &c), ("kind", &kind), ("t", term), ("cl", &last_entry_text(*candidate)), ("ol", &last_entry_text(*own))]),
                VoteRefusal::LeaderAlive => trf("{n} refuses {c} its {kind} for term {t}: it heard from a live leader within the minimum election timeout.", &[("n", &n), ("c", &c), ("kind", &kind), ("t", term)]),
            }
        }
        Note::VoteRequestIgnored { candidate, term } => trf("{n} ignores {c}'s vote request for term {t}: it heard from its leader within the minimum election timeout, so it keeps its term.", &[("n", &n), ("c", &of(*candidate)), ("t", term)]),
        Note::VoteCounted { from, granted: true, pre_vote, ayes, needed } => trf("{n} counts a yes {kind} from {o}: {a} of the {k} it needs.", &[("n", &n), ("kind", &vote_word(*pre_vote)), ("o", &of(*from)), ("a", ayes), ("k", needed)]),
        Note::VoteCounted { from, granted: false, pre_vote, ayes, needed } => trf("{n} counts a no {kind} from {o}: still {a} of the {k} it needs.", &[("n", &n), ("kind", &vote_word(*pre_vote)), ("o", &of(*from)), ("a", ayes), ("k", needed)]),
        Note::BecameLeader { term, ayes } => trf("{n} has {a} votes, a majority, and becomes leader for term {t}: it sends AppendEntries at once to assert its leadership.", &[("n", &n), ("a", ayes), ("t", term)]),
        Note::NewTerm { term, from } => trf("{n} adopts {o}'s newer term {t} as a follower.", &[("n", &n), ("t", term), ("o", &of(*from))]),
        Note::SteppedDown { term, reason } => match reason {
            StepDown::HigherTerm => trf("{n} steps down in term {t}: it saw a higher term, so another server may lead.", &[("n", &n), ("t", term)]),
            StepDown::PreVoteEnded => trf("{n} stops its PreVote: it hears from the leader of term {t} and follows it, its term unraised.", &[("n", &n), ("t", term)]),
            StepDown::LeaderExists => trf("{n} stops its candidacy: it hears from the leader of term {t}.", &[("n", &n), ("t", term)]),
            StepDown::LostQuorum => trf("{n} steps down in term {t}: no majority answered it for an election timeout (CheckQuorum).", &[("n", &n), ("t", term)]),
            StepDown::RemovedFromConfig => trf("{n} steps down in term {t}: the configuration without it is committed.", &[("n", &n), ("t", term)]),
        },
        Note::NoOpAppended { index, term } => trf("{n} appends a no-op entry {i} of its term {t}, so that entries of earlier terms can commit (§8).", &[("n", &n), ("i", index), ("t", term)]),
        Note::EntriesAccepted { from, to, truncated_from: None } => trf("{n} stores entries {a} to {b}: its log matched the leader's just before them.", &[("n", &n), ("a", from), ("b", to)]),
        Note::EntriesAccepted { from, to, truncated_from: Some(cut) } => trf("{n} deletes its conflicting entries from {c} on and stores the leader's entries {a} to {b}.", &[("n", &n), ("c", cut), ("a", from), ("b", to)]),
        Note::LogAlreadyMatches { up_to } => trf("{n}'s log already matches the leader's up to entry {i}: nothing to store.", &[("n", &n), ("i", up_to)]),
        Note::AppendRefused { leader, prev_index, reason } => {
            let l = of(*leader);
            match reason {
                AppendRefusal::StaleTerm => trf("{n} refuses AppendEntries from {l}: {l}'s term is older, so it is no longer the leader.", &[("n", &n), ("l", &l)]),
                AppendRefusal::LogTooShort => trf("{n} refuses AppendEntries from {l}: its log has no entry {i}, so the leader must go further back.", &[("n", &n), ("l", &l), ("i", prev_index)]),
                AppendRefusal::TermMismatch { ours, theirs } => trf("{n} refuses AppendEntries from {l}: its entry {i} has term {a}, not {b}, so the logs differ there.", &[("n", &n), ("l", &l), ("i", prev_index), ("a", ours), ("b", theirs)]),
            }
        }
        Note::NextIndexBackedOff { peer, next_index, used_hint: false } => trf("{n} moves its nextIndex for {p} back to {i} and tries again.", &[("n", &n), ("p", &of(*peer)), ("i", next_index)]),
        Note::NextIndexBackedOff { peer, next_index, used_hint: true } => trf("{n} moves its nextIndex for {p} back to {i}, skipping the conflicting term at once (conflict hint).", &[("n", &n), ("p", &of(*peer)), ("i", next_index)]),
        Note::MatchAdvanced { peer, match_index } => trf("{n} learns {p}'s log matches its own up to entry {i} (matchIndex).", &[("n", &n), ("p", &of(*peer)), ("i", match_index)]),
        Note::Committed { index, term } => trf("{n} commits up to entry {i} (of term {t}): a majority of the servers store it.", &[("n", &n), ("i", index), ("t", term)]),
        Note::OldTermNotCommitted { index, term } => trf("{n} does not commit entry {i}, though a majority stores it: its term {t} is older; it commits with a later entry of {n}'s own term (§5.4.2).", &[("n", &n), ("i", index), ("t", term)]),
        Note::CommitLearned { index } => trf("{n} learns from the leader that entries up to {i} are committed.", &[("n", &n), ("i", index)]),
        Note::Applied { index } => trf("{n} applies entry {i} to its key-value store.", &[("n", &n), ("i", index)]),
        Note::SnapshotTaken { index, term } => trf("{n} snapshots its store up to entry {i} (term {t}) and drops the log entries it covers.", &[("n", &n), ("i", index), ("t", term)]),
        Note::SnapshotSent { peer, index } => trf("{n} no longer has the entries {p} needs, so it sends its snapshot up to entry {i} (InstallSnapshot).", &[("n", &n), ("p", &of(*peer)), ("i", index)]),
        Note::SnapshotInstalled { index, term, kept_suffix: false } => trf("{n} installs the leader's snapshot up to entry {i} (term {t}) in place of its log.", &[("n", &n), ("i", index), ("t", term)]),
        Note::SnapshotInstalled { index, term, kept_suffix: true } => trf("{n} installs the leader's snapshot up to entry {i} (term {t}) and keeps its entries after it, which match.", &[("n", &n), ("i", index), ("t", term)]),
        Note::Redirected { client, leader: Some(l) } => trf("{n} is not the leader: it tells {c} to try {l}.", &[("n", &n), ("c", &of(*client)), ("l", &of(*l))]),
        Note::Redirected { client, leader: None } => trf("{n} is not the leader and knows of none: {c} will try another server.", &[("n", &n), ("c", &of(*client))]),
        Note::RequestAppended { client, serial, index } => trf("{n} appends {c}'s request #{s} to its log as entry {i}.", &[("n", &n), ("c", &of(*client)), ("s", serial), ("i", index)]),
        Note::RepeatAnswered { client, serial } => trf("{n} recognises {c}'s request #{s} as a repeat of one already applied and answers from its session record, without applying it twice.", &[("n", &n), ("c", &of(*client)), ("s", serial)]),
        Note::RequestAlreadyInLog { client, serial } => trf("{c}'s request #{s} is already in {n}'s log, waiting to commit: it is not appended again.", &[("n", &n), ("c", &of(*client)), ("s", serial)]),
        Note::RequestForgotten { client, serial } => trf("{n} is no longer the leader, so it will not answer {c}'s request #{s}: only the leader answers clients; {c} will retry with another server.", &[("n", &n), ("c", &of(*client)), ("s", serial)]),
        Note::Answered { client, serial, result } => trf("{n} answers {c}'s request #{s}: {r}.", &[("n", &n), ("c", &of(*client)), ("s", serial), ("r", &result_text(*result))]),
        Note::ReadIndexRecorded { client, read_index, round } => trf("{n} notes commit index {i} for {c}'s read and sends heartbeat round {r} to confirm it still leads (ReadIndex).", &[("n", &n), ("i", read_index), ("c", &of(*client)), ("r", round)]),
        Note::ReadWaitsForTermCommit { client } => trf("{c}'s read waits: {n} has not committed an entry of its own term yet, so its commit index may be behind.", &[("n", &n), ("c", &of(*client))]),
        Note::LeadershipConfirmed { round } => trf("{n} still leads: a majority answered heartbeat round {r}, so the reads waiting for that round can be served.", &[("n", &n), ("r", round)]),
        Note::ReadServed { client, key, value, unchecked } => {
            let v = value.map_or_else(|| "nil".to_string(), |v| v.to_string());
            let args: [(&str, &dyn Display); 4] = [("n", &n), ("c", &of(*client)), ("k", key), ("v", &v)];
            if *unchecked {
                trf("{n} answers {c}'s read of {k} from its own store ({v}) without checking that it still leads: it may have been deposed.", &args)
            } else {
                trf("{n} answers {c}'s read of {k} from its store: {v}.", &args)
            }
        }
        Note::ConfigAppended { index, members } => trf("{n} appends the configuration {m} as entry {i}; each server uses it as soon as it is in its log.", &[("n", &n), ("m", &members_text(names, *members)), ("i", index)]),
        Note::ChangeRefused { reason } => change_refused(names, &n, *reason),
        Note::QuorumChecked { heard: 1, needed } => trf("{n} heard from 1 server during the last election timeout and needs {k} to stay leader (CheckQuorum).", &[("n", &n), ("k", needed)]),
        Note::QuorumChecked { heard, needed } => trf("{n} heard from {h} servers during the last election timeout and needs {k} to stay leader (CheckQuorum).", &[("n", &n), ("h", heard), ("k", needed)]),
        Note::CommandIgnored { reason } => match reason {
            Ignored::NotAClient => trf("{n} ignores the command: reads and writes go to a client.", &[("n", &n)]),
            Ignored::NotAServer => trf("{n} ignores the command: elections, timers and membership go to a server.", &[("n", &n)]),
            Ignored::NotAMember => trf("{n} ignores the command: it is outside its configuration and does not start elections.", &[("n", &n)]),
            Ignored::IsLeader => trf("{n} ignores the command: a leader has no election timer to move.", &[("n", &n)]),
            Ignored::QueueFull => trf("{n} ignores the operation: its queue is full.", &[("n", &n)]),
        },
        Note::Invoked { op, serial } => trf("{n} starts operation #{s}: {o}.", &[("n", &n), ("s", serial), ("o", &op_text(*op))]),
        Note::RequestSent { to, serial } => trf("{n} sends request #{s} to {o}.", &[("n", &n), ("s", serial), ("o", &of(*to))]),
        Note::RequestTimedOut { serial } => trf("{n} hears no answer to request #{s} in time: it tries another server with the same serial number.", &[("n", &n), ("s", serial)]),
        Note::Returned { op, result } => trf("{n}'s operation {o} returns {r}.", &[("n", &n), ("o", &op_text(*op)), ("r", &result_text(*result))]),
        Note::Queued { op } => trf("{n} is busy: {o} waits its turn.", &[("n", &n), ("o", &op_text(*op))]),
    }
}

/// Why a leader (or a server that is not one) refuses a membership change.
pub fn change_refusal_text(names: &Names<'_>, reason: ChangeRefusal) -> String {
    match reason {
        ChangeRefusal::NotLeader(Some(l)) => {
            trf("it is not the leader ({l} is)", &[("l", &names.of(l))])
        }
        ChangeRefusal::NotLeader(None) => tr("it is not the leader").into(),
        ChangeRefusal::NoEntryOfTermCommitted => {
            tr("it has not committed an entry of its own term yet").into()
        }
        ChangeRefusal::ChangePending(i) => trf(
            "the change at entry {i} is not committed yet, and changes go one at a time",
            &[("i", &i)],
        ),
        ChangeRefusal::AlreadyMember => tr("that server is already a member").into(),
        ChangeRefusal::NotAMember => tr("that server is not a member").into(),
        ChangeRefusal::NotAServer => tr("that node is not a server").into(),
        ChangeRefusal::WouldBeEmpty => tr("the configuration would be empty").into(),
    }
}

fn change_refused(names: &Names<'_>, n: &str, reason: ChangeRefusal) -> String {
    trf(
        "{n} refuses the membership change: {why}.",
        &[("n", &n), ("why", &change_refusal_text(names, reason))],
    )
}
