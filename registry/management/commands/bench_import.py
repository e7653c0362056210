import json

from django.core.management.base import BaseCommand

from registry.bench.imports import measure_dry_run


class Command(BaseCommand):
    help = (
        "Time a dry run of the largest CSV import allowed (IMPORT_MAX_ROWS visits) through "
        "the admin import view, on the database configured; nothing is written. Prints JSON."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=None)

    def handle(self, *args, rows: int | None = None, **options) -> None:
        self.stdout.write(json.dumps(measure_dry_run(rows)))
