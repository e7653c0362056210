"""The seed content: what it loads, that every record cites its source, and that loading
again never overwrites an editor's work."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from registry.models import (
    Appointment,
    Citation,
    Country,
    Event,
    Meeting,
    Office,
    Participation,
    Position,
    Programme,
    SeedEntry,
    Source,
    Status,
    Visit,
)
from registry.seed.loader import collapse, load_seed, read_seed

pytestmark = pytest.mark.django_db

DAMAGE = re.compile(r"[\ufffd\u0400-\u04ff]|\w[ýþ]\w|\wôs\b| ï ")

# What "backed by its quotes" means for a sentence of the seed's own words: most of its
# content words (not stop-words, three letters or more, lightly stemmed) occur in the
# passages its record cites.
BACKED_SHARE = 0.6
STOP_WORDS = frozenset(
    re.findall(
        r"\w+",
        """
    about above after again against all also among and any are around because been before
    being between both but can could did does doing down during each either for from further
    had has have having her here hers him his how into its itself just more most not now off
    once only other our ours out over own same she should some such than that the their theirs
    them then there these they this those through too under until upon very was were what
    when where which while who whom whose why will with within would you your
    """,
    )
)
WORD = re.compile(r"[^\W_]+")
# One sentence a line in list fields (duties, decisions); clauses after "." ";" "!" "?".
SENTENCE_BREAK = re.compile(r"(?<=[.;!?])\s+|\n+")
# A sentence that speaks only of the sources themselves ("the source does not give its
# dates") states no fact of its own, so no quote can back it.
ABOUT_THE_SOURCES = re.compile(r"\bsources?\b.*\b(not|no|neither)\b", re.IGNORECASE)
# Free text in a record's own words; names, addresses and codes are not sentences.
NOT_FREE_TEXT = {"address", "full_text", "editorial_note"}
FREE_TEXT_CHARFIELDS = {"launch_note", "counterpart_group"}


@pytest.fixture
def seeded(db):
    load_seed()


def citable_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_app_config("registry").get_models()
        if any(f.name == "citations" for f in model._meta.private_fields)
    ]


def stem(word: str) -> str:
    """A light stem, enough to let "joined", "joining" and "joins" meet."""
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def content_words(text: str) -> list[str]:
    words = (w for w in WORD.findall(text.lower().replace("’", "'")) if len(w) >= 3)
    return [stem(w) for w in words if w not in STOP_WORDS]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_BREAK.split(text) if s.strip()]


def free_text(instance: models.Model) -> dict[str, str]:
    """The record's free-text fields that hold something."""
    return {
        f.name: getattr(instance, f.name)
        for f in instance._meta.fields
        if (isinstance(f, models.TextField) and f.name not in NOT_FREE_TEXT)
        or f.name in FREE_TEXT_CHARFIELDS
        if getattr(instance, f.name)
    }


def seed_texts() -> list[tuple[str, dict[str, str], list[str]]]:
    """Each seed record's free text with the quotes that back it: (label, fields, quotes).

    A visit's legs and meetings are not cited on their own: they rest on their visit's
    citations."""
    found = []
    for model in citable_models():
        for record in model.objects.prefetch_related("citations"):
            quotes = [c.quote for c in record.citations.all()]
            label = f"{model.__name__} {record}"
            found.append((label, free_text(record), quotes))
            if model is Visit:
                for child in [*record.legs.all(), *record.meetings.all()]:
                    child_label = f"{label} / {type(child).__name__} {child.order}"
                    found.append((child_label, free_text(child), quotes))
    return found


def unbacked(text: str, quotes: list[str]) -> list[str]:
    """The sentences of `text` whose content words the quotes mostly do not contain."""
    quoted = set(content_words(" ".join(quotes)))
    failures = []
    for sentence in sentences(text):
        if ABOUT_THE_SOURCES.search(sentence):
            continue
        words = content_words(sentence)
        missing = [w for w in words if w not in quoted]
        if words and 1 - len(missing) / len(words) < BACKED_SHARE:
            failures.append(f"{sentence!r} (not quoted: {', '.join(missing)})")
    return failures


def shares_a_run(text: str, quote: str, run: int = 4) -> bool:
    """Whether `quote` repeats `run` consecutive content words of `text`."""
    words, quoted = content_words(text), content_words(quote)
    grams = {tuple(quoted[i : i + run]) for i in range(len(quoted) - run + 1)}
    return any(tuple(words[i : i + run]) in grams for i in range(len(words) - run + 1))


def test_counts(seeded):
    # The five documents, and the two that one of them cites, known only by that reference.
    assert Source.objects.count() == 7
    assert Source.objects.exclude(full_text="").count() == 5
    assert Country.objects.filter(is_partner=True).count() == 8
    # The eight partners and Afghanistan (the Kabul base), whose partnership no source states.
    assert Country.objects.count() == 9
    assert Country.objects.get(slug="afghanistan").is_partner is None
    assert Programme.objects.count() == 8
    assert Participation.objects.count() == 13
    assert Office.objects.count() == 3
    assert Position.objects.count() == 9
    assert Appointment.objects.count() == 6
    assert Event.objects.count() == 3
    assert Visit.objects.count() == 2
    assert Meeting.objects.count() == 9


def test_everything_is_published(seeded):
    for model in citable_models():
        assert not model.objects.exclude(status=Status.PUBLISHED).exists(), model


def test_every_record_cites_a_source_and_every_quote_is_in_it(seeded):
    for model in citable_models():
        for record in model.objects.prefetch_related("citations__source"):
            citations = list(record.citations.all())
            assert citations, f"{model.__name__} {record} has no citation"
            for citation in citations:
                assert collapse(citation.quote) in collapse(citation.source.full_text), citation


def test_every_sentence_is_backed_by_its_records_quotes(seeded):
    failures = [
        f"{label}.{name}: {failure}"
        for label, fields, quotes in seed_texts()
        for name, text in fields.items()
        for failure in unbacked(text, quotes)
    ]
    assert not failures, f"{len(failures)} sentences no quote backs:\n" + "\n".join(failures)


def test_every_record_with_text_quotes_a_run_of_it(seeded):
    """Beyond words in common, one quote repeats four content words of the record's text in
    a row: the record paraphrases a passage it cites, not a patchwork of them. (A text of
    fewer than four content words, such as "An early participant.", has only the check of
    its sentences.)"""
    failures = []
    for label, fields, quotes in seed_texts():
        own = [s for t in fields.values() for s in sentences(t) if not ABOUT_THE_SOURCES.search(s)]
        text = " ".join(own)
        if len(content_words(text)) >= 4 and not any(shares_a_run(text, q) for q in quotes):
            failures.append(label)
    assert not failures, "records whose quotes repeat no run of their text: " + ", ".join(failures)


def test_the_backing_check_tells_backed_from_unbacked():
    quote = "Armenia, Azerbaijan and Georgia were early participants in the Council"
    assert not unbacked("Armenia was an early participant in the Council.", [quote])
    assert unbacked("Armenia joined the Partnership for Peace in 1994.", [quote])
    assert not unbacked("The source does not give its dates.", [])
    assert shares_a_run("Georgia was among the early participants in the Council.", quote)
    assert not shares_a_run("The Council's early participants included Georgia.", quote)


def test_documents_known_only_by_reference_are_sources_linked_to_the_one_citing_them(seeded):
    analysis = Source.objects.get(slug="afghanistan-in-cenasia-after-the-nato-summit")
    declaration, backgrounder = analysis.cites.order_by("title")
    assert (declaration.title, declaration.kind) == ("Brussels Summit Declaration", "official_text")
    assert declaration.published_on.display() == "11 July 2018"
    assert declaration.url == "https://www.nato.int/cps/en/natohq/official_texts_156624.htm"
    assert "Press Release (2018) 074" in declaration.editorial_note
    assert (backgrounder.title, backgrounder.publisher) == ("Partners in Central Asia", "NATO")
    assert backgrounder.published_on.display() == "2014"
    assert backgrounder.url.endswith("/20140505_140505-Backgrounder_CentralAsia_EN_lowres.pdf")
    for cited in (declaration, backgrounder):
        # As the analysis gives them: its text names each document and its address.
        assert cited.title in analysis.full_text
        assert cited.url in analysis.full_text
        assert cited.full_text == "" and not cited.citations.exists()
        assert list(cited.cited_in.all()) == [analysis]
        assert cited.status == Status.PUBLISHED


def test_source_texts_are_stored_repaired(seeded):
    for source in Source.objects.all():
        assert not DAMAGE.search(source.full_text), (source.slug, DAMAGE.search(source.full_text))
    brochure = Source.objects.get(slug="partners-in-the-southern-caucasus").full_text
    assert "This reflects the decision" in brochure
    assert "Robert Simmons is \nthe first to be given" in brochure
    assert "regional officials" in brochure and "Intensified Dialogue" in brochure
    article = Source.objects.get(slug="deputy-secretary-general-visit-azerbaijan").full_text
    assert "has completed a two day visit" in article
    assert "LEAVE A REPLY" not in article


def test_no_stored_text_field_shows_damage(seeded):
    for model in apps.get_app_config("registry").get_models():
        text_fields = [
            f.name for f in model._meta.fields if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model.objects.values(*text_fields):
            for name, value in row.items():
                assert not DAMAGE.search(value or ""), (model.__name__, name, value)


def test_partial_dates_keep_the_sources_precision(seeded):
    istanbul = Event.objects.get(slug="istanbul-summit-2004")
    assert istanbul.start.display() == "June 2004"
    dialogue = Participation.objects.get(country__slug="georgia", programme__short_name="")
    assert dialogue.programme.name == "Intensified Dialogue"
    assert dialogue.start.display() == "September 2006"
    kazakh_ipap = Participation.objects.get(country__slug="kazakhstan")
    assert (kazakh_ipap.start.display(), kazakh_ipap.programme.short_name) == ("2005", "IPAP")
    tashkent = Office.objects.get(city="Tashkent")
    assert (tashkent.start.display(), tashkent.end.display()) == ("2013", "2017")
    kabul = Office.objects.get(city="Kabul")
    assert kabul.start is None and kabul.end.display() == "2021"
    nacc = Programme.objects.get(short_name="NACC")
    assert (nacc.start.display(), nacc.end.display()) == ("December 1991", "1997")
    assert Programme.objects.get(short_name="EAPC").replaces == nacc


def test_kabul_is_named_only_as_the_source_describes_it(seeded):
    # The source says the representative was based in Kabul until 2021 and names no office.
    kabul = Office.objects.get(slug="nato-senior-civilian-representative-afghanistan-office")
    assert kabul.name == "Kabul base of the NATO Senior Civilian Representative in Afghanistan"
    for label, fields, _ in seed_texts():
        for name, text in fields.items():
            assert "Office of the NATO Senior Civilian" not in text, (label, name)


def test_unknown_dates_stay_unknown(seeded):
    dsg_visit = Visit.objects.get(traveller__name="Radmila Shekerinska")
    assert dsg_visit.start is None and dsg_visit.end is None
    assert dsg_visit.duration_days == 2
    simmons = Appointment.objects.get(person__name="Robert Simmons")
    assert simmons.start is None and simmons.end is None and simmons.ordinal == 1


def test_secretary_general_trip_is_one_visit_with_three_legs_in_order(seeded):
    visit = Visit.objects.get(traveller__name="Jens Stoltenberg")
    assert (visit.start.display(), visit.end.display()) == ("17 March 2024", "19 March 2024")
    assert visit.traveller_position.title == "NATO Secretary General"
    assert [leg.country.name for leg in visit.legs.order_by("order")] == [
        "Armenia",
        "Georgia",
        "Azerbaijan",
    ]


def test_deputy_secretary_general_meetings_name_counterpart_and_post(seeded):
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    met = {
        (m.counterpart.name, m.counterpart_position.title)
        for m in visit.meetings.filter(counterpart__isnull=False)
    }
    assert met == {
        ("Jeyhun Bayramov", "Foreign Minister of Azerbaijan"),
        ("Sahiba Gafarova", "Speaker of the Parliament of Azerbaijan"),
        ("Elchin Amirbayov", "Presidential Representative of Azerbaijan"),
    }
    groups = set(
        visit.meetings.filter(counterpart__isnull=True).values_list("counterpart_group", flat=True)
    )
    assert "Students at ADA University" in groups and "Allied ambassadors" in groups
    assert {"demining", "cyber-defence", "energy-security"} <= set(
        visit.topics.values_list("slug", flat=True)
    )


def test_tbilisi_office_contact_details(seeded):
    office = Office.objects.get(city="Tbilisi")
    assert office.phone == "+995 (32) 293 38 01"
    assert "162 Tsinamdzgvrishvili" in office.address and "0112 Tbilisi" in office.address
    assert office.ongoing and office.end is None
    # A source says only that the office facilitates NATO's engagement with Georgia.
    assert set(office.countries_covered.values_list("iso_code", flat=True)) == {"GE"}
    tashkent = Office.objects.get(city="Tashkent")
    assert "NATO Headquarters" in tashkent.closure_note
    assert tashkent.countries_covered.count() == 5


def test_loading_twice_changes_nothing(seeded):
    before = {m: m.objects.count() for m in apps.get_app_config("registry").get_models()}
    report = load_seed()
    assert report.total_created == 0
    assert {m: m.objects.count() for m in before} == before


def test_loading_again_never_overwrites_or_resurrects_editors_work(seeded):
    office = Office.objects.get(city="Tbilisi")
    office.phone = "+995 32 000 00 00"
    office.save()
    Citation.objects.filter(object_id=office.pk, content_type__model="office").delete()
    Visit.objects.get(slug="deputy-secretary-general-azerbaijan").delete()
    load_seed()
    office.refresh_from_db()
    assert office.phone == "+995 32 000 00 00"
    assert not office.citations.exists()
    assert not Visit.objects.filter(slug="deputy-secretary-general-azerbaijan").exists()


def test_loading_again_keeps_a_pending_revision_and_the_live_version(seeded):
    from registry.models import PendingRevision
    from registry.publication import revisions

    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    data = revisions.capture(visit)
    data["parent"]["fields"]["title"] = "An editor's pending title"
    revisions.save(visit, data, None, number=None)
    live = visit.title
    load_seed()
    visit.refresh_from_db()
    assert visit.title == live
    pending = PendingRevision.objects.get()
    assert pending.data["parent"]["fields"]["title"] == "An editor's pending title"


def test_command_reports_what_it_did(db, capsys):
    call_command("load_seed")
    assert "Seed content loaded" in capsys.readouterr().out
    call_command("load_seed")
    assert "nothing changed" in capsys.readouterr().out
    assert SeedEntry.objects.filter(
        key="visits:secretary-general-south-caucasus-march-2024"
    ).exists()


def test_seed_file_sections_are_known():
    data = read_seed()
    assert set(data) == {
        "sources",
        "regions",
        "countries",
        "organisations",
        "topics",
        "events",
        "programmes",
        "participations",
        "offices",
        "positions",
        "people",
        "appointments",
        "visits",
    }
