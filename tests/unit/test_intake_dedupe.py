"""Duplicate detection: exact keys merge, likely matches go to review, strangers stay apart."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.intake.dedupe import Record, email_key, find_matches, find_pairs_within, fold, group_pairs, street_key

EXISTING = [
    Record(
        1, "Anna", "Müller", "anna.mueller@example.org", "+4915123456789", "Hauptstraße 5", "04109", "Leipzig", 1980
    ),
    Record(2, "Peter", "Müller", "anna.mueller@example.org", "", "Hauptstraße 5", "04109", "Leipzig", 1975),
    Record(3, "Jürgen", "Schmidt", "", "", "Bahnhofstr. 12", "01067", "Dresden", 1960),
    Record(4, "Fatma", "Yılmaz", "", "+4930123456", "Kastanienallee 3", "10115", "Berlin", 1990),
]


def by_new(matches):
    return {m.new_index: m for m in matches}


def test_same_email_merges_exactly():
    m = by_new(find_matches([Record("n", "Anna", "Mueller", "ANNA.MUELLER@example.org ")], EXISTING))[0]
    assert (m.existing_id, m.kind, m.score) == (1, "exact", 1.0) and "email" in m.agreeing_fields


def test_same_phone_merges_exactly():
    m = by_new(find_matches([Record("n", "Fatma", "Yilmaz", phone="+4930123456")], EXISTING))[0]
    assert (m.existing_id, m.kind) == (4, "exact")


def test_shared_family_mail_with_another_name_is_no_exact_merge():
    matches = find_matches([Record("n", "Klaus", "Berger", "anna.mueller@example.org")], EXISTING)
    assert all(m.kind != "exact" for m in matches)


def test_swapped_names_and_street_spelling_are_likely():
    m = by_new(
        find_matches([Record("n", "Schmidt", "Jürgen", "", "", "Bahnhofstraße 12", "01067", "Dresden", 1960)], EXISTING)
    )[0]
    assert (m.existing_id, m.kind) == (3, "likely") and "name_swapped" in m.agreeing_fields


def test_typo_in_the_name_is_likely():
    m = by_new(find_matches([Record("n", "Jurgen", "Schmitt", "", "", "Bahnhofstr 12", "01067")], EXISTING))[0]
    assert m.existing_id == 3 and m.kind == "likely" and 0.7 <= m.score < 1.0


def test_a_family_member_at_the_same_address_is_no_duplicate():
    matches = find_matches([Record("n", "Lena", "Müller", "", "", "Hauptstraße 5", "04109", "Leipzig", 2005)], EXISTING)
    assert matches == []


def test_a_stranger_matches_nothing():
    assert find_matches([Record("n", "Xaver", "Zimmermann", "x@example.org", "", "Ringweg 1", "80331")], EXISTING) == []


def test_two_rows_of_one_new_person_in_one_file_become_one():
    rows = [
        Record("r2", "Anna", "Beispiel", "anna.b@example.org", "", "", "04109"),
        Record("r3", "Bert", "Test", "", "", "", "01067"),
        Record("r4", "Anna", "Beispiel", "Anna.B@example.org", "+4915100000000", "", "04109"),
    ]
    pairs = find_pairs_within(rows)
    assert [(p.left_id, p.right_id, p.kind) for p in pairs] == [("r2", "r4", "exact")]
    assert group_pairs(["r2", "r3", "r4"], pairs) == [["r2", "r4"], ["r3"]]


def test_empty_inputs():
    assert find_matches([], EXISTING) == [] and find_pairs_within([EXISTING[0]]) == []


def test_keys():
    assert email_key("  First.Last@Example.ORG ") == "first.last@example.org"
    assert street_key("Hauptstraße 5") == street_key("Hauptstr. 5") == street_key("hauptstrasse 5")
    assert fold("Jürgen Großmann-Çelik") == "juergen grossmann celik"


@given(st.text(max_size=30))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@settings(deadline=None, max_examples=40)
@given(st.text(min_size=1, max_size=20).filter(lambda s: fold(s)))
def test_a_record_finds_itself(name):
    mine = Record(1, name, name + "x", "", "", "Weg 1", "04109", "", 1970)
    found = find_matches([Record("n", name, name + "x", "", "", "Weg 1", "04109", "", 1970)], [mine])
    assert [m.existing_id for m in found] == [1]


def test_the_sample_file_reads_validates_and_shows_its_near_duplicate():
    from pathlib import Path

    from services.intake.mapping import guess_mapping
    from services.intake.reading import read_table
    from services.intake.validation import validate_table

    path = Path(__file__).resolve().parents[2] / "data" / "samples" / "linksaktive_beispiel.csv"
    table = read_table(path.read_bytes(), path.name)
    assert table.encoding == "Windows-1252" and table.delimiter == ";"
    result = validate_table(table, guess_mapping(table.headers), lambda plz: plz.startswith("04"))
    assert len(result.candidates) == 14 and [r.row for r in result.rejected] == [15]
    records = [
        Record(c.row, c.first_name, c.last_name, c.email, c.phone, c.street, c.plz, c.city, c.birth_year)
        for c in result.candidates
    ]
    assert [(p.left_id, p.right_id, p.kind) for p in find_pairs_within(records)] == [(2, 14, "likely")]
