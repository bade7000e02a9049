//! # Paxos, the textbook model
//!
//! Lamport's TLA+ specification of Paxos (module `Paxos` of the TLA+ examples, which
//! refines `Voting`; the algorithm of "Paxos Made Simple", 2001), as a model to explore.
//! There are no explicit leaders or learners: any ballot may be started at any time.
//!
//! - Each acceptor keeps `maxBal` (the highest ballot it has promised or voted in),
//!   `maxVBal` and `maxVal` (its vote in the highest ballot it voted in; -1 and None if it
//!   never voted).
//! - Phase 1a(b): a leader starts ballot b (sends 1a).
//! - Phase 1b(a): on a 1a for a ballot above its `maxBal`, acceptor a promises it and
//!   reports its last vote (sends 1b).
//! - Phase 2a(b, v): once a quorum has sent 1b for ballot b, and no 2a for b was sent, the
//!   leader proposes v: any value if none of them voted, else the value voted in the
//!   highest ballot among their reports (sends 2a). This is the heart of the algorithm.
//! - Phase 2b(a): on a 2a for a ballot at least its `maxBal`, acceptor a votes for it
//!   (sends 2b).
//!
//! `msgs` is the set of every message ever sent. A value is *chosen* when every acceptor
//! of some quorum (a majority) voted for it in one ballot; the property is Consistency: at
//! most one value is ever chosen.
//!
//! Symmetry: acceptors are interchangeable (quorums are all majorities) and so are values,
//! so a state's representative is the least of its images under every permutation of
//! acceptors and of values.
use super::model::Model;
use std::hash::Hasher;

/// Most acceptors, values and ballots, and most distinct messages the state can hold.
pub const MAX_ACCEPTORS: u32 = 5;
pub const MAX_VALUES: u32 = 3;
pub const MAX_BALLOT: u32 = 3;
const MSG_BITS: usize = 256;

/// One acceptor's variables, each shifted up by one so that -1 and None are 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Acceptor {
    /// `maxBal + 1`
    pub max_bal: u8,
    /// `maxVBal + 1`
    pub max_vbal: u8,
    /// 0 for None, `v + 1` for value v.
    pub max_val: u8,
}

/// A Paxos state: the acceptors' variables and the set of messages sent, as a bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PaxosState {
    pub acceptors: [Acceptor; MAX_ACCEPTORS as usize],
    pub msgs: [u64; MSG_BITS / 64],
}

impl PaxosState {
    fn has(&self, index: usize) -> bool {
        self.msgs[index / 64] & (1 << (index % 64)) != 0
    }

    fn add(&mut self, index: usize) {
        self.msgs[index / 64] |= 1 << (index % 64);
    }
}

/// A message (ballots and values are numbers; `mbal` is `maxVBal + 1`, `mval` 0 for None).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaxosMsg {
    P1a {
        bal: u32,
    },
    P1b {
        acc: u32,
        bal: u32,
        mbal: u32,
        mval: u32,
    },
    P2a {
        bal: u32,
        val: u32,
    },
    P2b {
        acc: u32,
        bal: u32,
        val: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaxosAction {
    Phase1a { bal: u32 },
    Phase1b { acc: u32, bal: u32 },
    Phase2a { bal: u32, val: u32 },
    Phase2b { acc: u32, bal: u32, val: u32 },
}

/// Paxos over `acceptors` acceptors with majority quorums, `values` values and ballots
/// `0..=max_ballot`.
#[derive(Clone, Debug)]
pub struct Paxos {
    acceptors: u32,
    values: u32,
    ballots: u32,
    quorums: Vec<u32>,
    /// For each permutation of acceptors and values: where each message goes.
    permutations: Vec<(Vec<u32>, Vec<u32>, Vec<u16>)>,
    /// Broken on purpose: phase 2a ignores the votes reported in phase 1b.
    ignore_reported_votes: bool,
}

fn permutations(n: u32) -> Vec<Vec<u32>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in permutations(n - 1) {
        for at in 0..n as usize {
            let mut p = rest.clone();
            p.insert(at, n - 1);
            out.push(p);
        }
    }
    out
}

impl Paxos {
    /// Checks the sizes: each message must fit the state's bit set.
    pub fn new(acceptors: u32, values: u32, max_ballot: u32) -> Result<Self, String> {
        if !(1..=MAX_ACCEPTORS).contains(&acceptors) {
            return Err(format!(
                "Paxos takes 1 to {MAX_ACCEPTORS} acceptors, not {acceptors}"
            ));
        }
        if !(1..=MAX_VALUES).contains(&values) {
            return Err(format!(
                "Paxos takes 1 to {MAX_VALUES} values, not {values}"
            ));
        }
        if max_ballot > MAX_BALLOT {
            return Err(format!(
                "ballots go up to at most {MAX_BALLOT}, not {max_ballot}"
            ));
        }
        let mut model = Paxos {
            acceptors,
            values,
            ballots: max_ballot + 1,
            quorums: (1u32..1 << acceptors)
                .filter(|q| q.count_ones() * 2 > acceptors)
                .collect(),
            permutations: Vec::new(),
            ignore_reported_votes: false,
        };
        if model.message_count() > MSG_BITS {
            return Err(format!(
                "{acceptors} acceptors, {values} values and ballots 0 to {max_ballot} make more \
                 messages than the model holds ({MSG_BITS})"
            ));
        }
        for acc_perm in permutations(acceptors) {
            for val_perm in permutations(values) {
                let map = (0..model.message_count())
                    .map(|i| {
                        let m = model.permute(model.message(i), &acc_perm, &val_perm);
                        model.index(m) as u16
                    })
                    .collect();
                model.permutations.push((acc_perm.clone(), val_perm, map));
            }
        }
        Ok(model)
    }

    /// Broken on purpose: a leader proposes any value in phase 2a.
    pub fn with_reported_votes_ignored(mut self) -> Self {
        self.ignore_reported_votes = true;
        self
    }

    fn message_count(&self) -> usize {
        let (a, b, v) = (self.acceptors, self.ballots, self.values);
        (b + a * b * (b + 1) * (v + 1) + b * v + a * b * v) as usize
    }

    /// The message's place in the bit set.
    fn index(&self, m: PaxosMsg) -> usize {
        let (a, b, v) = (self.acceptors, self.ballots, self.values);
        let i = match m {
            PaxosMsg::P1a { bal } => bal,
            PaxosMsg::P1b {
                acc,
                bal,
                mbal,
                mval,
            } => b + ((acc * b + bal) * (b + 1) + mbal) * (v + 1) + mval,
            PaxosMsg::P2a { bal, val } => b + a * b * (b + 1) * (v + 1) + bal * v + val,
            PaxosMsg::P2b { acc, bal, val } => {
                b + a * b * (b + 1) * (v + 1) + b * v + (acc * b + bal) * v + val
            }
        };
        i as usize
    }

    /// The message at a place in the bit set (the inverse of [`Paxos::index`]).
    fn message(&self, i: usize) -> PaxosMsg {
        let (a, b, v) = (self.acceptors, self.ballots, self.values);
        let mut i = i as u32;
        if i < b {
            return PaxosMsg::P1a { bal: i };
        }
        i -= b;
        if i < a * b * (b + 1) * (v + 1) {
            let (mval, i) = (i % (v + 1), i / (v + 1));
            let (mbal, i) = (i % (b + 1), i / (b + 1));
            return PaxosMsg::P1b {
                acc: i / b,
                bal: i % b,
                mbal,
                mval,
            };
        }
        i -= a * b * (b + 1) * (v + 1);
        if i < b * v {
            return PaxosMsg::P2a {
                bal: i / v,
                val: i % v,
            };
        }
        i -= b * v;
        PaxosMsg::P2b {
            acc: i / v / b,
            bal: i / v % b,
            val: i % v,
        }
    }

    fn permute(&self, m: PaxosMsg, acc: &[u32], val: &[u32]) -> PaxosMsg {
        let shifted = |x: u32| if x == 0 { 0 } else { val[x as usize - 1] + 1 };
        match m {
            PaxosMsg::P1a { .. } => m,
            PaxosMsg::P1b {
                acc: a,
                bal,
                mbal,
                mval,
            } => PaxosMsg::P1b {
                acc: acc[a as usize],
                bal,
                mbal,
                mval: shifted(mval),
            },
            PaxosMsg::P2a { bal, val: x } => PaxosMsg::P2a {
                bal,
                val: val[x as usize],
            },
            PaxosMsg::P2b {
                acc: a,
                bal,
                val: x,
            } => PaxosMsg::P2b {
                acc: acc[a as usize],
                bal,
                val: val[x as usize],
            },
        }
    }

    fn sent(&self, s: &PaxosState) -> impl Iterator<Item = PaxosMsg> + '_ {
        let msgs = s.msgs;
        (0..self.message_count())
            .filter(move |&i| msgs[i / 64] & (1 << (i % 64)) != 0)
            .map(|i| self.message(i))
    }

    /// Whether the leader of ballot `bal` may propose `val` (the second conjunct of
    /// Phase2a): some quorum has promised ballot `bal`, and `val` is free or is the vote
    /// with the highest ballot among their reports.
    fn safe_to_propose(&self, s: &PaxosState, bal: u32, val: u32) -> bool {
        self.quorums.iter().any(|&q| {
            let mut promised = 0u32;
            let mut highest: Option<(u32, u32)> = None; // (mbal, mval) with mbal >= 1
            let mut values_at_highest = 0u32;
            for m in self.sent(s) {
                if let PaxosMsg::P1b {
                    acc,
                    bal: b,
                    mbal,
                    mval,
                } = m
                {
                    if b != bal || q & (1 << acc) == 0 {
                        continue;
                    }
                    promised |= 1 << acc;
                    if mbal == 0 {
                        continue;
                    }
                    match highest {
                        Some((hb, _)) if hb > mbal => {}
                        Some((hb, _)) if hb == mbal => values_at_highest |= 1 << mval,
                        _ => {
                            highest = Some((mbal, mval));
                            values_at_highest = 1 << mval;
                        }
                    }
                }
            }
            promised == q
                && (self.ignore_reported_votes
                    || highest.is_none()
                    || values_at_highest & (1 << (val + 1)) != 0)
        })
    }

    /// The values chosen: voted for by every acceptor of a quorum in one ballot.
    pub fn chosen(&self, s: &PaxosState) -> u32 {
        let mut chosen = 0;
        for bal in 0..self.ballots {
            for val in 0..self.values {
                let mut voters = 0u32;
                for acc in 0..self.acceptors {
                    if s.has(self.index(PaxosMsg::P2b { acc, bal, val })) {
                        voters |= 1 << acc;
                    }
                }
                if self.quorums.iter().any(|&q| q & !voters == 0) {
                    chosen |= 1 << val;
                }
            }
        }
        chosen
    }
}

impl Model for Paxos {
    type State = PaxosState;
    type Action = PaxosAction;

    fn init_states(&self) -> Vec<PaxosState> {
        vec![PaxosState::default()]
    }

    fn actions(&self, s: &PaxosState, out: &mut Vec<PaxosAction>) {
        for bal in 0..self.ballots {
            if !s.has(self.index(PaxosMsg::P1a { bal })) {
                out.push(PaxosAction::Phase1a { bal });
            }
            let proposed =
                (0..self.values).any(|val| s.has(self.index(PaxosMsg::P2a { bal, val })));
            if !proposed {
                for val in 0..self.values {
                    if self.safe_to_propose(s, bal, val) {
                        out.push(PaxosAction::Phase2a { bal, val });
                    }
                }
            }
        }
        for m in self.sent(s) {
            for acc in 0..self.acceptors {
                let max_bal = u32::from(s.acceptors[acc as usize].max_bal);
                match m {
                    // bal > maxBal, with maxBal shifted up by one.
                    PaxosMsg::P1a { bal } if bal + 1 > max_bal => {
                        out.push(PaxosAction::Phase1b { acc, bal })
                    }
                    PaxosMsg::P2a { bal, val } if bal + 1 >= max_bal => {
                        out.push(PaxosAction::Phase2b { acc, bal, val })
                    }
                    _ => {}
                }
            }
        }
    }

    fn next_state(&self, s: &PaxosState, action: &PaxosAction) -> Option<PaxosState> {
        let mut next = *s;
        let msg = match *action {
            PaxosAction::Phase1a { bal } => PaxosMsg::P1a { bal },
            PaxosAction::Phase1b { acc, bal } => {
                let a = &mut next.acceptors[acc as usize];
                a.max_bal = bal as u8 + 1;
                PaxosMsg::P1b {
                    acc,
                    bal,
                    mbal: u32::from(a.max_vbal),
                    mval: u32::from(a.max_val),
                }
            }
            PaxosAction::Phase2a { bal, val } => PaxosMsg::P2a { bal, val },
            PaxosAction::Phase2b { acc, bal, val } => {
                let a = &mut next.acceptors[acc as usize];
                a.max_bal = bal as u8 + 1;
                a.max_vbal = bal as u8 + 1;
                a.max_val = val as u8 + 1;
                PaxosMsg::P2b { acc, bal, val }
            }
        };
        next.add(self.index(msg));
        // Sending a message already sent changes nothing: a stuttering step, not a step.
        (next != *s).then_some(next)
    }

    fn properties(&self) -> Vec<String> {
        vec!["Consistency: at most one value is chosen".to_string()]
    }

    fn violated(&self, s: &PaxosState) -> Option<usize> {
        (self.chosen(s).count_ones() > 1).then_some(0)
    }

    fn identity<H: Hasher>(&self, s: &PaxosState, out: &mut H) {
        for a in &s.acceptors[..self.acceptors as usize] {
            out.write_u8(a.max_bal);
            out.write_u8(a.max_vbal);
            out.write_u8(a.max_val);
        }
        for word in s.msgs {
            out.write_u64(word);
        }
    }

    fn has_symmetry(&self) -> bool {
        true
    }

    fn canonical(&self, s: &PaxosState) -> Option<PaxosState> {
        let mut best: Option<PaxosState> = None;
        for (acc_perm, val_perm, map) in &self.permutations {
            let mut image = PaxosState::default();
            let val_of = |x: u8| {
                if x == 0 {
                    0
                } else {
                    val_perm[x as usize - 1] as u8 + 1
                }
            };
            let count = self.acceptors as usize;
            for (a, &to) in s.acceptors[..count].iter().zip(acc_perm) {
                image.acceptors[to as usize] = Acceptor {
                    max_bal: a.max_bal,
                    max_vbal: a.max_vbal,
                    max_val: val_of(a.max_val),
                };
            }
            for i in (0..self.message_count()).filter(|&i| s.has(i)) {
                image.add(map[i] as usize);
            }
            if best.is_none_or(|b| image < b) {
                best = Some(image);
            }
        }
        best
    }
}
