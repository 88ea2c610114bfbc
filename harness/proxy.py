"""nginx in front of app processes for tests and benchmarks: a self-signed certificate and a private nginx process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path


def nginx_binary() -> str | None:
    """Debian's nginx, or None where it is not installed."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def free_port() -> int:
    """A TCP port nobody listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """(certificate, key) of a new self-signed certificate for localhost in tmp."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_main_conf(tmp: Path, site: str) -> Path:
    """Write site (a server configuration) and a main nginx.conf around it into tmp; returns nginx.conf."""
    (tmp / "cockpit.conf").write_text(site)
    temp = "\n".join(f"    {n}_temp_path {tmp / n};" for n in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp / "nginx.conf"
    # Started by root (CI), nginx's workers would run as nobody and could not reach the temp folders in
    # pytest's root-only tmp: every request body over 16 KB (an upload) would fail with 500.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main.write_text(
        f"daemon off;\n{user}pid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log {tmp / 'access.log'};\n{temp}\n    include {tmp / 'cockpit.conf'};\n}}\n"
    )
    return main


def start_nginx(tmp: Path, site: str, port: int, timeout: float = 20) -> subprocess.Popen:
    """Run nginx with site from tmp until it accepts connections on port (127.0.0.1)."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
    main = nginx_main_conf(tmp, site)
    proc = subprocess.Popen(
        [nginx, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(main)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.2)
    proc.kill()
    raise AssertionError((tmp / "error.log").read_text() if (tmp / "error.log").exists() else "nginx did not start")


def stop(proc: subprocess.Popen) -> None:
    """Stop a process started by a test, killing it when it does not stop in 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
