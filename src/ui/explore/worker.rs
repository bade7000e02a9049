//! The page's side of the search's Web Worker: starts a module worker that loads this same
//! module (no second build), hands it the job, and turns its messages into [`Report`]s for
//! the panel. Dropping a [`BackgroundSearch`] terminates the worker: that is Stop.
//!
//! Where the module is: `import.meta.url` of the glue script (`dsviz.js`, or a lean
//! module's; read by `browser::module_url`), known to the module itself, so it is right on
//! the app's page, on a host page at another path that imported `dsviz.js` to call
//! `mount()`, and on `docs/embed.html`. The worker is created
//! from a small Blob script that imports that address, which works with trunk's stable
//! file names and needs no extra file in `dist/`.
//!
//! When a worker cannot run the search, the panel searches on the page in slices instead:
//! the one-file `dsviz.html` (its glue is inline in the page, opened from `file://`, where
//! module workers cannot import it: detected before trying), a browser without workers, a
//! page whose Content Security Policy forbids them (the constructor throws or the worker
//! fires `error`), or a worker that says nothing within [`FIRST_ANSWER_MS`].
use super::in_worker::{ERROR, JOB, READY, STATUS};
use crate::explore::wire::decode_status;
use crate::explore::Status;
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker, WorkerOptions, WorkerType};
use yew::Callback;

/// How long a new worker may take to load the module and say it is ready.
pub const FIRST_ANSWER_MS: u32 = 5_000;

/// What the worker says, for the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    /// The worker loaded the module and took the job.
    Ready,
    Status(Box<Status>),
    /// The worker could not run the search; the page searches instead.
    Failed(String),
}

/// Where a worker's reports go: the panel that started it, or the one that took its
/// search over (see [`BackgroundSearch::redirect`]).
type Listener = Rc<RefCell<Callback<Report>>>;

/// A search running in a worker; dropping it terminates the worker.
pub struct BackgroundSearch {
    worker: Worker,
    listener: Listener,
    script_url: String,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _first_answer: Timeout,
}

/// The glue script's address, when a module worker can import it: an `http(s)` address of
/// a `.js` file, which a Blob script may import (quotes excluded, to be safe inside it).
fn glue_url() -> Result<String, String> {
    let url = crate::ui::browser::module_url().ok_or("the module does not know its address")?;
    let parsed = Url::new(&url).map_err(|_| "the module's address is not a URL".to_string())?;
    let web = matches!(parsed.protocol().as_str(), "http:" | "https:");
    let script = parsed.pathname().ends_with(".js");
    if web && script && !url.contains(['"', '\\', '\n']) {
        Ok(url)
    } else {
        Err(format!(
            "the module is not a script a worker can load ({url})"
        ))
    }
}

/// The worker's script: import the module, load it, and hand over to its entry point.
fn worker_script(glue: &str) -> String {
    format!(
        "import init, {{ explore_worker }} from \"{glue}\";\n\
         init().then(() => explore_worker(), (e) => postMessage(\"{ERROR}\" + e));\n"
    )
}

impl BackgroundSearch {
    /// Starts a worker for `job` (already encoded); reports arrive through `on_report`.
    /// An error means no worker could be started: search on the page.
    pub fn start(job: String, on_report: Callback<Report>) -> Result<Self, String> {
        if !js_sys::Reflect::has(&js_sys::global(), &"Worker".into()).unwrap_or(false) {
            return Err("this browser has no workers".into());
        }
        let glue = glue_url()?;
        let options = BlobPropertyBag::new();
        options.set_type("text/javascript");
        let parts = js_sys::Array::of1(&JsValue::from_str(&worker_script(&glue)));
        let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
            .map_err(|_| "the worker's script could not be made".to_string())?;
        let script_url = Url::create_object_url_with_blob(&blob)
            .map_err(|_| "the worker's script has no address".to_string())?;
        let worker_options = WorkerOptions::new();
        worker_options.set_type(WorkerType::Module);
        let worker = match Worker::new_with_options(&script_url, &worker_options) {
            Ok(worker) => worker,
            Err(e) => {
                let _ = Url::revoke_object_url(&script_url);
                return Err(format!("the page may not start workers ({e:?})"));
            }
        };

        let answered = Rc::new(Cell::new(false));
        let listener: Listener = Rc::new(RefCell::new(on_report));
        let on_message = {
            let (worker, answered, on_report) =
                (worker.clone(), answered.clone(), listener.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                answered.set(true);
                let text = event.data().as_string().unwrap_or_default();
                let report = if text == READY {
                    match worker.post_message(&JsValue::from_str(&format!("{JOB}{job}"))) {
                        Ok(()) => Report::Ready,
                        Err(_) => Report::Failed("the job could not be sent".into()),
                    }
                } else if let Some(status) = text.strip_prefix(STATUS) {
                    decode_status(status)
                        .map_or_else(Report::Failed, |s| Report::Status(Box::new(s)))
                } else {
                    let why = text.strip_prefix(ERROR).unwrap_or(&text);
                    Report::Failed(format!("the worker stopped: {why}"))
                };
                let on_report = on_report.borrow().clone();
                on_report.emit(report);
            })
        };
        let on_error = {
            let on_report = listener.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                // The worker could not load the module (or it stopped): keep the page's
                // console free of it, the panel says where the search runs.
                event.prevent_default();
                let on_report = on_report.borrow().clone();
                on_report.emit(Report::Failed("the worker could not run".into()));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let on_report = listener.clone();
        let first_answer = Timeout::new(FIRST_ANSWER_MS, move || {
            if !answered.get() {
                let on_report = on_report.borrow().clone();
                on_report.emit(Report::Failed(format!(
                    "the worker did not answer within {FIRST_ANSWER_MS} ms"
                )));
            }
        });
        Ok(BackgroundSearch {
            worker,
            listener,
            script_url,
            _on_message: on_message,
            _on_error: on_error,
            _first_answer: first_answer,
        })
    }
}

impl BackgroundSearch {
    /// Sends the worker's reports from now on to `on_report` (a panel rebuilt by the page
    /// takes over the search of the panel it replaces).
    pub fn redirect(&self, on_report: Callback<Report>) {
        *self.listener.borrow_mut() = on_report;
    }
}

impl Drop for BackgroundSearch {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
        let _ = Url::revoke_object_url(&self.script_url);
    }
}
