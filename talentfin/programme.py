"""The programme's products. Adding a product is its folders and one line in ``PRODUCTS``.

Each line is a product's registration (``talentfin.workflows.<key>``) and its forms
(``talentfin.forms.<key>``); its templates are found under ``templates/<key>/`` and its
pages, if it has any, are a blueprint in ``talentfin.views``. Importing this module
registers them all (the app factory, the scheduler, Alembic through the factory), which
also brings the products' models, and the pool's, into the schema.
"""

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

PRODUCTS = (
    (LOAN, loan_forms.FORMS),
    (INSURANCE, insurance_forms.FORMS),
    (EQUITY, equity_forms.FORMS),
    # The bond first: its allocations name it.
    (BOND_ISSUE, bond_forms.FORMS),
    (BOND, {}),
    (BOARD, board_forms.FORMS),
)


def register_products() -> None:
    """Register every product of the programme and its forms (idempotent)."""
    for product, forms in PRODUCTS:
        registry.register(product)
        register_forms(forms)


register_products()
