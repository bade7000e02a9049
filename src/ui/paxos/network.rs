//! The network drawing: nodes (role letters, what each proposer is doing, what each
//! acceptor accepted, what each learner knows), the highest ballot's quorum forming, and
//! the messages in flight, each clickable to drop or to hold back (the stage's message
//! tool); a message held back is ringed and labelled with how long.
use super::geometry::*;
use super::value_class;
use crate::i18n::{tr, trf};
use crate::scene::paxos::{Flight, FlightKind, NodeCard, PaxosView, ProposerState};
use crate::sim::action::KernelAction;
use crate::sim::{MsgId, NodeStatus, Time};
use crate::ui::model::Msg;
use crate::ui::svg_attr::n1;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    pub view: PaxosView,
    pub playhead: Time,
    pub selected: Option<u32>,
    pub partition: Option<Vec<u32>>,
    pub cut_links: Vec<(u32, u32)>,
    /// Node names, by id.
    pub names: Vec<String>,
    /// What clicking a message does.
    pub tool: MsgTool,
    pub on_msg: Callback<Msg>,
    /// The page's drawing, or a narrow embed's.
    pub frame: NetFrame,
}

/// What clicking a message in flight does: drop it, or hold it back this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgTool {
    Drop,
    Delay(Time),
}

impl MsgTool {
    /// The action's text for message `id`.
    pub fn action(self, id: u64) -> String {
        match self {
            MsgTool::Drop => KernelAction::DropMessage(MsgId(id)).to_string(),
            MsgTool::Delay(by) => KernelAction::DelayMessage(MsgId(id), by).to_string(),
        }
    }
}

fn kind_class(kind: FlightKind) -> &'static str {
    match kind {
        FlightKind::Prepare => "px-msg-prepare",
        FlightKind::Promise => "px-msg-promise",
        FlightKind::Accept => "px-msg-accept",
        FlightKind::Accepted => "px-msg-accepted",
        FlightKind::Nack => "px-msg-nack",
        _ => "px-msg-other",
    }
}

/// The letters in the dot, and the label beside it (with how long it was held back).
fn flight_texts(f: &Flight) -> (&'static str, String) {
    let (letters, label) = flight_kind_texts(f);
    if f.delayed == Time::ZERO {
        return (letters, label);
    }
    let held = format!("+{}", f.delayed).replace(' ', "");
    (letters, format!("{label} {held}").trim_start().to_string())
}

fn flight_kind_texts(f: &Flight) -> (&'static str, String) {
    let ballot = f.ballot.map(|b| b.to_string()).unwrap_or_default();
    let value = f.value.as_ref().map(short_value).unwrap_or_default();
    match f.kind {
        FlightKind::Prepare => ("1a", ballot),
        FlightKind::Promise => match f.reported {
            Some((at, v)) => (
                "1b",
                trf(
                    "{ballot}, had {value}@{at}",
                    &[
                        ("ballot", &ballot),
                        ("value", &short_value(&v)),
                        ("at", &at),
                    ],
                ),
            ),
            None => ("1b", ballot),
        },
        FlightKind::Accept => ("2a", format!("{ballot} {value}")),
        FlightKind::Accepted => ("2b", format!("{ballot} {value}")),
        FlightKind::Nack => (
            "✕",
            format!(
                "{ballot} < {}",
                f.promised.map(|b| b.to_string()).unwrap_or_default()
            ),
        ),
        _ => ("", String::new()),
    }
}

/// A sentence for the message's tooltip and screen readers.
fn flight_sentence(f: &Flight, names: &[String], tool: MsgTool) -> String {
    let name = |i: u32| names.get(i as usize).cloned().unwrap_or_default();
    let what = match f.kind {
        FlightKind::Prepare => tr("prepare (1a)"),
        FlightKind::Promise => tr("promise (1b)"),
        FlightKind::Accept => tr("accept request (2a)"),
        FlightKind::Accepted => tr("accepted (2b)"),
        FlightKind::Nack => tr("nack"),
        FlightKind::Heartbeat => tr("heartbeat"),
        FlightKind::Client => tr("client message"),
        FlightKind::CatchUp => tr("catch-up"),
    };
    let (_, detail) = flight_kind_texts(f);
    let by = match tool {
        MsgTool::Drop => Time::ZERO,
        MsgTool::Delay(by) => by,
    };
    let args: [(&str, &dyn std::fmt::Display); 6] = [
        ("id", &f.id),
        ("what", &what),
        ("detail", &detail),
        ("from", &name(f.from.0)),
        ("to", &name(f.to.0)),
        ("delay", &by),
    ];
    let mut text = match tool {
        MsgTool::Drop => trf(
            "Message {id}: {what} {detail} from {from} to {to}. Click to drop it.",
            &args,
        ),
        MsgTool::Delay(_) => trf(
            "Message {id}: {what} {detail} from {from} to {to}. Click to hold it back {delay}.",
            &args,
        ),
    };
    if f.delayed > Time::ZERO {
        text.push(' ');
        text.push_str(&trf(
            "Held back {delay} in all; it arrives at {time}.",
            &[("delay", &f.delayed), ("time", &f.arrives)],
        ));
    }
    text
}

/// What a proposer is doing, under its node: its phase and ballot, and while it prepares,
/// on a line of its own, its promises against the quorum it needs ("2 of 3 promises").
fn proposer_lines(card: &NodeCard, view: &PaxosView) -> Vec<String> {
    let ballot = card.ballot.map(|b| b.to_string()).unwrap_or_default();
    match card.proposer {
        None | Some(ProposerState::Idle) => Vec::new(),
        Some(ProposerState::Preparing { promises }) => vec![
            trf("prepare {ballot}:", &[("ballot", &ballot)]),
            trf("{n} of {q} promises", &[("n", &promises), ("q", &view.q1)]),
        ],
        Some(ProposerState::Accepting) => vec![trf("accept {ballot}", &[("ballot", &ballot)])],
        Some(ProposerState::BackingOff) => vec![tr("backing off").into()],
    }
}

fn state_class(card: &NodeCard) -> &'static str {
    match card.proposer {
        Some(ProposerState::Preparing { .. }) => "px-state-preparing",
        Some(ProposerState::Accepting) => "px-state-accepting",
        Some(ProposerState::BackingOff) => "px-state-backing-off",
        _ => "px-state-idle",
    }
}

fn roles_text(card: &NodeCard) -> String {
    if card.is_client {
        return tr("client").into();
    }
    let mut s = String::new();
    for (has, letter) in [
        (card.roles.proposer, 'P'),
        (card.roles.acceptor, 'A'),
        (card.roles.learner, 'L'),
    ] {
        if has {
            s.push(letter);
        }
    }
    s
}

#[function_component(Network)]
pub fn network(p: &NetworkProps) -> Html {
    let view = &p.view;
    let n = view.nodes.len() as u32;
    let name_of = |i: u32| p.names.get(i as usize).cloned().unwrap_or_default();
    let focus = view.quorums.first();
    let leader = view.leader;
    let frame = p.frame;
    let pos = |i: u32| frame.node_position(i, n);

    let edges = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).map(|(a, b)| {
        let ((x1, y1), (x2, y2)) = (pos(a), pos(b));
        let cut = p.cut_links.contains(&(a, b)) || p.cut_links.contains(&(b, a));
        html! { <line class={classes!("px-edge", cut.then_some("px-cut"))} x1={n1(x1)} y1={n1(y1)} x2={n1(x2)} y2={n1(y2)} /> }
    });

    let mut obstacles: Vec<Rect> = Vec::new();
    let nodes: Vec<Html> = view.nodes.iter().map(|card| {
        let id = card.id.0;
        let (x, y) = pos(id);
        obstacles.push(Rect::around(x, y, NODE_R + 2.0));
        let mut lines: Vec<(String, &'static str)> = Vec::new();
        for text in proposer_lines(card, view) {
            lines.push((text, "px-line"));
        }
        if let Some(v) = card.learned.filter(|_| view.mode == crate::algo::paxos::Mode::Single) {
            lines.push((trf("knows {value}", &[("value", &short_value(&v))]), "px-line px-learned"));
        } else if view.mode == crate::algo::paxos::Mode::Multi && card.roles.learner && card.learned_slots > 0 {
            let text = match card.learned_slots {
                1 => tr("knows 1 slot").to_string(),
                n => trf("knows {n} slots", &[("n", &n)]),
            };
            lines.push((text, "px-line px-learned"));
        }
        // Lines sit under the node, centred (on the ellipse's rim they would be clipped).
        let first_y = y + NODE_R + 13.0;
        // Centred under the node, moved in where a long line would leave the drawing.
        let line_xs: Vec<f64> = lines.iter().map(|(text, _)| line_centre(frame.width, x, text)).collect();
        for (i, (text, _)) in lines.iter().enumerate() {
            let w = line_width(text);
            obstacles.push(Rect { x: line_xs[i] - w / 2.0, y: first_y + 13.0 * i as f64 - LABEL_H + 3.0, w, h: LABEL_H });
        }
        let accepted = view.acceptors.iter().find(|a| a.node == card.id).and_then(|a| a.accepted);
        let in_focus = focus.is_some_and(|q| q.promised_by.contains(&card.id));
        let focus_formed = focus.is_some_and(|q| q.promised_by.len() as u32 >= view.q1);
        let status = match card.status { NodeStatus::Up => "up", NodeStatus::Crashed => "crashed", NodeStatus::Paused => "paused" };
        let on_click = {
            let on_msg = p.on_msg.clone();
            let partition_mode = p.partition.is_some();
            let selected = p.selected;
            Callback::from(move |_: MouseEvent| {
                if partition_mode {
                    on_msg.emit(Msg::TogglePartitionNode(id));
                } else {
                    on_msg.emit(Msg::Select(if selected == Some(id) { None } else { Some(id) }));
                }
            })
        };
        let on_key = {
            let on_click = on_click.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    e.stop_propagation();
                    on_click.emit(MouseEvent::new("click").expect("a synthetic click"));
                }
            })
        };
        let grouped = p.partition.as_ref().is_some_and(|g| g.contains(&id));
        let name = name_of(id);
        let status_text = match card.status { NodeStatus::Up => tr("up"), NodeStatus::Crashed => tr("crashed"), NodeStatus::Paused => tr("paused") };
        let label = trf("{node}: {roles}, {status}. Activate for actions.", &[("node", &name), ("roles", &roles_text(card)), ("status", &status_text)]);
        html! {
            <g key={format!("node-{id}")} class={classes!("px-node", status, state_class(card), (p.selected == Some(id)).then_some("selected"), grouped.then_some("grouped"), (leader == Some(card.id)).then_some("px-leader"))}
               role="button" tabindex="0" aria-label={label} data-node={id.to_string()} onclick={on_click} onkeydown={on_key}>
                if in_focus {
                    <circle class={classes!("px-quorum", (!focus_formed).then_some("forming"))} cx={n1(x)} cy={n1(y)} r={n1(NODE_R + 5.0)} />
                }
                <circle class="px-body" cx={n1(x)} cy={n1(y)} r={NODE_R.to_string()} />
                // Under the words, which a halo lifts off it: a crashed node's name still reads.
                if card.status == NodeStatus::Crashed {
                    <path class="px-crash-mark" d={format!("M{:.1},{:.1} l30,30 m0,-30 l-30,30", x - 15.0, y - 15.0)} />
                }
                <text class="px-name" x={n1(x)} y={n1(y - 2.0)}>{ &name }</text>
                <text class="px-roles" x={n1(x)} y={n1(y + 12.0)}>{ roles_text(card) }</text>
                if let Some((_, acc)) = accepted {
                    <g class={classes!("px-acc", value_class(&acc.value))} transform={format!("translate({:.1},{:.1})", x + NODE_R * 0.72, y - NODE_R * 0.72)}>
                        <title>{ trf("{node} accepted {value} in ballot {ballot}", &[("node", &name), ("value", &acc.value), ("ballot", &acc.ballot)]) }</title>
                        <circle r="6" />
                    </g>
                }
                { for lines.iter().enumerate().map(|(i, (text, class))| html! {
                    <text class={*class} x={n1(line_xs[i])} y={n1(first_y + 13.0 * i as f64)}>{ text }</text>
                }) }
                if leader == Some(card.id) {
                    <text class="px-leader-mark" x={n1(x - NODE_R - 4.0)} y={n1(y - NODE_R + 9.0)}>{ "★" }</text>
                }
            </g>
        }
    }).collect();

    let shown: Vec<&Flight> = view
        .flights
        .iter()
        .filter(|f| f.to.0 < n && f.from.0 < n)
        .collect();
    let ways: Vec<(u32, u32, f64)> = shown
        .iter()
        .map(|f| (f.from.0, f.to.0, progress(f.sent, f.arrives, p.playhead)))
        .collect();
    let spots = spread_flights(&frame, &ways, n);
    // A label is written once, near the first message carrying it that has room: five
    // "2b 1.1 green" on their way to five learners need one caption; the dots keep their
    // letters.
    let label_texts: Vec<String> = shown.iter().map(|f| flight_texts(f).1).collect();
    let dots: Vec<Dot> = spots
        .iter()
        .zip(shown.iter().zip(&label_texts))
        .map(|(&(x, y), (f, text))| Dot {
            x,
            y,
            chars: text.chars().count(),
            group: shown
                .iter()
                .zip(&label_texts)
                .position(|(g, t)| g.kind == f.kind && t == text)
                .unwrap_or(0),
        })
        .collect();
    let height = frame.height(n);
    // A held message's dashed ring is wider than its dot: its label goes outside the ring.
    let radii: Vec<f64> = shown
        .iter()
        .map(|f| {
            if f.delayed > Time::ZERO {
                HELD_RING_R
            } else {
                DOT_R
            }
        })
        .collect();
    let labels = place_labels_around(&dots, &radii, &obstacles, (frame.width, height));
    let messages = shown.iter().zip(spots).zip(labels).zip(label_texts).map(|(((f, (x, y)), label), text)| {
        let (letters, _) = flight_texts(f);
        let sentence = flight_sentence(f, &p.names, p.tool);
        let drop = p.tool.action(f.id);
        let onclick = { let on_msg = p.on_msg.clone(); let drop = drop.clone(); Callback::from(move |e: MouseEvent| { e.stop_propagation(); on_msg.emit(Msg::Act(drop.clone())) }) };
        let onkeydown = { let on_msg = p.on_msg.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" || e.key() == " " { e.prevent_default(); e.stop_propagation(); on_msg.emit(Msg::Act(drop.clone())) }) };
        let shape = match f.kind {
            FlightKind::Prepare | FlightKind::Promise => html! { <circle class="px-dot" cx={n1(x)} cy={n1(y)} r={DOT_R.to_string()} /> },
            FlightKind::Accept | FlightKind::Accepted => html! { <rect class="px-dot" x={n1(x - DOT_R)} y={n1(y - DOT_R)} width={(2.0 * DOT_R).to_string()} height={(2.0 * DOT_R).to_string()} rx="3" /> },
            FlightKind::Nack => html! { <path class="px-dot" d={format!("M{x:.1},{:.1} l{r},{r} l-{r},{r} l-{r},-{r} z", y - DOT_R - 1.0, r = DOT_R + 1.0)} /> },
            _ => html! { <circle class="px-dot" cx={n1(x)} cy={n1(y)} r="5" /> },
        };
        let kind = letters;
        let held = f.delayed > Time::ZERO;
        html! {
            <g key={f.id.to_string()} class={classes!("px-msg", kind_class(f.kind), f.value.as_ref().map(value_class), held.then_some("px-held"))} role="button" tabindex="0"
               aria-label={sentence.clone()} data-msg={f.id.to_string()} data-kind={kind} {onclick} {onkeydown}>
                <title>{ sentence }</title>
                if held {
                    <circle class="px-held-ring" cx={n1(x)} cy={n1(y)} r={HELD_RING_R.to_string()} />
                }
                { shape }
                if !kind.is_empty() {
                    <text class="px-kind" x={n1(x)} y={n1(y + 4.0)}>{ kind }</text>
                }
                if let Some((lx, ly)) = label {
                    <text class="px-msg-label" x={n1(lx)} y={n1(ly)}>{ text }</text>
                }
            </g>
        }
    });

    html! {
        <svg class="px-net" viewBox={format!("0 0 {} {height:.0}", frame.width)} role="img"
             aria-label={trf("{n} nodes and {m} messages in flight", &[("n", &n), ("m", &view.flights.len())])}>
            <g class="px-edges">{ for edges }</g>
            <g class="px-nodes">{ for nodes }</g>
            <g class="px-msgs">{ for messages }</g>
        </svg>
    }
}
