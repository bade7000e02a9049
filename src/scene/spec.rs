//! What defines a run, and its form in a link.
//!
//! A link carries the scene, the seed, the scene's parameters, the user's actions (each with
//! the step at which it was taken) and the step being shown, e.g.
//! `?scene=2pc&seed=7&n=3&votes=yyn&a=14@41000:crash:0&step=20`.
//! Reading a link never fails: every parameter that cannot be used is reported as a
//! message for the page and replaced by its default.
use crate::algo::text::{percent_encode, shorten};
use crate::i18n::{tr, trf};
use crate::sim::sorted::SortedMap;
use std::fmt;

/// A scene, by its name in links. Only names in the registry ([`crate::registry`]) are
/// ever made, so every `SceneId` has a scene behind it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SceneId(&'static str);

impl SceneId {
    /// The id of scene `S`.
    pub fn of<S: super::Scene>() -> SceneId {
        SceneId(S::SLUG)
    }

    /// Every scene of this build, in the order the picker shows them.
    pub fn all() -> impl Iterator<Item = SceneId> {
        crate::registry::SCENES.iter().map(|s| SceneId(s.slug()))
    }

    /// The scene's name in links.
    pub fn slug(self) -> &'static str {
        self.0
    }

    pub fn title(self) -> &'static str {
        self.def().title()
    }

    pub fn from_slug(slug: &str) -> Option<SceneId> {
        SceneId::all().find(|s| s.slug() == slug)
    }

    /// The scene behind the id.
    pub fn def(self) -> &'static dyn super::DynScene {
        crate::registry::SCENES
            .iter()
            .copied()
            .find(|s| s.slug() == self.0)
            .unwrap_or(crate::registry::SCENES[0])
    }

    /// Every scene's slug, built into this module or not.
    fn slugs() -> String {
        crate::registry::EVERY_SCENE
            .iter()
            .map(|(slug, _)| *slug)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether `slug` names a scene of the app that this build was made without (a lean
    /// module of one scene; see [`crate::registry::EVERY_SCENE`]).
    pub fn left_out(slug: &str) -> bool {
        SceneId::from_slug(slug).is_none()
            && crate::registry::EVERY_SCENE.iter().any(|(s, _)| *s == slug)
    }

    /// The scenes this build has, by slug, for messages.
    pub fn built_slugs() -> String {
        SceneId::all()
            .map(|s| s.slug())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Default for SceneId {
    /// The first scene of the picker.
    fn default() -> Self {
        SceneId(crate::registry::SCENES[0].slug())
    }
}

impl fmt::Display for SceneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// Everything that defines a run, plus how it is being shown.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunSpec {
    pub scene: SceneId,
    pub seed: u64,
    /// Scene parameters by name, as text; each scene reads and checks its own.
    pub params: SortedMap<String, String>,
    /// The user's actions in link form (`step@time:action`).
    pub actions: Vec<String>,
    /// The step being shown; `None` means the start of the run.
    pub step: Option<u64>,
    /// Compact layout for an `<iframe>`.
    pub embed: bool,
    /// The ready-made scenario this run came from, if any (informative: the parameters and
    /// actions above define the run).
    pub scenario: Option<String>,
    /// The stop of the scene's tour being shown (0 is the first), if a tour is open.
    pub tour: Option<usize>,
    /// What the page shows around the stage (`caption=0`, `autoplay=1`, `playback=4`, `lang=zh`, ...).
    pub show: Show,
}

/// What the page shows around the stage, and how it starts: options for teachers who embed
/// a scene. They change how a run is shown, never the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Show {
    /// The one-line caption of the current step on the stage.
    pub caption: bool,
    /// The event log beside the stage (`None`: the layout's default, shown in the full app
    /// and not in an embed).
    pub log: Option<bool>,
    /// The space-time diagram (`None`: the layout's default, as for the log).
    pub diagram: Option<bool>,
    /// The Explore panel (searching for a violation; `None`: the layout's default, shown in
    /// the full app and not in an embed).
    pub explore: Option<bool>,
    /// Start playing as soon as the page opens.
    pub autoplay: bool,
    /// The playback speed to start at (an index into the UI's speeds).
    pub speed: Option<usize>,
    /// The interface language; `None` follows the browser.
    pub lang: Option<crate::i18n::Lang>,
}

impl Default for Show {
    fn default() -> Self {
        Show {
            caption: true,
            log: None,
            diagram: None,
            explore: None,
            autoplay: false,
            speed: None,
            lang: None,
        }
    }
}

/// How many playback speeds a link may name (`playback=0` to `playback=7`).
pub const SPEED_COUNT: usize = 8;

/// The seed a run gets when the link names none.
pub const DEFAULT_SEED: u64 = 1;

/// Link parameters that are not scene parameters.
const RESERVED: [&str; 15] = [
    "scene", "seed", "a", "step", "embed", "v", "sc", "tour", "caption", "log", "diagram",
    "explore", "autoplay", "playback", "lang",
];

/// Most actions a link may carry (each is a step; this bounds the work a link can ask for).
pub const MAX_ACTIONS: usize = 2_000;
const MAX_PARAM_LEN: usize = 200;

impl RunSpec {
    pub fn new(scene: SceneId) -> Self {
        RunSpec {
            scene,
            seed: DEFAULT_SEED,
            ..Default::default()
        }
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// Reads a query string (with or without the leading `?`). Problems come back as
    /// messages for the page; the spec then holds defaults in their place.
    /// The problems are written in the link's own language when it names one.
    pub fn from_query(query: &str) -> (RunSpec, Vec<String>) {
        let pairs = parse_pairs(query.strip_prefix('?').unwrap_or(query));
        let link_lang = pairs
            .iter()
            .filter(|(key, _)| key == "lang")
            .find_map(|(_, value)| crate::i18n::Lang::from_code(value.trim()));
        crate::i18n::with_lang(link_lang.unwrap_or_else(crate::i18n::lang), || {
            Self::from_pairs(&pairs)
        })
    }

    fn from_pairs(pairs: &[(String, String)]) -> (RunSpec, Vec<String>) {
        let mut spec = RunSpec::new(SceneId::default());
        let mut problems = Vec::new();
        for (key, value) in pairs {
            match key.as_str() {
                "scene" => match SceneId::from_slug(value) {
                    Some(scene) => spec.scene = scene,
                    None if SceneId::left_out(value) => problems.push(trf(
                        "This page was built with only {built}, not \"{scene}\"; showing {default}. Open {scene} from the scene picker.",
                        &[
                            ("built", &SceneId::built_slugs()),
                            ("scene", &value.as_str()),
                            ("default", &tr(SceneId::default().title())),
                        ],
                    )),
                    None => problems.push(trf(
                        "Unknown scene \"{scene}\"; showing {default}. Scenes: {all}.",
                        &[
                            ("scene", &shorten(value, QUOTED)),
                            ("default", &tr(SceneId::default().title())),
                            ("all", &SceneId::slugs()),
                        ],
                    )),
                },
                "seed" => match value.trim().parse::<u64>() {
                    Ok(seed) => spec.seed = seed,
                    Err(_) => problems.push(trf(
                        "The seed must be a whole number from 0 to {max}, not \"{value}\"; using {seed}.",
                        &[
                            ("max", &u64::MAX),
                            ("value", &shorten(value, QUOTED)),
                            ("seed", &DEFAULT_SEED),
                        ],
                    )),
                },
                "a" => {
                    let list: Vec<String> =
                        value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
                    if list.len() > MAX_ACTIONS {
                        problems.push(trf(
                            "The link has {n} actions; only the first {max} are used.",
                            &[("n", &list.len()), ("max", &MAX_ACTIONS)],
                        ));
                    }
                    spec.actions = list.into_iter().take(MAX_ACTIONS).collect();
                }
                "step" => match value.trim().parse::<u64>() {
                    Ok(step) => spec.step = Some(step),
                    Err(_) => problems.push(trf(
                        "The step must be a whole number, not \"{value}\"; showing the start.",
                        &[("value", &shorten(value, QUOTED))],
                    )),
                },
                "embed" => spec.embed = matches!(value.as_str(), "1" | "true" | "yes" | ""),
                "sc" => {
                    let id: String = value.chars().take(40).collect();
                    spec.scenario = Some(id).filter(|s| !s.is_empty());
                }
                "v" => {}
                "tour" => match value.trim().parse::<usize>() {
                    Ok(stop) if (1..=MAX_TOUR_STOP).contains(&stop) => spec.tour = Some(stop - 1),
                    _ => problems.push(trf(
                        "The tour stop must be a whole number from 1 to {max}, not \"{value}\"; the tour is closed.",
                        &[("max", &MAX_TOUR_STOP), ("value", &shorten(value, QUOTED))],
                    )),
                },
                // `explore=sweep` / `explore=bfs` (with `ex_*` bounds) is for the Explore
                // panel: kept with the run's parameters (so a link written back keeps it;
                // the panel reads and checks it), and it shows the panel.
                "explore" if parse_switch(value).is_none() && value.len() <= MAX_PARAM_LEN => {
                    spec.params.insert(key.clone(), value.clone());
                    spec.show.explore = Some(true);
                }
                "caption" | "log" | "diagram" | "explore" | "autoplay" => match parse_switch(value) {
                    Some(on) => match key.as_str() {
                        "caption" => spec.show.caption = on,
                        "log" => spec.show.log = Some(on),
                        "diagram" => spec.show.diagram = Some(on),
                        "explore" => spec.show.explore = Some(on),
                        _ => spec.show.autoplay = on,
                    },
                    None => problems.push(trf(
                        "\"{key}\" must be 1 (on) or 0 (off), not \"{value}\"; using its default.",
                        &[("key", key), ("value", &shorten(value, QUOTED))],
                    )),
                },
                // Not `speed`: scenes use that for their own parameters (servers' speeds).
                "playback" => match value.trim().parse::<usize>() {
                    Ok(i) if i < SPEED_COUNT => spec.show.speed = Some(i),
                    _ => problems.push(trf(
                        "The playback speed must be a whole number from 0 (slowest) to {max} (fastest), not \"{value}\"; using the default.",
                        &[("max", &(SPEED_COUNT - 1)), ("value", &shorten(value, QUOTED))],
                    )),
                },
                "lang" => match crate::i18n::Lang::from_code(value.trim()) {
                    Some(lang) => spec.show.lang = Some(lang),
                    None => problems.push(trf(
                        "Unknown language \"{value}\"; languages: en, zh.",
                        &[("value", &shorten(value, QUOTED))],
                    )),
                },
                _ if value.len() > MAX_PARAM_LEN => problems.push(trf(
                    "The parameter \"{key}\" is too long ({n} characters); ignored.",
                    &[("key", &shorten(key, QUOTED)), ("n", &value.len())],
                )),

                _ => {
                    spec.params.insert(key.clone(), value.clone());
                }
            }
        }
        (spec, problems)
    }

    /// The query string (with a leading `?`) that reproduces this run at this step.
    pub fn to_query(&self) -> String {
        let mut out = format!("?scene={}&seed={}", self.scene.slug(), self.seed);
        for (key, value) in &self.params {
            if !RESERVED.contains(&key.as_str()) {
                out.push_str(&format!("&{}={}", encode(key), encode(value)));
            }
        }
        if !self.actions.is_empty() {
            out.push_str("&a=");
            out.push_str(
                &self
                    .actions
                    .iter()
                    .map(|a| encode(a))
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        if let Some(id) = &self.scenario {
            out.push_str(&format!("&sc={}", encode(id)));
        }
        if let Some(step) = self.step {
            out.push_str(&format!("&step={step}"));
        }
        if let Some(stop) = self.tour {
            out.push_str(&format!("&tour={}", stop + 1));
        }
        let default = Show::default();
        for (key, on, default_on) in [
            ("caption", self.show.caption, default.caption),
            ("autoplay", self.show.autoplay, default.autoplay),
        ] {
            if on != default_on {
                out.push_str(&format!("&{key}={}", u8::from(on)));
            }
        }
        for (key, shown) in [
            ("log", self.show.log),
            ("diagram", self.show.diagram),
            ("explore", self.show.explore),
        ] {
            match (key, shown) {
                // A search mode for the Explore panel says more than "shown".
                ("explore", Some(true)) if self.params.contains_key(key) => {
                    out.push_str(&format!("&explore={}", encode(&self.params[key])));
                }
                (_, Some(on)) => out.push_str(&format!("&{key}={}", u8::from(on))),
                (_, None) => {}
            }
        }
        if let Some(speed) = self.show.speed {
            out.push_str(&format!("&playback={speed}"));
        }
        if let Some(lang) = self.show.lang {
            out.push_str(&format!("&lang={}", lang.code()));
        }
        if self.embed {
            out.push_str("&embed=1");
        }
        out
    }
}

/// The most stops a tour link may name.
const MAX_TOUR_STOP: usize = 99;

/// `1`/`0` (also `true`/`false`, `yes`/`no`, `on`/`off`).
fn parse_switch(value: &str) -> Option<bool> {
    match value.trim() {
        "1" | "true" | "yes" | "on" | "" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// How many characters of a person's text a message quotes.
pub(crate) const QUOTED: usize = 40;

/// Splits `k=v&k=v`, percent-decoding both sides (`+` is a space). Later duplicates win.
fn parse_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decoding that never fails: malformed escapes are kept as they are and invalid
/// UTF-8 becomes U+FFFD.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters and the few that action text uses
/// (`@`, `:`), so links stay readable.
pub fn encode(text: &str) -> String {
    percent_encode(text, b"@:")
}
