//! Peak EWMA, the latency-aware load metric of Finagle's `p2cPeakEwma` balancer (offered
//! by Linkerd 1 as `ewma`; tower's `PeakEwma`, which Linkerd 2 uses, is derived from it).
//!
//! References: Finagle's user guide, section "Load Balancing" of the clients chapter
//! (the `p2cPeakEwma` balancer and its `decayTime`, 10 seconds by default); Finagle's
//! `finagle-core/src/main/scala/com/twitter/finagle/loadbalancer/PeakEwma.scala`, whose
//! update rule this file follows; and Oliver Gould, "Beyond Round Robin: Load Balancing
//! for Latency", Linkerd blog, March 2016.
//!
//! **The metric.** For each server a balancer keeps `cost`, an estimate of its round-trip
//! time, and `pending`, the requests it has sent there that have not come back. The load it
//! compares is `cost * (pending + 1)`: the time the next request would wait if it queued
//! behind all of this balancer's outstanding ones.
//!
//! **Peak-sensitive.** When a round trip `rtt` is observed at time `t`, with `td` since the
//! previous observation and decay time `tau`:
//! - if `rtt > cost`, `cost = rtt` at once (a latency peak is believed immediately);
//! - otherwise `cost = cost * w + rtt * (1 - w)` with `w = exp(-td / tau)`: an
//!   exponentially weighted average over *time* (not over samples), because observations
//!   arrive unevenly.
//!
//! Every time the load is read, a zero-latency observation is made first, so that the cost
//! of a server nobody has heard from lately decays towards 0 and it gets tried again (it
//! recovers "only cautiously"). A server with no history (`cost = 0`) but requests already
//! pending gets a huge penalty, so that it is not flooded before its first answer.
//! A failed request ends with its elapsed time as its round trip, as in Finagle.
//!
//! The weights `w` are computed with integer arithmetic (see `fixed`), and costs are kept
//! in integer nanoseconds, so that runs are identical on every platform.
use super::fixed::{exp_neg_q32, ONE_Q32};
use crate::sim::Time;

/// The load of a server with no latency history but requests pending (Finagle's
/// `Long.MaxValue >> 16`), plus the pending count.
pub const PENALTY: u64 = u64::MAX >> 16;

/// One server's Peak EWMA cost, as one balancer sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PeakEwma {
    /// Estimated round trip, in nanoseconds.
    cost_ns: u64,
    /// When the cost was last updated.
    stamp: Time,
}

impl PeakEwma {
    pub fn cost_ns(&self) -> u64 {
        self.cost_ns
    }

    /// Records a round trip of `rtt_ns` at `now` (see the module documentation).
    pub fn observe(&mut self, now: Time, rtt_ns: u64, decay: Time) {
        let td = now.saturating_sub(self.stamp).0;
        let x = (u128::from(td) << 32) / u128::from(decay.0.max(1));
        let w = u128::from(exp_neg_q32(x.min(u128::from(u64::MAX)) as u64));
        if rtt_ns > self.cost_ns {
            self.cost_ns = rtt_ns;
        } else {
            let one = u128::from(ONE_Q32);
            let blended = u128::from(self.cost_ns) * w + u128::from(rtt_ns) * (one - w);
            self.cost_ns = (blended >> 32) as u64;
        }
        self.stamp = now;
    }

    /// The load a balancer compares: the decayed cost times `pending + 1`, or the penalty
    /// for a server with no history and requests pending.
    pub fn load(&mut self, now: Time, pending: u32, decay: Time) -> u64 {
        self.observe(now, 0, decay);
        if self.cost_ns == 0 && pending != 0 {
            PENALTY + u64::from(pending)
        } else {
            self.cost_ns.saturating_mul(u64::from(pending) + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAU: Time = Time::from_millis(10_000);

    #[test]
    fn peaks_count_at_once_and_decay_slowly() {
        let mut m = PeakEwma::default();
        m.observe(Time::from_millis(1), 20_000_000, TAU);
        assert_eq!(m.cost_ns(), 20_000_000);
        // A faster answer right after barely moves the estimate...
        m.observe(Time::from_millis(2), 1_000_000, TAU);
        assert!(m.cost_ns() > 19_990_000, "{}", m.cost_ns());
        // ...and one decay time later it has come down by a factor e, towards the sample.
        m.observe(Time::from_millis(10_002), 1_000_000, TAU);
        // 19.998 ms x e^-1 + 1 ms x (1 - e^-1) = 7.989 ms.
        assert!(m.cost_ns().abs_diff(7_989_000) < 20_000, "{}", m.cost_ns());
        // A new peak is believed immediately.
        m.observe(Time::from_millis(10_003), 50_000_000, TAU);
        assert_eq!(m.cost_ns(), 50_000_000);
    }

    #[test]
    fn load_weighs_pending_and_penalises_the_unknown() {
        let mut fresh = PeakEwma::default();
        assert_eq!(fresh.load(Time(0), 0, TAU), 0);
        assert_eq!(fresh.load(Time(0), 2, TAU), PENALTY + 2);
        let mut known = PeakEwma::default();
        known.observe(Time(0), 1_000, TAU);
        assert_eq!(known.load(Time(0), 3, TAU), 4_000);
    }
}
