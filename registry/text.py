"""Clean text: what every text field of the registry stores, and what its XML writers emit.

Text pasted from PDFs and word processors carries control characters (a form feed at each
page break, a stray vertical tab), carriage returns and letters in decomposed form ("e" and
a combining accent). XML 1.0 cannot carry most control characters at all, so one of them in
a title used to break the feeds for every reader. The rule, in `clean_text`:

* line ends become "\\n" (CR LF and a lone CR alike);
* the C0 and C1 control characters other than tab and newline, DEL, the non-characters
  U+FFFE and U+FFFF and lone surrogates are removed;
* the text is normalised to NFC, so that the same name is always stored the same way.

Every text column of every registry model goes through it when saved, whoever saves (admin,
import, seed loader, shell, `Model.objects.create`): `connect_signals()` hooks a `pre_save`
receiver to each model. A NUL (U+0000) is refused rather than dropped, with `NUL_MESSAGE`:
it is a sign of binary data pasted by mistake, and PostgreSQL cannot store it. Forms and
`full_clean()` report it on the field; a direct save raises ValidationError.

`QuerySet.update()`, `bulk_create()` and raw SQL bypass model signals, and rows saved before
this rule may hold anything: every XML writer passes its text through `xml_safe`, and the
iCalendar writer through `clean_text` too, so that what is already stored cannot break them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

__all__ = ["NUL_MESSAGE", "clean_instance_text", "clean_text", "refuse_nul", "xml_safe"]

NUL = "\x00"
# Marked for translation but kept in English here (tests look for it in pages): raised as
# `_(NUL_MESSAGE)`; in error_messages given at import time, use `gettext_lazy(NUL_MESSAGE)`.
NUL_MESSAGE = gettext_noop(
    "This text contains a NUL character (U+0000), which cannot be stored; remove it."
)
NUL_CODE = "null_characters_not_allowed"  # the code of Django's form-field check, reused

_LINE_ENDS = re.compile(r"\r\n?")
# C0 but tab and newline (CR is gone by then), DEL, C1, U+FFFE, U+FFFF, lone surrogates.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str) -> str:
    """The text as the registry stores it: line ends as "\\n", no control characters but tab
    and newline, no U+FFFE/U+FFFF or lone surrogates, NFC. NUL is removed here too; saving
    refuses it before it gets this far (`clean_instance_text`)."""
    value = _LINE_ENDS.sub("\n", value)
    value = _UNWANTED.sub("", value)
    if value.isascii():
        return value
    return unicodedata.normalize("NFC", value)


def xml_safe(value: Any) -> str:
    """Text that any XML 1.0 writer can emit: the stored form of `value`, whatever is in it.

    Stored text is already clean; this is for rows written around the models (raw SQL,
    `QuerySet.update()`) or before the rule existed."""
    return clean_text(str(value))


def refuse_nul(value: Any) -> None:
    """Field validator: a NUL cannot be stored (and PostgreSQL refuses it outright)."""
    if isinstance(value, str) and NUL in value:
        raise ValidationError(_(NUL_MESSAGE), code=NUL_CODE)


def is_text_field(field: models.Field) -> bool:
    # SlugField, URLField and EmailField are CharFields.
    return isinstance(field, models.CharField | models.TextField) and field.concrete


@functools.cache
def text_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(field for field in model._meta.concrete_fields if is_text_field(field))


def clean_instance_text(instance: models.Model, only: Iterable[str] | None = None) -> None:
    """Clean every text attribute of `instance` in place (or those named in `only`); a NUL
    raises ValidationError naming the fields that hold one, and changes nothing.

    Call it for rows given to `bulk_create()`, which sends no signals."""
    fields = text_fields(type(instance))
    if only is not None:
        names = set(only)
        fields = tuple(field for field in fields if {field.name, field.attname} & names)
    with_nul = [
        field.name
        for field in fields
        if isinstance(value := getattr(instance, field.attname), str) and NUL in value
    ]
    if with_nul:
        raise ValidationError(
            {name: ValidationError(_(NUL_MESSAGE), code=NUL_CODE) for name in with_nul}
        )
    for field in fields:
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            cleaned = clean_text(value)
            if cleaned != value:
                setattr(instance, field.attname, cleaned)


def _clean_before_save(
    sender: type[models.Model],
    instance: models.Model,
    update_fields: Iterable[str] | None = None,
    **kwargs,
) -> None:
    # A save of some fields writes only those: the others are left as they are.
    clean_instance_text(instance, update_fields)


def cleaned_models() -> list[type[models.Model]]:
    """The registry's own models: every concrete one but the history tables (copies of
    rows already cleaned when saved)."""
    return [
        model
        for model in apps.get_app_config("registry").get_models()
        if not hasattr(model, "instance_type") and text_fields(model)
    ]


def connect_signals() -> None:
    """Clean every text field of every registry model when saved, and report a NUL on its
    field in forms and `full_clean()`."""
    for model in cleaned_models():
        pre_save.connect(
            _clean_before_save, sender=model, dispatch_uid=f"registry_clean_text_{model.__name__}"
        )
        for field in text_fields(model):
            # Added to the field's validator list, not its declaration (`_validators`), so
            # that migrations do not see it.
            if refuse_nul not in field.validators:
                field.validators.append(refuse_nul)
