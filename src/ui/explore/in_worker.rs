//! The search's side of the Web Worker: the worker's small script loads this same module
//! (`dsviz.js` and `dsviz_bg.wasm`, the files the page loaded) and calls
//! [`explore_worker`], which answers `ready`, takes one job, and searches it to the end,
//! posting a status about every 100 ms. The page stops a search by terminating the worker,
//! so the loop never needs to look for messages while it runs.
//!
//! Messages (text, see [`crate::explore::wire`]): page → worker `job:<job>`; worker → page
//! `ready`, `status:<status>` (the last one has `done=1`), or `error:<why>`.
use crate::explore::driver;
use crate::explore::wire::{encode_status, Job};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// The worker's first message: it is set up and takes a job.
pub const READY: &str = "ready";
pub const JOB: &str = "job:";
pub const STATUS: &str = "status:";
pub const ERROR: &str = "error:";

/// How long the search runs between two status messages, in milliseconds.
const REPORT_EVERY_MS: f64 = 100.0;

/// The worker's entry point, called by the worker's script once the module is loaded.
/// Outside a dedicated worker (on a page) it does nothing.
#[wasm_bindgen]
pub fn explore_worker() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match text.strip_prefix(JOB).map(Job::decode) {
            Some(Ok(job)) => search(&replies, &job),
            Some(Err(why)) => post(&replies, &format!("{ERROR}{why}")),
            None => post(&replies, &format!("{ERROR}not a job")),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its page wants it; the handler with it.
    on_message.forget();
    post(&scope, READY);
}

fn post(scope: &DedicatedWorkerGlobalScope, text: &str) {
    // A page that has gone away cannot be told anything more.
    let _ = scope.post_message(&JsValue::from_str(text));
}

/// Runs the job to its end, with the same search the page would have run.
fn search(scope: &DedicatedWorkerGlobalScope, job: &Job) {
    let Some((mut search, _problems)) = driver::start(&job.spec, &job.request) else {
        // The page only sends jobs of explorable scenes; say so rather than hang.
        return post(scope, &format!("{ERROR}this scene cannot be explored"));
    };
    let performance = scope.performance();
    let mut clock = move || performance.as_ref().map_or(0.0, |p| p.now());
    post(
        scope,
        &format!("{STATUS}{}", encode_status(&search.status())),
    );
    loop {
        let status = search.run_for(&mut clock, REPORT_EVERY_MS);
        post(scope, &format!("{STATUS}{}", encode_status(&status)));
        if status.done {
            return;
        }
    }
}
