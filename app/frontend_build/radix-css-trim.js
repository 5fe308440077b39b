// PostCSS plugin for the production build: drops the Radix Themes rules no page can match.
//
// Radix Themes ships one stylesheet with every component, all 31 colour scales and a copy of
// each responsive rule per breakpoint (812 KB, 51 KB as Brotli). Every page waits for it before
// its first paint, and a phone then matches each element it draws against all of it (issue 19).
// What the app can use is known once Reflex has compiled the pages into app/ (run from .web):
// (app/ and app_components/ hold the pages and their parts, components/ and utils/ Reflex's own)
//   - components: the names each page imports from "@radix-ui/themes", followed through the
//     package's own modules to every `rt-` class they set;
//   - breakpoints: the keys of the responsive props the pages pass (`["md"] : ...`);
//   - colours: the scale names the pages mention (colour props, var(--amber-11), the theme's).
// A rule stays if one of its selectors can match: no component class outside that set, no
// breakpoint or colour the app never names. Other stylesheets are left as they are. Outside a
// production build (the dev server, pages changing) the plugin does nothing.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const COMPONENTS = "node_modules/@radix-ui/themes/dist/esm/components";
const STYLESHEET = /@radix-ui[\\/]themes[\\/]styles\.css$/;
const BREAKPOINTS = ["xs", "sm", "md", "lg", "xl"];
const COLOURS = [
  "amber", "blue", "bronze", "brown", "crimson", "cyan", "gold", "grass", "gray", "green",
  "indigo", "iris", "jade", "lime", "mauve", "mint", "olive", "orange", "pink", "plum",
  "purple", "red", "ruby", "sage", "sand", "sky", "slate", "teal", "tomato", "violet", "yellow",
];
const COMPONENT_CLASS = /\.rt-([A-Z][A-Za-z]*)/g;
const PREFIXED_CLASS = /\.(xs|sm|md|lg|xl)\\:/g;
const ACCENT = /\[data-(?:accent|gray)-color=['"]?([a-z]+)/g;
const COLOUR_VARIABLE = /^--([a-z]+)-(?:a?\d+|contrast|surface|indicator|track)$/;

function pageSources(folder) {
  const sources = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) sources.push(...pageSources(path));
    else if (/\.(jsx?|tsx?)$/.test(entry.name)) sources.push(readFileSync(path, "utf8"));
  }
  return sources;
}

// The package's modules a set of exported names needs, and the rt- classes they set.
function classesOf(names) {
  const barrel = readFileSync(join(COMPONENTS, "index.js"), "utf8");
  const fileOf = {};
  for (const [, list, file] of barrel.matchAll(/import\{([^}]*)\}from"\.\/([\w.-]+)\.js"/g)) {
    for (const part of list.split(",")) fileOf[part.split(" as ").pop().trim()] = file;
  }
  for (const [, local, file] of barrel.matchAll(/import\*as (\w+) from"\.\/([\w.-]+)\.js"/g)) {
    fileOf[local] = file;
  }
  const exported = {};
  for (const part of barrel.match(/export\{([^}]*)\}/)[1].split(",")) {
    const [local, name] = part.split(" as ").map((s) => s.trim());
    exported[name ?? local] = fileOf[local];
  }
  const classes = new Set();
  const seen = new Set();
  const queue = [...names].map((name) => exported[name]).filter(Boolean).map((f) => `${f}.js`);
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file) || !existsSync(join(COMPONENTS, file))) continue;
    seen.add(file);
    const source = readFileSync(join(COMPONENTS, file), "utf8");
    for (const [found] of source.matchAll(/rt-[A-Z][A-Za-z]*/g)) classes.add(found);
    for (const [, relative] of source.matchAll(/from"(\.{1,2}\/[\w./-]+\.js)"/g)) {
      const next = join(file, "..", relative);
      if (!next.startsWith("..")) queue.push(next);
    }
  }
  return classes;
}

let measured = null; // one build, one answer: every stylesheet it processes asks

function usage(folders) {
  if (measured) return measured;
  const sources = folders.filter((f) => existsSync(f)).flatMap(pageSources).join("\n");
  const names = new Set();
  for (const [, list] of sources.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@radix-ui\/themes"/g)) {
    for (const part of list.split(",")) names.add(part.split(" as ")[0].trim());
  }
  const breakpoints = new Set(
    BREAKPOINTS.filter((bp) => new RegExp(`\\[\\s*"${bp}"\\s*\\]\\s*:`).test(sources)),
  );
  const colours = new Set(
    COLOURS.filter((c) => new RegExp(`"${c}"|--${c}-`).test(sources)),
  );
  measured = { classes: classesOf(names), breakpoints, colours, found: names.size > 0 };
  return measured;
}

function selectorCanMatch(selector, used) {
  for (const [, name] of selector.matchAll(COMPONENT_CLASS)) {
    if (!used.classes.has(`rt-${name}`)) return false;
  }
  for (const [, bp] of selector.matchAll(PREFIXED_CLASS)) {
    if (!used.breakpoints.has(bp)) return false;
  }
  for (const [, colour] of selector.matchAll(ACCENT)) {
    if (COLOURS.includes(colour) && !used.colours.has(colour)) return false;
  }
  return true;
}

// A declaration of an unused scale's variables (the colour tokens: --violet-9 and the like).
function unusedColourVariable(decl, used) {
  const colour = decl.prop.match(COLOUR_VARIABLE)?.[1];
  return Boolean(colour) && COLOURS.includes(colour) && !used.colours.has(colour);
}

function fromStylesheet(node) {
  return STYLESHEET.test(node.source?.input?.file ?? "");
}

// Removes at-rules (media queries, supports) that are left with nothing inside, inner first.
function prune(container) {
  container.each((node) => {
    if (node.type !== "atrule" || !node.nodes) return;
    prune(node);
    if (node.nodes.length === 0 && fromStylesheet(node)) node.remove();
  });
}

export default function radixCssTrim(options = {}) {
  const folders = options.folders ?? ["app", "app_components", "components", "utils"];
  const enabled = process.env.NODE_ENV === "production" && existsSync(folders[0]);
  return {
    postcssPlugin: "radix-css-trim",
    Once(root) {
      if (!enabled) return;
      const used = usage(folders);
      if (!used.found) return; // nothing imports Radix Themes this way: keep it all
      root.walkRules((rule) => {
        const inKeyframes = rule.parent?.type === "atrule" && /keyframes$/.test(rule.parent.name);
        if (!fromStylesheet(rule) || inKeyframes) return;
        const kept = rule.selectors.filter((s) => selectorCanMatch(s, used));
        if (kept.length === 0) return rule.remove();
        if (kept.length < rule.selectors.length) rule.selectors = kept;
        rule.each((node) => {
          if (node.type === "decl" && unusedColourVariable(node, used)) node.remove();
        });
        if (rule.nodes.length === 0) rule.remove();
      });
      prune(root);
    },
  };
}
radixCssTrim.postcss = true;
