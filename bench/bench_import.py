"""The import at 1M contacts: preview of a 10,000-row file and import of 100,000 rows (validation, exact and
likely duplicates against the million, writes), with the process's peak memory.

python -m bench.bench_import [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
The file is synthetic: 80 % new people (rare surnames), 8 % with the e-mail of a stored person, 7 % a stored person with a
typo in the name, 3 % rows with a bad e-mail or PLZ, 2 % a second row of a person in the file. Writes run
in one transaction that is rolled back: the benchmark databases stay unchanged.
"""

from __future__ import annotations

import io
import os
import resource
import time

import numpy as np
import pandas as pd
from alembic.util import CommandError
from sqlalchemy import func, select

from bench.common import rolled_back_session, run_on_databases, settle
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Contact, Plz
from services.core.scope import Scope
from services.intake import importer
from services.intake.importer import ListInfo
from services.seed.pools import build_pools

TEAM = Scope(role="team", username="bench")
MAPPING = {
    "Vorname": "first_name",
    "Nachname": "last_name",
    "E-Mail": "email",
    "Telefon": "phone",
    "Straße": "street",
    "PLZ": "plz",
    "Ort": "city",
    "Themen": "topics",
}
INFO = ListInfo(
    file_name="bench.csv",
    source="wahlkampf_app",
    evidence="Opt-in in der Wahlkampf-App",
    consents=(("information", "email"),),
)
FIRST = np.array(
    [
        "Anna",
        "Ben",
        "Clara",
        "David",
        "Emine",
        "Felix",
        "Greta",
        "Hakan",
        "Ida",
        "Jonas",
        "Katrin",
        "Lukas",
        "Mira",
        "Noah",
        "Olga",
        "Paul",
        "Rosa",
        "Sami",
        "Tina",
        "Umut",
        "Vera",
        "Wolf",
    ]
)
LAST = np.array(
    [
        "Albers",
        "Brandt",
        "Çelik",
        "Dietrich",
        "Engel",
        "Fuchs",
        "Gärtner",
        "Hoffmann",
        "Iwanow",
        "Jansen",
        "Krause",
        "Lorenz",
        "Meier",
        "Nowak",
        "Otto",
        "Peters",
        "Quast",
        "Richter",
        "Schulz",
        "Thiel",
        "Ullrich",
        "Vogel",
        "Winter",
        "Yilmaz",
        "Zimmer",
    ]
)
TOPICS = np.array(["Miete", "Pflege", "Verkehr", "Frieden", "Miete, Pflege", ""])


def _typo(name: str, rng) -> str:
    i = int(rng.integers(1, max(2, len(name) - 1)))
    return name[:i] + name[i + 1 :] if len(name) > 4 else name + "e"


def synthetic_file(session, rows: int, seed: int = 1) -> bytes:
    """A CSV (Windows-1252, `;`) of `rows` people as described in the module docstring."""
    rng = np.random.default_rng(seed)
    plz = np.array(session.scalars(select(Plz.plz)).all())
    stored = pd.DataFrame(
        session.execute(
            select(Contact.first_name, Contact.last_name, Contact.email, Contact.plz, Contact.street)
            .where(Contact.email != "")
            .order_by(func.random())
            .limit(rows // 5)
        ).all(),
        columns=["first", "last", "email", "plz", "street"],
    )
    n_new, n_exact, n_typo, n_bad = int(rows * 0.80), int(rows * 0.08), int(rows * 0.07), int(rows * 0.03)
    n_twice = rows - n_new - n_exact - n_typo - n_bad
    # New people: first names from the demo pools, rare surnames and streets made of syllables (a common name
    # or street beside a namesake in the same PLZ would be a fair review case, not what this measures).
    pools = build_pools(seed)
    syllables = np.array(["ka", "lo", "mir", "ten", "ber", "da", "vos", "rin", "gu", "sel", "tam", "ow", "ski", "ha"])
    rare = ["".join(rng.choice(syllables, 3)).capitalize() + "ke" for _ in range(n_new)]
    new = pd.DataFrame({"Vorname": rng.choice(pools.first, n_new), "Nachname": rare})
    new["E-Mail"] = [f"neu{i}.bench@example.org" for i in range(n_new)]
    new["Telefon"] = [f"0151 {55500000 + i}" if i % 3 == 0 else "" for i in range(n_new)]
    new["Straße"] = [
        "".join(rng.choice(syllables, 2)).capitalize() + f"weg {rng.integers(1, 90)}" for _ in range(n_new)
    ]
    new["PLZ"] = rng.choice(plz, n_new)
    exact = stored.iloc[:n_exact]
    exact = pd.DataFrame(
        {
            "Vorname": exact["first"],
            "Nachname": exact["last"],
            "E-Mail": exact["email"].str.upper(),
            "Telefon": "",
            "Straße": "",
            "PLZ": exact["plz"],
        }
    )
    typo = stored.iloc[n_exact : n_exact + n_typo]
    typo = pd.DataFrame(
        {
            "Vorname": typo["first"],
            "Nachname": [_typo(x, rng) for x in typo["last"]],
            "E-Mail": "",
            "Telefon": "",
            "Straße": typo["street"],
            "PLZ": typo["plz"],
        }
    )
    bad = pd.DataFrame(
        {
            "Vorname": "Kaputt",
            "Nachname": "Zeile",
            "E-Mail": ["x,spy@evil.org", "ohne-at"] * (n_bad // 2) + ["x"] * (n_bad % 2),
            "Telefon": "",
            "Straße": "",
            "PLZ": "1067",
        }
    )
    twice = new.iloc[:n_twice].assign(Telefon="")
    frame = pd.concat([new, exact, typo, bad, twice], ignore_index=True)
    frame["Ort"] = ""
    frame["Themen"] = rng.choice(TOPICS, len(frame))
    out = io.StringIO()
    frame.sample(frac=1, random_state=seed).to_csv(out, sep=";", index=False)
    return out.getvalue().encode("cp1252", errors="replace")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(url: str, name: str) -> None:
    """Preview 10,000 rows, then import 100,000 rows, on one database, rolled back."""
    eng = make_engine(url)
    try:
        upgrade(eng)
    except CommandError as exc:  # a database migrated by a newer checkout: measure it as it is
        print(f"{name}: not migrated ({exc})")
    eng.dispose()
    settle(url, "contact", "contact_topic", "consent", "activity", "duplicate_candidate")
    with rolled_back_session(url) as s:
        print(f"{name}: {s.scalar(select(func.count()).select_from(Contact)):,} contacts", flush=True)
        small, big = synthetic_file(s, 10_000, seed=1), synthetic_file(s, 100_000, seed=2)
        base = _rss_mb()
        t = time.perf_counter()
        counts = importer.plan_import(s, TEAM, small, MAPPING, INFO).counts()
        print(
            f"  preview 10,000 rows: {time.perf_counter() - t:.2f} s "
            f"(new {counts['created']:,}, exact {counts['merged']:,}, review {counts['review']:,}, "
            f"rejected {counts['rejected']:,}, folded {counts['folded']:,}; load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        t = time.perf_counter()
        t0 = time.perf_counter()
        result = importer.run_import(
            s,
            TEAM,
            big,
            MAPPING,
            INFO,
            progress=lambda _f, text: print(f"    {time.perf_counter() - t0:6.1f} s  {text}"),
        )
        print(
            f"  import 100,000 rows: {time.perf_counter() - t:.2f} s "
            f"(new {result['created']:,}, exact {result['merged']:,}, review {result['review']:,}, "
            f"rejected {result['rejected']:,}, folded {result['folded']:,}; load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        print(
            f"  peak RSS {_rss_mb():,.0f} MB (before the import work {base:,.0f} MB, +{_rss_mb() - base:,.0f} MB)",
            flush=True,
        )


if __name__ == "__main__":
    run_on_databases(__doc__, run)
