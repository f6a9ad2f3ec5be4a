"""Checklist exports in the UI's language: a title, the filters, the date of generation, then one row
per provision with its formal citation (CSV: a short header block, a blank line, the table; JSON: one
object). What is exported is exactly what the page shows: the same items, in the same order."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from kg.checklist import ChecklistItem, Filters
from kg.extract.lexicon import Lexicon
from kg.ui.state import modality_name, tr
from kg.viz import concept_label

#: The exported fields, in order (each is a ``ui.col_*`` string of the catalogue).
FIELDS = ("id", "citation", "text", "modality", "bearers", "deadline", "industries", "regions", "section")


@dataclass(frozen=True)
class ExportHeader:
    title: str
    filters: dict[str, str]  # label → value, in the UI's language
    generated: str  # ISO date the export was made
    data: str  # the data generation it was made from


def concept_names(labels: list[str], lexicon: Lexicon, language: str, *, en_separator: str = ", ") -> str:
    """Labels shown as their concepts' names in ``language`` (a label no concept has stays as written)."""
    shown = []
    for label in labels:
        concept = lexicon.resolve(label)
        shown.append(concept_label(concept, language) if concept else label)
    return ("、" if language == "zh" else en_separator).join(shown)


def _names(labels: list[str], lexicon: Lexicon, language: str) -> str:
    return concept_names(labels, lexicon, language, en_separator="; ")  # a CSV cell: ", " would read as columns


def header(filters: Filters, lexicon: Lexicon, language: str, data: str, today: dt.date | None = None
           ) -> ExportHeader:
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
    return ExportHeader(tr("export_title", language), shown, (today or dt.date.today()).isoformat(), data)


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
    for label, value in head.filters.items():
        writer.writerow([label, value])
    writer.writerow([tr("export_generated", language), head.generated])
    writer.writerow([tr("export_data", language), head.data])
    writer.writerow([tr("export_count", language), len(rows)])
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
        tr("export_generated", language): head.generated,
        tr("export_data", language): head.data,
        tr("export_count", language): len(rows),
        tr("export_items", language): rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
