//! Figure 16 measured a little at a time: the page runs one seed after another across
//! frames, a few milliseconds per slice, so that it stays responsive and the chart fills in
//! as seeds complete. Seeds go round the six ranges (seed 0 of every range, then seed 1,
//! ...), so every curve grows together. Each run is [`election_time_after_crash`], the
//! function the native benchmark and tests use, so the page and they agree seed for seed.
//! Pure: builds and is tested natively; the clock is passed in.
use crate::algo::raft::{election_time_after_crash, figure_16_net, ElectionSamples};
use crate::sim::Time;

/// The ranges of the paper's Figure 16 (top), in milliseconds.
pub const RANGES: [(u64, u64); 6] = [
    (150, 150),
    (150, 151),
    (150, 155),
    (150, 175),
    (150, 200),
    (150, 300),
];

/// Runs per range, as in the paper.
pub const SEEDS: u64 = 1_000;

/// A Figure 16 measurement under way: the samples so far and the next run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure16Run {
    samples: Vec<ElectionSamples>,
    /// Runs done, counted seed-major: run `k` is seed `k / 6` of range `k % 6`.
    done: u64,
    seeds: u64,
}

impl Figure16Run {
    /// A measurement of `seeds` runs per range, none run yet.
    pub fn new(seeds: u64) -> Figure16Run {
        Figure16Run {
            samples: vec![ElectionSamples::default(); RANGES.len()],
            done: 0,
            seeds,
        }
    }

    fn total(&self) -> u64 {
        self.seeds * RANGES.len() as u64
    }

    pub fn is_done(&self) -> bool {
        self.done >= self.total()
    }

    /// Seeds completed in every range.
    pub fn seeds_done(&self) -> u64 {
        self.done / RANGES.len() as u64
    }

    pub fn seeds(&self) -> u64 {
        self.seeds
    }

    /// One sample set per range of [`RANGES`], in order.
    pub fn samples(&self) -> &[ElectionSamples] {
        &self.samples
    }

    /// Runs the next seed of the next range; false when there is none left.
    pub fn step(&mut self) -> bool {
        if self.is_done() {
            return false;
        }
        let ranges = RANGES.len() as u64;
        let (seed, range) = (self.done / ranges, (self.done % ranges) as usize);
        let (lo, hi) = RANGES[range];
        let time = election_time_after_crash(
            &figure_16_net(),
            Time::from_millis(lo),
            Time::from_millis(hi),
            seed,
        );
        self.samples[range].record(time);
        self.done += 1;
        true
    }

    /// Runs seeds until `budget_ms` has passed on `clock` (at least one run, so that every
    /// slice makes progress), or until all are done.
    pub fn run_for(&mut self, clock: &mut impl FnMut() -> f64, budget_ms: f64) {
        let start = clock();
        while self.step() && clock() - start < budget_ms {}
    }
}
