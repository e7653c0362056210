"""PostgreSQL only: a visit's legs lie within the visit's dates.

A leg is refused when it lies certainly outside the visit, by the rule `VisitLeg.clean()`
applies in Python: a leg date whose last possible day is before the visit's first possible
day, or whose first possible day is after the visit's last possible day. Triggers guard both
sides: inserting or moving a leg, and changing a visit's dates under its legs. SQLite keeps
model validation only, as its table rebuilds in later migrations would drop triggers.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION registry_latest(d date, p text) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p
    WHEN 'year' THEN (d + interval '1 year' - interval '1 day')::date
    WHEN 'month' THEN (d + interval '1 month' - interval '1 day')::date
    ELSE d END
$$;

CREATE OR REPLACE FUNCTION registry_leg_outside_visit(
  leg_start date, leg_start_p text, leg_end date, leg_end_p text,
  visit_start date, visit_end date, visit_end_p text
) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(
       registry_latest(leg_start, leg_start_p) < visit_start
    OR registry_latest(leg_end, leg_end_p) < visit_start
    OR leg_start > registry_latest(visit_end, visit_end_p)
    OR leg_end > registry_latest(visit_end, visit_end_p), false)
$$;

CREATE OR REPLACE FUNCTION registry_check_leg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM registry_visit v WHERE v.id = NEW.visit_id AND registry_leg_outside_visit(
      NEW.start_date, NEW.start_precision, NEW.end_date, NEW.end_precision,
      v.start_date, v.end_date, v.end_precision)
  ) THEN
    RAISE EXCEPTION 'A leg of visit % lies outside the visit''s dates.', NEW.visit_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'visitleg_within_visit';
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION registry_check_visit_legs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM registry_visitleg l WHERE l.visit_id = NEW.id AND registry_leg_outside_visit(
      l.start_date, l.start_precision, l.end_date, l.end_precision,
      NEW.start_date, NEW.end_date, NEW.end_precision)
  ) THEN
    RAISE EXCEPTION 'Visit % has legs outside its new dates.', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'visitleg_within_visit';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER visitleg_within_visit BEFORE INSERT OR UPDATE ON registry_visitleg
  FOR EACH ROW EXECUTE FUNCTION registry_check_leg();
CREATE TRIGGER visit_dates_cover_legs AFTER UPDATE OF start_date, end_date, end_precision
  ON registry_visit FOR EACH ROW EXECUTE FUNCTION registry_check_visit_legs();
"""

DROP = """
DROP TRIGGER IF EXISTS visitleg_within_visit ON registry_visitleg;
DROP TRIGGER IF EXISTS visit_dates_cover_legs ON registry_visit;
DROP FUNCTION IF EXISTS registry_check_leg();
DROP FUNCTION IF EXISTS registry_check_visit_legs();
DROP FUNCTION IF EXISTS registry_leg_outside_visit(date, text, date, text, date, date, text);
DROP FUNCTION IF EXISTS registry_latest(date, text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_seed_entry")]

    operations = [migrations.RunPython(create, drop)]
