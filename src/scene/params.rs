//! Reading scene parameters from a link: every reader falls back to a default and says why.
use super::fields::{Field, FieldKind, DUPLICATION, LOSS};
use super::spec::QUOTED;
use crate::algo::text::shorten;
use crate::i18n::{count, tr, trf};
use crate::sim::sorted::SortedMap;
use crate::sim::{NetConfig, Time};

/// Scene parameters being read, with the problems found so far.
pub struct ParamReader<'a> {
    params: &'a SortedMap<String, String>,
    pub problems: Vec<String>,
}

impl<'a> ParamReader<'a> {
    pub fn new(params: &'a SortedMap<String, String>) -> Self {
        ParamReader {
            params,
            problems: Vec::new(),
        }
    }

    pub fn text(&self, key: &str) -> Option<&'a str> {
        self.params.get(key).map(|s| s.trim())
    }

    /// A whole number in `min..=max`.
    pub fn number(
        &mut self,
        key: &str,
        label: &'static str,
        min: u64,
        max: u64,
        default: u64,
    ) -> u64 {
        let Some(text) = self.text(key) else {
            return default;
        };
        match text.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                self.problems.push(trf(
                    "{label} must be a whole number from {min} to {max}, not \"{text}\"; using {default}.",
                    &[
                        ("label", &tr(label)),
                        // Written like every count on the page: "from 1 to 100,000".
                        ("min", &count(min)),
                        ("max", &count(max)),
                        ("text", &shorten(text, QUOTED)),
                        ("default", &count(default)),
                    ],
                ));
                default
            }
        }
    }

    /// A number field, in its declared range, defaulting to its declared default.
    pub fn number_field(&mut self, field: &Field) -> u64 {
        match field.kind {
            FieldKind::Number { min, max } => {
                self.number(field.key, field.label, min, max, field.default_number())
            }
            _ => unreachable!("{} is not a number field", field.key),
        }
    }

    /// A number field with another default (e.g. one a scenario or a config sets).
    pub fn number_field_or(&mut self, field: &Field, default: u64) -> u64 {
        match field.kind {
            FieldKind::Number { min, max } => {
                self.number(field.key, field.label, min, max, default)
            }
            _ => unreachable!("{} is not a number field", field.key),
        }
    }

    /// A flag field.
    pub fn flag_field(&mut self, field: &Field) -> bool {
        self.flag(field.key, field.label, field.default_flag())
    }

    /// A choice field: the chosen value's link form, one of the declared options.
    pub fn choice_field(&mut self, field: &Field) -> &'static str {
        match field.kind {
            FieldKind::Choice(options) => {
                let values: Vec<(&str, &'static str)> =
                    options.iter().map(|(v, _)| (*v, *v)).collect();
                self.choice(field.key, field.label, &values, field.default)
            }
            _ => unreachable!("{} is not a choice field", field.key),
        }
    }

    /// `1`/`0` (also `true`/`false`, `on`/`off`, `yes`/`no`).
    pub fn flag(&mut self, key: &str, label: &'static str, default: bool) -> bool {
        match self.text(key) {
            None => default,
            Some("1" | "true" | "on" | "yes") => true,
            Some("0" | "false" | "off" | "no") => false,
            Some(other) => {
                self.problems.push(trf(
                    "{label} must be 1 (on) or 0 (off), not \"{text}\"; using {default}.",
                    &[
                        ("label", &tr(label)),
                        ("text", &shorten(other, QUOTED)),
                        ("default", &u8::from(default)),
                    ],
                ));
                default
            }
        }
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(
        &mut self,
        key: &str,
        label: &'static str,
        options: &[(&str, T)],
        default: T,
    ) -> T {
        let Some(text) = self.text(key) else {
            return default;
        };
        match options.iter().find(|(name, _)| *name == text) {
            Some((_, value)) => *value,
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                self.problems.push(trf(
                    "{label} must be one of {names}, not \"{text}\"; using the default.",
                    &[
                        ("label", &tr(label)),
                        ("names", &names.join(", ")),
                        ("text", &shorten(text, QUOTED)),
                    ],
                ));
                default
            }
        }
    }

    /// The network: `lat=MIN-MAX` (ms), `loss` and `dup` (percent, 0 to 90).
    pub fn network(&mut self, default: NetConfig) -> NetConfig {
        let mut net = default;
        if let Some(text) = self.text("lat") {
            let parsed = text.split_once('-').and_then(|(lo, hi)| {
                Some((
                    lo.trim().parse::<u64>().ok()?,
                    hi.trim().parse::<u64>().ok()?,
                ))
            });
            match parsed {
                Some((lo, hi)) if lo <= hi && hi <= 10_000 => {
                    net.latency_min = Time::from_millis(lo);
                    net.latency_max = Time::from_millis(hi);
                }
                _ => self.problems.push(trf(
                    "Latency must look like 10-30 (milliseconds, low to high, at most 10000), not \"{text}\"; using {low}-{high}.",
                    &[
                        ("text", &shorten(text, QUOTED)),
                        ("low", &(net.latency_min.0 / 1000)),
                        ("high", &(net.latency_max.0 / 1000)),
                    ],
                )),
            }
        }
        net.loss = self.number_field_or(&LOSS, (net.loss * 100.0).round() as u64) as f64 / 100.0;
        net.duplicate = self.number_field_or(&DUPLICATION, (net.duplicate * 100.0).round() as u64)
            as f64
            / 100.0;
        net
    }
}

/// The link form of a network configuration.
pub fn write_network(net: &NetConfig, out: &mut SortedMap<String, String>) {
    out.insert(
        "lat".into(),
        format!("{}-{}", net.latency_min.0 / 1000, net.latency_max.0 / 1000),
    );
    out.insert(
        "loss".into(),
        format!("{}", (net.loss * 100.0).round() as u64),
    );
    out.insert(
        "dup".into(),
        format!("{}", (net.duplicate * 100.0).round() as u64),
    );
}
