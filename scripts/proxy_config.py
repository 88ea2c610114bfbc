"""Render the shipped nginx configuration (deploy/nginx/cockpit.conf) for this installation.

Usage: python -m scripts.proxy_config --processes N [--first-port 8501] [--server-name HOST]
         [--cert PATH --key PATH] [--https-port 443] [--http-port 80] [--listen-address ADDR] [-o FILE]
One upstream server per app process on consecutive ports; deploy/up and the proxy tests use it.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

CONF = Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "cockpit.conf"
_UPSTREAM = re.compile(r"(    # upstream servers\n).*?(    # end upstream servers\n)", re.S)


@dataclass(frozen=True)
class ProxyOptions:
    """What differs between installations: processes, name, certificate, listening ports."""

    processes: int = 2
    first_port: int = 8501
    server_name: str = "cockpit.example.org"
    cert: str = "/etc/ssl/cockpit/fullchain.pem"
    key: str = "/etc/ssl/cockpit/privkey.pem"
    https_port: int = 443
    http_port: int = 80
    listen_address: str = ""  # empty: all addresses (IPv4 and IPv6); else one address, IPv4 only
    ports: tuple[int, ...] = ()  # the app processes' ports when they are not consecutive (tests)

    def app_ports(self) -> list[int]:
        """The app processes' ports."""
        return list(self.ports) or [self.first_port + i for i in range(self.processes)]


def render(options: ProxyOptions, template: str | None = None) -> str:
    """The configuration text for these options."""
    if not options.app_ports():
        raise ValueError("at least one app process")
    text = CONF.read_text() if template is None else template
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in options.app_ports())
    text, n = _UPSTREAM.subn(lambda m: m.group(1) + servers + m.group(2), text)
    if n != 1:
        raise ValueError("the upstream markers are missing in deploy/nginx/cockpit.conf")
    text = text.replace("server_name cockpit.example.org;", f"server_name {options.server_name};")
    text = text.replace("/etc/ssl/cockpit/fullchain.pem", options.cert).replace(
        "/etc/ssl/cockpit/privkey.pem", options.key
    )
    text = text.replace("return 301 https://$host$request_uri;", _redirect(options))
    addr = f"{options.listen_address}:" if options.listen_address else ""
    v6 = not options.listen_address
    text = text.replace("    listen 443 ssl;\n", f"    listen {addr}{options.https_port} ssl;\n")
    text = text.replace("    listen 80;\n", f"    listen {addr}{options.http_port};\n")
    text = text.replace("    listen [::]:443 ssl;\n", f"    listen [::]:{options.https_port} ssl;\n" if v6 else "")
    text = text.replace("    listen [::]:80;\n", f"    listen [::]:{options.http_port};\n" if v6 else "")
    return text


def _redirect(options: ProxyOptions) -> str:
    port = "" if options.https_port == 443 else f":{options.https_port}"
    return f"return 301 https://$host{port}$request_uri;"


def main(argv: list[str] | None = None) -> int:
    """Write the rendered configuration to -o FILE or stdout."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--processes", type=int, required=True)
    ap.add_argument("--first-port", type=int, default=8501)
    ap.add_argument("--server-name", default="cockpit.example.org")
    ap.add_argument("--cert", default="/etc/ssl/cockpit/fullchain.pem")
    ap.add_argument("--key", default="/etc/ssl/cockpit/privkey.pem")
    ap.add_argument("--https-port", type=int, default=443)
    ap.add_argument("--http-port", type=int, default=80)
    ap.add_argument("--listen-address", default="")
    ap.add_argument("-o", "--output", default="")
    a = ap.parse_args(argv)
    text = render(
        ProxyOptions(
            a.processes, a.first_port, a.server_name, a.cert, a.key, a.https_port, a.http_port, a.listen_address
        )
    )
    if a.output:
        Path(a.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
