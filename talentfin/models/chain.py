"""The heads of the tamper-evident chains (the transition log, the pool's ledger)."""

from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from talentfin.extensions import db


class ChainHead(db.Model):
    """The last hash of a tamper-evident chain; updating it serialises appends."""

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
