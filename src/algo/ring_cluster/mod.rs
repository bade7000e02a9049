//! # A cluster placing keys with consistent hashing
//!
//! A cache or a storage cluster keeps millions of keys on a handful of servers. Every
//! client must find a key's server by itself, from the key alone, and when a server joins
//! or leaves, as few keys as possible should change server: every key that moves is a
//! cache miss, or data copied over the network while the cluster is busy.
//!
//! ## Why `hash(key) % N` is not enough
//! The obvious rule, "hash the key and take the remainder by the number of servers",
//! spreads keys evenly. But add a fifth server to four and the divisor changes from 4 to
//! 5: a key keeps its server only if `h % 4 == h % 5`, which holds for about one key in
//! five. So about 80% of all keys move at once, to make room for a server that should take
//! only 20% of them. For a cache that is a near-total flush on every scale-out; for
//! storage it is a reshuffle of almost everything.
//!
//! ## The ring
//! Consistent hashing (Karger et al., 1997) bends the hash space `0 .. 2^64` into a
//! circle. Each server is hashed to a point on the circle, and each key is hashed onto the
//! same circle; a key belongs to the first server point found walking *clockwise* from the
//! key. When a server joins, its point cuts an arc out of its clockwise neighbour's arc,
//! and only the keys on that arc move, all of them to the new server. When a server
//! leaves, only its own keys move, to the next point clockwise. Nothing else changes: on
//! average `K/N` keys move, the fewest possible.
//!
//! ## Virtual nodes and weights
//! One point per server gives arcs of very different lengths (the busiest server easily
//! owns two or three times its share), and a departing server dumps all its keys on a
//! single neighbour. So each server gets many points, *virtual nodes* (here `v` per unit
//! of weight): a server's share becomes the sum of many small arcs and deviates from its
//! fair share by only about `1/sqrt(v)`; a leaving server's keys spread over many
//! neighbours. A server of weight 2 gets twice the points, hence about twice the keys.
//!
//! ## Replication
//! To survive failures, each key is stored on `R` servers: its *preference list*, the first
//! `R` distinct servers found walking clockwise from the key (further points of a server
//! already on the list are skipped, or two replicas could land on the same machine).
//!
//! ## What this simulation holds
//! One node, the *cluster*, whose state is the ring, a key set generated from the seed
//! (`key-0048213`-style names, hashed once), each key's owner, and the last membership
//! change with exactly the keys it moved. People (and links) change it with commands:
//! `join:node-7:2` (name and weight), `leave:node-3`, `fail:node-3`, `recover:node-3`,
//! `weight:node-2:3` and `lookup:<percent-encoded key>`. With churn switched on, a timer
//! picks a random join, leave, failure or recovery from the seeded random source every
//! [`CHURN_EVERY`], so that playing the run shows a living cluster.
//!
//! For comparison the cluster can also place keys with the alternatives in
//! [`crate::algo::placement`]: modulo, jump hash, rendezvous hashing, Maglev, and the ring
//! with bounded loads. The ring itself is always kept too, so that every change also
//! reports what the ring would have moved, next to what `hash % N` would have moved.
//!
//! ## What goes wrong
//! - **Imbalance.** Arc lengths are random: with few virtual nodes some server owns far
//!   more than its share, and the busiest server sets the capacity you must buy.
//! - **Hot keys.** Balance is over key *counts*: one very popular key still lands on one
//!   server. Consistent hashing with bounded loads caps each server at `c` times the mean
//!   (keys walk past full servers), at the price of extra moves when the cluster changes.
//! - **ketama re-derives every server's points** when the membership changes: a server
//!   gets `floor(40 × servers × weight ÷ total weight)` digests, so with unequal weights a
//!   join changes the other servers' counts too (weights 1, 1, 2, 4 have 20, 20, 40, 80
//!   digests; after a weight-1 join 22, 22, 44, 88, 22) and keys move between servers that
//!   were not involved; the "minimal disruption" check turns red. With equal weights every
//!   server keeps exactly 40 digests at every size, and a join is minimal.
//! - **Jump hash** only works when servers are added or removed at the end of the list;
//!   removing one from the middle renumbers the rest and moves many keys. The list-based
//!   algorithms (jump, modulo, Maglev's permutation order) therefore see the servers in
//!   the order they joined, a newcomer always last, as Lamping and Veach add buckets; the
//!   ring's own slot numbers (a newcomer takes the lowest free one) do not matter to them.
//! - **Maglev** trades a little disruption for its constant-time table: a change also
//!   shuffles a few table slots between servers that were not involved.
//! - **A failure is not a leave.** A failed server's keys move to their next replica; with
//!   `R = 1` there is no other copy and that data is gone.
//!
//! ## Invariants (checked after every step, from the last change's moves only)
//! - *minimal disruption*: a join only moves keys to the new server; a leave or failure
//!   only moves the leaving server's keys; a weight change only moves keys to or from the
//!   server whose weight changed.
//! - *every key has an owner*: the live servers hold exactly `K` keys between them.
//! - *distinct replicas*: a lookup's preference list names `min(R, N)` distinct servers.
mod cluster;
mod commands;
mod config;
pub mod for_drawing;
mod invariants;
mod keys;
mod membership;
mod notes;
mod placing;
mod report;
mod scenarios;

pub use cluster::{LoadSummary, NodeRow, RingNode};
pub use commands::{decode_text, encode_text, Cmd, Timer};
pub use config::{
    check_key, check_name, check_weight, churn_budget, key_problem, Algorithm, HashChoice,
    RingConfig, CHURN_BUDGET, CHURN_EVERY, MAX_KEYS, MAX_KEY_LEN, MAX_NAME_LEN, MAX_NODES,
    MAX_REPLICAS, MAX_VNODES, MAX_WEIGHT,
};
/// Drawing-only values, re-exported here until the UI imports them from
/// [`for_drawing`] (or moves them next to the views).
pub use for_drawing::{home_fraction, ring_fraction, FLIGHT};
pub use invariants::invariants;
pub use keys::KeyNaming;
pub use notes::RingNote;
pub use placing::{capacity, preference_walk};
pub use report::{Change, ChangeKind, JoinRefusal, ListPlace, Lookup, Move, Rejection};
pub use scenarios::{scenario, scenarios, Scenario};

use crate::sim::{Ctx, Line, NodeId, Protocol};

impl Protocol for RingNode {
    type Note = RingNote;
    type Msg = ();
    type Timer = Timer;
    type Cmd = Cmd;

    fn on_start(&mut self, cx: &mut Ctx<'_, Self>) {
        self.handled += 1;
        if self.churn_left > 0 {
            cx.set_timer(Timer::Churn, CHURN_EVERY);
        }
    }

    fn on_message(&mut self, _cx: &mut Ctx<'_, Self>, _from: NodeId, _msg: ()) {}

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: Timer) {
        self.handled += 1;
        match timer {
            Timer::Churn => {
                self.churn_left = self.churn_left.saturating_sub(1);
                self.churn(cx);
                self.note_outcome(cx, true);
                if self.churn_left > 0 {
                    cx.set_timer(Timer::Churn, CHURN_EVERY);
                }
            }
        }
    }

    fn on_command(&mut self, cx: &mut Ctx<'_, Self>, cmd: Cmd) {
        self.handled += 1;
        self.apply(&cmd, cx.now());
        self.note_outcome(cx, false);
    }

    /// The cluster's state is its membership, which a crash of this (imaginary) control
    /// node does not change: everything is durable.
    fn on_crash(&mut self) {}

    fn state_label(&self) -> &'static str {
        "SERVING"
    }

    fn detail_lines(&self) -> Vec<Line> {
        self.live_nodes()
            .map(|(slot, n)| {
                let keys = self.loads.get(usize::from(slot)).copied().unwrap_or(0);
                Line::tr("{node} weight {weight}: {keys} keys")
                    .with("node", &n.name)
                    .with("weight", n.weight)
                    .with("keys", crate::algo::text::thousands(u64::from(keys)))
            })
            .collect()
    }

    fn timer_label(_timer: &Timer) -> Line {
        Line::tr("churn")
    }
}
