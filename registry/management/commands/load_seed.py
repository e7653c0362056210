from django.core.management.base import BaseCommand, CommandError

from registry.seed.loader import SeedError, load_seed


class Command(BaseCommand):
    help = (
        "Load the registry's seed content from its source documents. Safe to run again: "
        "records already loaded (even if since edited or deleted) are left alone."
    )

    def handle(self, *args, **options) -> None:
        log = self.stdout.write if options["verbosity"] > 1 else None
        try:
            report = load_seed(log=log)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        if report.total_created:
            parts = ", ".join(f"{count} {name}" for name, count in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Seed content loaded: {parts}."))
        else:
            self.stdout.write("Seed content already loaded; nothing changed.")
