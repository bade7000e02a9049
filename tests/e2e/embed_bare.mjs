// Mounting scenes into a bare host page, served from a sub-path, whose stylesheet is
// hostile: each widget stays inside its element, brings its own colours (isolated in a
// shadow root both ways), and a bad config shows its message inside the element.
// Usage: node tests/e2e/embed_bare.mjs [dist] [screenshot.png]
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, launch, openPage, assert, assertEq, runTests } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const shot = process.argv[3];
const root = await mkdtemp(join(tmpdir(), "dsviz-bare-"));
await cp(dist, join(root, "sub", "dsviz"), { recursive: true });
await cp(new URL("./fixtures/bare.html", import.meta.url), join(root, "sub", "page.html"));
const server = await serve(root);
const { browser, cleanup } = await launch();

/** Facts about one mounted widget, read through its open shadow root. */
async function widget(page, id) {
  return page.evaluate((id) => {
    const host = document.getElementById(id);
    const shadow = host.shadowRoot;
    const box = host.getBoundingClientRect();
    const inner = shadow?.querySelector(".dsviz-mount");
    const innerBox = inner?.getBoundingClientRect();
    const colour = (sel, prop) => {
      const el = shadow?.querySelector(sel);
      return el ? getComputedStyle(el)[prop] : null;
    };
    // Every drawn element must stay inside the host's box.
    let outside = 0;
    for (const el of shadow?.querySelectorAll("svg, button, .controls, .node, canvas") ?? []) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        // Scrollable content may extend below; only what is visible counts.
        const visible = getComputedStyle(el).visibility !== "hidden" && r.top < box.bottom && r.left < box.right;
        if (visible && (r.right > box.right + 1 || r.left < box.left - 1)) outside++;
      }
    }
    return {
      shadow: !!shadow,
      host: { w: box.width, h: box.height },
      inner: innerBox ? { w: innerBox.width, h: innerBox.height } : null,
      outside,
      play: colour("#play", "backgroundColor"),
      playFont: colour("#play", "fontSize"),
      spacing: colour(".controls", "letterSpacing"),
      nodeFill: colour(".node .body", "fill"),
      ringKeys: !!shadow?.querySelector(".ring-figure"),
      text: shadow?.textContent ?? "",
      errorText: shadow?.querySelector(".dsviz-mount-error")?.textContent ?? "",
    };
  }, id);
}

const failed = await runTests([
  ["three scenes mount into a bare host page from a sub-path", async () => {
    const page = await openPage(browser, server.url + "/sub/page.html");
    await page.waitForSelector("body[data-ready='1']", { timeout: 20000 });
    await page.waitForTimeout(400);
    for (const id of ["ring", "two-pc", "locks"]) {
      const w = await widget(page, id);
      assert(w.shadow, `${id}: mounted in a shadow root`);
      assert(w.inner && Math.abs(w.inner.w - w.host.w) < 8 && w.inner.h <= w.host.h + 1,
        `${id}: fills its element (${JSON.stringify(w)})`);
      assertEq(w.outside, 0, `${id}: elements drawn outside the element`);
      assertEq(w.play, "rgb(58, 110, 165)", `${id}: the play button keeps dsviz's accent colour`);
      assert(w.playFont !== "30px", `${id}: the host's button font size does not leak in`);
      assertEq(w.spacing, "normal", `${id}: the host's letter spacing does not leak in`);
    }
    const ring = await widget(page, "ring");
    assert(ring.ringKeys, "the ring figure is drawn");
    const twoPc = await widget(page, "two-pc");
    assert(twoPc.nodeFill && twoPc.nodeFill !== "rgb(0, 0, 0)", `2PC nodes keep their fill, not the host's black (${twoPc.nodeFill})`);
    // And nothing of dsviz's leaks out into the host page.
    const hostColour = await page.evaluate(() => getComputedStyle(document.querySelector("p.host-text")).color);
    assertEq(hostColour, "rgb(18, 52, 86)", "the host's own text colour");
    const bodyBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assertEq(bodyBg, "rgb(255, 251, 230)", "the host's own background");
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    assertEq(page.errors, [], "console errors");
  }],
  ["a bad config is reported inside its element", async () => {
    const page = await openPage(browser, server.url + "/sub/page.html");
    await page.waitForSelector("body[data-ready='1']", { timeout: 20000 });
    const bad = await widget(page, "bad");
    assert(bad.errorText.includes("unknown scene \"nope\""), `the message: ${bad.errorText}`);
    const thrown = await page.evaluate(() => window.badError);
    assert(thrown.includes("unknown scene"), `thrown: ${thrown}`);
  }],
]);
await cleanup();
server.close();
await rm(root, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
