//! The Explore panel's sentences, in the reader's language, from the search's typed
//! [`Status`] (the worker sends facts, not English): where the search stands, how it ended
//! (complete, stopped at the first violation, or stopped at the state budget: three
//! different things a person must not confuse), and where the violation found is on the
//! timeline.
//!
//! Pure functions over [`Status`], built natively too, so the wording has native tests
//! (`tests/explore_words.rs`) in both languages.
use crate::explore::driver::{Found, Stage, Status, SymmetryUse};
use crate::i18n::{line, tr, tr_text, trf};

/// How deep the search is; once it found a violation, the length of the path to it.
fn violation_depth(status: &Status) -> u64 {
    match status.found.as_ref().and_then(|f| f.path_steps) {
        Some(steps) => steps as u64,
        None => status.depth.map_or(0, u64::from),
    }
}

/// The sentence under the progress bar: what the search is doing, or how it ended.
pub fn progress_sentence(status: &Status) -> String {
    let states = status.distinct.unwrap_or(0);
    let depth = violation_depth(status);
    let property = status
        .found
        .as_ref()
        .map_or(String::new(), |f| tr_text(&f.invariant_name));
    let mut out = match &status.stage {
        Stage::Idle => String::new(),
        Stage::Searching { frontier } => trf(
            "Searching breadth first: {states} states so far, {depth} steps deep, {frontier} still to expand.",
            &[("states", &states), ("depth", &depth), ("frontier", frontier)],
        ),
        Stage::Exhausted => trf(
            "Complete: all {states} reachable states were checked (up to {depth} steps deep). No violation.",
            &[("states", &states), ("depth", &depth)],
        ),
        Stage::DepthBound(bound) => trf(
            "Complete within the bounds: every state reachable in at most {bound} steps was checked ({states} states). No violation; longer runs were not explored.",
            &[("bound", bound), ("states", &states)],
        ),
        Stage::Violation => trf(
            "Stopped at the first violation: “{property}” breaks {depth} steps deep, found among {states} states. The search is breadth first, so no shorter path within the bounds breaks it.",
            &[("property", &property), ("depth", &depth), ("states", &states)],
        ),
        Stage::Budget(max) => trf(
            "Stopped at the budget of {max} states, {depth} steps deep, with no violation so far: the search is not complete. Raise “Most states” to search further.",
            &[("max", max), ("depth", &depth)],
        ),
        Stage::Seeds { done, total } => trf(
            "Trying seeds: {done} of {total} runs.",
            &[("done", done), ("total", total)],
        ),
        Stage::Shrinking { run, tries } => trf(
            "Found a violation in run {run}; shrinking it ({tries} tries so far).",
            &[("run", run), ("tries", tries)],
        ),
        Stage::Shrunk { run, total, tries } => trf(
            "Stopped at the first violation, found in run {run} of {total} and shrunk in {tries} tries.",
            &[("run", run), ("total", total), ("tries", tries)],
        ),
        Stage::Clean { runs, setups } if setups.is_empty() => trf(
            "No violation in {runs} runs. A sweep tries a sample of runs: finding none does not prove there is none.",
            &[("runs", runs)],
        ),
        Stage::Clean { runs, setups } => trf(
            "No violation in {runs} runs of the setup as configured, nor with {setups}. A sweep tries a sample of runs: finding none does not prove there is none.",
            &[("runs", runs), ("setups", &setups.join(", "))],
        ),
    };
    if let (Some(setup), false) = (&status.setup, matches!(status.stage, Stage::Clean { .. })) {
        out = trf("With {setup}: {what}", &[("setup", setup), ("what", &out)]);
    }
    let symmetry = match status.symmetry {
        SymmetryUse::NotAsked => None,
        SymmetryUse::On => Some(tr("Symmetry reduction is on: worlds that differ only by swapping interchangeable nodes count as one state.")),
        SymmetryUse::TooLarge => Some(tr("Symmetry reduction is off: too many interchangeable nodes to try every renaming.")),
        SymmetryUse::NotOffered => Some(tr("This scene offers no symmetry reduction.")),
    };
    let open = match &status.found {
        Some(found) if found.path_steps.is_some() && found.spec.is_some() => Some(tr(
            "Open it below: the timeline replays this exact path, step by step.",
        )),
        Some(_) if status.link_problem => Some(tr(
            "This path cannot be opened as a link: the scene's setup is not one a link carries.",
        )),
        _ => None,
    };
    for extra in [symmetry, open].into_iter().flatten() {
        out.push(' ');
        out.push_str(extra);
    }
    out
}

/// The short result of a finished search, for the figures (`None` while it runs).
pub fn outcome(status: &Status) -> Option<String> {
    if !status.done {
        return None;
    }
    let depth = violation_depth(status);
    Some(match &status.stage {
        Stage::Violation => trf(
            "stopped at the first violation, {depth} steps deep",
            &[("depth", &depth)],
        ),
        Stage::Exhausted => tr("complete: every reachable state was checked").to_string(),
        Stage::DepthBound(bound) => trf(
            "complete: every state within the bounds ({bound} steps) was checked",
            &[("bound", bound)],
        ),
        Stage::Budget(max) => trf(
            "not complete: stopped at the budget of {max} states",
            &[("max", max)],
        ),
        Stage::Shrunk { .. } => tr("stopped at the first violation").to_string(),
        Stage::Clean { .. } => {
            tr("no violation in the runs tried (a sample, not a proof)").to_string()
        }
        Stage::Idle | Stage::Searching { .. } | Stage::Seeds { .. } | Stage::Shrinking { .. } => {
            return None
        }
    })
}

/// The violation found, its heading and message.
pub fn found_heading(found: &Found) -> String {
    trf(
        "Property broken: {property}",
        &[("property", &tr_text(&found.invariant_name))],
    )
}

/// The violation's own message, with the risky setup it was found in.
pub fn found_message(found: &Found) -> String {
    let message = line(&found.message);
    match (&found.setup, &found.setup_why) {
        (Some(setup), Some(why)) => trf(
            "With {setup} ({why}): {message}",
            &[
                ("setup", setup),
                ("why", &tr_text(why)),
                ("message", &message),
            ],
        ),
        (Some(setup), None) => trf(
            "With {setup}: {what}",
            &[("setup", setup), ("what", &message)],
        ),
        _ => message,
    }
}

/// Where the violation is on the timeline, in the numbers the timeline shows: the step
/// the link opens at, and (for an exhaustive search) how many of the steps before it are
/// the nodes' start and how many the explorer chose.
pub fn found_where(found: &Found) -> Option<String> {
    let spec = found.spec.as_ref()?;
    let step = spec.step?;
    Some(match found.path_steps {
        Some(choices) => {
            let choices = choices as u64;
            let start = step.saturating_sub(choices);
            if start == 0 {
                trf(
                    "It breaks at step {step}: steps 1–{step} are the explorer's {choices} choices (which message to deliver or lose, which timer fires, which node crashes), the fewest that break it.",
                    &[("step", &step), ("choices", &choices)],
                )
            } else {
                trf(
                    "It breaks at step {step}: steps 1–{start} start the nodes, then steps {first}–{step} are the explorer's {choices} choices (which message to deliver or lose, which timer fires, which node crashes), the fewest that break it.",
                    &[("step", &step), ("start", &start), ("first", &(start + 1)), ("choices", &choices)],
                )
            }
        }
        None => trf(
            "It breaks at step {step} of the run with seed {seed}, its faults shrunk to fewer that still break it.",
            &[("step", &step), ("seed", &spec.seed)],
        ),
    })
}

/// The label of the button that opens the violation.
pub fn open_label(found: &Found) -> String {
    match found.spec.as_ref().and_then(|s| s.step) {
        Some(step) => trf("Open at step {step}, where it breaks", &[("step", &step)]),
        None => tr("Open at the violating step").to_string(),
    }
}
