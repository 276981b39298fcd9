"""Translated error pages.

A page says why when the code gave a reason (``abort(403, reason)``), and only then:
Werkzeug's own English default text is not a reason. A 404 stays bare, so it never tells
whether a hidden object exists. After a refused action on an application the page links
back to it, and a 409 shows what the user typed so a long comment is not lost.
"""

import logging

from flask import Flask
from flask import abort
from flask import current_app
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from talentfin import policy
from talentfin.extensions import db
from talentfin.i18n import _l
from talentfin.models import Application

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Authentication is needed: a valid access token."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist, or you cannot see it."),
    405: _l("This address cannot be opened this way; go back to the page you came from."),
    409: _l("This page was out of date; nothing was changed."),
    413: _l("The upload is too large."),
    422: _l("This is not allowed by the rules."),
    429: _l("Too many requests; please wait a moment."),
    500: _l("Something went wrong on our side; please try again."),
    503: _l("The system cannot reach its database just now. Please try again in a minute."),
}
# Codes whose reason from our own code is shown. Not 404 (it must not confirm that a hidden
# object exists), not 500, and not 400: Flask-WTF's CSRF texts are untranslated English.
WITH_REASON = (403, 409, 422)
# Form fields whose typed text a 409 page gives back ("park_reject-comment", "reason").
TYPED_TEXT_FIELDS = ("comment", "reason", "note")
MAX_TYPED_CHARS = 20_000
# How long a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Install a handler per status code."""
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))
    # The database unreachable (stopped, restarting, a network fault) or too busy: each
    # request fails whole, the transaction rolled back, and says so; the connection pool
    # checks connections before use (pool_pre_ping), so the site recovers by itself.
    for error in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error, database_unavailable)
    app.before_request(refuse_nul)


def refuse_nul() -> None:
    """A NUL in the query string or a header means nothing in any field and PostgreSQL
    refuses it in text: the request is refused whole (400) before anything reads it.
    (Form fields drop it instead, so what was typed is kept: ``forms.base``.)"""
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)) \
            or any("\x00" in value for _name, value in request.headers.items()):
        abort(400, str(_l("The address or a header holds a NUL character, which no field "
                          "takes.")))


def database_unavailable(error):
    """503 page for a database fault: rendered without the database (no user, no
    navigation), in the language the session chose, with what the user typed."""
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the teardown discards the session
        log.debug("rollback after a database fault failed too", exc_info=True)
    log.error("database unavailable during %s %s: %s", request.method, request.path,
              str(error).splitlines()[0] if str(error) else type(error).__name__)
    # Flask-Login would load the user for the template (and the after-request hooks) from
    # the database that is away: the page is rendered as for a visitor.
    g._login_user = current_app.login_manager.anonymous_user()
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith(API_PREFIX):  # a partner's system: problem details
        body, status, headers = problem(503, error)
        return body, status, {**headers, **retry}
    chosen = session.get("lang")
    locale = chosen if chosen in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        page = render_template("errors/unavailable.html", typed=_typed_texts(),
                               locale=locale, posted=request.method == "POST")
    return page, 503, retry


def _handler(code: int):
    def handle(error):
        if request.path.startswith(API_PREFIX):
            return problem(code, error)
        context = {"code": code, "title": MESSAGES[code], "message": None,
                   "application_url": None, "typed": []}
        if code in WITH_REASON:
            context["message"] = reason_given(error)
            context["application_url"] = _visible_application_url()
        if code == 409:
            context["typed"] = _typed_texts()
        return render_template("errors/error.html", **context), code

    return handle


def problem(code: int, error):
    """RFC 9457 problem details for an API call: a stable ``type`` per status, the title
    and the reason in the caller's language, and the fields' errors of a refused body."""
    body = {"type": f"https://talentfin.example.cn/problems/{code}", "title": str(MESSAGES[code]),
            "status": code}
    reason = reason_given(error)
    if reason and code != 404:
        body["detail"] = reason
    data = getattr(error, "data", None) or {}
    if data.get("messages"):
        body["errors"] = _messages(data["messages"])
    if data.get("code"):  # a rule's refusal: its own type, and its code beside
        body["type"] += f"/{data['code']}"
        body["code"] = data["code"]
    headers = {"Content-Type": "application/problem+json"}
    if code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return jsonify(body), code, headers


def _messages(messages):
    """A refusal's field messages as JSON wants them: each field's a list of text in the
    caller's language (marshmallow keeps a translated message as it was given, lazily)."""
    if isinstance(messages, dict):
        return {str(key): _messages(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [str(each) if not isinstance(each, dict | list) else _messages(each)
                for each in messages]
    return [str(messages)]


def reason_given(error) -> str | None:
    """The description the code passed to abort(), or None for Werkzeug's default text."""
    description = getattr(error, "description", None)
    if not isinstance(description, str) or not description.strip():
        return None
    if isinstance(error, HTTPException) and description == type(error).description:
        return None
    return description


def _visible_application_url() -> str | None:
    """The application the request was about, if the user may see it."""
    application_id = (request.view_args or {}).get("application_id")
    if not isinstance(application_id, int) or not current_user.is_authenticated:
        return None
    try:
        application = db.session.get(Application, application_id)
    except SQLAlchemyError:
        # The error page must render even when the failed request left the session unusable;
        # the link is a convenience, so it is dropped rather than turned into a 500.
        db.session.rollback()
        return None
    if application is None or not policy.allowed(current_user, "view", application):
        return None
    return url_for("applications.detail", application_id=application.id)


def _typed_texts() -> list[tuple[str, str]]:
    """(field name, text) of the comment-like fields the refused form carried."""
    if request.method != "POST":
        return []
    typed = []
    for name, value in request.form.items():
        if name.rsplit("-", 1)[-1] in TYPED_TEXT_FIELDS and value.strip():
            typed.append((name, value[:MAX_TYPED_CHARS]))
    return typed
