//! The ring of servers, the clients in its middle, and the messages in flight between them.
use super::frame::*;
use super::geometry::*;
use crate::algo::raft::Role;
use crate::i18n::{tr, trf};
use crate::scene::raft::{op_text, ClientView, Flight, FlightKind, RaftView, ServerView};
use crate::sim::action::KernelAction;
use crate::sim::run::LostView;
use crate::sim::{MsgId, NodeId, NodeStatus, Time};
use crate::ui::lost::lost_glyph;
use crate::ui::model::Msg;
use crate::ui::svg_attr::{n1, translate};
use yew::prelude::*;

/// Where each node of the view is drawn, how far its messages keep from its centre, and (on
/// a phone) where each server's role word goes.
pub struct Layout {
    pub frame: StageFrame,
    servers: u32,
    clients: u32,
    first_client: u32,
    /// A phone's role words, by server (`None`: a plain follower's word left out).
    words: Vec<Option<WordSpot>>,
}

impl Layout {
    pub fn new(view: &RaftView, shape: Shape) -> Layout {
        let servers = view.servers.len() as u32;
        let clients = view.clients.len() as u32;
        let columns = view.window.1 + 1 - view.window.0;
        let frame = match shape {
            Shape::Wide => StageFrame::wide().with_columns(columns),
            Shape::Phone => StageFrame::phone(servers, columns),
            Shape::NarrowEmbed => StageFrame::narrow_embed(servers, columns),
        };
        let removed_rows = view
            .servers
            .iter()
            .filter(|s| !s.removed.is_empty())
            .count();
        let frame = frame.with_removed_rows(view.servers.len(), removed_rows);
        let words = if frame.phone {
            let words: Vec<RoleWord> = view
                .servers
                .iter()
                .map(|s| RoleWord {
                    server: s.id.0,
                    width: word_width(role_word(s), ROLE_FONT),
                    must_show: !(s.status == NodeStatus::Up
                        && s.member
                        && s.role == Role::Follower),
                })
                .collect();
            place_role_words(&frame, servers, clients, &words)
        } else {
            Vec::new()
        };
        Layout {
            frame,
            servers,
            clients,
            first_client: servers,
            words,
        }
    }

    pub fn position(&self, id: NodeId) -> Point {
        if id.0 < self.servers {
            self.frame.server(id.0, self.servers)
        } else {
            self.frame.client(id.0 - self.first_client, self.clients)
        }
    }

    fn clearance(&self, id: NodeId) -> f64 {
        if id.0 < self.servers {
            SERVER_CLEARANCE
        } else {
            CLIENT_CLEARANCE
        }
    }

    /// Where server `i`'s role word goes and how it is anchored, if it is drawn.
    fn word(&self, i: u32) -> Option<(Point, &'static str)> {
        if !self.frame.phone {
            let c = self.frame.server(i, self.servers);
            return Some(label_anchor(c, self.frame.outward(i, self.servers)));
        }
        self.words
            .get(i as usize)
            .copied()
            .flatten()
            .map(|w| (w.at, w.anchor))
    }
}

pub fn role_word(s: &ServerView) -> &'static str {
    match (s.status, s.role) {
        (NodeStatus::Crashed, _) => tr("crashed"),
        (NodeStatus::Paused, _) => tr("paused"),
        (_, Role::Leader) => tr("leader"),
        (_, Role::Candidate) => tr("candidate"),
        (_, Role::PreCandidate) => tr("pre-candidate"),
        (_, Role::Follower) if !s.member => tr("non-member"),
        (_, Role::Follower) => tr("follower"),
    }
}

fn role_class(s: &ServerView) -> &'static str {
    match s.role {
        Role::Leader => "role-leader",
        Role::Candidate => "role-candidate",
        Role::PreCandidate => "role-pre-candidate",
        Role::Follower if !s.member => "role-non-member",
        Role::Follower => "role-follower",
    }
}

fn status_class(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Up => "up",
        NodeStatus::Crashed => "crashed",
        NodeStatus::Paused => "paused",
    }
}

/// What a click on a node does: choose it for the partition tool, or open its menu.
pub fn node_click(
    id: u32,
    selected: Option<u32>,
    partitioning: bool,
    on_msg: &Callback<Msg>,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let on_msg = on_msg.clone();
    let click = Callback::from(move |_: MouseEvent| {
        if partitioning {
            on_msg.emit(Msg::TogglePartitionNode(id));
        } else {
            on_msg.emit(Msg::Select(if selected == Some(id) {
                None
            } else {
                Some(id)
            }));
        }
    });
    let key = {
        let click = click.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                if let Ok(event) = MouseEvent::new("click") {
                    click.emit(event);
                }
            }
        })
    };
    (click, key)
}

fn server_title(s: &ServerView, names: &dyn Fn(NodeId) -> String) -> String {
    let vote = s.voted_for.map_or_else(|| tr("nobody").to_string(), names);
    trf(
        "{n}: {role} in term {t}; voted for {v}; log up to {last}, committed up to {c}, applied up to {a}",
        &[("n", &s.name), ("role", &role_word(s)), ("t", &s.term), ("v", &vote), ("last", &s.last_index), ("c", &s.commit), ("a", &s.applied)],
    )
}

pub struct Marks<'a> {
    pub view: &'a RaftView,
    pub layout: &'a Layout,
    pub playhead: Time,
    pub dark: bool,
    pub selected: Option<u32>,
    pub partition: Option<&'a [u32]>,
    /// The side of a network split each node is on (by node id), when the network is split.
    pub sides: &'a [Option<usize>],
    pub on_msg: &'a Callback<Msg>,
}

impl Marks<'_> {
    fn side(&self, id: NodeId) -> Option<usize> {
        self.sides.get(id.index()).copied().flatten()
    }

    fn name(&self, id: NodeId) -> String {
        self.view
            .servers
            .iter()
            .map(|s| (s.id, &s.name))
            .chain(self.view.clients.iter().map(|c| (c.id, &c.name)))
            .find(|(i, _)| *i == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    }

    pub fn server(&self, s: &ServerView) -> Html {
        let c = self.layout.position(s.id);
        let word = self.layout.word(s.id.0);
        let timer = s
            .election_due
            .filter(|_| s.status == NodeStatus::Up && s.member && s.role != Role::Leader)
            .map(|due| {
                arc_path(
                    c,
                    TIMER_R,
                    timer_fraction(due, self.playhead, self.view.timeout_max),
                )
            })
            .unwrap_or_default();
        let dots = self
            .layout
            .frame
            .vote_dots(s.id.0, self.layout.servers, s.voters.len());
        let votes = s.voters.iter().zip(dots).map(|(voter, (x, y))| {
            let (class, what, r) = if s.ayes.contains(voter) {
                ("vote yes", tr("granted"), "4.5")
            } else if s.noes.contains(voter) {
                ("vote no", tr("refused"), "4.5")
            } else {
                ("vote pending", tr("no answer yet"), "2.5")
            };
            html! {
                <circle class={class} cx={n1(x)} cy={n1(y)} r={r}>
                    <title>{ trf("{v}: {what}", &[("v", &self.name(*voter)), ("what", &what)]) }</title>
                </circle>
            }
        });
        let id = s.id.0;
        let (onclick, onkeydown) =
            node_click(id, self.selected, self.partition.is_some(), self.on_msg);
        let grouped = self.partition.is_some_and(|g| g.contains(&id));
        let names = |n: NodeId| self.name(n);
        html! {
            <g key={format!("s{id}")} class={classes!("raft-server", role_class(s), status_class(s.status), (self.selected == Some(id)).then_some("selected"), grouped.then_some("grouped"))}
               role="button" tabindex="0" data-node={id.to_string()} aria-label={server_title(s, &names)} {onclick} {onkeydown}>
                <title>{ server_title(s, &names) }</title>
                if let Some(k) = self.side(s.id) {
                    <circle class={format!("split-side s{}", k % 4)} cx={n1(c.0)} cy={n1(c.1)} r={(NODE_R + 14.0).to_string()} />
                }
                <circle class="halo" cx={n1(c.0)} cy={n1(c.1)} r={(NODE_R + 9.0).to_string()} />
                <circle class="arc-track" cx={n1(c.0)} cy={n1(c.1)} r={TIMER_R.to_string()} />
                <path class="timer-arc" d={timer} />
                <circle class="body" cx={n1(c.0)} cy={n1(c.1)} r={NODE_R.to_string()} fill={term_colour(s.term, self.dark)} />
                // The cross goes under the words, which a halo lifts off it: a crashed server's
                // name and term still read.
                if s.status == NodeStatus::Crashed {
                    <path class="crash-mark" d={format!("M{:.1},{:.1} l32,32 m0,-32 l-32,32", c.0 - 16.0, c.1 - 16.0)} />
                }
                <text class="name" x={n1(c.0)} y={n1(c.1 - 2.0)}>{ &s.name }</text>
                <text class="term" x={n1(c.0)} y={n1(c.1 + 14.0)}>{ trf("t{t}", &[("t", &s.term)]) }</text>
                if let Some(((x, y), anchor)) = word {
                    <text class="role" x={n1(x)} y={n1(y)} text-anchor={anchor}>{ role_word(s) }</text>
                    // The tally stacks away from the node: under a word beside or below
                    // it, over a word above it.
                    if let (Some((have, need)), (tx, ty)) = (s.tally.filter(|_| s.status == NodeStatus::Up), tally_at((x, y), c)) {
                        <text class="tally" x={n1(tx)} y={n1(ty)} text-anchor={anchor}>
                            { trf("votes: {have} of {need}", &[("have", &have), ("need", &need)]) }
                        </text>
                    }
                }
                { for votes }
            </g>
        }
    }

    pub fn client(&self, client: &ClientView) -> Html {
        let (x, y) = self.layout.position(client.id);
        let id = client.id.0;
        let (onclick, onkeydown) =
            node_click(id, self.selected, self.partition.is_some(), self.on_msg);
        let grouped = self.partition.is_some_and(|g| g.contains(&id));
        let doing = client.waiting.map_or_else(
            || tr("idle").to_string(),
            |op| trf("waiting for {op}", &[("op", &op_text(op))]),
        );
        let title = trf(
            "{c}: a client; sends to {s}; {doing}",
            &[
                ("c", &client.name),
                ("s", &self.name(client.target)),
                ("doing", &doing),
            ],
        );
        html! {
            <g key={format!("c{id}")} class={classes!("raft-client", status_class(client.status), client.waiting.is_some().then_some("waiting"), (self.selected == Some(id)).then_some("selected"), grouped.then_some("grouped"))}
               role="button" tabindex="0" data-node={id.to_string()} aria-label={title.clone()} {onclick} {onkeydown}>
                <title>{ title }</title>
                if let Some(k) = self.side(client.id) {
                    <rect class={format!("split-side s{}", k % 4)} x={n1(x - CLIENT_W / 2.0 - 7.0)} y={n1(y - CLIENT_H / 2.0 - 7.0)} width={(CLIENT_W + 14.0).to_string()} height={(CLIENT_H + 14.0).to_string()} rx="9" />
                }
                <rect x={n1(x - CLIENT_W / 2.0)} y={n1(y - CLIENT_H / 2.0)} width={CLIENT_W.to_string()} height={CLIENT_H.to_string()} rx="5" />
                <text x={n1(x)} y={n1(y + 5.0)}>{ &client.name }</text>
                if client.status == NodeStatus::Crashed {
                    <path class="crash-mark" d={format!("M{:.1},{:.1} l20,20 m0,-20 l-20,20", x - 10.0, y - 10.0)} />
                }
            </g>
        }
    }

    fn flight_text(&self, f: &Flight) -> String {
        let what = match f.kind {
            FlightKind::RequestVote { pre_vote: false } => {
                trf("RequestVote for term {t}", &[("t", &f.term)])
            }
            FlightKind::RequestVote { pre_vote: true } => {
                trf("PreVote request for term {t}", &[("t", &f.term)])
            }
            FlightKind::VoteReply { granted: true, .. } => {
                trf("vote granted (term {t})", &[("t", &f.term)])
            }
            FlightKind::VoteReply { granted: false, .. } => {
                trf("vote refused (term {t})", &[("t", &f.term)])
            }
            FlightKind::Append { entries: 0 } => trf(
                "heartbeat (empty AppendEntries, term {t})",
                &[("t", &f.term)],
            ),
            FlightKind::Append { entries } => trf(
                "AppendEntries with {k} entries (term {t})",
                &[("k", &entries), ("t", &f.term)],
            ),
            FlightKind::AppendReply { success: true } => {
                trf("AppendEntries accepted (term {t})", &[("t", &f.term)])
            }
            FlightKind::AppendReply { success: false } => {
                trf("AppendEntries rejected (term {t})", &[("t", &f.term)])
            }
            FlightKind::InstallSnapshot => trf("InstallSnapshot (term {t})", &[("t", &f.term)]),
            FlightKind::SnapshotReply => trf("snapshot installed (term {t})", &[("t", &f.term)]),
            FlightKind::Request(op) => trf("client request: {op}", &[("op", &op_text(op))]),
            FlightKind::Reply { done: true } => tr("answer to the client").to_string(),
            FlightKind::Reply { done: false } => {
                tr("not the leader: try another server").to_string()
            }
        };
        trf(
            "{what}, from {a} to {b}, arrives at {t}. Click to drop it.",
            &[
                ("what", &what),
                ("a", &self.name(f.from)),
                ("b", &self.name(f.to)),
                ("t", &f.arrives),
            ],
        )
    }

    /// Where a message between two nodes travels: from the edge of one to the other's.
    fn link_ends(&self, from: NodeId, to: NodeId) -> (Point, Point) {
        message_path(
            self.layout.position(from),
            self.layout.position(to),
            self.layout.clearance(from),
            self.layout.clearance(to),
        )
    }

    /// A message lost at this step, where it went missing on its link.
    pub fn lost(&self, lost: &LostView) -> Html {
        let (from, to) = (NodeId(lost.from), NodeId(lost.to));
        let (a, b) = self.link_ends(from, to);
        lost_glyph(
            lost,
            lerp(a, b, lost.at),
            13.0,
            &self.name(from),
            &self.name(to),
        )
    }

    pub fn flight(&self, f: &Flight) -> Html {
        let (from, to) = self.link_ends(f.from, f.to);
        let (x, y) = lerp(from, to, progress(f.sent, f.arrives, self.playhead));
        let (class, shape) = match f.kind {
            FlightKind::RequestVote { pre_vote } => (
                classes!("m-vote", pre_vote.then_some("pre")),
                html! { <circle r="7" /> },
            ),
            FlightKind::VoteReply { granted, pre_vote } => (
                classes!(
                    if granted { "m-yes" } else { "m-no" },
                    pre_vote.then_some("pre")
                ),
                reply_ring(granted),
            ),
            FlightKind::Append { entries: 0 } => (
                classes!("m-append", "heartbeat"),
                html! { <circle r="4" /> },
            ),
            FlightKind::Append { entries } => (
                classes!("m-append"),
                html! {
                    <>
                        <circle r="9" />
                        <text y="4.7">{ entries }</text>
                    </>
                },
            ),
            FlightKind::AppendReply { success } => (
                classes!(if success { "m-yes" } else { "m-no" }),
                reply_ring(success),
            ),
            FlightKind::InstallSnapshot => (
                classes!("m-snapshot"),
                html! { <rect x="-7" y="-7" width="14" height="14" /> },
            ),
            FlightKind::SnapshotReply => (classes!("m-yes"), reply_ring(true)),
            FlightKind::Request(_) => (
                classes!("m-client"),
                html! { <path d="M0,-8 L8,0 L0,8 L-8,0 Z" /> },
            ),
            FlightKind::Reply { done } => (
                classes!("m-client", "reply", (!done).then_some("redirect")),
                html! { <path d="M0,-6 L6,0 L0,6 L-6,0 Z" /> },
            ),
        };
        let text = self.flight_text(f);
        let drop_action = KernelAction::DropMessage(MsgId(f.id)).to_string();
        let onclick = {
            let on_msg = self.on_msg.clone();
            let action = drop_action.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                on_msg.emit(Msg::Act(action.clone()))
            })
        };
        let onkeydown = {
            let on_msg = self.on_msg.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    e.stop_propagation();
                    on_msg.emit(Msg::Act(drop_action.clone()));
                }
            })
        };
        html! {
            <g key={f.id.to_string()} class={classes!("raft-msg", class)} transform={translate(x, y)}
               role="button" tabindex="0" data-msg={f.id.to_string()} aria-label={text.clone()} {onclick} {onkeydown}>
                <title>{ text }</title>
                <circle class="hit" r="12" />
                { shape }
            </g>
        }
    }
}

fn reply_ring(yes: bool) -> Html {
    if yes {
        html! { <circle r="5.5" /> }
    } else {
        html! {
            <>
                <circle r="5.5" />
                <path class="cross" d="M-3,-3 L3,3 M3,-3 L-3,3" />
            </>
        }
    }
}
