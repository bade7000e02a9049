//! The bounds of a search, as a person types them in the panel or a link carries them:
//! every number is checked and capped, with a message for the page, and never panics.
//!
//! Both kinds of bounds read from and write to the same `key=value` parameters as the
//! scene's own (see [`crate::scene::Params`]), and declare their fields so that the panel
//! can draw the form the settings panel draws.
use crate::i18n::{tr, trf};
use crate::scene::{Field, FieldKind, Params};

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

/// Reads a number field: missing means its default; text that is not a whole number
/// means its default, with a message; a number out of range is capped, with a message (in
/// the page's language, the field named by its label as the panel shows it).
pub(super) fn read_number(params: &Params, field: &Field, problems: &mut Vec<String>) -> u64 {
    let FieldKind::Number { min, max } = field.kind else {
        return 0;
    };
    let default = field.default_number();
    let Some(text) = params.get(field.key).map(|t| t.trim()) else {
        return default;
    };
    match text.parse::<u64>() {
        Ok(n) if n > max => {
            problems.push(trf(
                "{field} can be at most {max}, not {n}; using {max}.",
                &[("field", &tr(field.label)), ("max", &max), ("n", &n)],
            ));
            max
        }
        Ok(n) if n < min => {
            problems.push(trf(
                "{field} must be at least {min}, not {n}; using {min}.",
                &[("field", &tr(field.label)), ("min", &min), ("n", &n)],
            ));
            min
        }
        Ok(n) => n,
        // A number too large for 64 bits is still "too large".
        Err(_) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            problems.push(trf(
                "{field} can be at most {max}; using {max}.",
                &[("field", &tr(field.label)), ("max", &max)],
            ));
            max
        }
        Err(_) => {
            let shown: String = text.chars().take(20).collect();
            problems.push(trf(
                "{field} must be a whole number, not \"{shown}\"; using {default}.",
                &[
                    ("field", &tr(field.label)),
                    ("shown", &shown),
                    ("default", &default),
                ],
            ));
            default
        }
    }
}

pub(super) fn read_flag(params: &Params, field: &Field, problems: &mut Vec<String>) -> bool {
    match params.get(field.key).map(|t| t.trim()) {
        None => field.default_flag(),
        Some("1" | "true" | "yes" | "on") => true,
        Some("0" | "false" | "no" | "off") => false,
        Some(other) => {
            let shown: String = other.chars().take(20).collect();
            problems.push(trf(
                "{field} must be 1 (on) or 0 (off), not \"{shown}\"; using {default}.",
                &[
                    ("field", &tr(field.label)),
                    ("shown", &shown),
                    ("default", &u8::from(field.default_flag())),
                ],
            ));
            field.default_flag()
        }
    }
}

const STATES: Field = number(
    "ex_states",
    "Most states",
    "The search stops after this many distinct states (each is kept in memory)",
    "200000",
    1,
    5_000_000,
);
const DEPTH: Field = number(
    "ex_depth",
    "Most steps",
    "Runs longer than this many steps are not explored",
    "24",
    1,
    500,
);
const CRASHES: Field = number(
    "ex_crash",
    "Crashes",
    "How many node crashes a run may have",
    "1",
    0,
    5,
);
const RESTARTS: Field = number(
    "ex_restart",
    "Restarts",
    "How many restarts of crashed nodes a run may have",
    "1",
    0,
    5,
);
const LOSSES: Field = number(
    "ex_loss",
    "Lost messages",
    "How many messages the network may lose in a run",
    "0",
    0,
    5,
);
const SYMMETRY: Field = Field {
    key: "ex_sym",
    label: "Symmetry reduction",
    help: "Count states that differ only by swapping interchangeable nodes once (where the \
           model offers it)",
    default: "1",
    kind: FieldKind::Flag,
};

/// Bounds of an exhaustive search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExploreBounds {
    pub max_states: u64,
    pub max_depth: u32,
    pub max_crashes: u32,
    pub max_restarts: u32,
    pub max_losses: u32,
    pub symmetry: bool,
}

impl Default for ExploreBounds {
    fn default() -> Self {
        ExploreBounds::read(&Params::new()).0
    }
}

impl ExploreBounds {
    /// The fields the panel shows, in order.
    pub const FIELDS: &'static [Field] = &[STATES, DEPTH, CRASHES, RESTARTS, LOSSES, SYMMETRY];

    /// Reads the bounds; anything unusable is replaced or capped, with a message.
    pub fn read(params: &Params) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let p = &mut problems;
        let bounds = ExploreBounds {
            max_states: read_number(params, &STATES, p),
            max_depth: read_number(params, &DEPTH, p) as u32,
            max_crashes: read_number(params, &CRASHES, p) as u32,
            max_restarts: read_number(params, &RESTARTS, p) as u32,
            max_losses: read_number(params, &LOSSES, p) as u32,
            symmetry: read_flag(params, &SYMMETRY, p),
        };
        (bounds, problems)
    }

    pub fn write(&self, out: &mut Params) {
        out.insert(STATES.key.into(), self.max_states.to_string());
        out.insert(DEPTH.key.into(), self.max_depth.to_string());
        out.insert(CRASHES.key.into(), self.max_crashes.to_string());
        out.insert(RESTARTS.key.into(), self.max_restarts.to_string());
        out.insert(LOSSES.key.into(), self.max_losses.to_string());
        out.insert(SYMMETRY.key.into(), u8::from(self.symmetry).to_string());
    }

    pub fn checker_options(&self) -> super::CheckerOptions {
        super::CheckerOptions {
            max_states: self.max_states,
            max_depth: Some(self.max_depth),
            symmetry: self.symmetry,
        }
    }
}

const RUNS: Field = number(
    "ex_runs",
    "Runs",
    "How many seeds to try, each with its own random faults",
    "1000",
    1,
    100_000,
);
const FIRST_SEED: Field = number(
    "ex_seed",
    "First seed",
    "The sweep tries seeds from this one up",
    "1",
    0,
    u64::MAX,
);
const SWEEP_CRASHES: Field = number(
    "ex_crash",
    "Crashes",
    "Most node crashes in a run (each node restarts a little later)",
    "2",
    0,
    5,
);
const PAUSES: Field = number(
    "ex_pause",
    "Pauses",
    "Most stop-the-world pauses (a long GC) in a run",
    "1",
    0,
    5,
);
const PAUSE_MS: Field = number(
    "ex_pausems",
    "Longest pause (ms)",
    "How long a pause may last",
    "500",
    1,
    60_000,
);
const CUTS: Field = number(
    "ex_cut",
    "Link cuts",
    "Most one-way link cuts in a run (each heals a little later)",
    "1",
    0,
    5,
);
const DROPS: Field = number(
    "ex_drop",
    "Dropped messages",
    "Most messages dropped by hand in a run",
    "2",
    0,
    10,
);
const HORIZON: Field = number(
    "ex_horizon",
    "Steps per run",
    "Each run goes on for at most this many steps",
    "2000",
    10,
    100_000,
);

const SETUPS: Field = Field {
    key: "ex_setups",
    label: "Also try risky setups",
    help: "After the setup as configured, sweep the setups of this scene known to break a \
           property (the locks: Redis without persistence), with the same budgets",
    default: "1",
    kind: FieldKind::Flag,
};

/// Bounds of a seed sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepBounds {
    pub runs: u64,
    pub first_seed: u64,
    pub crashes: u32,
    pub pauses: u32,
    pub longest_pause_ms: u64,
    pub cuts: u32,
    pub drops: u32,
    pub horizon: u64,
    /// Also sweep the scene's risky setups ([`super::setups`]) after the configured one.
    pub setups: bool,
}

impl Default for SweepBounds {
    fn default() -> Self {
        SweepBounds::read(&Params::new()).0
    }
}

impl SweepBounds {
    /// The fields the panel shows, in order.
    pub const FIELDS: &'static [Field] = &[
        RUNS,
        FIRST_SEED,
        SWEEP_CRASHES,
        PAUSES,
        PAUSE_MS,
        CUTS,
        DROPS,
        HORIZON,
        SETUPS,
    ];

    /// Reads the bounds; anything unusable is replaced or capped, with a message.
    pub fn read(params: &Params) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let p = &mut problems;
        let bounds = SweepBounds {
            runs: read_number(params, &RUNS, p),
            first_seed: read_number(params, &FIRST_SEED, p),
            crashes: read_number(params, &SWEEP_CRASHES, p) as u32,
            pauses: read_number(params, &PAUSES, p) as u32,
            longest_pause_ms: read_number(params, &PAUSE_MS, p),
            cuts: read_number(params, &CUTS, p) as u32,
            drops: read_number(params, &DROPS, p) as u32,
            horizon: read_number(params, &HORIZON, p),
            setups: read_flag(params, &SETUPS, p),
        };
        (bounds, problems)
    }

    pub fn write(&self, out: &mut Params) {
        out.insert(RUNS.key.into(), self.runs.to_string());
        out.insert(FIRST_SEED.key.into(), self.first_seed.to_string());
        out.insert(SWEEP_CRASHES.key.into(), self.crashes.to_string());
        out.insert(PAUSES.key.into(), self.pauses.to_string());
        out.insert(PAUSE_MS.key.into(), self.longest_pause_ms.to_string());
        out.insert(CUTS.key.into(), self.cuts.to_string());
        out.insert(DROPS.key.into(), self.drops.to_string());
        out.insert(HORIZON.key.into(), self.horizon.to_string());
        out.insert(SETUPS.key.into(), u8::from(self.setups).to_string());
    }

    /// Whether the sweep may inject any fault at all.
    pub fn has_faults(&self) -> bool {
        self.crashes + self.pauses + self.cuts + self.drops > 0
    }
}
