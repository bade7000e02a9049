//! The queue stage's smaller parts: the counters, the command Redis just ran, the command
//! log and the depth chart.
use super::geometry::{axis_max, step_path};
use crate::algo::queue::{Counters, Sample};
use crate::algo::redis::Persistence;
use crate::i18n::{tr, trf};
use crate::scene::queue::view::{BrokerEvent, LogLine, CHART_WINDOW};
use crate::sim::{NodeId, Time};
use crate::ui::svg_attr::n1;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CountersProps {
    pub counters: Counters,
}

/// The run's totals, the bad ones in red once they are not zero.
#[function_component(CounterTiles)]
pub fn counter_tiles(p: &CountersProps) -> Html {
    let c = &p.counters;
    // The lost tile names the message lost (the first, and how many more), so that a
    // learner knows which one to look for in the log and the consumers.
    let lost_label = match c.first_lost {
        None => tr("lost").to_string(),
        Some(m) if c.lost <= 1 => trf("lost: {message}", &[("message", &m)]),
        Some(m) => trf(
            "lost: {message} +{n}",
            &[("message", &m), ("n", &(c.lost - 1))],
        ),
    };
    let tiles: [(&str, String, u64, Option<&str>, &str); 8] = [
        (
            "sent",
            tr("sent").into(),
            c.sent,
            None,
            tr("Messages the producers created (a retry is not a new message)"),
        ),
        (
            "confirmed",
            tr("confirmed").into(),
            c.confirmed,
            None,
            tr("Messages Redis confirmed to their producer"),
        ),
        (
            "delivered",
            tr("delivered").into(),
            c.delivered,
            None,
            tr("Hand-outs of a message to a consumer"),
        ),
        (
            "redelivered",
            // Not "redelivered": a producer that sends a message twice (its confirmation
            // lost) has it handed out twice too, and Redis redelivered nothing.
            tr("delivered again").into(),
            c.redelivered,
            Some("warn"),
            tr("Hand-outs of a message handed out before: redelivered by Redis, or sent twice by its producer"),
        ),
        (
            "processed",
            tr("processed").into(),
            c.processed,
            None,
            tr("Messages whose effect was applied at least once"),
        ),
        (
            "duplicated",
            tr("duplicated").into(),
            c.duplicated,
            Some("bad"),
            tr("Effects applied beyond the first"),
        ),
        (
            "lost",
            lost_label,
            c.lost,
            Some("bad"),
            tr("Confirmed messages that were never processed and are nowhere any more"),
        ),
        (
            "dead",
            tr("dead-lettered").into(),
            c.dead_lettered,
            Some("warn"),
            tr("Messages in the dead-letter stream"),
        ),
    ];
    let tiles = tiles.into_iter().map(|(key, label, n, alarm, help)| {
        html! {
            <div class={classes!("q-counter", (n > 0).then_some(alarm).flatten())} data-counter={key} title={help}>
                <span class="n">{ n.to_string() }</span>
                <span class="what">{ label }</span>
            </div>
        }
    });
    html! { <div class="queue-counters stage-sticky" role="status" aria-label={tr("Counters")}>{ for tiles }</div> }
}

fn name(names: &[String], id: NodeId) -> String {
    names
        .get(id.index())
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

/// One broker event as a line: who, the command, and the answer.
fn event_line(names: &[String], event: &BrokerEvent) -> Html {
    match event {
        BrokerEvent::Ran {
            client,
            command,
            reply,
        } => html! {
            <><span class="who">{ name(names, *client) }</span>{ " › " }<code>{ command }</code>{ " → " }<code class="reply">{ reply }</code></>
        },
        BrokerEvent::Parked { client, command } => html! {
            <><span class="who">{ name(names, *client) }</span>{ " › " }<code>{ command }</code>{ " → " }<span class="note">{ tr("blocks: no message yet") }</span></>
        },
        BrokerEvent::Served { client, reply } => html! {
            <><span class="note">{ trf("wakes {client}, blocked until now:", &[("client", &name(names, *client))]) }</span>{ " → " }<code class="reply">{ reply }</code></>
        },
        BrokerEvent::TimedOut { client } => html! {
            <><span class="note">{ trf("{client}'s blocking read times out", &[("client", &name(names, *client))]) }</span>{ " → " }<code class="reply">{ "(nil)" }</code></>
        },
        BrokerEvent::Fsynced { commands } => html! {
            <span class="note">{ trf("fsync: writes reaching the disk: {n}", &[("n", commands)]) }</span>
        },
        BrokerEvent::Recovered {
            persistence,
            lost_writes,
            ..
        } => {
            // Red only for a loss: an append-only file that kept every write is good news.
            let lost = match persistence {
                Persistence::None => true,
                Persistence::AofEverySec => *lost_writes > 0,
                Persistence::AofAlways => false,
            };
            html! {
                <span class={classes!("note", if lost { "bad" } else { "good" })}>{ recovered_text(*persistence, *lost_writes) }</span>
            }
        }
    }
}

/// The same line as plain text, for a tooltip when the line is cut short.
fn event_text(names: &[String], event: &BrokerEvent) -> String {
    match event {
        BrokerEvent::Ran {
            client,
            command,
            reply,
        } => format!("{} › {command} → {reply}", name(names, *client)),
        BrokerEvent::Parked { client, command } => format!(
            "{} › {command} → {}",
            name(names, *client),
            tr("blocks: no message yet")
        ),
        BrokerEvent::Served { client, reply } => format!(
            "{} → {reply}",
            trf(
                "wakes {client}, blocked until now:",
                &[("client", &name(names, *client))]
            )
        ),
        BrokerEvent::TimedOut { client } => trf(
            "{client}'s blocking read times out",
            &[("client", &name(names, *client))],
        ),
        BrokerEvent::Fsynced { commands } => {
            trf("fsync: writes reaching the disk: {n}", &[("n", commands)])
        }
        BrokerEvent::Recovered {
            persistence,
            lost_writes,
            ..
        } => recovered_text(*persistence, *lost_writes),
    }
}

/// Redis back after its machine went down, as its persistence leaves it. Without an
/// append-only file nothing counts lost writes: everything is gone.
fn recovered_text(persistence: Persistence, lost_writes: u64) -> String {
    match persistence {
        Persistence::None => {
            tr("restart with nothing: no persistence, every message it held is gone").into()
        }
        Persistence::AofEverySec => trf(
            "restart from the AOF on disk; writes lost so far: {lost}",
            &[("lost", &lost_writes)],
        ),
        Persistence::AofAlways => {
            tr("restart from the AOF on disk: every write was there, nothing is lost").into()
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct CommandStripProps {
    pub line: Option<LogLine>,
    pub names: Vec<String>,
    pub cursor: u64,
}

/// The last thing Redis did, in Redis's own words.
#[function_component(CommandStrip)]
pub fn command_strip(p: &CommandStripProps) -> Html {
    let Some(line) = &p.line else {
        return html! { <div class="command-strip" id="command-strip"><span class="note">{ tr("Redis has run no command yet.") }</span></div> };
    };
    let now = line.step == p.cursor;
    html! {
        <div class={classes!("command-strip", now.then_some("now"))} id="command-strip" title={event_text(&p.names, &line.event)}>
            <span class="label">{ tr("latest at redis") }</span>
            { event_line(&p.names, &line.event) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct CommandLogProps {
    pub log: Vec<LogLine>,
    pub names: Vec<String>,
    pub cursor: u64,
}

/// The broker's latest events, newest last.
#[function_component(CommandLog)]
pub fn command_log(p: &CommandLogProps) -> Html {
    let rows = p.log.iter().map(|line| {
        html! {
            <li class={classes!((line.step == p.cursor).then_some("now"))} title={event_text(&p.names, &line.event)}>
                <span class="at">{ line.at.to_string() }</span>{ event_line(&p.names, &line.event) }
            </li>
        }
    });
    html! {
        <section class="command-log" aria-label={tr("Redis commands")}>
            <h3>{ tr("Redis commands, latest last") }</h3>
            <ol>{ for rows }</ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DepthChartProps {
    pub history: Vec<Sample>,
    pub from: Time,
    pub now: Time,
}

const CHART_W: f64 = 300.0;
const CHART_H: f64 = 80.0;

/// Queue length (or the group's lag), messages in progress and dead letters over the last
/// few seconds.
#[function_component(DepthChart)]
pub fn depth_chart(p: &DepthChartProps) -> Html {
    // Early in a run the chart spans the run so far (at least 1 s); later the last 4 s.
    let to = p.now.max(Time::from_millis(1000));
    let from = to.saturating_sub(CHART_WINDOW);
    let (from_ms, to_ms) = (from.as_millis_f64(), to.as_millis_f64());
    let peak = p
        .history
        .iter()
        .map(|s| s.depth.queued.max(s.depth.in_progress).max(s.depth.dead))
        .max()
        .unwrap_or(0);
    let max = axis_max(peak) as f64;
    let series = |pick: fn(&Sample) -> u64| {
        let mut points: Vec<(f64, f64)> = p
            .history
            .iter()
            .map(|s| (s.at.as_millis_f64(), pick(s) as f64))
            .collect();
        // The line stops at the present, not at the window's right edge.
        points.push((p.now.as_millis_f64(), points.last().map_or(0.0, |l| l.1)));
        step_path(&points, from_ms, to_ms, max, CHART_W, CHART_H)
    };
    let now_x =
        ((p.now.as_millis_f64() - from_ms) / (to_ms - from_ms).max(1.0)).clamp(0.0, 1.0) * CHART_W;
    let last = p.history.last().map(|s| s.depth).unwrap_or_default();
    html! {
        <section class="depth-chart" aria-label={tr("Queue depth over time")}>
            <h3>{ tr("Queue depth, last 4 s") }</h3>
            <svg viewBox={format!("-28 -6 {} {}", CHART_W + 34.0, CHART_H + 24.0)} role="img"
                 aria-label={trf("Queue depth now: {q} waiting, {p} in progress, {d} dead-lettered", &[("q", &last.queued), ("p", &last.in_progress), ("d", &last.dead)])}>
                <line class="axis" x1="0" y1={CHART_H.to_string()} x2={CHART_W.to_string()} y2={CHART_H.to_string()} />
                <line class="axis" x1="0" y1="0" x2="0" y2={CHART_H.to_string()} />
                <text class="tick" x="-4" y="4" text-anchor="end">{ max.to_string() }</text>
                <text class="tick" x="-4" y={(CHART_H + 4.0).to_string()} text-anchor="end">{ "0" }</text>
                <text class="tick" x="0" y={(CHART_H + 15.0).to_string()}>{ from.to_string() }</text>
                <text class="tick" x={CHART_W.to_string()} y={(CHART_H + 15.0).to_string()} text-anchor="end">{ to.to_string() }</text>
                <line class="now" x1={n1(now_x)} y1="0" x2={n1(now_x)} y2={CHART_H.to_string()} />
                <path class="line-dead" d={series(|s| s.depth.dead)} />
                <path class="line-progress" d={series(|s| s.depth.in_progress)} />
                <path class="line-queued" d={series(|s| s.depth.queued)} />
            </svg>
            <p class="chart-key">
                <span class="key-queued">{ trf("waiting {n}", &[("n", &last.queued)]) }</span>
                <span class="key-progress">{ trf("in progress {n}", &[("n", &last.in_progress)]) }</span>
                <span class="key-dead">{ trf("dead {n}", &[("n", &last.dead)]) }</span>
            </p>
        </section>
    }
}
