"""A form as a browser submits it: the fields a page's HTML holds, read with the standard
library only (bench/load.py runs without Django).

`submission(html, field, text, button, values)` finds the POST form that has `field`, takes
every value the browser would send (hidden inputs such as the CSRF token and the version
stamp, text, checked boxes, selected options, textareas), puts `text` in `field` (or, given
`values`, the one after the value the form holds), adds the pressed button, and returns
(action, urlencoded body).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

NOT_SENT = {"submit", "image", "button", "reset", "file"}


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def names(self) -> set[str]:
        return {name for name, _ in self.fields}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: dict | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(), action=a.get("action") or "")
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "option" and self._select is not None:
            self._close_option()  # </option> may be left out
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}
        if not name or "disabled" in a:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "submit":
                self._form.buttons.append((name, a.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value") or "on"))
            elif kind not in NOT_SENT:
                self._form.fields.append((name, a.get("value") or ""))
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit":
            self._form.buttons.append((name, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option["text"].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts)
            # HTML drops one newline right after <textarea>; Django's widget writes one.
            text = text[1:] if text.startswith("\n") else text
            assert self._form is not None  # a textarea is read only inside a form
            self._form.fields.append((name, text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            options = self._select["options"]
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not self._select["multiple"]:
                chosen = [options[0][0]]  # a single select sends its first option
            assert self._form is not None  # a select is read only inside a form
            self._form.fields.extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._form = None

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option["value"]
        if value is None:
            value = "".join(self._option["text"]).strip()
        self._select["options"].append((value, self._option["selected"]))
        self._option = None


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def following(values: Sequence[str], current: str) -> str:
    """The value after `current` in `values`, round again after the last (the first when
    `current` is none of them): what a field taking `values` in turn holds next."""
    if current not in values:
        return values[0]
    return values[(list(values).index(current) + 1) % len(values)]


def submission(
    html: str,
    *,
    field: str,
    text: str,
    button: tuple[str, str] | None,
    values: Sequence[str] = (),
) -> tuple[str, bytes]:
    """(action, body) of the page's POST form that has `field`, with `text` in it; given
    `values`, with the one that follows the value the form holds instead (`following`), so
    that every save changes the field however many saves came before, from any process."""
    form = next((f for f in forms(html) if f.method == "post" and field in f.names()), None)
    if form is None:
        raise LookupError(f"no POST form with a field {field!r}")
    if button is not None and button not in form.buttons:
        raise LookupError(f"the form has no button {button!r}")
    if values:
        text = following(values, next(value for name, value in form.fields if name == field))
    sent = [(name, text if name == field else value) for name, value in form.fields]
    if button is not None:
        sent.append(button)
    return form.action, urlencode(sent).encode()
