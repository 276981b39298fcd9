"""What changed between a founder's submissions, as the reviewers read it in the timeline."""

from dataclasses import dataclass

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Application
from talentfin.models import TransitionLog
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.text import mask_id_number
from talentfin.workflows.labels import document_label
from talentfin.workflows.registry import product_for

# The common keys of the snapshot (workflows.common.application_snapshot); a product adds
# (or renames) its own with ``Product.snapshot_labels``.
SNAPSHOT_LABELS = {
    "requested_amount_fen": _l("Requested amount (yuan)"),
    "purpose": _l("Purpose"),
    "enterprise.name": _l("Company name"),
    "enterprise.uscc": _l("Unified social credit code"),
    "enterprise.founded_on": _l("Founded on"),
    "enterprise.address": _l("Registered address"),
    "enterprise.industry": _l("Industry"),
    "enterprise.employees": _l("Employees"),
    "talent.tier": _l("Talent tier"),
    "talent.certificate_no": _l("Certificate number"),
    "talent.issuer": _l("Issuing body"),
    "talent.valid_until": _l("Valid until"),
    "talent.equity_bp": _l("Founder's equity"),
}


@dataclass
class Change:
    """One difference between the previous and the present submission, as people read it.

    A changed field has its old and new value; a document has a description of what
    happened to it ("re-uploaded new.pdf (replaced old.pdf)").
    """

    label: str
    old: str = ""
    new: str = ""
    description: str | None = None


def change_value(key: str, value) -> str:
    """A snapshot value as people read it: yuan for fen, a percentage for basis points."""
    if value is None or value == "":
        return "—"
    if key.endswith("_fen") and isinstance(value, int):
        return format_fen(value)
    if key.endswith("_bp") and isinstance(value, int):
        return format_rate_bp(value)
    if key.endswith("id_number"):
        return mask_id_number(str(value))  # a change is seen; the number is not shown
    return str(value)


def _flatten(snapshot: dict | None, prefix: str = "") -> dict:
    flat = {}
    for key, value in (snapshot or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _field_changes(product: str, previous: dict, current: dict) -> list[Change]:
    labels = {**SNAPSHOT_LABELS, **product_for(product).snapshot_labels}
    old, new = _flatten(previous), _flatten(current)
    return [Change(str(labels.get(key, key)), change_value(key, old.get(key)),
                   change_value(key, new.get(key)))
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def _document_change(label: str, old: dict | None, new: dict | None) -> Change:
    if old is None:
        return Change(label, description=_("uploaded %(new)s", new=new["name"]))
    if new is None:
        return Change(label, description=_("removed (was %(old)s)", old=old["name"]))
    return Change(label, description=_("re-uploaded %(new)s (replaced %(old)s)",
                                       new=new["name"], old=old["name"]))


def _document_changes(product: str, previous: dict, current: dict) -> list[Change]:
    old, new = previous or {}, current or {}
    return [_document_change(document_label(product, kind), old.get(kind), new.get(kind))
            for kind in sorted(set(old) | set(new)) if old.get(kind) != new.get(kind)]


def resubmission_changes(log: TransitionLog, product: str) -> list[Change]:
    """What changed between the previous submission and this resubmission."""
    previous = (log.payload or {}).get("previous_snapshot")
    if not previous:
        return []
    current = log.payload.get("snapshot")
    if current is None:
        current = db.session.get(Application, log.application_id).submitted_snapshot or {}
    previous, current = dict(previous), dict(current)
    documents = _document_changes(product, previous.pop("attachments", None),
                                  current.pop("attachments", None))
    return _field_changes(product, previous, current) + documents
