// Screenshot helper for looking at the app: node tests/e2e/shot.mjs DIST PATH_AND_QUERY OUT.png [WIDTHxHEIGHT] [key:Key|click:selector|fill:selector=text|wait:ms|eval:js ...]
import { serve, launch, openPage } from "./harness.mjs";

const [dist, path, out, size = "1280x900", ...steps] = process.argv.slice(2);
const [width, height] = size.split("x").map(Number);
const server = await serve(dist);
const { browser, cleanup } = await launch();
try {
  const page = await openPage(browser, server.url + path, { width, height });
  await page.waitForSelector(".node, .dsviz-mount-error, .problems, iframe", { timeout: 15000 }).catch(() => {});
  for (const s of steps) {
    const [kind, ...rest] = s.split(":");
    const arg = rest.join(":");
    if (kind === "key") await page.keyboard.press(arg);
    else if (kind === "click") await page.click(arg);
    else if (kind === "wait") await page.waitForTimeout(Number(arg));
    else if (kind === "eval") await page.evaluate(arg);
    else if (kind === "fill") await page.fill(arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1));
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: out, fullPage: true });
  if (page.errors.length) console.log("console errors:", page.errors.join("\n"));
  console.log("status:", await page.locator("#step-status").first().innerText().catch(() => "-"));
} finally {
  await cleanup();
  server.close();
}
