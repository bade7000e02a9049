//! The queue scene's side panel: what the chosen design guarantees and how it fails, the
//! pending entries (or the reaper's watch), Redis's persistence, and the designs compared
//! under one seeded fault schedule.
use crate::algo::queue::{design_comparison, BaseDesign, Design, DesignRow};
use crate::algo::redis::Persistence;
use crate::i18n::{tr, trf};
use crate::scene::queue::view::QueueSceneView;
use crate::ui::scenes::ViewCtx;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub fn design_title(design: Design) -> &'static str {
    match design {
        Design::AtMostOnce => tr("1. LPUSH + BRPOP"),
        Design::ReliableList => tr("2. BLMOVE + processing list + reaper"),
        Design::ConsumerGroup => tr("3. Stream + consumer group + dead letters"),
        Design::Idempotent(BaseDesign::ReliableList) => tr("4. Idempotent consumers on design 2"),
        Design::Idempotent(BaseDesign::ConsumerGroup) => tr("4. Idempotent consumers on design 3"),
    }
}

fn design_story(design: Design) -> &'static str {
    match design {
        Design::AtMostOnce => tr("BRPOP removes a message from Redis as it hands it out: a consumer that crashes before finishing takes the message along. At most once."),
        Design::ReliableList => tr("BLMOVE moves each message into the consumer's processing list, and LREM removes it when done. The reaper requeues what stays there past the visibility timeout: nothing is lost, but a slow consumer's message is processed twice. At least once."),
        Design::ConsumerGroup => tr("Redis keeps every delivered entry in the group's pending entries list, with its delivery count, until XACK. A consumer claims entries idle past the minimum idle time (XAUTOCLAIM); an entry delivered more times than the limit goes to the dead-letter stream. At least once."),
        Design::Idempotent(_) => tr("Deliveries as in the design below it, but each consumer applies the effect and records the message id in one database transaction, and skips ids already recorded: every duplicate is harmless. Exactly-once effect."),
    }
}

#[derive(Properties, PartialEq)]
pub struct QueuePanelProps {
    pub view: QueueSceneView,
    pub ctx: ViewCtx,
}

#[function_component(QueuePanel)]
pub fn queue_panel(p: &QueuePanelProps) -> Html {
    let v = &p.view;
    let pending = v
        .consumers
        .iter()
        .flat_map(|c| c.pending.iter().map(move |e| (c.number, e)));
    let pending_rows: Vec<Html> = pending
        .map(|(number, e)| {
            html! {
                <tr class={classes!(e.chip.message.poison.then_some("poison"))}>
                    <td>{ e.chip.message.id.to_string() }</td>
                    <td>{ format!("c{number}") }</td>
                    <td class="num">{ e.chip.deliveries.to_string() }</td>
                    <td class="num">{ e.idle.to_string() }</td>
                </tr>
            }
        })
        .collect();
    let watched: Vec<Html> = v
        .reaper
        .iter()
        .flat_map(|r| r.watching.iter())
        .map(|(c, m, since)| {
            html! {
                <tr>
                    <td>{ m.id.to_string() }</td>
                    <td>{ format!("c{c}") }</td>
                    <td class="num">{ v.now.saturating_sub(*since).to_string() }</td>
                </tr>
            }
        })
        .collect();
    let persistence = match v.persistence {
        Persistence::None => tr("Redis keeps nothing on disk: a crash empties it."),
        Persistence::AofEverySec => tr("Redis appends every write to its AOF and flushes it to disk once a second. When its machine goes down (a power loss), the writes since the last flush are lost: up to about a second of them. A crash of the Redis process alone loses nothing: the operating system still writes them out."),
        Persistence::AofAlways => tr("Redis flushes every write to disk before replying: even a power loss loses nothing it confirmed."),
    };
    html! {
        <section class="queue-panel" aria-label={tr("The queue")}>
            <h2>{ design_title(v.design) }</h2>
            <p class="story">{ design_story(v.design) }</p>
            if v.design.uses_stream() {
                <h3>{ trf("Pending entries (min idle {t}, dead letter after {n} deliveries)", &[("t", &v.settings.min_idle), ("n", &v.settings.max_deliveries)]) }</h3>
                if pending_rows.is_empty() {
                    <p class="hint">{ tr("No entry is pending.") }</p>
                } else {
                    <table id="pending-table">
                        <thead><tr><th>{ tr("message") }</th><th>{ tr("owner") }</th><th>{ tr("deliveries") }</th><th>{ tr("idle") }</th></tr></thead>
                        <tbody>{ for pending_rows }</tbody>
                    </table>
                }
            }
            if v.reaper.is_some() {
                <h3>{ trf("The reaper's watch (visibility timeout {t})", &[("t", &v.settings.visibility_timeout)]) }</h3>
                if watched.is_empty() {
                    <p class="hint">{ tr("No message is in a processing list.") }</p>
                } else {
                    <table id="reaper-table">
                        <thead><tr><th>{ tr("message") }</th><th>{ tr("list of") }</th><th>{ tr("seen there for") }</th></tr></thead>
                        <tbody>{ for watched }</tbody>
                    </table>
                }
            }
            <h3>{ tr("Persistence") }</h3>
            <p>{ persistence }
                if v.lost_writes > 0 {
                    { " " }<strong class="bad">{ trf("Writes lost in crashes so far: {n}.", &[("n", &v.lost_writes)]) }</strong>
                }
            </p>
            if !v.db.duplicated.is_empty() {
                <p class="bad" id="duplicates">{ trf("Applied more than once: {list}", &[("list", &v.db.duplicated.iter().map(|(m, n)| format!("{m} ×{n}")).collect::<Vec<_>>().join(", "))]) }</p>
            }
            <DesignsCompared />
        </section>
    }
}

/// Every design under the same seeded faults, computed when asked.
#[function_component(DesignsCompared)]
pub fn designs_compared() -> Html {
    let seed = use_state(|| "1".to_string());
    let result = use_state(|| None::<Result<(u64, Vec<DesignRow>), String>>);
    let input = use_node_ref();
    let on_input = {
        let seed = seed.clone();
        let input = input.clone();
        Callback::from(move |_: InputEvent| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                seed.set(el.value());
            }
        })
    };
    let run = {
        let (seed, result) = (seed.clone(), result.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            result.set(Some(match seed.trim().parse::<u64>() {
                Ok(s) => Ok((s, design_comparison(s))),
                Err(_) => Err(trf(
                    "The seed must be a whole number from 0 to {max}, not \"{text}\".",
                    &[
                        ("max", &u64::MAX),
                        ("text", &seed.chars().take(24).collect::<String>()),
                    ],
                )),
            }));
        })
    };
    let table = match &*result {
        None => html! {},
        Some(Err(e)) => html! { <p class="bad" role="alert">{ e }</p> },
        Some(Ok((s, rows))) => {
            let rows = rows.iter().map(|r| {
                let c = r.counters;
                let cell = |n: u64, bad: bool| html! { <td class={classes!("num", (bad && n > 0).then_some("bad"))}>{ n.to_string() }</td> };
                html! {
                    <tr data-design={r.design.slug()}>
                        <th scope="row">{ design_title(r.design) }</th>
                        { cell(c.lost, true) }{ cell(c.duplicated, true) }{ cell(c.redelivered, false) }{ cell(c.processed, false) }
                    </tr>
                }
            });
            html! {
                <table id="compare-table">
                    <caption>{ trf("Seed {s}", &[("s", s)]) }</caption>
                    <thead><tr><th>{ tr("design") }</th><th>{ tr("lost") }</th><th>{ tr("duplicated") }</th><th>{ tr("delivered again") }</th><th>{ tr("processed") }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        }
    };
    html! {
        <div class="designs-compared">
            <h3>{ tr("Designs compared") }</h3>
            <p class="hint">{ tr("Each design runs 12 s: 2 producers send 40 messages each, under the same faults drawn from the seed. Each consumer crashes once and pauses once, the machine Redis runs on (AOF every second) loses power once, and the network loses 2% of messages.") }</p>
            <form onsubmit={run}>
                <label>{ tr("Fault seed") }{ " " }<input ref={input} id="compare-seed" inputmode="numeric" value={(*seed).clone()} oninput={on_input} size="8" /></label>
                <button id="compare-run" type="submit">{ tr("Compare") }</button>
            </form>
            { table }
        </div>
    }
}
