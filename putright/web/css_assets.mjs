// Copies every file a compiled stylesheet refers to through url(...), so that Django's
// ManifestStaticFilesStorage (collectstatic with DEBUG off) always finds them. A reference to a
// file that does not exist, or to somewhere other than the assets directory, fails the build
// here rather than collectstatic in production.
//
// Used by build.mjs; also runnable on its own (the tests do):
//   node putright/web/css_assets.mjs STYLESHEET SOURCE_ASSETS_DIR TARGET_ASSETS_DIR
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// GOV.UK's own brand, which a landlord's service must not show: the crest (Royal Coat of Arms)
// and the GDS Transport typeface. putright.scss keeps them out; this stops them coming back
// unnoticed with a GOV.UK Frontend upgrade.
const REFUSED = [
  [/(^|\/)govuk-crest\.svg$/, "GOV.UK's crest (see putright/web/frontend/_asset-urls.scss)"],
  [/(^|\/)fonts\//, "a GOV.UK (GDS Transport) font ($govuk-include-default-font-face is false)"],
];

/** Each distinct url(...) target in the stylesheet, without data: URIs or fragments. */
export function cssUrlReferences(css) {
  const found = new Set();
  for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)) {
    const target = match[2].trim();
    if (!target || target.startsWith("data:") || target.startsWith("#")) continue;
    found.add(target);
  }
  return [...found];
}

/** Copy each file the stylesheet refers to from sourceAssets into targetAssets; throw if any is missing. */
export function copyCssAssets({ stylesheet, sourceAssets, targetAssets }) {
  const css = readFileSync(stylesheet, "utf8");
  const problems = [];
  const copied = [];
  for (const reference of cssUrlReferences(css)) {
    const path = reference.replace(/[?#].*$/, "");
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith("/")) {
      problems.push(`${reference}: not relative to the stylesheet, so collectstatic cannot check it`);
      continue;
    }
    const target = resolve(dirname(stylesheet), path);
    const inside = relative(targetAssets, target);
    if (inside.startsWith("..") || isAbsolute(inside)) {
      problems.push(`${reference}: outside ${targetAssets}`);
      continue;
    }
    const refused = REFUSED.find(([pattern]) => pattern.test(inside));
    if (refused) {
      problems.push(`${reference}: ${refused[1]}; landlords are not GOV.UK services`);
      continue;
    }
    const source = resolve(sourceAssets, inside);
    if (!existsSync(source) || !statSync(source).isFile()) {
      problems.push(`${reference}: missing from ${sourceAssets}`);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
    copied.push(inside);
  }
  if (problems.length) {
    throw new Error(
      `${stylesheet} refers to files the build cannot ship:\n  ${problems.join("\n  ")}`,
    );
  }
  return copied;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [stylesheet, sourceAssets, targetAssets] = process.argv.slice(2);
  try {
    const copied = copyCssAssets({ stylesheet, sourceAssets, targetAssets });
    console.log(`copied ${copied.length} asset(s): ${copied.join(", ") || "none"}`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
