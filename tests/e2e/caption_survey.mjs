// A survey, not a test: walks a sample of the steps (every EVERY-th, up to MAX) of every
// scenario of every scene, embedded at 720×460, in English and in Chinese, and counts the
// captions a reader cannot read whole there. A caption is "cut" when part of its text is
// hidden and the page offers no way to show it (its text box scrolls more than it shows,
// and no "more" toggle is offered); its length in lines is what it needs at that width.
// Usage: node tests/e2e/caption_survey.mjs [dist] [EVERY=3] [MAX=300] [scene,scene...]
import { serve, launch, openPage, assertHealthy } from "./harness.mjs";

const [dist = "dist", every = "3", max = "300", only] = process.argv.slice(2);
const EVERY = Number(every), MAX = Number(max);
const scenes = only ? only.split(",") : ["ring", "2pc", "locks", "raft", "paxos", "queue", "balance"];
const server = await serve(dist);
const { browser, cleanup } = await launch();
const url = (q) => `${server.url}/index.html${q}`;

/** The caption as the reader sees it: its lines needed, shown, and whether it is cut. */
const readCaption = (page) =>
  page.evaluate(() => {
    const text = document.querySelector("#caption .caption-text");
    if (!text) return null;
    const style = getComputedStyle(text);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.25;
    const more = document.querySelector("#caption-more");
    const hidden = text.scrollHeight > text.clientHeight + 1;
    return {
      text: text.textContent,
      lines: Math.round(text.scrollHeight / line),
      shown: Math.round(text.clientHeight / line),
      font: parseFloat(style.fontSize),
      cut: hidden && !(more && more.getBoundingClientRect().height > 0),
      toggled: hidden && !!more,
      stage: Math.round(document.querySelector(".embed-stage")?.getBoundingClientRect().height ?? 0),
    };
  });

/** The step and the run's length, from "step N / M" (or "第 N / M 步"); a run still being
 * computed shows "step N" alone, and its length is not known yet (Infinity). */
const stepOf = async (page) => {
  const m = (await page.locator("#step-status").innerText()).match(/(\d+)(?: \/ (\d+))?/);
  return [Number(m[1]), m[2] === undefined ? Infinity : Number(m[2])];
};

const totals = {};
const long = [];
for (const scene of scenes) {
  const full = await openPage(browser, url(`?scene=${scene}`));
  await full.waitForSelector("#step-status");
  const ids = await full.evaluate(() => [...document.querySelectorAll("button.scenario")].map((b) => b.id.replace(/^scenario-/, "")));
  await full.close();
  for (const lang of ["en", "zh"]) {
    for (const sc of [null, ...ids]) {
      const q = `?scene=${scene}${sc ? `&sc=${sc}` : ""}&embed=1&lang=${lang}`;
      const page = await openPage(browser, url(q), { width: 720, height: 460 });
      await page.waitForSelector("#step-status");
      if (lang === "zh") await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.body.innerText));
      let last = -1;
      const t = (totals[`${lang}`] ??= { samples: 0, cut: 0, toggled: 0, maxLines: 0, minStage: Infinity, minFont: Infinity });
      for (let i = 0; i < MAX / EVERY; i++) {
        for (let k = 0; k < EVERY; k++) await page.keyboard.press("Shift+ArrowRight");
        let [step, end] = await stepOf(page);
        // A busy machine may draw the step late: wait for it before deciding the run ended.
        for (let wait = 0; step === last && step < end && wait < 20; wait++) {
          await page.waitForTimeout(100);
          [step, end] = await stepOf(page);
        }
        if (step === last) break; // the run ended
        last = step;
        const c = await readCaption(page);
        if (!c) continue;
        t.samples++;
        if (c.cut) t.cut++;
        if (c.toggled) t.toggled++;
        t.minStage = Math.min(t.minStage, c.stage);
        t.minFont = Math.min(t.minFont, c.font);
        if (c.lines > t.maxLines) t.maxLines = c.lines;
        if (c.lines >= 3) long.push({ lang, scene, sc, step, lines: c.lines, cut: c.cut, chars: c.text.length, text: c.text });
      }
      await assertHealthy(page);
      await page.close();
      process.stderr.write(`${q}: to step ${last}\n`);
    }
  }
}
console.log(JSON.stringify(totals, null, 1));
const byLines = {};
for (const l of long) byLines[`${l.lang} ${l.lines} lines`] = (byLines[`${l.lang} ${l.lines} lines`] ?? 0) + 1;
console.log(byLines);
// The distinct long captions (by text), longest first.
const seen = new Map();
for (const l of long) if (!seen.has(l.text)) seen.set(l.text, l);
for (const l of [...seen.values()].sort((a, b) => b.lines - a.lines || b.chars - a.chars))
  console.log(`${l.lines} lines${l.cut ? " CUT" : ""} ${l.lang} ${l.scene}/${l.sc ?? "-"} step ${l.step} (${l.chars} chars): ${l.text}`);
await cleanup();
server.close();
