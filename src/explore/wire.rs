//! What the page and a search's Web Worker say to each other, as plain text: the page sends
//! one [`Job`] (the run as its link query, and the explore request as its link text); the
//! worker answers with [`Status`] updates, the last one with the violation it found (its
//! run as a link query).
//!
//! Text in the link format (`key=value&...`, percent-encoded) keeps the messages small and
//! readable in the browser's tools, needs no serialisation crate, and reuses the two
//! encodings that already round-trip ([`RunSpec::to_query`], [`ExploreRequest`]'s
//! `Display`). Both sides run this same code, built once.
//!
//! Determinism: the worker must search exactly what the page would have searched, so
//! [`Job::encode`] refuses a job whose run or request does not come back equal from its
//! text (a `mount()` config may carry a parameter longer than a link allows); the page then
//! searches on its own thread instead.
use super::driver::{Found, Status};
use super::request::{ExploreRequest, Mode};
use crate::scene::spec::{decode, encode};
use crate::scene::{Params, RunSpec};

/// One search for a worker: which run to explore, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub spec: RunSpec,
    pub request: ExploreRequest,
}

/// Splits `k=v&k=v` into decoded pairs (later duplicates win).
fn parse(text: &str) -> Params {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// Writes pairs as `k=v&k=v`, values percent-encoded.
fn join(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn request_from_text(text: &str) -> ExploreRequest {
    ExploreRequest::read(&parse(text)).0
}

/// Whether two requests ask for the same search: the same mode, the same bounds of that
/// mode and the same property. (The other mode's bounds are not used, and do not travel.)
pub fn same_search(a: &ExploreRequest, b: &ExploreRequest) -> bool {
    let bounds = match a.mode {
        Mode::Sweep => a.sweep == b.sweep,
        Mode::Exhaustive => a.exhaustive == b.exhaustive,
    };
    a.mode == b.mode && bounds && a.watch == b.watch
}

impl Job {
    /// The job as one line of text, or `None` when the run or the request would not come
    /// back equal from it (then the page searches itself).
    pub fn encode(&self) -> Option<String> {
        let query = self.spec.to_query();
        let request = self.request.to_string();
        let same_run = RunSpec::from_query(&query).0 == self.spec;
        let same_request = same_search(&request_from_text(&request), &self.request);
        (same_run && same_request).then(|| join(&[("run", query), ("request", request)]))
    }

    /// Reads a job the page sent. Its request asks for the same search as the page's (see
    /// [`same_search`]); the bounds of the mode not chosen are the defaults.
    pub fn decode(text: &str) -> Result<Job, String> {
        let pairs = parse(text);
        let query = pairs.get("run").ok_or("the job names no run")?;
        let request = pairs.get("request").ok_or("the job names no request")?;
        let (spec, problems) = RunSpec::from_query(query);
        if let Some(problem) = problems.first() {
            return Err(format!("the job's run is not a valid link: {problem}"));
        }
        Ok(Job {
            spec,
            request: request_from_text(request),
        })
    }
}

const YES: &str = "1";

fn number<T: std::str::FromStr>(pairs: &Params, key: &str) -> Result<T, String> {
    let text = pairs.get(key).ok_or_else(|| format!("no {key}"))?;
    text.parse()
        .map_err(|_| format!("{key} is not a number: {text}"))
}

fn optional<T: std::str::FromStr>(pairs: &Params, key: &str) -> Result<Option<T>, String> {
    pairs.get(key).map(|_| number(pairs, key)).transpose()
}

/// An `f64` as the decimal of its bits: exact both ways, and it keeps the float printing
/// and parsing code out of the bundle (parsing alone is about 20 KB gzipped).
fn float_text(value: f64) -> String {
    value.to_bits().to_string()
}

fn float(pairs: &Params, key: &str) -> Result<f64, String> {
    number::<u64>(pairs, key).map(f64::from_bits)
}

/// A status as one line of text, which decodes equal to what the worker had.
pub fn encode_status(status: &Status) -> String {
    let flag = |on: bool| if on { YES.to_string() } else { "0".to_string() };
    let mut pairs = vec![
        ("message", status.message.clone()),
        ("fraction", float_text(status.fraction)),
        ("rate", float_text(status.rate)),
        ("done", flag(status.done)),
        ("complete", flag(status.complete)),
    ];
    if let Some(distinct) = status.distinct {
        pairs.push(("distinct", distinct.to_string()));
    }
    if let Some(depth) = status.depth {
        pairs.push(("depth", depth.to_string()));
    }
    if let Some(found) = &status.found {
        pairs.push(("found", found.invariant_name.clone()));
        pairs.push(("found_message", found.message.clone()));
        if let Some(spec) = &found.spec {
            pairs.push(("found_run", spec.to_query()));
        }
        if let Some(steps) = found.path_steps {
            pairs.push(("found_steps", steps.to_string()));
        }
    }
    join(&pairs)
}

/// Reads a status the worker sent.
pub fn decode_status(text: &str) -> Result<Status, String> {
    let pairs = parse(text);
    let found = match pairs.get("found") {
        None => None,
        Some(name) => Some(Found {
            invariant_name: name.clone(),
            message: pairs.get("found_message").cloned().unwrap_or_default(),
            spec: pairs
                .get("found_run")
                .map(|query| RunSpec::from_query(query).0),
            path_steps: optional(&pairs, "found_steps")?,
        }),
    };
    Ok(Status {
        message: pairs.get("message").cloned().ok_or("no message")?,
        fraction: float(&pairs, "fraction")?,
        rate: float(&pairs, "rate")?,
        distinct: optional(&pairs, "distinct")?,
        depth: optional(&pairs, "depth")?,
        done: pairs.get("done").map(String::as_str) == Some(YES),
        complete: pairs.get("complete").map(String::as_str) == Some(YES),
        found,
    })
}
