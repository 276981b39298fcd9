"""A bank's reports on its covered loans through the API: repayments, one or many, applied
all together or not at all, as the CSV upload (``services.loan.repayments``)."""

import marshmallow as ma
from flask import g
from flask_smorest import Blueprint
from marshmallow import fields
from marshmallow import validate
from werkzeug.exceptions import UnprocessableEntity

from talentfin.i18n import _
from talentfin.services.loan import repayments as service
from talentfin.views.api.idempotency import IDEMPOTENCY_KEY
from talentfin.views.api.idempotency import idempotent
from talentfin.views.api.oauth import requires
from talentfin.views.api.schemas import problems

blp = Blueprint("api_reports", __name__, description="Loan servicing reports")


class RepaymentSchema(ma.Schema):
    """One repayment, by the CSV's columns (amounts in yuan as typed, dates YYYY-MM-DD)."""

    reference = fields.String(required=True, validate=validate.Length(min=1, max=40))
    due_on = fields.String(required=True, validate=validate.Length(max=20),
                           metadata={"example": "2026-11-20"})
    paid_on = fields.String(required=True, validate=validate.Length(max=20),
                            metadata={"example": "2026-11-20"})
    principal_yuan = fields.String(load_default="0", validate=validate.Length(max=30),
                                   metadata={"example": "20000.00"})
    interest_yuan = fields.String(load_default="0", validate=validate.Length(max=30),
                                  metadata={"example": "2875.00"})


class RepaymentsSchema(ma.Schema):
    """Repayments reported together."""

    repayments = fields.List(fields.Nested(RepaymentSchema), required=True,
                             validate=validate.Length(min=1, max=service.MAX_ROWS))


class BatchSchema(ma.Schema):
    """What was applied: every repayment, under one batch name."""

    batch = fields.String()
    applied = fields.Integer()


@blp.post("/repayments")
@blp.arguments(RepaymentsSchema)
@blp.response(200, BatchSchema)
@problems(blp, 400, 401, 403, 409, 422, 429)
@blp.doc(security=[{"oauth2": ["report"]}], parameters=[IDEMPOTENCY_KEY],
         operationId="reportRepayments")
@requires("report")
@idempotent(BatchSchema)
def repayments(body: dict):
    """Report repayments of the bank's covered loans: every one is checked as a row of the
    CSV is, and all are applied in one transaction, or none with each refused one named
    by its place in the list (from 1) under ``errors.repayments``."""
    result = service.report_repayments(body["repayments"], g.person,
                                       via=f"api:{g.api_client.client_id}")
    if result.problems:
        named: dict[str, list[str]] = {}
        for problem in result.problems:
            named.setdefault(str(problem.line), []).append(problem.reason)
        refusal = UnprocessableEntity(_("The repayments were refused; nothing was applied. "
                                        "Correct the ones named and send them all again."))
        refusal.data = {"messages": {"repayments": named}}
        raise refusal
    return {"batch": result.batch, "applied": result.applied}
