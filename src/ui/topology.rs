//! The topology view: nodes around a circle, messages moving along the edges between their
//! send and arrival times, cut links in red. Click a node for its menu (crash, restart,
//! pause, commands), click a message in flight to drop it, or use the partition tool.
use super::model::Msg;
use super::node_menu::{NodeMenu, PartitionBar};
use crate::sim::action::KernelAction;
use crate::sim::kernel::NodeStatus;
use crate::sim::run::{NodeCommandView, Snapshot};
use crate::sim::{MsgId, Time};
use yew::prelude::*;

const SIZE: f64 = 400.0;
const RING: f64 = 140.0;
const NODE_R: f64 = 30.0;

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

/// Where a message between two node centres is drawn, `t` of the way along: it travels
/// from the sender's rim to the receiver's (a dot never sits on a node, so a click on a
/// node never hits a message, and messages sent at once fan out along their own edges
/// from the first frame).
pub fn message_point(from: (f64, f64), to: (f64, f64), t: f64) -> (f64, f64) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt();
    if length <= 2.0 * MESSAGE_GAP {
        return (from.0 + dx * t, from.1 + dy * t);
    }
    let (ux, uy) = (dx / length, dy / length);
    let along = MESSAGE_GAP + (length - 2.0 * MESSAGE_GAP) * t;
    (from.0 + ux * along, from.1 + uy * along)
}

/// How far from a node's centre a message starts and ends: outside the node and its dot.
const MESSAGE_GAP: f64 = NODE_R + 9.0;

/// How far along its edge a message is at `now` (0 at sending, 1 at arrival).
pub fn progress(sent: Time, arrives: Time, now: Time) -> f64 {
    if arrives <= sent {
        return 1.0;
    }
    ((now.0.saturating_sub(sent.0)) as f64 / (arrives.0 - sent.0) as f64).clamp(0.0, 1.0)
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
    let pos = |i: u32| node_position(i, n);
    let act = |action: String| {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Act(action.clone())))
    };

    let edges = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).map(|(a, b)| {
        let ((x1, y1), (x2, y2)) = (pos(a), pos(b));
        html! { <line class="edge" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} /> }
    });
    // A link cut both ways is drawn once; a one-way cut gets an arrow for its direction.
    let both_ways = |a: u32, b: u32| p.snapshot.cut_links.contains(&(b, a));
    let cuts = p.snapshot.cut_links.iter().filter(|&&(a, b)| !(both_ways(a, b) && a > b)).map(|&(a, b)| {
        let ((x1, y1), (x2, y2)) = (pos(a), pos(b));
        let both = both_ways(a, b);
        html! {
            <line class={classes!("cut", (!both).then_some("one-way"))} marker-end={(!both).then_some("url(#cut-arrow)")}
                x1={x1.to_string()} y1={y1.to_string()} x2={(x1 + (x2 - x1) * 0.8).to_string()} y2={(y1 + (y2 - y1) * 0.8).to_string()}>
                <title>{ format!("link {} → {} is cut", p.snapshot.name(a), p.snapshot.name(b)) }</title>
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
        let status = match node.status {
            NodeStatus::Up => "up",
            NodeStatus::Crashed => "crashed",
            NodeStatus::Paused => "paused",
        };
        html! {
            <g class={classes!("node", status, state_class(node.state), (p.selected == Some(id)).then_some("selected"), in_group.then_some("grouped"), p.highlights.contains(&id).then_some("highlighted"))}
               transform={format!("translate({x:.1},{y:.1})")} role="button" tabindex="0"
               aria-label={format!("{}: {}, {}. Activate for actions.", node.name, node.state, status)}
               data-node={id.to_string()} onclick={on_click} onkeydown={on_key}>
                <circle class="halo" r={(NODE_R + 6.0).to_string()} />
                <circle class="body" r={NODE_R.to_string()} />
                <text class="name" y="-4">{ &node.name }</text>
                <text class="state" y="11">{ node.state }</text>
                if node.status == NodeStatus::Crashed {
                    <path class="crash-mark" d="M-18,-18 L18,18 M18,-18 L-18,18" />
                }
                if node.status == NodeStatus::Paused {
                    <text class="pause-mark" y="-36">{ "paused" }</text>
                }
            </g>
        }
    });

    let messages = p.snapshot.messages.iter().map(|m| {
        let t = progress(m.sent, m.arrives, p.playhead);
        let (x, y) = message_point(pos(m.from), pos(m.to), t);
        let label = format!(
            "Message {}: {} from {} to {}, arrives at {}. Activate to drop it.",
            m.id, m.label, p.snapshot.name(m.from), p.snapshot.name(m.to), m.arrives
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
                <text y="-11">{ &m.label }</text>
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
        <div class="topology">
            <svg class="topology-svg" viewBox={format!("0 0 {SIZE} {SIZE}")} role="img"
                 aria-label={format!("{} nodes and {} messages in flight at {}", n, p.snapshot.messages.len(), p.playhead)}>
                <defs>
                    <marker id="cut-arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="cut-arrow" />
                    </marker>
                </defs>
                <g class="edges">{ for edges }</g>
                <g class="cuts">{ for cuts }</g>
                <g class="nodes">{ for nodes }</g>
                <g class="messages">{ for messages }</g>
            </svg>
            { for menu }
            { partition_bar }
        </div>
    }
}
