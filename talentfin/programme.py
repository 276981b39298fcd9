"""The programme's products. Adding a product is its folders and one line in ``PRODUCTS``.

Each line is a product's registration (``talentfin.workflows.<key>``), its forms
(``talentfin.forms.<key>``), its pages (``talentfin.views.<key>``: a blueprint, and the
request step of the founder's form if founders apply) and its part of the partner API
(``talentfin.views.api.<key>``), if it has them; its templates are found under
``templates/<key>/``. Importing this module registers them all (the app factory, the
scheduler, Alembic through the factory), which also brings the products' models, and the
pool's, into the schema. No other module of the core imports a product.
"""

import importlib
from dataclasses import dataclass
from types import ModuleType

from talentfin.forms import board as board_forms
from talentfin.forms import bond as bond_forms
from talentfin.forms import equity as equity_forms
from talentfin.forms import insurance as insurance_forms
from talentfin.forms import loan as loan_forms
from talentfin.forms.decisions import register_forms
from talentfin.pool import models as pool_models  # noqa: F401 (the pool's tables)
from talentfin.workflows import registry
from talentfin.workflows.board import BOARD
from talentfin.workflows.bond import BOND
from talentfin.workflows.bond import BOND_ISSUE
from talentfin.workflows.equity import EQUITY
from talentfin.workflows.insurance import INSURANCE
from talentfin.workflows.loan import LOAN
from talentfin.workflows.spec import Product


@dataclass(frozen=True)
class Line:
    """A product of the programme and its modules beside the core.

    ``pages``: the name of its views module, with its blueprint ``bp`` (and, for a product
    founders apply for, its step of the founder's form in ``REQUEST_STEPS``). ``api``: the
    name of its module of the partner API, with its flask-smorest blueprint ``blp`` served
    under ``PATH``. They are named, not imported here: the app imports them once every
    product is registered (the API's document lists every product's decisions).
    """

    product: Product
    forms: dict
    pages: str | None = None
    api: str | None = None


PRODUCTS = (
    Line(LOAN, loan_forms.FORMS, "talentfin.views.loan", "talentfin.views.api.loan"),
    Line(INSURANCE, insurance_forms.FORMS, "talentfin.views.insurance"),
    Line(EQUITY, equity_forms.FORMS, "talentfin.views.equity"),
    # The bond first: its allocations name it. Its pages serve both.
    Line(BOND_ISSUE, bond_forms.FORMS),
    Line(BOND, {}, "talentfin.views.bond"),
    Line(BOARD, board_forms.FORMS, "talentfin.views.board"),
)


def register_products() -> None:
    """Register every product of the programme and its forms (idempotent)."""
    for line in PRODUCTS:
        registry.register(line.product)
        register_forms(line.forms)


def page_blueprints() -> tuple:
    """The products' own pages, one blueprint each (importing a views module registers
    its request step)."""
    return tuple(importlib.import_module(line.pages).bp for line in PRODUCTS if line.pages)


def api_modules() -> tuple[ModuleType, ...]:
    """The products' parts of the partner API."""
    return tuple(importlib.import_module(line.api) for line in PRODUCTS if line.api)


register_products()
