"""Server memory per browser session at 1,000,000 contacts: 1, 10 and 30 Chromium sessions on Übersicht and Karte.

    python -m bench.bench_sessions [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://…/bench_1m]
                                   [--steps 1,10,30] [--users team,leitung]

Per database: start `streamlit run app.py` against it, then open browser sessions one after another,
each in its own Chromium context (own cookies, own Streamlit session): log in (the Übersicht),
open the national Karte and wait until it is drawn, and keep the session open. At each step
the resident memory (VmRSS) of the server process is read once the app is idle, and the
growth per additional session is printed against the goal (≤ 30 MB). Users take turns
(team, leitung), so both national views and both caches are in memory.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import PG_1M, SQLITE_1M, rss_mb  # noqa: E402

GOAL_MB = 30.0
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def settled_rss(pid: int, seconds: float = 3.0) -> float:
    """RSS once it stops moving: the last of readings 0.5 s apart that agree within 1 MB (at most `seconds`)."""
    last = rss_mb(pid)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        time.sleep(0.5)
        now = rss_mb(pid)
        if abs(now - last) < 1:
            return now
        last = now
    return last


def open_session(browser, base: str, username: str) -> tuple[object, float, float]:
    """A new context: log in (Übersicht), open the national Karte, wait for the drawn map.

    Returns (context, seconds to the Übersicht, seconds from the click to the drawn map).
    """
    from playwright.sync_api import expect

    from harness.browser import login, wait_idle, wait_map_drawn

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(300_000)
    t = time.perf_counter()
    login(page, base, username)
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    t_overview = time.perf_counter() - t
    t = time.perf_counter()
    page.get_by_test_id("stSidebar").get_by_text("Karte", exact=True).click()
    wait_map_drawn(page.locator(MAP_IFRAME), {"Kreise": 300}, timeout_ms=300_000)
    t_map = time.perf_counter() - t
    wait_idle(page)
    return ctx, t_overview, t_map


def bench_db(label: str, url: str, steps: list[int], users: list[str]) -> None:
    """Print the server's RSS before any session and at each step, and the growth per session."""
    from playwright.sync_api import expect, sync_playwright

    from harness.browser import CHROMIUM_ARGS, find_chromium, start_app

    expect.set_options(timeout=300_000)
    # The demo mode runs on SQLite only; on PostgreSQL the app runs as in production (the demo users' passwords hold).
    env = (
        {}
        if url.startswith("sqlite")
        else {"DEMO_MODE": "0", "COOKIE_KEY": secrets.token_urlsafe(48), "LINK_SECRET": secrets.token_urlsafe(48)}
    )
    proc, base = start_app(url, env, timeout=600)
    print(f"\n== {label}: app on {base}, pid {proc.pid}", flush=True)
    contexts: list = []
    readings: dict[int, float] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            readings[0] = settled_rss(proc.pid)
            print(f"  0 sessions (server started, nothing loaded): {readings[0]:.0f} MB", flush=True)
            for step in steps:
                times = []
                while len(contexts) < step:
                    user = users[len(contexts) % len(users)]
                    ctx, t_over, t_map = open_session(browser, base, user)
                    contexts.append(ctx)
                    times.append((user, t_over, t_map))
                gc.collect()
                readings[step] = settled_rss(proc.pid)
                first = times[0] if times else None
                print(
                    f"  {step:>2} sessions: RSS {readings[step]:.0f} MB"
                    + (
                        f"; this step's first session ({first[0]}): Übersicht {first[1]:.1f} s, Karte drawn "
                        f"{first[2]:.1f} s; slowest Karte {max(t[2] for t in times):.1f} s"
                        if first
                        else ""
                    ),
                    flush=True,
                )
            for ctx in contexts:
                ctx.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(30)
    if len(steps) >= 2:
        lo, hi = steps[0], steps[-1]
        per = (readings[hi] - readings[lo]) / (hi - lo)
        print(
            f"  per additional session ({lo} → {hi}): {per:.1f} MB (goal ≤ {GOAL_MB:.0f} MB: "
            f"{'met' if per <= GOAL_MB else 'missed'}); first session on a started server: "
            f"{readings[lo] - readings[0]:.0f} MB (caches, geodata, page modules)",
            flush=True,
        )


def main() -> None:
    """Run the steps on each database and print the figures with the machine they ran on."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sqlite", default=SQLITE_1M, help="SQLite file; empty skips SQLite")
    ap.add_argument("--pg", default=PG_1M, help="PostgreSQL URL; empty skips PostgreSQL")
    ap.add_argument("--steps", default="1,10,30", help="session counts to read the memory at, ascending")
    ap.add_argument("--users", default="team,leitung", help="demo users that take turns")
    args = ap.parse_args()
    steps = sorted({int(s) for s in args.steps.split(",")})
    users = args.users.split(",")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"steps {steps}, users {users}",
        flush=True,
    )
    if args.sqlite:
        bench_db("SQLite", f"sqlite:///{args.sqlite}", steps, users)
    if args.pg:
        bench_db("PostgreSQL", args.pg, steps, users)


if __name__ == "__main__":
    main()
