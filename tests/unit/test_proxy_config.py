"""scripts/proxy_config renders one upstream server per app process, on the ports deploy/up starts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.proxy_config import ProxyOptions, main, render

ROOT = Path(__file__).resolve().parents[2]


def _servers(text: str) -> list[str]:
    return re.findall(r"^\s*server (127\.0\.0\.1:\d+) max_fails=1 fail_timeout=10s;$", text, re.M)


def test_n_processes_get_n_upstream_servers_on_consecutive_ports():
    text = render(ProxyOptions(processes=3, first_port=8601, server_name="cockpit.kv.example"))
    assert _servers(text) == ["127.0.0.1:8601", "127.0.0.1:8602", "127.0.0.1:8603"]
    assert "server_name cockpit.kv.example;" in text and "cockpit.example.org" not in text
    assert "hash $cockpit_route consistent;" in text


def test_deploy_up_and_the_template_unit_use_the_same_ports(tmp_path):
    up = (ROOT / "deploy" / "up").read_text()
    first = int(re.search(r"\bFIRST=(\d+)", up).group(1))
    assert "--first-port $FIRST" in up and 'systemctl enable --now "cockpit@$p.service"' in up
    out = tmp_path / "cockpit.conf"
    assert main(["--processes", "2", "--first-port", str(first), "-o", str(out)]) == 0
    assert _servers(out.read_text()) == [f"127.0.0.1:{first}", f"127.0.0.1:{first + 1}"]
    unit = (ROOT / "deploy" / "systemd" / "cockpit@.service").read_text()
    assert "--server.port %i" in unit


def test_no_process_is_refused():
    with pytest.raises(ValueError):
        render(ProxyOptions(processes=0))
