"""Altair charts in German: Vega's de-DE locale (month names, 1.234,5) and the party red."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

RED = "#E3000F"
PURPLE = "#7b3294"

# Vega's de-DE number and time locale (d3-format / d3-time-format definitions), so axis
# labels read "Dez." and "1.234" instead of "Dec" and "1,234".
DE_LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0€"]},
    "time": {
        "dateTime": "%A, der %e. %B %Y, %X",
        "date": "%d.%m.%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        "shortDays": ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
        "months": [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        "shortMonths": ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
    },
}


def german(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with the de-DE locale, so every label a user reads is German."""
    return chart.configure(locale=DE_LOCALE)


def show(chart: alt.TopLevelMixin) -> None:
    """Render an Altair chart in German at full width."""
    st.altair_chart(german(chart), width="stretch")


def ranked_bars(df: pd.DataFrame, label: str, value: str, *, color: str = RED, limit: int | None = None) -> None:
    """Horizontal bars sorted by value (largest on top), the value written at each bar."""
    data = df.sort_values(value, ascending=False)
    if limit:
        data = data.head(limit)
    # Counts get whole-number ticks ("1, 2, 3", not "0,2 0,4"); rates keep their decimals.
    axis = alt.Axis(format=",d", tickMinStep=1) if pd.api.types.is_integer_dtype(data[value]) else alt.Axis()
    names = alt.Axis(labelOverlap=False, labelLimit=260)  # every bar keeps its full name
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None, axis=names),
        x=alt.X(f"{value}:Q", title=value, axis=axis),
        tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", format=",")],
    )
    bars = base.mark_bar(color=color)
    text = base.mark_text(align="left", dx=3).encode(text=alt.Text(f"{value}:Q", format=","))
    # Streamlit fits the whole chart, x axis and its title included, into the height: 22 px a bar
    # plus room for the axis, so that every bar keeps its label.
    show((bars + text).properties(height=max(60, 22 * len(data)) + 50))


def time_bars(df: pd.DataFrame, when: str, value: str, *, color: str = RED) -> None:
    """Bars over time (weeks, months) with German dates on the axis and in the tooltip."""
    chart = (
        alt.Chart(df)
        .mark_bar(color=color)
        .encode(
            x=alt.X(f"{when}:T", title=when, axis=alt.Axis(format="%d.%m.%y", labelAngle=0)),
            y=alt.Y(f"{value}:Q", title=value, axis=alt.Axis(format=",d")),
            tooltip=[alt.Tooltip(f"{when}:T", format="%d.%m.%Y"), alt.Tooltip(f"{value}:Q", format=",")],
        )
    )
    show(chart.properties(height=260))
