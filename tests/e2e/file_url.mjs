// Opening the app from disk (file://): index.html says why it cannot start and points to
// dsviz.html, which runs the whole app offline, with link parameters and embed options.
// Usage: node tests/e2e/file_url.mjs [dist] [screenshot.png]
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launch, openPage, assert, assertEq, runTests } from "./harness.mjs";

const dist = resolve(process.argv[2] ?? "dist");
const shot = process.argv[3];
const fileUrl = (name, query = "") => pathToFileURL(`${dist}/${name}`).href + query;
const { browser, cleanup } = await launch();

const failed = await runTests([
  ["index.html from disk explains itself and links to dsviz.html", async () => {
    const page = await openPage(browser, fileUrl("index.html", "?scene=2pc&seed=4"));
    await page.waitForSelector("#single-file-link", { timeout: 10000 });
    const text = await page.locator("#dsviz-app").innerText();
    assert(text.includes("cannot start from a file"), `the message: ${text}`);
    const href = await page.locator("#single-file-link").getAttribute("href");
    assertEq(href, "dsviz.html?scene=2pc&seed=4", "the link keeps the run's parameters");
  }],
  ["dsviz.html runs a scenario from disk, steps, and keeps every link parameter", async () => {
    const page = await openPage(browser, fileUrl("dsviz.html", "?scene=2pc&seed=7&sc=coord-crash&step=30"));
    await page.waitForSelector(".node", { timeout: 20000 });
    const status = await page.locator("#step-status").innerText();
    assert(status.startsWith("step 30 "), `opened at the linked step: ${status}`);
    await page.keyboard.press("ArrowRight");
    const after = await page.locator("#step-status").innerText();
    assert(after.startsWith("step 31 "), `stepped: ${after}`);
    const doubt = await page.locator(".node.state-in-doubt").count();
    assert(doubt > 0, "participants in doubt after the coordinator crashed");
    if (shot) await page.screenshot({ path: shot });
    assertEq(page.errors, [], "console errors");
  }],
  ["dsviz.html embeds and mounts from disk", async () => {
    const page = await openPage(browser, fileUrl("dsviz.html", "?scene=ring&embed=1"), { width: 720, height: 460 });
    await page.waitForSelector(".dsviz.embed", { timeout: 20000 });
    const scenes = await page.evaluate(() => window.dsviz.scenes());
    assert(scenes.includes("ring") && scenes.includes("2pc") && scenes.includes("locks"), `scenes: ${scenes}`);
    await page.evaluate(() => {
      const box = document.createElement("div");
      box.id = "extra";
      box.style.height = "300px";
      document.body.append(box);
      window.dsviz.mount(box, { scene: "locks", seed: 2 });
    });
    const mounted = await page.evaluate(() => !!document.getElementById("extra").shadowRoot?.querySelector(".controls"));
    assert(mounted, "mount() works in the one-file page");
    assertEq(page.errors, [], "console errors");
  }],
]);
await cleanup();
process.exit(failed ? 1 : 0);
