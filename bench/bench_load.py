"""Load through the proxy: K staff sessions on 1 and 2 app processes against 1,000,000 contacts on PostgreSQL.

    python -m bench.bench_load [--pg URL] [--contacts 1000000] [--processes 1,2] [--sessions 10,30,60]
                               [--minutes 3] [--think 0] [--client protocol|browser] [--reseed]

Seeds the PostgreSQL database if it does not hold --contacts (seed 42; default database
bench_load_1m), creates one account per session (KV staff of different KVs, Land staff of different
Länder, team), starts the app processes (non-demo, one environment) behind the shipped nginx
configuration with TLS, and starts K sessions that log in and repeat, for --minutes:
Übersicht -> Linksaktive search -> Karte -> Zeitung bestellen (the order preview of the own area),
without a pause between the actions, or with --think seconds (0.5 to 1.5 times, at random) as staff
read what came.

--client protocol (default) speaks Streamlit's WebSocket protocol (harness/st_protocol.py): each
session logs in with a login cookie minted for a server-side session of its account, sends the
reruns a browser would send and times each action from the request to its script_finished. All K
sessions share one asyncio loop in this process, so the figures are the app tier's. --client browser
drives K Chromium contexts through the login form and times from the click to Streamlit's script
state back at notRunning; on a 2-core machine Chromium takes the cores and those figures measure the
load generator. Prints per action p50/p95/p99 and errors, the app processes' CPU and resident memory,
the PostgreSQL connections in use, and a model of where the app tier saturates.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from bench.bench_map import ensure_seeded  # noqa: E402
from bench.common import rss_mb  # noqa: E402
from db.engine import make_engine, make_session_factory  # noqa: E402
from db.models import Kreisverband, Land, User  # noqa: E402
from harness.browser import CHROMIUM_ARGS, find_chromium, start_app  # noqa: E402
from harness.proxy import free_port, self_signed, start_nginx, stop  # noqa: E402
from harness.st_protocol import ProtocolSession, mint_login_cookie, route_cookie  # noqa: E402
from scripts.proxy_config import ProxyOptions, render  # noqa: E402
from services.core.auth import hash_password  # noqa: E402
from services.core.settings import load_settings  # noqa: E402

PASSWORD = "last-test-linksaktiv"
ACTIONS = ("Übersicht", "Linksaktive-Suche", "Karte", "Bestellvorschau")
SEARCHES = ("Müller", "Schmidt", "Anna", "Weber", "Lena", "Fischer")
# Records when Streamlit's script state turns to notRunning, so a fast rerun is not missed.
IDLE_PROBE = """
(() => {
  window.__idleAt = 0;
  const mark = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (app && app.getAttribute('data-test-script-state') === 'notRunning') window.__idleAt = performance.now();
  };
  new MutationObserver(mark).observe(document, {subtree: true, attributes: true,
    attributeFilter: ['data-test-script-state'], childList: true});
})();
"""


@dataclass
class Run:
    """What one (processes, sessions) run measured."""

    processes: int
    sessions: int
    times: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    cpu_seconds: float = 0.0
    wall: float = 0.0
    rss_mb: list[float] = field(default_factory=list)
    pg_connections: int = 0
    login_failures: int = 0
    think: float = 0.0  # mean pause after each action (0: the next action at once)
    client_cpu_seconds: float = 0.0  # this process (the protocol clients; Chromium runs in processes of its own)
    pg_cpu_seconds: float | None = None  # the local PostgreSQL server's processes (None: not on this machine)


def accounts(url: str, count: int) -> list[str]:
    """count usernames of different roles and areas (created once, all with PASSWORD)."""
    engine = make_engine(url)
    names: list[str] = []
    with make_session_factory(engine)() as s:
        kvs = s.scalars(select(Kreisverband.id).order_by(Kreisverband.id)).all()
        laender = s.scalars(select(Land.code).order_by(Land.code)).all()
        hashed = hash_password(PASSWORD)
        plan = []
        for i in range(count):
            if i % 10 == 0:
                plan.append((f"bench-team-{i // 10}", "team", None, None))
            elif i % 10 in (1, 2) and len([p for p in plan if p[1] == "land"]) < len(laender):
                code = laender[len([p for p in plan if p[1] == "land"])]
                plan.append((f"bench-land-{code}", "land", code, None))
            else:
                kv = kvs[len([p for p in plan if p[1] == "kreis"]) * 7 % len(kvs)]
                plan.append((f"bench-kv-{kv}", "kreis", None, kv))
        for username, role, land, kv in plan:
            if s.scalar(select(User.id).where(User.username == username)) is None:
                s.add(
                    User(
                        username=username,
                        display_name=username,
                        email="",
                        password_hash=hashed,
                        role=role,
                        land_code=land,
                        kv_id=kv,
                        active=True,
                        failed_logins=0,
                    )
                )
            names.append(username)
        s.commit()
    engine.dispose()
    return names


class Sampler(threading.Thread):
    """Every 2 s: the app processes' CPU time and resident memory, PostgreSQL connections of the database."""

    def __init__(self, pids: list[int], url: str):
        super().__init__(daemon=True)
        self.pids, self.url = pids, url
        self.stop_at = False
        self.rss: list[float] = []
        self.connections = 0
        self.engine = make_engine(url)

    @staticmethod
    def cpu(pid: int) -> float:
        """User + system CPU seconds of a process."""
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def pg_cpu() -> float | None:
        """CPU seconds of a PostgreSQL server on this machine: its processes, plus what exited backends
        left in their parents' child times; None when no postgres process is visible here."""
        total, seen = 0, False
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                if (d / "comm").read_text().strip() != "postgres":
                    continue
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended while we looked
                continue
            seen = True
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
        return total / os.sysconf("SC_CLK_TCK") if seen else None

    def run(self) -> None:
        db = urlparse(self.url).path.lstrip("/")
        while not self.stop_at:
            try:
                self.rss.append(sum(rss_mb(p) for p in self.pids))
                with self.engine.connect() as conn:
                    n = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"), {"d": db})
                self.connections = max(self.connections, int(n) - 1)  # without the sampler's own
            except (OSError, ValueError):
                pass
            time.sleep(2)
        self.engine.dispose()


async def _rerun(page, do) -> float:
    """Seconds from the action to the finished rerun."""
    t0 = await page.evaluate("performance.now()")
    start = time.perf_counter()
    await do()
    await page.wait_for_function("t0 => window.__idleAt > t0 + 1", arg=t0, timeout=120_000)
    # Idle must hold: a rerun the click asked for may start a moment later.
    await page.wait_for_timeout(150)
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=120_000,
    )
    return time.perf_counter() - start - 0.15


async def _login(page, base: str, username: str) -> None:
    await page.goto(base)
    box = page.get_by_role("textbox", name="Benutzername", exact=True)
    await box.wait_for(timeout=120_000)
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=120_000,
    )
    await box.fill(username)
    await page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await page.get_by_role("button", name="Abmelden", exact=True).wait_for(timeout=180_000)


async def _session(browser, base: str, username: str, until: float, run: Run, index: int) -> None:
    context = await browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="de-DE", ignore_https_errors=True
    )
    await context.add_init_script(IDLE_PROBE)
    page = await context.new_page()
    page.set_default_timeout(120_000)
    try:
        await _login(page, base, username)
    except Exception:  # noqa: BLE001 (a failed login is counted, the run goes on)
        run.login_failures += 1
        await context.close()
        return
    nav = page.get_by_test_id("stSidebar")
    query = SEARCHES[index % len(SEARCHES)]

    async def search():
        await nav.get_by_role("link", name="Linksaktive", exact=True).click()
        box = page.get_by_role("textbox", name="Suche nach Name, E-Mail oder PLZ", exact=True)
        await box.wait_for()
        await box.fill(query)
        await box.press("Enter")

    steps = {
        "Übersicht": lambda: nav.get_by_role("link", name="Übersicht", exact=True).click(),
        "Linksaktive-Suche": search,
        "Karte": lambda: nav.get_by_role("link", name="Karte", exact=True).click(),
        "Bestellvorschau": lambda: nav.get_by_role("link", name="Zeitung bestellen", exact=True).click(),
    }
    while time.perf_counter() < until:
        for action in ACTIONS:
            if time.perf_counter() >= until:
                break
            try:
                run.times[action].append(await _rerun(page, steps[action]))
                if (
                    await page.get_by_test_id("stException").count()
                    or await page.get_by_test_id("stAlertContentError").count()
                ):
                    run.errors[action] += 1
            except Exception:  # noqa: BLE001 (a timeout or lost page is an error of this action)
                run.errors[action] += 1
            await _think(run)
    await context.close()


async def _think(run: Run) -> None:
    # Spread around the mean, so that sessions started together do not click in step.
    if run.think:
        await asyncio.sleep(random.uniform(0.5, 1.5) * run.think)


async def _protocol_session(base: str, cookie: dict[str, str], until: float, run: Run, index: int) -> None:
    # A browser's first request is a plain GET of /: the proxy answers with its route cookie, which
    # keeps this session's WebSocket on one app process.
    route = await asyncio.to_thread(route_cookie, base)
    try:
        session = await ProtocolSession.open(base, {**cookie, **({"cockpit_route": route} if route else {})})
        first = await session.rerun()
    except Exception:  # noqa: BLE001 (a failed login is counted, the run goes on)
        run.login_failures += 1
        return
    if first.widget("button", "Abmelden") is None:  # the login form came: the cookie was refused
        run.login_failures += 1
        await session.close()
        return
    query = SEARCHES[index % len(SEARCHES)]

    async def search():
        # As in the browser: open the Linksaktive page, then type the name into its search box.
        page = await session.rerun("Linksaktive")
        box = page.widget("text_input", "Suche nach Name, E-Mail oder PLZ")
        if box is None:
            return [page, None]
        return [page, await session.rerun(widgets={box.id: query})]

    async def one(page: str):
        return [await session.rerun(page)]

    steps = {
        "Übersicht": lambda: one("Übersicht"),
        "Linksaktive-Suche": search,
        "Karte": lambda: one("Karte"),
        "Bestellvorschau": lambda: one("Zeitung bestellen"),
    }
    while time.perf_counter() < until:
        for action in ACTIONS:
            if time.perf_counter() >= until:
                break
            start = time.perf_counter()
            try:
                results = await steps[action]()
            except Exception:  # noqa: BLE001 (a timeout or lost connection is an error of this action)
                run.errors[action] += 1
                await _think(run)
                continue
            run.times[action].append(time.perf_counter() - start)
            if any(r is None or r.errors for r in results):
                run.errors[action] += 1
            await _think(run)
    await session.close()


async def _drive_protocol(base: str, cookies: list[dict[str, str]], minutes: float, run: Run) -> None:
    until = time.perf_counter() + 30 + minutes * 60

    async def staggered(i: int, cookie: dict[str, str]):
        await asyncio.sleep(30 * i / max(len(cookies), 1))
        await _protocol_session(base, cookie, until, run, i)

    await asyncio.gather(*(staggered(i, c) for i, c in enumerate(cookies)))


def login_cookies(url: str, users: list[str], env: dict[str, str]) -> list[dict[str, str]]:
    """Per user a login cookie (name -> value) of a new server-side session, as the app processes read it."""
    settings = load_settings({**os.environ, "DATABASE_URL": url, **env})
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        cookies = [
            {settings.cookie_name: mint_login_cookie(s, u, settings.cookie_key, settings.cookie_expiry_days)}
            for u in users
        ]
    engine.dispose()
    return cookies


async def _drive(base: str, users: list[str], minutes: float, run: Run) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        # Logins are staggered over the first half minute, as staff arrive; the clock runs for all.
        until = time.perf_counter() + 30 + minutes * 60

        async def staggered(i: int, name: str):
            await asyncio.sleep(30 * i / max(len(users), 1))
            await _session(browser, base, name, until, run, i)

        await asyncio.gather(*(staggered(i, n) for i, n in enumerate(users)))
        await browser.close()


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of values, nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def report(run: Run) -> None:
    """Print one run's figures."""
    done = sum(len(v) for v in run.times.values())
    print(
        f"\n== {run.processes} app process(es), {run.sessions} sessions"
        f"{f', think {run.think:g} s' if run.think else ''}, {run.wall:.0f} s; load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'action':<20}{'n':>6}{'p50 s':>9}{'p95 s':>9}{'p99 s':>9}{'errors':>8}")
    for action in ACTIONS:
        t = run.times[action]
        print(f"{action:<20}{len(t):>6}{pct(t, 50):>9.2f}{pct(t, 95):>9.2f}{pct(t, 99):>9.2f}{run.errors[action]:>8}")
    cpu_share = run.cpu_seconds / run.wall if run.wall else 0
    print(
        f"actions {done} ({done / run.wall * 60:.0f}/min), login failures {run.login_failures}; app CPU "
        f"{cpu_share * 100:.0f} % of one core, {run.cpu_seconds / max(done, 1):.2f} CPU-s per action; "
        f"RSS of the app processes max {max(run.rss_mb or [0]):.0f} MB; PostgreSQL connections max {run.pg_connections}"
    )
    print(
        f"load generator (this process) CPU {run.client_cpu_seconds / run.wall * 100 if run.wall else 0:.0f} % of one core"
    )
    if run.pg_cpu_seconds is not None:
        print(
            f"PostgreSQL CPU {run.pg_cpu_seconds / run.wall * 100 if run.wall else 0:.0f} % of one core, "
            f"{run.pg_cpu_seconds / max(done, 1):.3f} CPU-s per action"
        )


def model(runs: list[Run]) -> None:
    """Where the app tier saturates, from the measured CPU per action and the cores of this machine."""
    cores = os.cpu_count() or 1
    print("\n== model")
    for run in runs:
        done = sum(len(v) for v in run.times.values())
        if not done:
            continue
        per_action = run.cpu_seconds / done
        p95 = max(pct(run.times[a], 95) for a in ACTIONS)
        # A session acts again as soon as its rerun is drawn: at saturation the app processes use
        # min(processes, cores) cores, so they finish cores / per_action actions per second.
        usable = min(run.processes, cores)
        capacity = usable / per_action
        print(
            f"{run.processes} process(es), {run.sessions} sessions: {per_action:.2f} CPU-s per action, worst p95 {p95:.2f} s; "
            f"the app tier finishes at most ≈ {capacity:.1f} actions/s on {usable} core(s), "
            f"≈ {capacity * 60 / 4:.0f} session rounds of 4 actions per minute"
        )
        if run.pg_cpu_seconds is not None:
            # The whole machine: app processes and PostgreSQL share the cores.
            pg = run.pg_cpu_seconds / done
            whole = cores / (per_action + pg)
            # A session that waits for its answer and then thinks for T seconds asks 1 / (T + R) actions
            # per second; with answers in R = 2 s the machine carries whole * (T + 2) such sessions.
            print(
                f"  with PostgreSQL ({pg:.3f} CPU-s per action): this machine finishes ≈ {whole:.1f} actions/s on "
                f"{cores} cores; at answers of 2 s it carries ≈ {whole * 2:.0f} sessions without a pause, "
                f"≈ {whole * (2 + 15):.0f} with 15 s reading time; each further core with its own app process "
                f"adds ≈ {1 / (per_action + pg):.1f} actions/s"
            )
    print(
        "One Streamlit process runs every script on one core (Python's GIL): a second process buys a second core "
        "as long as the machine has one free; beyond the cores, more processes add nothing."
    )


def main() -> None:
    """Run the load benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--pg", default=os.environ.get("BENCH_LOAD_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load_1m")
    )
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--processes", default="1,2")
    ap.add_argument("--sessions", default="10,30,60")
    ap.add_argument("--minutes", type=float, default=3)
    ap.add_argument("--think", type=float, default=0.0, help="mean seconds between a session's actions")
    ap.add_argument("--client", choices=("protocol", "browser"), default="protocol")
    ap.add_argument("--reseed", action="store_true")
    args = ap.parse_args()
    if args.client == "browser" and find_chromium() is None:
        raise SystemExit("Debian's chromium is needed (apt-get install chromium)")
    ensure_seeded(args.pg, args.contacts, args.reseed)
    counts = [int(k) for k in args.sessions.split(",")]
    users = accounts(args.pg, max(counts))
    env = {"DEMO_MODE": "0", "COOKIE_KEY": secrets.token_hex(32), "LINK_SECRET": secrets.token_hex(32)}
    print(
        f"machine: {os.cpu_count()} CPUs; {args.contacts:,} contacts on PostgreSQL; {args.minutes} min per run; "
        f"client {args.client}; load before {os.getloadavg()[0]:.1f}"
    )
    runs = []
    for processes in (int(p) for p in args.processes.split(",")):
        apps = [start_app(args.pg, env, timeout=600) for _ in range(processes)]
        tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
        cert, key = self_signed(tmp)
        https = free_port()
        ports = tuple(urlparse(base).port for _, base in apps)
        site = render(
            ProxyOptions(
                ports=ports,
                cert=str(cert),
                key=str(key),
                https_port=https,
                http_port=free_port(),
                listen_address="127.0.0.1",
            )
        )
        proxy = start_nginx(tmp, site, https)
        try:
            for k in counts:
                run = Run(processes, k, think=args.think)
                pids = [proc.pid for proc, _ in apps]
                sampler = Sampler(pids, args.pg)
                base = f"https://127.0.0.1:{https}"
                cookies = login_cookies(args.pg, users[:k], env) if args.client == "protocol" else []
                cpu0 = sum(Sampler.cpu(p) for p in pids)
                own0 = Sampler.cpu(os.getpid())
                pg0 = Sampler.pg_cpu()
                t0 = time.perf_counter()
                sampler.start()
                if args.client == "protocol":
                    asyncio.run(_drive_protocol(base, cookies, args.minutes, run))
                else:
                    asyncio.run(_drive(base, users[:k], args.minutes, run))
                sampler.stop_at = True
                sampler.join()
                run.wall = time.perf_counter() - t0
                run.cpu_seconds = sum(Sampler.cpu(p) for p in pids) - cpu0
                run.client_cpu_seconds = Sampler.cpu(os.getpid()) - own0
                pg1 = Sampler.pg_cpu()
                run.pg_cpu_seconds = pg1 - pg0 if pg0 is not None and pg1 is not None else None
                run.rss_mb, run.pg_connections = sampler.rss, sampler.connections
                report(run)
                runs.append(run)
        finally:
            stop(proxy)
            for proc, _ in apps:
                stop(proc)
    model(runs)
    print(
        f"\np95 goal ≤ 2 s for every action at 30 sessions; median of all actions: "
        f"{statistics.median([t for r in runs for v in r.times.values() for t in v] or [float('nan')]):.2f} s"
    )


if __name__ == "__main__":
    main()
