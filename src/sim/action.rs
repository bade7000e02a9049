//! User actions: the faults and inputs a person injects into a run, and their text form.
//!
//! A run is defined by its scene, seed, parameters and the list of actions, each with the
//! step at which it was taken. Actions are steps themselves: an action taken after `at`
//! events becomes step `at + 1`. The text form is what a shared link carries, e.g.
//! `12@31500:crash:0` is "after 12 steps, at 31.5 ms, crash node 0". Durations, like
//! times, are in microseconds: `delay:7:50000` holds message 7 back by 50 ms.
//!
//! Three actions force what happens next instead of letting the clock decide, so that a
//! path found by the state-space explorer (`crate::explore`) replays as a link:
//! `deliver:7` hands message 7 to its receiver now, `lose:7` has the network lose it, and
//! `fire:2:0` fires node 2's first set timer now, each ahead of anything else due (the
//! clock moves to when the message or timer was due, if that is later).
use super::network::NetChange;
use super::protocol::{Line, NodeId};
use super::time::Time;
use super::trace::MsgId;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq)]
pub enum Action<C> {
    Crash(NodeId),
    Restart(NodeId),
    /// Stop the world on a node (a long GC pause): its timers and messages wait. With a
    /// duration it resumes by itself.
    Pause(NodeId, Option<Time>),
    Resume(NodeId),
    DropMessage(MsgId),
    /// Hold a message in flight back: it arrives this much later than it would have
    /// (`delay:<id>:<micros>`, at most [`MAX_DELAY`]). Delaying one message while others
    /// go on is how a person reorders the network by hand.
    DelayMessage(MsgId, Time),
    Network(NetChange),
    /// A scene-specific input to one node (a client request, a vote, ...).
    Command(NodeId, C),
    /// Make one thing happen next, ahead of anything else due: the explorer's choices.
    Force(Forced),
}

/// What [`Action::Force`] makes happen next. Each happens no earlier than it was due (time
/// never goes backwards), but before whatever else was due first: this is how a path of
/// the state-space explorer, which delivers, loses and fires in any order, is replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forced {
    /// `deliver:<msg>`: the message in flight reaches its receiver now.
    Deliver(MsgId),
    /// `lose:<msg>`: the network loses the message in flight.
    Lose(MsgId),
    /// `fire:<node>:<n>`: the node's timer number `n` (counting its set timers from 0, in
    /// the order the kernel keeps them) fires now.
    Fire(NodeId, u32),
}

/// The highest timer number `fire:<node>:<n>` may name: no node keeps this many timers set.
pub const MAX_TIMER_NUMBER: u32 = 255;

impl<C> Action<C> {
    /// The nodes the action names.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Action::Crash(n)
            | Action::Restart(n)
            | Action::Pause(n, _)
            | Action::Resume(n)
            | Action::Command(n, _)
            | Action::Force(Forced::Fire(n, _)) => vec![*n],
            Action::Network(NetChange::Cut { from, to } | NetChange::Heal { from, to }) => {
                vec![*from, *to]
            }
            Action::Network(NetChange::Partition { group }) => group.clone(),
            Action::Network(NetChange::HealAll)
            | Action::DropMessage(_)
            | Action::DelayMessage(..)
            | Action::Force(Forced::Deliver(_) | Forced::Lose(_)) => Vec::new(),
        }
    }
}

/// The longest a person may hold one message back: ten seconds of simulated time, far
/// longer than any timeout a scene uses, so that a delay can outlast every retry.
pub const MAX_DELAY: Time = Time::from_millis(10_000);

/// An action of the kernel's own (a fault or a network change), with no scene command.
pub type KernelAction = Action<std::convert::Infallible>;

/// An action and when it was taken: after `at` steps, at simulated time `time`.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduled<C> {
    pub at: u64,
    pub time: Time,
    pub action: Action<C>,
}

/// Why an action's text could not be read. The message is meant for the page: a typed
/// line, so that the page says it in its own language (`Display` gives the English).
#[derive(Clone, Debug, PartialEq)]
pub struct ActionParseError(pub Line);

impl fmt::Display for ActionParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

fn refused(line: Line) -> ActionParseError {
    ActionParseError(line)
}

impl<C: fmt::Display> fmt::Display for Action<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Crash(n) => write!(f, "crash:{}", n.0),
            Action::Restart(n) => write!(f, "restart:{}", n.0),
            Action::Pause(n, None) => write!(f, "pause:{}", n.0),
            Action::Pause(n, Some(d)) => write!(f, "pause:{}:{}", n.0, d.0),
            Action::Resume(n) => write!(f, "resume:{}", n.0),
            Action::DropMessage(m) => write!(f, "drop:{}", m.0),
            Action::DelayMessage(m, by) => write!(f, "delay:{}:{}", m.0, by.0),
            Action::Network(NetChange::Cut { from, to }) => write!(f, "cut:{}:{}", from.0, to.0),
            Action::Network(NetChange::Heal { from, to }) => {
                write!(f, "heal:{}:{}", from.0, to.0)
            }
            Action::Network(NetChange::Partition { group }) => {
                let ids: Vec<String> = group.iter().map(|n| n.0.to_string()).collect();
                write!(f, "part:{}", ids.join("+"))
            }
            Action::Network(NetChange::HealAll) => write!(f, "healall"),
            Action::Command(n, cmd) => write!(f, "cmd:{}:{cmd}", n.0),
            Action::Force(Forced::Deliver(m)) => write!(f, "deliver:{}", m.0),
            Action::Force(Forced::Lose(m)) => write!(f, "lose:{}", m.0),
            Action::Force(Forced::Fire(n, timer)) => write!(f, "fire:{}:{timer}", n.0),
        }
    }
}

impl<C: fmt::Display> fmt::Display for Scheduled<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}:{}", self.at, self.time.0, self.action)
    }
}

/// `what` names the number the way the message reads ("a node number").
fn number<T: FromStr>(text: &str, what: Line) -> Result<T, ActionParseError> {
    text.parse().map_err(|_| {
        refused(
            Line::tr("{what} should be a whole number, not \"{text}\"")
                .text("what", what)
                .with("text", text),
        )
    })
}

fn node(text: &str, node_count: u32) -> Result<NodeId, ActionParseError> {
    let id: u32 = number(text, Line::tr("a node number"))?;
    if id >= node_count {
        return Err(refused(
            Line::tr("there is no node {id} (this run has nodes 0 to {last})")
                .with("id", id)
                .with("last", node_count.saturating_sub(1)),
        ));
    }
    Ok(NodeId(id))
}

fn need<'a>(part: Option<&'a str>, text: &str) -> Result<&'a str, ActionParseError> {
    part.ok_or_else(|| refused(Line::tr("\"{text}\" is missing a part").with("text", text)))
}

/// Reads an action with its command (if any) left as text: one copy of this code for every
/// scene, whatever its command type (see [`Action::parse`]).
fn parse_with_command_text(text: &str, node_count: u32) -> Result<Action<&str>, ActionParseError> {
    let mut parts = text.splitn(3, ':');
    let verb = parts.next().unwrap_or_default();
    let first = parts.next();
    let rest = parts.next();
    let action =
        match verb {
            "crash" => Action::Crash(node(need(first, text)?, node_count)?),
            "restart" => Action::Restart(node(need(first, text)?, node_count)?),
            "pause" => Action::Pause(
                node(need(first, text)?, node_count)?,
                rest.map(|d| number(d, Line::tr("a pause length")).map(Time))
                    .transpose()?,
            ),
            "resume" => Action::Resume(node(need(first, text)?, node_count)?),
            "drop" => Action::DropMessage(MsgId(number(
                need(first, text)?,
                Line::tr("a message number"),
            )?)),
            "delay" => {
                let id = MsgId(number(need(first, text)?, Line::tr("a message number"))?);
                let by: u64 = number(need(rest, text)?, Line::tr("a delay (in microseconds)"))?;
                if !(1..=MAX_DELAY.0).contains(&by) {
                    return Err(refused(
                        Line::tr("a delay must be 1 to {max} microseconds ({time}), not {by}")
                            .with("max", MAX_DELAY.0)
                            .with("time", MAX_DELAY)
                            .with("by", by),
                    ));
                }
                Action::DelayMessage(id, Time(by))
            }
            "cut" | "heal" => {
                let from = node(need(first, text)?, node_count)?;
                let to = node(need(rest, text)?, node_count)?;
                Action::Network(if verb == "cut" {
                    NetChange::Cut { from, to }
                } else {
                    NetChange::Heal { from, to }
                })
            }
            "part" => {
                let group = need(first, text)?
                    .split('+')
                    .map(|n| node(n, node_count))
                    .collect::<Result<Vec<_>, _>>()?;
                Action::Network(NetChange::Partition { group })
            }
            "healall" => Action::Network(NetChange::HealAll),
            "deliver" | "lose" => {
                let id = MsgId(number(need(first, text)?, Line::tr("a message number"))?);
                if rest.is_some() {
                    return Err(refused(
                        Line::tr("\"{text}\" has a part too many ({verb}:<message number>)")
                            .with("text", text)
                            .with("verb", verb),
                    ));
                }
                Action::Force(if verb == "deliver" {
                    Forced::Deliver(id)
                } else {
                    Forced::Lose(id)
                })
            }
            "fire" => {
                let target = node(need(first, text)?, node_count)?;
                let timer: u32 = number(need(rest, text)?, Line::tr("a timer number"))?;
                if timer > MAX_TIMER_NUMBER {
                    return Err(refused(
                        Line::tr("a timer number must be 0 to {max}, not {timer}")
                            .with("max", MAX_TIMER_NUMBER)
                            .with("timer", timer),
                    ));
                }
                Action::Force(Forced::Fire(target, timer))
            }
            "cmd" => {
                let target = node(need(first, text)?, node_count)?;
                Action::Command(target, need(rest, text)?)
            }
            other => return Err(refused(
                Line::tr(
                    "unknown action \"{other}\" (expected crash, restart, pause, resume, drop, \
                     delay, cut, heal, part, healall, cmd, deliver, lose or fire)",
                )
                .with("other", other),
            )),
        };
    Ok(action)
}

impl<C: FromStr> Action<C> {
    /// Reads an action, checking node numbers against the run's node count.
    pub fn parse(text: &str, node_count: u32) -> Result<Self, ActionParseError> {
        parse_with_command_text(text, node_count)?.try_map_command(|body| {
            body.parse().map_err(|_| {
                refused(Line::tr("\"{body}\" is not a command this scene knows").with("body", body))
            })
        })
    }
}

impl<C> Action<C> {
    /// The same action with its command (if any) converted by `convert`.
    pub fn try_map_command<D, E>(
        self,
        convert: impl FnOnce(C) -> Result<D, E>,
    ) -> Result<Action<D>, E> {
        Ok(match self {
            Action::Command(node, cmd) => Action::Command(node, convert(cmd)?),
            Action::Crash(n) => Action::Crash(n),
            Action::Restart(n) => Action::Restart(n),
            Action::Pause(n, d) => Action::Pause(n, d),
            Action::Resume(n) => Action::Resume(n),
            Action::DropMessage(m) => Action::DropMessage(m),
            Action::DelayMessage(m, by) => Action::DelayMessage(m, by),
            Action::Network(change) => Action::Network(change),
            Action::Force(forced) => Action::Force(forced),
        })
    }
}

impl<C: FromStr> Scheduled<C> {
    /// Reads `at@time:action`.
    pub fn parse(text: &str, node_count: u32) -> Result<Self, ActionParseError> {
        let (when, action) = text.split_once(':').ok_or_else(|| {
            refused(Line::tr("\"{text}\" should look like step@time:action").with("text", text))
        })?;
        let (at, time) = when.split_once('@').ok_or_else(|| {
            refused(Line::tr("\"{when}\" should look like step@time").with("when", when))
        })?;
        Ok(Scheduled {
            at: number(at, Line::tr("a step"))?,
            time: Time(number(time, Line::tr("a time"))?),
            action: Action::parse(action, node_count)?,
        })
    }
}
