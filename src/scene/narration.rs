//! Sentences for what happened at each step: the caption on the stage and the lines of the
//! event log. The kernel's events (a delivery, a crash, a timer) get a sentence here; what a
//! node decides gets its scene's sentence (`Scene::describe` of the node's `Note`).
//!
//! Every step gets at least one sentence, including steps that change nothing on the stage
//! (a log write reaching the disk, a timer being set): those are marked not *visible*, so
//! that "step to the next visible change" can skip them.
//!
//! Sentences are built from the trace in words ([`Worded`]): the scene has already put
//! each message, timer, command and note in words, so this code is the same for every scene.
use super::Names;
use crate::i18n::{tr, trf};
pub use crate::sim::run::{LogLine, Weight};
use crate::sim::trace::{DropReason, TraceEntry, TraceKind, Worded};

/// The sentences of trace entries (in order). `scripted(step)` says whether the action
/// applied at `step` came from the scenario rather than from the person; `acted(step)`
/// whether `step` applied an action at all. A delivery, a loss or a timer in a step that
/// applied an action was forced by the link (`deliver:`, `lose:`, `fire:`, the explorer's
/// path), not the clock's turn, and its sentence says so.
// Never inlined: it is called from every scene's generic `SceneRun::log`, and inlining
// would put a copy of it in each scene (about 5 KB of WebAssembly each).
#[inline(never)]
pub fn narrate(
    entries: &[TraceEntry<Worded>],
    names: &Names<'_>,
    invariant_names: &[&'static str],
    scripted: &dyn Fn(u64) -> bool,
    acted: &dyn Fn(u64) -> bool,
) -> Vec<LogLine> {
    let mut lines: Vec<LogLine> = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let entry = &entries[i];
        // Sends of one step with the same label from one node are one sentence:
        // "the coordinator sends PREPARE t1 to P1, P2 and P3".
        if let TraceKind::Send { from, msg, .. } = &entry.kind {
            let label = msg;
            let mut receivers = Vec::new();
            let mut j = i;
            while let Some(TraceEntry {
                step,
                kind:
                    TraceKind::Send {
                        from: f,
                        to,
                        msg: m,
                        copy_of,
                        ..
                    },
                ..
            }) = entries.get(j)
            {
                if *step != entry.step || f != from || m != label {
                    break;
                }
                if copy_of.is_none() {
                    receivers.push(names.of(*to));
                }
                j += 1;
            }
            let text = trf(
                "{from} sends {message} to {to}",
                &[
                    ("from", &names.of(*from)),
                    ("message", label),
                    ("to", &list(&receivers)),
                ],
            );
            lines.push(line(entry, text, Weight::Event, true));
            i = j.max(i + 1);
            continue;
        }
        let by_scenario = scripted(entry.step);
        let said = forced_sentence(&entry.kind, names, acted(entry.step))
            .or_else(|| sentence(&entry.kind, names, invariant_names, by_scenario));
        if let Some((text, weight, visible)) = said {
            lines.push(line(entry, text, weight, visible));
        }
        i += 1;
    }
    lines
}

fn line(entry: &TraceEntry<Worded>, text: String, weight: Weight, visible: bool) -> LogLine {
    LogLine {
        step: entry.step,
        time: entry.time,
        text,
        weight,
        visible,
    }
}

/// "P1", "P1 and P2", "P1, P2 and P3".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => trf(
            "{items} and {last}",
            &[("items", &init.join(", ")), ("last", last)],
        ),
    }
}

/// The sentence of a delivery, loss or timer that a forced step made happen (`acted`: its
/// step applied an action, so the clock did not choose it); `None` for anything else.
fn forced_sentence(
    kind: &TraceKind<Worded>,
    names: &Names<'_>,
    acted: bool,
) -> Option<(String, Weight, bool)> {
    if !acted {
        return None;
    }
    let text = match kind {
        TraceKind::Deliver { from, to, msg, .. } => trf(
            "the explorer's path delivers {message} from {from} to {to} now, ahead of anything else due",
            &[
                ("message", msg),
                ("from", &names.of(*from)),
                ("to", &names.of(*to)),
            ],
        ),
        TraceKind::Drop {
            from,
            to,
            reason: DropReason::Lost,
            msg,
            ..
        } => trf(
            "the explorer's path has the network lose {message} from {from} to {to}",
            &[
                ("message", msg),
                ("from", &names.of(*from)),
                ("to", &names.of(*to)),
            ],
        ),
        TraceKind::Timer { node, timer } => trf(
            "the explorer's path fires {node}'s {timer} timer now, ahead of anything else due",
            &[
                ("node", &names.of(*node)),
                ("timer", timer),
            ],
        ),
        _ => return None,
    };
    Some((text, Weight::Fault, true))
}

/// The sentence of one entry (sends are grouped by [`narrate`]), its weight and whether it
/// changes the stage. `by_scenario`: the entry's action was the scenario's, not the
/// person's (a scripted drop is not "you drop").
fn sentence(
    kind: &TraceKind<Worded>,
    names: &Names<'_>,
    invariant_names: &[&'static str],
    by_scenario: bool,
) -> Option<(String, Weight, bool)> {
    let said = match kind {
        TraceKind::Start { node } => (
            trf("{node} starts", &[("node", &names.of(*node))]),
            Weight::Minor,
            false,
        ),
        TraceKind::Send { .. } => return None,
        TraceKind::Deliver { from, to, msg, .. } => (
            trf(
                "{to} receives {message} from {from}",
                &[
                    ("to", &names.of(*to)),
                    ("message", msg),
                    ("from", &names.of(*from)),
                ],
            ),
            Weight::Event,
            true,
        ),
        TraceKind::Drop {
            from,
            to,
            reason,
            msg,
            ..
        } => {
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("message", msg),
                ("from", &names.of(*from)),
                ("to", &names.of(*to)),
            ];
            let text = match reason {
                DropReason::Lost => trf("the network loses {message} from {from} to {to}", &args),
                DropReason::Partition => trf(
                    "{message} from {from} to {to} is lost: the link is cut",
                    &args,
                ),
                DropReason::NodeDown => {
                    trf("{message} from {from} to {to} is lost: {to} is down", &args)
                }
                DropReason::ByUser if by_scenario => {
                    trf("the scenario drops {message} from {from} to {to}", &args)
                }
                DropReason::ByUser => trf("you drop {message} from {from} to {to}", &args),
            };
            // A person's drop is their action; the network's loss happened to a node's send.
            let weight = match reason {
                DropReason::ByUser => Weight::Fault,
                _ => Weight::Loss,
            };
            (text, weight, true)
        }
        TraceKind::Delay {
            from,
            to,
            by,
            arrives,
            msg,
            ..
        } => {
            let args: [(&str, &dyn std::fmt::Display); 5] = [
                ("message", msg),
                ("from", &names.of(*from)),
                ("to", &names.of(*to)),
                ("delay", by),
                ("time", arrives),
            ];
            let text = if by_scenario {
                trf(
                    "the scenario holds back {message} from {from} to {to} by {delay}: it arrives at {time}",
                    &args,
                )
            } else {
                trf(
                    "you hold back {message} from {from} to {to} by {delay}: it arrives at {time}",
                    &args,
                )
            };
            (text, Weight::Fault, true)
        }
        TraceKind::Timer { node, timer } => (
            trf(
                "{node}'s {timer} timer fires",
                &[("node", &names.of(*node)), ("timer", timer)],
            ),
            Weight::Event,
            false,
        ),
        TraceKind::Command { node, cmd } => {
            let args: [(&str, &dyn std::fmt::Display); 2] =
                [("node", &names.of(*node)), ("command", cmd)];
            let text = if by_scenario {
                trf("the scenario tells {node}: {command}", &args)
            } else {
                trf("you tell {node}: {command}", &args)
            };
            (text, Weight::Command, true)
        }
        TraceKind::Crash { node } => (
            trf("{node} crashes", &[("node", &names.of(*node))]),
            Weight::Fault,
            true,
        ),
        TraceKind::Restart { node } => (
            trf("{node} restarts", &[("node", &names.of(*node))]),
            Weight::Fault,
            true,
        ),
        TraceKind::Pause { node } => (
            trf(
                "{node} pauses (a long GC, a frozen VM)",
                &[("node", &names.of(*node))],
            ),
            Weight::Fault,
            true,
        ),
        TraceKind::Resume { node } => (
            trf(
                "{node} resumes and handles what waited for it",
                &[("node", &names.of(*node))],
            ),
            Weight::Fault,
            true,
        ),
        TraceKind::Network { change } => (
            crate::i18n::line(&change.sentence(&|n| names.of(n))),
            Weight::Fault,
            true,
        ),
        TraceKind::State { node, from, to } => (
            trf(
                "{node}: {from} → {to}",
                &[
                    ("node", &names.of(*node)),
                    // The state names as the node cards show them (LEADER, 领导者).
                    ("from", &crate::i18n::tr(from)),
                    ("to", &crate::i18n::tr(to)),
                ],
            ),
            Weight::Minor,
            true,
        ),
        TraceKind::Ignored { why } => {
            (trf("ignored: {why}", &[("why", why)]), Weight::Minor, false)
        }
        TraceKind::Violation { invariant, message } => (
            trf(
                "{invariant} is violated: {message}",
                &[
                    (
                        "invariant",
                        &invariant_names
                            .get(*invariant as usize)
                            .copied()
                            .map(tr)
                            .unwrap_or("?"),
                    ),
                    ("message", &crate::i18n::line(message)),
                ],
            ),
            Weight::Violation,
            true,
        ),
        // A routine note (a timer set, a write reaching the disk) is bookkeeping: it explains
        // a step with no decision, but never takes the caption's second half from one.
        TraceKind::Note { note, .. } if note.routine => (note.text.clone(), Weight::Routine, false),
        // A broken variant's own note says why the run is about to go wrong: it leads.
        TraceKind::Note { note, .. } if note.flaw => (note.text.clone(), Weight::Flaw, false),
        TraceKind::Note { note, .. } => (note.text.clone(), Weight::Decision, note.changes_stage),
    };
    Some(said)
}

/// The caption of one step: its weightiest line, with the decisions behind it when nodes
/// explained some ("P2 receives PREPARE t1 from the coordinator; P2 forces PREPARED t1 to its
/// log and votes YES"; "you tell cluster: add node-6; node-6 joins: …"). The first decision
/// behind an event or a command is always told; the step's other decisions follow, in
/// order, as long as the caption still reads in about two lines ([`CAPTION_BUDGET`]): "the
/// scenario tells n1: propose:green; n1 is asked to get green chosen; n1 starts ballot 1.1
/// …". A scene marks its
/// tallies (a vote or a promise counted) routine, so that the decision they lead to (a
/// leader elected, a value proposed) is the one the caption tells.
///
/// A message the network lost ([`Weight::Loss`]) never hides a decision: the node decided,
/// then sent, and the send was lost, so the caption tells the decision and the stage shows
/// the loss; a loss leads only a step with no decision. A crash, a restart or a cut link (a
/// [`Weight::Fault`]) leads, followed by what a node decided in the same step (a restarted
/// node reading its disk) when that fits the budget. A violation is told after the fault
/// of its step, if there is one, and with nothing else.
///
/// A broken variant's note (a [`Weight::Flaw`]) outranks all of that: it is the one
/// sentence that explains the bug, so the caption leads with it, followed by the rest of
/// the step's caption when that tells a decision, a fault or a violation (a bare receipt
/// or send adds nothing to it).
pub fn caption(lines: &[LogLine]) -> Option<String> {
    let flaw = lines.iter().find(|l| l.weight == Weight::Flaw);
    let rest: Vec<&LogLine> = lines.iter().filter(|l| l.weight != Weight::Flaw).collect();
    let told = plain_caption(&rest);
    match (flaw, told) {
        (Some(flaw), Some((text, weight))) if weight >= Weight::Decision => Some(trf(
            "{flaw} {caption}",
            &[("flaw", &flaw.text), ("caption", &sentence_start(&text))],
        )),
        (Some(flaw), _) => Some(flaw.text.clone()),
        (None, told) => told.map(|(text, _)| text),
    }
}

/// How wide a caption may grow by adding a step's further decisions: about two lines at
/// 720 px, in characters (English) or columns (Chinese, where a character takes two).
pub const CAPTION_BUDGET: usize = 200;

/// A text's width in columns: two for a wide (CJK, full-width) character, one for others.
pub fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// The caption of lines with no flaw among them, and the weight of its first line.
fn plain_caption(lines: &[&LogLine]) -> Option<(String, Weight)> {
    let weight = lines.iter().map(|l| l.weight).max()?;
    let top = lines.iter().find(|l| l.weight == weight)?;
    if top.weight == Weight::Violation {
        // A crash, a cut or a drop in the same step is the violation's cause as the
        // learner sees it ("c2 crashes; no confirmed message lost is violated: …"):
        // without it the caption tells the effect and never the cause.
        let text = match lines.iter().find(|l| l.weight == Weight::Fault) {
            Some(fault) => trf(
                "{event}; {decision}",
                &[
                    ("event", &fault.text.trim_end_matches(['.', '。'])),
                    ("decision", &mid_sentence(&top.text)),
                ],
            ),
            None => top.text.clone(),
        };
        return Some((text, weight));
    }
    let mut decisions: Vec<&str> = Vec::new();
    for l in lines.iter().filter(|l| l.weight == Weight::Decision) {
        if l.text != top.text && !decisions.contains(&l.text.as_str()) {
            decisions.push(&l.text);
        }
    }
    let mut text = top.text.clone();
    for (told, d) in decisions.iter().enumerate() {
        let joined = trf(
            "{event}; {decision}",
            &[
                ("event", &text.trim_end_matches(['.', '。'])),
                ("decision", &mid_sentence(d)),
            ],
        );
        // The first decision behind an event or a command is told whatever its length (a
        // scene keeps its sentences short); further ones, and a fault's, while the caption
        // stays within its budget.
        let always = told == 0 && top.weight < Weight::Decision;
        if !always && columns(&joined) > CAPTION_BUDGET {
            break;
        }
        text = joined;
    }
    Some((text, weight))
}

/// A sentence that follows another after a semicolon: its first word loses its capital
/// ("A majority…" → "a majority…", "Every…" → "every…"), unless it is a name ("P2", "LEADER").
fn mid_sentence(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second))
            if first.is_ascii_uppercase() && (second.is_ascii_lowercase() || second == ' ') =>
        {
            // ASCII only: the captions are English or Chinese, and Unicode's case tables
            // would cost the bundle 20 KB.
            first.to_ascii_lowercase().to_string() + &text[1..]
        }
        _ => text.to_string(),
    }
}

/// A sentence that follows another after a full stop: its first word gets a capital
/// ("atomicity is violated…" → "Atomicity is violated…") when it is a plain lowercase word;
/// a name with digits or signs ("n1", "node-3") is left as it is, and Chinese, which has no
/// capitals, keeps a leading name as the stage writes it ("coordinator").
fn sentence_start(text: &str) -> String {
    if crate::i18n::lang() != crate::i18n::Lang::En {
        return text.to_string();
    }
    let first_word = text.split([' ', ':', '\'', '’']).next().unwrap_or_default();
    let plain = !first_word.is_empty() && first_word.chars().all(|c| c.is_ascii_lowercase());
    match text.chars().next() {
        Some(first) if plain => first.to_ascii_uppercase().to_string() + &text[1..],
        _ => text.to_string(),
    }
}
