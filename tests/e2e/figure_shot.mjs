// Screenshot of the ring's figure alone, at twice the pixels, for looking closely:
// node tests/e2e/figure_shot.mjs DIST PATH_AND_QUERY OUT.png [WIDTHxHEIGHT] [WAIT_MS]
import { serve, launch } from "./harness.mjs";

const [dist, path, out, size = "1280x800", wait = "400"] = process.argv.slice(2);
const [width, height] = size.split("x").map(Number);
const server = await serve(dist);
const { browser, cleanup } = await launch();
try {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(server.url + path);
  await page.waitForSelector(".ring-figure", { timeout: 15000 });
  await page.waitForTimeout(Number(wait));
  await page.locator(".ring-figure").screenshot({ path: out });
} finally {
  await cleanup();
  server.close();
}
