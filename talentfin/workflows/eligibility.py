"""Who may apply at all: the programme's rules every product checks before its own (a
certified talent of tier A-D with a valid certificate, a firm in the district, its park
chosen in the profile)."""

from datetime import date

from talentfin.i18n import _
from talentfin.models import TALENT_TIERS
from talentfin.models import Application


def programme_problems(application: Application, on: date) -> list[str]:
    """Every programme-wide rule the enterprise and its founder fail, as messages."""
    enterprise = application.enterprise
    talent = enterprise.talent
    if talent is None:
        return [_("Add the founder's talent certification to the company profile first.")]
    problems = []
    if enterprise.park_id is None:
        problems.append(_("Choose the firm's park in the company profile: the park reviews "
                          "the application first."))
    if enterprise.founded_on is None:
        problems.append(_("Enter the firm's founding date in the company profile."))
    if talent.tier not in TALENT_TIERS:
        problems.append(_("The founder's talent tier on file is %(tier)s; the programme takes "
                          "tiers A, B, C and D.", tier=talent.tier or "—"))
    if talent.valid_until < on:
        problems.append(
            _("The talent certificate expired on %(day)s; upload a valid one.",
              day=talent.valid_until.isoformat())
        )
    if not enterprise.registered_in_district:
        problems.append(_("The firm must be registered in the district."))
    return problems
