"""PostgreSQL only: French search documents (registry/search.py, "In French").

Beside `search_document` (English, migration 0011), each searchable table gets a
`search_document_fr` column, with its GIN index and triggers built the same way (0011's
`create_sql`). It holds each translated field's French and its English (so that a record
not yet translated is still found from a French page), weighted as the English document,
under the text search configuration `registry_french`: PostgreSQL's French stemmer after
`unaccent`, so that "Georgie" finds "Géorgie" and "securite" finds "sécurité". The query is
parsed with the same configuration.

The documents' fields are written out here, not derived, so that this migration stays as it
was when applied.
"""

from importlib import import_module

from django.db import migrations

CONFIG = "registry_french"
COLUMN = "search_document_fr"

DOCUMENTS = {
    "region": {"A": ("name_fr", "name"), "B": ("summary_fr", "summary")},
    "country": {"A": ("name_fr", "name"), "B": ("profile_fr", "profile")},
    "programme": {
        "A": ("name_fr", "name", "short_name"),
        "B": ("description_fr", "description"),
        "C": ("launch_note",),
    },
    "participation": {
        "A": (
            "country__name_fr",
            "country__name",
            "programme__name_fr",
            "programme__name",
            "programme__short_name",
        ),
        "B": ("summary_fr", "summary"),
    },
    "office": {
        "A": ("name_fr", "name"),
        "B": ("city", "description_fr", "description"),
        "C": ("address", "closure_note_fr", "closure_note"),
    },
    "position": {
        "A": ("title_fr", "title"),
        "B": ("duties_fr", "duties"),
        "C": ("notes_fr", "notes"),
    },
    "person": {"A": ("name",), "B": ("summary_fr", "summary")},
    "appointment": {
        "A": ("person__name", "position__title_fr", "position__title"),
        "C": ("notes_fr", "notes"),
    },
    "organisation": {
        "A": ("name_fr", "name", "short_name"),
        "B": ("description_fr", "description"),
    },
    "event": {
        "A": ("name_fr", "name"),
        "B": ("city", "summary_fr", "summary"),
        "C": ("decisions_fr", "decisions"),
    },
    "visit": {"A": ("title_fr", "title"), "B": ("purpose_fr", "purpose", "summary_fr", "summary")},
    "topic": {"A": ("name_fr", "name"), "B": ("description_fr", "description")},
    "source": {
        "A": ("title",),
        "C": ("publisher", "author", "editorial_note"),
        "D": ("full_text",),
    },
}

SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, french_stem",
]


def documents_migration():
    return import_module("registry.migrations.0011_search_documents")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statements = SETUP + documents_migration().create_sql(
        apps, schema_editor.quote_name, DOCUMENTS, COLUMN, CONFIG
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in documents_migration().drop_sql(
        apps, schema_editor.quote_name, DOCUMENTS, COLUMN
    ):
        schema_editor.execute(statement, params=None)
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}", params=None)


class Migration(migrations.Migration):
    dependencies = [("registry", "0027_french_texts")]

    operations = [migrations.RunPython(create, drop)]
