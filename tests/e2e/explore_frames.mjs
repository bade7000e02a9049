// Frame times while the Explore panel's exhaustive search runs and the timeline plays, in
// headless Chromium against dist/: once with the search in its Web Worker, once forced onto
// the page in slices (`ex_worker=0`, the test-only switch in src/ui/explore/panel.rs).
// Prints p50, p95 and max of the requestAnimationFrame intervals for each (goal: p95 under
// 33 ms while a search runs), and the main thread's long tasks (over 50 ms) meanwhile, which
// tell the page's own work from a machine too busy to give it a core. A benchmark: it
// reports and does not fail on timing.
// Run: node tests/e2e/explore_frames.mjs dist [runs]   (.ci/bench runs it)
import { serve, launch, openPage, assertHealthy } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const runs = Number(process.argv[3] ?? 1);
const server = await serve(dist);
const { browser, cleanup } = await launch();

// Two participants and 13 steps deep: about 89 thousand states, then a seed sweep for a
// timeline run; many transactions, so that the timeline keeps playing throughout.
const LINK = "scene=2pc&variant=forget-vote&n=2&txns=1000&seed=1&explore=bfs&ex_depth=13";

function stats(frames) {
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { n: frames.length, p50: pct(0.5), p95: pct(0.95), max: sorted[sorted.length - 1] ?? NaN };
}

for (let run = 0; run < runs; run++) {
  // Two references first, for 8 s each without a search: the playback alone, and the
  // playback beside a worker that only spins (what a busy second thread costs the page on
  // this machine, whatever it computes).
  const cases = [
    ["playback, no search", { query: "", search: false, spin: false }],
    ["beside a spinning worker", { query: "", search: false, spin: true }],
    ["search in worker", { query: "", search: true, spin: false }],
    ["search in slices", { query: "&ex_worker=0", search: true, spin: false }],
  ];
  for (const [label, { query, search, spin }] of cases) {
    const page = await openPage(browser, `${server.url}/index.html?${LINK}${query}`);
    await page.waitForSelector(".explore-panel #explore-start");
    await page.click("#explore-mode-bfs");
    await page.click("#play");
    await page.waitForTimeout(500);
    // Frames from Start until the search ends (Start comes back), at most 60 s.
    const { frames, ms, long } = await page.evaluate(async ([search, spin]) => {
      const stamps = [];
      const long = [];
      new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)))
        .observe({ type: "longtask" });
      if (spin) {
        const script = new Blob(["for (;;) {}"], { type: "text/javascript" });
        window.spinning = new Worker(URL.createObjectURL(script));
      }
      const began = performance.now();
      await new Promise((done) => {
        const tick = (t) => {
          stamps.push(t);
          const over = search ? stamps.length > 3 && document.querySelector("#explore-start") : t - began > 8000;
          if (over || t - began > 60000) done(); else requestAnimationFrame(tick);
        };
        if (search) document.querySelector("#explore-start").click();
        requestAnimationFrame(tick);
      });
      await new Promise((next) => setTimeout(next, 0)); // the observer's last entries
      return { frames: stamps.slice(2).map((t, i) => t - stamps[i + 1]), ms: performance.now() - began, long };
    }, [search, spin]);
    const where = await page.getAttribute(".explore-panel", "data-runner");
    const distinct = await page.innerText("#explore-distinct").catch(() => "?");
    const step = await page.innerText("#step-status");
    try { await assertHealthy(page); } catch (e) { console.log(`     ${label}: ${e.message}`); }
    const s = stats(frames);
    console.log(`     explore frames ${label.padEnd(24)} p50 ${s.p50.toFixed(1).padStart(5)} ms  ` +
      `p95 ${s.p95.toFixed(1).padStart(5)} ms  max ${s.max.toFixed(1).padStart(6)} ms  (${s.n} frames ` +
      `over ${(ms / 1000).toFixed(1)} s; long tasks ${long.length}, ${Math.round(long.reduce((a, b) => a + b, 0))} ms; ran in: ${where ?? "-"}; ${distinct} states; timeline at ${step.trim()})`);
    await page.context().close();
  }
}
await cleanup();
server.close();
