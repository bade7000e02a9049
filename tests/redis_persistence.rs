//! The Redis model's persistence and blocking, on the model alone: what a crash keeps
//! under each persistence setting, and the order blocked clients are served in.
use dsviz::algo::redis::{
    changed_data, creates_consumer, Command, End, GroupStart, Persistence, ReadFrom, Redis, Reply,
    Server, SetCondition, XaddId,
};
use dsviz::sim::{SimRng, Time};

/// A random write or read on a small keyspace (lists, a stream with a group, counters).
fn random_command(rng: &mut SimRng) -> Command {
    let value = format!("v{}", rng.below(5));
    match rng.below(9) {
        0 | 1 => Command::Lpush {
            key: "q".into(),
            values: vec![value],
        },
        2 => Command::Lmove {
            source: "q".into(),
            destination: "p".into(),
            from: End::Right,
            to: End::Left,
        },
        3 => Command::Lrem {
            key: "p".into(),
            count: 1,
            value,
        },
        4 => Command::Xadd {
            key: "s".into(),
            id: XaddId::Auto,
            fields: vec![("m".into(), value)],
        },
        5 => Command::Xreadgroup {
            group: "g".into(),
            consumer: "c".into(),
            count: Some(1),
            block_ms: None,
            noack: false,
            streams: vec![("s".into(), ReadFrom::New)],
        },
        6 => Command::Incr { key: "n".into() },
        7 => Command::Set {
            key: "lock".into(),
            value,
            condition: SetCondition::IfAbsent,
            px: Some(1 + rng.below(50)),
        },
        _ => Command::Llen { key: "q".into() },
    }
}

fn server(persistence: Persistence) -> Server<u32> {
    let mut s = Server::new(persistence);
    let create = Command::XgroupCreate {
        key: "s".into(),
        group: "g".into(),
        start: GroupStart::After(Default::default()),
        mkstream: true,
    };
    assert_eq!(s.execute(0, create, Time::ZERO)[0].1, Reply::OK);
    s.fsync();
    s
}

/// Everything a client could read, as of `now`.
fn contents(db: &Redis, now: Time) -> Vec<(String, String)> {
    db.entries(now)
        .map(|(k, e)| (k.to_string(), format!("{:?}", e.value)))
        .collect()
}

#[test]
fn fsync_always_keeps_every_write_through_a_crash() {
    for seed in 0..200 {
        let mut rng = SimRng::new(seed);
        let mut s = server(Persistence::AofAlways);
        let mut now = Time::ZERO;
        for _ in 0..rng.between(1, 80) {
            now = now.saturating_add(Time(rng.between(1, 3_000)));
            s.execute(1, random_command(&mut rng), now);
        }
        let before = contents(s.db(), now);
        s.crash();
        assert_eq!(contents(s.db(), now), before, "seed {seed}");
        assert_eq!(s.aof().lost_count(), 0);
    }
}

#[test]
fn fsync_everysec_loses_exactly_the_writes_after_the_last_fsync() {
    let mut lost_some = false;
    for seed in 0..200 {
        let mut rng = SimRng::new(seed);
        let mut s = server(Persistence::AofEverySec);
        let mut now = Time::ZERO;
        let mut at_fsync = s.db().clone();
        let mut writes_since = 0;
        for _ in 0..rng.between(1, 80) {
            now = now.saturating_add(Time(rng.between(1, 3_000)));
            let cmd = random_command(&mut rng);
            let new_consumer = creates_consumer(s.db(), &cmd, now);
            let reply = s.execute(1, cmd.clone(), now);
            // Only writes that changed the data reach the file (a refused `SET NX` does not).
            if changed_data(&cmd, &reply[0].1, new_consumer) {
                writes_since += 1;
            }
            if rng.below(10) == 0 {
                s.fsync();
                at_fsync = s.db().clone();
                writes_since = 0;
            }
        }
        assert_eq!(s.aof().unsynced().len(), writes_since, "seed {seed}");
        lost_some |= contents(s.db(), now) != contents(&at_fsync, now);
        s.crash();
        assert_eq!(
            contents(s.db(), now),
            contents(&at_fsync, now),
            "seed {seed}"
        );
        assert_eq!(s.aof().lost_count(), writes_since as u64, "seed {seed}");
    }
    assert!(lost_some, "some crash lost acknowledged writes");
}

#[test]
fn no_persistence_restarts_empty() {
    let mut s = server(Persistence::None);
    s.execute(1, random_command(&mut SimRng::new(1)), Time(5));
    assert!(s.db().entries(Time(5)).count() > 0);
    s.crash();
    assert_eq!(s.db().entries(Time(5)).count(), 0);
}

#[test]
fn a_restart_loses_the_blocked_clients_and_keeps_key_expiry() {
    let mut s = server(Persistence::AofAlways);
    let set = Command::Set {
        key: "lock".into(),
        value: "me".into(),
        condition: SetCondition::IfAbsent,
        px: Some(100),
    };
    s.execute(1, set, Time::from_millis(10));
    let wait = Command::Brpop {
        keys: vec!["empty".into()],
        timeout_ms: 0,
    };
    assert!(s.execute(2, wait, Time::from_millis(10)).is_empty());
    assert_eq!(s.waiters().len(), 1);
    s.crash();
    assert!(s.waiters().is_empty());
    let get = Command::Get { key: "lock".into() };
    // The TTL counts from the original SET, not from the restart.
    assert_eq!(
        s.execute(1, get.clone(), Time::from_millis(110))[0].1,
        Reply::Bulk("me".into())
    );
    assert_eq!(s.execute(1, get, Time::from_millis(111))[0].1, Reply::Nil);
}

#[test]
fn blocked_clients_are_served_first_come_first_served_and_time_out_with_nil() {
    let mut s: Server<u32> = Server::new(Persistence::None);
    let brpop = |timeout_ms| Command::Brpop {
        keys: vec!["q".into()],
        timeout_ms,
    };
    for client in 1..=3 {
        assert!(s
            .execute(client, brpop(100 * u64::from(client)), Time::ZERO)
            .is_empty());
    }
    let push = Command::Lpush {
        key: "q".into(),
        values: vec!["a".into(), "b".into()],
    };
    let replies = s.execute(9, push, Time::from_millis(50));
    let item = |v: &str| Reply::Array(vec![Reply::Bulk("q".into()), Reply::Bulk(v.into())]);
    assert_eq!(
        replies,
        vec![(9, Reply::Integer(2)), (1, item("a")), (2, item("b"))]
    );
    assert_eq!(s.next_deadline(), Some(Time::from_millis(300)));
    assert!(s.expire_waiters(Time::from_millis(299)).is_empty());
    assert_eq!(
        s.expire_waiters(Time::from_millis(300)),
        vec![(3, Reply::NilArray)]
    );
}

#[test]
fn a_served_blmove_feeds_the_clients_blocked_on_its_destination() {
    let mut s: Server<u32> = Server::new(Persistence::AofAlways);
    let blmove = Command::Blmove {
        source: "a".into(),
        destination: "b".into(),
        from: End::Right,
        to: End::Left,
        timeout_ms: 0,
    };
    let brpop = Command::Brpop {
        keys: vec!["b".into()],
        timeout_ms: 0,
    };
    assert!(s.execute(1, blmove, Time::ZERO).is_empty());
    assert!(s.execute(2, brpop, Time::ZERO).is_empty());
    let push = Command::Rpush {
        key: "a".into(),
        values: vec!["x".into()],
    };
    let replies = s.execute(3, push, Time(1));
    assert_eq!(
        replies,
        vec![
            (3, Reply::Integer(1)),
            (1, Reply::Bulk("x".into())),
            (
                2,
                Reply::Array(vec![Reply::Bulk("b".into()), Reply::Bulk("x".into())])
            ),
        ]
    );
    // The AOF holds the effects (RPUSH, LMOVE, RPOP), so a replay ends with both empty.
    s.crash();
    assert_eq!(s.db().entries(Time(1)).count(), 0);
    assert_eq!(s.aof().synced_count(), 3);
}
