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
use crate::sim::{Invariant, NodeSet};

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

pub fn check_conservation(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
    for (_, node, _) in nodes.iter() {
        let Some(client) = node.as_client() else {
            continue;
        };
        let t = client.totals();
        if t.arrived != client.issued() {
            return Err(format!(
                "the clients sent requests 1 to {} but count {} as arrived",
                client.issued(),
                t.arrived
            ));
        }
        let accounted = t.ended() + client.in_progress();
        if t.arrived != accounted {
            return Err(format!(
                "{} requests arrived but {} completed, {} were turned away, {} failed and {} \
                 are in progress ({accounted} in all)",
                t.arrived,
                t.completed,
                t.dropped(),
                t.failed(),
                client.in_progress()
            ));
        }
        if client.in_progress() > 0 && !client.deadline_armed() {
            return Err(format!(
                "{} requests are in progress but the clients' deadline timer is not set: a \
                 request lost on its way would never be counted",
                client.in_progress()
            ));
        }
    }
    Ok(())
}

pub fn check_balancer_requests(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
    for (_, node, _) in nodes.iter() {
        let Some(b) = node.as_balancer() else {
            continue;
        };
        let l = b.ledger();
        let open = b.open_attempts();
        if l.received != l.answered() + open + l.lost_in_crash {
            return Err(format!(
                "balancer {} received {} requests but answered {} ({} served, {} queue full, \
                 {} no server, {} timed out), has {open} open and forgot {} in crashes",
                b.index() + 1,
                l.received,
                l.answered(),
                l.answered_served,
                l.answered_queue_full,
                l.answered_no_server,
                l.answered_timeout,
                l.lost_in_crash
            ));
        }
    }
    Ok(())
}

pub fn check_balancer_attempts(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
    for (_, node, _) in nodes.iter() {
        let Some(b) = node.as_balancer() else {
            continue;
        };
        let l = b.ledger();
        let name = b.index() + 1;
        let open = b.open_attempts();
        if l.attempts_sent != l.attempts_ended() + open {
            return Err(format!(
                "balancer {name} sent {} attempts but {} were replied to, {} abandoned at a \
                 timeout, {} forgotten in crashes and {open} are open",
                l.attempts_sent, l.attempts_replied, l.attempts_timed_out, l.lost_in_crash
            ));
        }
        if l.received + l.retries != l.attempts_sent + l.answered_no_server {
            return Err(format!(
                "balancer {name} routed {} requests and {} retries but sent {} attempts and \
                 answered {} with no server",
                l.received, l.retries, l.attempts_sent, l.answered_no_server
            ));
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

pub fn check_open_counts(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
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
                return Err(format!(
                    "balancer {name} has request {} on attempt {}, beyond the {MAX_RETRIES} \
                     retry allowed",
                    f.request.id,
                    f.attempt + 1
                ));
            }
            expected.0 += 1;
            expected.1 = expected
                .1
                .wrapping_add(deadline_mix(f.deadline, f.request.id));
        }
        for (i, (book, waiting)) in b.books().iter().zip(awaited).enumerate() {
            if book.open != waiting {
                return Err(format!(
                    "balancer {name} counts {} open requests on server {} but awaits {waiting} \
                     attempts there",
                    book.open,
                    i + 1
                ));
            }
        }
        let held = b
            .deadlines()
            .fold((0u64, 0u64), |(n, mix), (deadline, id)| {
                (n + 1, mix.wrapping_add(deadline_mix(deadline, id)))
            });
        if held != expected {
            return Err(format!(
                "balancer {name} awaits {} attempts but holds {} deadlines, not theirs",
                expected.0, held.0
            ));
        }
        if held.0 > 0 && !b.upstream_timer_armed() {
            return Err(format!(
                "balancer {name} awaits {} attempts but its timeout timer is not set",
                held.0
            ));
        }
    }
    Ok(())
}

pub fn check_server_attempts(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
    for (_, node, _) in nodes.iter() {
        let Some(s) = node.as_server() else {
            continue;
        };
        let st = s.stats();
        let held = u64::from(s.queue_len() + s.in_service());
        if st.received != st.ended() + held {
            return Err(format!(
                "server {} received {} requests but served {}, rejected {}, discarded {}, \
                 lost {} and holds {held}",
                s.index() + 1,
                st.received,
                st.served,
                st.rejected,
                st.discarded,
                st.lost
            ));
        }
    }
    Ok(())
}

pub fn check_server_limits(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
    for (_, node, _) in nodes.iter() {
        let Some(s) = node.as_server() else {
            continue;
        };
        let (spec, name) = (s.spec(), s.index() + 1);
        if s.in_service() > spec.slots {
            return Err(format!(
                "server {name} serves {} requests at once with {} slots",
                s.in_service(),
                spec.slots
            ));
        }
        if s.queue_len() > spec.queue_limit {
            return Err(format!(
                "server {name} queues {} requests, beyond its limit of {}",
                s.queue_len(),
                spec.queue_limit
            ));
        }
        if s.queue_len() > 0 && s.in_service() < spec.slots {
            return Err(format!(
                "server {name} has {} requests waiting while {} of its {} slots are idle",
                s.queue_len(),
                spec.slots - s.in_service(),
                spec.slots
            ));
        }
    }
    Ok(())
}

pub fn check_no_traffic_to_unavailable(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
    let servers: Vec<_> = nodes.iter().filter_map(|(_, n, _)| n.as_server()).collect();
    for (balancer_node, node, _) in nodes.iter() {
        let Some(b) = node.as_balancer() else {
            continue;
        };
        for (i, book) in b.books().iter().enumerate() {
            let i = i as u32;
            let (name, server) = (b.index() + 1, i + 1);
            if book.unavailable_after.is_some() == b.is_available(i) {
                return Err(format!(
                    "balancer {name}'s books and health view disagree on whether server \
                     {server} is available"
                ));
            }
            let Some(after) = book.unavailable_after else {
                continue;
            };
            let received = servers
                .iter()
                .find(|s| s.index() == i)
                .map_or(0, |s| s.highest_pick_from(balancer_node));
            if book.last_pick > after || received > after {
                return Err(format!(
                    "balancer {name} holds server {server} unavailable since its pick \
                     {after}, yet picked it (pick {}; the server received pick {received})",
                    book.last_pick
                ));
            }
        }
    }
    Ok(())
}

pub fn check_no_traffic_to_known_down(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
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
                return Err(format!(
                    "every balancer considers server {} ({server_node}) unavailable, yet \
                     balancer {} picked it (pick {}; the server received pick {received}) \
                     after learning so at pick {after}",
                    i + 1,
                    balancer.index() + 1,
                    book.last_pick
                ));
            }
        }
    }
    Ok(())
}
