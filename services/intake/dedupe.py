"""Duplicate detection: exact keys (e-mail, E.164 phone) and likely matches by blocking plus rapidfuzz scores."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler, Levenshtein

# A pair at or above this score goes to the review queue as a likely duplicate (tuned on FEBRL, bench_dedupe).
LIKELY_THRESHOLD = 0.70
# At least one name part must be this similar for a likely match: a family shares address and PLZ, but a
# married name or a nickname changes only one part.
NAME_FLOOR = 0.85
# Same e-mail or phone merges automatically only when the names do not contradict it (shared family mail).
EXACT_NAME_FLOOR = 0.75
# A field counts as agreeing (shown to staff) from this similarity.
AGREE_AT = 0.90
# Weights of the fields in the score; a field empty on either side leaves the average.
WEIGHTS = {
    "first_name": 0.20,
    "last_name": 0.25,
    "street": 0.20,
    "plz": 0.15,
    "city": 0.15,
    "birth_year": 0.15,
    "email": 0.20,
    "phone": 0.20,
}
# Blocks with more existing records than this are too unspecific to compare (a common name in a big city).
MAX_BLOCK = 300
MATCHES_PER_RECORD = 3
CHUNK = 500_000  # candidate pairs scored at once

_STREET_WORDS = re.compile(r"\b(strasse|str|straße)\b\.?")


@dataclass(frozen=True)
class Record:
    """The fields duplicate detection compares; email lowercased, phone in E.164 (validation does both)."""

    id: object
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    plz: str = ""
    city: str = ""
    birth_year: int | None = None


@dataclass(frozen=True)
class Match:
    """A new record that matches an existing one: 'exact' merges automatically, 'likely' goes to review."""

    new_index: int
    existing_id: object
    score: float
    kind: str
    agreeing_fields: tuple[str, ...]


@dataclass(frozen=True)
class Pair:
    """Two records of one list that look like the same person (left_id, right_id in input order)."""

    left_id: object
    right_id: object
    score: float
    kind: str
    agreeing_fields: tuple[str, ...]


def fold(text) -> str:
    """Text in comparable form: lowercase, umlauts spelt out, accents dropped, only letters, digits, spaces."""
    text = str(text or "").casefold()
    if not text.isascii():
        text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def street_key(text) -> str:
    """A street in comparable form: folded, 'Straße'/'Str.' as 'str', so spellings agree."""
    return _STREET_WORDS.sub("str", fold(text).replace("strasse", "str"))


def email_key(text) -> str:
    """The e-mail as a key: trimmed and lowercased; dots are kept (only Gmail ignores them)."""
    return str(text or "").strip().lower()


def records_frame(records: Iterable[Record] | pd.DataFrame) -> pd.DataFrame:
    """Records as a DataFrame with the Record columns (a DataFrame passes through, missing columns empty)."""
    if isinstance(records, pd.DataFrame):
        frame = records
    else:
        frame = pd.DataFrame([asdict(r) for r in records], columns=[f.name for f in fields(Record)])
    for f in fields(Record):
        if f.name not in frame:
            frame = frame.assign(**{f.name: None if f.name in ("id", "birth_year") else ""})
    return frame


def _each_distinct(func, column: pd.Series) -> pd.Series:
    # Names repeat a lot (a few thousand first names cover a million people): fold each distinct value once.
    codes, uniques = pd.factorize(column.fillna("").astype(str).to_numpy())
    folded = np.array([func(v) for v in uniques], dtype=object)
    return pd.Series(folded[codes] if len(codes) else [], dtype="str")


def prepare(records: Iterable[Record] | pd.DataFrame) -> pd.DataFrame:
    """The comparison columns and block keys of records (build once for the existing million, reuse)."""
    frame = records_frame(records)
    out = pd.DataFrame({"id": frame["id"].to_numpy()})
    for col in ("first_name", "last_name", "city"):
        out[col] = _each_distinct(fold, frame[col])
    out["street"] = _each_distinct(street_key, frame["street"])
    out["plz"] = frame["plz"].fillna("").astype(str).str.strip()
    out["email"] = frame["email"].fillna("").astype(str).str.strip().str.lower()
    out["phone"] = frame["phone"].fillna("").astype(str).str.replace(r"[^0-9+]", "", regex=True)
    out["birth_year"] = pd.to_numeric(frame["birth_year"], errors="coerce").fillna(0).astype("int32")
    year = out["birth_year"].astype(str).where(out["birth_year"] > 0, "")
    f1, l1 = out["first_name"].str[:1], out["last_name"].str[:1]
    f2, l2 = out["first_name"].str[:2], out["last_name"].str[:2]
    region = out["plz"].str[:2]
    sorted_initials = pd.Series(np.where(f2 < l2, f2 + "|" + l2, l2 + "|" + f2), index=out.index)
    # Several cheap keys, each tolerant to errors the others miss (a typo in a name, a move, a mistyped PLZ).
    # Each is narrow enough that at a million contacts a new record meets only a few dozen others.
    out["k_plz_last"] = _key(out["plz"], l2)
    out["k_plz_first"] = _key(out["plz"], f2)
    out["k_plz_names"] = _key(out["plz"], sorted_initials)  # swapped first and last name
    out["k_plz_year"] = _key(out["plz"], year)
    out["k_year_last"] = _key(year, out["last_name"].str[:3] + f1)
    out["k_year_first"] = _key(year, out["first_name"].str[:3] + l1)
    out["k_year_initials"] = _key(year, f1 + l1 + region)
    out["k_street_region"] = _key(out["street"].str[:6], out["plz"].str[:3])
    out["k_street_year"] = _key(out["street"].str[:5], year + region.str[:1])
    out["k_names"] = _key(out["last_name"].str[:4], out["first_name"].str[:3] + region.str[:1])
    out["k_city_names"] = _key(out["city"].str[:4], out["last_name"].str[:3] + f1)
    return out


BLOCK_KEYS = (
    "k_plz_last",
    "k_plz_first",
    "k_plz_names",
    "k_plz_year",
    "k_year_last",
    "k_year_first",
    "k_year_initials",
    "k_street_region",
    "k_street_year",
    "k_names",
    "k_city_names",
)


def _key(a: pd.Series, b: pd.Series) -> pd.Series:
    a, b = a.astype(str), b.astype(str)
    return (a + "#" + b).where((a.str.len() > 0) & (b.str.len() > 0) & (b != "|"), "")


def _pairs_on(left: pd.DataFrame, right: pd.DataFrame, col: str, same: bool) -> np.ndarray:
    lk = left[col].to_numpy()
    rk = right[col].to_numpy()
    lf = pd.DataFrame({"k": lk, "i": np.arange(len(lk))})
    rf = pd.DataFrame({"k": rk, "j": np.arange(len(rk))})
    lf, rf = lf[lf["k"] != ""], rf[rf["k"] != ""]
    sizes = rf["k"].value_counts()
    rf = rf[~rf["k"].isin(sizes.index[sizes > MAX_BLOCK])]
    merged = lf.merge(rf, on="k")
    i, j = merged["i"].to_numpy(np.int64), merged["j"].to_numpy(np.int64)
    if same:
        keep = i < j
        i, j = i[keep], j[keep]
    return np.stack([i, j], axis=1)


def _exact_pairs(left: pd.DataFrame, right: pd.DataFrame, same: bool) -> np.ndarray:
    found = [_pairs_on(left, right, col, same) for col in ("email", "phone")]
    return np.concatenate(found) if found else np.empty((0, 2), np.int64)


def candidate_pairs(left: pd.DataFrame, right: pd.DataFrame, same: bool = False) -> np.ndarray:
    """Index pairs (i into left, j into right) that share a block key or an exact key, without repeats."""
    parts = [_pairs_on(left, right, col, same) for col in BLOCK_KEYS]
    parts.append(_exact_pairs(left, right, same))
    pairs = np.concatenate(parts)
    if not len(pairs):
        return pairs
    code = np.unique(pairs[:, 0] * len(right) + pairs[:, 1])
    return np.stack([code // len(right), code % len(right)], axis=1)


def _sim(scorer, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if not len(a):
        return np.empty(0, dtype=np.float64)
    return process.cpdist(a, b, scorer=scorer, workers=-1, dtype=np.float64)


_TEXT_COLUMNS = ("first_name", "last_name", "street", "plz", "city", "email", "phone")


def _arrays(frame) -> dict[str, np.ndarray]:
    if isinstance(frame, dict):
        return frame
    arrays = {c: frame[c].to_numpy(dtype=object) for c in _TEXT_COLUMNS}
    arrays["birth_year"] = frame["birth_year"].to_numpy()
    return arrays


def score_pairs(left, right, pairs: np.ndarray) -> pd.DataFrame:
    """Per pair: similarity per field, the weighted score in [0, 1], the name score and the exact flag."""
    left, right = _arrays(left), _arrays(right)
    i, j = pairs[:, 0], pairs[:, 1]
    col = {c: (left[c][i], right[c][j]) for c in _TEXT_COLUMNS}
    jw = JaroWinkler.normalized_similarity
    sims = {
        "first_name": _sim(jw, *col["first_name"]),
        "last_name": _sim(jw, *col["last_name"]),
        "street": _sim(fuzz.token_sort_ratio, *col["street"]) / 100,
        "plz": _sim(Levenshtein.normalized_similarity, *col["plz"]),
        "city": _sim(jw, *col["city"]),
    }
    swapped = (
        _sim(jw, col["first_name"][0], col["last_name"][1]) + _sim(jw, col["last_name"][0], col["first_name"][1])
    ) / 2
    straight = (sims["first_name"] + sims["last_name"]) / 2
    use_swap = swapped > straight + 0.05
    sims["first_name"] = np.where(use_swap, swapped, sims["first_name"])
    sims["last_name"] = np.where(use_swap, swapped, sims["last_name"])
    ya, yb = left["birth_year"][i], right["birth_year"][j]
    sims["birth_year"] = np.where(ya == yb, 1.0, 0.0)
    present = {c: (_nonempty(col[c][0]) & _nonempty(col[c][1])) for c in col}
    present["birth_year"] = (ya > 0) & (yb > 0)
    for key in ("email", "phone"):
        # Only agreement counts: people have several addresses, a different one says little.
        sims[key] = (col[key][0] == col[key][1]).astype(np.float64)
        present[key] = present[key] & (sims[key] > 0)
    total = np.zeros(len(pairs))
    weight = np.zeros(len(pairs))
    for c, w in WEIGHTS.items():
        total += np.where(present[c], w * sims[c], 0.0)
        weight += np.where(present[c], w, 0.0)
    first_known = present["first_name"]
    name = np.where(first_known, np.maximum(straight, swapped), sims["last_name"])
    best_part = np.where(first_known, np.maximum(sims["first_name"], sims["last_name"]), sims["last_name"])
    exact = present["email"] | present["phone"]
    out = pd.DataFrame(
        {
            "i": i,
            "j": j,
            "score": np.where(weight > 0, total / np.maximum(weight, 1e-9), 0.0),
            "name": name,
            "best_part": best_part,
            "exact": exact,
            "swapped": use_swap,
        }
    )
    for c in WEIGHTS:
        out["sim_" + c] = np.where(present[c], sims[c], np.nan)
        out["agree_" + c] = present[c] & (sims[c] >= AGREE_AT)
    return out


def _nonempty(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=object).astype(bool)


def classify(scored: pd.DataFrame, threshold: float = LIKELY_THRESHOLD) -> pd.DataFrame:
    """The scored pairs that are duplicates, with kind 'exact' or 'likely', best first."""
    exact = scored["exact"] & (scored["name"] >= EXACT_NAME_FLOOR)
    # Another first name and another birth year: a relative at the same address, not the same person.
    relative = (scored["sim_first_name"] < NAME_FLOOR) & (scored["sim_birth_year"] == 0)
    likely = ~exact & (scored["score"] >= threshold) & (scored["best_part"] >= NAME_FLOOR) & ~relative
    out = scored[exact | likely].copy()
    out["kind"] = np.where(exact[exact | likely], "exact", "likely")
    out.loc[out["kind"] == "exact", "score"] = 1.0
    return out.sort_values(["i", "score"], ascending=[True, False])


def _classified(left: pd.DataFrame, right: pd.DataFrame, pairs: np.ndarray, threshold: float) -> pd.DataFrame:
    # Scoring in chunks keeps memory flat however many candidate pairs the blocks produce.
    la, ra = _arrays(left), _arrays(right)
    parts = [classify(score_pairs(la, ra, pairs[k : k + CHUNK]), threshold) for k in range(0, len(pairs), CHUNK)]
    if not parts:
        return classify(score_pairs(la, ra, pairs), threshold)
    return pd.concat(parts).sort_values(["i", "score"], ascending=[True, False])


def _agreeing(row) -> tuple[str, ...]:
    names = [c for c in WEIGHTS if getattr(row, "agree_" + c)]
    if row.swapped:
        names.append("name_swapped")
    return tuple(names)


def find_matches(
    new_records: Sequence[Record] | pd.DataFrame,
    existing: Sequence[Record] | pd.DataFrame,
    threshold: float = LIKELY_THRESHOLD,
    existing_prepared: pd.DataFrame | None = None,
    new_prepared: pd.DataFrame | None = None,
) -> list[Match]:
    """Matches of each new record among the existing ones (at most three per new record, best first).

    existing_prepared, new_prepared: the sides as prepare() made them, when the caller reuses them.
    """
    if not len(new_records):
        return []
    left = new_prepared if new_prepared is not None else prepare(new_records)
    right = existing_prepared if existing_prepared is not None else prepare(existing)
    if not len(left) or not len(right):
        return []
    found = _classified(left, right, candidate_pairs(left, right), threshold)
    found = found.groupby("i", sort=False).head(MATCHES_PER_RECORD)
    ids = right["id"].tolist()
    return [
        Match(int(r.i), ids[r.j], round(float(r.score), 4), r.kind, _agreeing(r)) for r in found.itertuples(index=False)
    ]


def find_pairs_within(
    records: Sequence[Record] | pd.DataFrame, threshold: float = LIKELY_THRESHOLD, prepared: pd.DataFrame | None = None
) -> list[Pair]:
    """Pairs of records in one list that look like one person (a scan of an area, two rows in one file)."""
    frame = prepared if prepared is not None else prepare(records)
    if len(frame) < 2:
        return []
    found = _classified(frame, frame, candidate_pairs(frame, frame, same=True), threshold)
    ids = frame["id"].tolist()
    return [
        Pair(ids[r.i], ids[r.j], round(float(r.score), 4), r.kind, _agreeing(r)) for r in found.itertuples(index=False)
    ]


def group_pairs(ids: Iterable, pairs: Iterable[Pair], kinds: tuple[str, ...] = ("exact",)) -> list[list]:
    """Groups of ids joined by pairs of the given kinds (union–find), each in input order; singles included."""
    order = list(ids)
    parent = {x: x for x in order}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        if p.kind in kinds:
            a, b = root(p.left_id), root(p.right_id)
            if a != b:
                parent[b] = a
    groups: dict = {}
    for x in order:
        groups.setdefault(root(x), []).append(x)
    return list(groups.values())
