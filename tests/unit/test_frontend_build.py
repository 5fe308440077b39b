"""The production build: the icons pages import in one script file, and the Radix Themes
stylesheet cut to what the pages use."""

from __future__ import annotations

import pytest

from app.frontend_build import radix_css
from app.frontend_build.script_chunks import ICON_GROUP, with_icon_chunk

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


def test_the_icon_group_comes_first_and_only_once() -> None:
    config = with_icon_chunk(REFLEX_TEMPLATE)
    assert config.count('name: "icons"') == 1
    assert config.index('name: "icons"') < config.index('name: "reflex-env"')
    assert 'tags: ["$initial"]' in config  # not the icons loaded on demand
    assert with_icon_chunk(config) == config  # a recompile edits the file it wrote


def test_a_changed_reflex_template_fails_the_build() -> None:
    with pytest.raises(RuntimeError, match="icon chunk"):
        with_icon_chunk("output: { manualChunks: {} }")
    assert ICON_GROUP.strip().startswith("{")


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
