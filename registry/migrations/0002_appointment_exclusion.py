"""PostgreSQL only: a single-holder post cannot have two appointments that surely overlap.

The range is the days a holder certainly held the post, as `Appointment.certain_span()`
computes in Python: from the last day of the start's period to the first day of the end's
period (half open, so one holder may hand over to the next on the same day), open-ended
while the holder is still in post, and empty when no day is certain. SQLite has no
exclusion constraints; there model validation is the guard.
"""

from django.db import migrations

CERTAIN_SPAN = """
CASE
  WHEN start_date IS NULL OR (end_date IS NULL AND NOT ongoing) THEN 'empty'::daterange
  ELSE daterange(
    (CASE start_precision
       WHEN 'year' THEN (start_date + interval '1 year' - interval '1 day')::date
       WHEN 'month' THEN (start_date + interval '1 month' - interval '1 day')::date
       ELSE start_date END),
    CASE WHEN end_date IS NULL THEN NULL ELSE GREATEST(end_date,
      (CASE start_precision
         WHEN 'year' THEN (start_date + interval '1 year' - interval '1 day')::date
         WHEN 'month' THEN (start_date + interval '1 month' - interval '1 day')::date
         ELSE start_date END)) END,
    '[)')
END
"""

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE registry_appointment ADD CONSTRAINT appointment_single_holder_no_overlap
  EXCLUDE USING gist (position_id WITH =, ({CERTAIN_SPAN}) WITH &&) WHERE (single_holder);
"""

DROP = "ALTER TABLE registry_appointment DROP CONSTRAINT IF EXISTS appointment_single_holder_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
