"""The publishing gate: a citable record with no citation of a public source may not be
published.

The footer of every public page promises that each fact carries its source, so a record
whose page would say "No published source is recorded" stays a draft until an editor cites
one. Every path that can publish asks here: the change form's "Save and publish", the bulk
action, a revert or a restore that brings back a published status (`actions.set_status`
refuses blocked records as a last line), and the seed loader. Imports never publish.

Only citations of sources that are public now count: a citation of a draft source shows
nothing on the public page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

NO_CITATION = gettext_lazy("it cites no source: add a citation on its page")
DRAFT_SOURCES_ONLY = gettext_lazy("its only sources are not public: publish the source first")


def _citation_model() -> type[models.Model]:
    # Looked up in the app registry: the models import this module (revert and restore
    # obey the gate), so importing them here would be a cycle.
    return apps.get_model("registry", "Citation")


class PublicationBlocked(Exception):
    """Raised when a path asks to publish records that the gate holds back."""

    def __init__(self, blockers: dict[models.Model, str]) -> None:
        self.blockers = blockers
        super().__init__(describe(blockers))


def is_citable(model: type[models.Model]) -> bool:
    """Whether citations can back `model`'s records (it has a generic relation to them)."""
    return any(
        isinstance(field, GenericRelation) and field.related_model is _citation_model()
        for field in model._meta.private_fields
    )


def public_citations(model: type[models.Model]):
    """Citations of `model`'s records whose source the public sees now."""
    return (
        _citation_model()
        .objects.published()
        .filter(content_type=ContentType.objects.get_for_model(model))
    )


def uncited_q(model: type[models.Model]) -> Q:
    """Records that no citation of a public source backs: the gate holds them back."""
    return ~Q(Exists(public_citations(model).filter(object_id=OuterRef("pk"))))


def uncited(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.filter(uncited_q(queryset.model))


def publication_blockers(records: Iterable[models.Model]) -> dict[models.Model, str]:
    """The records that may not be published, each with the reason in an editor's words.

    Two queries a model, whatever the number of records."""
    Citation = _citation_model()

    blockers: dict[models.Model, str] = {}
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for record in records:
        if is_citable(type(record)):
            by_model.setdefault(type(record), []).append(record)
    for model, group in by_model.items():
        pks = [record.pk for record in group]
        backed = set(
            public_citations(model).filter(object_id__in=pks).values_list("object_id", flat=True)
        )
        cited_at_all = set(
            Citation.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=pks
            ).values_list("object_id", flat=True)
        )
        for record in group:
            if record.pk in backed:
                continue
            blockers[record] = DRAFT_SOURCES_ONLY if record.pk in cited_at_all else NO_CITATION
    return blockers


def describe(blockers: dict[models.Model, str]) -> str:
    """ "“A” (it cites no source: …); “B” (…)" for messages."""
    return "; ".join(f"“{record}” ({reason})" for record, reason in blockers.items())
