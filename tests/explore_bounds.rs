//! Bounds as a person types them or a link carries them: read, capped, with messages, never
//! a panic; and written back as short link text.
use dsviz::explore::{ExploreBounds, ExploreRequest, Mode, SweepBounds};
use dsviz::scene::Params;
use proptest::prelude::*;

fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn no_parameters_mean_a_sweep_with_the_defaults() {
    let (request, problems) = ExploreRequest::read(&Params::new());
    assert!(problems.is_empty());
    assert_eq!(request.mode, Mode::Sweep);
    assert_eq!(request.sweep, SweepBounds::default());
    assert_eq!(request.sweep.runs, 1000);
    assert_eq!(request.exhaustive.max_depth, 24);
    assert!(!ExploreRequest::requested(&Params::new()));
}

#[test]
fn a_link_sets_the_exhaustive_bounds() {
    let p = params(&[
        ("explore", "bfs"),
        ("ex_depth", "20"),
        ("ex_crash", "2"),
        ("ex_loss", "1"),
        ("ex_sym", "0"),
        ("ex_inv", "atomicity"),
    ]);
    let (request, problems) = ExploreRequest::read(&p);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(ExploreRequest::requested(&p));
    assert_eq!(request.mode, Mode::Exhaustive);
    assert_eq!(request.exhaustive.max_depth, 20);
    assert_eq!(request.exhaustive.max_crashes, 2);
    assert_eq!(request.exhaustive.max_losses, 1);
    assert!(!request.exhaustive.symmetry);
    assert_eq!(request.watch.as_deref(), Some("atomicity"));
    let names = vec!["atomicity".to_string(), "validity".to_string()];
    assert_eq!(request.watch_index(&names), (Some(0), None));
}

#[test]
fn numbers_out_of_range_are_capped_with_a_message() {
    let p = params(&[
        ("explore", "bfs"),
        ("ex_states", "999999999999"),
        ("ex_depth", "0"),
    ]);
    let (request, problems) = ExploreRequest::read(&p);
    assert_eq!(request.exhaustive.max_states, 5_000_000);
    assert_eq!(request.exhaustive.max_depth, 1);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("at most 5000000"), "{problems:?}");
    assert!(problems[1].contains("at least 1"), "{problems:?}");

    let p = params(&[("ex_runs", "99999999999999999999999"), ("ex_horizon", "-3")]);
    let (request, problems) = ExploreRequest::read(&p);
    assert_eq!(request.sweep.runs, 100_000);
    assert_eq!(request.sweep.horizon, 2000, "not a number: the default");
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[1].contains("whole number"), "{problems:?}");
}

#[test]
fn an_unknown_mode_or_property_falls_back_with_a_message() {
    let (request, problems) = ExploreRequest::read(&params(&[("explore", "dfs")]));
    assert_eq!(request.mode, Mode::Sweep);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("\"sweep\" or \"bfs\""), "{problems:?}");

    let (request, _) = ExploreRequest::read(&params(&[("ex_inv", "liveness")]));
    let (index, message) = request.watch_index(&["atomicity".to_string()]);
    assert_eq!(index, None);
    assert!(message
        .expect("a message")
        .contains("no property \"liveness\""));
}

#[test]
fn link_text_lists_only_what_differs_from_the_defaults() {
    let mut request = ExploreRequest::default();
    assert_eq!(request.to_string(), "explore=sweep");
    request.mode = Mode::Exhaustive;
    request.exhaustive.max_depth = 20;
    request.watch = Some("no stale writes".into());
    assert_eq!(
        request.to_string(),
        "ex_depth=20&ex_inv=no%20stale%20writes&explore=bfs"
    );
}

proptest! {
    /// Any text in any field: no panic, values within their caps, and what is written back
    /// reads back the same.
    #[test]
    fn any_text_is_read_within_caps_and_round_trips(
        mode in "(sweep|bfs|[a-z]{0,4})",
        states in "[0-9a-z-]{0,22}",
        runs in "[0-9a-z-]{0,22}",
        crash in "[0-9]{0,3}",
    ) {
        let p = params(&[
            ("explore", &mode), ("ex_states", &states), ("ex_runs", &runs), ("ex_crash", &crash),
        ]);
        let (request, _) = ExploreRequest::read(&p);
        prop_assert!((1..=5_000_000).contains(&request.exhaustive.max_states));
        prop_assert!((1..=100_000).contains(&request.sweep.runs));
        prop_assert!(request.sweep.crashes <= 5 && request.exhaustive.max_crashes <= 5);
        let mut written = Params::new();
        request.write(&mut written);
        let (again, problems) = ExploreRequest::read(&written);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        prop_assert_eq!(again.mode, request.mode);
        match request.mode {
            Mode::Sweep => prop_assert_eq!(again.sweep, request.sweep),
            Mode::Exhaustive => prop_assert_eq!(again.exhaustive, request.exhaustive),
        }
    }
}

#[test]
fn bounds_write_and_read_back() {
    let bounds = ExploreBounds {
        max_states: 1234,
        max_depth: 7,
        max_crashes: 0,
        max_restarts: 2,
        max_losses: 3,
        symmetry: false,
    };
    let mut p = Params::new();
    bounds.write(&mut p);
    assert_eq!(ExploreBounds::read(&p), (bounds, Vec::new()));
}

/// "Press Explore and watch it find the bug": a link's search mode and bounds survive the
/// app reading the link and writing it back (as it does into the address bar), show the
/// panel, and reach the panel's reader.
#[test]
fn a_link_keeps_its_search_mode_and_bounds_when_written_back() {
    use dsviz::scene::RunSpec;
    let (spec, problems) =
        RunSpec::from_query("?scene=2pc&variant=forget-vote&n=2&explore=bfs&ex_depth=13");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        spec.show.explore,
        Some(true),
        "a search mode shows the panel"
    );
    let written = spec.to_query();
    assert!(written.contains("&explore=bfs"), "{written}");
    assert!(written.contains("&ex_depth=13"), "{written}");
    let (again, _) = RunSpec::from_query(&written);
    assert!(ExploreRequest::requested(&again.params));
    let (request, problems) = ExploreRequest::read(&again.params);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(request.mode, Mode::Exhaustive);
    assert_eq!(request.exhaustive.max_depth, 13);
    // A plain switch still only shows or hides the panel.
    let (shown, _) = RunSpec::from_query("?scene=2pc&explore=1");
    assert_eq!(shown.show.explore, Some(true));
    assert!(!ExploreRequest::requested(&shown.params));
    assert!(shown.to_query().contains("&explore=1"));
}

#[test]
fn the_problems_read_in_the_pages_language_with_the_fields_named_as_the_panel_names_them() {
    let p = params(&[
        ("explore", "bfs"),
        ("ex_depth", "9999"),
        ("ex_crash", "x"),
        ("ex_sym", "maybe"),
    ]);
    let (_, en) = ExploreRequest::read(&p);
    let (_, zh) = dsviz::i18n::with_lang(dsviz::i18n::Lang::Zh, || ExploreRequest::read(&p));
    assert_eq!(en.len(), 3, "{en:?}");
    assert_eq!(
        en[0], "Most steps can be at most 500, not 9999; using 500.",
        "the English is unchanged"
    );
    assert_eq!(zh.len(), 3, "{zh:?}");
    assert_eq!(zh[0], "最多步数不能超过 500（收到的是 9999）；改用 500。");
    assert!(zh[1].starts_with("崩溃次数必须是整数"), "{zh:?}");
    assert!(zh[2].contains("1（开）或 0（关）"), "{zh:?}");
    let (_, mode) = dsviz::i18n::with_lang(dsviz::i18n::Lang::Zh, || {
        ExploreRequest::read(&params(&[("explore", "dfs")]))
    });
    assert_eq!(
        mode,
        ["探索方式必须是 \"sweep\" 或 \"bfs\"，而不是“dfs”；改用 sweep。"]
    );
    let request = ExploreRequest::read(&params(&[("ex_inv", "liveness")])).0;
    let (_, watch) = dsviz::i18n::with_lang(dsviz::i18n::Lang::Zh, || {
        request.watch_index(&["atomicity".to_string(), "validity".to_string()])
    });
    assert_eq!(
        watch.as_deref(),
        Some("这个场景没有性质“liveness”（它有：atomicity, validity）；改为查找任何违反。")
    );
}
