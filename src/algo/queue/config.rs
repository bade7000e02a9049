//! The queue scene's parameters: which queue design, which persistence, how many producers
//! and consumers, and the timings that decide when messages are redelivered.
use super::message::MessageId;
use crate::algo::redis::Persistence;
use crate::sim::{Line, Time};
use std::fmt;
use std::str::FromStr;

/// Most producers, and most consumers, the scene supports.
pub const MAX_PRODUCERS: u32 = 4;
pub const MAX_CONSUMERS: u32 = 4;
/// Most messages one producer sends on its own (more can be asked for by command).
pub const MAX_MESSAGES: u32 = 500;
/// Most poison messages a configuration can name.
pub const MAX_POISON: usize = 16;
/// Longest duration a configuration may ask for.
pub const MAX_DURATION: Time = Time::from_millis(60_000);

/// The design a step up from [`Design::AtMostOnce`] builds on before adding idempotence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BaseDesign {
    ReliableList,
    ConsumerGroup,
}

/// How the queue is built on Redis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Design {
    /// 1. `LPUSH` + `BRPOP`: a popped message exists only in its consumer's memory.
    #[default]
    AtMostOnce,
    /// 2. `BLMOVE` into a per-consumer processing list, `LREM` when done, and a reaper that
    ///    requeues what stays there past a visibility timeout.
    ReliableList,
    /// 3. A stream with a consumer group: `XREADGROUP`, `XACK`, `XAUTOCLAIM` by peers,
    ///    and a dead-letter stream after too many deliveries.
    ConsumerGroup,
    /// 4. Design 2 or 3 with idempotent consumers: each effect is applied together with a
    ///    record of the message id, in one database transaction, so a redelivery is
    ///    recognised and skipped.
    Idempotent(BaseDesign),
}

impl Design {
    pub const ALL: [Design; 5] = [
        Design::AtMostOnce,
        Design::ReliableList,
        Design::ConsumerGroup,
        Design::Idempotent(BaseDesign::ReliableList),
        Design::Idempotent(BaseDesign::ConsumerGroup),
    ];

    /// The design's name in links.
    pub fn slug(self) -> &'static str {
        match self {
            Design::AtMostOnce => "brpop",
            Design::ReliableList => "blmove",
            Design::ConsumerGroup => "stream",
            Design::Idempotent(BaseDesign::ReliableList) => "idem-blmove",
            Design::Idempotent(BaseDesign::ConsumerGroup) => "idem-stream",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Design::AtMostOnce => "1. LPUSH + BRPOP (at most once)",
            Design::ReliableList => "2. BLMOVE + processing list + reaper (at least once)",
            Design::ConsumerGroup => "3. Stream + consumer group + dead letters (at least once)",
            Design::Idempotent(BaseDesign::ReliableList) => {
                "4. Idempotent consumers on design 2 (exactly-once effect)"
            }
            Design::Idempotent(BaseDesign::ConsumerGroup) => {
                "4. Idempotent consumers on design 3 (exactly-once effect)"
            }
        }
    }

    pub fn from_slug(slug: &str) -> Option<Design> {
        Design::ALL.into_iter().find(|d| d.slug() == slug)
    }

    /// The delivery mechanism, with idempotence taken off.
    pub fn delivery(self) -> Design {
        match self {
            Design::Idempotent(BaseDesign::ReliableList) => Design::ReliableList,
            Design::Idempotent(BaseDesign::ConsumerGroup) => Design::ConsumerGroup,
            other => other,
        }
    }

    pub fn uses_stream(self) -> bool {
        self.delivery() == Design::ConsumerGroup
    }

    pub fn uses_reaper(self) -> bool {
        self.delivery() == Design::ReliableList
    }

    pub fn is_idempotent(self) -> bool {
        matches!(self, Design::Idempotent(_))
    }
}

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Design {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Design::from_slug(s).ok_or_else(|| {
            format!(
                "unknown queue design \"{s}\" (expected brpop, blmove, stream, idem-blmove or \
                 idem-stream)"
            )
        })
    }
}

/// The scene's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QueueConfig {
    pub design: Design,
    pub persistence: Persistence,
    /// 1 to [`MAX_PRODUCERS`].
    pub producers: u32,
    /// 1 to [`MAX_CONSUMERS`].
    pub consumers: u32,
    /// Messages each producer sends on its own, one every `produce_every`.
    pub messages: u32,
    pub produce_every: Time,
    /// Whether a producer waits for Redis's reply (and retries when none comes) before its
    /// next message. Without waiting nothing is ever confirmed, and nothing retried.
    pub producer_waits: bool,
    /// How long a client waits for a reply to a request that does not block.
    pub request_timeout: Time,
    /// How many times a producer sends one message before giving up on it.
    pub max_attempts: u32,
    /// How long a consumer works on a message.
    pub service_time: Time,
    /// How long it works once made slow (the `slow` command).
    pub slow_service_time: Time,
    /// How long a blocking read (`BRPOP`, `BLMOVE`) waits for a message.
    pub block: Time,
    /// Design 2: how long a message may stay in a processing list before the reaper puts it
    /// back in the queue.
    pub visibility_timeout: Time,
    /// Design 2: how often the reaper looks at the processing lists.
    pub reap_every: Time,
    /// Design 3: how long an entry must have been pending before a consumer claims it.
    pub min_idle: Time,
    /// Design 3: how often a consumer looks for entries to claim (also its `BLOCK` time).
    pub claim_every: Time,
    /// Design 3: deliveries after which an entry goes to the dead-letter stream.
    pub max_deliveries: u32,
    /// Messages whose processing always fails (a bad payload).
    pub poison: Vec<MessageId>,
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig {
            design: Design::AtMostOnce,
            persistence: Persistence::AofEverySec,
            producers: 2,
            consumers: 2,
            messages: 10,
            produce_every: Time::from_millis(40),
            producer_waits: true,
            request_timeout: Time::from_millis(50),
            max_attempts: 3,
            service_time: Time::from_millis(30),
            slow_service_time: Time::from_millis(600),
            block: Time::from_millis(1000),
            visibility_timeout: Time::from_millis(300),
            reap_every: Time::from_millis(100),
            min_idle: Time::from_millis(300),
            claim_every: Time::from_millis(200),
            max_deliveries: 3,
            poison: Vec::new(),
        }
    }
}

impl QueueConfig {
    /// The default configuration of a design.
    pub fn with_design(design: Design) -> Self {
        QueueConfig {
            design,
            ..QueueConfig::default()
        }
    }

    /// Checks that the configuration describes a run that can happen; the message is meant
    /// for the page: a typed line (an English template and its values) that the page shows
    /// in its language.
    pub fn validate(&self) -> Result<(), Line> {
        let counted = [
            (
                Line::tr("there must be 1 to {max} producers, not {n}"),
                self.producers,
                MAX_PRODUCERS,
            ),
            (
                Line::tr("there must be 1 to {max} consumers, not {n}"),
                self.consumers,
                MAX_CONSUMERS,
            ),
        ];
        for (problem, n, max) in counted {
            if !(1..=max).contains(&n) {
                return Err(problem.with("max", max).with("n", n));
            }
        }
        if self.messages > MAX_MESSAGES {
            return Err(
                Line::tr("each producer sends at most {max} messages on its own, not {n}")
                    .with("max", MAX_MESSAGES)
                    .with("n", self.messages),
            );
        }
        if !(1..=10).contains(&self.max_attempts) {
            return Err(
                Line::tr("a producer may send a message 1 to 10 times, not {n}")
                    .with("n", self.max_attempts),
            );
        }
        if !(1..=10).contains(&self.max_deliveries) {
            return Err(
                Line::tr("the dead-letter limit must be 1 to 10 deliveries, not {n}")
                    .with("n", self.max_deliveries),
            );
        }
        if self.poison.len() > MAX_POISON {
            return Err(Line::tr("at most {max} poison messages, not {n}")
                .with("max", MAX_POISON)
                .with("n", self.poison.len()));
        }
        let positive = [
            (Line::tr("the time between messages"), self.produce_every),
            (Line::tr("the request timeout"), self.request_timeout),
            (Line::tr("the blocking read timeout"), self.block),
            (Line::tr("the visibility timeout"), self.visibility_timeout),
            (Line::tr("the reaper's interval"), self.reap_every),
            (Line::tr("the claim interval"), self.claim_every),
        ];
        for (what, t) in &positive {
            if *t < Time::from_millis(1) {
                return Err(Line::tr("{what} must be at least 1 ms, not {t}")
                    .text("what", what.clone())
                    .with("t", t));
            }
        }
        let bounded = positive.into_iter().chain([
            (Line::tr("the service time"), self.service_time),
            (Line::tr("the slow service time"), self.slow_service_time),
            (Line::tr("the minimum idle time"), self.min_idle),
        ]);
        for (what, t) in bounded {
            if t > MAX_DURATION {
                return Err(Line::tr(
                    "{what} of {value} is longer than the {max} this scene allows",
                )
                .text("what", what)
                .with("value", t)
                .with("max", MAX_DURATION));
            }
        }
        Ok(())
    }

    /// The same configuration with every value forced into range, so that building nodes
    /// from a bad configuration never panics (the page shows `validate`'s message).
    pub fn sanitized(&self) -> QueueConfig {
        let clamp = |t: Time, lo: u64| Time(t.0.clamp(lo, MAX_DURATION.0));
        QueueConfig {
            design: self.design,
            persistence: self.persistence,
            producers: self.producers.clamp(1, MAX_PRODUCERS),
            consumers: self.consumers.clamp(1, MAX_CONSUMERS),
            messages: self.messages.min(MAX_MESSAGES),
            produce_every: clamp(self.produce_every, 1000),
            producer_waits: self.producer_waits,
            request_timeout: clamp(self.request_timeout, 1000),
            max_attempts: self.max_attempts.clamp(1, 10),
            service_time: clamp(self.service_time, 0),
            slow_service_time: clamp(self.slow_service_time, 0),
            block: clamp(self.block, 1000),
            visibility_timeout: clamp(self.visibility_timeout, 1000),
            reap_every: clamp(self.reap_every, 1000),
            min_idle: clamp(self.min_idle, 0),
            claim_every: clamp(self.claim_every, 1000),
            max_deliveries: self.max_deliveries.clamp(1, 10),
            poison: self.poison.iter().take(MAX_POISON).copied().collect(),
        }
    }
}
