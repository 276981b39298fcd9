"""SLA reminders and escalations of the review queues, run as daily scheduled jobs.

An item in a queue state (``SLA_STATES``) counts the working days since it entered that
state (``status_changed_at``, read as a day in the programme's time zone), so the time the
founder holds the file (draft, requests for information) never counts. Thresholds come
from the configuration: ``SLA_REMIND_WORKING_DAYS`` (3) and ``SLA_ESCALATE_WORKING_DAYS``
(5); an item waiting *more* than a threshold is due.

- Reminder: whoever claimed the item, or else the staff of the queue (the park's reviewers,
  the bank's officers or approvers, the pool administrators), every working day it stays
  overdue.
- Escalation: the supervisors of the queue (``SLA_SUPERVISORS``), every working day past
  the second threshold (the staff keep their reminders too):

  - bank review (the bank's officers) -> the same bank's approvers, who direct the
    officers' work;
  - park review and bank approval -> the pool administrators, who run the programme and
    chase the park and the partner banks (neither a park nor a bank's approvers has a
    superior inside the system);
  - disbursed awaiting the pool filing (the pool administrators' own queue) -> the pool
    committee.

The claim stages use the policy table's limits instead (pool review 5, committee 25
working days): reminders from two working days before the limit, escalations past it
(pool review -> the committee; the committee -> the auditors).

Nothing is sent on days off (the count would not have moved). Each item gets at most one
reminder and one escalation per person and day: the notification's key names the item and
the day, and ``run_job`` runs each job once a day anyway.
"""

from datetime import date

from flask import current_app
from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services.notifications import QUEUES
from talentfin.services.notifications import record
from talentfin.services.notifications import staff_of
from talentfin.workdays import is_working_day
from talentfin.workdays import working_days_between

SLA_STATES = ("park_review", "partner_review", "bank_approval", "disbursed", "claim_review",
              "committee_review")
SLA_SUPERVISORS = {
    "park_review": ("pool_admin", None),
    "partner_review": ("bank_approver", "partner_org_id"),
    "bank_approval": ("pool_admin", None),
    "disbursed": ("pool_committee", None),
    "claim_review": ("pool_committee", None),
    "committee_review": ("auditor", None),  # the committee answers to the oversight
}
# The claim stages have limits in the policy table (5 and 25 working days): past the limit
# is an escalation, and the reminders start two working days before it.
CLAIM_LIMITS = {"claim_review": "claim_admin_working_days",
                "committee_review": "claim_committee_working_days"}


def thresholds(state: str, today: date) -> tuple[int, int]:
    """(remind after, escalate after) in working days for items in ``state``."""
    if state in CLAIM_LIMITS:
        from talentfin.services import parameters

        limit = parameters.int_parameter(CLAIM_LIMITS[state], today)
        return max(0, limit - 2), limit
    config = current_app.config
    return config["SLA_REMIND_WORKING_DAYS"], config["SLA_ESCALATE_WORKING_DAYS"]


def send_sla_reminders(today: date) -> int:
    """Daily job: remind whoever must act on items past the reminder threshold."""
    sent = 0
    for application, days, threshold in overdue_items(today, 0):
        role, org_column = QUEUES[application.status]
        claimant = application.claimed_by
        users = ([claimant] if claimant is not None and claimant.active
                 else staff_of(application, role, org_column))
        sent += _record_sla("reminder", application, users, days, threshold, today, org_column)
    return sent


def send_sla_escalations(today: date) -> int:
    """Daily job: tell the supervisors of items past the escalation threshold."""
    sent = 0
    for application, days, threshold in overdue_items(today, 1):
        users = staff_of(application, *SLA_SUPERVISORS[application.status])
        org_column = QUEUES[application.status][1]
        sent += _record_sla("escalation", application, users, days, threshold, today,
                            org_column)
    return sent


def overdue_items(today: date, which: int) -> list[tuple[Application, int, int]]:
    """(item, working days waited, threshold) past the reminder (``which`` 0) or the
    escalation (1) threshold of its state; none on days off."""
    if not is_working_day(today):
        return []
    waiting = db.session.scalars(select(Application).where(Application.status.in_(SLA_STATES))
                                 .order_by(Application.id)).all()
    limits = {state: thresholds(state, today)[which] for state in SLA_STATES}
    found = []
    for application in waiting:
        days = working_days_between(business_date(application.status_changed_at), today)
        if days > limits[application.status]:
            found.append((application, days, limits[application.status]))
    return found


def _record_sla(kind: str, application: Application, users: list[User], days: int,
                threshold: int, today: date, org_column: str | None) -> int:
    if org_column is not None:
        org_id = getattr(application, org_column)
    else:  # the pool's own queue
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.kind == "pool")
                                   .order_by(Organisation.id).limit(1))
    params = {"state": application.status, "days": days, "threshold": threshold,
              "org_id": org_id}
    key = f"{kind}:{application.id}:{today.isoformat()}"
    return len(record(users, kind, application, key, params, queue_mail=True))
