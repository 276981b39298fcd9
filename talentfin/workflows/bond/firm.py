"""人才债's part of the firm's page: a founder's firm's allocations (the on-lent principal
out, which counts against the loan caps the loan's part shows, and a default's loss), and
an issuer's bonds (what it issued, as the bond's own files say)."""

from datetime import date

from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.money import format_fen
from talentfin.workflows.bond.labels import COMMITTED
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.firm import Exposure
from talentfin.workflows.firm import Fact
from talentfin.workflows.firm import FirmHeadings
from talentfin.workflows.firm import FirmPart

# What the product adds to the firm's page's headings; the bonds an issuer issued are the
# files of the bond itself (product ``bond_issue``), which the hook is given too.
HEADINGS = FirmHeadings(
    20, exposures={"bond_allocations": _l("Bond allocations outstanding")},
    facts={"bond_issues": _l("Bonds issued")}, core_facts=("claim",),
    sources={"bond_issues": ("bond_issue",)})


def firm(_enterprise: Enterprise, files: list[Application], _today: date) -> FirmPart:
    """The firm's allocations and bonds the reader sees."""
    part = FirmPart()
    for application in files:
        if isinstance(application, BondIssue):
            if application.issued_on is not None:
                part.facts.append(_issued(application))
            continue
        if not isinstance(application, BondAllocation):
            continue
        if application.status in COMMITTED:
            part.exposures.append(_exposure(application))
        if application.defaulted_on is not None:
            part.facts.append(Fact(application, "claim",
                                   _l("Default: loss absorbed by the bond's risk layers"),
                                   on=application.defaulted_on, amount_fen=application.loss_fen))
    return part


def _exposure(allocation: BondAllocation) -> Exposure:
    if allocation.disbursed_amount_fen is not None:
        return Exposure(allocation, "bond_allocations", allocation.outstanding,
                        _l("on-lent principal outstanding"))
    return Exposure(allocation, "bond_allocations", allocation.allocated_fen or 0,
                    _l("allocated, not yet paid out"))


def _issued(bond: BondIssue) -> Fact:
    """A bond the firm issued: its size, and how much of it went to founders' firms."""
    return Fact(bond, "bond_issues", bond.name, on=bond.issued_on, amount_fen=bond.size_fen,
                detail=_("Bond code %(code)s; %(allocated)s yuan allocated to firms",
                         code=bond.code or "", allocated=format_fen(bond.allocated_fen or 0)))
