"""The table of ``kg``'s commands and their flags (argparse), each with its help and an example."""

from __future__ import annotations

import argparse

from kg.cli.commands import (
    DEFAULT_GRAPH,
    PRESETS,
    cmd_build,
    cmd_eval,
    cmd_export,
    cmd_extract,
    cmd_query,
    cmd_report,
    cmd_serve,
    cmd_stats,
    cmd_validate,
    cmd_view,
)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="kg",
        description="arXiv abstracts in, a knowledge graph of datasets, methods and tasks out.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  kg build                      # the bundled listing -> outputs/",
    )
    main.add_argument("--version", action="version", version="kg 0.1.0")
    debug_help = "on an error, show the traceback too"
    main.add_argument("--debug", action="store_true", help=debug_help)
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help,
            description=help,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help)
        return p

    def graph_argument(p: argparse.ArgumentParser, help: str | None = "graph file or store folder") -> None:
        p.add_argument("graph", nargs="?", default=DEFAULT_GRAPH, help=help)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "inputs",
            nargs="*",
            metavar="INPUT",
            help="listing .md, Atom .xml, .jsonl(.gz), or - for stdin (default: the bundled listing)",
        )
        p.add_argument("--config", help="TOML file of Config overrides")
        p.add_argument("--no-model", action="store_true", help="rules and vocabulary only, no trained NER")
        p.add_argument("--strict", action="store_true", help="exit 1 when any record is rejected")

    p = command(
        "build",
        "build the graph and write graph.ttl, graph.html, mentions.jsonl, entities.csv, rejects.jsonl",
        "kg build listing.md -o out/\n"
        "  kg build corpus.jsonl.gz -o big/ --workers 2 --store big/store --progress   # streaming\n"
        "  kg build new-listing.md -o big/ --store big/store --update\n"
        "  kg build corpus.jsonl.gz -o big/ --engine dask --scheduler tcp://scheduler:8786\n\n"
        "Every build streams (extract in chunks, spool, resolve, link each paper into the outputs). The\n"
        "graph goes into graph.ttl and graph.html (the default; held in memory to be sorted), graph.nt\n"
        "(--format nt), graph.jsonld (--format jsonld) or the --store folder (no graph file unless --format\n"
        "is given); with --store, --update or --format nt, memory does not grow with the papers and\n"
        "build.json, build.index, build.state and mentions.spool are kept for --update. An --update onto\n"
        "a store writes only what changed into it.",
    )
    common(p)
    p.add_argument("-o", "--output", default="outputs", help="output folder (default: outputs)")
    p.add_argument("--no-html", action="store_true", help="skip the HTML view")
    p.add_argument(
        "--no-relations",
        dest="relations",
        action="store_const",
        const=False,
        help="skip typed relations (stated in every graph and mentions.jsonl by default; docs/relations.md)",
    )
    p.add_argument("--relations", action="store_const", const=True, help=argparse.SUPPRESS)  # the default
    p.add_argument("--base-iri", help="base IRI of minted resources (default https://w3id.org/kg/)")
    p.add_argument("--workers", type=int, help="extraction processes (or Dask workers of a local cluster)")
    p.add_argument(
        "--format",
        help="graph file: ttl (graph.ttl + graph.html; the default without --store), nt (graph.nt) "
        "or jsonld (graph.jsonld)",
    )
    p.add_argument("--ntriples", dest="format", action="store_const", const="nt", help="same as --format nt")
    p.add_argument(
        "--store",
        metavar="DIR",
        help="put the graph into a pyoxigraph store folder (kg query --graph DIR); with --format nt, also graph.nt",
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="add the inputs to the build in --output: new papers and new versions only",
    )
    p.add_argument("--engine", default="local", help="extraction engine: local (processes) or dask")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    )
    p.add_argument("--progress", action="store_true", help="progress bar on stderr (default: only on a terminal)")
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another build holds -o or --store, wait up to SECONDS for it (default: fail at once)",
    )
    p.set_defaults(func=cmd_build)

    p = command(
        "extract",
        "write mentions as JSON Lines, one paper a line (the evaluation contract)",
        "kg extract listing.md -o mentions.jsonl\n  kg extract listing.md --relations -o mentions.jsonl",
    )
    common(p)
    p.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    p.add_argument(
        "--relations", action="store_true", help="add each paper's typed relations between entities (docs/relations.md)"
    )
    p.set_defaults(func=cmd_extract)

    p = command(
        "view",
        "write an HTML view of a graph: the map of its entities (large graphs) or its papers "
        "and their entities (a listing), whole or around one entity",
        "kg view outputs/graph.ttl --focus KITTI --hops 2 -o kitti.html\n"
        "  kg view big/store -o map.html                  # the map of the 5,000 most linked entities\n"
        "  kg view outputs/graph.ttl --mode map -o map.html",
    )
    graph_argument(p)
    p.add_argument("-o", "--output", default="view.html")
    p.add_argument("--focus", help="entity or paper id or label at the centre")
    p.add_argument("--hops", type=int, default=1, help="distance from the focus (default 1)")
    p.add_argument(
        "--top",
        type=int,
        help="only the N most linked entities (and, in the paper view, their papers); the map's default is 5000",
    )
    p.add_argument("--mode", default="auto", help="map, papers, or auto (default): the map above 500 papers")
    p.set_defaults(func=cmd_view)

    p = command(
        "report",
        "write the digest of a listing: papers, datasets introduced and methods proposed with "
        "their sentences, the most addressed tasks and most used datasets and methods; with --graph, what "
        "is new against that graph and how the leading entities grew",
        "kg report listing.md -o report.html\n"
        "  kg report listing.md --graph big/store -o report.md     # Markdown, against a corpus store",
    )
    common(p)
    p.add_argument("-o", "--output", default="report.html", help="output file (default: report.html)")
    p.add_argument("--graph", metavar="STORE", help="an earlier graph (store folder or graph file) to compare with")
    p.add_argument("--format", choices=("html", "md"), help="html or md (default: from the -o suffix)")
    p.set_defaults(func=cmd_report)

    p = command(
        "query",
        "run a SPARQL query (text or .rq file) or a preset: " + ", ".join(PRESETS),
        'kg query top-datasets --task "object detection" --format csv',
    )
    p.add_argument("query", help="preset name, SPARQL text, or a .rq file")
    p.add_argument("--graph", default=DEFAULT_GRAPH, help=f"graph file or store folder (default {DEFAULT_GRAPH})")
    p.add_argument("--format", default="table", help="table, csv or json")
    for name in ("dataset", "method", "task", "entity", "paper", "type", "a", "b", "since", "until"):
        p.add_argument(f"--{name}")
    p.add_argument("-n", type=int, default=20, help="at most N rows for ranked presets (default 20)")
    p.add_argument("--limit", type=int, help="papers preset: one page of at most N papers (default: all)")
    p.add_argument("--offset", type=int, default=0, help="papers preset: skip the first N papers of the answer")
    p.set_defaults(func=cmd_query)

    p = command(
        "serve",
        "serve a graph file or store folder as a SPARQL endpoint (needs kg[serve]); Ctrl-C stops it",
        "kg serve outputs/graph.ttl\n  kg serve big/store --port 8000",
    )
    graph_argument(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878; 0: any free port)")
    p.add_argument("--writable", action="store_true", help="accept SPARQL Update too (default: read-only)")
    p.set_defaults(func=cmd_serve)

    p = command(
        "export",
        "write the graph's tables (papers, entities, links, relations) or the graph for network tools",
        "kg export outputs/graph.ttl --to tables/ --format parquet",
    )
    graph_argument(p)
    p.add_argument("--to", required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--format", default="csv", help="csv, parquet (needs kg[parquet]), graphml or gexf (default csv)")
    p.set_defaults(func=cmd_export)

    p = command("stats", "counts per type and the top entities per type", "kg stats outputs/graph.ttl")
    graph_argument(p, help=None)
    p.add_argument("-n", type=int, default=5)
    p.set_defaults(func=cmd_stats)

    p = command(
        "validate", "check a graph against the SHACL shapes in ontologies/shapes.ttl", "kg validate outputs/graph.ttl"
    )
    graph_argument(p, help=None)
    p.set_defaults(func=cmd_validate)

    p = command(
        "eval",
        "score extraction against gold spans (JSONL: text + typed character spans), or paper-level "
        "entity sets (--paper-level)",
        "kg eval --gold benchmarks/gold/scier_dev.jsonl\n"
        "  kg eval --paper-level --gold benchmarks/paper_level/dev.jsonl\n"
        "  kg eval --relations --gold ../shared/gold/scier/dev.jsonl",
    )
    p.add_argument("--gold", required=True)
    p.add_argument(
        "--paper-level",
        action="store_true",
        help="gold is papers with their entity sets (id, title, abstract, entities); score what the graph links",
    )
    p.add_argument(
        "--relations",
        action="store_true",
        help="gold is SciER relations (dev.jsonl or *.sentences.jsonl): score typed relations end to end "
        "and with the gold entities given",
    )
    p.add_argument("--format", default="table", help="table or json")
    p.add_argument("--no-model", action="store_true")
    p.add_argument("--config")
    p.set_defaults(func=cmd_eval)
    return main
