// Writes one lean module per scene (scenes/<slug>/dsviz.js, dsviz_bg.wasm and zh.txt): the
// app built with only that scene (its cargo feature), so that a visitor or an iframe embed
// of one scene downloads that scene and the shell, not all seven scenes. index.html is
// rewritten to load the module its link names (`?scene=`); the picker's links are page
// loads, so moving to another scene loads that scene's module. dsviz.js at the top stays
// the whole app, for host pages that mount several scenes and for the one-file page.
//
// Run by trunk after a release build (Trunk.toml's post_build hooks, after single-file.mjs,
// which inlines the whole app), on the staging dir; by hand: node .ci/lean-modules.mjs DIST_DIR
// It runs cargo, wasm-bindgen and wasm-opt as `.ci/scene-sizes` does.
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const dir = resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? "dist");
// Dev builds, and release builds with DSVIZ_LEAN=0 (a quicker `trunk serve --release`),
// keep trunk's loader of the whole app.
if ((process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== "release") || process.env.DSVIZ_LEAN === "0") {
  process.exit(0);
}
const root = new URL("..", import.meta.url).pathname;

// Each scene: its slug in links (the folder) and its cargo feature, in the picker's order
// (registry::EVERY_SCENE; tests/registry.rs checks that the lists agree). The first is the
// default scene of a bare link.
const SCENES = [
  ["ring", "ring"],
  ["2pc", "two-pc"],
  ["locks", "locks"],
  ["raft", "raft"],
  ["paxos", "paxos"],
  ["queue", "queue"],
  ["balance", "balance"],
];

// The tools .ci/env puts on the PATH (wasm-opt is project-local), also when run by hand.
const env = { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
const wasm = join(root, "target/wasm32-unknown-unknown/release/dsviz.wasm");

for (const [slug, feature] of SCENES) {
  const out = join(dir, "scenes", slug);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  run("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--bin", "dsviz",
    "--no-default-features", "--features", feature]);
  run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", out, "--out-name", "dsviz", wasm]);
  const bg = join(out, "dsviz_bg.wasm");
  run("wasm-opt", ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", bg, "-o", bg]);
  // Every catalogue, not only this scene's: scenes share words (IDLE, SERVING, validity)
  // whose Chinese lives in one scene's catalogue, and a host page that imports two modules
  // reads the catalogue beside the first. Loaded only by pages that switch to Chinese.
  await copyFile(join(dir, "zh.txt"), join(out, "zh.txt"));
}
// Leave the whole app's wasm where the size report and the next trunk build expect it
// (cargo keeps each feature set's build, so this only copies it back).
run("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--bin", "dsviz"]);

// The page loads the module its link names, or the first scene's for a bare link or an
// unknown scene (whose message then lists every scene). Trunk's loader and its preloads of
// the whole app go: the whole app is about three times the size of one scene's module.
const slugs = JSON.stringify(SCENES.map(([slug]) => slug));
const loader = `<script type="module">
// One lean module per scene (scenes/<scene>/), written by .ci/lean-modules.mjs.
const scenes = ${slugs};
const asked = new URLSearchParams(location.search).get("scene");
const dir = "./scenes/" + (scenes.includes(asked) ? asked : scenes[0]) + "/";
// The wasm file downloads while the script does (as trunk's preloads did).
const wasmFile = fetch(dir + "dsviz_bg.wasm");
const bindings = await import(dir + "dsviz.js");
const wasm = await bindings.default({ module_or_path: wasmFile });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
</script>`;
const html = await readFile(join(dir, "index.html"), "utf8");
const trunkLoader = /<script type="module">[\s\S]*?TrunkApplicationStarted[\s\S]*?<\/script>/;
if (!trunkLoader.test(html)) {
  throw new Error("lean-modules: trunk's loader is not in index.html");
}
const page = html
  .replace(/<link rel="(modulepreload|preload)"[^>]*>\s*/g, "")
  .replace(trunkLoader, () => loader);
await writeFile(join(dir, "index.html"), page);
console.error(`lean-modules: wrote ${SCENES.length} scene modules to ${join(dir, "scenes")} and index.html's loader`);
