from django.core.management.base import BaseCommand
from django.db import connection, transaction

from registry.search import KINDS


class Command(BaseCommand):
    help = (
        "Recompute the stored search document of every searchable record (PostgreSQL). "
        "Triggers keep documents current on every write; this is for rows written while "
        "the triggers were off, such as a data-only restore with triggers disabled."
    )

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: only PostgreSQL stores search documents.")
            return
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for kind in KINDS:
                table = quote(kind.model._meta.db_table)
                # A NULL document is recomputed by the table's trigger (migrations 0011
                # and 0028): one statement per table, whatever its size.
                cursor.execute(
                    f"UPDATE {table} SET search_document = NULL, search_document_fr = NULL"
                )
                if options["verbosity"] > 1:
                    self.stdout.write(f"{kind.plural}: {cursor.rowcount} documents rebuilt.")
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Search documents rebuilt."))
