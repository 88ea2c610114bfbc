"""Unit tests: eligibility rules and the dispatch-order state machine (every forbidden move refused)."""

from __future__ import annotations

import itertools

import pytest

from domain.enums import ORDER_STATUSES
from domain.errors import ValidationError
from services.newspaper.eligibility import ContactFacts, assess, missing_requirements, validate_override
from services.newspaper.workflow import TRANSITIONS, allowed, check_transition

ALLOWED = {
    ("requested", "approved"),
    ("requested", "cancelled"),
    ("approved", "packed"),
    ("approved", "cancelled"),
    ("packed", "shipped"),
    ("packed", "cancelled"),
    ("shipped", "delivered"),
    ("shipped", "returned"),
}


def facts(**kw) -> ContactFacts:
    base = dict(
        contact_id=1,
        first_name="Łucja",
        last_name="Yılmaz",
        street="Hauptstraße 1",
        plz="02826",
        city="Görlitz",
        plz_known=True,
        consent_post=True,
        nearest_office_km=40.0,
    )
    return ContactFacts(**{**base, **kw})


def test_complete_contact_without_office_ships_free():
    v = assess(facts(), 15.0)
    assert v.ok and v.free_shipping and not v.office_in_reach


def test_office_in_reach_means_pickup():
    v = assess(facts(nearest_office_km=15.0), 15.0)
    assert v.ok and v.office_in_reach and not v.free_shipping
    assert assess(facts(nearest_office_km=None), 15.0).free_shipping


@pytest.mark.parametrize(
    "change,needle",
    [
        (dict(consent_post=False), "Einwilligung"),
        (dict(street=" "), "Straße"),
        (dict(plz=""), "PLZ fehlt"),
        (dict(plz_known=False), "unbekannt"),
        (dict(city=""), "Ort"),
        (dict(first_name="", last_name=""), "Name"),
        (dict(open_order_status="requested"), "schon eine Bestellung"),
    ],
)
def test_each_missing_piece_is_named(change, needle):
    missing = missing_requirements(facts(**change))
    assert len(missing) == 1 and needle in missing[0]


def test_everything_missing_is_listed():
    assert len(missing_requirements(facts(consent_post=False, street="", city=""))) == 3


def test_override_needs_reason():
    with pytest.raises(ValidationError):
        validate_override("  kurz ")
    assert validate_override("  Kann nicht zur Geschäftsstelle  ") == "Kann nicht zur Geschäftsstelle"


@pytest.mark.parametrize("old,new", list(itertools.product(ORDER_STATUSES, ORDER_STATUSES)))
def test_state_machine(old, new):
    if (old, new) in ALLOWED:
        assert allowed(old, new)
        check_transition(old, new)
    else:
        assert not allowed(old, new)
        with pytest.raises(ValidationError):
            check_transition(old, new)


def test_final_states_and_unknown_status():
    assert not TRANSITIONS["delivered"] and not TRANSITIONS["cancelled"] and not TRANSITIONS["returned"]
    with pytest.raises(ValidationError, match="Unbekannter Status"):
        check_transition("requested", "lost")
