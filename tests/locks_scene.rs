//! The locks scene's pictures tell the truth: the "holds the lock" mark sits on the client
//! the lock service names as the holder, once that client believes it too, clients are never linked to each other, the queue
//! lock's stage model shows the queue, its watches, the herd's burst of notifications and
//! the children leaving, and Redis persistence is a field of the link.
use dsviz::algo::locks::{
    Client, LockKind, LockNode, LocksConfig, Persistence, Phase, Storage, WatchTarget,
};
use dsviz::scene::locks::{expiry_words, DepartureReason, Locks, HOLDS_MARK};
use dsviz::scene::{self, Built, RunSpec, Scene, SceneRun};
use dsviz::sim::run::{Run, Tone};
use dsviz::sim::NodeId;

fn build(query: &str) -> (RunSpec, SceneRun<Locks>, Vec<String>) {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let Built { run, problems } = scene::build_scene::<Locks>(&mut spec);
    let mut run = *run;
    run.extend(3_000);
    (spec, run, problems)
}

#[test]
fn the_holds_the_lock_mark_is_on_the_holder_the_service_names_once_it_believes_it() {
    let (_, mut run, _) = build("?scene=locks&sc=contention&seed=3");
    let mut held_steps = 0;
    for step in 0..run.horizon().min(1_500) {
        run.seek(step);
        let holder = run
            .view()
            .lock
            .holder
            .filter(|h| h.believes)
            .map(|h| h.client.0);
        let marked: Vec<u32> = run
            .snapshot()
            .nodes
            .iter()
            .filter(|n| {
                n.marks
                    .iter()
                    .any(|m| m.text.starts_with(HOLDS_MARK) && m.tone == Tone::Good)
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

    // AOF with fsync every second, the setting the queue scene's Redis defaults to.
    let (spec, run, problems) = build("?scene=locks&kind=lease&persist=everysec&seed=1");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(run.config.persistence, Persistence::AofEverySec);
    assert_eq!(spec.param("persist"), Some("everysec"));

    // `always` (the queue scene's word) means what `aof` has always meant here, and the
    // link is written back with the word locks links have always used.
    let (spec, run, problems) = build("?scene=locks&kind=lease&persist=always&seed=1");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(run.config.persistence, Persistence::AofAlways);
    assert_eq!(spec.param("persist"), Some("aof"));

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
        let values: Vec<&str> = options.iter().map(|(v, _)| *v).collect();
        assert_eq!(values, ["aof", "everysec", "none"]);
        for (_, label) in options {
            assert!(has(label), "{label}");
        }
    } else {
        panic!("persistence is a choice");
    }
    assert!(field.help.contains("appendfsync always"));
    assert!(field.help.contains("appendfsync everysec"));
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
    // The contention scenario fences its writes, so the holder shows its token too.
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert!(marks[0].starts_with("持有锁 · 令牌 "), "{marks:?}");
}

fn client_of(run: &SceneRun<Locks>, id: NodeId) -> &Client {
    match run.sim().node(id) {
        Some(LockNode::Client(c)) => c,
        other => panic!("{id} is not a client: {other:?}"),
    }
}

fn storage_of(run: &SceneRun<Locks>) -> &Storage {
    let id = dsviz::algo::locks::layout(&run.config).storage;
    match run.sim().node(id) {
        Some(LockNode::Storage(s)) => s,
        other => panic!("{id} is not the storage: {other:?}"),
    }
}

fn storage_label(run: &SceneRun<Locks>) -> &'static str {
    let id = dsviz::algo::locks::layout(&run.config).storage;
    run.snapshot().nodes[id.index()].state
}

#[test]
fn the_storage_says_it_checks_tokens_and_names_a_rejection_only_once_one_happened() {
    let (_, mut run, _) = build("?scene=locks&sc=gc-pause&seed=1");
    run.seek(0);
    assert_eq!(storage_label(&run), "CHECKS TOKENS");
    let first_rejection = (1..=run.horizon())
        .find(|&s| {
            run.seek(s);
            storage_of(&run).rejected_count() > 0
        })
        .expect("the paused client's late write is rejected");
    run.seek(first_rejection - 1);
    assert_eq!(storage_label(&run), "CHECKS TOKENS");
    run.seek(first_rejection);
    assert_eq!(storage_label(&run), "REJECTED STALE");

    let (_, mut unfenced, _) = build("?scene=locks&sc=gc-pause-unfenced&seed=1");
    unfenced.seek(0);
    assert_eq!(storage_label(&unfenced), "NO TOKEN CHECK");
    // Every storage state is in the legend, with the stage's own words.
    let legend: Vec<&str> = Locks::legend().iter().map(|e| e.label).collect();
    for label in [
        "CHECKS TOKENS",
        "REJECTED STALE",
        "NO TOKEN CHECK",
        "STALE WRITE",
    ] {
        assert!(legend.contains(&label), "{label} is in the legend");
    }
    assert!(!legend.contains(&"FENCED"));
}

#[test]
fn the_panel_calls_a_queue_locks_expiry_a_session_and_a_lease_locks_a_lease() {
    for (query, session) in [
        ("?scene=locks&sc=predecessor&seed=1", true),
        ("?scene=locks&sc=herd&seed=1", true),
        ("?scene=locks&sc=contention&seed=1", false),
    ] {
        let (_, mut run, _) = build(query);
        let held = (0..run.horizon()).find(|&s| {
            run.seek(s);
            run.view().lock.lease_expiry.is_some()
        });
        assert!(held.is_some(), "{query}: the holder's time left is shown");
        let kind = run.view().lock.kind;
        assert_eq!(kind.is_queue(), session, "{query}");
        let words = expiry_words(kind, 12.5);
        if session {
            assert_eq!(words.left, "session: 12.5 ms until it expires");
            assert_eq!(words.aria, "Session time left");
            assert!(words.title.contains("session") && !words.title.contains("lease"));
        } else {
            assert_eq!(words.left, "lease: 12.5 ms left");
            assert_eq!(words.aria, "Lease time left");
            assert!(words.title.contains("lease"));
        }
    }
    dsviz::i18n::set_lang(dsviz::i18n::Lang::Zh);
    let zh = expiry_words(LockKind::QueuePredecessor, 12.5);
    dsviz::i18n::set_lang(dsviz::i18n::Lang::En);
    assert_eq!(zh.left, "会话：12.5 ms 后过期");
    assert_eq!(zh.aria, "会话剩余时间");
}

/// The labels of a node's menu.
fn menu(run: &SceneRun<Locks>, id: NodeId) -> Vec<String> {
    run.node_commands(id.0)
        .into_iter()
        .map(|c| c.label)
        .collect()
}

#[test]
fn a_clients_menu_offers_only_the_actions_valid_in_its_state() {
    const RELEASE: &str = "Release the lock now";
    const STOP: &str = "Stop looping";
    const START: &str = "Start looping";
    let (_, mut run, _) = build("?scene=locks&sc=contention&seed=3");
    let clients = dsviz::algo::locks::layout(&run.config).clients;
    let (mut holding_seen, mut done_seen) = (0, 0);
    for step in 0..run.horizon().min(3_000) {
        run.seek(step);
        for &id in &clients {
            let items = menu(&run, id);
            let has = |label: &str| items.iter().any(|i| i == label);
            let client = client_of(&run, id);
            let holds = client.believed_hold().is_some();
            let done = client.phase() == Phase::Done;
            assert_eq!(has(RELEASE), holds, "step {step}, {id}: {items:?}");
            assert_eq!(has(START), done, "step {step}, {id}: {items:?}");
            assert_eq!(has(STOP), !done, "step {step}, {id}: {items:?}");
            holding_seen += u32::from(holds);
            done_seen += u32::from(done);
        }
    }
    assert!(
        holding_seen > 0 && done_seen > 0,
        "{holding_seen} {done_seen}"
    );

    // Told to stop, a running client is offered Start (to loop on) and no longer Stop.
    let (_, mut run, _) = build("?scene=locks&sc=contention&seed=3");
    let id = clients[0];
    run.seek(5);
    let stop = run
        .node_commands(id.0)
        .into_iter()
        .find(|c| c.label == STOP)
        .expect("a running client can be stopped");
    run.take(&stop.action, run.time_of(5)).expect("stop");
    let items = menu(&run, id);
    assert!(items.iter().any(|i| i == START), "{items:?}");
    assert!(!items.iter().any(|i| i == STOP), "{items:?}");

    // A crashed client ignores commands: it is offered none.
    let at = run.cursor();
    run.take(&format!("crash:{}", id.0), run.time_of(at))
        .expect("crash");
    assert!(menu(&run, id).is_empty());
}

/// The marks of the tour stop titled `title`, node by node, at the stop's step.
fn marks_at_tour_stop(title: &str) -> Vec<Vec<String>> {
    let stop = dsviz::scene::tour::place_tour::<Locks>()
        .into_iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("the locks tour has a stop titled {title}"));
    let mut spec = stop.spec.clone();
    let step = spec.step.unwrap_or(0);
    let Built { run, .. } = scene::build_scene::<Locks>(&mut spec);
    let mut run = *run;
    run.extend(step + 1);
    run.seek(step);
    run.snapshot()
        .nodes
        .iter()
        .map(|n| n.marks.iter().map(|m| m.text.clone()).collect())
        .collect()
}

#[test]
fn with_fencing_the_two_holders_of_the_gc_pause_show_two_different_tokens() {
    let marks = marks_at_tour_stop("Two holders");
    let tokens: Vec<&str> = marks
        .iter()
        .flatten()
        .filter_map(|m| m.split("token ").nth(1))
        .collect();
    assert_eq!(tokens.len(), 2, "{marks:?}");
    assert_ne!(tokens[0], tokens[1], "{marks:?}");
    // The one the lock service names holds the lock; the sleeper only believes it does.
    let holders = marks
        .iter()
        .filter(|m| m.iter().any(|t| t.starts_with(HOLDS_MARK)))
        .count();
    assert_eq!(holders, 1, "{marks:?}");
}

#[test]
fn without_fencing_no_token_is_shown() {
    let marks = marks_at_tour_stop("Without fencing");
    assert!(
        marks.iter().flatten().all(|m| !m.contains("token")),
        "{marks:?}"
    );
}
