"""The shipped nginx configuration at work, in front of two small stand-in app processes (no browser).

What the browser test (tests/e2e/test_betrieb_browser.py) relies on, shown request by request: TLS with a
self-signed certificate, the redirect from HTTP, one browser kept on one process by its route cookie
and different browsers spread over both, the WebSocket upgrade as a tunnel, the cookie flags, the
upload limit, and a stopped process whose browsers the proxy hands to the other one.
"""

from __future__ import annotations

import http.client
import secrets
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness.proxy import free_port, self_signed, start_nginx, stop
from scripts.proxy_config import ProxyOptions, render
from services.core.settings import get_settings
from tests.support.nginx import require_nginx

MB = 1024 * 1024


class _App(BaseHTTPRequestHandler):
    """Answers with its own port; sets the cookies a Streamlit process would; echoes a WebSocket."""

    protocol_version = "HTTP/1.1"  # as Tornado answers: the upgrade needs it

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self._tunnel()
            return
        self._answer(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        received = 0
        while received < length:
            received += len(self.rfile.read(min(MB, length - received)))
        self._answer(f" {received}".encode())

    def _answer(self, extra: bytes) -> None:
        body = str(self.server.server_port).encode() + extra
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "_streamlit_xsrf=abc; Path=/")
        self.send_header("Set-Cookie", "app_cookie=1; Path=/")
        self.end_headers()
        self.wfile.write(body)

    def _tunnel(self) -> None:
        # What the proxy must pass on for Streamlit's WebSocket: the upgrade, then bytes both ways.
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("X-Seen-Connection", self.headers.get("Connection", ""))
        self.end_headers()
        self.wfile.flush()
        data = self.rfile.read(4)
        self.wfile.write(data[::-1] + str(self.server.server_port).encode())
        self.wfile.flush()
        self.close_connection = True


def _serve() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _App)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[tuple[int, int, dict[int, ThreadingHTTPServer]]]:
    """(https port, http port, {port: stand-in app}) behind the shipped configuration."""
    require_nginx()
    apps = {s.server_port: s for s in (_serve(), _serve())}
    tmp = tmp_path_factory.mktemp("proxy_live")
    cert, key = self_signed(tmp)
    https, plain = free_port(), free_port()
    site = render(
        ProxyOptions(
            ports=tuple(apps),
            cert=str(cert),
            key=str(key),
            https_port=https,
            http_port=plain,
            listen_address="127.0.0.1",
        )
    )
    nginx = start_nginx(tmp, site, https)
    yield https, plain, apps
    stop(nginx)
    for server in apps.values():
        server.shutdown()
        server.server_close()


def _tls() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return ctx


def _get(port: int, route: str | None = None, method: str = "GET", body: bytes | None = None):
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=_tls(), timeout=30)
    headers = {"Cookie": f"cockpit_route={route}"} if route else {}
    try:
        conn.request(method, "/", body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read().decode()
    finally:
        conn.close()


def test_plain_http_is_sent_to_https(proxy):
    https, plain, _ = proxy
    conn = http.client.HTTPConnection("127.0.0.1", plain, timeout=10)
    conn.request("GET", "/login?x=1")
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{https}/login?x=1"


def test_a_new_browser_gets_a_route_cookie_and_every_response_the_headers(proxy):
    https, _, apps = proxy
    response, body = _get(https)
    assert response.status == 200 and int(body) in apps
    cookies = response.headers.get_all("Set-Cookie")
    route = next(c for c in cookies if c.startswith("cockpit_route="))
    assert "; HttpOnly; Secure; SameSite=Strict" in route
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    # A browser that has its route cookie is not given another one.
    again, _ = _get(https, route=route.split(";")[0].split("=", 1)[1])
    assert not any(c.startswith("cockpit_route=") for c in again.headers.get_all("Set-Cookie") or [])


def test_the_apps_cookies_are_flagged_and_streamlits_xsrf_cookie_stays_readable(proxy):
    cookies = _get(proxy[0])[0].headers.get_all("Set-Cookie")
    app = next(c for c in cookies if c.startswith("app_cookie="))
    xsrf = next(c for c in cookies if c.startswith("_streamlit_xsrf="))
    assert "HttpOnly" in app and "Secure" in app and "SameSite=Strict" in app
    assert "HttpOnly" not in xsrf and "Secure" in xsrf and "SameSite=Strict" in xsrf


def test_one_browser_stays_on_one_process_and_browsers_spread_over_both(proxy):
    https, _, apps = proxy
    route = secrets.token_hex(16)
    assert len({_get(https, route)[1] for _ in range(15)}) == 1
    spread = {_get(https, secrets.token_hex(16))[1] for _ in range(30)}
    assert spread == {str(p) for p in apps}  # one in 2**29 to miss a process by chance


def test_the_websocket_is_upgraded_and_tunnelled_to_the_browsers_process(proxy):
    https, _, _ = proxy
    route = secrets.token_hex(16)
    process = _get(https, route)[1]
    raw = socket.create_connection(("127.0.0.1", https), timeout=10)
    with _tls().wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(
            b"GET /_stcore/stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + f"Cookie: cockpit_route={route}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            byte = tls.recv(1)
            assert byte, f"the proxy closed the connection after {head!r}"
            head += byte
        assert head.startswith(b"HTTP/1.1 101")
        assert b"X-Seen-Connection: upgrade" in head
        tls.sendall(b"ping")
        answer = b""
        while len(answer) < 4 + len(process):
            chunk = tls.recv(64)
            if not chunk:
                break
            answer += chunk
    assert answer == b"gnip" + process.encode()


def test_uploads_up_to_the_import_limit_pass_and_larger_bodies_are_refused(proxy):
    https, _, _ = proxy
    limit = int(get_settings().import_max_mb * MB)
    ok, body = _get(https, secrets.token_hex(8), "POST", b"x" * limit)
    assert ok.status == 200 and body.endswith(f" {limit}")
    refused, _ = _get(https, secrets.token_hex(8), "POST", b"x" * (25 * MB + 1))
    assert refused.status == 413
    assert refused.getheader("X-Content-Type-Options") == "nosniff"  # error pages carry the headers too


def test_a_stopped_process_hands_its_browsers_to_the_other(proxy):
    # Last in this module: it stops one stand-in.
    https, _, apps = proxy
    route = secrets.token_hex(16)
    first = int(_get(https, route)[1])
    apps[first].shutdown()
    apps[first].server_close()
    for _ in range(5):
        response, body = _get(https, route)
        assert response.status == 200
        assert int(body) != first and int(body) in apps
