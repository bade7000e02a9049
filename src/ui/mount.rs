//! Starting the app on its own page, and mounting a scene into any host page.
use super::{app, browser};
use crate::scene::{RunSpec, SceneId};
use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// Starts the app when the page has a `#dsviz-app` element (the app's own page). On a host
/// page that only loads the module to call [`mount`], it does nothing.
pub fn start() {
    install_panic_hook();
    let Some(document) = browser::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = document.get_element_by_id("dsviz-app") {
        let (spec, problems) = RunSpec::from_query(&browser::location_query());
        let props = app::AppProps {
            spec,
            problems,
            sync_url: true,
        };
        yew::Renderer::<app::App>::with_root_and_props(root, props).render();
    }
}

/// A panic in WebAssembly stops the whole app; this at least tells the person what happened
/// instead of leaving a frozen page. (Tests check that nothing reaches it.)
fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(install_panic_hook_once);
}

fn install_panic_hook_once() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("dsviz stopped because of an internal error: {info}. Reloading the page starts again; please report this with the page's address.");
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

/// The configuration a host page passes to `dsviz.mount`.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MountConfig {
    scene: Option<String>,
    seed: Option<f64>,
    #[serde(default)]
    params: BTreeMap<String, serde_json_like::Scalar>,
    #[serde(default)]
    actions: Vec<String>,
    step: Option<f64>,
}

mod serde_json_like {
    use serde::Deserialize;
    /// A parameter value as a host page may write it: text, number or boolean.
    #[derive(Deserialize, Debug)]
    #[serde(untagged)]
    pub enum Scalar {
        Text(String),
        Number(f64),
        Flag(bool),
    }

    impl Scalar {
        pub fn into_text(self) -> String {
            match self {
                Scalar::Text(t) => t,
                Scalar::Number(n) if n.fract() == 0.0 => format!("{}", n as i64),
                Scalar::Number(n) => n.to_string(),
                Scalar::Flag(b) => u8::from(b).to_string(),
            }
        }
    }
}

fn whole_number(value: f64, what: &str) -> Result<u64, String> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0
    {
        Ok(value as u64)
    } else {
        Err(format!(
            "{what} must be a whole number from 0 to 2^53-1, not {value}"
        ))
    }
}

fn spec_from_config(config: JsValue) -> Result<RunSpec, String> {
    let config: MountConfig = if config.is_undefined() || config.is_null() {
        MountConfig::default()
    } else {
        serde_wasm_bindgen::from_value(config)
            .map_err(|e| format!("the config object is not valid: {e}"))?
    };
    let scene = match config.scene.as_deref() {
        None => SceneId::default(),
        Some(slug) => SceneId::from_slug(slug).ok_or_else(|| {
            format!(
                "unknown scene \"{slug}\"; scenes: {}",
                SceneId::all()
                    .map(|s| s.slug())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?,
    };
    let mut spec = RunSpec::new(scene);
    spec.embed = true;
    if let Some(seed) = config.seed {
        spec.seed = whole_number(seed, "seed")?;
    }
    spec.params = config
        .params
        .into_iter()
        .map(|(k, v)| (k, v.into_text()))
        .collect();
    spec.actions = config.actions;
    spec.step = config.step.map(|s| whole_number(s, "step")).transpose()?;
    Ok(spec)
}

/// Mounts one scene, in the compact embed layout, into `element` of any page:
/// `mount(document.getElementById("x"), { scene: "2pc", seed: 7, params: { n: 4 } })`.
/// A bad config is reported in the element and as the thrown error.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, config: JsValue) -> Result<(), JsValue> {
    install_panic_hook();
    match spec_from_config(config) {
        Ok(spec) => {
            let props = app::AppProps {
                spec,
                problems: Vec::new(),
                sync_url: false,
            };
            yew::Renderer::<app::App>::with_root_and_props(element, props).render();
            Ok(())
        }
        Err(message) => {
            let message = format!("dsviz.mount: {message}");
            element.set_class_name("dsviz-mount-error");
            element.set_text_content(Some(&message));
            Err(JsValue::from_str(&message))
        }
    }
}
