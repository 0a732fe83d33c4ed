"""GOV.UK Frontend is built from npm at `make install`, served by WhiteNoise from this site (no
CDN), and goes through the production storage (hashed, compressed) without error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

STATIC = Path(settings.BASE_DIR) / "web" / "static"
BUILT = ["govuk/govuk-frontend.min.css", "govuk/govuk-frontend.min.js"]


def test_the_build_copied_gov_uk_frontend_without_the_crown_or_the_font():
    missing = [name for name in BUILT if not (STATIC / name).is_file()]
    assert not missing, f"{missing} missing: run `make install` (npm ci and the copy)"
    copied = {p.name for p in (STATIC / "govuk").rglob("*") if p.is_file()}
    assert not {name for name in copied if name.startswith(("favicon", "govuk-icon",
                                                              "govuk-opengraph"))}
    assert not list((STATIC / "govuk").rglob("*.woff*"))
    # Nor any rule that would ask for one (a 404 on every page drawn before waymark.css loads).
    assert "/assets/fonts/" not in (STATIC / "govuk/govuk-frontend.min.css").read_text()
    version = re.search(r'"govuk-frontend": "([^"]+)"',
                        (Path(settings.BASE_DIR) / "package.json").read_text()).group(1)
    assert re.fullmatch(r"5\.\d+\.\d+", version)  # an exact 5.x version
    assert f'const version="{version}"' in (STATIC / "govuk/govuk-frontend.min.js").read_text()


def test_arial_replaces_the_gov_uk_font():
    css = (STATIC / "web" / "waymark.css").read_text()
    assert "font-family: arial, sans-serif !important" in css
    # GOV.UK's font is named only to point it at the local Arial, so it is never fetched.
    faces = re.findall(r"@font-face\s*\{([^}]*)\}", css)
    assert faces and all("url(" not in face and "local(" in face for face in faces)
    assert "GDS Transport" not in re.sub(r"@font-face\s*\{[^}]*\}", "", css)


def test_whitenoise_serves_the_assets(db):
    for name in [*BUILT, "web/waymark.css", "web/init.js"]:
        response = Client().get(f"/static/{name}")
        assert response.status_code == 200, name


@pytest.mark.parametrize("who", [None, "adviser", "manager"])
def test_pages_load_css_and_js_from_this_site_only(personas, pages, who):
    client = pages.as_user(getattr(personas, who)) if who else Client()
    urls = ["/login/"] if who is None else [
        "/", f"/young-people/{personas.young_person.pk}/"] + (["/team/"] if who == "manager"
                                                               else [])
    for url in urls:
        body = client.get(url).content.decode()
        sources = re.findall(r'<(?:link|script)\b[^>]*(?:href|src)="([^"]+)"', body)
        assert sources, url
        assert all(src.startswith("/static/") for src in sources), (url, sources)
        assert "//" not in "".join(sources)


def test_collectstatic_with_the_production_storage(tmp_path):
    storages = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert re.search(r"govuk/govuk-frontend\.min\.[0-9a-f]{12}\.css", manifest)
    assert re.search(r"web/waymark\.[0-9a-f]{12}\.css", manifest)
    assert list(tmp_path.glob("govuk/govuk-frontend.min.*.css.gz"))
