"""Loading policy texts and their metadata sidecars.

Each document is two files in the corpus folder: ``NAME.meta.json`` (the
sidecar, which names its text file) and the text itself. The sidecar is the
only source of title, number, issuer and date, since PDF-extracted texts
often lack a title line. Every problem is reported as a :class:`CorpusError`
naming the offending file.

Optional fields beside the required ones: ``short_titles`` (the names other documents cite it
by, 环境保护法 for 中华人民共和国环境保护法), and its validity in time: ``in_force_from`` and
``repealed_on`` (ISO dates; repealed_on is the first day it no longer applies) and
``replaced_by`` (the id of the document replacing it, which need not be in the library).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import CorpusError

REQUIRED_FIELDS = ("id", "title", "number", "issuer", "date", "type", "text")
STRUCTURE_PROFILES = ("numbered", "statute", "markdown")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Texts above this size are refused before any parsing: a policy document is kilobytes, and the
#: extraction and SHACL validation of one document grow with it (20 MB took 310 s and 3.8 GB).
MAX_TEXT_BYTES = 5_000_000
MAX_META_BYTES = 1_000_000


@dataclass(frozen=True)
class DocumentMeta:
    id: str
    title: str
    number: str
    issuer: str
    date: dt.date
    type: str
    text_path: Path
    meta_path: Path
    addressees: tuple[str, ...] = ()
    structure: str = "numbered"
    language: str = "zh"
    title_en: str = ""
    short_titles: tuple[str, ...] = ()  # names other documents cite it by (环境保护法, 环保法)
    in_force_from: dt.date | None = None
    repealed_on: dt.date | None = None  # the first day it is no longer in force
    replaced_by: str | None = None  # id of the document that replaces it (in the library or not)
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class SourceDocument:
    meta: DocumentMeta
    raw: str


def read_meta(meta_path: Path) -> DocumentMeta:
    try:
        raw = meta_path.read_bytes()
    except OSError as exc:
        raise CorpusError(meta_path, f"metadata cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_META_BYTES:
        raise CorpusError(meta_path, f"metadata is {len(raw)} bytes, above the {MAX_META_BYTES}-byte limit")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise CorpusError(meta_path, "metadata is not valid JSON: nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise CorpusError(meta_path, f"metadata is not UTF-8 ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise CorpusError(meta_path, f"metadata is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict):
        raise CorpusError(meta_path, "metadata must be a JSON object")
    missing = [name for name in REQUIRED_FIELDS if not str(data.get(name) or "").strip()]
    if missing:
        raise CorpusError(meta_path, f"metadata lacks required field(s): {', '.join(missing)}")
    doc_id = str(data["id"])
    if not _ID_PATTERN.match(doc_id):
        raise CorpusError(meta_path, f"id {doc_id!r} must be lowercase ASCII letters, digits and '-'")
    try:
        date = dt.date.fromisoformat(str(data["date"]))
    except ValueError:
        raise CorpusError(meta_path, f"date {data['date']!r} is not an ISO date (YYYY-MM-DD)") from None
    structure = str(data.get("structure", "numbered"))
    if structure not in STRUCTURE_PROFILES:
        raise CorpusError(meta_path, f"structure {structure!r} is not one of {', '.join(STRUCTURE_PROFILES)}")
    addressees = data.get("addressees", [])
    if not isinstance(addressees, list) or not all(isinstance(a, str) for a in addressees):
        raise CorpusError(meta_path, "addressees must be a list of strings")
    text_path = (meta_path.parent / str(data["text"])).resolve()
    if meta_path.parent.resolve() not in text_path.parents:
        raise CorpusError(meta_path, f"text {data['text']!r} must be inside the corpus folder")
    short_titles = data.get("short_titles", [])
    if not isinstance(short_titles, list) or not all(isinstance(t, str) and t.strip() for t in short_titles):
        raise CorpusError(meta_path, "short_titles must be a list of non-empty strings")
    in_force_from, repealed_on = (_optional_date(meta_path, data, name) for name in ("in_force_from", "repealed_on"))
    if in_force_from and repealed_on and repealed_on <= in_force_from:
        raise CorpusError(meta_path, f"repealed_on {repealed_on} is not after in_force_from {in_force_from}")
    replaced_by = data.get("replaced_by")
    if replaced_by is not None and (not isinstance(replaced_by, str) or not _ID_PATTERN.match(replaced_by)):
        raise CorpusError(meta_path, f"replaced_by {replaced_by!r} must be a document id (lowercase ASCII letters, "
                                     "digits and '-')")
    if replaced_by == doc_id:
        raise CorpusError(meta_path, "replaced_by names the document itself")
    known = {*REQUIRED_FIELDS, "addressees", "structure", "language", "title_en", "short_titles", "in_force_from",
             "repealed_on", "replaced_by"}
    return DocumentMeta(
        id=doc_id,
        title=str(data["title"]).strip(),
        number=str(data["number"]).strip(),
        issuer=str(data["issuer"]).strip(),
        date=date,
        type=str(data["type"]).strip(),
        text_path=text_path,
        meta_path=meta_path,
        addressees=tuple(addressees),
        structure=structure,
        language=str(data.get("language", "zh")),
        title_en=str(data.get("title_en", "")),
        short_titles=tuple(dict.fromkeys(t.strip() for t in short_titles)),
        in_force_from=in_force_from,
        repealed_on=repealed_on,
        replaced_by=replaced_by,
        extra={k: v for k, v in data.items() if k not in known},
    )


def _optional_date(meta_path: Path, data: dict, name: str) -> dt.date | None:
    """An optional ISO date field; absent or null is None, anything else must parse."""
    value = data.get(name)
    if value is None:
        return None
    try:
        if not isinstance(value, str) or not _ISO_DATE.match(value):  # fromisoformat also takes 20150101
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CorpusError(meta_path, f"{name} {value!r} is not an ISO date (YYYY-MM-DD)") from None


def read_text(path: Path) -> str:
    """Decode a policy text strictly as UTF-8; anything else is an error, not a guess."""
    if not path.is_file():
        raise CorpusError(path, "text file is missing")
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:  # before reading: a huge file is refused without holding it in memory
        raise CorpusError(path, f"text file is {size} bytes, above the {MAX_TEXT_BYTES}-byte limit per document "
                                "(split it into several documents)")
    data = path.read_bytes()
    if not data.strip():
        raise CorpusError(path, "text file is empty")
    if b"\x00" in data:
        raise CorpusError(path, "text file is binary (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = " (it looks GBK-encoded; convert it with iconv -f GBK -t UTF-8)" if _looks_gbk(data) else ""
        raise CorpusError(path, f"text is not UTF-8: invalid byte at offset {exc.start}{hint}") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(10, len(text) // 1000):
        raise CorpusError(path, f"text looks binary ({controls} control characters)")
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text[:20000]) and not any(ch.isalpha() for ch in text):
        raise CorpusError(path, "text contains no words")
    return text


def _looks_gbk(data: bytes) -> bool:
    try:
        decoded = data.decode("gbk")
    except UnicodeDecodeError:
        return False
    return sum("\u4e00" <= ch <= "\u9fff" for ch in decoded) > len(decoded) // 4


def discover(corpus: Path) -> list[DocumentMeta]:
    """All sidecars in the corpus folder, sorted by id; a folder without any is an error."""
    if not corpus.is_dir():
        raise CorpusError(corpus, "corpus folder does not exist")
    metas = [read_meta(path) for path in sorted(corpus.glob("*.meta.json"))]
    if not metas:
        raise CorpusError(corpus, "no *.meta.json sidecars found")
    seen: dict[str, Path] = {}
    for meta in metas:
        if meta.id in seen:
            raise CorpusError(meta.meta_path, f"id {meta.id!r} is already used by {seen[meta.id]}")
        seen[meta.id] = meta.meta_path
    described = {m.text_path for m in metas}
    for text in sorted(corpus.iterdir()):
        if text.suffix in {".txt", ".md"} and text.resolve() not in described:
            raise CorpusError(text, "text file has no metadata sidecar (expected NAME.meta.json naming it)")
    return metas


def load(corpus: Path) -> list[SourceDocument]:
    return [SourceDocument(meta, read_text(meta.text_path)) for meta in discover(corpus)]
