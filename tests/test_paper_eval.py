"""kg.paper_eval and `kg eval --paper-level` on the shipped development set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.paper_eval import GoldEntity, PaperGold, PredEntity, occurrences, read_paper_gold, score_papers

DEV = Path(__file__).resolve().parents[1] / "benchmarks" / "paper_level" / "dev.jsonl"


def test_every_annotated_surface_is_in_its_paper():
    papers = list(read_paper_gold(DEV))
    assert len(papers) >= 150
    for p in papers:
        for e in p.entities:
            assert e.type in ("dataset", "method", "task")
            assert all(occurrences(p, s) for s in e.surfaces), (p.id, e)


def test_relaxed_matching_takes_overlap_and_exact_takes_the_words():
    paper = PaperGold(
        "p",
        "Pedestrian detection",
        "We detect.",
        (GoldEntity("task", "pedestrian detection", ("Pedestrian detection",), "addresses"),),
    )
    shorter = {"p": [PredEntity("task", "task/detection", "addresses", (("title", 11, 20, "detection"),))]}
    s = score_papers([paper], shorter)
    assert s.types["task"].relaxed.f1 == 1.0 and s.types["task"].exact.f1 == 0.0


def test_one_prediction_matches_one_gold_entity():
    paper = PaperGold(
        "p", "A and B", "", (GoldEntity("method", "A", ("A",), "uses"), GoldEntity("method", "B", ("B",), "uses"))
    )
    both = {"p": [PredEntity("method", "method/a-and-b", "uses", (("title", 0, 7, "A and B"),))]}
    prf = score_papers([paper], both).types["method"].relaxed
    assert (prf.tp, prf.n_pred, prf.n_gold) == (1, 1, 2)


def test_a_bad_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "1", "title": "t", "abstract": "a", "entities": []}\n{"id": "2"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="gold.jsonl:2"):
        list(read_paper_gold(path))


@pytest.mark.slow
def test_kg_eval_paper_level_prints_the_table(tmp_path):
    papers = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()[:12]]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(p) + "\n" for p in papers), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kg", "eval", "--paper-level", "--gold", str(gold), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    scores = json.loads(done.stdout)
    assert set(scores["types"]) == {"dataset", "method", "task", "all"}
    assert scores["types"]["all"]["relaxed"]["n_gold"] == sum(len(p["entities"]) for p in papers)
