"""The shipped operations files: systemd units that systemd accepts and that run code that exists, the
environment example naming only real settings, the install scripts' syntax, the README's Betrieb section."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
APP = "/opt/cockpit"


def _unit(path: Path) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    cp.read(path)
    return cp


def test_every_service_runs_a_module_of_this_repository():
    services = sorted(UNITS.glob("*.service"))
    assert {p.name for p in services} >= {
        "cockpit@.service",
        "cockpit-mail.service",
        "cockpit-retention.service",
        "cockpit-signups.service",
        "cockpit-tables.service",
        "cockpit-import.service",
    }
    for path in services:
        start = _unit(path)["Service"]["ExecStart"]
        module = re.search(r"-m (\S+)", start).group(1)
        if module != "streamlit":
            assert (ROOT / (module.replace(".", "/") + ".py")).exists(), (path.name, module)
        assert start.startswith(f"{APP}/.venv/bin/python -m ")
        assert _unit(path)["Service"]["EnvironmentFile"] == "/etc/cockpit/cockpit.env"
        assert _unit(path)["Service"]["User"] == "cockpit"


def test_the_app_template_listens_on_its_port_on_localhost_only():
    start = _unit(UNITS / "cockpit@.service")["Service"]["ExecStart"]
    assert "--server.port %i" in start and "--server.address 127.0.0.1" in start


def test_the_target_brings_up_the_sender_and_every_timer():
    # `systemctl start cockpit.target` (after a reboot: multi-user.target) starts what deploy/up enables.
    # Not the import timer: without IMPORT_AS its service has no account to import as and fails.
    wants = set(_unit(UNITS / "cockpit.target")["Unit"]["Wants"].split())
    timers = {p.name for p in UNITS.glob("*.timer")} - {"cockpit-import.timer"}
    assert wants == timers | {"cockpit-mail.service"}
    up = (ROOT / "deploy" / "up").read_text()
    for timer in timers:
        assert timer in up, timer


def test_every_timer_starts_a_shipped_service():
    timers = sorted(UNITS.glob("*.timer"))
    assert {p.stem for p in timers} == {"cockpit-retention", "cockpit-signups", "cockpit-import", "cockpit-tables"}
    for timer in timers:
        assert (UNITS / f"{timer.stem}.service").exists()
        assert _unit(timer)["Timer"]["OnCalendar"]


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    for path in UNITS.iterdir():
        # Point the units at this checkout and interpreter, so that only their syntax and references are checked.
        text = path.read_text().replace(f"{APP}/.venv/bin/python", sys.executable).replace(APP, str(ROOT))
        (tmp_path / path.name).write_text(text)
    names = [str(tmp_path / p.name) for p in UNITS.iterdir() if p.suffix in (".service", ".timer", ".target")]
    names = [n.replace("cockpit@.service", "cockpit@8501.service") if n.endswith("@.service") else n for n in names]
    (tmp_path / "cockpit@8501.service").write_text((tmp_path / "cockpit@.service").read_text())
    done = subprocess.run([analyze, "verify", "--man=no", *names], capture_output=True, text=True, cwd=tmp_path)
    problems = [
        line
        for line in done.stderr.splitlines()
        # Outside a booted systemd the user, the environment file and the dependencies are not there to check.
        if line.strip()
        and not re.search(r"EnvironmentFile|/etc/cockpit|user|cockpit\.target|postgresql|network-online", line, re.I)
    ]
    assert problems == []


def _settings_names() -> set[str]:
    text = (ROOT / "services" / "core" / "settings.py").read_text()
    return set(re.findall(r'get\("([A-Z_]+)"', text)) | {"TILE_URL"}


def test_the_environment_example_names_only_real_settings():
    keys = [
        line.split("=", 1)[0]
        for line in (ROOT / "deploy" / "cockpit.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    job_keys = {"IMPORT_SOURCE", "IMPORT_AS"}  # read by cockpit-import.service, not by the app
    assert set(keys) - job_keys <= _settings_names(), set(keys) - job_keys - _settings_names()
    assert {"DATABASE_URL", "COOKIE_KEY", "LINK_SECRET", "DB_POOL_SIZE", "DB_MAX_OVERFLOW"} <= set(keys)


@pytest.mark.parametrize("script", ["install.sh", "up"])
def test_the_install_scripts_are_valid_shell(script):
    done = subprocess.run(["bash", "-n", str(ROOT / "deploy" / script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _betrieb() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Betrieb")
    return text[start : text.index("\n## ", start + 1)]


def test_the_readme_brings_it_up_in_two_commands():
    section = _betrieb()
    assert "sudo deploy/install.sh" in section and "sudo deploy/up " in section
    assert "max_connections" in section and "autovacuum" in section
    assert "scripts/healthcheck" in section


def test_the_readme_explains_it_in_the_order_an_administrator_does_it():
    # PostgreSQL's settings come first (install.sh needs it running, N depends on max_connections), then
    # install, then up, then what runs and how to watch it.
    section = _betrieb()
    steps = [
        "1. **PostgreSQL**",
        "max_connections",
        "autovacuum",
        "2. `install.sh`",
        "3. `up N`",
        "**Der Proxy**",
        "**Health-Check**",
    ]
    assert [section.index(step) for step in steps] == sorted(section.index(step) for step in steps)


def test_up_checks_the_connections_for_the_processes_it_starts():
    up = (ROOT / "deploy" / "up").read_text()
    check = next(line for line in up.splitlines() if "scripts/healthcheck" in line)
    assert '--app-processes "$N"' in check
