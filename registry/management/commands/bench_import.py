import json

from django.core.management.base import BaseCommand, CommandError

from registry.bench import imports


class Command(BaseCommand):
    help = (
        "Time a dry run of the largest CSV import allowed (IMPORT_MAX_ROWS visits) through "
        "the admin import view, on the database configured; nothing is written. Prints JSON."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=None)
        parser.add_argument(
            "--record",
            action="store_true",
            help="Keep the run in docs/performance.json and rewrite docs/performance.md.",
        )

    def handle(self, *args, rows: int | None = None, record: bool = False, **options) -> None:
        run = imports.measure_dry_run(rows)
        if run["status"] != 200 or run["new"] is None:
            raise CommandError(f"The dry run did not give a preview: {json.dumps(run)}")
        if record:
            imports.record(run)
        self.stdout.write(json.dumps(run))
