//! The playback speeds a person picks from (and a link names by index).
use crate::scene::spec::SPEED_COUNT;

/// A playback speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Speed {
    /// What the menu shows: the factor, and how much simulated time a second of watching
    /// covers (a factor alone, "0.02×", does not tell a newcomer it is slow motion).
    pub label: &'static str,
    /// Simulated milliseconds per wall-clock second; `None` is as fast as the machine goes.
    pub sim_ms_per_s: Option<f64>,
}

pub const SPEEDS: [Speed; 8] = [
    Speed {
        label: "0.002× (slow motion: 2 ms a second)",
        sim_ms_per_s: Some(2.0),
    },
    Speed {
        label: "0.005× (5 ms a second)",
        sim_ms_per_s: Some(5.0),
    },
    Speed {
        label: "0.02× (20 ms a second)",
        sim_ms_per_s: Some(20.0),
    },
    Speed {
        label: "0.05× (50 ms a second)",
        sim_ms_per_s: Some(50.0),
    },
    Speed {
        label: "0.2× (200 ms a second)",
        sim_ms_per_s: Some(200.0),
    },
    Speed {
        label: "1× (real time)",
        sim_ms_per_s: Some(1000.0),
    },
    Speed {
        label: "5×",
        sim_ms_per_s: Some(5000.0),
    },
    Speed {
        label: "max",
        sim_ms_per_s: None,
    },
];

const _: () = assert!(SPEEDS.len() == SPEED_COUNT, "links name speeds by index");
