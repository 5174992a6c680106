"""Reading corpus files: formats, encodings, normalization, bad items, streaming."""

from __future__ import annotations

import builtins
import codecs
import csv
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.corpus import DecodeProblem, decode_bytes, iter_corpus, normalize_text
from annotator.model import Document, Rejection, text_sha256

ARABIC = "قال مسؤولون إن 12 شخصا قتلوا في غارة جوية على مدينة غزة يوم الأحد، وأصيب آخرون."
TITLE = "غارة جوية على غزة"


def read(*paths: Path | str, encoding: str | None = None) -> tuple[list[Document], list[Rejection]]:
    docs: list[Document] = []
    rejections: list[Rejection] = []
    for item in iter_corpus(paths, encoding=encoding):
        (docs if isinstance(item, Document) else rejections).append(item)
    return docs, rejections


def only_doc(*paths: Path | str, encoding: str | None = None) -> Document:
    docs, rejections = read(*paths, encoding=encoding)
    assert rejections == []
    assert len(docs) == 1
    return docs[0]


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# --- normalize_text ------------------------------------------------------------------------------


def test_normalize_composes_to_nfc() -> None:
    assert normalize_text("caf\u0065\u0301") == "caf\u00e9"
    # Alef + combining hamza above is the precomposed alef with hamza above.
    assert normalize_text("\u0627\u0654حمد") == "\u0623حمد"


def test_normalize_line_ends_and_bom() -> None:
    assert normalize_text("\ufeffأ\r\nب\rج\n") == "أ\nب\nج\n"
    # Only a leading BOM is removed; one inside is a (zero-width) character of the text.
    assert normalize_text("أ\ufeffب") == "أ\ufeffب"


def test_normalize_keeps_everything_else() -> None:
    text = (
        "🔴 عاجل: "  # astral emoji
        "مُحَمَّد "  # tashkeel (already in canonical order)
        "قـــال "  # tatweel
        "\u200fغزة\u200e \u061cرفح "  # RLM, LRM, ALM
        "لا\u200dإله \u200cمي "  # ZWJ, ZWNJ
        "سطر مع مسافات   \n"  # trailing spaces
        "\t\u00a0"
    )
    assert normalize_text(text) == text


def test_normalize_reorders_stacked_tashkeel_but_keeps_every_mark() -> None:
    typed = "م\u0651\u064e"  # shadda then fatha, as often typed
    result = normalize_text(typed)
    assert sorted(result) == sorted(typed)
    assert result == "م\u064e\u0651"  # NFC's canonical order (fatha ccc 30 < shadda ccc 33)


# --- decode_bytes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        ARABIC.encode("utf-8"),
        codecs.BOM_UTF8 + ARABIC.encode("utf-8"),
        ARABIC.encode("utf-16"),  # with BOM, native order
        codecs.BOM_UTF16_LE + ARABIC.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + ARABIC.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + ARABIC.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + ARABIC.encode("utf-32-be"),
        ARABIC.encode("cp1256"),
        ARABIC.encode("iso8859_6"),
    ],
    ids=[
        "utf8", "utf8-bom", "utf16", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom", "cp1256", "iso8859-6"
    ],
)
def test_decode_bytes_detects(data: bytes) -> None:
    assert normalize_text(decode_bytes(data)) == ARABIC


def test_decode_bytes_cp1256_with_french_and_arabic() -> None:
    text = "Le ministre a déclaré à Alger: قال الوزير إن الحصيلة ارتفعت إلى 12 قتيلا."
    assert decode_bytes(text.encode("cp1256")) == text


def test_decode_bytes_explicit_encoding_overrides_detection() -> None:
    data = "é".encode("latin-1") + b" plain"
    assert decode_bytes(data, "latin-1") == "é plain"
    # Valid UTF-8 bytes read as Windows-1256 when asked to: the caller knows best.
    assert decode_bytes("غزة".encode("utf-8"), "cp1256") == "غزة".encode("utf-8").decode("cp1256")


def test_decode_bytes_explicit_encoding_that_does_not_fit() -> None:
    with pytest.raises(DecodeProblem, match=r"undecodable text: not valid utf-8 \(byte 0xdb at offset 0"):
        decode_bytes("غزة".encode("cp1256"), "utf-8")


@pytest.mark.parametrize(
    "data", [b"", b"   \r\n\t\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")]
)
def test_decode_bytes_empty(data: bytes) -> None:
    with pytest.raises(DecodeProblem, match="^empty file$"):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # NUL bytes without a UTF-16/32 BOM
        "غزة".encode("utf-16-le"),  # UTF-16 without a BOM is indistinguishable from binary
        bytes(range(1, 9)) * 50,  # valid UTF-8, but control characters
    ],
)
def test_decode_bytes_binary(data: bytes) -> None:
    with pytest.raises(DecodeProblem, match="^binary file$"):
        decode_bytes(data)


def test_decode_bytes_undecodable() -> None:
    # Not UTF-8 and nothing like Arabic text in a legacy encoding.
    data = bytes(b for b in range(0x80, 0x100)) * 20
    with pytest.raises(DecodeProblem, match="undecodable text: not valid utf-8 .*Windows-1256"):
        decode_bytes(data)


def test_decode_bytes_nul_with_an_ascii_compatible_encoding_is_binary() -> None:
    with pytest.raises(DecodeProblem, match="^binary file$"):
        decode_bytes(b"GIF89a\x00\x01 abc", "utf-8")
    assert decode_bytes("أ".encode("utf-16-le"), "utf-16-le") == "أ"


def test_decode_problem_is_value_error() -> None:
    assert issubclass(DecodeProblem, ValueError)


# --- .txt ------------------------------------------------------------------------------------------


def test_txt_title_and_text(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(f"\n  \n{TITLE}  \n\n\n{ARABIC}\n\nفقرة ثانية.  \n", encoding="utf-8")
    doc = only_doc(path)
    assert doc.id == "article"
    assert doc.title == TITLE
    assert doc.text == f"{ARABIC}\n\nفقرة ثانية.  \n"
    assert doc.origin == str(path)
    assert doc.sha256 == text_sha256(doc.text)


def test_txt_single_line_is_text(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(ARABIC, encoding="utf-8")
    doc = only_doc(path)
    assert doc.text == ARABIC
    assert doc.title == ARABIC[:80]


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
        lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
        lambda s: s.encode("cp1256"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1256"],
)
def test_txt_encodings(tmp_path: Path, encode: Callable[[str], bytes]) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(encode(f"{TITLE}\r\n\r\n{ARABIC}\r\n"))
    doc = only_doc(path)
    assert (doc.title, doc.text) == (TITLE, ARABIC + "\n")


def test_txt_encoding_override(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(f"{TITLE}\n{ARABIC}".encode("utf-16-le"))  # no BOM: undetectable
    assert read(path)[1] == [Rejection(str(path), None, "binary file")]
    doc = only_doc(path, encoding="utf-16-le")
    assert (doc.title, doc.text) == (TITLE, ARABIC)


def test_txt_normalization_once(tmp_path: Path) -> None:
    body = "🔴 عاجل\u200f: مُحَمَّد قـــال\r\nسطر\rآخر  "
    path = tmp_path / "n.txt"
    path.write_text("\u0627\u0654خبار e\u0301\n" + body, encoding="utf-8", newline="")
    doc = only_doc(path)
    assert doc.title == "\u0623خبار \u00e9"
    assert doc.text == "🔴 عاجل\u200f: مُحَمَّد قـــال\nسطر\nآخر  "


def test_unknown_encoding_name_raises_before_reading(tmp_path: Path) -> None:
    with pytest.raises(LookupError):
        iter_corpus([tmp_path], encoding="no-such-encoding")


# --- .jsonl ----------------------------------------------------------------------------------------


def test_jsonl_fields_meta_and_lines(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "x1", "title": TITLE, "text": ARABIC, "url": "https://example.org/1", "outlet": "الجزيرة",
             "published": "2024-01-02", "section": "أخبار", "tags": ["غزة"]},
            {"id": 7, "text": "نص ثان\r\nسطر"},
        ],
    )
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n   \n" + json.dumps({"text": "\n\n" + "نص ثالث طويل " * 10}) + "\n")
    docs, rejections = read(path)
    assert rejections == []
    first, second, third = docs
    assert first == Document(
        id="x1", title=TITLE, text=ARABIC, outlet="الجزيرة", url="https://example.org/1", published="2024-01-02",
        meta={"section": "أخبار", "tags": ["غزة"]}, origin=f"{path}:1",
    )
    assert (second.id, second.text, second.title, second.origin) == ("7", "نص ثان\nسطر", "نص ثان", f"{path}:2")
    assert third.origin == f"{path}:5"
    assert third.id == "sha256:" + text_sha256(third.text)[:16]
    assert third.title == ("نص ثالث طويل " * 10)[:80].rstrip()
    assert len(third.title) <= 80


def test_jsonl_normalizes_title_and_text(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "n.jsonl", [{"title": "\u0627\u0654مس", "text": "e\u0301 🔴\rب"}])
    doc = only_doc(path)
    assert (doc.title, doc.text) == ("\u0623مس", "\u00e9 🔴\nب")


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "cp1256"])
def test_jsonl_encodings(tmp_path: Path, codec: str) -> None:
    line = json.dumps({"id": "1", "title": TITLE, "text": ARABIC}, ensure_ascii=False) + "\r\n"
    data = (line * 3).encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    docs, rejections = read(path)
    assert rejections == []
    assert [(d.title, d.text, d.origin) for d in docs] == [(TITLE, ARABIC, f"{path}:{n}") for n in (1, 2, 3)]


def test_jsonl_cp1256_after_a_long_ascii_start(tmp_path: Path) -> None:
    # Detection must look past an ASCII beginning longer than its first sample.
    ascii_lines = [json.dumps({"id": f"en{i}", "text": "plain English " * 20}) for i in range(400)]
    arabic_line = json.dumps({"id": "ar", "text": ARABIC}, ensure_ascii=False)
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(("\n".join(ascii_lines + [arabic_line]) + "\n").encode("cp1256"))
    assert path.stat().st_size > 64 * 1024
    docs, rejections = read(path)
    assert rejections == []
    assert docs[-1].text == ARABIC


def test_jsonl_encoding_override(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(json.dumps({"text": "ذ"}, ensure_ascii=False).encode("iso8859_6"))
    doc = only_doc(path, encoding="iso8859-6")
    assert doc.text == "ذ"


def test_jsonl_bad_lines_are_rejected_and_the_rest_imported(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"id": "ok1", "text": "نص"}),  # 1
        "[1, 2]",  # 2
        json.dumps({"title": "بلا نص"}),  # 3
        json.dumps({"text": "  \n "}),  # 4
        "",  # 5
        json.dumps({"text": 5}),  # 6
        '{"id": "x", "text" "y"}',  # 7
        json.dumps({"id": {"a": 1}, "text": "نص"}),  # 8
        json.dumps({"id": "ok2", "text": "نص آخر"}),  # 9
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, rejections = read(path)
    assert [d.id for d in docs] == ["ok1", "ok2"]
    assert [str(r) for r in rejections] == [
        f"{path}:2: not a JSON object (found an array)",
        f"{path}:3: no text",
        f"{path}:4: empty text",
        f"{path}:6: text is a number, not a string",
        f"{path}:7: invalid JSON: Expecting ':' delimiter (column 20)",
        f"{path}:8: id is an object, not a string",
    ]


def test_jsonl_with_mac_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "mac.jsonl"
    path.write_bytes(b'{"text": "a"}\r\r{"text": "b"}\r')
    assert [d.origin for d in read(path)[0]] == [f"{path}:1", f"{path}:3"]


def test_deeply_nested_json_is_a_rejection(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "a.jsonl").write_text(deep + "\n" + json.dumps({"text": "نص"}) + "\n")
    (tmp_path / "b.json").write_text(deep)
    docs, rejections = read(tmp_path)
    assert [d.text for d in docs] == ["نص"]
    assert [(Path(r.path).name, r.line, r.reason) for r in rejections] == [
        ("a.jsonl", 1, "invalid JSON: nested too deeply"),
        ("b.json", 1, "invalid JSON: nested too deeply; the rest of the file was skipped"),
    ]


def test_jsonl_invalid_json_reason_format(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("\n" * 6 + '{"text": "a" "b"}\n', encoding="utf-8")
    assert [str(r) for r in read(path)[1]] == [f"{path}:7: invalid JSON: Expecting ',' delimiter (column 14)"]


def test_jsonl_undecodable_line_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    good = json.dumps({"text": "نص"}, ensure_ascii=False).encode("utf-8") + b"\n"
    path.write_bytes(good * 2 + '{"text": "غزة"}\n'.encode("cp1256") + good)
    docs, rejections = read(path)
    assert len(docs) == 3
    assert [str(r) for r in rejections] == [
        f"{path}:3: undecodable text: not valid utf-8 (byte 0xdb at offset 10: invalid continuation byte)"
    ]


def test_utf16_jsonl_with_a_broken_tail(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    good = json.dumps({"text": "نص"}, ensure_ascii=False) + "\n"
    # A lone high surrogate cannot be decoded; lines after it cannot be found again.
    path.write_bytes((good * 2).encode("utf-16") + b"\x00\xd8" + (good * 2).encode("utf-16-le"))
    docs, rejections = read(path)
    assert len(rejections) == 1
    assert rejections[0].reason.startswith("undecodable text: not valid utf-16")
    assert rejections[0].reason.endswith("the rest of the file was skipped; give its encoding explicitly")


# --- .json -----------------------------------------------------------------------------------------


def test_json_array(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            [{"id": "a", "text": ARABIC, "title": TITLE}, {"text": "ثان", "lang": "ar"}], ensure_ascii=False, indent=2
        ),
        encoding="utf-8",
    )
    docs, rejections = read(path)
    assert rejections == []
    assert [(d.id, d.title, d.origin) for d in docs] == [
        ("a", TITLE, f"{path}:2"),
        ("sha256:" + text_sha256("ثان")[:16], "ثان", f"{path}:7"),
    ]
    assert docs[1].meta == {"lang": "ar"}


def test_json_object(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_bytes(json.dumps({"id": "o", "text": ARABIC}, ensure_ascii=False).encode("utf-16"))
    doc = only_doc(path)
    assert (doc.id, doc.text, doc.origin) == ("o", ARABIC, f"{path}:1")


def test_json_bad_items(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[\n{"text": "أ"},\n"x",\n{"text": ""},\n{"text": "ب"}\n{"text": "ج"}\n]', encoding="utf-8")
    docs, rejections = read(path)
    assert [d.text for d in docs] == ["أ", "ب"]
    assert [str(r) for r in rejections] == [
        f"{path}:3: not a JSON object (found a string)",
        f"{path}:4: empty text",
        f"{path}:6: invalid JSON: Expecting ',' delimiter (column 1); the rest of the file was skipped",
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "empty file"),
        ('"just a string"', "expected an object or an array of objects, found a string"),
        (
            '{"text": "a"}\n{"text": "b"}',
            "invalid JSON: Extra data (column 1); if it holds one object per line, name it .jsonl",
        ),
        (
            "[{",
            "invalid JSON: Expecting property name enclosed in double quotes (column 3);"
            " the rest of the file was skipped",
        ),
    ],
)
def test_json_whole_file_problems(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(content, encoding="utf-8")
    docs, rejections = read(path)
    assert docs == []
    assert [r.reason for r in rejections] == [reason]


# --- .csv ------------------------------------------------------------------------------------------


def test_csv_columns_any_case_and_extras(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "ID,Title,TEXT,Outlet,url,Published,Section\r\n"
        f'1,{TITLE},"{ARABIC}\r\nسطر ثان",الجزيرة,https://e.org/1,2024-01-01,أخبار\r\n'
        "\r\n"
        ',,"نص بلا عنوان ولا معرف",,,,\r\n',
        encoding="utf-8",
        newline="",
    )
    docs, rejections = read(path)
    assert rejections == []
    first, second = docs
    assert first == Document(
        id="1", title=TITLE, text=f"{ARABIC}\nسطر ثان", outlet="الجزيرة", url="https://e.org/1",
        published="2024-01-01", meta={"Section": "أخبار"}, origin=f"{path}:2",
    )
    assert second.origin == f"{path}:5"
    assert second.id == "sha256:" + text_sha256("نص بلا عنوان ولا معرف")[:16]
    assert second.title == "نص بلا عنوان ولا معرف"
    assert second.outlet is None


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "cp1256"])
def test_csv_encodings(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(f"id,title,text\n1,{TITLE},{ARABIC}\n2,ب,ج\n".encode(codec))
    docs, rejections = read(path)
    assert rejections == []
    assert [(d.id, d.title, d.text) for d in docs] == [("1", TITLE, ARABIC), ("2", "ب", "ج")]


def test_csv_encoding_override(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("text\nغزة\n".encode("utf-16-be"))
    assert only_doc(path, encoding="utf-16-be").text == "غزة"


def test_csv_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id;text\n1;نص، مع فاصلة\n", encoding="utf-8")
    assert only_doc(path).text == "نص، مع فاصلة"


def test_csv_long_field(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    long_text = ARABIC * 3000  # far past the csv module's default 128 KiB field limit
    path.write_text(f'text\n"{long_text}"\n', encoding="utf-8")
    assert only_doc(path).text == long_text


def test_csv_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,أ\n2,\n3,ب,extra\n4,"متعدد\nالأسطر"\n5\n6,ج,, \n', encoding="utf-8")
    docs, rejections = read(path)
    assert [d.id for d in docs] == ["1", "4", "6"]  # empty trailing cells are no harm
    assert [str(r) for r in rejections] == [
        f"{path}:3: empty text",
        f"{path}:4: row has 3 fields but the header has 2",
        f"{path}:7: no text",
    ]


def test_csv_undecodable_row_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(
        "id,text\n1,أ\n".encode("utf-8")
        + '2,"غزة\nسطر"\n'.encode("cp1256")
        + "".join(f"{n},ب\n" for n in range(3, 6)).encode("utf-8")
    )
    docs, rejections = read(path)
    assert [d.id for d in docs] == ["1", "3", "4", "5"]
    assert [(r.line, r.reason.split(" (")[0]) for r in rejections] == [(3, "undecodable text: not valid utf-8")]


def test_csv_with_mac_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes('id,text\r1,"أ\rب"\r2,ج\r'.encode("cp1256"))
    docs, rejections = read(path)
    assert rejections == []
    assert [(d.id, d.text, d.origin) for d in docs] == [("1", "أ\nب", f"{path}:2"), ("2", "ج", f"{path}:4")]


def test_csv_malformed_header(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,te\rxt\n1,أ\n', encoding="utf-8")
    assert [(r.line, r.reason.split(":")[0]) for r in read(path)[1]] == [(1, "malformed CSV header")]


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,body\n1,نص\n2,نص\n", encoding="utf-8")
    assert [str(r) for r in read(path)[1]] == [f"{path}:1: no 'text' column in the header (columns: id, body)"]


# --- folders, paths and bad files ------------------------------------------------------------------


def test_folder_recursion_sorted_ids_and_ignored_suffixes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "2024" / "jan").mkdir(parents=True)
    (corpus / ".git").mkdir()
    (corpus / "b.txt").write_text("ب\nنص ب", encoding="utf-8")
    (corpus / "a.TXT").write_text("أ\nنص أ", encoding="utf-8")
    (corpus / "2024" / "jan" / "c.txt").write_text("ج\nنص ج", encoding="utf-8")
    write_jsonl(corpus / "2024" / "d.jsonl", [{"id": "d1", "text": "نص د"}])
    (corpus / "2024" / "e.csv").write_text("text\nنص هـ\n", encoding="utf-8")
    (corpus / "2024" / "f.json").write_text('{"id": "f", "text": "نص و"}', encoding="utf-8")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    (corpus / "README").write_text("not an article")
    (corpus / "._b.txt").write_bytes(b"\x00\x05\x16\x07")
    (corpus / ".git" / "x.txt").write_text("x\ny")
    docs, rejections = read(corpus)
    assert rejections == []
    # Names sorted at each level, folders entered where their name falls; ids only for .txt files.
    assert [d.id for d in docs] == ["d1", "sha256:" + text_sha256("نص هـ")[:16], "f", "2024/jan/c", "a", "b"]
    assert docs[3].origin == str(corpus / "2024" / "jan" / "c.txt")


def test_explicit_file_with_unknown_suffix_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK")
    assert [str(r) for r in read(path)[1]] == [
        f"{path}: unsupported file type '.docx': expected .txt, .jsonl, .json, .csv"
    ]


def test_missing_path(tmp_path: Path) -> None:
    good = tmp_path / "ok.txt"
    good.write_text("عنوان\nنص", encoding="utf-8")
    missing = tmp_path / "nope.jsonl"
    docs, rejections = read(missing, good)
    assert [d.id for d in docs] == ["ok"]
    assert [str(r) for r in rejections] == [f"{missing}: no such file or folder"]


def test_single_path_string_is_not_iterated_per_character(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("عنوان\nنص", encoding="utf-8")
    assert [d.id for d in iter_corpus(str(path))] == ["ok"]  # type: ignore[union-attr]


def test_every_bad_file_reported_and_the_rest_imported(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a_good.txt").write_text("عنوان\nنص", encoding="utf-8")
    (corpus / "b_empty.txt").write_bytes(b"")
    (corpus / "c_blank.jsonl").write_text("\n \n", encoding="utf-8")
    (corpus / "d_binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    (corpus / "e_binary.jsonl").write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00")
    (corpus / "f_binary.csv").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "g_undecodable.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    (corpus / "h_empty.csv").write_text("\n\n", encoding="utf-8")
    write_jsonl(corpus / "z_good.jsonl", [{"text": "نص جيد"}])
    docs, rejections = read(corpus)
    assert [d.text for d in docs] == ["نص", "نص جيد"]
    reasons = {Path(r.path).name: (r.line, r.reason.split(":")[0]) for r in rejections}
    assert reasons == {
        "b_empty.txt": (None, "empty file"),
        "c_blank.jsonl": (None, "empty file"),
        "d_binary.txt": (None, "binary file"),
        "e_binary.jsonl": (None, "binary file"),
        "f_binary.csv": (None, "binary file"),
        "g_undecodable.txt": (None, "undecodable text"),
        "h_empty.csv": (None, "empty file"),
    }


def test_permission_error_is_a_rejection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated, because the tests may run as root, for whom chmod 000 does not deny reading.
    locked = tmp_path / "locked.jsonl"
    write_jsonl(locked, [{"text": "سر"}])
    other = write_jsonl(tmp_path / "open.jsonl", [{"text": "علني"}])
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(file) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    docs, rejections = read(tmp_path)
    assert [d.text for d in docs] == ["علني"]
    assert [str(r) for r in rejections] == [f"{locked}: cannot read: permission denied"]
    assert other.exists()


def test_damaged_files_never_raise(tmp_path: Path) -> None:
    """Good files of every format with random bytes overwritten, cut or doubled: never an exception."""
    rng = random.Random(7)
    records = [{"id": f"r{i}", "title": TITLE, "text": ARABIC + f" {i}"} for i in range(5)]
    sources = {
        ".jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
        ".json": json.dumps(records, ensure_ascii=False, indent=1),
        ".csv": "id,title,text\n" + "".join(f'{r["id"]},{r["title"]},"{r["text"]}"\n' for r in records),
        ".txt": f"{TITLE}\n\n{ARABIC}\n",
    }
    codecs_ = ["utf-8", "utf-8-sig", "utf-16", "cp1256"]
    for n in range(300):
        suffix = rng.choice(list(sources))
        data = bytearray(sources[suffix].encode(rng.choice(codecs_)))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            action = rng.randrange(3)
            if action == 0:
                data[at] = rng.randrange(256)
            elif action == 1:
                del data[at:]
                if not data:
                    break
            else:
                data[at:at] = data[at : at + rng.randint(1, 40)]
        (tmp_path / f"f{n:03d}{suffix}").write_bytes(bytes(data))
    items = list(iter_corpus([tmp_path]))
    assert all(isinstance(item, (Document, Rejection)) for item in items)
    for encoding in ("utf-8", "utf-16", "cp1256", "iso8859_6"):
        assert all(isinstance(item, (Document, Rejection)) for item in iter_corpus([tmp_path], encoding=encoding))


# --- streaming -------------------------------------------------------------------------------------


PARAGRAPH = "قال مسؤولون إن الغارة أصابت منزلا في حي سكني، وإن فرق الإنقاذ ما زالت تبحث عن ناجين. " * 3


def write_big_jsonl(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(rows):
            handle.write(json.dumps({"id": f"n{i}", "text": PARAGRAPH}, ensure_ascii=False) + "\n")


def write_big_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="cp1256", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text"])
        for i in range(rows):
            writer.writerow([f"n{i}", "", PARAGRAPH.replace("، ", "،\r\n")])


@pytest.mark.parametrize(
    ("name", "write", "rows"),
    [("big.jsonl", write_big_jsonl, 20_000), ("big.csv", write_big_csv, 10_000)],  # a CSV row is 4 lines
)
def test_large_files_are_streamed(
    tmp_path: Path, name: str, write: Callable[[Path, int], None], rows: int
) -> None:
    path = tmp_path / name
    write(path, rows)
    size_mb = path.stat().st_size / 1e6
    assert size_mb > 2.5
    started = time.perf_counter()
    tracemalloc.start()
    try:
        count = sum(1 for item in iter_corpus([path]) if isinstance(item, Document))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    # Reading the file whole would need several times its size; streaming needs a few lines.
    assert peak < 2_000_000, f"peak {peak / 1e6:.1f} MB for a {size_mb:.0f} MB file: not streamed"
    assert time.perf_counter() - started < 5
