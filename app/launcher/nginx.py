"""nginx in front of the backend workers: the site file from its template, and a local nginx.conf.

The site file (deploy/nginx-site.conf.template) is the part a person copies to a real server. The
small nginx.conf written here only makes Debian's nginx run unprivileged-style from a folder of
ours (pid, logs and temp files inside it, errors on stderr for the supervisor to show).
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from app.api.guards import header_table
from app.api.share_routes import share_paths_pattern
from app.config import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx-site.conf.template"
# Debian's libnginx-mod-http-brotli-static (`make nginx` installs it): nginx then sends the
# build's .br files (its scripts: 1.3 MB in .br, 1.6 MB in .gz). Without it, the .gz ones.
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def nginx_binary() -> str | None:
    """Debian installs nginx in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def render_site(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with every {{name}} replaced (comments stay as they are, for whoever reads
    the result); a name without a value is an error."""
    lines = template.read_text().splitlines(keepends=True)
    code = [line for line in lines if not line.lstrip().startswith("#")]
    missing = sorted({name for line in code for name in _PLACEHOLDER.findall(line)} - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)} in {template.name}")
    return "".join(
        line if line.lstrip().startswith("#") else _PLACEHOLDER.sub(lambda m: values[m[1]], line)
        for line in lines
    )


def backend_lines(addresses: Iterable[str]) -> str:
    return "\n".join(f"    server {a} max_fails=1 fail_timeout=5s;" for a in addresses)


def page_routes_pattern(routes: Iterable[str]) -> str:
    """One regex for the routes with a parameter (`cart/[cart_id]` -> `cart/[^/]+`)."""
    patterns = []
    for route in routes:
        if "[" not in route:
            continue
        parts = []
        for segment in route.strip("/").split("/"):
            if segment.startswith("[[...") or segment.startswith("[..."):
                parts.append(".*")
            elif segment.startswith("["):
                parts.append("[^/]+")
            else:
                parts.append(re.escape(segment))
        patterns.append("/".join(parts))
    # A pattern that never matches keeps the location valid for an app without parameters.
    return "|".join(patterns) or "(?!)"


def routes_from_build(web_dir: Path) -> list[str]:
    """The page routes Reflex wrote while compiling (`routes.json` in its web folder)."""
    return list(json.loads((web_dir / "routes.json").read_text()))


def brotli_line(module: Path | None) -> str:
    """The site's brotli_static line: on with the module loaded, else only a comment (the
    directive is unknown to an nginx without it)."""
    if module is None:
        return "    # brotli_static on;  (no brotli module here: `make nginx` installs it)"
    return "    brotli_static on;  # and a .br beside them, for the browsers that take it"


def security_header_lines(https: bool = False) -> str:
    """The backend's security headers (app/api/guards.py) as nginx lines, for the files nginx
    serves itself; answers from the workers carry them already."""
    return "\n".join(
        f'        add_header {name} "{value}" always;'
        for name, value in header_table(https).items()
    )


def write_config(
    run_dir: Path,
    *,
    listen: str,
    root: Path,
    backends: list[str],
    routes: list[str],
    brotli_module: Path | None = BROTLI_MODULE,
) -> Path:
    """Write site.conf (from the template) and the nginx.conf that includes it; the latter.
    The brotli module is loaded when installed (`brotli_module` None: never)."""
    module = brotli_module if brotli_module is not None and brotli_module.exists() else None
    for sub in ("logs", "tmp"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    site = render_site(
        {
            "backends": backend_lines(backends),
            "listen": listen,
            "server_name": "localhost",
            "root": str(root),
            "page_routes": page_routes_pattern(routes),
            "security_headers": security_header_lines(),
            "share_routes": share_paths_pattern(),
            "brotli_static": brotli_line(module),
        }
    )
    (run_dir / "site.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {run_dir / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would run as nobody, who may not read a private data folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    load = f"load_module {module};\n" if module is not None else ""
    main = f"""# Written by `make prod` for this machine; the site itself is site.conf.
{load}{user}worker_processes 1;
worker_rlimit_nofile 8192;
pid {run_dir / "nginx.pid"};
error_log stderr warn;
# On stop, open websockets get this long before they are cut (their clients reconnect).
worker_shutdown_timeout 5s;

events {{
    worker_connections 4096;  # each websocket takes two: the browser's and the worker's
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {run_dir / "logs" / "access.log"};
{temp}
    include {run_dir / "site.conf"};
}}
"""
    path = run_dir / "nginx.conf"
    path.write_text(main)
    return path


def nginx_command(binary: str, config: Path) -> list[str]:
    run_dir = config.parent
    # -e: errors before the config is read go to stderr too, not to /var/log/nginx.
    return [binary, "-p", str(run_dir), "-c", str(config), "-e", "stderr", "-g", "daemon off;"]
