"""Settings: environment over secrets.toml, demo mode, refusal of unsafe cookie keys."""

from __future__ import annotations

import pytest

from services.core.settings import DEMO_COOKIE_KEY, EXAMPLE_COOKIE_KEY, ConfigError, load_settings


def test_no_database_url_means_demo_mode_on_embedded_sqlite(tmp_path):
    s = load_settings(env={}, secrets_path=tmp_path / "none.toml")
    assert s.demo_mode
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("data/cockpit.sqlite")
    s.validate()  # demo mode may use the demo cookie key


def test_environment_overrides_secrets_file(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'DATABASE_URL = "postgresql+psycopg://a@h/db"\nOFFICE_REACH_KM = 20\nCOOKIE_KEY = "k' + "x" * 40 + '"\n'
        'LINK_SECRET = "l' + "y" * 40 + '"\n'
    )
    s = load_settings(env={"OFFICE_REACH_KM": "12.5"}, secrets_path=secrets)
    assert s.database_url == "postgresql+psycopg://a@h/db"
    assert not s.demo_mode
    assert s.office_reach_km == 12.5
    s.validate()


@pytest.mark.parametrize("key", ["", EXAMPLE_COOKIE_KEY, DEMO_COOKIE_KEY, "short-key"])
def test_production_refuses_missing_example_or_short_cookie_key(tmp_path, key):
    env = {"DATABASE_URL": "postgresql+psycopg://a@h/db", "COOKIE_KEY": key}
    s = load_settings(env=env, secrets_path=tmp_path / "none.toml")
    with pytest.raises(ConfigError, match="COOKIE_KEY"):
        s.validate()


def test_demo_mode_can_be_asked_for_explicitly(tmp_path):
    s = load_settings(
        env={"DATABASE_URL": "sqlite:////tmp/x.sqlite", "DEMO_MODE": "1"}, secrets_path=tmp_path / "none.toml"
    )
    assert s.demo_mode and s.database_url == "sqlite:////tmp/x.sqlite"


@pytest.mark.parametrize("value", ["", "off", "none"])
def test_explicitly_empty_tile_url_switches_tiles_off(tmp_path, value):
    s = load_settings(env={"TILE_URL": value}, secrets_path=tmp_path / "none.toml")
    assert s.tile_url == ""


def test_tile_url_defaults_to_openstreetmap_and_can_be_the_partys_own(tmp_path):
    assert "openstreetmap" in load_settings(env={}, secrets_path=tmp_path / "n.toml").tile_url
    own = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert load_settings(env={"TILE_URL": own}, secrets_path=tmp_path / "n.toml").tile_url == own


def _demo(tmp_path, folder: str, **env):
    url = f"sqlite:///{tmp_path / folder / 'cockpit.sqlite'}"
    return load_settings(env={"DATABASE_URL": url, "DEMO_MODE": "1", **env}, secrets_path=tmp_path / "none.toml")


def test_demo_mode_never_signs_cookies_with_a_fixed_key(tmp_path):
    """Each demo installation makes its own random key, kept beside its database (0600), reused on restart."""
    first, second = _demo(tmp_path, "one"), _demo(tmp_path, "two")
    for s in (first, second):
        assert s.cookie_key not in ("", DEMO_COOKIE_KEY, EXAMPLE_COOKIE_KEY)
        assert len(s.cookie_key.encode()) >= 32
        s.validate()
    assert first.cookie_key != second.cookie_key
    key_file = tmp_path / "one" / ".cookie_key"
    assert key_file.read_text().strip() == first.cookie_key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert _demo(tmp_path, "one").cookie_key == first.cookie_key  # a restart keeps the logins valid


def test_the_embedded_demo_keeps_its_key_in_data_and_git_ignores_it():
    from services.core.settings import DEMO_DB_PATH, ROOT

    assert ROOT.joinpath(".gitignore").read_text().count("data/.cookie_key") == 1
    s = load_settings(env={}, secrets_path=ROOT / "does-not-exist.toml")
    assert s.cookie_key == (DEMO_DB_PATH.parent / ".cookie_key").read_text().strip()


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://cockpit@db.example.org/cockpit", "postgresql://a@127.0.0.1/demo", "mysql://a@h/x"]
)
def test_demo_mode_refuses_a_non_demo_database(tmp_path, url):
    s = load_settings(
        env={"DATABASE_URL": url, "DEMO_MODE": "1", "COOKIE_KEY": "k" * 40}, secrets_path=tmp_path / "none.toml"
    )
    assert s.demo_mode
    with pytest.raises(ConfigError, match="Demo-Modus"):
        s.validate()


def test_make_run_listens_on_localhost_only():
    import shutil
    import subprocess

    from services.core.settings import ROOT

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    run_line = next(line for line in out.splitlines() if "streamlit run app.py" in line)
    assert "--server.address 127.0.0.1" in run_line
