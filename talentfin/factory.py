"""The app factory: defaults -> instance/config.py -> TALENTFIN_* variables, then a row of
small ``register_*`` helpers (extensions, blueprints, security headers, templating, errors).

The CLI's commands are not registered here: Flask's CLI loads them as ``flask.commands``
entry points (setup.cfg), so a web process never imports them.
"""

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from talentfin import config as config_module
from talentfin import programme  # the products, their pages and every model
from talentfin.extensions import babel
from talentfin.extensions import bootstrap
from talentfin.extensions import csrf
from talentfin.extensions import db
from talentfin.extensions import login_manager
from talentfin.extensions import migrate
from talentfin.i18n import lazy_gettext
from talentfin.i18n import select_locale
from talentfin.security import apply_security_headers
from talentfin.services.accounts import load_user
from talentfin.templating import register as register_template_helpers
from talentfin.views import register_all
from talentfin.views.api import register_api
from talentfin.views.errors import register as register_error_pages

# A production key is random and long (secrets.token_hex(32) gives 64 characters).
MIN_SECRET_KEY_LENGTH = 32


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then TALENTFIN_* variables."""
    # Each host has its own instance folder (TALENTFIN_INSTANCE_PATH: config, fonts, and on
    # the local backend its files); what they share is the database and the object store.
    instance = os.environ.get("TALENTFIN_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance) if instance else None)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_config(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_templating(app)
    register_errors(app)
    return app


def register_config(app: Flask, test_config: dict | None) -> None:
    """Apply configuration layers in order and fill instance-relative defaults."""
    base = config_module.Testing if test_config and test_config.get("TESTING") else None
    app.config.from_object(base or config_module.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config_module.from_environment())
    else:
        app.config.update(test_config)
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'talentfin.sqlite3'}"
    # A copy: the default is one dict shared by every app of the process (and the
    # extension writes into it), so one SQLite app would leak its options into the next.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        uri = uri.replace("postgresql://", "postgresql+psycopg://", 1)
        app.config["SQLALCHEMY_DATABASE_URI"] = uri
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    if uri.startswith("sqlite"):
        # Concurrent writers wait for the lock instead of failing at once.
        options.setdefault("connect_args", {"timeout": 30})
    else:
        # A connection is tested before each use: after the database server restarts, the
        # pool's dead connections are replaced instead of failing one request each.
        options.setdefault("pool_pre_ping", True)
    app.config.setdefault("UPLOAD_FOLDER", None)
    app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"] or str(instance / "uploads")
    app.config["DOSSIER_FOLDER"] = app.config["DOSSIER_FOLDER"] or str(instance / "dossiers")
    if app.config.get("PRODUCTION"):
        _refuse_unsafe_production(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if not app.testing and "127.0.0.1" in app.config["PUBLIC_BASE_URL"]:
        # Printed in every dossier's QR code, forever: a production site must set it.
        app.logger.warning("PUBLIC_BASE_URL is %s; set TALENTFIN_PUBLIC_BASE_URL to the "
                           "site's public address", app.config["PUBLIC_BASE_URL"])


def _refuse_unsafe_production(app: Flask) -> None:
    """Production (``TALENTFIN_PRODUCTION=true``) starts only with a secret key of its own
    (the same on every host: sessions, CSRF tokens and sealed secrets depend on it) and
    the site's public address (printed in every dossier's QR code, forever)."""
    key = app.config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            "production needs TALENTFIN_SECRET_KEY (at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, the same on every host); "
            "for example: python -c 'import secrets; print(secrets.token_hex(32))'")
    if "127.0.0.1" in app.config["PUBLIC_BASE_URL"] or "localhost" in \
            app.config["PUBLIC_BASE_URL"]:
        raise RuntimeError("production needs TALENTFIN_PUBLIC_BASE_URL, the site's public "
                           "address (it is printed in every dossier's QR code)")


def _instance_secret(instance: Path) -> str:
    """Read or create a random secret kept in the instance folder (never committed)."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of talentfin.extensions to this app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"
    login_manager.user_loader(load_user)
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _enable_sqlite_pragmas(app)


def _enable_sqlite_pragmas(app: Flask) -> None:
    """Foreign keys on and WAL journalling for SQLite connections."""
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


class RowId(IntegerConverter):
    """``<int:...>`` in a route: an id a 32-bit key can hold. A larger number matches no
    route (404) instead of reaching the database, which would refuse it (a server error)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Attach one blueprint per module (ids in their routes bounded, ``RowId``)."""
    app.url_map.converters["int"] = RowId
    register_all(app, programme.page_blueprints())
    register_api(app, programme.api_modules())


def register_security(app: Flask) -> None:
    """Security headers on every response, with a CSP the pages really satisfy; behind
    ``PROXY_COUNT`` proxies, the client's address, scheme and host from their headers."""
    app.after_request(apply_security_headers)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies)


def register_templating(app: Flask) -> None:
    """Template filters and globals (money, dates, status labels)."""
    register_template_helpers(app)


def register_errors(app: Flask) -> None:
    """Friendly, translated error pages."""
    register_error_pages(app)
