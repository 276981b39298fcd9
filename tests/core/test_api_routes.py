"""人才投, 人才板 and 人才债 through the partner API: every staff step of the route, from the
park's recommendation to the last decision, taken through the client of the acting
person's organisation with the fields of the page's form, the staff's papers uploaded
through ``POST /api/v1/applications/{id}/documents`` (the founder's steps and papers in the
engine, as the founder's pages take them; 人才投's findings, meeting and votes, which are
not transitions, by their services); each logged as through its client. (人才贷 and
人才险: tests/loan/test_api_route.py and tests/insurance/test_api_route.py.)"""

import hashlib
import io
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.models import Attachment
from talentfin.models import TransitionLog
from talentfin.money import format_fen
from talentfin.services import api_clients
from talentfin.workflows.registry import product_for
from tests.board import factories as board
from tests.bond import factories as bond
from tests.equity import factories as equity
from tests.factories import DEMO_PDF
from tests.web import api_decide
from tests.web import api_token
from tests.web import fresh


def _form_value(value):
    """An engine value as the page's field takes it (a date as YYYY-MM-DD, fen as yuan)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_form_value(v) for v in value]
    return value if isinstance(value, str) else str(value)


def _form(data: dict) -> dict:
    """The engine's data as the page's form fields (amounts in yuan, rates in per cent)."""
    fields = {}
    for key, value in data.items():
        if key.endswith("_fen") and isinstance(value, int):
            fields[key.removesuffix("_fen")] = format_fen(value)
        elif isinstance(value, dict):  # {"owners": {"legal": 3}}: the field legal_owner
            for part, each in value.items():
                fields[f"{part}_{key.removesuffix('s')}"] = _form_value(each)
        elif key.endswith("_bp") and isinstance(value, int):
            fields[key.removesuffix("_bp")] = f"{value / 100:.2f}"
        else:
            fields[key] = _form_value(value)
    return fields


class Walker:
    """Fires each step through the API for staff, in the engine for the founder."""

    def __init__(self, client, world, db):
        self.client, self.world, self.db = client, world, db
        self.tokens: dict[int, str] = {}
        self.through: set[str] = set()
        self.uploaded: list[int] = []

    def token(self, org) -> str:
        if org.id not in self.tokens:
            row, secret = api_clients.register(org, "系统", ["read", "decide", "report"],
                                               self.world.admin)
            self.tokens[org.id] = api_token(self.client, row.client_id, secret)
        return self.tokens[org.id]

    def step(self, application, trigger: str, actor, comment: str, data: dict, founder):
        if actor is None or actor.role == "founder":
            founder()
            return
        done = api_decide(self.client, self.token(actor.org), actor.email, application.id,
                          trigger, {**_form(data), "comment": comment})
        assert done.status_code == 200, (trigger, done.get_json())
        self.through.add(trigger)

    def upload(self, application, kind: str, actor) -> None:
        """A staff paper through the API, for ``actor`` by its organisation's client, as
        a partner's system sends it; the answer lists it with the hash of what was sent."""
        sent = DEMO_PDF + f"\n%{application.id}-{kind}".encode()
        done = self.client.post(
            f"/api/v1/applications/{application.id}/documents",
            data={"kind": kind, "file": (io.BytesIO(sent), f"{kind}.pdf")},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {self.token(actor.org)}",
                     "On-Behalf-Of": actor.email})
        assert done.status_code == 201, (kind, done.get_json())
        document = done.get_json()
        assert document["kind"] == kind
        assert document["sha256"] == hashlib.sha256(sent).hexdigest()
        stored = self.db.session.get(Attachment, document["id"])
        assert (stored.application_id, stored.kind, stored.uploaded_by_id) == (
            application.id, kind, actor.id)
        self.uploaded.append(document["id"])


@pytest.mark.parametrize("product", ["board", "bond", "equity"])
def test_the_partner_steps_of_a_route_through_the_api(client, world, db, product):
    walker = Walker(client, world, db)
    if product == "board":
        ex = board.make_exchange()
        application = board.draft(world, ex)
        path = board.PATHS["delisted"]
        for trigger in path:
            board.prepare(world, ex, application, trigger)
            for kind in board.board_demo.PAPERS_BEFORE.get(trigger, ()):
                walker.upload(application, kind, ex.staff(application.partner_org_id)[0])
            actor, comment, data = board.step(world, ex, application, trigger)
            walker.step(application, trigger, actor, comment, data,
                        lambda t=trigger: board.advance(world, ex, application, t))
    elif product == "equity":
        funds = equity.make_funds()
        application = equity.draft(world, funds)
        path = equity.PATHS["exited"]
        funded_on = business_today() - timedelta(days=equity.FUNDED_DAYS_AGO)
        for trigger in path:
            equity.prepare(application, trigger, funded_on)
            data = {"sign": {"signed_on": funded_on},
                    "record_funding": {"funded_on": funded_on}}.get(trigger, {})
            who = equity.people(world, funds, application)
            for kind in equity.equity_demo.PAPERS_BEFORE.get(trigger, ()):
                if kind == "registration_change":  # the founder's, in the pages
                    equity.upload(application, kind, who.founder)
                else:
                    walker.upload(application, kind, who.officer)
            if trigger in equity.equity_demo.WAITED_BEFORE:
                application.status_changed_at -= timedelta(
                    days=equity.equity_demo.WAITED_BEFORE[trigger])
                db.session.commit()
            actor, comment, step_data = equity.step(world, funds, application, trigger)
            walker.step(application, trigger, actor, comment, {**step_data, **data},
                        lambda t=trigger, d=data: equity.advance(world, funds, application, t,
                                                                 data=d))
    else:
        uw = bond.make_underwriters()
        application = bond.draft(world, uw, bond.bond_in(uw, "allocating"))
        path = bond.PATHS["defaulted"]
        for trigger in path:
            for kind in bond.bond_demo.PAPERS_BEFORE.get(trigger, ()):
                walker.upload(application, kind, uw.officer(application.partner_org_id))
            actor, comment, data = bond.step(world, uw, application, trigger)
            walker.step(application, trigger, actor, comment, data,
                        lambda t=trigger: bond.advance(world, uw, application, t))
    workflow = product_for(product).workflow
    assert fresh(application.id).status == workflow.transition(path[-1]).dest
    staff_steps = {t for t in path  # neither the founder's nor the scheduler's
                   if not {"founder", "system"} & set(workflow.transition(t).roles)}
    assert walker.through == staff_steps and len(staff_steps) >= 4
    papers = {"board": board.board_demo, "equity": equity.equity_demo,
              "bond": bond.bond_demo}[product].PAPERS_BEFORE
    assert len(walker.uploaded) == sum(len([k for k in kinds if k != "registration_change"])
                                       for t, kinds in papers.items() if t in path) >= 1
    vias = {log.trigger: log.payload.get("via") for log in db.session.scalars(
        select(TransitionLog).where(TransitionLog.application_id == application.id))}
    assert all(vias[t] and vias[t].startswith("api:") for t in staff_steps)
