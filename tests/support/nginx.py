"""Tests behind nginx: skip cleanly where nginx or openssl is missing (CI installs nginx-light)."""

from __future__ import annotations

import shutil

import pytest

from harness.proxy import nginx_binary


def require_nginx() -> str:
    """The nginx binary, or skip the test."""
    nginx = nginx_binary()
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx (Debian: apt-get install nginx-light) or openssl is not installed")
    return nginx
