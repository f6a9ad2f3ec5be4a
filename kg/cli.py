"""The ``policykg`` command line.

Every failure the user can cause (bad corpus, missing store, bad question,
refused SPARQL) is a :class:`PolicyKGError`: one clear line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kg.errors import PolicyKGError

if TYPE_CHECKING:
    from kg.build import BuildReport

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _print_csv(records: list[dict], columns: Sequence[str]) -> None:
    from kg.util import csv_bytes

    sys.stdout.buffer.write(csv_bytes(records, columns))


def _phase_printer(args: argparse.Namespace) -> Callable[[str], None]:
    def phase(name: str) -> None:
        if not args.quiet:
            print(f"build: {name}", file=sys.stderr, flush=True)

    return phase


def _print_report(report: BuildReport) -> None:
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
    print(f"built {report.documents} document(s): {report.sentences} sentences, {report.provisions} provisions, "
          f"{report.quantities} quantities, {report.triples} triples → {report.store} ({timings})", flush=True)
    cache = f"extracted {len(report.extracted)}, reused {len(report.reused)} from the cache"
    if "index" in report.digests:
        cache += f"; embedded {report.embedded} passage(s), reused {report.reused_vectors}"
    if report.rejected:
        cache += f"; {len(report.rejected)} damaged cache file(s) ignored and recomputed"
    print(cache, flush=True)


def _build_options(args: argparse.Namespace) -> dict:
    return {"with_index": not args.no_index, "with_model": not args.no_model, "progress": not args.quiet,
            "on_phase": _phase_printer(args), "use_cache": not getattr(args, "no_cache", False),
            "workers": args.workers, "scheduler": args.scheduler}


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build

    _print_report(build(**_build_options(args)))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kg.build import add_document

    written, report = add_document(Path(args.text), Path(args.meta), **_build_options(args))
    print(f"added {', '.join(str(path) for path in written)}", flush=True)
    _print_report(report)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from kg.build import remove_document

    removed, report = remove_document(args.id, **_build_options(args))
    print(f"removed {', '.join(str(path) for path in removed)}", flush=True)
    _print_report(report)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.build import extract_corpus
    from kg.errors import ValidationError
    from kg.graph.build import ontology_graph
    from kg.graph.shacl import validate
    from kg.links import resolve_links

    ontology, triples, failures = ontology_graph(), 0, 0
    documents = extract_corpus(progress=not args.quiet)
    for parsed, _, graph in documents:
        triples += len(graph)
        report = validate(graph, ontology)
        if not report.conforms:
            failures += 1
            print(f"{parsed.meta.meta_path}: document {parsed.meta.id}: {report.summary(shown=10)}")
    try:
        triples += len(resolve_links([g for _, _, g in documents], [p.meta for p, _, _ in documents], check=True))
    except ValidationError as exc:
        failures += 1
        print(exc)
    if not failures:
        print(f"conforms: {triples} triples, 0 violations")
        return 0
    print(f"does not conform: {failures} document(s) or the links between them with violations", file=sys.stderr)
    return 1


def cmd_stats(args: argparse.Namespace) -> int:
    from kg.graph.store import open_store, rows
    from kg.queries import get

    store = open_store()
    counts = {str(r["class"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]: r["count"]
              for r in rows(store.query(get("stats").text))}
    stats = {"triples": store.triple_count(), "graphs": store.named_graphs(), "counts": counts}
    if args.format == "json":
        _print_json(stats)
    else:
        print(f"triples: {stats['triples']}")
        print(f"named graphs: {len(stats['graphs'])}")
        for name, count in counts.items():
            print(f"  {name:<18} {count}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.graph.export import export_chunks

    pieces = export_chunks(args.format)
    if args.output:
        from kg.util import write_output

        written = write_output(args.output, pieces)
        print(f"wrote {args.output} ({written.stat().st_size} bytes)", file=sys.stderr)
    else:
        for piece in pieces:
            sys.stdout.buffer.write(piece)
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """The SPARQL server's side of a scaled deployment: a store export bulk-loaded as a new generation."""
    from pathlib import Path

    from tqdm import tqdm

    from kg.graph.load import load_dump

    total = Path(args.dump).stat().st_size if Path(args.dump).is_file() else 0
    with tqdm(total=total, unit="B", unit_scale=True, desc="load", disable=args.quiet) as bar:
        report = load_dump(Path(args.dump), on_progress=lambda read: bar.update(read - bar.n))
    print(f"loaded {report.quads} quads in {report.graphs} graphs from {args.dump} in {report.seconds:.1f} s: "
          f"generation {report.generation} (store digest {report.digest[:12]}); a running `policykg serve` "
          "answers from it from its next query", flush=True)
    return 0


TARGET_COLUMNS = ("id", "text", "industry", "product", "value", "unit", "comparator", "date", "kind",
                  "measure", "operator", "role", "surface", "sentence", "section")


def cmd_targets(args: argparse.Namespace) -> int:
    from kg.answer.facts import list_targets

    records = list_targets(industry=args.industry, kind=args.kind)
    if args.format == "json":
        _print_json(records)
    else:
        _print_csv(records, TARGET_COLUMNS)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kg.graph.store import open_store, rows
    from kg.queries import get, named_queries

    if args.list or not args.name:
        for query in named_queries().values():
            params = ", ".join(f"{p.name}:{p.type}" for p in query.parameters)
            print(f"{query.name:<22} {query.description}" + (f"  [{params}]" if params else ""))
        return 0
    query = get(args.name)
    values = {}
    for item in args.param or []:
        if "=" not in item:
            raise PolicyKGError(f"--param expects k=v, got {item!r}")
        key, value = item.split("=", 1)
        values[key.strip()] = value.strip()
    records = rows(open_store().query(query.text, query.bind(values)))
    if args.format == "json":
        _print_json(records)
    else:
        _print_csv(records, list(records[0]) if records else [])
    return 0


def cmd_sparql(args: argparse.Namespace) -> int:
    from kg.answer.sparql import run_read_only

    text = args.query if args.query != "-" else sys.stdin.buffer.read().decode("utf-8", errors="replace")
    _print_json(run_read_only(text, limit=args.limit, timeout=args.timeout))
    return 0


#: Exit status of ``ask --jsonl`` when at least one line yielded an error object.
BATCH_FAILED = 4


def _as_of(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PolicyKGError(f"--as-of {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _known_documents(answerer, wanted: list[str] | None) -> tuple[str, ...]:
    """``--doc`` ids, each checked against the library: a typo must not silently widen or empty the scope."""
    if not wanted:
        return ()
    known = [doc.id for doc in answerer.library]
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise PolicyKGError(f"no document {', '.join(unknown)} in the library (documents: {', '.join(known)})")
    return tuple(wanted)


def cmd_ask(args: argparse.Namespace) -> int:
    from kg.answer.engine import Answerer

    as_of = _as_of(args.as_of)
    if args.jsonl:
        from kg.answer.batch import answer_lines, dumps_line, failed

        answerer = Answerer(mode=args.mode)
        documents = _known_documents(answerer, args.doc)
        # Lines split on "\n" only (a raw U+2028 inside a JSON string is not a line break), decoded
        # one at a time so that each answer is written as soon as its line is read.
        lines = (raw.decode("utf-8", errors="replace") for raw in sys.stdin.buffer)
        any_failed = False
        for result in answer_lines(lines, answerer, documents=documents, as_of=as_of):
            any_failed |= failed(result)
            sys.stdout.write(dumps_line(result) + "\n")
            sys.stdout.flush()
        return BATCH_FAILED if any_failed else 0
    if not args.question:
        raise PolicyKGError("give a question, or --jsonl to read JSON Lines on stdin")
    answerer = Answerer(mode=args.mode)
    result = answerer.ask(" ".join(args.question), documents=_known_documents(answerer, args.doc), as_of=as_of)
    if "error" in result:
        raise PolicyKGError(result["error"])
    if args.json:
        _print_json(result)
        return 0
    print(result["answer"])
    for item in result["evidence"]:
        print(f"  [{item['score']:.2f}] {item['id']}  {item['section']}\n         {item['text']}")
    return 0 if result["answered"] else 3


def cmd_checklist(args: argparse.Namespace) -> int:
    from kg.checklist import Filters, build_checklist, export

    filters = Filters(industry=args.industry, agency=args.agency, region=args.region, by=args.by,
                      modality=args.modality, include_open=args.include_open, documents=tuple(args.doc or ()))
    items = build_checklist(filters)
    if args.format == "json":  # the machine-readable contract: field names and values stay as they are
        data = export(items, args.format)
    else:  # for people: the app's download, in the language asked for
        from kg.exports import export_checklist

        data = export_checklist(items, filters, args.format, args.lang)
    if args.output:
        from kg.util import write_output

        write_output(args.output, data)
        print(f"wrote {args.output}", file=sys.stderr)
    elif args.format == "xlsx":
        raise PolicyKGError("xlsx is binary: give -o FILE.xlsx")
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from kg.checklist import MODALITY_ZH, trace

    grouped = trace(args.agency)
    if args.format == "json":
        _print_json({m: [i.as_dict() for i in items] for m, items in grouped.items()})
        return 0
    for modality, items in grouped.items():
        print(f"## {MODALITY_ZH[modality]} / {modality} ({len(items)})")
        for item in items:
            due = f" [due {item.deadline}]" if item.deadline else ""
            print(f"- {item.text}{due}\n    — {item.label} · {item.section} · {item.id}")
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    from kg.links import links_of

    if "/" not in args.id.strip().strip("/"):
        return _cite_document(args)
    from kg.checklist import cite

    found = cite(args.id)
    links = links_of(found["id"])
    if args.format == "json":
        _print_json({**found, **links})
        return 0
    if found["citation_text"]:
        print(f"{found['citation_text']}\n{found['citation_text_en']}\n")
    print(f"{found['document']['title']}（{found['document']['number']}）")
    print(f"{found['label']} · {found['section']}" + (f" · {found['modality']}" if found["modality"] else ""))
    print(f"\n  {found['text']}\n")
    print(f"paragraph {found['paragraph']['label']}:\n  {found['paragraph']['text']}\n")
    _print_links(links, per_sentence=False)
    return 0


def _cite_document(args: argparse.Namespace) -> int:
    """``policykg cite DOC``: the document, its validity in time, what it cites and what cites it."""
    from kg.documents import load_documents
    from kg.links import links_of

    doc_id = args.id.strip().strip("/")
    document = next((d for d in load_documents() if d.id == doc_id), None)
    if document is None:
        raise PolicyKGError(f"no document {doc_id!r} in the store; a citation looks like DOC or DOC/ID, "
                            "e.g. guofa-2013-41/3.1.p2.s3")
    links = links_of(doc_id)
    if args.format == "json":
        _print_json({"id": document.id, "title": document.title, "number": document.number, "type": document.type,
                     "date": document.date.isoformat(), "short_titles": list(document.short_titles),
                     "in_force_from": _iso(document.in_force_from), "repealed_on": _iso(document.repealed_on),
                     "replaced_by": document.replaced_by, **links})
        return 0
    print(f"{document.title}（{document.number}） · {document.type} · {document.date.isoformat()}")
    validity = [f"in force from {document.in_force_from}" if document.in_force_from else "",
                f"no longer in force from {document.repealed_on}" if document.repealed_on else "",
                f"replaced by {document.replaced_by}" if document.replaced_by else ""]
    if any(validity):
        print(" · ".join(v for v in validity if v))
    print()
    _print_links(links, per_sentence=True)
    return 0


def _iso(day: object) -> str | None:
    return day.isoformat() if day is not None else None


def _print_links(links: dict[str, list[dict]], *, per_sentence: bool) -> None:
    """``cites:`` and ``cited by:`` lines: formal citation, id (or not in the library), the words as written."""
    print("cites:" if links["cites"] else "cites: none")
    for item in links["cites"]:
        where = f" in {item['sentence']}" if per_sentence else ""
        print(f"  {item['citation_text']} ({item['target'] or 'not in the library'}) ← {item['surface']}{where}")
    print("cited by:" if links["cited_by"] else "cited by: none")
    for item in links["cited_by"]:
        print(f"  {item['citation_text']} ({item['sentence']}) ← {item['surface']}")


def cmd_serve(args: argparse.Namespace) -> int:
    """The scale-out path: the oxigraph server binary, read-only, behind the query guard (kg.serve)."""
    import math

    from kg.graph.store import GraphStore
    from kg.serve import oxigraph_binary, serve

    if not math.isfinite(args.timeout) or not 0 < args.timeout <= 3600:
        raise PolicyKGError(f"--timeout must be more than 0 and at most 3600 seconds, got {args.timeout}")
    if not 0 < args.port < 65536:
        raise PolicyKGError(f"--port must be from 1 to 65535, got {args.port}")
    GraphStore()  # a clear error when there is no store yet
    oxigraph_binary()
    endpoint = f"http://{args.host}:{args.port}"
    print(f"serving the store read-only at {endpoint}/query (SERVICE and updates refused, "
          f"{args.timeout:g} s per query)\nreaders use it with POLICYKG_SPARQL_ENDPOINT={endpoint}",
          file=sys.stderr, flush=True)
    return serve(args.host, args.port, timeout=args.timeout)


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-index", action="store_true", help="skip the retrieval indexes")
    parser.add_argument("--no-model", action="store_true", help="skip converting the embedding model")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--workers", type=_positive_count, default=None, metavar="N",
                        help="extraction processes (default: one per core)")
    parser.add_argument("--scheduler", type=_scheduler_address, default=None, metavar="tcp://HOST:PORT",
                        help="extract on the Dask distributed cluster of this scheduler instead of local processes")


def _scheduler_address(text: str) -> str:
    """argparse type of a Dask scheduler address: tcp:// or tls://, a host and a port."""
    import urllib.parse

    parsed = urllib.parse.urlsplit(text.strip())
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme not in ("tcp", "tls") or not parsed.hostname or port is None or parsed.path not in ("", "/"):
        raise argparse.ArgumentTypeError(f"not a scheduler address like tcp://HOST:PORT: {text!r}")
    return f"{parsed.scheme}://{parsed.netloc}"


def _positive_count(text: str) -> int:
    """argparse type of a count of processes: a whole number from 1 to 256."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= count <= 256:
        raise argparse.ArgumentTypeError(f"{count} is not between 1 and 256")
    return count


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policykg", description="Chinese policy documents as a cited knowledge graph")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build the graph, indexes and model from corpus/ (only what changed)")
    _build_arguments(p)
    p.add_argument("--no-cache", action="store_true",
                   help="extract, validate and embed every document again (and refresh the cache)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("add", help="copy a text and its sidecar into corpus/ and build")
    p.add_argument("text", help="the document's text (.txt or .md, UTF-8)")
    p.add_argument("--meta", required=True, metavar="SIDECAR", help="its NAME.meta.json sidecar")
    _build_arguments(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="delete a document's text and sidecar from corpus/ and build")
    p.add_argument("id", help="the document id, e.g. alp-2019")
    _build_arguments(p)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("validate", help="SHACL-validate the graph built from corpus/ (exit 1 on violations)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("stats", help="counts of the built store")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("export", help="export the store as Turtle, JSON-LD or N-Quads (nq: sorted, canonical)")
    p.add_argument("--format", choices=("ttl", "jsonld", "nq"), default="ttl")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("load", help="bulk-load a store export (export --format nq, may be gzipped) as the "
                                    "library `policykg serve` answers from")
    p.add_argument("dump", help="an N-Quads file written by `policykg export --format nq -o FILE`")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("targets", help="every quantity: targets and reported figures")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--industry")
    p.add_argument("--kind", choices=("target", "figure"))
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser("query", help="run a named query from queries/")
    p.add_argument("name", nargs="?")
    p.add_argument("--param", action="append", metavar="K=V")
    p.add_argument("--list", action="store_true")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("sparql", help="run a read-only SPARQL query ('-' reads stdin)")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--timeout", type=float, default=10.0)
    p.set_defaults(func=cmd_sparql)

    p = sub.add_parser("checklist", help="provisions as checklist items, filtered")
    p.add_argument("--industry")
    p.add_argument("--agency")
    p.add_argument("--region")
    p.add_argument("--by", metavar="YYYY-MM-DD", help="due on or before this date")
    p.add_argument("--include-open", action="store_true", help="with --by, also keep undated provisions")
    p.add_argument("--modality", choices=("obligation", "prohibition", "permission", "encouragement"))
    p.add_argument("--doc", action="append", metavar="ID", help="provisions of this document only (repeatable)")
    p.add_argument("--format", choices=("json", "csv", "md", "xlsx"), default="md")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of csv, md and xlsx (as the app's download); json keeps its field names")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser("trace", help="what an actor must, must not and may do")
    p.add_argument("--agency", required=True)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("cite", help="a provision with its place in the document, what it cites and what cites it")
    p.add_argument("id", help="e.g. guofa-2013-41/3.1.p2.s3, or a document: epl-2014")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_cite)

    p = sub.add_parser("serve", help="serve the store over SPARQL HTTP (oxigraph server, read-only)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7878)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a query may run (default 30)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("ask", help="answer a question with cited evidence")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true", help="print the full answer object")
    p.add_argument("--jsonl", action="store_true", help='read {"id","question"} lines on stdin, write answers')
    p.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid",
                   help="retrieval: the full system, or one retriever alone (for comparison)")
    p.add_argument("--doc", action="append", metavar="ID", help="answer from this document only (repeatable)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="only documents in force on this date")
    p.set_defaults(func=cmd_ask)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PolicyKGError as exc:
        print(f"policykg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("policykg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except RecursionError:
        print("policykg: error: the input is nested too deeply", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
