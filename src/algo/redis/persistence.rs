//! Persistence: what a Redis keeps when its machine goes down.
//!
//! With the append-only file (AOF) on, Redis appends every write command to a file. The
//! question is when the file reaches the disk (`fsync`):
//! - `appendfsync always`: before the reply is sent. Nothing a client was told succeeded
//!   is ever lost, at the price of one disk flush per write.
//! - `appendfsync everysec`: a background thread flushes once a second. Writes of the last
//!   second or so sit in the operating system's page cache: a power loss or kernel crash
//!   loses them, even though their clients were already told "OK". (A crash of the Redis
//!   *process* alone loses nothing, since the page cache survives; a crash here is the
//!   whole machine going down.)
//! - no persistence: a restart starts from an empty database.
//!
//! On restart Redis replays the file. The model keeps the replayed result directly: a
//! second database (`disk`) to which each command is applied when it is fsynced, at the
//! time it first ran, which reproduces exactly what a replay would. Redis itself logs
//! effects rather than commands (`BRPOP` becomes `RPOP`, `XADD *` gets its generated id,
//! `PX` becomes an absolute `PXAT`); running the logged command again at its original time
//! has the same effect.
use super::command::Command;
use super::keyspace::Redis;
use crate::sim::Time;
use std::fmt;
use std::str::FromStr;

/// The persistence setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Persistence {
    /// Nothing survives a crash.
    None,
    /// `appendonly yes`, `appendfsync everysec`.
    #[default]
    AofEverySec,
    /// `appendonly yes`, `appendfsync always`.
    AofAlways,
}

impl Persistence {
    pub const ALL: [Persistence; 3] = [
        Persistence::None,
        Persistence::AofEverySec,
        Persistence::AofAlways,
    ];

    /// The setting's name in links.
    pub fn slug(self) -> &'static str {
        match self {
            Persistence::None => "none",
            Persistence::AofEverySec => "everysec",
            Persistence::AofAlways => "always",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Persistence::None => "no persistence",
            Persistence::AofEverySec => "AOF, fsync every second",
            Persistence::AofAlways => "AOF, fsync always",
        }
    }

    /// How often the background fsync runs, if there is one.
    pub fn fsync_interval(self) -> Option<Time> {
        (self == Persistence::AofEverySec).then_some(Time::from_millis(1000))
    }
}

impl fmt::Display for Persistence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Persistence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Persistence::ALL
            .into_iter()
            .find(|p| p.slug() == s)
            .ok_or_else(|| {
                format!("unknown persistence \"{s}\" (expected none, everysec or always)")
            })
    }
}

/// The append-only file: what is on disk, and what still waits for an fsync.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Aof {
    persistence: Persistence,
    /// The database a replay of the fsynced part of the file gives.
    disk: Redis,
    /// Written but not yet fsynced, oldest first, each with the time it ran.
    unsynced: Vec<(Command, Time)>,
    synced_count: u64,
    lost_count: u64,
}

impl Aof {
    pub fn new(persistence: Persistence) -> Self {
        Aof {
            persistence,
            ..Aof::default()
        }
    }

    pub fn persistence(&self) -> Persistence {
        self.persistence
    }

    /// Records a write command that ran at `at`.
    pub fn append(&mut self, cmd: Command, at: Time) {
        match self.persistence {
            Persistence::None => {}
            Persistence::AofAlways => self.write_to_disk(&cmd, at),
            Persistence::AofEverySec => self.unsynced.push((cmd, at)),
        }
    }

    /// The background fsync: everything written so far reaches the disk.
    pub fn fsync(&mut self) {
        for (cmd, at) in std::mem::take(&mut self.unsynced) {
            self.write_to_disk(&cmd, at);
        }
    }

    fn write_to_disk(&mut self, cmd: &Command, at: Time) {
        self.disk.execute(cmd, at);
        self.disk.take_ready_keys();
        self.synced_count += 1;
    }

    /// The machine goes down: what was not fsynced is gone. Returns the database a restart
    /// recovers.
    pub fn crash(&mut self) -> Redis {
        self.lost_count += self.unsynced.len() as u64;
        self.unsynced.clear();
        self.disk.clone()
    }

    /// The writes waiting for the next fsync, oldest first, with the time each ran.
    pub fn unsynced(&self) -> &[(Command, Time)] {
        &self.unsynced
    }

    /// Write commands that reached the disk so far.
    pub fn synced_count(&self) -> u64 {
        self.synced_count
    }

    /// Write commands lost in crashes before they reached the disk.
    pub fn lost_count(&self) -> u64 {
        self.lost_count
    }

    /// What a restart would recover now.
    pub fn disk(&self) -> &Redis {
        &self.disk
    }
}
