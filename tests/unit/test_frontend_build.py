"""The production build: the icons pages import in one script file, what most pages share in
another, the Radix Themes stylesheet cut to what the pages use, and a page's loads applied in
one render."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.frontend_build import page_load_updates, radix_css
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


def _reflex_state_js() -> str:
    """Reflex's own template of utils/state.js, as the installed version writes it."""
    import reflex_base

    return (Path(reflex_base.__file__).parent / ".templates/web/utils/state.js").read_text()


def test_reflex_message_handler_is_wrapped_once_by_the_page_load_hold() -> None:
    original = _reflex_state_js()
    edited = page_load_updates.with_held_page_loads(original)
    assert edited.count("import { holdPageLoads }") == 1
    assert edited.count('socket.current.on("event", holdPageLoads(applyUpdate));') == 1
    assert 'socket.current.on("event", (update)' not in edited
    # The handler's own body is untouched, only named.
    body = original.split('socket.current.on("event", (update) => {\n', 1)[1].split("  });\n")[0]
    assert "  const applyUpdate = (update) => {\n" + body + "  };\n" in edited
    assert page_load_updates.with_held_page_loads(edited) == edited


def test_a_changed_state_template_fails_the_build() -> None:
    with pytest.raises(RuntimeError, match="wrap the handler"):
        page_load_updates.with_held_page_loads(_reflex_state_js().replace("new_token", "token"))


HOLD_SCENARIO = """
const { holdPageLoads } = await import(process.argv[1]);
const applied = [];
const onMessage = holdPageLoads((update) => applied.push(update.name));
const root = (hydrated) => ({ reflex___state____state: { is_hydrated_rx_state_: hydrated } });
const seen = {};
onMessage({ name: "snapshot", delta: { reflex___state____state: { router: 1 } } });
onMessage({ name: "products", delta: { catalog: { products: [] } } });
seen.during_first_load = [...applied];
onMessage({ name: "loaded", delta: root(true) });
seen.after_first_load = [...applied];
onMessage({ name: "chat", delta: { chat: { lines: [] } } });
seen.between_loads = [...applied];
onMessage({ name: "navigated", delta: root(false) });
onMessage({ name: "slow page", delta: { deal: {} } });
seen.during_slow_load = [...applied];
await new Promise((done) => setTimeout(done, 450));
seen.after_the_cap = [...applied];
onMessage({ name: "late end", delta: root(true) });
seen.at_the_end = [...applied];
console.log(JSON.stringify(seen));
"""


def test_a_pages_loads_are_applied_together_at_their_end_and_nothing_waits_long() -> None:
    node = shutil.which("node") or pytest.fail("Node is needed to run the page-load script")
    script = Path(page_load_updates.__file__).with_name("page-load-updates.js")
    output = subprocess.run(
        [node, "--input-type=module", "-e", HOLD_SCENARIO, script.as_uri()],
        capture_output=True,
        text=True,
        check=True,
    )
    first = ["snapshot", "products", "loaded"]
    assert json.loads(output.stdout) == {
        "during_first_load": [],
        "after_first_load": first,
        "between_loads": [*first, "chat"],
        "during_slow_load": [*first, "chat"],
        "after_the_cap": [*first, "chat", "navigated", "slow page"],
        "at_the_end": [*first, "chat", "navigated", "slow page", "late end"],
    }
