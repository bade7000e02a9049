//! The topology view: nodes around a circle (or where a scene's stage puts them), the links
//! the protocol has used so far (each appears when it first carries a message), messages
//! moving along them between their send and arrival times, cut links in red, and the marks a
//! scene puts under a node's state. Click a node for its menu (crash, restart, pause,
//! commands), click a message in flight to drop it, or use the partition tool.
use super::model::Msg;
use super::node_menu::{NodeMenu, PartitionBar};
use crate::i18n::{line, tr, tr_text, trf};
use crate::sim::action::KernelAction;
use crate::sim::kernel::NodeStatus;
use crate::sim::run::{NodeCommandView, NodeMark, Snapshot, Tone};
use crate::sim::{MsgId, Time};
use std::rc::Rc;
use yew::prelude::*;

const SIZE: f64 = 400.0;
const RING: f64 = 140.0;
const NODE_R: f64 = 30.0;

/// An embed's stage is about 720×300 CSS pixels: there the nodes go around a wide ellipse in
/// a frame of this size, drawn at about full scale, so that labels set at 11 to 14 units
/// read at 11 CSS pixels or more, with bigger circles to hold the bigger state names.
const COMPACT_WIDTH: f64 = 660.0;
const COMPACT_HEIGHT: f64 = 300.0;
const COMPACT_NODE_R: f64 = 38.0;

/// On a phone the square stage is about 370 CSS pixels wide, drawn at about 0.9 scale:
/// there the circles grow and the labels are set at 12.5 units and up (`.topology.narrow`
/// in the stylesheet), so that they read at 11 CSS pixels or more. The frame gains room
/// below for the marks of the bottom node, whose circle is now bigger.
pub const NARROW_QUERY: &str = "(max-width: 560px)";
const NARROW_NODE_R: f64 = 40.0;
const NARROW_TOP: f64 = -8.0;
const NARROW_HEIGHT: f64 = SIZE + 52.0;

#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    pub snapshot: Snapshot,
    pub playhead: Time,
    pub selected: Option<u32>,
    /// The group being chosen with the partition tool (None: the tool is off).
    pub partition: Option<Vec<u32>>,
    /// The selected node's scene commands.
    pub commands: Vec<NodeCommandView>,
    /// Nodes a tour stop points at.
    #[prop_or_default]
    pub highlights: Vec<u32>,
    pub on_msg: Callback<Msg>,
    /// Where a scene's stage puts the nodes (None: around a circle).
    #[prop_or_default]
    pub layout: Option<Rc<TopologyLayout>>,
    /// A scene's own drawing, over the links and under the nodes and messages.
    #[prop_or_default]
    pub overlay: Html,
    /// The embed layout: a wide frame, bigger labels, and no partition bar.
    #[prop_or_default]
    pub compact: bool,
}

/// A stage's own placement of the nodes, in the SVG's coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct TopologyLayout {
    pub width: f64,
    pub height: f64,
    /// The centre of node `i` (nodes past the end go around a circle).
    pub positions: Vec<(f64, f64)>,
}

/// The CSS class of a mark's tone.
pub fn tone_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Info => "mark-info",
        Tone::Good => "mark-good",
        Tone::Warn => "mark-warn",
        Tone::Bad => "mark-bad",
    }
}

/// Width of a mark's pill, from its text (CJK characters are about twice as wide).
pub fn mark_width(text: &str) -> f64 {
    let units: f64 = text
        .chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 1.9 })
        .sum();
    units * 7.0 + 14.0
}

/// The marks under a node: pills stacked below its circle (of radius `node_r`).
fn marks(marks: &[NodeMark], node_r: f64) -> Html {
    let pills = marks.iter().enumerate().map(|(i, m)| {
        let width = mark_width(&m.text);
        let y = node_r + 14.0 + i as f64 * 19.0;
        html! {
            <g class={classes!("mark", tone_class(m.tone))} transform={format!("translate(0,{y:.1})")}>
                <rect x={format!("{:.1}", -width / 2.0)} y="-9" width={format!("{width:.1}")} height="17" rx="8.5" />
                <text y="4">{ &m.text }</text>
            </g>
        }
    });
    html! { <g class="marks">{ for pills }</g> }
}

/// Where node `i` of `n` sits: evenly around a circle, the first at the top.
pub fn node_position(i: u32, n: u32) -> (f64, f64) {
    let angle =
        -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * f64::from(i) / f64::from(n.max(1));
    (
        SIZE / 2.0 + RING * angle.cos(),
        SIZE / 2.0 + RING * angle.sin(),
    )
}

/// Where node `i` of `n` sits in an embed's wide frame: around an ellipse, the first at
/// the top, leaving room at the bottom for a node's marks. Nodes are spaced evenly by
/// distance along the ellipse, not by angle, which would crowd them at its narrow ends.
pub fn compact_node_position(i: u32, n: u32) -> (f64, f64) {
    const SAMPLES: u32 = 720;
    let (rx, ry) = (
        COMPACT_WIDTH / 2.0 - COMPACT_NODE_R - 60.0,
        COMPACT_HEIGHT / 2.0 - COMPACT_NODE_R - 24.0,
    );
    let at = |k: u32| {
        let angle = -std::f64::consts::FRAC_PI_2
            + std::f64::consts::TAU * f64::from(k) / f64::from(SAMPLES);
        (
            COMPACT_WIDTH / 2.0 + rx * angle.cos(),
            COMPACT_HEIGHT / 2.0 - 14.0 + ry * angle.sin(),
        )
    };
    let step = |k: u32| {
        let ((x0, y0), (x1, y1)) = (at(k), at(k + 1));
        ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt()
    };
    let perimeter: f64 = (0..SAMPLES).map(step).sum();
    let wanted = perimeter * f64::from(i) / f64::from(n.max(1));
    let mut walked = 0.0;
    for k in 0..SAMPLES {
        if walked >= wanted {
            return at(k);
        }
        walked += step(k);
    }
    at(0)
}

/// How far along its edge a message is at `now` (0 at sending, 1 at arrival).
pub fn progress(sent: Time, arrives: Time, now: Time) -> f64 {
    if arrives <= sent {
        return 1.0;
    }
    ((now.0.saturating_sub(sent.0)) as f64 / (arrives.0 - sent.0) as f64).clamp(0.0, 1.0)
}

/// Where a message between two node centres starts and ends: just outside each node's
/// halo, so that a dot never covers a node (a click on a node always reaches the node).
pub fn message_ends(from: (f64, f64), to: (f64, f64)) -> ((f64, f64), (f64, f64)) {
    message_ends_for(from, to, NODE_R)
}

/// [`message_ends`] for nodes of radius `node_r`.
fn message_ends_for(from: (f64, f64), to: (f64, f64), node_r: f64) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt();
    let inset = node_r + 8.0;
    if length <= 2.0 * inset {
        let mid = (from.0 + dx / 2.0, from.1 + dy / 2.0);
        return (mid, mid);
    }
    let (ux, uy) = (dx / length * inset, dy / length * inset);
    ((from.0 + ux, from.1 + uy), (to.0 - ux, to.1 - uy))
}

/// Where a message's label sits, above or below its dot (`dy`: how far down the message
/// travels; `t`: how far along it is): on the side away from the node it is nearest, so that
/// a message just sent or about to arrive never covers that node's name and state.
pub fn message_label_y(dy: f64, t: f64) -> f64 {
    let going_down = dy > 1.0;
    let going_up = dy < -1.0;
    let near_sender = t < 0.5;
    if (going_down && near_sender) || (going_up && !near_sender) {
        20.0
    } else {
        -11.0
    }
}

/// A CSS class for a state label, e.g. `IN DOUBT` -> `state-in-doubt`.
pub fn state_class(label: &str) -> String {
    let slug: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("state-{slug}")
}

#[function_component(Topology)]
pub fn topology(p: &TopologyProps) -> Html {
    let n = p.snapshot.nodes.len() as u32;
    // A scene's own layout wins; otherwise a circle, or an embed's wide ellipse.
    let wide = p.compact && p.layout.is_none();
    let (width, height) = match &p.layout {
        Some(l) => (l.width, l.height),
        None if wide => (COMPACT_WIDTH, COMPACT_HEIGHT),
        None => (SIZE, SIZE),
    };
    let narrow = !p.compact && p.layout.is_none() && super::hooks::prefers(NARROW_QUERY);
    let node_r = if wide {
        COMPACT_NODE_R
    } else if narrow {
        NARROW_NODE_R
    } else {
        NODE_R
    };
    let view_box = if narrow {
        format!("0 {NARROW_TOP} {width} {NARROW_HEIGHT}")
    } else {
        format!("0 0 {width} {height}")
    };
    let ellipse: Vec<(f64, f64)> = if wide {
        (0..n).map(|i| compact_node_position(i, n)).collect()
    } else {
        Vec::new()
    };
    let pos = |i: u32| {
        p.layout
            .as_ref()
            .and_then(|l| l.positions.get(i as usize).copied())
            .or_else(|| ellipse.get(i as usize).copied())
            .unwrap_or_else(|| node_position(i, n))
    };
    let act = |action: String| {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Act(action.clone())))
    };

    // Only the links the protocol has used so far: a line between two nodes that never
    // talk would say they do. A link fades in when it first carries a message.
    let edges = p.snapshot.links_used.iter().filter(|&&(a, b)| a < n && b < n).map(|&(a, b)| {
        let ((x1, y1), (x2, y2)) = (pos(a), pos(b));
        html! { <line key={format!("{a}-{b}")} class="edge" data-link={format!("{a}-{b}")} x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} /> }
    });
    // A link cut both ways is drawn once; a one-way cut gets an arrow for its direction.
    let both_ways = |a: u32, b: u32| p.snapshot.cut_links.contains(&(b, a));
    let cuts = p.snapshot.cut_links.iter().filter(|&&(a, b)| !(both_ways(a, b) && a > b)).map(|&(a, b)| {
        let ((x1, y1), (x2, y2)) = (pos(a), pos(b));
        let both = both_ways(a, b);
        html! {
            <line class={classes!("cut", (!both).then_some("one-way"))} marker-end={(!both).then_some("url(#cut-arrow)")}
                x1={x1.to_string()} y1={y1.to_string()} x2={(x1 + (x2 - x1) * 0.8).to_string()} y2={(y1 + (y2 - y1) * 0.8).to_string()}>
                <title>{ trf("link {from} → {to} is cut", &[("from", &p.snapshot.name(a)), ("to", &p.snapshot.name(b))]) }</title>
            </line>
        }
    });

    let nodes = p.snapshot.nodes.iter().map(|node| {
        let (x, y) = pos(node.id);
        let id = node.id;
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
        let in_group = p.partition.as_ref().is_some_and(|g| g.contains(&id));
        let (status, status_text) = match node.status {
            NodeStatus::Up => ("up", tr("up")),
            NodeStatus::Crashed => ("crashed", tr("crashed")),
            NodeStatus::Paused => ("paused", tr("paused")),
        };
        // The scene's state name, in the page's language (the scene's catalogue has it).
        let state = tr_text(node.state);
        // The timer due first, as an arc around the node that empties as it comes due
        // (the RaftScope idea): a learner sees which node is about to time out.
        let timer_arc = node
            .timers
            .iter()
            .filter(|t| t.due > p.playhead)
            .min_by_key(|t| t.due)
            .map(|t| {
                let left = t.left(p.playhead) * 100.0;
                html! {
                    <circle class="timer-arc" r={format!("{:.1}", node_r + 3.5)} pathLength="100"
                            stroke-dasharray={format!("{left:.1} 100")} transform="rotate(-90)"
                            data-left={format!("{left:.0}")}>
                        <title>{ trf("timer {timer}: due at {time}", &[("timer", &line(&t.label)), ("time", &t.due)]) }</title>
                    </circle>
                }
            });
        html! {
            <g class={classes!("node", status, state_class(node.state), (p.selected == Some(id)).then_some("selected"), in_group.then_some("grouped"), p.highlights.contains(&id).then_some("highlighted"))}
               transform={format!("translate({x:.1},{y:.1})")} role="button" tabindex="0"
               aria-label={trf("{node}: {state}, {status}{marks}. Activate for actions.", &[("node", &node.name), ("state", &state), ("status", &status_text),
                   ("marks", &node.marks.iter().map(|m| format!(", {}", m.text)).collect::<String>())])}
               data-node={id.to_string()} onclick={on_click} onkeydown={on_key}>
                <circle class="halo" r={(node_r + 6.0).to_string()} />
                <circle class="body" r={node_r.to_string()} />
                { for timer_arc }
                <text class="name" y={if wide || narrow { "-5" } else { "-4" }}>{ &node.name }</text>
                <text class="state" y={if narrow { "14" } else if wide { "13" } else { "11" }}>{ state.clone() }</text>
                if node.status == NodeStatus::Crashed {
                    <path class="crash-mark" d="M-18,-18 L18,18 M18,-18 L-18,18" />
                }
                if node.status == NodeStatus::Paused {
                    <text class="pause-mark" y={format!("{:.0}", -node_r - 6.0)}>{ tr("paused") }</text>
                }
                { marks(&node.marks, node_r) }
            </g>
        }
    });

    let messages = p.snapshot.messages.iter().map(|m| {
        let t = progress(m.sent, m.arrives, p.playhead);
        let ((x1, y1), (x2, y2)) = message_ends_for(pos(m.from), pos(m.to), node_r);
        let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
        let label_y = message_label_y(y2 - y1, t);
        let label = trf(
            "Message {id}: {message} from {from} to {to}, arrives at {time}. Activate to drop it.",
            &[
                ("id", &m.id),
                ("message", &line(&m.label)),
                ("from", &p.snapshot.name(m.from)),
                ("to", &p.snapshot.name(m.to)),
                ("time", &m.arrives),
            ],
        );
        let drop_action = KernelAction::DropMessage(MsgId(m.id)).to_string();
        let drop = act(drop_action.clone());
        let on_key = {
            let on_msg = p.on_msg.clone();
            let action = drop_action.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    e.stop_propagation();
                    on_msg.emit(Msg::Act(action.clone()));
                }
            })
        };
        html! {
            <g key={m.id.to_string()} class="message" transform={format!("translate({x:.1},{y:.1})")}
               role="button" tabindex="0" aria-label={label.clone()} data-msg={m.id.to_string()} onclick={drop} onkeydown={on_key}>
                <title>{ label }</title>
                <circle r="7" />
                <text y={format!("{label_y:.0}")}>{ line(&m.label) }</text>
            </g>
        }
    });

    let menu = p
        .selected
        .and_then(|id| p.snapshot.nodes.iter().find(|n| n.id == id))
        .map(|node| html! {
            <NodeMenu node={node.clone()} commands={p.commands.clone()} on_msg={p.on_msg.clone()} />
        });
    let partition_bar = html! {
        <PartitionBar snapshot={p.snapshot.clone()} partition={p.partition.clone()} on_msg={p.on_msg.clone()} />
    };

    html! {
        <div class={classes!("topology", wide.then_some("compact"), narrow.then_some("narrow"))}>
            <svg class="topology-svg" viewBox={view_box} role="img"
                 aria-label={trf("{n} nodes and {m} messages in flight at {time}", &[("n", &n), ("m", &p.snapshot.messages.len()), ("time", &p.playhead)])}>
                <defs>
                    <marker id="cut-arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="cut-arrow" />
                    </marker>
                </defs>
                <g class="edges">{ for edges }</g>
                <g class="cuts">{ for cuts }</g>
                { p.overlay.clone() }
                <g class="nodes">{ for nodes }</g>
                <g class="messages">{ for messages }</g>
            </svg>
            { for menu }
            // An embed keeps its height for the stage; the partition tool is in the full app.
            if !p.compact { { partition_bar } }
        </div>
    }
}
