"""The ``kg`` command: a thin layer over ``kg.pipeline`` and ``kg.query``. Only here do errors become
exit codes (1 general, an environment fault or a busy output folder, 2 bad input or usage, 3 validation
failed) and one-line messages (``--debug`` shows the traceback too)."""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from kg.config import Config
from kg.errors import KGError, unknown_name

DEFAULT_GRAPH = "outputs/graph.ttl"


def _config(args: argparse.Namespace) -> Config:
    config = Config.from_toml(args.config) if getattr(args, "config", None) else Config()
    changes: dict[str, Any] = {}
    if getattr(args, "no_model", False):
        changes["use_model"] = False
    if getattr(args, "base_iri", None):
        changes["base_iri"] = args.base_iri
    if getattr(args, "strict", False):
        changes["strict"] = True
    if getattr(args, "workers", None):
        changes["workers"] = args.workers
    if getattr(args, "relations", False):
        changes["relations"] = True
    return config.replace(**changes) if changes else config


def _print_summary(summary: dict[str, Any], out: str | None) -> None:
    ents = summary["entities"]
    print(f"read {summary['read']} papers: {summary['papers']} built, {summary['rejected']} rejected")
    print(f"entities: {ents['dataset']} datasets, {ents['method']} methods, {ents['task']} tasks; "
          f"{summary['links']} links; {summary['seconds']:.1f} s")
    if out:
        print(f"wrote {out}/")


def _notify(message: str) -> None:
    """What a build says while it runs (waiting for a lock, cleaning up after a build that died)."""
    print(f"kg: {message}", file=sys.stderr, flush=True)


def _streaming(args: argparse.Namespace) -> bool:
    return bool(args.store or args.update or args.format == "nt" or (args.workers or 1) > 1 or args.engine != "local")


def cmd_build(args: argparse.Namespace) -> int:
    from kg import pipeline

    config = _config(args)
    if args.format not in ("ttl", "nt"):
        raise unknown_name("graph format", args.format, ["ttl", "nt"])
    if args.wait < 0:
        raise KGError(f"--wait takes seconds, 0 or more, not {args.wait:g}")
    if _streaming(args):
        progress = args.progress or sys.stderr.isatty()
        summary = pipeline.build_streaming(args.inputs, args.output, config, store=args.store, update=args.update,
                                           engine=args.engine, scheduler=args.scheduler, progress=progress,
                                           ntriples=True if args.format == "nt" else None, wait=args.wait,
                                           notify=_notify)
        warnings, rejects = summary.pop("warnings"), summary.pop("rejects")
    else:
        result = pipeline.build(args.inputs, args.output, config, html=not args.no_html, wait=args.wait,
                                notify=_notify)
        summary, warnings, rejects = result.summary(), result.warnings, result.rejects
    for warning in warnings:  # type: ignore[union-attr]
        print(f"warning: {warning}", file=sys.stderr)
    for reject in rejects:  # type: ignore[union-attr]
        print(f"rejected: {reject.source}:{reject.line}: {reject.reason}" + (f" ({reject.hint})" if reject.hint else ""),
              file=sys.stderr)
    _print_summary(summary, args.output)
    if "extracted" in summary:
        written = (f"{summary['triples']} triples" if summary.get("triples") is not None else
                   "store updated: {papers} papers, {entities} entities, {pairs} co-occurrence pairs changed "
                   "(-{triples_removed} +{triples_added} triples)".format(**summary["delta"]))
        print(f"extracted {summary['extracted']} papers ({summary['unchanged']} unchanged); " + written
              + (f"; store {summary['store']}" if summary.get("store") else ""))
    return 1 if (config.strict and rejects) else 0


def cmd_extract(args: argparse.Namespace) -> int:
    from kg import pipeline

    config = _config(args)
    result = pipeline.run(args.inputs, config)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pipeline.mention_records(result))
    if args.output == "-":
        sys.stdout.write(lines)
    else:
        pipeline.atomic_write(Path(args.output), lines)
        print(f"wrote {len(result.papers)} papers to {args.output}", file=sys.stderr)
    for reject in result.rejects:
        print(f"rejected: {reject.source}:{reject.line}: {reject.reason}", file=sys.stderr)
    return 1 if (config.strict and result.rejects) else 0


def _graph(path: str):
    import kg

    return kg.load(path)


def cmd_view(args: argparse.Namespace) -> int:
    from kg.view import view

    path, mode = view(args.graph, args.output, mode=args.mode, focus=args.focus, hops=args.hops, top=args.top,
                      config=_config(args))
    print(f"wrote {path} ({mode} view)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from kg import pipeline
    from kg.report import write_report

    config = _config(args)
    build = pipeline.run(args.inputs, config)
    graph = _graph(args.graph) if args.graph else None
    path = write_report(build, args.output, fmt=args.format, graph=graph,
                        graph_name=args.graph or "")
    for reject in build.rejects:
        print(f"rejected: {reject.source}:{reject.line}: {reject.reason}", file=sys.stderr)
    print(f"wrote {path}")
    return 1 if (config.strict and build.rejects) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve import serve

    return serve(args.graph, host=args.host, port=args.port, writable=args.writable)


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export import export

    for path in export(_graph(args.graph), args.to, args.format):
        print(f"wrote {path}")
    return 0


PRESETS = {
    "top-datasets": "datasets linked by the most papers (--task to restrict to papers on a task)",
    "top-methods": "methods linked by the most papers (--task to restrict)",
    "top-tasks": "tasks addressed by the most papers",
    "papers": "papers linked to --dataset/--method/--task (combinable), --since/--until dates",
    "related": "entities sharing papers with --entity (--type to restrict)",
    "cooccurrence": "pairs of --a and --b types linked by the same papers (e.g. --a dataset --b task)",
    "relations": "the strongest stated relations from --a to --b (dataset task, method task, method dataset)",
    "timeline": "papers per listing date for --entity",
    "evidence": "sentences and spans behind the link --paper -> --entity",
    # answered from relations stated in text (a build made with --relations; kg.relation_graph)
    "evaluated-on": "datasets --method is evaluated on, as papers state it, with papers and sentences",
    "methods-for": "methods stated to be used for --task",
    "benchmarks": "datasets stated to be benchmarks for --task",
    "compared-with": "methods --method is stated to be compared with",
}


def _rows(graph, args: argparse.Namespace) -> list[Any]:
    q = args.query
    if q in PRESETS:
        if q.startswith("top-"):
            type_ = q[4:-1]
            if args.task and type_ != "task":
                rows = graph.related(args.task, type=type_)
                return rows[: args.n]
            return graph.top(type_, args.n)
        if q == "papers":
            return graph.papers(dataset=args.dataset, method=args.method, task=args.task, since=args.since,
                                until=args.until, limit=args.limit, offset=args.offset)
        if q == "related":
            return graph.related(_need(args, "entity"), type=args.type)[: args.n]
        if q == "cooccurrence":
            return graph.cooccurrence(_need(args, "a"), _need(args, "b"))[: args.n]
        if q == "relations":
            return graph.relations(_need(args, "a"), _need(args, "b"), args.n)
        if q == "timeline":
            return graph.timeline(_need(args, "entity"))
        if q == "evidence":
            return graph.evidence(_need(args, "paper"), _need(args, "entity"))
        from kg import relation_graph

        if q in relation_graph.QUERY_PRESETS:
            return relation_graph.preset(graph, q, getattr(args, relation_graph.QUERY_PRESETS[q][1]))
    text = Path(q).read_text(encoding="utf-8") if Path(q).suffix in (".rq", ".sparql") and Path(q).is_file() else q
    if not any(word in text.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        raise unknown_name("query preset", q, list(PRESETS))
    return graph.sparql(text)


def _need(args: argparse.Namespace, name: str) -> str:
    value = getattr(args, name)
    if not value:
        raise KGError(f"this preset needs --{name}")
    return value


def _plain(row: Any) -> dict[str, Any]:
    return asdict(row) if is_dataclass(row) else dict(row)


def format_rows(rows: Sequence[Any], fmt: str) -> str:
    """Rows as a text table, CSV or JSON."""
    records = [_plain(r) for r in rows]
    columns = list(records[0]) if records else []
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue()
    if fmt != "table":
        raise unknown_name("output format", fmt, ["table", "csv", "json"])
    if not records:
        return "(no results)\n"
    cells = [[str(r[c]) if r[c] is not None else "" for c in columns] for r in records]
    cells = [[c if len(c) <= 70 else c[:67] + "..." for c in row] for row in cells]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def cmd_query(args: argparse.Namespace) -> int:
    graph = _graph(args.graph)
    sys.stdout.write(format_rows(_rows(graph, args), args.format))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    stats = _graph(args.graph).stats(args.n)
    print(f"papers: {stats['papers']}")
    for type_ in ("dataset", "method", "task"):
        top = ", ".join(f"{label} ({n})" for label, n in stats[type_]["top"])
        print(f"{type_}s: {stats[type_]['count']}; top: {top}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg import rdf

    report = rdf.validate(args.graph)
    print(rdf.format_report(report))
    return 0 if report.conforms else 3


def cmd_eval(args: argparse.Namespace) -> int:
    from kg.evaluate import format_table, read_gold, score
    from kg.extract import Extractor

    if args.paper_level:
        return _eval_papers(args)
    if args.relations:
        from kg.relations import eval_relations

        print(eval_relations(args.gold, _config(args), args.format))
        return 0
    gold = list(read_gold(args.gold))
    extractor = Extractor(_config(args))
    predicted = list(extractor.spans(doc.text for doc in gold))
    scores = score(gold, predicted)
    if args.format == "json":
        print(json.dumps({t: asdict(s) if is_dataclass(s) else s for t, s in scores.items()}, indent=2, default=str))
    else:
        print(format_table(scores))
    return 0


def _eval_papers(args: argparse.Namespace) -> int:
    import tempfile

    from kg import paper_eval, pipeline

    gold = list(paper_eval.read_paper_gold(args.gold))
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
        source = Path(tmp) / "papers.jsonl"
        source.write_text("".join(line + "\n" for line in paper_eval.papers_jsonl(gold)), encoding="utf-8")
        build = pipeline.run([source], _config(args))
    scores = paper_eval.score_papers(gold, paper_eval.predicted_entities(pipeline.mention_records(build)))
    if args.format == "json":
        print(json.dumps({"types": {t: asdict(s) for t, s in scores.types.items()}, "roles": scores.roles}, indent=2))
    else:
        print(f"{len(gold)} papers, paper-level entity sets")
        print(paper_eval.format_paper_table(scores))
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="kg", description="arXiv abstracts in, a knowledge graph of datasets, methods and tasks out.",
                                   formatter_class=argparse.RawDescriptionHelpFormatter,
                                   epilog="example:\n  kg build                      # the bundled listing -> outputs/")
    main.add_argument("--version", action="version", version="kg 0.1.0")
    debug_help = "on an error, show the traceback too"
    main.add_argument("--debug", action="store_true", help=debug_help)
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, epilog=f"example:\n  {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help)
        return p

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("inputs", nargs="*", metavar="INPUT", help="listing .md, Atom .xml, .jsonl(.gz), or - for stdin (default: the bundled listing)")
        p.add_argument("--config", help="TOML file of Config overrides")
        p.add_argument("--no-model", action="store_true", help="rules and vocabulary only, no trained NER")
        p.add_argument("--strict", action="store_true", help="exit 1 when any record is rejected")

    p = command("build", "build the graph and write graph.ttl, graph.html, mentions.jsonl, entities.csv, rejects.jsonl",
                "kg build listing.md -o out/\n"
                "  kg build corpus.jsonl.gz -o big/ --workers 2 --store big/store --progress   # streaming\n"
                "  kg build new-listing.md -o big/ --store big/store --update\n"
                "  kg build corpus.jsonl.gz -o big/ --engine dask --scheduler tcp://scheduler:8786\n\n"
                "--store, --format nt, --workers > 1, --update and --engine dask make a streaming build: memory\n"
                "does not grow with the papers; it writes mentions.jsonl, entities.csv, rejects.jsonl, build.json,\n"
                "build.index and mentions.spool (kept for --update), no graph.ttl or graph.html; the graph goes\n"
                "into the --store folder, or into graph.nt (without --store, or with --format nt). An --update\n"
                "onto a store writes only what changed into it.")
    common(p)
    p.add_argument("-o", "--output", default="outputs", help="output folder (default: outputs)")
    p.add_argument("--no-html", action="store_true", help="skip the HTML view")
    p.add_argument("--relations", action="store_true",
                   help="extract typed relations and state them in graph.ttl and mentions.jsonl (in-memory builds; docs/relations.md)")
    p.add_argument("--base-iri", help="base IRI of minted resources (default https://w3id.org/kg/)")
    p.add_argument("--workers", type=int, help="extraction processes (or Dask workers of a local cluster)")
    p.add_argument("--format", default="ttl", help="ttl (graph.ttl + graph.html, in memory) or nt (graph.nt, streaming)")
    p.add_argument("--ntriples", dest="format", action="store_const", const="nt", help="same as --format nt")
    p.add_argument("--store", metavar="DIR", help="put the graph into a pyoxigraph store folder (kg query --graph DIR); with --format nt, also graph.nt")
    p.add_argument("--update", action="store_true", help="add the inputs to the build in --output: new papers and new versions only")
    p.add_argument("--engine", default="local", help="extraction engine: local (processes) or dask")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    p.add_argument("--progress", action="store_true", help="progress bar on stderr (default: only on a terminal)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="when another build holds -o or --store, wait up to SECONDS for it (default: fail at once)")
    p.set_defaults(func=cmd_build)

    p = command("extract", "write mentions as JSON Lines, one paper a line (the evaluation contract)",
                "kg extract listing.md -o mentions.jsonl\n  kg extract listing.md --relations -o mentions.jsonl")
    common(p)
    p.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    p.add_argument("--relations", action="store_true",
                   help="add each paper's typed relations between entities (docs/relations.md)")
    p.set_defaults(func=cmd_extract)

    p = command("view", "write an HTML view of a graph: the map of its entities (large graphs) or its papers "
                "and their entities (a listing), whole or around one entity",
                "kg view outputs/graph.ttl --focus KITTI --hops 2 -o kitti.html\n"
                "  kg view big/store -o map.html                  # the map of the 5,000 most linked entities\n"
                "  kg view outputs/graph.ttl --mode map -o map.html")
    p.add_argument("graph", nargs="?", default=DEFAULT_GRAPH, help="graph file or store folder")
    p.add_argument("-o", "--output", default="view.html")
    p.add_argument("--focus", help="entity or paper id or label at the centre")
    p.add_argument("--hops", type=int, default=1, help="distance from the focus (default 1)")
    p.add_argument("--top", type=int, help="only the N most linked entities (and, in the paper view, their papers); "
                   "the map's default is 5000")
    p.add_argument("--mode", default="auto", help="map, papers, or auto (default): the map above 500 papers")
    p.set_defaults(func=cmd_view)

    p = command("report", "write the digest of a listing: papers, datasets introduced and methods proposed with "
                "their sentences, the most addressed tasks and most used datasets and methods; with --graph, what "
                "is new against that graph and how the leading entities grew",
                "kg report listing.md -o report.html\n"
                "  kg report listing.md --graph big/store -o report.md     # Markdown, against a corpus store")
    common(p)
    p.add_argument("-o", "--output", default="report.html", help="output file (default: report.html)")
    p.add_argument("--graph", metavar="STORE", help="an earlier graph (store folder or graph file) to compare with")
    p.add_argument("--format", choices=("html", "md"), help="html or md (default: from the -o suffix)")
    p.set_defaults(func=cmd_report)

    p = command("query", "run a SPARQL query (text or .rq file) or a preset: " + ", ".join(PRESETS),
                'kg query top-datasets --task "object detection" --format csv')
    p.add_argument("query", help="preset name, SPARQL text, or a .rq file")
    p.add_argument("--graph", default=DEFAULT_GRAPH, help=f"graph file or store folder (default {DEFAULT_GRAPH})")
    p.add_argument("--format", default="table", help="table, csv or json")
    for name in ("dataset", "method", "task", "entity", "paper", "type", "a", "b", "since", "until"):
        p.add_argument(f"--{name}")
    p.add_argument("-n", type=int, default=20, help="at most N rows for ranked presets (default 20)")
    p.add_argument("--limit", type=int, help="papers preset: one page of at most N papers (default: all)")
    p.add_argument("--offset", type=int, default=0, help="papers preset: skip the first N papers of the answer")
    p.set_defaults(func=cmd_query)

    p = command("serve", "serve a graph file or store folder as a SPARQL endpoint (needs kg[serve]); Ctrl-C stops it",
                "kg serve outputs/graph.ttl\n  kg serve big/store --port 8000")
    p.add_argument("graph", nargs="?", default=DEFAULT_GRAPH, help="graph file or store folder")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878; 0: any free port)")
    p.add_argument("--writable", action="store_true", help="accept SPARQL Update too (default: read-only)")
    p.set_defaults(func=cmd_serve)

    p = command("export", "write the graph's tables (papers, entities, links, relations) or the graph for network tools",
                "kg export outputs/graph.ttl --to tables/ --format parquet")
    p.add_argument("graph", nargs="?", default=DEFAULT_GRAPH, help="graph file or store folder")
    p.add_argument("--to", required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--format", default="csv", help="csv, parquet (needs kg[parquet]), graphml or gexf (default csv)")
    p.set_defaults(func=cmd_export)

    p = command("stats", "counts per type and the top entities per type", "kg stats outputs/graph.ttl")
    p.add_argument("graph", nargs="?", default=DEFAULT_GRAPH)
    p.add_argument("-n", type=int, default=5)
    p.set_defaults(func=cmd_stats)

    p = command("validate", "check a graph against the SHACL shapes in ontologies/shapes.ttl", "kg validate outputs/graph.ttl")
    p.add_argument("graph", nargs="?", default=DEFAULT_GRAPH)
    p.set_defaults(func=cmd_validate)

    p = command("eval", "score extraction against gold spans (JSONL: text + typed character spans), or paper-level "
                "entity sets (--paper-level)",
                "kg eval --gold benchmarks/gold/scier-dev.jsonl\n"
                "  kg eval --paper-level --gold benchmarks/paper_level/dev.jsonl\n"
                "  kg eval --relations --gold ../shared/gold/scier/dev.jsonl")
    p.add_argument("--gold", required=True)
    p.add_argument("--paper-level", action="store_true",
                   help="gold is papers with their entity sets (id, title, abstract, entities); score what the graph links")
    p.add_argument("--relations", action="store_true",
                   help="gold is SciER relations (dev.jsonl or *.sentences.jsonl): score typed relations end to end "
                        "and with the gold entities given")
    p.add_argument("--format", default="table", help="table or json")
    p.add_argument("--no-model", action="store_true")
    p.add_argument("--config")
    p.set_defaults(func=cmd_eval)
    return main


def _report(error: object, debug: bool) -> None:
    """An error in one line on stderr; with ``--debug``, the traceback before it."""
    if debug:
        import traceback

        traceback.print_exc()
    print(f"kg: error: {error}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    import signal
    import threading

    args = parser().parse_args(argv)

    class Terminated(KeyboardInterrupt):
        """SIGTERM, raised like Ctrl-C so that ``finally`` blocks (the staging folder's removal) run."""

    def on_sigterm(signum: int, frame: object) -> None:
        raise Terminated()

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, on_sigterm) if in_main_thread else None
    try:
        return args.func(args)
    except KGError as err:
        _report(err, args.debug)
        return err.exit_code
    except OSError as err:  # an environment fault outside a build (a build says more: kg.faults)
        from kg.faults import describe

        problem, hint = describe(err)
        where = f" ({err.filename})" if err.filename else ""
        _report(f"{problem} while running `kg {args.command}`{where}: {hint}", args.debug)
        return 1
    except KeyboardInterrupt as err:
        print("kg: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 143 if isinstance(err, Terminated) else 130
    finally:
        if in_main_thread and previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
