"""Legend classes for whole counts read as counts of people: no "über 0 bis unter 1"."""

from components.edition_map import legend
from components.map import PALETTE, _color, count_classes, legend_html


def test_count_classes_read_as_whole_numbers():
    assert count_classes([2, 5, 10, 20]) == [(0, "1"), (1, "2–4"), (2, "5–9"), (3, "10–19"), (4, "20 und mehr")]


def test_a_class_that_no_whole_count_can_fall_in_is_dropped():
    # Quantiles of many 1s give a first limit of 1: nothing lies above 0 and below 1.
    assert count_classes([1, 3, 8]) == [(1, "1–2"), (2, "3–7"), (3, "8 und mehr")]
    assert count_classes([]) == [(0, "1 und mehr")]


def test_leitung_classes_start_at_five():
    assert count_classes([10, 18, 34], floor=5) == [(0, "5–9"), (1, "10–17"), (2, "18–33"), (3, "34 und mehr")]


def test_each_class_label_matches_the_colour_its_counts_get():
    bins = [1, 2, 6, 1500]
    for index, label in count_classes(bins):
        low = int(label.split("–")[0].split(" ")[0].replace(".", ""))
        assert _color(low, bins) == PALETTE[index], label
    assert count_classes(bins)[-1] == (4, "1.500 und mehr")


def test_karte_and_edition_legends_use_the_count_classes():
    html = legend_html("count", [1, 3, 8], 15, suppressed=False)
    assert "bis unter" not in html and "über 0" not in html
    assert "1–2" in html and "8 und mehr" in html
    assert "über 0 bis unter 1,5 %" in legend_html("share", [1.5, 4.0], 15, suppressed=False)
    edition = legend([1, 3, 8])
    assert " bis 0" not in edition and "1–2" in edition and "8 und mehr" in edition
