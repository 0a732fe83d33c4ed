"""National benchmarks from REFERENCE.md §5, with their sources. Editable in admin afterwards."""

from decimal import Decimal

from django.db import migrations

OUTCOMES_2019 = ("https://explore-education-statistics.service.gov.uk/find-statistics/"
                 "outcomes-of-children-in-need-including-looked-after-children")
KS4_2023 = ("https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/"
            "ac91a882-bbf2-46c6-ac18-3eddea08d733")
KS2_2024 = ("https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/"
            "6f343b08-119e-4d9d-9177-097711cc3b5f")
CYP_GAP = "https://www.cypnow.co.uk/content/news/attainment-gap-widens-for-children-in-care"
STABILITY = ("https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/"
             "2ad311d1-cedf-4f31-9e0d-cc071b0cb1c2")
CL_TOUCH = "https://www.cypnow.co.uk/content/features/leaving-care-special-report"
CL_ACCOM = ("https://explore-education-statistics.service.gov.uk/data-tables/fast-track/"
            "1da0616c-365c-4fea-9b91-f97ab87eee6a")

# (academic year, measure, cohort, value, source, note)
BENCHMARKS = [
    (2024, "ks2_rwm_expected", "all_pupils", "61", KS2_2024, "401,410 of 661,500 pupils"),
    (2019, "ks2_rwm_expected", "all_pupils", "65", OUTCOMES_2019, ""),
    (2019, "ks2_rwm_expected", "cla_12_months", "37", OUTCOMES_2019, ""),
    (2023, "ks4_attainment8", "all_pupils", "46.3", KS4_2023, ""),
    (2023, "ks4_em_grade5", "all_pupils", "45.3", KS4_2023, ""),
    (2023, "ks4_em_grade4", "all_pupils", "65.1", KS4_2023, ""),
    (2019, "ks4_attainment8", "all_pupils", "46.7", OUTCOMES_2019, ""),
    (2019, "ks4_attainment8", "cla_12_months", "19.1", OUTCOMES_2019, ""),
    (2019, "ks4_em_grade5", "all_pupils", "43.2", OUTCOMES_2019, ""),
    (2019, "ks4_em_grade5", "cla_12_months", "7.2", OUTCOMES_2019, ""),
    (2017, "ks4_attainment8", "cla_12_months", "19.3", CYP_GAP, ""),
    (2018, "ks4_attainment8", "cla_12_months", "18.8", CYP_GAP, ""),
    (2017, "ks4_attainment8", "non_cla", "44.5", CYP_GAP, "CLA 19.3 plus the reported gap of 25.2"),
    (2018, "ks4_attainment8", "non_cla", "44.4", CYP_GAP, "CLA 18.8 plus the reported gap of 25.6"),
    (2017, "ks4_em_grade4", "cla_12_months", "17.4", CYP_GAP, ""),
    (2018, "ks4_em_grade4", "cla_12_months", "17.5", CYP_GAP, ""),
    (2025, "long_term_stability", "cla_31_march", "69", STABILITY, "19,680 of 28,710"),
    (2024, "long_term_stability", "cla_31_march", "68", STABILITY, ""),
    (2025, "three_plus_two_years", "cla_31_march", "23", STABILITY, "13,410 of 59,430"),
    (2021, "cl_in_touch_19_21", "care_leavers", "91", CL_TOUCH, ""),
    (2019, "cl_suitable_19_21", "care_leavers", "85", CL_ACCOM, ""),
]


def load(apps, schema_editor):
    NationalBenchmark = apps.get_model("outcomes", "NationalBenchmark")
    for year, measure, cohort, value, source, note in BENCHMARKS:
        NationalBenchmark.objects.update_or_create(
            academic_year=year, measure=measure, cohort=cohort,
            defaults={"value": Decimal(value), "source": source, "note": note},
        )


def unload(apps, schema_editor):
    NationalBenchmark = apps.get_model("outcomes", "NationalBenchmark")
    for year, measure, cohort, *_ in BENCHMARKS:
        NationalBenchmark.objects.filter(academic_year=year, measure=measure, cohort=cohort).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_database_guards")]

    operations = [migrations.RunPython(load, unload)]
