//! What one balancer believes about one server's health.
//!
//! **Active checks** (HAProxy's `inter`, `rise` and `fall`): the balancer asks every
//! server "are you there?" every interval. A check still unanswered when the next one is
//! due has failed. `fall` failures in a row mark a server down; while down, `rise`
//! successes in a row mark it up again. Active checks notice a crash or a cut link within
//! about `fall x interval`, but a *slow* server answers its checks happily: they do not
//! see slowness at all.
//!
//! **Passive outlier ejection** (Envoy's consecutive-5xx detector, see
//! `config::OutlierDetection`): real requests are the checks. Errors in a row (a rejection,
//! or no answer within the upstream timeout) eject the server for a time that grows with
//! every ejection. It reacts to what clients actually experience, including an overloaded
//! server's rejections (which can eject a server for being busy), but only once requests
//! have failed.
//!
//! **Passive ejection of a slow server** (Envoy, when a route sets a per-try timeout; see
//! `BalanceConfig::per_try_timeout`): a slow server still answers, eventually, so it never
//! fails a request by itself. Envoy's router abandons an attempt that outlives its
//! `per_try_timeout`, reports it to outlier detection as a locally originated timeout,
//! which by default (`split_external_local_origin_errors: false`) counts like a 504, and
//! retries the request on another host (`retry_on: gateway-error`, the `previous_hosts`
//! retry predicate). Slowness thus becomes consecutive gateway failures, and the same
//! detector ejects the slow server for `base_ejection_time` times the number of ejections,
//! within the `max_ejection_percent` cap. References: Envoy's "Outlier detection"
//! (envoyproxy.io/docs/envoy/latest/intro/arch_overview/upstream/outlier: consecutive 5xx,
//! consecutive gateway failure, ejection algorithm) and the route's `RetryPolicy`
//! (envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto,
//! `per_try_timeout`; x-envoy-retry-on `gateway-error`). Without a per-try timeout the
//! only latency that counts is the (long) upstream timeout, so a server that is merely
//! several times slower is rarely ejected.
//!
//! A server is *available* to the balancer when it is up by the active checks (or they are
//! off) and not ejected.
use crate::sim::Time;

/// The active-check state of one server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ActiveState {
    pub up: bool,
    /// Consecutive results pointing the other way (failures while up, successes while
    /// down).
    pub streak: u32,
    /// The check sent and not answered yet.
    pub awaiting: Option<u64>,
}

/// A change the active checks made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transition {
    MarkedDown,
    MarkedUp,
}

/// The passive (outlier) state of one server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OutlierState {
    pub consecutive_errors: u32,
    pub ejected_until: Option<Time>,
    pub times_ejected: u32,
}

/// A balancer's view of one server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServerHealth {
    pub active: ActiveState,
    pub outlier: OutlierState,
}

impl Default for ServerHealth {
    fn default() -> Self {
        ServerHealth {
            active: ActiveState {
                up: true,
                streak: 0,
                awaiting: None,
            },
            outlier: OutlierState::default(),
        }
    }
}

impl ServerHealth {
    pub fn available(&self) -> bool {
        self.active.up && self.outlier.ejected_until.is_none()
    }

    pub fn is_ejected(&self) -> bool {
        self.outlier.ejected_until.is_some()
    }

    /// Records one check result; returns the change it caused, if any.
    pub fn check_result(&mut self, ok: bool, rise: u32, fall: u32) -> Option<Transition> {
        let a = &mut self.active;
        if a.up == ok {
            // The result agrees with what we believe: any streak the other way is broken.
            a.streak = 0;
            return None;
        }
        a.streak += 1;
        let needed = if a.up { fall } else { rise };
        if a.streak < needed {
            return None;
        }
        a.up = !a.up;
        a.streak = 0;
        Some(if a.up {
            Transition::MarkedUp
        } else {
            Transition::MarkedDown
        })
    }

    /// A request succeeded: the error streak is broken.
    pub fn request_succeeded(&mut self) {
        self.outlier.consecutive_errors = 0;
    }

    /// A request failed; true when the streak reached `threshold` and the server should be
    /// ejected (if it is not already).
    pub fn request_failed(&mut self, threshold: u32) -> bool {
        let o = &mut self.outlier;
        o.consecutive_errors += 1;
        o.consecutive_errors >= threshold && o.ejected_until.is_none()
    }

    /// Ejects the server for `base x times ejected` (this one included), at most `max`;
    /// returns until when.
    pub fn eject(&mut self, now: Time, base: Time, max: Time) -> Time {
        let o = &mut self.outlier;
        o.times_ejected += 1;
        let length = Time(base.0.saturating_mul(u64::from(o.times_ejected)).min(max.0));
        let until = now.saturating_add(length);
        o.ejected_until = Some(until);
        o.consecutive_errors = 0;
        until
    }

    pub fn return_to_service(&mut self) {
        self.outlier.ejected_until = None;
        self.outlier.consecutive_errors = 0;
    }
}

/// How many servers may be ejected at once: `percent` of them, but always at least one
/// (Envoy's rule).
pub fn ejection_limit(servers: u32, percent: u32) -> u32 {
    (servers * percent / 100).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rise_and_fall_need_streaks() {
        let mut h = ServerHealth::default();
        assert_eq!(h.check_result(false, 2, 3), None);
        assert_eq!(
            h.check_result(true, 2, 3),
            None,
            "a success breaks the streak"
        );
        assert_eq!(h.check_result(false, 2, 3), None);
        assert_eq!(h.check_result(false, 2, 3), None);
        assert_eq!(h.check_result(false, 2, 3), Some(Transition::MarkedDown));
        assert!(!h.available());
        assert_eq!(h.check_result(true, 2, 3), None);
        assert_eq!(h.check_result(true, 2, 3), Some(Transition::MarkedUp));
        assert!(h.available());
    }

    #[test]
    fn ejections_grow_and_are_capped() {
        let mut h = ServerHealth::default();
        let base = Time::from_millis(1_000);
        let max = Time::from_millis(2_500);
        assert!(!h.request_failed(2));
        assert!(h.request_failed(2));
        assert_eq!(h.eject(Time(0), base, max), Time::from_millis(1_000));
        h.return_to_service();
        assert_eq!(h.eject(Time(0), base, max), Time::from_millis(2_000));
        h.return_to_service();
        assert_eq!(h.eject(Time(0), base, max), Time::from_millis(2_500));
        assert_eq!(ejection_limit(4, 10), 1);
        assert_eq!(ejection_limit(16, 50), 8);
    }
}
