//! A sentence for each thing a node of the queue scene narrates (captions and the event
//! log): what happened and why it matters for losing or duplicating messages.
use crate::algo::queue::message::DEAD_LETTER_KEY;
use crate::algo::queue::note::Step;
use crate::algo::queue::{AckMiss, Message, QueueNote};
use crate::algo::redis::{Command, Persistence, Reply};
use crate::i18n::{tr, trf};
use crate::scene::Names;
use crate::sim::NodeId;

/// Why an acknowledgement by `client` removed nothing, from where the message is now.
fn why_missed(command: &Command, miss: AckMiss, client: &str, names: &Names<'_>) -> String {
    let stream = matches!(command, Command::Xack { .. });
    let other = match miss {
        AckMiss::HeldBy(n) | AckMiss::DoneBy(n) => names.of(n),
        _ => String::new(),
    };
    let args: &[(&str, &dyn std::fmt::Display)] = &[("client", &client), ("other", &other)];
    match (miss, stream) {
        (AckMiss::GroupGone, _) => tr(
            "Redis restarted without the consumer group, so nothing is pending: the entry will never be delivered again",
        )
        .to_string(),
        (AckMiss::Lost, _) => tr(
            "Redis lost the message when it restarted: it was not requeued, and it will not be delivered again",
        )
        .to_string(),
        (AckMiss::Queued, false) => trf(
            "the message had left {client}'s processing list: it is back in the queue, to be handed out again",
            args,
        ),
        (AckMiss::Queued, true) => tr(
            "the entry is no longer pending: Redis lost the record of its delivery when it restarted, and will deliver it again",
        )
        .to_string(),
        (AckMiss::HeldBy(_), false) => trf(
            "the reaper had requeued the message and {other} has taken it since: {client}'s work and {other}'s duplicate each other",
            args,
        ),
        (AckMiss::HeldBy(_), true) => trf(
            "{other} had claimed the entry and holds it now: {client}'s work and {other}'s duplicate each other",
            args,
        ),
        (AckMiss::DoneBy(_), false) => trf(
            "the reaper had requeued the message and {other} has already processed it: {client}'s work was a duplicate",
            args,
        ),
        (AckMiss::DoneBy(_), true) => trf(
            "{other} had claimed the entry and has already processed it: {client}'s work was a duplicate",
            args,
        ),
    }
}

/// Why a command the broker ran matters, given who ran it and the reply. `served`: a
/// blocked client this command's write served at once.
fn why(command: &Command, reply: &Reply, client: &str, served: Option<&str>) -> String {
    let carries = !Message::all_in(reply).is_empty();
    if let (Some(waiter), Command::Lpush { .. } | Command::Rpush { .. } | Command::Xadd { .. }) =
        (served, command)
    {
        return trf(
            "the message does not wait in the queue: Redis hands it straight to {waiter}, which was blocked waiting for one",
            &[("waiter", &waiter)],
        );
    }
    let args: &[(&str, &dyn std::fmt::Display)] = &[("client", &client)];
    let text = match command {
        Command::Lpush { .. } => tr("the message waits at the head of the queue list"),
        Command::Rpush { .. } => {
            tr("the message goes back to the end consumers take from, so it is handed out next")
        }
        Command::Brpop { .. } if carries => {
            return trf(
                "the message has left Redis: only {client}'s memory holds it now",
                args,
            )
        }
        Command::Blmove { .. } if carries => {
            return trf(
                "in one atomic step the message moves into {client}'s processing list, where it stays until acknowledged",
                args,
            )
        }
        Command::Brpop { .. } | Command::Blmove { .. } => {
            tr("no message came before the timeout")
        }
        Command::Lrem { .. } if *reply == Reply::Integer(1) => {
            tr("the message leaves the processing list")
        }
        Command::Lrem { .. } => tr("the message was no longer in the processing list"),
        Command::Lrange { .. } => {
            tr("the reaper looks for messages that stay in a processing list too long")
        }
        Command::Xadd { key, .. } if key == DEAD_LETTER_KEY => {
            tr("the message is parked in the dead-letter stream for a person to look at")
        }
        Command::Xadd { .. } => tr("the message is appended to the stream"),
        Command::XgroupCreate { .. } => tr(
            "the group exists from now on (BUSYGROUP only means it existed already)",
        ),
        Command::Xreadgroup { .. } if carries => {
            return trf(
                "delivered to {client}, it stays in the group's pending entries list until XACK",
                args,
            )
        }
        Command::Xreadgroup { .. } => tr("no new entry came before the block timeout"),
        Command::Xack { .. } if *reply == Reply::Integer(1) => {
            tr("the entry leaves the pending entries list: done")
        }
        Command::Xack { .. } => tr("the entry was no longer pending"),
        Command::Xautoclaim { .. } if carries => {
            return trf(
                "{client} claims an entry idle past the minimum idle time: its delivery count goes up",
                args,
            )
        }
        Command::Xautoclaim { .. } if matches!(reply, Reply::Error(_)) => tr(
            "Redis restarted without the group: nothing to claim",
        ),
        Command::Xautoclaim { .. } => tr("no pending entry has been idle long enough"),
        Command::Xpending { .. } => {
            return trf(
                "{client} reads the entry's delivery count to decide whether it is poison",
                args,
            )
        }
        _ => return String::new(),
    };
    text.to_string()
}

/// The stream entries a reply carries, named for a caption ("entry 139-0 (p1.3)"), in
/// place of Redis's nested arrays; `None` when it carries none. An entry's id is the
/// nearest id-shaped string before its message.
fn entries_in(reply: &Reply) -> Option<String> {
    let is_id = |s: &str| {
        s.split_once('-').is_some_and(|(ms, seq)| {
            !ms.is_empty()
                && !seq.is_empty()
                && ms.bytes().chain(seq.bytes()).all(|b| b.is_ascii_digit())
        })
    };
    let mut id = "";
    let mut named = Vec::new();
    for s in reply.strings() {
        if is_id(s) {
            id = s;
        } else if let Some(message) = Message::decode(s) {
            named.push(trf(
                "entry {id} ({message})",
                &[("id", &id), ("message", &message)],
            ));
        }
    }
    (!named.is_empty()).then(|| named.join(", "))
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::JoinGroup => tr("joining the group"),
        Step::Fetch => tr("waiting for a message"),
        Step::Claim => tr("claiming"),
        Step::CountDeliveries => tr("reading a delivery count"),
        Step::Apply => tr("applying an effect"),
        Step::Ack => tr("acknowledging"),
        Step::DeadLetter => tr("dead-lettering"),
        Step::Rest => tr("resting"),
        Step::Work => tr("working"),
    }
}

/// The sentence for `note`, narrated by `node`.
pub fn describe(names: &Names<'_>, node: NodeId, note: &QueueNote) -> String {
    let me = names.of(node);
    let me = &me as &dyn std::fmt::Display;
    match note {
        QueueNote::BrokerRan {
            client,
            command,
            reply,
            miss,
            served,
        } => {
            let client = names.of(*client);
            let waiter = served.map(|n| names.of(n));
            let why = match miss {
                Some(miss) => why_missed(command, *miss, &client, names),
                None => why(command, reply, &client, waiter.as_deref()),
            };
            // A stream read's reply nests the entries in arrays: the caption names them.
            let entries = match command {
                Command::Xreadgroup { .. } => entries_in(reply),
                // XAUTOCLAIM answers the cursor for the next call first.
                Command::Xautoclaim { .. } => entries_in(reply).map(|entries| {
                    let cursor = reply.strings().first().copied().unwrap_or("0-0");
                    trf(
                        "{entries}, next cursor {cursor}",
                        &[("entries", &entries), ("cursor", &cursor)],
                    )
                }),
                _ => None,
            };
            let reply: &dyn std::fmt::Display = match &entries {
                Some(entries) => entries,
                None => reply,
            };
            let args: &[(&str, &dyn std::fmt::Display)] = &[
                ("node", me),
                ("client", &client),
                ("command", command),
                ("reply", reply),
                ("why", &why),
            ];
            if why.is_empty() {
                trf("{node} runs {command} for {client} and answers {reply}.", args)
            } else {
                trf(
                    "{node} runs {command} for {client} and answers {reply}: {why}.",
                    args,
                )
            }
        }
        QueueNote::BrokerParked { client, command } => trf(
            "{node} has no message for {client}'s {name}: {client} stays blocked until a message arrives or its timeout runs out.",
            &[("node", me), ("client", &names.of(*client)), ("name", &command.name())],
        ),
        QueueNote::BrokerServedWaiter { client, reply } => trf(
            "A new message wakes {client}, blocked until now: {node} answers its waiting command with {reply}.",
            &[("node", me), ("client", &names.of(*client)), ("reply", reply)],
        ),
        QueueNote::BrokerTimedOutWaiter { client } => trf(
            "{client}'s blocking read times out with no message: {node} answers (nil), and {client} will ask again.",
            &[("node", me), ("client", &names.of(*client))],
        ),
        QueueNote::BrokerFsynced { commands } => trf(
            "{node} flushes its append-only file to disk (writes flushed: {n}): from now on they survive a crash.",
            &[("node", me), ("n", commands)],
        ),
        QueueNote::BrokerRecovered {
            persistence,
            keys,
            lost_writes,
        } => {
            let args: &[(&str, &dyn std::fmt::Display)] =
                &[("node", me), ("keys", keys), ("lost", lost_writes)];
            match persistence {
                Persistence::None => trf(
                    "{node} restarts empty: without persistence, every message it held is gone.",
                    args,
                ),
                Persistence::AofEverySec => trf(
                    "{node} restarts after its machine went down and replays its append-only file: what was on disk comes back ({keys} keys), but the writes not yet flushed, which were in the page cache when the power went, are lost, confirmed or not (lost so far: {lost}).",
                    args,
                ),
                Persistence::AofAlways => trf(
                    "{node} restarts and replays its append-only file: every write was on disk before its reply, so everything comes back ({keys} keys) and nothing confirmed is lost.",
                    args,
                ),
            }
        }
        QueueNote::ProducerSent {
            message,
            attempt,
            waits,
        } => {
            let args: &[(&str, &dyn std::fmt::Display)] =
                &[("node", me), ("msg", message), ("n", attempt)];
            match (*waits, *attempt) {
                (false, _) => trf(
                    "{node} sends {msg} and moves on without waiting: it will never know whether Redis got it.",
                    args,
                ),
                (true, 1) => trf(
                    "{node} sends {msg} and waits for Redis's confirmation.",
                    args,
                ),
                (true, _) => trf(
                    "{node} sends {msg} again (attempt {n}): it cannot tell a lost request from a lost reply.",
                    args,
                ),
            }
        }
        QueueNote::ProducerConfirmed { message } => trf(
            "Redis confirms {msg} to {node}: from now on it must never be lost.",
            &[("node", me), ("msg", message)],
        ),
        QueueNote::ProducerRefused { message } => trf(
            "Redis answers {node} with an error for {msg}, so {node} gives up on it.",
            &[("node", me), ("msg", message)],
        ),
        QueueNote::ProducerTimedOut {
            message,
            attempt,
            retry,
        } => {
            let args: &[(&str, &dyn std::fmt::Display)] =
                &[("node", me), ("msg", message), ("n", attempt)];
            if *retry {
                trf(
                    "{node} gets no reply for {msg} in time (attempt {n}): it will resend it, a duplicate if only the reply was lost.",
                    args,
                )
            } else {
                trf(
                    "{node} gets no reply for {msg} after {n} attempts and gives up on it.",
                    args,
                )
            }
        }
        QueueNote::ConsumerReceived { message, claimed } => {
            let args: &[(&str, &dyn std::fmt::Display)] = &[("node", me), ("msg", message)];
            if *claimed {
                trf(
                    "{node} claims {msg}, which another delivery left pending too long.",
                    args,
                )
            } else {
                trf("{node} receives {msg} from Redis.", args)
            }
        }
        QueueNote::ConsumerFoundNothing { claiming } => {
            if *claiming {
                trf(
                    "{node} finds no pending entry idle long enough to claim.",
                    &[("node", me)],
                )
            } else {
                trf("{node}'s read returns no message; it reads again.", &[("node", me)])
            }
        }
        QueueNote::ConsumerWorking { message, service } => trf(
            "{node} works on {msg} for {t}; until it acknowledges, a crash here decides whether the message survives.",
            &[("node", me), ("msg", message), ("t", service)],
        ),
        QueueNote::ConsumerFailed { message } => trf(
            "Processing {msg} fails on {node}: its payload is bad (a poison message), so {node} neither applies nor acknowledges it.",
            &[("node", me), ("msg", message)],
        ),
        QueueNote::ConsumerApplying {
            message,
            idempotent,
        } => {
            let args: &[(&str, &dyn std::fmt::Display)] = &[("node", me), ("msg", message)];
            if *idempotent {
                trf(
                    "{node} asks the database to apply {msg} and record its id, in one transaction.",
                    args,
                )
            } else {
                trf("{node} asks the database to apply {msg}.", args)
            }
        }
        QueueNote::ConsumerSkippedDuplicate { message } => trf(
            "The database already has {msg}'s id: {node}'s delivery was a duplicate, made harmless.",
            &[("node", me), ("msg", message)],
        ),
        QueueNote::ConsumerAcked {
            message,
            removed,
            stream,
            duplicate,
        } => {
            let args: &[(&str, &dyn std::fmt::Display)] = &[("node", me), ("msg", message)];
            match (*removed, *stream, *duplicate) {
                (true, false, _) => trf(
                    "{node} acknowledges {msg}: LREM removed the only copy, so Redis forgets it.",
                    args,
                ),
                (true, true, _) => trf(
                    "{node} acknowledges {msg}: its entry leaves the group's pending entries list (the stream keeps the entry until it is trimmed).",
                    args,
                ),
                (false, _, true) => trf(
                    "{node} acknowledges {msg}, but Redis no longer held it for {node} (Redis's answer says why); {node}'s delivery was a duplicate that the database had already skipped.",
                    args,
                ),
                (false, _, false) => trf(
                    "{node} acknowledges {msg}, but Redis no longer held it for {node} (Redis's answer says why); {node} has applied its effect all the same.",
                    args,
                ),
            }
        }
        QueueNote::ConsumerDeadLettering {
            message,
            deliveries,
        } => trf(
            "{msg} has been delivered too often (deliveries: {n}): {node} moves it to the dead-letter stream instead of failing on it forever.",
            &[("node", me), ("msg", message), ("n", deliveries)],
        ),
        QueueNote::ConsumerIgnoredLateReply { carried, .. } => match carried {
            Some(message) => trf(
                "A reply comes after {node} stopped waiting for it: the {msg} it carries is never processed by {node}.",
                &[("node", me), ("msg", message)],
            ),
            None => trf(
                "A reply comes after {node} stopped waiting for it; {node} ignores it.",
                &[("node", me)],
            ),
        },
        QueueNote::ConsumerTimedOut { step } => trf(
            "{node} gets no reply in time while {step}, and tries again.",
            &[("node", me), ("step", &step_name(*step))],
        ),
        QueueNote::ConsumerGotError { error } => trf(
            "Redis answers {node} with an error ({error}); {node} rests a moment and tries again.",
            &[("node", me), ("error", error)],
        ),
        QueueNote::ConsumerRejoining => trf(
            "Redis no longer knows the consumer group (it restarted empty): {node} creates it again.",
            &[("node", me)],
        ),
        QueueNote::ConsumerSpeed { slow } => {
            if *slow {
                trf(
                    "{node} becomes slow: from now on it works much longer on each message.",
                    &[("node", me)],
                )
            } else {
                trf("{node} is back to its normal speed.", &[("node", me)])
            }
        }
        QueueNote::DbApplied {
            message,
            from,
            times,
            recorded,
        } => {
            let args: &[(&str, &dyn std::fmt::Display)] = &[
                ("node", me),
                ("msg", message),
                ("from", &names.of(*from)),
                ("n", times),
            ];
            match (*times, *recorded) {
                (1, true) => trf(
                    "{node} applies {msg} for {from} and records its id in the same transaction.",
                    args,
                ),
                (1, false) => trf("{node} applies {msg} for {from}.", args),
                _ => trf(
                    "{node} applies {msg} for {from} again: its effect has now happened {n} times, a duplicate.",
                    args,
                ),
            }
        }
        QueueNote::DbSkippedDuplicate { message, from } => trf(
            "{node} finds {msg}'s id in its dedupe table and applies nothing for {from}.",
            &[("node", me), ("msg", message), ("from", &names.of(*from))],
        ),
        QueueNote::ReaperScanned { consumer, items } => trf(
            "{node} reads c{c}'s processing list (messages there: {n}).",
            &[("node", me), ("n", items), ("c", consumer)],
        ),
        QueueNote::ReaperRequeueing { consumer, message } => trf(
            "{msg} has stayed in c{c}'s processing list past the visibility timeout: {node} pushes it back in the queue, guessing c{c} died.",
            &[("node", me), ("msg", message), ("c", consumer)],
        ),
        QueueNote::ReaperRemoved {
            consumer,
            message,
            was_there,
        } => {
            let args: &[(&str, &dyn std::fmt::Display)] =
                &[("node", me), ("msg", message), ("c", consumer)];
            if *was_there {
                trf(
                    "{node} removes {msg} from c{c}'s processing list: the requeued copy is now the only one.",
                    args,
                )
            } else {
                trf(
                    "c{c} had already finished {msg} and removed it: the requeued copy is a duplicate.",
                    args,
                )
            }
        }
        QueueNote::ReaperTimedOut => trf(
            "{node} gets no reply from Redis in time and starts its round again.",
            &[("node", me)],
        ),
    }
}
