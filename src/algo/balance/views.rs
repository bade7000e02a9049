//! What the page draws, as typed data read from the nodes: per-server queues and
//! utilisation, per-balancer picks and health views, latency percentiles, and every
//! request in flight with where it is on its path (client → balancer → server → back).
use super::health::ServerHealth;
use super::messages::{Answer, Msg, Role};
use super::window::{Percentiles, WindowCounts};
use super::{layout, BalanceConfig, BalanceNode, SessionMoves, Totals};
use crate::sim::{MsgId, NodeId, NodeStatus, Sim, Time};

/// Where a request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// On the wire from the client to a balancer.
    ToBalancer,
    /// On the wire from the balancer to the chosen server.
    ToServer,
    /// Waiting in the server's queue (at `position`, 0 = next).
    Queued { position: u32 },
    /// Being served (ends at `ends`).
    InService { ends: Time },
    /// The server's answer on its way back to the balancer.
    ToBalancerReply,
    /// The balancer's answer on its way back to the client.
    ToClient,
}

/// One request on its path, for animation. Moving stages carry the message's send and
/// arrival times, so the page can interpolate its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestPath {
    pub id: u64,
    pub balancer: Option<u32>,
    pub server: Option<u32>,
    pub stage: Stage,
    /// For the stages on the wire: (sent, arrives).
    pub wire: Option<(Time, Time)>,
    /// For the stages on the wire: the message carrying it (what a person drops).
    pub msg: Option<MsgId>,
    /// For the stages on the way back: how the request ended.
    pub answer: Option<Answer>,
}

/// Every request that is on a wire, in a queue or in service, in no particular order
/// beyond: messages in flight first (by message id), then each server's queue and slots.
pub fn request_paths(sim: &Sim<BalanceNode>) -> Vec<RequestPath> {
    let nodes = sim.nodes();
    let layout = layout_of(sim);
    let index = |id: NodeId| layout.role(id);
    let mut paths = Vec::new();
    for m in sim.in_flight() {
        let Some(id) = m.msg.request_id() else {
            continue;
        };
        let (balancer, server, stage) = match (&m.msg, index(m.from), index(m.to)) {
            (Msg::Request { .. }, _, Some(Role::Balancer(b))) => (Some(b), None, Stage::ToBalancer),
            (Msg::Forward { .. }, Some(Role::Balancer(b)), Some(Role::Server(s))) => {
                (Some(b), Some(s), Stage::ToServer)
            }
            (Msg::Reply { .. }, Some(Role::Server(s)), Some(Role::Balancer(b))) => {
                (Some(b), Some(s), Stage::ToBalancerReply)
            }
            (Msg::Answer { .. }, Some(Role::Balancer(b)), _) => (Some(b), None, Stage::ToClient),
            _ => continue,
        };
        let answer = match &m.msg {
            Msg::Reply { served: true, .. } => Some(Answer::Served),
            Msg::Reply { served: false, .. } => Some(Answer::QueueFull),
            Msg::Answer { answer, .. } => Some(*answer),
            _ => None,
        };
        paths.push(RequestPath {
            id,
            balancer,
            server,
            stage,
            wire: Some((m.sent, m.arrives)),
            msg: Some(m.id),
            answer,
        });
    }
    for (_, n, _) in nodes.iter() {
        let Some(server) = n.as_server() else {
            continue;
        };
        let s = server.index();
        let balancer_of = |b: NodeId| match layout.role(b) {
            Some(Role::Balancer(i)) => Some(i),
            _ => None,
        };
        for (position, job) in server.queued().enumerate() {
            paths.push(RequestPath {
                id: job.request.id,
                balancer: balancer_of(job.balancer),
                server: Some(s),
                stage: Stage::Queued {
                    position: position as u32,
                },
                wire: None,
                msg: None,
                answer: None,
            });
        }
        for r in server.running() {
            paths.push(RequestPath {
                id: r.job.request.id,
                balancer: balancer_of(r.job.balancer),
                server: Some(s),
                stage: Stage::InService { ends: r.ends },
                wire: None,
                msg: None,
                answer: None,
            });
        }
    }
    paths
}

fn layout_of(sim: &Sim<BalanceNode>) -> super::Layout {
    let nodes = sim.nodes();
    let balancers = nodes
        .iter()
        .filter(|(_, n, _)| n.as_balancer().is_some())
        .count();
    let servers = nodes
        .iter()
        .filter(|(_, n, _)| n.as_server().is_some())
        .count();
    super::Layout::new(balancers as u32, servers as u32)
}

/// One server, for the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerView {
    pub index: u32,
    pub node: NodeId,
    pub slots: u32,
    pub queue: u32,
    pub queue_limit: u32,
    pub in_service: u32,
    pub utilisation_permille: u32,
    pub speed_permille: u32,
    pub weight: u32,
    pub slow_factor: u32,
    pub flapping: bool,
    /// Not answering: crashed, or flapping down.
    pub down: bool,
    pub served: u64,
    pub rejected: u64,
    pub discarded: u64,
    pub lost: u64,
}

/// One balancer, for the page. Per-server vectors are indexed by server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalancerView {
    pub index: u32,
    pub node: NodeId,
    pub crashed: bool,
    pub picks: Vec<u64>,
    pub open: Vec<u32>,
    pub available: Vec<bool>,
    pub health: Vec<ServerHealth>,
    /// Peak EWMA cost per server (nanoseconds), for that strategy.
    pub ewma_ns: Vec<u64>,
    /// Smooth weighted round robin's current weights per server.
    pub current_weights: Vec<i64>,
    pub session_moves: SessionMoves,
    pub no_server: u64,
}

/// The whole scene at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceView {
    pub now: Time,
    pub totals: Totals,
    pub in_progress: u64,
    pub offered_per_second: u64,
    pub latency: Percentiles,
    pub window: WindowCounts,
    pub servers: Vec<ServerView>,
    pub balancers: Vec<BalancerView>,
    pub requests: Vec<RequestPath>,
}

pub fn balance_view(sim: &Sim<BalanceNode>) -> BalanceView {
    let now = sim.now();
    let mut view = BalanceView {
        now,
        totals: Totals::default(),
        in_progress: 0,
        offered_per_second: 0,
        latency: Percentiles::default(),
        window: WindowCounts::default(),
        servers: Vec::new(),
        balancers: Vec::new(),
        requests: request_paths(sim),
    };
    for (node, n, status) in sim.nodes().iter() {
        match n {
            BalanceNode::Client(c) => {
                view.totals = c.totals();
                view.in_progress = c.in_progress();
                view.offered_per_second = c.rate_at(now);
                view.latency = c.percentiles(now);
                view.window = c.window_counts(now);
            }
            BalanceNode::Server(s) => {
                let stats = s.stats();
                view.servers.push(ServerView {
                    index: s.index(),
                    node,
                    slots: s.spec().slots,
                    queue: s.queue_len(),
                    queue_limit: s.spec().queue_limit,
                    in_service: s.in_service(),
                    utilisation_permille: s.utilisation_permille(),
                    speed_permille: s.spec().speed_permille,
                    weight: s.spec().weight,
                    slow_factor: s.slow_factor(),
                    flapping: s.is_flapping(),
                    down: s.is_down() || status == NodeStatus::Crashed,
                    served: stats.served,
                    rejected: stats.rejected,
                    discarded: stats.discarded,
                    lost: stats.lost,
                });
            }
            BalanceNode::Balancer(b) => {
                let books = b.books();
                view.balancers.push(BalancerView {
                    index: b.index(),
                    node,
                    crashed: status == NodeStatus::Crashed,
                    picks: books.iter().map(|x| x.picks).collect(),
                    open: books.iter().map(|x| x.open).collect(),
                    available: b.health().iter().map(ServerHealth::available).collect(),
                    health: b.health().to_vec(),
                    ewma_ns: b.picker().ewma_costs(),
                    current_weights: b
                        .picker()
                        .wrr()
                        .peers()
                        .iter()
                        .map(|p| p.current_weight)
                        .collect(),
                    session_moves: b.session_moves(),
                    no_server: b.no_server(),
                });
            }
        }
    }
    view
}

/// Session moves summed over the balancers: (moved, forced), the second being the minimum
/// any strategy would have had to make.
pub fn session_moves(sim: &Sim<BalanceNode>) -> SessionMoves {
    let mut total = SessionMoves::default();
    for (_, n, _) in sim.nodes().iter() {
        if let Some(b) = n.as_balancer() {
            let m = b.session_moves();
            total.moved += m.moved;
            total.forced += m.forced;
        }
    }
    total
}

/// The layout of a configuration (re-exported here for the views' convenience).
pub fn layout_for(config: &BalanceConfig) -> super::Layout {
    layout(config)
}
