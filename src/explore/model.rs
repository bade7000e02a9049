//! What the explorer explores: a state machine given by its initial states, the actions
//! enabled in a state and the state each action leads to, with named safety properties
//! (things that must hold in every reachable state).
//!
//! The same trait serves the textbook models written for exploring (two-phase commit and
//! Paxos as their TLA+ specifications describe them) and every kernel scene, explored
//! through the kernel's choices (see [`super::scene_model`]).
use std::fmt::Debug;
use std::hash::{Hash, Hasher};

pub trait Model {
    /// A state. Keep it compact: the checker clones every state it expands.
    type State: Clone + Debug;
    /// A step from one state to the next.
    type Action: Clone + Debug;

    fn init_states(&self) -> Vec<Self::State>;

    /// Appends the actions enabled in `state` to `out` (which the checker reuses).
    fn actions(&self, state: &Self::State, out: &mut Vec<Self::Action>);

    /// The state after `action`, or `None` if the action turns out to change nothing that
    /// matters (it is then not a step).
    fn next_state(&self, state: &Self::State, action: &Self::Action) -> Option<Self::State>;

    /// The names of the safety properties, in order.
    fn properties(&self) -> Vec<String>;

    /// The first property `state` breaks (an index into [`Model::properties`]), if any.
    fn violated(&self, state: &Self::State) -> Option<usize>;

    /// Writes what identifies the state: two states that write the same bytes are one
    /// state. The checker hashes it into a 64-bit fingerprint.
    fn identity<H: Hasher>(&self, state: &Self::State, out: &mut H);

    /// The representative of the state's class under permutations of interchangeable
    /// nodes (symmetry reduction), or `None` when the model has no symmetry to offer.
    /// Sound only if every property and every action treats those nodes alike.
    fn canonical(&self, _state: &Self::State) -> Option<Self::State> {
        None
    }

    /// Writes what identifies the state's class under permutations of interchangeable
    /// nodes, as [`Model::identity`] does for one state, and returns true; or writes
    /// nothing and returns false when this state has no such identity (it then counts
    /// alone). The default writes the identity of [`Model::canonical`]; a model that
    /// cannot build a canonical state can give a canonical identity instead.
    fn symmetric_identity<H: Hasher>(&self, state: &Self::State, out: &mut H) -> bool {
        match self.canonical(state) {
            Some(canonical) => {
                self.identity(&canonical, out);
                true
            }
            None => false,
        }
    }

    /// Whether the model offers symmetry reduction at all.
    fn has_symmetry(&self) -> bool {
        false
    }

    /// States outside the bounds are kept (and checked) but not expanded, like a TLC
    /// state constraint.
    fn within_bounds(&self, _state: &Self::State) -> bool {
        true
    }
}

/// `identity` for a state whose derived `Hash` says everything: the default choice for
/// models whose state is plain data.
pub fn identity_by_hash<T: Hash, H: Hasher>(state: &T, out: &mut H) {
    state.hash(out);
}
