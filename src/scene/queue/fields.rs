//! The queue scene's parameters: their declarations (labels, help, ranges) and how a link's
//! text becomes a [`QueueConfig`] and back. Durations are whole milliseconds in links.
use crate::algo::queue::config::{MAX_CONSUMERS, MAX_POISON, MAX_PRODUCERS};
use crate::algo::queue::{Design, MessageId, QueueConfig};
use crate::algo::redis::Persistence;
use crate::algo::text::shorten;
use crate::i18n::{line, trf};
use crate::scene::spec::QUOTED;
use crate::scene::{Field, FieldKind, ParamReader, Params};
use crate::sim::Time;

const DESIGNS: &[(&str, &str)] = &[
    ("brpop", "1. LPUSH + BRPOP (at most once)"),
    (
        "blmove",
        "2. BLMOVE + processing list + reaper (at least once)",
    ),
    (
        "stream",
        "3. Stream + consumer group + dead letters (at least once)",
    ),
    ("idem-blmove", "4. Idempotent consumers on design 2"),
    ("idem-stream", "4. Idempotent consumers on design 3"),
];

const PERSISTENCES: &[(&str, &str)] = &[
    ("none", "None: a crash empties Redis"),
    ("everysec", "AOF, fsync every second"),
    ("always", "AOF, fsync before every reply"),
];

pub const DESIGN: Field = Field {
    key: "design",
    label: "Queue design",
    help: "How the queue is built on Redis: each step up removes one way to fail",
    default: "brpop",
    kind: FieldKind::Choice(DESIGNS),
};
pub const PERSISTENCE: Field = Field {
    key: "persist",
    label: "Redis persistence",
    help: "What Redis keeps on disk, so what it loses when its machine goes down",
    default: "everysec",
    kind: FieldKind::Choice(PERSISTENCES),
};
pub const PRODUCERS: Field = Field {
    key: "producers",
    label: "Producers",
    help: "1 to 4 producers",
    default: "2",
    kind: FieldKind::Number {
        min: 1,
        max: MAX_PRODUCERS as u64,
    },
};
pub const CONSUMERS: Field = Field {
    key: "consumers",
    label: "Consumers",
    help: "1 to 4 consumers",
    default: "2",
    kind: FieldKind::Number {
        min: 1,
        max: MAX_CONSUMERS as u64,
    },
};
pub const MESSAGES: Field = Field {
    key: "messages",
    label: "Messages per producer",
    help: "How many messages each producer sends on its own (0 to 500)",
    default: "10",
    kind: FieldKind::Number { min: 0, max: 500 },
};
pub const WAIT: Field = Field {
    key: "wait",
    label: "Producers wait for confirmation",
    help: "Wait for Redis's reply before the next message, and retry when none comes",
    default: "1",
    kind: FieldKind::Flag,
};
pub const ATTEMPTS: Field = Field {
    key: "attempts",
    label: "Send attempts",
    help: "How many times a producer sends one message before giving up (1: no retry)",
    default: "3",
    kind: FieldKind::Number { min: 1, max: 10 },
};
pub const VISIBILITY: Field = Field {
    key: "vis",
    label: "Visibility timeout (ms)",
    help: "Design 2: how long a message may sit in a processing list before the reaper requeues it",
    default: "300",
    kind: FieldKind::Number {
        min: 1,
        max: 60_000,
    },
};
pub const MIN_IDLE: Field = Field {
    key: "idle",
    label: "Min idle before a claim (ms)",
    help:
        "Design 3: how long an entry stays pending before another consumer claims it (XAUTOCLAIM)",
    default: "300",
    kind: FieldKind::Number {
        min: 0,
        max: 60_000,
    },
};
pub const MAX_DELIVERIES: Field = Field {
    key: "maxdel",
    label: "Max deliveries",
    help: "Design 3: deliveries after which an entry goes to the dead-letter stream",
    default: "3",
    kind: FieldKind::Number { min: 1, max: 10 },
};
pub const SERVICE: Field = Field {
    key: "service",
    label: "Consumer service time (ms)",
    help: "How long a consumer works on one message",
    default: "30",
    kind: FieldKind::Number {
        min: 0,
        max: 60_000,
    },
};

// Read from links and scenarios; not in the panel.
const fn link_ms(key: &'static str, label: &'static str, min: u64, default: &'static str) -> Field {
    Field {
        key,
        label,
        help: "",
        default,
        kind: FieldKind::Number { min, max: 60_000 },
    }
}
const EVERY: Field = link_ms("every", "Time between messages (ms)", 1, "40");
const TIMEOUT: Field = link_ms("timeout", "Request timeout (ms)", 1, "50");
const SLOW: Field = link_ms("slow", "Slow service time (ms)", 0, "600");
const BLOCK: Field = link_ms("block", "Blocking read timeout (ms)", 1, "1000");
const REAP: Field = link_ms("reap", "Reaper interval (ms)", 1, "100");
const CLAIM: Field = link_ms("claim", "Claim interval (ms)", 1, "200");
/// The poison messages, as `p1.3,p2.5` (not in the panel: it has no text fields).
pub const POISON_KEY: &str = "poison";

pub const FIELDS: &[Field] = &[
    DESIGN,
    PERSISTENCE,
    PRODUCERS,
    CONSUMERS,
    MESSAGES,
    WAIT,
    ATTEMPTS,
    VISIBILITY,
    MIN_IDLE,
    MAX_DELIVERIES,
    SERVICE,
];

fn ms(t: Time) -> u64 {
    t.micros() / 1000
}

fn read_ms(r: &mut ParamReader, field: &Field) -> Time {
    Time::from_millis(r.number_field(field))
}

/// Reads `p1.3,p2.5`: every id that parses, with a message for each one that does not.
fn read_poison(r: &mut ParamReader, producers: u32) -> Vec<MessageId> {
    let Some(text) = r.text(POISON_KEY).filter(|t| !t.is_empty()) else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if ids.len() == MAX_POISON {
            r.problems.push(trf(
                "At most {max} poison messages; the rest of \"{text}\" is ignored.",
                &[("max", &MAX_POISON), ("text", &shorten(text, QUOTED))],
            ));
            break;
        }
        match part.parse::<MessageId>() {
            Ok(id) if id.producer <= producers && !ids.contains(&id) => ids.push(id),
            Ok(id) if id.producer > producers => r.problems.push(trf(
                "Poison message {id} names producer {producer}, but there are only {n}; ignored.",
                &[("id", &id), ("producer", &id.producer), ("n", &producers)],
            )),
            Ok(_) => {}
            Err(e) => r
                .problems
                .push(trf("Poison messages: {e}; ignored.", &[("e", &line(&e))])),
        }
    }
    crate::sim::sort::sort(&mut ids);
    ids
}

/// The configuration a link describes (see [`crate::scene::Scene::read`]).
pub fn read(r: &mut ParamReader) -> Result<QueueConfig, String> {
    let design = Design::from_slug(r.choice_field(&DESIGN)).unwrap_or_default();
    let persistence = r
        .choice_field(&PERSISTENCE)
        .parse::<Persistence>()
        .unwrap_or(Persistence::AofEverySec);
    let producers = r.number_field(&PRODUCERS) as u32;
    let config = QueueConfig {
        design,
        persistence,
        producers,
        consumers: r.number_field(&CONSUMERS) as u32,
        messages: r.number_field(&MESSAGES) as u32,
        producer_waits: r.flag_field(&WAIT),
        max_attempts: r.number_field(&ATTEMPTS) as u32,
        visibility_timeout: read_ms(r, &VISIBILITY),
        min_idle: read_ms(r, &MIN_IDLE),
        max_deliveries: r.number_field(&MAX_DELIVERIES) as u32,
        service_time: read_ms(r, &SERVICE),
        produce_every: read_ms(r, &EVERY),
        request_timeout: read_ms(r, &TIMEOUT),
        slow_service_time: read_ms(r, &SLOW),
        block: read_ms(r, &BLOCK),
        reap_every: read_ms(r, &REAP),
        claim_every: read_ms(r, &CLAIM),
        poison: read_poison(r, producers),
    };
    config
        .validate()
        .map(|()| config)
        .map_err(|e| trf("This queue setup cannot run: {e}", &[("e", &line(&e))]))
}

/// The link form of a configuration (the inverse of [`read`]).
pub fn write(config: &QueueConfig, out: &mut Params) {
    let mut put = |key: &str, value: String| {
        out.insert(key.into(), value);
    };
    put(DESIGN.key, config.design.slug().into());
    put(PERSISTENCE.key, config.persistence.slug().into());
    put(PRODUCERS.key, config.producers.to_string());
    put(CONSUMERS.key, config.consumers.to_string());
    put(MESSAGES.key, config.messages.to_string());
    put(WAIT.key, u8::from(config.producer_waits).to_string());
    put(ATTEMPTS.key, config.max_attempts.to_string());
    put(VISIBILITY.key, ms(config.visibility_timeout).to_string());
    put(MIN_IDLE.key, ms(config.min_idle).to_string());
    put(MAX_DELIVERIES.key, config.max_deliveries.to_string());
    put(SERVICE.key, ms(config.service_time).to_string());
    put(EVERY.key, ms(config.produce_every).to_string());
    put(TIMEOUT.key, ms(config.request_timeout).to_string());
    put(SLOW.key, ms(config.slow_service_time).to_string());
    put(BLOCK.key, ms(config.block).to_string());
    put(REAP.key, ms(config.reap_every).to_string());
    put(CLAIM.key, ms(config.claim_every).to_string());
    if !config.poison.is_empty() {
        let ids: Vec<String> = config.poison.iter().map(ToString::to_string).collect();
        put(POISON_KEY, ids.join(","));
    }
}
