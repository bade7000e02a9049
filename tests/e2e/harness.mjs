// Shared pieces of the end-to-end tests: a static server over dist/, headless Chromium,
// and a tiny test runner that prints "N passed, N failed".
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json",
};

/** Serves `root` on 127.0.0.1 at a free port. */
export async function serve(root) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      let file = normalize(join(base, path));
      if (!file.startsWith(base)) throw new Error("outside");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404); res.end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Headless Debian Chromium with the flags this closed network needs. */
export async function launch() {
  // playwright gives every launch a fresh, temporary profile (the --user-data-dir we want).
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return { browser, cleanup: async () => { await browser.close(); } };
}

/** Opens a page that fails the test on any console error or panic banner. */
export async function openPage(browser, url, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.errors = [];
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text()); });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  await page.goto(url);
  // A Chinese page is drawn in English first and built afresh when its texts arrive: wait
  // for that, so that a test never reads elements about to be replaced. (A page whose
  // texts cannot load stays English; its test says what it expects.)
  if (/[?&]lang=zh\b/.test(url)) {
    await page.waitForSelector('.dsviz[lang="zh"]', { timeout: 10000 }).catch(() => {});
  }
  return page;
}

/** Waits until the page's DOM has not changed for `quietMs` (at most `maxMs`). Yew's
 * scheduler yields to the browser every 16 ms of work, and may yield between a component's
 * render and its children's (it counts pending prop updates as safe): a read taken right
 * after a heavy step (a rewind) can see the shell updated and a nested stage not yet. A
 * person sees that for one frame; a test must read what stays. The Explore panel is not
 * waited for. */
export async function quiet(page, quietMs = 80, maxMs = 5000) {
  await page.evaluate(([quietMs, maxMs]) => new Promise((resolve) => {
    let timer;
    const done = () => { observer.disconnect(); clearTimeout(cap); resolve(); };
    // The Explore panel searches on its own and reports as it goes: not what is waited for.
    const counts = (r) => !(r.target instanceof Element ? r.target : r.target.parentElement)?.closest(".explore-panel");
    const observer = new MutationObserver((records) => {
      if (!records.some(counts)) return;
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    timer = setTimeout(done, quietMs);
    const cap = setTimeout(done, maxMs);
  }), [quietMs, maxMs]);
}

/** What a reader sees of a stage's words (the svg at `selector`): the smallest word's size
 * (font size times the scale the drawing is shown at), the words of different owners (a
 * node, a box of the lock queue, a message) that meet, and the words cut off at the
 * drawing's edge. */
export async function stageWords(page, selector) {
  return page.evaluate((selector) => {
    const svg = document.querySelector(selector);
    const box = svg.viewBox.baseVal, rect = svg.getBoundingClientRect();
    const scale = Math.min(rect.width / box.width, rect.height / box.height);
    const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    const texts = [...svg.querySelectorAll("text")]
      .filter((t) => t.textContent.trim() && t.getBoundingClientRect().height > 0)
      .map((t) => ({ text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale, r: t.getBoundingClientRect(),
        owner: t.closest("g.node, g.znode, g.message, g.lock-node, g.lb-server") }));
    const smallest = texts.reduce((a, t) => (t.px < a.px ? t : a), { px: Infinity });
    const clashes = [];
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const [a, b] = [texts[i], texts[j]];
      if (!(a.owner && a.owner === b.owner) && meet(a.r, b.r)) clashes.push(`${a.text} / ${b.text}`);
    }
    // A word is cut where the drawing clips it: at its own box, or, when it draws past it
    // (overflow: visible), at the box of the element that holds it.
    const clip = getComputedStyle(svg).overflow === "visible" ? svg.parentElement.getBoundingClientRect() : rect;
    const out = texts.filter((t) => t.r.left < clip.left - 0.5 || t.r.right > clip.right + 0.5 || t.r.top < clip.top - 0.5 || t.r.bottom > clip.bottom + 0.5).map((t) => t.text);
    return { px: smallest.px, smallest: `${smallest.text} at ${smallest.px.toFixed(2)} px`, clashes, out, count: texts.length, view: `${box.width}x${box.height}` };
  }, selector);
}

export async function assertHealthy(page) {
  const panic = await page.locator(".panic-banner").count();
  if (panic > 0) throw new Error("panic banner shown: " + (await page.locator(".panic-banner").innerText()));
  if (page.errors.length) throw new Error("console errors: " + page.errors.join(" | "));
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function assertEq(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Runs named async tests one after another; prints a closing line CI can read. */
/** Tests known to fail, by name (tests/e2e/known_failing.txt, one per line): they still
 * run and print, as KNOWN FAIL (or as FIXED when they pass), but do not fail the suite. The
 * list is the open work; an entry is removed when its test passes. */
const knownFailing = new Set(
  (await import("node:fs")).readFileSync(new URL("./known_failing.txt", import.meta.url), "utf8")
    .split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")),
);

export async function runTests(tests) {
  let passed = 0, failed = 0, known = 0;
  // ONLY=words runs just the tests whose names contain them (while working on one).
  const only = process.env.ONLY;
  for (const [name, fn] of tests) {
    if (only && !name.includes(only)) continue;
    const start = Date.now();
    try {
      await fn();
      passed++;
      console.log(`${knownFailing.has(name) ? "FIXED (remove from known_failing.txt)" : "ok  "} ${name} (${Date.now() - start} ms)`);
    } catch (e) {
      if (knownFailing.has(name)) {
        known++;
        console.log(`KNOWN FAIL ${name}: ${e?.message ?? e}`);
      } else {
        failed++;
        console.log(`FAIL ${name}: ${e?.stack ?? e}`);
      }
    }
  }
  console.log(`e2e: ${passed} passed, ${failed} failed, ${known} known to fail`);
  return failed;
}
