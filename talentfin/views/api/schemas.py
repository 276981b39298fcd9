"""The API's marshmallow schemas: what a response holds, and the OpenAPI document's
components (flask-smorest generates them from these)."""

from datetime import UTC

import marshmallow as ma
from marshmallow import fields

from talentfin.workflows.labels import state_label


class Moment(fields.DateTime):
    """A stored (naive UTC) timestamp as ISO 8601 with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class TimelineEntrySchema(ma.Schema):
    """One transition of the application."""

    trigger = fields.String()
    from_state = fields.String(data_key="from")
    to_state = fields.String(data_key="to")
    at = Moment(attribute="created_at", format="iso")
    comment = fields.String()


class DocumentSchema(ma.Schema):
    """A document in force."""

    id = fields.Integer()
    kind = fields.String()
    name = fields.String(attribute="original_name")
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    uploaded_at = Moment(format="iso")


class DossierSchema(ma.Schema):
    """A dossier (ready, or still being rendered)."""

    id = fields.Integer()
    stage = fields.String()
    version = fields.Integer()
    status = fields.String()
    sha256 = fields.String(allow_none=True)
    verify_code = fields.String()
    made_at = Moment(format="iso")


class ApplicationFieldsSchema(ma.Schema):
    """The envelope's fields every product has."""

    id = fields.Integer()
    reference = fields.String(allow_none=True)
    product = fields.String()
    status = fields.String()
    status_label = fields.Method("label")
    company_name = fields.String()
    company_uscc = fields.String()
    requested_amount_fen = fields.Integer(allow_none=True)
    submitted_at = Moment(format="iso", allow_none=True)
    status_changed_at = Moment(format="iso", allow_none=True)

    def label(self, application) -> str:
        """The state's name in the caller's language."""
        return str(state_label(application.product, application.status))


class ApplicationSchema(ma.Schema):
    """An application with its timeline, documents and dossiers."""

    application = fields.Nested(ApplicationFieldsSchema)
    timeline = fields.List(fields.Nested(TimelineEntrySchema))
    documents = fields.List(fields.Nested(DocumentSchema))
    dossiers = fields.List(fields.Nested(DossierSchema))
