//! RaftScope's keys on the Raft stage: C (a client request), R (restart the leader), T
//! (spread the election timers), A (align them). Keys typed into a form field, and keys
//! pressed with Ctrl, Alt or Meta, are left alone.
use super::actions::{align_timers, client_request, restart_leader, spread_timers};
use crate::scene::raft::RaftView;
use crate::ui::browser;
use crate::ui::model::Msg;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a key asks for, at the view it was pressed on.
fn actions_for(key: &str, view: &RaftView) -> Option<Result<Vec<String>, &'static str>> {
    Some(match key {
        "c" | "C" => client_request(view).map(|a| vec![a]),
        "r" | "R" => restart_leader(view),
        "t" | "T" => spread_timers(view),
        "a" | "A" => align_timers(view),
        _ => return None,
    })
}

/// The view the keys act on, and where to send the actions: the latest render's.
type Latest = Rc<RefCell<Option<(RaftView, Callback<Msg>)>>>;

/// Listens for the keys while the stage is shown; the listener reads the latest view.
#[hook]
pub fn use_raft_keys(view: &RaftView, on_msg: &Callback<Msg>) {
    let latest: Latest = use_mut_ref(|| None);
    *latest.borrow_mut() = Some((view.clone(), on_msg.clone()));
    use_effect_with((), move |_| {
        let document = browser::window().and_then(|w| w.document());
        let listener =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                if e.ctrl_key() || e.meta_key() || e.alt_key() || e.repeat() {
                    return;
                }
                let target = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
                let in_field = target.as_ref().is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                        || el.is_content_editable()
                });
                if in_field {
                    return;
                }
                // Cloned out, so that no borrow is held while the actions are dispatched.
                let Some((view, on_msg)) = latest.borrow().clone() else {
                    return;
                };
                match actions_for(&e.key(), &view) {
                    None => {}
                    Some(Ok(actions)) => {
                        e.prevent_default();
                        for action in actions {
                            on_msg.emit(Msg::Act(action));
                        }
                    }
                    Some(Err(why)) => {
                        e.prevent_default();
                        on_msg.emit(Msg::Notice(Some(why.to_string())));
                    }
                }
            });
        if let Some(doc) = &document {
            let _ =
                doc.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(doc) = &document {
                let _ = doc.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}
