// End-to-end tests of the app on a phone (390×844 CSS px), in headless Chromium against a
// built dist/: for every scene, at its start and a few steps in, the page does not scroll
// sideways, the stage's box is no wider than the screen, the scene picker and the caption
// are on the page, the stage's content fits its box (nothing scrolls sideways in it), the
// smallest label of the stage reads at 11 CSS px or more, the play
// and step buttons are touch targets of 32 px or more, Raft's vote tallies are drawn whole
// and clear of the caption, and the node menu opens under the stage rather than over its
// nodes; the locks scene's queue stage takes its phone frame, its words at 11 px and up, none
// over another nor under a message's dot, states on a line 6 px apart or more, nothing cut
// off, in English and in Chinese.
// Prints "e2e: N passed, N failed" and exits non-zero on failure.
import { serve, launch, openPage, assert, assertEq, assertHealthy, runTests, stageWords } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const server = await serve(dist);
const { browser, cleanup } = await launch();
const PHONE = { width: 390, height: 844 };
const scenes = ["ring", "2pc", "locks", "raft", "paxos", "queue", "balance"];

async function open(query) {
  const page = await openPage(browser, `${server.url}/index.html${query}`, PHONE);
  await page.waitForSelector("#step-status");
  await page.waitForTimeout(200);
  return page;
}

/** What a phone shows: sizes in CSS px, and the stage's smallest label. A label's rendered
 * size is its font size times the scale its SVG is drawn at (getScreenCTM). */
const measure = (page) =>
  page.evaluate(() => {
    const box = (el) => el?.getBoundingClientRect();
    const stage = document.querySelector(".stage");
    const texts = [...stage.querySelectorAll("svg text")].filter((t) => {
      const r = t.getBoundingClientRect();
      return t.textContent.trim() && r.height > 0 && getComputedStyle(t).visibility !== "hidden";
    });
    const labels = texts.map((t) => {
      const m = t.getScreenCTM();
      const scale = m ? Math.hypot(m.a, m.b) : 1;
      return { text: t.textContent.trim().slice(0, 24), px: parseFloat(getComputedStyle(t).fontSize) * scale };
    });
    const smallest = labels.reduce((a, l) => (l.px < a.px ? l : a), { text: "(no label)", px: Infinity });
    const visible = (el) => { const r = box(el); return !!r && r.width > 0 && r.height > 0; };
    return {
      pageWidth: Math.max(document.documentElement.scrollWidth, document.scrollingElement.scrollWidth),
      viewport: window.innerWidth,
      stageWidth: box(stage).width,
      stageRight: box(stage).right,
      labels: labels.length,
      smallest,
      picker: visible(document.querySelector("nav.scenes")) && visible(document.querySelector(".scene-link.current")),
      caption: visible(document.querySelector("#caption")),
      play: box(document.querySelector("#play")).height,
      step: box(document.querySelector("#step-forward")).height,
      back: box(document.querySelector("#step-back")).height,
    };
  });

const sceneTests = scenes.map((scene) => [
  `${scene} at 390×844: no sideways scroll, the stage fits, labels of 11 px and up, touch-sized transport`,
  async () => {
    for (const step of [0, 12]) {
      const page = await open(`?scene=${scene}&step=${step}`);
      const m = await measure(page);
      const at = `${scene}, step ${step}`;
      assert(m.pageWidth <= m.viewport, `${at}: the page scrolls sideways (${m.pageWidth} px wide in ${m.viewport})`);
      assert(m.stageWidth <= m.viewport && m.stageRight <= m.viewport + 0.5, `${at}: the stage is ${m.stageWidth.toFixed(0)} px wide, ending at ${m.stageRight.toFixed(0)}`);
      assert(m.picker, `${at}: the scene picker is shown`);
      assert(m.caption, `${at}: the caption is shown`);
      assert(m.labels > 0, `${at}: the stage has labels`);
      assert(m.smallest.px >= 11, `${at}: "${m.smallest.text}" reads at ${m.smallest.px.toFixed(1)} px`);
      for (const [what, h] of [["play", m.play], ["step", m.step], ["step back", m.back]]) {
        assert(h >= 32, `${at}: the ${what} button is ${h.toFixed(0)} px tall`);
      }
      await assertHealthy(page);
      await page.close();
    }
  },
]);

/** What of the stage is wider than its box: the stage scrolls sideways when its content
 * (a scene's own drawing set at a minimum width) is wider than the box. */
const overflow = (page) =>
  page.evaluate(() => {
    const stage = document.querySelector(".stage");
    const box = stage.getBoundingClientRect();
    const wide = [...stage.querySelectorAll("svg, div")]
      .filter((e) => e.getBoundingClientRect().right > box.right + 1)
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}.${(e.className?.baseVal ?? e.className).split(" ")[0]} ends at ${e.getBoundingClientRect().right.toFixed(0)}`);
    return {
      page: document.scrollingElement.scrollWidth, viewport: innerWidth,
      content: stage.scrollWidth, box: stage.clientWidth, wide,
    };
  });

// Issue 9: a scene's own stage lays itself out in a phone's width rather than scrolling
// sideways inside its box (the shell's phone rules once let it, at a minimum width).
const fitTests = scenes.map((scene) => [
  `${scene} at 390×844: the stage fits the screen, with nothing to scroll sideways in it`,
  async () => {
    for (const step of [0, 12]) {
      const page = await open(`?scene=${scene}&step=${step}`);
      const o = await overflow(page);
      const at = `${scene}, step ${step}`;
      assert(o.page <= o.viewport, `${at}: the page scrolls sideways (${o.page} px in ${o.viewport})`);
      assert(o.content <= o.box + 1, `${at}: the stage's content is ${o.content} px wide in a box of ${o.box} (${o.wide.join("; ")})`);
      await assertHealthy(page);
      await page.close();
    }
  },
]);

const failed = await runTests([
  ...sceneTests,
  ...fitTests,

  ["on a phone, Raft's vote tallies are whole on the stage, the top server's clear of the caption", async () => {
    // A split vote: four candidates, n0 at the ring's top among them, its tally stacked over
    // its role word (once drawn past the frame's top, cut there, against the caption).
    for (const lang of ["en", "zh"]) {
      const page = await open(`?scene=raft&sc=split-vote&step=15&lang=${lang}`);
      if (lang === "zh") await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.querySelector("#caption-text")?.textContent ?? ""));
      const m = await page.evaluate(() => {
        const box = (el) => el.getBoundingClientRect();
        const caption = box(document.querySelector("#caption"));
        const svg = box(document.querySelector(".raft-svg"));
        const over = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left) && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
        return [...document.querySelectorAll(".raft-server .tally")].map((t) => {
          const r = box(t);
          return {
            node: t.closest("[data-node]").dataset.node, text: t.textContent,
            underCaption: over(r, caption), inside: r.top >= svg.top - 0.5 && r.bottom <= svg.bottom + 0.5 && r.left >= svg.left - 0.5 && r.right <= svg.right + 0.5,
            top: r.top.toFixed(1), captionBottom: caption.bottom.toFixed(1), svgTop: svg.top.toFixed(1),
          };
        });
      });
      assert(m.some((t) => t.node === "0"), `${lang}: the top server n0 shows its tally (${m.map((t) => t.node)})`);
      for (const t of m) {
        assert(!t.underCaption, `${lang}: n${t.node}'s "${t.text}" (top ${t.top}) runs under the caption (bottom ${t.captionBottom})`);
        assert(t.inside, `${lang}: n${t.node}'s "${t.text}" (top ${t.top}) leaves the stage's drawing (top ${t.svgTop})`);
      }
      await assertHealthy(page);
      await page.close();
    }
  }],

  ["on a phone, the lock queue's stage has its own frame: every word at 11 px or more, none over another, nothing cut off", async () => {
    const runs = [["herd", 120], ["herd", 40], ["herd", 300], ["predecessor", 120], ["predecessor", 300], ["crash-queue", 40], ["crash-queue", 120],
      ["herd", 40, "zh"], ["predecessor", 120, "zh"]];
    let crossings = 0;
    for (const [sc, step, lang = "en"] of runs) {
      const query = `?scene=locks&sc=${sc}&step=${step}&lang=${lang}`;
      const page = await open(query);
      if (lang === "zh") await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.querySelector(".locks-stage")?.textContent ?? ""));
      await page.waitForSelector(".locks-stage svg g.node");
      await page.waitForTimeout(700); // the queue's boxes slide and fade in
      const words = await stageWords(page, ".locks-stage svg");
      const r = await page.evaluate(() => {
        const svg = document.querySelector(".locks-stage svg");
        const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        const clashes = [];
        // No two nodes' names nor circles overlap, nor two boxes of the queue.
        const names = [...svg.querySelectorAll("g.node .name")].map((t) => t.getBoundingClientRect());
        const bodies = [...svg.querySelectorAll("g.node .body")].map((t) => t.getBoundingClientRect());
        const boxes = [...svg.querySelectorAll(".znode rect, .lock-node rect")].map((t) => t.getBoundingClientRect());
        for (const [what, list] of [["names", names], ["circles", bodies], ["queue boxes", boxes]]) {
          for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
            if (meet(list[i], list[j])) clashes.push(`${what} ${i} / ${j}`);
          }
        }
        for (const b of boxes) for (const c of bodies) if (meet(b, c)) clashes.push("a queue box on a node");
        // A message's dot that crosses a node's word passes under it: at the middle of
        // where they meet, the word is what shows.
        const words = [...svg.querySelectorAll("g.node text")].filter((t) => t.textContent.trim());
        let crossings = 0;
        for (const dot of svg.querySelectorAll("g.message circle")) {
          const d = dot.getBoundingClientRect();
          for (const w of words) {
            const r = w.getBoundingClientRect();
            if (!meet(d, r)) continue;
            crossings++;
            const x = (Math.max(d.left, r.left) + Math.min(d.right, r.right)) / 2;
            const y = (Math.max(d.top, r.top) + Math.min(d.bottom, r.bottom)) / 2;
            if (document.elementFromPoint(x, y)?.closest("g.message")) clashes.push(`a message's dot over "${w.textContent}"`);
          }
        }
        // Neighbouring words on one line keep a gap a reader sees (6 CSS px).
        const lineWords = words.filter((t) => t.classList.contains("state")).map((t) => t.getBoundingClientRect());
        for (let i = 0; i < lineWords.length; i++) for (let j = i + 1; j < lineWords.length; j++) {
          const [a, b] = [lineWords[i], lineWords[j]];
          const sameLine = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
          const gap = Math.max(b.left - a.right, a.left - b.right);
          if (sameLine && gap < 6) clashes.push(`states ${i} and ${j} ${gap.toFixed(1)} px apart`);
        }
        return { clashes, crossings, dense: !!document.querySelector(".locks-stage.dense"), nodes: names.length };
      });
      const at = `${sc}, step ${step}, ${lang}`;
      crossings += r.crossings;
      assert(r.nodes >= 5 && words.count > 10, `${at}: the stage has its nodes and words (${r.nodes} nodes, ${words.count} words)`);
      assert(words.px >= 11, `${at}: the smallest word is ${words.smallest} (view box ${words.view})`);
      assertEq([...words.clashes, ...r.clashes], [], `${at}: words, names, circles and boxes apart`);
      assertEq(words.out, [], `${at}: words cut off at the stage's edge`);
      assert(r.dense, `${at}: messages as dots only`);
      await assertHealthy(page);
      await page.close();
    }
    console.log(`     ${crossings} crossings of a dot and a word, each under the word`);
  }],

  ["on a phone, the node menu opens under the stage and covers none of its nodes", async () => {
    const page = await open("?scene=2pc&step=6");
    await page.click('.topology g.node[data-node="1"] .body', { force: true });
    await page.waitForSelector(".node-menu");
    const clash = await page.evaluate(() => {
      const menu = document.querySelector(".node-menu").getBoundingClientRect();
      const over = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left) && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
      return [...document.querySelectorAll(".topology g.node")]
        .filter((n) => over(menu, n.getBoundingClientRect())).map((n) => n.dataset.node);
    });
    assert(clash.length === 0, `the menu covers nodes ${clash.join(", ")}`);
    const items = await page.locator(".node-menu button").evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().height));
    assert(items.every((h) => h >= 32) && items.length > 1, `menu buttons of 32 px and up: ${items.join(", ")}`);
    await assertHealthy(page);
  }],
]);

await cleanup();
server.close();
process.exit(failed ? 1 : 0);
