//! Latency percentiles and rates over a sliding window of recent outcomes.
//!
//! The window keeps every request that finished in the last `span` (its finish time, its
//! latency and how it ended), so percentiles are *exact* on the window rather than
//! estimated from a histogram or a sketch: the p99 is the nearest-rank 99th percentile, the
//! value at rank `ceil(0.99 n)` of the `n` sorted latencies of completed requests. Dropped
//! and failed requests are counted (for the drop and failure rates) but have no latency.
use crate::sim::Time;
use std::collections::VecDeque;

/// Most outcomes the window keeps; older ones beyond it are forgotten early (only
/// reachable with the highest rates and surges, where a 10 s window could otherwise hold
/// millions).
pub const MAX_WINDOW_ENTRIES: usize = 200_000;

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Completed,
    /// Turned away: a full queue, or no available server.
    Dropped,
    /// Lost: no answer in time (an upstream or client timeout).
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Finished {
    at: Time,
    latency_us: u64,
    outcome: Outcome,
}

/// The latency percentiles of the completed requests in a window (integer microseconds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Percentiles {
    /// Completed requests in the window.
    pub count: u64,
    pub p50: u64,
    pub p95: u64,
    pub p99: u64,
    pub max: u64,
    /// Requests that ended in the window without being served (dropped or failed).
    pub unserved: u64,
    /// The p99 over every request that ended, an unserved one counting as infinitely
    /// slow: `None` when 1% or more were not served. Without it a strategy could look fast
    /// by failing its slowest requests.
    pub p99_all: Option<u64>,
}

/// How many requests ended each way in a window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WindowCounts {
    pub completed: u64,
    pub dropped: u64,
    pub failed: u64,
}

impl WindowCounts {
    pub fn total(&self) -> u64 {
        self.completed + self.dropped + self.failed
    }

    /// Dropped requests per thousand that ended (0 when none ended).
    pub fn drop_permille(&self) -> u64 {
        (self.dropped * 1000).checked_div(self.total()).unwrap_or(0)
    }

    /// Failed requests per thousand that ended (0 when none ended).
    pub fn fail_permille(&self) -> u64 {
        (self.failed * 1000).checked_div(self.total()).unwrap_or(0)
    }
}

/// The nearest-rank percentile of sorted values: the value at rank `ceil(p n / 1000)`
/// (1-based) for `p` in thousandths. `None` for no values.
pub fn nearest_rank(sorted: &[u64], permille: u64) -> Option<u64> {
    let n = sorted.len() as u64;
    if n == 0 {
        return None;
    }
    let rank = (permille.min(1000) * n).div_ceil(1000).max(1);
    sorted.get((rank - 1) as usize).copied()
}

/// Outcomes of the last `span` of simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SlidingWindow {
    span: Time,
    entries: VecDeque<Finished>,
}

impl SlidingWindow {
    pub fn new(span: Time) -> Self {
        SlidingWindow {
            span,
            entries: VecDeque::new(),
        }
    }

    pub fn span(&self) -> Time {
        self.span
    }

    /// Records an outcome at `at` (times only grow) and forgets what left the window.
    pub fn push(&mut self, at: Time, latency: Time, outcome: Outcome) {
        self.entries.push_back(Finished {
            at,
            latency_us: latency.0,
            outcome,
        });
        let start = at.saturating_sub(self.span);
        while self
            .entries
            .front()
            .is_some_and(|f| f.at <= start && at >= self.span)
            || self.entries.len() > MAX_WINDOW_ENTRIES
        {
            self.entries.pop_front();
        }
    }

    /// The entries inside `(now - span, now]`.
    fn live(&self, now: Time) -> impl Iterator<Item = &Finished> {
        let start = now.saturating_sub(self.span);
        let from_zero = now < self.span;
        self.entries
            .iter()
            .filter(move |f| (from_zero || f.at > start) && f.at <= now)
    }

    pub fn counts(&self, now: Time) -> WindowCounts {
        let mut counts = WindowCounts::default();
        for f in self.live(now) {
            match f.outcome {
                Outcome::Completed => counts.completed += 1,
                Outcome::Dropped => counts.dropped += 1,
                Outcome::Failed => counts.failed += 1,
            }
        }
        counts
    }

    /// The sorted latencies of the requests completed in the window.
    pub fn latencies(&self, now: Time) -> Vec<u64> {
        let mut values: Vec<u64> = self
            .live(now)
            .filter(|f| f.outcome == Outcome::Completed)
            .map(|f| f.latency_us)
            .collect();
        crate::sim::sort::sort(&mut values);
        values
    }

    /// Exact p50, p95 and p99 of the completed requests in the window, and the p99 of
    /// every request that ended (see [`Percentiles::p99_all`]).
    pub fn percentiles(&self, now: Time) -> Percentiles {
        let sorted = self.latencies(now);
        let counts = self.counts(now);
        let at = |p| nearest_rank(&sorted, p).unwrap_or(0);
        // Unserved requests rank after every served one, so the p99 of all is a served
        // latency only if its rank falls among the served.
        let ended = counts.total();
        let rank = (990 * ended).div_ceil(1000).max(1);
        let p99_all = if ended == 0 {
            None
        } else {
            sorted.get((rank - 1) as usize).copied()
        };
        Percentiles {
            count: sorted.len() as u64,
            p50: at(500),
            p95: at(950),
            p99: at(990),
            max: sorted.last().copied().unwrap_or(0),
            unserved: counts.dropped + counts.failed,
            p99_all,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_is_exact() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(nearest_rank(&values, 500), Some(50));
        assert_eq!(nearest_rank(&values, 990), Some(99));
        assert_eq!(nearest_rank(&values, 1000), Some(100));
        assert_eq!(nearest_rank(&[7], 990), Some(7));
        assert_eq!(nearest_rank(&[], 500), None);
        // Ten values: the p95 is the 10th (ceil 9.5), the p50 the 5th.
        let ten: Vec<u64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 950), Some(10));
        assert_eq!(nearest_rank(&ten, 500), Some(5));
    }

    #[test]
    fn old_outcomes_leave_the_window() {
        let mut w = SlidingWindow::new(Time(1_000));
        w.push(Time(100), Time(5), Outcome::Completed);
        w.push(Time(600), Time(9), Outcome::Dropped);
        w.push(Time(1_200), Time(7), Outcome::Completed);
        // At 1200 the window is (200, 1200]: the first outcome left it.
        assert_eq!(w.latencies(Time(1_200)), vec![7]);
        let counts = w.counts(Time(1_200));
        assert_eq!((counts.completed, counts.dropped), (1, 1));
        assert_eq!(counts.drop_permille(), 500);
        let p = w.percentiles(Time(1_200));
        assert_eq!(p.p99, 7);
        // One of the two requests in the window was not served: the p99 of all is that
        // one, infinitely slow.
        assert_eq!((p.unserved, p.p99_all), (1, None));
        let mut served = SlidingWindow::new(Time(100));
        for t in 1..=100 {
            served.push(Time(t), Time(t), Outcome::Completed);
        }
        assert_eq!(served.percentiles(Time(100)).p99_all, Some(99));
    }
}
