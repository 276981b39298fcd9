"""Small server-side SVG charts: horizontal bars with threshold markers, grouped columns.

The pages' CSP forbids inline scripts and styles, so charts are standalone SVG documents
served by the app and shown with <img>: no script, no external fetch, presentation
attributes only. Values are integers (fen, hundredths of a basis point...); geometry is
integer arithmetic, so no money ever passes through a float.
"""

from collections.abc import Callable
from collections.abc import Sequence

from markupsafe import escape

WIDTH = 720
FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"
PALETTE = ("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545")
MARKER_COLOURS = ("#fd7e14", "#dc3545", "#6c757d")


def _svg(height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" font-size="12" role="img">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
        + "".join(body) + "</svg>"
    )


def _text(x: int, y: int, content: str, anchor: str = "start", fill: str = "#212529",
          size: int = 12) -> str:
    return (f'<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{fill}" '
            f'font-size="{size}">{escape(content)}</text>')


def horizontal_bars(title: str, rows: Sequence[tuple[str, int]],
                    value_label: Callable[[int], str],
                    markers: Sequence[tuple[int, str]] = (),
                    colours: Sequence[str] | None = None) -> str:
    """One bar per row (label, value), with vertical marker lines at (value, label)."""
    label_width, bar_left, bar_width, row_height, top = 170, 180, 400, 30, 34
    height = top + max(1, len(rows)) * row_height + (34 if markers else 14)
    scale = max([value for _, value in rows] + [value for value, _ in markers] + [1])
    body = [_text(10, 20, title, size=14)]
    if not rows:
        body.append(_text(WIDTH // 2, top + 20, "—", anchor="middle", fill="#6c757d"))
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        length = max(0, value) * bar_width // scale
        colour = colours[index] if colours else PALETTE[index % len(PALETTE)]
        body.append(_text(label_width, y + 19, _shorten(label, 14), anchor="end"))
        body.append(f'<rect x="{bar_left}" y="{y + 5}" width="{length}" height="20" '
                    f'fill="{colour}" rx="2"/>')
        body.append(_text(bar_left + length + 6, y + 19, value_label(value)))
    bottom = top + max(1, len(rows)) * row_height
    for index, (value, label) in enumerate(markers):
        x = bar_left + value * bar_width // scale
        colour = MARKER_COLOURS[index % len(MARKER_COLOURS)]
        body.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{colour}" '
                    f'stroke-width="2" stroke-dasharray="5,4"/>')
        body.append(_text(x, bottom + 16 + 14 * (index % 2), label, anchor="middle",
                          fill=colour, size=11))
    return _svg(height, title, body)


def grouped_columns(title: str, categories: Sequence[str],
                    series: Sequence[tuple[str, Sequence[int]]],
                    value_label: Callable[[int], str], empty: str = "—") -> str:
    """Columns per category, one per series (name, values), with a legend and a y axis;
    ``empty`` is said in the middle when there is no category."""
    height, left, right, top, bottom = 300, 90, 20, 46, 40
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    scale = nice_ceiling(max([value for _, values in series for value in values] + [1]))
    body = [_text(10, 20, title, size=14)]
    spacing = min(150, plot_width // max(1, len(series)))  # five products fit the width
    for index, (name, _values) in enumerate(series):
        x = left + index * spacing
        body.append(f'<rect x="{x}" y="28" width="12" height="12" '
                    f'fill="{PALETTE[index % len(PALETTE)]}"/>')
        body.append(_text(x + 18, 39, name))
    for step in range(5):
        y = top + plot_height - plot_height * step // 4
        body.append(f'<line x1="{left}" y1="{y}" x2="{WIDTH - right}" y2="{y}" '
                    f'stroke="#dee2e6" stroke-width="1"/>')
        body.append(_text(left - 6, y + 4, value_label(scale * step // 4), anchor="end",
                          fill="#6c757d", size=10))
    if not categories:
        body.append(_text(left + plot_width // 2, top + plot_height // 2, empty,
                          anchor="middle", fill="#6c757d"))
    group = plot_width // max(1, len(categories))
    column = max(2, (group - 8) // max(1, len(series)))
    for position, category in enumerate(categories):
        x0 = left + position * group + 4
        for index, (_name, values) in enumerate(series):
            value = max(0, values[position])
            bar = value * plot_height // scale
            body.append(f'<rect x="{x0 + index * column}" y="{top + plot_height - bar}" '
                        f'width="{max(1, column - 2)}" height="{bar}" '
                        f'fill="{PALETTE[index % len(PALETTE)]}"/>')
        body.append(_text(x0 + group // 2 - 4, height - bottom + 16, category,
                          anchor="middle", fill="#495057", size=10))
    return _svg(height, title, body)


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def nice_ceiling(value: int) -> int:
    """The smallest 4 x (1, 2 or 5 x a power of ten) >= value: four round gridlines."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if value <= 4 * step * magnitude:
                return 4 * step * magnitude
        magnitude *= 10
