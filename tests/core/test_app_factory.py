"""The app factory: several apps in one process (tests, the benchmark) stay independent."""

from pathlib import Path

import pytest

from talentfin import config
from talentfin import create_app


def test_a_sqlite_app_does_not_leak_its_engine_options_into_the_next_app(tmp_path):
    sqlite = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                         "UPLOAD_FOLDER": str(tmp_path), "DOSSIER_FOLDER": str(tmp_path)})
    assert sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] == 30
    postgres = create_app({"TESTING": True,
                           "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/x",
                           "UPLOAD_FOLDER": str(tmp_path), "DOSSIER_FOLDER": str(tmp_path)})
    # psycopg refuses SQLite's "timeout" option: the PostgreSQL app could not connect.
    assert "connect_args" not in postgres.config["SQLALCHEMY_ENGINE_OPTIONS"]


def _config(tmp_path, **changes) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "UPLOAD_FOLDER": str(tmp_path), "DOSSIER_FOLDER": str(tmp_path), **changes}


def test_production_refuses_to_start_without_a_secret_key_of_its_own(tmp_path):
    public = "https://talent.example.cn"
    with pytest.raises(RuntimeError, match="TALENTFIN_SECRET_KEY"):
        create_app(_config(tmp_path, PRODUCTION=True, SECRET_KEY=None,
                           PUBLIC_BASE_URL=public))
    with pytest.raises(RuntimeError, match="TALENTFIN_SECRET_KEY"):
        create_app(_config(tmp_path, PRODUCTION=True, SECRET_KEY="short",
                           PUBLIC_BASE_URL=public))
    with pytest.raises(RuntimeError, match="TALENTFIN_PUBLIC_BASE_URL"):
        create_app(_config(tmp_path, PRODUCTION=True, SECRET_KEY="k" * 64,
                           PUBLIC_BASE_URL="http://127.0.0.1:5000"))
    app = create_app(_config(tmp_path, PRODUCTION=True, SECRET_KEY="k" * 64,
                             PUBLIC_BASE_URL=public))
    assert app.config["SECRET_KEY"] == "k" * 64


def test_without_production_a_missing_key_is_generated_into_the_instance_folder(tmp_path):
    app = create_app(_config(tmp_path, SECRET_KEY=None))
    kept = Path(app.instance_path) / "secret_key"
    assert len(app.config["SECRET_KEY"]) == 64 and app.config["SECRET_KEY"] == \
        kept.read_text().strip()


def test_environment_values_take_the_type_of_the_setting(monkeypatch):
    monkeypatch.setenv("TALENTFIN_WORKER_POLL_SECONDS", "0.2")
    monkeypatch.setenv("TALENTFIN_OUTBOX_LEASE_SECONDS", "7")
    monkeypatch.setenv("TALENTFIN_SESSION_COOKIE_SECURE", "false")
    monkeypatch.setenv("TALENTFIN_DATABASE_URL", "sqlite:////tmp/x.sqlite3")
    values = config.from_environment()
    assert values["WORKER_POLL_SECONDS"] == 0.2
    assert values["OUTBOX_LEASE_SECONDS"] == 7
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/x.sqlite3"


@pytest.mark.parametrize("name, raw", [
    ("WORKER_POLL_SECONDS", "soon"), ("OUTBOX_LEASE_SECONDS", "2.5"),
    ("SESSION_COOKIE_SECURE", "maybe")])
def test_an_environment_value_of_the_wrong_type_names_the_variable(monkeypatch, name, raw):
    monkeypatch.setenv(f"TALENTFIN_{name}", raw)
    with pytest.raises(ValueError, match=f"TALENTFIN_{name}="):
        config.from_environment()
