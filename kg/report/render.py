"""A ``Digest`` written as one self-contained HTML page (charts as inline SVG drawn from the data, no
script, no font or image from the network) or as Markdown for a mailing list.

The markup lives in ``report.html`` as named fragments (``<!-- fragment: NAME -->``) filled with
``string.Template``; every value is escaped here before it goes in.
"""

from __future__ import annotations

import html
from functools import cache, lru_cache
from importlib import resources
from string import Template

from kg.report.digest import Claim, Digest

COLOURS = {"dataset": "#3b82f6", "method": "#f97316", "task": "#22c55e"}
PLURAL = {"dataset": "datasets", "method": "methods", "task": "tasks"}
TOP_CAPTIONS = (("task", "Most addressed tasks"), ("dataset", "Most used datasets"), ("method", "Most used methods"))


@cache
def fragments() -> dict[str, Template]:
    """The named fragments of ``report.html``."""
    text = (resources.files("kg.report") / "report.html").read_text(encoding="utf-8")
    out = {}
    for part in text.split("<!-- fragment: ")[1:]:
        name, body = part.split(" -->\n", 1)
        out[name] = Template(body)
    return out


def fill(name: str, **values: object) -> str:
    """Fragment ``name`` with ``values`` escaped (those ending in ``_html`` go in as they are)."""
    safe = {
        k[:-5] if k.endswith("_html") else k: (str(v) if k.endswith("_html") else html.escape(str(v)))
        for k, v in values.items()
    }
    return fragments()[name].substitute(safe)


def title(d: Digest) -> str:
    """The page's title: how many papers and when.

    >>> title(Digest(58, ("2022-01-03",), (), (), {}))
    'What 58 papers brought: 2022-01-03'
    """
    when = d.dates[0] if len(d.dates) == 1 else (f"{d.dates[0]} to {d.dates[-1]}" if d.dates else "undated")
    return f"What {d.papers} papers brought: {when}"


def lead(d: Digest) -> str:
    parts = [f"{len(d.introduced)} datasets introduced", f"{len(d.proposed)} methods proposed"]
    if d.graph:
        parts.append(
            f"{sum(len(v) for v in d.new.values())} entities new against {d.graph} ({d.graph_papers:,} papers)"
        )
    return "; ".join(parts) + "."


def to_html(d: Digest) -> str:
    """The report as a page.

    >>> page = to_html(Digest(1, (), (), (), {"task": (("<b>", 1),), "dataset": (), "method": ()}))
    >>> "&lt;b&gt;" in page and "<b>" not in page and "<script" not in page
    True
    """
    sections = [
        fill(
            "section",
            id="top",
            heading="Most addressed and most used",
            count="",
            body_html=fill(
                "charts",
                charts_html="".join(
                    bars(caption, d.top.get(kind, ()), COLOURS[kind]) for kind, caption in TOP_CAPTIONS
                ),
            ),
        ),
        _claims_section("introduced", "Datasets introduced", d.introduced, "No dataset introduced."),
        _claims_section("proposed", "Methods proposed", d.proposed, "No method proposed."),
    ]
    if d.graph:
        sections.append(_new_section(d))
        sections.append(
            fill(
                "section",
                id="rising",
                heading=f"Papers per month in {d.graph}",
                count="",
                body_html="".join(timeline(label, months) for label, months in d.rising)
                or fill("none", text="None of the leading entities is in the graph."),
            )
        )
    from kg.view.page import REPORT_POLICY, head

    return fill(
        "page",
        head_html=head(title(d), REPORT_POLICY),
        title=title(d),
        lead=lead(d),
        css_html=_css(),
        sections_html="".join(sections),
    )


def to_markdown(d: Digest) -> str:
    """The report as Markdown.

    >>> print(to_markdown(Digest(1, ("2022-01-03",), (), (), {"task": (("Detection", 1),)})).splitlines()[0])
    # What 1 papers brought: 2022-01-03
    """
    lines = [f"# {title(d)}", "", lead(d), ""]
    for heading, claims in (("Datasets introduced", d.introduced), ("Methods proposed", d.proposed)):
        lines += [f"## {heading} ({len(claims)})", ""]
        lines += [f"- **{c.label}** in [{c.title}]({c.url}) (arXiv:{c.paper})\n  > {c.sentence}" for c in claims] or [
            "None."
        ]
        lines.append("")
    for kind, caption in TOP_CAPTIONS:
        lines += (
            [f"## {caption}", ""]
            + [f"{i}. {label} ({n} papers)" for i, (label, n) in enumerate(d.top.get(kind, ()), 1)]
            + [""]
        )
    if d.graph:
        lines += [f"## New against {d.graph} ({d.graph_papers:,} papers)", ""]
        for kind, names in d.new.items():
            if names:
                lines.append(f"- {PLURAL[kind].capitalize()}: " + ", ".join(label for label, _ in names))
        lines += ["", f"## Papers per month in {d.graph}", ""]
        lines += [f"- {label}: " + ", ".join(f"{m} {n}" for m, n in months[-12:]) for label, months in d.rising]
        lines.append("")
    return "\n".join(lines)


def bars(caption: str, rows: tuple[tuple[str, int], ...], colour: str, width: int = 390) -> str:
    """A horizontal bar chart as SVG: one bar a row, as long as its count."""
    if not rows:
        return ""
    most, label_w, row_h = max(n for _, n in rows), 190, 22
    parts = []
    for i, (label, n) in enumerate(rows):
        bar_w = round((width - label_w - 40) * n / most, 1)
        short = label if len(label) <= 24 else label[:23] + "\u2026"
        parts.append(
            fill(
                "bar",
                label=short,
                label_x=label_w - 6,
                text_y=i * row_h + 15,
                bar_x=label_w,
                y=i * row_h + 4,
                bar_w=bar_w,
                bar_h=row_h - 8,
                colour=colour,
                count_x=label_w + bar_w + 5,
                count=n,
            )
        )
    return fill("bars", caption=caption, width=width, height=len(rows) * row_h, rows_html="\n".join(parts) + "\n")


def timeline(label: str, months: tuple[tuple[str, int], ...], width: int = 820, height: int = 70) -> str:
    """Papers per month as columns (SVG), the first and last month under them."""
    if not months:
        return ""
    most, step = max(n for _, n in months), width / len(months)
    cols = [
        fill(
            "column",
            x=round(i * step, 1),
            w=round(max(step - 1, 0.5), 1),
            h=round((height - 16) * n / most, 1),
            y=round(height - 16 - (height - 16) * n / most, 1),
            colour="#6366f1",
            month=m,
            count=n,
        )
        for i, (m, n) in enumerate(months)
    ]
    total = sum(n for _, n in months)
    return fill(
        "timeline",
        caption=f"{label}: {total:,} papers",
        width=width,
        height=height,
        axis_y=height - 2,
        first=months[0][0],
        last=months[-1][0],
        rows_html="\n".join(cols) + "\n",
    )


def _claims_section(id_: str, heading: str, claims: tuple[Claim, ...], empty: str) -> str:
    items = "".join(_claim(c) for c in claims)
    body = fill("claims", items_html=items) if claims else fill("none", text=empty)
    return fill("section", id=id_, heading=heading, count=f"({len(claims)})", body_html=body)


def _claim(c: Claim) -> str:
    lo, hi = c.hl or (0, 0)
    return fill(
        "claim",
        label=c.label,
        url=c.url,
        title=c.title,
        paper=c.paper,
        before=c.sentence[:lo],
        span=c.sentence[lo:hi],
        after=c.sentence[hi:],
    )


def _new_section(d: Digest) -> str:
    names = [
        fill(
            "names",
            heading=f"{PLURAL[kind]} ({len(d.new[kind])})",
            names=", ".join(label if n == 1 else f"{label} ({n})" for label, n in d.new[kind]),
        )
        for kind in ("dataset", "method", "task")
        if d.new.get(kind)
    ]
    body = "".join(names) or fill("none", text="Every entity is already in the graph.")
    return fill(
        "section",
        id="new",
        heading=f"New against {d.graph}",
        count=f"({sum(len(v) for v in d.new.values())})",
        body_html=body,
    )


@lru_cache(maxsize=1)
def _css() -> str:
    return (resources.files("kg.report") / "report.css").read_text(encoding="utf-8")
