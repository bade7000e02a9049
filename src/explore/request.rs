//! "Explore with these bounds" as a link carries it: the mode, the bounds of that mode, and
//! optionally the one safety property to look for, e.g.
//! `explore=bfs&ex_depth=20&ex_crash=1` or `explore=sweep&ex_runs=500&ex_inv=atomicity`.
//!
//! Reading never fails and never panics: an unknown mode or a bad number is replaced by
//! its default (numbers out of range are capped), with a message for the page. Writing
//! gives back only what differs from the defaults, so links stay short.
use super::bounds::{ExploreBounds, SweepBounds};
use crate::algo::text::percent_encode;
use crate::i18n::{tr, trf};
use crate::scene::Params;
use std::fmt;

/// The link key of the mode.
pub const MODE_KEY: &str = "explore";
/// The link key of the property to look for (its name, as the invariants panel shows it).
pub const WATCH_KEY: &str = "ex_inv";

/// How to look for a violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// Many seeded runs, each with random faults within budgets.
    #[default]
    Sweep,
    /// Breadth-first search over every choice of the network and the faults.
    Exhaustive,
}

impl Mode {
    pub fn slug(self) -> &'static str {
        match self {
            Mode::Sweep => "sweep",
            Mode::Exhaustive => "bfs",
        }
    }

    pub fn from_slug(text: &str) -> Option<Mode> {
        match text.trim() {
            "sweep" => Some(Mode::Sweep),
            "bfs" | "exhaustive" => Some(Mode::Exhaustive),
            _ => None,
        }
    }
}

/// Everything a link can say about exploring.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ExploreRequest {
    pub mode: Mode,
    pub sweep: SweepBounds,
    pub exhaustive: ExploreBounds,
    /// The one property to look for; `None` means any of the scene's.
    pub watch: Option<String>,
}

/// Longest property name a link may carry.
const MAX_WATCH_LEN: usize = 60;

impl ExploreRequest {
    /// Whether the parameters ask for exploring at all (they name a mode).
    pub fn requested(params: &Params) -> bool {
        params.contains_key(MODE_KEY)
    }

    /// Reads a request from link parameters (the scene's own parameters are ignored).
    pub fn read(params: &Params) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mode = match params.get(MODE_KEY) {
            None => Mode::default(),
            Some(text) => Mode::from_slug(text).unwrap_or_else(|| {
                let shown: String = text.chars().take(20).collect();
                problems.push(trf(
                    "Explore must be \"sweep\" or \"bfs\", not \"{shown}\"; using sweep.",
                    &[("shown", &shown)],
                ));
                Mode::default()
            }),
        };
        // Only the chosen mode's bounds are read with messages: the other mode's keys
        // overlap (crashes) and a person only sees the chosen one.
        let (sweep, sweep_problems) = SweepBounds::read(params);
        let (exhaustive, bfs_problems) = ExploreBounds::read(params);
        problems.extend(match mode {
            Mode::Sweep => sweep_problems,
            Mode::Exhaustive => bfs_problems,
        });
        let watch = params
            .get(WATCH_KEY)
            .map(|w| w.trim())
            .filter(|w| !w.is_empty())
            .map(|w| {
                if w.chars().count() > MAX_WATCH_LEN {
                    problems.push(
                        tr("The property to look for is too long; looking for any violation.")
                            .to_string(),
                    );
                    None
                } else {
                    Some(w.to_string())
                }
            })
            .unwrap_or(None);
        let request = ExploreRequest {
            mode,
            sweep,
            exhaustive,
            watch,
        };
        (request, problems)
    }

    /// Writes the request into link parameters: the mode always, the chosen mode's bounds
    /// where they differ from the defaults.
    pub fn write(&self, out: &mut Params) {
        out.insert(MODE_KEY.into(), self.mode.slug().into());
        let mut all = Params::new();
        let mut defaults = Params::new();
        match self.mode {
            Mode::Sweep => {
                self.sweep.write(&mut all);
                SweepBounds::default().write(&mut defaults);
            }
            Mode::Exhaustive => {
                self.exhaustive.write(&mut all);
                ExploreBounds::default().write(&mut defaults);
            }
        }
        for (key, value) in all {
            if defaults.get(&key) != Some(&value) {
                out.insert(key, value);
            }
        }
        if let Some(watch) = &self.watch {
            out.insert(WATCH_KEY.into(), watch.clone());
        }
    }

    /// Resolves the property to look for among a scene's invariant names: its index, or
    /// `None` for any; a name the scene does not have gives a message (and any).
    pub fn watch_index(&self, names: &[String]) -> (Option<usize>, Option<String>) {
        let Some(watch) = &self.watch else {
            return (None, None);
        };
        match names.iter().position(|n| n == watch) {
            Some(i) => (Some(i), None),
            None => (
                None,
                Some(trf(
                    "This scene has no property \"{watch}\" (it has: {names}); looking for any \
                     violation.",
                    // The names as a link writes them (`ex_inv=atomicity`), in every language.
                    &[("watch", watch), ("names", &names.join(", "))],
                )),
            ),
        }
    }
}

/// The request as link text (`explore=bfs&ex_depth=20`), keys in order, values encoded.
impl fmt::Display for ExploreRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut params = Params::new();
        self.write(&mut params);
        let mut first = true;
        for (key, value) in &params {
            if !first {
                f.write_str("&")?;
            }
            first = false;
            write!(f, "{key}={}", percent_encode(value, b""))?;
        }
        Ok(())
    }
}
