import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.bench.data import GenerationRefused, generate


class Command(BaseCommand):
    help = (
        "Add realistic published benchmark data (N visits and, in proportion, people, "
        "appointments, legs, meetings, citations and the rest) on top of the seed content. "
        "For disposable databases only: see docs/performance.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visits", type=int, required=True, help="How many visits to add.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add to a database that holds more than the seed content.",
        )
        parser.add_argument(
            "--throwaway-database",
            action="store_true",
            help="Confirm that the database is disposable (required when DEBUG is off).",
        )

    def handle(self, *args, **options) -> None:
        log = self.stdout.write if options["verbosity"] > 1 else (lambda message: None)
        began = time.monotonic()
        try:
            created = generate(
                options["visits"],
                seed=options["seed"],
                force=options["force"],
                throwaway=options["throwaway_database"],
                log=log,
            )
        except GenerationRefused as exc:
            raise CommandError(str(exc)) from exc
        parts = ", ".join(f"{count:,} {name}" for name, count in created.items() if count)
        elapsed = time.monotonic() - began
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f} s: {parts}."))
