"""The HTML view in a real browser: headless Chromium, opened from file:// with the network blocked.

Skips when the Debian packages ``chromium`` and ``chromium-driver`` are not installed
(``apt-get install -y chromium chromium-driver``). Selenium Manager is kept offline: the driver path
is given explicitly and ``SE_OFFLINE=true``.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.graph import build_graph
from kg.records import Entity, EntityType, Link, Mention, Paper, Role
from kg.view import write_html

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HOSTILE = '</script><script>alert(1)</script><img src=x onerror="window.__pwned=1"> \u2028 & <b>bold</b>'
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "chrome-extension:", "devtools:")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason=f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"),
]


def graph():
    """Two papers (one with a hostile title) and three entities."""
    p1 = Paper(id="2201.00001", version=2, title="Residual learning on ImageNet", abstract="We train ResNet on ImageNet.",
               authors=("Ada Lovelace", "Alan Turing"), date="2022-01-03")
    p2 = Paper(id="2201.00002", version=1, title=HOSTILE, abstract="ResNet backbones for object detection.",
               date="2022-01-04")

    def link(paper: Paper, entity: str, text: str, type_: EntityType, role: Role = Role.USES) -> Link:
        start = paper.abstract.index(text)
        return Link(paper.id, entity, role, (Mention(type=type_, field="abstract", start=start, end=start + len(text),
                                                     text=text, sentence=paper.abstract, role=role, source="vocabulary"),))

    entities = [
        Entity(id="dataset/imagenet", type=EntityType.DATASET, label="ImageNet", aliases=(("ILSVRC", 1), ("ImageNet", 3))),
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
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,800", f"--user-data-dir={profile}",
                 "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"):
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
    driver.get("about:blank")  # leave the start page (it makes requests of its own), then drop the log
    driver.get_log("performance")
    driver.get(html.as_uri())
    deadline = time.monotonic() + 30
    while not driver.execute_script("return !!(window.kgView && window.kgView.ready)"):
        assert time.monotonic() < deadline, f"the view did not draw; console: {driver.get_log('browser')}"
        time.sleep(0.05)
    return driver


def details(driver) -> str:
    return driver.find_element("id", "details").text


def test_draws_every_node(page) -> None:
    assert int(page.find_element("id", "node-count").text) == 5
    assert page.execute_script("return window.kgView.nodeCount()") == 5
    assert page.execute_script("return window.kgView.network.body.nodeIndices.length") == 5


def test_clicking_an_entity_shows_aliases_and_papers(page) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = page.find_element("css selector", "#graph canvas")
    page.execute_script("window.kgView.network.moveTo({position: {x: 0, y: 0}, scale: 1})")
    x, y = page.execute_script("""
        var net = window.kgView.network, p = net.canvasToDOM(net.getPosition("dataset/imagenet"));
        return [p.x, p.y];""")
    rect = canvas.rect
    ActionChains(page).move_to_element_with_offset(canvas, x - rect["width"] / 2, y - rect["height"] / 2).click().perform()
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
    dimmed = page.execute_script(
        "return window.kgView.nodes.get().filter(n => n.opacity < 1).map(n => n.id).sort()")
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
    url = page.current_url
    events = [json.loads(entry["message"])["message"] for entry in page.get_log("performance")]
    # every request the page made (a CSP-blocked one is logged too), not the browser's own background ones
    requested = {e["params"]["requestId"]: e["params"]["request"]["url"] for e in events
                 if e["method"] == "Network.requestWillBeSent" and url in (e["params"].get("documentURL"),
                                                                          e["params"]["request"]["url"])}
    assert url in requested.values(), "the performance log did not record the page"
    remote = [u for u in requested.values() if not u.startswith(LOCAL_SCHEMES)]
    failed = [e["params"] for e in events if e["method"] == "Network.loadingFailed" and e["params"]["requestId"] in requested]
    assert remote == [] and failed == []
    errors = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
