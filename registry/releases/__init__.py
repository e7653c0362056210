"""Data releases: a dated, numbered, checksummed snapshot of everything public, made by a
Publisher from the admin or with `manage.py make_release` (docs/data.md).

`make_release` reads the public tables (tables.py), writes the files (package.py, popolo.py)
into one zip in the releases storage, and records the release with a digest of every record,
so that the next release can say what it added, changed and removed.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.models import Release, ReleaseRecord

from . import package
from .tables import TABLES

STORAGE = "releases"


class ReleaseError(Exception):
    """A release could not be made; the message says why, for the Publisher."""


def storage():
    return storages[STORAGE]


def archive_name(number: int) -> str:
    return f"release-{number}/partnership-registry-release-{number}.zip"


def make_release(*, user: AbstractBaseUser | None = None, note: str = "") -> Release:
    """Make the next release of everything public now.

    The files are written in a temporary folder, table by table, and the zip is copied to
    the releases storage from there, so that memory holds no table whole."""
    note = note.strip()
    if len(note) > 2000:
        raise ReleaseError(_("The note is at most 2,000 characters."))
    site_url = settings.SITE_URL
    with tempfile.TemporaryDirectory(prefix="release-") as work:
        folder = Path(work)
        # The release's files (descriptor, notes, tables) are in English, whatever the
        # language of the page that asked for it.
        with translation.override("en"):
            contents = package.collect(site_url, folder / "files")
            previous = Release.objects.order_by("-number").first()
            counts = package.compare(contents.digests, _digests(previous) if previous else None)
            number = previous.number + 1 if previous else 1
            made_at = timezone.now()
            descriptor = package.descriptor(
                number=number, made_at=made_at, site_url=site_url, data_files=contents.data_files
            )
            notes = package.notes(
                number=number,
                made_at=timezone.localtime(made_at),
                note=note,
                counts=counts,
                previous=previous.number if previous else None,
            )
            members: list[package.Member] = [
                (package.DESCRIPTOR_NAME, package.json_bytes(descriptor)),
                (package.NOTES_NAME, notes.encode("utf-8")),
                *((data_file.name, data_file.path) for data_file in contents.data_files),
            ]
            members.append((package.CHECKSUMS_NAME, package.checksums(members)))
            zip_path = folder / "release.zip"
            package.archive(members, zip_path)
        archive_sha256 = package.file_sha256(zip_path)
        name = archive_name(number)
        store = storage()
        if store.exists(name):
            # Left by a release whose record was not saved: it was never listed, so it goes.
            store.delete(name)
        with zip_path.open("rb") as handle:
            saved = store.save(name, File(handle, name=name))
        try:
            with transaction.atomic():
                release = Release.objects.create(
                    number=number,
                    made_at=made_at,
                    made_by=user if user is not None and user.pk else None,
                    note=note,
                    archive=saved,
                    archive_bytes=zip_path.stat().st_size,
                    archive_sha256=archive_sha256,
                    files=package.listing(members),
                    counts=counts,
                    data_sha256=contents.data_sha256,
                )
                records = (
                    ReleaseRecord(release=release, table=table, record_id=pk, digest=digest)
                    for table, rows in contents.digests.items()
                    for pk, digest in rows.items()
                )
                # In batches: bulk_create would make every object before writing the first.
                while batch := list(itertools.islice(records, 5000)):
                    ReleaseRecord.objects.bulk_create(batch)
        except IntegrityError as error:
            store.delete(saved)
            raise ReleaseError(
                _("Release %(number)s was made by someone else at the same moment; try again.")
                % {"number": number}
            ) from error
    return release


def _digests(release: Release) -> dict[str, dict[int, str]]:
    digests: dict[str, dict[int, str]] = {name: {} for name in TABLES}
    for table, pk, digest in release.records.values_list("table", "record_id", "digest").iterator(
        chunk_size=5000
    ):
        digests.setdefault(table, {})[pk] = digest
    return digests


def release_of(record: models.Model) -> Release | None:
    """The latest release that holds `record` as the public saw it then (one query)."""
    table = TABLE_FOR_MODEL.get(type(record)._meta.concrete_model)
    if table is None or record.pk is None:
        return None
    found = (
        ReleaseRecord.objects.filter(table=table, record_id=record.pk)
        .select_related("release")
        .order_by("-release__number")
        .first()
    )
    return found.release if found else None


def cited_release(record: models.Model, absolute: Callable[[str], str]) -> tuple | None:
    """(number, date, absolute address) of the latest release holding `record`, for its
    citation (`registry.cite`)."""
    release = release_of(record)
    if release is None:
        return None
    return (
        release.number,
        timezone.localdate(release.made_at),
        absolute(release.get_absolute_url()),
    )


TABLE_FOR_MODEL = {table.model: table.name for table in TABLES.values() if table.model is not None}
