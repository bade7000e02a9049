//! What travels in the queue scene: the application's messages (and how they are written
//! into Redis values), the network messages between nodes, timers and user commands.
use crate::algo::redis::{Command, Reply};
use crate::sim::Line;
use std::fmt;
use std::str::FromStr;

/// The list (designs 1 and 2) or stream (design 3) that holds the queue.
pub const QUEUE_KEY: &str = "queue";
/// The dead-letter stream (design 3).
pub const DEAD_LETTER_KEY: &str = "queue:dead";
/// The consumer group every consumer joins (design 3).
pub const GROUP: &str = "workers";
/// The field of a stream entry that holds the message.
pub const MESSAGE_FIELD: &str = "msg";

/// A consumer's processing list (design 2).
pub fn processing_key(consumer: u32) -> String {
    format!("processing:c{consumer}")
}

/// A consumer's name in the consumer group (design 3).
pub fn consumer_name(consumer: u32) -> String {
    format!("c{consumer}")
}

/// An application message's identity: which producer made it, and its number there.
/// A retried send carries the same id, which is how duplicates are recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId {
    /// 1-based producer number.
    pub producer: u32,
    /// 1-based sequence number within the producer.
    pub seq: u32,
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}.{}", self.producer, self.seq)
    }
}

impl FromStr for MessageId {
    /// Why the text is not an id, typed for the page's language (a link's poison list).
    type Err = Line;
    /// Reads `p<producer>.<seq>`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            Line::tr("\"{text}\" is not a message id (expected p<producer>.<number>)")
                .with("text", s)
        };
        let (producer, seq) = s
            .strip_prefix('p')
            .and_then(|rest| rest.split_once('.'))
            .ok_or_else(bad)?;
        let number = |t: &str| {
            t.parse::<u32>()
                .ok()
                .filter(|n| *n > 0 && !t.starts_with('0'))
        };
        Ok(MessageId {
            producer: number(producer).ok_or_else(bad)?,
            seq: number(seq).ok_or_else(bad)?,
        })
    }
}

/// A message as the producer wrote it: its id, and whether its payload is bad (a poison
/// message, whose processing always fails).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Message {
    pub id: MessageId,
    pub poison: bool,
}

const POISON_SUFFIX: &str = "/poison";

impl Message {
    /// The Redis value (list element, or stream field) that carries the message.
    pub fn encode(&self) -> String {
        if self.poison {
            format!("{}{POISON_SUFFIX}", self.id)
        } else {
            self.id.to_string()
        }
    }

    /// The message a Redis value carries, if it carries one.
    pub fn decode(value: &str) -> Option<Message> {
        let (id, poison) = match value.strip_suffix(POISON_SUFFIX) {
            Some(id) => (id, true),
            None => (value, false),
        };
        Some(Message {
            id: id.parse().ok()?,
            poison,
        })
    }

    /// Every message carried in a reply (a popped element, a stream entry's field, ...).
    pub fn all_in(reply: &Reply) -> Vec<Message> {
        reply
            .strings()
            .into_iter()
            .filter_map(Message::decode)
            .collect()
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// What the database answered to an effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApplyOutcome {
    /// The effect was applied (again, if the consumer is not idempotent).
    Applied,
    /// The dedupe table already had the message: nothing was applied.
    AlreadyApplied,
}

/// A network message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueueMsg {
    /// A client's Redis command, numbered by the client so it can match the reply.
    Request {
        req: u64,
        cmd: Command,
    },
    Reply {
        req: u64,
        reply: Reply,
    },
    /// A consumer asks the database to apply a message's effect; `idempotent` also records
    /// the message id in the same transaction and skips the effect if it is already there.
    Apply {
        req: u64,
        message: MessageId,
        idempotent: bool,
    },
    Applied {
        req: u64,
        message: MessageId,
        outcome: ApplyOutcome,
    },
}

impl QueueMsg {
    /// Redis commands and replies (as `redis-cli` prints them) read the same in every
    /// language.
    pub fn label(&self) -> Line {
        let (template, message) = match self {
            QueueMsg::Request { cmd, .. } => return Line::value(cmd),
            QueueMsg::Reply { reply, .. } => return Line::value(reply),
            QueueMsg::Apply {
                message,
                idempotent: true,
                ..
            } => ("apply {message} once", message),
            QueueMsg::Apply { message, .. } => ("apply {message}", message),
            QueueMsg::Applied {
                message,
                outcome: ApplyOutcome::Applied,
                ..
            } => ("applied {message}", message),
            QueueMsg::Applied { message, .. } => ("{message} already applied", message),
        };
        Line::tr(template).with("message", message)
    }
}

/// Every timer of the scene. Each node waits for at most one reply at a time, so one
/// `Timeout` per node is enough.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueueTimer {
    /// Broker: the background fsync (AOF every second).
    Fsync,
    /// Broker: the earliest blocked client's timeout.
    BlockDeadline,
    /// Producer: time for the next message.
    Produce,
    /// Consumer: the work on the current message is done.
    Service,
    /// Reaper: time to look at the processing lists again.
    Reap,
    /// Any client: the reply did not come in time.
    Timeout,
}

impl QueueTimer {
    pub fn label(&self) -> Line {
        Line::tr(match self {
            QueueTimer::Fsync => "fsync",
            QueueTimer::BlockDeadline => "blocked client times out",
            QueueTimer::Produce => "next message",
            QueueTimer::Service => "work done",
            QueueTimer::Reap => "reap",
            QueueTimer::Timeout => "reply timeout",
        })
    }
}

/// A person's input to a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueueCmd {
    /// Producer: send this many more messages.
    Produce(u32),
    /// Producer: its next message is poison.
    Poison,
    /// Consumer: take the slow service time from now on.
    Slow,
    /// Consumer: back to the normal service time.
    Fast,
}

/// Most messages one `produce` command may ask for.
pub const MAX_PRODUCE_COMMAND: u32 = 100;

impl fmt::Display for QueueCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueCmd::Produce(1) => f.write_str("produce"),
            QueueCmd::Produce(n) => write!(f, "produce:{n}"),
            QueueCmd::Poison => f.write_str("poison"),
            QueueCmd::Slow => f.write_str("slow"),
            QueueCmd::Fast => f.write_str("fast"),
        }
    }
}

impl FromStr for QueueCmd {
    /// Why the text is not a command, typed for the page's language.
    type Err = Line;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "produce" => Ok(QueueCmd::Produce(1)),
            "poison" => Ok(QueueCmd::Poison),
            "slow" => Ok(QueueCmd::Slow),
            "fast" => Ok(QueueCmd::Fast),
            _ => {
                if let Some(n) = s.strip_prefix("produce:") {
                    return match n.parse::<u32>() {
                        Ok(n) if (1..=MAX_PRODUCE_COMMAND).contains(&n) => Ok(QueueCmd::Produce(n)),
                        _ => Err(Line::tr(
                            "\"{command}\": a producer can be asked for 1 to {max} messages at once",
                        )
                        .with("command", s)
                        .with("max", MAX_PRODUCE_COMMAND)),
                    };
                }
                Err(Line::tr(
                    "unknown command \"{command}\" (expected produce, produce:<n>, poison, slow or fast)",
                )
                .with("command", s))
            }
        }
    }
}
