//! The consistent-hashing tour, each idea told from the failure that motivates it, and the
//! legend of every mark the ring, its histogram and its readout draw. Each scenario applies
//! its one command (a join, a failure, a weight change, a lookup) at step 1, and the run
//! rests after its last command, so stops sit at the start or the end of their run.
use super::Ring;
use crate::scene::{At, Focus, LegendEntry, Swatch, TourStop};

pub fn tour() -> Vec<TourStop<Ring>> {
    vec![
        TourStop {
            title: "mod N moves almost every key",
            caption: "Four servers place 4,000 keys by hash mod 4. A fifth joins, and the divisor becomes 5: a key stays put only if its hash gives the same remainder by 4 and by 5, so about 80% of the keys move, though the newcomer should take only a fifth of them. For a cache, that is a near-total flush.",
            scenario: "modulo-vs-ring",
            at: At::End,
            highlights: &[],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "The ring",
            caption: "Consistent hashing bends the hash space into a circle: servers and keys are hashed onto it, and a key belongs to the first server point clockwise. When node-6 joins, only the keys on the arcs it cuts out move, all of them to node-6: about a sixth of the keys, the fewest possible.",
            scenario: "ring-join",
            at: At::End,
            highlights: &[],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "One point per server is lopsided",
            caption: "With a single point each, the arcs between servers have random lengths, and so do their shares: here the busiest server holds well over its fair share of the keys while another holds far less (see peak / fair share under the histogram). The busiest server sets the capacity you must buy.",
            scenario: "one-vnode",
            at: At::End,
            highlights: &[],
            focus: Focus::Chart,
        },
        TourStop {
            title: "Virtual nodes even it out",
            caption: "Give each server 100 points on the ring, virtual nodes: its share becomes the sum of many small arcs, and every server is within about 10% of the mean. When a server leaves, its keys now spread over many neighbours instead of landing on one.",
            scenario: "many-vnodes",
            at: At::End,
            highlights: &[],
            focus: Focus::Chart,
        },
        TourStop {
            title: "Weights",
            caption: "Servers are not all alike. A server of weight 2 gets twice the points, and so about twice the keys: here weights 1, 1, 2 and 4. Raising node-1's weight from 1 to 3 gives it more points, and it pulls keys in from every other server; no key moves between the others.",
            scenario: "weights",
            at: At::End,
            highlights: &[],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Replicas",
            caption: "Each key is kept on R = 3 servers: the first three distinct servers clockwise from it, its preference list. node-3 has failed: only its keys moved, each to the next server clockwise, which already held a copy. The lookup traces the walk from one key to its three replicas, none of them node-3.",
            scenario: "node-fails",
            at: At::End,
            highlights: &[],
            focus: Focus::Nodes,
        },
        TourStop {
            title: "Bounded loads",
            caption: "With only ten points per server the ring is uneven, but with bounded loads no server may hold more than 1.25 times its fair share: a key that lands on a full server walks on clockwise to the next one with room. The price shows when node-6 joins: more keys move than the plain ring would move.",
            scenario: "bounded",
            at: At::End,
            highlights: &[],
            focus: Focus::Nodes,
        },
    ]
}

const fn entry(class: &'static str, label: &'static str, meaning: &'static str) -> LegendEntry {
    LegendEntry {
        swatch: Swatch::Class(class),
        label,
        meaning,
    }
}

pub fn legend() -> Vec<LegendEntry> {
    vec![
        entry("ring-base", "the ring", "The ring and bounded loads only: the hash space, 0 to 2^64, bent into a circle; 0 is at the top and hashes grow clockwise."),
        entry("bucket-cell", "buckets", "Jump hash and hash mod N: buckets 0 to n-1, numbered clockwise in the order servers joined (weight w owns w buckets). Jump hash starts a key in bucket 0 and jumps forward; where it stops is its bucket. Only the last bucket can be removed without renumbering others: a server that failed or left keeps its place as empty dashed cells, and the servers after it stay where they are, renumbered."),
        entry("list-room", "room for joins", "Without a ring (jump hash, hash mod N, rendezvous, Maglev) the servers fill the circle clockwise from the top, in list order; the dashed arc after the last one is room for servers that join, so a join moves no other server. The circle is rescaled only when the servers outgrow it."),
        entry("score-bar", "scores", "Rendezvous hashing: each server's score for the looked-up key, from the pair hash(key, server), as a bar inward from its name with the score written beside it; the highest score owns the key, the next highest hold its replicas."),
        entry("table-cell", "lookup table", "Maglev: a few entries of its lookup table (65,537 entries, filled in turns, each server taking the next free entry of its own permutation); a key goes to entry hash mod 65,537."),
        entry("tick", "server points", "Each server's points (virtual nodes) are ticks in its colour; the arc leading clockwise up to a point is what that point owns."),
        entry("key", "keys", "A dot per key, at its hash's angle, in its owner's colour; after a change, the keys that move fly to their new owner and stay outlined."),
        entry("chip", "server", "A server's name in its colour, outside the ring: crossed out when it has failed (until it recovers) or left (for that change and the next; without a ring it keeps its place, so no other server moves), outlined when it just changed, numbered on a lookup's preference list."),
        entry("walk", "lookup walk", "The clockwise walk from a looked-up key to its replicas: stop 1 is the owner, then the next distinct servers."),
        entry("bar-fill", "keys moved", "The last change's moved keys, beside the ideal (K/N), the plain ring and hash mod N for the same change."),
        entry("mean", "mean", "The dashed line across the histogram: the mean number of keys per server."),
        entry("fair", "fair share", "The thin mark on a server's bar: its share of the keys by weight. peak / fair share is the highest ratio of a server's keys to its fair share: 1.00 is perfect."),
        entry("cap", "cap", "With bounded loads, the red mark on each bar: the most keys the server may hold, c times its fair share."),
    ]
}
