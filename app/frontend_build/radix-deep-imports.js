// Radix imports by module, not through the packages' index files (issue 19). A page imports
// `{ Badge, Card } from "@radix-ui/themes"`, and Radix Themes' own components import from
// "radix-ui"; both index files import every component, so every page reached every component
// and the bundler put all of them (selects, sliders, menus, dialogs...) into the script every
// page loads. Rewritten to the components' own modules, a page reaches only what it draws.
// Written into .web and put in vite.config.js by app/frontend_build/radix_imports.py.

import fs from "node:fs";
import path from "node:path";

const THEMES = "@radix-ui/themes";
const PRIMITIVES = "radix-ui";
const IMPORT = /import\s*\{([^}]*)\}\s*from\s*["'](@radix-ui\/themes|radix-ui)["'];?/g;

// Radix Themes: each exported name's module ("./badge.js") and whether it is the module
// itself (`import * as Callout`) or one of its names, read from its components' index.
function themesModules(root) {
  const index = fs.readFileSync(
    path.join(root, "node_modules", THEMES, "dist", "esm", "components", "index.js"),
    "utf8",
  );
  const locals = new Map();
  for (const [, names, file] of index.matchAll(/import\s*\{([^}]*)\}\s*from\s*"\.\/([\w-]+)\.js"/g)) {
    for (const spec of names.split(",")) {
      const [name, local = name] = spec.trim().split(/\s+as\s+/);
      locals.set(local, { file, name });
    }
  }
  for (const [, local, file] of index.matchAll(/import\s*\*\s*as\s*([\w$]+)\s*from\s*"\.\/([\w-]+)\.js"/g)) {
    locals.set(local, { file, name: null });
  }
  const exported = new Map();
  const list = index.match(/export\s*\{([^}]*)\}/)[1];
  for (const spec of list.split(",")) {
    const [local, name = local] = spec.trim().split(/\s+as\s+/);
    const found = locals.get(local);
    if (found) exported.set(name, { from: `${THEMES}/components/${found.file}`, name: found.name });
  }
  return exported;
}

// radix-ui: each name is a primitive's whole package (`import * as Dialog from "@radix-ui/react-dialog"`).
function primitiveModules(root) {
  const index = fs.readFileSync(
    path.join(root, "node_modules", PRIMITIVES, "dist", "index.mjs"),
    "utf8",
  );
  const exported = new Map();
  for (const [, name, from] of index.matchAll(/import\s*\*\s*as\s*([\w$]+)\s*from\s*"([^"]+)"/g)) {
    exported.set(name, { from, name: null });
  }
  return exported;
}

export default function radixDeepImports() {
  let modules = null;
  return {
    name: "bandwagon-radix-deep-imports",
    enforce: "pre",
    apply: "build",
    configResolved(config) {
      modules = { [THEMES]: themesModules(config.root), [PRIMITIVES]: primitiveModules(config.root) };
    },
    transform(code, id) {
      if (!code.includes(THEMES) && !code.includes(`"${PRIMITIVES}"`)) return null;
      let changed = false;
      const rewritten = code.replace(IMPORT, (whole, names, source) => {
        const lines = [];
        for (const spec of names.split(",").map((s) => s.trim()).filter(Boolean)) {
          const [name, local = name] = spec.split(/\s+as\s+/);
          const found = modules[source].get(name);
          if (!found) return whole; // a name we cannot place: leave the statement as it was
          lines.push(
            found.name === null
              ? `import * as ${local} from "${found.from}";`
              : `import { ${found.name} as ${local} } from "${found.from}";`,
          );
        }
        changed = true;
        return lines.join("");
      });
      return changed ? { code: rewritten, map: null } : null;
    },
  };
}
