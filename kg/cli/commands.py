"""The commands of ``kg``: each reads its arguments, calls ``kg.build``, ``kg.query``, ``kg.view``, ...
and prints what it did; errors are left to :func:`kg.cli.main`."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, cast

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
    if getattr(args, "relations", None) is not None:  # build: on unless --no-relations; extract, eval: --relations
        changes["relations"] = args.relations
    return config.replace(**changes) if changes else config


def _print_summary(summary: dict[str, Any], out: str | None) -> None:
    ents = summary["entities"]
    print(f"read {summary['read']} papers: {summary['papers']} built, {summary['rejected']} rejected")
    print(
        f"entities: {ents['dataset']} datasets, {ents['method']} methods, {ents['task']} tasks; "
        f"{summary['links']} links; {summary['seconds']:.1f} s"
    )
    if out:
        print(f"wrote {out}/")


def _notify(message: str) -> None:
    """What a build says while it runs (waiting for a lock, cleaning up after a build that died)."""
    print(f"kg: {message}", file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build.job import GRAPH_FILES
    from kg.build.pipeline import build

    config = _config(args)
    if args.format is not None and args.format not in GRAPH_FILES:
        raise unknown_name("graph format", args.format, sorted(GRAPH_FILES))
    if args.wait < 0:
        raise KGError(f"--wait takes seconds, 0 or more, not {args.wait:g}")
    result = build(
        args.inputs,
        args.output,
        config,
        html=not args.no_html,
        store=args.store,
        update=args.update,
        engine=args.engine,
        scheduler=args.scheduler,
        progress=args.progress or sys.stderr.isatty(),
        formats=None if args.format is None else (args.format,),
        wait=args.wait,
        notify=_notify,
    )
    summary = result.summary()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for reject in result.rejects:
        print(
            f"rejected: {reject.source}:{reject.line}: {reject.reason}" + (f" ({reject.hint})" if reject.hint else ""),
            file=sys.stderr,
        )
    _print_summary(summary, args.output)
    if args.store or args.update or args.format == "nt":  # the large builds: what was extracted and written
        written = (
            f"{summary['triples']} triples"
            if summary.get("triples") is not None
            else "store updated: {papers} papers, {entities} entities, {pairs} co-occurrence pairs changed "
            "(-{triples_removed} +{triples_added} triples)".format(**cast("dict[str, int]", summary["delta"]))
        )
        print(
            f"extracted {summary['extracted']} papers ({summary['unchanged']} unchanged); "
            + written
            + (f"; store {summary['store']}" if summary.get("store") else "")
        )
    return 1 if (config.strict and result.rejects) else 0


def cmd_extract(args: argparse.Namespace) -> int:
    from kg.build.files import atomic_write, mention_records
    from kg.build.pipeline import run

    config = _config(args)
    result = run(args.inputs, config)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in mention_records(result))
    if args.output == "-":
        sys.stdout.write(lines)
    else:
        atomic_write(Path(args.output), lines)
        print(f"wrote {len(result.papers)} papers to {args.output}", file=sys.stderr)
    for reject in result.rejects:
        print(f"rejected: {reject.source}:{reject.line}: {reject.reason}", file=sys.stderr)
    return 1 if (config.strict and result.rejects) else 0


def _graph(path: str):
    import kg

    return kg.load(path)


def cmd_view(args: argparse.Namespace) -> int:
    from kg.view import view

    path, mode = view(
        args.graph, args.output, mode=args.mode, focus=args.focus, hops=args.hops, top=args.top, config=_config(args)
    )
    print(f"wrote {path} ({mode} view)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from kg.build import pipeline
    from kg.report import write_report

    config = _config(args)
    build = pipeline.run(args.inputs, config)
    graph = _graph(args.graph) if args.graph else None
    path = write_report(build, args.output, fmt=args.format, graph=graph, graph_name=args.graph or "")
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
    "relations": "the strongest co-occurrence links from --a to --b (dataset task, method task, method dataset): "
    "papers naming both, not what a paper states (for that: evaluated-on, methods-for, ...)",
    "timeline": "papers per listing date for --entity",
    "evidence": "sentences and spans behind the link --paper -> --entity",
    # answered from relations stated in text (every build states them unless --no-relations; kg.query.relations)
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
            return graph.papers(
                dataset=args.dataset,
                method=args.method,
                task=args.task,
                since=args.since,
                until=args.until,
                limit=args.limit,
                offset=args.offset,
            )
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
        from kg.query import relations

        if q in relations.QUERY_PRESETS:
            return relations.preset(graph, q, getattr(args, relations.QUERY_PRESETS[q][1]))
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
    return asdict(row) if is_dataclass(row) and not isinstance(row, type) else dict(row)


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

    from kg import paper_eval
    from kg.build.files import mention_records
    from kg.build.pipeline import run

    gold = list(paper_eval.read_paper_gold(args.gold))
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
        source = Path(tmp) / "papers.jsonl"
        source.write_text("".join(line + "\n" for line in paper_eval.papers_jsonl(gold)), encoding="utf-8")
        build = run([source], _config(args))
    scores = paper_eval.score_papers(gold, paper_eval.predicted_entities(mention_records(build)))
    if args.format == "json":
        print(json.dumps({"types": {t: asdict(s) for t, s in scores.types.items()}, "roles": scores.roles}, indent=2))
    else:
        print(f"{len(gold)} papers, paper-level entity sets")
        print(paper_eval.format_paper_table(scores))
    return 0
