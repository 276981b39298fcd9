"""Changing the programme's numbers: the pool administrator proposes, the committee decides.

A change never rewrites the past: it takes effect from its date (at the earliest the day
the committee approves it), and decisions read the value in force on their own date.
"""

from datetime import date

from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import PolicyParameter
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.services.parameters import policy_keys
from talentfin.services.parameters import unit_of
from talentfin.workflows.registry import products


class PolicyChangeError(ValueError):
    """A proposal or decision that is not allowed; the message says why."""


# What a value that is not a whole number, or is negative, is told, in its key's unit.
NOT_WHOLE = {
    "fen": _l("Enter the amount in fen as a whole number (100 fen = 1 yuan)."),
    "bp": _l("Enter the ratio in basis points as a whole number (100 basis points = 1%)."),
    "working_days": _l("Enter a whole number of working days."),
    "days": _l("Enter a whole number of days."),
    "months": _l("Enter a whole number of months."),
    "years": _l("Enter a whole number of years."),
    "times": _l("Enter the multiple as a whole number."),
    "count": _l("Enter a whole number."),
}
NEGATIVE = {
    "fen": _l("An amount cannot be negative."),
    "bp": _l("A ratio is 0 to 10000 basis points (100 basis points = 1%)."),
    "working_days": _l("A number of working days cannot be negative."),
    "days": _l("A number of days cannot be negative."),
    "months": _l("A number of months cannot be negative."),
    "years": _l("A number of years cannot be negative."),
    "times": _l("A multiple cannot be negative."),
    "count": _l("A count cannot be negative."),
}


def check_value(key: str, value: str) -> int:
    """The proposed value as an integer, or PolicyChangeError saying what is wrong in the
    key's unit (fen, basis points, days ...)."""
    if key not in policy_keys():
        raise PolicyChangeError(_("Unknown policy parameter."))
    unit = unit_of(key)
    text = value.strip()
    if len(text) > 15:  # more than any fen amount the programme could hold
        raise PolicyChangeError(_("The value is too large."))
    try:
        number = int(text)
    except ValueError as exc:
        raise PolicyChangeError(str(NOT_WHOLE[unit])) from exc
    if number < 0 or (unit == "bp" and number > 10_000):
        raise PolicyChangeError(str(NEGATIVE[unit]))
    return number


def consistency_problem(key: str, number: int, effective_from: date) -> str | None:
    """Why this value, from its date on, would leave the policy unworkable, or None.

    Checked against the values in force on the date and on every later date an approved
    change takes effect, so that no combination the programme would run under is broken.
    """
    declared = policy_keys()[key]
    if declared.at_least_one and number < 1:
        return _("%(name)s must be at least 1.", name=declared.label)
    later = db.session.scalars(
        select(PolicyParameter.effective_from).where(
            PolicyParameter.status == "in_force", PolicyParameter.effective_from > effective_from)
        .distinct()
    ).all()
    for day in [effective_from, *sorted(later)]:
        rows = {row.key: row for row in in_force(day)}
        values = {name: int(row.value) for name, row in rows.items()}
        current = rows.get(key)
        if current is None or current.effective_from <= effective_from:
            values[key] = number  # not yet replaced by a later approved change
        for product in products():
            check = product.hooks.get("policy_problem")
            problem = check(values, day) if check else None
            if problem:
                return problem
    return None


def propose(key: str, value: str, effective_from: date, reason: str, user: User,
            today: date | None = None) -> PolicyParameter:
    """Record a proposed change; it has no effect until the committee approves it (the
    caller checked that the user may propose: ``policy.can(user, "propose", ...)``)."""
    today = today or business_today()
    number = check_value(key, value)
    if effective_from < today:
        raise PolicyChangeError(_("A change cannot take effect in the past."))
    problem = consistency_problem(key, number, effective_from)
    if problem:
        raise PolicyChangeError(problem)
    if not reason.strip():
        raise PolicyChangeError(_("Please give a reason."))
    proposal = PolicyParameter(key=key, value=str(number), effective_from=effective_from,
                               status="proposed", source=policy_keys()[key].source,
                               reason=reason.strip(),
                               created_by_id=user.id)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def decide(proposal: PolicyParameter, approve: bool, user: User,
           today: date | None = None) -> PolicyParameter:
    """The committee approves (the change takes effect) or rejects a proposal (the caller
    checked that the user may decide)."""
    today = today or business_today()
    if proposal.status != "proposed":
        raise PolicyChangeError(_("This proposal has been decided already."))
    if proposal.created_by_id == user.id:
        raise PolicyChangeError(_("You proposed this change; another person must decide it."))
    effective_from = max(proposal.effective_from, today)
    if approve:
        # Checked again: other changes may have been approved since it was proposed.
        problem = consistency_problem(proposal.key, int(proposal.value), effective_from)
        if problem:
            raise PolicyChangeError(problem)
    proposal.status = "in_force" if approve else "rejected"
    proposal.effective_from = effective_from
    proposal.decided_by_id = user.id
    proposal.decided_at = utcnow()
    db.session.commit()
    return proposal


def in_force(on: date | None = None) -> list[PolicyParameter]:
    """The row in force for every key on a date (one query)."""
    on = on or business_today()
    rows = db.session.scalars(
        select(PolicyParameter).where(PolicyParameter.status == "in_force",
                                      PolicyParameter.effective_from <= on)
        .order_by(PolicyParameter.key, PolicyParameter.effective_from.desc(),
                  PolicyParameter.id.desc())
    ).all()
    latest = {}
    for row in rows:
        latest.setdefault(row.key, row)
    return [latest[key] for key in sorted(latest)]


def pending() -> list[PolicyParameter]:
    """Proposals waiting for the committee, oldest first."""
    return list(db.session.scalars(select(PolicyParameter).where(
        PolicyParameter.status == "proposed").order_by(PolicyParameter.id)))


def history(key: str) -> list[PolicyParameter]:
    """Every value a key has had or was proposed to have, newest first."""
    return list(db.session.scalars(select(PolicyParameter).where(PolicyParameter.key == key)
                                   .order_by(PolicyParameter.id.desc())))
