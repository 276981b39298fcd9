"""人才债's own records: the bond (an envelope of its own, product ``bond_issue``, worked by
the underwriter's and the issuer's staff) and a firm's allocation of its proceeds (product
``bond``, a founder's application through the common route)."""

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import User


class BondIssue(Application):
    """A bond: its registration, its terms once issued, and how much of it is allocated.

    The envelope's firm is the issuer (the platform company), its partner the underwriter;
    ``allocated_fen`` is changed only by a conditional UPDATE that keeps it within the size
    (``talentfin.workflows.bond.allocation.take_headroom``).
    """

    __tablename__ = "bond_issues"

    id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    issuer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    registration_no: Mapped[str | None] = mapped_column(String(60), unique=True)
    registered_on: Mapped[date | None] = mapped_column(Date)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)  # the bond's code
    size_fen: Mapped[int | None] = mapped_column(BigInteger)
    coupon_bp: Mapped[int | None] = mapped_column(Integer)
    term_months: Mapped[int | None] = mapped_column(Integer)
    coupon_months: Mapped[int | None] = mapped_column(Integer)  # months between coupons
    issued_on: Mapped[date | None] = mapped_column(Date)
    allocated_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    redeemed_on: Mapped[date | None] = mapped_column(Date)

    __mapper_args__ = {"polymorphic_identity": "bond_issue", "polymorphic_load": "selectin",
                       "inherit_condition": id == Application.id}

    issuer: Mapped[Organisation] = relationship(foreign_keys=[issuer_org_id])

    def current_amount(self) -> int | None:
        """The bond's size once issued."""
        return self.size_fen

    @property
    def matures_on(self) -> date | None:
        """The day the bond is redeemed."""
        if self.issued_on is None or self.term_months is None:
            return None
        return self.issued_on + relativedelta(months=self.term_months)

    @property
    def headroom_fen(self) -> int:
        """What is left of the size to allocate."""
        return (self.size_fen or 0) - (self.allocated_fen or 0)

    def coupon_dates(self) -> list[date]:
        """Every coupon date from the issue to maturity."""
        if self.issued_on is None or not self.term_months or not self.coupon_months:
            return []
        return [self.issued_on + relativedelta(months=m)
                for m in range(self.coupon_months, self.term_months + 1, self.coupon_months)]


class BondAllocation(Application):
    """A firm's allocation of a bond: what it asks, the underwriter's terms, the money."""

    __tablename__ = "bond_allocations"

    id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    bond_id: Mapped[int | None] = mapped_column(ForeignKey("bond_issues.id"), index=True)
    requested_term_months: Mapped[int | None] = mapped_column(Integer)

    recommended_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    onlending_rate_bp: Mapped[int | None] = mapped_column(Integer)
    term_months: Mapped[int | None] = mapped_column(Integer)
    recommended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the approval took its share of the bond's size (and given back if it ends).
    allocated_fen: Mapped[int | None] = mapped_column(BigInteger)
    contract_no: Mapped[str | None] = mapped_column(String(60))
    contract_signed_on: Mapped[date | None] = mapped_column(Date)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    disbursed_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    repaid_on: Mapped[date | None] = mapped_column(Date)
    # The on-lent loan as the underwriter reports it: principal still owed (set when paid
    # out), arrears and the five-grade classification, and a default's loss (the principal
    # owed that day, absorbed by the layers: talentfin.workflows.bond.servicing).
    outstanding_fen: Mapped[int | None] = mapped_column(BigInteger)
    overdue_since: Mapped[date | None] = mapped_column(Date)
    classification: Mapped[str | None] = mapped_column(String(20))
    defaulted_on: Mapped[date | None] = mapped_column(Date)
    loss_fen: Mapped[int | None] = mapped_column(BigInteger)

    __mapper_args__ = {"polymorphic_identity": "bond", "polymorphic_load": "selectin",
                       "inherit_condition": id == Application.id}

    bond: Mapped[BondIssue | None] = relationship(foreign_keys=[bond_id])
    recommended_by: Mapped[User | None] = relationship(foreign_keys=[recommended_by_id])

    @property
    def outstanding(self) -> int:
        """The on-lent principal still owed."""
        if self.outstanding_fen is not None:
            return self.outstanding_fen
        return self.disbursed_amount_fen or 0

    def current_amount(self) -> int | None:
        """Disbursed, else allocated, else recommended, else asked for."""
        for value in (self.disbursed_amount_fen, self.allocated_fen,
                      self.recommended_amount_fen, self.requested_amount_fen):
            if value is not None:
                return value
        return None
