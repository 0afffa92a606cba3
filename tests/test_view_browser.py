"""The HTML view in a real browser: headless Chromium, opened from file:// with the network blocked.

Skips when the Debian packages ``chromium`` and ``chromium-driver`` are not installed
(``apt-get install -y chromium chromium-driver``). Selenium Manager is kept offline: the driver path
is given explicitly and ``SE_OFFLINE=true``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.graph import build_graph
from kg.records import Entity, EntityType, Link, Mention, Paper, Role
from kg.view import StoreSource, write_html, write_map

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HOSTILE = '</script><script>alert(1)</script><img src=x onerror="window.__pwned=1"> \u2028 & <b>bold</b>'
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "chrome-extension:", "devtools:")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason=f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)",
    ),
]


def graph():
    """Two papers (one with a hostile title) and three entities."""
    p1 = Paper(
        id="2201.00001",
        version=2,
        title="Residual learning on ImageNet",
        abstract="We train ResNet on ImageNet.",
        authors=("Ada Lovelace", "Alan Turing"),
        date="2022-01-03",
    )
    p2 = Paper(
        id="2201.00002", version=1, title=HOSTILE, abstract="ResNet backbones for object detection.", date="2022-01-04"
    )

    def link(paper: Paper, entity: str, text: str, type_: EntityType, role: Role = Role.USES) -> Link:
        start = paper.abstract.index(text)
        return Link(
            paper.id,
            entity,
            role,
            (
                Mention(
                    type=type_,
                    field="abstract",
                    start=start,
                    end=start + len(text),
                    text=text,
                    sentence=paper.abstract,
                    role=role,
                    source="vocabulary",
                ),
            ),
        )

    entities = [
        Entity(
            id="dataset/imagenet", type=EntityType.DATASET, label="ImageNet", aliases=(("ILSVRC", 1), ("ImageNet", 3))
        ),
        Entity(id="method/resnet", type=EntityType.METHOD, label="ResNet", aliases=(("ResNet", 2),)),
        Entity(id="task/object-detection", type=EntityType.TASK, label="object detection"),
    ]
    links = [
        link(p1, "dataset/imagenet", "ImageNet", EntityType.DATASET),
        link(p1, "method/resnet", "ResNet", EntityType.METHOD),
        link(p2, "method/resnet", "ResNet", EntityType.METHOD),
        link(p2, "task/object-detection", "object detection", EntityType.TASK, Role.ADDRESSES),
    ]
    return build_graph([p1, p2], entities, links)


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chrome-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
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
        "--window-size=1280,800",
        f"--user-data-dir={profile}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    chrome = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield chrome
    finally:
        chrome.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def page(driver, tmp_path_factory) -> object:
    html = write_html(graph(), tmp_path_factory.mktemp("view") / "view.html", title=HOSTILE)
    return open_page(driver, html)


def details(driver) -> str:
    return driver.find_element("id", "details").text


def test_draws_every_node(page) -> None:
    assert int(page.find_element("id", "node-count").text) == 5
    assert page.execute_script("return window.kgView.nodeCount()") == 5
    assert page.execute_script("return window.kgView.network.body.nodeIndices.length") == 5


def test_clicking_an_entity_shows_aliases_and_papers(page) -> None:
    page.execute_script("window.kgView.network.moveTo({position: {x: 0, y: 0}, scale: 1})")
    click_node(page, "dataset/imagenet")
    deadline = time.monotonic() + 5
    while "ILSVRC" not in details(page) and time.monotonic() < deadline:
        time.sleep(0.05)
    text = details(page)
    assert "ImageNet" in text and "ILSVRC ×1" in text and "ImageNet ×3" in text
    assert "Residual learning on ImageNet" in text and "uses" in text
    assert page.execute_script("return window.kgView.network.getSelectedNodes()") == ["dataset/imagenet"]


def test_selecting_a_paper_shows_link_authors_and_evidence(page) -> None:
    assert page.execute_script("return window.kgView.selectNode('paper/2201.00001')") is True
    text = details(page)
    assert "Residual learning on ImageNet" in text and "arXiv:2201.00001v2" in text
    assert "Ada Lovelace, Alan Turing" in text and "2022-01-03" in text
    assert "ResNet" in text and "uses" in text and "We train ResNet on ImageNet." in text
    marks = page.execute_script("return [...document.querySelectorAll('#details mark')].map(m => m.textContent)")
    assert sorted(marks) == ["ImageNet", "ResNet"]
    href = page.execute_script("return document.querySelector('#details a').href")
    assert href == "https://arxiv.org/abs/2201.00001"


def test_hostile_title_is_shown_as_text(page) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    page.execute_script("window.kgView.selectNode('paper/2201.00002')")
    time.sleep(0.3)
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018
    assert page.execute_script("return document.querySelector('#details h2').textContent") == HOSTILE
    assert page.execute_script("return window.__pwned") is None
    assert page.execute_script("return document.querySelectorAll('img, b, #details script').length") == 0
    assert page.execute_script("return document.scripts.length") == 3
    assert page.execute_script("return document.title") == HOSTILE
    assert page.find_element("id", "kg-title").get_property("textContent") == HOSTILE


def test_search_filters_and_neighbourhood(page) -> None:
    box = page.find_element("id", "search")
    box.clear()
    box.send_keys("ilsvrc")
    results = page.find_elements("css selector", "#search-results li")
    assert [r.text for r in results] == ["ImageNet"]
    results[0].click()
    assert page.execute_script("return window.kgView.network.getSelectedNodes()") == ["dataset/imagenet"]
    dimmed = page.execute_script("return window.kgView.nodes.get().filter(n => n.opacity < 1).map(n => n.id).sort()")
    assert dimmed == ["method/resnet", "paper/2201.00002", "task/object-detection"]

    page.find_element("css selector", "#legend input[data-kind=paper]").click()
    assert int(page.find_element("id", "node-count").text) == 3
    page.execute_script("window.kgView.setKinds(['paper', 'dataset', 'method', 'task']); window.kgView.setMinDegree(2)")
    assert int(page.find_element("id", "node-count").text) == 3  # ResNet and the two papers
    page.find_element("id", "reset").click()
    assert int(page.find_element("id", "node-count").text) == 5
    # entities of one paper are faded until asked for; the rest is drawn in full again
    opacity = "return Object.fromEntries(window.kgView.nodes.get().map(n => [n.id, n.opacity]))"
    faded = {"dataset/imagenet", "task/object-detection"}
    assert page.execute_script(opacity) == {n: 0.3 if n in faded else 1 for n in page.execute_script(opacity)}
    page.find_element("id", "show-once").click()
    assert set(page.execute_script(opacity).values()) == {1}
    page.find_element("id", "reset").click()


def test_shared_entities_are_labelled_and_papers_show_titles_on_hover(page) -> None:
    page.execute_script("window.kgView.clearSelection(); window.kgView.network.fit({animation: false})")
    time.sleep(0.2)
    # ResNet is shared by both papers: labelled at first sight; entities of one paper are not
    assert page.execute_script("return window.kgView.labels()") == ["method/resnet"]
    page.execute_script("window.kgView.selectNode('dataset/imagenet')")
    time.sleep(0.5)
    assert page.execute_script("return window.kgView.labels()") == ["dataset/imagenet"]  # its neighbours are papers
    page.execute_script("window.kgView.selectNode('paper/2201.00001')")
    time.sleep(0.5)
    assert sorted(page.execute_script("return window.kgView.labels()")) == ["dataset/imagenet", "method/resnet"]
    page.execute_script("window.kgView.clearSelection()")
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = page.find_element("css selector", "#graph canvas")
    x, y = page.execute_script("""
        var net = window.kgView.network, p = net.canvasToDOM(net.getPosition("paper/2201.00001"));
        return [p.x, p.y];""")
    rect = canvas.rect
    ActionChains(page).move_to_element_with_offset(canvas, x - rect["width"] / 2, y - rect["height"] / 2).perform()
    deadline = time.monotonic() + 5
    while page.find_element("id", "tip").text != "Residual learning on ImageNet" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert page.find_element("id", "tip").text == "Residual learning on ImageNet"


def test_no_network_requests_and_no_console_errors(page) -> None:
    assert_offline(page)


def open_page(driver, html: Path) -> object:
    driver.get("about:blank")  # leave the previous page, then drop the log
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(html.as_uri())
    deadline = time.monotonic() + 30
    while not driver.execute_script("return !!(window.kgView && window.kgView.ready)"):
        assert time.monotonic() < deadline, f"the view did not draw; console: {driver.get_log('browser')}"
        time.sleep(0.05)
    return driver


def click_node(driver, node: str) -> None:
    """A real click on the node's position on the canvas."""
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = driver.find_element("css selector", "#graph canvas")
    x, y = driver.execute_script(
        """
        var net = window.kgView.network, p = net.canvasToDOM(net.getPosition(arguments[0]));
        return [p.x, p.y];""",
        node,
    )
    rect = canvas.rect
    ActionChains(driver).move_to_element_with_offset(
        canvas, x - rect["width"] / 2, y - rect["height"] / 2
    ).click().perform()


@pytest.fixture(scope="module")
def map_page(driver, tmp_path_factory) -> object:
    html = write_map(
        StoreSource.open(REPO / "outputs" / "graph.ttl"),
        tmp_path_factory.mktemp("map") / "map.html",
        title="cs.CV, 3 January 2022",
    )
    return open_page(driver, html)


def test_map_draws_entities_only_with_labels_by_weight(map_page) -> None:
    data = map_page.execute_script("return window.kgView.data")
    assert map_page.execute_script("return window.kgView.network.body.nodeIndices.length") == len(data["nodes"]) > 100
    assert not any(n["id"].startswith("paper/") for n in data["nodes"])
    map_page.execute_script("window.kgView.network.fit({animation: false})")
    time.sleep(0.2)
    first = map_page.execute_script("return window.kgView.labels()")
    assert "method/convolutional-neural-network" in first and len(first) < len(data["nodes"])
    heaviest = max(data["nodes"], key=lambda n: (n["n"], n["id"]))["id"]
    at_first_sight = {n["id"] for n in data["nodes"] if n.get("z") == 0}  # zoom levels laid out in Python (none: never)
    assert heaviest in first and at_first_sight <= set(first)
    map_page.execute_script("var net = window.kgView.network; net.moveTo({scale: net.getScale() * 4})")
    time.sleep(0.2)
    deeper = map_page.execute_script("return window.kgView.labels()")
    visible = set(map_page.execute_script("return window.kgView.network.getNodesInView ? [] : []"))
    assert len(deeper) > 0 and visible == set()
    assert map_page.execute_script("return window.kgView.level()") >= 3


def test_selecting_an_entity_on_the_map_lists_papers_sentences_and_neighbours(map_page) -> None:
    map_page.execute_script("window.kgView.network.fit({animation: false})")
    time.sleep(0.2)
    click_node(map_page, "dataset/cifar-10")
    deadline = time.monotonic() + 5
    while "Strongest" not in map_page.find_element("id", "details").text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert map_page.execute_script("return window.kgView.network.getSelectedNodes()") == ["dataset/cifar-10"]
    text = map_page.find_element("id", "details").text
    assert text.startswith("DATASET\nCIFAR-10\n5 papers")
    assert "STRONGEST METHODS" in text.upper() and "STRONGEST TASKS" in text.upper()
    links = map_page.execute_script("return [...document.querySelectorAll('#details a')].map(a => a.href)")
    assert len(links) == 5 and all(re.fullmatch(r"https://arxiv\.org/abs/\d{4}\.\d{5}", href) for href in links)
    assert "2022-01-03" in text
    marks = map_page.execute_script("return [...document.querySelectorAll('#details mark')].map(m => m.textContent)")
    cifar = map_page.execute_script("return window.kgView.data.nodes.find(n => n.id === 'dataset/cifar-10')")
    names = {"CIFAR-10", *(form for form, _ in cifar["aliases"])}
    assert "CIFAR10" in names and "CIFAR10" in text  # its other names, shown and marked in its sentences
    assert marks and {m.lower() for m in marks} <= {n.lower() for n in names}
    screenshot(map_page, DOCS / "map.png")
    # the relations papers state, read from the store: an entity's panel lists each with the other entity
    stated = map_page.execute_script("return window.kgView.data.nodes.filter(n => n.rel && n.rel.length)")
    assert stated, "the map of the listing carries stated relations"
    node = stated[0]
    map_page.execute_script("window.kgView.selectNode(arguments[0])", node["id"])
    deadline = time.monotonic() + 5
    while "Stated relations" not in map_page.find_element("id", "details").text and time.monotonic() < deadline:
        time.sleep(0.05)
    kind, direction, _, other, papers = node["rel"][0][:5]
    arrow = f"{kind} \u2192" if direction == "out" else f"\u2190 {kind}"
    assert f"{other}\n{arrow} \u00b7 {papers} paper" in map_page.find_element("id", "details").text
    map_page.execute_script("window.kgView.selectNode('dataset/cifar-10')")
    # the papers behind a link: the neighbour's "shared" toggle lists them with their sentences
    toggle = map_page.find_elements("css selector", "#details .navlist li .role[title]")[0]
    toggle.click()
    shared = map_page.find_elements(
        "css selector", "#details .navlist ul:not([hidden]) li.paper, #details ul.navlist + ul:not([hidden]) li.paper"
    )
    assert int(toggle.text.split()[0]) >= 1 and len(shared) >= 1


def test_map_colour_switch_filters_and_search(map_page) -> None:
    colour = "return window.kgView.nodes.get('method/transformer').color.background"
    map_page.execute_script("window.kgView.clearSelection(); window.kgView.setColourBy('type')")
    assert map_page.execute_script(colour) == "#f97316"
    map_page.find_element("css selector", "#colour-by input[value=cluster]").click()
    assert map_page.execute_script(colour) != "#f97316"
    map_page.execute_script("window.kgView.setMinPapers(3)")
    big = [n for n in map_page.execute_script("return window.kgView.data.nodes") if n["n"] >= 3]
    assert int(map_page.find_element("id", "node-count").text) == len(big)
    box = map_page.find_element("id", "search")
    box.clear()
    box.send_keys("cifar")
    results = [r.text for r in map_page.find_elements("css selector", "#search-results li")]
    assert results[:2] == ["CIFAR-10\n5 papers", "CIFAR-100\n3 papers"] or results[:2] == [
        "CIFAR-105 papers",
        "CIFAR-1003 papers",
    ]
    map_page.find_element("id", "reset").click()
    assert int(map_page.find_element("id", "node-count").text) == len(
        map_page.execute_script("return window.kgView.data.nodes")
    )
    assert_offline(map_page)


def _labels_meet(a: dict, b: dict, scale: float) -> bool:
    from kg.view.labels import _box

    boxes = [_box(n["x"], n["y"], n["short"], n.get("font", 12), scale) for n in (a, b)]
    (a0, a1, a2, a3), (b0, b1, b2, b3) = boxes
    return a0 < b2 and b0 < a2 and a1 < b3 and b1 < a3


def test_the_bundled_paper_view_names_shared_entities_at_first_sight(driver) -> None:
    page = open_page(driver, REPO / "outputs" / "graph.html")
    data = page.execute_script("return window.kgView.data")
    first = set(page.execute_script("return window.kgView.labels()"))
    nodes = {n["id"]: n for n in data["nodes"]}
    heaviest = {i for i, n in nodes.items() if n["kind"] != "paper" and n["degree"] >= 5}
    assert heaviest and len(first) >= 8
    for i in heaviest - first:  # a heavy entity waits only for a heavier one whose label would cover its own
        assert any(
            nodes[j]["degree"] >= nodes[i]["degree"] and _labels_meet(nodes[i], nodes[j], data["base"]) for j in first
        ), i
    assert all(nodes[i]["degree"] >= 2 for i in first)  # entities of one paper wait until asked for
    # a label hidden at first sight (the heaviest such entity) shows when zoomed in on it
    hidden = max(
        (i for i, n in nodes.items() if n["kind"] != "paper" and n["degree"] >= 2 and i not in first),
        key=lambda i: (nodes[i]["degree"], i),
    )
    page.execute_script(
        """var k = window.kgView, n = k.data.nodes.find(n => n.id === arguments[0]);
        k.network.moveTo({position: {x: n.x, y: n.y}, scale: k.data.base * Math.pow(2, n.z / 2) * 1.01});""",
        hidden,
    )
    time.sleep(0.2)
    assert hidden in page.execute_script("return window.kgView.labels()")
    page.execute_script("window.kgView.network.fit({animation: false})")
    time.sleep(0.2)
    screenshot(page, DOCS / "papers.png")
    assert_offline(page)


def test_the_bundled_paper_view_lists_an_entitys_stated_relations(driver) -> None:
    """The details panel of an entity lists the relations papers state with it (kind, the other entity,
    papers, the sentence), and the other entity is a click away; they are not drawn as links."""
    page = open_page(driver, REPO / "outputs" / "graph.html")
    assert page.execute_script("return window.kgView.selectNode('method/fsgan')")
    text = details(page)
    assert "STATED RELATIONS" in text.upper() and "FS2K\nevaluated-with \u2192 \u00b7 1 paper" in text
    assert "FSGAN surpasses the performance of all previous state-of-the-art models" in text
    page.find_element("css selector", "#details li.relation").click()
    assert details(page).split("\n")[:2] == ["DATASET", "FS2K"] or "FS2K" in details(page).split("\n")[1]
    drawn = page.execute_script("return window.kgView.data.links.filter(l => !l.from.startsWith('paper/')).length")
    assert drawn == 0
    assert_offline(page)


def screenshot(driver, png: Path) -> None:
    """Keep what the test saw, for the README (docs/): no tooltip, the side panel from its top."""
    driver.execute_script(
        "document.getElementById('tip').style.display = 'none'; document.getElementById('side').scrollTop = 0"
    )
    time.sleep(0.5)  # the focus animation
    png.parent.mkdir(exist_ok=True)
    driver.save_screenshot(str(png))


def assert_offline(page) -> None:
    """No request left the page (the performance log) and the console holds no error."""
    url = page.current_url
    events = [json.loads(entry["message"])["message"] for entry in page.get_log("performance")]
    # every request the page made (a CSP-blocked one is logged too), not the browser's own background ones
    requested = {
        e["params"]["requestId"]: e["params"]["request"]["url"]
        for e in events
        if e["method"] == "Network.requestWillBeSent"
        and url in (e["params"].get("documentURL"), e["params"]["request"]["url"])
    }
    assert url in requested.values(), "the performance log did not record the page"
    remote = [u for u in requested.values() if not u.startswith(LOCAL_SCHEMES)]
    failed = [
        e["params"] for e in events if e["method"] == "Network.loadingFailed" and e["params"]["requestId"] in requested
    ]
    assert remote == [] and failed == []
    errors = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_the_bundled_report_reads_offline_with_its_charts(driver) -> None:
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get((REPO / "outputs" / "report.html").as_uri())
    heading = driver.find_element("css selector", "h1").text
    assert heading == "What 58 papers brought: 2022-01-03"
    sections = driver.execute_script("return [...document.querySelectorAll('section h2')].map(h => h.textContent)")
    assert sections[:3] == ["Most addressed and most used ", "Datasets introduced (4)", sections[2]]
    assert sections[2].startswith("Methods proposed (")
    bars = driver.execute_script(
        "return [...document.querySelectorAll('svg rect')].map(r => r.getBoundingClientRect().width)"
    )
    assert len(bars) == 30 and all(w > 0 for w in bars)
    first = driver.execute_script("return document.querySelector('#introduced li').textContent")
    assert "FS2K" in first and "arXiv:2112.15439" in first and "we first introduce a high-quality dataset" in first
    screenshot_report = DOCS / "report.png"
    driver.set_window_size(1100, 1300)
    try:
        time.sleep(0.3)
        driver.save_screenshot(str(screenshot_report))
    finally:
        driver.set_window_size(1280, 800)
    assert_offline(driver)
