//! When requests arrive: a Poisson process whose rate follows a schedule, multiplied by a
//! surge while one lasts, with occasional bursts.
//!
//! A Poisson process of rate `λ(t)` that changes over time is drawn exactly by a *time
//! change*: draw `E`, exponential with mean 1, and the next arrival is the moment `T` at
//! which the expected number of arrivals since the last one, `∫ λ(t) dt` from the last
//! arrival to `T`, reaches `E`. With a piecewise-constant rate (the schedule's steps and a
//! surge window) the integral is a sum of rectangles, walked segment by segment.
//!
//! A surge that starts while an arrival is pending does not need a new draw: the rate is
//! only different *after* the surge starts, so walking the same `E` from the same start
//! with the new rate gives the right arrival (the process stays exact).
use super::config::RateStep;
use super::fixed::ONE_Q32;
use crate::sim::Time;

/// A rate multiplier for a window of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Surge {
    pub from: Time,
    pub until: Time,
    pub factor: u32,
}

/// The arrival rate over time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RateSchedule {
    steps: Vec<RateStep>,
    surge: Option<Surge>,
}

impl RateSchedule {
    /// `steps` must start at 0 and be in order (the configuration checks it).
    pub fn new(steps: Vec<RateStep>) -> Self {
        RateSchedule { steps, surge: None }
    }

    pub fn surge(&self) -> Option<Surge> {
        self.surge
    }

    /// Starts a surge (replacing any earlier one).
    pub fn set_surge(&mut self, surge: Surge) {
        self.surge = Some(surge);
    }

    /// The rate in requests per second at `t`.
    pub fn rate_at(&self, t: Time) -> u64 {
        let base = self
            .steps
            .iter()
            .rev()
            .find(|s| s.from <= t)
            .map_or(0, |s| u64::from(s.per_second));
        match self.surge {
            Some(s) if s.from <= t && t < s.until => base * u64::from(s.factor),
            _ => base,
        }
    }

    /// The first moment after `t` at which the rate may change.
    fn next_change(&self, t: Time) -> Option<Time> {
        let step = self.steps.iter().map(|s| s.from).find(|&from| from > t);
        let surge = self
            .surge
            .into_iter()
            .flat_map(|s| [s.from, s.until])
            .filter(|&edge| edge > t)
            .min();
        match (step, surge) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The moment the expected number of arrivals since `start` reaches `e` (in Q32), or
    /// `None` if the rate is 0 from some point on and it never does.
    pub fn arrival_after(&self, start: Time, e_q32: u64) -> Option<Time> {
        let mut t = start;
        let mut left = u128::from(e_q32);
        // The schedule has at most a few dozen edges, so this loop is short.
        loop {
            let rate = u128::from(self.rate_at(t));
            let end = self.next_change(t);
            // Expected arrivals until `end`, in Q32: rate * span_us / 1e6.
            let room = match end {
                Some(end) => rate * u128::from(end.0 - t.0) * u128::from(ONE_Q32) / 1_000_000,
                None => u128::MAX,
            };
            if rate > 0 && left <= room {
                // Round up, so that an arrival never lands before its time.
                let span = (left * 1_000_000).div_ceil(rate * u128::from(ONE_Q32));
                return Some(Time(
                    t.0.saturating_add(span.min(u128::from(u64::MAX)) as u64),
                ));
            }
            left -= room.min(left);
            t = end?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(list: &[(u64, u32)]) -> Vec<RateStep> {
        list.iter()
            .map(|&(ms, per_second)| RateStep {
                from: Time::from_millis(ms),
                per_second,
            })
            .collect()
    }

    #[test]
    fn constant_rate_spacing_is_e_over_rate() {
        let schedule = RateSchedule::new(steps(&[(0, 100)]));
        // One expected arrival at 100/s takes 10 ms.
        assert_eq!(schedule.arrival_after(Time(0), ONE_Q32), Some(Time(10_000)));
        assert_eq!(
            schedule.arrival_after(Time(5), ONE_Q32 / 2),
            Some(Time(5_005))
        );
    }

    #[test]
    fn walks_across_steps_and_surges() {
        // 100/s for 10 ms (one expected arrival), then 1000/s.
        let mut schedule = RateSchedule::new(steps(&[(0, 100), (10, 1000)]));
        assert_eq!(
            schedule.arrival_after(Time(0), 2 * ONE_Q32),
            Some(Time(11_000))
        );
        // A stop: the rate falls to 0 for good, and the second arrival never comes.
        let stopped = RateSchedule::new(steps(&[(0, 100), (10, 0)]));
        assert_eq!(stopped.arrival_after(Time(0), 2 * ONE_Q32), None);
        // A 10x surge from 10 ms to 20 ms.
        schedule.set_surge(Surge {
            from: Time::from_millis(10),
            until: Time::from_millis(20),
            factor: 10,
        });
        assert_eq!(schedule.rate_at(Time::from_millis(15)), 10_000);
        assert_eq!(schedule.rate_at(Time::from_millis(20)), 1_000);
        assert_eq!(
            schedule.arrival_after(Time(0), 11 * ONE_Q32),
            Some(Time(11_000))
        );
    }
}
