"""The HTML forms of a page as a browser sees them: each form's action, method and fields
with the values the page gives them (hidden CSRF tokens, prefilled decisions, the option
selected), so the simulated users post what a browser would post."""

from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser


@dataclass
class Form:
    """One ``<form>``: where it posts, its fields' values and each select's options."""

    action: str
    method: str
    values: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    selected: set[str] = field(default_factory=set)  # selects with an option marked selected
    required: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or (tag in ("input", "select", "textarea") and "name" not in attrs):
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "select":
            self._select = attrs["name"]
            self._form.options.setdefault(self._select, [])
            self._mark_required(attrs)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._form.options[self._select].append(value)
            self._form.values.setdefault(self._select, value)  # a browser sends the first
            if "selected" in attrs:
                self._form.values[self._select] = value
                self._form.selected.add(self._select)
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form.values[self._textarea] = ""
            self._mark_required(attrs)

    def _input(self, attrs):
        name, kind = attrs["name"], attrs.get("type", "text").lower()
        self._mark_required(attrs)
        if kind == "file":
            self._form.files.add(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self._form.values[name] = attrs.get("value", "on")
        elif kind not in ("submit", "button", "image", "reset"):
            self._form.values[name] = attrs.get("value", "")

    def _mark_required(self, attrs):
        if "required" in attrs:
            self._form.required.add(attrs["name"])

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    """Every form of a page."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_posting_to(html: str, ending: str) -> Form | None:
    """The page's first POST form whose action ends with ``ending`` (``""``: the form that
    posts to the page itself), or None."""
    return next((f for f in forms_of(html) if f.method == "post" and (
        f.action.split("?")[0].endswith(ending) if ending else f.action == "")), None)
