"""JSON shapes of the API's records (docs/api.md, "Records").

Every record has its identifier (`slug`; `id` for appointments and participations, which have
no slug), `url` (absolute API URL), `html_url` (its public page, or null), `updated_at` and
`citations`. Partial dates are `start` ("2004-06") with `start_precision` ("month"), null and
null when unknown. Linked records are brief objects, null when the linked record is a draft.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.models import (
    Appointment,
    Country,
    Event,
    Meeting,
    Office,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Topic,
    Visit,
    VisitLeg,
)
from registry.publication.visibility import is_public
from registry.translation import Translated, in_french, shown_text

from .as_of import AsOfSerializer, HolderSerializer, certainty
from .fields import (
    CitationSerializer,
    DatesTextField,
    HtmlUrlField,
    OrganisationSerializer,
    PartialDateField,
    PrecisionField,
    SelfUrlField,
    link,
)

COMMON = ["url", "html_url", "updated_at", "citations", "french_out_of_date", "untranslated"]
SPAN = ["start", "start_precision", "end", "end_precision", "dates_text"]


def utc_timestamp() -> serializers.DateTimeField:
    # In UTC whatever the site's time zone, so that consumers compare like with like.
    return serializers.DateTimeField(read_only=True, default_timezone=dt.UTC)


class OtherNameSerializer(serializers.Serializer):
    """A name used before today's, with the dates it was used (Popolo's `other_names`)."""

    name = serializers.CharField()
    city = serializers.CharField(
        help_text="On a country: the city (as written today) this was a name of; empty for the "
        "country's own name."
    )
    start = PartialDateField()
    start_precision = PrecisionField(source="start")
    end = PartialDateField()
    end_precision = PrecisionField(source="end")
    note = serializers.CharField()


def other_names() -> OtherNameSerializer:
    return OtherNameSerializer(many=True, read_only=True)


class TranslatedSerializerMixin:
    """Texts in the language of the answer (`?lang=` or Accept-Language, registry/api/
    language.py): the French where there is one, else the English."""

    def to_representation(self, record) -> dict[str, Any]:
        data = super().to_representation(record)
        for field in getattr(record, "translated_fields", ()):
            # A text given as it is stored; fields shaped otherwise (a list of decisions)
            # read the language themselves.
            if isinstance(data.get(field), str):
                data[field] = shown_text(record, field)
        return data


class RecordSerializer(TranslatedSerializerMixin, serializers.ModelSerializer):
    html_url = HtmlUrlField()
    updated_at = utc_timestamp()
    citations = CitationSerializer(many=True, read_only=True)
    french_out_of_date = serializers.SerializerMethodField(
        help_text="True when the English of a text changed after its French was saved or "
        "reviewed: the French may no longer say what the English says."
    )
    untranslated = serializers.SerializerMethodField(
        help_text="The texts given in English because they have no French yet; always empty "
        "in an English answer."
    )

    def get_french_out_of_date(self, record) -> bool:
        return bool(getattr(record, "french_out_of_date", False))

    def get_untranslated(self, record) -> list[str]:
        if not in_french() or not isinstance(record, Translated):
            return []
        return record.french_missing_fields()


class SpanSerializer(RecordSerializer):
    start = PartialDateField()
    start_precision = PrecisionField(source="start")
    end = PartialDateField()
    end_precision = PrecisionField(source="end")
    dates_text = DatesTextField()


class AsOfSpanSerializer(SpanSerializer):
    """A span answering `as_of`: `as_of` is null unless the request gave that parameter."""

    as_of = serializers.SerializerMethodField()

    @extend_schema_field(AsOfSerializer(allow_null=True))
    def get_as_of(self, record) -> dict[str, Any] | None:
        day = self.context.get("as_of")
        if day is None:
            return None
        return {"date": day.isoformat(), "certainty": certainty(record, day)}


class RegionSerializer(RecordSerializer):
    url = SelfUrlField("region")
    countries = link("country", many=True)

    class Meta:
        model = Region
        fields = ["slug", "name", "summary", "sort_order", "countries", *COMMON]


class CountrySerializer(RecordSerializer):
    url = SelfUrlField("country")
    region = link("region")
    other_names = other_names()

    class Meta:
        model = Country
        fields = [
            "slug",
            "name",
            "iso_code",
            "region",
            "is_partner",
            "profile",
            "other_names",
            *COMMON,
        ]


class ProgrammeSerializer(AsOfSpanSerializer):
    url = SelfUrlField("programme")
    replaces = link("programme")
    part_of = link("programme")
    launched_at = link("event")
    other_names = other_names()

    class Meta:
        model = Programme
        fields = [
            "slug",
            "name",
            "other_names",
            "short_name",
            "kind",
            "description",
            *SPAN,
            "ongoing",
            "replaces",
            "part_of",
            "launched_at",
            "launch_note",
            "as_of",
            *COMMON,
        ]


class ParticipationSerializer(AsOfSpanSerializer):
    url = SelfUrlField("participation")
    country = link("country")
    programme = link("programme")

    class Meta:
        model = Participation
        fields = [
            "id",
            "country",
            "programme",
            "stage",
            *SPAN,
            "ongoing",
            "summary",
            "as_of",
            *COMMON,
        ]


class OfficeSerializer(AsOfSpanSerializer):
    other_names = other_names()
    url = SelfUrlField("office")
    host_country = link("country")
    countries_covered = link("country", many=True)
    succeeded_by = link("office")
    closed = serializers.BooleanField(source="is_closed", read_only=True)

    class Meta:
        model = Office
        fields = [
            "slug",
            "name",
            "other_names",
            "city",
            "host_country",
            "address",
            "phone",
            "email",
            *SPAN,
            "ongoing",
            "closed",
            "countries_covered",
            "description",
            "closure_note",
            "succeeded_by",
            "as_of",
            *COMMON,
        ]


class PositionSerializer(AsOfSpanSerializer):
    other_names = other_names()
    url = SelfUrlField("position")
    organisation = OrganisationSerializer(read_only=True, allow_null=True)
    office = link("office")
    established_by = link("event")
    holders_on_date = serializers.SerializerMethodField()
    vacant = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = [
            "slug",
            "title",
            "other_names",
            "organisation",
            "office",
            "duties",
            *SPAN,
            "ongoing",
            "established_by",
            "max_holders",
            "notes",
            "as_of",
            "holders_on_date",
            "vacant",
            *COMMON,
        ]

    @extend_schema_field(HolderSerializer(many=True, allow_null=True))
    def get_holders_on_date(self, position: Position) -> list[dict[str, Any]] | None:
        if self.context.get("as_of") is None:
            return None
        return HolderSerializer(position.holders_on_date, many=True, context=self.context).data

    @extend_schema_field({"type": "boolean", "nullable": True})
    def get_vacant(self, position: Position) -> bool | None:
        if self.context.get("as_of") is None:
            return None
        return not position.holders_on_date


class PersonSerializer(RecordSerializer):
    url = SelfUrlField("person")

    class Meta:
        model = Person
        fields = ["slug", "name", "sort_name", "summary", *COMMON]


class AppointmentSerializer(AsOfSpanSerializer):
    url = SelfUrlField("appointment")
    person = link("person")
    position = link("position")
    attested = PartialDateField(
        help_text="A date on which a source shows the person in post, when the sources give "
        "no term."
    )
    attested_precision = PrecisionField(source="attested")
    attested_visit = link("visit", help_text="A visit at which a source shows the person in post.")
    position_title_then = serializers.CharField(
        source="position_then.then",
        read_only=True,
        help_text="The post's title when the appointment began, if it was then another.",
    )

    class Meta:
        model = Appointment
        fields = [
            "id",
            "person",
            "position",
            "position_title_then",
            "capacity",
            *SPAN,
            "ongoing",
            "attested",
            "attested_precision",
            "attested_visit",
            "ordinal",
            "notes",
            "as_of",
            *COMMON,
        ]


class EventSerializer(SpanSerializer):
    url = SelfUrlField("event")
    country = link("country")
    topics = link("topic", many=True)
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "slug",
            "name",
            "kind",
            *SPAN,
            "city",
            "country",
            "summary",
            "decisions",
            "topics",
            *COMMON,
        ]

    def get_decisions(self, event: Event) -> list[str]:
        """One decision a line, as the editors enter them."""
        decisions = shown_text(event, "decisions")
        return [line.strip() for line in decisions.splitlines() if line.strip()]


class LegSerializer(TranslatedSerializerMixin, serializers.ModelSerializer):
    country = link("country")
    start = PartialDateField()
    start_precision = PrecisionField(source="start")
    end = PartialDateField()
    end_precision = PrecisionField(source="end")
    dates_text = DatesTextField()

    city_then = serializers.CharField(
        source="city_then.then",
        read_only=True,
        help_text="The city's name at the time of the stop (today's when it did not change).",
    )
    country_name_then = serializers.SerializerMethodField(
        help_text="The country's name at the time of the stop; null when the country is not "
        "public (as `country` is)."
    )

    @extend_schema_field({"type": "string", "nullable": True})
    def get_country_name_then(self, leg: VisitLeg) -> str | None:
        return leg.country_then.then if is_public(leg.country) else None

    class Meta:
        model = VisitLeg
        fields = ["order", "country", "country_name_then", "city", "city_then", *SPAN, "notes"]


class MeetingSerializer(TranslatedSerializerMixin, serializers.ModelSerializer):
    leg = serializers.SerializerMethodField()
    counterpart = link("person")
    counterpart_position = link("position")
    date = PartialDateField(source="when")
    date_precision = PrecisionField(source="when")
    topics = link("topic", many=True)

    class Meta:
        model = Meeting
        fields = [
            "order",
            "leg",
            "counterpart",
            "counterpart_position",
            "counterpart_group",
            "city",
            "venue",
            "date",
            "date_precision",
            "summary",
            "topics",
        ]

    @extend_schema_field({"type": "integer", "nullable": True, "description": "The leg's order."})
    def get_leg(self, meeting: Meeting) -> int | None:
        return meeting.leg.order if meeting.leg_id else None


class VisitSerializer(SpanSerializer):
    url = SelfUrlField("visit")
    traveller = link("person")
    traveller_position = link("position")
    topics = link("topic", many=True)
    # `stops()`: in their order when the sources give it, else by country, implying none.
    legs = LegSerializer(source="stops", many=True, read_only=True)
    meetings = MeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "slug",
            "title",
            "traveller",
            "traveller_position",
            *SPAN,
            "duration_days",
            "stop_order_known",
            "purpose",
            "summary",
            "topics",
            "legs",
            "meetings",
            *COMMON,
        ]


class TopicSerializer(RecordSerializer):
    url = SelfUrlField("topic")

    class Meta:
        model = Topic
        fields = ["slug", "name", "description", *COMMON]


class SourceSerializer(serializers.ModelSerializer):
    url = SelfUrlField("source")
    html_url = HtmlUrlField()
    date = PartialDateField(source="published_on")
    date_precision = PrecisionField(source="published_on")
    document_url = serializers.SerializerMethodField()
    cited_in = link("source", many=True)
    cites = link("source", many=True)
    updated_at = utc_timestamp()

    class Meta:
        model = Source
        fields = [
            "slug",
            "title",
            "kind",
            "publisher",
            "author",
            "date",
            "date_precision",
            "document_url",
            "editorial_note",
            "cited_in",
            "cites",
            "url",
            "html_url",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_document_url(self, source: Source) -> str | None:
        """The document's own address on the web, if it has one."""
        return source.url or None


class SourceDetailSerializer(SourceSerializer):
    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "full_text"]
