//! The locks scene's pictures tell the truth: the "holds the lock" mark sits on the client
//! the lock service believes holds it, clients are never linked to each other, the queue
//! lock's stage model shows the queue, its watches, the herd's burst of notifications and
//! the children leaving, and Redis persistence is a field of the link.
use dsviz::algo::locks::{LockKind, LocksConfig, Persistence, WatchTarget};
use dsviz::scene::locks::{DepartureReason, Locks, HOLDS_MARK};
use dsviz::scene::{self, Built, RunSpec, Scene, SceneRun};
use dsviz::sim::run::{Run, Tone};

fn build(query: &str) -> (RunSpec, SceneRun<Locks>, Vec<String>) {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let Built { run, problems } = scene::build_scene::<Locks>(&mut spec);
    let mut run = *run;
    run.extend(3_000);
    (spec, run, problems)
}

#[test]
fn the_holds_the_lock_mark_is_on_the_holder_the_service_believes_and_nowhere_else() {
    let (_, mut run, _) = build("?scene=locks&sc=contention&seed=3");
    let mut held_steps = 0;
    for step in 0..run.horizon().min(1_500) {
        run.seek(step);
        let holder = run.view().lock.holder.map(|h| h.client.0);
        let marked: Vec<u32> = run
            .snapshot()
            .nodes
            .iter()
            .filter(|n| {
                n.marks
                    .iter()
                    .any(|m| m.text == HOLDS_MARK && m.tone == Tone::Good)
            })
            .map(|n| n.id)
            .collect();
        assert_eq!(
            marked,
            holder.into_iter().collect::<Vec<_>>(),
            "step {step}"
        );
        held_steps += u32::from(holder.is_some());
    }
    assert!(
        held_steps > 100,
        "the lock was held for a while: {held_steps}"
    );
}

#[test]
fn clients_are_never_linked_to_each_other_in_any_scenario() {
    for info in Locks::scenarios() {
        let (_, mut run, _) = build(&format!("?scene=locks&sc={}&seed=1", info.id));
        run.seek(run.horizon());
        let clients = dsviz::algo::locks::layout(&run.config).clients;
        let links = run.snapshot().links_used;
        assert!(!links.is_empty(), "{}", info.id);
        for (a, b) in &links {
            let both_clients =
                clients.iter().any(|c| c.0 == *a) && clients.iter().any(|c| c.0 == *b);
            assert!(!both_clients, "{}: link {a}-{b}", info.id);
        }
    }
}

#[test]
fn the_queue_stage_lists_the_children_holder_first_with_predecessor_watches() {
    let (_, mut run, _) = build("?scene=locks&sc=predecessor&seed=1");
    let mut checked = 0;
    for step in 0..run.horizon().min(2_000) {
        run.seek(step);
        let view = run.view();
        let queue = view.queue.expect("a queue lock has a queue stage");
        assert!(!queue.herd);
        let seqs: Vec<u64> = queue.entries.iter().map(|e| e.seq).collect();
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "step {step}: {seqs:?}"
        );
        if let Some(head) = queue.entries.first() {
            assert!(head.holds);
            assert_eq!(
                Some(head.owner),
                view.lock.holder.as_ref().map(|h| h.client)
            );
        }
        for pair in queue.entries.windows(2) {
            assert!(!pair[1].holds);
            if pair[1].watching != WatchTarget::Nothing {
                assert_eq!(
                    pair[1].watching,
                    WatchTarget::Predecessor(pair[0].seq),
                    "step {step}"
                );
                checked += 1;
            }
        }
        // Only a watched child's delete notifies, and it notifies one waiter.
        assert!(queue.notifications.iter().all(|n| n.deleted.is_some()));
    }
    assert!(
        checked > 50,
        "waiters watching their predecessor were seen: {checked}"
    );
}

#[test]
fn in_herd_mode_a_delete_sends_a_burst_of_notifications_to_every_waiter() {
    let (_, mut run, _) = build("?scene=locks&sc=herd&seed=1");
    let mut biggest = 0;
    let mut departures_seen = 0;
    for step in 0..run.horizon().min(2_000) {
        run.seek(step);
        let queue = run.view().queue.expect("queue stage");
        assert!(queue.herd);
        for e in queue.entries.iter().skip(1) {
            assert!(matches!(
                e.watching,
                WatchTarget::LockNode | WatchTarget::Nothing
            ));
        }
        // A burst: several notifications sent at this very step, at one time.
        let now = queue.now;
        let burst = queue.notifications.iter().filter(|n| n.sent == now).count();
        if burst > biggest {
            biggest = burst;
        }
        departures_seen += queue.departures.iter().filter(|d| d.at == now).count();
    }
    assert!(
        biggest >= 2,
        "a delete notifies every waiter at once: {biggest}"
    );
    assert!(departures_seen > 0, "children were seen leaving");
}

#[test]
fn a_crashed_clients_child_leaves_the_queue_as_expired() {
    let (_, mut run, _) = build("?scene=locks&sc=crash-queue&seed=1");
    let expired = (0..run.horizon().min(3_000)).find(|&s| {
        run.seek(s);
        run.view().queue.is_some_and(|q| {
            q.departures
                .iter()
                .any(|d| d.reason == DepartureReason::Expired)
        })
    });
    let step = expired.expect("a session expiry deletes the crashed client's child");
    let queue = run.view().queue.unwrap();
    let gone = queue
        .departures
        .iter()
        .find(|d| d.reason == DepartureReason::Expired)
        .unwrap();
    assert!(
        queue.entries.iter().all(|e| e.seq != gone.seq),
        "step {step}: a departed child is no longer in the queue"
    );
}

#[test]
fn lease_locks_have_no_queue_stage() {
    let (_, mut run, _) = build("?scene=locks&kind=lease&seed=1");
    run.seek(200);
    assert!(run.view().queue.is_none());
}

#[test]
fn persistence_is_a_link_parameter_defaulting_to_aof_always() {
    let (spec, run, problems) = build("?scene=locks&kind=lease&seed=1");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(run.config.persistence, Persistence::AofAlways);
    assert_eq!(spec.param("persist"), Some("aof"));

    let (spec, run, problems) = build("?scene=locks&kind=lease&persist=none&seed=1");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(run.config.persistence, Persistence::None);
    assert_eq!(spec.param("persist"), Some("none"));
    assert_eq!(run.config.kind, LockKind::Lease);

    // The counter-reset scenario's link says persist=none, and reads back the same.
    let spec = scene::scenario_spec_of::<Locks>("counter-reset", 1).expect("scenario");
    assert_eq!(spec.param("persist"), Some("none"));
    let (mut again, _) = RunSpec::from_query(&spec.to_query());
    let Built { run, problems } = scene::build_scene::<Locks>(&mut again);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(run.config.persistence, Persistence::None);
}

#[test]
fn a_bad_persistence_value_is_reported_and_falls_back_to_aof() {
    let (mut spec, problems) = RunSpec::from_query("?scene=locks&persist=sometimes");
    assert!(problems.is_empty());
    let Built { run, problems } = scene::build_scene::<Locks>(&mut spec);
    assert_eq!(run.config.persistence, Persistence::AofAlways);
    assert!(
        problems.iter().any(|p| p.contains("Redis persistence")),
        "{problems:?}"
    );
    assert_eq!(LocksConfig::default().persistence, Persistence::AofAlways);
}

#[test]
fn the_persistence_field_and_the_marks_have_their_chinese() {
    let zh: Vec<(&str, &str)> =
        dsviz::i18n::parse_catalogue(Locks::CATALOGUE_ZH).expect("well-formed catalogue");
    let has = |en: &str| zh.iter().any(|(e, _)| *e == en);
    let field = Locks::FIELDS
        .iter()
        .find(|f| f.key == "persist")
        .expect("a persistence field");
    assert!(has(field.label) && has(field.help), "label and help");
    if let dsviz::scene::FieldKind::Choice(options) = field.kind {
        assert_eq!(options.len(), 2);
        for (_, label) in options {
            assert!(has(label), "{label}");
        }
    } else {
        panic!("persistence is a choice");
    }
    assert!(field.help.contains("appendfsync always"));
    assert!(has(HOLDS_MARK));
    dsviz::i18n::set_lang(dsviz::i18n::Lang::Zh);
    let (_, mut run, _) = build("?scene=locks&sc=contention&seed=3");
    let marks: Vec<String> = (0..1_500)
        .map(|step| {
            run.seek(step);
            run.snapshot()
                .nodes
                .iter()
                .flat_map(|n| n.marks.iter().map(|m| m.text.clone()))
                .collect::<Vec<String>>()
        })
        .find(|marks| !marks.is_empty())
        .unwrap_or_default();
    dsviz::i18n::set_lang(dsviz::i18n::Lang::En);
    assert_eq!(marks, ["持有锁"]);
}
