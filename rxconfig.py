"""Reflex configuration, derived from the app's own settings so there is one source of truth."""

import sys
from functools import partial
from pathlib import Path
from typing import Any

import reflex as rx

from app import routes
from app.config import ConfigError, load_settings
from app.frontend_build import radix_css, radix_imports, route_shells, script_priority
from app.frontend_build.script_chunks import VITE_CONFIG, with_chunk_groups

try:
    _settings = load_settings()
except ConfigError as error:
    sys.exit(f"Configuration error: {error}")


class BuildShape(rx.plugins.Plugin):
    """Edits the build configs Reflex writes on each compile: one script for the icons, Radix
    imported by module, Radix Themes' stylesheet cut to what the pages use, a prerendered frame
    for each page with a parameter; and the built pages, whose scripts load after what the
    first paint needs (app/frontend_build/)."""

    def get_static_assets(self, **context: Any) -> list[tuple[Path, str]]:
        return [radix_css.trim_script(), radix_imports.deep_imports_script()]

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](VITE_CONFIG, with_chunk_groups)
        context["add_modify_task"](radix_css.POSTCSS_CONFIG, radix_css.with_radix_trim)
        context["add_modify_task"](VITE_CONFIG, radix_imports.with_deep_imports)
        context["add_modify_task"](
            route_shells.ROUTER_CONFIG,
            partial(route_shells.with_route_shells, routes=routes.PAGES_WITH_PARAMETER),
        )

    def post_build(self, **context: Any) -> None:
        script_priority.lower_script_priority(Path(context["static_dir"]))


config = rx.Config(
    app_name="app",
    frontend_port=_settings.frontend_port,
    backend_port=_settings.backend_port,
    backend_host=_settings.bind_host,
    api_url=_settings.api_url,
    deploy_url=_settings.site_url,
    redis_url=_settings.redis_url,
    # The websocket refuses any other Origin; in prod only SITE_URL's (app/config.py).
    cors_allowed_origins=list(_settings.allowed_origins),
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # The app draws no components from state at run time, so the root need not import whole
    # libraries (all of Radix Themes) onto every page: each page bundles only what it uses.
    frontend_lazy_bundled_libraries=True,
    # Brotli beside gzip: the one-port server (`make run`) sends browsers the .br, a third
    # smaller for the stylesheet (84 -> 51 KB), which every page waits for. nginx (`make prod`)
    # keeps the .gz: Debian's nginx has no brotli module by default.
    frontend_compression_formats=["brotli", "gzip"],
    default_color_mode="light",
    plugins=[
        rx.plugins.SitemapPlugin(),
        BuildShape(),  # icons in one script, Radix CSS cut to what pages use (app/frontend_build/)
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color="tomato", gray_color="sand", radius="large", appearance="light"
            )
        ),
    ],
)
