"""The production build: the icons pages import in one script file, what most pages share in
another, and the Radix Themes stylesheet cut to what the pages use."""

from __future__ import annotations

import pytest

from app.frontend_build import radix_css
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
