"""The rules of a call to action's form, per role, with a small fake session (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, time

import pytest

from domain.errors import ValidationError
from services.calls.workflow import CallForm, check_form
from services.core.scope import Scope


@dataclass
class FakeKv:
    id: int
    land_code: str


class FakeSession:
    """Only what the form check reads: a Kreisverband by id."""

    def __init__(self, *kvs: FakeKv):
        self.kvs = {kv.id: kv for kv in kvs}

    def get(self, _model, key):
        return self.kvs.get(key)


SESSION = FakeSession(FakeKv(1, "14"), FakeKv(2, "14"), FakeKv(3, "12"))
TEAM = Scope(role="team")
LAND = Scope(role="land", land_code="14")
KREIS = Scope(role="kreis", kv_id=1, land_code="14")


def _form(**kw) -> CallForm:
    base = dict(title="Infostand", body="Komm vorbei!", mode="online", topics=("miete",), region_level="national")
    base.update(kw)
    return CallForm(**base)


def test_title_becomes_one_line_and_text_is_trimmed():
    values = check_form(
        SESSION, TEAM, _form(title="  Infostand\nam  Markt ", body="\n Text \n", link=" https://example.org/a ")
    )
    assert (values["title"], values["body"], values["link"]) == ("Infostand am Markt", "Text", "https://example.org/a")
    assert values["topics"] == "miete" and values["land_code"] is None and values["kv_id"] is None


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "example.org", "ftp://example.org", "https://", "https://exa mple.org"]
)
def test_only_web_links(link):
    with pytest.raises(ValidationError, match="http"):
        check_form(SESSION, TEAM, _form(link=link))


def test_topics_are_known_and_kept_once():
    assert check_form(SESSION, TEAM, _form(topics=("miete", "pflege", "miete")))["topics"] == "miete,pflege"
    with pytest.raises(ValidationError, match="Unbekanntes Thema: kochen"):
        check_form(SESSION, TEAM, _form(topics=("miete", "kochen")))


def test_start_is_berlin_time_and_the_end_a_whole_day():
    values = check_form(
        SESSION,
        TEAM,
        _form(mode="on_site", start_day=date(2031, 1, 10), start_time=time(18, 0), end_day=date(2031, 1, 10)),
    )
    assert values["starts_at"].astimezone(UTC).hour == 17  # winter: UTC+1
    assert values["ends_at"].astimezone(UTC).strftime("%H:%M") == "22:59"


@pytest.mark.parametrize(
    "scope, form, ok",
    [
        (TEAM, _form(), True),
        (TEAM, _form(region_level="kv", kv_id=3), True),
        (LAND, _form(), False),
        (LAND, _form(region_level="land", land_code="14"), True),
        (LAND, _form(region_level="land", land_code="12"), False),
        (LAND, _form(region_level="kv", kv_id=2), True),
        (LAND, _form(region_level="kv", kv_id=3), False),
        (KREIS, _form(region_level="kv", kv_id=1), True),
        (KREIS, _form(region_level="kv", kv_id=2), False),
        (KREIS, _form(region_level="land", land_code="14"), False),
        (KREIS, _form(), False),
        (TEAM, _form(region_level="kv", kv_id=99), False),
        (TEAM, _form(region_level="land", land_code=None), False),
    ],
)
def test_region_per_role(scope, form, ok):
    if ok:
        values = check_form(SESSION, scope, form)
        if form.region_level == "kv":  # a KV call also stores its Land, so Land staff find it
            assert values["land_code"] == SESSION.kvs[form.kv_id].land_code
    else:
        with pytest.raises(ValidationError):
            check_form(SESSION, scope, form)
