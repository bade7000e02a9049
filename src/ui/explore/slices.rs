//! When the search runs on the page's main thread (no worker could start), it must share
//! each frame with the page's own drawing. One slice runs per animation frame, just after
//! the frame is drawn (a zero-delay timeout posted from the frame's callback runs after
//! its paint), for the time the frame has left: the slice ends [`MARGIN_MS`] before the
//! next frame is due, so the timeline keeps playing at the display's rate.
//!
//! Back-to-back zero-delay timeouts of a fixed 8 ms (the earlier way) let two slices, or a
//! slice and a late re-render, fall into one frame: p95 frame time 33 ms on an idle
//! machine, against 16.7 ms with the search in a worker.
//!
//! A hidden tab gets no animation frames; a slice then runs after [`NO_FRAME_MS`] anyway,
//! so the search goes on (slowly) in the background.
use crate::ui::browser;
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::Callback;

/// A frame at 60 Hz, in milliseconds.
const FRAME_MS: f64 = 1000.0 / 60.0;
/// Time left free before the next frame is due, for the browser's own work.
const MARGIN_MS: f64 = 3.0;
/// The shortest and the longest slice: a slice always makes some progress, and never
/// takes a whole frame.
const MIN_SLICE_MS: f64 = 2.0;
const MAX_SLICE_MS: f64 = 10.0;
/// Without animation frames (a hidden tab): a slice this often, of the longest length.
const NO_FRAME_MS: u32 = 200;

/// How long a slice may run when it starts at `now`, in a frame that began at
/// `frame_start` (both by the page's clock, in milliseconds).
pub fn slice_budget(frame_start: f64, now: f64) -> f64 {
    (frame_start + FRAME_MS - MARGIN_MS - now).clamp(MIN_SLICE_MS, MAX_SLICE_MS)
}

/// The next slice, asked for; dropping it cancels it.
pub struct NextSlice {
    frame_id: Option<i32>,
    _on_frame: Rc<Closure<dyn FnMut(f64)>>,
    after_frame: Rc<RefCell<Option<Timeout>>>,
    _no_frame: Timeout,
}

/// Calls `run(budget_ms)` once: just after the next frame is drawn, or after
/// [`NO_FRAME_MS`] if no frame comes.
pub fn next_slice(run: Callback<f64>) -> NextSlice {
    let ran = Rc::new(Cell::new(false));
    let after_frame: Rc<RefCell<Option<Timeout>>> = Rc::new(RefCell::new(None));
    let on_frame = {
        let (ran, after_frame, run) = (ran.clone(), after_frame.clone(), run.clone());
        Closure::<dyn FnMut(f64)>::new(move |frame_start: f64| {
            let (ran, run) = (ran.clone(), run.clone());
            let timeout = Timeout::new(0, move || {
                if !ran.replace(true) {
                    run.emit(slice_budget(frame_start, browser::now_ms()));
                }
            });
            *after_frame.borrow_mut() = Some(timeout);
        })
    };
    let frame_id = browser::window().and_then(|w| {
        w.request_animation_frame(on_frame.as_ref().unchecked_ref())
            .ok()
    });
    let no_frame = Timeout::new(NO_FRAME_MS, move || {
        if !ran.replace(true) {
            run.emit(MAX_SLICE_MS);
        }
    });
    NextSlice {
        frame_id,
        _on_frame: Rc::new(on_frame),
        after_frame,
        _no_frame: no_frame,
    }
}

impl Drop for NextSlice {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.frame_id, browser::window()) {
            let _ = w.cancel_animation_frame(id);
        }
        self.after_frame.borrow_mut().take();
    }
}
