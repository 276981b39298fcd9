"""Applications through the API: read one as its organisation's staff see it in the page."""

from flask import g
from flask_smorest import Blueprint
from flask_smorest import abort as refuse
from werkzeug.datastructures import MultiDict

from talentfin.extensions import db
from talentfin.forms.decisions import API_FORM_META
from talentfin.forms.decisions import form_for
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.services import applications as service
from talentfin.services.dossier_files import dossiers_for
from talentfin.text import mask_id_number
from talentfin.views.api.decision_bodies import request_body
from talentfin.views.api.decision_bodies import trigger_parameter
from talentfin.views.api.idempotency import IDEMPOTENCY_KEY
from talentfin.views.api.idempotency import idempotent
from talentfin.views.api.oauth import requires
from talentfin.views.api.problems import abort
from talentfin.views.api.schemas import ApplicationSchema
from talentfin.views.api.schemas import TransitionBodySchema
from talentfin.views.api.schemas import problems
from talentfin.workflows import access
from talentfin.workflows import engine
from talentfin.workflows.registry import product_for

blp = Blueprint("api_applications", __name__, description="Applications")


def visible(application_id: int) -> Application:
    """The application if the person may see it; 404 otherwise, as a page answers."""
    application = db.session.get(Application, application_id)
    if application is None or not access.can_view(g.person, application):
        abort(404)
    return application


@blp.get("/<int:application_id>")
@blp.response(200, ApplicationSchema)
@problems(blp, 400, 401, 403, 404, 429)
@blp.doc(security=[{"oauth2": ["read"]}], operationId="readApplication",
         responses={200: {"links": {
             "DownloadDocument": {"operationId": "downloadDocument", "parameters": {
                 "application_id": "$response.body#/application/id",
                 "document_id": "$response.body#/documents/0/id"}},
             "DownloadDossier": {"operationId": "downloadDossier", "parameters": {
                 "application_id": "$response.body#/application/id",
                 "dossier_id": "$response.body#/dossiers/0/id"}}}}})
@requires("read")
def read(application_id: int):
    """One application: its fields, its timeline, its documents and dossiers with their
    SHA-256, as the person the call is made for may see them (404 otherwise, as a page)."""
    return _shown(visible(application_id))


@blp.post("/<int:application_id>/transitions/<trigger>")
@blp.arguments(TransitionBodySchema, as_kwargs=False)
@blp.response(200, ApplicationSchema)
@problems(blp, 400, 401, 403, 404, 409, 422, 429)
@blp.doc(security=[{"oauth2": ["decide"]}], parameters=[trigger_parameter(), IDEMPOTENCY_KEY],
         operationId="fireTransition", requestBody=request_body(), responses={200: {"links": {
             "ReadApplication": {"operationId": "readApplication", "parameters": {
                 "application_id": "$response.body#/application/id"}}}}})
@requires("decide")
@idempotent(ApplicationSchema)
def fire(body: dict, application_id: int, trigger: str):
    """Take a decision (fire a transition) for the person: the fields of the page's form
    by their names (``comment``, amounts in yuan as typed on the page, dates as
    YYYY-MM-DD), the same validation, rules and maker/checker checks; the log records
    the person and the client."""
    application = visible(application_id)
    transition = product_for(application.product).workflow.transition(trigger)
    if transition is None:
        abort(404)
    form = form_for(transition.form, application, prefix=trigger,
                    formdata=_formdata(body, trigger), meta=API_FORM_META)
    try:
        engine.authorize(application, transition, g.person)
        unknown = [name for name in body if name not in form]
        if unknown:  # as the reports refuse theirs: a misspelt field is no silent default
            refuse(422, messages={"body": {name: [_("This field is not one the operation "
                                                    "takes.")] for name in unknown}})
        if not form.validate():
            refuse(422, messages={"body": {name.removeprefix(f"{trigger}-"): errors
                                          for name, errors in form.errors.items()}})
        engine.fire(application, trigger, g.person, comment=form.comment.data or "",
                    data=form.engine_data(), via=f"api:{g.api_client.client_id}")
    except engine.TransitionError as exc:
        abort(exc.status_code, exc.message, code=exc.code)
    db.session.refresh(application)
    return _shown(application)


def _formdata(body: dict, trigger: str) -> MultiDict:
    """The body as the page's form would post it: each value as text under the form's
    prefix, a list as repeated values; a ticked box is sent, an unticked one is not."""
    formdata = MultiDict()
    for name, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            if item is False or item is None:
                continue
            formdata.add(f"{trigger}-{name}", "y" if item is True else str(item))
    return formdata


def _request(application: Application) -> dict:
    """What the founder asked for: the purpose and the product's own fields (those a
    resubmission compares), ID numbers masked as on the page."""
    own = product_for(application.product).hooks.get("snapshot")
    asked = {"purpose": application.purpose, **(own(application) if own else {})}
    return {key: mask_id_number(value) if key.endswith("id_number") and value else value
            for key, value in asked.items()}


def _shown(application: Application) -> dict:
    """What the application's schema shows of it for the person."""
    return {
        "application": application,
        "request": _request(application),
        "timeline": [{"log": log, "comment": log.comment if access.comment_visible(
            g.person, application, log) else ""} for log in service.history(application)],
        "documents": [a for a in service.current_attachments(application)
                      if access.may_read_document(g.person, application, a.kind)],
        "dossiers": [d for d in dossiers_for(application)
                     if access.may_read_dossier(g.person, application, d.stage)],
    }
