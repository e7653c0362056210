"""Site search: one interface, `search()`, over every kind of published record.

Design
------
Each kind of record (visit, person, source ...) is searched by one query of its own,
`Model.objects.published()` filtered by the search terms, ranked in the database, limited,
and counted with a window function. A search therefore runs one query per kind, always the
same number whatever the amount of data, and every record shown comes from `published()`.
The kinds' best hits are merged by rank in Python.

- PostgreSQL: full-text search. Each record stores its weighted document (A for names
  and titles, B for summaries, C for notes, D for a source's full text) in a
  `search_document` column with a GIN index, kept current by triggers (migration
  0011_search_documents), including the names a participation or an appointment takes from
  the country, programme, person and post it links. It is matched with a tsquery built from
  the parsed query ("quoted phrases", `or`, `-word`, as on web search engines) through
  `plainto_tsquery`/`phraseto_tsquery`, and ranked with `ts_rank`.
- SQLite (the zero-setup fallback): the same query syntax, each word matched as the start of
  a word (case-insensitive, any script) with a regular expression, ranked by the weight of
  the best field each word is found in.

The work is bounded whatever the data: each kind ranks at most MAX_CANDIDATES of its
matches (the first the index yields) and counts no further, so a common word costs what a
rare one does, and the page says "more than" when a kind has more matches.

A title match outranks a match in a summary, which outranks one in a long text, on both.
Snippets are cut from the record's own text in Python and the query words marked after
escaping, so no editor text is ever marked safe unescaped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, models
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, Value, When, Window
from django.db.models.expressions import Col, Expression, RawSQL
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from registry.models import (
    Appointment,
    Country,
    Event,
    Office,
    Organisation,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Topic,
    Visit,
)
from registry.partial_dates import describe
from registry.publication.visibility import is_public
from registry.translation import in_french, record_title, shown_text

CONFIG = "english"
# French pages search the French documents (migration 0028): each translated field's French
# and English under PostgreSQL's French stemmer, accents folded.
FRENCH_CONFIG = "registry_french"
COLUMN, FRENCH_COLUMN = "search_document", "search_document_fr"
MAX_QUERY_LENGTH = 200  # characters of the query searched; the rest is dropped, and said so
MAX_TERMS = 10  # words or phrases searched; more are dropped, and said so
MAX_RESULTS = 200  # merged results one can page through; a count beyond is still given
MAX_CANDIDATES = 1000  # matches of one kind ranked and counted; beyond, "more than"
SNIPPET_LENGTH = 220
WEIGHT_VALUES = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}  # PostgreSQL's ts_rank defaults

# PostgreSQL's English stop words (tsearch_data/english.stop): never searched on either
# database, so that both answer "only common words" alike.
_STOP_WORD_LIST = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now"""
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())


# --- The query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of words that must follow one another."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def __str__(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Clause:
    """Terms of which one must match (`a or b`), or, negated, none may."""

    alternatives: tuple[Term, ...]
    negated: bool = False


@dataclass
class ParsedQuery:
    """What the visitor typed, cleaned, and what will be searched for."""

    text: str  # the cleaned query: searched, shown in the box and in the page title
    clauses: list[Clause] = field(default_factory=list)
    shortened: bool = False  # longer than MAX_QUERY_LENGTH or MAX_CLAUSES
    removed_characters: bool = False  # control characters such as NUL were dropped
    common_words: list[str] = field(default_factory=list)  # stop words left out

    @property
    def positive(self) -> list[Clause]:
        return [clause for clause in self.clauses if not clause.negated]

    @property
    def negative(self) -> list[Clause]:
        return [clause for clause in self.clauses if clause.negated]

    @property
    def problem(self) -> str:
        """Why nothing can be searched for, or "" when something can.

        "empty": nothing typed; "no_words": only punctuation, symbols or emoji;
        "common_words": only words too common to search for; "only_excluded": only words
        to leave out."""
        if not self.text:
            return "empty"
        if self.positive:
            return ""
        if self.negative:
            return "only_excluded"
        return "common_words" if self.common_words else "no_words"

    @property
    def searchable(self) -> bool:
        return not self.problem

    @cached_property
    def highlight_pattern(self) -> re.Pattern | None:
        """Matches the words searched for (not those excluded), for marking in snippets."""
        words = {word for clause in self.positive for t in clause.alternatives for word in t.words}
        words -= STOP_WORDS
        if not words:
            return None
        parts = sorted((word_pattern(word) for word in words), key=len, reverse=True)
        return re.compile("|".join(parts), re.IGNORECASE)


# Control characters (NUL ...) and the bidirectional overrides that could reorder the text
# around the query where the page echoes it.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_TOKEN = re.compile(r'(?P<neg>-?)(?:"(?P<phrase>[^"]*)(?:"|$)|(?P<bare>[^\s"]+))')
_WORD = re.compile(r"\w+")


def clean_query(raw: str | None) -> tuple[str, bool, bool]:
    """The query with control characters removed, white space collapsed and the length
    capped; also whether characters were removed and whether it was shortened."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    without_controls = _CONTROL.sub(" ", text)
    removed = without_controls != text
    text = " ".join(without_controls.split())
    shortened = len(text) > MAX_QUERY_LENGTH
    if shortened:
        cut = text[:MAX_QUERY_LENGTH]
        # End at a word boundary when there is one in the last part.
        space = cut.rfind(" ")
        text = cut[:space] if space > MAX_QUERY_LENGTH // 2 else cut
    return text.strip(), removed, shortened


def parse_query(raw: str | None) -> ParsedQuery:
    """Read websearch syntax: words (all must match), "a phrase", `a or b`, `-word`.

    Punctuation, symbols and emoji separate words; a hyphenated or dotted word ("Euro-
    Atlantic") is a phrase of its parts. Stop words are left out except inside phrases."""
    text, removed, shortened = clean_query(raw)
    parsed = ParsedQuery(text=text, shortened=shortened, removed_characters=removed)
    pending_or = False
    for match in _TOKEN.finditer(text):
        content = match["phrase"] if match["phrase"] is not None else match["bare"]
        negated = bool(match["neg"])
        if (
            match["bare"] is not None
            and content.lower() == "or"
            and not negated
            and parsed.clauses
            and not parsed.clauses[-1].negated
        ):
            pending_or = True
            continue
        words = tuple(word.lower() for word in _WORD.findall(content))
        if not words:
            continue
        if len(words) == 1 and words[0] in STOP_WORDS:
            if words[0] not in parsed.common_words:
                parsed.common_words.append(words[0])
            continue
        if all(word in STOP_WORDS for word in words):
            parsed.common_words.extend(w for w in words if w not in parsed.common_words)
            continue
        term = Term(words)
        if sum(len(clause.alternatives) for clause in parsed.clauses) >= MAX_TERMS:
            parsed.shortened = True
        elif pending_or and not negated:
            last = parsed.clauses[-1]
            parsed.clauses[-1] = Clause((*last.alternatives, term))
        else:
            parsed.clauses.append(Clause((term,), negated))
        pending_or = False
    return parsed


def stem(word: str) -> str:
    """A crude English stem for prefix matching: "visits" → "visit", "policies" → "polic"."""
    for suffix in ("ies", "ied", "es", "ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


# A letter and its accented forms: a query matches whatever its accents, in French and in
# the region's transliterated names ("securite" finds "sécurité", "Baku" finds "Bakú").
ACCENTED = {
    "a": "aàáâãäåā",
    "c": "cçćč",
    "e": "eèéêëēė",
    "i": "iìíîïī",
    "n": "nñń",
    "o": "oòóôõöø",
    "s": "sşšș",
    "u": "uùúûüū",
    "y": "yýÿ",
    "z": "zžź",
}


def unaccented(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def letters(text: str) -> str:
    """`text` as a regular expression that ignores accents."""
    return "".join(f"[{ACCENTED[c]}]" if c in ACCENTED else re.escape(c) for c in unaccented(text))


def word_pattern(word: str) -> str:
    """A regular expression for a word at the start of a word: short words whole,
    longer ones by their stem ("visits" finds "visit", "visited", "visitor"), accents
    ignored."""
    if len(word) <= 3:
        return rf"\b{letters(word)}\b"
    return rf"\b{letters(stem(word))}\w*"


def term_pattern(term: Term) -> str:
    if not term.is_phrase:
        return word_pattern(term.words[0])
    # The words in order, separated by anything that is not a word character.
    return r"\W+".join(word_pattern(w) for w in term.words)


# --- The kinds of record ----------------------------------------------------------------


def _span(record) -> str:
    return describe(record, unknown="")


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


@dataclass(frozen=True)
class SearchKind:
    """One kind of record the search finds, and how it is searched and shown."""

    key: str
    label: str
    plural: str
    model: type[models.Model]
    weights: dict[str, tuple[str, ...]]  # weight letter → fields (may follow relations)
    snippet_fields: tuple[str, ...]  # own text fields a snippet may be cut from, in order
    heading: Callable[[models.Model], str] = record_title
    link: Callable[[models.Model], str | None] = lambda record: record.get_absolute_url()
    describe: Callable[[models.Model], str] = lambda record: ""
    select_related: tuple[str, ...] = ()

    @property
    def index_name(self) -> str:
        """The GIN index on its stored document (PostgreSQL)."""
        return f"registry_{self.model._meta.model_name}_search_document"

    def fields(self, french: bool = False) -> list[tuple[str, str]]:
        weights = self.weights_in(french)
        return [(name, weight) for weight, names in weights.items() for name in names]

    def weights_in(self, french: bool) -> dict[str, tuple[str, ...]]:
        """The fields searched: in French, each translated field's French before it."""
        if not french:
            return self.weights
        return {
            weight: tuple(
                path for name in names for path in (french_path(self.model, name), name) if path
            )
            for weight, names in self.weights.items()
        }


def french_path(model: type[models.Model], path: str) -> str | None:
    """`path` ("summary", "country__name") with its French field, if it has one."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return f"{path}_fr" if name in getattr(model, "translated_fields", ()) else None


@cache
def document_field(model: type[models.Model], column: str = COLUMN) -> SearchVectorField:
    """The stored document of `model`'s table: a column of the database only (see migration
    0010), not a field in the model's options, so that no query but the search's reads it."""
    document = SearchVectorField()
    document.set_attributes_from_name(column)
    document.model = model  # what expressions compare and hash it by
    return document


class StoredDocument(Expression):
    """The `search_document` column of the queryset's own table, as a tsvector (or
    `search_document_fr`, the French one)."""

    output_field = SearchVectorField()

    def __init__(self, column: str = COLUMN) -> None:
        super().__init__()
        self.column = column

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        # A column of the query's base table, relabelled with it inside a subquery.
        target = document_field(query.model._meta.concrete_model, self.column)
        return Col(query.get_initial_alias(), target, target)


def _organisation_link(record: Organisation) -> str | None:
    if hasattr(record, "get_absolute_url"):
        return record.get_absolute_url()
    # No page of its own: a national body is shown on its (published) country's page.
    return record.country.get_absolute_url() if is_public(record.country) else None


KINDS: tuple[SearchKind, ...] = (
    SearchKind(
        "region",
        pgettext_lazy("search kind", "Region"),
        gettext_lazy("Regions"),
        Region,
        {"A": ("name",), "B": ("summary",)},
        ("summary",),
    ),
    SearchKind(
        "country",
        pgettext_lazy("search kind", "Country"),
        gettext_lazy("Countries"),
        Country,
        {"A": ("name",), "B": ("profile",)},
        ("profile",),
        describe=lambda c: _("Partner country") if c.is_partner else "",
    ),
    SearchKind(
        "programme",
        pgettext_lazy("search kind", "Programme"),
        gettext_lazy("Programmes"),
        Programme,
        {"A": ("name", "short_name"), "B": ("description",), "C": ("launch_note",)},
        ("description", "launch_note"),
        describe=lambda p: _join(p.get_kind_display(), _span(p)),
    ),
    SearchKind(
        "participation",
        pgettext_lazy("search kind", "Participation"),
        gettext_lazy("Participations"),
        Participation,
        {
            "A": ("country__name", "programme__name", "programme__short_name"),
            "B": ("summary",),
        },
        ("summary",),
        heading=lambda p: (
            _("%(country)s in %(programme)s")
            % {"country": shown_text(p.country, "name"), "programme": record_title(p.programme)}
        ),
        link=lambda p: p.country.get_absolute_url(),
        describe=lambda p: _join(p.get_stage_display(), _span(p)),
        select_related=("country", "programme"),
    ),
    SearchKind(
        "office",
        pgettext_lazy("search kind", "Office"),
        gettext_lazy("Offices"),
        Office,
        {
            "A": ("name",),
            "B": ("city", "description"),
            "C": ("address", "closure_note"),
        },
        ("description", "closure_note", "address", "city"),
        describe=lambda o: _join(
            o.city, _("Closed %(date)s") % {"date": o.end.display()} if o.end else ""
        ),
    ),
    SearchKind(
        "position",
        pgettext_lazy("search kind", "Post"),
        gettext_lazy("Posts"),
        Position,
        {"A": ("title",), "B": ("duties",), "C": ("notes",)},
        ("duties", "notes"),
        describe=_span,
    ),
    SearchKind(
        "person",
        pgettext_lazy("search kind", "Person"),
        gettext_lazy("People"),
        Person,
        {"A": ("name",), "B": ("summary",)},
        ("summary",),
    ),
    SearchKind(
        "appointment",
        pgettext_lazy("search kind", "Appointment"),
        gettext_lazy("Appointments"),
        Appointment,
        {"A": ("person__name", "position__title"), "C": ("notes",)},
        ("notes",),
        heading=lambda a: f"{a.person.name}: {shown_text(a.position, 'title')}",
        link=lambda a: a.person.get_absolute_url(),
        describe=lambda a: _join(
            a.get_capacity_display() if a.capacity != Appointment.Capacity.SUBSTANTIVE else "",
            _span(a),
        ),
        select_related=("person", "position"),
    ),
    SearchKind(
        "organisation",
        pgettext_lazy("search kind", "Organisation"),
        gettext_lazy("Organisations"),
        Organisation,
        {"A": ("name", "short_name"), "B": ("description",)},
        ("description",),
        heading=lambda o: (
            f"{shown_text(o, 'name')} ({o.short_name})" if o.short_name else shown_text(o, "name")
        ),
        link=_organisation_link,
        describe=lambda o: o.get_kind_display(),
        select_related=("country",),
    ),
    SearchKind(
        "event",
        pgettext_lazy("search kind", "Event"),
        gettext_lazy("Summits and events"),
        Event,
        {"A": ("name",), "B": ("city", "summary"), "C": ("decisions",)},
        ("summary", "decisions"),
        describe=lambda e: _join(e.get_kind_display(), _span(e), e.city),
    ),
    SearchKind(
        "visit",
        pgettext_lazy("search kind", "Visit"),
        gettext_lazy("Visits"),
        Visit,
        {"A": ("title",), "B": ("purpose", "summary")},
        ("summary", "purpose"),
        describe=lambda v: v.dates_text() if v.start or v.end or v.duration_days else "",
    ),
    SearchKind(
        "topic",
        pgettext_lazy("search kind", "Topic"),
        gettext_lazy("Topics"),
        Topic,
        {"A": ("name",), "B": ("description",)},
        ("description",),
    ),
    SearchKind(
        "source",
        pgettext_lazy("search kind", "Source"),
        gettext_lazy("Sources"),
        Source,
        {
            "A": ("title",),
            "C": ("publisher", "author", "editorial_note"),
            "D": ("full_text",),
        },
        ("full_text", "editorial_note"),
        describe=lambda s: _join(
            s.get_kind_display(),
            s.author or s.publisher,
            s.published_on.display() if s.published_on else "",
        ),
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
KINDS_BY_MODEL = {kind.model: kind for kind in KINDS}


# --- Results ----------------------------------------------------------------------------


@dataclass
class Hit:
    kind: SearchKind
    record: models.Model
    rank: float
    title: str
    url: str | None
    context: str
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class KindCount:
    kind: SearchKind
    count: int
    selected: bool
    bounded: bool = False  # more than `count` match

    @property
    def label(self) -> str:
        return f"{number_format(self.count, force_grouping=True)}{'+' if self.bounded else ''}"


@dataclass
class SearchResults:
    query: ParsedQuery
    hits: list[Hit]
    counts: dict[str, int]  # matches of every kind, whatever `kinds` selected, up to the bound
    kinds: tuple[SearchKind, ...]  # the kinds the hits were drawn from
    offset: int
    limit: int
    backend: str
    bounded: set[str] = field(default_factory=set)  # kinds with more than `bound` matches
    bound: int = 0  # the most matches of one kind counted and ranked (MAX_CANDIDATES)

    @property
    def total(self) -> int:
        """The matches counted in the chosen kinds; more match when `more` is true."""
        return sum(self.counts.get(kind.key, 0) for kind in self.kinds)

    @property
    def more(self) -> bool:
        """Whether more records match in the chosen kinds than were counted."""
        return any(kind.key in self.bounded for kind in self.kinds)

    @property
    def all_more(self) -> bool:
        """Whether more records match in all kinds than `counts` says."""
        return bool(self.bounded)

    @property
    def browsable(self) -> int:
        """How many of the results one can page through."""
        return min(self.total, MAX_RESULTS)

    @property
    def facets(self) -> list[KindCount]:
        selected = {kind.key for kind in self.kinds} if len(self.kinds) < len(KINDS) else set()
        return [
            KindCount(
                kind, self.counts.get(kind.key, 0), kind.key in selected, kind.key in self.bounded
            )
            for kind in KINDS
            if self.counts.get(kind.key)
        ]


def backend_for_connection() -> PostgresBackend | FallbackBackend:
    """The search of this database, in the language of the page."""
    backend = PostgresBackend if connection.vendor == "postgresql" else FallbackBackend
    return backend(french=in_french())


def search(
    query: str | ParsedQuery,
    *,
    kinds: Iterable[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Published records matching `query`, best first: `limit` of them from `offset`.

    `kinds` restricts the hits to some kinds (keys of KINDS; unknown keys are ignored);
    `counts` still counts every kind, each up to MAX_CANDIDATES (`bounded` names the kinds
    with more). One query per kind, on either database: the first MAX_CANDIDATES + 1 matches
    the index yields, then, for a chosen kind, those ranked and counted."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    chosen = tuple(k for k in KINDS if kinds is None or k.key in set(kinds)) or KINDS
    limit = max(0, min(limit, MAX_RESULTS))
    offset = max(0, min(offset, MAX_RESULTS - limit))
    backend = backend_for_connection()
    results = SearchResults(parsed, [], {}, chosen, offset, limit, backend.name)
    if not parsed.searchable or limit == 0:
        return results
    bound = results.bound = MAX_CANDIDATES
    candidates: list[tuple[float, int, models.Model, SearchKind]] = []
    for position, kind in enumerate(KINDS):
        # Up to one more than the bound, to know whether there are more; in no order, so
        # that the first the index yields will do.
        matches = backend.match(kind.model.objects.published(), kind, parsed).order_by()
        first = matches.values("pk")[: bound + 1]
        if kind not in chosen:
            count, rows = first.count(), []
        else:
            rows = backend.best(kind, matches, parsed, bound, min(offset + limit, bound))
            count = rows[0].search_total if rows else 0
        results.counts[kind.key] = min(count, bound)
        if count > bound:
            results.bounded.add(kind.key)
        candidates += [(row.search_rank, position, row, kind) for row in rows]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2].pk))
    results.hits = [
        make_hit(kind, record, rank, parsed)
        for rank, _, record, kind in candidates[offset : offset + limit]
    ]
    return results


def filter_matching(queryset: models.QuerySet, text: str | None) -> models.QuerySet:
    """The records of `queryset` matching `text` in the site search's syntax and documents:
    the `q` filter of the list pages and the API. Text with no word to look for (only
    punctuation or common words) matches nothing; only `-words` leaves those out."""
    kind = KINDS_BY_MODEL[queryset.model._meta.concrete_model]
    parsed = parse_query(text)
    if not parsed.text:
        return queryset
    if not parsed.clauses:
        return queryset.none()
    return backend_for_connection().match(queryset, kind, parsed)


def make_hit(kind: SearchKind, record: models.Model, rank: float, parsed: ParsedQuery) -> Hit:
    title = kind.heading(record)
    pattern = parsed.highlight_pattern
    return Hit(
        kind=kind,
        record=record,
        rank=rank,
        title=title,
        url=kind.link(record),
        context=kind.describe(record),
        title_html=highlight(title, pattern),
        snippet_html=snippet(
            [shown_text(record, name) or "" for name in kind.snippet_fields], pattern
        ),
    )


# --- Backends ---------------------------------------------------------------------------


@cache
def _columns(model: type[models.Model]) -> str:
    """The model's columns, as a raw query selects them from table `t`."""
    quote = connection.ops.quote_name
    return ", ".join(f"t.{quote(field.column)}" for field in model._meta.concrete_fields)


class PostgresBackend:
    """Full-text search over the stored documents, through their GIN indexes."""

    name = "postgresql"

    def __init__(self, french: bool = False) -> None:
        self.config = FRENCH_CONFIG if french else CONFIG
        self.column = FRENCH_COLUMN if french else COLUMN

    def document(self) -> StoredDocument:
        return StoredDocument(self.column)

    def tsquery(self, parsed: ParsedQuery) -> SearchQuery:
        """The parsed query as a tsquery: `(a | b) & c & !d`.

        Built term by term rather than with `websearch_to_tsquery`, whose `or` binds more
        loosely than the words around it (`a or b c` would be `a | (b & c)`); each word goes
        through `plainto_tsquery` and each phrase through `phraseto_tsquery`, which stem it
        and never fail on odd input."""
        combined = None
        for clause in parsed.clauses:
            part = None
            for term in clause.alternatives:
                one = SearchQuery(
                    str(term),
                    config=self.config,
                    search_type="phrase" if term.is_phrase else "plain",
                )
                part = one if part is None else part | one
            part = ~part if clause.negated else part
            combined = part if combined is None else combined & part
        return combined

    def match(
        self, queryset: models.QuerySet, kind: SearchKind, parsed: ParsedQuery
    ) -> models.QuerySet:
        return queryset.alias(search_document=self.document()).filter(
            search_document=self.tsquery(parsed)
        )

    def best(
        self, kind: SearchKind, matches: models.QuerySet, parsed: ParsedQuery, bound: int, n: int
    ) -> list[models.Model]:
        """The `n` best of the first `bound + 1` `matches`, with `search_rank` and
        `search_total` (how many of those there are), in one statement.

        The candidates are ranked and counted in a derived table straight from the index
        scan, so that only the `n` rows shown are read whole."""
        query = self.tsquery(parsed)
        ranked = matches.annotate(search_rank=SearchRank(self.document(), query))
        sql, params = ranked.values_list("pk", "search_rank")[: bound + 1].query.sql_with_params()
        top = f"""SELECT c.id, c.rank, count(*) OVER () AS total FROM ({sql}) AS c(id, rank)
            ORDER BY c.rank DESC, c.id LIMIT {int(n)}"""
        if not kind.select_related:
            meta, quote = kind.model._meta, connection.ops.quote_name
            columns = _columns(kind.model)
            rows = kind.model.objects.raw(
                f"""SELECT {columns}, s.rank AS search_rank, s.total AS search_total
                FROM ({top}) AS s JOIN {quote(meta.db_table)} t ON t.{quote(meta.pk.column)} = s.id
                ORDER BY s.rank DESC, s.id""",
                params,
            )
            return list(rows)
        # Raw SQL cannot follow relations for the heading: the ORM reads the rows shown, and
        # counts the candidates again in a subquery PostgreSQL runs once.
        count_sql, count_params = matches.values("pk")[: bound + 1].query.sql_with_params()
        total = RawSQL(
            f"SELECT count(*) FROM ({count_sql}) AS s", count_params, output_field=IntegerField()
        )
        rows = (
            kind.model.objects.filter(pk__in=RawSQL(f"SELECT s.id FROM ({top}) AS s", params))
            .select_related(*kind.select_related)
            .alias(search_document=self.document())
            .annotate(search_rank=SearchRank(F("search_document"), query), search_total=total)
            .order_by("-search_rank", "pk")
        )
        return list(rows)


class FallbackBackend:
    """SQLite: regular expressions (Python's, so case-insensitive in every script) over the
    records' fields, joined ones included."""

    name = "fallback"

    def __init__(self, french: bool = False) -> None:
        self.french = french

    def match(
        self, queryset: models.QuerySet, kind: SearchKind, parsed: ParsedQuery
    ) -> models.QuerySet:
        names = [name for name, _ in kind.fields(self.french)]
        for clause in parsed.positive:
            patterns = [term_pattern(term) for term in clause.alternatives]
            queryset = queryset.filter(self._any(patterns, names))
        for clause in parsed.negative:
            patterns = [term_pattern(term) for term in clause.alternatives]
            queryset = queryset.exclude(self._any(patterns, names))
        return queryset

    def best(
        self, kind: SearchKind, matches: models.QuerySet, parsed: ParsedQuery, bound: int, n: int
    ) -> list[models.Model]:
        """The `n` best of the first `bound + 1` `matches`, with `search_rank` and
        `search_total` (how many of those there are), in one statement."""
        first = matches.values("pk")[: bound + 1]
        queryset = kind.model.objects.filter(pk__in=first).select_related(*kind.select_related)
        rows = self.rank(queryset, kind, parsed).annotate(search_total=Window(Count("pk")))
        return list(rows.order_by("-search_rank", "pk")[:n])

    def rank(
        self, queryset: models.QuerySet, kind: SearchKind, parsed: ParsedQuery
    ) -> models.QuerySet:
        """The mean, over the words sought, of the weight of the best field each is in."""
        rank = Value(0.0, output_field=FloatField())
        for clause in parsed.positive:
            patterns = [term_pattern(term) for term in clause.alternatives]
            whens = [
                When(self._any(patterns, names), then=Value(WEIGHT_VALUES[weight]))
                for weight, names in kind.weights_in(self.french).items()
            ]
            rank = rank + Case(*whens, default=Value(0.0), output_field=FloatField())
        return queryset.annotate(search_rank=rank / max(1, len(parsed.positive)))

    @staticmethod
    def _any(patterns: list[str], names: Iterable[str]) -> Q:
        condition = Q()
        for name in names:
            for pattern in patterns:
                condition |= Q(**{f"{name}__iregex": pattern})
        return condition


# --- Snippets ---------------------------------------------------------------------------


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """`text` escaped, with the matches of `pattern` wrapped in <mark>.

    Matches are found in the raw text and each piece escaped on its own, so a mark never
    falls inside an entity and the editor's text is never trusted as HTML."""
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


def snippet(texts: Sequence[str], pattern: re.Pattern | None) -> SafeString:
    """About SNIPPET_LENGTH characters around the first match in the first text that has
    one (else the start of the first non-empty text), highlighted."""
    texts = [" ".join(text.split()) for text in texts if text and text.strip()]
    if not texts:
        return mark_safe("")
    chosen, at = texts[0], None
    if pattern is not None:
        for text in texts:
            match = pattern.search(text)
            if match:
                chosen, at = text, match.start()
                break
    if len(chosen) <= SNIPPET_LENGTH:
        return highlight(chosen, pattern)
    start = 0 if at is None else max(0, at - SNIPPET_LENGTH // 3)
    if start:
        space = chosen.find(" ", start)
        start = space + 1 if 0 <= space < (at or start) else start
    end = min(len(chosen), start + SNIPPET_LENGTH)
    if end < len(chosen):
        space = chosen.rfind(" ", start, end)
        end = space if space > start + SNIPPET_LENGTH // 2 else end
    body = highlight(chosen[start:end], pattern)
    return mark_safe(("… " if start else "") + body + (" …" if end < len(chosen) else ""))
