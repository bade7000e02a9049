//! The load-balancing scene's parameters as the settings panel shows them and links carry
//! them: one declaration each (key, label, help, default, range or options).
use super::super::{Field, FieldKind};
use crate::algo::balance::config::MAX_RATE;

pub const STRATEGIES: &[(&str, &str)] = &[
    ("random", "Random: random.choice(servers)"),
    ("rr", "Round robin"),
    ("swrr", "Smooth weighted round robin (nginx)"),
    ("leastconn", "Least connections (nginx least_conn)"),
    ("p2c", "Power of two choices"),
    ("pewma", "Two choices + peak EWMA (Finagle, Linkerd)"),
    ("ring", "Consistent hashing on the session"),
    ("bounded", "Consistent hashing with bounded loads"),
];

pub const COMPARE_WITH: &[(&str, &str)] = &[
    ("off", "No comparison"),
    ("random", "Random"),
    ("rr", "Round robin"),
    ("swrr", "Smooth weighted round robin"),
    ("leastconn", "Least connections"),
    ("p2c", "Power of two choices"),
    ("pewma", "Two choices + peak EWMA"),
    ("ring", "Consistent hashing"),
    ("bounded", "Bounded loads"),
];

/// Speeds as letters (the first is the default): thousandths of normal speed.
pub const SPEEDS: &[(char, &str, u32)] = &[
    ('1', "normal", 1_000),
    ('h', "half speed", 500),
    ('q', "quarter speed", 250),
    ('2', "2× fast", 2_000),
    ('3', "3× fast", 3_000),
    ('4', "4× fast", 4_000),
    ('8', "8× fast", 8_000),
];
pub const SPEED_OPTIONS: &[(char, &str)] = &[
    ('1', "normal"),
    ('h', "half speed"),
    ('q', "quarter speed"),
    ('2', "2× fast"),
    ('3', "3× fast"),
    ('4', "4× fast"),
    ('8', "8× fast"),
];
pub const SLOT_OPTIONS: &[(char, &str)] = &[
    ('2', "2"),
    ('1', "1"),
    ('3', "3"),
    ('4', "4"),
    ('5', "5"),
    ('6', "6"),
    ('7', "7"),
    ('8', "8"),
    ('9', "9"),
];
pub const WEIGHT_OPTIONS: &[(char, &str)] = &[
    ('1', "1"),
    ('2', "2"),
    ('3', "3"),
    ('4', "4"),
    ('5', "5"),
    ('6', "6"),
    ('7', "7"),
    ('8', "8"),
    ('9', "9"),
];
pub const FULL: &[(&str, &str)] = &[
    ("reject", "Reject at once (503)"),
    ("drop", "Drop silently (client times out)"),
];
pub const HEALTH: &[(&str, &str)] = &[
    ("both", "Active checks and passive ejection"),
    ("active", "Active checks only"),
    ("passive", "Passive ejection only"),
    ("none", "None"),
];
pub const VS_HEALTH: &[(&str, &str)] = &[
    ("same", "Same as the first side"),
    ("both", "Active checks and passive ejection"),
    ("active", "Active checks only"),
    ("passive", "Passive ejection only"),
    ("none", "None"),
];
pub const VS_QUEUE: &[(&str, &str)] = &[
    ("same", "Same as the first side"),
    ("0", "0"),
    ("8", "8"),
    ("16", "16"),
    ("64", "64"),
    ("256", "256"),
    ("1000", "1000"),
];

const fn number(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    default: &'static str,
    min: u64,
    max: u64,
) -> Field {
    Field {
        key,
        label,
        help,
        default,
        kind: FieldKind::Number { min, max },
    }
}

const fn per_server(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    default: &'static str,
    options: &'static [(char, &'static str)],
) -> Field {
    Field {
        key,
        label,
        help,
        default,
        kind: FieldKind::PerNode {
            count_key: "servers",
            count_default: 4,
            first_label: "S",
            options,
        },
    }
}

pub const STRATEGY: Field = Field {
    key: "strategy",
    label: "Strategy",
    help: "How every balancer chooses a server for each request",
    default: "rr",
    kind: FieldKind::Choice(STRATEGIES),
};
pub const SERVERS: Field = number(
    "servers",
    "Servers",
    "1 to 16 servers behind the balancers",
    "4",
    1,
    16,
);
pub const SPEED: Field = per_server(
    "speed",
    "Server speed",
    "How fast each server works, against the normal speed",
    "1111",
    SPEED_OPTIONS,
);
pub const SLOTS: Field = per_server(
    "slots",
    "Concurrency",
    "Requests each server serves at once; the rest wait in its queue",
    "2222",
    SLOT_OPTIONS,
);
pub const WEIGHT: Field = per_server(
    "weight",
    "Weight",
    "Each server's weight, for the weighted strategies",
    "1111",
    WEIGHT_OPTIONS,
);
pub const BALANCERS: Field = number(
    "lb",
    "Balancers",
    "1 to 8 balancers, each seeing only its own requests",
    "1",
    1,
    8,
);
pub const RATE: Field = number(
    "rate",
    "Requests per second",
    "The mean arrival rate (Poisson), 0 to 5000",
    "240",
    0,
    MAX_RATE as u64,
);
pub const DURATION: Field = number(
    "dur",
    "Traffic length (s)",
    "How long the traffic lasts; at most 500000 requests in all",
    "20",
    1,
    600,
);
pub const COST: Field = number(
    "cost",
    "Mean cost (ms)",
    "A request's mean service time on a normal-speed server (exponential)",
    "20",
    1,
    1_000,
);
pub const HEAVY: Field = number(
    "heavy",
    "Heavy requests (%)",
    "Share of requests that cost many times more",
    "0",
    0,
    100,
);
pub const HEAVY_FACTOR: Field = number(
    "heavyx",
    "Heavy factor",
    "How many times more a heavy request costs",
    "10",
    1,
    100,
);
pub const SESSIONS: Field = number(
    "sessions",
    "Session keys",
    "Distinct sessions; sticky strategies hash them",
    "1000",
    1,
    10_000,
);
pub const QUEUE: Field = number(
    "queue",
    "Queue bound",
    "Requests that may wait at each server; one more is turned away",
    "64",
    0,
    1_000,
);
pub const QUEUE_FULL: Field = Field {
    key: "full",
    label: "When the queue is full",
    help: "What a server does with a request that finds its queue full",
    default: "reject",
    kind: FieldKind::Choice(FULL),
};
pub const HEALTH_CHECKS: Field = Field {
    key: "health",
    label: "Health checks",
    help: "Active checks notice a dead server; passive ejection reacts to failed requests",
    default: "both",
    kind: FieldKind::Choice(HEALTH),
};
pub const COMPARE: Field = Field {
    key: "vs",
    label: "Compare with",
    help: "Run a second strategy beside this one on exactly the same requests",
    default: "off",
    kind: FieldKind::Choice(COMPARE_WITH),
};
pub const VS_BALANCERS: Field = number(
    "vslb",
    "Second side: balancers",
    "0: as many as the first side",
    "0",
    0,
    8,
);
pub const VS_QUEUE_FIELD: Field = Field {
    key: "vsqueue",
    label: "Second side: queue bound",
    help: "The second side's queue bound at every server",
    default: "same",
    kind: FieldKind::Choice(VS_QUEUE),
};
pub const VS_HEALTH_FIELD: Field = Field {
    key: "vshealth",
    label: "Second side: health checks",
    help: "The second side's health checks",
    default: "same",
    kind: FieldKind::Choice(VS_HEALTH),
};

// Read from links and scenarios; not in the panel.
pub const INTERVAL: Field = number(
    "inter",
    "The health-check interval (ms)",
    "",
    "500",
    10,
    600_000,
);
pub const RISE: Field = number("rise", "Health checks' rise", "", "2", 1, 10);
pub const FALL: Field = number("fall", "Health checks' fall", "", "3", 1, 10);
pub const ERRORS: Field = number("errors", "Consecutive errors to eject", "", "5", 1, 100);
pub const EJECT: Field = number(
    "eject",
    "The base ejection time (ms)",
    "",
    "3000",
    1,
    600_000,
);
pub const UPSTREAM: Field = number(
    "upstream",
    "The upstream timeout (ms)",
    "",
    "1000",
    1,
    600_000,
);
pub const PER_TRY_TIMEOUT: Field = number(
    "trytimeout",
    "The per-try timeout (ms, 0: none)",
    "",
    "0",
    0,
    600_000,
);
pub const CLIENT_TIMEOUT: Field = number(
    "ctimeout",
    "The client timeout (ms)",
    "",
    "3000",
    1,
    600_000,
);
pub const CAPACITY: Field = number("c", "Bounded loads' c (‰)", "", "1250", 1_000, 10_000);
pub const WINDOW: Field = number("window", "The latency window (ms)", "", "2000", 10, 10_000);
pub const BURST: Field = number("burst", "Bursts (‰ of arrivals)", "", "0", 0, 1_000);
pub const BURST_SIZE: Field = number("burstn", "The burst size", "", "5", 1, 100);
pub const DECAY: Field = number(
    "decay",
    "Peak EWMA's decay time (ms)",
    "",
    "10000",
    1_000,
    600_000,
);
pub const VNODES: Field = number("vnodes", "Virtual nodes per weight", "", "100", 1, 1_000);

/// The parameters the settings panel shows.
pub const FIELDS: &[Field] = &[
    STRATEGY,
    SERVERS,
    SPEED,
    SLOTS,
    WEIGHT,
    BALANCERS,
    RATE,
    DURATION,
    COST,
    HEAVY,
    HEAVY_FACTOR,
    SESSIONS,
    QUEUE,
    QUEUE_FULL,
    HEALTH_CHECKS,
    COMPARE,
    VS_BALANCERS,
    VS_QUEUE_FIELD,
    VS_HEALTH_FIELD,
];

pub const HIDDEN: &[Field] = &[
    INTERVAL,
    RISE,
    FALL,
    ERRORS,
    EJECT,
    UPSTREAM,
    PER_TRY_TIMEOUT,
    CLIENT_TIMEOUT,
    CAPACITY,
    WINDOW,
    BURST,
    BURST_SIZE,
    DECAY,
    VNODES,
];
