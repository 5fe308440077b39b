"""The production build puts the icons pages import into one script file."""

from __future__ import annotations

import pytest

from app.frontend_build import ICON_GROUP, with_icon_chunk

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
