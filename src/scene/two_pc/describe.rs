//! A sentence for every decision a two-phase commit node narrates: what it does and why, in
//! the present tense, naming the participants as the stage does. English in the code,
//! Chinese in `two_pc.zh.txt`.
use crate::algo::two_phase_commit::{
    CannotHelp, Decision, DecisionReason, Msg, NoReason, Note, Record, COORDINATOR,
};
use crate::i18n::{lang, tr, trf, Lang};
use crate::scene::Names;
use crate::sim::NodeId;

/// A node as a sentence names it: "the coordinator", or the participant's name ("P2").
/// Chinese has no article to give the role: there the coordinator is 协调者, its name on
/// the stage and in the log ([`crate::i18n::node_name`]), so that a learner sees one name
/// for one node.
fn who(names: &Names<'_>, id: NodeId) -> String {
    match lang() {
        Lang::En if id == COORDINATOR => "the coordinator".to_string(),
        _ => names.of(id),
    }
}

/// The nodes of a bit set (bit `i` for node `i`), as a list: "P1, P2 and P3".
pub fn node_list(names: &Names<'_>, bits: u8) -> String {
    let all: Vec<String> = (0..8u32)
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| who(names, NodeId(i)))
        .collect();
    joined(&all)
}

/// "A", "A and B", "A, B and C" (with the Chinese list separator in Chinese).
fn joined(all: &[String]) -> String {
    let separator = if lang() == Lang::Zh { "、" } else { ", " };
    match all {
        [] => tr("nobody").to_string(),
        [one] => one.clone(),
        [init @ .., last] => trf(
            "{first} and {last}",
            &[("first", &init.join(separator)), ("last", last)],
        ),
    }
}

/// The decision as messages and logs spell it.
fn word(decision: Decision) -> &'static str {
    match decision {
        Decision::Commit => "COMMIT",
        Decision::Abort => "ABORT",
    }
}

/// The sentence for `note`, narrated by `node`, starting with a capital letter.
pub fn describe(names: &Names<'_>, node: NodeId, note: &Note) -> String {
    tidy_cjk_spaces(&capitalized(sentence(names, node, note)))
}

fn is_cjk(c: char) -> bool {
    ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// Chinese templates put a space around a name (`{n} 决定`), which is right for "P2" and
/// "coordinator" but not for a word in Chinese characters ("没有人" for nobody): a space
/// between two Chinese characters is dropped.
fn tidy_cjk_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let between_cjk =
                i > 0 && chars.get(i + 1).is_some_and(|n| is_cjk(*n)) && is_cjk(chars[i - 1]);
            !(c == ' ' && between_cjk)
        })
        .map(|(_, c)| *c)
        .collect()
}

/// "the coordinator forces..." becomes "The coordinator forces...". Chinese has no
/// capitals: there a sentence that starts with the name "coordinator" keeps it as it is.
fn capitalized(text: String) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first.is_ascii_lowercase() && lang() == Lang::En => {
            first.to_ascii_uppercase().to_string() + chars.as_str()
        }
        _ => text,
    }
}

fn sentence(names: &Names<'_>, node: NodeId, note: &Note) -> String {
    let n = who(names, node);
    let t = |tx: &u32| format!("t{tx}");
    match note {
        Note::BeginForced { tx } => trf("{n} forces BEGIN {t} to its log before telling anyone, so that a restart can never reuse the number {t}.", &[("n", &n), ("t", &t(tx))]),
        Note::WorkSent { tx } => trf("BEGIN {t} is on disk: {n} sends the transaction's work to every participant, which does it holding locks.", &[("n", &n), ("t", &t(tx))]),
        Note::PrepareSent { tx, to } => trf("The work is done: {n} asks {to} to PREPARE {t} and waits for their votes.", &[("n", &n), ("to", &node_list(names, *to)), ("t", &t(tx))]),
        Note::VoteCounted { tx, from, yes: true, waiting: 0 } => trf("{n} counts {p}'s YES on {t}, the last vote it was waiting for.", &[("n", &n), ("p", &who(names, *from)), ("t", &t(tx))]),
        Note::VoteCounted { tx, from, yes: true, waiting } => trf("{n} counts {p}'s YES on {t} and still waits for {w}.", &[("n", &n), ("p", &who(names, *from)), ("t", &t(tx)), ("w", &node_list(names, *waiting))]),
        Note::VoteCounted { tx, from, yes: false, .. } => trf("{n} counts {p}'s NO on {t}.", &[("n", &n), ("p", &who(names, *from)), ("t", &t(tx))]),
        Note::Decided { tx, decision, reason } => {
            let d = word(*decision);
            match reason {
                DecisionReason::AllVotedYes => trf("{n} decides {d} {t}: every participant voted yes.", &[("n", &n), ("d", &d), ("t", &t(tx))]),
                DecisionReason::VotedNo(p) => trf("{n} decides {d} {t}: {p} voted no, so {t} can never commit, whatever the other votes.", &[("n", &n), ("d", &d), ("t", &t(tx)), ("p", &who(names, *p))]),
                DecisionReason::VoteTimeout => trf("{n} decides {d} {t}: not every vote came in time, and without every yes it may not commit.", &[("n", &n), ("d", &d), ("t", &t(tx))]),
                DecisionReason::NothingInTheLog => trf("{n} decides {d} {t}: no record of a commit means abort (presumed abort).", &[("n", &n), ("d", &d), ("t", &t(tx))]),
            }
        }
        Note::CommitForcing { tx } => trf("{n} forces COMMIT {t} to its log before telling anyone, so the decision can never be forgotten.", &[("n", &n), ("t", &t(tx))]),
        Note::CommitSentBeforeLogged { tx } => trf("Broken variant: {n} sends COMMIT {t} before its COMMIT record is on disk: a crash now would erase the only trace of the commit.", &[("n", &n), ("t", &t(tx))]),
        Note::DecisionSent { tx, decision: Decision::Commit, to } if to.count_ones() == 1 => trf("{n} sends COMMIT {t} to {to}, and will resend it until {to} acknowledges.", &[("n", &n), ("t", &t(tx)), ("to", &node_list(names, *to))]),
        Note::DecisionSent { tx, decision: Decision::Commit, to } => trf("{n} sends COMMIT {t} to {to}, and will resend it to each until it acknowledges.", &[("n", &n), ("t", &t(tx)), ("to", &node_list(names, *to))]),
        Note::DecisionSent { tx, decision: Decision::Abort, to } => trf("{n} sends ABORT {t} once to {to}; any that miss it will ask and hear abort.", &[("n", &n), ("t", &t(tx)), ("to", &node_list(names, *to))]),
        Note::AbortForgotten { tx } => trf("Presumed abort: {n} forgets {t} at once, waiting for no acknowledgement and no disk write, since a forgotten transaction is answered ABORT.", &[("n", &n), ("t", &t(tx))]),
        Note::DecisionResent { tx, decision, to } => trf("No ACK yet from {to}: {n} resends {d} {t}, and keeps resending it until every participant has acknowledged.", &[("n", &n), ("d", &word(*decision)), ("t", &t(tx)), ("to", &node_list(names, *to))]),
        Note::LateAckIgnored { tx, from } => trf("{n} has already finished {t} and forgotten it, so it ignores {p}'s late ACK {t}: nothing waits for it any more.", &[("n", &n), ("t", &t(tx)), ("p", &who(names, *from))]),
        Note::Ended { tx } => trf("{n} has an ACK for COMMIT {t} from every participant, so nobody needs to hear it again: it writes END {t} and forgets the transaction.", &[("n", &n), ("t", &t(tx))]),
        Note::Answered { tx, to, decision: Decision::Commit } => trf("{n} answers {p}'s inquiry: {t} committed (COMMIT {t} is in its log).", &[("n", &n), ("p", &who(names, *to)), ("t", &t(tx))]),
        Note::Answered { tx, to, decision: Decision::Abort } => trf("{n} answers {p}'s inquiry: {t} aborted (it has no record of a commit).", &[("n", &n), ("p", &who(names, *to)), ("t", &t(tx))]),
        Note::Recovered { tx, found: Some(Decision::Commit) } => trf("{n} reads its log after the restart: COMMIT {t} is there, so it finishes the commit.", &[("n", &n), ("t", &t(tx))]),
        Note::Recovered { tx, found: Some(Decision::Abort) } => trf("{n} reads its log after the restart: {t} aborted, and there is nothing left to do for it.", &[("n", &n), ("t", &t(tx))]),
        Note::Recovered { tx, found: None } => trf("{n} reads its log after the restart and finds BEGIN {t} but no decision.", &[("n", &n), ("t", &t(tx))]),
        Note::WorkStarted { tx } => trf("{n} starts the work of {t} and takes its locks; its BEGIN record is not forced, since nothing waits for it.", &[("n", &n), ("t", &t(tx))]),
        Note::PreparedForcing { tx } => trf("{n} can commit {t}: it forces PREPARED {t} to its log before voting YES, so a crash cannot make it forget the promise.", &[("n", &n), ("t", &t(tx))]),
        Note::VotedYes { tx } => trf("PREPARED {t} is on disk: {n} votes YES and is now in doubt, holding its locks until it learns the outcome.", &[("n", &n), ("t", &t(tx))]),
        Note::VotedYesWithoutLogging { tx } => trf("Broken variant: {n} votes YES on {t} without logging PREPARED; a crash now would make it forget its promise.", &[("n", &n), ("t", &t(tx))]),
        Note::VotedNo { tx, reason } => match reason {
            NoReason::ItsVote => trf("{n} votes NO on {t} and aborts at once: a no vote needs nothing on disk first (presumed abort).", &[("n", &n), ("t", &t(tx))]),
            NoReason::NeverDidTheWork => trf("{n} votes NO on {t}: the work never reached it (BEGIN was lost, or it was down), so it cannot commit.", &[("n", &n), ("t", &t(tx))]),
            NoReason::AlreadyAborted => trf("{n} votes NO on {t}: it has already aborted it on its own.", &[("n", &n), ("t", &t(tx))]),
            NoReason::Busy => trf("{n} votes NO on {t}: it is still in doubt on an earlier transaction and holds that one's locks.", &[("n", &n), ("t", &t(tx))]),
        },
        Note::AbortedOnItsOwn { tx } => trf("{n} aborts {t} on its own: no PREPARE came in time, and having not voted yet, it is still free to abort.", &[("n", &n), ("t", &t(tx))]),
        Note::RestartedWithOnlyBegin { tx, forgot_yes_vote: false } => trf("{n} reads its log after the restart and finds only BEGIN {t}: it never voted yes on {t} (a yes vote is logged first), so it is free to abort {t} on its own, and does.", &[("n", &n), ("t", &t(tx))]),
        Note::RestartedWithOnlyBegin { tx, forgot_yes_vote: true } => trf("Broken variant: after its restart {n} finds only BEGIN {t} in its log: its YES vote was never logged, so it forgets it and aborts {t}, though the coordinator counted it.", &[("n", &n), ("t", &t(tx))]),
        Note::Learned { tx, decision: Decision::Commit, from } => trf("{n} learns from {f} that {t} commits: it forces COMMIT {t} to its log, then releases its locks.", &[("n", &n), ("f", &who(names, *from)), ("t", &t(tx))]),
        Note::Learned { tx, decision: Decision::Abort, from } => trf("{n} learns from {f} that {t} aborts: it undoes the work and releases its locks.", &[("n", &n), ("f", &who(names, *from)), ("t", &t(tx))]),
        Note::AcknowledgedCommitAfterAbort { tx, commit_durable: true } => trf("{n} acknowledges COMMIT {t} though it aborted {t}: it cannot undo its abort, and the coordinator logged COMMIT {t}, so atomicity is broken. The ACK only stops the resends.", &[("n", &n), ("t", &t(tx))]),
        Note::AcknowledgedCommitAfterAbort { tx, commit_durable: false } => trf("{n} acknowledges COMMIT {t} though it aborted {t}: it cannot undo its abort, so if COMMIT {t} reached the coordinator's disk or another participant, atomicity is broken. The ACK only stops the resends.", &[("n", &n), ("t", &t(tx))]),
        Note::DuplicateCommit { tx, on_disk: true } => trf("{n} already committed {t}, so this COMMIT {t} is a duplicate: it changes nothing, and {n} just acknowledges it, so that the coordinator can stop resending. Duplicates are harmless.", &[("n", &n), ("t", &t(tx))]),
        Note::DuplicateCommit { tx, on_disk: false } => trf("{n} already committed {t}, so this COMMIT {t} is a duplicate: it changes nothing, and {n} acknowledges once its COMMIT record is on disk. Duplicates are harmless.", &[("n", &n), ("t", &t(tx))]),
        Note::Acknowledged { tx } => trf("{n}'s outcome for {t} is on disk: it sends ACK; once every participant has, the coordinator may forget {t}.", &[("n", &n), ("t", &t(tx))]),
        Note::Blocked { tx, asked, times: 1 } => trf("{n} is blocked on {t}: having voted yes, it may neither commit nor abort alone, so it asks {to} for the outcome.", &[("n", &n), ("t", &t(tx)), ("to", &node_list(names, *asked))]),
        Note::Blocked { tx, asked, times } => trf("{n} is still blocked on {t}, holding its locks: it asks {to} again ({k} times so far).", &[("n", &n), ("t", &t(tx)), ("to", &node_list(names, *asked)), ("k", times)]),
        Note::ToldPeer { peer, tx, decision: Decision::Commit } => trf("{n} tells {p} that {t} committed: it knows the outcome from its own log or state.", &[("n", &n), ("p", &who(names, *peer)), ("t", &t(tx))]),
        Note::ToldPeer { peer, tx, decision: Decision::Abort } => trf("{n} tells {p} that {t} aborted: its ABORT record is on disk.", &[("n", &n), ("p", &who(names, *peer)), ("t", &t(tx))]),
        Note::CannotHelpPeer { peer, tx, why: CannotHelp::InDoubtToo } => trf("{n} cannot help {p}: it is in doubt on {t} too, having voted yes without learning the outcome, so it knows no more than {p} and stays silent.", &[("n", &n), ("p", &who(names, *peer)), ("t", &t(tx))]),
        Note::CannotHelpPeer { peer, tx, why: CannotHelp::Busy } => trf("{n} cannot help {p}: it never heard of {t}, and it is still in doubt on an earlier transaction whose locks it holds, so it cannot take {t} up even to abort it; it stays silent.", &[("n", &n), ("p", &who(names, *peer)), ("t", &t(tx))]),
        Note::CannotHelpPeer { peer, tx, why: CannotHelp::NoRecord } => trf("{n} cannot help {p}: its log no longer holds anything about {t}, so it stays silent.", &[("n", &n), ("p", &who(names, *peer)), ("t", &t(tx))]),
        Note::IgnoredWhileRecovering { from, msg: Msg::Inquire(tx) } => trf("{n} is still reading its log after the restart, so it ignores {p}'s INQUIRE {t}: it cannot answer before it knows what its log says, and {p} asks again for as long as it is in doubt.", &[("n", &n), ("p", &who(names, *from)), ("t", &t(tx))]),
        Note::IgnoredWhileRecovering { from, msg } => trf("{n} is still reading its log after the restart, so it ignores {m} from {p}: it acts on nothing before it knows what its log says.", &[("n", &n), ("p", &who(names, *from)), ("m", msg)]),
        Note::LogWritten { records, released_locks } => log_written(&n, records, *released_locks),
        Note::AbortForcedBeforeTellingPeer { peer, tx } => trf("{n} has not voted yes on {t}, so it can answer {p}: it aborts {t} and forces ABORT to its log before telling {p}, since an answer from memory could be lost in a crash.", &[("n", &n), ("p", &who(names, *peer)), ("t", &t(tx))]),
        Note::RecoveredInDoubt { tx } => trf("{n} reads its log after the restart: PREPARED {t} with no outcome, so it is in doubt again; it takes its locks back and asks the coordinator.", &[("n", &n), ("t", &t(tx))]),
    }
}

/// A log write that nothing was waiting for: "P3's log write reaches the disk: BEGIN t1 is
/// durable now."
fn log_written(n: &str, records: &[Record], released_locks: bool) -> String {
    let all: Vec<String> = records.iter().map(Record::to_string).collect();
    let list = joined(&all);
    let committed = records.iter().find_map(|r| match r {
        Record::Commit(tx) => Some(format!("t{tx}")),
        _ => None,
    });
    match (released_locks, committed, records.len()) {
        (true, Some(t), _) => trf(
            "{n}'s log write reaches the disk: {records} survives a crash now, so it releases the locks of {t}.",
            &[("n", &n), ("records", &list), ("t", &t)],
        ),
        (_, _, 1) => trf(
            "{n}'s log write reaches the disk: {records} survives a crash now; nothing was waiting for it.",
            &[("n", &n), ("records", &list)],
        ),
        _ => trf(
            "{n}'s log write reaches the disk: {records} survive a crash now; nothing was waiting for them.",
            &[("n", &n), ("records", &list)],
        ),
    }
}
