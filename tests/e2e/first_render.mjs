// Prints how long after page load each scene first renders (median of 5 loads per scene).
import { serve, launch } from "./harness.mjs";

const server = await serve(process.argv[2] ?? "dist");
const { browser, cleanup } = await launch();
for (const scene of ["2pc", "locks", "ring"]) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage();
    await page.goto(`${server.url}/index.html?scene=${scene}&seed=7`);
    await page.waitForSelector("g.node, .ring-stage, svg", { timeout: 15000 });
    times.push(await page.evaluate(() => performance.now()));
    await page.close();
  }
  times.sort((a, b) => a - b);
  console.log(`first render (${scene}): median ${times[2].toFixed(0)} ms after navigation start, min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)} (goal <= 500 ms)`);
}
await cleanup();
server.close();
