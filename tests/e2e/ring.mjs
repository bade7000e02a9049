// End-to-end tests of the consistent-hashing scene in headless Chromium against the built
// dist/ (run `trunk build --release` first). The drawing figure (frame times) is in
// ring_frames.mjs. Prints "e2e: N passed, N failed" and exits non-zero on failure.
import { serve, launch, openPage, assert, assertEq, assertHealthy, runTests } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const server = await serve(dist);
const { browser, cleanup } = await launch();
const url = (query) => `${server.url}/index.html${query}`;

/** What a person sees of the ring: chips, the counter, the centre text, the histogram. */
async function visibleRing(page) {
  return page.evaluate(() => ({
    step: document.querySelector("#step-status")?.textContent.split(/ [/·] /)[0],
    chips: [...document.querySelectorAll("g.chip")].map((c) => `${c.dataset.node} ${c.getAttribute("class").replace(" picked", "")}`),
    moved: document.querySelector("#moved-count")?.textContent,
    centre: [...document.querySelectorAll(".centre-line")].map((t) => t.textContent),
    bars: [...document.querySelectorAll(".hbar")].map((b) => `${b.dataset.node}=${b.dataset.keys}`),
    arcs: [...document.querySelectorAll(".ring-slot .arc")].map((a) => a.getAttribute("d").length),
    invariants: [...document.querySelectorAll(".invariant")].map((i) => i.getAttribute("class")),
  }));
}

async function openRing(query, viewport) {
  const page = await openPage(browser, url(query), viewport);
  await page.waitForSelector(".ring-figure g.chip");
  return page;
}

const barKeys = async (page, node) => Number(await page.getAttribute(`.hbar[data-node="${node}"]`, "data-keys"));

/** Looks a key up and checks every label of the figure reads at 11 px or more: a label's
 * size on screen is its font size times the scale its SVG is drawn at. */
async function lookupLabelsRead(page, where) {
  await page.fill("#lookup-key", "user:1");
  await page.click("#lookup-go");
  await page.waitForFunction(() => [...document.querySelectorAll(".centre-line")].some((t) => t.textContent.startsWith("→")), null, { timeout: 5000 })
    .catch(() => {});
  await page.waitForTimeout(1100);
  const labels = await page.evaluate(() =>
    [...document.querySelectorAll(".ring-figure svg text")]
      .filter((t) => t.textContent.trim() && t.getBoundingClientRect().height > 0 && getComputedStyle(t).display !== "none")
      .map((t) => { const m = t.getScreenCTM(); return { text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b) }; }));
  assert(labels.some((l) => l.text === "1"), `${where}: the primary replica's rank or the first bucket is shown: ${labels.map((l) => l.text)}`);
  const smallest = labels.reduce((a, l) => (l.px < a.px ? l : a), { px: Infinity });
  assert(smallest.px >= 11, `${where}: "${smallest.text}" reads at ${smallest.px.toFixed(1)} px`);
  // The labels that say why (the scores, the middle's lines) overlap no other label.
  const overlaps = await page.evaluate(() => {
    const shown = [...document.querySelectorAll(".ring-figure svg text")]
      .filter((t) => t.textContent.trim() && t.getBoundingClientRect().height > 0 && getComputedStyle(t).display !== "none");
    const why = shown.filter((t) => t.matches(".score-value, .centre-line"));
    const out = [];
    for (const a of why) for (const b of shown) {
      if (a === b || (b.matches(".score-value, .centre-line") && why.indexOf(b) < why.indexOf(a))) continue;
      const [r, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
      const [w, h] = [Math.min(r.right, q.right) - Math.max(r.left, q.left), Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top)];
      if (w > 1 && h > 1.5) out.push(`"${a.textContent}" and "${b.textContent}" (${w.toFixed(1)}x${h.toFixed(1)} px)`);
    }
    return out;
  });
  assertEq(overlaps, [], `${where}: overlapping labels`);
  await assertHealthy(page);
}

const failed = await runTests([
  ["the ring scene is the first scene and draws every node", async () => {
    const page = await openRing("?scene=ring&seed=3");
    const firstRender = await page.evaluate(() => performance.now());
    console.log(`     first render of the ring scene: ${firstRender.toFixed(0)} ms after navigation start`);
    assertEq(await page.locator(".scene-link").first().innerText(), "Consistent hashing", "first scene in the picker");
    assertEq(await page.locator("g.chip.live").count(), 6, "node chips");
    assertEq(await page.locator(".ring-slot").count(), 6, "arcs and ticks per node");
    assertEq(await page.locator(".invariant.ok").count(), 3, "green invariants");
    assert(await page.locator("canvas.ring-keys").count() === 1, "2,000 keys are drawn on a canvas");
    // The comparison runs once the node set has settled, then stays cached.
    await page.waitForSelector("#compare-table", { timeout: 10000 });
    const algos = await page.$$eval("#compare-table tbody tr", (rows) => rows.map((r) => r.dataset.algo ?? "ideal"));
    assertEq(algos, ["ideal", "modulo", "jump", "ring", "ketama", "rendezvous", "maglev", "bounded-load"], "algorithms compared");
    const modJoin = Number((await page.innerText('#compare-table tr[data-algo="modulo"] td')).replace(/,/g, ""));
    const ringJoin = Number((await page.innerText('#compare-table tr[data-algo="ring"] td')).replace(/,/g, ""));
    assert(modJoin > 3 * ringJoin, `modulo moves far more than the ring on a join: ${modJoin} vs ${ringJoin}`);
    await assertHealthy(page);
  }],

  ["type a key: its owner and replicas are shown, and bad keys are explained", async () => {
    const page = await openRing("?scene=ring&seed=3&churn=0");
    await page.fill("#lookup-key", "user:42");
    await page.click("#lookup-go");
    await page.waitForSelector(".walk-stop.primary");
    assertEq(await page.locator("g.chip.replica").count(), 3, "R = 3 replicas highlighted");
    const owner = await page.evaluate(() =>
      [...document.querySelectorAll(".chip-rank")].find((t) => t.textContent === "1").closest("g.chip").dataset.node);
    const centre = (await visibleRing(page)).centre.join(" ");
    assert(centre.includes("user:42") && centre.includes(`→ ${owner}`), `centre names the owner ${owner}: ${centre}`);

    await page.fill("#lookup-key", "ключ");
    await page.click("#lookup-go");
    assert((await page.innerText("#lookup-error")).includes("non-ASCII"), "non-ASCII keys are explained");
    await page.fill("#lookup-key", "");
    await page.click("#lookup-go");
    assert((await page.innerText("#lookup-error")).includes("Type a key"), "an empty key is explained");
    await assertHealthy(page);
  }],

  ["add a node: the moved-keys counter matches what the newcomer received", async () => {
    const page = await openRing("?scene=ring&seed=5&n=5&vnodes=100&keys=4000&churn=0");
    await page.fill("#join-name", "node-9");
    await page.click("#join-go");
    await page.waitForSelector('.hbar[data-node="node-9"]');
    const moved = Number(await page.getAttribute("#moved-count", "data-moved"));
    assertEq(await barKeys(page, "node-9"), moved, "on a ring every moved key went to the newcomer");
    const ideal = Number(await page.getAttribute("#moved-count", "data-ideal"));
    const modulo = Number(await page.getAttribute("#moved-count", "data-modulo"));
    assertEq(ideal, Math.round(4000 / 6), "ideal K/N");
    assert(Math.abs(moved - ideal) < ideal * 0.35, `about K/N moved: ${moved} vs ${ideal}`);
    assert(modulo > 4000 * 0.7, `hash mod N would move most keys: ${modulo}`);
    assert((await page.innerText("#moved-count")).includes(`keys moved: ${moved.toLocaleString("en-US")} of 4,000`), "counter text");

    // Duplicate names and failures are explained next to the form.
    await page.fill("#join-name", "node-1");
    await page.click("#join-go");
    assert((await page.innerText("#join-error")).includes("already a node"), "duplicate names are refused");
    await page.click('g.chip[data-node="node-2"]');
    await page.click("#node-fail");
    await page.waitForSelector('g.chip.failed[data-node="node-2"]');
    const failedMoved = Number(await page.getAttribute("#moved-count", "data-moved"));
    assert(failedMoved > 0, "a failure moves the failed node's keys");
    assert((await page.innerText("#ring-readout")).includes("other copies"), "R = 3: replicas take over");
    assertEq(await page.locator(".invariant.violated").count(), 0, "the ring keeps its promises");
    await assertHealthy(page);
  }],

  ["copy the link, open it: the same ring, lookup and counter", async () => {
    const page = await openRing("?scene=ring&seed=8&n=5&keys=3000&churn=0");
    await page.fill("#join-name", "edge-a");
    await page.selectOption("#join-weight", "3");
    await page.click("#join-go");
    await page.click('g.chip[data-node="node-4"]');
    await page.click("#node-leave");
    await page.fill("#lookup-key", "cart/2024 #7");
    await page.click("#lookup-go");
    await page.waitForSelector(".walk-stop.primary");
    await page.waitForTimeout(1100);
    const before = await visibleRing(page);
    await page.click("#copy-link");
    const link = await page.inputValue("#share-text");
    assert(link.includes("join:edge-a:3") && link.includes("leave:node-4") && link.includes("lookup:cart"), `the link carries the actions: ${link}`);

    const again = await openRing(link.slice(link.indexOf("?")));
    await again.waitForTimeout(1100);
    assertEq(await visibleRing(again), before, "the ring shown by the copied link");
    await assertHealthy(page);
    await assertHealthy(again);
  }],

  ["play with churn: servers come and go, the invariants stay green", async () => {
    const page = await openRing("?scene=ring&seed=2&keys=1000");
    await page.selectOption("#speed", "4");
    await page.click("#play");
    await page.waitForSelector(".change-title", { timeout: 5000 });
    await page.waitForTimeout(600);
    await page.keyboard.press("Space");
    const status = await page.innerText("#step-status");
    assert(!status.startsWith("step 0 "), `playing advanced the run: ${status}`);
    assertEq(await page.locator(".invariant.violated").count(), 0, "no invariant broken by churn");
    await assertHealthy(page);
  }],

  ["embed mode renders the ring in its compact layout, every label of a lookup at 11 px or more, none overlapping", async () => {
    for (const lang of ["en", "zh"]) {
      for (const algo of ["ring", "jump", "rendezvous", "maglev"]) {
        const page = await openRing(`?scene=ring&seed=4&embed=1&lang=${lang}&algo=${algo}`, { width: 720, height: 460 });
        assertEq(await page.locator(".dsviz.embed .ring-stage.compact").count(), 1, "compact ring stage");
        const box = await page.locator(".ring-figure").boundingBox();
        assert(box.width > 250 && box.height > 250, `the ring is big enough: ${box.width}x${box.height}`);
        await lookupLabelsRead(page, `embed ${lang} ${algo}`);
        // Names cut to numbers ("1" for node-1) and a rank in a chip beside them read as two
        // names for one server: the compact drawing keeps the ranks to the middle's words.
        const bare = await page.evaluate(() => [...document.querySelectorAll(".chip-label")].every((t) => /^\d+$/.test(t.textContent.trim())));
        assert(bare, `embed ${lang} ${algo}: the compact drawing names servers by number`);
        assertEq(await page.locator(".chip-rank").count(), 0, `embed ${lang} ${algo}: no replica rank in a chip named by a number`);
        const replicas = await page.locator("g.chip.replica").count();
        assert(replicas >= 1, `embed ${lang} ${algo}: the owner's chip stands out (${replicas} replicas)`);
        await page.context().close();
      }
    }
  }],

  ["embedded at 420x460 the ring fills the stage's height, round, its lookup labels at 11 px, and the key finder follows below it", async () => {
    // It was squeezed to a 50 px thumbnail above the side column.
    for (const algo of ["ring", "jump"]) {
      const page = await openRing(`?scene=ring&seed=4&embed=1&algo=${algo}`, { width: 420, height: 460 });
      const box = await page.locator(".ring-figure").boundingBox();
      const stage = await page.locator(".embed-stage").boundingBox();
      assert(box.height > 0.8 * stage.height && box.height > 250, `${algo}: the ring is ${box.width}x${box.height} in a stage ${stage.height} px high`);
      assert(Math.abs(box.width - box.height) < 2, `${algo}: the ring is round: ${box.width}x${box.height}`);
      await page.locator("#lookup-key").scrollIntoViewIfNeeded();
      await lookupLabelsRead(page, `420 embed ${algo}`);
      await page.context().close();
    }
  }],

  ["embedded at 420x460, the tour stops about shares open scrolled to the histogram and its figures, by link and by Back", async () => {
    const seen = (page) => page.evaluate(() => {
      const stage = document.querySelector(".embed-stage").getBoundingClientRect();
      const inView = (el) => { const r = el.getBoundingClientRect(); return r.top >= stage.top - 0.5 && r.bottom <= stage.bottom + 0.5; };
      return { histogram: inView(document.querySelector("[data-focus=chart]")), figures: inView(document.querySelector("#load-stats")),
        scrolled: document.querySelector(".embed-stage").scrollTop };
    });
    for (const stop of [3, 4]) {
      const page = await openRing(`?scene=ring&embed=1&tour=${stop}`, { width: 420, height: 460 });
      await page.waitForTimeout(300);
      const m = await seen(page);
      assert(m.histogram && m.figures, `stop ${stop}: the histogram and its figures (peak / fair share) in view: ${JSON.stringify(m)}`);
      if (stop === 4) {
        await page.click("#tour-back");
        await page.waitForTimeout(400);
        assert((await seen(page)).histogram, "stop 3 reached with Back: the histogram in view");
      }
      await assertHealthy(page);
      await page.context().close();
    }
  }],

  ["on the full page every label of a lookup reads at 11 px or more, the replicas' ranks, the walk's numbers and the scores too, none overlapping", async () => {
    for (const lang of ["en", "zh"]) {
      for (const algo of ["ring", "jump", "rendezvous", "maglev"]) {
        const page = await openRing(`?scene=ring&seed=4&lang=${lang}&algo=${algo}`, { width: 1280, height: 900 });
        await lookupLabelsRead(page, `${lang} ${algo}`);
        await page.context().close();
      }
    }
  }],

  ["each algorithm's stage draws what it does: a ring only for the ring, buckets, scores or a table otherwise", async () => {
    const lookUp = async (page, key) => {
      await page.fill("#lookup-key", key);
      await page.click("#lookup-go");
      await page.waitForTimeout(1100);
    };
    const ownerOf = (page) => page.evaluate(() =>
      [...document.querySelectorAll(".chip-rank")].find((t) => t.textContent === "1")?.closest("g.chip").dataset.node);

    const ring = await openRing("?scene=ring&seed=3&churn=0");
    assertEq(await ring.locator(".ring-slot").count(), 6, "the ring draws each server's points");
    assertEq(await ring.locator(".bucket, .score, .table-cell").count(), 0, "and nothing of the others");
    await assertHealthy(ring);

    const jump = await openRing("?scene=ring&seed=3&algo=jump&churn=0");
    assertEq(await jump.locator(".ring-slot, .ring-base").count(), 0, "jump hash: no ring, no server points");
    const buckets = await jump.$$eval(".bucket", (bs) => bs.map((b) => `${b.dataset.bucket}:${b.querySelector("text")?.textContent}`));
    assertEq(buckets, ["0:0", "1:1", "2:2", "3:3", "4:4", "5:5"], "buckets 0 to n-1, numbered");
    await lookUp(jump, "user:42");
    const centre = (await visibleRing(jump)).centre.join(" | ");
    assert(/buckets 0( → \d+)*/.test(centre), `the middle tells the key's jumps: ${centre}`);
    const last = centre.match(/buckets ([\d → ]+)/)[1].trim().split(" → ").pop();
    assertEq(await jump.getAttribute(".walk-stop.primary", "data-bucket"), last, "the last jump is the key's bucket");
    const stop = centre.match(/next jump ([\d,]+) ≥ 6 buckets: stop at (\d+)/);
    assert(stop && Number(stop[1].replace(/,/g, "")) >= 6 && stop[2] === last, `the middle says why the walk stops: ${centre}`);
    const bucketOwner = await jump.getAttribute(`.bucket[data-bucket="${last}"]`, "data-node");
    assertEq(await ownerOf(jump), bucketOwner, "the bucket's server owns the key");
    assert(!centre.includes("clockwise") && !centre.includes("hash 0"), centre);
    await assertHealthy(jump);

    const hrw = await openRing("?scene=ring&seed=3&algo=rendezvous&churn=0");
    assertEq(await hrw.locator(".ring-slot, .ring-base, .bucket").count(), 0, "rendezvous: no ring, no buckets");
    await lookUp(hrw, "user:42");
    const scores = await hrw.$$eval(".score", (gs) => gs.map((g) => ({ node: g.dataset.node, score: Number(g.dataset.score) })));
    assertEq(scores.length, 6, "a score per server");
    const best = scores.reduce((a, b) => (b.score > a.score ? b : a));
    assertEq(await hrw.getAttribute(".score.winner", "data-node"), best.node, "the winner has the highest score");
    assertEq(await ownerOf(hrw), best.node, "the highest score owns the key");
    // Each bar has its score written beside it; the winner's reads highest.
    const written = await hrw.$$eval(".score", (gs) => gs.map((g) => ({
      node: g.dataset.node, score: Number(g.dataset.score), text: g.querySelector(".score-value")?.textContent })));
    for (const w of written) {
      assert(w.text && Math.abs(Number(w.text) - w.score) < 0.005 && /^0\.\d{2,6}$|^1\.0+$/.test(w.text), `${w.node}'s score is written: ${JSON.stringify(w)}`);
    }
    const top = written.find((w) => w.node === best.node).text;
    assert(written.every((w) => w.node === best.node || Number(w.text) < Number(top)), `the winner's number is the highest: ${JSON.stringify(written)}`);
    const says = (await visibleRing(hrw)).centre.join(" ");
    assert(says.includes(`highest score wins: ${best.node} ${top}`), `the middle says the highest score wins: ${says}`);
    await assertHealthy(hrw);

    const maglev = await openRing("?scene=ring&seed=3&algo=maglev&churn=0");
    assertEq(await maglev.locator(".ring-slot, .ring-base, .bucket").count(), 0, "Maglev: no ring");
    assertEq(await maglev.locator(".table-cell").count(), 5, "a window of the lookup table");
    await lookUp(maglev, "user:42");
    const said = (await visibleRing(maglev)).centre.join(" ");
    const entry = said.match(/hash\(key\) mod 65,537 = table entry ([\d,]+)/);
    assert(entry, `the middle says how the key finds its table entry: ${said}`);
    const cell = maglev.locator(".table-cell.key-entry");
    assertEq(await cell.getAttribute("data-entry"), entry[1].replace(/,/g, ""), "the key's entry is outlined");
    const owner = await ownerOf(maglev);
    assertEq(await cell.locator("rect").getAttribute("fill"),
      await maglev.getAttribute(`g.chip[data-node="${owner}"] .chip-dot`, "fill"), "the entry is in its owner's colour");
    await assertHealthy(maglev);
  }],

  ["jump hash: removing a server that is not last says only the last bucket leaves cleanly", async () => {
    const page = await openRing("?scene=ring&seed=3&algo=jump&n=5&keys=2000&churn=0");
    await page.click('g.chip[data-node="node-3"]');
    const hint = await page.innerText("#node-hint");
    assert(hint.includes("last bucket") && hint.includes("node-5") && hint.includes("2 servers after it"), hint);
    await page.click("#node-leave");
    await page.waitForSelector("#jump-note");
    const note = await page.innerText("#jump-note");
    assert(note.includes("node-3 was not the last server") && note.includes("renumbered"), note);
    // Its dot: Playwright clicks the middle of the chip's box, which for a chip at the
    // upper left (node-5 keeps its place there) falls between the dot and its label.
    await page.click('g.chip[data-node="node-5"] .chip-dot');
    assertEq(await page.locator("#node-hint").count(), 0, "the last server leaves cleanly: no warning");
    await page.click("#node-leave");
    await page.waitForSelector('g.chip.gone[data-node="node-5"]');
    assertEq(await page.locator("#jump-note").count(), 0, "no renumbering after the last server leaves");
    await assertHealthy(page);
  }],

  ["list pictures: removing or failing a middle server moves no survivor; the buckets after it are renumbered in place", async () => {
    const chipsAt = (page) => page.$$eval("g.chip", (cs) => cs.map((c) => {
      const dot = c.querySelector(".chip-dot");
      return `${c.dataset.node} ${dot.getAttribute("cx")},${dot.getAttribute("cy")}`;
    }).sort());
    const cells = (page) => page.$$eval("g.bucket:not(.ghost)", (gs) => gs.map((g) => `${g.dataset.bucket} ${g.dataset.node} ${g.querySelector("path").getAttribute("d")}`));
    for (const algo of ["jump", "modulo", "rendezvous", "maglev"]) {
      for (const how of ["leave", "fail"]) {
        const page = await openRing(`?scene=ring&seed=3&algo=${algo}&n=6&keys=2000&churn=0`);
        const before = await chipsAt(page);
        const cellsBefore = await cells(page);
        await page.click('g.chip[data-node="node-3"] .chip-dot');
        await page.click(`#node-${how}`);
        await page.waitForSelector(`g.chip.${how === "leave" ? "gone" : "failed"}[data-node="node-3"]`);
        const after = await chipsAt(page);
        assertEq(JSON.stringify(after), JSON.stringify(before), `${algo} ${how}: every chip where it was, node-3's ghost too`);
        if (algo === "jump" || algo === "modulo") {
          // Buckets 0 and 1 (node-1, node-2) unchanged; node-3's bucket 2 is a ghost's
          // empty cell; node-4's cell, bucket 3 before, is bucket 2 now, in the same place.
          const now = await cells(page);
          assertEq(now.length, 5, `${algo} ${how}: five live buckets`);
          assertEq(now[0], cellsBefore[0], "bucket 0");
          assertEq(now[1], cellsBefore[1], "bucket 1");
          assertEq(now[2], cellsBefore[3].replace(/^3 /, "2 "), `${algo} ${how}: node-4's cell is renumbered 2`);
          assertEq(await page.locator('g.bucket.ghost[data-node="node-3"]').count(), 1, "node-3's empty cell");
        }
        await assertHealthy(page);
        await page.close();
      }
    }
  }],

  ["Maglev: the line from the key's entry to its server goes round the rim, clear of the middle's words", async () => {
    for (const [query, viewport] of [["", undefined], ["&embed=1", { width: 720, height: 460 }]]) {
      const page = await openRing(`?scene=ring&seed=3&algo=maglev&n=6&keys=2000&churn=0&a=0@0:cmd:0:lookup:user42,1@0:cmd:0:leave:node-3&step=2${query}`, viewport);
      await page.waitForSelector(".table-link");
      await page.waitForTimeout(1100);
      const check = await page.evaluate(() => {
        const link = document.querySelector(".table-link");
        const entry = document.querySelector(".table-cell.key-entry rect").getBBox();
        const words = [...document.querySelectorAll(".centre-line")].map((t) => t.getBoundingClientRect());
        const m = link.getScreenCTM();
        const total = link.getTotalLength();
        const points = [];
        for (let i = 0; i <= 60; i++) {
          const p = link.getPointAtLength((total * i) / 60);
          points.push([p.x, p.y, m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f]);
        }
        const hits = points.filter(([, , sx, sy]) => words.some((r) => sx >= r.left && sx <= r.right && sy >= r.top && sy <= r.bottom));
        const cells = [...document.querySelectorAll(".table-cell rect")].map((c) => c.getBoundingClientRect());
        const onCells = words.filter((r) => cells.some((c) => r.left < c.right && c.left < r.right && r.top < c.bottom && c.top < r.bottom)).length;
        return { start: points[0], entry: [entry.x + entry.width / 2, entry.y], hits: hits.length, words: words.length, onCells };
      });
      assertEq(check.onCells, 0, `${query || "page"}: the middle's words reach the table's entries`);
      assert(check.words > 0, "the middle has words");
      assertEq(check.hits, 0, `${query || "page"}: the line crosses the middle's words`);
      assert(Math.abs(check.start[0] - check.entry[0]) < 1.5 && Math.abs(check.start[1] - check.entry[1]) < 1.5,
        `${query || "page"}: the line starts at the key's entry: ${check.start} vs ${check.entry}`);
      await assertHealthy(page);
      await page.close();
    }
  }],

  ["a join or a weight change keeps the figure where it was: the same box, and no server before the change moves", async () => {
    const shown = (page) => page.evaluate(() => {
      const box = document.querySelector(".ring-figure").getBoundingClientRect();
      const chips = {};
      for (const c of document.querySelectorAll("g.chip")) {
        const dot = c.querySelector(".chip-dot");
        chips[c.dataset.node] = `${dot.getAttribute("cx")},${dot.getAttribute("cy")}`;
      }
      const base = document.querySelector(".ring-base, .list-room")?.getBoundingClientRect();
      return { box: [box.x, box.y, box.width, box.height].map((v) => v.toFixed(1)).join(","), chips, base: base && [base.x, base.width].map((v) => v.toFixed(1)).join(",") };
    });
    // node-7 joins, then goes to weight 3 (the last in the list: the servers before it
    // keep their buckets). Nine units on a circle of nine: nothing is rescaled.
    const actions = "a=0@0:cmd:0:lookup:user42,1@0:cmd:0:join:node-7:1,2@0:cmd:0:weight:node-7:3";
    for (const [extra, viewport] of [["", { width: 1280, height: 800 }], ["&embed=1", { width: 720, height: 460 }]]) {
      for (const algo of ["ring", "jump", "modulo", "rendezvous", "maglev"]) {
        const seen = [];
        for (const step of [1, 2, 3]) {
          const page = await openRing(`?scene=ring&seed=3&algo=${algo}&churn=0&${actions}&step=${step}${extra}`, viewport);
          await page.waitForTimeout(300);
          seen.push(await shown(page));
          await assertHealthy(page);
          await page.context().close();
        }
        const where = `${algo}${extra}`;
        assertEq(seen[1].box, seen[0].box, `${where}: the figure's box after the join`);
        assertEq(seen[2].box, seen[0].box, `${where}: the figure's box after the weight change`);
        assert(seen[1].chips["node-7"] && !seen[0].chips["node-7"], `${where}: node-7 joined`);
        if (algo === "ring") assertEq(seen[2].base, seen[0].base, `${where}: the ring's circle`);
        const names = Object.keys(seen[0].chips);
        assertEq(names.length, 6, `${where}: six servers before`);
        // On the ring a chip sits at its server's hash (a newcomer may nudge a neighbour's
        // label aside); without a ring, at its place in the list, which a join into the
        // room for joins and a change of the last server's weight leave alone.
        if (algo !== "ring") for (const name of names) {
          assertEq(seen[1].chips[name], seen[0].chips[name], `${where}: ${name}'s chip moved on the join`);
          assertEq(seen[2].chips[name], seen[0].chips[name], `${where}: ${name}'s chip moved on the weight change`);
        }
        if (algo !== "ring") {
          const page = await openRing(`?scene=ring&seed=3&algo=${algo}&churn=0${extra}`, viewport);
          assertEq(await page.locator(".list-room").count(), 1, `${where}: the room for joins is drawn`);
          await page.context().close();
        }
      }
    }
  }],

  ["a server that left stays crossed out, in its place, through the next change, and is gone at the one after", async () => {
    const actions = "a=0@0:cmd:0:leave:node-3,1@0:cmd:0:join:node-7:1,2@0:cmd:0:weight:node-2:3";
    for (const algo of ["ring", "jump", "maglev"]) {
      const at = async (step) => {
        const page = await openRing(`?scene=ring&seed=3&algo=${algo}&churn=0&${actions}&step=${step}`);
        const ghost = await page.evaluate(() => {
          const dot = document.querySelector('g.chip.gone[data-node="node-3"] .chip-dot');
          return dot ? `${dot.getAttribute("cx")},${dot.getAttribute("cy")}` : null;
        });
        await assertHealthy(page);
        await page.context().close();
        return ghost;
      };
      const [left, next, after] = [await at(1), await at(2), await at(3)];
      assert(left, `${algo}: node-3 is crossed out when it leaves`);
      // (On the ring a newcomer's label may nudge the ghost's aside.)
      if (algo === "ring") assert(next, `${algo}: node-3's ghost while node-7 joins`);
      else assertEq(next, left, `${algo}: node-3's ghost, where it was, while node-7 joins`);
      assertEq(after, null, `${algo}: node-3's ghost is gone at the change after`);
    }
  }],

  ["Maglev's table window hides no key: its cells lie under the keys, its numbers over them, written like every count", async () => {
    for (const keys of [150, 2000]) {
      const page = await openRing(`?scene=ring&seed=3&algo=maglev&n=6&keys=${keys}&churn=0&a=0@0:cmd:0:lookup:user42&step=1`);
      await page.waitForTimeout(1100);
      // The table's layer takes no clicks: let it be hit, to see whether it lies over a key.
      await page.addStyleTag({ content: ".ring-table, .ring-table * { pointer-events: auto !important; }" });
      const got = await page.evaluate(() => {
        const layers = [...document.querySelector(".ring-figure").children].map((e) => e.getAttribute("class"));
        const back = document.querySelector(".table-back").getBoundingClientRect();
        const inside = (r) => r.left < back.right && back.left < r.right && r.top < back.bottom && back.top < r.bottom;
        // SVG keys: the one under a key's centre is the key itself.
        const keysOver = [...document.querySelectorAll("circle.key")].filter((k) => inside(k.getBoundingClientRect()));
        const hidden = keysOver.filter((k) => {
          const r = k.getBoundingClientRect();
          return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest(".ring-table");
        }).length;
        // Canvas keys: the canvas has painted dots inside the window's box.
        const canvas = document.querySelector("canvas.ring-keys");
        const c = canvas.getBoundingClientRect();
        const sx = canvas.width / c.width;
        const data = canvas.getContext("2d").getImageData((back.left - c.left) * sx, (back.top - c.top) * sx, back.width * sx, back.height * sx).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 128) painted++;
        return {
          layers,
          keysOver: keysOver.length, hidden, painted,
          numbers: [...document.querySelectorAll(".entry-number")].map((t) => t.textContent),
          entry: document.querySelector(".table-cell.key-entry").dataset.entry,
          centre: [...document.querySelectorAll(".centre-line")].map((t) => t.textContent).join(" "),
        };
      });
      const [table, canvas, overlay] = ["ring-table", "ring-keys", "ring-overlay"].map((name) => got.layers.findIndex((l) => l.includes(name)));
      assert(table >= 0 && table < canvas && canvas < overlay, `${keys} keys: the table's cells under the keys' canvas and the overlay: ${got.layers}`);
      if (keys <= 200) {
        assert(got.keysOver > 0, `${keys} keys: some keys lie over the table's window`);
        assertEq(got.hidden, 0, `${keys} keys: keys hidden by the table`);
      } else {
        assert(got.painted > 50, `${keys} keys: keys drawn over the table's window (${got.painted} pixels)`);
      }
      assertEq(got.numbers.length, 5, "five entries");
      for (const n of got.numbers) assert(/^\d{1,3}(,\d{3})*$/.test(n), `an entry written like every count: ${n}`);
      const written = Number(got.entry).toLocaleString("en-US");
      assert(got.numbers.includes(written) && got.centre.includes(`table entry ${written}`), `the key's entry reads ${written} in the table and the middle: ${got.numbers} / ${got.centre}`);
      await assertHealthy(page);
      await page.context().close();
    }
  }],

  ["hash mod N says on the stage that N changed and most keys moved, in English and Chinese, embedded too", async () => {
    for (const [extra, viewport] of [["", undefined], ["&embed=1", { width: 720, height: 460 }]]) {
      for (const lang of ["en", "zh"]) {
        const page = await openRing(`?scene=ring&seed=3&algo=modulo&churn=0&lang=${lang}&a=0@0:cmd:0:join:node-7:1&step=1${extra}`, viewport);
        const note = page.locator("section.stage #modulo-note, .ring-stage #modulo-note");
        assertEq(await note.count(), 1, `${lang}${extra}: the line is on the stage`);
        assert(await note.isVisible(), `${lang}${extra}: and visible`);
        if (lang === "zh") await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.querySelector("#modulo-note")?.textContent ?? ""));
        const text = await note.innerText();
        const moved = Number(await page.getAttribute("#moved-count", "data-moved"));
        assert(moved > 1000, `hash mod N moved most of 2,000 keys: ${moved}`);
        const expected = lang === "en" ? "N went from 6 to 7, so hash mod N gave most keys a new bucket" : "N 从 6 变成 7";
        assert(text.includes(expected) && text.includes(moved.toLocaleString("en-US")), `${lang}${extra}: ${text}`);
        await assertHealthy(page);
        await page.context().close();
      }
    }
    // A lookup changes no N: no line; jump hash has its own.
    for (const query of ["?scene=ring&seed=3&algo=modulo&churn=0&a=0@0:cmd:0:lookup:user42&step=1", "?scene=ring&seed=3&algo=jump&churn=0&a=0@0:cmd:0:join:node-7:1&step=1"]) {
      const page = await openRing(query);
      assertEq(await page.locator("#modulo-note").count(), 0, query);
      await page.context().close();
    }
  }],

  ["one number format: the caption, the log and the stage write counts with separators", async () => {
    const page = await openRing("?scene=ring&seed=3&churn=0&keys=3000&a=0@0:cmd:0:join:node-7:1&step=1");
    const caption = await page.innerText("#caption-text");
    assert(caption.includes("of 3,000 keys"), `the caption: ${caption}`);
    const centre = (await visibleRing(page)).centre.join(" ");
    assert(centre.includes("of 3,000 keys moved"), `the middle: ${centre}`);
    const texts = await page.evaluate(() => [document.querySelector("#ring-readout").innerText,
      ...[...document.querySelectorAll(".ring-figure [aria-label], .ring-figure title, .hbar title")].map((e) => e.getAttribute("aria-label") ?? e.textContent)]);
    const bare = texts.filter((t) => /(^|[^\d,.])\d{4,}/.test(t));
    assertEq(bare, [], "counts of four digits or more without a separator");
    await assertHealthy(page);
    await page.context().close();
  }],

  ["many virtual nodes: the lookup walk's markers never pile up", async () => {
    const page = await openRing("?scene=ring&seed=3&n=24&vnodes=1000&keys=500&r=5&churn=0");
    await page.fill("#lookup-key", "user:42");
    await page.click("#lookup-go");
    await page.waitForSelector(".walk-stop.primary circle");
    const centres = await page.$$eval(".walk-stop circle", (cs) => cs.map((c) => [Number(c.getAttribute("cx")), Number(c.getAttribute("cy"))]));
    assert(centres.length >= 1, "the owner's stop is marked");
    for (let i = 0; i < centres.length; i++) for (let j = i + 1; j < centres.length; j++) {
      const d = Math.hypot(centres[i][0] - centres[j][0], centres[i][1] - centres[j][1]);
      assert(d >= 18, `two walk markers ${d.toFixed(1)} units apart: ${JSON.stringify(centres)}`);
    }
    assertEq(await page.locator(".walk-stop line").count(), 5, "a line to each of the 5 replicas");
    await assertHealthy(page);
  }],

  ["embed: the middle's words stay inside the keys' band, in English and Chinese, and the histogram names its servers", async () => {
    for (const lang of ["en", "zh"]) {
      for (const algo of ["ring", "jump", "rendezvous", "maglev"]) {
        const page = await openRing(`?scene=ring&seed=4&embed=1&lang=${lang}&algo=${algo}&n=12&r=5&churn=0`, { width: 720, height: 460 });
        for (const key of [null, "a-rather-long-key:name/42"]) {
          if (key) {
            await page.fill("#lookup-key", key);
            await page.click("#lookup-go");
            await page.waitForTimeout(1100);
          }
          const out = await page.evaluate(() => {
            const fig = document.querySelector(".ring-figure").getBoundingClientRect();
            const scale = fig.width / 640;
            const [cx, cy, room] = [fig.left + fig.width / 2, fig.top + fig.height / 2, 154 * scale];
            return [...document.querySelectorAll(".centre-line")].map((t) => {
              const r = t.getBoundingClientRect();
              const far = Math.max(...[[r.left, r.top], [r.right, r.top], [r.left, r.bottom], [r.right, r.bottom]]
                .map(([x, y]) => Math.hypot(x - cx, y - cy)));
              return { text: t.textContent, over: far - room };
            });
          });
          const spill = out.filter((l) => l.over > 2);
          assert(spill.length === 0, `${lang} ${algo} ${key}: spills past the keys' band: ${JSON.stringify(spill)}`);
        }
        const names = await page.$$eval(".histogram .hist-labels span", (ss) => ss.map((s) => [s.textContent, parseFloat(getComputedStyle(s).fontSize)]));
        assertEq(names.map((n) => n[0]), ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"], `${lang} ${algo}: the histogram names each bar`);
        assert(names.every((n) => n[1] >= 11), `histogram names read at 11 px: ${names[0][1]}`);
        await assertHealthy(page);
        await page.context().close();
      }
    }
  }],

  ["bad links and inputs get clear messages, never a panic", async () => {
    const bad = [
      ["?scene=ring&n=0", "empty ring"],
      ["?scene=ring&vnodes=0", "0 virtual nodes"],
      ["?scene=ring&keys=250000", "at most 100000"],
      ["?scene=ring&weights=1021", "weight of 0"],
      ["?scene=ring&a=1@0:cmd:0:join:node-1:1&step=2", null],
      ["?scene=ring&a=1@0:cmd:0:lookup:%25FF", "ignored"],
    ];
    for (const [query, expected] of bad) {
      const page = await openRing(query);
      if (expected) {
        const text = await page.innerText(".problems");
        assert(text.includes(expected), `${query}: ${text}`);
      } else {
        assert((await page.innerText("#ring-rejection")).includes("already a node"), `${query}: refused in the page`);
      }
      await assertHealthy(page);
      await page.context().close();
    }
  }],

  ["phone-sized screen and dark mode", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
    const page = await context.newPage();
    await page.goto(url("?scene=ring&seed=7"));
    await page.waitForSelector(".ring-figure g.chip");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
    const fill = await page.getAttribute("g.chip .chip-dot", "fill");
    assert(fill.includes("64%"), `node colours are lighter on dark backgrounds: ${fill}`);
    await context.close();
  }],

]);

await cleanup();
server.close();
process.exit(failed ? 1 : 0);
