//! The locks scene's Redis is the shared Redis model: the lock is a key set with
//! `SET NX PX`, the fencing counter an `INCR`ed key, the release a compare-and-delete, the
//! expiry Redis's (whole milliseconds, gone once the clock is past the deadline), and a
//! crash loses what the persistence setting loses: nothing (`appendfsync always`), the
//! writes not yet fsynced (`everysec`), or everything (none).
use dsviz::algo::locks::lease_server::lease_value;
use dsviz::algo::locks::{
    new_sim, scenario, server_crash_under_a_paused_holder, LeaseServer, LockNode, LockNote,
    LocksConfig, Persistence, FENCING_KEY, LOCK_KEY, NO_STALE_WRITES,
};
use dsviz::algo::redis::Value;
use dsviz::sim::scenario::resolve;
use dsviz::sim::{Action, NodeId, Sim, Time, Timeline, TraceKind};

const SERVER: NodeId = NodeId(0);

fn server(sim: &Sim<LockNode>) -> &LeaseServer {
    match sim.node(SERVER) {
        Some(LockNode::LeaseServer(s)) => s,
        other => panic!("node 0 is the lease server, not {other:?}"),
    }
}

/// Runs until the server has made `grants` grants (or `max_steps` pass).
fn run_until_grants(sim: &mut Sim<LockNode>, grants: u64, max_steps: u64) {
    while server(sim).grants() < grants && sim.step_count() < max_steps && sim.step(None) {}
    assert_eq!(server(sim).grants(), grants, "the clients got the lock");
}

#[test]
fn the_lock_is_a_redis_key_with_a_px_expiry_and_the_token_an_incr_counter() {
    let mut sim = new_sim(1, &LocksConfig::default());
    run_until_grants(&mut sim, 1, 10_000);
    let s = server(&sim);
    let lease = s.lease().expect("the key is set");
    let now = sim.now();
    let db = s.db();
    assert_eq!(
        db.value(LOCK_KEY, now),
        Some(&Value::String(lease_value(lease.token))),
        "the key holds the client's random value"
    );
    let granted_ms = lease.granted_at.micros() / 1000;
    let stored = db.stored(LOCK_KEY).expect("stored");
    assert_eq!(stored.expires_at_ms, Some(granted_ms + 100), "PX 100");
    assert_eq!(lease.expires_at, Time::from_millis(granted_ms + 101));
    assert_eq!(
        db.value(FENCING_KEY, now),
        Some(&Value::String("1".into())),
        "INCR lock:fencing handed out token 1"
    );
    assert_eq!(lease.fence, Some(1));
}

/// The first holder crashes: its key expires on Redis's millisecond clock, at the first
/// moment the clock is past `PX`'s deadline, and only then can another client get it.
#[test]
fn a_crashed_holders_key_is_gone_once_the_redis_clock_passes_its_deadline() {
    for seed in [1, 5, 9] {
        let (config, triggers) = scenario("crash-lease").expect("scenario");
        let sim = new_sim(seed, &config);
        let actions = resolve(sim.clone(), &triggers, 50_000);
        let mut timeline = Timeline::new(sim, actions, 50_000);
        timeline.extend(50_000);
        let grants: Vec<(Time, Time)> = timeline
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                TraceKind::Note {
                    note: LockNote::Granted { expires_at, .. },
                    ..
                } => Some((e.time, *expires_at)),
                _ => None,
            })
            .collect();
        let expired = timeline
            .trace()
            .iter()
            .find(|e| {
                matches!(
                    e.kind,
                    TraceKind::Note {
                        note: LockNote::LeaseExpired { .. },
                        ..
                    }
                )
            })
            .map(|e| e.time)
            .unwrap_or_else(|| panic!("seed {seed}: the crashed holder's lease expired"));
        let (granted, expires_at) = grants[0];
        let deadline_ms = granted.micros() / 1000 + config.ttl.micros() / 1000;
        assert_eq!(
            expires_at,
            Time::from_millis(deadline_ms + 1),
            "seed {seed}"
        );
        assert_eq!(expired, expires_at, "seed {seed}: the expiry timer");
        assert!(expired >= granted.saturating_add(config.ttl), "seed {seed}");
        let (second, _) = grants[1];
        assert!(
            second >= expired,
            "seed {seed}: granted again before the key was gone"
        );
    }
}

/// Two clients loop; the server crashes and restarts at once as soon as it has made
/// `grants` grants. Returns the fencing counter just before the crash and just after.
fn crash_after_grants(persistence: Persistence, seed: u64, grants: u64) -> (u64, u64) {
    let config = LocksConfig {
        clients: 2,
        persistence,
        ..LocksConfig::default()
    };
    let mut sim = new_sim(seed, &config);
    run_until_grants(&mut sim, grants, 10_000);
    let before = server(&sim).fencing_counter();
    let now = sim.now();
    sim.apply(&Action::Crash(SERVER), now, None);
    sim.apply(&Action::Restart(SERVER), now, None);
    (before, server(&sim).fencing_counter())
}

#[test]
fn a_crash_within_a_second_of_the_grants_loses_them_under_everysec_only() {
    for seed in 1..=4 {
        // Nothing has reached the disk yet: the first fsync is a second after the first
        // write, and the grants came within ~100 ms.
        assert_eq!(
            crash_after_grants(Persistence::AofEverySec, seed, 3),
            (3, 0),
            "seed {seed}"
        );
        assert_eq!(
            crash_after_grants(Persistence::None, seed, 3),
            (3, 0),
            "seed {seed}"
        );
        assert_eq!(
            crash_after_grants(Persistence::AofAlways, seed, 3),
            (3, 3),
            "seed {seed}"
        );
    }
}

/// Under everysec a crash loses only what the last fsync had not written: after the
/// clients are done and the background fsync has run, the counter survives.
#[test]
fn under_everysec_what_the_background_fsync_wrote_survives_a_crash() {
    for seed in 1..=4 {
        let config = LocksConfig {
            clients: 2,
            rounds: 2,
            persistence: Persistence::AofEverySec,
            ..LocksConfig::default()
        };
        let mut sim = new_sim(seed, &config);
        while sim.step(None) {}
        let done = sim.now();
        let s = server(&sim);
        assert_eq!(s.grants(), 4, "seed {seed}");
        assert!(
            done >= Time::from_millis(1_000),
            "seed {seed}: the last event is the fsync, a second after a write ({done})"
        );
        let before = s.fencing_counter();
        sim.apply(&Action::Crash(SERVER), done, None);
        sim.apply(&Action::Restart(SERVER), done, None);
        assert_eq!(server(&sim).fencing_counter(), before, "seed {seed}");
        assert_eq!(before, 4, "seed {seed}");
    }
}

/// The counter-reset faults (first holder paused, server crash and instant restart)
/// under everysec: the crash comes within a second of the first grant, so its `SET` and
/// `INCR` are lost as without persistence, token 1 is handed out again, and fencing lets
/// the paused holder's late write through. The restart says what was lost.
#[test]
fn under_everysec_the_counter_reset_faults_break_fencing_too() {
    for seed in 1..=4 {
        let config = LocksConfig {
            persistence: Persistence::AofEverySec,
            ..LocksConfig::default()
        };
        let sim = new_sim(seed, &config);
        let actions = resolve(sim.clone(), &server_crash_under_a_paused_holder(), 50_000);
        assert_eq!(actions.len(), 4, "seed {seed}: every fault took place");
        let mut timeline = Timeline::new(sim, actions, 50_000);
        timeline.extend(50_000);
        let restart = timeline
            .trace()
            .iter()
            .find_map(|e| match &e.kind {
                TraceKind::Note {
                    note: note @ LockNote::RestartedLosingWrites { .. },
                    ..
                } => Some(note.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("seed {seed}: the restart lost the unsynced writes"));
        assert_eq!(
            restart,
            LockNote::RestartedLosingWrites {
                kept_lease: false,
                counter: 0,
                counter_before: 1,
            },
            "seed {seed}: the first grant's SET and INCR were lost"
        );
        let end = timeline.horizon();
        timeline.seek(end);
        let sim = timeline.sim();
        let stale = sim.violations()[sim
            .invariants()
            .iter()
            .position(|i| i.name == NO_STALE_WRITES)
            .expect("invariant")]
        .clone();
        assert!(stale.is_some(), "seed {seed}: the late write got through");
    }
}

/// The notes the Redis persistence settings add each get their own sentence, naming the
/// server, with no placeholder left, in English and in Chinese.
#[test]
fn the_persistence_notes_are_narrated_in_both_languages() {
    use dsviz::i18n::{self, Lang};
    use dsviz::scene::locks::Locks;
    use dsviz::scene::{Names, Scene};
    let names = dsviz::algo::locks::node_names(&LocksConfig::default());
    let notes = [
        LockNote::RestartedLosingWrites {
            kept_lease: true,
            counter: 2,
            counter_before: 5,
        },
        LockNote::RestartedLosingWrites {
            kept_lease: false,
            counter: 2,
            counter_before: 5,
        },
        LockNote::RestartedLosingWrites {
            kept_lease: true,
            counter: 5,
            counter_before: 5,
        },
        LockNote::RestartedLosingWrites {
            kept_lease: false,
            counter: 5,
            counter_before: 5,
        },
        LockNote::Fsynced,
    ];
    for lang in [Lang::En, Lang::Zh] {
        i18n::set_lang(lang);
        let sentences: std::collections::BTreeSet<String> = notes
            .iter()
            .map(|note| Locks::describe(&Names(&names), SERVER, note))
            .collect();
        assert_eq!(sentences.len(), notes.len(), "{lang:?}: {sentences:?}");
        for s in &sentences {
            assert!(s.contains("redis"), "{lang:?}: {s}");
            assert!(!s.contains('{'), "{lang:?}: {s}");
            let chinese = s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert_eq!(chinese, lang == Lang::Zh, "{lang:?}: {s}");
        }
        let regressed = Locks::describe(&Names(&names), SERVER, &notes[0]);
        assert!(
            regressed.contains('2') && regressed.contains('5'),
            "{regressed}"
        );
    }
    i18n::set_lang(Lang::En);
}
