"""The shipped reverse-proxy configuration sets the security headers (and nginx accepts it, where installed)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from harness.proxy import nginx_main_conf, self_signed
from scripts.proxy_config import ProxyOptions, render
from services.core.settings import DEFAULT_TILE_URL
from tests.support.nginx import require_nginx

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "cockpit.conf"
BLOCK = re.compile(r"# Security headers\n(.*?)# End security headers", re.S)


def _tls_server(text: str) -> str:
    """The server block that listens on 443."""
    for match in re.finditer(r"server\s*\{", text):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[match.end() : i - 1]
        if "listen 443" in body:
            return body
    raise AssertionError("no server block on 443")


def _add_headers(block: str) -> dict[str, str]:
    """add_header name → value of a block, each set with `always`."""
    found = {}
    for name, value, always in re.findall(r'^\s*add_header\s+(\S+)\s+"([^"]*)"\s*(always)?;', block, re.M):
        assert always, f"{name} without always (error pages would lack it)"
        found[name.lower()] = value
    return found


def _headers(text: str) -> dict[str, str]:
    """The headers of the TLS server's `# Security headers` block."""
    block = BLOCK.search(_tls_server(text))
    assert block, "the # Security headers … # End security headers block is missing"
    return _add_headers(block.group(1))


def _policy(value: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in value.split(";")) if d}


def _csp(text: str) -> dict[str, list[str]]:
    return _policy(_headers(text)["content-security-policy"])


def test_csp_allows_the_app_and_the_tile_server_only():
    csp = _csp(CONF.read_text())
    assert csp["default-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:", f"https://{urlparse(DEFAULT_TILE_URL).netloc}"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["script-src"] == ["'self'", "'unsafe-inline'", "'unsafe-eval'"]
    assert csp["connect-src"] == ["'self'", "wss:"]
    assert csp["frame-ancestors"] == ["'none'"]
    hosts = {s for sources in csp.values() for s in sources if "." in s or "//" in s}
    assert hosts == {"https://tile.openstreetmap.org"}


def test_nosniff_hsts_and_referrer_policy():
    headers = _headers(CONF.read_text())
    assert headers["x-content-type-options"] == "nosniff"
    hsts = headers["strict-transport-security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31_536_000
    assert headers["referrer-policy"] in ("no-referrer", "same-origin", "strict-origin-when-cross-origin")
    assert headers["x-frame-options"] == "DENY"


def _locations(server: str) -> dict[str, str]:
    out = {}
    for match in re.finditer(r"location\s+([^{]*?)\s*\{", server):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(server[i], 0)
            i += 1
        out[match.group(1)] = server[match.end() : i]
    return out


def test_no_location_drops_the_headers():
    """nginx does not inherit add_header into a location that sets one of its own: such a location repeats
    every header; only Streamlit's components (framed by the app itself) may be framed by the same origin."""
    text = CONF.read_text()
    server = _headers(text)
    with_own = {path: body for path, body in _locations(_tls_server(text)).items() if "add_header" in body}
    assert set(with_own) == {"/component/"}
    own = _add_headers(with_own["/component/"])
    assert set(own) == set(server)
    assert {k: v for k, v in own.items() if k not in ("content-security-policy", "x-frame-options")} == {
        k: v for k, v in server.items() if k not in ("content-security-policy", "x-frame-options")
    }
    policy = _policy(own["content-security-policy"])
    assert policy.pop("frame-ancestors") == ["'self'"] and own["x-frame-options"] == "SAMEORIGIN"
    assert policy == {k: v for k, v in _csp(text).items() if k != "frame-ancestors"}


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = require_nginx()
    cert, key = self_signed(tmp_path)
    site = render(ProxyOptions(processes=3, cert=str(cert), key=str(key)))
    main = nginx_main_conf(tmp_path, site)
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(main)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
