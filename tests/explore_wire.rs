//! The messages between the Explore panel and its Web Worker: a job reads back from its
//! text as the same run and the same search, and every status as an equal status; a job
//! that would not is refused (so the page searches itself); and a search rebuilt from the
//! job's text, driven in the worker's long slices, ends exactly as the page's short slices
//! do.
use dsviz::explore::driver::{self, Status};
use dsviz::explore::request::MODE_KEY;
use dsviz::explore::wire::{
    decode_line, decode_status, encode_line, encode_status, same_search, Job,
};
use dsviz::explore::ExploreRequest;
use dsviz::scene::RunSpec;

/// The run and the request the panel of a page at this address searches (the link's
/// `explore=` mode goes to the panel, the `ex_*` bounds stay among the run's parameters).
fn job(query: &str) -> Job {
    let (spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let mode = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("explore="))
        .expect("the query names a mode");
    let mut params = spec.params.clone();
    params.insert(MODE_KEY.into(), mode.into());
    let (request, problems) = ExploreRequest::read(&params);
    assert!(problems.is_empty(), "{problems:?}");
    Job { spec, request }
}

/// Drives a search to its end in slices of `slice_ms` of a clock that advances a
/// hundredth of a millisecond per reading; returns every status it reported.
fn drive(job: &Job, slice_ms: f64) -> Vec<Status> {
    let (mut search, problems) = driver::start(&job.spec, &job.request).expect("explorable");
    assert!(problems.is_empty(), "{problems:?}");
    let mut now = 0.0;
    let mut clock = move || {
        now += 0.01;
        now
    };
    let mut statuses = vec![search.status()];
    for _ in 0..1_000_000 {
        let status = search.run_for(&mut clock, slice_ms);
        let done = status.done;
        statuses.push(status);
        if done {
            return statuses;
        }
    }
    panic!("the search did not end");
}

/// The status without its rate, which depends on how the time was sliced.
fn without_rate(mut status: Status) -> Status {
    status.rate = 0.0;
    status
}

#[test]
fn a_job_reads_back_as_the_same_run_and_the_same_search() {
    for query in [
        "?scene=2pc&variant=forget-vote&n=2&seed=1&explore=bfs&ex_depth=13",
        "?scene=2pc&seed=7&votes=yyny&explore=sweep&ex_runs=300&ex_inv=atomicity&embed=1&lang=zh",
        "?scene=locks&kind=lease&seed=3&explore=bfs&ex_crash=0&ex_states=5000",
    ] {
        let job = job(query);
        let text = job.encode().unwrap_or_else(|| panic!("{query}: refused"));
        let back = Job::decode(&text).unwrap_or_else(|e| panic!("{query}: {e}"));
        assert_eq!(back.spec, job.spec, "{query}: {text}");
        assert!(
            same_search(&back.request, &job.request),
            "{query}: {text}\n{back:?}\n{job:?}"
        );
    }
}

#[test]
fn requests_of_other_searches_are_not_the_same_search() {
    let bfs = job("?scene=2pc&explore=bfs&ex_depth=13").request;
    let deeper = job("?scene=2pc&explore=bfs&ex_depth=14").request;
    let sweep = job("?scene=2pc&explore=sweep&ex_depth=13").request;
    let watching = job("?scene=2pc&explore=bfs&ex_depth=13&ex_inv=atomicity").request;
    assert!(same_search(&bfs, &bfs.clone()));
    for other in [&deeper, &sweep, &watching] {
        assert!(!same_search(&bfs, other), "{other:?}");
    }
}

#[test]
fn a_job_whose_run_no_link_can_carry_is_refused() {
    // mount() takes parameters of any length; a link drops one over 200 characters, so
    // the worker would search another run.
    let mut job = job("?scene=2pc&variant=forget-vote&explore=bfs");
    job.spec.params.insert("note".into(), "x".repeat(300));
    assert_eq!(job.encode(), None);
}

#[test]
fn garbled_messages_are_errors_not_panics() {
    assert!(Job::decode("").is_err());
    assert!(Job::decode("run=%3Fscene%3Dnope&request=explore%3Dbfs").is_err());
    assert!(decode_status("").is_err());
    assert!(decode_status("message=hi&fraction=half&rate=0&done=0&complete=0").is_err());
}

#[test]
fn every_status_of_a_sweep_reads_back_equal_with_its_violation() {
    let job = job("?scene=2pc&variant=forget-vote&seed=1&explore=sweep");
    let statuses = drive(&job, 5.0);
    let last = statuses.last().expect("at least the first status");
    let found = last.found.as_ref().expect("the sweep finds the violation");
    assert!(found.spec.is_some(), "with a run to open");
    for status in &statuses {
        let text = encode_status(status);
        assert_eq!(decode_status(&text).as_ref(), Ok(status), "{text}");
    }
}

#[test]
fn an_exhaustive_search_from_the_jobs_text_in_long_slices_ends_as_the_pages_does() {
    let page = job("?scene=2pc&variant=forget-vote&n=2&seed=1&explore=bfs&ex_depth=13");
    let worker = Job::decode(&page.encode().expect("encodable")).expect("decodable");
    let on_page = without_rate(drive(&page, 8.0).pop().expect("a last status"));
    let sent = encode_status(&drive(&worker, 100.0).pop().expect("a last status"));
    let in_worker = without_rate(decode_status(&sent).expect("decodable"));
    assert_eq!(in_worker, on_page);
    assert_eq!(
        on_page.distinct,
        Some(45_050),
        "the count the browser test pins (with symmetry reduction, the panel's default)"
    );
    let found = on_page.found.expect("a violation");
    assert_eq!(found.path_steps, Some(13));
}

#[test]
fn a_violations_message_travels_typed_and_reads_in_the_pages_language() {
    use dsviz::i18n::{line, with_lang, Lang};
    use dsviz::sim::Line;
    let message =
        Line::tr("transaction t{tx} is committed at {committed} but aborted at {aborted}")
            .with("tx", 1)
            .text(
                "committed",
                Line::list([
                    Line::tr("{node} (in its log)").with("node", "P1"),
                    Line::tr("{node} (in memory)").with("node", "P2: {x};1:"),
                ])
                .expect("two items"),
            )
            .text(
                "aborted",
                Line::tr("{node} (in its log)").with("node", "coordinator"),
            );
    let text = encode_line(&message);
    let back = decode_line(&text).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(back, message, "{text}");
    assert_eq!(
        back.to_string(),
        "transaction t1 is committed at P1 (in its log), P2: {x};1: (in memory) but aborted at \
         coordinator (in its log)"
    );
    assert_eq!(
        with_lang(Lang::Zh, || line(&back)),
        "事务 t1 在 P1（在其日志中）、P2: {x};1:（在内存中）已提交，却在 coordinator（在其日志中）已中止"
    );
    for garbled in [
        "",
        "5:abc",
        "3:abc1;",
        "3:abc1;1:xq",
        "3:abc0;extra",
        "99:a0;",
    ] {
        assert_eq!(decode_line(garbled), None, "{garbled:?}");
    }

    // The panel's sentence from a status the worker sent: in Chinese on a Chinese page.
    let job = job("?scene=2pc&variant=forget-vote&seed=1&explore=sweep");
    let last = drive(&job, 5.0).pop().expect("a last status");
    let sent = decode_status(&encode_status(&last)).expect("decodable");
    let found = sent.found.expect("the sweep finds the violation");
    let zh = with_lang(Lang::Zh, || {
        dsviz::ui::explore::words::found_message(&found)
    });
    assert!(zh.starts_with("事务 t"), "{zh}");
    let en = with_lang(Lang::En, || {
        dsviz::ui::explore::words::found_message(&found)
    });
    assert!(en.starts_with("transaction t"), "{en}");
}
