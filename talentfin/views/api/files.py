"""An application's files through the API: download a document or a dossier, upload one of
the person's documents (the page's rules: who may read which, who uploads which kind,
the checked types, sizes and quotas)."""

import marshmallow as ma
from flask import abort
from flask import g
from flask import request
from flask_smorest import Blueprint
from flask_smorest import abort as refuse
from flask_smorest.fields import Upload
from marshmallow import fields

from talentfin import policy
from talentfin import storage
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.services.uploads import ALLOWED_TYPES
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import download_name
from talentfin.services.uploads import save_attachment
from talentfin.storage import DOSSIERS
from talentfin.storage import UPLOADS
from talentfin.views.api.applications import visible
from talentfin.views.api.idempotency import IDEMPOTENCY_KEY
from talentfin.views.api.idempotency import idempotent
from talentfin.views.api.messages import length
from talentfin.views.api.oauth import requires
from talentfin.views.api.schemas import DocumentSchema
from talentfin.views.api.schemas import problems

blp = Blueprint("api_files", __name__, description="Documents and dossiers")

def _file_response(*content_types: str) -> dict:
    """The OpenAPI description of a download's body, in any of its types."""
    return {"content": {kind: {"schema": {"type": "string", "format": "binary"}}
                        for kind in content_types}}


class UploadSchema(ma.Schema):
    """A document upload (multipart/form-data): its kind, one the person uploads at this
    stage, and the file, a PDF, JPEG or PNG within the size limit."""

    kind = fields.String(required=True, validate=length(1, 40))
    file = Upload(required=True)


# The multipart body as the OpenAPI document describes it (flask-smorest documents the form
# and the files of one request as two bodies; the upload is one).
UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["kind", "file"],
    "properties": {"kind": {"type": "string", "minLength": 1, "maxLength": 40},
                   "file": {"type": "string", "format": "binary"}}}}}}


def _sent(area: str, stored: str, mimetype: str, name: str, sha256: str | None):
    response = storage.send(area, stored, mimetype=mimetype, as_attachment=True,
                            download_name=name)
    if sha256:
        response.headers["X-Content-SHA256"] = sha256
    return response


@blp.get("/<int:application_id>/documents/<int:document_id>")
@blp.response(200, description="The document as uploaded; X-Content-SHA256 repeats the "
                               "hash the application lists.",
              content_type="application/pdf")
@problems(blp, 401, 403, 404, 429)
@blp.doc(security=[{"oauth2": ["read"]}], operationId="downloadDocument",
         responses={200: _file_response(*ALLOWED_TYPES)})
@requires("read")
def document(application_id: int, document_id: int):
    """Download a document the person may read (404 otherwise, as a page answers)."""
    application = visible(application_id)
    item = db.session.get(Attachment, document_id)
    if item is None or item.application_id != application.id \
            or not policy.allowed(g.person, "download", item):
        abort(404)
    # A replaced draft file: its row and hash stay, its bytes do not (a 404).
    return _sent(UPLOADS, item.stored_name, item.content_type, download_name(item),
                 item.sha256)


@blp.get("/<int:application_id>/dossiers/<int:dossier_id>")
@blp.response(200, description="The dossier's PDF; X-Content-SHA256 repeats its hash.",
              content_type="application/pdf")
@problems(blp, 401, 403, 404, 429)
@blp.doc(security=[{"oauth2": ["read"]}], operationId="downloadDossier",
         responses={200: _file_response("application/pdf")})
@requires("read")
def dossier(application_id: int, dossier_id: int):
    """Download a ready dossier the person may read (404 otherwise, or while rendering)."""
    application = visible(application_id)
    item = db.session.get(Dossier, dossier_id)
    if item is None or item.application_id != application.id or item.status != "ready" \
            or not policy.allowed(g.person, "download", item):
        abort(404)
    return _sent(DOSSIERS, item.file_name, "application/pdf", item.file_name, item.sha256)


@blp.post("/<int:application_id>/documents")
@blp.response(201, DocumentSchema)
@problems(blp, 400, 401, 403, 404, 409, 413, 422, 429)
@blp.doc(security=[{"oauth2": ["decide"]}], parameters=[IDEMPOTENCY_KEY],
         requestBody=UPLOAD_BODY, operationId="uploadDocument", responses={201: {"links": {
             "DownloadDocument": {"operationId": "downloadDocument", "parameters": {
                 "application_id": "$request.path.application_id",
                 "document_id": "$response.body#/id"}}}}})
@requires("decide")
@idempotent(DocumentSchema, status=201)
def upload(application_id: int):
    """Upload one of the person's documents (a bank's claim papers, say): multipart with
    ``kind`` and ``file``; it supersedes the previous one of its kind, as in the page (403
    when the person has no document to upload on the application now, as the page)."""
    application = visible(application_id)
    may, reason = policy.can(g.person, "upload_documents", application)
    if not may:
        abort(403, reason)
    try:
        body = UploadSchema().load({"kind": request.form.get("kind"),
                                    "file": request.files.get("file")})
    except ma.ValidationError as exc:
        refuse(422, messages={"body": exc.messages})
    try:
        return save_attachment(application, body["kind"], body["file"], g.person)
    except UploadRefused as exc:
        abort(422, str(exc))
