"""The app factory: several apps in one process (tests, the benchmark) stay independent."""

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
