"""Data releases: a dated, numbered, checksummed snapshot of everything public, made by a
Publisher from the admin or with `manage.py make_release` (docs/data.md).

`make_release` reads the public tables (tables.py), writes the files (package.py, popolo.py)
into one zip in the releases storage, and records the release with a digest of every record,
so that the next release can say what it added, changed and removed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, models, transaction
from django.utils import timezone

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
    """Make the next release of everything public now."""
    note = note.strip()
    if len(note) > 2000:
        raise ReleaseError("The note is at most 2,000 characters.")
    site_url = settings.SITE_URL
    contents = package.collect(site_url)
    digests = contents.digests()
    previous = Release.objects.order_by("-number").first()
    before = _digests(previous) if previous else None
    counts = package.compare(digests, before)
    number = previous.number + 1 if previous else 1
    made_at = timezone.now()
    files = list(contents.data_files)
    descriptor = package.descriptor(
        number=number, made_at=made_at, site_url=site_url, data_files=contents.data_files
    )
    files.insert(0, (package.DESCRIPTOR_NAME, package.json_bytes(descriptor)))
    notes = package.notes(
        number=number,
        made_at=timezone.localtime(made_at),
        note=note,
        counts=counts,
        previous=previous.number if previous else None,
    )
    files.insert(1, (package.NOTES_NAME, notes.encode("utf-8")))
    files.append((package.CHECKSUMS_NAME, package.checksums(files)))
    data = package.archive(files)
    name = archive_name(number)
    store = storage()
    if store.exists(name):
        # Left by a release whose record was not saved: it was never listed, so it goes.
        store.delete(name)
    saved = store.save(name, ContentFile(data))
    try:
        with transaction.atomic():
            release = Release.objects.create(
                number=number,
                made_at=made_at,
                made_by=user if user is not None and user.pk else None,
                note=note,
                archive=saved,
                archive_bytes=len(data),
                archive_sha256=package.sha256(data),
                files=[
                    {"name": file_name, "bytes": len(body), "sha256": package.sha256(body)}
                    for file_name, body in files
                ],
                counts=counts,
                data_sha256=contents.data_sha256,
            )
            ReleaseRecord.objects.bulk_create(
                (
                    ReleaseRecord(release=release, table=table, record_id=pk, digest=digest)
                    for table, rows in digests.items()
                    for pk, digest in rows.items()
                ),
                batch_size=2000,
            )
    except IntegrityError as error:
        store.delete(saved)
        raise ReleaseError(
            f"Release {number} was made by someone else at the same moment; try again."
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
