"""SLA reminders and escalations of the review queues, run as daily scheduled jobs.

Which states have a service level, whose queue they are and who hears of an item overdue
are the product's definition (``State.actor``, ``State.sla``). An item in such a state
counts the working days since it entered it (``status_changed_at``, read as a day in the
programme's time zone), so the time the founder holds the file never counts; a legal clock
(``Sla.calendar``, an insurer's days to decide or pay a claim) counts calendar days. Thresholds come
from the configuration, ``SLA_REMIND_WORKING_DAYS`` (3) and ``SLA_ESCALATE_WORKING_DAYS``
(5), or from the policy table where the state names a limit (a loan's claim stages: pool
review 5, committee 25 working days: reminders from two working days before the limit,
escalations past it); an item waiting *more* than a threshold is due.

- Reminder: whoever claimed the item, or else the staff of the queue (in the organisation
  the application names for them), every working day it stays overdue.
- Escalation: the state's supervisors (``Sla.escalate_to``, of the same organisation when
  the application names one for them), every working day past the second threshold (the
  staff keep their reminders too). For a loan: bank review -> the bank's approvers; park
  review and bank approval -> the pool administrators; the filing -> the committee; the
  pool's claim review -> the committee; the committee -> the auditors.

Nothing is sent on days off (the count would not have moved). Each item gets at most one
reminder and one escalation per person and day: the notification's key names the item and
the day, and ``run_job`` runs each job once a day anyway.
"""

from datetime import date

from flask import current_app
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.institutions import kind_of
from talentfin.models import Application
from talentfin.models import Notification
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.policy import int_parameter
from talentfin.services.notifications import queue_role
from talentfin.services.notifications import record
from talentfin.services.notifications import staff_of
from talentfin.workdays import is_working_day
from talentfin.workdays import working_days_between
from talentfin.workflows.access import named_organisation
from talentfin.workflows.registry import products
from talentfin.workflows.registry import workflow_for


def thresholds(product: str, state: str, today: date) -> tuple[int, int]:
    """(remind after, escalate after) in working days for items in a product's state."""
    sla = workflow_for(product).state(state).sla
    if sla.limit_key:
        limit = int_parameter(sla.limit_key, today)
        return max(0, limit - 2), limit
    config = current_app.config
    return config["SLA_REMIND_WORKING_DAYS"], config["SLA_ESCALATE_WORKING_DAYS"]


def sla_states() -> list[tuple[str, str]]:
    """(product, state) of every queue state with a service level."""
    return [(p.key, s.name) for p in products() for s in p.workflow.states if s.sla]


def send_sla_reminders(today: date) -> int:
    """Daily job: remind whoever must act on items past the reminder threshold."""
    sent = 0
    for application, days, threshold in overdue_items(today, 0):
        actor = queue_role(application, application.status)
        claimant = application.claimed_by
        users = ([claimant] if claimant is not None and claimant.active
                 else staff_of(application, actor))
        sent += _record_sla("reminder", application, users, days, threshold, today)
    return sent


def send_sla_escalations(today: date) -> int:
    """Daily job: tell the supervisors of items past the escalation threshold."""
    sent = 0
    for application, days, threshold in overdue_items(today, 1):
        sla = workflow_for(application.product).state(application.status).sla
        users = staff_of(application, sla.escalate_to)
        sent += _record_sla("escalation", application, users, days, threshold, today)
    return sent


def overdue_items(today: date, which: int) -> list[tuple[Application, int, int]]:
    """(item, working days waited, threshold) past the reminder (``which`` 0) or the
    escalation (1) threshold of its state; none on days off."""
    if not is_working_day(today):
        return []
    return waiting_past(today, which)


def waiting_past(today: date, which: int) -> list[tuple[Application, int, int]]:
    """``overdue_items`` on any day (the programme dashboard reads it on days off too)."""
    pairs = sla_states()
    if not pairs:
        return []
    waiting = db.session.scalars(select(Application).where(
        or_(*(and_(Application.product == product, Application.status == state)
              for product, state in pairs))).order_by(Application.id)).all()
    limits = {pair: thresholds(*pair, today)[which] for pair in pairs}
    found = []
    for application in waiting:
        limit = limits[(application.product, application.status)]
        days = days_waited(application, today)
        if days > limit:
            found.append((application, days, limit))
    return found


def days_waited(application: Application, today: date) -> int:
    """Days the item has waited in its state: working days, or calendar days where the
    state's limit is a legal clock (``Sla.calendar``)."""
    since = business_date(application.status_changed_at)
    if _calendar(application):
        return (today - since).days
    return working_days_between(since, today)


def _calendar(application: Application) -> bool:
    sla = workflow_for(application.product).state(application.status).sla
    return sla is not None and sla.calendar


def queue_organisation(application: Application) -> int | None:
    """The organisation whose queue the application waits in (the one the application
    names for the state's role, or the programme's one organisation of that kind)."""
    actor = queue_role(application, application.status)
    named, org_id = named_organisation(application, actor)
    if not named:  # the programme's one organisation of that kind (the pool)
        org_id = db.session.scalar(select(Organisation.id).where(
            Organisation.kind == kind_of(actor)).order_by(Organisation.id).limit(1))
    return org_id


def _record_sla(kind: str, application: Application, users: list[User], days: int,
                threshold: int, today: date) -> int:
    org_id = queue_organisation(application)
    # The state's service level itself (a reminder comes before it, an escalation after it).
    limit = thresholds(application.product, application.status, today)[1]
    params = {"state": application.status, "days": days, "threshold": threshold,
              "limit": limit, "org_id": org_id, "calendar": _calendar(application)}
    key = f"{kind}:{application.id}:{today.isoformat()}"
    return len(record(users, kind, application, key, params, queue_mail=True))


def send_documents_due(today: date) -> int:
    """Daily job: the documents products schedule (a portfolio firm's reports): the founder
    reminded before the due day and after it, the role the product names told once one is
    late (a product's ``documents_due`` hook says which notice is due today)."""
    sent = 0
    for product in products():
        due = product.hooks.get("documents_due")
        for notice in due(today) if due else ():
            application = notice.application
            users = ([application.applicant] if notice.to == FOUNDER
                     else staff_of(application, notice.to))
            params = {"document": notice.document, "period": notice.period,
                      "due_on": notice.due_on.isoformat(), "stage": notice.stage,
                      "state": application.status}
            key = f"due:{application.id}:{notice.document}:{notice.period}:{notice.stage}"
            # The key has no day: count only the notices new today, not those sent before.
            had = set(db.session.scalars(select(Notification.id).where(
                Notification.dedupe_key == key)))
            sent += sum(n.id not in had for n in record(
                [u for u in users if u.active], notice.kind, application, key, params,
                queue_mail=True))
    return sent
