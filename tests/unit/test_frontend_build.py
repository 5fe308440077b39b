"""The production build: the icons pages import in one script file, what most pages share in
another, the Radix Themes stylesheet cut to what the pages use, and each page's scripts fetched
after what its first paint needs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.frontend_build import radix_css, radix_imports, script_priority
from app.frontend_build.script_chunks import CHUNK_GROUPS, with_chunk_groups

REFLEX_TEMPLATE = """      output: {
        codeSplitting: {
          groups: [
            {
              test: /env.json/,
              name: "reflex-env",
            },
          ],
        },
      },"""


def test_the_icon_and_shared_groups_come_first_and_only_once() -> None:
    config = with_chunk_groups(REFLEX_TEMPLATE)
    assert config.count('name: "icons"') == config.count('name: "shared"') == 1
    # Reflex's env.json keeps its own file; the icons come before the group that takes the rest.
    assert (
        config.index('name: "icons"')
        < config.index('name: "shared"')
        < config.index('name: "reflex-env"')
    )
    assert "minShareCount" in config  # not every library: charts stay with their pages
    assert 'tags: ["$initial"]' in config  # not the icons loaded on demand
    assert with_chunk_groups(config) == config  # a recompile edits the file it wrote


def test_a_changed_reflex_template_fails_the_build() -> None:
    with pytest.raises(RuntimeError, match="chunk groups"):
        with_chunk_groups("output: { manualChunks: {} }")
    assert CHUNK_GROUPS.strip().startswith("{")


REFLEX_POSTCSS = """export default {
  plugins: {
    "postcss-import": {},
    autoprefixer: noVendorPrefix ? false : {},
  },
};"""


def test_the_radix_trim_runs_after_the_imports_are_inlined_and_only_once() -> None:
    config = radix_css.with_radix_trim(REFLEX_POSTCSS)
    entry = f'"./{radix_css.TRIM_SCRIPT}": {{}},'
    assert config.count(entry) == 1
    assert config.index('"postcss-import"') < config.index(entry) < config.index("autoprefixer")
    assert radix_css.with_radix_trim(config) == config


def test_the_trim_script_goes_into_the_web_folder_under_the_name_the_config_gives() -> None:
    path, script = radix_css.trim_script()
    assert path.name == radix_css.TRIM_SCRIPT
    assert "export default function radixCssTrim" in script


def test_a_changed_postcss_template_fails_the_build() -> None:
    with pytest.raises(RuntimeError, match="postcss-import"):
        radix_css.with_radix_trim("export default { plugins: [] };")


def _reflex_vite_config() -> str:
    """The Vite config the installed Reflex writes for a production build."""
    from reflex_base.compiler.templates import vite_config_template

    return vite_config_template(
        base="/", hmr=False, force_full_reload=False, experimental_hmr=False, sourcemap=False
    )


def test_the_radix_import_plugin_is_imported_and_used_once_beside_the_chunk_groups() -> None:
    config = radix_imports.with_deep_imports(with_chunk_groups(_reflex_vite_config()))
    assert config.count(f'import radixDeepImports from "./{radix_imports.PLUGIN_SCRIPT}";') == 1
    assert config.count("radixDeepImports(),") == 1
    plugins = config.split("plugins: [", 1)[1].split("]", 1)[0]
    assert "radixDeepImports()" in plugins  # Vite's list, not somewhere else
    assert radix_imports.with_deep_imports(config) == config
    path, script = radix_imports.deep_imports_script()
    assert path.name == radix_imports.PLUGIN_SCRIPT
    assert "export default function radixDeepImports" in script


def test_a_changed_vite_template_fails_the_build_rather_than_ship_every_component() -> None:
    with pytest.raises(RuntimeError, match="add the plugin"):
        radix_imports.with_deep_imports("export default defineConfig({ plugins: [] });")


# The two index files as the packages write them (minified, and plain), cut to a few names.
_THEMES_INDEX = (
    'import{Badge as f}from"./badge.js";import*as d from"./callout.js";'
    'import{Theme as Jo,useThemeContext as Uo}from"./theme.js";'
    "export{f as Badge,d as Callout,Jo as Theme,Uo as useThemeContext};"
)
_PRIMITIVES_INDEX = (
    'import * as Dialog from "@radix-ui/react-dialog";\n'
    'import * as Slot from "@radix-ui/react-slot";\nexport { Dialog, Slot };\n'
)
_TRANSFORM = """
const { default: plugin } = await import(process.argv[1]);
const deep = plugin();
deep.configResolved({ root: process.argv[2] });
const out = (code) => deep.transform(code, "page.jsx")?.code ?? null;
console.log(JSON.stringify([
  out('import {Badge as RadixThemesBadge,Callout as RadixThemesCallout} from "@radix-ui/themes"'),
  out('import{Dialog as t,Slot as W}from"radix-ui";const x=1;'),
  out('import {Badge, Sparkle} from "@radix-ui/themes"'),
  out('import {useState} from "react"'),
]));
"""


def test_radix_imports_are_rewritten_to_the_modules_that_export_them(tmp_path: Path) -> None:
    node = shutil.which("node") or pytest.fail("Node is needed to run the Vite plugin")
    themes = tmp_path / "node_modules/@radix-ui/themes/dist/esm/components"
    primitives = tmp_path / "node_modules/radix-ui/dist"
    themes.mkdir(parents=True)
    primitives.mkdir(parents=True)
    (themes / "index.js").write_text(_THEMES_INDEX)
    (primitives / "index.mjs").write_text(_PRIMITIVES_INDEX)
    plugin = Path(radix_imports.__file__).with_name(radix_imports.PLUGIN_SCRIPT)
    output = subprocess.run(
        [node, "--input-type=module", "-e", _TRANSFORM, plugin.as_uri(), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(output.stdout) == [
        'import { Badge as RadixThemesBadge } from "@radix-ui/themes/components/badge";'
        'import * as RadixThemesCallout from "@radix-ui/themes/components/callout";',
        'import * as t from "@radix-ui/react-dialog";import * as W from "@radix-ui/react-slot";'
        "const x=1;",
        None,  # a name the index does not export: the import stays as written
        None,
    ]


# A page as React Router prerenders it (cut): the hero's preload, the stylesheet, two scripts.
_BUILT_PAGE = (
    '<head><link rel="preload" as="image" imageSrcSet="/hero/hero-640.webp 640w" '
    'fetchPriority="high"/><link as="style" href="/assets/styles.css" rel="preload"/>'
    '<link rel="modulepreload" href="/assets/entry.client-1.js"/>'
    '<link rel="modulepreload" href="/assets/shared-2.js"/>'
    '<link href="/assets/styles.css" rel="stylesheet"/></head>'
)


def test_a_pages_scripts_are_fetched_at_low_priority_and_nothing_else_changes() -> None:
    page = script_priority.with_low_priority_scripts(_BUILT_PAGE)
    assert page.count('<link rel="modulepreload" fetchpriority="low" href=') == 2
    assert page.count("fetchpriority") == 2  # the hero keeps its high priority
    assert page.replace('fetchpriority="low" ', "") == _BUILT_PAGE
    assert script_priority.with_low_priority_scripts(page) == page  # a second run: the same


def test_every_built_page_is_rewritten_and_a_build_without_script_links_fails(
    tmp_path: Path,
) -> None:
    (tmp_path / "catalog").mkdir()
    for name in ("index.html", "catalog.html", "catalog/index.html"):
        (tmp_path / name).write_text(_BUILT_PAGE, encoding="utf-8")
    offline = "<html><body>You are offline.</body></html>"
    (tmp_path / "offline.html").write_text(offline, encoding="utf-8")

    assert script_priority.lower_script_priority(tmp_path) == 3
    for name in ("index.html", "catalog.html", "catalog/index.html"):
        assert (tmp_path / name).read_text(encoding="utf-8").count('fetchpriority="low"') == 2
    assert (tmp_path / "offline.html").read_text(encoding="utf-8") == offline

    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "index.html").write_text(offline, encoding="utf-8")
    with pytest.raises(RuntimeError, match="modulepreload"):
        script_priority.lower_script_priority(tmp_path / "empty")
