"""The page a personal link opens, before and without login: only what the token allows, no navigation.

app.py runs this page alone when the address carries a token (?t=…) or PUBLIC_ONLY=1. The view is
chosen by the token's purpose from VIEWS; each view reads and acts through publicctx.
"""

import streamlit as st

import publicctx
from pages.public import answer, confirm, topics
from services.links.access import open_link
from services.links.mail_links import TOKEN_PARAM

# Purpose of the token → the view that shows it: render(token, page).
VIEWS = {"confirm": confirm.render, "answer": answer.render, "topics": topics.render}
NO_TOKEN = (
    "Hier öffnest du deine persönlichen Links aus den Mails von Linksaktiv: zum Bestätigen deiner "
    "Anmeldung, zum Antworten auf einen Aufruf und für deine Themen oder zum Abmelden. "
    "Bitte öffne den Link direkt aus deiner Mail."
)

st.title("Linksaktiv")
publicctx.check_rate()
publicctx.flash()
token = st.query_params.get(TOKEN_PARAM, "")
if not token:
    st.info(NO_TOKEN, icon=":material/mail:")
    st.stop()
page = publicctx.read(open_link, token)
VIEWS[page.purpose](token, page)
st.caption("Dieser Link ist persönlich. Bitte gib ihn nicht weiter.")
