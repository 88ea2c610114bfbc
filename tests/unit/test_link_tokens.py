"""Personal-link tokens: valid, expired, forged, other person's, wrong purpose; the mail block; the settings."""

from __future__ import annotations

import time
from dataclasses import replace
from urllib.parse import parse_qs, urlparse

import pytest

from services.core.settings import ConfigError, load_settings
from services.links.mail_links import link_block_maker, link_url, personal_link_block
from services.links.tokens import LinkError, issue_token, read_token, token_signer

SECRET = "s" * 40
OTHER_SECRET = "o" * 40


def test_a_valid_token_names_person_purpose_and_ref():
    token = issue_token(SECRET, 17, "answer", "call:3")
    claim = read_token(SECRET, token, "answer", max_age_days=60)
    assert (claim.contact_id, claim.purpose, claim.ref, claim.nonce) == (17, "answer", "call:3", "")
    assert (claim.ref_type, claim.ref_id) == ("call", 3)


def test_confirm_tokens_are_one_time_with_a_fresh_nonce_each():
    a, b = issue_token(SECRET, 5, "confirm"), issue_token(SECRET, 5, "confirm")
    na = read_token(SECRET, a, "confirm", max_age_days=60).nonce
    nb = read_token(SECRET, b, "confirm", max_age_days=60).nonce
    assert na and nb and na != nb


def test_an_expired_token_is_refused_in_german(monkeypatch):
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 61 * 86400)
    token = issue_token(SECRET, 1, "topics")
    monkeypatch.setattr(time, "time", real)
    with pytest.raises(LinkError, match="abgelaufen") as err:
        read_token(SECRET, token, "topics", max_age_days=60)
    assert err.value.reason == "expired"
    # Within the expiry it still holds.
    assert read_token(SECRET, token, "topics", max_age_days=62).contact_id == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1],  # signature changed
        lambda t: t[: len(t) // 2],  # cut off when copied
        lambda t: "",
        lambda t: "nonsense",
    ],
)
def test_a_forged_or_cut_token_is_refused(mangle):
    token = issue_token(SECRET, 1, "topics")
    with pytest.raises(LinkError, match="ungültig") as err:
        read_token(SECRET, mangle(token), "topics", max_age_days=60)
    assert err.value.reason == "forged"


def test_a_token_signed_with_another_secret_is_forged():
    with pytest.raises(LinkError) as err:
        read_token(SECRET, issue_token(OTHER_SECRET, 1, "topics"), "topics", max_age_days=60)
    assert err.value.reason == "forged"


def test_another_persons_token_cannot_be_rewritten_to_mine():
    """The person is inside the signed payload: swapping the id in the readable part breaks the signature."""
    import base64
    import json

    token = issue_token(SECRET, 41, "topics")
    payload, rest = token.split(".", 1)
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert data[0] == 41
    data[0] = 42
    swapped = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
    with pytest.raises(LinkError) as err:
        read_token(SECRET, f"{swapped}.{rest}", "topics", max_age_days=60)
    assert err.value.reason == "forged"


def test_a_token_for_another_purpose_is_refused():
    token = issue_token(SECRET, 1, "topics", "info:12")
    with pytest.raises(LinkError, match="für etwas anderes") as err:
        read_token(SECRET, token, "answer", max_age_days=60)
    assert err.value.reason == "purpose"


def test_issue_refuses_unknown_purposes_and_refs():
    with pytest.raises(ValueError):
        issue_token(SECRET, 1, "admin")
    with pytest.raises(ValueError):
        issue_token(SECRET, 1, "topics", "call:x")
    with pytest.raises(ValueError):
        issue_token("short", 1, "topics")


def _settings(**kw):
    return replace(load_settings(env={}), link_secret=SECRET, **kw)


def test_link_url_points_at_the_public_base_url():
    s = _settings(public_base_url="https://mitmachen.example.org")
    url = link_url(s, issue_token(SECRET, 3, "topics"))
    parsed = urlparse(url)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "mitmachen.example.org", "/")
    token = parse_qs(parsed.query)["t"][0]
    assert read_token(SECRET, token, "topics", max_age_days=60).contact_id == 3


def test_personal_link_block_carries_working_links():
    s = _settings()
    block = personal_link_block(s, 9, ref_type="call", ref_id=4, answer=True)
    assert "Antworten: http://127.0.0.1:8501/?t=" in block
    assert "Meine Themen / Abmelden: http://127.0.0.1:8501/?t=" in block
    urls = {line.split(": ", 1)[0]: line.split(": ", 1)[1] for line in block.splitlines() if "?t=" in line}
    answer = read_token(SECRET, parse_qs(urlparse(urls["Antworten"]).query)["t"][0], "answer", max_age_days=60)
    topics = read_token(
        SECRET, parse_qs(urlparse(urls["Meine Themen / Abmelden"]).query)["t"][0], "topics", max_age_days=60
    )
    assert (answer.contact_id, answer.ref) == (9, "call:4")
    assert (topics.contact_id, topics.ref) == (9, "call:4")
    info = personal_link_block(s, 9, ref_type="info", ref_id=12)
    assert "Antworten" not in info and "Meine Themen / Abmelden" in info


def test_settings_defaults_and_refusal_without_link_secret(tmp_path):
    s = load_settings(env={}, secrets_path=tmp_path / "none.toml")
    assert s.link_max_age_days == 60 and s.public_base_url == "http://127.0.0.1:8501" and not s.public_only
    assert len(s.link_secret) >= 32 and s.link_secret != s.cookie_key
    env = {"DATABASE_URL": "postgresql+psycopg://a@h/db", "COOKIE_KEY": "k" * 40}
    with pytest.raises(ConfigError, match="LINK_SECRET"):
        load_settings(env=env, secrets_path=tmp_path / "none.toml").validate()
    load_settings(env={**env, "LINK_SECRET": "l" * 40}, secrets_path=tmp_path / "none.toml").validate()
    assert load_settings(env={**env, "PUBLIC_ONLY": "1", "LINK_MAX_AGE_DAYS": "30"}).public_only


def test_demo_link_key_is_kept_beside_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'd' / 'cockpit.sqlite'}"
    first = load_settings(env={"DATABASE_URL": url, "DEMO_MODE": "1"}, secrets_path=tmp_path / "n.toml")
    again = load_settings(env={"DATABASE_URL": url, "DEMO_MODE": "1"}, secrets_path=tmp_path / "n.toml")
    assert first.link_secret == again.link_secret
    key = tmp_path / "d" / ".link_key"
    assert key.read_text().strip() == first.link_secret and key.stat().st_mode & 0o777 == 0o600


def test_fast_issue_gives_the_bytes_of_itsdangerous():
    from itsdangerous import URLSafeTimedSerializer

    token = issue_token(SECRET, 123, "answer", "call:7")
    reference = URLSafeTimedSerializer(SECRET, salt="linksaktiv-personal-link").dumps([123, "answer", "call:7"])
    # Same second almost always; the timestamp part may differ by one when the second turns.
    assert token.split(".")[0] == reference.split(".")[0]
    assert token == reference or token.split(".")[1] != reference.split(".")[1]


@pytest.mark.parametrize(
    ("ref_type", "ref_id", "answer"), [("info", 12, False), ("call", 4, True), ("call", 4, False), ("", None, False)]
)
def test_link_block_maker_gives_the_text_of_personal_link_block(ref_type, ref_id, answer):
    s = _settings(public_base_url="https://mitmachen.example.org/")
    block = link_block_maker(s, ref_type=ref_type, ref_id=ref_id, answer=answer)
    for cid in (0, 7, 123_456, 10_000_001):
        made = block(cid)
        # The same second almost always; retry once when it turned between the two.
        assert made == personal_link_block(s, cid, ref_type=ref_type, ref_id=ref_id, answer=answer) or block(
            cid
        ) == personal_link_block(s, cid, ref_type=ref_type, ref_id=ref_id, answer=answer)
    token = parse_qs(urlparse(block(5).splitlines()[-2].split(": ", 1)[1]).query)["t"][0]
    claim = read_token(SECRET, token, "topics", max_age_days=60)
    assert (claim.contact_id, claim.ref) == (5, f"{ref_type}:{ref_id}" if ref_type else "")


def test_token_signer_matches_issue_token_and_refuses_one_time_links():
    sign = token_signer(SECRET, "answer", "call:7")
    assert sign(42) == issue_token(SECRET, 42, "answer", "call:7") or sign(42) == issue_token(
        SECRET, 42, "answer", "call:7"
    )
    with pytest.raises(ValueError):
        token_signer(SECRET, "confirm")
    with pytest.raises(ValueError):
        token_signer(SECRET, "topics", "call:x")
