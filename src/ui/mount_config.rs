//! The configuration a host page passes to `dsviz.mount`, read from the JavaScript object
//! as it is: each option checked for its type, an unknown option named. (Read by hand, not
//! through serde: this object is serde's only use in the app, and serde's reader cost the
//! bundle more than the whole of this file.)
use crate::i18n::{tr, trf};
use crate::sim::sorted::SortedMap;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The options `mount` takes, in the order its error message lists them.
pub const OPTIONS: &[&str] = &[
    "scene", "seed", "params", "actions", "step", "scenario", "tour", "caption", "log", "diagram",
    "explore", "autoplay", "speed", "lang",
];

#[derive(Debug, Default)]
pub struct MountConfig {
    pub scene: Option<String>,
    pub seed: Option<f64>,
    /// Parameters as a link writes them (`{ n: 4 }` is `n=4`).
    pub params: SortedMap<String, String>,
    pub actions: Vec<String>,
    pub step: Option<f64>,
    /// A ready-made scenario of the scene, by id.
    pub scenario: Option<String>,
    /// A tour stop to open (1 is the first).
    pub tour: Option<f64>,
    pub caption: Option<bool>,
    pub log: Option<bool>,
    pub diagram: Option<bool>,
    pub explore: Option<bool>,
    pub autoplay: Option<bool>,
    /// Playback speed, 0 (slowest) to 7 (fastest).
    pub speed: Option<f64>,
    /// `"en"` or `"zh"`; the browser's language when not given.
    pub lang: Option<String>,
}

/// Reads the config; `undefined` and `null` (for the whole object or one option) mean the
/// defaults. The error says which option is wrong and what it should be.
pub fn read(config: &JsValue) -> Result<MountConfig, String> {
    let mut read = MountConfig::default();
    if config.is_undefined() || config.is_null() {
        return Ok(read);
    }
    let object = plain_object(config, tr("the config"))?;
    for key in Object::keys(object).iter() {
        let name = key.as_string().unwrap_or_default();
        let value = Reflect::get(config, &key).unwrap_or(JsValue::UNDEFINED);
        if value.is_undefined() || value.is_null() {
            continue;
        }
        let v = &value;
        match name.as_str() {
            "scene" => read.scene = Some(text(v, &name)?),
            "seed" => read.seed = Some(number(v, &name)?),
            "params" => read.params = params(v)?,
            "actions" => read.actions = texts(v, &name)?,
            "step" => read.step = Some(number(v, &name)?),
            "scenario" => read.scenario = Some(text(v, &name)?),
            "tour" => read.tour = Some(number(v, &name)?),
            "caption" => read.caption = Some(flag(v, &name)?),
            "log" => read.log = Some(flag(v, &name)?),
            "diagram" => read.diagram = Some(flag(v, &name)?),
            "explore" => read.explore = Some(flag(v, &name)?),
            "autoplay" => read.autoplay = Some(flag(v, &name)?),
            "speed" => read.speed = Some(number(v, &name)?),
            "lang" => read.lang = Some(text(v, &name)?),
            _ => {
                return Err(trf(
                    "unknown option \"{option}\"; options: {all}",
                    &[("option", &name), ("all", &OPTIONS.join(", "))],
                ))
            }
        }
    }
    Ok(read)
}

/// What a value is, in a JavaScript programmer's words ("a number", "an array").
fn kind(value: &JsValue) -> &'static str {
    if Array::is_array(value) {
        "an array"
    } else if value.is_string() {
        "text"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.as_bool().is_some() {
        "true or false"
    } else if value.is_function() {
        "a function"
    } else if value.is_object() {
        "an object"
    } else {
        "another kind of value"
    }
}

fn wrong(what: &str, expected: &'static str, value: &JsValue) -> String {
    trf(
        "{what} must be {expected}, not {kind}",
        &[
            ("what", &what),
            ("expected", &tr(expected)),
            ("kind", &tr(kind(value))),
        ],
    )
}

fn plain_object<'a>(value: &'a JsValue, what: &str) -> Result<&'a Object, String> {
    if value.is_object() && !Array::is_array(value) && !value.is_function() {
        Ok(value.unchecked_ref())
    } else {
        Err(wrong(what, "an object", value))
    }
}

fn text(value: &JsValue, what: &str) -> Result<String, String> {
    value.as_string().ok_or_else(|| wrong(what, "text", value))
}

fn number(value: &JsValue, what: &str) -> Result<f64, String> {
    value.as_f64().ok_or_else(|| wrong(what, "a number", value))
}

fn flag(value: &JsValue, what: &str) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| wrong(what, "true or false", value))
}

fn texts(value: &JsValue, what: &str) -> Result<Vec<String>, String> {
    if !Array::is_array(value) {
        return Err(wrong(what, "an array of texts", value));
    }
    Array::from(value)
        .iter()
        .map(|item| text(&item, what))
        .collect()
}

/// The parameters: text, numbers and booleans, written as a link writes them.
fn params(value: &JsValue) -> Result<SortedMap<String, String>, String> {
    let object = plain_object(value, "params")?;
    let mut params = SortedMap::new();
    for key in Object::keys(object).iter() {
        let name = key.as_string().unwrap_or_default();
        let value = Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED);
        let written = if let Some(text) = value.as_string() {
            text
        } else if let Some(n) = value.as_f64() {
            if n.fract() == 0.0 && n.abs() < 9e15 {
                format!("{}", n as i64)
            } else {
                n.to_string()
            }
        } else if let Some(b) = value.as_bool() {
            u8::from(b).to_string()
        } else {
            return Err(wrong(
                &format!("params.{name}"),
                "text, a number or true or false",
                &value,
            ));
        };
        params.insert(name, written);
    }
    Ok(params)
}
