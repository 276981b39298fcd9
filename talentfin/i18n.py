"""Locale selection and the translation functions every module uses."""

from flask import current_app
from flask import has_request_context
from flask import request
from flask import session
from flask_babel import get_locale
from flask_babel import gettext
from flask_babel import lazy_gettext
from flask_babel import ngettext
from flask_login import current_user

__all__ = ["either", "gettext", "lazy_gettext", "list_separator", "ngettext", "select_locale",
           "_", "_l"]

_ = gettext
_l = lazy_gettext


def select_locale() -> str:
    """Chinese by default; the language switch (session) or the account's choice wins."""
    if not has_request_context():
        # The worker, the scheduler and CLI commands translate too (e.g. a refusal).
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):  # a partner's system says what it reads
        return request.accept_languages.best_match(languages) or \
            current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    if request and request.args.get("lang") in languages:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def either(items) -> str:
    """Alternatives in running text: "a, or b, or c" ("a，或b，或c")."""
    # Translators: between alternatives, as in "Recommend terms, or Request information".
    return gettext(", or ").join(items)


def enumeration(items) -> str:
    """Items named in running text: "a、b" in Chinese, "a, b" in English."""
    locale = get_locale()
    return ("、" if locale is not None and locale.language == "zh" else ", ").join(items)


def sentence_gap() -> str:
    """Between two sentences: nothing after "。" in Chinese, a space in English."""
    locale = get_locale()
    return "" if locale is not None and locale.language == "zh" else " "


def list_separator() -> str:
    """Between the clauses of a list in running text: "；" in Chinese, "; " in English."""
    locale = get_locale()
    return "；" if locale is not None and locale.language == "zh" else "; "
