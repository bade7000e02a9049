// Prints how long after navigation start each scene first draws its stage (median of 5
// loads), timed inside the page by a MutationObserver, so the test driver's polling adds
// nothing. Measure on an idle machine: the figure is wall-clock time.
import { serve, launch } from "./harness.mjs";

const server = await serve(process.argv[2] ?? "dist");
const { browser, cleanup } = await launch();
for (const scene of ["2pc", "locks", "ring", "raft", "paxos", "queue", "balance"]) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector("section.stage svg")) {
          window.__firstRender = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${server.url}/index.html?scene=${scene}&seed=7`);
    await page.waitForFunction(() => window.__firstRender !== undefined, null, { timeout: 15000 });
    times.push(await page.evaluate(() => window.__firstRender));
    await page.close();
  }
  times.sort((a, b) => a - b);
  console.log(`first render (${scene}): median ${times[2].toFixed(0)} ms after navigation start, min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)} (goal <= 200 ms)`);
}
await cleanup();
server.close();
