//! The scene's safety properties, checked after every step.
//!
//! - **Requests are conserved**: every request that arrived is completed, dropped, failed
//!   or still in progress, never lost from the books. (That nothing stays in progress for
//!   ever is the client timeout's job; the tests drain every run and check it.)
//! - **No new traffic to a server every balancer knows is down**: once every balancer
//!   considers a server unavailable (marked down by its checks, or ejected), no balancer
//!   has picked it since it learned so, and the server has received no request picked
//!   after that. Requests already on their way when a balancer learned it do not count:
//!   they were picked before.
use super::BalanceNode;
use crate::sim::{Invariant, NodeSet};

pub const CONSERVATION: &str = "requests conserved";
pub const NO_TRAFFIC_TO_KNOWN_DOWN: &str = "no new traffic to a server known down";

pub fn invariants() -> Vec<Invariant<BalanceNode>> {
    vec![
        Invariant::new(
            CONSERVATION,
            "every request that arrived is completed, dropped, failed or in progress",
            check_conservation,
        ),
        Invariant::new(
            NO_TRAFFIC_TO_KNOWN_DOWN,
            "once every balancer considers a server unavailable, it gets no new requests",
            check_no_traffic_to_known_down,
        ),
    ]
}

pub fn check_conservation(nodes: &NodeSet<'_, BalanceNode>) -> Result<(), String> {
    for (_, node, _) in nodes.iter() {
        let Some(client) = node.as_client() else {
            continue;
        };
        let t = client.totals();
        let accounted = t.ended() + client.in_progress();
        if t.arrived != accounted {
            return Err(format!(
                "{} requests arrived but {} completed, {} dropped, {} failed and {} are in \
                 progress ({accounted} in all)",
                t.arrived,
                t.completed,
                t.dropped(),
                t.failed(),
                client.in_progress()
            ));
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
