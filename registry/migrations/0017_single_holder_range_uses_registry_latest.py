"""PostgreSQL only: the single-holder exclusion constraint (migration 0002) computes the
last day of a partial date with `registry_latest` (migration 0004) instead of its own copy
of the rule, so that the SQL side states it once, as `partial_dates.LAST_DAY_SQL` does."""

from importlib import import_module

from django.db import migrations

CERTAIN_SPAN = """
CASE
  WHEN start_date IS NULL OR (end_date IS NULL AND NOT ongoing) THEN 'empty'::daterange
  ELSE daterange(
    registry_latest(start_date, start_precision),
    CASE WHEN end_date IS NULL THEN NULL
      ELSE GREATEST(end_date, registry_latest(start_date, start_precision)) END,
    '[)')
END
"""

# Undoing this migration puts back migration 0002's own copy of the rule.
OLD_SPAN = import_module("registry.migrations.0002_appointment_exclusion").CERTAIN_SPAN


def _replace(span: str) -> str:
    return f"""
ALTER TABLE registry_appointment DROP CONSTRAINT IF EXISTS appointment_single_holder_no_overlap;
ALTER TABLE registry_appointment ADD CONSTRAINT appointment_single_holder_no_overlap
  EXCLUDE USING gist (position_id WITH =, ({span}) WITH &&) WHERE (single_holder);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_replace(CERTAIN_SPAN))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_replace(OLD_SPAN))


class Migration(migrations.Migration):
    dependencies = [("registry", "0016_visit_stop_order_known")]

    operations = [migrations.RunPython(forwards, backwards)]
