//! Load balancing: why real balancers do more than `random.choice(servers)`.
//!
//! **The setting.** A stream of requests from many clients (one traffic source here) goes
//! through one or more balancers to a pool of servers. Each server serves a few requests
//! in parallel and queues the rest, up to a limit. Requests differ in cost, servers in
//! speed, and things go wrong: a server slows down, crashes, flaps up and down, a link
//! between a balancer and a server is cut, traffic surges.
//!
//! **What the scene shows.** Eight strategies (see [`Strategy`]) side by side on exactly
//! the same requests: the traffic is drawn from its own seeded stream (`stream`), so two
//! runs with the same seed offer the same arrivals whatever the strategy does with its own
//! random draws ([`compare::compare`]).
//! - Counting is not balancing: round robin gives a slow server its full share and its
//!   queue explodes; power of two choices and least connections see the queue and go
//!   elsewhere; Peak EWMA sees the latency itself.
//! - Two random choices are exponentially better than one: `n` requests on `n` servers
//!   leave a busiest server with about `ln n / ln ln n` requests when each picks one
//!   server at random, but only `ln ln n / ln 2 + O(1)` when each picks the less loaded
//!   of two (Azar, Broder, Karlin and Upfal, "Balanced Allocations", STOC 1994;
//!   [`figures::max_load_figure`]).
//! - Many balancers that each see only their own connections herd onto whatever looks
//!   idle to all of them.
//! - Health checking is two different tools: active checks notice a dead server within a
//!   few intervals but are blind to a slow one; passive ejection reacts to real failures,
//!   including a busy server's rejections.
//! - Sticky sessions with plain consistent hashing move only the sessions they must when
//!   a server is lost, but do not balance; bounded loads cap every server's load at `c`
//!   times the mean and pay for it with extra moves (both numbers are exposed).
//! - A bounded queue turns a surge into fast, honest rejections instead of unbounded
//!   latency.
//!
//! **Nodes** (see [`Layout`]): node 0 is the client, then the balancers, then the
//! servers. Files: `client` and `traffic` (arrivals), `server`, `balancer` with `picker`,
//! `smooth_wrr`, `peak_ewma`, `sticky` and `health`; `ledger` (what became of each request
//! and attempt), `invariants` (with `tamper`, deliberate bugs for their tests),
//! `scenarios`, `compare`, `figures`, `views` (what the page draws).
pub mod balancer;
pub mod client;
pub mod compare;
pub mod config;
pub mod connection;
pub mod figures;
pub mod fixed;
pub mod health;
pub mod invariants;
pub mod ledger;
pub mod messages;
pub mod peak_ewma;
pub mod picker;
pub mod scenarios;
pub mod server;
pub mod smooth_wrr;
pub mod sticky;
pub mod strategy;
pub mod stream;
pub mod tamper;
pub mod traffic;
pub mod views;
pub mod window;

pub use balancer::{Balancer, Forwarded, ServerBook, SessionMoves};
pub use client::{Client, Outstanding, Totals};
pub use config::{
    ActiveHealth, BalanceConfig, OutlierDetection, QueueFull, RateStep, ServerSpec, TrafficConfig,
};
pub use invariants::{
    invariants, BALANCER_ATTEMPTS, BALANCER_REQUESTS, CONSERVATION, NO_TRAFFIC_TO_KNOWN_DOWN,
    NO_TRAFFIC_TO_UNAVAILABLE, OPEN_COUNTS, SERVER_ATTEMPTS, SERVER_LIMITS,
};
pub use ledger::Ledger;
pub use messages::{Answer, Cmd, Layout, Msg, Note, PickReason, Request, Role, Timer};
pub use server::{Server, ServerStats};
pub use strategy::Strategy;
pub use window::{Outcome, Percentiles, WindowCounts};

use crate::sim::{Ctx, Line, NetConfig, NodeId, Protocol, Sim};
use sticky::SharedRing;

/// Every simulated node of the scene.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BalanceNode {
    Client(Client),
    Balancer(Balancer),
    Server(Server),
}

impl BalanceNode {
    pub fn as_client(&self) -> Option<&Client> {
        match self {
            BalanceNode::Client(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_balancer(&self) -> Option<&Balancer> {
        match self {
            BalanceNode::Balancer(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_server(&self) -> Option<&Server> {
        match self {
            BalanceNode::Server(s) => Some(s),
            _ => None,
        }
    }
}

/// Where each role sits for this configuration.
pub fn layout(config: &BalanceConfig) -> Layout {
    let config = config.sanitized();
    Layout::new(config.balancers, config.servers.len() as u32)
}

/// The scene's nodes, in [`Layout`] order. The client's traffic stream is seeded from
/// `seed`, the run's seed.
pub fn nodes(seed: u64, config: &BalanceConfig) -> Vec<BalanceNode> {
    let config = config.sanitized();
    let layout = layout(&config);
    let weights: Vec<u32> = config.servers.iter().map(|s| s.weight).collect();
    let ring = SharedRing::new(&weights, config.vnodes);
    let mut nodes = vec![BalanceNode::Client(Client::new(
        seed,
        &config.traffic,
        layout.balancers.clone(),
        config.client_timeout,
        config.window,
    ))];
    for i in 0..config.balancers {
        nodes.push(BalanceNode::Balancer(Balancer::new(
            i,
            &config,
            layout.client,
            layout.servers.clone(),
            ring.clone(),
        )));
    }
    for (i, spec) in config.servers.iter().enumerate() {
        nodes.push(BalanceNode::Server(Server::new(
            i as u32,
            *spec,
            config.queue_full,
        )));
    }
    nodes
}

/// The nodes' names, in [`Layout`] order.
pub fn node_names(config: &BalanceConfig) -> Vec<String> {
    let config = config.sanitized();
    let mut names = vec!["clients".to_string()];
    names.extend((1..=config.balancers).map(|i| format!("balancer {i}")));
    names.extend((1..=config.servers.len()).map(|i| format!("server {i}")));
    names
}

/// A fixed latency on every hop, nothing lost or duplicated: the network draws no random
/// numbers, so two strategies see the same delays.
pub fn net_config(config: &BalanceConfig) -> NetConfig {
    let hop = config.sanitized().hop_latency;
    NetConfig {
        latency_min: hop,
        latency_max: hop,
        loss: 0.0,
        duplicate: 0.0,
    }
}

/// A simulation of the configuration with the scene's network and invariants.
pub fn new_sim(seed: u64, config: &BalanceConfig) -> Sim<BalanceNode> {
    Sim::new(seed, nodes(seed, config), net_config(config), invariants())
}

impl Protocol for BalanceNode {
    type Msg = Msg;
    type Timer = Timer;
    type Cmd = Cmd;
    type Note = Note;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        match self {
            BalanceNode::Client(c) => c.on_start(cx),
            BalanceNode::Balancer(b) => b.on_start(cx),
            BalanceNode::Server(s) => s.on_start(cx),
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            BalanceNode::Client(c) => c.on_message(cx, msg),
            BalanceNode::Balancer(b) => b.on_message(cx, from, msg),
            BalanceNode::Server(s) => s.on_message(cx, from, msg),
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            BalanceNode::Client(c) => c.on_timer(cx, timer),
            BalanceNode::Balancer(b) => b.on_timer(cx, timer),
            BalanceNode::Server(s) => s.on_timer(cx, timer),
        }
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: Cmd) {
        match self {
            BalanceNode::Client(c) => c.on_command(cx, cmd),
            BalanceNode::Balancer(_) => {}
            BalanceNode::Server(s) => s.on_command(cx, cmd),
        }
    }

    fn on_crash(&mut self) {
        match self {
            BalanceNode::Client(_) => {}
            BalanceNode::Balancer(b) => b.on_crash(),
            BalanceNode::Server(s) => s.on_crash(),
        }
    }

    fn on_restart(&mut self, cx: &mut Ctx<'_, Self>) {
        match self {
            BalanceNode::Client(c) => c.on_restart(cx),
            other => other.on_start(cx),
        }
    }

    fn state_label(&self) -> &'static str {
        match self {
            BalanceNode::Client(c) if c.is_stopped() => "STOPPED",
            BalanceNode::Client(_) => "SENDING",
            BalanceNode::Balancer(_) => "BALANCING",
            BalanceNode::Server(s) if s.is_down() => "DOWN",
            BalanceNode::Server(s) if s.slow_factor() > 1 => "SLOW",
            BalanceNode::Server(_) => "SERVING",
        }
    }

    fn detail_lines(&self) -> Vec<Line> {
        match self {
            BalanceNode::Client(c) => {
                let t = c.totals();
                vec![Line::tr(
                    "{arrived} arrived: {ok} ok, {dropped} dropped, {failed} failed, {open} in progress",
                )
                .with("arrived", t.arrived)
                .with("ok", t.completed)
                .with("dropped", t.dropped())
                .with("failed", t.failed())
                .with("open", c.in_progress())]
            }
            BalanceNode::Balancer(b) => {
                let open: Vec<String> = b.books().iter().map(|s| s.open.to_string()).collect();
                vec![
                    // The strategy's title is a text of the scene's catalogue.
                    Line::tr("{strategy}: {n} picks")
                        .text("strategy", Line::tr(b.picker().strategy().title()))
                        .with("n", b.picks()),
                    Line::tr("open per server: {open}").with("open", open.join(" ")),
                ]
            }
            BalanceNode::Server(s) => {
                vec![
                    Line::tr("{busy}/{slots} busy, {queued} queued, {served} served")
                        .with("busy", s.in_service())
                        .with("slots", s.spec().slots)
                        .with("queued", s.queue_len())
                        .with("served", s.stats().served),
                ]
            }
        }
    }

    fn msg_label(msg: &Msg) -> Line {
        msg.label()
    }

    fn timer_label(timer: &Timer) -> Line {
        timer.label()
    }
}
