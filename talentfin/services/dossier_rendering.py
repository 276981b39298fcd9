"""Rendering dossiers after the deciding commit: the worker's outbox handler.

The worker renders only from the frozen summary (``talentfin.workflows.dossiers``), so a
retry prints the same content and later edits never change an old dossier. The PDF is
PDF/A-3b and carries that summary as an embedded JSON file, so the file alone holds the
data it attests (``flask --app talentfin bundle extract FILE.pdf`` prints it).
"""

import hashlib
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import update

from talentfin import pdf
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import role_zh
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import TransitionLog
from talentfin.models.base import utcnow
from talentfin.services import webhooks
from talentfin.services.dossier_files import template_of
from talentfin.storage import DOSSIERS
from talentfin.storage import store
from talentfin.storage import store_new_file
from talentfin.workflows.dossiers import build_summary


def render_dossier_pdf(dossier: Dossier) -> bytes:
    """The dossier's PDF, from its frozen summary; the document is Chinese in any locale."""
    summary = dossier.summary
    at = summary["decision"]["at"]
    decided_at = datetime.fromisoformat(at) if at else None
    template = template_of(dossier)
    with force_locale("zh"):
        html = render_template(
            template, s=summary, dossier=dossier, role_zh=role_zh,
            # The Chinese wording of the product's codes, beside its dossier templates.
            zh_words=template.rsplit("/", 1)[0] + "/_zh.html",
            decided_at=decided_at,
            qr_code=pdf.qr_data_uri(summary["verify_url"]), font_stack=pdf.FONT_STACK,
        )
        snapshot = pdf.json_attachment(
            snapshot_name(dossier), summary,
            _("The data this dossier was made from, frozen at the decision (JSON)"),
            decided_at or dossier.made_at)
    return pdf.html_to_pdf(html, [snapshot])


def snapshot_name(dossier: Dossier) -> str:
    """The name of the summary's JSON file in the PDF: dossier-<reference>-<stage>-v<n>.json."""
    return f"dossier-{_file_stem(dossier)}-v{dossier.version}.json"


def _file_stem(dossier: Dossier) -> str:
    return f"{dossier.summary.get('reference') or dossier.application_id}-{dossier.stage}"


def render_dossier_task(payload: dict) -> None:
    """Outbox handler: render a pending dossier, store the file, mark it ready; idempotent.

    A render error propagates, so the outbox records it and retries with backoff; the
    decision that scheduled the dossier is already committed and stays.
    """
    dossier = db.session.get(Dossier, payload["dossier_id"])
    if dossier is None:
        raise LookupError(f"dossier {payload['dossier_id']} does not exist")
    if dossier.status == "ready":
        return
    if not dossier.summary:
        _freeze_late(dossier)
    content = render_dossier_pdf(dossier)
    name = store_new_file(f"{_file_stem(dossier)}-v{dossier.version}-{dossier.id}", content)
    # Conditional on "pending": if another worker finished first, its file stands. If the
    # commit fails the new file stays as an unrecorded orphan (never delete what may be
    # recorded); the retry writes under the next free name.
    sha256 = hashlib.sha256(content).hexdigest()
    result = db.session.execute(
        update(Dossier).where(Dossier.id == dossier.id, Dossier.status == "pending")
        .values(status="ready", file_name=name, sha256=sha256, size_bytes=len(content),
                rendered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:  # the partners' systems told in the same commit
        webhooks.dossier_events(dossier, sha256)
    db.session.commit()
    if result.rowcount != 1:
        store().remove(DOSSIERS, name)


def _freeze_late(dossier: Dossier) -> None:
    """Fill the summary of a dossier scheduled before summaries existed (best effort)."""
    log = db.session.get(TransitionLog, dossier.transition_log_id)
    if log is None:
        raise LookupError(f"dossier {dossier.id} has neither a summary nor a transition log")
    application = db.session.get(Application, dossier.application_id)
    dossier.summary = build_summary(application, log, dossier.made_by, dossier.verify_code)
    db.session.commit()
