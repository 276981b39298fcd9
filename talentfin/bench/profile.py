"""The products the benchmark seeds, and the one whose figures it measures.

A product takes part when it has a benchmark profile (``Product.bench``, the module
``talentfin.workflows.<key>.bench``); that profile is all the benchmark knows of it:

- ``STATE_WEIGHTS``: state -> its share of a live book (1 for a state not named);
- ``request(tier, rng)``: what a founder of that tier asks for in a new draft (the
  envelope's amount and details, the product's own columns);
- ``snapshot(row)``: the product's fields in the submission snapshot;
- ``INFO_REQUEST``: the ``fields``, ``documents`` and ``note`` of a reviewer's request;
- ``EFFECTS``: the product's own effect functions -> their replay on a plain row,
  ``(row, at, actor_id, company, rng) -> the log row's payload``;
- ``PARTNER_STAFF``: role -> accounts seeded at every partner organisation (of the
  product's ``partner_kind``); ``QUEUE_ROLE``: the role whose review queue is measured;
- ``ENGINE``: the transition the engine benchmark fires (``source``, ``trigger``,
  ``dest``, the ``role`` firing it, its ``comment``, a ``noun`` for the report) and
  ``writes(actor_id)``, the product's columns its effect sets (for the raw baseline);
  optionally ``BARE``, a transition with no guard, effect or dossier, described the same
  way (and ``at="pool"`` when the pool's staff fire it), for the engine's own cost;
- ``DOSSIER``: the dossier the probe renders (``stage``, ``review`` paragraphs of the
  comment, ``summary(comment)``, the built-in page's ``title`` and ``facts``, and the
  Latin ``letter`` it is compared with).

The measured product is the first registered product with a profile.
"""

from sqlalchemy import Table

from talentfin.models import Application
from talentfin.workflows.registry import products
from talentfin.workflows.spec import Product


def benched() -> tuple[Product, ...]:
    """The registered products with a benchmark profile, in registration order."""
    found = tuple(product for product in products() if product.bench is not None)
    if not found:
        raise RuntimeError("no registered product has a benchmark profile (Product.bench)")
    return found


def measured() -> Product:
    """The product whose queue, engine and dossier figures are measured."""
    return benched()[0]


def partner_kinds() -> tuple[str, ...]:
    """The kinds of partner organisation the seeded products apply to, each once."""
    return tuple(dict.fromkeys(product.partner_kind for product in benched()))


def partner_staff(kind: str) -> dict[str, int]:
    """Accounts per role at each partner organisation of a kind (every product's staff)."""
    staff: dict[str, int] = {}
    for product in benched():
        if product.partner_kind == kind:
            staff.update(product.bench.PARTNER_STAFF)
    return staff


def own_table(product: Product) -> Table | None:
    """The product's own table (joined to ``applications`` by id), or None."""
    table = product.model.__table__
    return None if table is Application.__table__ else table


def product_tables() -> tuple[Table, ...]:
    """The seeded products' own tables, each once."""
    tables = (own_table(product) for product in benched())
    return tuple(dict.fromkeys(table for table in tables if table is not None))


def checked_engine(product: Product, spec=None, *, bare: bool = False):
    """The product's measured transition (``ENGINE``, or the ``spec`` given), once checked
    against its workflow; a ``bare`` one must have no guard, effect, lock or dossier (else
    its figure would not be the engine's own cost)."""
    spec = spec or product.bench.ENGINE
    transition = product.workflow.transition(spec.trigger)
    if (transition is None or spec.source not in transition.sources
            or transition.dest != spec.dest or spec.role not in transition.roles):
        raise RuntimeError(f"the bench profile of {product.key!r} names no transition "
                           f"{spec.trigger!r} from {spec.source!r} to {spec.dest!r} "
                           f"fired by {spec.role!r}")
    if bare and (transition.guards or transition.effects or transition.locks
                 or transition.dossier):
        raise RuntimeError(f"the bench profile of {product.key!r} names {spec.trigger!r} as "
                           "a bare move, but it has guards, effects, locks or a dossier")
    return spec
