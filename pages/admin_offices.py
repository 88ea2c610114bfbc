"""Geschäftsstellen (admin): create, edit, close offices and import them from CSV."""

import streamlit as st

import appctx
from components import german_defaults
from domain.enums import OFFICE_KINDS
from services.admin import offices

appctx.guard("pages/admin_offices.py")
st.title("Geschäftsstellen")
st.caption("Nach jeder Änderung wird für jede PLZ die nächste Geschäftsstelle neu berechnet.")
appctx.flash()


def _office_form(key: str, row=None) -> offices.OfficeData | None:
    def get(column: str, default=""):
        return row[column] if row is not None else default

    with st.form(key, clear_on_submit=row is None):
        name = st.text_input("Name", get("name"))
        kinds = list(OFFICE_KINDS)
        kind = st.selectbox(
            "Art", kinds, index=kinds.index(get("kind", "geschaeftsstelle")), format_func=OFFICE_KINDS.get
        )
        street = st.text_input("Straße und Hausnummer", get("street"))
        plz = st.text_input("PLZ", get("plz"))
        city = st.text_input("Ort (leer: Ort der PLZ)", get("city"))
        hours = st.text_area("Öffnungszeiten", get("opening_hours"))
        phone = st.text_input("Telefon", get("phone"))
        email = st.text_input("E-Mail", get("email"))
        kv = st.text_input("Kreisverband (leer: der KV der PLZ)", get("kv_name"))
        if st.form_submit_button("Speichern"):
            return offices.OfficeData(
                name=name,
                plz=plz,
                kind=kind,
                street=street,
                city=city,
                opening_hours=hours,
                phone=phone,
                email=email,
                kv=kv or None,
            )
    return None


with st.expander("Neue Geschäftsstelle", icon=":material/add_business:"):
    data = _office_form("create_office")
    if data is not None:
        appctx.act(offices.create_office, data, success="Die Geschäftsstelle ist angelegt.")

with st.expander("CSV-Import", icon=":material/upload_file:"):
    st.markdown(
        "Spalten: `" + ";".join(offices.CSV_COLUMNS) + "` — `;` oder `,` getrennt, UTF-8. "
        "Ist eine Zeile fehlerhaft, wird nichts importiert."
    )
    upload = german_defaults.file_uploader("CSV-Datei", ["csv"])
    pasted = st.text_area("… oder CSV-Text einfügen", key="csv_text")
    if st.button("Importieren", key="import_csv"):
        raw = upload.getvalue() if upload is not None else pasted.encode()
        with st.spinner("Prüfe und importiere die Geschäftsstellen …"):
            appctx.act(offices.import_csv, raw, success=lambda n: f"{n} Geschäftsstellen importiert.")

df = appctx.read(offices.list_offices)
show_closed = st.toggle("Geschlossene zeigen", value=False)
view = df if show_closed else df[df["active"]]
st.dataframe(
    view.assign(Art=view["kind"].map(OFFICE_KINDS))[
        ["name", "Art", "street", "plz", "city", "kv_name", "opening_hours", "active"]
    ].rename(
        columns={
            "name": "Name",
            "street": "Straße",
            "plz": "PLZ",
            "city": "Ort",
            "kv_name": "Kreisverband",
            "opening_hours": "Öffnungszeiten",
            "active": "geöffnet",
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Geschäftsstelle bearbeiten")
labels = {int(r.id): f"{r.plz} {r.city} · {r.name}" + ("" if r.active else " (geschlossen)") for r in df.itertuples()}
# A key keeps the choice across the rerun after an action, when its label gains or loses "(geschlossen)".
chosen = st.selectbox(
    "Geschäftsstelle",
    [None, *labels],
    key="office_pick",
    format_func=lambda i: "– bitte wählen –" if i is None else labels[i],
)
if chosen is not None:
    row = df[df["id"] == chosen].iloc[0]
    data = _office_form(f"edit_office_{chosen}", row)
    if data is not None:
        appctx.act(offices.edit_office, chosen, data, success="Änderung gespeichert.")
    if row["active"]:
        if st.button("Geschäftsstelle schließen", key="close_office"):
            appctx.act(offices.close_office, chosen, success="Die Geschäftsstelle ist geschlossen.")
    elif st.button("Wieder öffnen", key="reopen_office"):
        appctx.act(offices.set_office_open, chosen, True, success="Die Geschäftsstelle ist wieder geöffnet.")
