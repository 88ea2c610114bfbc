"""A Streamlit client without a browser: the app's WebSocket protocol, for load benchmarks and tests.

One `ProtocolSession` is one browser tab: it connects to /_stcore/stream with the cookies a browser
would send in the handshake, asks for reruns with BackMsg.rerun_script (page, widget values) and
reads the ForwardMsgs of that run up to its script_finished. Many sessions share one asyncio loop,
so 60 of them cost a fraction of one core, where 60 Chromium contexts need many.

Logging in without the form: streamlit-authenticator reads its cookie on the server from
st.context.cookies, i.e. from the Cookie header of the WebSocket handshake. `mint_login_cookie`
opens a server-side session record (services.core.sessions.start_session) and signs the token
app.py would write for it.
"""

from __future__ import annotations

import asyncio
import http.client
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlparse

import jwt  # PyJWT, streamlit-authenticator's token library
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

from db.models import User
from services.core import sessions

TIMEZONE, TIMEZONE_OFFSET, LOCALE = "Europe/Berlin", -60, "de-DE"


def mint_login_cookie(session: Session, username: str, cookie_key: str, expiry_days: float = 1.0) -> str:
    """Open a server-side session for username and return the login cookie's value for it (commits).

    The payload is the one app.py's _token_encode writes (username, exp_date, sid), signed with the
    cookie key as the authenticator does; _token_encode is a closure inside app.py and cannot be
    imported. The integration test logs in with it, so a change of the token's shape shows there.
    """
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise LookupError(f"no user {username!r}")
    sid = sessions.start_session(session, user_id)
    session.commit()
    exp = (datetime.now() + timedelta(days=expiry_days)).timestamp()
    return jwt.encode({"username": username, "exp_date": exp, "sid": sid}, cookie_key, algorithm="HS256")


def _insecure_tls() -> ssl.SSLContext:
    # The benchmark's proxy has a self-signed certificate for localhost.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def route_cookie(base: str) -> str | None:
    """The proxy's sticky-session cookie (cockpit_route) from a plain GET of /, as a browser gets it first."""
    url = urlparse(base)
    if url.scheme == "https":
        conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=30, context=_insecure_tls())
    else:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "cockpit_route":
                return rest.split(";", 1)[0]
        return None
    finally:
        conn.close()


@dataclass
class RunResult:
    """What one requested run sent: its elements, its errors and how long it took."""

    seconds: float
    elements: list[Element] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        """Every markdown, text, heading and alert body of the run (for checks by content)."""
        out = []
        for el in self.elements:
            kind = el.WhichOneof("type")
            if kind in ("markdown", "text", "heading", "alert"):
                out.append(getattr(el, kind).body)
        return out

    def widget(self, kind: str, label: str):
        """The first widget proto of a kind (e.g. "text_input", "button") with that label, or None."""
        for el in self.elements:
            if el.WhichOneof("type") == kind and getattr(el, kind).label == label:
                return getattr(el, kind)
        return None


class ProtocolSession:
    """One app session over Streamlit's WebSocket, driven by reruns; use `await ProtocolSession.open(...)`."""

    def __init__(self, ws: ClientConnection, base: str):
        self.ws, self.base = ws, base
        self.pages: dict[str, tuple[str, str]] = {}  # page name -> (page_script_hash, url_pathname)
        self.page_hash = ""  # the page the last run showed
        self._inbox: asyncio.Queue[ForwardMsg | None] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, base: str, cookies: dict[str, str], timeout: float = 60) -> ProtocolSession:
        """Connect to base (http(s)://host:port) with these cookies in the handshake."""
        url = urlparse(base)
        ws_url = f"{'wss' if url.scheme == 'https' else 'ws'}://{url.netloc}/_stcore/stream"
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        ws = await connect(
            ws_url,
            # What the JS client sends: the subprotocol first, then the XSRF token (it only guards
            # st.login's own cookie, which the Cockpit does not use) and no session to resume.
            subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie} if cookie else None,
            ssl=_insecure_tls() if url.scheme == "https" else None,
            open_timeout=timeout,
            max_size=None,
            ping_interval=None,  # the server answers pings, but under load a late pong must not kill the tab
        )
        return cls(ws, base)

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._inbox.put_nowait(msg)
        finally:
            self._inbox.put_nowait(None)

    def _client_state(self, page_hash: str, widgets: dict[str, object] | None) -> ClientState:
        state = ClientState(query_string="", page_script_hash=page_hash)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = TIMEZONE, TIMEZONE_OFFSET, LOCALE
        path = next((p for h, p in self.pages.values() if h == page_hash), "")
        info.url = f"{self.base}/{path}"
        for widget_id, value in (widgets or {}).items():
            w = state.widget_states.widgets.add()
            w.id = widget_id
            if isinstance(value, bool):
                w.bool_value = value
            elif isinstance(value, int):
                w.int_value = value
            elif isinstance(value, float):
                w.double_value = value
            else:
                w.string_value = str(value)
        return state

    async def rerun(
        self, page: str | None = None, widgets: dict[str, object] | None = None, timeout: float = 180
    ) -> RunResult:
        """Run the app on page (a page name of the navigation; None: the current one) with these widget values.

        Waits for the script_finished of the run this request started (a run cut short for a rerun
        is followed to the next one). Exceptions and st.error alerts count as errors.
        """
        if page is None:
            page_hash = self.page_hash
        elif page in self.pages:
            page_hash = self.pages[page][0]
        else:
            raise KeyError(f"page {page!r} is not in the navigation: {sorted(self.pages)}")
        while not self._inbox.empty():  # what came after the last run is not this run's
            if self._inbox.get_nowait() is None:
                raise ConnectionError("the app closed the connection")
        start = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=self._client_state(page_hash, widgets)).SerializeToString())
        result = RunResult(0.0)
        started = False
        deadline = start + timeout
        while True:
            msg = await asyncio.wait_for(self._inbox.get(), max(0.1, deadline - time.perf_counter()))
            if msg is None:
                raise ConnectionError("the app closed the connection during a run")
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started, result.elements, result.errors = True, [], []
            elif kind == "navigation":
                self.pages = {p.page_name: (p.page_script_hash, p.url_pathname) for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_not_found":
                result.errors.append(f"page not found: {msg.page_not_found.page_name}")
            elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                result.errors.append(msg.session_event.script_compilation_exception.message)
            elif kind == "delta" and started and msg.delta.HasField("new_element"):
                el = msg.delta.new_element
                result.elements.append(el)
                if el.WhichOneof("type") == "exception":
                    result.errors.append(f"{el.exception.type}: {el.exception.message}")
                elif el.WhichOneof("type") == "alert" and el.alert.format == Alert.ERROR:
                    result.errors.append(el.alert.body)
            elif kind == "script_finished" and started:
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    started = False  # a rerun (st.rerun, a newer request) follows
                    continue
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    result.errors.append("compile error")
                result.seconds = time.perf_counter() - start
                return result

    async def close(self) -> None:
        """Close the WebSocket (the app ends the session)."""
        await self.ws.close()
        self._reader.cancel()
