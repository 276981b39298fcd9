"""The demo `make run` seeds: every product's walks reach their states through the engine,
the dossiers render, the chains verify, and seeding again changes nothing."""

from collections import Counter

from sqlalchemy import func
from sqlalchemy import select

from talentfin.demo import seed_demo
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import User
from talentfin.services import checkpoints
from talentfin.services.audit_chains import verify_all
from talentfin.workflows.registry import products


def test_the_demo_reaches_every_state_it_promises_and_seeds_once(app):
    seed_demo()
    for product in products():
        states = Counter(db.session.scalars(select(Application.status).where(
            Application.product == product.key)))
        assert states == Counter(target for target, _founder, _partner in product.demo.WALKS)
    assert db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.status != "ready")) == 0
    assert verify_all() == []
    assert checkpoints.unsealed() == 0  # the demo's history is sealed, not waiting an hour
    roles = set(db.session.scalars(select(User.role)))
    assert {"founder", "park_reviewer", "bank_officer", "bank_approver", "insurer_officer",
            "insurer_approver", "pool_admin", "pool_committee", "auditor", "admin"} <= roles
    counts = {model: db.session.scalar(select(func.count(model.id)))
              for model in (Application, Dossier, User)}
    seed_demo()
    assert {model: db.session.scalar(select(func.count(model.id)))
            for model in counts} == counts
