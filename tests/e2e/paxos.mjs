// End-to-end tests of the Paxos scene in headless Chromium against a built dist/ (run
// `trunk build --release` first): it opens from a link and a value is chosen; a broken
// variant breaks consensus and a copied link shows the same broken run; the "break
// consensus" challenge holds its crash budget across a copied link; the message tool holds a
// message back and the link carries the delay; a 720×460 embed keeps
// its labels readable, Multi-Paxos's table inside the frame and no message over another's
// letters; a preparing proposer says its promises in words; embedded at 420×460 every tour
// stop shows every node; a bad link is explained. Prints "e2e: N passed, N failed".
import { serve, launch, openPage, assert, assertEq, assertHealthy, quiet, runTests, stageWords } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const server = await serve(dist);
const { browser, cleanup } = await launch();
const url = (query) => `${server.url}/index.html${query}`;

async function openPaxos(query, viewport) {
  const page = await openPage(browser, url(query), viewport);
  await page.waitForSelector(".px-net g.px-node");
  return page;
}

/** What a person reads of the run: the step, the acceptors' table, the chosen value, the badge. */
async function visiblePaxos(page) {
  return page.evaluate(() => ({
    step: document.querySelector("#step-status")?.textContent.split(/ [/·] /)[0],
    acceptors: [...document.querySelectorAll("#px-acceptors tbody tr")].map((r) => `${r.dataset.node} ${r.className}: ${r.textContent}`),
    chosen: document.querySelector("#px-chosen")?.textContent ?? "",
    safety: document.querySelector("#px-safety")?.textContent ?? "",
    budget: document.querySelector("#px-budget")?.textContent ?? "",
  }));
}

async function copyLinkAndOpen(page) {
  await page.click("#copy-link");
  const link = await page.inputValue("#share-text");
  return { link, again: await openPaxos(link.slice(link.indexOf("?"))) };
}

const failed = await runTests([
  ["the scene opens from its link and plays until a value is chosen", async () => {
    const page = await openPaxos("?scene=paxos&sc=happy&seed=1");
    assertEq(await page.locator(".px-net g.px-node").count(), 5, "five nodes");
    await page.selectOption("#speed", "4");
    await page.click("#play");
    await page.waitForFunction(() => /red|green|blue/.test(document.querySelector("#px-chosen")?.textContent ?? ""), null, { timeout: 15000 });
    await page.keyboard.press("Space");
    assertEq(await page.innerText("#px-safety"), "safety holds", "the correct protocol is safe");
    assertEq(await page.locator(".invariant.violated").count(), 0, "no invariant fails");
    await assertHealthy(page);
  }],

  ["a broken variant chooses two values, and a copied link shows the same broken run", async () => {
    const page = await openPaxos("?scene=paxos&sc=keep-own-value&seed=1");
    await page.selectOption("#speed", "4");
    await page.click("#play");
    await page.waitForSelector("#px-safety.px-broken", { timeout: 20000 });
    await page.keyboard.press("Space");
    const badge = await page.innerText("#px-safety");
    assert(/red/.test(badge) && /green/.test(badge), `the badge names both values: ${badge}`);
    assert(await page.locator(".invariant.violated").count() >= 1, "an invariant is red");
    const before = await visiblePaxos(page);
    const { link, again } = await copyLinkAndOpen(page);
    assert(link.includes("step="), `the link carries the step: ${link}`);
    assertEq(await visiblePaxos(again), before, "the copied link shows the same run");
    await assertHealthy(page);
    await assertHealthy(again);
  }],

  ["the challenge spends its crash budget, and a copied link keeps the spent budget", async () => {
    const page = await openPaxos("?scene=paxos&challenge=1&props=none&seed=2");
    assertEq(await page.innerText("#px-budget"), "crashes left: 2 of 2", "the budget at the start");
    for (const [node, item] of [["3", "Crash (2 of 2 crashes left)"], ["4", "Crash (1 of 2 crashes left)"]]) {
      await page.click(`.px-net g.px-node[data-node="${node}"]`);
      await page.click(`.node-menu .menu-item:text-is("${item}")`);
    }
    assertEq(await page.innerText("#px-budget"), "crashes left: 0 of 2", "the budget is spent");
    await page.click('.px-net g.px-node[data-node="0"]');
    const items = await page.$$eval(".node-menu .menu-item", (els) => els.map((e) => e.textContent));
    assert(!items.some((i) => i.startsWith("Crash")), `no crash is offered once spent: ${items}`);
    await page.keyboard.press("Escape");
    const before = await visiblePaxos(page);
    const { again } = await copyLinkAndOpen(page);
    assertEq(await visiblePaxos(again), before, "the copied link shows the same challenge");
    await assertHealthy(page);
  }],

  ["the message tool holds a message back: it is ringed, and a copied link carries the delay", async () => {
    const page = await openPaxos("?scene=paxos&challenge=1&sc=happy&seed=1&step=6");
    await page.click('button.px-tool[data-tool="delay-300"]');
    const id = await page.getAttribute('g.px-msg[data-kind="1a"]', "data-msg");
    // A person clicks the message's dot (the centre of the dot and its label together may
    // be the empty space between them).
    await page.click(`g.px-msg[data-msg="${id}"] .px-dot`);
    await page.waitForSelector(`g.px-msg[data-msg="${id}"].px-held`);
    const title = await page.textContent(`g.px-msg[data-msg="${id}"] title`);
    assert(/Held back 300 ms/.test(title), `the tooltip says how long: ${title}`);
    const log = await page.innerText("body");
    assert(/you hold back/.test(log), "the caption tells the delay");
    const before = await visiblePaxos(page);
    const { link, again } = await copyLinkAndOpen(page);
    assert(link.includes(`delay:${id}:300000`), `the link carries the delay: ${link}`);
    assertEq(await visiblePaxos(again), before, "the copied link shows the same run");
    assertEq(await again.locator(`g.px-msg[data-msg="${id}"].px-held`).count(), 1, "held in the copy too");
    await assertHealthy(page);
    await assertHealthy(again);
  }],

  ["embedded at 720×460, labels stay readable, nodes' labels apart and no message on a node's name", async () => {
    for (const sc of ["happy", "crash-majority", "multi"]) {
      const page = await openPaxos(`?scene=paxos&sc=${sc}&seed=1&step=60&embed=1`, { width: 720, height: 460 });
      const report = await page.evaluate(() => {
        const shown = (sel) => [...document.querySelectorAll(sel)]
          .filter((t) => t.textContent.trim() && t.getBoundingClientRect().height > 0)
          .map((t) => ({ text: t.textContent, node: t.closest("g.px-node")?.dataset.node, r: t.getBoundingClientRect(), size: parseFloat(getComputedStyle(t).fontSize) }));
        const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
        const svg = document.querySelector(".px-net");
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const all = shown(".px-net text");
        const smallest = Math.min(...all.map((t) => t.size * scale));
        // Messages broadcast at one moment may stack on each other (as in RaftScope), but
        // one node's labels never cover another's, and no message sits on a node's name.
        const nodes = shown(".px-net g.px-node text");
        const names = shown(".px-net g.px-node .px-name");
        const messages = shown(".px-net g.px-msg text");
        for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
          if (nodes[i].node !== nodes[j].node && overlap(nodes[i].r, nodes[j].r)) return { smallest, clash: `${nodes[i].text} / ${nodes[j].text}` };
        }
        for (const m of messages) for (const n of names) {
          if (overlap(m.r, n.r)) return { smallest, clash: `message ${m.text} on ${n.text}` };
        }
        return { smallest, clash: null };
      });
      assert(report.smallest >= 11, `${sc}: the smallest label is ${report.smallest.toFixed(1)} px`);
      assertEq(report.clash, null, `${sc}: labels apart`);
      await assertHealthy(page);
    }
  }],

  ["embedded at 720×460, Multi-Paxos's acceptor table fits beside the network and no message covers another's letters", async () => {
    // Review of 2026-12-01, items 12 and 15: the table's right column was cut at the frame's
    // edge, and twenty "2b" badges covered one another and the "2a" among them.
    for (const step of [150, 192]) {
      const query = `?scene=paxos&sc=multi&step=${step}&embed=1`;
      const page = await openPaxos(query, { width: 720, height: 460 });
      await quiet(page, 150);
      const words = await stageWords(page, "svg.px-net");
      const table = await page.evaluate(() => {
        const r = document.querySelector(".px-acceptors").getBoundingClientRect();
        const cut = [...document.querySelectorAll(".px-acceptors th, .px-acceptors td")].filter((c) => c.getBoundingClientRect().right > innerWidth + 0.5).map((c) => c.textContent);
        return { right: r.right, cut, width: innerWidth };
      });
      assertEq(table.cut, [], `${query}: no cell past the frame's right edge (the table ends at ${table.right} of ${table.width} px)`);
      assertEq(words.clashes, [], `${query}: no message covers another's letters`);
      assert(words.px >= 11, `${query}: ${words.smallest}`);
      await assertHealthy(page);
      await page.close();
    }
  }],

  ["the ballot timeline draws each ballot in its value's colour and says its outcome with a mark", async () => {
    // The bars were coloured by outcome: "1.0 red" was drawn green (chosen), "1.2 blue" red.
    const page = await openPaxos("?scene=paxos&tour=3");
    await quiet(page, 150);
    const bars = await page.evaluate(() => [...document.querySelectorAll("#px-timeline .px-bar")].map((g) =>
      `${g.querySelector(".px-bar-label")?.textContent ?? ""}|${[...g.classList].find((c) => /^px-v\d$/.test(c)) ?? "none"}|${g.querySelector(".px-bar-mark")?.textContent ?? ""}`));
    assert(bars.includes("1.1 green|px-v1|✓"), `n1's ballot 1.1 is green and chosen: ${bars}`);
    assert(bars.some((b) => /\|px-v0\|–$/.test(b)), `n0's ballot proposing red is red, ended by its crash: ${bars}`);
    await assertHealthy(page);
    await page.close();
  }],

  ["a preparing proposer says its promises in words, inside the drawing, in English and Chinese", async () => {
    // Review of 2026-12-01: "prepare 1.1 2/3" read as a fraction; it means 2 promises of the
    // 3 needed. Now: "prepare 1.1:" and under it "2 of 3 promises".
    const forms = { en: [/^prepare \d+\.\d+:$/, /^\d+ of 3 promises$/], zh: [/^准备 \d+\.\d+：$/, /^\d+ 个承诺，需 3 个$/] };
    for (const lang of ["en", "zh"]) {
      const page = await openPaxos(`?scene=paxos&sc=race&seed=1&step=9&lang=${lang}`);
      await quiet(page, 150);
      const nodes = await page.evaluate(() => {
        const svg = document.querySelector(".px-net").getBoundingClientRect();
        return [...document.querySelectorAll(".px-net g.px-node")].map((g) => [...g.querySelectorAll(".px-line")].map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent, inside: r.left >= svg.left - 0.5 && r.right <= svg.right + 0.5 };
        }));
      });
      const preparing = nodes.filter((lines) => lines.some((l) => forms[lang][0].test(l.text)));
      assert(preparing.length >= 2, `${lang}: two proposers preparing: ${JSON.stringify(nodes)}`);
      for (const lines of preparing) {
        const k = lines.findIndex((l) => forms[lang][0].test(l.text));
        assert(forms[lang][1].test(lines[k + 1]?.text ?? ""), `${lang}: the promises under '${lines[k].text}': ${JSON.stringify(lines)}`);
        for (const l of lines) assert(l.inside, `${lang}: '${l.text}' is cut at the drawing's edge`);
      }
      assert(!nodes.flat().some((l) => /\d\/\d/.test(l.text)), `${lang}: no 'n/q' left`);
      await assertHealthy(page);
      await page.close();
    }
  }],

  ["embedded at 420×460, every tour stop shows every node above the controls, its badges on one line, its labels at 11 px, the link to the full app beside the invariants", async () => {
    // Review of 2026-12-01, item 14, at a narrow frame: n1 past the right edge, n2 and n3
    // under the play controls. The network now fits the room left to it. A narrow embed's
    // drawing is 400 units wide (NetFrame::NARROW) and the link to the full app shares the
    // invariants' line, so its 11-unit labels are drawn at 11 px or more. Once consensus is
    // broken its badge alone stays (it names both values). Two failed invariants once took
    // a badge each, cut to a word apiece, and pushed the link to a line of its own: 10.7 px
    // at stop 6 (9.4 with two lines of badges); the first broken is now named, the other a
    // red light.
    let smallest = Infinity;
    const sizes = [];
    for (const lang of ["en", "zh"]) {
      for (let i = 1; i <= 9; i++) {
        const query = `?scene=paxos&tour=${i}&embed=1&lang=${lang}`;
        const page = await openPaxos(query, { width: 420, height: 460 });
        await quiet(page, 150);
        const words = await stageWords(page, "svg.px-net");
        const m = await page.evaluate(() => {
          const bar = document.querySelector(".embed-bar").getBoundingClientRect();
          const stage = document.querySelector(".embed-stage").getBoundingClientRect();
          const nodes = [...document.querySelectorAll(".px-net g.px-node")].map((g) => {
            const r = g.querySelector(".px-body").getBoundingClientRect();
            const name = g.querySelector(".px-name").textContent;
            return r.left >= -0.5 && r.right <= innerWidth + 0.5 && r.top >= stage.top - 0.5 && r.bottom <= bar.top + 0.5 ? null : name;
          });
          const badges = [...document.querySelectorAll(".px-badges > *")].filter((b) => b.getBoundingClientRect().height > 0);
          // A badge starts a new line when it begins under the first one's bottom (badges of
          // one line differ in height by a pixel or two, centred on it).
          const firstBottom = Math.min(...badges.map((b) => b.getBoundingClientRect().bottom));
          const rows = 1 + badges.filter((b) => b.getBoundingClientRect().top >= firstBottom - 1).length;
          const link = document.querySelector(".embed-bar .open-full, .embed-bar a");
          const verdict = document.querySelector(".embed-bar .invariants");
          const linkAlone = !!(link && verdict) && link.getBoundingClientRect().top >= verdict.getBoundingClientRect().bottom - 1;
          return { count: nodes.length, hidden: nodes.filter((n) => n !== null), page: document.documentElement.scrollHeight, rows, linkAlone };
        });
        assert(m.count >= 5, `${query}: ${m.count} nodes`);
        assertEq(m.hidden, [], `${query}: nodes past the frame or under the controls`);
        assertEq(words.out, [], `${query}: no word cut at the drawing's edge`);
        assert(m.rows <= 1, `${query}: the badges take one line (${m.rows})`);
        assert(!m.linkAlone, `${query}: the link to the full app on a line of its own`);
        assert(words.px >= 11, `${query}: ${words.smallest}`);
        sizes.push(`${i}${lang === "zh" ? "zh" : ""} ${words.px.toFixed(1)}`);
        assert(m.page <= 460, `${query}: the embed fits its frame (${m.page} px)`);
        smallest = Math.min(smallest, words.px);
        await assertHealthy(page);
        await page.close();
      }
    }
    console.log(`     420×460 tour stops, smallest label (px): ${sizes.join(", ")}; smallest of all ${smallest.toFixed(2)}`);
  }],

  ["a bad link is explained, not a crash", async () => {
    const page = await openPage(browser, url("?scene=paxos&q1=9&mode=triple&a=0@0:cmd:0:dance"));
    await page.waitForSelector(".problems");
    const problems = await page.innerText(".problems");
    assert(problems.includes("quorum"), `the quorum is explained: ${problems}`);
    assert(problems.includes("not a command this scene knows"), `the action is explained: ${problems}`);
    assertEq(await page.locator(".px-net g.px-node").count(), 5, "the default nodes run instead");
    await assertHealthy(page);
    const delay = await openPage(browser, url("?scene=paxos&a=3@0:delay:1:0"));
    await delay.waitForSelector(".problems");
    const why = await delay.innerText(".problems");
    assert(why.includes("a delay must be 1 to 10000000 microseconds"), `a bad delay is explained: ${why}`);
    await assertHealthy(delay);
  }],
]);

await cleanup();
server.close();
process.exit(failed ? 1 : 0);
