"""The API's marshmallow schemas: what a response holds, and the OpenAPI document's
components (flask-smorest generates them from these)."""

from datetime import UTC

import marshmallow as ma
from marshmallow import fields

from talentfin.i18n import _
from talentfin.models import TALENT_TIERS
from talentfin.money import MAX_FEN
from talentfin.views.api.messages import between
from talentfin.views.api.messages import length
from talentfin.views.api.messages import one_of
from talentfin.workflows.labels import state_label
from talentfin.workflows.labels import state_names
from talentfin.workflows.registry import products


class Moment(fields.DateTime):
    """A stored (naive UTC) timestamp as ISO 8601 with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class TimelineEntrySchema(ma.Schema):
    """One transition of the application."""

    trigger = fields.String(attribute="log.trigger")
    from_state = fields.String(attribute="log.from_state", data_key="from")
    to_state = fields.String(attribute="log.to_state", data_key="to")
    at = Moment(attribute="log.created_at", format="iso")
    comment = fields.String(metadata={"description": "empty when the person may not read "
                                                    "it (another institution's internal "
                                                    "note)"})


class DocumentSchema(ma.Schema):
    """A document in force."""

    id = fields.Integer()
    kind = fields.String()
    name = fields.String(attribute="original_name")
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    uploaded_at = Moment(format="iso")
    download = fields.Method("address", metadata={"description": "where to download it"})

    def address(self, attachment) -> str:
        """The API address of the file."""
        return (f"/api/v1/applications/{attachment.application_id}/documents/"
                f"{attachment.id}")


class DossierSchema(ma.Schema):
    """A dossier (ready, or still being rendered)."""

    id = fields.Integer()
    stage = fields.String()
    version = fields.Integer()
    status = fields.String()
    sha256 = fields.String(allow_none=True)
    verify_code = fields.String()
    made_at = Moment(format="iso")
    download = fields.Method("address", allow_none=True,
                             metadata={"description": "where to download it; null while "
                                                      "it is being rendered"})

    def address(self, dossier) -> str | None:
        """The API address of the PDF, once rendered."""
        if dossier.status != "ready":
            return None
        return f"/api/v1/applications/{dossier.application_id}/dossiers/{dossier.id}"


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
    request = fields.Dict(metadata={"description": "what the founder asked for: the purpose "
                                                   "and the product's own fields (amounts in "
                                                   "fen, ID numbers masked)"})
    timeline = fields.List(fields.Nested(TimelineEntrySchema))
    documents = fields.List(fields.Nested(DocumentSchema))
    dossiers = fields.List(fields.Nested(DossierSchema))


def _known_state(value: str) -> None:
    """A state of some product, "" or "all" (as the page offers; the registry is read at
    each call, since products are registered at start)."""
    if value not in ("", "all") and value not in state_names():
        raise ma.ValidationError(str(_("No product has this state.")))


def _known_product(value: str) -> None:
    """A registered product's key, or "" for every product."""
    if value and value not in {product.key for product in products()}:
        raise ma.ValidationError(str(_("There is no such product.")))


class QueueArgsSchema(ma.Schema):
    """The queue's filters, as the page's (amounts in fen)."""

    status = fields.String(load_default="", validate=_known_state,
                           metadata={"description": "a state; empty: the states the person "
                                                    "acts on; all: everything visible"})
    product = fields.String(load_default="", validate=_known_product)
    tier = fields.String(load_default="", validate=one_of(["", *TALENT_TIERS]))
    min_amount_fen = fields.Integer(load_default=None,
                                    validate=between(0, MAX_FEN))
    max_amount_fen = fields.Integer(load_default=None,
                                    validate=between(0, MAX_FEN))
    mine = fields.Boolean(load_default=False, metadata={"description": "claimed by the person"})
    sort = fields.String(load_default="oldest", validate=one_of(["oldest", "newest"]))
    limit = fields.Integer(load_default=20, validate=between(1, 100))
    after = fields.String(load_default=None, validate=length(high=200),
                          metadata={"description": "the cursor a page's next gave"})


class QueueItemSchema(ma.Schema):
    """One application waiting."""

    id = fields.Integer()
    reference = fields.String(allow_none=True)
    product = fields.String()
    company_name = fields.String(attribute="enterprise_name")
    talent_tier = fields.String(allow_none=True)
    amount_fen = fields.Integer(allow_none=True)
    status = fields.String()
    status_label = fields.Method("label")
    waiting_since = Moment(attribute="status_changed_at", format="iso")
    claimed_by = fields.String(attribute="claimed_by_name", allow_none=True)

    def label(self, row) -> str:
        """The state's name in the caller's language."""
        return str(state_label(row.product, row.status))


class QueuePageSchema(ma.Schema):
    """A page of the queue and the cursor of the next."""

    items = fields.List(fields.Nested(QueueItemSchema))
    next = fields.String(allow_none=True)


class TransitionBodySchema(ma.Schema):
    """A decision's fields by the names of the page's form: an object whose fields the
    trigger's form checks (the document lists each form's, ``views.api.decision_bodies``)."""

    class Meta:
        unknown = ma.INCLUDE


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = fields.String(metadata={"description": "a stable address per kind of refusal: "
                                                  "per status, and for a decision refused "
                                                  "by a rule, per rule (…/422/not_maker)"})
    code = fields.String(metadata={"description": "a decision's refusal: the rule that "
                                                  "refused (the guard's name), or forbidden, "
                                                  "changed_meanwhile"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String(metadata={"description": "the reason, in the caller's language"})
    errors = fields.Dict(metadata={"description": "each refused field's messages"})


PROBLEM_TYPE = "application/problem+json"
PROBLEMS = {400: "The request is incomplete (On-Behalf-Of, a cursor, a key).",
            401: "No valid access token.",
            403: "The token's scope, or the person, may not do this.",
            404: "No such application, or the person may not see it.",
            409: "Someone acted first, or the same Idempotency-Key is being answered.",
            413: "The upload is larger than the site takes.",
            422: "A field or a rule refused it.",
            429: "The client's rate limit is reached (Retry-After)."}


def problems(blueprint, *codes: int):
    """Document the problem responses an operation can give (``codes``)."""

    def decorate(view):
        for code in codes:
            view = blueprint.alt_response(code, schema=ProblemSchema,
                                          content_type=PROBLEM_TYPE,
                                          description=PROBLEMS[code])(view)
        return view

    return decorate
