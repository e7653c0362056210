"""A version number on every record an editor can change, so that no save overwrites a
save it has not seen.

Every UPDATE of a versioned row is `UPDATE ... SET version = version + 1 WHERE id = %s AND
version = %s`, with the version the writer read. If another save has committed since, no row
matches and the save raises `StaleRecord` instead of overwriting it. This holds for every
path that saves a model instance: the admin's change form and inlines, list-editable rows,
bulk actions, revert, import, the seed loader, a shell. (`QuerySet.update()` writes no
version; the admin's conflict check also compares the values it started from, so it still
notices such a change.)

A change to a many-to-many field counts as a change of the record that declares it (a
visit, for its topics), whichever side it is made from.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext as _

VERSION_FIELD = "version"


class StaleRecord(Exception):
    """Someone else saved the record after this copy of it was read."""

    def __init__(self, record: models.Model) -> None:
        self.record = record
        super().__init__(
            _(
                "%(model)s “%(record)s” was saved by someone else after it was read, so this "
                "change was not saved."
            )
            % {"model": record._meta.verbose_name.capitalize(), "record": record}
        )


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with every save; a save based on an older version is refused.",
    )

    class Meta:
        abstract = True

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = self.version
        field = self._meta.get_field(VERSION_FIELD)
        values = [item for item in values if item[0] is not field]
        values.append((field, None, F(VERSION_FIELD) + 1))
        if base_qs.filter(pk=pk_val, version=expected)._update(values) > 0:
            self.version = expected + 1
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise StaleRecord(self)
        # The row is gone: Django inserts it again, as it does for any model.
        return False


def bump(model: type[models.Model], pks: Any) -> None:
    model._base_manager.filter(pk__in=pks).update(version=F(VERSION_FIELD) + 1)


@receiver(m2m_changed)
def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # The record that declares the field changed (a visit's topics), not the other side: a
    # topic saved after being added to a visit is not stale.
    if not reverse and isinstance(instance, Versioned) and instance.pk is not None:
        bump(type(instance), [instance.pk])
        instance.version += 1
    if reverse and issubclass(model, Versioned) and pk_set:
        bump(model, pk_set)
