"""Guards the database keeps on PostgreSQL, beyond what Django's constraints can say portably.

- Episodes of one child never overlap (an exclusion constraint over date ranges). On SQLite the
  same rule is enforced by Episode.clean(), which every service calls.
- Access events are append-only: UPDATE and DELETE are refused by a trigger.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE outcomes_episode ADD CONSTRAINT episode_no_overlap
    EXCLUDE USING gist (
        young_person_id WITH =,
        daterange(started_on, ended_on, '[)') WITH &&
    )
    """,
    """
    CREATE FUNCTION outcomes_access_event_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'access events are append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER access_event_append_only
    BEFORE UPDATE OR DELETE ON outcomes_accessevent
    FOR EACH ROW EXECUTE FUNCTION outcomes_access_event_append_only()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS access_event_append_only ON outcomes_accessevent",
    "DROP FUNCTION IF EXISTS outcomes_access_event_append_only()",
    "ALTER TABLE outcomes_episode DROP CONSTRAINT IF EXISTS episode_no_overlap",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER IF NOT EXISTS access_event_no_update BEFORE UPDATE ON outcomes_accessevent
    BEGIN SELECT RAISE(ABORT, 'access events are append-only'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS access_event_no_delete BEFORE DELETE ON outcomes_accessevent
    BEGIN SELECT RAISE(ABORT, 'access events are append-only'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS access_event_no_update",
    "DROP TRIGGER IF EXISTS access_event_no_delete",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
