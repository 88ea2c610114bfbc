"""Campaign leads (Wahlkampfleitungen): create, edit, and what each still needs per skill."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from db.models import CampaignLead, LeadNeed
from db.queries import privacy as privacy_queries
from db.queries.matching import assignments as q
from domain.enums import SKILLS, TOPICS
from domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from domain.keys import email_key, phone_key
from services.core import audit, validate
from services.core.scope import Scope, require_action
from services.geo.places import resolve_plz
from services.matching.workflow import ACTIVE

MAX_NEED = 500


@dataclass
class LeadInput:
    """What the lead form sends."""

    kv_id: int
    contact_name: str
    plz: str
    period_start: date
    period_end: date
    needs: dict[str, int] = field(default_factory=dict)
    contact_email: str = ""
    contact_phone: str = ""
    topics: list[str] = field(default_factory=list)
    note: str = ""
    active: bool = True


def kv_choices(session: Session, scope: Scope) -> dict[int, str]:
    """The KVs the user may keep leads for (kreis: its own; land: its LV; team: all)."""
    return q.kv_names_in_area(session, scope)


@dataclass(frozen=True)
class LeadView:
    """A lead as plain data (safe to keep after the session closed)."""

    id: int
    kv_id: int
    contact_name: str
    contact_email: str
    contact_phone: str
    plz: str
    period_start: date
    period_end: date
    topics: tuple[str, ...]
    note: str
    active: bool
    needs: dict[str, int]


def leads(session: Session, scope: Scope) -> list[LeadView]:
    """The campaign leads in the user's area, by KV name."""
    require_action(scope, "volunteers.leads")
    return [
        LeadView(
            ld.id,
            ld.kv_id,
            ld.contact_name,
            ld.contact_email,
            ld.contact_phone,
            ld.plz,
            ld.period_start,
            ld.period_end,
            tuple(t for t in (ld.topics or "").split(",") if t),
            ld.note,
            ld.active,
            {nd.skill: nd.needed for nd in ld.needs},
        )
        for ld in q.leads_by_kv_name(session, scope)
    ]


def _validate(session: Session, scope: Scope, data: LeadInput, current: CampaignLead | None = None) -> dict:
    """The lead's typed texts, checked and tidied (services.core.validate); German errors otherwise."""
    if data.kv_id not in kv_choices(session, scope):
        raise PermissionDenied("Für diesen Kreisverband darfst du keine Wahlkampfleitung pflegen.")
    texts = {
        "contact_name": validate.text(data.contact_name, "lead.contact_name", required=True),
        "contact_email": validate.email(
            data.contact_email, "lead.contact_email", current=getattr(current, "contact_email", None)
        ),
        "contact_phone": validate.phone(
            data.contact_phone, "lead.contact_phone", current=getattr(current, "contact_phone", None)
        ),
        "note": validate.text(data.note, "lead.note"),
    }
    resolve_plz(session, data.plz)
    if data.period_end < data.period_start:
        raise ValidationError("Das Ende des Zeitraums liegt vor seinem Anfang.")
    if unknown := [s for s in data.needs if s not in SKILLS]:
        raise ValidationError(f"Unbekannte Fähigkeit: {', '.join(unknown)}.")
    if unknown := [t for t in data.topics if t not in TOPICS]:
        raise ValidationError(f"Unbekanntes Thema: {', '.join(unknown)}.")
    for s, n in data.needs.items():
        if not isinstance(n, int) or n < 0 or n > MAX_NEED:
            raise ValidationError(f"Bedarf für {SKILLS[s]} muss eine ganze Zahl zwischen 0 und {MAX_NEED} sein.")
    return texts


def _refuse_duplicate_lead(session: Session, data: LeadInput) -> None:
    # A form sent twice must not create the same Wahlkampfleitung twice (DESIGN §3.4).
    same = q.same_lead_id(session, data.kv_id, data.contact_name.strip(), data.period_start, data.period_end)
    if same is not None:
        raise ConflictError(
            "Diese Wahlkampfleitung ist schon erfasst (gleiche Person und gleicher Zeitraum). "
            "Es wurde nichts doppelt angelegt; ändere sie in der Liste."
        )


def _contact_person(session: Session, lead: CampaignLead | None, data: LeadInput) -> int | None:
    """The Linksaktive:r who is the lead's contact person (same e-mail, else same phone), so that access and
    erasure find the lead by the person's id (DESIGN §3.6); the earlier link stays while the name does."""
    found = privacy_queries.contact_id_by_keys(session, email_key(data.contact_email), phone_key(data.contact_phone))
    if found is None and lead is not None and lead.contact_name == data.contact_name.strip():
        return lead.contact_id
    return found


def save_lead(session: Session, scope: Scope, data: LeadInput, lead_id: int | None = None) -> int:
    """Create or update a lead with its needs; refuses to cut a need below its active assignments."""
    require_action(scope, "volunteers.leads")
    current = q.lead_in_area(session, scope, lead_id) if lead_id is not None else None
    data = replace(data, **_validate(session, scope, data, current))
    if lead_id is None:
        _refuse_duplicate_lead(session, data)
        lead = CampaignLead(kv_id=data.kv_id, contact_id=_contact_person(session, None, data))
        session.add(lead)
    else:
        lead = q.lead_in_area(session, scope, lead_id)
        if lead is None:
            raise NotFoundError("Diese Wahlkampfleitung gibt es nicht oder sie liegt außerhalb deines Bereichs.")
        for (_, skill), n in q.taken_counts(session, [lead_id]).items():
            if data.needs.get(skill, 0) < n:
                raise ValidationError(
                    f"Für {SKILLS.get(skill, skill)} sind schon {n} Personen vorgeschlagen oder "
                    "vermittelt; storniere sie zuerst, bevor du den Bedarf senkst."
                )
        lead.kv_id = data.kv_id
        lead.contact_id = _contact_person(session, lead, data)
    lead.contact_name, lead.contact_email = data.contact_name.strip(), data.contact_email.strip()
    lead.contact_phone, lead.plz = data.contact_phone.strip(), data.plz.strip()
    lead.period_start, lead.period_end = data.period_start, data.period_end
    lead.topics, lead.note, lead.active = ",".join(sorted(set(data.topics))), data.note.strip(), data.active
    wanted = {s: n for s, n in data.needs.items() if n > 0}
    lead.needs[:] = [nd for nd in lead.needs if nd.skill in wanted]
    for nd in lead.needs:
        nd.needed = wanted.pop(nd.skill)
    lead.needs.extend(LeadNeed(skill=s, needed=n) for s, n in wanted.items())
    session.flush()
    audit.record(
        session,
        scope,
        "lead_create" if lead_id is None else "lead_update",
        "campaign_lead",
        lead.id,
        kv_id=data.kv_id,
        needed=sum(data.needs.values()),
    )
    session.commit()
    return lead.id


def needs_frame(
    session: Session, scope: Scope, rows: list[LeadView] | None = None, kv: dict[int, str] | None = None
) -> pd.DataFrame:
    """Per lead and skill: needed, proposed, contacted, confirmed, still open (pass leads/KVs already loaded)."""
    rows = leads(session, scope) if rows is None else rows
    counts = q.active_counts(session, [ld.id for ld in rows]) if rows else {}
    kv = (kv_choices(session, scope) if rows else {}) if kv is None else kv
    out = []
    for ld in rows:
        for skill, needed in sorted(ld.needs.items()):
            got = {st: counts.get((ld.id, skill, st), 0) for st in ACTIVE}
            out.append(
                {
                    "lead_id": ld.id,
                    "Kreisverband": kv.get(ld.kv_id, ""),
                    "Ansprechperson": ld.contact_name,
                    "PLZ": ld.plz,
                    "Fähigkeit": SKILLS.get(skill, skill),
                    "benötigt": needed,
                    "vorgeschlagen": got["proposed"],
                    "kontaktiert": got["contacted"],
                    "bestätigt": got["confirmed"],
                    "offen": max(needed - sum(got.values()), 0),
                }
            )
    return pd.DataFrame(
        out,
        columns=[
            "lead_id",
            "Kreisverband",
            "Ansprechperson",
            "PLZ",
            "Fähigkeit",
            "benötigt",
            "vorgeschlagen",
            "kontaktiert",
            "bestätigt",
            "offen",
        ],
    )
