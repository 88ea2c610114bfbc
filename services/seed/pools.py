"""Small value pools built once with Faker('de_DE'); rows sample them with numpy (DESIGN §7/§8)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from faker import Faker

from domain.keys import phone_key

EMAIL_DOMAINS = ("example.org", "example.net", "example.com")  # reserved for examples, never real

# Names beyond Faker's lists: Polish, Turkish, Romanian and other neighbours, ß and umlauts.
EXTRA_FIRST_FEMALE = (
    "Małgorzata",
    "Agnieszka",
    "Ayşe",
    "Elif",
    "Gülşen",
    "Ștefania",
    "Ioana",
    "Anna-Lena",
    "Marie-Luise",
    "Jülide",
    "Zoë",
    "Maëlle",
)
EXTRA_FIRST_MALE = (
    "Łukasz",
    "Paweł",
    "Mehmet",
    "Oğuz",
    "Çağrı",
    "Ștefan",
    "Mihai",
    "Karl-Heinz",
    "Hans-Jürgen",
    "Jörg",
    "Björn",
    "Sören",
)
EXTRA_LAST = (
    "Kowalczyk",
    "Michałowski",
    "Wałęsa",
    "Łęcki",
    "Doğan",
    "Yılmaz",
    "Öztürk",
    "Çelik",
    "Ağaoğlu",
    "Popescu",
    "Mureșan",
    "Ștefănescu",
    "Großmann",
    "Weiß",
    "Strauß",
    "Nußbaum",
    "Müller-Lüdenscheidt",
    "Schulze-Hohenschönhausen",
    "Wagner-Łukaszewicz",
    "Hoffmann-Przybylski",
    "Nguyen",
    "Schmidt-Oğuzhan",
    "Brandenburg-Kleinschmidt",
)
COMMON_STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Dorfstraße",
    "Bergstraße",
    "Lindenstraße",
    "Waldstraße",
    "Kirchstraße",
    "Ringstraße",
    "Am Markt",
    "Karl-Liebknecht-Straße",
    "Rosa-Luxemburg-Straße",
    "Clara-Zetkin-Straße",
    "Friedrich-Ebert-Straße",
    "Goethestraße",
    "Schillerstraße",
    "Am Anger",
    "Mühlweg",
    "Poststraße",
    "Rathausplatz",
    "Ernst-Thälmann-Straße",
    "Wiesenweg",
    "Birkenweg",
)
OPENING_HOURS = (
    "Mo–Do 10–16 Uhr",
    "Mo–Fr 10–17 Uhr",
    "Di und Do 14–18 Uhr",
    "Mi 15–18 Uhr, Sa 10–12 Uhr",
    "Mo, Mi, Fr 9–13 Uhr",
    "Di 10–14 Uhr, Do 14–19 Uhr",
    "nach Vereinbarung",
)
ACTIVITY_NOTES = {
    "status_change": ("Status aktualisiert", "Aufstieg auf der Leiter", "nach Gespräch angepasst"),
    "infostand": ("Am Infostand über Mieten gesprochen", "Flyer mitgenommen", "will mehr erfahren"),
    "haustuer": ("Haustürgespräch, freundlich", "kurz gesprochen, Zeitung dagelassen", "Interesse an Pflege"),
    "veranstaltung": ("Bei der Mieterversammlung", "Diskussionsabend besucht", "Sommerfest"),
    "email": ("Newsletter-Frage beantwortet", "Rückfrage per E-Mail", "Termin bestätigt"),
    "call": ("Telefonisch erreicht", "Rückruf vereinbart", "nicht erreicht"),
    "call_to_action": ("Aufruf erhalten", "Auf Aufruf reagiert", "Aufruf geöffnet"),
    "newspaper_order": ("Zeitungen angefragt", "Zeitungen abgeholt", "Zeitungen verteilt"),
    "volunteer_offer": ("Hilfe angeboten", "Hilfsangebot aktualisiert", "Verfügbarkeit geändert"),
    "assignment": ("An Wahlkampfleitung vermittelt", "Vermittlung bestätigt", "Einsatz geplant"),
    "note": ("Möchte lieber per Post kontaktiert werden", "Hat Kinder, abends besser", "Kennt die Geschäftsstelle"),
}
VOLUNTEER_NOTES = (
    "",
    "",
    "Am liebsten in meinem Viertel",
    "Habe ein Lastenrad",
    "Nur nach Absprache",
    "Kann auch Kuchen backen",
    "Führerschein vorhanden",
)
_TRANSLIT = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "ł": "l",
        "ğ": "g",
        "ș": "s",
        "ş": "s",
        "ț": "t",
        "ç": "c",
        "ı": "i",
        "ę": "e",
        "ą": "a",
        "ó": "o",
        "ë": "e",
        "é": "e",
        "ă": "a",
        "â": "a",
        " ": "",
        "'": "",
    }
)


def email_local(name: str) -> str:
    """ASCII local part of an email address for a name ('Jürgen Weiß' -> 'juergen.weiss')."""
    return name.lower().translate(_TRANSLIT).encode("ascii", "ignore").decode()


def obj(values) -> np.ndarray:
    """A 1-D numpy object array (object arrays concatenate strings elementwise with +)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass(frozen=True)
class Pools:
    """Value pools; every *_ascii array is aligned with its display array."""

    first: np.ndarray
    first_ascii: np.ndarray
    first_female_count: int
    last: np.ndarray
    last_ascii: np.ndarray
    streets: np.ndarray
    house_numbers: np.ndarray
    phones: np.ndarray
    phone_keys: np.ndarray  # E.164 of each phone, computed once per pool entry
    email_suffixes: np.ndarray


def _unique(seq) -> list[str]:
    return list(dict.fromkeys(seq))


@lru_cache(maxsize=4)
def build_pools(seed: int) -> Pools:
    """Build the pools once per seed (Faker seeded, so identical for identical seeds)."""
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    person = fake.provider("faker.providers.person")
    female = _unique(list(person.first_names_female) + list(EXTRA_FIRST_FEMALE))
    male = _unique(list(person.first_names_male) + list(EXTRA_FIRST_MALE))
    # Extras repeated so the rare letters (ł, ğ, ș) show up even in small samples.
    last = _unique(list(person.last_names) + [fake.last_name() for _ in range(200)]) + list(EXTRA_LAST) * 2
    streets = _unique(fake.street_name() for _ in range(1500)) + list(COMMON_STREETS) * 4
    first = female + male
    numbers = [str(n) for n in range(1, 160)] + [f"{n}{c}" for n in range(1, 40) for c in "ab"]
    phones = [f"+49 15{d} 555 {n:04d}" for d in (1, 2, 5, 7, 9) for n in range(0, 10000, 3)]
    suffixes = ["", "", "", ""] + [str(n) for n in range(1, 100)]
    return Pools(
        first=obj(first),
        first_ascii=obj(email_local(n) for n in first),
        first_female_count=len(female),
        last=obj(last),
        last_ascii=obj(email_local(n) for n in last),
        streets=obj(streets),
        house_numbers=obj(numbers),
        phones=obj(phones),
        phone_keys=obj(phone_key(x) for x in phones),
        email_suffixes=obj(suffixes),
    )
