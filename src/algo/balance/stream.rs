//! The traffic's own random stream.
//!
//! Compare mode runs two strategies on "the same requests". That only holds if the
//! requests do not depend on what the strategy does with its own random draws: with one
//! shared generator, a random balancer that draws once per request would shift every
//! later inter-arrival time and service demand, and the two runs would see different
//! traffic. So the client draws its traffic from this separate stream, seeded from the
//! run's seed, while the balancers draw from the kernel's generator (`cx.rng()`).
//!
//! The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
//! number generators", OOPSLA 2014): a 64-bit counter advanced by a fixed odd constant and
//! scrambled. Its whole state is one `u64`, so it is `Eq + Hash` like every node state,
//! and its values are pinned by its definition on every platform.
use super::fixed::{neg_ln_q32, ONE_Q32};

/// Mixed into the run seed so that this stream does not repeat the words the kernel's own
/// generator was seeded with (the kernel also seeds through SplitMix64).
const TRAFFIC_SALT: u64 = 0x7472_6166_6669_6321; // "traffic!"

/// A seeded SplitMix64 stream (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrafficStream {
    state: u64,
}

impl TrafficStream {
    pub fn new(run_seed: u64) -> Self {
        TrafficStream {
            state: run_seed ^ TRAFFIC_SALT,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform draw in `0..bound` (0 when `bound` is 0), without modulo bias
    /// (Lemire's multiply-shift with rejection).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let wide = u128::from(self.next_u64()) * u128::from(bound);
            if (wide as u64) >= threshold {
                return (wide >> 64) as u64;
            }
        }
    }

    /// True with probability `permille / 1000`. Draws nothing when the answer is certain,
    /// so that switching a feature off does not shift the other draws.
    pub fn chance_permille(&mut self, permille: u32) -> bool {
        match permille {
            0 => false,
            1000.. => true,
            p => self.below(1000) < u64::from(p),
        }
    }

    /// An exponential draw with mean 1, in Q32 (see `fixed`).
    pub fn exponential_q32(&mut self) -> u64 {
        neg_ln_q32(self.below(ONE_Q32) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_draws_have_mean_one() {
        let mut stream = TrafficStream::new(7);
        let n = 200_000u64;
        let total: u128 = (0..n).map(|_| u128::from(stream.exponential_q32())).sum();
        let mean = total as f64 / n as f64 / ONE_Q32 as f64;
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
    }

    #[test]
    fn the_stream_is_pinned() {
        // SplitMix64's first output for state 0 + one step is a published test value.
        let mut zero = TrafficStream { state: 0 };
        assert_eq!(zero.next_u64(), 0xe220_a839_7b1d_cdaf);
    }
}
