//! # Two-phase commit, the textbook model
//!
//! The TwoPhase specification of Gray and Lamport, "Consensus on Transaction Commit"
//! (ACM TODS 31(1), 2006, section 3 and appendix A.2), as a model to explore. A
//! transaction manager (TM) and resource managers (RMs) decide together whether to commit:
//!
//! - an RM is *working*, then *prepared* (it sent Prepared), *committed* or *aborted*;
//!   a working RM may also choose to abort on its own;
//! - the TM is *init* until it decides; it records in `tmPrepared` the RMs whose Prepared
//!   message it received, and commits only once every RM is in it; it may abort at any
//!   time while undecided;
//! - `msgs` is the set of every message ever sent (Prepared(rm), Commit, Abort): a
//!   message, once sent, can be received any number of times and in any order, which is
//!   how the specification covers loss, duplication and reordering at once.
//!
//! The property is the paper's TCConsistent: no RM has committed while another aborted.
//!
//! Reachable states: 288 with 3 RMs (TLC's published figure for the TwoPhase model of the
//! TLA+ examples) and 8,832 with 5 RMs (the figure Stateright's two-phase-commit example
//! pins).
//!
//! The state is packed into one `u64` (up to [`MAX_RMS`] RMs): two bits per RM state, two
//! for the TM, one bit per RM in `tmPrepared` and in the Prepared messages, one each for
//! Commit and Abort. Symmetry: the RMs are interchangeable (no action or property names one
//! in particular), so a state's representative sorts the RMs by what each one shows (its
//! state, whether the TM counted it, whether its Prepared was sent).
use super::model::Model;
use std::hash::Hasher;

/// Most RMs the packed state holds.
pub const MAX_RMS: u32 = 15;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RmState {
    Working = 0,
    Prepared = 1,
    Committed = 2,
    Aborted = 3,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TmState {
    Init = 0,
    Committed = 1,
    Aborted = 2,
}

const TM_SHIFT: u32 = 30;
const TM_PREPARED_SHIFT: u32 = 32;
const PREPARED_MSG_SHIFT: u32 = 47;
const COMMIT_MSG: u64 = 1 << 62;
const ABORT_MSG: u64 = 1 << 63;

/// A TwoPhase state, packed (see the module header).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TwoPhaseState(pub u64);

impl TwoPhaseState {
    pub fn rm(self, rm: u32) -> RmState {
        match (self.0 >> (2 * rm)) & 3 {
            0 => RmState::Working,
            1 => RmState::Prepared,
            2 => RmState::Committed,
            _ => RmState::Aborted,
        }
    }

    fn with_rm(self, rm: u32, state: RmState) -> Self {
        TwoPhaseState((self.0 & !(3 << (2 * rm))) | ((state as u64) << (2 * rm)))
    }

    pub fn tm(self) -> TmState {
        match (self.0 >> TM_SHIFT) & 3 {
            0 => TmState::Init,
            1 => TmState::Committed,
            _ => TmState::Aborted,
        }
    }

    fn with_tm(self, tm: TmState) -> Self {
        TwoPhaseState((self.0 & !(3 << TM_SHIFT)) | ((tm as u64) << TM_SHIFT))
    }

    /// Whether the TM has received `rm`'s Prepared message.
    pub fn tm_prepared(self, rm: u32) -> bool {
        self.0 & (1 << (TM_PREPARED_SHIFT + rm)) != 0
    }

    /// Whether `rm` has sent Prepared.
    pub fn prepared_sent(self, rm: u32) -> bool {
        self.0 & (1 << (PREPARED_MSG_SHIFT + rm)) != 0
    }

    pub fn commit_sent(self) -> bool {
        self.0 & COMMIT_MSG != 0
    }

    pub fn abort_sent(self) -> bool {
        self.0 & ABORT_MSG != 0
    }

    /// What RM `rm` shows, as one small number (its state, then the two message bits).
    fn rm_view(self, rm: u32) -> u64 {
        ((self.rm(rm) as u64) << 2)
            | (u64::from(self.tm_prepared(rm)) << 1)
            | u64::from(self.prepared_sent(rm))
    }
}

impl std::fmt::Debug for TwoPhaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tm {:?}, rms", self.tm())?;
        for rm in 0..MAX_RMS {
            if self.0 >> (2 * rm) & 3 != 0 || self.prepared_sent(rm) {
                write!(f, " {rm}:{:?}", self.rm(rm))?;
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TwoPhaseAction {
    TmRcvPrepared(u32),
    TmCommit,
    TmAbort,
    RmPrepare(u32),
    RmChooseToAbort(u32),
    RmRcvCommitMsg(u32),
    RmRcvAbortMsg(u32),
}

/// TwoPhase with `rms` resource managers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TwoPhase {
    rms: u32,
    /// A deliberately broken TM, to check that the checker finds the violation: it commits
    /// once any one RM is prepared.
    eager_commit: bool,
}

impl TwoPhase {
    /// `rms` is clamped to 1..=[`MAX_RMS`].
    pub fn new(rms: u32) -> Self {
        TwoPhase {
            rms: rms.clamp(1, MAX_RMS),
            eager_commit: false,
        }
    }

    /// Broken on purpose: the TM commits as soon as one RM is prepared.
    pub fn with_eager_commit(rms: u32) -> Self {
        TwoPhase {
            eager_commit: true,
            ..Self::new(rms)
        }
    }

    pub fn rms(&self) -> u32 {
        self.rms
    }

    fn all_prepared(&self, s: TwoPhaseState) -> bool {
        let mask = ((1u64 << self.rms) - 1) << TM_PREPARED_SHIFT;
        if self.eager_commit {
            s.0 & mask != 0
        } else {
            s.0 & mask == mask
        }
    }
}

impl Model for TwoPhase {
    type State = TwoPhaseState;
    type Action = TwoPhaseAction;

    fn init_states(&self) -> Vec<TwoPhaseState> {
        vec![TwoPhaseState(0)]
    }

    fn actions(&self, s: &TwoPhaseState, out: &mut Vec<TwoPhaseAction>) {
        let s = *s;
        let undecided = s.tm() == TmState::Init;
        if undecided && self.all_prepared(s) {
            out.push(TwoPhaseAction::TmCommit);
        }
        if undecided {
            out.push(TwoPhaseAction::TmAbort);
        }
        for rm in 0..self.rms {
            if undecided && s.prepared_sent(rm) {
                out.push(TwoPhaseAction::TmRcvPrepared(rm));
            }
            if s.rm(rm) == RmState::Working {
                out.push(TwoPhaseAction::RmPrepare(rm));
                out.push(TwoPhaseAction::RmChooseToAbort(rm));
            }
            if s.commit_sent() {
                out.push(TwoPhaseAction::RmRcvCommitMsg(rm));
            }
            if s.abort_sent() {
                out.push(TwoPhaseAction::RmRcvAbortMsg(rm));
            }
        }
    }

    fn next_state(&self, s: &TwoPhaseState, action: &TwoPhaseAction) -> Option<TwoPhaseState> {
        let s = *s;
        Some(match *action {
            TwoPhaseAction::TmRcvPrepared(rm) => TwoPhaseState(s.0 | 1 << (TM_PREPARED_SHIFT + rm)),
            TwoPhaseAction::TmCommit => TwoPhaseState(s.with_tm(TmState::Committed).0 | COMMIT_MSG),
            TwoPhaseAction::TmAbort => TwoPhaseState(s.with_tm(TmState::Aborted).0 | ABORT_MSG),
            TwoPhaseAction::RmPrepare(rm) => {
                let s = s.with_rm(rm, RmState::Prepared);
                TwoPhaseState(s.0 | 1 << (PREPARED_MSG_SHIFT + rm))
            }
            TwoPhaseAction::RmChooseToAbort(rm) | TwoPhaseAction::RmRcvAbortMsg(rm) => {
                s.with_rm(rm, RmState::Aborted)
            }
            TwoPhaseAction::RmRcvCommitMsg(rm) => s.with_rm(rm, RmState::Committed),
        })
    }

    fn properties(&self) -> Vec<String> {
        vec!["TCConsistent: no RM committed while another aborted".to_string()]
    }

    fn violated(&self, s: &TwoPhaseState) -> Option<usize> {
        let (mut committed, mut aborted) = (false, false);
        for rm in 0..self.rms {
            committed |= s.rm(rm) == RmState::Committed;
            aborted |= s.rm(rm) == RmState::Aborted;
        }
        (committed && aborted).then_some(0)
    }

    fn identity<H: Hasher>(&self, s: &TwoPhaseState, out: &mut H) {
        out.write_u64(s.0);
    }

    fn has_symmetry(&self) -> bool {
        true
    }

    /// The RMs sorted by what each shows: every member of a class under permutations of
    /// the RMs sorts to the same state.
    fn canonical(&self, s: &TwoPhaseState) -> Option<TwoPhaseState> {
        let mut views = [0u64; MAX_RMS as usize];
        let views = &mut views[..self.rms as usize];
        for (rm, view) in views.iter_mut().enumerate() {
            *view = s.rm_view(rm as u32);
        }
        crate::sim::sort::sort(views);
        let mut out = TwoPhaseState(s.0 & (3 << TM_SHIFT | COMMIT_MSG | ABORT_MSG));
        for (rm, &view) in views.iter().enumerate() {
            let rm = rm as u32;
            out.0 |= (view >> 2) << (2 * rm);
            out.0 |= ((view >> 1) & 1) << (TM_PREPARED_SHIFT + rm);
            out.0 |= (view & 1) << (PREPARED_MSG_SHIFT + rm);
        }
        Some(out)
    }
}
