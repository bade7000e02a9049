//! Starting the app on its own page, and mounting a scene into any host page.
use super::{app, browser};
use crate::i18n::{tr, trf};
use crate::scene::{RunSpec, SceneId};
use wasm_bindgen::prelude::*;

/// Starts the app when the page has a `#dsviz-app` element (the app's own page). On a host
/// page that only loads the module to call [`mount`], it does nothing.
pub fn start() {
    install_panic_hook();
    let Some(document) = browser::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = document.get_element_by_id("dsviz-app") {
        add_stylesheet(&document, document.head().map(web_sys::Node::from));
        // The browser's language first, so that the link's problems are written in it
        // unless the link names its own.
        if let Some(lang) = browser::preferred_lang() {
            crate::i18n::set_lang(lang);
        }
        let (spec, problems) = RunSpec::from_query(&browser::location_query());
        let props = app::AppProps {
            spec,
            problems,
            sync_url: true,
        };
        yew::Renderer::<app::App>::with_root_and_props(root, props).render();
    }
}

/// Puts the app's stylesheet (the shell's and every scene's) into `parent`: the page's
/// `<head>`, or a mounted scene's shadow root.
fn add_stylesheet(document: &web_sys::Document, parent: Option<web_sys::Node>) {
    let (Some(parent), Ok(style)) = (parent, document.create_element("style")) else {
        return;
    };
    style.set_text_content(Some(&super::scenes::stylesheet()));
    let _ = parent.append_child(&style);
}

/// The shadow root a scene is mounted into, emptied (a second `mount` on the same element
/// replaces the first), with the stylesheet in it and a fresh element to draw into.
fn mount_root(element: &web_sys::Element) -> Result<web_sys::Element, String> {
    let document = browser::window()
        .and_then(|w| w.document())
        .ok_or("there is no document")?;
    let shadow = match element.shadow_root() {
        Some(shadow) => {
            shadow.set_inner_html("");
            shadow
        }
        None => element
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .map_err(|_| {
                "this element cannot hold a shadow root (use a <div> or another container)"
                    .to_string()
            })?,
    };
    add_stylesheet(&document, Some(shadow.clone().into()));
    let root = document
        .create_element("div")
        .map_err(|_| "the page would not make an element".to_string())?;
    root.set_class_name("dsviz-mount");
    shadow
        .append_child(&root)
        .map_err(|_| "the shadow root would not take the element".to_string())?;
    Ok(root)
}

/// A panic in WebAssembly stops the whole app; this at least tells the person what happened
/// instead of leaving a frozen page. (Tests check that nothing reaches it.)
fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(install_panic_hook_once);
}

fn install_panic_hook_once() {
    std::panic::set_hook(Box::new(|info| {
        let message = trf("dsviz stopped because of an internal error: {error}. Reloading the page starts again; please report this with the page's address.", &[("error", info)]);
        web_sys::console::error_1(&message.clone().into());
        if let Some(document) = browser::window().and_then(|w| w.document()) {
            if let (Ok(el), Some(body)) = (document.create_element("div"), document.body()) {
                el.set_class_name("panic-banner");
                el.set_attribute("role", "alert").ok();
                el.set_text_content(Some(&message));
                let _ = body.prepend_with_node_1(&el);
            }
        }
    }));
}

fn whole_number(value: f64, what: &str) -> Result<u64, String> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0
    {
        Ok(value as u64)
    } else {
        Err(trf(
            "{what} must be a whole number from 0 to 2^53-1, not {value}",
            &[("what", &what), ("value", &value)],
        ))
    }
}

fn spec_from_config(config: JsValue) -> Result<RunSpec, String> {
    // The problems with the config are written in its language, else the browser's.
    if let Some(lang) = browser::preferred_lang() {
        crate::i18n::set_lang(lang);
    }
    let config = super::mount_config::read(&config)?;
    if let Some(lang) = config
        .lang
        .as_deref()
        .and_then(crate::i18n::Lang::from_code)
    {
        crate::i18n::set_lang(lang);
    }
    let scene = match config.scene.as_deref() {
        None => SceneId::default(),
        Some(slug) if SceneId::left_out(slug) => {
            return Err(trf(
                "this module has only the scene {built}; mount \"{scene}\" with scenes/{scene}/dsviz.js, or with dsviz.js, which has every scene",
                &[("built", &SceneId::built_slugs()), ("scene", &slug)],
            ))
        }
        Some(slug) => SceneId::from_slug(slug).ok_or_else(|| {
            trf(
                "unknown scene \"{scene}\"; scenes: {all}",
                &[("scene", &slug), ("all", &SceneId::built_slugs())],
            )
        })?,
    };
    let mut spec = RunSpec::new(scene);
    spec.embed = true;
    if let Some(seed) = config.seed {
        spec.seed = whole_number(seed, "seed")?;
    }
    spec.params = config.params;
    spec.actions = config.actions;
    spec.step = config.step.map(|s| whole_number(s, "step")).transpose()?;
    spec.scenario = config.scenario.filter(|s| !s.is_empty());
    if let Some(stop) = config.tour {
        let stop = whole_number(stop, "tour")?;
        if stop == 0 {
            return Err(tr("tour counts stops from 1").into());
        }
        spec.tour = Some((stop - 1) as usize);
    }
    let show = &mut spec.show;
    for (option, value) in [
        (&mut show.caption, config.caption),
        (&mut show.autoplay, config.autoplay),
    ] {
        if let Some(value) = value {
            *option = value;
        }
    }
    show.log = config.log.or(show.log);
    show.diagram = config.diagram.or(show.diagram);
    show.explore = config.explore.or(show.explore);
    if let Some(speed) = config.speed {
        let speed = whole_number(speed, "speed")?;
        if speed as usize >= crate::scene::spec::SPEED_COUNT {
            return Err(trf(
                "speed must be from 0 (slowest) to {max}, not {speed}",
                &[
                    ("max", &(crate::scene::spec::SPEED_COUNT - 1)),
                    ("speed", &speed),
                ],
            ));
        }
        show.speed = Some(speed as usize);
    }
    if let Some(code) = config.lang {
        show.lang = Some(crate::i18n::Lang::from_code(&code).ok_or_else(|| {
            trf(
                "unknown lang \"{code}\"; languages: en, zh",
                &[("code", &code)],
            )
        })?);
    }
    Ok(spec)
}

/// The names of every scene, for `mount`'s `scene` (in the order the app's picker shows).
#[wasm_bindgen]
pub fn scenes() -> Vec<String> {
    SceneId::all().map(|s| s.slug().to_string()).collect()
}

/// Mounts one scene, in the compact embed layout, into `element` of any page:
/// `mount(document.getElementById("x"), { scene: "2pc", seed: 7, params: { n: 4 } })`.
/// The scene lives in the element's shadow root with its own styles, isolated from the
/// page's both ways, and fills the element's box. A bad config is reported in the element
/// and as the thrown error.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, config: JsValue) -> Result<(), JsValue> {
    install_panic_hook();
    let root = mount_root(&element).map_err(|e| JsValue::from_str(&format!("dsviz.mount: {e}")))?;
    match spec_from_config(config) {
        Ok(spec) => {
            let props = app::AppProps {
                spec,
                problems: Vec::new(),
                sync_url: false,
            };
            yew::Renderer::<app::App>::with_root_and_props(root, props).render();
            Ok(())
        }
        Err(message) => {
            let message = format!("dsviz.mount: {message}");
            root.set_class_name("dsviz-mount-error");
            root.set_attribute("role", "alert").ok();
            root.set_text_content(Some(&message));
            Err(JsValue::from_str(&message))
        }
    }
}
