//! The scene's safety properties, checked after every step.
//!
//! **Requests and attempts.** A request is what the clients sent; an attempt is one try of
//! it on one server, and a retry is a new attempt of the same request (see `ledger`).
//! Requests are conserved end to end, at the clients and at each balancer; attempts are
//! conserved at each balancer and at each server. Each stage keeps its own books, and each
//! is checked on its own, so that a violation names the stage that lost or double-counted.
//!
//! - **Requests conserved** (the clients): every request sent is exactly one of completed,
//!   turned away (a 503: a full queue or no available server), failed (a 504 from the
//!   balancer, or nothing before the clients' timeout), or still in progress; the ids are
//!   1, 2, 3, ... with none skipped; and while any request is in progress the clients'
//!   deadline timer is set, so a request lost anywhere (a crashed server or balancer, a
//!   cut link, a dropped message) is still counted, as failed, when its time is up.
//! - **Requests conserved at each balancer**: received = answered + open + forgotten in a
//!   crash of the balancer.
//! - **Attempts conserved at each balancer**: sent = replied + abandoned at a timeout +
//!   forgotten in a crash + open; received + retries = attempts sent + no-server answers.
//! - **Open counts match open attempts**: each balancer's count of open requests per
//!   server (what least connections and two choices compare) equals the attempts it awaits
//!   there; each open attempt has its deadline and is within the one retry allowed, and
//!   the timeout timer is set.
//! - **Attempts conserved at each server**: received = served + rejected + discarded +
//!   lost + queued + in service. (That a server holds no attempt twice, and has a timer to
//!   end each one it serves, is checked by the tests with the kernel's view: a set of
//!   thousands of queued requests is too much to build after every step.)
//! - **Concurrency and queue limits kept**: a server never serves more requests at once
//!   than its slots, never queues more than its limit, and never leaves a slot idle while
//!   a request waits.
//! - **No new request to a server its balancer holds unavailable**: while a balancer has a
//!   server marked down or ejected, it picks it for nothing, and nothing it picked since
//!   reaches the server. Requests already on their way when it learned do not count.
//! - **No new traffic to a server every balancer knows is down**: the same seen from the
//!   server: once every balancer considers it unavailable, it gets no request picked after
//!   that. (This one needs every balancer to know: with several balancers, a server one of
//!   them ejected still gets the others' traffic.)
//!
//! That nothing stays in progress for ever is the clients' timeout's job; the tests drain
//! every run and check it.
use super::config::MAX_RETRIES;
use super::BalanceNode;
use crate::sim::{Invariant, Line, NodeSet};

pub const CONSERVATION: &str = "requests conserved";
pub const BALANCER_REQUESTS: &str = "requests conserved at each balancer";
pub const BALANCER_ATTEMPTS: &str = "attempts conserved at each balancer";
pub const OPEN_COUNTS: &str = "open counts match open attempts";
pub const SERVER_ATTEMPTS: &str = "attempts conserved at each server";
pub const SERVER_LIMITS: &str = "concurrency and queue limits kept";
pub const NO_TRAFFIC_TO_UNAVAILABLE: &str =
    "no new request to a server its balancer holds unavailable";
pub const NO_TRAFFIC_TO_KNOWN_DOWN: &str = "no new traffic to a server known down";

pub fn invariants() -> Vec<Invariant<BalanceNode>> {
    vec![
        Invariant::new(
            CONSERVATION,
            "every request the clients sent is exactly one of: completed, turned away, \
             failed, or still in progress with the clients' deadline set; a retry is not a \
             new request",
            check_conservation,
        ),
        Invariant::new(
            BALANCER_REQUESTS,
            "every request a balancer received is answered exactly once, still open, or \
             forgotten in a crash of the balancer",
            check_balancer_requests,
        ),
        Invariant::new(
            BALANCER_ATTEMPTS,
            "every attempt a balancer sent is replied to, abandoned at a timeout, forgotten \
             in a crash or still open; requests received plus retries equal attempts sent \
             plus no-server answers",
            check_balancer_attempts,
        ),
        Invariant::new(
            OPEN_COUNTS,
            "each balancer's count of open requests per server equals the attempts it awaits \
             there, each with its deadline, and its timeout timer is set while any is open",
            check_open_counts,
        )
        .checked_when(balancer_activity),
        Invariant::new(
            SERVER_ATTEMPTS,
            "every attempt a server received is served, rejected, discarded, lost, queued or \
             in service",
            check_server_attempts,
        ),
        Invariant::new(
            SERVER_LIMITS,
            "no server serves more requests at once than its concurrency, queues more than \
             its limit, or leaves a slot idle while a request waits",
            check_server_limits,
        ),
        Invariant::new(
            NO_TRAFFIC_TO_UNAVAILABLE,
            "no balancer sends a new request to a server it has marked down or ejected, \
             until the server is back",
            check_no_traffic_to_unavailable,
        ),
        Invariant::new(
            NO_TRAFFIC_TO_KNOWN_DOWN,
            "once every balancer considers a server unavailable, it gets no new requests",
            check_no_traffic_to_known_down,
        ),
    ]
}

/// Every balancer's ledger added up: a balancer's open attempts, their deadlines and its
/// open counts change only with it (an attempt is sent, replied to, abandoned or forgotten).
fn balancer_activity(nodes: &NodeSet<'_, BalanceNode>) -> u64 {
    nodes
        .iter()
        .filter_map(|(_, n, _)| n.as_balancer())
        .fold(0, |sum, b| sum.wrapping_add(b.ledger().activity()))
}

pub fn check_conservation(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), Line> {
    for (_, node, _) in nodes.iter() {
        let Some(client) = node.as_client() else {
            continue;
        };
        let t = client.totals();
        if t.arrived != client.issued() {
            return Err(Line::tr(
                "the clients sent requests 1 to {issued} but count {arrived} as arrived",
            )
            .with("issued", client.issued())
            .with("arrived", t.arrived));
        }
        let accounted = t.ended() + client.in_progress();
        if t.arrived != accounted {
            return Err(Line::tr(
                "{arrived} requests arrived but {completed} completed, {dropped} were turned \
                 away, {failed} failed and {progress} are in progress ({accounted} in all)",
            )
            .with("arrived", t.arrived)
            .with("completed", t.completed)
            .with("dropped", t.dropped())
            .with("failed", t.failed())
            .with("progress", client.in_progress())
            .with("accounted", accounted));
        }
        if client.in_progress() > 0 && !client.deadline_armed() {
            return Err(Line::tr(
                "{n} requests are in progress but the clients' deadline timer is not set: a \
                 request lost on its way would never be counted",
            )
            .with("n", client.in_progress()));
        }
    }
    Ok(())
}

pub fn check_balancer_requests(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), Line> {
    for (_, node, _) in nodes.iter() {
        let Some(b) = node.as_balancer() else {
            continue;
        };
        let l = b.ledger();
        let open = b.open_attempts();
        if l.received != l.answered() + open + l.lost_in_crash {
            return Err(Line::tr(
                "balancer {balancer} received {received} requests but answered {answered} \
                 ({served} served, {full} queue full, {no_server} no server, {timed_out} timed \
                 out), has {open} open and forgot {lost} in crashes",
            )
            .with("balancer", b.index() + 1)
            .with("received", l.received)
            .with("answered", l.answered())
            .with("served", l.answered_served)
            .with("full", l.answered_queue_full)
            .with("no_server", l.answered_no_server)
            .with("timed_out", l.answered_timeout)
            .with("open", open)
            .with("lost", l.lost_in_crash));
        }
    }
    Ok(())
}

pub fn check_balancer_attempts(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), Line> {
    for (_, node, _) in nodes.iter() {
        let Some(b) = node.as_balancer() else {
            continue;
        };
        let l = b.ledger();
        let name = b.index() + 1;
        let open = b.open_attempts();
        if l.attempts_sent != l.attempts_ended() + open {
            return Err(Line::tr(
                "balancer {balancer} sent {sent} attempts but {replied} were replied to, \
                 {abandoned} abandoned at a timeout, {lost} forgotten in crashes and {open} are \
                 open",
            )
            .with("balancer", name)
            .with("sent", l.attempts_sent)
            .with("replied", l.attempts_replied)
            .with("abandoned", l.attempts_timed_out)
            .with("lost", l.lost_in_crash)
            .with("open", open));
        }
        if l.received + l.retries != l.attempts_sent + l.answered_no_server {
            return Err(Line::tr(
                "balancer {balancer} routed {received} requests and {retries} retries but sent \
                 {sent} attempts and answered {no_server} with no server",
            )
            .with("balancer", name)
            .with("received", l.received)
            .with("retries", l.retries)
            .with("sent", l.attempts_sent)
            .with("no_server", l.answered_no_server));
        }
    }
    Ok(())
}

/// A fingerprint of a set of (deadline, request id) pairs that does not depend on their
/// order, so that the deadlines (by time) and the open attempts (by id) compare in one
/// pass each, without building a set: this check runs after most steps, and a balancer
/// may hold thousands of open attempts.
fn deadline_mix(deadline: crate::sim::Time, id: u64) -> u64 {
    let x = deadline.0.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ id;
    (x ^ (x >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

pub fn check_open_counts(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), Line> {
    for (_, node, _) in nodes.iter() {
        let Some(b) = node.as_balancer() else {
            continue;
        };
        let name = b.index() + 1;
        let mut awaited = vec![0u32; b.books().len()];
        let mut expected = (0u64, 0u64);
        for f in b.forwarded() {
            if let Some(n) = awaited.get_mut(f.server as usize) {
                *n += 1;
            }
            if f.attempt > MAX_RETRIES {
                return Err(Line::tr(
                    "balancer {balancer} has request {id} on attempt {attempt}, beyond the \
                     {max} retry allowed",
                )
                .with("balancer", name)
                .with("id", f.request.id)
                .with("attempt", f.attempt + 1)
                .with("max", MAX_RETRIES));
            }
            expected.0 += 1;
            expected.1 = expected
                .1
                .wrapping_add(deadline_mix(f.deadline, f.request.id));
        }
        for (i, (book, waiting)) in b.books().iter().zip(awaited).enumerate() {
            if book.open != waiting {
                return Err(Line::tr(
                    "balancer {balancer} counts {open} open requests on server {server} but \
                     awaits {waiting} attempts there",
                )
                .with("balancer", name)
                .with("open", book.open)
                .with("server", i + 1)
                .with("waiting", waiting));
            }
        }
        let held = b
            .deadlines()
            .fold((0u64, 0u64), |(n, mix), (deadline, id)| {
                (n + 1, mix.wrapping_add(deadline_mix(deadline, id)))
            });
        if held != expected {
            return Err(Line::tr(
                "balancer {balancer} awaits {expected} attempts but holds {held} deadlines, not \
                 theirs",
            )
            .with("balancer", name)
            .with("expected", expected.0)
            .with("held", held.0));
        }
        if held.0 > 0 && !b.upstream_timer_armed() {
            return Err(Line::tr(
                "balancer {balancer} awaits {n} attempts but its timeout timer is not set",
            )
            .with("balancer", name)
            .with("n", held.0));
        }
    }
    Ok(())
}

pub fn check_server_attempts(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), Line> {
    for (_, node, _) in nodes.iter() {
        let Some(s) = node.as_server() else {
            continue;
        };
        let st = s.stats();
        let held = u64::from(s.queue_len() + s.in_service());
        if st.received != st.ended() + held {
            return Err(Line::tr(
                "server {server} received {received} requests but served {served}, rejected \
                 {rejected}, discarded {discarded}, lost {lost} and holds {held}",
            )
            .with("server", s.index() + 1)
            .with("received", st.received)
            .with("served", st.served)
            .with("rejected", st.rejected)
            .with("discarded", st.discarded)
            .with("lost", st.lost)
            .with("held", held));
        }
    }
    Ok(())
}

pub fn check_server_limits(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), Line> {
    for (_, node, _) in nodes.iter() {
        let Some(s) = node.as_server() else {
            continue;
        };
        let (spec, name) = (s.spec(), s.index() + 1);
        if s.in_service() > spec.slots {
            return Err(
                Line::tr("server {server} serves {n} requests at once with {slots} slots")
                    .with("server", name)
                    .with("n", s.in_service())
                    .with("slots", spec.slots),
            );
        }
        if s.queue_len() > spec.queue_limit {
            return Err(Line::tr(
                "server {server} queues {n} requests, beyond its limit of {limit}",
            )
            .with("server", name)
            .with("n", s.queue_len())
            .with("limit", spec.queue_limit));
        }
        if s.queue_len() > 0 && s.in_service() < spec.slots {
            return Err(Line::tr(
                "server {server} has {n} requests waiting while {idle} of its {slots} slots are \
                 idle",
            )
            .with("server", name)
            .with("n", s.queue_len())
            .with("idle", spec.slots - s.in_service())
            .with("slots", spec.slots));
        }
    }
    Ok(())
}

pub fn check_no_traffic_to_unavailable(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), Line> {
    let servers: Vec<_> = nodes.iter().filter_map(|(_, n, _)| n.as_server()).collect();
    for (balancer_node, node, _) in nodes.iter() {
        let Some(b) = node.as_balancer() else {
            continue;
        };
        for (i, book) in b.books().iter().enumerate() {
            let i = i as u32;
            let (name, server) = (b.index() + 1, i + 1);
            if book.unavailable_after.is_some() == b.is_available(i) {
                return Err(Line::tr(
                    "balancer {balancer}'s books and health view disagree on whether server \
                     {server} is available",
                )
                .with("balancer", name)
                .with("server", server));
            }
            let Some(after) = book.unavailable_after else {
                continue;
            };
            let received = servers
                .iter()
                .find(|s| s.index() == i)
                .map_or(0, |s| s.highest_pick_from(balancer_node));
            if book.last_pick > after || received > after {
                return Err(Line::tr(
                    "balancer {balancer} holds server {server} unavailable since its pick \
                     {after}, yet picked it (pick {pick}; the server received pick {received})",
                )
                .with("balancer", name)
                .with("server", server)
                .with("after", after)
                .with("pick", book.last_pick)
                .with("received", received));
            }
        }
    }
    Ok(())
}

pub fn check_no_traffic_to_known_down(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), Line> {
    let balancers: Vec<_> = nodes
        .iter()
        .filter_map(|(id, node, _)| node.as_balancer().map(|b| (id, b)))
        .collect();
    if balancers.is_empty() {
        return Ok(());
    }
    for (server_node, node, _) in nodes.iter() {
        let Some(server) = node.as_server() else {
            continue;
        };
        let i = server.index() as usize;
        // The pick count at which each balancer learned; all of them must know.
        let learned: Option<Vec<u64>> = balancers
            .iter()
            .map(|(_, b)| b.books().get(i).and_then(|book| book.unavailable_after))
            .collect();
        let Some(learned) = learned else {
            continue;
        };
        for ((balancer_node, balancer), after) in balancers.iter().zip(learned) {
            let book = &balancer.books()[i];
            let received = server.highest_pick_from(*balancer_node);
            if book.last_pick > after || received > after {
                return Err(Line::tr(
                    "every balancer considers server {server} ({node}) unavailable, yet \
                     balancer {balancer} picked it (pick {pick}; the server received pick \
                     {received}) after learning so at pick {after}",
                )
                .with("server", i + 1)
                .with("node", server_node)
                .with("balancer", balancer.index() + 1)
                .with("pick", book.last_pick)
                .with("received", received)
                .with("after", after));
            }
        }
    }
    Ok(())
}
