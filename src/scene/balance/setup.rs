//! The load-balancing scene's parameters: what a link or the settings panel may set, each
//! bounded and checked with a message, and the optional second side of a comparison.
use super::super::{Field, FieldKind, ParamReader, Params};
use super::fields::*;
use crate::algo::balance::config::{MAX_RATE, MAX_RATE_STEPS};
use crate::algo::balance::{BalanceConfig, QueueFull, RateStep, ServerSpec, Strategy};
use crate::i18n::{line, tr, trf};
use crate::sim::{Line, Time};

/// The most requests a run's traffic may offer (its rate schedule integrated over its
/// length), so that a link cannot ask for unbounded work.
pub const MAX_REQUESTS: u64 = 500_000;

/// Which health checks the balancers run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealthChecks {
    Both,
    Active,
    Passive,
    None,
}

impl HealthChecks {
    const ALL: [(&'static str, HealthChecks); 4] = [
        ("both", HealthChecks::Both),
        ("active", HealthChecks::Active),
        ("passive", HealthChecks::Passive),
        ("none", HealthChecks::None),
    ];

    pub fn of(config: &BalanceConfig) -> HealthChecks {
        match (config.active_health.enabled, config.outlier.enabled) {
            (true, true) => HealthChecks::Both,
            (true, false) => HealthChecks::Active,
            (false, true) => HealthChecks::Passive,
            (false, false) => HealthChecks::None,
        }
    }

    pub fn apply(self, config: &mut BalanceConfig) {
        config.active_health.enabled = matches!(self, HealthChecks::Both | HealthChecks::Active);
        config.outlier.enabled = matches!(self, HealthChecks::Both | HealthChecks::Passive);
    }

    fn slug(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, h)| *h == self)
            .map_or("both", |(s, _)| s)
    }

    fn from_slug(slug: &str) -> Option<HealthChecks> {
        Self::ALL.iter().find(|(s, _)| *s == slug).map(|(_, h)| *h)
    }

    /// A few words for a comparison's label.
    pub fn label(self) -> &'static str {
        match self {
            HealthChecks::Both => tr("active and passive checks"),
            HealthChecks::Active => tr("active checks"),
            HealthChecks::Passive => tr("passive ejection"),
            HealthChecks::None => tr("no health checks"),
        }
    }
}

/// The second side of a comparison: the first side's setup with these changes. Traffic is
/// never changed, so both sides see exactly the same requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partner {
    pub strategy: Strategy,
    pub balancers: Option<u32>,
    /// Every server's queue limit.
    pub queue_limit: Option<u32>,
    pub health: Option<HealthChecks>,
}

impl Partner {
    pub fn apply(&self, base: &BalanceConfig) -> BalanceConfig {
        let mut config = base.clone();
        config.strategy = self.strategy;
        if let Some(b) = self.balancers {
            config.balancers = b;
        }
        if let Some(q) = self.queue_limit {
            for s in &mut config.servers {
                s.queue_limit = q;
            }
        }
        if let Some(h) = self.health {
            h.apply(&mut config);
        }
        config
    }

    /// The changes that turn `base` into `other`, if those are all that differ.
    pub fn between(base: &BalanceConfig, other: &BalanceConfig) -> Option<Partner> {
        let queue = other.servers.first().map(|s| s.queue_limit)?;
        let uniform = other.servers.iter().all(|s| s.queue_limit == queue);
        let partner = Partner {
            strategy: other.strategy,
            balancers: (other.balancers != base.balancers).then_some(other.balancers),
            queue_limit: (uniform && base.servers.iter().any(|s| s.queue_limit != queue))
                .then_some(queue),
            health: (HealthChecks::of(other) != HealthChecks::of(base))
                .then(|| HealthChecks::of(other)),
        };
        (partner.apply(base) == *other).then_some(partner)
    }
}

/// Everything the scene's run depends on besides the seed and the actions.
#[derive(Clone, Debug, PartialEq)]
pub struct BalanceSetup {
    pub config: BalanceConfig,
    /// When the traffic stops (the rate schedule ends with a step to 0 here).
    pub traffic_for: Time,
    pub partner: Option<Partner>,
}

impl BalanceSetup {
    pub fn partner_config(&self) -> Option<BalanceConfig> {
        self.partner.map(|p| p.apply(&self.config))
    }

    /// A few words naming each side of a comparison by what differs.
    pub fn labels(&self) -> (String, String) {
        let Some(p) = self.partner else {
            return (
                strategy_name(self.config.strategy).to_string(),
                String::new(),
            );
        };
        let b = &p.apply(&self.config);
        let a = &self.config;
        let mut left = Vec::new();
        let mut right = Vec::new();
        if a.strategy != b.strategy {
            left.push(strategy_name(a.strategy).to_string());
            right.push(strategy_name(b.strategy).to_string());
        }
        if a.balancers != b.balancers {
            let count = |n: u32| match n {
                1 => tr("one balancer").to_string(),
                n => trf("{n} balancers", &[("n", &n)]),
            };
            left.push(count(a.balancers));
            right.push(count(b.balancers));
        }
        if a.servers != b.servers {
            let q = |c: &BalanceConfig| c.servers.first().map_or(0, |s| s.queue_limit);
            left.push(trf("queues of {n}", &[("n", &q(a))]));
            right.push(trf("queues of {n}", &[("n", &q(b))]));
        }
        if HealthChecks::of(a) != HealthChecks::of(b) {
            left.push(HealthChecks::of(a).label().to_string());
            right.push(HealthChecks::of(b).label().to_string());
        }
        if left.is_empty() {
            let same = tr("the same setup").to_string();
            return (strategy_name(a.strategy).to_string(), same);
        }
        (listed(left), listed(right))
    }
}

/// Names one after the other as the page's language lists them ("a, b"; in Chinese "a、b").
fn listed(names: Vec<String>) -> String {
    Line::list(names.into_iter().map(Line::value)).map_or_else(String::new, |l| line(&l))
}

/// A strategy's short name, for labels.
pub fn strategy_name(s: Strategy) -> &'static str {
    match s {
        Strategy::Random => tr("random"),
        Strategy::RoundRobin => tr("round robin"),
        Strategy::SmoothWeighted => tr("smooth weighted"),
        Strategy::LeastConnections => tr("least connections"),
        Strategy::PeakEwma => tr("peak EWMA"),
        Strategy::TwoChoices => tr("two choices"),
        Strategy::Ring => tr("consistent hashing"),
        Strategy::BoundedLoad => tr("bounded loads"),
    }
}

fn ms(t: Time) -> u64 {
    t.0 / 1000
}

/// One letter per server, from `options`; missing letters take the first option, letters
/// past the last server are ignored (they describe servers the run does not have).
fn letters(r: &mut ParamReader, field: &Field, count: usize) -> Vec<char> {
    let FieldKind::PerNode { options, .. } = field.kind else {
        unreachable!("{} is not a per-server field", field.key)
    };
    let default = options[0].0;
    let mut out = vec![default; count];
    if let Some(text) = r.text(field.key) {
        if text.chars().all(|c| options.iter().any(|(o, _)| *o == c)) {
            for (slot, c) in out.iter_mut().zip(text.chars()) {
                *slot = c;
            }
        } else {
            let allowed: String = options.iter().map(|(c, _)| *c).collect();
            r.problems.push(trf(
                "{label} must be one letter per server from \"{allowed}\", not \"{text}\"; using the default.",
                &[("label", &tr(field.label)), ("allowed", &allowed), ("text", &text.chars().take(20).collect::<String>())],
            ));
        }
    }
    out
}

/// `rate@ms` steps after the first, comma separated: `280@5000,360@10000`.
fn read_ramp(r: &mut ParamReader, first: u32, ends: Time) -> Vec<RateStep> {
    let mut steps = vec![RateStep {
        from: Time::ZERO,
        per_second: first,
    }];
    let Some(text) = r.text("ramp").filter(|t| !t.is_empty()) else {
        return steps;
    };
    let parsed: Option<Vec<(u32, u64)>> = text
        .split(',')
        .map(|part| {
            let (rate, at) = part.trim().split_once('@')?;
            Some((rate.parse().ok()?, at.parse().ok()?))
        })
        .collect();
    let problem = match parsed {
        None => Some(tr(
            "each step must look like 280@5000 (requests per second @ milliseconds)",
        )),
        Some(list) if list.len() >= MAX_RATE_STEPS => {
            Some(tr("it has too many steps (at most 15)"))
        }
        Some(list) => {
            let mut last = 0;
            let mut bad = None;
            for (rate, at) in list {
                if rate > MAX_RATE || at <= last || Time::from_millis(at) >= ends {
                    bad = Some(tr("every rate must be at most 5000 and every step later than the previous one and before the traffic ends"));
                    break;
                }
                last = at;
                steps.push(RateStep {
                    from: Time::from_millis(at),
                    per_second: rate,
                });
            }
            bad
        }
    };
    if let Some(why) = problem {
        r.problems.push(trf(
            "The rate steps \"{text}\" are ignored: {why}.",
            &[
                ("text", &text.chars().take(40).collect::<String>()),
                ("why", &why),
            ],
        ));
        steps.truncate(1);
    }
    steps
}

/// The requests a schedule offers before `ends`, on average.
pub fn offered_requests(steps: &[RateStep], ends: Time) -> u64 {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let until = steps.get(i + 1).map_or(ends, |n| n.from).min(ends);
            u64::from(s.per_second) * until.0.saturating_sub(s.from.0) / 1_000_000
        })
        .sum()
}

pub fn read(r: &mut ParamReader) -> Result<BalanceSetup, String> {
    let mut c = BalanceConfig {
        strategy: Strategy::from_slug(r.choice_field(&STRATEGY)).unwrap_or_default(),
        ..BalanceConfig::default()
    };
    let count = r.number_field(&SERVERS) as usize;
    let speeds = letters(r, &SPEED, count);
    let slots = letters(r, &SLOTS, count);
    let weights = letters(r, &WEIGHT, count);
    let queue_limit = r.number_field(&QUEUE) as u32;
    c.servers = (0..count)
        .map(|i| ServerSpec {
            slots: slots[i].to_digit(10).unwrap_or(2),
            speed_permille: SPEEDS
                .iter()
                .find(|s| s.0 == speeds[i])
                .map_or(1_000, |s| s.2),
            weight: weights[i].to_digit(10).unwrap_or(1),
            queue_limit,
        })
        .collect();
    c.balancers = r.number_field(&BALANCERS) as u32;
    let rate = r.number_field(&RATE) as u32;
    let mut traffic_for = Time::from_millis(r.number_field(&DURATION) * 1_000);
    let mut steps = read_ramp(r, rate, traffic_for);
    let offered = offered_requests(&steps, traffic_for);
    if offered > MAX_REQUESTS {
        // Shorten the traffic until it fits, a second at a time.
        while traffic_for > Time::from_millis(1_000)
            && offered_requests(&steps, traffic_for) > MAX_REQUESTS
        {
            traffic_for = traffic_for.saturating_sub(Time::from_millis(1_000));
        }
        steps.retain(|s| s.from < traffic_for);
        r.problems.push(trf(
            "This traffic would offer about {n} requests; a run may offer at most {max}, so it stops after {s} s.",
            &[("n", &offered), ("max", &MAX_REQUESTS), ("s", &(ms(traffic_for) / 1_000))],
        ));
    }
    steps.push(RateStep {
        from: traffic_for,
        per_second: 0,
    });
    c.traffic.rate = steps;
    c.traffic.mean_demand = Time::from_millis(r.number_field(&COST));
    c.traffic.heavy_permille = r.number_field(&HEAVY) as u32 * 10;
    c.traffic.heavy_factor = r.number_field(&HEAVY_FACTOR) as u32;
    c.traffic.sessions = r.number_field(&SESSIONS) as u32;
    c.traffic.burst_permille = r.number_field(&BURST) as u32;
    c.traffic.burst_size = r.number_field(&BURST_SIZE) as u32;
    c.queue_full = if r.choice_field(&QUEUE_FULL) == "drop" {
        QueueFull::Drop
    } else {
        QueueFull::Reject
    };
    HealthChecks::from_slug(r.choice_field(&HEALTH_CHECKS))
        .unwrap_or(HealthChecks::Both)
        .apply(&mut c);
    c.active_health.interval = Time::from_millis(r.number_field(&INTERVAL));
    c.active_health.rise = r.number_field(&RISE) as u32;
    c.active_health.fall = r.number_field(&FALL) as u32;
    c.outlier.consecutive_errors = r.number_field(&ERRORS) as u32;
    c.outlier.base_ejection = Time::from_millis(r.number_field(&EJECT));
    c.outlier.max_ejection = c.outlier.max_ejection.max(c.outlier.base_ejection);
    c.upstream_timeout = Time::from_millis(r.number_field(&UPSTREAM));
    c.per_try_timeout = Some(r.number_field(&PER_TRY_TIMEOUT))
        .filter(|&t| t > 0)
        .map(Time::from_millis);
    c.client_timeout = Time::from_millis(r.number_field(&CLIENT_TIMEOUT));
    c.capacity_factor_permille = r.number_field(&CAPACITY) as u32;
    c.window = Time::from_millis(r.number_field(&WINDOW));
    c.pewma_decay = Time::from_millis(r.number_field(&DECAY));
    c.vnodes = r.number_field(&VNODES) as u32;
    let partner = Strategy::from_slug(r.choice_field(&COMPARE)).map(|strategy| Partner {
        strategy,
        balancers: Some(r.number_field(&VS_BALANCERS) as u32).filter(|&b| b > 0),
        queue_limit: r.choice_field(&VS_QUEUE_FIELD).parse().ok(),
        health: HealthChecks::from_slug(r.choice_field(&VS_HEALTH_FIELD)),
    });
    c.validate()
        .map_err(|e| trf("This setup cannot run: {e}", &[("e", &line(&e))]))?;
    Ok(BalanceSetup {
        config: c,
        traffic_for,
        partner,
    })
}

fn letter_of<T: PartialEq>(table: &[(char, &str, T)], value: T) -> char {
    table
        .iter()
        .find(|e| e.2 == value)
        .map_or(table[0].0, |e| e.0)
}

pub fn write(setup: &BalanceSetup, out: &mut Params) {
    let c = &setup.config;
    let mut put = |k: &str, v: String| {
        out.insert(k.to_string(), v);
    };
    put("strategy", c.strategy.slug().into());
    put("servers", c.servers.len().to_string());
    put(
        "speed",
        c.servers
            .iter()
            .map(|s| letter_of(SPEEDS, s.speed_permille))
            .collect(),
    );
    put(
        "slots",
        c.servers
            .iter()
            .map(|s| char::from_digit(s.slots.min(9), 10).unwrap_or('2'))
            .collect(),
    );
    put(
        "weight",
        c.servers
            .iter()
            .map(|s| char::from_digit(s.weight.min(9), 10).unwrap_or('1'))
            .collect(),
    );
    put(
        "queue",
        c.servers.first().map_or(64, |s| s.queue_limit).to_string(),
    );
    put("lb", c.balancers.to_string());
    let steps: Vec<&RateStep> = c
        .traffic
        .rate
        .iter()
        .filter(|s| s.from < setup.traffic_for)
        .collect();
    put(
        "rate",
        steps.first().map_or(0, |s| s.per_second).to_string(),
    );
    let ramp: Vec<String> = steps
        .iter()
        .skip(1)
        .map(|s| format!("{}@{}", s.per_second, ms(s.from)))
        .collect();
    if !ramp.is_empty() {
        put("ramp", ramp.join(","));
    }
    put("dur", (ms(setup.traffic_for) / 1_000).to_string());
    put("cost", ms(c.traffic.mean_demand).to_string());
    put("heavy", (c.traffic.heavy_permille / 10).to_string());
    put("heavyx", c.traffic.heavy_factor.to_string());
    put("sessions", c.traffic.sessions.to_string());
    put("burst", c.traffic.burst_permille.to_string());
    put("burstn", c.traffic.burst_size.to_string());
    put(
        "full",
        if c.queue_full == QueueFull::Drop {
            "drop"
        } else {
            "reject"
        }
        .into(),
    );
    put("health", HealthChecks::of(c).slug().into());
    put("inter", ms(c.active_health.interval).to_string());
    put("rise", c.active_health.rise.to_string());
    put("fall", c.active_health.fall.to_string());
    put("errors", c.outlier.consecutive_errors.to_string());
    put("eject", ms(c.outlier.base_ejection).to_string());
    put("upstream", ms(c.upstream_timeout).to_string());
    put("trytimeout", c.per_try_timeout.map_or(0, ms).to_string());
    put("ctimeout", ms(c.client_timeout).to_string());
    put("c", c.capacity_factor_permille.to_string());
    put("window", ms(c.window).to_string());
    put("decay", ms(c.pewma_decay).to_string());
    put("vnodes", c.vnodes.to_string());
    match setup.partner {
        None => put("vs", "off".into()),
        Some(p) => {
            put("vs", p.strategy.slug().into());
            put("vslb", p.balancers.unwrap_or(0).to_string());
            put(
                "vsqueue",
                p.queue_limit
                    .map_or_else(|| "same".into(), |q| q.to_string()),
            );
            put(
                "vshealth",
                p.health.map_or("same", HealthChecks::slug).into(),
            );
        }
    }
}

/// Every parameter the scene reads, shown or not (for tests and the catalogue).
pub fn all_fields() -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().chain(HIDDEN)
}

/// The option labels of the scene's choice and per-server fields (for the catalogue).
pub fn option_labels() -> Vec<&'static str> {
    let mut out = Vec::new();
    for f in FIELDS {
        match f.kind {
            FieldKind::Choice(options) => out.extend(options.iter().map(|(_, l)| *l)),
            FieldKind::PerNode { options, .. } => out.extend(options.iter().map(|(_, l)| *l)),
            _ => {}
        }
    }
    out
}
