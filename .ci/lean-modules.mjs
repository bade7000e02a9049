// Writes one lean module per scene (scenes/<slug>/dsviz.js, dsviz_bg.wasm and zh.txt): the
// app built with only that scene (its cargo feature), so that a visitor or an iframe embed
// of one scene downloads that scene and the shell, not all seven scenes. index.html is
// rewritten to load the module its link names (`?scene=`); the picker's links are page
// loads, so moving to another scene loads that scene's module. dsviz.js at the top stays
// the whole app, for host pages that mount several scenes and for the one-file page.
//
// Run by trunk after a release build (Trunk.toml's post_build hooks, after single-file.mjs,
// which inlines the whole app), on the staging dir; by hand: node .ci/lean-modules.mjs DIST_DIR
// It runs cargo, wasm-bindgen and wasm-opt as `.ci/scene-sizes` does (PATH from .ci/env).
import { execFileSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? "dist";
if (process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== "release") {
  process.exit(0); // dev builds load the whole app
}
const root = new URL("..", import.meta.url).pathname;

// Each scene: its slug in links (the folder), its cargo feature, its Chinese catalogue.
// In the picker's order (src/registry.rs); the first is the default scene of a bare link.
const SCENES = [
  ["ring", "ring", "src/scene/ring.zh.txt"],
  ["2pc", "two-pc", "src/scene/two_pc.zh.txt"],
  ["locks", "locks", "src/scene/locks.zh.txt"],
  ["raft", "raft", "src/scene/raft.zh.txt"],
  ["paxos", "paxos", "src/scene/paxos.zh.txt"],
  ["queue", "queue", "src/scene/queue.zh.txt"],
  ["balance", "balance", "src/scene/balance.zh.txt"],
];
// The shell's catalogues, which every module needs (as in .ci/zh-bundle.mjs).
const SHELL_ZH = ["src/i18n/zh.txt", "src/ui/explore.zh.txt"];

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
const wasm = join(root, "target/wasm32-unknown-unknown/release/dsviz.wasm");

for (const [slug, feature, catalogue] of SCENES) {
  const out = join(dir, "scenes", slug);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  run("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--bin", "dsviz",
    "--no-default-features", "--features", feature]);
  run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", out, "--out-name", "dsviz", wasm]);
  const bg = join(out, "dsviz_bg.wasm");
  run("wasm-opt", ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", bg, "-o", bg]);
  const zh = await Promise.all([...SHELL_ZH, catalogue].map((f) => readFile(join(root, f), "utf8")));
  await writeFile(join(out, "zh.txt"), zh.map((p) => p.trimEnd()).join("\n\n") + "\n");
}
// Leave the whole app's wasm where the size report and the next trunk build expect it
// (cargo keeps each feature set's build, so this only copies it back).
run("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--bin", "dsviz"]);

// The page loads the module its link names, or the first scene's for a bare link or an
// unknown scene (whose message then lists every scene). Trunk's loader and its preloads of
// the whole app go: the whole app is three times the size of one scene's module.
const slugs = JSON.stringify(SCENES.map(([slug]) => slug));
const loader = `<script type="module">
// One lean module per scene (scenes/<scene>/), written by .ci/lean-modules.mjs.
const scenes = ${slugs};
const asked = new URLSearchParams(location.search).get("scene");
const dir = "./scenes/" + (scenes.includes(asked) ? asked : scenes[0]) + "/";
const bindings = await import(dir + "dsviz.js");
const wasm = await bindings.default({ module_or_path: dir + "dsviz_bg.wasm" });
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
