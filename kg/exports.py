"""Checklist exports in the reader's language (the app's, or ``policykg checklist --lang``): a title,
the filters, the documents (title and number), the date of generation, then one row per provision with
its formal citation. CSV: a short header block, a blank line, the table; JSON: one object; Excel: the
same header block above a filterable table with a "done" column; Markdown: the header as a list, then
one task (``- [ ]``) per provision. What is exported is exactly what the page shows: the same items, in
the same order."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass

from kg.checklist import ALL_MODALITIES, ChecklistItem, Filters
from kg.extract.lexicon import Lexicon
from kg.i18n import text
from kg.viz import concept_label


def tr(key: str, language: str, **values: object) -> str:
    """A string of the catalogue's ``ui`` section (the app's): exports read the same words as the screen."""
    return text(f"ui.{key}", language, **values)


def modality_name(modality: str | None, language: str) -> str:
    return tr(f"modality_{modality}", language) if modality in ALL_MODALITIES else (modality or "—")


#: The exported fields, in order (each is a ``ui.col_*`` string of the catalogue).
FIELDS = ("id", "citation", "text", "modality", "bearers", "deadline", "industries", "regions", "section")


@dataclass(frozen=True)
class ExportHeader:
    title: str
    filters: dict[str, str]  # label → value, in the UI's language
    generated: str  # ISO date the export was made
    data: str  # the data generation it was made from
    documents: tuple[str, ...] = ()  # the items' documents, each as its title and number

    def fields(self, language: str, count: int) -> list[tuple[str, str]]:
        """The header as (label, value) rows, the order every format writes them in."""
        return [*self.filters.items(),
                *([(tr("export_documents", language), "; ".join(self.documents))] if self.documents else []),
                (tr("export_generated", language), self.generated),
                (tr("export_data", language), self.data),
                (tr("export_count", language), str(count))]


def concept_names(labels: list[str], lexicon: Lexicon, language: str, *, en_separator: str = ", ") -> str:
    """Labels shown as their concepts' names in ``language`` (a label no concept has stays as written)."""
    shown = []
    for label in labels:
        concept = lexicon.resolve(label)
        shown.append(concept_label(concept, language) if concept else label)
    return ("、" if language == "zh" else en_separator).join(shown)


def _names(labels: list[str], lexicon: Lexicon, language: str) -> str:
    return concept_names(labels, lexicon, language, en_separator="; ")  # a CSV cell: ", " would read as columns


def document_names(items: list[ChecklistItem], documents: list[dict], language: str) -> tuple[str, ...]:
    """The documents the items come from, in their order, as a reader cites them: title and number."""
    by_id = {str(d["id"]): d for d in documents}
    names = []
    for doc in dict.fromkeys(item.id.split("/", 1)[0] for item in items):
        found = by_id.get(doc)
        if found is None:
            names.append(doc)
        elif language == "en":
            names.append(f"{found.get('title_en') or found['title']} ({found['number']})")
        else:
            names.append(f"《{found['title']}》（{found['number']}）")
    return tuple(names)


def header(filters: Filters, lexicon: Lexicon, language: str, data: str, today: dt.date | None = None,
           documents: tuple[str, ...] = ()) -> ExportHeader:
    def concept(name: str | None) -> str:
        if not name:
            return tr("all", language)
        found = lexicon.resolve(name)
        return concept_label(found, language) if found else name

    shown = {
        tr("industry", language): concept(filters.industry),
        tr("agency", language): concept(filters.agency),
        tr("region", language): concept(filters.region),
        tr("modality", language): modality_name(filters.modality, language) if filters.modality
        else tr("all", language),
        tr("due_by", language): filters.by or tr("all", language),
        tr("include_open", language): tr("yes" if filters.include_open else "no", language),
    }
    return ExportHeader(tr("export_title", language), shown, (today or dt.date.today()).isoformat(), data,
                        documents)


def records(items: list[ChecklistItem], lexicon: Lexicon, language: str, citations: dict[str, str]
            ) -> list[dict[str, str]]:
    """One record per item, keyed by the column names of the UI's language."""
    out = []
    for item in items:
        values = {
            "id": item.id,
            "citation": citations.get(item.id) or item.citation_text,
            "text": item.text,
            "modality": modality_name(item.modality, language),
            "bearers": "、".join(item.bearer_text) if language == "zh" and item.bearer_text
            else _names(item.bearers, lexicon, language),
            "deadline": item.deadline or tr("undated", language),
            "industries": _names(item.industries, lexicon, language),
            "regions": _names(item.regions, lexicon, language),
            "section": item.section,
        }
        out.append({tr(f"col_{field}", language): values[field] for field in FIELDS})
    return out


def to_csv(head: ExportHeader, rows: list[dict[str, str]], language: str) -> bytes:
    """UTF-8 with a BOM and CRLF rows (Excel opens Chinese text cleanly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([tr("export_title_label", language), head.title])
    for label, value in head.fields(language, len(rows)):
        writer.writerow([label, value])
    writer.writerow([])
    columns = [tr(f"col_{field}", language) for field in FIELDS]
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(head: ExportHeader, rows: list[dict[str, str]], language: str) -> bytes:
    document = {
        tr("export_title_label", language): head.title,
        tr("export_filters", language): head.filters,
        tr("export_documents", language): list(head.documents),
        tr("export_generated", language): head.generated,
        tr("export_data", language): head.data,
        tr("export_count", language): len(rows),
        tr("export_items", language): rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


#: Column widths in the Excel sheet (characters), by field; the text and the citation wrap.
XLSX_WIDTHS = {"done": 6, "id": 26, "citation": 48, "text": 70, "modality": 12, "bearers": 24, "deadline": 12,
               "industries": 20, "regions": 14, "section": 32}


def to_xlsx(head: ExportHeader, rows: list[dict[str, str]], language: str) -> bytes:
    """One sheet: the header block (title in bold), a blank row, then the table with a "done" column
    (☐ to tick), frozen under its header and filterable."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = tr("export_sheet", language)
    sheet.append([tr("export_title_label", language), head.title])
    sheet["B1"].font = Font(bold=True, size=14)
    for label, value in head.fields(language, len(rows)):
        sheet.append([label, value])
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=1):
        row[0].font = Font(bold=True)
    sheet.append([])
    columns = [tr(f"col_{field}", language) for field in FIELDS]
    sheet.append([tr("col_done", language), *columns])
    top = sheet.max_row
    for cell in sheet[top]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["☐", *(row[c] for c in columns)])
    for index, field in enumerate(("done", *FIELDS), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = XLSX_WIDTHS[field]
    wrapped = {("done", *FIELDS).index(f) for f in ("text", "citation", "section")}
    for row in sheet.iter_rows(min_row=top + 1):
        for index in wrapped:
            row[index].alignment = Alignment(wrap_text=True, vertical="top")
    last = get_column_letter(len(FIELDS) + 1)
    sheet.auto_filter.ref = f"A{top}:{last}{max(top, sheet.max_row)}"
    sheet.freeze_panes = f"A{top + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str) -> str:
    """Text as Markdown shows it literally (a * or _ in a sentence is not emphasis)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(head: ExportHeader, rows: list[dict[str, str]], language: str) -> bytes:
    """The title, the header as a list, then one task per provision: what kind, who, by when; the
    text; the formal citation and the citation id."""
    colon = tr("colon", language)
    column = {field: tr(f"col_{field}", language) for field in FIELDS}
    lines = [f"# {_md(head.title)}", ""]
    lines += [f"- **{_md(label)}**{colon}{_md(value)}" for label, value in head.fields(language, len(rows))]
    lines.append("")
    for row in rows:
        who = [f"{column[f]}{colon}{_md(row[column[f]])}" for f in ("bearers", "deadline", "industries", "regions")
               if row[column[f]]]
        lines.append(f"- [ ] **{_md(row[column['modality']])}** · " + " · ".join(who) + "  ")
        lines.append(f"  {_md(row[column['text']])}  ")
        lines.append(f"  *{_md(row[column['citation']])}* · `{row[column['id']]}`")
    return ("\n".join(lines) + "\n").encode("utf-8")


#: The localised writers, by the format name the CLI and the app use.
WRITERS = {"csv": to_csv, "json": to_json, "xlsx": to_xlsx, "md": to_markdown}


def export_checklist(items: list[ChecklistItem], filters: Filters, fmt: str, language: str, *,
                     lexicon: Lexicon | None = None, store: object | None = None,
                     today: dt.date | None = None) -> bytes:
    """A checklist as the app's Checklist page downloads it, for the command line: the same header, columns,
    formal citations and words, in ``language``."""
    from kg import config
    from kg.citation import load_citations
    from kg.documents import load_documents
    from kg.extract.lexicon import default_lexicon
    from kg.graph.store import open_store

    store = store or open_store()
    lexicon = lexicon or default_lexicon()
    every = load_citations(store)
    citations = {item.id: c.en if language == "en" else c.zh for item in items if (c := every.get(item.id))}
    documents = [vars(document) for document in load_documents(store)]
    generation = config.generation_dir()
    head = header(filters, lexicon, language, generation.name if generation is not None else str(config.data_dir()),
                  today=today, documents=document_names(items, documents, language))
    return WRITERS[fmt](head, records(items, lexicon, language, citations), language)
