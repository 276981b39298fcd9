"""Applications (one per product request) and their transition log."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.base import TimestampMixin
from talentfin.models.base import utcnow
from talentfin.models.org import Enterprise
from talentfin.models.org import Organisation
from talentfin.models.user import User


def _reached(since: str) -> tuple[Index, Index]:
    """The queue and amount indexes of a kind of organisation the programme has one of,
    holding the files that reached it (``since`` set; covered too, so that SQLite, which
    plans without statistics, finds them covering and prefers them)."""
    kind = since.removesuffix("_since")
    where = text(f"{since} IS NOT NULL")
    covered = ("id", since, "talent_tier", "requested_amount_fen")
    return (
        Index(f"ix_applications_{kind}_queue", "product", "status", "status_changed_at",
              *covered, sqlite_where=where, postgresql_where=where),
        Index(f"ix_applications_{kind}_amount", "product", "status",
              text("coalesce(requested_amount_fen, 0)"), *covered,
              sqlite_where=where, postgresql_where=where),
    )


def _whole_order(name: str, leading: tuple[str, ...]) -> tuple[Index, Index]:
    """A reader's whole queue in the order of each sort (the waiting time, the amount),
    whatever the product and state: ``services.queue_whole`` reads "all I can see" here.
    Only what was submitted (a draft is seen by its founder alone); covered: what the
    visibility rule and the filters read."""
    where = text("submitted_at IS NOT NULL")
    extra = {"sqlite_where": where, "postgresql_where": where}
    rest = ("id", "product", "submitted_at", "talent_tier", "requested_amount_fen")
    return (
        Index(f"ix_applications_{name}_order", *leading, "status_changed_at", *rest, **extra),
        Index(f"ix_applications_{name}_amount_order", *leading,
              text("coalesce(requested_amount_fen, 0)"), *rest, **extra),
    )


class Application(TimestampMixin, db.Model):
    """The envelope every product's application shares, moved along its workflow by the engine.

    A product keeps its own fields in its own table, joined to this one (joined-table
    inheritance, ``product`` being the discriminator): a loan is a ``LoanApplication`` row
    here plus one in ``loan_applications``. The queues, the visibility rules, the SLA
    clocks and the notifications read only this table.

    ``version`` is SQLAlchemy's version counter: every UPDATE is conditional on it, so of
    several concurrent transitions exactly one wins (the others raise StaleDataError).
    """

    __tablename__ = "applications"
    __table_args__ = (
        # Queue indexes cover the visibility rule, the filters and the sort, so a queue page
        # and its count read the index only (see services/queue_sql.py).
        Index("ix_applications_partner_queue", "partner_org_id", "product", "status",
              "status_changed_at", "id", "partner_routed_at", "talent_tier",
              "requested_amount_fen"),
        Index("ix_applications_park_queue", "park_id", "product", "status",
              "status_changed_at", "id", "submitted_at", "talent_tier", "requested_amount_fen"),
        # The amount sorts' order (a missing amount counts as 0: the key of
        # queue_positions.sort_key, written alike so the planners match it).
        Index("ix_applications_partner_amount", "partner_org_id", "product", "status",
              text("coalesce(requested_amount_fen, 0)"), "id", "partner_routed_at",
              "talent_tier", "requested_amount_fen"),
        Index("ix_applications_park_amount", "park_id", "product", "status",
              text("coalesce(requested_amount_fen, 0)"), "id", "submitted_at",
              "talent_tier", "requested_amount_fen"),
        # "Only items I claimed": the few a person holds, wherever they stand in the queue.
        Index("ix_applications_claimed", "claimed_by_id", "status_changed_at",
              sqlite_where=text("claimed_by_id IS NOT NULL"),
              postgresql_where=text("claimed_by_id IS NOT NULL")),
        # The auditors read every product's submitted applications by product and state;
        # by the amount too (``submitted_at`` covered: a count reads no row).
        Index("ix_applications_product_status", "product", "status", "status_changed_at",
              "id", "submitted_at", "talent_tier", "requested_amount_fen"),
        Index("ix_applications_product_amount", "product", "status",
              text("coalesce(requested_amount_fen, 0)"), "id", "submitted_at", "talent_tier",
              "requested_amount_fen"),
        # "All I can see" of the readers whose queue spans every product (the auditor, a
        # park), in the sort's order over all states at once: a page reads a page, where
        # the (product, state) ranges above are a hundred ranges to merge for it.
        *_whole_order("programme", ()),
        *_whole_order("park", ("park_id",)),
        # The kinds of organisation the programme has one of (the pool, the exchange) read
        # what reached them: partial indexes, so that a state's range holds only their files
        # (the pool's loans in a bank's states are not read one by one to be left out).
        *(index for since in ("pool_since", "exchange_since") for index in _reached(since)),
        # The outstanding caps sum a firm's applications of a product by state.
        Index("ix_applications_enterprise_status", "enterprise_id", "product", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(24), unique=True)
    # The one-time token of the page the draft was opened from: the same page sent twice
    # (a double click, or back and again) opens the same draft, not a second one.
    opened_with: Mapped[str | None] = mapped_column(String(32), unique=True)
    product: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    park_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    talent_tier: Mapped[str | None] = mapped_column(String(1))

    # What the founder asked for, and the amount that counts now as the product defines it
    # (a loan: disbursed, else recommended, else requested); kept by the engine.
    requested_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(Text, default="")
    # Further form fields (financial figures, plans) kept as submitted.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    # What the reviewer asked the founder to fix: {"fields": [...], "documents": [...]}.
    info_request: Mapped[dict | None] = mapped_column(JSON)
    # The form data as last submitted, so a resubmission can show what changed.
    submitted_snapshot: Mapped[dict | None] = mapped_column(JSON)

    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The company's name and credit code as the application was first submitted on them
    # (a later change of the company's identity, decided by its park, does not rewrite
    # what was decided): pages and exports show these.
    firm_name: Mapped[str | None] = mapped_column(String(120))
    firm_uscc: Mapped[str | None] = mapped_column(String(18))
    partner_routed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the file reached the pool and the exchange (copies of a product's own column,
    # ``Party.follows``, kept by talentfin.workflows.reach for the indexes above).
    pool_since: Mapped[datetime | None] = mapped_column(DateTime)
    exchange_since: Mapped[datetime | None] = mapped_column(DateTime)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The head of this application's own audit chain (talentfin.audit): its last log row's
    # seq and hash. The engine moves it in the version-checked UPDATE it makes anyway, so
    # linking a log row takes no row but the application's own.
    log_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    log_hash: Mapped[str] = mapped_column(String(64), default="0" * 64,
                                          server_default="0" * 64)

    enterprise: Mapped[Enterprise] = relationship()
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    park: Mapped[Organisation | None] = relationship(foreign_keys=[park_id])
    partner: Mapped[Organisation | None] = relationship(foreign_keys=[partner_org_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])

    __mapper_args__ = {"version_id_col": version, "polymorphic_on": product}

    def current_amount(self) -> int | None:
        """The amount that counts now; a product with later amounts overrides this."""
        return self.requested_amount_fen

    @property
    def company_name(self) -> str:
        """The company's name as the application was submitted on it (today's while it is
        a draft)."""
        return self.firm_name or self.enterprise.name

    @property
    def company_uscc(self) -> str:
        """The company's credit code as the application was submitted on it."""
        return self.firm_uscc or self.enterprise.uscc


class TransitionLog(db.Model):
    """One fired transition: who, when, from, to, comment and the form data."""

    __tablename__ = "transition_logs"
    __table_args__ = (UniqueConstraint("application_id", "seq",
                                       name="uq_transition_logs_application_seq"),)
    CHAIN = "transition_log"  # one hash chain per application (talentfin.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Tamper evidence (talentfin.audit): position in the application's chain, the linked
    # hashes, and the checkpoint that sealed the row's chain (None: not sealed yet).
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
    checkpoint_id: Mapped[int | None] = mapped_column(Integer, index=True)

    actor: Mapped[User | None] = relationship()

    def chain_payload(self) -> dict:
        """What the row's chain hash covers."""
        return {
            "application_id": self.application_id, "trigger": self.trigger,
            "from_state": self.from_state, "to_state": self.to_state,
            "actor_id": self.actor_id, "comment": self.comment, "payload": self.payload,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
        }
