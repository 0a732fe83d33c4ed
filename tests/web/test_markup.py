"""Every page is sound enough HTML for assistive technology: English (UK), a skip link to the
main content, one h1, unique ids, and labelled form fields. (Browser and axe checks come later.)"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.ids: Counter[str] = Counter()
        self.first_link: str | None = None
        self.html_lang: str | None = None
        self.labels: set[str] = set()
        self.fields: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self.tags[tag] += 1
        if "id" in attributes:
            self.ids[attributes["id"]] += 1
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "a" and self.first_link is None:
            self.first_link = attributes.get("href")
        if tag == "label":
            self.labels.add(attributes.get("for"))
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.fields.append(attributes.get("id"))


def outline(body: str) -> Outline:
    parsed = Outline()
    parsed.feed(body)
    return parsed


@pytest.fixture
def urls(personas, record):
    person = personas.young_person.pk
    return {
        None: ["/login/"],
        "adviser": ["/", f"/young-people/{person}/", f"/young-people/{person}/chronology/",
                    "/young-people/999999/"],
        "manager": ["/team/"],
        "virtual_school": [f"/young-people/{person}/"],
    }


def test_every_page_has_one_h1_a_skip_link_and_lang_en_gb(personas, pages, urls):
    for who, addresses in urls.items():
        client = pages.as_user(getattr(personas, who)) if who else Client()
        for url in addresses:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            page = outline(response.content.decode())
            assert page.html_lang == "en-GB", url
            assert page.first_link == "#main-content", url
            assert page.ids["main-content"] == 1 and page.tags["main"] == 1, url
            assert page.tags["h1"] == 1, url
            assert [i for i, n in page.ids.items() if n > 1] == [], url
            assert all(field in page.labels for field in page.fields), url


def test_the_error_page_shows_no_traceback_and_needs_no_context(db):
    from django.template import loader

    body = loader.get_template("500.html").render({})
    page = outline(body)
    assert page.html_lang == "en-GB" and page.first_link == "#main-content"
    assert page.tags["h1"] == 1
    assert "Sorry, there is a problem with the service" in body
