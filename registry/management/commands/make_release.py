"""`manage.py make_release [--note TEXT]`: make the next data release (docs/data.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from registry.releases import ReleaseError, make_release


class Command(BaseCommand):
    help = (
        "Make the next data release: a dated, numbered, checksummed snapshot of everything "
        "public (CSV, JSON, Popolo, datapackage.json), kept in the releases storage."
    )

    def add_arguments(self, parser):
        parser.add_argument("--note", default="", help="A short public note shown with it.")

    def handle(self, *args, note: str = "", **options) -> None:
        try:
            release = make_release(note=note)
        except ReleaseError as error:
            raise CommandError(str(error)) from error
        totals = release.totals
        self.stdout.write(
            f"{release}: {totals['records']} records ({totals['added']} added, "
            f"{totals['changed']} changed, {totals['removed']} removed), "
            f"{release.archive_bytes} bytes, sha256 {release.archive_sha256}\n"
            f"Stored as {release.archive}; public page {release.get_absolute_url()}"
        )
