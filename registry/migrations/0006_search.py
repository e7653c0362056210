"""PostgreSQL only: GIN indexes for the site search (registry/search.py).

Each index is on exactly the weighted `SearchVector` expression that `registry.search`
matches for that kind of record, so PostgreSQL can answer `document @@ query` from the index
(tests/test_search.py checks with EXPLAIN that every one is used). The expressions are
written out here, not imported, so that this migration stays as it was when applied; a
change to a kind's fields in registry/search.py needs a new migration with a new index.

The indexes live only in the database, like the triggers of 0004: no model declares them, so
the migration state and `makemigrations` are unaffected, and SQLite, which searches without
them, gets nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"

# model name → weight → fields, as in registry.search.KINDS.
INDEXED = {
    "region": {"A": ("name",), "B": ("summary",)},
    "country": {"A": ("name",), "B": ("profile",)},
    "programme": {"A": ("name", "short_name"), "B": ("description",), "C": ("launch_note",)},
    "office": {"A": ("name",), "B": ("city", "description"), "C": ("address", "closure_note")},
    "position": {"A": ("title",), "B": ("duties",), "C": ("notes",)},
    "person": {"A": ("name",), "B": ("summary",)},
    "organisation": {"A": ("name", "short_name"), "B": ("description",)},
    "event": {"A": ("name",), "B": ("city", "summary"), "C": ("decisions",)},
    "visit": {"A": ("title",), "B": ("purpose", "summary")},
    "topic": {"A": ("name",), "B": ("description",)},
    "source": {
        "A": ("title",),
        "C": ("publisher", "author", "editorial_note"),
        "D": ("full_text",),
    },
}


def index_for(model_name: str) -> GinIndex:
    vector = None
    for weight in "ABCD":
        names = INDEXED[model_name].get(weight)
        if names:
            part = SearchVector(*names, config=CONFIG, weight=weight)
            vector = part if vector is None else vector + part
    return GinIndex(vector, name=f"registry_{model_name}_search")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in INDEXED:
        schema_editor.add_index(apps.get_model("registry", model_name), index_for(model_name))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in INDEXED:
        schema_editor.execute(
            f"DROP INDEX IF EXISTS {schema_editor.quote_name(f'registry_{model_name}_search')}"
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_iso_code_regex_end_anchor")]

    operations = [migrations.RunPython(create, drop)]
