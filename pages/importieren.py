"""Import: upload a list of people, map its columns, say where it comes from, preview, import; undo a batch."""

from datetime import date

import pandas as pd
import streamlit as st

import appctx
from components import german_defaults
from components.contact_forms import CONSENT_OPTIONS, consent_label
from components.text import area_line, plain
from domain.enums import SOURCES
from domain.formatting import format_datetime, format_int
from services.intake import importer, upload
from services.intake.importer import ListInfo

user = appctx.guard("pages/importieren.py")
st.title("Import")
area_line(
    user.area,
    "Listen von Infoständen, Haustürgesprächen, Veranstaltungen, der Wahlkampf-App "
    "oder dem Webformular als CSV, XLSX oder ODS. Wer außerhalb deines Gebiets wohnt, kommt in den "
    "Kreisverband seiner PLZ. Nichts wird geschrieben, bevor du die Vorschau bestätigst.",
)
appctx.flash()
SKIP = ""
labels = upload.field_labels()

file = german_defaults.file_uploader("Datei (CSV, XLSX oder ODS)", ["csv", "txt", "xlsx", "ods"], key="imp_file")
if file is None:
    st.session_state.pop("imp_plan", None)
else:
    data = file.getvalue()
    sheet = st.session_state.get("imp_sheet")
    view = appctx.read(upload.inspect_file, data, file.name, sheet, fallback=None)
    if view is None:
        st.stop()
    if len(view.sheets) > 1:
        st.selectbox("Tabellenblatt", view.sheets, key="imp_sheet")
    st.caption(f"Gelesen als {view.how} · {format_int(view.rows)} Zeilen.")
    for warning in view.warnings:
        st.warning(warning)

    st.subheader("1. Spalten zuordnen", anchor=False)
    presets = appctx.read(upload.presets)
    chosen = st.selectbox(
        "Gespeicherte Zuordnung",
        [None, *presets],
        key="imp_preset",
        format_func=lambda n: "– keine, aus den Spaltennamen erraten –" if n is None else n,
    )
    start = presets[chosen]["mapping"] if chosen else view.guess
    options = [SKIP, *labels]
    mapping = {}
    cols = st.columns(3)
    for i, header in enumerate(view.headers):
        default = start.get(header) or SKIP
        cell = cols[i % 3]
        # The header comes from the file: plain text above the select, never in its (Markdown) label.
        plain(f"„{header}“", cell)
        mapping[header] = (
            cell.selectbox(
                f"Spalte {i + 1}",
                options,
                index=options.index(default) if default in options else 0,
                format_func=lambda f: "– nicht übernehmen –" if f == SKIP else labels[f],
                key=f"imp_map_{chosen}_{i}",
            )
            or None
        )
    st.dataframe(pd.DataFrame(view.sample, columns=view.headers), hide_index=True, width="stretch")

    st.subheader("2. Woher kommt die Liste?", anchor=False)
    c1, c2, c3 = st.columns(3)
    source = c1.selectbox(
        "Quelle", list(SOURCES), format_func=SOURCES.get, key="imp_source", index=list(SOURCES).index("infostand")
    )
    when = c2.date_input("Datum", value=date.today(), format="DD.MM.YYYY", key="imp_date")
    place = c3.text_input("Ort oder Veranstaltung", key="imp_place", placeholder="z. B. Infostand Markt Leipzig")
    evidence = st.text_input(
        "Nachweis der Einwilligung für alle Zeilen",
        key="imp_evidence",
        placeholder="z. B. Unterschrift auf der Infostand-Liste",
    )
    consents = st.multiselect(
        "Dieser Nachweis gilt für",
        CONSENT_OPTIONS,
        format_func=consent_label,
        key="imp_consents",
        placeholder="keine Einwilligung für die ganze Liste",
    )
    st.caption(
        "Zeilen ohne Nachweis (weder hier noch in einer Einwilligungs-Spalte) werden als nicht "
        "kontaktierbar importiert: ohne Einwilligung geht an sie nichts raus."
    )
    unconfirmed = st.checkbox(
        "unbestätigt – Bestätigungsmail nötig",
        key="imp_unconfirmed",
        help="Neu angelegte Personen müssen ihre Anmeldung per Mail bestätigen. "
        "Wer schon da ist und nur ergänzt wird, bleibt, wie er ist.",
    )
    with st.expander("Zuordnung speichern"):
        name = st.text_input("Name der Zuordnung", key="imp_preset_name", placeholder="z. B. Wahlkampf-App Export")
        if st.button("Speichern", key="imp_preset_save"):
            appctx.act(upload.save_preset, name, source, mapping, success="Die Zuordnung ist gespeichert.")

    info = ListInfo(
        file_name=file.name,
        source=source,
        source_date=when,
        place=place,
        evidence=evidence,
        consents=tuple(consents),
        sheet=view.sheet,
        unconfirmed=unconfirmed,
    )
    st.subheader("3. Vorschau", anchor=False)
    if st.button("Vorschau berechnen", icon=":material/preview:", key="imp_preview"):
        with st.spinner("Die Liste wird geprüft und mit der Datenbank abgeglichen …"):
            plan = appctx.read(importer.plan_import, data, mapping, info, fallback=None)
        st.session_state["imp_plan"] = (file.file_id, mapping, info, plan) if plan is not None else None

    stored = st.session_state.get("imp_plan")
    if stored and stored[0] == file.file_id and stored[1] == mapping and stored[2] == info:
        plan = stored[3]
        counts = plan.counts()
        m = st.columns(5)
        m[0].metric("neu", format_int(counts["created"]))
        m[1].metric("schon da, wird ergänzt", format_int(counts["merged"]))
        m[2].metric("mögliche Dubletten", format_int(counts["review"]))
        m[3].metric("abgelehnt", format_int(counts["rejected"]))
        m[4].metric("außerhalb deines Gebiets", format_int(counts["outside_area"]))
        if counts["folded"]:
            st.caption(
                f"{format_int(counts['folded'])} Zeilen gehören zu einer Person, die weiter oben schon "
                "steht; sie werden zusammengefasst."
            )
        if counts["per_kv"]:
            st.dataframe(
                pd.DataFrame(
                    {"Kreisverband": list(counts["per_kv"]), "neue Personen": list(counts["per_kv"].values())}
                ),
                hide_index=True,
            )
        if plan.rejected:
            st.dataframe(
                pd.DataFrame(
                    {"Zeile": [r.row for r in plan.rejected], "Grund": [" ".join(r.reasons) for r in plan.rejected]}
                ),
                hide_index=True,
                width="stretch",
            )
        if counts["review"]:
            st.caption("Mögliche Dubletten werden angelegt und kommen in die Prüfliste unter „Dubletten“.")
        if counts["created"] or counts["merged"]:
            if st.button(
                f"{format_int(counts['created'] + counts['merged'])} Personen importieren",
                type="primary",
                icon=":material/upload:",
                key="imp_run",
            ):
                bar = st.progress(0.0, text="Import beginnt …")
                appctx.act(
                    importer.run_import,
                    data,
                    mapping,
                    info,
                    expected=counts,
                    progress=lambda f, text: bar.progress(min(f, 1.0), text=text),
                    then=lambda _r: st.session_state.pop("imp_plan", None),
                    success=lambda r: (
                        f"Import Nr. {r['batch_id']}: {format_int(r['created'])} neu, "
                        f"{format_int(r['merged'])} ergänzt, {format_int(r['review'])} zur "
                        f"Prüfung, {format_int(r['rejected'])} abgelehnt."
                    ),
                )
        else:
            st.info("In dieser Datei ist keine Person, die importiert werden kann.")

st.subheader("Bisherige Importe", anchor=False)
batches = appctx.read(importer.batches)
if not batches:
    st.info("Noch keine Importe in deinem Gebiet.")
else:
    status = {"imported": "importiert", "rolled_back": "zurückgenommen"}
    st.dataframe(
        pd.DataFrame(
            {
                "Nr.": [b.id for b in batches],
                "am": [format_datetime(b.created_at) for b in batches],
                "von": [b.username for b in batches],
                "Datei": [b.file_name for b in batches],
                "Quelle": [SOURCES.get(b.source, b.source) for b in batches],
                "neu": [b.counts.get("created", 0) for b in batches],
                "ergänzt": [b.counts.get("merged", 0) for b in batches],
                "abgelehnt": [b.counts.get("rejected", 0) for b in batches],
                "Stand": [status.get(b.status, b.status) for b in batches],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    open_ids = [b.id for b in batches if b.status == "imported"]
    if open_ids:
        c1, c2 = st.columns([2, 1])
        pick = c1.selectbox("Import zurücknehmen", open_ids, format_func=lambda i: f"Import Nr. {i}", key="imp_undo")
        sure = c1.checkbox(
            "Ja, alle Personen dieses Imports und alles, was er ergänzt hat, wieder entfernen", key="imp_undo_sure"
        )
        if c2.button("Zurücknehmen", disabled=not sure, key="imp_undo_run"):
            with st.spinner(
                f"Import Nr. {pick} wird zurückgenommen: die Personen und alles, was er ergänzt hat, werden entfernt …"
            ):
                appctx.act(
                    importer.rollback_batch,
                    pick,
                    success=lambda r: f"Import zurückgenommen: {format_int(r['people'])} Personen entfernt.",
                )
