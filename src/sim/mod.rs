//! The simulation kernel: a deterministic, seeded discrete-event simulator.
//!
//! Pure Rust with no web dependency and no wall clock, so that it builds and tests natively
//! and one seed plus one list of user actions gives one run on every platform. See
//! [`protocol`] for the contract a simulated node follows, [`kernel`] for the event loop,
//! network and faults, and [`timeline`] for time travel.
pub mod action;
pub mod fingerprint;
pub mod kernel;
pub mod network;
pub mod protocol;
pub mod rng;
pub mod rows;
pub mod run;
pub mod scenario;
pub mod sort;
pub mod sorted;
pub mod time;
pub mod timeline;
pub mod trace;

pub use action::{Action, Scheduled};
pub use kernel::{Choice, InFlight, Invariant, NodeSet, NodeStatus, Sim, Violation};
pub use network::{NetChange, NetConfig};
pub use protocol::{Ctx, Line, NodeId, Protocol};
pub use rng::SimRng;
pub use time::Time;
pub use timeline::Timeline;
pub use trace::{DropReason, MsgId, TraceEntry, TraceKind};
