"""A bank's reports on its covered loans through the API: repayments and arrears, one or
many, applied all together or not at all, as the CSV upload of repayments
(``services.loan.repayments``); each checked as its page checks it."""

import secrets

import marshmallow as ma
from flask import abort
from flask import g
from flask_smorest import Blueprint
from marshmallow import fields
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnprocessableEntity

from talentfin import policy
from talentfin.extensions import db
from talentfin.forms.decisions import API_FORM_META
from talentfin.forms.decisions import form_for
from talentfin.i18n import _
from talentfin.services.loan import repayments as service
from talentfin.views.api.idempotency import IDEMPOTENCY_KEY
from talentfin.views.api.idempotency import idempotent
from talentfin.views.api.messages import length
from talentfin.views.api.oauth import requires
from talentfin.views.api.problems import abort as refuse
from talentfin.views.api.schemas import problems
from talentfin.workflows import access
from talentfin.workflows import engine
from talentfin.workflows.registry import product_for

blp = Blueprint("api_loan", __name__, description="Loan servicing reports")
PATH = "loans"  # served under /api/v1/loans
TRIGGER = "report_overdue"


class RepaymentSchema(ma.Schema):
    """One repayment, by the CSV's columns (amounts in yuan as typed, dates YYYY-MM-DD)."""

    reference = fields.String(required=True, validate=length(1, 40))
    due_on = fields.String(required=True, validate=length(high=20),
                           metadata={"example": "2026-11-20"})
    paid_on = fields.String(required=True, validate=length(high=20),
                            metadata={"example": "2026-11-20"})
    principal_yuan = fields.String(load_default="0", validate=length(high=30),
                                   metadata={"example": "20000.00"})
    interest_yuan = fields.String(load_default="0", validate=length(high=30),
                                  metadata={"example": "2875.00"})


PLACES = ("A refused item is named by its place in the list, from 1 (the first is \"1\"), "
          "whether its fields were refused (errors.json.{name}) or a rule refused it "
          "(errors.{name}).")


class Items(fields.List):
    """A list whose refused items are named by their place from 1, as the rules name them
    (marshmallow keys them by index, from 0)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ma.ValidationError as error:
            if not isinstance(error.messages, dict):
                raise
            raise ma.ValidationError({place + 1 if isinstance(place, int) else place: messages
                                      for place, messages in error.messages.items()},
                                     valid_data=error.valid_data) from error


class RepaymentsSchema(ma.Schema):
    """Repayments reported together."""

    repayments = Items(fields.Nested(RepaymentSchema), required=True,
                       validate=length(1, service.MAX_ROWS),
                       metadata={"description": PLACES.format(name="repayments")})


class ArrearSchema(ma.Schema):
    """One loan's arrears, by the fields of the page's form "Report arrears"."""

    reference = fields.String(required=True, validate=length(1, 40))
    overdue_since = fields.String(required=True, validate=length(high=20),
                                  metadata={"example": "2026-11-20"})
    classification = fields.String(load_default="", validate=length(high=20),
                                   metadata={"example": "special_mention"})
    comment = fields.String(load_default="", validate=length(high=4000))


class ArrearsSchema(ma.Schema):
    """Arrears reported together (one per loan)."""

    arrears = Items(fields.Nested(ArrearSchema), required=True,
                    validate=length(1, service.MAX_ROWS),
                    metadata={"description": PLACES.format(name="arrears")})


class BatchSchema(ma.Schema):
    """What was applied: every repayment, under one batch name."""

    batch = fields.String()
    applied = fields.Integer()


def _report(path: str, schema, operation_id: str):
    """A report operation: a POST of ``schema`` with the report scope, idempotent, answered
    with the batch, its refusals documented."""
    def decorate(view):
        for step in (idempotent(BatchSchema), requires("report"),
                     blp.doc(security=[{"oauth2": ["report"]}], parameters=[IDEMPOTENCY_KEY],
                             operationId=operation_id),
                     problems(blp, 400, 401, 403, 404, 409, 422, 429),
                     blp.response(200, BatchSchema), blp.arguments(schema), blp.post(path)):
            view = step(view)
        return view

    return decorate


@_report("/repayments", RepaymentsSchema, "reportRepayments")
def repayments(body: dict):
    """Report repayments of the bank's covered loans: every one is checked as a row of the
    CSV is, and all are applied in one transaction, or none with each refused one named
    by its place in the list (from 1) under ``errors.repayments``. 404 for whoever does
    not report repayments in the pages (the upload page's answer)."""
    if not policy.allowed(g.person, "upload", service.RepaymentFile):
        abort(404)
    result = service.report_repayments(body["repayments"], g.person,
                                       via=f"api:{g.api_client.client_id}")
    if result.problems:
        named: dict[str, list[str]] = {}
        for problem in result.problems:
            named.setdefault(str(problem.line), []).append(problem.reason)
        _refuse("repayments", named)
    return {"batch": result.batch, "applied": result.applied}


@_report("/arrears", ArrearsSchema, "reportArrears")
def arrears(body: dict):
    """Report arrears on the bank's covered loans: each checked as the page's form "Report
    arrears" checks it (its fields, the loan's state and dates), all applied in one
    transaction, or none with each refused one named by its place (from 1) under
    ``errors.arrears``. Whoever may not report arrears gets the page's answer: 403 when
    they see a loan named (the park, the pool), 404 otherwise."""
    items = body["arrears"]
    loans = service.loans_by_reference({item["reference"].strip() for item in items})
    _may_report(loans.values())
    named: dict[str, list[str]] = {}
    checked = []
    for place, item in enumerate(items, start=1):
        reference = item["reference"].strip()
        application = loans.get(reference)
        if application is None or not access.can_view(g.person, application):
            named[str(place)] = [_("No loan of your bank has the reference %(ref)s.",
                                   ref=reference)]
            continue
        if any(reference == other.reference for other, _data in checked):
            named[str(place)] = [_("This loan is named twice; report its arrears once.")]
            continue
        formdata = MultiDict({f"{TRIGGER}-{key}": value for key, value in item.items()
                              if key != "reference"})
        form = form_for("overdue", application, prefix=TRIGGER, formdata=formdata,
                        meta=API_FORM_META)
        if not form.validate():
            named[str(place)] = [message for errors in form.errors.values()
                                 for message in errors]
            continue
        reason = engine.check(application, TRIGGER, g.person, data=form.engine_data())
        if reason:
            named[str(place)] = [reason]
            continue
        checked.append((application, form))
    if named:
        _refuse("arrears", named)
    batch = f"api-{secrets.token_hex(6)}"
    for place, (application, form) in enumerate(checked, start=1):
        try:
            engine.fire(application, TRIGGER, g.person, comment=form.comment.data or "",
                        data=form.engine_data(), commit=False,
                        via=f"api:{g.api_client.client_id}")
        except engine.TransitionError as exc:  # rolled back: nothing of the batch stays
            _refuse("arrears", {str(place): [exc.message]})
    db.session.commit()
    return {"batch": batch, "applied": len(checked)}


def _may_report(loans) -> None:
    """Refuse the whole report, as the loan's page refuses the decision, when the person's
    role never reports arrears."""
    transition = product_for("loan").workflow.transition(TRIGGER)
    if g.person.role in transition.roles:
        return
    seen = next((loan for loan in loans if access.can_view(g.person, loan)), None)
    if seen is None:
        abort(404)
    try:
        engine.authorize(seen, transition, g.person)
    except engine.TransitionError as exc:
        refuse(exc.status_code, exc.message, code=exc.code)
    abort(403)  # the role may not, whatever the rule said


def _refuse(name: str, named: dict[str, list[str]]):
    """422: nothing was applied; each refused item named by its place."""
    refusal = UnprocessableEntity(_("Nothing was applied. Correct the items named and send "
                                    "them all again."))
    refusal.data = {"messages": {name: named}}
    raise refusal
