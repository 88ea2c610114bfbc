"""The rule of README "Betrieb": (app processes + 3) x (DB_POOL_SIZE + DB_MAX_OVERFLOW) < PostgreSQL's free slots."""

from __future__ import annotations

import re
from pathlib import Path

from services.core.health import OTHER_CLIENTS, connection_budget_problem

ROOT = Path(__file__).resolve().parents[2]


def _example_per_process() -> int:
    env = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / "cockpit.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    return int(env["DB_POOL_SIZE"]) + int(env["DB_MAX_OVERFLOW"])


def test_the_readme_example_fits_postgres_defaults_and_one_more_process_does_not():
    # README: with PostgreSQL's defaults (100, 3 for superusers) 6 processes may hold 10 connections each.
    per = _example_per_process()
    assert per == 10
    assert connection_budget_problem(6, per, max_connections=100, reserved=3) is None
    assert connection_budget_problem(6, per + 1, max_connections=100, reserved=3) is not None
    assert connection_budget_problem(7, per, max_connections=100, reserved=3) is not None


def test_the_limit_is_strict_and_counts_the_other_clients():
    # (7 + 3) x 10 = 100 connections leave none for anybody else: refused; 99 would fit in 100.
    assert OTHER_CLIENTS == 3
    assert connection_budget_problem(7, 10, max_connections=100) is not None
    assert connection_budget_problem(6, 11, max_connections=100) is None  # 99


def test_the_message_says_what_would_fit():
    problem = connection_budget_problem(12, 10, max_connections=100, reserved=3)
    assert problem.startswith("12 App-Prozesse und 3 weitere Verbindungsnutzer")
    assert "bräuchten bis zu 150, PostgreSQL gibt aber nur 97 (max_connections 100 minus 3 reservierte)" in problem
    # 96 // 15 = 6 per process; 96 // 10 - 3 = 6 processes; each of them fits, one more does not.
    assert "DB_POOL_SIZE + DB_MAX_OVERFLOW zusammen höchstens 6 oder höchstens 6 App-Prozesse" in problem
    assert connection_budget_problem(12, 6, 100, 3) is None and connection_budget_problem(12, 7, 100, 3)
    assert connection_budget_problem(6, 10, 100, 3) is None


def test_far_too_many_processes_get_no_pool_size_advice():
    problem = connection_budget_problem(200, 10, max_connections=100, reserved=3)
    assert "zusammen höchstens" not in problem
    assert re.search(r"stelle höchstens 6 App-Prozesse ein, oder erhöhe max_connections\.$", problem)
