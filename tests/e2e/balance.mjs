// End-to-end tests of the load-balancing scene in headless Chromium against the built
// dist/ (run `trunk build --release` first): it opens from a link and plays, a shared link
// reproduces both sides of a comparison, the embed stays readable, and the maximum-load
// figure is computed on request (its numbers and time are printed).
// Prints "e2e: N passed, N failed" and exits non-zero on failure.
import { serve, launch, openPage, assert, assertEq, assertHealthy, runTests, stageWords } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const server = await serve(dist);
const { browser, cleanup } = await launch();
const url = (query) => `${server.url}/index.html${query}`;

async function openScene(query, viewport) {
  const page = await openPage(browser, url(query), viewport);
  await page.waitForSelector(".lb-stage g.lb-server");
  return page;
}

/** What a person reads of a comparison: the numbers table and the chart's lines. */
async function visible(page) {
  return page.evaluate(() => ({
    step: document.querySelector("#step-status")?.textContent.split(/ [/·] /)[0],
    numbers: document.querySelector("#lb-numbers")?.innerText,
    lines: [...document.querySelectorAll(".lb-line-p99")].map((l) => l.getAttribute("d")),
    servers: [...document.querySelectorAll("g.lb-server")].map((g) => g.getAttribute("class")),
  }));
}

const failed = await runTests([
  ["a scenario opens from its link and plays", async () => {
    const page = await openScene("?scene=balance&sc=slow-server&seed=4");
    assertEq(await page.locator("g.lb-server").count(), 4, "server rows");
    const before = (await visible(page)).step;
    await page.keyboard.press("Space");
    await page.waitForTimeout(1500);
    await page.keyboard.press("Space");
    const after = (await visible(page)).step;
    const stepNumber = (status) => Number(status.match(/\d+/)[0]);
    assert(stepNumber(after) > stepNumber(before), `the run played: ${before} -> ${after}`);
    assert((await page.locator(".lb-side.lb-side-b .lb-line-p99").count()) === 1, "the second side is drawn");
    // The chart's key shows the second side's dashed stretch beside each line's solid one.
    assertEq(await page.locator(".lb-chart-key .lb-side-b .lb-line").count(), 3, "the key's dashed stretches");
    await assertHealthy(page);
  }],

  ["a shared link reproduces both sides, actions included", async () => {
    const page = await openScene("?scene=balance&seed=9&vs=p2c&step=3000");
    await page.click('g.lb-server[data-node="5"] rect.lb-box');
    await page.click(".node-menu >> text=Slow down");
    for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowRight");
    await page.waitForTimeout(300);
    const shown = await visible(page);
    const link = await page.evaluate(() => location.search);
    assert(link.includes("slow%3A5") || link.includes("slow:5"), `the action is in the link: ${link}`);
    const again = await openScene(link);
    await again.waitForTimeout(300);
    assertEq(await visible(again), shown, "the same run on both sides");
    await assertHealthy(page);
    await assertHealthy(again);
  }],

  ["the embed keeps every label at 11 px or more and apart", async () => {
    // In Chinese too: its invariant names are as wide, and must not push the stage smaller.
    // A tour stop's embed gives the stage less height (the tour's line): it read at 10.5 px.
    for (const query of ["?scene=balance&sc=herd&step=9000&embed=1", "?scene=balance&servers=16&lb=8&step=4000&embed=1", "?scene=balance&sc=weighted&step=36&embed=1&lang=zh",
      "?scene=balance&tour=3&embed=1", "?scene=balance&tour=6&embed=1"]) {
      const page = await openScene(query, { width: 720, height: 460 });
      const report = await page.evaluate(() => {
        const svg = document.querySelector(".lb-svg");
        const box = svg.getBoundingClientRect();
        const k = Math.min(box.width / svg.viewBox.baseVal.width, box.height / svg.viewBox.baseVal.height);
        const sizes = [...svg.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize) * k);
        const names = [...svg.querySelectorAll(".lb-name")].map((t) => t.getBoundingClientRect());
        let overlaps = 0;
        for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
          const a = names[i], b = names[j];
          if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps++;
        }
        return { smallest: Math.min(...sizes), overlaps };
      });
      assert(report.smallest >= 11, `${query}: smallest label ${report.smallest.toFixed(1)} px`);
      assertEq(report.overlaps, 0, `${query}: overlapping node names`);
      await assertHealthy(page);
    }
  }],

  ["embedded at 420×460, the flow is drawn in the phone's frame at full size and the stage scrolls down to the latency chart, where a stop about it opens", async () => {
    // The full frame fitted there read at 7 px.
    const sizes = [];
    // Tour stop 6: a crashed server's ✗ beside its name, not over "CRASHED".
    for (const query of ["?scene=balance&tour=6&embed=1", "?scene=balance&tour=1&embed=1", "?scene=balance&tour=3&embed=1", "?scene=balance&servers=16&lb=8&step=4000&embed=1",
      "?scene=balance&sc=weighted&step=36&embed=1&lang=zh"]) {
      const page = await openScene(query, { width: 420, height: 460 });
      const words = await stageWords(page, ".lb-svg");
      assert(words.px >= 11, `${query}: ${words.smallest}`);
      assertEq(words.clashes, [], `${query}: no label covers another`);
      assertEq(words.out, [], `${query}: no word cut at the drawing's edge`);
      const marksOnWords = await page.evaluate(() => [...document.querySelectorAll("g.lb-server")].flatMap((g) => {
        const mark = g.querySelector(".lb-mark")?.getBoundingClientRect();
        return mark ? [...g.querySelectorAll("text:not(.lb-mark)")].filter((t) => {
          const r = t.getBoundingClientRect();
          // Line boxes: two lines of text may share a pixel or two of leading, not ink.
          return r.left < mark.right && mark.left < r.right && r.top < mark.bottom - 2 && mark.top < r.bottom - 2;
        }).map((t) => t.textContent) : [];
      }));
      assertEq(marksOnWords, [], `${query}: a health mark over a server's words`);
      // A server's words stay inside its box ("CRASHED" ran 2 px past it at 420).
      const outOfBox = await page.evaluate(() => [...document.querySelectorAll("g.lb-server")].flatMap((g) => {
        const box = g.querySelector(".lb-box")?.getBoundingClientRect();
        return box ? [...g.querySelectorAll("text.lb-state, text.lb-name")].filter((t) => {
          const r = t.getBoundingClientRect();
          return r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5);
        }).map((t) => t.textContent) : [];
      }));
      assertEq(outOfBox, [], `${query}: a server's words past its box`);
      const m = await page.evaluate(() => {
        const stage = document.querySelector(".embed-stage");
        const top = stage.getBoundingClientRect().top;
        const seen = (el) => { const r = el.getBoundingClientRect(); return r.top >= top - 0.5 && r.bottom <= top + stage.clientHeight + 0.5; };
        return { firstServerSeen: seen(document.querySelector("g.lb-server")), chartSeen: seen(document.querySelector("[data-focus=chart]")),
          scrolls: stage.scrollHeight > stage.clientHeight + 20, overflow: document.documentElement.scrollWidth - innerWidth };
      });
      // Tour stop 1 is about the p99 lines: it opens scrolled to the whole chart.
      if (query.includes("tour=1")) assert(m.chartSeen, `${query}: the latency chart the caption discusses is in view`);
      else assert(m.firstServerSeen, `${query}: the first server in view without scrolling`);
      assert(m.scrolls, `${query}: the stage scrolls down to the latency chart`);
      assert(m.overflow <= 1, `${query}: no sideways scrolling (${m.overflow} px)`);
      sizes.push(`${query.replace("?scene=balance&", "")} ${words.px.toFixed(1)}`);
      await assertHealthy(page);
      await page.close();
    }
    console.log(`     420×460, smallest label (px): ${sizes.join(", ")}`);
  }],

  ["a comparison's chart head gives both sides' p99 and share not served by name, full page, embedded and at 420", async () => {
    // The head read "latency now: …" for the solid side only: the figures the caption
    // compares (round robin losing requests, two choices not) were matched by dashes alone.
    for (const viewport of [undefined, { width: 720, height: 460 }, { width: 420, height: 460 }]) {
      const query = `?scene=balance&tour=3${viewport ? "&embed=1" : ""}`;
      const page = await openScene(query, viewport);
      await page.waitForFunction(() => /p99/.test(document.querySelector(".lb-chart")?.textContent ?? ""));
      const head = await page.evaluate(() => [...document.querySelectorAll(".lb-head")].map((t) => t.firstChild.textContent).join(" | "));
      const where = `${query} at ${viewport?.width ?? "full page"}`;
      assert(/round robin: p99 ∞, not served [1-9][0-9.]*%/.test(head), `${where}: round robin loses requests: ${head}`);
      assert(/two choices: p99 [0-9.]+ m?s, not served 0\.0%/.test(head), `${where}: two choices serves them all: ${head}`);
      const out = await page.evaluate(() => [...document.querySelectorAll(".lb-head")].filter((t) => {
        const r = t.getBoundingClientRect(), svg = t.ownerSVGElement.getBoundingClientRect();
        return r.left < svg.left - 0.5 || r.right > svg.right + 0.5;
      }).length);
      assertEq(out, 0, `${where}: the head stays inside the drawing`);
      await assertHealthy(page);
      await page.close();
    }
  }],

  ["the maximum-load figure is computed on request", async () => {
    const page = await openScene("?scene=balance&seed=1");
    const start = Date.now();
    await page.click("#lb-compute-max-load");
    await page.waitForSelector("#lb-max-load-figure", { timeout: 60000 });
    const took = Date.now() - start;
    const marks = await page.$$eval("#lb-max-load-figure circle title", (ts) => ts.map((t) => t.textContent));
    console.log(`     max-load figure in ${took} ms: ${marks.join("; ")}`);
    assertEq(marks.length, 14, "seven n, two series");
    const value = (s) => Number(s.split(": ")[1]);
    assert(value(marks[6]) > value(marks[13]) + 2, `one choice is well above two at n = 10^6: ${marks[6]} vs ${marks[13]}`);
    await assertHealthy(page);
  }],
]);

await cleanup();
server.close();
process.exit(failed ? 1 : 0);
