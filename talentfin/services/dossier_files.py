"""Dossier files: where they are kept, their titles, looking them up by application or code.

The files themselves are kept by ``talentfin.storage`` (never overwritten); rendering is
``talentfin.services.dossier_rendering`` (the worker's).
"""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _l
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.pool import notices
from talentfin.workflows.dossiers import normalise_verify_code
from talentfin.workflows.registry import product_for

NOTICE_TITLE = _l("Bank suspension notice")


def _kind_of(dossier: Dossier):
    return product_for(dossier.summary.get("product") or dossier.application.product) \
        .dossiers[dossier.stage]


def template_of(dossier: Dossier) -> str:
    """The template a dossier is rendered from."""
    if dossier.application_id is None:
        return notices.TEMPLATE
    return _kind_of(dossier).template


def dossier_title(dossier: Dossier) -> str:
    """A dossier's title in the reader's language."""
    if dossier.application_id is None:
        return str(NOTICE_TITLE)
    return str(_kind_of(dossier).title)


def dossiers_for(application: Application) -> list[Dossier]:
    """The application's dossiers, oldest first."""
    return list(db.session.scalars(
        select(Dossier).where(Dossier.application_id == application.id).order_by(Dossier.id)
    ))


def dossier_by_code(code: str) -> Dossier | None:
    """The dossier a verification code belongs to, if any."""
    return db.session.scalar(
        select(Dossier).where(Dossier.verify_code == normalise_verify_code(code))
    )
