//! A sentence for every decision a Paxos node narrates (captions and the event log), in the
//! present tense, saying what the node does and why.
use crate::algo::paxos::notes::{IgnoreReason, LearnedHow, Note, StartReason};
use crate::algo::paxos::{Ballot, Slot, Value, Word};
use crate::i18n::{tr, trf};
use crate::scene::Names;
use crate::sim::NodeId;

/// " in slot 3" for slots after the first (single-decree Paxos only has slot 0).
fn in_slot(slot: Slot) -> String {
    if slot == 0 {
        String::new()
    } else {
        trf(" in slot {slot}", &[("slot", &slot)])
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Noop => tr("a no-op").to_string(),
        other => other.to_string(),
    }
}

fn result_text(result: &Option<Word>) -> String {
    match result {
        Some(w) => trf(" (the value read is {value})", &[("value", w)]),
        None => String::new(),
    }
}

/// The sentence for `note`, narrated by `node`.
pub fn describe(names: &Names<'_>, node: NodeId, note: &Note) -> String {
    let me = names.of(node);
    let who = |id: NodeId| names.of(id);
    let b = |ballot: &Ballot| ballot.to_string();
    match note {
        Note::ValueReceived { value } => trf(
            "{node} is asked to get {value} chosen.",
            &[("node", &me), ("value", &value_text(value))],
        ),
        Note::Forwarded { value, leader } => trf(
            "{node} is not the leader: it forwards {value} to {leader}, so that only one proposer runs ballots.",
            &[("node", &me), ("value", &value_text(value)), ("leader", &who(*leader))],
        ),
        Note::BallotStarted { ballot, from_slot, reason } => {
            let why = match reason {
                StartReason::NewValue => tr("it has a value to propose"),
                StartReason::Retry => tr("its wait after a failed ballot is over"),
                StartReason::BecameLeader => tr("it just became the leader"),
                StartReason::Asked => tr("it was asked to start a new ballot"),
            };
            let slots = if *from_slot == 0 {
                String::new()
            } else {
                trf(" for every slot from {slot} on", &[("slot", from_slot)])
            };
            trf(
                "{node} starts ballot {ballot}{slots} because {why}, first writing the round to disk so it never reuses a ballot.",
                &[("node", &me), ("ballot", &b(ballot)), ("slots", &slots), ("why", &why)],
            )
        }
        Note::PromiseCounted { ballot, from, promises, needed } => trf(
            "{node} counts {from}'s promise for ballot {ballot}: {count} of the {needed} it needs.",
            &[("node", &me), ("from", &who(*from)), ("ballot", &b(ballot)), ("count", promises), ("needed", needed)],
        ),
        Note::Phase1Done { ballot } => trf(
            "{node} has a phase-1 quorum for ballot {ballot}: those acceptors will accept no lower ballot, and their promises report every value they accepted.",
            &[("node", &me), ("ballot", &b(ballot))],
        ),
        Note::Adopted { ballot, slot, value, accepted_in } => trf(
            "{node} must propose {value} in ballot {ballot}{slot}, not a value of its own: it is the value with the highest ballot ({from}) in its promises, and it may already be chosen.",
            &[("node", &me), ("value", &value_text(value)), ("ballot", &b(ballot)), ("slot", &in_slot(*slot)), ("from", &b(accepted_in))],
        ),
        Note::FreeToChoose { ballot, slot, value } => trf(
            "{node} proposes {value} in ballot {ballot}{slot}: no acceptor of its quorum has accepted anything there, so nothing can have been chosen yet.",
            &[("node", &me), ("value", &value_text(value)), ("ballot", &b(ballot)), ("slot", &in_slot(*slot))],
        ),
        Note::KeptOwnValue { ballot, slot, value, ignored, accepted_in } => trf(
            "{node} breaks the rule: it proposes its own {value} in ballot {ballot}{slot} although its promises report {ignored} accepted in {from}, which may already be chosen.",
            &[("node", &me), ("value", &value_text(value)), ("ballot", &b(ballot)), ("slot", &in_slot(*slot)), ("ignored", &value_text(ignored)), ("from", &b(accepted_in))],
        ),
        Note::HoleFilled { ballot, slot } => trf(
            "{node} fills slot {slot} with a no-op in ballot {ballot}: no promise reported a value there, and the log is applied in order, with no gaps.",
            &[("node", &me), ("slot", slot), ("ballot", &b(ballot))],
        ),
        Note::SlotAssigned { ballot, slot, value } => trf(
            "{node} puts {value} in slot {slot} and sends accept requests under ballot {ballot}: its phase 1 already covers this slot, so one round trip is enough.",
            &[("node", &me), ("value", &value_text(value)), ("slot", slot), ("ballot", &b(ballot))],
        ),
        Note::AcceptCounted { ballot, slot, from, acks, needed } => trf(
            "{node} counts {from}'s acceptance of ballot {ballot}{slot}: {count} of the {needed} it needs.",
            &[("node", &me), ("from", &who(*from)), ("ballot", &b(ballot)), ("slot", &in_slot(*slot)), ("count", acks), ("needed", needed)],
        ),
        Note::SawChosen { ballot, slot, value } => trf(
            "{node} sees {value} chosen{slot}: a phase-2 quorum accepted it in ballot {ballot}.",
            &[("node", &me), ("value", &value_text(value)), ("slot", &in_slot(*slot)), ("ballot", &b(ballot))],
        ),
        Note::Preempted { ballot, by } => trf(
            "{node} gives up ballot {ballot}: an acceptor has promised the higher ballot {by}.",
            &[("node", &me), ("ballot", &b(ballot)), ("by", &b(by))],
        ),
        Note::Waiting { after, failures: 1, randomized: true } => trf(
            "{node} waits a random {after} (1 failed ballot) before trying again, so that dueling proposers drift apart.",
            &[("node", &me), ("after", after)],
        ),
        Note::Waiting { after, failures, randomized: true } => trf(
            "{node} waits a random {after} ({failures} failed ballots in a row) before trying again, so that dueling proposers drift apart.",
            &[("node", &me), ("after", after), ("failures", failures)],
        ),
        Note::Waiting { after, randomized: false, .. } => trf(
            "{node} waits a fixed {after} before trying again (no back-off).",
            &[("node", &me), ("after", after)],
        ),
        Note::PhaseTimedOut { ballot, phase: 1 } => trf(
            "{node} got too few promises for ballot {ballot} in time; it will try a higher ballot.",
            &[("node", &me), ("ballot", &b(ballot))],
        ),
        Note::PhaseTimedOut { ballot, .. } => trf(
            "{node} got too few acceptances for ballot {ballot} in time.",
            &[("node", &me), ("ballot", &b(ballot))],
        ),
        Note::Resent { ballot, slot } => trf(
            "{node} sends its accept requests for ballot {ballot}{slot} again: answers are missing, and the same request may safely arrive twice.",
            &[("node", &me), ("ballot", &b(ballot)), ("slot", &in_slot(*slot))],
        ),
        Note::SteppedDown { leader } => trf(
            "{node} stops running ballots: {leader} is the leader now.",
            &[("node", &me), ("leader", &who(*leader))],
        ),
        Note::RoundRestored { round } => trf(
            "{node} restarts and reads round {round} from disk: its next ballot will be higher than any it used before.",
            &[("node", &me), ("round", round)],
        ),
        Note::Promised { ballot, previous, reported: 1, first: Some(vote) } => trf(
            "{node} promises ballot {ballot} (its promise was {previous}) and reports {value}, which it accepted in ballot {accepted}{slot}; the promise is on disk before the reply leaves.",
            &[("node", &me), ("ballot", &b(ballot)), ("previous", &b(previous)), ("value", &value_text(&vote.value)), ("accepted", &b(&vote.ballot)), ("slot", &in_slot(vote.slot))],
        ),
        Note::Promised { ballot, previous, reported: 0, .. } => trf(
            "{node} promises ballot {ballot} (its promise was {previous}) and reports that it has accepted nothing; the promise is on disk before the reply leaves.",
            &[("node", &me), ("ballot", &b(ballot)), ("previous", &b(previous))],
        ),
        Note::Promised { ballot, previous, reported, .. } => trf(
            "{node} promises ballot {ballot} (its promise was {previous}) and reports the {count} values it accepted; the promise is on disk before the reply leaves.",
            &[("node", &me), ("ballot", &b(ballot)), ("previous", &b(previous)), ("count", reported)],
        ),
        Note::RefusedPrepare { ballot, promised } => trf(
            "{node} refuses prepare {ballot}: it has promised the higher ballot {promised}, and says so.",
            &[("node", &me), ("ballot", &b(ballot)), ("promised", &b(promised))],
        ),
        Note::AcceptedValue { ballot, slot, value } => trf(
            "{node} accepts {value} in ballot {ballot}{slot}: it has promised nothing higher. It writes it to disk, then tells the learners.",
            &[("node", &me), ("value", &value_text(value)), ("ballot", &b(ballot)), ("slot", &in_slot(*slot))],
        ),
        Note::RefusedAccept { ballot, slot, promised } => trf(
            "{node} refuses to accept ballot {ballot}{slot}: it promised {promised}, and a promise is never broken.",
            &[("node", &me), ("ballot", &b(ballot)), ("slot", &in_slot(*slot)), ("promised", &b(promised))],
        ),
        Note::PromiseRestored { promised, accepted } => trf(
            "{node} restarts and reads its promise {promised} and {count} accepted values back from disk.",
            &[("node", &me), ("promised", &b(promised)), ("count", accepted)],
        ),
        Note::PromiseForgotten { had } => trf(
            "{node} restarts having forgotten its promise of {had}: this broken acceptor kept it in memory only.",
            &[("node", &me), ("had", &b(had))],
        ),
        Note::AcceptedCounted { slot, ballot, from, count, needed } => trf(
            "{node} hears that {from} accepted ballot {ballot}{slot}: {count} of the {needed} acceptances that make it chosen.",
            &[("node", &me), ("from", &who(*from)), ("ballot", &b(ballot)), ("slot", &in_slot(*slot)), ("count", count), ("needed", needed)],
        ),
        Note::Learned { slot, value, how } => match how {
            LearnedHow::Quorum { ballot } => trf(
                "{node} learns {value}{slot}: a phase-2 quorum accepted it in ballot {ballot}.",
                &[("node", &me), ("value", &value_text(value)), ("slot", &in_slot(*slot)), ("ballot", &b(ballot))],
            ),
            LearnedHow::MixedBallots => trf(
                "{node} learns {value}{slot} by adding up acceptances from different ballots: broken, since no single ballot has a quorum.",
                &[("node", &me), ("value", &value_text(value)), ("slot", &in_slot(*slot))],
            ),
            LearnedHow::Told { by } => trf(
                "{node} learns {value}{slot} from {by}, which had learned it.",
                &[("node", &me), ("value", &value_text(value)), ("slot", &in_slot(*slot)), ("by", &who(*by))],
            ),
        },
        Note::AskedAbout { slot, known_decided: true } => trf(
            "{node} knows slot {slot} is decided (a heartbeat said another node learned it) but not its value: it asks the other learners.",
            &[("node", &me), ("slot", slot)],
        ),
        Note::AskedAbout { slot, known_decided: false } => trf(
            "{node} has not learned slot {slot} yet: it asks the other learners whether one of them has.",
            &[("node", &me), ("slot", slot)],
        ),
        Note::CannotAnswer { slot, asker } => trf(
            "{node} has not learned slot {slot} either: it has nothing to tell {asker}.",
            &[("node", &me), ("slot", slot), ("asker", &who(*asker))],
        ),
        Note::NothingToAsk => trf(
            "{node} checks whether it is missing a slot it knows of: it has learned every one by now, so it asks nobody.",
            &[("node", &me)],
        ),
        Note::Applied { slot, value, result } => trf(
            "{node} applies slot {slot}, {value}, to its key-value store{result}.",
            &[("node", &me), ("slot", slot), ("value", &value_text(value)), ("result", &result_text(result))],
        ),
        Note::DuplicateSkipped { slot, .. } => trf(
            "{node} skips slot {slot}: that command was already applied in an earlier slot (a client retried it).",
            &[("node", &me), ("slot", slot)],
        ),
        Note::Replied { to, .. } => trf(
            "{node} answers {to}: its command is applied.",
            &[("node", &me), ("to", &who(*to))],
        ),
        Note::LeaderChanged { leader, previous } => trf(
            "{node} now takes {leader} for the leader, not {previous}: the lowest-id live proposer it hears from.",
            &[("node", &me), ("leader", &who(*leader)), ("previous", &who(*previous))],
        ),
        Note::ClientSent { to, value, .. } => trf(
            "{node} sends {value} to {to}.",
            &[("node", &me), ("value", &value_text(value)), ("to", &who(*to))],
        ),
        Note::ClientGotReply { result, .. } => trf(
            "{node} gets its answer{result}.",
            &[("node", &me), ("result", &result_text(result))],
        ),
        Note::ClientTimedOut { next, .. } => trf(
            "{node} got no answer in time and sends its command to {next}.",
            &[("node", &me), ("next", &who(*next))],
        ),
        Note::Ignored { reason: IgnoreReason::NotAProposer } => trf(
            "{node} ignores the command: it is not a proposer.",
            &[("node", &me)],
        ),
        Note::Ignored { reason: IgnoreReason::AlreadyDecided } => trf(
            "{node} ignores the new value: it has already learned the decided one.",
            &[("node", &me)],
        ),
        Note::Ignored { reason: IgnoreReason::NeedsMulti } => trf(
            "{node} ignores the command: key-value commands need Multi-Paxos.",
            &[("node", &me)],
        ),
    }
}
