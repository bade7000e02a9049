//! Smooth weighted round robin, as nginx does it (`ngx_http_upstream_get_peer` in
//! `src/http/ngx_http_upstream_round_robin.c`).
//!
//! **The problem.** Servers `a`, `b`, `c` with weights 5, 1, 1 should get 5, 1 and 1 of
//! every 7 requests. The naive way, sending 5 in a row to `a`, then one to `b` and one to
//! `c`, gives `a` a burst of five. nginx spreads them out: `a a b a c a a`.
//!
//! **How it works.** Each server keeps a `current_weight`, starting at 0. For every pick:
//! 1. every eligible server adds its `effective_weight` to its `current_weight`, and the
//!    effective weights are summed into `total`;
//! 2. the server with the highest `current_weight` wins (the first one in list order on a
//!    tie, because nginx replaces the best only on a strictly greater weight);
//! 3. the winner's `current_weight` is lowered by `total`.
//!
//! Over `total` picks every server wins exactly its weight's share, and the winners are
//! interleaved as evenly as the weights allow.
//!
//! **Failures.** `effective_weight` starts at the configured weight. When a request to a
//! server fails, nginx lowers it by `weight / max_fails` (not below 0), and every time the
//! server takes part in a pick it grows back by 1, up to the weight: a failing server is
//! eased back in rather than hammered at once. Servers that are down or marked failed take
//! no part in the pick, and their `current_weight` stays as it was.
//!
//! nginx's `least_conn` uses the same fields to break ties between servers with equally few
//! connections (see `picker`).

/// One server's weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Peer {
    pub weight: i64,
    pub effective_weight: i64,
    pub current_weight: i64,
}

/// A pick: the winner, its `current_weight` before `total` was subtracted, and `total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WrrPick {
    pub index: usize,
    pub current_weight: i64,
    pub total: i64,
}

/// nginx's smooth weighted round robin over a fixed list of servers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SmoothWrr {
    peers: Vec<Peer>,
}

impl SmoothWrr {
    pub fn new(weights: &[u32]) -> Self {
        SmoothWrr {
            peers: weights
                .iter()
                .map(|&w| Peer {
                    weight: i64::from(w),
                    effective_weight: i64::from(w),
                    current_weight: 0,
                })
                .collect(),
        }
    }

    pub fn peers(&self) -> &[Peer] {
        &self.peers
    }

    /// One selection among the servers for which `eligible` holds (steps 1 to 3 above).
    pub fn pick(&mut self, eligible: impl Fn(usize) -> bool) -> Option<WrrPick> {
        let mut best: Option<(usize, i64)> = None;
        let mut total = 0i64;
        for (i, peer) in self.peers.iter_mut().enumerate() {
            if !eligible(i) {
                continue;
            }
            peer.current_weight += peer.effective_weight;
            total += peer.effective_weight;
            if peer.effective_weight < peer.weight {
                peer.effective_weight += 1;
            }
            // Strictly greater: on a tie the earlier server keeps the pick, as in nginx.
            if best.is_none_or(|(_, w)| peer.current_weight > w) {
                best = Some((i, peer.current_weight));
            }
        }
        let (index, current_weight) = best?;
        self.peers[index].current_weight -= total;
        Some(WrrPick {
            index,
            current_weight,
            total,
        })
    }

    /// nginx's reaction to a failed request: the effective weight drops by
    /// `weight / max_fails` (integer division, as in C), not below 0.
    pub fn failed(&mut self, index: usize, max_fails: u32) {
        if let Some(peer) = self.peers.get_mut(index) {
            if max_fails > 0 {
                peer.effective_weight -= peer.weight / i64::from(max_fails);
            }
            peer.effective_weight = peer.effective_weight.max(0);
        }
    }
}

/// The first `count` picks of smooth weighted round robin with these weights, every server
/// eligible: the sequence nginx produces from a fresh start.
pub fn sequence(weights: &[u32], count: usize) -> Vec<usize> {
    let mut wrr = SmoothWrr::new(weights);
    (0..count)
        .filter_map(|_| wrr.pick(|_| true).map(|p| p.index))
        .collect()
}
