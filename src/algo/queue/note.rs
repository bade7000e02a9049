//! What the nodes of the queue scene narrate: one typed note per decision, turned into a
//! caption by the scene ("c1 took p1.3 from the queue: working for 30 ms").
use super::message::MessageId;
use crate::algo::redis::{Command, Persistence, RedisError, Reply};
use crate::sim::{NodeId, Time};

/// A consumer's step that can time out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    JoinGroup,
    Fetch,
    Claim,
    CountDeliveries,
    Apply,
    Ack,
    DeadLetter,
    Rest,
    Work,
}

/// Why an acknowledgement (`LREM`, `XACK`) removed nothing: where the message is now, as
/// the broker sees it (its keyspace and its observer's record of acknowledgements).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AckMiss {
    /// Design 3: the stream or its consumer group no longer exists (Redis restarted
    /// without them), so nothing is pending and nothing was requeued.
    GroupGone,
    /// Another consumer holds it now (requeued or claimed, and handed out again).
    HeldBy(NodeId),
    /// Back in the queue, waiting to be handed out again.
    Queued,
    /// Another consumer already processed and acknowledged it.
    DoneBy(NodeId),
    /// Nowhere in Redis, and no consumer acknowledged it: Redis lost it in a crash.
    Lost,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueNote {
    // The broker.
    /// Redis ran a command for `client` and answered. `miss` explains an acknowledgement
    /// that removed nothing; `served` is a client blocked until now that this command's
    /// write served at once (the message never waited in the queue).
    BrokerRan {
        client: NodeId,
        command: Command,
        reply: Reply,
        miss: Option<AckMiss>,
        served: Option<NodeId>,
    },
    /// A blocking command found no data: the client waits on the key.
    BrokerParked {
        client: NodeId,
        command: Command,
    },
    /// A client blocked earlier got data from this command.
    BrokerServedWaiter {
        client: NodeId,
        reply: Reply,
    },
    /// A blocked client's timeout ran out: it gets a nil.
    BrokerTimedOutWaiter {
        client: NodeId,
    },
    /// The background fsync wrote these many commands to disk.
    BrokerFsynced {
        commands: u64,
    },
    /// Restarted and replayed the append-only file: `keys` keys recovered; `lost_writes`
    /// write commands, over all crashes so far, never reached the disk.
    BrokerRecovered {
        persistence: Persistence,
        keys: u64,
        lost_writes: u64,
    },
    // Producers.
    ProducerSent {
        message: MessageId,
        attempt: u32,
        waits: bool,
    },
    ProducerConfirmed {
        message: MessageId,
    },
    /// Redis answered with an error: the producer gives up on the message.
    ProducerRefused {
        message: MessageId,
    },
    /// No reply in time; `retry` says whether it sends the message again.
    ProducerTimedOut {
        message: MessageId,
        attempt: u32,
        retry: bool,
    },
    // Consumers.
    ConsumerReceived {
        message: MessageId,
        claimed: bool,
    },
    ConsumerFoundNothing {
        claiming: bool,
    },
    ConsumerWorking {
        message: MessageId,
        service: Time,
    },
    /// Processing a poison message failed: no effect, no acknowledgement.
    ConsumerFailed {
        message: MessageId,
    },
    ConsumerApplying {
        message: MessageId,
        idempotent: bool,
    },
    /// The dedupe table had the message: this delivery was a duplicate, made harmless.
    ConsumerSkippedDuplicate {
        message: MessageId,
    },
    /// Acknowledged; `removed` says whether Redis still had it to remove (the consumer
    /// learns no more: the broker's note says why not). `stream`: an `XACK`, which only
    /// takes the entry off the pending entries list (the stream keeps it until trimmed).
    /// `duplicate`: the database had already recorded the message (idempotent consumers).
    ConsumerAcked {
        message: MessageId,
        removed: bool,
        stream: bool,
        duplicate: bool,
    },
    ConsumerDeadLettering {
        message: MessageId,
        deliveries: u64,
    },
    /// A reply to a request the consumer gave up on; `carried` is the message it handed
    /// out, which this consumer will never process.
    ConsumerIgnoredLateReply {
        req: u64,
        carried: Option<MessageId>,
    },
    ConsumerTimedOut {
        step: Step,
    },
    ConsumerGotError {
        error: RedisError,
    },
    /// Redis no longer knows the consumer group: create it again.
    ConsumerRejoining,
    ConsumerSpeed {
        slow: bool,
    },
    // The database.
    DbApplied {
        message: MessageId,
        from: NodeId,
        /// How many times this message's effect has now been applied.
        times: u32,
        /// Whether the message id went into the dedupe table in the same transaction.
        recorded: bool,
    },
    DbSkippedDuplicate {
        message: MessageId,
        from: NodeId,
    },
    // The reaper.
    ReaperScanned {
        consumer: u32,
        items: u32,
    },
    /// A message stayed in a processing list past the visibility timeout: push it back.
    ReaperRequeueing {
        consumer: u32,
        message: MessageId,
    },
    /// Removed the requeued message from the processing list; `was_there` is false when the
    /// consumer finished and removed it first (the requeued copy is then a duplicate).
    ReaperRemoved {
        consumer: u32,
        message: MessageId,
        was_there: bool,
    },
    ReaperTimedOut,
}
