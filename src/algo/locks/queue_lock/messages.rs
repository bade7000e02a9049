//! The queue lock's messages, and what a waiter watches.
use crate::sim::{Line, Time};
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

    pub fn label(&self) -> Line {
        let seq_line = |template, seq: &u64| Line::tr(template).with("seq", seq);
        match self {
            QueueMsg::Ping { .. } => Line::tr("ping"),
            QueueMsg::Pong { .. } => Line::tr("pong"),
            QueueMsg::SessionExpired { epoch } => {
                Line::tr("session {epoch} expired").with("epoch", epoch)
            }
            QueueMsg::Close { epoch } => Line::tr("close session {epoch}").with("epoch", epoch),
            QueueMsg::Create { .. } => Line::tr("create /lock/n- (ephemeral, sequential)"),
            QueueMsg::Created { seq, .. } => seq_line("created #{seq}", seq),
            QueueMsg::GetChildren { watch: true, .. } => Line::tr("get children + watch"),
            QueueMsg::GetChildren { .. } => Line::tr("get children"),
            QueueMsg::Children { seqs, .. } => {
                let list: Vec<String> = seqs.iter().map(|s| format!("#{s}")).collect();
                Line::tr("children [{list}]").with("list", list.join(" "))
            }
            QueueMsg::Exists {
                seq, watch: true, ..
            } => seq_line("exists #{seq}? + watch", seq),
            QueueMsg::Exists { seq, .. } => seq_line("exists #{seq}?", seq),
            // (A catalogue line starting with `#` would be a comment: the `#` is in the value.)
            QueueMsg::ExistsReply {
                seq, exists: true, ..
            } => Line::tr("{node} exists").with("node", format_args!("#{seq}")),
            QueueMsg::ExistsReply { seq, .. } => {
                Line::tr("{node} is gone").with("node", format_args!("#{seq}"))
            }
            QueueMsg::Delete { seq, .. } => seq_line("delete #{seq}", seq),
            QueueMsg::Deleted { seq, .. } => seq_line("deleted #{seq}", seq),
            QueueMsg::ChildrenChanged { .. } => Line::tr("watch: children changed"),
            QueueMsg::NodeDeleted { seq, .. } => seq_line("watch: #{seq} deleted", seq),
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

impl WatchTarget {
    /// What the waiter watches, as the server's detail lines say it.
    pub fn line(&self) -> Line {
        match self {
            WatchTarget::Predecessor(seq) => Line::tr("watches #{seq}").with("seq", seq),
            WatchTarget::LockNode => Line::tr("watches /lock"),
            WatchTarget::Nothing => Line::tr("no watch"),
        }
    }
}

impl fmt::Display for WatchTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.line(), f)
    }
}
