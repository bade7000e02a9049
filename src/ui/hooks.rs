//! Hooks shared by the shell and the scene views: the one animation-frame loop, the
//! keyboard, and media queries.
use super::browser;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The requestAnimationFrame callback, kept alive while the loop runs.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// While `active`, calls `on_frame(wall-clock ms since the previous frame)` on every
/// animation frame (16 ms for the first). The loop stops when `active` turns false, when the
/// component goes away, or when `on_frame` returns false.
#[hook]
pub fn use_animation_frames(active: bool, on_frame: Rc<dyn Fn(f64) -> bool>) {
    use_effect_with(active, move |active| {
        let stop = Rc::new(Cell::new(false));
        if *active {
            let stop = stop.clone();
            let holder: FrameCallback = Rc::new(RefCell::new(None));
            let inner = holder.clone();
            let last = Cell::new(None::<f64>);
            *holder.borrow_mut() = Some(Closure::new(move |now: f64| {
                if stop.get() {
                    inner.borrow_mut().take();
                    return;
                }
                let elapsed = last.get().map_or(16.0, |prev| now - prev);
                last.set(Some(now));
                if !on_frame(elapsed) {
                    inner.borrow_mut().take();
                    return;
                }
                if let (Some(w), Some(cb)) = (browser::window(), inner.borrow().as_ref()) {
                    let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
                }
            }));
            let first = holder.borrow();
            if let (Some(w), Some(cb)) = (browser::window(), first.as_ref()) {
                let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
            }
        }
        move || stop.set(true)
    });
}

/// Whether a media query matches now (`(prefers-color-scheme: dark)`, ...).
pub fn prefers(query: &str) -> bool {
    browser::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Calls `after` once, just after the browser painted the component's first drawing (an
/// animation frame runs just before a paint; a task queued from it runs after that
/// paint). A hidden page or an iframe out of view gets no animation frames: `after` then
/// runs a little later anyway.
#[hook]
pub fn use_after_first_paint(after: Callback<()>) {
    use_effect_with((), move |_| {
        let timers: Rc<RefCell<Vec<gloo_timers::callback::Timeout>>> = Rc::default();
        let done = Rc::new(Cell::new(false));
        let once = move || {
            if !done.replace(true) {
                after.emit(());
            }
        };
        let late = once.clone();
        timers
            .borrow_mut()
            .push(gloo_timers::callback::Timeout::new(
                AFTER_FIRST_PAINT_AT_LATEST_MS,
                late,
            ));
        let queue = timers.clone();
        let frame = Closure::once(move |_: f64| {
            let timeout = gloo_timers::callback::Timeout::new(0, once);
            queue.borrow_mut().push(timeout);
        });
        let window = browser::window();
        let request = window.as_ref().and_then(|w| {
            w.request_animation_frame(frame.as_ref().unchecked_ref())
                .ok()
        });
        move || {
            // Gone before its first frame: the frame must not call a dropped closure.
            if let (Some(w), Some(id)) = (window, request) {
                let _ = w.cancel_animation_frame(id);
            }
            drop(frame);
            timers.borrow_mut().clear();
        }
    });
}

/// How long [`use_after_first_paint`] waits for the first paint at most.
const AFTER_FIRST_PAINT_AT_LATEST_MS: u32 = 150;
