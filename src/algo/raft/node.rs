//! The simulated node: a Raft server or a client, and how a run is built from a
//! configuration.
use super::client::Client;
use super::config::{RaftConfig, Settings};
use super::members::Members;
use super::messages::{Cmd, Msg, Timer};
use super::notes::{Ignored, Note};
use super::server::Server;
use crate::sim::{Ctx, Line, NetConfig, NodeId, Protocol, Time};

/// Node layout: servers `0..servers`, then the spares, then the clients.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RaftNode {
    Server(Box<Server>),
    Client(Client),
}

impl RaftNode {
    pub fn as_server(&self) -> Option<&Server> {
        match self {
            RaftNode::Server(s) => Some(s),
            RaftNode::Client(_) => None,
        }
    }

    pub fn as_client(&self) -> Option<&Client> {
        match self {
            RaftNode::Client(c) => Some(c),
            RaftNode::Server(_) => None,
        }
    }
}

impl Protocol for RaftNode {
    type Msg = Msg;
    type Timer = Timer;
    type Cmd = Cmd;
    type Note = Note;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        match self {
            RaftNode::Server(s) => s.on_start(cx),
            RaftNode::Client(c) => c.on_start(cx),
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            RaftNode::Server(s) => s.on_message(cx, from, msg),
            RaftNode::Client(c) => c.on_message(cx, from, msg),
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            RaftNode::Server(s) => s.on_timer(cx, timer),
            RaftNode::Client(c) => c.on_timer(cx, timer),
        }
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: Cmd) {
        match (self, cmd) {
            (RaftNode::Server(s), cmd) => s.on_command(cx, cmd),
            (RaftNode::Client(c), Cmd::Client(op)) => c.on_command(cx, op),
            (RaftNode::Client(_), _) => cx.note(Note::CommandIgnored {
                reason: Ignored::NotAServer,
            }),
        }
    }

    fn on_crash(&mut self) {
        match self {
            RaftNode::Server(s) => s.on_crash(),
            RaftNode::Client(c) => c.on_crash(),
        }
    }

    fn state_label(&self) -> &'static str {
        match self {
            RaftNode::Server(s) => s.state_label(),
            RaftNode::Client(c) => c.state_label(),
        }
    }

    fn detail_lines(&self) -> Vec<Line> {
        match self {
            RaftNode::Server(s) => s.detail_lines(),
            RaftNode::Client(c) => {
                let mut lines = vec![Line::tr("asks {server}").with("server", c.target())];
                if let Some(o) = c.outstanding() {
                    lines.push(
                        Line::tr("waiting: {op} (#{serial})")
                            .with("op", o.op)
                            .with("serial", o.serial),
                    );
                }
                lines.push(Line::tr("{n} done").with("n", c.completed()));
                lines
            }
        }
    }

    fn msg_label(msg: &Msg) -> Line {
        msg.label()
    }

    fn timer_label(timer: &Timer) -> Line {
        Line::tr(match timer {
            Timer::Election => "election timeout",
            Timer::Heartbeat => "heartbeat",
            Timer::ClientRetry => "request timeout",
            Timer::ClientThink => "next operation",
        })
    }
}

/// The nodes of a run (the configuration should be valid; see [`RaftConfig::validate`]).
pub fn nodes(config: &RaftConfig) -> Vec<RaftNode> {
    let settings = Settings::new(config);
    let members = Members::first(config.servers);
    let term = config.initial_term();
    let servers = (0..config.server_nodes()).map(|i| {
        let log = config
            .initial_logs
            .get(i as usize)
            .map_or(&[][..], |l| l.as_slice());
        RaftNode::Server(Box::new(Server::new(
            NodeId(i),
            settings,
            members,
            log,
            term,
        )))
    });
    let clients = (0..config.clients)
        .map(|j| RaftNode::Client(Client::new(NodeId(config.server_nodes() + j), settings)));
    servers.chain(clients).collect()
}

/// "n0".."n8" for servers (spares included), "c1".."c3" for clients.
pub fn node_names(config: &RaftConfig) -> Vec<String> {
    let servers = (0..config.server_nodes()).map(|i| format!("n{i}"));
    let clients = (1..=config.clients).map(|j| format!("c{j}"));
    servers.chain(clients).collect()
}

/// The suggested network: 10 to 20 ms per message, so that a round trip (the paper's
/// "broadcast time") stays well under the 150 ms minimum election timeout while messages
/// are slow enough to watch.
pub fn net_config() -> NetConfig {
    NetConfig {
        latency_min: Time::from_millis(10),
        latency_max: Time::from_millis(20),
        loss: 0.0,
        duplicate: 0.0,
    }
}
