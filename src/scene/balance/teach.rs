//! What the load-balancing scene tells a learner: a sentence for each decision a node
//! narrates, the guided tour (each idea from the failure that motivates it), and the
//! legend of the stage's marks.
use super::super::{At, Focus, LegendEntry, Names, Swatch, TourStop};
use super::Balance;
use crate::algo::balance::{Answer, Note, PickReason};
use crate::i18n::{tr, trf};
use crate::sim::{NodeId, Time};

/// A server's name from its 0-based position (as `algo::balance::node_names` names it).
fn server(i: u32) -> String {
    trf("server {n}", &[("n", &(i + 1))])
}

fn ms(t: Time) -> String {
    let ms = t.as_millis_f64();
    if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn why_unanswered(answer: Answer) -> &'static str {
    match answer {
        Answer::Served => tr("it was served"),
        Answer::QueueFull => tr("its server's queue was full (503)"),
        Answer::NoServer => tr("the balancer had no available server (503)"),
        Answer::UpstreamTimeout => {
            tr("its server did not answer within the balancer's upstream timeout (504)")
        }
    }
}

fn pick_reason(why: &PickReason) -> String {
    match *why {
        PickReason::Random => tr("a uniform random draw among the available servers").into(),
        PickReason::RoundRobin => tr("it is next in the cycle").into(),
        PickReason::SmoothWeighted {
            current_weight,
            total,
        } => trf(
            "highest current weight ({w}); it then drops by the total {t} so the others catch up",
            &[("w", &current_weight), ("t", &total)],
        ),
        PickReason::LeastConnections { open, tied } if tied > 1 => trf(
            "it has the fewest open requests per weight ({open}), tied with {others} more; smooth weighted round robin broke the tie",
            &[("open", &open), ("others", &(tied - 1))],
        ),
        PickReason::LeastConnections { open, .. } => trf(
            "it has the fewest open requests per weight ({open})",
            &[("open", &open)],
        ),
        PickReason::OnlyChoice => tr("it is the only available server").into(),
        PickReason::TwoChoices {
            other,
            load,
            other_load,
        } => trf(
            "of two servers drawn at random, it has {a} requests outstanding, {other} {b}",
            &[("a", &load), ("other", &server(other)), ("b", &other_load)],
        ),
        PickReason::PeakEwma {
            other,
            load,
            other_load,
        } => trf(
            "of two servers drawn at random its peak latency × (outstanding + 1) is {a} against {b} for {other}",
            &[
                ("a", &ms(Time(load / 1_000))),
                ("b", &ms(Time(other_load / 1_000))),
                ("other", &server(other)),
            ],
        ),
        PickReason::Ring {
            skipped_unavailable: 0,
        } => tr("it owns the request's session on the ring").into(),
        PickReason::Ring {
            skipped_unavailable,
        } => trf(
            "it is the first available server clockwise from the session's point, past {n} points of unavailable servers",
            &[("n", &skipped_unavailable)],
        ),
        PickReason::Bounded {
            capacity,
            skipped_full,
            skipped_unavailable,
        } => trf(
            "it is the first server clockwise from the session's point below its cap of {cap} open requests (passed {full} full and {down} unavailable)",
            &[
                ("cap", &capacity),
                ("full", &skipped_full),
                ("down", &skipped_unavailable),
            ],
        ),
    }
}

/// A sentence for what a node narrated.
pub fn describe(names: &Names<'_>, node: NodeId, note: &Note) -> String {
    let who = names.of(node);
    let me: &dyn std::fmt::Display = &who;
    match note {
        Note::Arrived {
            id,
            balancer,
            burst: true,
        } => trf(
            "A burst brings request {id}; the clients send it to {lb}.",
            &[("id", id), ("lb", &names.of(NodeId(1 + balancer)))],
        ),
        Note::Arrived { id, balancer, .. } => trf(
            "Request {id} arrives; the clients send it to {lb}.",
            &[("id", id), ("lb", &names.of(NodeId(1 + balancer)))],
        ),
        Note::Completed { id, latency } => trf(
            "The answer to request {id} comes back after {t}.",
            &[("id", id), ("t", &ms(*latency))],
        ),
        Note::Dropped { id, answer } => trf(
            "Request {id} is turned away: {why}.",
            &[("id", id), ("why", &why_unanswered(*answer))],
        ),
        Note::Failed { id, answer } => trf(
            "Request {id} fails: {why}.",
            &[("id", id), ("why", &why_unanswered(*answer))],
        ),
        Note::ClientTimeout { id } => trf(
            "The clients give up on request {id}: no answer within their timeout.",
            &[("id", id)],
        ),
        Note::SurgeStarted { factor, until } => trf(
            "Traffic surges to {f}× its rate until {t}.",
            &[("f", factor), ("t", &ms(*until))],
        ),
        Note::TrafficStopped => tr("The clients stop sending new requests.").into(),
        Note::TrafficStarted => tr("The clients start sending requests again.").into(),
        Note::Picked { id, server: s, why } => trf(
            "{me} sends request {id} to {s}: {why}.",
            &[("me", me), ("id", id), ("s", &server(*s)), ("why", &pick_reason(why))],
        ),
        Note::SessionMoved {
            session,
            from,
            to,
            forced: true,
            ..
        } => trf(
            "Session {k} moves from {a} to {b}: {me} holds {a} unavailable, so the move is forced.",
            &[("k", session), ("me", me), ("a", &server(*from)), ("b", &server(*to))],
        ),
        Note::SessionMoved {
            session,
            from,
            sticky: false,
            ..
        } => trf(
            "Session {k} leaves {a} and its warm state: this strategy is not sticky.",
            &[("k", session), ("a", &server(*from))],
        ),
        Note::SessionMoved {
            session, from, to, ..
        } => trf(
            "Session {k} moves from {a} to {b} although {me} still counts {a} as available: an extra move that loses the session's warm state.",
            &[("k", session), ("me", me), ("a", &server(*from)), ("b", &server(*to))],
        ),
        Note::NoServer { id } => trf(
            "{me} has no available server for request {id} and answers 503.",
            &[("me", me), ("id", id)],
        ),
        Note::UpstreamTimedOut { id, server: s } => trf(
            "{me} stops waiting for {s} on request {id}: the upstream timeout passed; it answers 504 and counts an error against {s}.",
            &[("me", me), ("id", id), ("s", &server(*s))],
        ),
        Note::PerTryTimedOut {
            id,
            server: s,
            retried: true,
        } => trf(
            "{me} gives up on {s} for request {id}: no answer within the per-try timeout. It counts a failure (504) against {s} and retries the request on another server.",
            &[("me", me), ("id", id), ("s", &server(*s))],
        ),
        Note::PerTryTimedOut { id, server: s, .. } => trf(
            "{me} gives up on {s} for request {id}: no answer within the per-try timeout. It counts a failure (504) against {s}; with no retry left or no other server, it answers 504.",
            &[("me", me), ("id", id), ("s", &server(*s))],
        ),
        Note::RejectionRetried { id, server: s } => trf(
            "{s} rejected request {id} (503, queue full): {me} counts a failure against it and retries the request on another server.",
            &[("me", me), ("id", id), ("s", &server(*s))],
        ),
        Note::LateReply { id, server: s } => trf(
            "{me} ignores {s}'s late answer to request {id}: it had already given up on that attempt.",
            &[("me", me), ("id", id), ("s", &server(*s))],
        ),
        Note::DuplicateIgnored { id } => trf(
            "{me} ignores a copy of request {id} that it has already received: the network duplicated the message, and a real connection (TCP) discards a copy however late it comes.",
            &[("me", me), ("id", id)],
        ),
        Note::CheckFailed { server: s, streak } => trf(
            "{me}'s health check of {s} fails ({n} in a row).",
            &[("me", me), ("s", &server(*s)), ("n", streak)],
        ),
        Note::MarkedDown { server: s } => trf(
            "{me} marks {s} down: too many health checks failed in a row; it sends it nothing until it recovers.",
            &[("me", me), ("s", &server(*s))],
        ),
        Note::MarkedUp { server: s } => trf(
            "{me} marks {s} up again: enough health checks passed in a row.",
            &[("me", me), ("s", &server(*s))],
        ),
        Note::Ejected {
            server: s,
            until,
            times,
        } => trf(
            "{me} ejects {s} until {t} (ejection number {n}): too many requests failed in a row.",
            &[("me", me), ("s", &server(*s)), ("t", &ms(*until)), ("n", times)],
        ),
        Note::EjectionRefused { server: s, ejected } => trf(
            "{me} keeps {s} in service despite its errors: {n} servers are already ejected, the most it may eject at once.",
            &[("me", me), ("s", &server(*s)), ("n", ejected)],
        ),
        Note::Returned { server: s } => trf(
            "{me} returns {s} to service: its ejection time is over.",
            &[("me", me), ("s", &server(*s))],
        ),
        Note::Queued { id, waiting } => trf(
            "{me} is busy: request {id} waits in its queue ({n} waiting).",
            &[("me", me), ("id", id), ("n", waiting)],
        ),
        Note::Started { id, service } => trf(
            "{me} starts serving request {id}; it will take {t}.",
            &[("me", me), ("id", id), ("t", &ms(*service))],
        ),
        Note::Finished { id } => trf(
            "{me} finishes request {id} and answers.",
            &[("me", me), ("id", id)],
        ),
        Note::QueueFullRejected { id } => trf(
            "{me}'s queue is full: it rejects request {id} at once (503).",
            &[("me", me), ("id", id)],
        ),
        Note::QueueFullDropped { id } => trf(
            "{me}'s queue is full: it drops request {id} without a word; only a timeout will tell.",
            &[("me", me), ("id", id)],
        ),
        Note::Slowed { factor: 1 } => {
            trf("{me} works at its normal speed again.", &[("me", me)])
        }
        Note::Slowed { factor } => trf(
            "{me} becomes {f}× slower, yet still answers its health checks.",
            &[("me", me), ("f", factor)],
        ),
        Note::WentDown { lost } => trf(
            "{me} goes down and loses the {n} requests it held.",
            &[("me", me), ("n", lost)],
        ),
        Note::CameBack => trf("{me} is back up.", &[("me", me)]),
        Note::IgnoredWhileDown => trf(
            "{me} is down: a request reaches it and is lost.",
            &[("me", me)],
        ),
    }
}

const fn after_ms(ms: u64) -> Time {
    Time::from_millis(ms)
}

/// The guided tour.
pub fn tour() -> Vec<TourStop<Balance>> {
    vec![
        TourStop {
            title: "random.choice under rising load",
            caption: "Four equal servers and random.choice(servers), the textbook balancer. At half load it is fine. At 90% load the luck of the draw leaves one queue long while another server idles, and the solid p99 line climbs well above the dashed one of power of two choices, on exactly the same requests.",
            scenario: "random-load",
            at: At::When(|sim| sim.now() >= after_ms(14_500)),
            highlights: &[NodeId(2), NodeId(3), NodeId(4), NodeId(5)],
            focus: Focus::Chart,
        },
        TourStop {
            title: "Round robin feeds the slow one",
            caption: "Server 4 became five times slower at 2 s. It still answers health checks, so nothing marks it down, and round robin still gives it one request in four: its queue is full, and its requests are rejected or time out. Counting is not balancing.",
            scenario: "slow-server",
            at: At::When(|sim| sim.now() >= after_ms(9_000)),
            highlights: &[NodeId(5)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Two choices steer around it",
            caption: "Thin bars and dashed lines: power of two choices on the same requests. It draws two servers and sends to the one with fewer requests outstanding, so the slow one's queue stays short and nothing is rejected: p99 a few hundred ms, where round robin's, losses counted, is infinite.",
            scenario: "slow-server",
            at: At::When(|sim| sim.now() >= after_ms(15_000)),
            highlights: &[NodeId(5)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Unequal servers: weighted",
            caption: "Server 1 is three times as fast, with weight 3. nginx's smooth weighted round robin gives it three requests in six, interleaved rather than in a burst, and every server runs near 80%. Plain round robin (dashed) gives each server a quarter: the slow three overflow while the fast one idles.",
            scenario: "weighted",
            at: At::When(|sim| sim.now() >= after_ms(10_000)),
            highlights: &[NodeId(2)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Many balancers herd",
            caption: "Eight balancers share four servers and each counts only its own open requests. When server 4 slows down, each balancer holds only an eighth of its backlog, so all eight keep choosing it: its queue stays several times longer than with one balancer (dashed), and the p99 is higher.",
            scenario: "herd",
            at: At::When(|sim| sim.now() >= after_ms(8_000)),
            highlights: &[NodeId(12)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Crash: active vs passive checks",
            caption: "Server 2 crashed at 3 s. Active checks every 500 ms mark it down after three misses; requests sent before then fail at the 1 s upstream timeout, not retried (Envoy's default). Passive ejection (dashed) waits for five failures, ejects it for 3 s, then 6 s: it comes back late.",
            scenario: "crash-health",
            at: At::When(|sim| sim.now() >= after_ms(5_000)),
            highlights: &[NodeId(3)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "A slow server, ejected passively",
            caption: "Server 4 became 4× slower at 2 s yet passes its health checks. Each attempt gets 200 ms (Envoy's per-try timeout); a slower one fails and is retried elsewhere. Five failures in a row eject server 4: 3 s, then 6, then 9. Without ejection (dashed), every fourth request waits 200 ms first.",
            scenario: "slow-eject",
            at: At::When(|sim| sim.now() >= after_ms(6_000)),
            highlights: &[NodeId(5)],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Sticky sessions, bounded loads",
            caption: "Consistent hashing keeps each session on one server. Server 3 crashed at 4 s: only its sessions move, each move forced. Bounded loads (dashed) caps every server near 1.25 times the mean, and pays in extra moves: compare the session moves below the chart.",
            scenario: "sticky-loss",
            at: At::When(|sim| sim.now() >= after_ms(8_000)),
            highlights: &[NodeId(4)],
            focus: Focus::Nodes,
        },
    ]
}

/// What the stage's states, colours and marks mean.
pub fn legend() -> Vec<LegendEntry> {
    vec![
        LegendEntry {
            swatch: Swatch::Class("lb-dot-request"),
            label: "request",
            meaning: "A request on its way to a balancer or a server. Click it to drop it.",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-dot-ok"),
            label: "answer",
            meaning: "A served request's answer on its way back.",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-dot-bad"),
            label: "503 / 504",
            meaning: "A request turned away (full queue, no server) or timed out, on its way back.",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-slot-busy"),
            label: "busy slot",
            meaning: "A request being served; each server serves as many at once as its concurrency.",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-queue-fill"),
            label: "queue",
            meaning: "Requests waiting at a server, against its queue bound (the bar's full length).",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-queue-partner"),
            label: "second side",
            meaning: "In a comparison, the same server's queue in the second run, on the same requests.",
        },
        LegendEntry {
            swatch: Swatch::NodeState("slow"),
            label: "SLOW",
            meaning: "A server told to work several times slower; it still passes health checks.",
        },
        LegendEntry {
            swatch: Swatch::NodeState("down"),
            label: "CRASHED, DOWN",
            meaning: "A server that crashed, or is flapping down: it answers nothing. The balancers learn it only from their health checks (✗, ⏏).",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-mark-down"),
            label: "✗ marked down",
            meaning: "Active health checks failed: the balancer sends this server nothing.",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-mark-ejected"),
            label: "⏏ ejected",
            meaning: "Passive ejection after failed requests: out of service until its time is over.",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-line-p99"),
            label: "p50 · p95 · p99",
            meaning: "Latency percentiles of the requests completed in the last window; solid: this run, dashed: the second side.",
        },
        LegendEntry {
            swatch: Swatch::Class("lb-unserved"),
            label: "not served",
            meaning: "Share of the requests ending in the window that were turned away or failed.",
        },
    ]
}
