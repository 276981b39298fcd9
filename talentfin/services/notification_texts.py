"""The texts of reminders and escalations other than a queue's working-day service level:
a legal clock in calendar days, and a document a product schedules (a portfolio firm's
report) before and after its due day."""

from talentfin.i18n import _
from talentfin.i18n import ngettext
from talentfin.workflows.registry import product_for


def calendar_text(kind: str, p: dict, reference: str, state: str, company: str,
                   org_name: str) -> tuple[str, str]:
    """A reminder or an escalation of a legal clock, in calendar days."""
    if kind == "reminder":
        return (ngettext("%(reference)s · waiting %(num)d day in %(state)s",
                         "%(reference)s · waiting %(num)d days in %(state)s",
                         p["days"], reference=reference, state=state),
                _("The application of %(company)s waits for %(org)s; the legal limit is "
                  "%(limit)d days. Please act on it.", company=company, org=org_name,
                  limit=p.get("limit", p["threshold"])))
    return (ngettext("Overdue: %(reference)s has waited %(num)d day in %(state)s",
                     "Overdue: %(reference)s has waited %(num)d days in %(state)s",
                     p["days"], reference=reference, state=state),
            _("%(org)s has not acted on the application of %(company)s within the legal "
              "limit of %(limit)d days.", org=org_name, company=company, limit=p["threshold"]))


def due_text(kind: str, p: dict, reference: str, company: str,
             product: str | None) -> tuple[str, str]:
    """A scheduled document: due soon, late, or (to the fund's staff) escalated."""
    document = product_for(product).document(p["document"]) if product else None
    name = str(document.label) if document else p["document"]
    if p.get("stage") == "soon":
        return (_("%(reference)s · %(document)s for %(period)s due on %(day)s",
                  reference=reference, document=name, period=p["period"], day=p["due_on"]),
                _("Please upload the %(document)s of %(company)s for %(period)s by "
                  "%(day)s.", document=name, company=company, period=p["period"],
                  day=p["due_on"]))
    if kind == "reminder":
        return (_("Late: %(reference)s · %(document)s for %(period)s was due on %(day)s",
                  reference=reference, document=name, period=p["period"], day=p["due_on"]),
                _("The %(document)s of %(company)s for %(period)s was due on %(day)s; "
                  "please upload it now.", document=name, company=company,
                  period=p["period"], day=p["due_on"]))
    return (_("Overdue: %(reference)s · %(document)s for %(period)s (due %(day)s)",
              reference=reference, document=name, period=p["period"], day=p["due_on"]),
            _("%(company)s has not filed its %(document)s for %(period)s, due on %(day)s. "
              "Please follow it up with the firm.", company=company, document=name,
              period=p["period"], day=p["due_on"]))
