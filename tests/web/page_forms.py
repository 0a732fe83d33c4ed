"""Read a form off a page as a browser would send it: its inputs (checked radios only) and its
textareas (less the one line break a browser drops after <textarea>), so a test posts back
exactly what the page holds, with no JavaScript."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attributes:
                return
            self.fields[attributes["name"]] = attributes.get("value") or ""
        elif tag == "textarea":
            self.textarea, self.text = attributes["name"], []

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            text = "".join(self.text)
            self.fields[self.textarea] = text[1:] if text.startswith("\n") else text
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str = "main-form") -> dict[str, str]:
    parser = _Form(form_id)
    parser.feed(html)
    assert parser.fields, f"no form #{form_id} on the page"
    return parser.fields
