"""Translated error pages."""

from flask import Flask
from flask import render_template

from talentfin.i18n import _l

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist, or you cannot see it."),
    409: _l("Someone else changed this a moment ago."),
    413: _l("The upload is too large."),
    422: _l("This is not allowed by the rules."),
    429: _l("Too many requests; please wait a moment."),
    500: _l("Something went wrong on our side; please try again."),
}


def register(app: Flask) -> None:
    """Install a handler per status code."""
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))


def _handler(code: int):
    def handle(error):
        description = getattr(error, "description", None)
        message = description if isinstance(description, str) and code in (409, 422) else None
        return render_template(
            "errors/error.html", code=code, title=MESSAGES[code], message=message
        ), code

    return handle
