"""PostgreSQL only: a stored search document per searchable record (registry/search.py).

Each searchable table gets a `search_document tsvector` column with a GIN index. Triggers
keep it current, so every way of writing a row (the admin, imports, the seed loader,
`QuerySet.update()`, `bulk_create`, a history revert, plain SQL) leaves it right:

- BEFORE INSERT OR UPDATE on the record itself recomputes the document when one of the
  columns it is made of changed, or when it is NULL (which is how the backfill below and
  `manage.py rebuild_search_documents` ask for it);
- a participation's document holds the names of its country and programme, an
  appointment's those of its person and post: AFTER UPDATE of such a name, one UPDATE sets
  the documents of the rows that link to it to NULL, and their own trigger rebuilds them.

The document is the weighted vector the search used to build at query time, with the same
fields and weights; the expression indexes of 0006 are dropped. The column is not a model
field: it is derived data, so it stays out of the models, their history tables, forms,
CSV exports and the API, and out of every query that does not search. SQLite gets nothing
and searches the records' fields themselves.

The documents' fields are written out here, not imported, so that this migration stays as
it was when applied (tests/test_search.py checks they are what registry.search searches);
a change to them needs a new migration that replaces the trigger functions and rebuilds.
"""

from importlib import import_module

from django.db import migrations

CONFIG = "english"
COLUMN = "search_document"

# model name → weight → fields, as in registry.search.KINDS; "a__b" is field b of the
# record that relation a points to.
DOCUMENTS = {
    "region": {"A": ("name",), "B": ("summary",)},
    "country": {"A": ("name",), "B": ("profile",)},
    "programme": {"A": ("name", "short_name"), "B": ("description",), "C": ("launch_note",)},
    "participation": {
        "A": ("country__name", "programme__name", "programme__short_name"),
        "B": ("summary",),
    },
    "office": {"A": ("name",), "B": ("city", "description"), "C": ("address", "closure_note")},
    "position": {"A": ("title",), "B": ("duties",), "C": ("notes",)},
    "person": {"A": ("name",), "B": ("summary",)},
    "appointment": {"A": ("person__name", "position__title"), "C": ("notes",)},
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


def index_name(model_name: str, column: str = COLUMN) -> str:
    return f"registry_{model_name}_{column}"


def _value(model, path: str, qn) -> tuple[str, set[str]]:
    """The SQL text of one field of a NEW row, and the NEW columns it depends on."""
    if "__" not in path:
        column = model._meta.get_field(path).column
        return f"NEW.{qn(column)}::text", {column}
    relation, name = path.split("__")
    link = model._meta.get_field(relation)
    related = link.related_model._meta
    sql = (
        f"(SELECT r.{qn(related.get_field(name).column)}::text FROM {qn(related.db_table)} r "
        f"WHERE r.{qn(related.pk.column)} = NEW.{qn(link.column)})"
    )
    return sql, {link.column}


def document_sql(model, weights: dict, qn, config: str = CONFIG) -> tuple[str, list[str]]:
    """The document of a NEW row, as `registry.search` used to compute it (Django's
    SearchVector: fields joined by spaces, each NULL as ''), and the columns it reads."""
    parts, columns = [], set()
    for weight in "ABCD":
        values = []
        for path in weights.get(weight, ()):
            sql, used = _value(model, path, qn)
            values.append(f"COALESCE({sql}, '')")
            columns |= used
        if values:
            text = " || ' ' || ".join(values)
            parts.append(f"setweight(to_tsvector('{config}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts), sorted(columns)


def create_sql(
    apps, qn, documents: dict = DOCUMENTS, column: str = COLUMN, config: str = CONFIG
) -> list[str]:
    """The statements that add `column`, its triggers and index (also used by 0028 for the
    French documents, with their own column and configuration)."""
    statements = []
    # Rows that link to another record, by the record's table and the linked names.
    dependants: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for model_name, weights in documents.items():
        model = apps.get_model("registry", model_name)
        table = model._meta.db_table
        document, columns = document_sql(model, weights, qn, config)
        changed = " OR ".join(f"NEW.{qn(c)} IS DISTINCT FROM OLD.{qn(c)}" for c in columns)
        function = qn(f"{table}_{column}")
        statements += [
            f"ALTER TABLE {qn(table)} ADD COLUMN {qn(column)} tsvector",
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.{qn(column)} IS NULL OR {changed} THEN
    NEW.{qn(column)} := {document};
  END IF;
  RETURN NEW;
END $$""",
            f"CREATE TRIGGER {qn(f'{table}_{column}')} BEFORE INSERT OR UPDATE "
            f"ON {qn(table)} FOR EACH ROW EXECUTE FUNCTION {function}()",
            # Fills the column: the trigger above computes every NULL document.
            f"UPDATE {qn(table)} SET {qn(column)} = NULL",
            f"CREATE INDEX {qn(index_name(model_name, column))} ON {qn(table)} "
            f"USING gin ({qn(column)})",
        ]
        for path in (p for paths in weights.values() for p in paths if "__" in p):
            relation, name = path.split("__")
            link = model._meta.get_field(relation)
            related = link.related_model._meta
            key = (related.db_table, related.pk.column)
            entry = (table, link.column)
            names = dependants.setdefault(key, [])
            names.append((related.get_field(name).column, *entry))
    for (related_table, pk), links in dependants.items():
        by_table: dict[tuple[str, str], list[str]] = {}
        for name, table, fk in links:
            by_table.setdefault((table, fk), []).append(name)
        columns = sorted({name for name, _, _ in links})
        updates = "\n".join(
            f"  IF {' OR '.join(f'NEW.{qn(c)} IS DISTINCT FROM OLD.{qn(c)}' for c in used)} THEN\n"
            f"    UPDATE {qn(table)} SET {qn(column)} = NULL WHERE {qn(fk)} = NEW.{qn(pk)};\n"
            f"  END IF;"
            for (table, fk), used in sorted(by_table.items())
        )
        dependants_name = f"{related_table}_{column.replace('document', 'dependants')}"
        function = qn(dependants_name)
        statements += [
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{updates}
  RETURN NULL;
END $$""",
            f"CREATE TRIGGER {qn(dependants_name)} AFTER UPDATE OF "
            f"{', '.join(qn(c) for c in columns)} ON {qn(related_table)} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    return statements


def drop_sql(apps, qn, documents: dict = DOCUMENTS, column: str = COLUMN) -> list[str]:
    statements = []
    dependants = column.replace("document", "dependants")
    for model_name in documents:
        table = apps.get_model("registry", model_name)._meta.db_table
        statements += [
            f"DROP TRIGGER IF EXISTS {qn(f'{table}_{column}')} ON {qn(table)}",
            f"DROP TRIGGER IF EXISTS {qn(f'{table}_{dependants}')} ON {qn(table)}",
            f"DROP FUNCTION IF EXISTS {qn(f'{table}_{column}')}()",
            f"DROP FUNCTION IF EXISTS {qn(f'{table}_{dependants}')}()",
            f"ALTER TABLE {qn(table)} DROP COLUMN IF EXISTS {qn(column)}",
        ]
    return statements


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    import_module("registry.migrations.0006_search").drop(apps, schema_editor)
    for statement in create_sql(apps, schema_editor.quote_name):
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in drop_sql(apps, schema_editor.quote_name):
        schema_editor.execute(statement, params=None)
    import_module("registry.migrations.0006_search").create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_orderings_and_schedule_indexes")]

    operations = [migrations.RunPython(create, drop)]
