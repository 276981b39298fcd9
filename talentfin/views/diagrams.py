"""The products' routes as pictures (``workflows.diagram``): a page listing every product's,
and each application's with where it stands and the way it came."""

from flask import Blueprint
from flask import Response
from flask import abort
from flask import render_template
from flask_babel import get_locale
from flask_login import login_required

from talentfin.services.applications import history
from talentfin.views.access import visible_application_or_404
from talentfin.workflows import diagram
from talentfin.workflows.registry import products

bp = Blueprint("diagrams", __name__)
# A definition changes with a release: an hour's private caching spares the drawing.
CACHE_SECONDS = 3600


def _svg(document: bytes) -> Response:
    response = Response(document, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    return response


@bp.get("/workflows/")
@login_required
def index():
    """Every product's route, drawn from its definition."""
    return render_template("diagrams/index.html", products=products())


@bp.get("/workflows/<product>.svg")
@login_required
def product_svg(product: str):
    """A product's route as SVG, in the reader's language."""
    if product not in {p.key for p in products()}:
        abort(404)
    return _svg(diagram.svg(product, str(get_locale() or "zh")))


@bp.get("/applications/<int:application_id>/route.svg")
@login_required
def application_svg(application_id: int):
    """An application's route: where it stands, and the way it came (404 as its page)."""
    application = visible_application_or_404(application_id)
    taken = tuple(dict.fromkeys((log.from_state, log.to_state, log.trigger)
                                for log in history(application)))
    response = _svg(diagram.svg(application.product, str(get_locale() or "zh"),
                                current=application.status, taken=taken))
    response.headers["Cache-Control"] = "private, no-cache"  # it moves with the file
    return response
