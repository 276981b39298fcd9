"""The API's documentation page: Swagger UI over the OpenAPI document, its assets served by
the app itself (the ``swagger-ui-bundle`` package; no CDN) under the site's CSP (no inline
script: the page's own script file starts it)."""

from flask import Blueprint
from flask import abort
from flask import render_template
from flask import send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__)
# The files the page loads; nothing else of the package is served.
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png")


@bp.get("/docs")
def page():
    """The documentation page (public: it holds no data, as the document it shows)."""
    return render_template("api/docs.html")


@bp.get("/docs/assets/<name>")
def asset(name: str):
    """One of Swagger UI's files, cached by the browser for a day."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)
