"""Aufbewahrung (admin): who is past the retention period, per KV; anonymise them (the Art. 17 erasure)."""

import pandas as pd
import streamlit as st

import appctx
from domain.enums import STATUSES
from domain.formatting import BERLIN, format_date, format_datetime, format_int
from services.privacy import retention

appctx.guard("pages/admin_retention.py")
st.title("Aufbewahrung")
appctx.flash()

# The counts cover the whole area; the KV choice narrows the people listed and anonymised.
kv_id = st.session_state.get("retention_kv")
ov = appctx.read(retention.due_overview, kv_id)
kv_names = {r.kv_id: r.kv_name for r in ov.per_kv}
if kv_id is not None and kv_id not in kv_names:
    st.session_state["retention_kv"] = kv_id = None

st.caption(
    f"Wer {ov.months} Monate lang keine Aktivität hatte und keine aktive Einwilligung mehr hat, wird "
    "anonymisiert – mit derselben Löschung wie bei einem Antrag nach Art. 17 DSGVO. Mitglieder und Personen "
    "mit einer offenen Datenschutz-Anfrage sind ausgenommen. Ein täglicher Auftrag "
    "(python -m scripts.retention) erledigt das auch ohne diese Seite; jede Anonymisierung steht im Audit-Log."
)
with st.expander("Was als Aktivität zählt"):
    st.markdown(
        "- angelegt, und jeder Schritt auf der Leiter (Kontakt, aktiv, Mitglied)\n"
        "- jeder Eintrag in der Zeitleiste\n"
        "- eine Zeitungsbestellung, die bestellt, freigegeben, gepackt, versandt, zugestellt, storniert oder "
        "zurückgeschickt wurde\n"
        "- ein Aktionsaufruf, der zugestellt oder beantwortet wurde\n"
        "- ein Hilfsangebot, das gemacht oder zurückgezogen wurde oder noch läuft, und jeder Schritt einer Vermittlung\n"
        "- eine Einwilligung, die erteilt oder widerrufen wurde"
    )

c1, c2, c3 = st.columns(3)
c1.metric("Fällig", format_int(ov.total))
c2.metric("Frist", f"{ov.months} Monate")
c3.metric("Keine Aktivität seit", format_date(ov.cutoff.astimezone(BERLIN).date()))

if not ov.per_kv:
    st.success("Niemand ist fällig.", icon=":material/check_circle:")
    st.stop()

st.dataframe(
    pd.DataFrame(
        {
            "Land": [r.land_name for r in ov.per_kv],
            "Kreisverband": [r.kv_name for r in ov.per_kv],
            "Fällig": [format_int(r.due) for r in ov.per_kv],
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Fällige Personen")
st.selectbox(
    "Kreisverband",
    [None, *kv_names],
    format_func=lambda k: "alle" if k is None else kv_names[k],
    key="retention_kv",
)
persons = ov.persons or []
st.dataframe(
    pd.DataFrame(
        {
            "Nr.": [p.contact_id for p in persons],
            "Name": [f"{p.first_name} {p.last_name}" for p in persons],
            "PLZ": [p.plz for p in persons],
            "Ort": [p.city for p in persons],
            "Kreisverband": [p.kv_name for p in persons],
            "Status": [STATUSES.get(p.status, p.status) for p in persons],
            "Angelegt": [format_datetime(p.created_at) for p in persons],
            "Letzte Aktivität": [format_datetime(p.last_activity) for p in persons],
        }
    ),
    hide_index=True,
    width="stretch",
)
if len(persons) == retention.LIST_LIMIT:
    st.caption(f"Die ersten {retention.LIST_LIMIT} (am längsten ohne Aktivität); anonymisiert werden alle der Auswahl.")

st.subheader("Anonymisieren")
names = {p.contact_id: f"Nr. {p.contact_id} · {p.first_name} {p.last_name} · {p.plz}" for p in persons}
picked = st.multiselect(
    "Nur diese Personen (leer: alle Fälligen der Auswahl oben)",
    list(names),
    format_func=names.get,
    key="retention_pick",
    placeholder="alle Fälligen",
)
# Names typed by admins (a KV's) are never put into Markdown: the sentence says which choice, not its name.
if picked:
    who = f"die {format_int(len(picked))} gewählten Personen"
else:
    who = "alle Fälligen " + ("des gewählten Kreisverbands" if kv_id is not None else "aller Kreisverbände")
st.write(
    f"Anonymisiert werden {who}. Person, Einwilligungen, Zeitleiste, Hilfsangebote und Mails an sie werden "
    "gelöscht; Zeitungsbestellungen behalten nur PLZ, Ort, Exemplare und Status. Das lässt sich nicht "
    "rückgängig machen."
)
confirm = st.text_input(f"Zur Bestätigung „{retention.CONFIRM_WORD}“ eingeben", key="retention_confirm")
if st.button("Anonymisieren", key="retention_run", type="primary"):
    with st.spinner("Anonymisiere die fälligen Linksaktiven …"):
        appctx.act(
            retention.anonymise_due,
            kv_id,
            confirm,
            picked,
            then=lambda _r: [st.session_state.pop(k, None) for k in ("retention_pick", "retention_confirm")],
            success=lambda r: [
                ("success", f"{format_int(r.erased)} {'Person' if r.erased == 1 else 'Personen'} anonymisiert."),
                *(
                    [("warning", f"{format_int(r.blocked)} warten, bis ihre Vermittlung storniert ist.")]
                    if r.blocked
                    else []
                ),
            ],
        )
