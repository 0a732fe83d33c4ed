"""No page prints a template comment as text. Django's `{# #}` comment is one line only: over two
lines it is not a comment and reaches the page ("{# GOV.UK pagination … #}" on the caseload).

Two checks: every template under web/templates, parsed as Django parses it, has no `{#` or `#}`
in the text it outputs (whatever the context); and every staff page in the browser tests' list,
fetched as its user, has neither in its HTML.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import Node, TextNode

from tests.browser.conftest import build_demo
from tests.browser.test_pages import PAGES

TEMPLATES = Path(settings.BASE_DIR) / "web" / "templates"
MARKERS = ("{#", "#}")


def _text_nodes(nodes) -> list[str]:
    """The literal text of every node, however deep in blocks, ifs and loops."""
    found = []
    for node in nodes:
        if isinstance(node, TextNode):
            found.append(node.s)
        for attribute in getattr(node, "child_nodelists", ()):
            found += _text_nodes(getattr(node, attribute, None) or [])
        if isinstance(node, Node) and hasattr(node, "conditions_nodelists"):  # {% if %}
            for _, nodelist in node.conditions_nodelists:
                found += _text_nodes(nodelist)
    return found


def _template_names() -> list[str]:
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


def test_the_templates_are_found():
    names = _template_names()
    assert "web/base.html" in names and "web/includes/pagination.html" in names


@pytest.mark.parametrize("name", _template_names())
def test_no_template_outputs_a_comment_as_text(name):
    template = engines["django"].get_template(name).template
    printed = [text for text in _text_nodes(template.nodelist)
               if any(marker in text for marker in MARKERS)]
    assert not printed, f"{name} prints a comment as text (use {{% comment %}}): {printed}"


def test_the_check_finds_a_two_line_comment():
    template = engines["django"].from_string(
        "{% if x %}<p>{# one\n two #}</p>{% endif %}{# fine #}").template
    assert [text for text in _text_nodes(template.nodelist) if "{#" in text]


@pytest.mark.django_db
def test_no_staff_page_prints_a_comment(pages):
    demo = build_demo()
    people = {user.username: user for user in (
        demo.personas.adviser, demo.personas.manager, demo.personas.admin,
        demo.personas.social_worker, demo.personas.iro, demo.personas.virtual_school)}
    fetched = 0
    for listed in PAGES:
        client = pages.as_user(people[listed.who] if listed.who else None)
        # A check-answers page with nothing to check sends the user back to its form.
        response = client.get(listed.path.format(**demo.urls()), follow=True)
        assert response.status_code == 200, (str(listed), response.status_code)
        body = response.content.decode()
        for marker in MARKERS:
            assert marker not in body, f"{listed} prints {marker!r}"
        fetched += 1
    assert fetched == len(PAGES)
