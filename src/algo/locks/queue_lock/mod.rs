//! A queue lock, the ZooKeeper recipe.
//!
//! The lock is a node, `/lock`. To ask for it, a client creates a child node that is
//! *ephemeral* (it lives only as long as the client's session) and *sequential* (the
//! server appends an ever-increasing number, so children are numbered in creation order).
//! Then it reads the children. If its own number is the lowest, it holds the lock.
//! Otherwise it waits, and waiting is where the two variants differ:
//!
//! - **Watch the predecessor**: the client sets a watch on the child just before its own
//!   and sleeps until that one is deleted (then it reads the children again: the
//!   predecessor may have left the queue without ever holding the lock). Each release
//!   wakes exactly one client. The clients form a fair FIFO queue.
//! - **Watch the lock node** (the naive version): every waiter watches the whole list of
//!   children. Every change (every release, and every new waiter) wakes *every* waiter,
//!   who all read the children again and set their watches again, only for one of them to
//!   win. That is the *herd effect*: the messages per acquisition grow with the number of
//!   waiters. The view counts the notifications and the messages.
//!
//! Releasing is deleting your child. A client that crashes cannot delete it, so the
//! session does: the client sends heartbeats, and when the server has heard nothing from
//! a session for the session timeout it expires the session and deletes its ephemeral
//! nodes, which wakes the next waiter. The lock is therefore a lease too, renewed by the
//! heartbeats rather than by the holder's requests. A holder cut off from the server, or
//! paused for longer than the timeout, loses the lock without knowing it until it hears
//! from the server again; the client library stops trusting its session once a whole
//! timeout has passed without a heartbeat reply, but a paused client cannot even do that.
//!
//! The fencing token is the child's sequence number. ZooKeeper takes it from the parent
//! node's child version (`cversion`), which counts every child created or deleted under
//! `/lock`, so it increases with every grant and the storage can refuse older ones.
//!
//! The model's network may lose and reorder messages, where ZooKeeper's sessions run over
//! TCP. So requests are repeated until answered (they are idempotent: a repeated create
//! returns the node already made for that attempt), every reply and notification carries
//! the server's version (the lock node's child version) so that a notification overtaken
//! by a reply is not missed, and heartbeat replies say when the server last notified the
//! session, so a lost notification is noticed.
mod client;
mod messages;
mod server;

pub(crate) use client::QueueClient;
pub use messages::{QueueMsg, WatchTarget};
pub use server::{Child, QueueServer};
