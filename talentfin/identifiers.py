"""Chinese identifiers: unified social credit code (GB 32100-2015) and resident ID number."""

from datetime import date

from talentfin.clock import business_today

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why a unified social credit code is invalid ('length', 'chars', 'check'), or None."""
    code = code.strip().upper()
    if len(code) != 18:
        return "length"
    if any(c not in USCC_ALPHABET for c in code):
        return "chars"
    if uscc_check_char(code[:17]) != code[17]:
        return "check"
    return None


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a resident ID number."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def resident_id_problem(number: str, today: date | None = None) -> str | None:
    """Why a resident ID number is invalid ('length', 'chars', 'birth', 'check'), or None."""
    number = number.strip().upper()
    if len(number) != 18:
        return "length"
    if not number.isascii() or not number[:17].isdigit() \
            or not (number[17].isdigit() or number[17] == "X"):
        return "chars"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth"
    if born > (today or business_today()) or born.year < 1900:
        return "birth"
    if resident_id_check_char(number[:17]) != number[17]:
        return "check"
    return None
