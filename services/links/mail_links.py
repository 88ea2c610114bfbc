"""The personal links a mail to a Linksaktive:r carries: their URLs and the German block under the text."""

from __future__ import annotations

from urllib.parse import quote

from services.core.settings import get_settings
from services.links.tokens import issue_token, token_signer

# The query parameter of the public page that holds the token (app.py opens the public page for it).
TOKEN_PARAM = "t"


def link_url(settings, token: str) -> str:
    """The address of the public page for token, under PUBLIC_BASE_URL."""
    return f"{settings.public_base_url.rstrip('/')}/?{TOKEN_PARAM}={quote(token, safe='')}"


def _ref(ref_type: str, ref_id: int | None) -> str:
    return f"{ref_type}:{int(ref_id)}" if ref_type and ref_id is not None else ""


def answer_url(settings, contact_id: int, call_id: int) -> str:
    """The person's link to answer call (or survey) call_id."""
    return link_url(settings, issue_token(settings.link_secret, contact_id, "answer", f"call:{int(call_id)}"))


def topics_url(settings, contact_id: int, ref_type: str = "", ref_id: int | None = None) -> str:
    """The person's link to change topics or unsubscribe; ref names the mailing it came in."""
    return link_url(settings, issue_token(settings.link_secret, contact_id, "topics", _ref(ref_type, ref_id)))


def confirm_url(settings, contact_id: int) -> str:
    """The person's one-time link to confirm the sign-up (double opt-in)."""
    return link_url(settings, issue_token(settings.link_secret, contact_id, "confirm", one_time=True))


def personal_link_block(settings, contact_id: int, *, ref_type: str, ref_id: int | None, answer: bool = False) -> str:
    """The German block of personal links appended to a mail body (answer link only for calls and surveys).

    ref_type is the mailing's kind as the links name it: 'call' (a call to action or a survey) or 'info'.
    """
    lines = ["", "Deine persönlichen Links (bitte nicht weitergeben):"]
    if answer:
        if ref_type != "call" or ref_id is None:
            raise ValueError("an answer link needs the call it answers (ref_type='call', ref_id)")
        lines.append(f"Antworten: {answer_url(settings, contact_id, ref_id)}")
    lines.append(f"Meine Themen / Abmelden: {topics_url(settings, contact_id, ref_type, ref_id)}")
    days = int(settings.link_max_age_days)
    lines.append(f"Die Links gelten {days} Tage lang und nur für dich.")
    return "\n".join(lines)


def link_block_maker(settings, *, ref_type: str, ref_id: int | None, answer: bool = False):
    """personal_link_block(settings, contact_id, ...) as a function of contact_id, for one mailing to many people.

    The block's text is built once around a placeholder and each person's signed tokens are put in its place,
    so a mail to 100,000 people signs its links without building the block 100,000 times. The result is the
    same text personal_link_block gives (a test holds them equal). Tokens are URL-safe base64 and dots: the
    quoting of link_url leaves them as they are.
    """
    mark = "\x00"
    parts = personal_link_block(settings, 0, ref_type=ref_type, ref_id=ref_id, answer=answer).split("\n")
    base = f"{settings.public_base_url.rstrip('/')}/?{TOKEN_PARAM}="
    signers = {}
    if answer:
        signers["Antworten: "] = token_signer(settings.link_secret, "answer", f"call:{int(ref_id)}")
    signers["Meine Themen / Abmelden: "] = token_signer(settings.link_secret, "topics", _ref(ref_type, ref_id))
    for i, line in enumerate(parts):
        for label in signers:
            if line.startswith(label + base):
                parts[i] = label + base + mark
    pieces = "\n".join(parts).split(mark)
    sign = list(signers.values())
    if len(pieces) != len(sign) + 1:
        raise ValueError("the link block has not the links it should")

    def block(contact_id: int) -> str:
        out = [pieces[0]]
        for signer, piece in zip(sign, pieces[1:], strict=True):
            out += (signer(contact_id), piece)
        return "".join(out)

    return block


def call_link_blocks(call_id: int, settings=None):
    """For the mails of a call, made at queue time: contact ids → [(contact id, the person's links block)]."""
    s = settings if settings is not None else get_settings()

    def blocks(contact_ids) -> list[tuple[int, str]]:
        return [
            (cid, "\n" + personal_link_block(s, cid, ref_type="call", ref_id=call_id, answer=True))
            for cid in contact_ids
        ]

    return blocks


def own_links(contact_id: int, settings=None) -> str:
    """The "Meine Themen / Abmelden" block for a mail to a Linksaktive:r that is not about one mailing."""
    s = settings if settings is not None else get_settings()
    return "\n" + personal_link_block(s, contact_id, ref_type="", ref_id=None)
