//! The Raft scene's view model: what the stage and the panel draw, typed, computed from
//! the servers' and clients' read-only accessors at the cursor. Bounded in size whatever
//! the run's length: a window of each log and the latest operations of each client.
use crate::algo::raft::{
    self as raft, Command, EventKind, Index, Members, Msg, Op, OpResult, RaftNode, ReadMode, Role,
    Term, Value,
};
use crate::sim::{NodeId, NodeStatus, Sim, Time};

/// How many log indexes the grid shows at least.
pub const LOG_WINDOW: u64 = 10;
/// How many it shows at most: logs of up to 12 entries show whole, from entry 1 (the
/// paper's Figure 7 has logs of 12 entries, whose shared start a learner compares), with
/// the next free index after them; longer logs show their latest entries.
pub const LOG_WINDOW_MAX: u64 = 13;

/// The first and last index the grid shows when the longest log ends at `last`: from 1 while
/// the logs fit, else the latest [`LOG_WINDOW_MAX`]; the last column is the next free index,
/// where the next entry will go.
pub fn log_window(last: Index) -> (Index, Index) {
    let to = last.saturating_add(1).max(LOG_WINDOW);
    (to - to.min(LOG_WINDOW_MAX) + 1, to)
}
/// How many of each client's latest operations the panel lists.
pub const HISTORY_SHOWN: usize = 6;

/// What a log entry holds, as a cell shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    Noop,
    /// An entry the scenario starts with; only its term matters.
    Preloaded,
    Put(char, Value),
    Get(char),
    /// A configuration entry.
    Config(Members),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub index: Index,
    pub term: Term,
    pub kind: CellKind,
}

/// The leader's view of one follower (Figure 2's nextIndex and matchIndex).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerView {
    pub id: NodeId,
    pub next: Index,
    pub matched: Index,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServerView {
    pub id: NodeId,
    pub name: String,
    pub status: NodeStatus,
    pub role: Role,
    /// In its own configuration (a spare not yet added, or a removed server, is not).
    pub member: bool,
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub leader: Option<NodeId>,
    pub commit: Index,
    pub applied: Index,
    pub last_index: Index,
    pub snapshot_index: Index,
    pub snapshot_term: Term,
    /// The entries inside the shown window that are still in the log (not snapshotted).
    pub cells: Vec<Cell>,
    /// The entries the server's latest conflict with a leader's log removed, inside the
    /// shown window (§5.3): what a leader's AppendEntries replaced.
    pub removed: Vec<Cell>,
    pub election_due: Option<Time>,
    /// Candidate or pre-candidate: who said yes and who said no; and who it asks.
    pub ayes: Vec<NodeId>,
    pub noes: Vec<NodeId>,
    pub voters: Vec<NodeId>,
    /// Candidate or pre-candidate: the votes it holds from its configuration (its own
    /// included) and how many make a majority of it.
    pub tally: Option<(u32, u32)>,
    /// Leader: nextIndex and matchIndex of every other server of its configuration.
    pub peers: Vec<PeerView>,
    /// The state machine as applied so far.
    pub store: Vec<(char, Value)>,
}

/// What a message in flight is, for its shape and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlightKind {
    RequestVote {
        pre_vote: bool,
    },
    VoteReply {
        pre_vote: bool,
        granted: bool,
    },
    /// AppendEntries with this many entries (0: a heartbeat).
    Append {
        entries: u32,
    },
    AppendReply {
        success: bool,
    },
    InstallSnapshot,
    SnapshotReply,
    /// A client's request and a server's answer.
    Request(Op),
    Reply {
        done: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flight {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Time,
    pub arrives: Time,
    /// The sender's term (0 for client traffic).
    pub term: Term,
    pub kind: FlightKind,
}

/// One client operation as the history lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpView {
    pub serial: u64,
    pub op: Op,
    pub invoked: Time,
    pub returned: Option<(Time, OpResult)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClientView {
    pub id: NodeId,
    pub name: String,
    pub status: NodeStatus,
    /// The server it sends its next request to.
    pub target: NodeId,
    pub waiting: Option<Op>,
    pub queued: usize,
    /// Its latest operations, oldest first.
    pub history: Vec<OpView>,
    pub invoked: usize,
}

/// The clients' history as the Linearizability invariant judges it.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// No operation has returned yet.
    Empty,
    Linearizable,
    Violated(crate::sim::Line),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RaftView {
    pub now: Time,
    pub servers: Vec<ServerView>,
    pub clients: Vec<ClientView>,
    pub flights: Vec<Flight>,
    /// The leader of the highest term among the servers that are up.
    pub leader: Option<NodeId>,
    /// The first and last log index the grid shows ([`log_window`]): the whole logs while
    /// they are short, else the latest entries, and the next free index.
    pub window: (Index, Index),
    pub timeout_min: Time,
    pub timeout_max: Time,
    pub read_mode: ReadMode,
    pub snapshot_threshold: u32,
    pub verdict: Verdict,
}

impl RaftView {
    pub fn server(&self, id: NodeId) -> Option<&ServerView> {
        self.servers.iter().find(|s| s.id == id)
    }

    /// Operations the clients have started, all together.
    pub fn operations_started(&self) -> usize {
        self.clients.iter().map(|c| c.invoked).sum()
    }
}

fn cell_kind(command: Command) -> CellKind {
    match command {
        Command::Noop => CellKind::Noop,
        Command::Preloaded => CellKind::Preloaded,
        Command::Client { op, .. } => match op {
            Op::Put { key, value } => CellKind::Put(key.letter(), value),
            Op::Get { key } => CellKind::Get(key.letter()),
        },
        Command::Config(members) => CellKind::Config(members),
    }
}

pub fn flight_kind(msg: &Msg) -> (Term, FlightKind) {
    match msg {
        Msg::RequestVote { term, pre_vote, .. } => (
            *term,
            FlightKind::RequestVote {
                pre_vote: *pre_vote,
            },
        ),
        Msg::VoteReply {
            term,
            granted,
            pre_vote,
        } => (
            *term,
            FlightKind::VoteReply {
                pre_vote: *pre_vote,
                granted: *granted,
            },
        ),
        Msg::AppendEntries { term, entries, .. } => (
            *term,
            FlightKind::Append {
                entries: entries.len() as u32,
            },
        ),
        Msg::AppendReply { term, success, .. } => {
            (*term, FlightKind::AppendReply { success: *success })
        }
        Msg::InstallSnapshot { term, .. } => (*term, FlightKind::InstallSnapshot),
        Msg::SnapshotReply { term, .. } => (*term, FlightKind::SnapshotReply),
        Msg::Request { op, .. } => (0, FlightKind::Request(*op)),
        Msg::Reply { answer, .. } => (
            0,
            FlightKind::Reply {
                done: matches!(answer, raft::Answer::Done(_)),
            },
        ),
    }
}

fn server_view(
    id: NodeId,
    name: String,
    status: NodeStatus,
    s: &raft::Server,
    window: (Index, Index),
    server_nodes: u32,
) -> ServerView {
    let log = s.log();
    let from = window.0.max(log.first_index());
    let cells = (from..=window.1.min(log.last_index()))
        .filter_map(|index| {
            log.entry(index).map(|e| Cell {
                index,
                term: e.term,
                kind: cell_kind(e.command),
            })
        })
        .collect();
    let removed = log
        .last_removed()
        .iter()
        .filter(|(index, _)| (window.0..=window.1).contains(index))
        .map(|&(index, e)| Cell {
            index,
            term: e.term,
            kind: cell_kind(e.command),
        })
        .collect();
    let (ayes, noes) = s.votes();
    let candidate = matches!(s.role(), Role::Candidate | Role::PreCandidate);
    let voters = if candidate {
        s.members().iter().filter(|m| *m != id).collect()
    } else {
        Vec::new()
    };
    // Only the configuration's servers: a removed server keeps a stale entry at the leader.
    let peers = (0..server_nodes)
        .map(NodeId)
        .filter(|p| s.members().contains(*p))
        .filter_map(|p| {
            s.peer(p).map(|peer| PeerView {
                id: p,
                next: peer.next_index,
                matched: peer.match_index,
            })
        })
        .collect();
    ServerView {
        id,
        name,
        status,
        role: s.role(),
        member: s.is_member(),
        term: s.current_term(),
        voted_for: s.voted_for(),
        leader: s.leader(),
        commit: s.commit_index(),
        applied: s.last_applied(),
        last_index: log.last_index(),
        snapshot_index: log.snapshot_index(),
        snapshot_term: log.snapshot_term(),
        cells,
        removed,
        election_due: s.election_due(),
        ayes: if candidate {
            ayes.iter().collect()
        } else {
            Vec::new()
        },
        noes: if candidate {
            noes.iter().collect()
        } else {
            Vec::new()
        },
        voters,
        tally: candidate.then(|| {
            let members = s.members();
            (
                (ayes.bits() & members.bits()).count_ones(),
                members.quorum(),
            )
        }),
        peers,
        store: s.store().entries().map(|(k, v)| (k.letter(), v)).collect(),
    }
}

fn client_view(id: NodeId, name: String, status: NodeStatus, c: &raft::Client) -> ClientView {
    let mut ops: Vec<OpView> = Vec::new();
    for event in c.history() {
        match event.kind {
            EventKind::Invoke(op) => ops.push(OpView {
                serial: event.serial,
                op,
                invoked: event.time,
                returned: None,
            }),
            EventKind::Return(result) => {
                if let Some(o) = ops.iter_mut().rev().find(|o| o.serial == event.serial) {
                    o.returned = Some((event.time, result));
                }
            }
        }
    }
    let invoked = ops.len();
    let history = ops.split_off(invoked.saturating_sub(HISTORY_SHOWN));
    ClientView {
        id,
        name,
        status,
        target: c.target(),
        waiting: c.outstanding().map(|o| o.op),
        queued: c.queue().len(),
        history,
        invoked,
    }
}

fn verdict(sim: &Sim<RaftNode>) -> Verdict {
    let position = sim
        .invariants()
        .iter()
        .position(|i| i.name == raft::LINEARIZABILITY);
    if let Some(v) = position.and_then(|i| sim.violations().get(i).cloned().flatten()) {
        return Verdict::Violated(v.message);
    }
    let any_returned = sim
        .nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_client())
        .any(|c| c.completed() > 0);
    if any_returned {
        Verdict::Linearizable
    } else {
        Verdict::Empty
    }
}

/// The view model of a run at its cursor.
pub fn build(sim: &Sim<RaftNode>, names: &[String], config: &raft::RaftConfig) -> RaftView {
    let name = |id: NodeId| {
        names
            .get(id.index())
            .cloned()
            .unwrap_or_else(|| id.to_string())
    };
    let last = sim
        .nodes()
        .iter()
        .filter_map(|(_, n, _)| n.as_server())
        .map(|s| s.log().last_index())
        .max()
        .unwrap_or(0);
    let window = log_window(last);
    let mut servers = Vec::new();
    let mut clients = Vec::new();
    for (id, node, status) in sim.nodes().iter() {
        match node {
            RaftNode::Server(s) => servers.push(server_view(
                id,
                name(id),
                status,
                s,
                window,
                config.server_nodes(),
            )),
            RaftNode::Client(c) => clients.push(client_view(id, name(id), status, c)),
        }
    }
    let flights = sim
        .in_flight()
        .map(|m| {
            let (term, kind) = flight_kind(&m.msg);
            Flight {
                id: m.id.0,
                from: m.from,
                to: m.to,
                sent: m.sent,
                arrives: m.arrives,
                term,
                kind,
            }
        })
        .collect();
    RaftView {
        now: sim.now(),
        servers,
        clients,
        flights,
        leader: raft::leader(sim).map(|(id, _)| id),
        window,
        timeout_min: config.election_timeout_min,
        timeout_max: config.election_timeout_max,
        read_mode: config.read_mode,
        snapshot_threshold: config.snapshot_threshold,
        verdict: verdict(sim),
    }
}
