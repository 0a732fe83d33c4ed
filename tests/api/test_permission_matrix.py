"""The permission matrix: every endpoint under /api/v1/, found by walking the URL configuration,
called as every persona on three young people's records, checked against the policy.

The policy is written out below by hand (EXPECTATIONS, SEES, NEVER_SHOWN, who may write), from
the issue, and deliberately not computed from `outcomes.access`: that module is what is under
test. An endpoint the table does not know fails, so a new endpoint cannot ship unexamined.

The three young people (tests/api/world.py), each with one record of every kind:
- "own": personas.young_person, in the team; allocated to adviser, social worker and IRO.
- "other": personas.other_young_person, in the other team; allocated to other_adviser.
- "left_care": in the team; allocations ended last month; no longer looked after.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db.models import Model, QuerySet
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.base import ScopedViewSet
from api.urls import not_found
from outcomes import models as m
from outcomes.access import Area
from tests import factories as f
from tests.api.world import (
    ADVISER_ONLY_TEXT,
    CONTACT_EMAIL,
    CONTACT_PHONE,
    PERSONA_NAMES,
    MatrixWorld,
)

RECORDS = ("own", "other", "left_care")
ALL = frozenset(Area)
NONE: frozenset[Area] = frozenset()

# --- The policy, by hand ------------------------------------------------------------------------

# Which parts of whose record each persona sees. A young person: their own record only, not the
# care history behind it nor the trail of who looked; the personal adviser, social worker and IRO:
# their current caseload (allocations that ended do not count; the IRO also chaired the review);
# the virtual school: profile and education of children looked after now, whoever they are; a
# team manager: their team, allocated or not; the administrator: everything; anonymous: nothing.
YOUNG_PERSONS_OWN = ALL - {Area.CARE_HISTORY, Area.AUDIT}
VIRTUAL_SCHOOL = frozenset({Area.PROFILE, Area.EDUCATION})
SEES: dict[str, dict[str, frozenset[Area]]] = {
    "young_person":   {"own": YOUNG_PERSONS_OWN, "other": NONE, "left_care": NONE},
    "adviser":        {"own": ALL, "other": NONE, "left_care": NONE},
    "other_adviser":  {"own": NONE, "other": ALL, "left_care": NONE},
    "social_worker":  {"own": ALL, "other": NONE, "left_care": NONE},
    "iro":            {"own": ALL, "other": NONE, "left_care": NONE},
    "virtual_school": {"own": VIRTUAL_SCHOOL, "other": VIRTUAL_SCHOOL, "left_care": NONE},
    "manager":        {"own": ALL, "other": NONE, "left_care": ALL},
    "other_manager":  {"own": NONE, "other": ALL, "left_care": NONE},
    "admin":          {"own": ALL, "other": ALL, "left_care": ALL},
    "anonymous":      {"own": NONE, "other": NONE, "left_care": NONE},
}

# Fields a persona is never shown, by endpoint: a young person never sees case notes, the
# workers' analysis or who made the decisions about their placement; the virtual school never
# sees how to reach a child (nor their immigration status). Everyone else sees every field.
NEVER_SHOWN: dict[str, dict[str, frozenset[str]]] = {
    "young_person": {
        "young-person": frozenset({"contact_notes"}),
        "social-worker-visit": frozenset({"note", "seen_alone"}),
        "pa-contact": frozenset({"note"}),
        "pathway-plan-review": frozenset({"outcome"}),
        "pep-review": frozenset({"summary"}),
        "needs-assessment": frozenset({"summary"}),
        "connected-person-approval": frozenset({
            "panel_view", "nominated_officer", "nominated_officer_name",
            "extension_approved_by", "extension_approved_by_name"}),
    },
    "virtual_school": {
        "young-person": frozenset({"phone", "email", "preferred_contact", "contact_notes",
                                   "uasc", "care_leaver_category"}),
    },
}

# Filters a persona may not use, by endpoint: each reads something the persona is not shown, so
# an answer would be a side channel (issue 15: `?uasc=true` told the virtual school who is an
# unaccompanied asylum-seeking child). Refused with a 400 naming the filter. Every other filter
# of every list is allowed (200) for every persona who may see the list.
REFUSED_FILTERS: dict[str, dict[str, frozenset[str]]] = {
    "virtual_school": {
        "young-person": frozenset({"uasc", "adviser", "care_leaver_category", "overdue"}),
    },
    "young_person": {
        "young-person": frozenset({"overdue"}),
    },
}

# Who may make a change, within what they see (outside it: 404; seen but not theirs to change:
# 403). Plans are started, changed and agreed, and goals set, by the workers; a young person
# records progress on their goals and adds their views, as do their workers. Each statutory
# record is kept by the role that does the work, and by team managers (covering) and the
# administrator (corrections): a visit by the social worker, a contact by the personal adviser,
# a looked-after child review by the IRO (not a team manager: the IRO is independent of them).
PLAN_WORKERS = frozenset({"adviser", "other_adviser", "social_worker", "manager",
                          "other_manager", "admin"})
PLAN_PARTICIPANTS = PLAN_WORKERS | {"young_person"}
COVER = frozenset({"manager", "other_manager", "admin"})
VISIT_RECORDERS = COVER | {"social_worker"}
CONTACT_RECORDERS = COVER | {"adviser", "other_adviser"}
CLA_REVIEW_RECORDERS = frozenset({"iro", "admin"})
# Pathway plan reviews and needs assessments: the social worker while looked after, the adviser
# after; health assessments: the social worker; the PEP: the social worker or the virtual school
# (who finds the child through education: the PEP is an education record).
PATHWAY_RECORDERS = COVER | {"adviser", "other_adviser", "social_worker"}
HEALTH_RECORDERS = COVER | {"social_worker"}
PEP_RECORDERS = COVER | {"social_worker", "virtual_school"}
# A young person's Telegram is linked (a one-time code handed over in person) by the workers who
# may change their profile: not the IRO nor the virtual school, and never the young person.
TELEGRAM_LINKERS = frozenset({"adviser", "other_adviser", "social_worker", "manager",
                              "other_manager", "admin"})


def _today() -> dt.date:
    return timezone.localdate()


def _yesterday() -> str:
    return (_today() - dt.timedelta(days=1)).isoformat()


def _current_plan(world: MatrixWorld, who: str) -> m.PathwayPlan:
    return m.PathwayPlan.objects.get(young_person=world.young_people[who],
                                     status=m.PlanStatus.AGREED)


def _draft_plan(world: MatrixWorld, who: str) -> m.PathwayPlan:
    """Made in the test (rolled back with it): a draft to agree."""
    return f.PathwayPlanFactory(young_person=world.young_people[who], number=2,
                                status=m.PlanStatus.DRAFT, agreed_on=None,
                                created_by=world.workers[who]["adviser"])


def _section(world: MatrixWorld, who: str) -> m.PlanSection:
    return _current_plan(world, who).sections.first()


def _goal(world: MatrixWorld, who: str) -> m.Goal:
    return m.Goal.objects.filter(section__plan=_current_plan(world, who)).first()


@dataclass(frozen=True)
class Write:
    may: frozenset[str]                                  # personas whose role may do it
    body: Callable[[MatrixWorld, str], dict]
    target: Callable[[MatrixWorld, str], Model] | None = None  # the record a detail URL names
    if_match: bool = False                               # send the target's ETag
    area: Area | None = None  # where the young person is looked for, if not the row's area


@dataclass(frozen=True)
class Row:
    area: Area
    writes: Mapping[str, Write] = field(default_factory=dict)  # action -> Write


def _young_person_body(**fields) -> Callable[[MatrixWorld, str], dict]:
    """A body naming the young person; a callable value is called when the body is made."""
    return lambda world, who: {"young_person": world.young_people[who].pk,
                               **{k: v() if callable(v) else v for k, v in fields.items()}}


EXPECTATIONS: dict[str, Row] = {
    "young-person": Row(Area.PROFILE, {
        "telegram_link": Write(TELEGRAM_LINKERS, lambda world, who: {})}),
    "allocation": Row(Area.ALLOCATIONS),
    "period-of-care": Row(Area.CARE_HISTORY),
    "episode": Row(Area.CARE_HISTORY),
    "connected-person-approval": Row(Area.CARE_HISTORY),
    "cla-review": Row(Area.REVIEWS, {"create": Write(
        CLA_REVIEW_RECORDERS, _young_person_body(held_on=_yesterday, participation="PN1"))}),
    "pathway-plan-review": Row(Area.REVIEWS, {"create": Write(
        PATHWAY_RECORDERS, _young_person_body(held_on=_yesterday, outcome="Still fits."))}),
    "pep-review": Row(Area.REVIEWS, {"create": Write(
        PEP_RECORDERS, _young_person_body(held_on=_yesterday, targets="Read daily."),
        area=Area.EDUCATION)}),
    "needs-assessment": Row(Area.REVIEWS, {"create": Write(
        PATHWAY_RECORDERS, _young_person_body(completed_on=_yesterday, summary="Needs."))}),
    "health-assessment": Row(Area.REVIEWS, {"create": Write(
        HEALTH_RECORDERS, _young_person_body(kind="review", held_on=_yesterday))}),
    "social-worker-visit": Row(Area.REVIEWS, {"create": Write(
        VISIT_RECORDERS, _young_person_body(visited_on=_yesterday))}),
    "pa-contact": Row(Area.REVIEWS, {"create": Write(
        CONTACT_RECORDERS, _young_person_body(contact_on=_yesterday, method="phone"))}),
    "school-enrolment": Row(Area.EDUCATION),
    "ks2-result": Row(Area.EDUCATION),
    "ks4-result": Row(Area.EDUCATION),
    "attendance": Row(Area.EDUCATION),
    "care-leaver-record": Row(Area.CARE_LEAVER),
    "chronology": Row(Area.CHRONOLOGY),
    "schedule": Row(Area.SCHEDULE),
    "access-event": Row(Area.AUDIT),
    "pathway-plan": Row(Area.PLANS, {
        "create": Write(PLAN_WORKERS, _young_person_body()),
        "partial_update": Write(
            PLAN_WORKERS, lambda world, who: {"sections": [
                {"heading": m.PlanHeading.EDUCATION_TRAINING, "assessment": "Changed."}]},
            target=_current_plan, if_match=True),
        "agree": Write(PLAN_WORKERS, lambda world, who: {"agreed_on": _today().isoformat()},
                       target=_draft_plan, if_match=True),
    }),
    "goal": Row(Area.PLANS, {
        "create": Write(PLAN_WORKERS, lambda world, who: {
            "section": _section(world, who).pk, "description": "Open a bank account",
            "owner": world.workers[who]["manager"].pk}),  # sees the plan, allocated or not
        "partial_update": Write(PLAN_WORKERS, lambda world, who: {"description": "Changed."},
                                target=_goal, if_match=True),
        "progress": Write(PLAN_PARTICIPANTS, lambda world, who: {
            "status": m.GoalStatus.STARTED, "version": _goal(world, who).version},
            target=_goal),
    }),
    "plan-section": Row(Area.PLANS, {
        "views": Write(PLAN_PARTICIPANTS, lambda world, who: {
            "text": "I want to stay near my college.", "expressed_on": _yesterday()},
            target=_section),
    }),
}

STAFF = tuple(p for p in PERSONA_NAMES if p not in ("young_person", "anonymous"))
ANONYMOUS = frozenset({401, 403})


@dataclass(frozen=True)
class Unscoped:
    """An endpoint that is not about a young person: the status each persona gets."""

    status: Mapping[str, frozenset[int]]
    body: dict | None = None
    kwargs: Mapping[str, int] = field(default_factory=dict)
    by_method: Mapping[str, Mapping[str, frozenset[int]]] = field(default_factory=dict)


STAFF_ONLY = {**{p: frozenset({200}) for p in STAFF}, "young_person": frozenset({403}),
              "anonymous": ANONYMOUS}
UNSCOPED: dict[str, Unscoped] = {
    # Anyone may try to sign in; wrong credentials are a 400 whoever sends them.
    "token": Unscoped({p: frozenset({400}) for p in PERSONA_NAMES},
                      body={"username": "nobody", "password": "wrong-password"},
                      # Signing out revokes the token in use; these sign in without one.
                      by_method={"delete": {**{p: frozenset({400}) for p in PERSONA_NAMES},
                                            "anonymous": ANONYMOUS}}),
    # Your own tokens: anyone signed in sees their own list (here, empty) ...
    "tokens": Unscoped({**{p: frozenset({200}) for p in PERSONA_NAMES}, "anonymous": ANONYMOUS}),
    # ... and revokes only their own: any other id is not found.
    "token-detail": Unscoped({**{p: frozenset({404}) for p in PERSONA_NAMES},
                              "anonymous": ANONYMOUS}, kwargs={"pk": 2_147_480_000}),
    "schema": Unscoped(STAFF_ONLY),
    "docs": Unscoped(STAFF_ONLY),
}

# --- The endpoints, from the URL configuration ---------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str                    # the URL name in the api namespace
    path: str                    # the pattern, for messages
    view: type
    methods: Mapping[str, str]   # HTTP method -> action
    kwargs: tuple[str, ...]      # the path's arguments
    basename: str | None         # the router's basename; None for a plain view

    @property
    def key(self) -> str:
        return self.basename or self.name


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def api_routes() -> list[Route]:
    """Every URL pattern under /api/v1/ (the router's and the others), without the format-suffix
    copies the router adds."""
    routes: dict[str, Route] = {}
    for path, pattern in _walk(get_resolver().url_patterns):
        if not path.startswith("api/v1/") or "format" in pattern.pattern.regex.groupindex:
            continue
        callback = pattern.callback
        if callback is not_found:  # the catch-all: a JSON 404 for any other address
            continue
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        actions = getattr(callback, "actions", None)
        if actions:
            methods = {method: action for method, action in actions.items()
                       if method not in ("head", "options")}
            basename = callback.initkwargs.get("basename")
        else:
            methods = {method: method for method in view.http_method_names
                       if method not in ("head", "options") and hasattr(view, method)}
            basename = None
        name = pattern.name or path
        assert name not in routes or routes[name].methods == methods, f"{name} twice"
        routes[name] = Route(name, path, view, methods,
                             tuple(pattern.pattern.regex.groupindex), basename)
    return sorted(routes.values(), key=lambda r: r.name)


ROUTES = api_routes()


def _cases(scoped: bool) -> list:
    cases = []
    for route in ROUTES:
        for method, action in route.methods.items():
            if (route.basename is not None) != scoped:
                continue
            for persona in PERSONA_NAMES:
                for who in RECORDS if scoped else ("-",):
                    cases.append(pytest.param(
                        route, method, action, persona, who,
                        id=f"{method.upper()} {route.name} as {persona} on {who}"))
    return cases


READ_CASES = [c for c in _cases(scoped=True) if c.values[1] == "get"]
WRITE_CASES = [c for c in _cases(scoped=True) if c.values[1] != "get"]
UNSCOPED_CASES = _cases(scoped=False)


def row_for(route: Route) -> Row:
    row = EXPECTATIONS.get(route.key)
    if row is None:
        pytest.fail(
            f"The endpoint {route.path} (basename {route.key!r}, view {route.view.__name__}) has "
            f"no row in EXPECTATIONS in {__name__}. Add one: the Area of the record it shows and, "
            f"for each write action, who may do it - from the policy, not from outcomes.access.")
    return row


def write_for(route: Route, action: str) -> Write:
    write = row_for(route).writes.get(action)
    if write is None:
        pytest.fail(
            f"{route.path} has a write action {action!r} that EXPECTATIONS[{route.key!r}] does "
            f"not list. Add a Write: who may do it, and a valid body.")
    return write


# --- Asking the API -------------------------------------------------------------------------------


def client_for(world: MatrixWorld, persona: str) -> APIClient:
    client = APIClient()
    user = world.user(persona)
    if user is not None:
        client.force_authenticate(user)
    return client


def records_of(route: Route, world: MatrixWorld, who: str) -> QuerySet:
    """The records this endpoint shows of a young person, found through the view's own model and
    path to the young person (not through the access policy)."""
    if not issubclass(route.view, ScopedViewSet):
        pytest.fail(f"{route.path}: {route.view.__name__} is not a ScopedViewSet, so the matrix "
                    f"cannot tell whose records it shows. Make it one, or teach the matrix.")
    model = route.view.queryset.model
    path = route.view.young_person_path or "pk"
    records = model._default_manager.filter(**{path: world.young_people[who].pk}).order_by("pk")
    if not records.exists():
        pytest.fail(f"tests/api/world.py makes no {model.__name__} for the {who!r} young person: "
                    f"add one, so that {route.path} is checked.")
    return records


MISSING_ID = 2_147_480_000  # an id no record has


def url_for(route: Route, world: MatrixWorld, who: str, *, target: Model | None = None,
            missing: bool = False) -> str:
    kwargs = {}
    for name in route.kwargs:
        if name == "pk":
            record = target or records_of(route, world, who).first()
            kwargs[name] = MISSING_ID if missing else record.pk
        elif name == "young_person_pk":
            kwargs[name] = MISSING_ID if missing else world.young_people[who].pk
        else:
            pytest.fail(f"{route.path}: the matrix does not know the path argument {name!r}.")
    return reverse(f"api:{route.name}", kwargs=kwargs)


@functools.cache
def _serializer_fields(view_class: type, action: str) -> frozenset[str]:
    view = view_class(action=action, format_kwarg=None, kwargs={}, request=None)
    return frozenset(view.get_serializer_class()().fields)


def serializer_fields(route: Route, action: str) -> frozenset[str]:
    """Every field the endpoint's serializer has, before any is left out for a persona."""
    return _serializer_fields(route.view, action)


def describe(response) -> str:
    text = response.content.decode(errors="replace")
    return f"{response.status_code} {text[:600]}"


def check_body_discloses_nothing(response, *, persona: str, route: Route, area: Area,
                                 world: MatrixWorld) -> None:
    """Whatever the status: no adviser-only text to a young person, no contact details to the
    virtual school, no child_id of a young person whose `area` the persona does not see."""
    body = response.content.decode(errors="replace")
    if persona == "young_person":
        assert ADVISER_ONLY_TEXT not in body, f"adviser-only text reached the young person: {body}"
    if persona == "virtual_school":
        assert CONTACT_PHONE not in body and CONTACT_EMAIL not in body, (
            f"contact details reached the virtual school: {body}")
    for who, young_person in world.young_people.items():
        if area not in SEES[persona][who]:
            assert young_person.child_id not in body, (
                f"{persona} was shown the {who!r} young person ({route.name}): {body}")


def check_row(row: dict, *, persona: str, route: Route, action: str, area: Area,
              world: MatrixWorld) -> None:
    """Exactly the fields this persona may see; and a record only of a young person whose `area`
    they see."""
    hidden = NEVER_SHOWN.get(persona, {}).get(route.key, frozenset())
    expected = serializer_fields(route, action) - hidden
    shown = set(row)
    assert not shown & hidden, f"{persona} was shown {sorted(shown & hidden)} by {route.name}"
    assert shown == expected, (
        f"{route.name} as {persona}: unexpected fields {sorted(shown - expected)}, missing "
        f"{sorted(expected - shown)}")
    owner = row.get("young_person") if route.key != "young-person" else row.get("id")
    for who, young_person in world.young_people.items():
        if owner == young_person.pk:
            assert area in SEES[persona][who], (
                f"{route.name} showed {persona} a record of the {who!r} young person: {row}")


NOT_FOUND = {"detail": "Not found.", "errors": {}}


# --- The tests ------------------------------------------------------------------------------------


def test_every_endpoint_has_a_row_in_the_table():
    scoped = {r.key for r in ROUTES if r.basename is not None}
    unscoped = {r.key for r in ROUTES if r.basename is None}
    missing = sorted(scoped - set(EXPECTATIONS)) + sorted(unscoped - set(UNSCOPED))
    assert not missing, (
        f"Endpoints under /api/v1/ with no row in the permission matrix: {missing}. Add each to "
        f"EXPECTATIONS (records of a young person) or UNSCOPED in {__name__}.")
    stale = sorted(set(EXPECTATIONS) - scoped) + sorted(set(UNSCOPED) - unscoped)
    assert not stale, f"Rows for endpoints that no longer exist: {stale}"
    assert len(scoped) >= 20, "the URL configuration was not walked"


@pytest.mark.parametrize(("route", "method", "action", "persona", "who"), READ_CASES)
def test_read(matrix_savepoint, route, method, action, persona, who):
    world = matrix_savepoint
    area = row_for(route).area
    url = url_for(route, world, who)
    response = client_for(world, persona).get(url)
    check_body_discloses_nothing(response, persona=persona, route=route, area=area, world=world)
    sees = area in SEES[persona][who]
    listing = "pk" not in route.kwargs
    if persona == "anonymous":
        assert response.status_code in ANONYMOUS, f"GET {url}: {describe(response)}"
        assert set(response.json()) == {"detail", "errors"}
        return
    if listing and "young_person_pk" not in route.kwargs:
        # A list of everyone's records: always there, showing only what is in scope.
        assert response.status_code == 200, f"GET {url}: {describe(response)}"
    elif not sees:
        assert response.status_code == 404, f"GET {url} as {persona}: {describe(response)}"
        assert response.json() == NOT_FOUND
        missing = client_for(world, persona).get(url_for(route, world, who, missing=True))
        assert (missing.status_code, missing.json()) == (404, NOT_FOUND), (
            "out of scope must look exactly like not there")
        return
    else:
        assert response.status_code == 200, f"GET {url} as {persona}: {describe(response)}"
    body = response.json()
    rows = body["results"] if listing else [body]
    for row in rows:
        check_row(row, persona=persona, route=route, action=action, area=area, world=world)
    if route.key == "chronology" and persona == "young_person":
        assert not [row for row in rows if row["adviser_only"]], rows
    if listing and "id" in serializer_fields(route, action):
        shown = {row["id"] for row in rows}
        theirs = set(records_of(route, world, who).values_list("pk", flat=True))
        if sees:
            assert theirs <= shown, (
                f"GET {url} as {persona} left out the {who!r} young person's records "
                f"{sorted(theirs - shown)}")
        else:
            assert not theirs & shown, (
                f"GET {url} as {persona} showed the {who!r} young person's records "
                f"{sorted(theirs & shown)}")


@pytest.mark.parametrize(("route", "method", "action", "persona", "who"), WRITE_CASES)
def test_write(matrix_savepoint, route, method, action, persona, who):
    world = matrix_savepoint
    row = row_for(route)
    write = write_for(route, action)
    target = write.target(world, who) if write.target else None
    url = url_for(route, world, who, target=target)
    headers = {}
    if write.if_match:
        version = (target or records_of(route, world, who).first()).version
        headers["HTTP_IF_MATCH"] = f'"{version}"'
    body = write.body(world, who)
    response = getattr(client_for(world, persona), method)(url, json.dumps(body),
                                                           content_type="application/json",
                                                           **headers)
    check_body_discloses_nothing(response, persona=persona, route=route, area=row.area,
                                 world=world)
    said = f"{method.upper()} {url} {body} as {persona} on {who}: {describe(response)}"
    if persona == "anonymous":
        assert response.status_code in ANONYMOUS, said
    elif (write.area or row.area) not in SEES[persona][who]:
        assert response.status_code == 404, f"expected 404 (out of scope): {said}"
        assert response.json() == NOT_FOUND, said
    elif persona in write.may:
        assert response.status_code in (200, 201), f"expected success: {said}"
        hidden = NEVER_SHOWN.get(persona, {}).get(route.key, frozenset())
        assert not hidden & set(response.json()), said
    else:
        assert response.status_code == 403, f"expected 403 (may see, may not do): {said}"
        assert set(response.json()) == {"detail", "errors"}, said


@pytest.mark.parametrize(("route", "method", "action", "persona", "who"), UNSCOPED_CASES)
def test_the_endpoints_about_no_young_person(matrix_savepoint, route, method, action, persona,
                                              who):
    expected = UNSCOPED.get(route.key)
    if expected is None:
        pytest.fail(f"{route.path} ({route.view.__name__}) has no row in UNSCOPED in {__name__}: "
                    f"add the status each persona gets.")
    cache.clear()  # the sign-in throttle counts every attempt from this address
    client = client_for(matrix_savepoint, persona)
    url = reverse(f"api:{route.name}", kwargs=dict(expected.kwargs))
    response = (client.get(url) if method == "get"
                else getattr(client, method)(url, expected.body, format="json"))
    statuses = expected.by_method.get(method, expected.status)
    assert response.status_code in statuses[persona], (
        f"{method.upper()} {url} as {persona}: {describe(response)}")


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/goals/-2.5e-208/",
                                  "/api/v1/young-people/1.5/chronology/"])
def test_any_other_api_address_is_a_json_404(api, path):
    response = api.as_user(None).get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


# --- Filters ------------------------------------------------------------------------------------


def _filter_value(world: MatrixWorld, flt) -> str:
    """A valid value for a filter, whatever its type."""
    import django_filters

    choices = getattr(flt, "extra", {}).get("choices")
    if callable(choices):
        choices = choices()
    if isinstance(flt, django_filters.ModelChoiceFilter):
        return str(world.personas.team.pk)
    if choices:
        return str(next(iter(choices))[0])
    if isinstance(flt, django_filters.BooleanFilter):
        return "true"
    if isinstance(flt, django_filters.CharFilter):
        return "a"
    return "1"


def _filter_cases() -> list:
    cases = []
    for route in ROUTES:
        filterset = getattr(route.view, "filterset_class", None)
        if route.basename is None or filterset is None or "pk" in route.kwargs:
            continue
        for name in filterset.base_filters:
            for persona in PERSONA_NAMES:
                if persona != "anonymous":
                    cases.append(pytest.param(route, name, persona,
                                              id=f"{route.name}?{name} as {persona}"))
    return cases


FILTER_CASES = _filter_cases()


def test_the_filters_of_every_list_are_checked():
    names = {(c.values[0].key, c.values[1]) for c in FILTER_CASES}
    assert ("young-person", "uasc") in names and ("young-person", "adviser") in names
    assert len(names) >= 30, names


@pytest.mark.parametrize(("route", "name", "persona"), FILTER_CASES)
def test_filter(matrix_savepoint, route, name, persona):
    """Each filter of each list, as each persona: refused when it reads what they may not see,
    otherwise answered (and the answer still only what they may see)."""
    world = matrix_savepoint
    flt = route.view.filterset_class.base_filters[name]
    value = _filter_value(world, flt)
    url = url_for(route, world, "own")
    response = client_for(world, persona).get(url, {name: value})
    area = row_for(route).area
    check_body_discloses_nothing(response, persona=persona, route=route, area=area, world=world)
    if "young_person_pk" in route.kwargs and area not in SEES[persona]["own"]:
        assert response.status_code == 404, f"?{name}={value} as {persona}: {describe(response)}"
    elif name in REFUSED_FILTERS.get(persona, {}).get(route.key, frozenset()):
        assert response.status_code == 400, f"?{name}={value} as {persona}: {describe(response)}"
        assert response.json()["errors"] == {
            name: ["You cannot filter by this: your role does not see it."]}
    else:
        assert response.status_code == 200, f"?{name}={value} as {persona}: {describe(response)}"


@pytest.mark.parametrize("value", ["true", "false", "True", "1", "0"])
def test_the_virtual_school_learns_nothing_from_uasc_whatever_the_value(matrix_savepoint, value):
    response = client_for(matrix_savepoint, "virtual_school").get(
        reverse("api:young-person-list"), {"uasc": value})
    assert response.status_code == 400
    assert "uasc" in response.json()["errors"]
