"""Insurers, their staff and terms, and policies in any state, moved by the real engine
with the data the demo's steps give (as ``tests.factories`` does for loans)."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.pool.models import Funder
from talentfin.services import applications as application_service
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.insurance import demo as insurance_demo
from talentfin.workflows.insurance.definition import WORKFLOW
from talentfin.workflows.insurance.labels import CLAIM_DOCUMENTS
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.models import InsuranceOffer
from tests import factories

PATHS = insurance_demo.PATHS
RATES = {"loan_guarantee": 200, "rd_loss": 150, "key_person": 80}
KEY_PERSON_ID = "370212198808080012"


@dataclass
class Insurers:
    """Two insurers with an underwriter and approvers each, both offering every cover."""

    insurer1: Organisation
    insurer2: Organisation
    underwriter1: User
    approver1: User
    approver1b: User
    underwriter2: User
    approver2: User


def make_insurers() -> Insurers:
    """The insurers of the tests, their staff and their terms."""
    insurer1 = factories.organisation("insurer", "insurer-1", "一号保险")
    insurer2 = factories.organisation("insurer", "insurer-2", "二号保险")
    for insurer in (insurer1, insurer2):
        for cover, rate in RATES.items():
            db.session.add(InsuranceOffer(org_id=insurer.id, cover=cover, premium_rate_bp=rate))
    db.session.commit()
    return Insurers(
        insurer1=insurer1, insurer2=insurer2,
        underwriter1=factories.user("uw1@t.cn", "insurer_officer", insurer1),
        approver1=factories.user("ia1@t.cn", "insurer_approver", insurer1),
        approver1b=factories.user("ia1b@t.cn", "insurer_approver", insurer1),
        underwriter2=factories.user("uw2@t.cn", "insurer_officer", insurer2),
        approver2=factories.user("ia2@t.cn", "insurer_approver", insurer2),
    )


def quote(world, insurers: Insurers, *, founder: User | None = None,
          insurer: Organisation | None = None, cover: str = "rd_loss", loan=None,
          amount_fen: int = 5_000_000_00, period: int = 12,
          documents: bool = True) -> InsuranceApplication:
    """A filled-in quote request (R&D-loss cover of 5,000,000 yuan for a year by default)."""
    founder = founder or world.founder
    application = application_service.start_application(founder, "insurance")
    data = {"partner_org_id": (insurer or insurers.insurer1).id, "cover": cover,
            "purpose": "为研发项目提供风险保障。", "requested_amount_fen": amount_fen,
            "requested_period_months": period, "project_name": "样机研制"}
    if cover == "loan_guarantee":
        data.update(loan_id=loan.id, requested_amount_fen=loan.current_amount(),
                    requested_period_months=None, project_name=None)
    if cover == "key_person":
        data.update(insured_name="刘首席", insured_id_number=KEY_PERSON_ID,
                    insured_position="首席科学家", project_name=None)
    application_service.save_request(application, data)
    if documents:
        for kind in ("business_licence", "talent_certificate"):
            save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"), founder)
    return application


def people(world, insurers: Insurers, application, target: str = "") -> SimpleNamespace:
    """Who acts on a policy: its park's reviewer, its insurer's staff, the pool."""
    first = application.partner_org_id == insurers.insurer1.id
    park = (world.park_reviewer if application.enterprise.park_id == world.park.id
            else world.park2_reviewer)
    return SimpleNamespace(
        park=park, pool=world.pool_admin, committee=world.committee, target=target,
        officer=insurers.underwriter1 if first else insurers.underwriter2,
        approver=insurers.approver1 if first else insurers.approver2)


def advance(world, insurers: Insurers, application, trigger: str, target: str = "",
            started_days_ago: int = 0) -> None:
    """Fire one step with the data its actor would give (the demo's step)."""
    who = people(world, insurers, application, target)
    actor, comment, data = insurance_demo.step(trigger, application, who, business_today(),
                                               started_days_ago)
    if "founder" in WORKFLOW.transition(trigger).roles and actor is None:
        actor = application.applicant
    for kind in insurance_demo.PAPERS_BEFORE.get(trigger, ()):
        save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"),
                        application.applicant)
    if trigger == "pay_subsidy" and db.session.scalar(select(Funder.id).limit(1)) is None:
        factories.fund_pool(world)  # the subsidy is paid from the pool
    if trigger in insurance_demo.WAITED_BEFORE:
        application.status_changed_at -= timedelta(days=insurance_demo.WAITED_BEFORE[trigger])
        db.session.commit()
    engine.fire(application, trigger, actor, comment=comment, data=data)
    if trigger == "bind" and started_days_ago:
        # As if issued that long ago: a policy is never dated back when it is issued.
        policy = db.session.get(InsuranceApplication, application.id)
        factories.set_columns(policy, starts_on=policy.starts_on - timedelta(days=started_days_ago),
                              ends_on=policy.ends_on - timedelta(days=started_days_ago))
        db.session.refresh(policy)


def policy_in(world, insurers: Insurers, state: str, started_days_ago: int = 0,
              **quote_args) -> InsuranceApplication:
    """A quote or policy walked by the engine to ``state``."""
    application = quote(world, insurers, **quote_args)
    for trigger in PATHS[state]:
        advance(world, insurers, application, trigger, state, started_days_ago)
    return application


def upload_claim_papers(application, user: User) -> None:
    """The claim's papers, uploaded by the founder (or the insurer)."""
    for kind in CLAIM_DOCUMENTS:
        save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"), user)
