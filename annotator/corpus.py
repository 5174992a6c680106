"""Reading article files (.txt, .jsonl, .json, .csv) into :class:`Document` records.

Everything here is Qt-free and database-free: :func:`iter_corpus` turns paths into a stream of
``Document`` or ``Rejection`` items and never raises for bad input, so the importer (and a
preview in the UI) can report every problem with its file and line while importing the rest.

Text is normalized exactly once, here, because annotation offsets index into the stored text:
whatever the store keeps must be what coders saw.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

from annotator.model import Document, Rejection, text_sha256

SUFFIXES = (".txt", ".jsonl", ".json", ".csv")

# Keys a record may carry; any other key (or CSV column) goes to Document.meta.
FIELDS = ("id", "title", "text", "url", "outlet", "published")

# Legacy encodings tried when a file is neither BOM-marked nor valid UTF-8. Windows-1256 is what
# Arabic Windows and Excel write; ISO-8859-6 turns up in older Unix archives.
LEGACY_ENCODINGS = ("cp1256", "iso8859_6")

# How much of a streamed file is used to detect its encoding.
SAMPLE_BYTES = 64 * 1024

# Share of control characters above which decoded "text" is taken for a binary file. Real text
# has almost none; a few stray ones (form feeds, ^Z from old editors) must not reject a file.
BINARY_CONTROL_SHARE = 0.3

TITLE_CHARS = 80

# Oversized input is refused, with a message, before it can exhaust memory or hang the window
# that would show it. One item (a JSONL line, a CSV record, a .txt file, a document's text) may
# have 8 MB: a long news article is 100 KB, a whole report a few MB. A .json file is read whole
# (items are numbered by line), so it may have 256 MB; larger corpora belong in .jsonl.
MAX_ITEM_BYTES = 8 << 20
MAX_WHOLE_FILE_BYTES = 256 << 20

_TOO_DEEP = "invalid JSON: nested too deeply"

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_NON_ASCII = re.compile(rb"[\x80-\xff]")
# C0 and C1 controls other than the line-layout ones (tab, LF, VT, FF, CR) text legitimately has.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_FIRST_LINE = re.compile(r"\S[^\n]*")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class DecodeProblem(ValueError):
    """Bytes that cannot be taken as text; ``str()`` is a reason fit to show a coder."""


def normalize_text(text: str) -> str:
    """NFC, LF line ends and no leading BOM; nothing else changes.

    Tashkeel, tatweel, emoji, bidi marks, ZWJ/ZWNJ and trailing spaces are content a coder may
    quote, so they are kept as they are.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Decode a whole file's bytes, detecting the encoding unless one is given.

    Detection order: a BOM (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE), then UTF-8, then the Arabic
    legacy encodings (Windows-1256, ISO-8859-6). Bytes whose lines are mostly valid UTF-8 are
    taken as UTF-8 with damage, and so rejected, rather than read as garbled Windows-1256.
    The result is not normalized yet. Raises :class:`DecodeProblem` for an empty, binary or
    undecodable file.
    """
    if not data.strip():
        raise DecodeProblem("empty file")
    if encoding is None:
        encoding = _sniff_bom(data)
        if encoding is None:
            _refuse_nul(data)
            encoding = _guess_encoding(data, complete=True)
    else:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise DecodeProblem(f"unknown encoding {encoding!r}") from None
        if _ascii_compatible(encoding):
            _refuse_nul(data)
    try:
        text = data.decode(encoding)
    except UnicodeError as exc:
        raise DecodeProblem(f"undecodable text: {_decode_error(exc, encoding)}") from None
    if not text.lstrip("\ufeff").strip():
        raise DecodeProblem("empty file")
    if _mostly_control(text):
        raise DecodeProblem("binary file")
    return text


def iter_corpus(
    paths: Iterable[str | os.PathLike[str]], *, encoding: str | None = None
) -> Iterator[Document | Rejection]:
    """Stream the documents in files and folders, with a Rejection for every bad item.

    Folders are walked recursively in sorted order, taking files ending in .txt, .jsonl, .json
    or .csv (hidden files and folders, and other suffixes, are skipped); a file named explicitly
    with another suffix is rejected. JSONL and CSV files are streamed; a .txt or .json file is
    read whole, one at a time. ``encoding`` overrides detection for every file.

    Raises ``LookupError`` at once (before any file is read) for an unknown ``encoding`` name,
    since that is a mistake in the request, not in the corpus.
    """
    if encoding is not None:
        encoding = codecs.lookup(encoding).name
    if isinstance(paths, (str, os.PathLike)):
        # A lone path would otherwise be iterated character by character.
        paths = [paths]
    return _iter_paths([Path(p) for p in paths], encoding)


def _iter_paths(paths: list[Path], encoding: str | None) -> Iterator[Document | Rejection]:
    for given in paths:
        try:
            mode = os.stat(given).st_mode
        except FileNotFoundError:
            yield Rejection(str(given), None, "no such file or folder")
            continue
        except OSError as exc:
            yield Rejection(str(given), None, _os_reason(exc))
            continue
        if stat.S_ISDIR(mode):
            for item in _walk(given):
                if isinstance(item, Rejection):
                    yield item
                else:
                    txt_id = item.relative_to(given).with_suffix("").as_posix()
                    yield from _read_file(item, txt_id, encoding)
        elif given.suffix.lower() in SUFFIXES:
            yield from _read_file(given, given.stem, encoding)
        else:
            expected = ", ".join(SUFFIXES)
            yield Rejection(
                str(given), None, f"unsupported file type {given.suffix or '(none)'!r}: expected {expected}"
            )


def _walk(folder: Path) -> Iterator[Path | Rejection]:
    """Corpus files under ``folder`` in name order, depth first; unreadable folders rejected."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield Rejection(str(folder), None, _os_reason(exc))
        return
    for entry in entries:
        # Hidden entries are skipped: macOS "._name.txt" companions and .git are never articles.
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            # Symlinked folders are not followed, so a link loop cannot recurse forever.
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError as exc:
            yield Rejection(str(path), None, _os_reason(exc))
            continue
        if is_dir:
            yield from _walk(path)
        elif path.suffix.lower() in SUFFIXES:
            yield path


def _read_file(path: Path, txt_id: str, encoding: str | None) -> Iterator[Document | Rejection]:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return _read_txt(path, txt_id, encoding)
    if suffix == ".json":
        return _read_json(path, encoding)
    if suffix == ".jsonl":
        return _read_jsonl(path, encoding)
    return _read_csv(path, encoding)


# --- formats ---------------------------------------------------------------------------------


def _read_whole(path: Path, encoding: str | None, limit: int, advice: str) -> str | Rejection:
    """A file of at most ``limit`` bytes decoded whole, or the Rejection that says why it cannot be.

    Only ``limit`` + 1 bytes are ever read; ``advice`` says what to do with a larger file.
    """
    try:
        data = _read_bytes(path, limit + 1)
        if len(data) > limit:
            return Rejection(str(path), None, f"larger than {megabytes(limit)}: {advice}")
        return decode_bytes(data, encoding)
    except OSError as exc:
        return Rejection(str(path), None, _os_reason(exc))
    except DecodeProblem as exc:
        return Rejection(str(path), None, str(exc))


def _read_txt(path: Path, doc_id: str, encoding: str | None) -> Iterator[Document | Rejection]:
    """First non-blank line is the title; the text is what follows, less its leading blank lines.

    A file of a single line is taken as text without a title line (its title is derived from it),
    because rejecting one-paragraph articles would surprise more than it protects.
    """
    where = str(path)
    text = _read_whole(path, encoding, MAX_ITEM_BYTES,
                      "a .txt file is one article, and no article is that long; is it the right file?")
    if isinstance(text, Rejection):
        yield text
        return
    text = normalize_text(text)
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    rest = first + 1
    while rest < len(lines) and not lines[rest].strip():
        rest += 1
    if rest == len(lines):
        body = lines[first]
        title = _title_from(body)
    else:
        body = "\n".join(lines[rest:])
        title = lines[first].strip()
    yield Document(id=doc_id, title=title, text=body, origin=where)


def _read_jsonl(path: Path, encoding: str | None) -> Iterator[Document | Rejection]:
    where = str(path)
    decoder = json.JSONDecoder(strict=False)  # raw tabs inside strings are common in scraped data
    seen_any = False
    line_no = 0
    try:
        with _open_lines(path, encoding) as lines:
            for line_no, line in enumerate(lines, start=1):
                if line_no == 1:
                    line = line.lstrip("\ufeff")
                problem = lines.problems.pop(line_no, None)
                if problem is None and not line.strip():
                    continue
                seen_any = True
                if problem is not None:
                    yield Rejection(where, line_no, problem)
                    continue
                try:
                    record = decoder.decode(line)
                except json.JSONDecodeError as exc:
                    yield Rejection(where, line_no, f"invalid JSON: {exc.msg} (column {exc.colno})")
                    continue
                except RecursionError:
                    yield Rejection(where, line_no, _TOO_DEEP)
                    continue
                yield _to_document(record, where, line_no)
    except _StreamProblem as exc:
        yield Rejection(where, None, str(exc))
        return
    except UnicodeError as exc:
        yield _mid_stream_rejection(where, line_no + 1, exc)
        return
    except OSError as exc:
        yield Rejection(where, line_no or None, _os_reason(exc))
        return
    if not seen_any:
        yield Rejection(where, None, "empty file")


def _read_json(path: Path, encoding: str | None) -> Iterator[Document | Rejection]:
    """One object, or an array of objects; the file is read whole, the array parsed item by item
    so each item gets its own line number and a bad item does not hide the good ones."""
    where = str(path)
    text = _read_whole(path, encoding, MAX_WHOLE_FILE_BYTES,
                      "a .json file is read whole; write it as JSON Lines (.jsonl, one object per line)")
    if isinstance(text, Rejection):
        yield text
        return
    text = text.lstrip("\ufeff")
    decoder = json.JSONDecoder(strict=False)
    lines = _LineCounter(text)
    pos = _skip_space(text, 0)
    if text[pos] != "[":
        try:
            record, end = decoder.raw_decode(text, pos)
            if _skip_space(text, end) != len(text):
                raise json.JSONDecodeError("Extra data", text, _skip_space(text, end))
        except json.JSONDecodeError as exc:
            hint = "; if it holds one object per line, name it .jsonl" if exc.msg == "Extra data" else ""
            yield Rejection(where, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno}){hint}")
            return
        except RecursionError:
            yield Rejection(where, lines.at(pos), _TOO_DEEP)
            return
        if isinstance(record, dict):
            yield _to_document(record, where, lines.at(pos))
        else:
            yield Rejection(where, lines.at(pos), f"expected an object or an array of objects, found {_kind(record)}")
        return
    try:
        pos = _skip_space(text, pos + 1)
        if text.startswith("]", pos):
            yield Rejection(where, None, "empty file")
            return
        while True:
            record, end = decoder.raw_decode(text, pos)
            yield _to_document(record, where, lines.at(pos))
            pos = _skip_space(text, end)
            if text.startswith(",", pos):
                pos = _skip_space(text, pos + 1)
            elif text.startswith("]", pos):
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        end = _skip_space(text, pos + 1)
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    except RecursionError:
        yield Rejection(where, lines.at(pos), _TOO_DEEP + "; the rest of the file was skipped")
    except json.JSONDecodeError as exc:
        # Past a syntax error the structure is unknown, so the rest of the file cannot be trusted.
        yield Rejection(
            where, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno}); the rest of the file was skipped"
        )


def _read_csv(path: Path, encoding: str | None) -> Iterator[Document | Rejection]:
    """A header row names the columns (any case); ``text`` is required, unknown columns go to meta.

    The delimiter is a comma, or a semicolon or tab when the header only makes sense split that
    way (European-locale Excel writes semicolons).
    """
    where = str(path)
    _set_csv_field_limit()
    line_no = 0
    try:
        with _open_lines(path, encoding) as lines:
            source = iter(lines)
            header_line = ""
            while not header_line.strip():
                header_line = next(source, None)
                if header_line is None:
                    yield Rejection(where, None, "empty file")
                    return
                line_no += 1
                if line_no in lines.problems:
                    yield Rejection(where, line_no, f"header: {lines.problems.pop(line_no)}")
                    return
            try:
                delimiter, header = _csv_header(header_line.lstrip("\ufeff"))
            except csv.Error as exc:
                yield Rejection(where, line_no, f"malformed CSV header: {exc}")
                return
            keys = [name.lower() if name.lower() in FIELDS else name for name in header]
            if "text" not in keys:
                yield Rejection(where, line_no, f"no 'text' column in the header (columns: {', '.join(header)})")
                return
            duplicated = sorted({key for key in keys if keys.count(key) > 1})
            if duplicated:
                yield Rejection(where, line_no, f"duplicate columns in the header: {', '.join(duplicated)}")
                return
            rows = csv.reader(source, delimiter=delimiter)
            # The reader counts the lines it consumed; the header's lines come before them.
            base = line_no
            previous_end = 0
            while True:
                line_no = base + previous_end + 1
                try:
                    row = next(rows)
                except StopIteration:
                    break
                except csv.Error as exc:
                    previous_end = rows.line_num
                    if "field limit" in str(exc):  # the csv module's only word for a field over the limit
                        # It stops inside a quoted field; what follows cannot be told apart into rows.
                        yield Rejection(where, line_no, too_long("record") + "; the rest of the file was skipped")
                        return
                    yield Rejection(where, line_no, f"malformed CSV: {exc}")
                    continue
                previous_end = rows.line_num
                if lines.problems:
                    # Any undecodable line inside this row spoils the row (and only it).
                    spoiled = [n for n in sorted(lines.problems) if n <= base + previous_end]
                    reasons = [lines.problems.pop(n) for n in spoiled]
                    if reasons:
                        yield Rejection(where, line_no, reasons[0])
                        continue
                if not any(cell.strip() for cell in row):
                    continue  # blank lines and Excel's trailing ",,," rows
                if len(row) > len(keys) and any(cell.strip() for cell in row[len(keys) :]):
                    yield Rejection(where, line_no, f"row has {len(row)} fields but the header has {len(keys)}")
                    continue
                yield _to_document(dict(zip(keys, row)), where, line_no)
    except _StreamProblem as exc:
        yield Rejection(where, None, str(exc))
    except UnicodeError as exc:
        yield _mid_stream_rejection(where, line_no, exc)
    except OSError as exc:
        yield Rejection(where, line_no or None, _os_reason(exc))


def _csv_header(line: str) -> tuple[str, list[str]]:
    for delimiter in (",", ";", "\t"):
        header = [name.strip() for name in next(csv.reader([line], delimiter=delimiter), [])]
        if "text" in (name.lower() for name in header):
            return delimiter, header
    return ",", [name.strip() for name in next(csv.reader([line]), [])]


def _set_csv_field_limit() -> None:
    # An article is one field; the csv module's default 128 KiB limit is smaller than long ones.
    csv.field_size_limit(MAX_ITEM_BYTES)


# --- records ---------------------------------------------------------------------------------


def _to_document(record: Any, where: str, line: int) -> Document | Rejection:
    """A Document from a JSON object or CSV row, or the Rejection saying what is wrong with it."""
    if not isinstance(record, Mapping):
        return Rejection(where, line, f"not a JSON object (found {_kind(record)})")
    text = record.get("text")
    if text is None:
        return Rejection(where, line, "no text")
    if not isinstance(text, str):
        return Rejection(where, line, f"text is {_kind(text)}, not a string")
    if len(text) > MAX_ITEM_BYTES:  # characters: a .json item has no line limit before this
        return Rejection(where, line, f"text longer than {megabytes(MAX_ITEM_BYTES)}, far more than any "
                                      "article; is it the right field?")
    text = normalize_text(text)
    if not text.strip():
        return Rejection(where, line, "empty text")
    values: dict[str, str | None] = {}
    for key in ("id", "title", "url", "outlet", "published"):
        value = record.get(key)
        if isinstance(value, bool) or not isinstance(value, (str, int, float, type(None))):
            return Rejection(where, line, f"{key} is {_kind(value)}, not a string")
        value = None if value is None else str(value).strip()
        values[key] = value or None
    title = normalize_text(values["title"]).strip() if values["title"] else _title_from(text)
    doc_id = values["id"] or "sha256:" + text_sha256(text)[:16]
    meta = {key: value for key, value in record.items() if key not in FIELDS}
    return Document(
        id=doc_id,
        title=title,
        text=text,
        outlet=values["outlet"],
        url=values["url"],
        published=values["published"],
        meta=meta,
        origin=f"{where}:{line}",
    )


def _title_from(text: str) -> str:
    """The first non-blank line of ``text``, cut to TITLE_CHARS."""
    first = _FIRST_LINE.search(text)
    return first.group().strip()[:TITLE_CHARS].rstrip() if first else ""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return {dict: "an object", list: "an array", str: "a string", type(None): "null"}.get(type(value), "a value")


# --- decoding --------------------------------------------------------------------------------


class _StreamProblem(Exception):
    """A streamed file that cannot be read as text at all (binary, undecodable sample)."""


class _Lines:
    """A file's lines as text (line ends kept), decoded one line at a time where possible.

    With an encoding in which byte 0x0A is always a line end (UTF-8, Windows-1256, ...), a line
    that does not decode is yielded with replacement characters and recorded in ``problems``
    (line number -> reason), so the reader rejects that item alone and goes on: scraped files
    often mix in a few lines of another encoding. UTF-16/32 lines cannot be found before
    decoding; there a decoding error raises UnicodeError and ends the file.

    Lines end at LF (so CRLF too), or at CR in a file whose sample has CRs and no LF: Excel for
    Mac's "CSV (Macintosh)" still writes those.
    """

    def __init__(self, raw: BinaryIO, encoding: str, *, cr_only: bool) -> None:
        self.problems: dict[int, str] = {}
        self._raw = raw
        # A UTF-8 BOM is only at the start of the file; the readers strip it from the first line.
        self._encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self._cr_only = cr_only

    def __iter__(self) -> Iterator[str]:
        if not _ascii_compatible(self._encoding):
            newline = "\r" if self._cr_only else "\n"
            text = io.TextIOWrapper(self._raw, encoding=self._encoding, errors="strict", newline=newline)
            for number, line in enumerate(bounded_lines(text.readline, newline), start=1):
                yield self._skipped(number) if line is None else line
            return
        readline = _CrLines(self._raw).readline if self._cr_only else self._raw.readline
        for number, line in enumerate(bounded_lines(readline, b"\r" if self._cr_only else b"\n"), start=1):
            if line is None:
                yield self._skipped(number)
                continue
            try:
                yield line.decode(self._encoding)
            except UnicodeDecodeError as exc:
                self.problems[number] = f"undecodable text: {_decode_error(exc, self._encoding)}"
                yield line.decode(self._encoding, errors="replace")

    def _skipped(self, number: int) -> str:
        """Record the problem; an empty line stands in for the skipped one, so numbering holds."""
        self.problems[number] = too_long("line")
        return "\n"


def bounded_lines(readline: Callable[[int], Any], end: Any, limit: int | None = None) -> Iterator[Any]:
    """Lines from ``readline(size)`` (bytes or text) of at most ``limit`` (default MAX_ITEM_BYTES)
    bytes or characters, with None in place of a longer one; ``end``: what a line ends with.

    A longer line is read on in chunks and dropped, so memory stays bounded by the limit even
    for a file of gigabytes without a line break.
    """
    limit = MAX_ITEM_BYTES if limit is None else limit
    while line := readline(limit + 1):
        if len(line) <= limit:
            yield line
            continue
        while line and not line.endswith(end):
            line = readline(SAMPLE_BYTES)
        yield None


@contextmanager
def _open_lines(path: Path, encoding: str | None) -> Iterator[_Lines]:
    """Open ``path`` for line-by-line reading in its given or detected encoding.

    Raises _StreamProblem for binary or undecodable files, OSError if it cannot be read.
    """
    with open(path, "rb") as raw:
        if encoding is None:
            encoding = _detect_stream_encoding(raw)
            raw.seek(0)
        head = raw.read(SAMPLE_BYTES)
        if b"\x00" in head and _ascii_compatible(encoding):
            raise _StreamProblem("binary file")
        try:
            sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
        except UnicodeError as exc:  # not a byte error: e.g. "utf-16" asked for, and no BOM
            raise _StreamProblem(f"undecodable text: {_decode_error(exc, encoding)}") from None
        if _mostly_control(sample):
            raise _StreamProblem("binary file")
        raw.seek(0)
        yield _Lines(raw, encoding, cr_only="\r" in sample and "\n" not in sample)


class _CrLines:
    """``readline(size)`` for a binary stream whose lines end at CR, read in chunks."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._pending = bytearray()

    def readline(self, size: int) -> bytes:
        searched = 0
        while True:
            end = self._pending.find(b"\r", searched, size)
            if end >= 0:
                end += 1
                break
            searched = len(self._pending)
            if searched >= size:
                end = size
                break
            chunk = self._raw.read(SAMPLE_BYTES)
            if not chunk:
                end = searched
                break
            self._pending += chunk
        line = bytes(self._pending[:end])
        del self._pending[:end]  # cheap: a bytearray drops its head without copying the rest
        return line


def _detect_stream_encoding(raw: BinaryIO) -> str:
    """Like decode_bytes' detection, from samples of a file too large to read whole."""
    head = raw.read(SAMPLE_BYTES)
    bom_encoding = _sniff_bom(head)
    if bom_encoding is not None:
        return bom_encoding
    if b"\x00" in head:
        raise _StreamProblem("binary file")
    sample = head
    complete = len(head) < SAMPLE_BYTES
    if head.isascii() and not complete:
        # Arabic may start far into a file whose beginning is ASCII (a CSV header, JSON keys,
        # English items); detect from the first non-ASCII bytes rather than assume UTF-8.
        while True:
            chunk = raw.read(SAMPLE_BYTES)
            if not chunk:
                return "utf-8"
            found = _NON_ASCII.search(chunk)
            if found:
                sample = chunk[found.start() :] + raw.read(found.start())
                complete = len(sample) < SAMPLE_BYTES
                break
    try:
        return _guess_encoding(sample, complete=complete)
    except DecodeProblem as exc:
        raise _StreamProblem(str(exc)) from None


def _refuse_nul(data: bytes) -> None:
    # Text in UTF-8 or a single-byte encoding never has NUL bytes; binary files nearly always do.
    if b"\x00" in data:
        raise DecodeProblem("binary file")


def _ascii_compatible(encoding: str) -> bool:
    """Whether ASCII bytes (NUL, LF) mean the same in ``encoding``, as in UTF-8 and cp1256."""
    return "\n".encode(encoding) == b"\n"


def _sniff_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _guess_encoding(sample: bytes, *, complete: bool) -> str:
    """UTF-8 if the sample is (mostly) UTF-8, else the Arabic legacy encoding it reads best as."""
    try:
        # Incremental, so a multi-byte character cut at the end of a partial sample is fine.
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = _decode_error(exc, "utf-8")
    if _mostly_utf8_lines(sample, complete=complete):
        # A UTF-8 file with a few lines pasted from elsewhere: decoding all of it as Windows-1256
        # would garble every good line, so UTF-8 stands and the bad lines are rejected.
        return "utf-8"
    best = from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise DecodeProblem(
            f"undecodable text: {utf8_error}, and it does not read as Windows-1256 or ISO-8859-6;"
            " give its encoding explicitly"
        )
    return codecs.lookup(best.encoding).name


def _mostly_utf8_lines(sample: bytes, *, complete: bool) -> bool:
    """Whether more non-ASCII lines of the sample are valid UTF-8 than not.

    Arabic in Windows-1256 or ISO-8859-6 is practically never valid UTF-8 (its letter bytes are
    not followed by continuation bytes), so valid lines are real UTF-8.
    """
    lines = sample.split(b"\n")
    if not complete:
        lines.pop()  # probably cut short
    valid = invalid = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            invalid += 1
    return valid > invalid


def _decode_error(exc: UnicodeError, encoding: str) -> str:
    if not isinstance(exc, UnicodeDecodeError):
        return f"not valid {encoding} ({exc})"
    byte = exc.object[exc.start : exc.start + 1].hex()
    return f"not valid {encoding} (byte 0x{byte} at offset {exc.start}: {exc.reason})"


def _mid_stream_rejection(where: str, line: int, exc: UnicodeError) -> Rejection:
    # The wrapper decodes in chunks, so the line is where reading stopped, not the exact byte.
    detail = f"not valid {exc.encoding} ({exc.reason})" if isinstance(exc, UnicodeDecodeError) else str(exc)
    return Rejection(
        where,
        line,
        f"undecodable text: {detail} near this line; the rest of the file was skipped; give its encoding explicitly",
    )


def _mostly_control(text: str) -> bool:
    sample = text[:8192]
    return len(_CONTROL.findall(sample)) > len(sample) * BINARY_CONTROL_SHARE


# --- small helpers ---------------------------------------------------------------------------


def _read_bytes(path: Path, size: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def megabytes(size: int) -> str:
    """A limit in words: ``8 MB`` (``1,000 bytes`` for a small one)."""
    return f"{size >> 20} MB" if size >= 1 << 20 else f"{size:,} bytes"


def too_long(what: str, limit: int | None = None) -> str:
    """The reason given for a line or record over ``limit`` (default MAX_ITEM_BYTES)."""
    return (f"{what} longer than {megabytes(MAX_ITEM_BYTES if limit is None else limit)}, far more than any "
            "article: skipped; is a line break or closing quote missing, or is it the wrong file?")


def _os_reason(exc: OSError) -> str:
    reason = (exc.strerror or str(exc)).lower()
    return f"cannot read: {reason}"


def _skip_space(text: str, pos: int) -> int:
    return _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]  # always matches


class _LineCounter:
    """1-based line of an offset, counting forward from the last offset asked about."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._line = 1

    def at(self, pos: int) -> int:
        self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line
