//! Every link ever shared must keep opening the same run. `tests/data/old_links.txt` holds
//! links written by an earlier version (each scene's default, every scenario at several
//! steps and two seeds, and hand-made runs with faults), each with the MD5 of the state it
//! showed; this test opens each link with today's code and compares.
//!
//! The digest is an explicit text of what the page shows at the step: the step and time,
//! each node's name, state, status, detail lines and timers, the messages in flight, the cut
//! links and the violations. When a fix changes what a scenario shows on purpose, the
//! expectation is updated here with the reason, never silently.
use dsviz::scene::{self, RunSpec};
use dsviz::sim::run::Snapshot;

fn digest(s: &Snapshot) -> String {
    let mut out = format!("step {} time {}", s.step, s.time.0);
    for n in &s.nodes {
        out.push_str(&format!(
            "|{} {} {:?} [{}] ({})",
            n.name,
            n.state,
            n.status,
            // The English text of each line (what the page showed before lines were typed).
            n.details
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            n.timers
                .iter()
                .map(|t| t.label.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    for m in &s.messages {
        out.push_str(&format!(
            "|m{} {}>{} {}-{} {}",
            m.id, m.from, m.to, m.sent.0, m.arrives.0, m.label
        ));
    }
    for (a, b) in &s.cut_links {
        out.push_str(&format!("|cut {a}>{b}"));
    }
    for i in &s.invariants {
        if let Some(v) = &i.violation {
            out.push_str(&format!(
                "|{} violated at {}: {}",
                i.name, v.step, v.message
            ));
        }
    }
    out
}

/// What a link shows today: the digest, then any message the page gives about the link.
fn shown(link: &str) -> String {
    let (mut spec, problems) = RunSpec::from_query(link);
    assert!(problems.is_empty(), "{link}: {problems:?}");
    let built = scene::build(&mut spec);
    let mut text = digest(&built.run.snapshot());
    for problem in &built.problems {
        text.push_str(&format!("|problem: {problem}"));
    }
    text
}

fn md5_hex(text: &str) -> String {
    format!("{:x}", md5::compute(text.as_bytes()))
}

/// Links whose run changed on purpose, each with the new MD5 and the reason
/// (`tests/data/old_links_changed.txt`: `md5 link` lines under `# reason` lines).
fn deliberate_changes() -> std::collections::BTreeMap<&'static str, &'static str> {
    include_str!("data/old_links_changed.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (md5, link) = l.split_once(' ').expect("md5, then the link");
            (link, md5)
        })
        .collect()
}

#[test]
fn links_shared_before_keep_opening_the_same_run() {
    let golden = include_str!("data/old_links.txt");
    let changes = deliberate_changes();
    let mut checked = 0;
    let mut changed = Vec::new();
    for line in golden.lines().filter(|l| !l.starts_with('#')) {
        let (expected, link) = line.split_once(' ').expect("md5, then the link");
        let expected = changes.get(link).copied().unwrap_or(expected);
        let shown = shown(link);
        let got = md5_hex(&shown);
        if got != expected {
            changed.push(format!("{got} {link}\n  now shows: {shown}"));
        }
        checked += 1;
    }
    assert!(
        checked > 200,
        "the list holds every scenario ({checked} links)"
    );
    assert!(
        changed.is_empty(),
        "{} of {checked} links now open a different run:\n{}",
        changed.len(),
        changed.join("\n")
    );
}
