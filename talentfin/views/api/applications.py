"""Applications through the API: read one as its organisation's staff see it in the page."""

from flask import abort
from flask import g
from flask_smorest import Blueprint

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.services import applications as service
from talentfin.services.dossier_files import dossiers_for
from talentfin.views.api.oauth import requires
from talentfin.views.api.schemas import ApplicationSchema
from talentfin.workflows import access

blp = Blueprint("api_applications", __name__, description="Applications")


@blp.get("/<int:application_id>")
@blp.response(200, ApplicationSchema)
@blp.doc(security=[{"oauth2": ["read"]}])
@requires("read")
def read(application_id: int):
    """One application: its fields, its timeline, its documents and dossiers with their
    SHA-256, as the person the call is made for may see them (404 otherwise, as a page)."""
    application = db.session.get(Application, application_id)
    if application is None or not access.can_view(g.person, application):
        abort(404)
    return {
        "application": application,
        "timeline": [{"log": log, "comment": log.comment if access.comment_visible(
            g.person, application, log) else ""} for log in service.history(application)],
        "documents": [a for a in service.current_attachments(application)
                      if access.may_read_document(g.person, application, a.kind)],
        "dossiers": [d for d in dossiers_for(application)
                     if access.may_read_dossier(g.person, application, d.stage)],
    }
