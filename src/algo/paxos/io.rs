//! What a role's handler may do, without naming the node type that holds the roles (so
//! that role files and the node file do not import each other).
use super::messages::{Msg, Timer};
use super::notes::Note;
use crate::sim::{NodeId, SimRng, Time};

/// The effects a role records, and what it may read: its id, the time, randomness.
pub trait Io {
    fn id(&self) -> NodeId;
    fn now(&self) -> Time;
    fn send(&mut self, to: NodeId, msg: Msg);
    fn set_timer(&mut self, timer: Timer, after: Time);
    fn cancel_timer(&mut self, timer: Timer);
    fn note(&mut self, note: Note);
    fn rng(&mut self) -> &mut SimRng;
}
