// Trunk's one post-build hook (Trunk.toml): runs the steps that finish dist/, one after the
// other, because trunk starts several hooks of one stage at the same time, and each step
// reads what the one before wrote:
//   zh-bundle.mjs    zh.txt, the Chinese catalogues (every build);
//   single-file.mjs  dsviz.html, the whole app in one page, with zh.txt inlined (release);
//   lean-modules.mjs scenes/<scene>/, one lean module per scene, and index.html's loader
//                    (release; it reads trunk's loader, so it comes after single-file).
import { execFileSync } from "node:child_process";

for (const step of ["zh-bundle.mjs", "single-file.mjs", "lean-modules.mjs"]) {
  execFileSync("node", [new URL(step, import.meta.url).pathname, ...process.argv.slice(2)], { stdio: "inherit" });
}
