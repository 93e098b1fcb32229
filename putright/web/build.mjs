// The front-end build (`npm run build`): compiles PutRight's stylesheet over GOV.UK Frontend
// and copies the scripts it needs, and every file the stylesheet refers to, into
// putright/web/static/web/vendor/ (git-ignored).
// Run by scripts/setup.sh after `npm install`; no network, no bundler.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";
import { copyCssAssets } from "./css_assets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const modules = join(root, "node_modules");
const out = join(root, "putright", "web", "static", "web", "vendor");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "govuk"), { recursive: true });

const css = sass.compile(join(root, "putright", "web", "frontend", "putright.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "putright.css"), css.css);

const govuk = join(modules, "govuk-frontend", "dist", "govuk");
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
// Exactly the images and fonts the stylesheet refers to (none of GOV.UK's brand: see
// css_assets.mjs); a missing one stops the build, not collectstatic in production.
const assets = copyCssAssets({
  stylesheet: join(out, "putright.css"),
  sourceAssets: join(govuk, "assets"),
  targetAssets: join(out, "govuk", "assets"),
});
cpSync(join(modules, "htmx.org", "dist", "htmx.min.js"), join(out, "htmx.min.js"));

console.log(`front-end build: wrote ${out} (${assets.length} stylesheet asset(s))`);
