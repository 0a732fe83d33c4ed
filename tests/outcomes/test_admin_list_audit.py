"""Issue 15: the admin's list and search pages over a child's records leave a trace for each
young person they show, as its record pages already did."""

from __future__ import annotations

from django.test import Client

from outcomes.models import AccessEvent, Channel


def admin_client(personas) -> Client:
    client = Client()
    client.force_login(personas.admin)
    return client


def test_the_young_people_list_records_each_young_person_shown(personas):
    response = admin_client(personas).get("/admin/outcomes/youngperson/")
    assert response.status_code == 200
    events = AccessEvent.objects.filter(what="young_person.admin.list", channel=Channel.ADMIN)
    assert {e.young_person_id for e in events} == {personas.young_person.pk,
                                                   personas.other_young_person.pk}
    assert {e.actor_id for e in events} == {personas.admin.pk}


def test_a_search_records_only_who_it_found(personas):
    response = admin_client(personas).get("/admin/outcomes/youngperson/",
                                          {"q": personas.young_person.child_id})
    assert response.status_code == 200
    events = AccessEvent.objects.filter(what="young_person.admin.search")
    assert [e.young_person_id for e in events] == [personas.young_person.pk]
    assert not AccessEvent.objects.filter(what="young_person.admin.list").exists()


def test_a_list_of_records_about_children_records_whose_they_are(personas):
    response = admin_client(personas).get("/admin/outcomes/allocation/")
    assert response.status_code == 200
    shown = set(AccessEvent.objects.filter(what="allocation.admin.list")
                .values_list("young_person_id", flat=True))
    assert personas.young_person.pk in shown


def test_a_list_of_staff_accounts_records_only_young_peoples_accounts(personas):
    admin_client(personas).get("/admin/outcomes/user/")
    shown = set(AccessEvent.objects.filter(what="user.admin.list")
                .values_list("young_person_id", flat=True))
    assert shown == {personas.young_person.pk}  # the one young person with an account


def test_an_empty_search_records_nothing(personas):
    admin_client(personas).get("/admin/outcomes/youngperson/", {"q": "no-such-child"})
    assert not AccessEvent.objects.exists()
