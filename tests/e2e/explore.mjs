// End-to-end tests of the Explore panel in headless Chromium against a built dist/ (run
// `trunk build --release` first): on a deliberately broken 2PC, a seed sweep and an
// exhaustive search each find the violation, and "Open at the violating step" lands the
// timeline on a step where the invariant is red; the correct protocol finds none; the
// bounds travel in a link. The search runs in a Web Worker in the full app; with
// `ex_worker=0` (test-only) and in the one-file dsviz.html opened from disk it runs on the
// page in slices, and finds the same. Prints "e2e: N passed, N failed".
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { serve, launch, openPage, assert, assertEq, assertHealthy, runTests } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const server = await serve(dist);
const { browser, cleanup } = await launch();
const url = (query) => `${server.url}/index.html${query}`;
const fileUrl = (name, query) => pathToFileURL(`${resolve(dist)}/${name}`).href + query;

/** Where the panel says the search ran: its data-runner and its sentence. */
async function runner(page) {
  return [await page.getAttribute(".explore-panel", "data-runner"), await page.innerText("#explore-runner")];
}

async function openWithExplore(query) {
  const page = await openPage(browser, url(query));
  await page.waitForSelector(".explore-panel #explore-start");
  return page;
}

/** Presses Start and waits for the search to end; returns the message it ends with. */
async function search(page, timeout = 60000) {
  await page.click("#explore-start");
  await page.waitForSelector("#explore-start", { timeout });
  return page.innerText("#explore-message");
}

const failed = await runTests([
  ["a seed sweep on a broken 2PC finds the violation and opens the timeline at its step", async () => {
    const page = await openWithExplore("?scene=2pc&variant=forget-vote&seed=1");
    await page.click("#explore-mode-sweep");
    await search(page);
    await page.waitForSelector(".ex-found");
    const found = await page.innerText(".ex-found");
    assert(/atomicity/i.test(found), `the panel names the broken property: ${found}`);
    const before = page.url();
    await page.click("#explore-open");
    await page.waitForFunction((b) => location.href !== b, before);
    await page.waitForSelector(".invariant.violated");
    const link = page.url();
    assert(link.includes("step="), `the opened run has a step: ${link}`);
    assert(link.includes("variant=forget-vote"), `and the same variant: ${link}`);
    const violated = await page.innerText(".invariant.violated");
    assert(/atomicity/i.test(violated), `atomicity is red at the opened step: ${violated}`);
    // The step before the opened one still holds: the timeline lands on the violating step.
    await page.keyboard.press("Shift+ArrowLeft");
    assertEq(await page.locator(".invariant.violated").count(), 0, "one step earlier every invariant holds");
    await assertHealthy(page);
  }],

  ["an exhaustive search on a broken 2PC finds the 13-step shortest path and opens that very path at its last step", async () => {
    // Two participants and 13 steps deep: 45,050 states with symmetry reduction (the
    // panel's default; 89,459 without), pinned natively in tests/explore_symmetry.rs.
    const page = await openWithExplore("?scene=2pc&variant=forget-vote&n=2&seed=1&explore=bfs&ex_depth=13");
    // The link chose the exhaustive search and its depth: nothing to click but Start.
    assertEq(await page.getAttribute("#explore-mode-bfs", "aria-pressed"), "true", "the link's mode is chosen");
    assertEq(await page.inputValue("#explore-ex_depth"), "13", "the link's depth bound is filled in");
    const message = await search(page, 120000);
    await page.waitForSelector(".ex-found", { timeout: 1000 }).catch(() => { throw new Error(`nothing found: ${message}`); });
    assertEq(await page.innerText("#explore-distinct"), "45050", "the same state count as natively");
    // The panel says how the search ended (not "complete: no") and where the violation is
    // in the timeline's own step numbers: the nodes' start steps, then the path's choices.
    const outcome = await page.innerText("#explore-outcome");
    assert(/^stopped at the first violation, 13 steps deep$/.test(outcome), `the search stopped at the violation: ${outcome}`);
    const where = await page.innerText("#explore-where");
    const said = where.match(/^It breaks at step (\d+): steps 1–(\d+) start the nodes, then steps (\d+)–(\d+) are the explorer's 13 choices/);
    assert(said, `the panel says where it breaks: ${where}`);
    const [panelStep, startSteps] = [Number(said[1]), Number(said[2])];
    assertEq(panelStep, startSteps + 13, `the start steps and the path add up: ${where}`);
    assertEq(await page.innerText("#explore-open"), `Open at step ${panelStep}, where it breaks`, "the button names the step");
    const [ran, ranSaid] = await runner(page);
    assertEq(ran, "worker", `the search ran in a background worker (${ranSaid})`);
    assert(/background worker/.test(ranSaid), `the panel says so: ${ranSaid}`);
    assert(/exact path/.test(message), `the panel offers the path itself: ${message}`);
    const before = page.url();
    await page.click("#explore-open");
    await page.waitForFunction((b) => location.href !== b, before);
    await page.waitForSelector(".invariant.violated");
    // The link is the path: one action per step, each at the step after the one before,
    // the deliveries and timers forced, and the timeline on the path's last step.
    const link = new URL(page.url());
    const actions = (link.searchParams.get("a") ?? "").split(",").filter(Boolean);
    assertEq(actions.length, 13, `one action per step of the path: ${link.search}`);
    const ats = actions.map((a) => Number(a.split("@")[0]));
    assert(ats.every((at, i) => at === ats[0] + i), `consecutive steps: ${ats}`);
    assert(actions.some((a) => /:(deliver|fire):/.test(a)), `forced steps: ${actions}`);
    assertEq(link.searchParams.get("step"), String(ats[0] + 13), "the timeline is on the path's last step");
    assertEq(link.searchParams.get("step"), String(panelStep), "the step the panel named");
    assertEq(ats[0], startSteps, "the path starts after the start steps the panel named");
    assert(/atomicity/i.test(await page.innerText(".invariant.violated")), "atomicity is red there");
    const caption = await page.innerText("#caption");
    assert(caption.includes(String(ats[0] + 13)), `the caption is the last step's: ${caption}`);
    // One step earlier, every invariant holds: the path breaks it at its last step.
    await page.keyboard.press("Shift+ArrowLeft");
    assertEq(await page.locator(".invariant.violated").count(), 0, "one step earlier every invariant holds");
    const log = await page.innerText(".event-log");
    assert(/the explorer's path (delivers|fires)/.test(log), `the log says the path forced the steps: ${log.slice(0, 400)}`);
    await assertHealthy(page);
  }],

  ["forced onto the page (ex_worker=0), the exhaustive search counts the same states in slices", async () => {
    const page = await openWithExplore("?scene=2pc&variant=forget-vote&n=2&seed=1&explore=bfs&ex_depth=13&ex_worker=0");
    await page.click("#explore-mode-bfs");
    const message = await search(page, 120000);
    await page.waitForSelector(".ex-found", { timeout: 1000 }).catch(() => { throw new Error(`nothing found: ${message}`); });
    assertEq(await page.innerText("#explore-distinct"), "45050", "the worker's count");
    const [where, said] = await runner(page);
    assertEq(where, "slices", `the search ran on the page (${said})`);
    await page.click("#explore-open");
    await page.waitForSelector(".invariant.violated");
    await assertHealthy(page);
  }],

  ["the one-file dsviz.html from disk cannot start a worker, searches on the page and finds the violation", async () => {
    const page = await openPage(browser, fileUrl("dsviz.html", "?scene=2pc&variant=forget-vote&seed=1"));
    await page.waitForSelector(".explore-panel #explore-start", { timeout: 20000 });
    await page.click("#explore-mode-sweep");
    await search(page);
    await page.waitForSelector(".ex-found");
    assert(/atomicity/i.test(await page.innerText(".ex-found")), "the panel names the broken property");
    const [where, said] = await runner(page);
    assertEq(where, "slices", `no worker from file:// (${said})`);
    assert(/unavailable/.test(said), `the panel says why: ${said}`);
    await page.click("#explore-open");
    await page.waitForSelector(".invariant.violated");
    await assertHealthy(page);
  }],

  ["a scene mounted by a host page at another path (docs/embed.html) searches in a worker too", async () => {
    const page = await openPage(browser, `${server.url}/docs/embed.html`);
    await page.waitForSelector("#mounted >> .controls");
    await page.evaluate(async () => {
      const { mount } = await import("../dsviz.js");
      const box = document.createElement("div");
      box.id = "explored";
      box.style.height = "900px";
      document.body.prepend(box);
      mount(box, { scene: "2pc", params: { variant: "forget-vote" }, seed: 1, explore: true });
    });
    await page.click("#explored >> #explore-mode-sweep");
    await page.click("#explored >> #explore-start");
    await page.waitForSelector("#explored >> .ex-found", { timeout: 60000 });
    const where = await page.getAttribute("#explored >> .explore-panel", "data-runner");
    assertEq(where, "worker", "the worker found dsviz.js from the host page");
    await assertHealthy(page);
  }],

  ["an embed shows the diagram and the Explore panel only when its link asks", async () => {
    const plain = await openPage(browser, url("?scene=2pc&variant=forget-vote&embed=1"), { width: 720, height: 460 });
    await plain.waitForSelector(".dsviz.embed .topology-svg");
    assertEq([await plain.locator(".diagram").count(), await plain.locator(".explore-panel").count()], [0, 0], "a plain embed keeps to the stage");
    const asked = await openPage(browser, url("?scene=2pc&variant=forget-vote&embed=1&diagram=1&explore=1&step=40"), { width: 720, height: 700 });
    await asked.waitForSelector(".dsviz.embed .diagram");
    await asked.waitForSelector(".dsviz.embed .explore-panel #explore-start");
    const stage = await asked.evaluate(() => document.querySelector(".embed-stage").getBoundingClientRect().height);
    assert(stage >= 250, `the stage keeps most of the frame: ${stage} px`);
    await assertHealthy(plain);
    await assertHealthy(asked);
  }],

  ["with lang=zh the panel's sentences are Chinese, and so are the diagram's tooltips", async () => {
    const page = await openWithExplore("?scene=2pc&variant=forget-vote&seed=1&lang=zh");
    await page.click("#explore-mode-sweep");
    const message = await search(page);
    await page.waitForSelector(".ex-found");
    const cjk = /[\u4e00-\u9fff]/;
    const latin = (text) => (text.match(/[A-Za-z]{4,}/g) ?? []).filter((w) => !/^(Worker)$/.test(w));
    for (const [what, text] of [["status", message], ["outcome", await page.innerText("#explore-outcome")],
      ["heading", await page.innerText(".ex-found strong")], ["place", await page.innerText("#explore-where")],
      ["button", await page.innerText("#explore-open")], ["runner", await page.innerText("#explore-runner")]]) {
      assert(cjk.test(text), `the ${what} is in Chinese: ${text}`);
      assertEq(latin(text).join(" "), "", `no English words in the ${what}: ${text}`);
    }
    const tips = await page.$$eval(".diagram .mark title", (ts) => ts.map((t) => t.textContent));
    assert(tips.length > 5, `the diagram has marks: ${tips.length}`);
    const english = tips.filter((t) => / (sends|receives|starts|fires|crashes) /.test(t));
    assertEq(english.length, 0, `tooltips in Chinese: ${english.slice(0, 3).join(" | ")}`);
    assert(tips.some((t) => /发送|收到|启动/.test(t)), `some tooltip says what happened in Chinese: ${tips.slice(0, 3).join(" | ")}`);
    await assertHealthy(page);
  }],

  ["switching the language while a search runs keeps the search (in a worker and in slices)", async () => {
    for (const extra of ["", "&ex_worker=0"]) {
      const page = await openWithExplore(`?scene=2pc&variant=forget-vote&n=2&seed=1&explore=bfs&ex_depth=13${extra}`);
      await page.click("#explore-start");
      await page.waitForSelector("#explore-stop");
      await page.waitForFunction(() => Number(document.querySelector("#explore-distinct")?.textContent ?? 0) > 0);
      await page.selectOption("#lang", "zh");
      await page.waitForFunction(() => document.documentElement.lang === "zh" || document.querySelector(".dsviz [lang=zh]") || /[\u4e00-\u9fff]/.test(document.querySelector("#explore-start, #explore-stop")?.textContent ?? ""));
      // Still running (Stop shown) or already done with the violation: never back to a blank panel.
      const state = await page.evaluate(() => ({
        stop: !!document.querySelector("#explore-stop"),
        found: !!document.querySelector(".ex-found"),
        status: !!document.querySelector("#explore-message"),
      }));
      assert(state.status && (state.stop || state.found), `the search goes on after the switch${extra}: ${JSON.stringify(state)}`);
      await page.waitForSelector(".ex-found", { timeout: 120000 });
      assertEq(await page.innerText("#explore-distinct"), "45050", `the whole search, counted once${extra}`);
      assert(/[\u4e00-\u9fff]/.test(await page.innerText("#explore-message")), "its status in Chinese now");
      await assertHealthy(page);
    }
  }],

  ["the correct 2PC survives the same sweep", async () => {
    const page = await openWithExplore("?scene=2pc&variant=correct&seed=1");
    await page.click("#explore-mode-sweep");
    const message = await search(page, 120000);
    assertEq(await page.locator(".ex-found").count(), 0, `no violation is found: ${message}`);
    assert(/no violation/i.test(message), `the panel says so: ${message}`);
    await assertHealthy(page);
  }],
]);

await cleanup();
server.close();
process.exit(failed ? 1 : 0);
