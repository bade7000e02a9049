//! The topology view: nodes around a circle (or where a scene's stage puts them), the links
//! the protocol has used so far (each appears when it first carries a message), messages
//! moving along them between their send and arrival times, cut links in red, and the marks a
//! scene puts under a node's state. Click a node for its menu (crash, restart, pause,
//! commands), click a message in flight to drop it, or use the partition tool.
use super::model::Msg;
use super::node_menu::{NodeMenu, PartitionBar};
use super::topology_geometry::{
    mark_offset, mark_shift, message_path, place_labels, squeeze_in_circle, Frame, LabelSpot,
    MessageGlyph, NodeGlyph, DOT_R, MARK_HEIGHT,
};
pub use super::topology_geometry::{mark_width, progress, state_class};
use crate::i18n::{line, tr, tr_text, trf};
use crate::sim::action::KernelAction;
use crate::sim::kernel::NodeStatus;
use crate::sim::run::{NodeCommandView, NodeMark, Snapshot, Tone};
use crate::sim::{MsgId, Time};
use crate::ui::lost::lost_glyph;
use crate::ui::svg_attr::{n0, n1, translate};
use std::rc::Rc;
use yew::prelude::*;

/// The width at which the generic stage takes its phone frame (see [`Frame::narrow`]).
pub const NARROW_QUERY: &str = "(max-width: 560px)";
/// A scene layout's message labels (the locks queue stage, drawn about full size).
const LAYOUT_LABEL_FONT: f64 = 11.0;
/// The size a name too long for its circle at the compact size is set at, before squeezing.
const LONG_NAME_FONT: f64 = 12.0;

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
    /// A scene's own frame for a narrow embed (the lease lock's): drawn at its full size or
    /// more, never shrunk to the stage. An embed's wide frame (`compact`) is drawn so in a
    /// narrow embed without being asked.
    #[prop_or_default]
    pub min_scale: bool,
}

/// A stage's own placement of the nodes, in the SVG's coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct TopologyLayout {
    pub width: f64,
    pub height: f64,
    /// The centre of node `i` (nodes past the end go around a circle).
    pub positions: Vec<(f64, f64)>,
    /// Where node `i` has its words, if outside its circle (nodes past the end: inside).
    pub words: Vec<WordsOutside>,
    /// Where the stage puts the labels of `snapshot.messages`, in their order (None: the
    /// topology places them).
    pub labels: Option<Vec<LabelSpot>>,
    /// Messages drawn under the nodes and the stage's own drawing (a stage that shows them
    /// as dots only, whose paths cross nodes' words): the words stay whole.
    pub messages_under: bool,
}

/// A node's state written beside its circle instead of squeezed into it, with its marks
/// and the word "paused" as pills after it: offsets below its centre (negative: above).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordsOutside {
    pub state_y: f64,
    /// The centre of the first mark pill, and the step to the next one.
    pub marks_y: f64,
    pub mark_step: f64,
    pub paused_y: f64,
    /// How far right of its centre a mark pill stands (negative: left), to keep a wide
    /// pill of a node near the stage's edge inside the stage.
    pub marks_x: f64,
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

/// The marks under a node (centred at `node_x`): pills stacked below its circle, kept
/// inside the frame, or where its stage puts them.
fn marks(marks: &[NodeMark], node_x: f64, frame: &Frame, outside: Option<WordsOutside>) -> Html {
    let pills = marks.iter().enumerate().map(|(i, m)| {
        let width = mark_width(&m.text);
        let y = outside.map_or_else(
            || mark_offset(i, frame.node_r),
            |w| w.marks_y + i as f64 * w.mark_step,
        );
        let x = outside.map_or_else(|| mark_shift(node_x, width, frame), |w| w.marks_x);
        html! {
            <g class={classes!("mark", tone_class(m.tone))} transform={translate(x, y)}>
                <rect x={n1(-width / 2.0)} y="-9" width={n1(width)} height={MARK_HEIGHT.to_string()} rx="8.5" />
                <text y="4">{ &m.text }</text>
            </g>
        }
    });
    html! { <g class="marks">{ for pills }</g> }
}

#[function_component(Topology)]
pub fn topology(p: &TopologyProps) -> Html {
    let n = p.snapshot.nodes.len() as u32;
    // A scene's own layout wins; otherwise a circle, or an embed's wide ellipse.
    let wide = p.compact && p.layout.is_none();
    let narrow = !p.compact && p.layout.is_none() && super::hooks::prefers(NARROW_QUERY);
    let frame = match &p.layout {
        Some(l) => Frame::layout(l.width, l.height, LAYOUT_LABEL_FONT),
        None if wide && super::hooks::prefers(NARROW_QUERY) => Frame::compact_narrow(),
        None if wide => Frame::compact(),
        None if narrow => Frame::narrow(),
        None => Frame::square(),
    };
    // In a narrow embed (a 420-pixel iframe) the frame is drawn at its full size or more:
    // fitted to a stage that a tour's bar makes 300 pixels tall, its words were 9.8 pixels.
    // The stage then scrolls to the rest (the stylesheet's `.min-scale`).
    let min_scale = p.min_scale || (wide && super::hooks::prefers(NARROW_QUERY));
    let min_scale_style = min_scale.then(|| {
        format!(
            "--frame-w: {:.0}px; --frame-aspect: {:.4}",
            frame.width,
            frame.width / frame.height
        )
    });
    let node_r = frame.node_r;
    let positions: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            p.layout
                .as_ref()
                .and_then(|l| l.positions.get(i as usize).copied())
                .unwrap_or_else(|| frame.node_position(i, n))
        })
        .collect();
    let pos = |i: u32| {
        positions
            .get(i as usize)
            .copied()
            .unwrap_or_else(|| frame.node_position(i, n))
    };
    let act = |action: String| {
        let on_msg = p.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::Act(action.clone())))
    };

    // Only the links the protocol has used so far: a line between two nodes that never
    // talk would say they do. A link fades in when it first carries a message.
    let edges = p.snapshot.links_used.iter().filter(|&&(a, b)| a < n && b < n).map(|&(a, b)| {
        let ((x1, y1), (x2, y2)) = (pos(a), pos(b));
        // A link that would run under another node bows around it, as its messages do.
        let way = message_path(pos(a), pos(b), &positions, node_r);
        if way.bows() {
            let (cx, cy) = way.control;
            return html! { <path key={format!("{a}-{b}")} class="edge" data-link={format!("{a}-{b}")} fill="none" d={format!("M{x1:.1},{y1:.1} Q{cx:.1},{cy:.1} {x2:.1},{y2:.1}")} /> };
        }
        html! { <line key={format!("{a}-{b}")} class="edge" data-link={format!("{a}-{b}")} x1={n1(x1)} y1={n1(y1)} x2={n1(x2)} y2={n1(y2)} /> }
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
        let name_y = if wide || narrow { -5.0 } else { -4.0 };
        let state_y = if narrow { 14.0 } else if wide { 13.0 } else { 11.0 };
        // An embed sets names and states at the compact sizes in any frame (the stylesheet's
        // `.topology.compact`).
        let fonts = if p.compact { Frame::compact() } else { frame };
        // A stage that writes the state outside the circle centres the name in it.
        let outside = p.layout.as_ref().and_then(|l| l.words.get(id as usize).copied());
        let (name_y, state_y) = match outside {
            Some(w) => (4.5, w.state_y),
            None => (name_y, state_y),
        };
        // A long name ("coordinator") is set smaller before it is squeezed: at the compact
        // 15 units it was pressed to about half its width.
        let long_name = squeeze_in_circle(&node.name, fonts.name_font, node_r, name_y).is_some()
            && fonts.name_font > LONG_NAME_FONT;
        let name_font = if long_name { LONG_NAME_FONT } else { fonts.name_font };
        let name_fit = squeeze_in_circle(&node.name, name_font, node_r, name_y);
        let state_fit = squeeze_in_circle(&state, fonts.state_font, node_r, state_y)
            .filter(|_| outside.is_none());
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
                    <circle class="timer-arc" r={n1(node_r + 3.5)} pathLength="100"
                            stroke-dasharray={format!("{left:.1} 100")} transform="rotate(-90)"
                            data-left={n0(left)}>
                        <title>{ trf("timer {timer}: due at {time}", &[("timer", &line(&t.label)), ("time", &t.due)]) }</title>
                    </circle>
                }
            });
        let over_cross = (node.status == NodeStatus::Crashed).then_some(
            "paint-order:stroke;stroke:var(--line);stroke-width:4px;stroke-linejoin:round;fill:var(--text)",
        );
        let name_style = match (long_name, over_cross) {
            (false, cross) => cross.map(str::to_string),
            (true, cross) => Some(format!("font-size:{LONG_NAME_FONT}px;{}", cross.unwrap_or(""))),
        };
        html! {
            <g class={classes!("node", status, state_class(node.state), (p.selected == Some(id)).then_some("selected"), in_group.then_some("grouped"), p.highlights.contains(&id).then_some("highlighted"))}
               transform={translate(x, y)} role="button" tabindex="0"
               aria-label={trf("{node}: {state}, {status}{marks}. Activate for actions.", &[("node", &node.name), ("state", &state), ("status", &status_text),
                   ("marks", &node.marks.iter().map(|m| format!(", {}", m.text)).collect::<String>())])}
               data-node={id.to_string()} onclick={on_click} onkeydown={on_key}>
                <circle class="halo" r={(node_r + 6.0).to_string()} />
                <circle class="body" r={node_r.to_string()} />
                { for timer_arc }
                // The cross goes under the words, which a halo of the circle's grey lifts off
                // it, so that a crashed node's name and state still read.
                if node.status == NodeStatus::Crashed {
                    <path class="crash-mark" d={format!("M-{a:.1},-{a:.1} L{a:.1},{a:.1} M{a:.1},-{a:.1} L-{a:.1},{a:.1}", a = node_r * 0.8)} />
                }
                <text class="name" y={format!("{name_y}")} textLength={name_fit.map(|w| format!("{w:.0}"))} style={name_style}
                      lengthAdjust={name_fit.map(|_| "spacingAndGlyphs")}>{ &node.name }</text>
                <text class={classes!("state", outside.is_some().then_some("outside"))} y={format!("{state_y}")} textLength={state_fit.map(|w| format!("{w:.0}"))}
                      style={over_cross.filter(|_| outside.is_none())}
                      lengthAdjust={state_fit.map(|_| "spacingAndGlyphs")}>{ state.clone() }</text>
                if node.status == NodeStatus::Paused {
                    if let Some(w) = outside {
                        <g class="pause-pill" transform={format!("translate(0,{:.1})", w.paused_y)}>
                            <rect x={n1(-mark_width(tr("paused")) / 2.0)} y="-9" width={n1(mark_width(tr("paused")))} height={MARK_HEIGHT.to_string()} rx="8.5" />
                            <text y="4">{ tr("paused") }</text>
                        </g>
                    } else {
                        <text class="pause-mark" y={n0(-node_r - 6.0)}>{ tr("paused") }</text>
                    }
                }
            </g>
        }
    });

    // Every label is placed once for the whole picture, so that labels of messages sent at
    // the same moment (a coordinator's PREPAREs) stand apart instead of on top of each other.
    let dots: Vec<MessageGlyph> = p
        .snapshot
        .messages
        .iter()
        .map(|m| MessageGlyph {
            dot: message_path(pos(m.from), pos(m.to), &positions, node_r)
                .at(progress(m.sent, m.arrives, p.playhead)),
            label: line(&m.label),
        })
        .collect();
    let glyphs = || -> Vec<NodeGlyph> {
        p.snapshot
            .nodes
            .iter()
            .map(|node| NodeGlyph {
                centre: pos(node.id),
                marks: node.marks.iter().map(|m| mark_width(&m.text)).collect(),
                paused: node.status == NodeStatus::Paused,
            })
            .collect()
    };
    // A stage that places the labels itself (the locks stages) has them in its layout.
    let spots = match p.layout.as_ref().and_then(|l| l.labels.clone()) {
        Some(spots) if spots.len() == dots.len() => spots,
        _ => place_labels(&frame, &glyphs(), &dots),
    };
    let label_style = format!("font-size:{}px", frame.label_font);
    let messages = p.snapshot.messages.iter().zip(dots.iter().zip(&spots)).map(|(m, (glyph, spot))| {
        let (x, y) = glyph.dot;
        let (lx, ly) = spot.rect.centre();
        let (lx, ly, baseline) = (lx - x, ly - y, spot.baseline - y);
        // A label set away from its dot gets a thin line back to it, to the label's edge.
        let leader = (spot.leader && spot.shown).then(|| {
            let (hw, hh) = ((spot.rect.right - spot.rect.left) / 2.0, (spot.rect.bottom - spot.rect.top) / 2.0);
            let reach = (hw / lx.abs().max(1e-6)).min(hh / ly.abs().max(1e-6)).min(1.0);
            let (ex, ey) = (lx * (1.0 - reach), ly * (1.0 - reach));
            let length = (ex * ex + ey * ey).sqrt().max(1e-6);
            let (sx, sy) = (ex / length * DOT_R, ey / length * DOT_R);
            html! { <line class="leader" x1={n1(sx)} y1={n1(sy)} x2={n1(ex)} y2={n1(ey)} /> }
        });
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
            <g key={m.id.to_string()} class="message" transform={translate(x, y)}
               role="button" tabindex="0" aria-label={label.clone()} data-msg={m.id.to_string()} onclick={drop} onkeydown={on_key}>
                <title>{ label }</title>
                { for leader }
                <circle r={DOT_R.to_string()} />
                if spot.shown {
                    <text x={n1(lx)} y={n1(baseline)} style={label_style.clone()}>{ line(&m.label) }</text>
                }
            </g>
        }
    });

    let lost = p.snapshot.lost.iter().map(|l| {
        let at = message_path(pos(l.from), pos(l.to), &positions, node_r).at(l.at);
        let (from, to) = (p.snapshot.name(l.from), p.snapshot.name(l.to));
        lost_glyph(l, at, frame.label_font, &from, &to)
    });
    let messages = html! { <g class="messages">{ for messages }{ for lost }</g> };
    let under = p.layout.as_ref().is_some_and(|l| l.messages_under);
    let (messages_below, messages_above) = if under {
        (messages, Html::default())
    } else {
        (Html::default(), messages)
    };

    let menu = p
        .selected
        .and_then(|id| p.snapshot.nodes.iter().find(|n| n.id == id))
        .map(|node| html! {
            <NodeMenu node={node.clone()} commands={p.commands.clone()} on_msg={p.on_msg.clone()} />
        });
    // The marks go over the messages: a dot resting on a pill at a tour stop would hide a
    // word of it ("log: BEGIN" of a crashed coordinator); a dot passing under one is seen on
    // either side of it.
    let node_marks = p.snapshot.nodes.iter().filter(|n| !n.marks.is_empty()).map(|node| {
        let (x, y) = pos(node.id);
        let outside = p.layout.as_ref().and_then(|l| l.words.get(node.id as usize).copied());
        html! {
            <g class="marks-of" data-node={node.id.to_string()} transform={translate(x, y)} aria-hidden="true">
                { marks(&node.marks, x, &frame, outside) }
            </g>
        }
    });

    let partition_bar = html! {
        <PartitionBar snapshot={p.snapshot.clone()} partition={p.partition.clone()} on_msg={p.on_msg.clone()} />
    };

    html! {
        <div class={classes!("topology", wide.then_some("compact"), narrow.then_some("narrow"))}>
            <svg class={classes!("topology-svg", min_scale.then_some("min-scale"))} viewBox={frame.view_box()} role="img" style={min_scale_style}
                 aria-label={trf("{n} nodes and {m} messages in flight at {time}", &[("n", &n), ("m", &p.snapshot.messages.len()), ("time", &p.playhead)])}>
                <defs>
                    <marker id="cut-arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="cut-arrow" />
                    </marker>
                </defs>
                <g class="edges">{ for edges }</g>
                <g class="cuts">{ for cuts }</g>
                { messages_below }
                { p.overlay.clone() }
                <g class="nodes">{ for nodes }</g>
                { messages_above }
                <g class="node-marks">{ for node_marks }</g>
            </svg>
            { for menu }
            // An embed keeps its height for the stage; the partition tool is in the full app.
            if !p.compact { { partition_bar } }
        </div>
    }
}
