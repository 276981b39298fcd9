"""Money: yuan as typed by people <-> integer fen as stored. Never float."""

from decimal import Decimal
from decimal import InvalidOperation

FEN_PER_YUAN = 100
# 10 trillion yuan: far above any figure of the programme, far below a 64-bit column.
MAX_FEN = 10**15


class MoneyError(ValueError):
    """A text that is not an amount in yuan with at most two decimals."""


class AmountTooLarge(MoneyError):
    """An amount beyond MAX_FEN either way (it would not fit the database's columns)."""


def parse_yuan(text: str | Decimal | int) -> int:
    """Parse '1,234.56' yuan into 123456 fen; reject more than two decimals."""
    raw = str(text).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise MoneyError(raw) from exc
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise MoneyError(raw)
    fen = int(value * FEN_PER_YUAN)
    if abs(fen) > MAX_FEN:
        raise AmountTooLarge(raw)
    return fen


def fen_to_yuan(fen: int) -> Decimal:
    """Integer fen as a Decimal amount of yuan with two places."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_fen(fen: int | None) -> str:
    """'1,234,567.89' for display; an empty string for None."""
    if fen is None:
        return ""
    return f"{fen_to_yuan(fen):,.2f}"


def format_rate_bp(bp: int | None) -> str:
    """Basis points as a percentage with two decimals: 380 -> '3.80%'."""
    if bp is None:
        return ""
    return f"{Decimal(bp) / 100:.2f}%"
