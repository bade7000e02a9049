// Writes zh.txt beside the bundle: every Chinese catalogue (the shell's, then each scene's),
// one after the other. The WebAssembly app does not carry them: a page that switches to
// Chinese loads this file once (see src/i18n/mod.rs), so English readers never pay for it.
// Run by trunk after every build (Trunk.toml's post_build hooks), on the staging dir;
// by hand: node .ci/zh-bundle.mjs DIST_DIR
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? "dist";
const root = new URL("..", import.meta.url).pathname;

async function catalogues(folder) {
  const found = [];
  for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await catalogues(path)));
    else if (entry.name.endsWith(".zh.txt")) found.push(path);
  }
  return found;
}

const files = [
  join(root, "src/i18n/zh.txt"),
  ...(await catalogues(join(root, "src/ui"))),
  ...(await catalogues(join(root, "src/scene"))),
];
const parts = await Promise.all(files.map((f) => readFile(f, "utf8")));
const text = parts.map((p) => p.trimEnd()).join("\n\n") + "\n";
await writeFile(join(dir, "zh.txt"), text);
console.error(`zh-bundle: wrote ${join(dir, "zh.txt")} from ${files.length} catalogues (${Math.round(text.length / 1024)} KB)`);
