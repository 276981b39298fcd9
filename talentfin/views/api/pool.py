"""The risk-compensation pool's figures and the policy in force on a date, through the API,
for those who read them in the pages (the pool's staff; ``policy.read`` and ``pool.read``).
Money in fen, ratios in basis points, multiples as decimal strings: nothing is rounded on
the way, and every figure is the dashboard's."""

from flask import abort
from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema
from marshmallow import fields

from talentfin import policy
from talentfin.clock import business_today
from talentfin.forms.dates import EARLIEST_DATE
from talentfin.forms.dates import LATEST_DATE
from talentfin.i18n import _
from talentfin.models import PolicyParameter
from talentfin.policy import POOL
from talentfin.pool import figures as pool_figures
from talentfin.services.parameters import policy_keys
from talentfin.services.policy_changes import in_force
from talentfin.views.api.oauth import requires
from talentfin.views.api.schemas import problems

blp = Blueprint("api_pool", __name__, description="The pool's figures and the policy")


class FunderSchema(Schema):
    """A funder's cash in the pool."""

    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    share_bp = fields.Integer()
    balance_fen = fields.Integer()


class CoveredSchema(Schema):
    """The covered loans together and the exposure and leverage they make."""

    loans = fields.Integer()
    outstanding_fen = fields.Integer()
    committed_fen = fields.Integer(allow_none=True)
    compensation_ratio_bp = fields.Decimal(as_string=True, allow_none=True)
    leverage = fields.Decimal(as_string=True, allow_none=True)
    leverage_limit = fields.Decimal(as_string=True, allow_none=True)
    over_limit = fields.Boolean(allow_none=True)
    headroom_fen = fields.Integer(allow_none=True)


class BankSchema(Schema):
    """A bank's covered book and its non-performing share."""

    name = fields.String()
    name_en = fields.String()
    standing = fields.String()
    loans = fields.Integer()
    covered_fen = fields.Integer()
    npl_loans = fields.Integer()
    npl_fen = fields.Integer()
    npl_ratio_bp = fields.Integer(attribute="ratio_bp", allow_none=True)
    above_suspension = fields.Boolean(allow_none=True)
    above_band = fields.Boolean(allow_none=True)


class ClaimGroupSchema(Schema):
    """Claims in progress in one state."""

    status = fields.String()
    claims = fields.Integer()
    principal_loss_fen = fields.Integer()


class FiguresSchema(Schema):
    """The pool today, as its dashboard shows it."""

    as_of = fields.Date()
    balance_fen = fields.Integer()
    funders = fields.List(fields.Nested(FunderSchema))
    covered = fields.Nested(CoveredSchema)
    banks = fields.List(fields.Nested(BankSchema))
    claims = fields.List(fields.Nested(ClaimGroupSchema))


class PolicyArgsSchema(Schema):
    """The day asked about."""

    on = fields.Date(load_default=None, metadata={"description": "YYYY-MM-DD; today (China) "
                                                                 "when left out"})


class ParameterSchema(Schema):
    """A parameter's value in force and since when, with its source."""

    key = fields.String()
    label = fields.Method("name")
    value = fields.String()
    effective_from = fields.Date()
    source = fields.String()

    def name(self, row) -> str:
        """The parameter's name in the caller's language."""
        found = policy_keys().get(row.key)
        return str(found.label) if found else row.key


class PolicySchema(Schema):
    """The policy table on a day."""

    on = fields.Date()
    parameters = fields.List(fields.Nested(ParameterSchema))


@blp.get("/pool/figures")
@blp.response(200, FiguresSchema)
@problems(blp, 400, 401, 403, 404, 429)
@blp.doc(security=[{"oauth2": ["read"]}], operationId="readPoolFigures")
@requires("read")
def figures():
    """The pool's balance per funder, its covered book, exposure and leverage against the
    limit, each bank's non-performing ratio and the claims in progress (404 for whoever
    does not see the pool in the pages)."""
    if not policy.allowed(g.person, "read", POOL):
        abort(404)
    today = business_today()
    funders = pool_figures.funder_balances()
    total = sum(funder.balance_fen for funder in funders)
    return {"as_of": today, "balance_fen": total, "funders": funders,
            "covered": pool_figures.covered_book(total, today),
            "banks": pool_figures.bank_npl(today),
            "claims": pool_figures.claims_in_progress()}


@blp.get("/policy")
@blp.arguments(PolicyArgsSchema, location="query", as_kwargs=True)
@blp.response(200, PolicySchema)
@problems(blp, 400, 401, 403, 404, 422, 429)
@blp.doc(security=[{"oauth2": ["read"]}], operationId="readPolicy")
@requires("read")
def policy_on(on=None):
    """Every parameter's value in force on a day (a past day: what applied to a decision
    then; a coming one: what approved changes will make it), with its source."""
    if not policy.allowed(g.person, "read", PolicyParameter):
        abort(404)
    on = on or business_today()
    if not EARLIEST_DATE <= on <= LATEST_DATE:
        abort(422, str(_("Enter a date between %(earliest)s and %(latest)s.",
                         earliest=EARLIEST_DATE.isoformat(), latest=LATEST_DATE.isoformat())))
    return {"on": on, "parameters": in_force(on)}
