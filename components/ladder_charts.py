"""Charts of the ladder (Entwicklung): overlapping bars entered / active / member, answers per call."""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.charts import RED, show

STEP_COLORS = {"Eingetreten": "#f4b6ba", "aktiv": "#ee5a63", "Mitglied": RED}


def _long(df: pd.DataFrame, label: str) -> pd.DataFrame:
    rows = [
        {label: row[label], "Stufe": step, "Anzahl": int(row[step]), "Reihe": i}
        for i, (_, row) in enumerate(df.iterrows())
        for step in STEP_COLORS
        if row[step] is not None and not pd.isna(row[step])
    ]
    return pd.DataFrame(rows, columns=[label, "Stufe", "Anzahl", "Reihe"])


def step_bars(df: pd.DataFrame, label: str, *, horizontal: bool = True) -> None:
    """Per group one bar for who entered, and inside it who is active and who is a member now (hidden ones left out)."""
    data = _long(df, label)
    if data.empty:
        return
    color = alt.Color(
        "Stufe:N",
        title=None,
        scale=alt.Scale(domain=list(STEP_COLORS), range=list(STEP_COLORS.values())),
        legend=alt.Legend(orient="top"),
    )
    order = alt.Order("stufe_rang:Q")
    count = alt.Axis(format=",d", tickMinStep=1)
    tooltip = [alt.Tooltip(f"{label}:N"), alt.Tooltip("Stufe:N"), alt.Tooltip("Anzahl:Q", format=",")]
    base = alt.Chart(data).transform_calculate(stufe_rang="indexof(['Eingetreten', 'aktiv', 'Mitglied'], datum.Stufe)")
    names = list(dict.fromkeys(df[label]))  # the table's order
    if horizontal:
        chart = base.mark_bar().encode(
            y=alt.Y(f"{label}:N", sort=names, title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
            x=alt.X("Anzahl:Q", stack=None, title="Personen", axis=count),
            color=color,
            order=order,
            tooltip=tooltip,
        )
        show(chart.properties(height=24 * len(names) + 70))
    else:
        chart = base.mark_bar().encode(
            x=alt.X(f"{label}:N", sort=names, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
            y=alt.Y("Anzahl:Q", stack=None, title="Personen", axis=count),
            color=color,
            order=order,
            tooltip=tooltip,
        )
        show(chart.properties(height=280))


def answer_bars(df: pd.DataFrame, answers: list[str]) -> None:
    """Per call or survey a bar of its answers (stacked by answer), largest first."""
    rows = [
        {"Titel": row["Titel"], "Antwort": a, "Anzahl": int(row[a])}
        for _, row in df.iterrows()
        for a in answers
        if row[a] is not None and not pd.isna(row[a]) and int(row[a]) > 0
    ]
    if not rows:
        return
    data = pd.DataFrame(rows)
    names = list(dict.fromkeys(df["Titel"]))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Titel:N", sort=names, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            x=alt.X("Anzahl:Q", title="Antworten", axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color(
                "Antwort:N",
                title=None,
                scale=alt.Scale(domain=answers, range=[RED, "#9e9e9e", "#7b3294", "#f4b6ba"][: len(answers)]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[alt.Tooltip("Titel:N"), alt.Tooltip("Antwort:N"), alt.Tooltip("Anzahl:Q", format=",")],
        )
    )
    show(chart.properties(height=24 * len(names) + 70))
