"""Benchmark of the HTML views: layout time and time to first draw in headless Chromium.

    python benchmarks/view_benchmark.py --store /tmp/corpus/store --top 5000   # the map of a corpus store
    python benchmarks/view_benchmark.py                      # paper view: 500, 2,000 and 5,000 nodes
    python benchmarks/view_benchmark.py --sizes 500 --no-browser
    python benchmarks/view_benchmark.py --screenshot out.png --html view.html [--select method/resnet]
    python benchmarks/view_benchmark.py --demo view.html     # write a synthetic view to look at

Synthetic graphs mimic a build: ~60% papers, the rest datasets, methods and tasks; each paper links to
1-8 entities whose popularity follows a Zipf law (a few hubs, a long tail), as in real arXiv listings.
The draw time is ``performance.now()`` at vis-network's first ``afterDrawing``: from navigation start,
so it includes parsing the (multi-megabyte) page, the JSON and building the network.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from kg.graph import build_graph  # noqa: E402
from kg.records import Entity, EntityType, Link, Mention, Paper, Role  # noqa: E402
from kg.view import StoreSource, layout, write_html, write_map  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WORDS = (
    "learning deep network image video neural graph attention transformer self supervised detection "
    "segmentation robust efficient sparse adaptive multi scale contrastive generative diffusion "
    "representation 3D point cloud depth semantic few shot domain adaptation"
).split()


def synthetic_graph(n_nodes: int, seed: int = 0) -> nx.MultiDiGraph:
    """A build-like graph of about ``n_nodes`` nodes (papers + entities), built with ``build_graph``."""
    rng = random.Random(seed)
    n_papers = int(n_nodes * 0.6)
    n_entities = n_nodes - n_papers
    types = [EntityType.METHOD] * 5 + [EntityType.DATASET] * 3 + [EntityType.TASK] * 2
    entities = []
    for i in range(n_entities):
        kind = types[i % len(types)]
        label = f"{rng.choice(WORDS).title()}{rng.choice(WORDS).title()}-{i}"
        entities.append(
            Entity(
                id=f"{kind.value}/e{i}",
                type=kind,
                label=label,
                aliases=((label, rng.randint(1, 9)), (label.lower(), 1)),
            )
        )
    weights = [1 / (rank + 1) ** 1.05 for rank in range(n_entities)]
    papers, links = [], []
    for p in range(n_papers):
        pid = f"22{p // 10000:02d}.{p % 10000:05d}"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        chosen = sorted(set(rng.choices(range(n_entities), weights=weights, k=rng.randint(1, 8))))
        sentences = []
        for e in chosen:
            ent = entities[e]
            start = sum(len(s) + 1 for s in sentences) + 7
            sentence = f"We use {ent.label} for {rng.choice(WORDS)} {rng.choice(WORDS)}."
            sentences.append(sentence)
            role = Role.ADDRESSES if ent.type is EntityType.TASK else Role.USES
            m = Mention(
                type=ent.type,
                field="abstract",
                start=start,
                end=start + len(ent.label),
                text=ent.label,
                sentence=sentence,
                role=role,
                confidence=0.9,
                source="vocabulary",
            )
            links.append(Link(pid, ent.id, role, (m,)))
        papers.append(
            Paper(
                id=pid,
                version=1,
                title=title,
                abstract=" ".join(sentences),
                authors=("A. Author", "B. Author"),
                categories=("cs.CV",),
                date="2022-01-03",
            )
        )
    return build_graph(papers, entities, links)


def chrome(width: int = 1400, height: int = 900):
    """Headless Chromium with the network blocked (everything must come from the file)."""
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="kg-chrome-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.kg_profile = profile  # type: ignore[attr-defined]
    return driver


def quit_chrome(driver) -> None:
    driver.quit()
    shutil.rmtree(getattr(driver, "kg_profile", ""), ignore_errors=True)


def wait_ready(driver, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not driver.execute_script("return !!(window.kgView && window.kgView.ready)"):
        if time.monotonic() > deadline:
            raise TimeoutError("the view did not draw")
        time.sleep(0.05)


def draw_time(driver, html_file: Path) -> float:
    """Seconds from navigation start to vis-network's first drawn frame."""
    driver.get(html_file.resolve().as_uri())
    wait_ready(driver)
    return driver.execute_script("return window.kgView.firstDrawMs") / 1000


def screenshot(html_file: Path, png: Path, select: str | None = None, width: int = 1400, height: int = 900) -> Path:
    """Save a PNG of ``html_file`` as drawn by headless Chromium (optionally with a node selected)."""
    driver = chrome(width, height)
    try:
        driver.get(html_file.resolve().as_uri())
        wait_ready(driver)
        if select:
            if not driver.execute_script("return window.kgView.selectNode(arguments[0])", select):
                raise SystemExit(f"no node {select!r} in {html_file}")
        time.sleep(0.8)  # let the focus animation finish
        driver.save_screenshot(str(png))
    finally:
        quit_chrome(driver)
    return png


def spring_layout(graph: nx.MultiDiGraph) -> dict:
    """networkx's spring_layout (its sparse solver needs scipy; without it, the dense numpy one)."""
    simple = nx.Graph(graph)
    try:
        return nx.spring_layout(simple, seed=0)
    except ImportError:  # no scipy: the same algorithm on a dense matrix
        from networkx.drawing.layout import _fruchterman_reingold

        return dict(zip(simple, _fruchterman_reingold(nx.to_numpy_array(simple), seed=0)))


def timed(fn, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def map_benchmark(store: Path, top: int, browser: bool) -> None:
    """The map of a store's ``top`` entities: seconds (wall and CPU) and peak memory of writing it, the
    file's size, and seconds to usable in headless Chromium (first frame drawn, labels on), median of 3."""
    import resource

    tmp = Path(tempfile.mkdtemp(prefix="kg-map-bench-"))
    try:
        load = os.getloadavg()[0]  # the wall time depends on what else the machine runs: say it
        wall, cpu = time.perf_counter(), time.process_time()
        page = write_map(StoreSource.open(store), tmp / "map.html", top=top, title=store.name)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # this process, before any browser
        print(
            f"map of {top} entities from {store}: written in {wall:.1f} s ({cpu:.1f} s CPU), "
            f"peak memory {peak:.0f} MB, file {page.stat().st_size / 1e6:.1f} MB; "
            f"load average {load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        if browser:
            driver = chrome()
            try:
                draws = [draw_time(driver, page) for _ in range(3)]
                labels = driver.execute_script("return window.kgView.labels().length")
            finally:
                quit_chrome(driver)
            print(
                f"usable in headless Chromium (first draw, {labels} labels on): {statistics.median(draws):.2f} s "
                f"(runs: {', '.join(f'{d:.2f}' for d in draws)})"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--no-browser", action="store_true", help="layout timings only")
    parser.add_argument("--no-networkx", action="store_true", help="skip networkx spring_layout")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save a PNG of --html and exit")
    parser.add_argument("--html", type=Path, help="the HTML file to screenshot")
    parser.add_argument("--select", help="node id to select before the screenshot")
    parser.add_argument("--size", default="1400x900", help="window size for --screenshot, WxH")
    parser.add_argument("--demo", type=Path, metavar="HTML", help="write a synthetic view of --sizes[0] nodes and exit")
    parser.add_argument("--store", type=Path, help="benchmark the map of this store (kg build --store) and exit")
    parser.add_argument("--top", type=int, default=5000, help="entities on the map of --store (default 5000)")
    args = parser.parse_args(argv)
    if args.store:
        map_benchmark(args.store, args.top, not args.no_browser and Path(CHROMIUM).exists())
        return 0

    if args.screenshot:
        if not args.html:
            parser.error("--screenshot needs --html")
        w, h = (int(v) for v in args.size.split("x"))
        print(screenshot(args.html, args.screenshot, args.select, w, h))
        return 0
    if args.demo:
        print(write_html(synthetic_graph(args.sizes[0]), args.demo, title=f"synthetic {args.sizes[0]}"))
        return 0

    browser = not args.no_browser and Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
    driver = chrome() if browser else None
    tmp = Path(tempfile.mkdtemp(prefix="kg-view-bench-"))
    print(f"{'nodes':>6} {'edges':>6} {'igraph s':>9} {'networkx s':>11} {'html s':>7} {'MB':>6} {'first draw s':>13}")
    try:
        for n in args.sizes:
            graph = synthetic_graph(n)
            t_ig = timed(lambda graph=graph: layout(graph), repeat=3)
            t_nx = float("nan")
            if not args.no_networkx and n <= 2000:
                t_nx = timed(lambda graph=graph: spring_layout(graph))
            start = time.perf_counter()
            page = write_html(graph, tmp / f"view-{n}.html", title=f"synthetic {n}")
            t_html = time.perf_counter() - start
            size = page.stat().st_size / 1e6
            drawn = "-"
            if driver is not None:
                draws = [draw_time(driver, page) for _ in range(3)]
                drawn = f"{statistics.median(draws):.2f}"
            nx_text = f"{t_nx:.2f}" if t_nx == t_nx else "-"
            print(
                f"{graph.number_of_nodes():>6} {graph.number_of_edges():>6} {t_ig:>9.2f} {nx_text:>11} "
                f"{t_html:>7.2f} {size:>6.1f} {drawn:>13}",
                flush=True,
            )
    finally:
        if driver is not None:
            quit_chrome(driver)
        shutil.rmtree(tmp, ignore_errors=True)
    if not browser and not args.no_browser:
        print(f"(no draw times: {CHROMIUM} or {CHROMEDRIVER} is missing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
