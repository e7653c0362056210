"""Text repair for PDF-extracted text: ligatures, wrong-font glyphs, small caps, mixed scripts.

The damaged snippets below are exact copies (string literals) of the seed documents; the
fixture copies of whole documents are at the bottom of this file. No test reads shared data.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from registry import text_repair
from registry.text_repair import (
    KNOWN_CORRECTIONS,
    RepairReport,
    find_damage,
    repair,
    repair_text,
)

FONT_DAMAGE = "ýþôï"


def layout(text: str) -> str:
    """The whitespace skeleton of a text: repairs must never change it."""
    return re.sub(r"\S+", "", text)


# --- Every damaged word of document 001 ----------------------------------------------------

# (snippet as extracted, damaged word, repaired word); snippets keep the real neighbours, since
# the sentence context decides between "The" and "the".
FFFD_CASES = [
    ("Azerbaijan and Georgia. �is re�ects the decision", "�is", "This"),
    ("Azerbaijan and Georgia. �is re�ects the decision", "re�ects", "reflects"),
    ("It is part of NATO�s policy to reach out to", "NATO�s", "NATO’s"),
    ("countries in the southern Caucasus � Armenia,", "�", "–"),
    ("the �rst to be given this responsibility.", "�rst", "first"),
    ("He works closely with regional o�cials", "o�cials", "officials"),
    ("Asia is supported by two liaison o�cers,", "o�cers", "officers"),
    ("with NATO.\n\no�cer works directly in an advisory role", "o�cer", "officer"),
    ("in Europe.  \n�is helps to ensure that communication", "�is", "This"),
    ("CaUcaSUS anD CEntraL ASIa\n �e importance of fostering security", "�e", "The"),
    ("supporting the\ncountry�s reform objectives.", "country�s", "country’s"),
    ("agrees to provide focused, country-\nspeci�c advice", "speci�c", "specific"),
    ("to better support the country�s domestic\nreform e�orts.", "e�orts", "efforts"),
    ("Partnership for Peace.\n\n�e framework for cooperation", "�e", "The"),
    ("NATO o�ered Georgia an\nIntensi�ed Dialogue covering", "o�ered", "offered"),
    ("NATO o�ered Georgia an\nIntensi�ed Dialogue covering", "Intensi�ed", "Intensified"),
    ("the full range of political, military,\n�nancial, and security issues", "�nancial",
     "financial"),
    ("institutional structures.\n\n�is does not guarantee an invitation to", "�is", "This"),
    ("and achieving a number of benchmarks.\n�ese include a functioning democratic", "�ese",
     "These"),
    ("to achieve interoperability with other\nmembers� forces;", "members�", "members’"),
    ("democratic civil-military relations.\n\n�rough structured expert discussions,", "�rough",
     "Through"),
    ("It also allows\nNATO o�cials to examine in greater", "o�cials", "officials"),
    ("to facilitate progress. �e Intensi�ed\nDialogue complements", "�e", "The"),
    ("Dialogue complements work under\nGeorgia�s Individual Partnership Action", "Georgia�s",
     "Georgia’s"),
]  # fmt: skip

# Wrong-font glyphs: ý = fi, þ = fl, ô = ’, ï = – (spaced dash).
FONT_CASES = [
    ("and to beneýt from Allied support in the pursuit of", "beneýt", "benefit"),
    ("NATO launched an Intensiýed\nDialogue with Georgia", "Intensiýed", "Intensified"),
    ("political, military,\nýnancial, and security issues", "ýnancial", "financial"),
    ("a ýrst step in reaching out beyond the East-West divide", "ýrst", "first"),
    ("Caspian Sea basin have signiýcant oil and gas", "signiýcant", "significant"),
    ("Nagorno-Karabakh, ofýcially part of Azerbaijan,", "ofýcially", "officially"),
    ("build conýdence and transparency, diminish threats", "conýdence", "confidence"),
    ("touch on virtually every ýeld of NATO activity,", "ýeld", "field"),
    ("the United Nations, which have speciýc mandates", "speciýc", "specific"),
    ("Peaceful resolution of conþict is a core value of NATO,", "conþict", "conflict"),
    ("are involved in protracted conþicts with breakaway", "conþicts", "conflicts"),
    (
        "Intensiýed Dialogue with Georgia covering the full range of political, military,\n"
        "ýnancial, and security issues relating to the countryôs membership",
        "countryôs",
        "country’s",
    ),
    ("failed states and regional conþicts ï defy borders and can", "ï", "–"),
]


@pytest.mark.parametrize(("snippet", "damaged", "expected"), FFFD_CASES + FONT_CASES)
def test_each_damaged_word_of_document_001_is_repaired(snippet, damaged, expected):
    report = repair_text(snippet)
    assert (damaged, expected) in report.changes
    assert damaged in find_damage(snippet)
    assert report.clean
    assert "\ufffd" not in report.text
    assert not set(FONT_DAMAGE) & set(report.text)
    assert layout(report.text) == layout(snippet)


def test_whole_document_001_reads_as_correct_english():
    report = repair_text(DOC_001)
    text = report.text
    assert report.clean, report.unresolved
    assert "\ufffd" not in text
    assert not set(FONT_DAMAGE) & set(text)
    for phrase in [
        "southern Caucasus – Armenia,",
        "Georgia. This reflects the decision",
        "It is part of NATO’s policy",
        "and to benefit from Allied support",
        "NATO launched an Intensified \nDialogue with Georgia",
        "financial, and security issues relating to the country’s membership",
        "a first step in reaching out",
        "Robert Simmons is \nthe first to be given this responsibility.",
        "He works closely with regional officials",
        "two liaison officers, \none based in each region. Each liaison \nofficer works",
        "NATO’S SPECIAL \nREPRESENTATIVE TO THE \nCAUCASUS AND CENTRAL ASIA\n",
        " The importance of fostering security in the region",
        "regional conflicts – defy borders",
        "have significant oil and gas",
        "Nagorno-Karabakh, officially part of Azerbaijan",
        "the \ncountry’s reform objectives",
        "country-\nspecific advice",
        "reform efforts. ",
        "have specific mandates",
        "Peaceful resolution of conflict is a core value",
        "The framework for cooperation",
        "build confidence and transparency",
        "every field of NATO activity, including defence-\nrelated work",
        "They \nwere among the first Partner countries",
        "when it was first launched in 2002",
        "NATO offered Georgia an \nIntensified Dialogue covering",
        "This does not guarantee an invitation",
        "These include a functioning democratic",
        "members’ forces;",
        "Through structured expert discussions",
        "NATO officials to examine",
        "The Intensified \nDialogue complements work under \nGeorgia’s Individual Partnership",
        "GEORGIA’S INTENSIFIED \nDIALOGUE WITH NATO",
        # Legitimate mixed case on normal lines is left alone.
        "Partnership for Peace (PfP),",
        "IPAPs are",
        "NATO’s Partnership structures",
    ]:
        assert phrase in text, phrase
    # Characters and words only: same lines, same whitespace, hyphenated breaks kept.
    assert layout(text) == layout(DOC_001)
    assert len(text.splitlines()) == len(DOC_001.splitlines())


def test_document_001_changes_are_exactly_the_damaged_words():
    changes = repair_text(DOC_001).changes
    assert len(changes) == 61
    assert sorted(set(changes)) == sorted(
        {
            ("�", "–"),
            ("�is", "This"),
            ("re�ects", "reflects"),
            ("NATO�s", "NATO’s"),
            ("beneýt", "benefit"),
            ("Intensiýed", "Intensified"),
            ("ýnancial", "financial"),
            ("countryôs", "country’s"),
            ("ýrst", "first"),
            ("�rst", "first"),
            ("o�cials", "officials"),
            ("o�cers", "officers"),
            ("o�cer", "officer"),
            ("SPEcIaL", "SPECIAL"),
            ("REPrESEntatIVE", "REPRESENTATIVE"),
            ("to", "TO"),
            ("tHE", "THE"),
            ("CaUcaSUS", "CAUCASUS"),
            ("anD", "AND"),
            ("CEntraL", "CENTRAL"),
            ("ASIa", "ASIA"),
            ("�e", "The"),
            ("conþicts", "conflicts"),
            ("ï", "–"),
            ("signiýcant", "significant"),
            ("ofýcially", "officially"),
            ("country�s", "country’s"),
            ("speci�c", "specific"),
            ("e�orts", "efforts"),
            ("speciýc", "specific"),
            ("conþict", "conflict"),
            ("conýdence", "confidence"),
            ("ýeld", "field"),
            ("o�ered", "offered"),
            ("Intensi�ed", "Intensified"),
            ("�nancial", "financial"),
            ("�ese", "These"),
            ("members�", "members’"),
            ("�rough", "Through"),
            ("Georgia�s", "Georgia’s"),
            ("GEorgIa’S", "GEORGIA’S"),
            ("IntEnSIFIED", "INTENSIFIED"),
            ("DIaLogUE", "DIALOGUE"),
            ("WItH", "WITH"),
        }
    )
    # In order of appearance.
    assert changes[:4] == [
        ("�", "–"),
        ("�is", "This"),
        ("re�ects", "reflects"),
        ("NATO�s", "NATO’s"),
    ]
    assert changes[-1] == ("WItH", "WITH")


def test_first_paragraph_of_document_001_exactly():
    damaged = (
        "NATO is deepening cooperation with its Partner \n"
        "countries in the southern Caucasus � Armenia, \n"
        "\n"
        "Azerbaijan and Georgia. �is re�ects the decision  \n"
        "taken by Allied leaders at the Istanbul Summit in \n"
        "June 2004 to make partnership with the Caucasus \n"
        "region, as well as with Central Asia, a priority for the \n"
        "Alliance. It is part of NATO�s policy to reach out to \n"
    )
    assert repair(damaged) == (
        "NATO is deepening cooperation with its Partner \n"
        "countries in the southern Caucasus – Armenia, \n"
        "\n"
        "Azerbaijan and Georgia. This reflects the decision  \n"
        "taken by Allied leaders at the Istanbul Summit in \n"
        "June 2004 to make partnership with the Caucasus \n"
        "region, as well as with Central Asia, a priority for the \n"
        "Alliance. It is part of NATO’s policy to reach out to \n"
    )


def test_intensified_dialogue_box_of_document_001_exactly():
    damaged = (
        "NATO o�ered Georgia an \n"
        "Intensi�ed Dialogue covering \n"
        "\n"
        "the full range of political, military, \n"
        "�nancial, and security issues relating to \n"
        "the country�s membership aspirations in \n"
        "September 2006. \n"
        "\n"
        "�is does not guarantee an invitation to \n"
        "join the Alliance."
    )
    report = repair_text(damaged)
    assert report.text == (
        "NATO offered Georgia an \n"
        "Intensified Dialogue covering \n"
        "\n"
        "the full range of political, military, \n"
        "financial, and security issues relating to \n"
        "the country’s membership aspirations in \n"
        "September 2006. \n"
        "\n"
        "This does not guarantee an invitation to \n"
        "join the Alliance."
    )
    assert report.changes == [
        ("o�ered", "offered"),
        ("Intensi�ed", "Intensified"),
        ("�nancial", "financial"),
        ("country�s", "country’s"),
        ("�is", "This"),
    ]


def test_wrong_font_paragraph_of_document_001_exactly():
    damaged = (
        "security challenges – terrorism, the proliferation of weapons of mass \n"
        "destruction, failed states and regional conþicts ï defy borders and can \n"
        "only be addressed through concerted international cooperation."
    )
    assert repair(damaged) == (
        "security challenges – terrorism, the proliferation of weapons of mass \n"
        "destruction, failed states and regional conflicts – defy borders and can \n"
        "only be addressed through concerted international cooperation."
    )


# --- Small-caps headings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        (
            "NATO’S SPEcIaL \nREPrESEntatIVE to tHE \nCaUcaSUS anD CEntraL ASIa\n",
            "NATO’S SPECIAL \nREPRESENTATIVE TO THE \nCAUCASUS AND CENTRAL ASIA\n",
        ),
        (
            "GEorgIa’S IntEnSIFIED \nDIaLogUE WItH NATO\n",
            "GEORGIA’S INTENSIFIED \nDIALOGUE WITH NATO\n",
        ),
    ],
)
def test_small_caps_heading_lines_become_upper_case(damaged, expected):
    report = repair_text(damaged)
    assert report.text == expected
    assert report.clean
    # "to" was not damaged itself: it only follows its line.
    assert "to" not in find_damage(damaged)
    assert "SPEcIaL" in find_damage(damaged) or "GEorgIa’S" in find_damage(damaged)


@pytest.mark.parametrize(
    "line",
    [
        "When Partner countries join the Partnership for Peace (PfP), they sign the PfP "
        "Framework Document.",
        "Set in a two-year timeframe, IPAPs are designed to bring together",
        "It is part of NATO’s policy; McDonald bought an iPhone and an iPad on eBay.",
        "PfP iPhone",
        "McDonald PfP IPAPs NATO’s",
        "PhD MoUs GmbH OpenAI PowerPoint LaTeX",
        "tHE quick brown fox",  # one odd word among normal ones is no heading
        "mRNA",
        "NATO-Georgia cooperation",
    ],
)
def test_legitimate_mixed_case_is_untouched(line):
    report = repair_text(line)
    assert report.text == line
    assert report.changes == []
    assert find_damage(line) == []


# --- Mixed scripts ----------------------------------------------------------------------------


def test_known_correction_for_cyrillic_stem_with_latin_ending():
    assert KNOWN_CORRECTIONS["завершed"] == "completed"
    sentence = (
        "NATO Deputy Secretary General Radmila Shekerinska has завершed a two day visit to "
        "Azerbaijan"
    )
    report = repair_text(sentence)
    assert report.text == (
        "NATO Deputy Secretary General Radmila Shekerinska has completed a two day visit to "
        "Azerbaijan"
    )
    assert report.changes == [("завершed", "completed")]
    assert report.clean
    assert find_damage(sentence) == ["завершed"]


def test_known_correction_keeps_capitalisation_and_punctuation():
    assert repair("Завершed. (завершed)") == "Completed. (completed)"


def test_whole_document_004_only_changes_the_corrupted_word():
    report = repair_text(DOC_004)
    assert report.text == DOC_004.replace("завершed", "completed")
    assert "has completed a two day visit to Azerbaijan" in report.text
    assert report.changes == [("завершed", "completed")]
    assert report.clean
    # Informal spellings in the comment are the author's, not extraction damage.
    assert "invaded it’s neighbour" in report.text
    assert "Before anyone say’s that" in report.text


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("Pаrtnership", "Partnership"),  # Cyrillic а
        ("Gеоrgia", "Georgia"),  # Cyrillic е and о
        ("Сaucasus", "Caucasus"),  # Cyrillic С
        ("еxercise", "exercise"),  # Cyrillic е
        ("ехercise", "exercise"),  # Cyrillic е and х
        ("NΑΤΟ", "NATO"),  # Greek Alpha, Tau, Omicron
        ("Κosovo", "Kosovo"),  # Greek Kappa
        ("Euro-Аtlantic", "Euro-Atlantic"),  # Cyrillic А after a hyphen
        ("Тbilisi,", "Tbilisi,"),  # Cyrillic Т, punctuation kept
        ("rеpоrt", "report"),
        ("рrоcеss", "process"),
        ("сrоss", "cross"),
        ("maxіmum", "maximum"),  # Ukrainian і
        ("прoект", "проект"),  # Latin o inside a Russian word goes the other way
        ("сoса", "соса"),  # either way possible: most letters are Cyrillic
        ("Cоcа", "Coca"),  # either way possible: tie goes to Latin
    ],
)
def test_homoglyphs_are_mapped_to_the_word_s_script(damaged, expected):
    report = repair_text(damaged)
    assert report.text == expected
    assert report.changes == [(damaged.rstrip(","), expected.rstrip(","))]
    assert report.clean
    assert repair(expected) == expected


def test_cyrillic_and_greek_words_are_untouched():
    text = "Москва, Київ, завершил, Ελλάδα, αβγ and 5 μm or 3 μg."
    report = repair_text(text)
    assert report.text == text
    assert report.changes == []
    assert report.clean


def test_unrepairable_mixed_script_word_is_reported_not_changed():
    text = "The minister подписed the agreement and Tbilisiя too."
    report = repair_text(text)
    assert report.text == text
    assert report.changes == []
    assert report.unresolved == ["подписed", "Tbilisiя"]
    assert not report.clean
    assert find_damage(text) == ["подписed", "Tbilisiя"]


# --- Legitimate ý, þ, ô, ï, ð ---------------------------------------------------------------

NAMES = (
    "Þór Sigurðsson met Guðrún Þórsdóttir at Þingvellir. Kateřina Nováková, Zdeněk Novotný "
    "and Jiří Dvorský flew to Côte d’Ivoire; a naïve plan, bientôt fini. Benoît chose the "
    "côte and the rôle at the Hôtel Noël in Dún Laoghaire."
)


def test_names_with_legitimate_letters_are_untouched():
    report = repair_text(NAMES)
    assert report.text == NAMES
    assert report.changes == []
    assert report.clean
    assert find_damage(NAMES) == []


def test_names_are_untouched_even_in_a_text_with_wrong_font_damage():
    # The same document shows the ý = fi / þ = fl damage, which must not spill over.
    text = "The conþict was signiýcant ï said the countryôs minister.\n" + NAMES
    report = repair_text(text)
    assert report.text == ("The conflict was significant – said the country’s minister.\n" + NAMES)
    assert report.changes == [
        ("conþict", "conflict"),
        ("signiýcant", "significant"),
        ("ï", "–"),
        ("countryôs", "country’s"),
    ]


def test_wrong_font_dash_and_apostrophe_need_evidence_of_damage():
    # Without ý/þ damage nearby, "ï" and "ô" could be real letters: leave them.
    for text in ["Lone ï here", "the countryôs membership", "plutôt bientôt"]:
        assert repair(text) == text


def test_wrong_font_ligature_needs_a_known_english_result():
    assert repair("Novotný, Dvorský, být, Þór, þú") == "Novotný, Dvorský, být, Þór, þú"
    assert repair("beneýt") == "benefit"
    assert repair("the beneýt’s scope") == "the benefit’s scope"
    assert repair("SIGNIÝCANT CONÞICT") == "SIGNIFICANT CONFLICT"


# --- Lost glyphs that no candidate fits ---------------------------------------------------------


def test_unfitting_replacement_character_is_left_and_reported():
    text = "A xq�zz word, East�West, a �Quote� and\n� a bullet."
    report = repair_text(text)
    assert report.text == text
    assert report.changes == []
    assert report.unresolved == ["xq�zz", "East�West", "�Quote�", "�"]
    assert not report.clean
    assert find_damage(text) == ["xq�zz", "East�West", "�Quote�", "�"]


def test_replacement_character_candidates():
    assert repair("sta� and cli�s") == "staff and cliffs"
    assert repair("don�t, I�m, we�re") == "don’t, I’m, we’re"
    assert repair("from 1990�2000") == "from 1990–2000"
    assert repair("SPECI�C ATTENTION") == "SPECIFIC ATTENTION"
    assert repair("baﬄe o�ce") == "baffle office"


def test_the_versus_a_lower_case_ligature():
    # A sentence cannot open with a lower-case ligature, so there the lost glyph is "Th".
    assert repair("It was over. �at was all.") == "It was over. That was all."
    # Mid-sentence, a lost ligature is far likelier than a "th" one...
    assert repair("we saw a �at tyre") == "we saw a flat tyre"
    # ...unless only "th" makes a word.
    assert repair("in �e region") == "in the region"
    assert repair("in �ese regions") == "in these regions"


def test_words_of_the_same_text_are_evidence():
    # "ff" and "ffl" both make a word of "mu�ed"; "muffed" appearing intact decides.
    assert repair("the sound was mu�ed") == "the sound was muffled"
    assert repair("he muffed it and then mu�ed it again") == "he muffed it and then muffed it again"


# --- Characters -----------------------------------------------------------------------------


def test_control_characters_and_nul_are_removed():
    text = "NA\x00TO\x01 said\x0c ok\x7f,\tyes\x1b\r\nnext\x00\nline\x08s"
    report = repair_text(text)
    assert report.text == "NATO said ok,\tyes\r\nnext\nlines"
    assert report.changes == [
        ("NA\x00TO\x01", "NATO"),
        ("said\x0c", "said"),
        ("ok\x7f", "ok"),
        ("yes\x1b", "yes"),
        ("next\x00", "next"),
        ("line\x08s", "lines"),
    ]
    assert report.clean


def test_tabs_newlines_and_crlf_are_kept():
    text = "a\tb\r\nc\n\nd  e"
    assert repair(text) == text


@pytest.mark.parametrize(
    ("ligature", "letters"),
    [
        ("\ufb00", "ff"),
        ("\ufb01", "fi"),
        ("\ufb02", "fl"),
        ("\ufb03", "ffi"),
        ("\ufb04", "ffl"),
        ("\ufb05", "st"),
        ("\ufb06", "st"),
    ],
)
def test_ligature_code_points_become_letters(ligature, letters):
    assert repair(f"x{ligature}y") == f"x{letters}y"


def test_ligature_code_points_in_words():
    report = repair_text("the ﬁrst oﬃcial eﬀort to ﬂag the baﬄing ﬁeld")
    assert report.text == "the first official effort to flag the baffling field"
    assert report.changes[0] == ("ﬁrst", "first")
    assert len(report.changes) == 6


def test_text_is_normalised_to_nfc():
    decomposed = "Kate\u0159ina Nova\u0301kova\u0301 and Jir\u030ci\u0301"
    assert repair(decomposed) == "Kateřina Nováková and Jiří"
    assert repair_text(decomposed).changes == []


# --- Clean documents, idempotence, API ------------------------------------------------------


@pytest.mark.parametrize("name", ["DOC_000", "DOC_002", "DOC_003"])
def test_clean_documents_come_back_byte_identical(name):
    text = globals()[name]
    report = repair_text(text)
    assert report.text == text
    assert report.text.encode() == text.encode()
    assert report.changes == []
    assert report.unresolved == []
    assert report.clean
    assert find_damage(text) == []


IDEMPOTENCE_INPUTS = [
    "A xq�zz word and �Quote�",
    "NA\x00TO ﬁrst o�cials",
    "The conþict was signiýcant ï said the countryôs minister.",
    "NATO’S SPEcIaL \nREPrESEntatIVE to tHE",
    "подписed and Pаrtnership",
    "in �e region",
]


@pytest.mark.parametrize("name", ["DOC_001", "DOC_004"])
def test_repair_is_idempotent_on_documents(name):
    once = repair(globals()[name])
    assert repair(once) == once
    assert repair_text(once).changes == []


@pytest.mark.parametrize("text", IDEMPOTENCE_INPUTS)
def test_repair_is_idempotent(text):
    once = repair(text)
    assert repair(once) == once


def test_report_api():
    report = repair_text("o�cials")
    assert isinstance(report, RepairReport)
    assert report == RepairReport("officials", [("o�cials", "officials")], [])
    assert report.clean
    assert not RepairReport("x", [], ["x�"]).clean
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.text = "other"  # type: ignore[misc]
    assert repair("") == ""
    assert find_damage("") == []


def test_find_damage_changes_nothing_and_lists_words_in_order():
    text = "The conþict, the o�cials and x�q."
    assert find_damage(text) == ["conþict", "o�cials", "x�q"]
    assert text == "The conþict, the o�cials and x�q."


def test_word_list_data_file():
    path = Path(text_repair.__file__).with_name("data") / "ligature_words.txt"
    raw = path.read_text(encoding="utf-8")
    assert path.stat().st_size < 400_000
    assert "Kevin Atkinson" in raw  # the SCOWL licence notice travels with the list
    words = [line for line in raw.splitlines() if line and not line.startswith("#")]
    assert len(words) > 5000
    assert len(words) == len(set(words))
    for word in words:
        assert word.islower() and word.isascii() and word.isalpha(), word
        assert word.startswith("th") or any(lig in word for lig in ("fi", "fl", "ff")), word
    tiers = text_repair._word_tiers()
    assert tiers is text_repair._word_tiers()  # loaded once
    assert tiers["the"] == 1
    assert tiers["officially"] in (1, 2)
    assert "financial" in tiers and "reflects" in tiers and "intensified" in tiers
    assert "table" not in tiers


# --- Fixture copies of the seed documents (exact text, see the module docstring) -------------

DOC_000 = (
    "NATO Secretary General's Special Representative for the Caucasus and Central Asia\n"
    "The NATO Secretary General’s Special Representative for the Caucasus and Central Asia "
    "is responsible for carrying forward the Alliance’s policy in these two strategically "
    "important regions.\n"
    "What are the Special Representative’s main duties?\n"
    "The Special Representative provides advice to the Secretary General on how best to "
    "achieve NATO’s goals, and how best to address the security concerns of NATO’s partners, "
    "in the two regions. The Special Representative is responsible for the overall "
    "coordination of NATO’s partnership policy in the two regions, and works closely with "
    "regional leaders to enhance their cooperation with the Alliance.\n"
    "Which countries are NATO’s partners in the regions?\n"
    "In the Caucasus, NATO works with Armenia, Azerbaijan and Georgia (which are effectively "
    "the South Caucasus).\n"
    "In Central Asia, the Alliance has partnerships with Kazakhstan, the Kyrgyz Republic, "
    "Tajikistan, Turkmenistan and Uzbekistan.\n"
    "How does the Special Representative promote partnership?\n"
    "The Special Representative liaises with senior officials from partner governments in "
    "the two regions, advising them on their overall process of reform and how best to use "
    "NATO partnership tools to implement those reforms.\n"
    "In order to ensure coordination of assistance programmes, the Special Representative "
    "also maintains relationships with representatives of the international community and "
    "other international organisations engaged in the two regions.\n"
    "The Special Representative promotes understanding about NATO and security issues more "
    "generally through engaging with the media and civil society in the two regions.\n"
    "The Special Representative provides high-level support for the work of the NATO Liaison "
    "Officer for the South Caucasus in Tbilisi, Georgia. Previously, the Special "
    "Representative also supported the NATO Liaison Officer for Central Asia (based in "
    "Tashkent, Uzbekistan until 2017, when practical liaison with the five Central Asian "
    "partners was shifted to NATO Headquarters and the NATO military structures). They also "
    "worked closely with the NATO Senior Civilian Representative in Afghanistan (based in "
    "Kabul, Afghanistan until 2021) to ensure NATO’s policy in Central Asia supported NATO’s "
    "mission in Afghanistan.\n"
    "When and why was the position created?\n"
    "The position of Special Representative for the Caucasus and Central Asia was created on "
    "an ad-hoc basis following the decision taken by NATO Allies at the Istanbul Summit in "
    "June 2004 to place a special focus on the strategically important regions of the "
    "Caucasus and Central Asia. A key element of this special focus was enhanced liaison "
    "arrangements, including the appointment of the Special Representative and two NATO "
    "Liaison Officers, one for each region.\n"
    "NATO Liaison Officer for the South Caucasus/Head of the NATO Liaison Office in Georgia\n"
    "162 Tsinamdzgvrishvili\n"
    "0112 Tbilisi, Georgia\n"
    "Tel.: +995 (32) 293 38 01"
)

DOC_001 = (
    " Partners in the southern Caucasus\n"
    "\n"
    "NATO is deepening cooperation with its Partner \n"
    "countries in the southern Caucasus � Armenia, \n"
    "\n"
    "Azerbaijan and Georgia. �is re�ects the decision  \n"
    "taken by Allied leaders at the Istanbul Summit in \n"
    "June 2004 to make partnership with the Caucasus \n"
    "region, as well as with Central Asia, a priority for the \n"
    "Alliance. It is part of NATO�s policy to reach out to \n"
    "strategically important regions, where security and \n"
    "stability is closely linked to wider Euro-Atlantic security.\n"
    " For the southern Caucasus countries, NATO’s Partnership structures \n"
    "provide a multilateral framework through which they can address \n"
    "security threats. Partnership also enables them to draw on Allied \n"
    "expertise in adapting their defence institutions and capabilities to deal \n"
    "with these threats, and to beneýt from Allied support in the pursuit of \n"
    "wider reforms.\n"
    "\n"
    "In the last few years, each of the three countries has developed an \n"
    "Individual Partnership Action Plan with NATO, increasing the level of \n"
    "cooperation and tightening its focus on their respective reform priorities \n"
    "(see box p. 2). And in September 2006, NATO launched an Intensiýed \n"
    "Dialogue with Georgia covering the full range of political, military, \n"
    "ýnancial, and security issues relating to the countryôs membership \n"
    "aspirations (see box p. 3). While this is no guarantee that the country \n"
    "will be invited to join the Alliance, it is a measure of the scope and depth \n"
    "of its relationship with NATO.\n"
    "\n"
    "These developments build on a history of progressively deepening \n"
    "cooperation between NATO and the three southern Caucasus \n"
    "countries, since the early 1990s. Armenia, Azerbaijan and Georgia \n"
    "were early participants in the North Atlantic Cooperation Council – a \n"
    "forum for dialogue established by the Alliance in December 1991 as \n"
    "a ýrst step in reaching out beyond the East-West divide to former \n"
    "Warsaw Pact members, which was later replaced by the Euro-Atlantic \n"
    "Partnership Council in 1997. The three countries were also quick to take \n"
    "advantage of the opportunities offered by joining the Partnership for \n"
    "Peace – a major programme of practical bilateral cooperation that was \n"
    "launched in 1994. \n"
    "\n"
    "At the Istanbul Summit in June \n"
    " 2004, the Allies decided to appoint \n"
    "\n"
    "a Special Representative to the Caucasus \n"
    "and Central Asia. Robert Simmons is \n"
    "the �rst to be given this responsibility. \n"
    "His role is to maintain high-level \n"
    "working contacts with regional leaders \n"
    "in order to promote regional security \n"
    "and assist Partners in making the best \n"
    "possible use of Partnership tools.\n"
    "\n"
    "He works closely with regional o�cials \n"
    "as well as with colleagues in other \n"
    "relevant organizations such as the \n"
    "European Union and the Organization \n"
    "for Security and Co-operation in Europe.  \n"
    "�is helps to ensure that communication \n"
    "is ongoing and work is done in a \n"
    "complementary fashion. \n"
    "\n"
    "His work in the Caucasus and Central \n"
    "Asia is supported by two liaison o�cers, \n"
    "one based in each region. Each liaison \n"
    "o�cer works directly in an advisory role \n"
    "with relevant government authorities on \n"
    "achieving the reform goals set out  \n"
    "in their partnership programmes  \n"
    "with NATO.\n"
    "\n"
    "NATO’S SPEcIaL \n"
    "REPrESEntatIVE to tHE \n"
    "CaUcaSUS anD CEntraL ASIa\n"
    " �e importance of fostering security in the region\n"
    "\n"
    "The southern Caucasus is situated between the Black Sea to the west \n"
    "and the Caspian Sea to the east, bordering Russia, Turkey and Iran. \n"
    "The region is a crossroads of peoples and cultures, which has been of \n"
    "considerable geostrategic importance through the ages, and continues \n"
    "to be so today. \n"
    "\n"
    "One important reason for the Alliance to want to promote dialogue \n"
    "and foster security in the southern Caucasus is that today’s key \n"
    "security challenges – terrorism, the proliferation of weapons of mass \n"
    "destruction, failed states and regional conþicts ï defy borders and can \n"
    "only be addressed through concerted international cooperation. NATO’s \n"
    "Partners in the southern Caucasus face the same threats as the Allies \n"
    "and also have a crucial role to play in addressing them, not least \n"
    "because they are in geographic proximity to areas of concern for NATO.\n"
    "\n"
    "Another issue that affects both the Caucasus and the Allies is that of \n"
    "energy security. The region sits on key oil and gas transit routes, and \n"
    "Azerbaijan and the Caspian Sea basin have signiýcant oil and gas \n"
    "reserves. Promoting security in the region is in the interest of both \n"
    "energy-importing countries, which are looking to diversify their energy \n"
    "sources and supply routes, and energy-exporting and transit countries, \n"
    "which need to ensure the security of their industry and pipeline \n"
    "infrastructure.\n"
    "\n"
    "The Caucasus is also a region currently undergoing rapid and \n"
    "signiýcant change as countries there transition to democracy. \n"
    "Such transition periods are always complex and can be a source of \n"
    "instability. However, by supporting this process through the Partnership \n"
    "framework, NATO is helping to enhance stability and, in this way, \n"
    "improving the Caucasus countries’ prospects for economic and  \n"
    "social development.\n"
    "\n"
    "Another important security concern is the fact that all three southern \n"
    "Caucasus countries are involved in protracted conþicts with breakaway \n"
    "regions: Nagorno-Karabakh, ofýcially part of Azerbaijan, is the subject \n"
    "of a bitter dispute between Armenia and Azerbaijan; the Abkhazia and \n"
    "South Ossetia regions of Georgia continue to be sources of tension in \n"
    "Georgia. NATO does not seek a direct role in the resolution of these \n"
    " Launched by the Allies after \n"
    " the Prague Summit in 2002, \n"
    "\n"
    "the Individual Partnership Action \n"
    "Plan (IPAP) was a new Partnership \n"
    "mechanism aimed at Partner countries \n"
    "with the political will and ability to \n"
    "deepen their relationship with NATO. \n"
    "Within a few years, all three Caucasus \n"
    "countries had developed an IPAP \n"
    "with NATO.\n"
    "\n"
    "Set in a two-year timeframe, IPAPs are \n"
    "designed to bring together the various \n"
    "cooperation mechanisms through \n"
    "which each country interacts with \n"
    "the Alliance into an action plan that \n"
    "is sharply focused on supporting the \n"
    "country�s reform objectives. Under this \n"
    "arrangement, the individual Partner \n"
    "government sets out its reform plans, \n"
    "priorities and related timelines. NATO \n"
    "agrees to provide focused, country-\n"
    "speci�c advice and individual Allies seek \n"
    "to coordinate their bilateral assistance \n"
    "to better support the country�s domestic \n"
    "reform e�orts. \n"
    "\n"
    "By helping bring about institutional \n"
    "reforms, the IPAPs are making \n"
    "an important contribution to the \n"
    "democratic transition process in the \n"
    "southern Caucasus countries.\n"
    " conþicts, but supports the efforts of other international organizations \n"
    "such as the Organization for Security and Co-operation in Europe and \n"
    "the United Nations, which have speciýc mandates for their mediation \n"
    "roles. Peaceful resolution of conþict is a core value of NATO, and \n"
    "NATO’s assistance to countries is contingent upon their continued \n"
    "pursuit of peaceful conþict resolution. In fact, this is at the heart of \n"
    "the commitments that NATO’s Partners in the southern Caucasus \n"
    "undertook when they joined the Partnership for Peace.\n"
    "\n"
    "�e framework for cooperation\n"
    "\n"
    "Partnership is about more than practical cooperation – it is also about \n"
    "values. When Partner countries join the Partnership for Peace (PfP), \n"
    "they sign the PfP Framework Document. In doing so, Partners commit \n"
    "to respect international law, the UN Charter, the Universal Declaration \n"
    "of Human Rights, the Helsinki Final Act, and international disarmament \n"
    "and arms control agreements; to refrain from the threat or use of force \n"
    "against other states; to respect existing borders; and to settle disputes \n"
    "peacefully. The Framework Document also enshrines a commitment by \n"
    "the Allies to consult with any Partner country that perceives a threat to \n"
    "its territorial integrity, political independence or security. The purpose  \n"
    "of these commitments and of the PfP programme as a whole is to  \n"
    "build conýdence and transparency, diminish threats to peace and  \n"
    "build stronger security relationships with the Allies and with other  \n"
    "Partner countries. \n"
    "\n"
    "The essence of the PfP programme is the partnership formed between \n"
    "each Partner country and NATO. Cooperation is tailored according \n"
    "to the individual country’s needs, abilities and ambitions, and jointly \n"
    "implemented with the government. Partners choose from an extensive \n"
    "menu of activities to draw up two-year programmes of cooperation, \n"
    "known as Individual Partnership Programmes. The activities on offer \n"
    "touch on virtually every ýeld of NATO activity, including defence-\n"
    "related work, defence reform, defence policy and planning, civil-military \n"
    "relations, education and training, military-to-military cooperation \n"
    "and exercises, civil emergency planning and disaster-response, and \n"
    "cooperation on science and environmental issues. \n"
    "\n"
    "Over the years, Armenia, Azerbaijan and Georgia have chosen to be \n"
    "very active in the full range of activities under the PfP programme. They \n"
    "were among the ýrst Partner countries to express an interest in the \n"
    "Individual Partnership Action Plan, when it was ýrst launched in 2002 \n"
    "(see box p. 2).\n"
    "\n"
    "In addition to bilateral cooperation, the Partnership framework for \n"
    "cooperation has an important multilateral dimension. This is embodied \n"
    "in the Euro-Atlantic Partnership Council (EAPC), which brings together \n"
    "the 26 Allies with 23 Partner countries in a forum for dialogue and \n"
    "consultation. Meetings of the EAPC are held monthly at the level of \n"
    "ambassadors, annually at the level of foreign and defence ministers and \n"
    "chiefs of defence, as well as occasionally at summit level.\n"
    "\n"
    "EAPC members regularly exchange views on a wide range of security \n"
    "issues, including the evolving security situations in Kosovo and \n"
    "\n"
    "NATO o�ered Georgia an \n"
    "Intensi�ed Dialogue covering \n"
    "\n"
    "the full range of political, military, \n"
    "�nancial, and security issues relating to \n"
    "the country�s membership aspirations in \n"
    "September 2006. \n"
    "\n"
    "�is does not guarantee an invitation to \n"
    "join the Alliance. Any invitation would \n"
    "be performance-based and subject to \n"
    "the country implementing key reforms \n"
    "and achieving a number of benchmarks. \n"
    "�ese include a functioning democratic \n"
    "political system based on a market \n"
    "economy; fair treatment of minority \n"
    "populations; commitment to peaceful \n"
    "resolution of disputes; the ability \n"
    "and willingness to make a military \n"
    "contribution to the Alliance and to \n"
    "achieve interoperability with other \n"
    "members� forces; and a commitment to \n"
    "democratic civil-military relations and \n"
    "institutional structures.\n"
    "\n"
    "�rough structured expert discussions, \n"
    "the Intensi�ed Dialogue provides \n"
    "Georgia with concrete information \n"
    "on the rights and obligations inherent \n"
    "to NATO membership. It also allows \n"
    "NATO o�cials to examine in greater \n"
    "detail Georgian reform policy and \n"
    "capabilities. �is helps identify key areas \n"
    "where Georgia needs to focus its reform \n"
    "e�orts and where NATO-Georgia \n"
    "cooperation could be better targeted \n"
    "to facilitate progress. �e Intensi�ed \n"
    "Dialogue complements work under \n"
    "Georgia�s Individual Partnership Action \n"
    "Plan, which remains the key programme \n"
    "for cooperation on reform. \n"
    "\n"
    "GEorgIa’S IntEnSIFIED \n"
    "DIaLogUE WItH NATO\n"
    "\n"
    "\n"
    "\n"
    "\n"
)

DOC_002 = (
    " date 2024-03-16 Amid evolving security dynamics in the South Caucasus, NATO Secretary "
    "General Jens Stoltenberg embarks on a significant visit to Armenia, Georgia, and "
    "Azerbaijan from March 17 to March 19. This strategic move underscores NATO's commitment "
    "to bolstering its partnerships and supporting the region's territorial integrity and "
    "sovereignty.\n"
    "\n"
    "Building Bridges in the South Caucasus\n"
    "\n"
    "Stoltenberg's visit marks a critical juncture in NATO's engagement with the South "
    "Caucasus nations, aiming to foster stronger relationships and address the pressing "
    "security challenges. By holding meetings with top officials in each country, the "
    "Secretary General is set to discuss a range of cooperation issues and joint "
    "initiatives. This visit, as highlighted in his annual report for 2023, reflects NATO's "
    "adaptive strategy in response to the changing security environment, emphasizing the "
    "alliance's support for each nation's political independence, territorial integrity, and "
    "sovereignty.\n"
    "\n"
    "Individually Tailored Partnership Programmes\n"
    "\n"
    "One of NATO's key strategies in the region involves developing Individually Tailored "
    "Partnership Programmes with Armenia and Azerbaijan. These initiatives are designed to "
    "encourage constructive engagement, address humanitarian concerns, and support the "
    "countries in their development goals. The NATO Liaison Office in Tbilisi plays a "
    "pivotal role in facilitating this engagement with Georgia, showcasing NATO's "
    "comprehensive approach to security and cooperation in the South Caucasus.\n"
    "\n"
    "Implications and Outcomes\n"
    "\n"
    "The outcomes of Stoltenberg's visit could have far-reaching implications for regional "
    "stability and NATO's influence in the South Caucasus. By strengthening ties and "
    "promoting dialogue, NATO aims to contribute to a more secure and cooperative regional "
    "environment. This visit not only reinforces the alliance's commitment to its partners "
    "but also sets the stage for enhanced collaboration in addressing common security "
    "challenges and advancing peace and prosperity in the region."
)

DOC_003 = (
    "\n"
    "\n"
    "\n"
    "\n"
    "## CENTRAL ASIA July 2018\n"
    "\n"
    "### **Afghanistan in Cenasia after the NATO summit**\n"
    "\n"
    "In the Summit Declaration of the NATO meeting held in Brussels, the Heads of State and "
    "Government of the 29 member nations of the North Atlantic Alliance reaffirmed NATO "
    "commitment to ensure long-term security and stability in Afghanistan, highlighting the "
    "successes of the Resolute Support Mission to provide training and advising as well as "
    "to assist Afghanistan' security forces (*Brussels Summit Declaration, Press Release "
    "(2018) 074, Issued on 11 July 2018, "
    "[https://www.nato.int/cps/en/natohq/official\\\\_texts\\\\_156624.htm](https://www.nato."
    "int/cps/en/natohq/official_texts_156624.htm)*).\n"
    "\n"
    "Furthermore, NATO recognizes that *“regional actors have an important role to play in "
    "support of peace and stabilisation in Afghanistan, and we call on them to cooperate "
    "more closely on fighting terrorism, to improve the conditions for economic development, "
    "to support the Afghan government’s peace and reconciliation efforts”*(Brussels Summit "
    "Declaration).\n"
    "\n"
    "In spite of positive progresses concerning the cooperation among the five Central Asian "
    "republics in the security field – in order to prevent the spread of instability from "
    "Afghanistan, linked to the Taliban’s resurgence and the presence of DAESH militants -, "
    "a deeper cooperation between NATO and Central Asia has been unfortunately hampered by "
    "several factors, such as the geographic distance and the fact that membership in the "
    "Alliance is limited to European countries (art.10).\n"
    "\n"
    "Key priorities of NATO’s cooperation with its Central Asian partners have been "
    "identified as the improvement of the interoperability in peacekeeping operations and to "
    "develop practical cooperation to address shared security challenges. Moreover, NATO "
    "supports the adoption of reforms in the defence and security sector in Central Asia "
    "(NATO Official Website, *Partners in Central Asia*, 2014 "
    "[http://www.nato.int/nato\\\\_static\\\\_fl2014/assets/pdf/stock\\\\_publications/201405"
    "05\\\\_140505-Backgrounder\\\\_CentralAsia\\\\_EN\\\\_lowres.pdf](http://www.nato.int/na"
    "to_static_fl2014/assets/pdf/stock_publications/20140505_140505-Backgrounder_CentralAsia_"
    "EN_lowres.pdf)).\n"
    "\n"
    "Since 1991 relations between NATO and each Central Asian country have evolved in "
    "different ways: among the Central Asian republics, Kazakhstan is the country most able "
    "to develop a high level of cooperation with NATO. In 2005 Astana’s government agreed to "
    "implement an Individual Partnership\n"
    "\n"
    "Action Plan to enhance relations and security cooperation with NATO. In the Central "
    "Asian perspective, the cooperation with NATO would allow these republics to better "
    "implement a multivector strategy in foreign policy, balancing the influence and the "
    "ambitions of the two regional geopolitical powers China and Russia. Nevertheless, "
    "Central Asian republics are very cautious in avoiding a strong reaction from Beijing "
    "and Moscow, who have always criticised and opposed NATO's military presence in this "
    "region.\n"
    "\n"
    "The closure of the Office of the NATO Liaison Officer for Central Asia – which was "
    "based in Uzbekistan and operated from 2013 to 2017 – will further affect the "
    "possibilities to expand cooperation with Central Asian republics.\n"
    "\n"
    "**Fabio Indeo** – *PhD holder in Geopolitics at University of Trieste and non-resident "
    "fellow research at Center for Energy Governance and Security (EGS South Korea).*"
)

DOC_004 = (
    "NATO Deputy Secretary General Radmila Shekerinska has завершed a two day visit to "
    "Azerbaijan, with alliance officials describing the partnership as stable and continuing "
    "to develop amid wider regional security concerns.\n"
    "\n"
    "During meetings in Baku with Foreign Minister Jeyhun Bayramov, parliamentary speaker "
    "Sahiba Gafarova and presidential representative Elchin Amirbayov, discussions focused "
    "on the current state of NATO Azerbaijan cooperation and regional issues including the "
    "normalisation process between Armenia and Azerbaijan, as well as stability in the Black "
    "Sea region.\n"
    "\n"
    "NATO said the visit underlined the longevity of the relationship, built on more than "
    "three decades of political dialogue and practical cooperation. Ms Shekerinska welcomed "
    "what NATO described as Azerbaijan’s consistent engagement with the alliance, "
    "particularly in areas such as interoperability and defence education, noting “over "
    "three decades of political dialogue and practical cooperation in areas of mutual "
    "benefit.”\n"
    "\n"
    "She also reiterated NATO’s appreciation for Azerbaijan’s past contributions to alliance "
    "missions, including its role in Afghanistan, and highlighted the country’s significance "
    "in European energy security. According to NATO, Azerbaijan’s gas exports have played an "
    "important role in supporting several allied nations since Russia’s full scale invasion "
    "of Ukraine, with Ms Shekerinska stressing that these flows have “bolstered the energy "
    "independence of several NATO Allies, especially since Russia’s full-scale invasion of "
    "Ukraine.”\n"
    "\n"
    "The Deputy Secretary General said the alliance remains ready to expand political "
    "dialogue and practical cooperation, including through support for ongoing defence and "
    "security reforms. She confirmed progress towards finalising an Individually Tailored "
    "Partnership Programme, a multi year framework intended to give Azerbaijan access to "
    "NATO activities spanning defence education modernisation, demining, human security, "
    "cyber defence, countering information threats and integrity building. NATO said the "
    "programme would also allow Azerbaijan to provide enhanced support to alliance missions "
    "and operations, strengthening practical cooperation without altering the country’s non "
    "member status.\n"
    "\n"
    "During the visit, Ms Shekerinska also announced the appointment of a new NATO Special "
    "Representative for the South Caucasus and Central Asia, who is expected to assume the "
    "role in the near future. Alongside official meetings, the Deputy Secretary General held "
    "discussions with students at ADA University, members of Azerbaijan’s policy research "
    "community and allied ambassadors, as NATO continues to position the South Caucasus as a "
    "region of growing strategic relevance linked to wider Black Sea and Euro Atlantic "
    "security.\n"
    "\n"
    "George Allison\n"
    "George Allison is the founder and editor of the UK Defence Journal. He holds a degree "
    "in Cyber Security from Glasgow Caledonian University and specialises in naval and cyber "
    "security topics. George has appeared on national radio and television to provide "
    "commentary on defence and security issues. Twitter: @geoallison\n"
    "\n"
    "1 COMMENT\n"
    "\n"
    "  1. Not comfortable with NATO getting closer to a nation that has invaded it’s "
    "neighbour 3 times in the past few years.\n"
    "    Before anyone say’s that the land they invaded belonged to Azerbaijan according to "
    "the UN, the land in question has been Armenian majority for centuries if not longer and "
    "now the population there has been displaced, as is the style of islamic countries when "
    "it comes to religious minorities.\n"
    "\n"
    "    So to hell with UN frankly\n"
    "\n"
    "LEAVE A REPLY\n"
    "\n"
    "Please enter your comment!\n"
    "Please enter your name here"
)
