"""The names of downloaded documents: for the person and the document, safe on every file system, in
the person's own letters."""

from __future__ import annotations

from datetime import date

import pytest

from formgen.documents.names import download_name, pack_name, safe_part, unique

MADE = date(2026, 12, 1)


def test_a_document_is_named_for_the_child_and_the_day_it_was_made():
    assert (
        download_name("record", "Kai Dacres", made_on=MADE)
        == "Assessment record - Kai Dacres - 2026-12-01.docx"
    )
    assert download_name("child", "Kai Dacres", made_on=MADE) == (
        "Assessment for the child - Kai Dacres - 2026-12-01.docx"
    )


def test_a_recipients_copy_is_named_for_them():
    assert download_name("plan", "Kai Dacres", for_whom="Marcus Dacres") == (
        "Assessment plan - Kai Dacres - for Marcus Dacres.docx"
    )
    assert download_name("outcome", "Kai Dacres", for_whom="PC Dana Whitlock", extension=".pdf") == (
        "Assessment outcome - Kai Dacres - for PC Dana Whitlock.pdf"
    )
    assert download_name("plan", "Kai Dacres", for_whom="Hana Visitor", large_print=True) == (
        "Assessment plan - Kai Dacres - for Hana Visitor (large print).docx"
    )


@pytest.mark.parametrize(
    ("typed", "safe"),
    [
        ('Kai "K" Dacres/../../etc', "Kai _K_ Dacres_.._.._etc"),
        ("Kai\nDacres\r\t", "Kai Dacres"),
        ("a:b*c?d<e>f|g\\h", "a_b_c_d_e_f_g_h"),
        ("Kai\u202excod.exe", "Kai xcod.exe"),  # a right-to-left override would show the name reversed
        # Zero-width spaces and joiners, word joiners, invisible operators and a byte order mark: two
        # names that look the same would be different files, and a search for the name would miss it.
        ("Kai\u200bDa\u200ccres\u200d", "Kai Da cres"),
        ("\ufeffKai\u2060\u2061\u2062\u2063\u2064Dacres", "Kai Dacres"),
        ("Kai\ud800Dacres", "Kai Dacres"),  # a lone surrogate, which JSON can carry, is no letter
        ("...hidden  name. ", "hidden name"),
        ("", ""),
    ],
)
def test_a_hostile_name_makes_a_safe_one(typed, safe):
    assert safe_part(typed) == safe
    name = download_name("plan", typed, for_whom=typed)
    assert not set('/\\:*?"<>|\n\r\t\u202e\u200b\ufeff') & set(name)
    name.encode("utf-8")  # a name the file system can be given
    assert name.startswith("Assessment plan - ") and name.endswith(".docx")


@pytest.mark.parametrize("name", ["Siân Llewelyn-Ffowc", "ليلى حداد", "Zoë Ó Briain"])
def test_names_in_other_languages_are_kept(name):
    assert download_name("record", name, made_on=MADE) == f"Assessment record - {name} - 2026-12-01.docx"


def test_a_very_long_name_is_shortened_to_fit_a_file_system():
    name = download_name("plan", "Kai " * 200, for_whom="ل" * 500)
    assert len(name.encode("utf-8")) < 255
    assert "…" in name


@pytest.mark.parametrize(
    "letters",
    ["李" * 100, "ليلى حداد " * 20, "😀" * 80, "é" * 150],  # 3, 2, 4 and 2 bytes a letter
    ids=["chinese", "arabic", "emoji", "accented"],
)
def test_two_long_names_in_any_script_stay_within_255_bytes(letters):
    """A file system allows 255 bytes of a name, not 255 letters: a long Chinese or Arabic name takes
    two or three bytes a letter, and the name is never cut in the middle of one."""
    for kind in ("child", "plan"):
        name = download_name(kind, letters, for_whom=letters, extension=".docx", large_print=True)
        assert len(name.encode("utf-8")) <= 255, name
        child = name.split(" - ")[1]
        assert child.endswith("…") and letters.startswith(child.removesuffix("…").rstrip())


def test_names_in_one_zip_are_never_the_same():
    names = ["Assessment plan - Kai - for Sam.docx", "Assessment plan - Kai - for SAM.docx", "README"]
    names += ["Assessment plan - Kai - for Sam.docx", "README"]
    assert unique(names) == [
        "Assessment plan - Kai - for Sam.docx",
        "Assessment plan - Kai - for SAM (2).docx",
        "README",
        "Assessment plan - Kai - for Sam (3).docx",
        "README (2)",
    ]


def test_the_pack_is_named_for_the_children():
    assert pack_name(["Kai Dacres", "Tilly Dacres"], MADE) == (
        "Plans and outcomes - Kai Dacres and Tilly Dacres - 2026-12-01.zip"
    )
    many = pack_name([f"Child number {index} Longname" for index in range(6)], MADE)
    assert many == "Plans and outcomes - Child number 0 Longname and 5 others - 2026-12-01.zip"


def test_a_pack_of_two_long_names_counts_one_other():
    long_names = ["Kai " + "Llewelyn-Ffowc " * 6, "Tilly " + "Llewelyn-Ffowc " * 6]
    shown = safe_part(long_names[0])
    assert pack_name(long_names, MADE) == f"Plans and outcomes - {shown} and 1 other - 2026-12-01.zip"
    chinese = pack_name(["李" * 40, "王" * 40], MADE)  # 120 bytes each, though only 40 letters
    assert " and 1 other - " in chinese and len(chinese.encode("utf-8")) <= 255
