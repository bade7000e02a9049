//! What travels between the client, the balancers and the servers, the timers they set,
//! the commands a person can give, and the typed notes that narrate each decision.
use super::config::{MAX_SLOW_FACTOR, MAX_SPAN, MAX_SURGE_FACTOR};
use crate::sim::{Line, NodeId, Time};
use std::fmt;
use std::str::FromStr;

/// One request as the traffic drew it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    /// Unique in the run, in arrival order (1, 2, 3, ...).
    pub id: u64,
    /// The session it belongs to (the key sticky strategies hash).
    pub session: u32,
    /// Service time on a server of normal speed, in microseconds.
    pub demand_us: u64,
}

/// How a balancer answers the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    /// The server served it.
    Served,
    /// The server's queue was full and it rejected the request (HTTP 503).
    QueueFull,
    /// The balancer had no available server (nginx's "no live upstreams", a 503).
    NoServer,
    /// The server did not answer within the upstream timeout (a 504).
    UpstreamTimeout,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Client to balancer. `seq` numbers the requests on the connection to this balancer
    /// (1, 2, 3, ...), as TCP numbers what it sends, so that the balancer can tell a copy
    /// the network duplicated (see `connection`).
    Request {
        request: Request,
        seq: u64,
    },
    /// Balancer to server. `pick` is the balancer's pick number, for the invariant that no
    /// balancer sends to a server it knows is unavailable; `seq` numbers the attempts on
    /// the connection to this server (1, 2, 3, ...; see `connection`).
    Forward {
        request: Request,
        pick: u64,
        seq: u64,
    },
    /// Server to balancer: served, or rejected because the queue was full.
    Reply {
        id: u64,
        served: bool,
    },
    /// Balancer to client.
    Answer {
        id: u64,
        answer: Answer,
    },
    /// An active health check, balancer to server, and its answer.
    Check {
        seq: u64,
    },
    CheckOk {
        seq: u64,
    },
}

impl Msg {
    /// The request this message carries or answers, if any.
    pub fn request_id(&self) -> Option<u64> {
        match self {
            Msg::Request { request, .. } => Some(request.id),
            Msg::Forward { request, .. } => Some(request.id),
            Msg::Reply { id, .. } | Msg::Answer { id, .. } => Some(*id),
            Msg::Check { .. } | Msg::CheckOk { .. } => None,
        }
    }

    pub fn label(&self) -> Line {
        let (template, id) = match self {
            Msg::Request { request: r, .. } => {
                return Line::tr("request {id} (session {session})")
                    .with("id", r.id)
                    .with("session", r.session)
            }
            Msg::Forward { request, .. } => ("request {id}", request.id),
            Msg::Reply { id, served: true } => ("reply {id}", *id),
            Msg::Reply { id, served: false } => ("503 for {id} (queue full)", *id),
            Msg::Answer { id, answer } => match answer {
                Answer::Served => ("reply {id}", *id),
                Answer::QueueFull => ("503 for {id} (queue full)", *id),
                Answer::NoServer => ("503 for {id} (no server)", *id),
                Answer::UpstreamTimeout => ("504 for {id}", *id),
            },
            Msg::Check { .. } => return Line::tr("health check"),
            Msg::CheckOk { .. } => return Line::tr("healthy"),
        };
        Line::tr(template).with("id", id)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// Client: the next arrival is due.
    Arrival,
    /// Client: the oldest request waiting may have reached the client timeout. One timer
    /// for all requests (the kernel expects a node to set a handful of timers, not one
    /// per request): it is set for the oldest request's deadline and set again after it
    /// fires.
    Deadline,
    /// Balancer: time to check every server.
    HealthTick,
    /// Balancer: the earliest upstream deadline may have passed (one timer for all
    /// forwarded requests, like `Deadline`).
    Upstream,
    /// Balancer: a server's ejection is over.
    Uneject(u32),
    /// Server: a request's service is complete.
    Done(u64),
    /// Server (flapping): time to go down or come back.
    Flap,
}

impl Timer {
    /// The timer's name on the views.
    pub fn label(&self) -> Line {
        Line::tr(match self {
            Timer::Arrival => "next arrival",
            Timer::Deadline => "client timeout",
            Timer::HealthTick => "health checks",
            Timer::Upstream => "upstream timeout",
            Timer::Uneject(server) => {
                return Line::tr("ejection of server {server} ends").with("server", server + 1)
            }
            Timer::Done(id) => return Line::tr("request {id} done").with("id", id),
            Timer::Flap => "flap",
        })
    }
}

/// A person's input, written into links as `cmd:<node>:<text>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmd {
    /// To a server: serve `F` times slower (`slow:F`, 2 to 10; `slow:1` is normal again).
    Slow(u32),
    /// To a server: go down for `MS` milliseconds, up for `MS`, and so on (`flap:MS`;
    /// `flap:0` stops flapping, up).
    Flap(Time),
    /// To the client: multiply the arrival rate by `factor` for `duration`
    /// (`surge:F:MS`).
    Surge {
        factor: u32,
        duration: Time,
    },
    /// To the client: stop sending new requests (`stop`), or start again (`go`).
    Stop,
    Go,
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cmd::Slow(factor) => write!(f, "slow:{factor}"),
            Cmd::Flap(half) => write!(f, "flap:{}", half.0 / 1000),
            Cmd::Surge { factor, duration } => write!(f, "surge:{factor}:{}", duration.0 / 1000),
            Cmd::Stop => f.write_str("stop"),
            Cmd::Go => f.write_str("go"),
        }
    }
}

fn whole(text: &str, what: &str, lo: u64, hi: u64) -> Result<u64, String> {
    let value: u64 = text
        .parse()
        .map_err(|_| format!("{what} should be a whole number, not \"{text}\""))?;
    if value < lo || value > hi {
        return Err(format!("{what} must be between {lo} and {hi}, not {value}"));
    }
    Ok(value)
}

impl FromStr for Cmd {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(':').collect();
        let max_ms = MAX_SPAN.0 / 1000;
        match parts.as_slice() {
            ["slow", f] => Ok(Cmd::Slow(
                whole(f, "The slow-down factor", 1, MAX_SLOW_FACTOR.into())? as u32,
            )),
            ["flap", ms] => Ok(Cmd::Flap(Time::from_millis(whole(
                ms,
                "The flapping half-period (ms)",
                0,
                max_ms,
            )?))),
            ["surge", f, ms] => Ok(Cmd::Surge {
                factor: whole(f, "The surge factor", 1, MAX_SURGE_FACTOR.into())? as u32,
                duration: Time::from_millis(whole(ms, "The surge length (ms)", 1, max_ms)?),
            }),
            ["stop"] => Ok(Cmd::Stop),
            ["go"] => Ok(Cmd::Go),
            _ => Err(format!(
                "unknown command \"{s}\" (expected slow:F, flap:MS, surge:F:MS, stop or go)"
            )),
        }
    }
}

/// Why a balancer chose the server it chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PickReason {
    /// A uniform draw among the available servers.
    Random,
    /// The next available server after the previous pick.
    RoundRobin,
    /// nginx's smooth weighted round robin: the highest current weight (shown before the
    /// total was subtracted from it).
    SmoothWeighted { current_weight: i64, total: i64 },
    /// Fewest open requests per weight; `tied` servers shared that minimum and smooth
    /// weighted round robin chose among them.
    LeastConnections { open: u32, tied: u32 },
    /// Power of two choices or Peak EWMA with a single available server: nothing to
    /// compare.
    OnlyChoice,
    /// Two distinct random servers and their outstanding requests; the lower wins (ties
    /// go to the second, as in Finagle).
    TwoChoices {
        other: u32,
        load: u32,
        other_load: u32,
    },
    /// Two distinct random servers and their Peak EWMA loads (nanoseconds times
    /// outstanding + 1); the lower wins.
    PeakEwma {
        other: u32,
        load: u64,
        other_load: u64,
    },
    /// The session's owner on the ring, after walking past `skipped_unavailable` points of
    /// unavailable servers.
    Ring { skipped_unavailable: u32 },
    /// Bounded loads: walked past `skipped_full` points of servers at their capacity
    /// (`capacity` open requests) and `skipped_unavailable` of unavailable ones.
    Bounded {
        capacity: u32,
        skipped_full: u32,
        skipped_unavailable: u32,
    },
}

/// What a node narrates. Server numbers are 0-based positions in the server list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    // Client.
    Arrived {
        id: u64,
        balancer: u32,
        burst: bool,
    },
    Completed {
        id: u64,
        latency: Time,
    },
    Dropped {
        id: u64,
        answer: Answer,
    },
    Failed {
        id: u64,
        answer: Answer,
    },
    ClientTimeout {
        id: u64,
    },
    SurgeStarted {
        factor: u32,
        until: Time,
    },
    TrafficStopped,
    TrafficStarted,
    // Balancer.
    Picked {
        id: u64,
        server: u32,
        why: PickReason,
    },
    /// A session's request went to another server than its last one. `forced`: the
    /// balancer held the last one unavailable; `sticky`: the strategy hashes sessions, so
    /// an unforced move is one it tries not to make (round robin and the others keep no
    /// session anywhere: every move is theirs by design).
    SessionMoved {
        session: u32,
        from: u32,
        to: u32,
        forced: bool,
        sticky: bool,
    },
    NoServer {
        id: u64,
    },
    UpstreamTimedOut {
        id: u64,
        server: u32,
    },
    /// An attempt took longer than the per-try timeout: abandoned and counted as a failure
    /// against `server`; `retried` when it is tried again on another server (otherwise the
    /// client gets a 504).
    PerTryTimedOut {
        id: u64,
        server: u32,
        retried: bool,
    },
    /// `server` rejected the request (503, queue full) and, under the retry policy that
    /// comes with a per-try timeout, the balancer tries it on another server.
    RejectionRetried {
        id: u64,
        server: u32,
    },
    LateReply {
        id: u64,
        server: u32,
    },
    /// A balancer or a server got a copy of a request it had already received, while it
    /// still held it or after it had answered it: the network duplicated the message. It
    /// is ignored, as TCP discards a segment it has already received (see `connection`).
    DuplicateIgnored {
        id: u64,
    },
    CheckFailed {
        server: u32,
        streak: u32,
    },
    MarkedDown {
        server: u32,
    },
    MarkedUp {
        server: u32,
    },
    Ejected {
        server: u32,
        until: Time,
        times: u32,
    },
    EjectionRefused {
        server: u32,
        ejected: u32,
    },
    Returned {
        server: u32,
    },
    // Server.
    Queued {
        id: u64,
        waiting: u32,
    },
    Started {
        id: u64,
        service: Time,
    },
    Finished {
        id: u64,
    },
    QueueFullRejected {
        id: u64,
    },
    QueueFullDropped {
        id: u64,
    },
    Slowed {
        factor: u32,
    },
    WentDown {
        lost: u32,
    },
    CameBack,
    IgnoredWhileDown,
}

/// Who a node is, for labels: server `index` or balancer `index`, 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Client,
    Balancer(u32),
    Server(u32),
}

/// Where each role sits in the node list: the client first, then the balancers, then the
/// servers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    pub client: NodeId,
    pub balancers: Vec<NodeId>,
    pub servers: Vec<NodeId>,
}

impl Layout {
    pub fn new(balancers: u32, servers: u32) -> Self {
        Layout {
            client: NodeId(0),
            balancers: (1..=balancers).map(NodeId).collect(),
            servers: (0..servers).map(|i| NodeId(1 + balancers + i)).collect(),
        }
    }

    pub fn role(&self, id: NodeId) -> Option<Role> {
        if id == self.client {
            return Some(Role::Client);
        }
        let b = self.balancers.len() as u32;
        let s = self.servers.len() as u32;
        match id.0 {
            n if n >= 1 && n <= b => Some(Role::Balancer(n - 1)),
            n if n > b && n <= b + s => Some(Role::Server(n - 1 - b)),
            _ => None,
        }
    }

    pub fn server(&self, index: u32) -> NodeId {
        NodeId(1 + self.balancers.len() as u32 + index)
    }

    pub fn balancer(&self, index: u32) -> NodeId {
        NodeId(1 + index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip() {
        for text in [
            "slow:5",
            "slow:1",
            "flap:800",
            "flap:0",
            "surge:3:5000",
            "stop",
            "go",
        ] {
            let cmd: Cmd = text.parse().expect(text);
            assert_eq!(cmd.to_string(), text);
        }
        assert!("slow:11".parse::<Cmd>().is_err());
        assert!("surge:0:100".parse::<Cmd>().is_err());
        assert!("surge:3".parse::<Cmd>().is_err());
        assert!("boom".parse::<Cmd>().is_err());
    }

    #[test]
    fn layout_roles() {
        let layout = Layout::new(2, 3);
        assert_eq!(layout.role(NodeId(0)), Some(Role::Client));
        assert_eq!(layout.role(NodeId(2)), Some(Role::Balancer(1)));
        assert_eq!(layout.role(NodeId(3)), Some(Role::Server(0)));
        assert_eq!(layout.server(2), NodeId(5));
        assert_eq!(layout.role(NodeId(6)), None);
    }
}
