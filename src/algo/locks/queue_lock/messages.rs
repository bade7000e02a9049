//! The queue lock's messages, and what a waiter watches.
use crate::sim::Time;
use std::fmt;

/// Messages of the queue lock. Every message names the client's session (`epoch`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueueMsg {
    /// Heartbeat; `sent_at` comes back in the reply so the client can time its session.
    Ping {
        epoch: u32,
        sent_at: Time,
    },
    /// `last_notified`: the version of the last notification sent to this session.
    Pong {
        epoch: u32,
        sent_at: Time,
        last_notified: u64,
    },
    /// The server no longer knows this session (it expired or was closed).
    SessionExpired {
        epoch: u32,
    },
    /// The client is done: delete its nodes now.
    Close {
        epoch: u32,
    },
    /// Create an ephemeral sequential child of `/lock` (once per `attempt`).
    Create {
        epoch: u32,
        attempt: u32,
    },
    Created {
        epoch: u32,
        attempt: u32,
        seq: u64,
        version: u64,
    },
    /// Read the children; `watch`: be notified of the next change (herd variant).
    GetChildren {
        epoch: u32,
        watch: bool,
    },
    Children {
        epoch: u32,
        seqs: Vec<u64>,
        version: u64,
        /// Ghost (never read by the client's decisions): the first child's place in the
        /// order of grants, carried to the client that holds the lock by it.
        head_grant: Option<u64>,
    },
    /// Does child `seq` exist? `watch`: be notified when it is deleted.
    Exists {
        epoch: u32,
        seq: u64,
        watch: bool,
    },
    ExistsReply {
        epoch: u32,
        seq: u64,
        exists: bool,
        version: u64,
    },
    Delete {
        epoch: u32,
        seq: u64,
    },
    Deleted {
        epoch: u32,
        seq: u64,
    },
    /// Notification: the children of `/lock` changed (herd variant).
    ChildrenChanged {
        epoch: u32,
        version: u64,
    },
    /// Notification: the watched child was deleted.
    NodeDeleted {
        epoch: u32,
        seq: u64,
        version: u64,
    },
}

impl QueueMsg {
    pub fn epoch(&self) -> u32 {
        match self {
            QueueMsg::Ping { epoch, .. }
            | QueueMsg::Pong { epoch, .. }
            | QueueMsg::SessionExpired { epoch }
            | QueueMsg::Close { epoch }
            | QueueMsg::Create { epoch, .. }
            | QueueMsg::Created { epoch, .. }
            | QueueMsg::GetChildren { epoch, .. }
            | QueueMsg::Children { epoch, .. }
            | QueueMsg::Exists { epoch, .. }
            | QueueMsg::ExistsReply { epoch, .. }
            | QueueMsg::Delete { epoch, .. }
            | QueueMsg::Deleted { epoch, .. }
            | QueueMsg::ChildrenChanged { epoch, .. }
            | QueueMsg::NodeDeleted { epoch, .. } => *epoch,
        }
    }

    pub fn is_notification(&self) -> bool {
        matches!(
            self,
            QueueMsg::ChildrenChanged { .. } | QueueMsg::NodeDeleted { .. }
        )
    }

    /// Session upkeep rather than lock traffic.
    pub fn is_heartbeat(&self) -> bool {
        matches!(
            self,
            QueueMsg::Ping { .. }
                | QueueMsg::Pong { .. }
                | QueueMsg::SessionExpired { .. }
                | QueueMsg::Close { .. }
        )
    }

    pub fn label(&self) -> String {
        let watch = |w: bool| if w { " + watch" } else { "" };
        match self {
            QueueMsg::Ping { .. } => "ping".into(),
            QueueMsg::Pong { .. } => "pong".into(),
            QueueMsg::SessionExpired { epoch } => format!("session {epoch} expired"),
            QueueMsg::Close { epoch } => format!("close session {epoch}"),
            QueueMsg::Create { .. } => "create /lock/n- (ephemeral, sequential)".into(),
            QueueMsg::Created { seq, .. } => format!("created #{seq}"),
            QueueMsg::GetChildren { watch: w, .. } => format!("get children{}", watch(*w)),
            QueueMsg::Children { seqs, .. } => {
                let list: Vec<String> = seqs.iter().map(|s| format!("#{s}")).collect();
                format!("children [{}]", list.join(" "))
            }
            QueueMsg::Exists { seq, watch: w, .. } => format!("exists #{seq}?{}", watch(*w)),
            QueueMsg::ExistsReply {
                seq, exists: true, ..
            } => format!("#{seq} exists"),
            QueueMsg::ExistsReply { seq, .. } => format!("#{seq} is gone"),
            QueueMsg::Delete { seq, .. } => format!("delete #{seq}"),
            QueueMsg::Deleted { seq, .. } => format!("deleted #{seq}"),
            QueueMsg::ChildrenChanged { .. } => "watch: children changed".into(),
            QueueMsg::NodeDeleted { seq, .. } => format!("watch: #{seq} deleted"),
        }
    }
}

/// What a waiter in the queue lock is watching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WatchTarget {
    /// The node just before its own (no herd effect).
    Predecessor(u64),
    /// The lock node's list of children: every change wakes it (the herd effect).
    LockNode,
    /// No watch registered at the moment (it is reading the children again).
    Nothing,
}

impl fmt::Display for WatchTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchTarget::Predecessor(seq) => write!(f, "watches #{seq}"),
            WatchTarget::LockNode => f.write_str("watches /lock"),
            WatchTarget::Nothing => f.write_str("no watch"),
        }
    }
}
