"""Vectorised generation of contacts with topics, consents, activities and volunteer offers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from db.topic_mask import BITS
from domain.enums import ACTIVITY_KINDS, AVAILABILITY, SKILLS, SOURCES, TOPICS
from services.seed.clock import DAY, Clock
from services.seed.pools import ACTIVITY_NOTES, EMAIL_DOMAINS, VOLUNTEER_NOTES, Pools, obj
from services.seed.structure import EAST, Geo

CHUNK = 100_000  # fixed, so the data depend only on the seed and the size, not on memory
SOURCE_W = {
    "infostand": 24,
    "haustuer": 14,
    "veranstaltung": 14,
    "social_media": 16,
    "wahlkampf_app": 12,
    "webformular": 16,
    "import": 4,
}
TOPIC_W = {
    "pflege": 14,
    "miete": 18,
    "verkehr": 8,
    "umverteilung": 12,
    "frieden": 10,
    "klima": 10,
    "bildung": 8,
    "arbeit": 9,
    "gesundheit": 7,
    "antifaschismus": 6,
}
# (purpose, channel, weight): newspaper by post is common so free shipping has an audience.
CONSENT_COMBOS = (
    ("information", "email", 75),
    ("call_to_action", "email", 45),
    ("newspaper", "post", 45),
    ("information", "post", 12),
    ("call_to_action", "sms", 12),
    ("call_to_action", "phone", 6),
    ("information", "phone", 5),
    ("volunteering", None, 30),
    ("pass_to_branch", None, 30),
)
EXTRA_KINDS = tuple(
    k for k in ACTIVITY_KINDS if k not in ("created", "status_change", "import", "merge") and not k.startswith("link_")
)
# Orders, offers and assignments have their own records; a bare timeline entry would contradict them.
EXTRA_KIND_W = np.array([14, 10, 12, 14, 10, 12, 0, 0, 0, 9], dtype=float)
EVIDENCE = {
    "email": "Double-Opt-In bestätigt am ",
    "post": "Unterschrift auf Formular vom ",
    "phone": "Mündlich am Telefon bestätigt am ",
    "sms": "Per SMS-Code bestätigt am ",
    None: "Einwilligung auf Formular erteilt am ",
}
AVAIL_SETS = obj(",".join(c for b, c in enumerate(AVAILABILITY) if m >> b & 1) for m in range(1, 8))


@dataclass
class ContactContext:
    """Everything a chunk needs: geography, pools, clock and per-Kreis weights."""

    geo: Geo
    pools: Pools
    clock: Clock
    kreis_cum: np.ndarray
    ags: np.ndarray
    kv_id: np.ndarray
    land: np.ndarray
    start: np.ndarray
    count: np.ndarray

    @classmethod
    def build(cls, geo: Geo, pools: Pools, clock: Clock, rng: np.random.Generator) -> ContactContext:
        """Kreis weights: population, a little more in the east, a little local variation."""
        k = geo.kreise
        weight = k["population"].to_numpy(float) * np.where(k["land_code"].isin(EAST), 1.5, 1.0)
        weight *= rng.lognormal(0.0, 0.25, len(k))
        weight[k["count"].to_numpy() == 0] = 0.0
        return cls(
            geo,
            pools,
            clock,
            np.cumsum(weight),
            k["ags"].to_numpy(dtype=object),
            k["kv_id"].to_numpy(np.int64),
            k["land_code"].to_numpy(dtype=object),
            k["start"].to_numpy(np.int64),
            k["count"].to_numpy(np.int64),
        )


def _top_k(rng: np.random.Generator, n: int, weights, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, k distinct categories drawn by weight (Gumbel top-k): (row index, category)."""
    w = np.asarray(weights, dtype=float)
    keys = np.log(w / w.sum()) - np.log(-np.log(rng.random((n, len(w)))))
    order = np.argsort(-keys, axis=1)
    mask = np.arange(len(w)) < k[:, None]
    return np.repeat(np.arange(n), k), order[mask]


def _between(rng, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return lo + (rng.random(len(lo)) * (hi - lo)).astype(np.int64)


def _cols(**columns) -> tuple[tuple[str, ...], list[tuple]]:
    names = tuple(columns)
    values = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns.values()]
    return names, list(zip(*values))


def generate_chunk(
    rng: np.random.Generator, ctx: ContactContext, first_id: int, n: int, next_ids: dict[str, int]
) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """Rows of contacts first_id.. first_id+n-1 and their children; advances next_ids."""
    p, clock, now = ctx.pools, ctx.clock, ctx.clock.now_s
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    kidx = np.searchsorted(ctx.kreis_cum, rng.random(n) * ctx.kreis_cum[-1], side="right")
    pidx = ctx.start[kidx] + (rng.random(n) * ctx.count[kidx]).astype(np.int64)
    female = rng.random(n) < 0.5
    fi = np.where(female, rng.integers(0, p.first_female_count, n), rng.integers(p.first_female_count, len(p.first), n))
    li = rng.integers(0, len(p.last), n)
    email = (
        p.first_ascii[fi]
        + "."
        + p.last_ascii[li]
        + p.email_suffixes[rng.integers(0, len(p.email_suffixes), n)]
        + "@"
        + obj(EMAIL_DOMAINS)[rng.integers(0, len(EMAIL_DOMAINS), n)]
    )
    street = (
        p.streets[rng.integers(0, len(p.streets), n)] + " " + p.house_numbers[rng.integers(0, len(p.house_numbers), n)]
    )
    # More recent contacts weigh more: ages over ~3 years, dense near today.
    created = now - (1095 * DAY * rng.random(n) ** 1.8).astype(np.int64) - rng.integers(60, 3600, n)
    r = rng.random(n)
    is_active, is_member = r < 0.30, r < 0.08
    active_s = _between(rng, created, np.full(n, now))
    member_s = _between(rng, active_s, np.full(n, now))
    updated = np.maximum(
        np.where(rng.random(n) < 0.5, created, _between(rng, created, np.full(n, now))),
        np.where(is_member, member_s, np.where(is_active, active_s, created)),
    )
    src_codes = obj(SOURCES)
    src = rng.choice(len(SOURCE_W), n, p=np.array([SOURCE_W[s] for s in SOURCES], float) / sum(SOURCE_W.values()))
    out: dict[str, tuple[tuple[str, ...], list[tuple]]] = {}

    # Topics: 1-4 each, 2 on average.
    t_row, t_cat = _top_k(rng, n, [TOPIC_W[t] for t in TOPICS], rng.choice(4, n, p=[0.35, 0.35, 0.2, 0.1]) + 1)
    out["contact_topic"] = _cols(contact_id=ids[t_row], topic=obj(TOPICS)[t_cat])
    # The bits db/topic_mask.py's triggers would set (they are off during a seed); one row per (person, topic).
    topic_mask = np.zeros(n, dtype=np.int64)
    np.add.at(topic_mask, t_row, np.array([BITS[t] for t in TOPICS], dtype=np.int64)[t_cat])

    # Consents: 1-5 distinct (purpose, channel) records, 3 on average, about 10 % withdrawn.
    c_row, c_cat = _top_k(rng, n, [w for *_, w in CONSENT_COMBOS], rng.choice(5, n, p=[0.15, 0.2, 0.3, 0.2, 0.15]) + 1)
    m = len(c_row)
    purpose = obj(c[0] for c in CONSENT_COMBOS)[c_cat]
    channel = obj(c[1] for c in CONSENT_COMBOS)[c_cat]
    granted = created[c_row] + np.where(
        rng.random(m) < 0.6, 0, (rng.random(m) * np.minimum(30 * DAY, now - created[c_row])).astype(np.int64)
    )
    withdrawn = rng.random(m) < 0.10
    withdrawn_s = _between(rng, granted, np.full(m, now))
    evidence = obj(EVIDENCE[ch] for ch in channel) + clock.day_de(granted)
    out["consent"] = _cols(
        id=np.arange(next_ids["consent"], next_ids["consent"] + m),
        contact_id=ids[c_row],
        purpose=purpose,
        channel=channel,
        granted_at=clock.ts(granted),
        source=src_codes[src[c_row]],
        evidence=evidence,
        withdrawn_at=clock.ts_or_none(withdrawn_s, withdrawn),
    )
    next_ids["consent"] += m
    has_email = rng.random(n) < 0.85
    has_email[c_row[channel == "email"]] = True
    has_phone = rng.random(n) < 0.35
    has_phone[c_row[(channel == "phone") | (channel == "sms")]] = True

    emails = np.where(has_email, email, "")
    phone_idx = rng.integers(0, len(p.phones), n)
    out["contact"] = _cols(
        id=ids,
        first_name=p.first[fi],
        last_name=p.last[li],
        email=emails,
        email_key=np.char.lower(np.char.strip(emails.astype(str))).astype(object),
        phone=np.where(has_phone, p.phones[phone_idx], ""),
        phone_key=np.where(has_phone, p.phone_keys[phone_idx], ""),
        street=street,
        plz=ctx.geo.plz_codes[pidx],
        city=ctx.geo.plz_place[pidx],
        kreis_ags=ctx.ags[kidx],
        kv_id=ctx.kv_id[kidx],
        land_code=ctx.land[kidx],
        status=np.where(is_member, "member", np.where(is_active, "active", "contact")).astype(object),
        contact_since=clock.day(created),
        active_since=np.where(is_active, clock.day(active_s), None),
        member_since=np.where(is_member, clock.day(member_s), None),
        source=src_codes[src],
        topic_mask=topic_mask,
        created_at=clock.ts(created),
        updated_at=clock.ts(updated),
    )

    # Activities: 'created' first, status steps, then 0-5 others; about 3 per contact.
    extra = rng.choice(6, n, p=[0.15, 0.35, 0.28, 0.12, 0.07, 0.03])
    e_row = np.repeat(np.arange(n), extra)
    e_kind = rng.choice(len(EXTRA_KINDS), len(e_row), p=EXTRA_KIND_W / EXTRA_KIND_W.sum())
    notes = obj(note for kind in EXTRA_KINDS for note in ACTIVITY_NOTES[kind])
    a_ids = np.nonzero(is_active)[0]
    m_ids = np.nonzero(is_member)[0]
    a_contact = np.concatenate([np.arange(n), a_ids, m_ids, e_row])
    a_kind = np.concatenate(
        [
            np.full(n, "created", object),
            np.full(len(a_ids), "status_change", object),
            np.full(len(m_ids), "status_change", object),
            obj(EXTRA_KINDS)[e_kind],
        ]
    )
    a_at = np.concatenate(
        [created, active_s[a_ids], member_s[m_ids], _between(rng, created[e_row], np.full(len(e_row), now))]
    )
    a_note = np.concatenate(
        [
            obj(f"Angelegt über {SOURCES[s]}" for s in SOURCES)[src],
            np.full(len(a_ids), "Kontakt → Aktiv", object),  # from which step, as the contact card writes it
            np.full(len(m_ids), "Aktiv → Mitglied", object),
            notes[e_kind * 3 + rng.integers(0, 3, len(e_row))],
        ]
    )
    k = len(a_contact)
    out["activity"] = _cols(
        id=np.arange(next_ids["activity"], next_ids["activity"] + k),
        contact_id=ids[a_contact],
        kind=a_kind,
        occurred_at=clock.ts(a_at),
        note=a_note,
        ref_type=[""] * k,
        ref_id=[None] * k,
        user_id=[None] * k,
    )
    next_ids["activity"] += k

    # Volunteer offers: about 5 % of all contacts, only with an active 'volunteering' consent.
    eligible = np.nonzero((purpose == "volunteering") & ~withdrawn)[0]
    chosen = eligible[rng.random(len(eligible)) < min(1.0, 0.05 * n / max(len(eligible), 1))]
    v = len(chosen)
    o_ids = np.arange(next_ids["offer"], next_ids["offer"] + v)
    out["volunteer_offer"] = _cols(
        id=o_ids,
        contact_id=ids[c_row[chosen]],
        availability=AVAIL_SETS[rng.integers(0, 7, v)],
        travel_radius_km=rng.choice([5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0], v),
        period_start=clock.day(now - rng.integers(0, 30, v) * DAY),
        period_end=clock.day(now + rng.integers(30, 180, v) * DAY),
        hours_per_week=rng.integers(2, 21, v) / 2.0,
        note=obj(VOLUNTEER_NOTES)[rng.integers(0, len(VOLUNTEER_NOTES), v)],
        created_at=clock.ts(granted[chosen]),
        withdrawn_at=[None] * v,
    )
    next_ids["offer"] += v
    s_row, s_cat = _top_k(rng, v, np.ones(len(SKILLS)), rng.choice(3, v, p=[0.4, 0.4, 0.2]) + 1)
    out["offer_skill"] = _cols(offer_id=o_ids[s_row], skill=obj(SKILLS)[s_cat])
    return out
