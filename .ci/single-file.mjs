// Writes dsviz.html: the whole app in one self-contained page (the JavaScript and the
// WebAssembly inlined), which opens from disk, offline, or as an e-mail attachment, where
// the browser will not fetch modules or wasm from file:// URLs.
// Run by trunk after a release build (Trunk.toml's post_build hook), on the staging dir;
// by hand: node .ci/single-file.mjs DIST_DIR
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? "dist";
if (process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== "release") {
  process.exit(0); // dev builds: the served page is enough
}
const html = await readFile(join(dir, "index.html"), "utf8");
const js = await readFile(join(dir, "dsviz.js"), "utf8");
const wasm = await readFile(join(dir, "dsviz_bg.wasm"));
// The Chinese catalogues travel inside the page too (the app looks for DSVIZ_ZH first).
const zh = await readFile(join(dir, "zh.txt"), "utf8").catch(() => "");

// The module's own exports stay valid syntax inside an inline module script.
const boot = `
${js}
const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
initSync({ module: bytes });
window.dsviz = { mount, scenes };
`;
const script = `<script>const WASM_BASE64 = "${wasm.toString("base64")}";\n` +
  `globalThis.DSVIZ_ZH = ${JSON.stringify(zh).replaceAll("</", "<\\/")};</script>\n` +
  `<script type="module">${boot.replaceAll("</script", "<\\/script")}</script>`;

let page = html
  // Trunk's loader, the preloads and the file:// notice do not apply to the one-file page.
  .replace(/<script type="module">[\s\S]*?TrunkApplicationStarted[\s\S]*?<\/script>/, "")
  .replace(/<link rel="(modulepreload|preload)"[^>]*>/g, "")
  .replace(/<script id="file-notice">[\s\S]*?<\/script>/, "")
  .replace("</body>", `${script}\n</body>`);
if (page.includes("./dsviz.js") || page.includes("./dsviz_bg.wasm")) {
  throw new Error("single-file: a reference to dsviz.js or the wasm file is left in the page");
}
await writeFile(join(dir, "dsviz.html"), page);
console.error(`single-file: wrote ${join(dir, "dsviz.html")} (${Math.round(page.length / 1024)} KB)`);
