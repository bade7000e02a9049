//! The scene's parameters and the settings every node keeps of them.
use crate::sim::{Line, NodeId, Time};
use std::fmt;
use std::str::FromStr;

/// A transaction's number. Transactions are numbered from 1; 0 means "none".
pub type TxId = u32;

/// The coordinator is always node 0; participants are nodes 1 to n.
pub const COORDINATOR: NodeId = NodeId(0);
pub const MIN_PARTICIPANTS: u32 = 2;
pub const MAX_PARTICIPANTS: u32 = 7;
/// The longest duration (flush, work, timeout, interval) a configuration may ask for.
pub const MAX_DURATION: Time = Time::from_millis(60_000);

/// Each log keeps the records of its three most recent transactions and drops older ones,
/// as a database truncates its log after a checkpoint; otherwise a long run (and every
/// timeline checkpoint of it) would carry an ever-growing log.
pub(super) const LOG_KEEP: TxId = 3;

/// How many recent transactions a participant's record of its own yes votes covers (used
/// only by the validity invariant; one more than `LOG_KEEP`, so it covers every
/// transaction a log can still show).
pub(super) const VOTE_HISTORY_KEEP: TxId = LOG_KEEP + 1;

/// A participant's vote when a `PREPARE` arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vote {
    Yes,
    No,
    /// Drawn from the seeded randomness when the prepare arrives: yes three times in four,
    /// so that transactions with several random voters still commit now and then.
    Random,
}

impl Vote {
    pub const ALL: [Vote; 3] = [Vote::Yes, Vote::No, Vote::Random];

    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Yes => "yes",
            Vote::No => "no",
            Vote::Random => "random",
        }
    }

    /// The vote, as a node's detail line says it.
    pub fn word(self) -> crate::sim::Line {
        use crate::sim::Line;
        match self {
            Vote::Yes => Line::tr("yes"),
            Vote::No => Line::tr("no"),
            Vote::Random => Line::tr("random"),
        }
    }
}

impl fmt::Display for Vote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Vote {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vote::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("\"{s}\" is not a vote (expected yes, no or random)"))
    }
}

/// Which version of the protocol the nodes run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// Every record is on disk before a message that depends on it is sent.
    Correct,
    /// Broken: the coordinator sends its commit decision before its commit record is
    /// flushed.
    SendBeforeLog,
    /// Broken: participants do not log their yes vote, so a crash makes them forget it.
    ForgetVoteOnCrash,
}

impl Variant {
    pub const ALL: [Variant; 3] = [
        Variant::Correct,
        Variant::SendBeforeLog,
        Variant::ForgetVoteOnCrash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Correct => "correct",
            Variant::SendBeforeLog => "send-before-log",
            Variant::ForgetVoteOnCrash => "forget-vote",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Variant::Correct => {
                "every record reaches the disk before the message that depends on it"
            }
            Variant::SendBeforeLog => {
                "broken: the coordinator sends COMMIT before its COMMIT record is on disk"
            }
            Variant::ForgetVoteOnCrash => {
                "broken: participants vote yes without logging PREPARED, and forget it in a crash"
            }
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "\"{s}\" is not a variant (expected correct, send-before-log or forget-vote)"
                )
            })
    }
}

/// A 2PC scene's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TwoPcConfig {
    /// How many participants (2 to 7); they are nodes 1 to `participants`.
    pub participants: u32,
    /// Each participant's vote, in order (P1 first).
    pub votes: Vec<Vote>,
    pub variant: Variant,
    /// Whether in-doubt participants also ask each other.
    pub cooperative_termination: bool,
    /// How many transactions the coordinator runs one after the other; 0 means no limit.
    pub transactions: u32,
    /// How long a log write takes to reach the disk.
    pub flush_time: Time,
    /// How long the transaction's work lasts: the coordinator sends `PREPARE` this long
    /// after `BEGIN`.
    pub work_time: Time,
    /// A participant that is working and has not been asked to prepare within this time
    /// aborts on its own.
    pub work_timeout: Time,
    /// The coordinator aborts if the votes have not all arrived within this time.
    pub vote_timeout: Time,
    /// A prepared participant that has heard nothing for this long is in doubt and asks
    /// for the outcome; it asks again at the same interval.
    pub decision_timeout: Time,
    /// The coordinator resends its decision to participants that have not acknowledged it
    /// at this interval.
    pub retransmit_interval: Time,
    /// The pause between one transaction's end and the next one's start.
    pub think_time: Time,
}

impl Default for TwoPcConfig {
    fn default() -> Self {
        TwoPcConfig {
            participants: 3,
            votes: vec![Vote::Yes; 3],
            variant: Variant::Correct,
            cooperative_termination: false,
            transactions: 1,
            flush_time: Time::from_millis(2),
            work_time: Time::from_millis(40),
            work_timeout: Time::from_millis(200),
            vote_timeout: Time::from_millis(100),
            decision_timeout: Time::from_millis(100),
            retransmit_interval: Time::from_millis(80),
            think_time: Time::from_millis(20),
        }
    }
}

impl TwoPcConfig {
    /// The default configuration with `participants` participants, all voting yes.
    pub fn with_participants(participants: u32) -> Self {
        TwoPcConfig {
            participants,
            votes: vec![Vote::Yes; participants as usize],
            ..TwoPcConfig::default()
        }
    }

    /// Says what is wrong with the parameters, in words meant for the page: a typed line
    /// (an English template and its values) that the page shows in its language.
    pub fn validate(&self) -> Result<(), Line> {
        if !(MIN_PARTICIPANTS..=MAX_PARTICIPANTS).contains(&self.participants) {
            return Err(Line::tr(
                "two-phase commit here takes {min} to {max} participants, not {n}",
            )
            .with("min", MIN_PARTICIPANTS)
            .with("max", MAX_PARTICIPANTS)
            .with("n", self.participants));
        }
        if self.votes.len() != self.participants as usize {
            return Err(Line::tr(
                "there are {n} participants but {votes} votes: give exactly one vote per \
                 participant",
            )
            .with("n", self.participants)
            .with("votes", self.votes.len()));
        }
        let durations = [
            (Line::tr("the disk flush time"), self.flush_time),
            (Line::tr("the work time"), self.work_time),
            (
                Line::tr("the participants' work timeout"),
                self.work_timeout,
            ),
            (
                Line::tr("the coordinator's vote timeout"),
                self.vote_timeout,
            ),
            (
                Line::tr("the participants' decision timeout"),
                self.decision_timeout,
            ),
            (
                Line::tr("the retransmit interval"),
                self.retransmit_interval,
            ),
            (
                Line::tr("the think time between transactions"),
                self.think_time,
            ),
        ];
        if let Some((name, _)) = durations.iter().find(|(_, t)| *t == Time::ZERO) {
            return Err(Line::tr("{name} must be longer than zero").text("name", name.clone()));
        }
        // Safety holds for every combination of timeouts (see the module header); the
        // bound only keeps a run's length reasonable.
        if let Some((name, t)) = durations.iter().find(|(_, t)| *t > MAX_DURATION) {
            return Err(
                Line::tr("{what} of {value} is longer than the {max} this scene allows")
                    .text("what", name.clone())
                    .with("value", t)
                    .with("max", MAX_DURATION),
            );
        }
        if self.work_timeout <= self.work_time {
            return Err(Line::tr(
                "the participants' work timeout ({timeout}) must be longer than the work time \
                 ({work}), or every participant would give up before the prepare arrives",
            )
            .with("timeout", self.work_timeout)
            .with("work", self.work_time));
        }
        Ok(())
    }
}

/// What every node keeps of the configuration: how it was built, not its state, so a crash
/// does not touch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Settings {
    pub(super) participants: u32,
    pub(super) variant: Variant,
    pub(super) cooperative_termination: bool,
    pub(super) transactions: u32,
    pub(super) flush_time: Time,
    pub(super) work_time: Time,
    pub(super) work_timeout: Time,
    pub(super) vote_timeout: Time,
    pub(super) decision_timeout: Time,
    pub(super) retransmit_interval: Time,
    pub(super) think_time: Time,
}

impl Settings {
    pub(super) fn new(config: &TwoPcConfig) -> Self {
        Settings {
            // Clamped so that an unvalidated configuration cannot overflow the vote masks.
            participants: config
                .participants
                .clamp(MIN_PARTICIPANTS, MAX_PARTICIPANTS),
            variant: config.variant,
            cooperative_termination: config.cooperative_termination,
            transactions: config.transactions,
            flush_time: config.flush_time,
            work_time: config.work_time,
            work_timeout: config.work_timeout,
            vote_timeout: config.vote_timeout,
            decision_timeout: config.decision_timeout,
            retransmit_interval: config.retransmit_interval,
            think_time: config.think_time,
        }
    }

    pub(super) fn participant_ids(&self) -> impl Iterator<Item = NodeId> {
        (1..=self.participants).map(NodeId)
    }

    /// The bit of every participant (bit `i` for node `i`).
    pub(super) fn everyone(&self) -> u8 {
        ((1u16 << (self.participants + 1)) - 2) as u8
    }

    pub(super) fn is_participant(&self, node: NodeId) -> bool {
        (1..=self.participants).contains(&node.0)
    }
}
