"""Start every existing record's history with its present state.

Without a first entry, the first edit after this release would have nothing to compare
with or revert to. Each existing row (and its many-to-many links) gets one "created" entry
with the reason "History started"; a database without records gets nothing.
"""

import uuid

from django.db import migrations
from django.utils import timezone

TRACKED = {
    "Region": (),
    "Country": (),
    "Organisation": (),
    "Office": ("countries_covered",),
    "Person": (),
    "Position": (),
    "Appointment": (),
    "Programme": (),
    "Participation": (),
    "Event": ("topics",),
    "Topic": (),
    "Source": (),
    "Visit": ("topics",),
    "VisitLeg": (),
    "Meeting": ("topics",),
    "Citation": (),
}
REASON = "History started"


def baseline(apps, schema_editor):
    now = timezone.now()
    batch = uuid.uuid4()
    for name, m2m_names in TRACKED.items():
        model = apps.get_model("registry", name)
        historical = apps.get_model("registry", f"Historical{name}")
        tracked = {f.attname for f in historical._meta.concrete_fields}
        links: dict[str, dict[int, list[int]]] = {}
        for m2m_name in m2m_names:
            m2m_field = model._meta.get_field(m2m_name)
            through = m2m_field.remote_field.through
            source = f"{model._meta.model_name}_id"
            target = f"{m2m_field.remote_field.model._meta.model_name}_id"
            by_record: dict[int, list[int]] = {}
            for row in through.objects.values(source, target):
                by_record.setdefault(row[source], []).append(row[target])
            links[m2m_name] = by_record
        rows = [
            historical(
                **{
                    f.attname: getattr(row, f.attname)
                    for f in model._meta.concrete_fields
                    if f.attname in tracked
                },
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
                history_batch=batch,
                history_m2m={
                    m2m_name: sorted(by_record.get(row.pk, []))
                    for m2m_name, by_record in links.items()
                },
            )
            for row in model.objects.all().iterator()
        ]
        historical.objects.bulk_create(rows, batch_size=500)


def no_op(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_editor_and_publisher_groups")]

    operations = [migrations.RunPython(baseline, no_op)]
