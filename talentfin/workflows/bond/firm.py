"""A bond allocation's part of the firm's page: the on-lent principal out (it counts against
the loan caps, which the loan's part shows) and a default's loss."""

from datetime import date

from talentfin.i18n import _l
from talentfin.models import Enterprise
from talentfin.workflows.bond.labels import COMMITTED
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.firm import Exposure
from talentfin.workflows.firm import Fact
from talentfin.workflows.firm import FirmHeadings
from talentfin.workflows.firm import FirmPart

# What the product adds to the firm's page's headings.
HEADINGS = FirmHeadings(20, exposures={
    "bond_allocations": _l("Bond allocations outstanding")})


def firm(_enterprise: Enterprise, allocations: list[BondAllocation], _today: date) -> FirmPart:
    """The firm's allocations the reader sees."""
    part = FirmPart()
    for allocation in allocations:
        if allocation.status in COMMITTED:
            part.exposures.append(_exposure(allocation))
        if allocation.defaulted_on is not None:
            part.facts.append(Fact(allocation, "claim",
                                   _l("Default: loss absorbed by the bond's risk layers"),
                                   on=allocation.defaulted_on, amount_fen=allocation.loss_fen))
    return part


def _exposure(allocation: BondAllocation) -> Exposure:
    if allocation.disbursed_amount_fen is not None:
        return Exposure(allocation, "bond_allocations", allocation.outstanding,
                        _l("on-lent principal outstanding"))
    return Exposure(allocation, "bond_allocations", allocation.allocated_fen or 0,
                    _l("allocated, not yet paid out"))
