// One scene, one lean module (.ci/lean-modules.mjs): the app's page loads only the module of
// the scene its link names, never the whole app; the picker still lists every scene and
// moving to one loads that scene's module; Chinese texts come from the module's own
// catalogue; a host page can mount from a lean module and hear why another scene is not in
// it. Usage: node tests/e2e/lean.mjs [dist]
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, launch, openPage, assert, assertEq, assertHealthy, quiet, runTests } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const server = await serve(dist);
const { browser, cleanup } = await launch();
const url = (query) => `${server.url}/index.html${query}`;

/** Opens a page and records the path of every wasm and JS module it fetches. */
async function openWatched(query, viewport) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.fetched = [];
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text()); });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (/\.(wasm|js|txt)$/.test(path)) page.fetched.push(path);
  });
  await page.goto(url(query));
  return page;
}

const SCENES = ["ring", "2pc", "locks", "raft", "paxos", "queue", "balance"];

const failed = await runTests([
  ["each scene's page loads that scene's lean module and not the whole app", async () => {
    for (const scene of SCENES) {
      const page = await openWatched(`?scene=${scene}&seed=3`);
      await page.waitForSelector(".stage svg, .stage canvas", { timeout: 20000 });
      assertEq(page.fetched.filter((p) => p.endsWith(".wasm")), [`/scenes/${scene}/dsviz_bg.wasm`],
        `${scene}: the wasm fetched`);
      assert(!page.fetched.includes("/dsviz.js"), `${scene}: the whole app's script is not fetched`);
      assert(await page.locator("nav.scenes a.scene-link.current").innerText() !== "", `${scene}: current scene marked`);
      await assertHealthy(page);
      await page.context().close();
    }
  }],
  ["the picker lists every scene, and picking one loads its module", async () => {
    const page = await openWatched("?scene=locks");
    await page.waitForSelector(".stage svg");
    const links = await page.locator("nav.scenes a.scene-link").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assertEq(links, SCENES.map((s) => `?scene=${s}`), "the picker's links");
    await page.locator("nav.scenes a.scene-link", { hasText: "Raft" }).click();
    await page.waitForURL(/scene=raft/);
    await page.waitForSelector(".raft-stage g.raft-server", { timeout: 20000 });
    assert(page.fetched.includes("/scenes/raft/dsviz_bg.wasm"), `raft's module was loaded: ${page.fetched}`);
    assertEq(await page.locator("nav.scenes a.current").innerText(), "Raft", "the current scene");
    await assertHealthy(page);
    await page.context().close();
  }],
  ["a bare link opens the first scene, and an unknown scene lists every scene", async () => {
    const bare = await openWatched("");
    await bare.waitForSelector(".stage svg");
    assert(bare.fetched.includes("/scenes/ring/dsviz_bg.wasm"), `the ring's module: ${bare.fetched}`);
    await bare.context().close();
    const page = await openWatched("?scene=raft2");
    await page.waitForSelector(".problems, .problem, [role=alert]", { timeout: 20000 });
    const text = await page.locator("body").innerText();
    assert(text.includes('Unknown scene "raft2"') && text.includes("ring, 2pc, locks, raft, paxos, queue, balance"),
      `the message names every scene: ${text.slice(0, 400)}`);
    await page.context().close();
  }],
  ["in Chinese, a lean module reads the catalogue beside it and reads as the whole app does", async () => {
    for (const scene of SCENES) {
      const query = `?scene=${scene}&seed=2&step=60&lang=zh`;
      const page = await openWatched(query);
      await page.waitForSelector('.dsviz[lang="zh"] .stage', { timeout: 20000 });
      await quiet(page);
      assert(page.fetched.includes(`/scenes/${scene}/zh.txt`) && !page.fetched.includes("/zh.txt"),
        `${scene}: the module's own zh.txt: ${page.fetched}`);
      const titles = await page.locator("nav.scenes a.scene-link").allInnerTexts();
      assertEq(titles, ["一致性哈希", "两阶段提交", "分布式锁", "Raft", "Paxos", "基于 Redis 的消息队列", "负载均衡"],
        `${scene}: the picker in Chinese`);
      // The same run in the whole app (the one-file page): the same state chips and
      // invariant names, so no word is left in English for want of another scene's entry.
      const words = (p) => p.evaluate(() => [...document.querySelectorAll(".node-card .state-chip, .invariant .inv-name")]
        .map((e) => e.textContent.trim()));
      const lean = await words(page);
      const whole = await openPage(browser, `${server.url}/dsviz.html${query}`);
      await whole.waitForSelector('.dsviz[lang="zh"] .stage', { timeout: 20000 });
      await quiet(whole);
      assertEq(lean, await words(whole), `${scene}: the node and invariant words, lean vs whole app`);
      await assertHealthy(page);
      await page.context().close();
      await whole.context().close();
    }
  }],
  ["a host page mounts from a lean module, and another scene says where it is", async () => {
    const root = await mkdtemp(join(tmpdir(), "dsviz-lean-"));
    await cp(dist, join(root, "dsviz"), { recursive: true });
    await writeFile(join(root, "host.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<div id="ring" style="width:600px;height:380px"></div><div id="raft" style="width:600px;height:200px"></div>
<script type="module">
  import init, { mount, scenes } from "./dsviz/scenes/ring/dsviz.js";
  await init();
  window.built = scenes();
  mount(document.getElementById("ring"), { scene: "ring", seed: 3 });
  try { mount(document.getElementById("raft"), { scene: "raft" }); } catch (e) { window.raftError = String(e); }
  document.body.dataset.ready = "1";
</script>`);
    const host = await serve(root);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${host.url}/host.html`);
    await page.waitForSelector("body[data-ready='1']", { timeout: 20000 });
    assertEq(await page.evaluate(() => window.built), ["ring"], "the module's scenes");
    const ring = await page.evaluate(() => !!document.getElementById("ring").shadowRoot?.querySelector(".ring-figure"));
    assert(ring, "the ring is mounted");
    const said = await page.evaluate(() => window.raftError ?? document.getElementById("raft").shadowRoot?.textContent ?? "");
    assert(said.includes("scenes/raft/dsviz.js") && said.includes("only the scene ring"), `the message: ${said}`);
    await context.close();
    host.close();
    await rm(root, { recursive: true, force: true });
  }],
]);

await cleanup();
server.close();
process.exit(failed ? 1 : 0);
