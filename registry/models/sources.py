"""The documents behind every fact, and the citations that attach them to records."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.links import web_url_validator
from registry.publication.visibility import visible_q

from .base import Publishable, date_fields, single_date_constraints, to_partial
from .versioning import Versioned


class Source(Publishable):
    class Kind(models.TextChoices):
        WEB_PAGE = "web_page", _("Web page")
        PUBLICATION = "publication", _("Publication (PDF)")
        NEWS = "news", _("News article")
        ANALYSIS = "analysis", _("Analysis")
        OFFICIAL_TEXT = "official_text", _("Official text")

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    date, date_precision = date_fields("published on")
    url = models.URLField("URL", max_length=500, blank=True, validators=[web_url_validator])
    full_text = models.TextField(
        blank=True, help_text="The document's text, repaired of PDF extraction damage."
    )
    editorial_note = models.TextField(
        blank=True, help_text="What was repaired or left out of the text, and why."
    )
    text_repairs = models.TextField(
        "last repairs applied to the text",
        blank=True,
        editable=False,
        help_text="Each change the PDF text repair made the last time an editor accepted it, "
        "one a line (“as pasted” → “repaired”); the history keeps the earlier lists.",
    )
    # A document known from another source's reference to it: the Brussels Summit
    # Declaration, cited by an analysis. Its `cites` are the documents a source refers to.
    cited_in = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="cites",
        verbose_name="cited in",
        help_text=(
            "The sources that cite this document. A document known only from such a "
            "reference has no full text of its own."
        ),
    )

    class Meta:
        ordering = ["title"]
        constraints = single_date_constraints("source", "date", "date_precision")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:source-detail", kwargs={"slug": self.slug})

    @property
    def published_on(self):
        return to_partial(self.date, self.date_precision)


class CitationQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> CitationQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def for_model(self, model: type[models.Model]) -> CitationQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def published(self) -> CitationQuerySet:
        """Citations of published sources (the cited record is filtered by its own query)."""
        return self.filter(visible_q(Source, "source"))


class Citation(Versioned):
    """A source backing a record, with the passage that says so."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    quote = models.TextField(
        blank=True, help_text="The passage of the source that states the fact."
    )
    locator = models.CharField(
        max_length=100, blank=True, help_text='Where in the source, e.g. "box p. 3", "para. 4".'
    )
    verified_on = models.DateField(
        null=True,
        blank=True,
        help_text="When an editor last checked the citation against the source.",
    )

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["source__title", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.source} ({self.locator})" if self.locator else str(self.source)
