"""Linksaktiv-Info (team, land, kreis): write an Info by topic and region, see whom it reaches, send it once."""

import streamlit as st

import appctx
from components.charts import ranked_bars
from components.figures import metric_row
from components.fresh_select import fresh_selectbox
from components.text import plain
from domain.enums import TOPICS
from domain.formatting import format_datetime, format_int, format_people
from services.core.settings import get_settings
from services.info import workflow as info
from services.newspaper.regions import region_choices

user = appctx.guard("pages/info.py")
st.title("Linksaktiv-Info")
st.caption(
    "Eine Info geht per E-Mail an alle Linksaktiven der Region, die sich für eines ihrer Themen interessieren "
    f"und in Informationen per E-Mail eingewilligt haben – an niemanden öfter als "
    f"{get_settings().max_infos_per_30_days}-mal in 30 Tagen (Aktionsaufrufe zählen extra). "
    "Jede Info wird nur einmal verschickt; jede Mail trägt die persönlichen Links der Person."
)
appctx.flash()

lands, kvs = appctx.read(region_choices)
land_names = dict(lands)
kv_names = {kid: name for kid, name, _ in kvs}
levels = appctx.read(info.region_levels)
LIST_TAB, NEW_TAB = "Infos", "Neue Info"
FIELDS = {"title": "", "body": "", "topics": []}


def _form() -> info.InfoForm:
    get = st.session_state.get
    level = get("info_level")
    return info.InfoForm(
        title=get("info_title", ""),
        body=get("info_body", ""),
        topics=tuple(get("info_topics", ())),
        region_level=level,
        land_code=get("info_land") if level == "land" else None,
        kv_id=get("info_kv") if level == "kv" else None,
    )


def _opened(info_id: int) -> None:
    for name, empty in FIELDS.items():
        st.session_state[f"info_{name}"] = list(empty) if isinstance(empty, list) else empty
    st.session_state["info_pick"] = info_id
    st.session_state["info_tab"] = LIST_TAB


def _create() -> None:
    appctx.act(
        info.create_info,
        _form(),
        key="info",
        rerun=False,
        then=_opened,
        success="Die Info ist als Entwurf angelegt und hier geöffnet. Prüf die Mail, zähle die Empfänger:innen "
        "und verschicke sie dann.",
    )


def _region_label(i: info.InfoView) -> str:
    if i.region_level == "kv":
        return kv_names.get(i.kv_id, "Kreisverband")
    if i.region_level == "land":
        return land_names.get(i.land_code, i.land_code or "")
    return "bundesweit"


tab_list, tab_new = st.tabs([LIST_TAB, NEW_TAB], key="info_tab", on_change="rerun")

with tab_new:
    st.text_input("Titel (Betreff der Mail)", key="info_title", max_chars=info.TITLE.limit)
    st.text_area(
        "Text",
        key="info_body",
        height=200,
        max_chars=info.BODY.limit,
        help="Die Mail beginnt mit „Hallo <Vorname>,“; Gruß, Grund des Empfangs und die persönlichen Links "
        "(Meine Themen / Abmelden) werden angehängt.",
    )
    st.multiselect("Themen", list(TOPICS), format_func=TOPICS.get, key="info_topics", placeholder="Bitte auswählen")
    r1, r2 = st.columns(2)
    level = r1.selectbox("Region", levels, format_func=info.REGION_LEVELS.get, key="info_level")
    if level == "land":
        r2.selectbox("Land", list(land_names), format_func=land_names.get, key="info_land")
    elif level == "kv":
        r2.selectbox("Kreisverband", list(kv_names), format_func=kv_names.get, key="info_kv")
    st.button("Info anlegen", type="primary", key="info_create", on_click=_create)
    appctx.errors("info")


def _ask(info_id: int, n: int) -> None:
    st.session_state["info_confirm"] = (info_id, n)


def _send_step(i: info.InfoView, pv: info.AudiencePreview) -> None:
    if st.session_state.get("info_confirm") != (i.id, pv.recipients):
        st.button(
            f"An {format_people(pv.recipients)} senden …",
            type="primary",
            key="info_send",
            icon=":material/send:",
            on_click=_ask,
            args=(i.id, pv.recipients),
        )
        return
    st.warning(
        f"**An {format_people(pv.recipients)} senden?** Jede:r bekommt die Info einmal; eine verschickte Info lässt "
        "sich nicht zurückholen.",
        icon=":material/warning:",
    )
    row = st.container(horizontal=True)
    if row.button(f"Ja, an {format_int(pv.recipients)} senden", type="primary", key="info_send_confirm"):
        st.session_state.pop("info_confirm", None)
        st.session_state.pop("info_preview", None)
        # Tens of thousands of recipients take seconds: say what is going on meanwhile.
        with st.spinner(f"Die Info wird an {format_people(pv.recipients)} verschickt …"):
            appctx.act(
                info.send,
                i.id,
                pv.recipients,
                success=lambda made: (
                    f"Die Info ist an {format_people(made)} unterwegs. Die Mails liegen im Postausgang "
                    "und gehen mit dem nächsten Lauf des Mailversands raus."
                ),
            )
    if row.button("Abbrechen", key="info_send_cancel"):
        st.session_state.pop("info_confirm", None)
        st.rerun()


def _draft(i: info.InfoView) -> None:
    st.caption("Gezählt wird beim Klick und beim Senden noch einmal: Weicht die Zahl ab, wird nichts gesendet.")
    if st.button("Empfänger:innen zählen", icon=":material/preview:", key="info_count"):
        st.session_state.pop("info_confirm", None)
        with st.spinner("Empfänger:innen werden gezählt …"):
            st.session_state["info_preview"] = (i.id, appctx.read(info.preview, i.id))
    stored = st.session_state.get("info_preview")
    if stored and stored[0] == i.id:
        pv = stored[1]
        metric_row([("Empfänger:innen", pv.recipients), ("ausgelassen (Limit erreicht)", pv.at_limit)])
        if pv.recipients:
            st.markdown("**Empfänger:innen nach Kreisverband**")
            if len(pv.by_kv) > 1:
                chart = pv.by_kv.rename(columns={"Empfänger:innen": "Anzahl"})[["Kreisverband", "Anzahl"]]
                ranked_bars(chart, "Kreisverband", "Anzahl", limit=20)
            st.dataframe(pv.by_kv, hide_index=True, width="stretch")
        if not pv.sample.empty:
            with st.expander(f"Stichprobe: {len(pv.sample)} der Empfänger:innen"):
                st.dataframe(pv.sample, hide_index=True, width="stretch")
        if pv.recipients:
            _send_step(i, pv)
    if st.button("Entwurf löschen", key="info_delete"):
        appctx.act(info.delete_draft, i.id, success="Entwurf gelöscht.")


def _sent(i: info.InfoView) -> None:
    f = appctx.read(info.figures, i.id)
    metric_row(
        [
            ("verschickt", f.sent),
            ("zugestellt", f.delivered),
            ("wartet", f.waiting),
            ("fehlgeschlagen", f.failed),
            ("storniert", f.cancelled, "nicht gesendet, weil die Einwilligung beim Versand fehlte"),
            ("abgemeldet", f.unsubscribed, "über den Link in dieser Info abgemeldet"),
        ]
    )


with tab_list:
    all_infos = appctx.read(info.infos)
    if not all_infos:
        st.info("Es gibt noch keine Info. Lege unter „Neue Info“ eine an.")
        st.stop()
    by_id = {i.id: i for i in all_infos}
    labels = {
        k: f"{i.title} · {_region_label(i)} · "
        + (f"verschickt {format_datetime(i.sent_at)}" if i.sent_at else "Entwurf")
        for k, i in by_id.items()
    }
    chosen = by_id[fresh_selectbox("Info", list(by_id), labels, key="info_pick")]
    state = f"verschickt am {format_datetime(chosen.sent_at)}" if chosen.sent_at else "Entwurf"
    topics = ", ".join(TOPICS[t] for t in chosen.topics)
    plain(f"Stand: {state} · Region: {_region_label(chosen)} · Themen: {topics}")
    with st.expander("So sieht die Mail aus", expanded=chosen.sent_at is None):
        subject, body = appctx.read(info.mail_preview, chosen.id)
        st.caption("Die Links in dieser Vorschau gehören zu niemandem; jede Mail bekommt die Links ihrer Person.")
        st.text(f"Betreff: {subject}\n\n{body}")
    if chosen.sent_at:
        _sent(chosen)
    else:
        _draft(chosen)
