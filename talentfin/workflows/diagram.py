"""A product's route as a picture, drawn by Graphviz from its definition: every state (named
in the reader's language; the queues' states with the role whose queue they are), every
transition with who takes it. An application's picture marks where it stands and the way
it came. The SVG carries no script; it is cached per definition, language and marking.
"""

from functools import lru_cache

import graphviz
from flask_babel import force_locale

from talentfin.institutions import role_label
from talentfin.workflows.labels import state_label
from talentfin.workflows.registry import generation
from talentfin.workflows.registry import product_for

FONT = "Noto Sans CJK SC"  # fonts-noto-cjk: the layout measures the Chinese it writes
HERE = "#0d6efd"  # Bootstrap's primary: where the file stands
TAKEN = "#198754"  # Bootstrap's success: the way it came
DIAGRAMS_CACHED = 256


def _edge_label(transition) -> str:
    roles = " / ".join(role_label(role) for role in transition.roles)
    return f"{transition.label}\n({roles})" if roles else str(transition.label)


def source(product: str, *, current: str | None = None,
           taken: tuple[tuple[str, ...], ...] = ()) -> str:
    """The DOT text of a product's route in the current language, ``current`` and the
    ``taken`` steps marked: each (from, to, trigger), the step's own edge marked (two steps
    may join the same states: a reward approved or declined both go back to "listed"), or
    (from, to), every edge between them marked."""
    workflow = product_for(product).workflow
    passed = {state for step in taken for state in step[:2]}
    edges = {(step[0], step[1], step[2] if len(step) > 2 else None) for step in taken}
    graph = graphviz.Digraph(product, graph_attr={
        "rankdir": "LR", "fontname": FONT, "bgcolor": "transparent", "nodesep": "0.35"},
        node_attr={"fontname": FONT, "fontsize": "11", "shape": "box", "style": "rounded"},
        edge_attr={"fontname": FONT, "fontsize": "9", "color": "#6c757d"})
    for state in workflow.states:
        label = str(state_label(product, state.name))
        if state.actor:
            label += f"\n[{role_label(state.actor)}]"
        attributes = {"id": f"state_{state.name}"}
        if state.terminal:
            attributes["peripheries"] = "2"
        if state.name == current:
            attributes.update(style="rounded,filled,bold", fillcolor=HERE, fontcolor="white",
                              color=HERE)
        elif state.name in passed or state.name == workflow.initial and taken:
            attributes.update(color=TAKEN, penwidth="2")
        graph.node(state.name, label, **attributes)
    drawn = set()
    for transition in workflow.transitions:
        for origin in transition.sources:
            key = (origin, transition.dest, transition.trigger)
            if key in drawn:
                continue
            drawn.add(key)
            attributes = {"id": f"edge_{transition.trigger}__{origin}"}
            if {(origin, transition.dest, transition.trigger),
                    (origin, transition.dest, None)} & edges:
                attributes.update(color=TAKEN, penwidth="2.5", fontcolor=TAKEN)
            graph.edge(origin, transition.dest, _edge_label(transition), **attributes)
    return graph.source


@lru_cache(maxsize=DIAGRAMS_CACHED)
def _svg(product: str, _generation: int, locale: str, current: str | None,
         taken: tuple[tuple[str, ...], ...]) -> bytes:
    with force_locale(locale):
        text = source(product, current=current, taken=taken)
    return graphviz.Source(text).pipe(format="svg")


def svg(product: str, locale: str, *, current: str | None = None,
        taken: tuple[tuple[str, ...], ...] = ()) -> bytes:
    """The route as an SVG document (cached per definition, language and marking)."""
    return _svg(product, generation(), locale, current, tuple(taken))
