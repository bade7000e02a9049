//! The lock panel of the locks scene: who holds the lock and until when, who waits in which
//! order and whom each waiter watches, who *believes* it holds the lock, and the storage
//! log of writes with their fencing tokens, accepted or rejected; and which stage the
//! scene draws.
use super::stage;
use crate::algo::locks::{LockKind, LockView, WatchTarget};
use crate::i18n::{tr, trf};
use crate::scene::locks::{believers_verdict, expiry_words, holder_sentence, Locks, LocksView};
use crate::sim::Time;
use crate::ui::scenes::{SceneViews, ViewCtx};
use crate::ui::svg_attr::n0;
use yew::prelude::*;

impl SceneViews for Locks {
    // `style.css` here, minified by `build.rs`.
    const STYLE: &'static str = include_str!(concat!(env!("OUT_DIR"), "/css/ui/locks/style.css"));

    /// The queue locks get a stage with the queue beside ZooKeeper; the lease locks one
    /// with the servers along the top and the clients along the bottom (an embed of many
    /// nodes, Redlock's five servers, shows its messages as dots). Both write each node's
    /// state outside its circle, on the side no message comes from (`geometry.rs`). On a
    /// phone a lease lock keeps the generic topology's phone frame, whose bigger circles
    /// and labels read at 11 pixels: the 700-unit stage would be drawn at half size. A
    /// queue lock takes its own phone frame (`phone.rs`), chosen the same way in its stage.
    fn stage(view: LocksView, ctx: ViewCtx) -> Option<Html> {
        if let Some(queue) = view.queue {
            return Some(html! { <stage::QueueLockStage queue={queue} ctx={ctx} /> });
        }
        if !ctx.compact && crate::ui::hooks::prefers(crate::ui::topology::NARROW_QUERY) {
            return None;
        }
        let servers = view.lock.servers.len() as u32;
        Some(html! { <stage::LeaseStage servers={servers} ctx={ctx} /> })
    }

    fn panel(view: LocksView, ctx: ViewCtx) -> Option<Html> {
        Some(html! { <LockPanel view={view} playhead={ctx.playhead} /> })
    }
}

#[derive(Properties, PartialEq)]
struct LockPanelProps {
    view: LocksView,
    playhead: Time,
}

#[function_component(LockPanel)]
fn lock_panel(p: &LockPanelProps) -> Html {
    let ttl_ms = p.view.ttl.as_millis_f64();
    let view = &p.view.lock;
    html! {
        <section class="lock-panel" aria-label={tr("The lock")}>
            <h2>{ trf("Lock · {kind}", &[("kind", &tr(view.kind.title()))]) }</h2>
            { holder(&p.view, p.playhead, ttl_ms) }
            { believers(view) }
            if view.kind.is_queue() { { queue(view) } }
            { storage(view) }
            { stats(view) }
        </section>
    }
}

fn holder(scene: &LocksView, now: Time, ttl_ms: f64) -> Html {
    let view = &scene.lock;
    let Some(holds) = holder_sentence(scene) else {
        return html! { <p class="lock-holder free" id="lock-holder">{ tr("The lock is free.") }</p> };
    };
    let lease = view.lease_expiry.map(|expiry| {
        let left_ms = expiry.0.saturating_sub(now.0) as f64 / 1000.0;
        let fraction = (left_ms / ttl_ms.max(1.0)).clamp(0.0, 1.0);
        // A lease for the lease locks, the holder's session for the queue locks.
        let words = expiry_words(view.kind, left_ms);
        html! {
            <div class="lease" title={words.title}>
                <div class="lease-bar" role="progressbar" aria-label={words.aria}
                     aria-valuemin="0" aria-valuemax={ttl_ms.to_string()} aria-valuenow={n0(left_ms)}>
                    <div class={classes!("lease-fill", (fraction < 0.25).then_some("low"))} style={format!("width:{:.1}%", fraction * 100.0)}></div>
                </div>
                <span class="lease-text">{ words.left }</span>
            </div>
        }
    });
    html! {
        <div class="lock-holder" id="lock-holder">
            <p>{ holds }</p>
            { for lease }
        </div>
    }
}

fn believers(view: &LockView) -> Html {
    if view.believers.len() < 2 {
        return html! {};
    }
    let names: Vec<String> = view
        .believers
        .iter()
        .map(|b| {
            if b.paused {
                trf("{who} (paused)", &[("who", &b.name)])
            } else {
                b.name.clone()
            }
        })
        .collect();
    let verdict = believers_verdict(view);
    html! {
        <p class="believers" role="status" id="believers">
            <strong>{ trf("{count} clients believe they hold the lock:", &[("count", &names.len())]) }</strong>{ " " }{ names.join(", ") }{ ". " }{ verdict }
        </p>
    }
}

/// The queue of a ZooKeeper-style lock, left to right by sequence number, with each
/// waiter's watch drawn as an arrow to what it watches.
fn queue(view: &LockView) -> Html {
    const BOX_W: f64 = 86.0;
    const GAP: f64 = 22.0;
    const LOCK_W: f64 = 56.0;
    let mut boxes: Vec<(u64, String, bool)> = Vec::new();
    if let Some(h) = &view.holder {
        let seq = h.token.unwrap_or(0);
        boxes.push((seq, h.name.clone(), true));
    }
    boxes.extend(view.waiters.iter().map(|w| (w.seq, w.name.clone(), false)));
    let x_of = |i: usize| LOCK_W + GAP + i as f64 * (BOX_W + GAP);
    let width = x_of(boxes.len()).max(240.0);
    let index_of_seq = |seq: u64| boxes.iter().position(|(s, _, _)| *s == seq);
    let arrows = view.waiters.iter().enumerate().filter_map(|(i, w)| {
        let from_i = i + usize::from(view.holder.is_some());
        let x1 = x_of(from_i) + BOX_W / 2.0;
        let x2 = match w.watching {
            WatchTarget::Predecessor(seq) => x_of(index_of_seq(seq)?) + BOX_W / 2.0,
            WatchTarget::LockNode => LOCK_W / 2.0,
            WatchTarget::Nothing => return None,
        };
        let lift = 14.0 + (x1 - x2).abs() * 0.12;
        Some(html! {
            <path class={classes!("watch", matches!(w.watching, WatchTarget::LockNode).then_some("herd"))}
                  d={format!("M{x1:.1},58 C{x1:.1},{:.1} {x2:.1},{:.1} {x2:.1},58", 58.0 + lift, 58.0 + lift)}
                  marker-end="url(#watch-arrow)"><title>{ format!("{} {}", w.name, watch_text(w.watching)) }</title></path>
        })
    });
    let cells = boxes.iter().enumerate().map(|(i, (seq, name, holds))| {
        let x = x_of(i);
        html! {
            <g class={classes!("queue-entry", holds.then_some("holds"))} transform={format!("translate({x:.1},22)")}>
                <rect width={BOX_W.to_string()} height="36" rx="6" />
                <text x={(BOX_W / 2.0).to_string()} y="15">{ format!("#{seq}") }</text>
                <text x={(BOX_W / 2.0).to_string()} y="29" class="who">{ name }</text>
            </g>
        }
    });
    html! {
        <div class="lock-queue" id="lock-queue">
            <svg viewBox={format!("0 0 {width:.0} 110")} role="img"
                 aria-label={trf("Lock queue: {count} waiting", &[("count", &view.waiters.len())])}>
                <defs>
                    <marker id="watch-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" orient="auto">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="watch-head" />
                    </marker>
                </defs>
                <g class="lock-node" transform="translate(0,22)">
                    <rect width={LOCK_W.to_string()} height="36" rx="18" />
                    <text x={(LOCK_W / 2.0).to_string()} y="22">{ "/lock" }</text>
                </g>
                { for cells }
                { for arrows }
            </svg>
            if view.kind == LockKind::QueueHerd {
                <p class="hint">{ tr("Every waiter watches /lock: each change wakes them all (the herd effect).") }</p>
            } else {
                <p class="hint">{ tr("Each waiter watches only its predecessor: a release wakes one client.") }</p>
            }
        </div>
    }
}

/// What a waiter watches, in the reader's language.
fn watch_text(watching: WatchTarget) -> String {
    match watching {
        WatchTarget::Predecessor(seq) => trf("watches #{seq}", &[("seq", &seq)]),
        WatchTarget::LockNode => tr("watches /lock").to_string(),
        WatchTarget::Nothing => tr("no watch").to_string(),
    }
}

fn storage(view: &LockView) -> Html {
    let rows = view.storage.iter().rev().take(10).map(|w| {
        let token = w
            .token
            .map_or_else(|| tr("none").to_string(), |t| t.to_string());
        let verdict = if w.accepted {
            tr("accepted").to_string()
        } else {
            trf(
                "rejected (storage has seen {token})",
                &[(
                    "token",
                    &w.newest_token.map_or_else(|| "?".into(), |t| t.to_string()),
                )],
            )
        };
        html! {
            <tr class={if w.accepted { "accepted" } else { "rejected" }}>
                <td>{ format!("{}", w.at) }</td>
                <td>{ trf("client {number}", &[("number", &w.client_number)]) }</td>
                <td>{ token }</td>
                <td>{ verdict }</td>
            </tr>
        }
    });
    html! {
        <div class="storage-log" id="storage-log">
            <h3>{ if view.fencing { tr("Storage writes · fencing on") } else { tr("Storage writes · fencing off") } }</h3>
            if view.storage.is_empty() {
                <p class="hint">{ tr("No writes yet.") }</p>
            } else {
                <table>
                    <thead><tr><th>{ tr("time") }</th><th>{ tr("client") }</th><th>{ tr("token") }</th><th>{ tr("storage") }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}

fn stats(view: &LockView) -> Html {
    let s = &view.stats;
    let per = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"));
    html! {
        <p class="lock-stats" id="lock-stats">
            { trf(
                "{acquisitions} acquisitions · {messages} messages per acquisition · {notifications} notifications per acquisition · {accepted} writes accepted, {rejected} rejected",
                &[
                    ("acquisitions", &s.acquisitions),
                    ("messages", &per(s.messages_per_acquisition())),
                    ("notifications", &per(s.notifications_per_acquisition())),
                    ("accepted", &s.writes_accepted),
                    ("rejected", &s.writes_rejected),
                ],
            ) }
        </p>
    }
}
