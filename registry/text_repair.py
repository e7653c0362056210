"""Repair characters and words damaged by PDF text extraction.

Editors paste text copied out of PDFs; typical damage is a lost ligature glyph (U+FFFD for
"fi", "ffi", "Th", ...), a wrong font mapping ("ý" for "fi", "þ" for "fl", "ô" for "’",
"ï" for "–"), headings set in small caps that come out as "SPEcIaL", and words carrying
Cyrillic or Greek look-alike letters. This module repairs characters and words only: it never
joins hyphenated line breaks or reflows paragraphs.

Word list: ``registry/data/ligature_words.txt`` holds the lower-case English words that contain
"fi", "fl" or "ff" (so also "ffi", "ffl") or begin with "th", extracted from Debian's
wamerican/wbritish word lists (-small, default and -large, version 2020.12.07-2), which are built
from SCOWL (Spell Checker Oriented Word Lists) by Kevin Atkinson, levels up to 70. Licence:
SCOWL's permissive licence (use, copy, modify, distribute and sell, provided the copyright and
permission notice are kept; its components are public domain or under similarly permissive
terms); the notices are kept at the top of the data file. The file is split in tiers ("# tier N"
lines): 1 = common words (SCOWL <= 35), 2 = SCOWL <= 50, 3 = SCOWL <= 70; a lower tier wins a tie.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KNOWN_CORRECTIONS", "RepairReport", "find_damage", "repair", "repair_text"]

# Corrupted words seen in real documents whose repair no rule can infer; matched as whole words.
KNOWN_CORRECTIONS: dict[str, str] = {
    "завершed": "completed",  # Cyrillic stem "заверш(ил)" + Latin ending: "has completed"
}

_FFFD = "\ufffd"
_EN_DASH = "\u2013"
_APOSTROPHE = "\u2019"

# Only real separators: form feed, vertical tab and the other control characters must stay
# inside tokens so that removing them is recorded as a change of the word that carried them.
_SPACE = " \t\n\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPLIT_RE = re.compile(f"([^{_SPACE}]+)")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LONE_CR_RE = re.compile(r"\r(?!\n)")
_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)

# Letters that render like Latin ones; used only inside words that also contain Latin letters.
_TO_LATIN = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j",
    "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "ο": "o", "α": "a", "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip
# The reverse, for a Cyrillic word with a stray Latin look-alike; Russian letters only.
_TO_CYRILLIC = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С",
    "T": "Т", "X": "Х",
}  # fmt: skip

# Wrong-font glyphs that stood for a ligature; the upper-case forms only count in upper-case words.
_FONT_LIGATURES = {"ý": "fi", "þ": "fl"}
_FONT_LIGATURES_UPPER = {"Ý": "FI", "Þ": "FL"}
_FONT_APOSTROPHE = "ô"
_FONT_DASH = "ï"

# Candidates for a U+FFFD inside a word, in the order that breaks ties (most frequent first).
_LIGATURE_CANDIDATES = ("fi", "fl", "ffi", "ffl", "ff")
# Bases that take "n’t", and words that take the other short contractions.
_NT_BASES = frozenset(
    {
        "ain", "aren", "can", "couldn", "didn", "doesn", "don", "hadn", "hasn", "haven", "isn",
        "mightn", "mustn", "needn", "shan", "shouldn", "wasn", "weren", "won", "wouldn",
    }
)  # fmt: skip
_PRONOUNS = frozenset(
    {"i", "you", "we", "they", "he", "she", "it", "that", "there", "who", "what", "where", "here",
     "let"}
)  # fmt: skip

# Mixed-case words that are spelt that way on purpose; never evidence of small-caps damage.
_KNOWN_MIXED_CASE = frozenset(
    {"iOS", "macOS", "pH", "mRNA", "dB", "kWh", "MHz", "GHz", "kHz", "LaTeX", "TeX"}
)
_LEGIT_MIXED_RE = re.compile(
    r"[A-Z]{2,}s"  # plural acronym: IPAPs
    r"|[A-Z][a-z][A-Z]s?"  # short acronym with a small letter: PfP, PhD, MoUs
    r"|(?:[A-Z][a-z]+){2,}"  # CamelCase, Mc/Mac names: McDonald, PowerPoint
    r"|(?:[A-Z][a-z]+)+[A-Z]{1,2}s?"  # CamelCase ending in an acronym: OpenAI, GmbH
    r"|[a-z]+(?:[A-Z][a-z]+)+"  # iPhone, eBay, camelCase
)
# Greek mu is often typed for the micro sign: "μm", "μg" are units, not damage.
_UNIT_RE = re.compile(r"μ[A-Za-z]{1,3}")
_SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*$")
_WORD_PART_RE = re.compile(r"[^\W\d_]+")
_SUBWORD_SPLIT_RE = re.compile(r"([^\w\ufffd'’]+)")


@dataclass(frozen=True)
class RepairReport:
    """Result of :func:`repair_text`."""

    text: str
    changes: list[tuple[str, str]]
    unresolved: list[str]

    @property
    def clean(self) -> bool:
        """True when no damage was left unrepaired."""
        return not self.unresolved


def repair_text(text: str) -> RepairReport:
    """Repair PDF-extraction damage in ``text`` and report what was changed or left."""
    doc = _Document(text)
    doc.run()
    events = doc.events()
    return RepairReport(
        text=doc.text(),
        changes=[(before, after) for before, after in events if after is not None],
        unresolved=[word for word, after in events if after is None],
    )


def repair(text: str) -> str:
    """Return ``text`` with PDF-extraction damage repaired."""
    return repair_text(text).text


def find_damage(text: str) -> list[str]:
    """Return the words of ``text`` that look damaged, in order, without changing anything."""
    doc = _Document(text)
    doc.run()
    return doc.damaged()


@functools.cache
def _word_tiers() -> dict[str, int]:
    # Loaded once, on first use, so importing the module stays cheap.
    path = Path(__file__).with_name("data") / "ligature_words.txt"
    tiers: dict[str, int] = {}
    tier = 1
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# tier "):
            tier = int(line.removeprefix("# tier "))
        elif line and not line.startswith("#"):
            tiers.setdefault(line, tier)
    return tiers


@functools.cache
def _script(ch: str) -> str:
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0]


def _is_mixed_script(word: str) -> bool:
    if word.isascii() or _UNIT_RE.fullmatch(word):
        return False
    scripts = {_script(c) for c in word if c.isalpha()}
    return "LATIN" in scripts and bool(scripts & {"CYRILLIC", "GREEK"})


def _case_class(part: str) -> str:
    """Classify a run of letters as lower, upper, title, legit (mixed on purpose) or irregular."""
    if part.islower():
        return "lower"
    if part.isupper():
        return "upper"
    if part[0].isupper() and part[1:].islower():
        return "title"
    if part in _KNOWN_MIXED_CASE or _LEGIT_MIXED_RE.fullmatch(part):
        return "legit"
    return "irregular"


def _upward_switches(part: str) -> int:
    return sum(1 for a, b in itertools.pairwise(part) if a.islower() and b.isupper())


def _is_small_caps_line(words: Iterable[str]) -> bool:
    # Small-caps extraction yields words like "SPEcIaL": the line is damaged when such words
    # outnumber the normally cased ones. Upper-case words are neutral (headings are upper case).
    irregular = normal = 0
    strong = False
    for word in words:
        for part in _WORD_PART_RE.findall(word):
            if len(part) < 2:
                continue
            kind = _case_class(part)
            if kind == "irregular":
                irregular += 1
                strong = strong or _upward_switches(part) >= 2
            elif kind != "upper":
                normal += 1
    return irregular > normal and (irregular >= 2 or strong)


def _is_regular_case(word: str) -> bool:
    return all(
        _case_class(part) in ("lower", "title", "upper", "legit")
        for part in _WORD_PART_RE.findall(word)
        if len(part) >= 2
    )


def _match_case(insert: str, word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return insert.upper()
    return insert


def _strip_edges(token: str) -> tuple[int, int]:
    """Length of leading and trailing punctuation around a token's word."""

    def wordish(ch: str) -> bool:
        return ch == _FFFD or not unicodedata.category(ch).startswith(("P", "S"))

    start = 0
    while start < len(token) and not wordish(token[start]):
        start += 1
    end = len(token)
    while end > start and not wordish(token[end - 1]):
        end -= 1
    return start, len(token) - end


def _core(token: str) -> str:
    lead, trail = _strip_edges(token)
    return token[lead : len(token) - trail]


@dataclass
class _Context:
    vocab: frozenset[str]
    font_damage: bool  # the text shows the wrong-font pattern (ý/þ standing for fi/fl)
    sentence_start: bool = False


def _known_tier(word: str, vocab: frozenset[str]) -> int | None:
    """0 when the word occurs undamaged in the text itself, else its word-list tier, else None."""
    lower = word.lower()
    if lower in vocab:
        return 0
    return _word_tiers().get(lower)


def _apostrophe_tier(base: str, suffix: str, vocab: frozenset[str]) -> int | None:
    """How plausible ``base’suffix`` is (lower is better), or None when it is not a contraction."""
    if not base or not base.isalpha():
        return None
    lower_suffix = suffix.lower()
    lower_base = base.lower()
    if lower_suffix == "":
        # Plural possessive: members’
        if not lower_base.endswith("s"):
            return None
    elif lower_suffix == "t":
        return 1 if lower_base in _NT_BASES else None
    elif lower_suffix in ("re", "ll", "ve", "d", "m"):
        return 1 if lower_base in _PRONOUNS else None
    elif lower_suffix != "s":
        return None
    if lower_base in vocab:
        return 0
    if lower_base in _word_tiers() or base.isupper() or base.istitle():
        return 1
    return 4


def _repair_fffd(word: str, ctx: _Context) -> str:
    """Replace each U+FFFD of a word by the candidate that yields the best-known word."""
    positions = [i for i, c in enumerate(word) if c == _FFFD]
    if not positions or len(positions) > 3 or word == _FFFD:
        return word
    th_rank = len(_LIGATURE_CANDIDATES)
    options: list[list[tuple[str, int]]] = []
    for pos in positions:
        opts = list(zip(_LIGATURE_CANDIDATES, range(th_rank), strict=True))
        if pos == 0:
            opts.append(("Th" if ctx.sentence_start else "th", th_rank))
        else:
            # A mid-word "th" is no ligature; it is only taken on evidence from the text itself.
            opts.append(("th", th_rank + 1))
            opts.append((_APOSTROPHE, th_rank + 2))
        if 0 < pos < len(word) - 1 and word[pos - 1].isdigit() and word[pos + 1].isdigit():
            opts.append((_EN_DASH, th_rank + 3))
        options.append([(_match_case(text, word), rank) for text, rank in opts])

    best: tuple[tuple[int, int, tuple[int, ...]], str] | None = None
    for combo in itertools.product(*options):
        pieces = iter(combo)
        candidate = "".join(next(pieces)[0] if c == _FFFD else c for c in word)
        lower_th = not ctx.sentence_start and combo[0][1] == th_rank
        # Fonts rarely ligate a lower-case "th", so "that" printed intact elsewhere in the text
        # is no evidence for "�at"; only the word list counts there.
        tier = _candidate_tier(candidate, combo, ctx.vocab if not lower_th else frozenset())
        if tier is None or (tier > 0 and any(rank == th_rank + 1 for _, rank in combo)):
            continue
        # A sentence cannot start with a lower-case ligature, so there "Th" wins.
        th_first = 0 if ctx.sentence_start and combo[0][1] == th_rank else 1
        key = (th_first, tier, tuple(rank for _, rank in combo))
        if best is None or key < best[0]:
            best = (key, candidate)
    return best[1] if best else word


def _candidate_tier(
    candidate: str, combo: tuple[tuple[str, int], ...], vocab: frozenset[str]
) -> int | None:
    inserted = [text for text, _ in combo]
    if _EN_DASH in inserted:
        return 0 if inserted == [_EN_DASH] else None
    if _APOSTROPHE in inserted:
        if inserted.count(_APOSTROPHE) > 1:
            return None
        base, _, suffix = candidate.partition(_APOSTROPHE)
        if len(inserted) > 1 and _known_tier(base, vocab) is None:
            # A ligature guessed inside the base needs the base itself to be a known word.
            return None
        return _apostrophe_tier(base, suffix, vocab)
    if not candidate.isalpha():
        return None
    return _known_tier(candidate, vocab)


def _map_font_ligatures(word: str, vocab: frozenset[str]) -> str | None:
    """The word with ý/þ read as fi/fl, when that makes a known English word."""
    table = dict(_FONT_LIGATURES)
    if word.isupper():
        table.update(_FONT_LIGATURES_UPPER)
    if not any(c in table for c in word):
        return None
    mapped = "".join(table.get(c, c) for c in word)
    # Judge the word without a possessive ending: "beneýt’s" counts as "benefit".
    stem = re.split("['’]", mapped, maxsplit=1)[0]
    if stem.isalpha() and stem.isascii() and _known_tier(stem, vocab) is not None:
        return mapped
    return None


def _repair_font(word: str, ctx: _Context) -> str:
    """Undo the wrong-font mapping when the result is a known word and the pattern fits."""
    word = _map_font_ligatures(word, ctx.vocab) or word
    if word.count(_FONT_APOSTROPHE) == 1:
        base, _, suffix = word.partition(_FONT_APOSTROPHE)
        tier = _apostrophe_tier(base, suffix, ctx.vocab)
        # "côte", "bientôt": French words are only touched in a text that shows the damage.
        if tier is not None and (tier == 0 or ctx.font_damage) and base.isascii():
            word = f"{base}{_APOSTROPHE}{suffix}"
    return word


def _repair_script(word: str) -> str:
    """Map look-alike letters so that a mixed-script word is in one script."""
    if not _is_mixed_script(word):
        return word
    latin = [c for c in word if _script(c) == "LATIN"]
    other = [c for c in word if _script(c) in ("CYRILLIC", "GREEK")]
    to_latin = all(c in _TO_LATIN for c in other)
    to_cyrillic = all(_script(c) == "CYRILLIC" for c in other) and all(
        c in _TO_CYRILLIC for c in latin
    )
    # When both ways are open ("сoса"), the script of most letters is the word's own.
    if to_latin and (not to_cyrillic or len(latin) >= len(other)):
        return "".join(_TO_LATIN.get(c, c) for c in word)
    if to_cyrillic:
        return "".join(_TO_CYRILLIC.get(c, c) for c in word)
    return word


def _known_correction(word: str) -> str | None:
    if word in KNOWN_CORRECTIONS:
        return KNOWN_CORRECTIONS[word]
    # Read at call time so that entries added to KNOWN_CORRECTIONS at run time count too.
    fixed = {k.lower(): v for k, v in KNOWN_CORRECTIONS.items()}.get(word.lower())
    if fixed is None:
        return None
    if word.isupper():
        return fixed.upper()
    if word[:1].isupper():
        return fixed[:1].upper() + fixed[1:]
    return fixed


def _repair_word(core: str, ctx: _Context) -> str:
    fixed = _known_correction(core)
    if fixed is not None:
        return fixed
    pieces = _SUBWORD_SPLIT_RE.split(core)
    for i in range(0, len(pieces), 2):
        sub = pieces[i]
        if not sub:
            continue
        fixed = _known_correction(sub)
        if fixed is None:
            fixed = _repair_script(sub)
            fixed = _repair_font(fixed, ctx)
            # Only the first piece of "word-word" can open a sentence.
            sub_ctx = ctx if i == 0 else _Context(ctx.vocab, ctx.font_damage, False)
            fixed = _repair_fffd(fixed, sub_ctx)
        pieces[i] = fixed
    return "".join(pieces)


def _is_unresolved(core: str) -> bool:
    if _FFFD in core:
        return True
    return any(_is_mixed_script(sub) for sub in _SUBWORD_SPLIT_RE.split(core)[::2])


def _clean_chars(token: str) -> str:
    return _CONTROL_RE.sub("", token).translate(_LIGATURES)


def _vocabulary(tokens: Iterable[str]) -> frozenset[str]:
    # Words that occur undamaged elsewhere in the same text are the best evidence for a repair.
    words: set[str] = set()
    for token in tokens:
        for part in _WORD_PART_RE.findall(token):
            if part.isascii():
                words.add(part.lower())
    return frozenset(words)


class _Document:
    """The text as whitespace runs and tokens, repaired token by token until stable."""

    _MAX_PASSES = 5

    def __init__(self, text: str) -> None:
        text = _LONE_CR_RE.sub("", unicodedata.normalize("NFC", text))
        parts = _SPLIT_RE.split(text)
        self.seps: list[str] = parts[0::2]
        self.original: list[str] = parts[1::2]
        self.tokens: list[str] = [_clean_chars(t) for t in self.original]
        # Words that change only because their whole line is upper-cased are not damage.
        self.case_only: set[int] = set()
        self.line_of: list[int] = []
        line = 0
        for i in range(len(self.original)):
            line += self.seps[i].count("\n")
            self.line_of.append(line)

    def text(self) -> str:
        out = [self.seps[0]]
        for token, sep in zip(self.tokens, self.seps[1:], strict=True):
            out.append(token)
            out.append(sep)
        return "".join(out)

    def run(self) -> None:
        for _ in range(self._MAX_PASSES):
            if not self._pass():
                break

    def _lines(self) -> dict[int, list[int]]:
        lines: dict[int, list[int]] = {}
        for i, token in enumerate(self.tokens):
            if token:
                lines.setdefault(self.line_of[i], []).append(i)
        return lines

    def _pass(self) -> bool:
        vocab = _vocabulary(t for t in self.tokens if _FFFD not in t)
        ctx = _Context(vocab=vocab, font_damage=self._has_font_damage(vocab))
        lines = self._lines()
        small_caps = {
            n for n, idx in lines.items() if _is_small_caps_line(_core(self.tokens[i]) for i in idx)
        }
        headings = small_caps | {n for n, idx in lines.items() if self._is_upper_line(idx)}
        changed = False
        previous: int | None = None
        for n in sorted(lines):
            for i in lines[n]:
                token = self.tokens[i]
                ctx.sentence_start = self._sentence_start(previous, i, headings)
                new = self._repair_token(i, token, ctx, lines[n])
                if n in small_caps:
                    if new == token and _is_regular_case(new) and new.upper() != new:
                        self.case_only.add(i)
                    new = new.upper()
                if new != token:
                    self.tokens[i] = new
                    changed = True
                previous = i
        return changed

    def _repair_token(self, i: int, token: str, ctx: _Context, line: list[int]) -> str:
        lead, trail = _strip_edges(token)
        core = token[lead : len(token) - trail]
        if not core or (core.isascii() and _known_correction(core) is None):
            # Every kind of damage left after the character clean-up is outside ASCII.
            return token
        if core in (_FFFD, _FONT_DASH) and len(token) == 1:
            # A lone glyph after a word on its line and before another word is a spaced dash.
            pos = line.index(i)
            if pos > 0 and i + 1 < len(self.tokens) and (core == _FFFD or ctx.font_damage):
                return _EN_DASH
            return token
        return token[:lead] + _repair_word(core, ctx) + token[len(token) - trail :]

    def _has_font_damage(self, vocab: frozenset[str]) -> bool:
        for token in self.tokens:
            if not any(c in token for c in _FONT_LIGATURES):
                continue
            subwords = _SUBWORD_SPLIT_RE.split(_core(token))[::2]
            if any(_map_font_ligatures(sub, vocab) for sub in subwords):
                return True
        return False

    def _is_upper_line(self, idx: list[int]) -> bool:
        letters = [c for i in idx for c in self.tokens[i] if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)

    def _sentence_start(self, previous: int | None, i: int, headings: set[int]) -> bool:
        if previous is None:
            return True
        gap = "".join(self.seps[previous + 1 : i + 1])
        if re.search(r"\n[ \t\r]*\n", gap):
            return True
        if self.line_of[previous] != self.line_of[i] and self.line_of[previous] in headings:
            return True
        return bool(_SENTENCE_END_RE.search(self.tokens[previous]))

    def events(self) -> list[tuple[str, str | None]]:
        """(original word, repaired word, or None when left unresolved) in order of appearance."""
        events: list[tuple[str, str | None]] = []
        for orig, new in zip(self.original, self.tokens, strict=True):
            if new != orig:
                # Repairs never touch the punctuation around a word, so the same cut fits both.
                lead, trail = _strip_edges(orig)
                events.append((orig[lead : len(orig) - trail], new[lead : len(new) - trail]))
            if _is_unresolved(_core(new)):
                events.append((_core(new), None))
        return events

    def damaged(self) -> list[str]:
        out: list[str] = []
        for i, (orig, new) in enumerate(zip(self.original, self.tokens, strict=True)):
            if (new != orig and i not in self.case_only) or _is_unresolved(_core(new)):
                out.append(_core(orig) or orig)
        return out
