//! What the page and a search's Web Worker say to each other, as plain text: the page sends
//! one [`Job`] (the run as its link query, and the explore request as its link text); the
//! worker answers with [`Status`] updates, the last one with the violation it found (its
//! run as a link query, its message as a typed [`Line`], so that the page shows it in its
//! own language: see [`encode_line`]).
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
use super::driver::{Found, Stage, Status, SymmetryUse};
use super::request::{ExploreRequest, Mode};
use crate::scene::spec::{decode, encode};
use crate::scene::{Params, RunSpec};
use crate::sim::protocol::Arg;
use crate::sim::Line;

/// One search for a worker: which run to explore, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub spec: RunSpec,
    pub request: ExploreRequest,
}

/// Splits `k=v&k=v` into decoded pairs (later duplicates win).
fn parse(text: &str) -> Params {
    crate::sim::sorted::SortedMap::from_iter(text.split('&').filter(|pair| !pair.is_empty()).map(
        |pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        },
    ))
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

/// Setup labels in one value (a label never holds a line break).
const SETUPS_APART: char = '\n';

/// A stage as `name` or `name:n:n`.
fn stage_text(stage: &Stage) -> String {
    match stage {
        Stage::Idle => "idle".into(),
        Stage::Searching { frontier } => format!("searching:{frontier}"),
        Stage::Exhausted => "exhausted".into(),
        Stage::DepthBound(d) => format!("depth:{d}"),
        Stage::Violation => "violation".into(),
        Stage::Budget(max) => format!("budget:{max}"),
        Stage::Seeds { done, total } => format!("seeds:{done}:{total}"),
        Stage::Shrinking { run, tries } => format!("shrinking:{run}:{tries}"),
        Stage::Shrunk { run, total, tries } => format!("shrunk:{run}:{total}:{tries}"),
        Stage::Clean { runs, .. } => format!("clean:{runs}"),
    }
}

fn read_stage(text: &str, setups: Vec<String>) -> Result<Stage, String> {
    let mut parts = text.split(':');
    let name = parts.next().unwrap_or_default();
    let numbers: Vec<u64> = parts
        .map(|n| {
            n.parse()
                .map_err(|_| format!("a stage's number is not one: {text}"))
        })
        .collect::<Result<_, _>>()?;
    let d = |n: u64| u32::try_from(n).map_err(|_| format!("a depth too large: {text}"));
    Ok(match (name, numbers.as_slice()) {
        ("idle", []) => Stage::Idle,
        ("searching", [frontier]) => Stage::Searching {
            frontier: *frontier,
        },
        ("exhausted", []) => Stage::Exhausted,
        ("depth", [depth]) => Stage::DepthBound(d(*depth)?),
        ("violation", []) => Stage::Violation,
        ("budget", [max]) => Stage::Budget(*max),
        ("seeds", [done, total]) => Stage::Seeds {
            done: *done,
            total: *total,
        },
        ("shrinking", [run, tries]) => Stage::Shrinking {
            run: *run,
            tries: *tries,
        },
        ("shrunk", [run, total, tries]) => Stage::Shrunk {
            run: *run,
            total: *total,
            tries: *tries,
        },
        ("clean", [runs]) => Stage::Clean {
            runs: *runs,
            setups,
        },
        _ => return Err(format!("not a stage: {text}")),
    })
}

fn symmetry_text(symmetry: SymmetryUse) -> &'static str {
    match symmetry {
        SymmetryUse::NotAsked => "0",
        SymmetryUse::On => "on",
        SymmetryUse::TooLarge => "too_large",
        SymmetryUse::NotOffered => "none",
    }
}

fn read_symmetry(text: Option<&String>) -> Result<SymmetryUse, String> {
    Ok(match text.map(String::as_str) {
        None | Some("0") => SymmetryUse::NotAsked,
        Some("on") => SymmetryUse::On,
        Some("too_large") => SymmetryUse::TooLarge,
        Some("none") => SymmetryUse::NotOffered,
        Some(other) => return Err(format!("not a symmetry: {other}")),
    })
}

/// A [`Line`] as text: its template, then each hole's name and value (`v`) or nested line
/// (`t`), each text written as its length in bytes, `:`, and the text (so any character
/// may be in it). The worker sends the violation's message this way, typed, and the page
/// shows it in the page's language, and again in another one after a switch.
pub fn encode_line(line: &Line) -> String {
    fn text(out: &mut String, t: &str) {
        out.push_str(&t.len().to_string());
        out.push(':');
        out.push_str(t);
    }
    let mut out = String::new();
    text(&mut out, line.template());
    out.push_str(&line.args().len().to_string());
    out.push(';');
    for (name, arg) in line.args() {
        text(&mut out, name);
        match arg {
            Arg::Value(value) => {
                out.push('v');
                text(&mut out, value);
            }
            Arg::Text(inner) => {
                out.push('t');
                out.push_str(&encode_line(inner));
            }
        }
    }
    out
}

/// How deep lines nest in a message the page reads back (the messages nest two deep).
const MAX_LINE_DEPTH: u32 = 8;

thread_local! {
    /// The templates and hole names read back so far. A [`Line`] holds them as
    /// `&'static str` (its template is its catalogue key); each distinct one read is kept
    /// once for the life of the page, as a built-in text is.
    static INTERNED: std::cell::RefCell<crate::sim::sorted::SortedSet<&'static str>> =
        const { std::cell::RefCell::new(crate::sim::sorted::SortedSet::new()) };
}

fn intern(text: &str) -> &'static str {
    INTERNED.with(|set| {
        let mut set = set.borrow_mut();
        if let Some(known) = set.get(text) {
            return *known;
        }
        let kept: &'static str = Box::leak(text.to_string().into_boxed_str());
        set.insert(kept);
        kept
    })
}

/// Reads a line written by [`encode_line`]; `None` when the text is not one.
pub fn decode_line(text: &str) -> Option<Line> {
    let (line, rest) = read_line(text, 0)?;
    rest.is_empty().then_some(line)
}

fn read_text(text: &str) -> Option<(&str, &str)> {
    let (len, rest) = text.split_once(':')?;
    let len: usize = len.parse().ok()?;
    Some((rest.get(..len)?, rest.get(len..)?))
}

fn read_line(text: &str, depth: u32) -> Option<(Line, &str)> {
    if depth > MAX_LINE_DEPTH {
        return None;
    }
    let (template, rest) = read_text(text)?;
    let (count, mut rest) = rest.split_once(';')?;
    let count: usize = count.parse().ok()?;
    let mut line = Line::tr(intern(template));
    for _ in 0..count {
        let (name, after) = read_text(rest)?;
        let name = intern(name);
        if let Some(after) = after.strip_prefix('v') {
            let (value, after) = read_text(after)?;
            line = line.with(name, value);
            rest = after;
        } else {
            let (inner, after) = read_line(after.strip_prefix('t')?, depth + 1)?;
            line = line.text(name, inner);
            rest = after;
        }
    }
    Some((line, rest))
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
        ("stage", stage_text(&status.stage)),
        ("symmetry", symmetry_text(status.symmetry).to_string()),
        ("link_problem", flag(status.link_problem)),
    ];
    if let Stage::Clean { setups, .. } = &status.stage {
        if !setups.is_empty() {
            pairs.push(("clean_setups", setups.join(&SETUPS_APART.to_string())));
        }
    }
    if let Some(setup) = &status.setup {
        pairs.push(("setup", setup.clone()));
    }
    if let Some(distinct) = status.distinct {
        pairs.push(("distinct", distinct.to_string()));
    }
    if let Some(depth) = status.depth {
        pairs.push(("depth", depth.to_string()));
    }
    if let Some(found) = &status.found {
        pairs.push(("found", found.invariant_name.clone()));
        pairs.push(("found_message", encode_line(&found.message)));
        if let Some(spec) = &found.spec {
            pairs.push(("found_run", spec.to_query()));
        }
        if let Some(steps) = found.path_steps {
            pairs.push(("found_steps", steps.to_string()));
        }
        if let Some(setup) = &found.setup {
            pairs.push(("found_setup", setup.clone()));
        }
        if let Some(why) = &found.setup_why {
            pairs.push(("found_setup_why", why.clone()));
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
            message: pairs
                .get("found_message")
                .map(|text| decode_line(text).ok_or("the violation's message is not a line"))
                .transpose()?
                .unwrap_or_else(|| Line::value("")),
            spec: pairs
                .get("found_run")
                .map(|query| RunSpec::from_query(query).0),
            path_steps: optional(&pairs, "found_steps")?,
            setup: pairs.get("found_setup").cloned(),
            setup_why: pairs.get("found_setup_why").cloned(),
        }),
    };
    let setups = pairs
        .get("clean_setups")
        .map(|all| all.split(SETUPS_APART).map(str::to_string).collect())
        .unwrap_or_default();
    Ok(Status {
        message: pairs.get("message").cloned().ok_or("no message")?,
        fraction: float(&pairs, "fraction")?,
        rate: float(&pairs, "rate")?,
        distinct: optional(&pairs, "distinct")?,
        depth: optional(&pairs, "depth")?,
        done: pairs.get("done").map(String::as_str) == Some(YES),
        complete: pairs.get("complete").map(String::as_str) == Some(YES),
        stage: read_stage(pairs.get("stage").ok_or("no stage")?, setups)?,
        symmetry: read_symmetry(pairs.get("symmetry"))?,
        setup: pairs.get("setup").cloned(),
        found,
        link_problem: pairs.get("link_problem").map(String::as_str) == Some(YES),
    })
}
