"""Money: yuan as typed by people <-> integer fen as stored. Never float.

Typed text is checked by its shape before ``Decimal`` sees it: ``Decimal('1e999997')`` is
cheap, but turning it into fen builds an integer of a million digits (a minute of CPU), and
``1e9999999`` overflows the decimal context. Only plain digits of bounded length get through,
so every later step is arithmetic on small numbers.
"""

import re
from decimal import Decimal

FEN_PER_YUAN = 100
# 10 trillion yuan: far above any figure of the programme, far below a 64-bit column.
MAX_FEN = 10**15
# Longest text worth parsing once thousands separators are gone: a sign, MAX_FEN's 14 digits
# of yuan, the point and two decimals, with room for leading zeros.
MAX_AMOUNT_CHARS = 24
# Digits (ASCII or full-width, as Chinese input methods type them), an optional point and at
# most two decimals; no exponent, no spaces inside, no 'Infinity' or 'NaN'.
AMOUNT_SHAPE = re.compile(r"[+-]?(?:\d+(?:\.\d{0,2})?|\.\d{1,2})")
EXPONENT = re.compile(r"\d[eE][+-]?\d|^[+-]?[eE]\d")
# Thousands separators only where they belong ("1,234,567.89"; ASCII or full-width
# commas): "1,00,0" is a slip of the finger, not 1,000.
GROUPED = re.compile(r"[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?")


class MoneyError(ValueError):
    """A text that is not an amount in yuan with at most two decimals."""


class AmountTooLarge(MoneyError):
    """An amount beyond MAX_FEN either way (it would not fit the database's columns)."""


class ExponentNotation(MoneyError):
    """An amount written with an exponent ('1e6'): refused before any arithmetic."""


def parse_yuan(text: str | Decimal | int) -> int:
    """Parse '1,234.56' yuan into 123456 fen; reject more than two decimals.

    Raises MoneyError (or its subclasses AmountTooLarge, ExponentNotation) and nothing else,
    whatever the text: the checks on length and shape come before any arithmetic.
    """
    if isinstance(text, Decimal):
        return _decimal_to_fen(text, str(text))
    typed = str(text).strip()
    raw = typed.replace(",", "").replace("，", "")
    if EXPONENT.search(raw[:MAX_AMOUNT_CHARS + 1]):
        raise ExponentNotation(raw[:MAX_AMOUNT_CHARS])
    if len(raw) > MAX_AMOUNT_CHARS:
        if raw.lstrip("+-").split(".")[0].isascii() and raw.lstrip("+-").split(".")[0].isdigit():
            raise AmountTooLarge(raw[:MAX_AMOUNT_CHARS])
        raise MoneyError(raw[:MAX_AMOUNT_CHARS])
    if not AMOUNT_SHAPE.fullmatch(raw) or (raw != typed and not GROUPED.fullmatch(typed)):
        raise MoneyError(raw)
    return _decimal_to_fen(Decimal(raw), raw)


def _decimal_to_fen(value: Decimal, raw: str) -> int:
    """Fen of a Decimal, checking its size by its exponent before multiplying."""
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise MoneyError(raw)
    # adjusted() is the power of ten of the leading digit: read from the tuple, no arithmetic.
    if value and value.adjusted() > len(str(MAX_FEN // FEN_PER_YUAN)):
        raise AmountTooLarge(raw)
    try:
        fen = int(value * FEN_PER_YUAN)
    except ArithmeticError as exc:  # decimal.Overflow and friends: never a 500
        raise AmountTooLarge(raw) from exc
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
