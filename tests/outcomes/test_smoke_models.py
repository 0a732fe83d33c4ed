from outcomes import models as m


def test_personas_build_on_postgres(personas):
    assert m.Allocation.objects.current().filter(worker=personas.adviser).count() == 1
    assert personas.young_person_user.young_person == personas.young_person
