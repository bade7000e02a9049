//! Small wrappers over the browser APIs the app uses: the address bar, the clipboard,
//! downloads, and a fresh random seed. Failures are returned as messages, never panics.
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// The address of the script that loaded this module: `dsviz.js` (or a lean module's,
    /// `scenes/<scene>/dsviz.js`) wherever it is served from, or the page itself when the
    /// script is inline (`dsviz.html`).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MODULE_URL: JsValue;
}

/// The address of the glue script this module was loaded by (see [`MODULE_URL`]).
pub fn module_url() -> Option<String> {
    MODULE_URL.with(JsValue::as_string)
}

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The query string of the page, with its `?`.
pub fn location_query() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The page's address without its query: where links and embeds point.
pub fn location_base() -> String {
    let Some(loc) = window().map(|w| w.location()) else {
        return String::new();
    };
    let origin = loc.origin().unwrap_or_default();
    let path = loc.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

/// Rewrites the address bar without reloading or adding a history entry.
pub fn replace_query(query: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query));
    }
}

/// Shows `query` in the address bar as a new history entry (the browser's Back returns to
/// the one before).
pub fn push_query(query: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query));
    }
}

/// The browser's preferred language, if it names one the app speaks.
pub fn preferred_lang() -> Option<crate::i18n::Lang> {
    let language = window()?.navigator().language()?;
    crate::i18n::Lang::from_code(&language)
}

/// Copies text to the clipboard (best effort: the page also shows the text to copy).
pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Offers `content` as a file download.
pub fn download(filename: &str, mime: &str, content: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not make the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "no object URL".to_string())?;
    let document = window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no anchor".to_string())?
        .dyn_into()
        .map_err(|_| "no anchor".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A fresh seed from the browser's random source (never used inside the simulation: a run
/// only ever sees the seed itself). Kept below 2^53 so it survives JavaScript numbers.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return js_sys::Date::now() as u64;
    }
    u64::from_le_bytes(bytes) & ((1 << 53) - 1)
}

/// Wall-clock milliseconds for animation (the UI maps them to simulated time).
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Where the Chinese catalogues are: `zh.txt` beside the module's glue script and its
/// WebAssembly file, wherever the page loaded them from (a lean module's folder, a host
/// page's copy of the bundle). If the script's address is not known, the browser's list of
/// loaded resources says where the WebAssembly file came from.
fn zh_url() -> String {
    let beside_script = module_url()
        .filter(|u| {
            u.split(['?', '#'])
                .next()
                .is_some_and(|path| path.ends_with(".js"))
        })
        .and_then(|u| web_sys::Url::new_with_base("zh.txt", &u).ok());
    if let Some(url) = beside_script {
        return url.href();
    }
    let wasm_url = window()
        .and_then(|w| w.performance())
        .map(|p| p.get_entries_by_type("resource"))
        .and_then(|entries| {
            entries.iter().find_map(|entry| {
                let name = js_sys::Reflect::get(&entry, &"name".into())
                    .ok()?
                    .as_string()?;
                name.split(['?', '#'])
                    .next()?
                    .ends_with("dsviz_bg.wasm")
                    .then_some(name)
            })
        });
    match wasm_url.and_then(|u| web_sys::Url::new_with_base("zh.txt", &u).ok()) {
        Some(url) => url.href(),
        None => "zh.txt".into(),
    }
}

/// Loads the Chinese catalogues once (from the page itself when it carries them, as the
/// one-file page does, else from `zh.txt`), then calls `done` with the outcome.
pub fn load_zh(done: impl FnOnce(Result<(), String>) + 'static) {
    if crate::i18n::zh_available() {
        return done(Ok(()));
    }
    let inline = js_sys::Reflect::get(&js_sys::global(), &"DSVIZ_ZH".into())
        .ok()
        .and_then(|v| v.as_string())
        .filter(|t| !t.is_empty());
    if let Some(text) = inline {
        crate::i18n::load_zh(text);
        return done(Ok(()));
    }
    let Some(window) = window() else {
        return done(Err("there is no window".into()));
    };
    let url = zh_url();
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let fail = {
        let done = done.clone();
        let url = url.clone();
        move |why: String| {
            if let Some(done) = done.borrow_mut().take() {
                done(Err(format!("{url}: {why}")));
            }
        }
    };
    let on_text = {
        let done = done.clone();
        once(move |text: wasm_bindgen::JsValue| {
            if let Some(text) = text.as_string() {
                crate::i18n::load_zh(text);
            }
            if let Some(done) = done.borrow_mut().take() {
                done(Ok(()));
            }
        })
    };
    let on_error = {
        let fail = fail.clone();
        std::rc::Rc::new(once(move |e: wasm_bindgen::JsValue| {
            fail(e.as_string().unwrap_or_else(|| "the request failed".into()))
        }))
    };
    let on_response = {
        let on_error = on_error.clone();
        once(move |response: wasm_bindgen::JsValue| {
            let Ok(response) = response.dyn_into::<web_sys::Response>() else {
                return fail("no response".into());
            };
            if !response.ok() {
                return fail(format!("HTTP {}", response.status()));
            }
            match response.text() {
                Ok(text) => {
                    let _ = text.then2(&on_text, &on_error);
                }
                Err(_) => fail("the response has no text".into()),
            }
            // The callbacks live until the page goes: they run at most once each.
            on_text.forget();
        })
    };
    let _ = window.fetch_with_str(&url).then2(&on_response, &on_error);
    on_response.forget();
    std::mem::forget(on_error);
}

/// A JavaScript callback that runs `f` the first time it is called.
fn once(
    f: impl FnOnce(wasm_bindgen::JsValue) + 'static,
) -> wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue)> {
    let mut f = Some(f);
    wasm_bindgen::closure::Closure::new(move |value: wasm_bindgen::JsValue| {
        if let Some(f) = f.take() {
            f(value)
        }
    })
}
