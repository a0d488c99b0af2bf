"""Reading an admin page's form back as a browser would send it.

``form_data(html)`` returns what submitting the page's main form unchanged posts:
every named input, checked box, selected option and text area (the hidden
``__prefix__`` rows of inline templates and file inputs left out), so a test can
change one field and post the rest as they were shown.
"""

from html.parser import HTMLParser

SKIPPED_TYPES = {"submit", "button", "file", "reset", "image"}


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""
        self.options: list[tuple[str, bool]] = []
        self.option_value: str | None = None
        self.option_selected = False
        self.option_text = ""
        self.multiple = False

    def _put(self, name: str, value: str) -> None:
        if "__prefix__" in name:
            return
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._put(a["name"], a.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select" and a.get("name"):
            self.select, self.options, self.multiple = a["name"], [], "multiple" in a
        elif tag == "option" and self.select is not None:
            self.option_value = a.get("value")
            self.option_selected = "selected" in a
            self.option_text = ""
        elif tag == "textarea" and a.get("name"):
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data
        if self.option_value is None and self.select is not None:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "option" and self.select is not None:
            value = self.option_value if self.option_value is not None else self.option_text
            self.options.append((value, self.option_selected))
            self.option_value = None
        elif tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.options if selected]
            if not chosen and not self.multiple and self.options:
                chosen = [self.options[0][0]]  # a browser sends the first option
            for value in chosen:
                self._put(self.select, value)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self._put(self.textarea, self.text.removeprefix("\n"))
            self.textarea = None


def form_data(html: str) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(html)
    return reader.data


def options_of(html: str, name: str) -> list[str]:
    """The values a ``<select name=...>`` of the page's form offers."""
    reader = _FormReader()
    seen: list[str] = []
    original = reader.handle_endtag

    def endtag(tag):
        if tag == "select" and reader.select == name:
            seen.extend(v for v, _selected in reader.options)
        original(tag)

    reader.handle_endtag = endtag
    reader.feed(html)
    return seen
