"""kg_type_votes: a name's type is what the paper says, then what the vocabulary knows, then the NER's."""

from __future__ import annotations

from kg.extract.versions import base_name, vocabulary_types
from kg.records import EntityType, Paper


def _types(extractor, title: str, abstract: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for m in extractor.extract_one(Paper("t", None, title, abstract)).mentions:
        found.setdefault(m.text, set()).add(m.type.value)
    return found


def test_a_name_the_vocabulary_knows_as_one_type_takes_that_type(extractor):
    # the long form reads like a task to the NER; the vocabulary knows RAG as a method only
    types = _types(
        extractor, "Better retrieval", "Retrieval-augmented generation (RAG) helps. We improve RAG with a reranker."
    )
    assert types["RAG"] == {"method"}


def test_a_task_acronym_before_a_dataset_noun_is_the_task(extractor):
    types = _types(extractor, "Reading charts", "We evaluate on three QA datasets and report accuracy.")
    assert types.get("QA") == {"task"}


def test_a_name_introduced_as_a_dataset_stays_a_dataset_whatever_the_vocabulary(extractor):
    types = _types(
        extractor, "A new benchmark", "We collect a new dataset, named FooBench-2, and release the FooBench-2 dataset."
    )
    assert types["FooBench-2"] == {"dataset"}


def test_what_a_paper_proposes_is_a_method_and_its_acronym_goes_with_it(extractor):
    # the long form ends in "Search", a word tasks end in; "we propose" says it is the paper's method
    abstract = "We propose Pivot-Guided Search (PGS), which prunes the search tree. PGS is fast."
    types = _types(extractor, "Faster cliques", abstract)
    assert types["Pivot-Guided Search"] == {"method"}
    assert types["PGS"] == {"method"}


def test_a_name_described_right_after_it_takes_that_type(extractor):
    # "X, a ... dataset": the phrase after the name says what it is, whatever its letters look like
    abstract = "In addition, we introduce MP3DObject, a real-scan object dataset for evaluation. MP3DObject is hard."
    types = _types(extractor, "Shifting features", abstract)
    assert types["MP3DObject"] == {"dataset"}


def test_a_name_experiments_are_run_on_is_a_dataset_unless_known_as_a_method(extractor):
    abstract = "Our agent gives 5.4% gains on IR2R over the best baseline. We report results on GPT-4o as well."
    types = _types(extractor, "Remembering routes", abstract)
    assert types.get("IR2R") == {"dataset"}
    assert types.get("GPT-4o") == {"method"}


def test_a_proposed_task_keeps_its_type(extractor):
    types = _types(
        extractor, "A new problem", "We propose a new task, Video Anomaly Retrieval (VAR), with a benchmark."
    )
    assert types.get("Video Anomaly Retrieval") == {"task"}


def test_a_version_of_a_known_model_is_a_method():
    assert base_name("Llama-3.2-1B") == "Llama"
    assert base_name("Qwen2.5-VL-7B-Instruct") != ""
    assert set(vocabulary_types("LLaVA-1.5-7B")) == {"METHOD"}
    assert vocabulary_types("LLaVA-1.5-7B")["METHOD"] == ""  # a version is its own entity: no vocabulary id


def test_the_bundled_listing_task_acronym_is_not_a_dataset(bundled_build):
    result, _ = bundled_build
    # "a comprehensive study on the facial sketch synthesis (FSS) problem ... FSS algorithms"
    fss = {e.type for e in result.entities if "FSS" in e.label or "FSS" in dict(e.aliases)}
    assert EntityType.DATASET not in fss
    assert any(e.label.lower() == "facial sketch synthesis" and e.type is EntityType.TASK for e in result.entities)


def test_a_vocabulary_name_never_widens_what_the_text_names(bundled_build):
    result, _ = bundled_build
    # "ranked 1st in KITTI pedestrian BEV and 3D leaderboards": the text names KITTI, not "KITTI Pedestrian"
    kitti = {link.entity_id for link in result.links for m in link.mentions if m.text.startswith("KITTI")}
    assert kitti == {"dataset/kitti"}


def test_a_coined_benchmark_name_is_a_dataset():
    import re

    import spacy

    from kg.extract.types import TypeVotes

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("Even GPT-4o fails on Ego-MC-Bench, which probes memory, and on HallusionBench.")
    doc.spans["kg"] = [
        doc.char_span(m.start(), m.end(), "METHOD")
        for m in re.finditer(r"GPT-4o|Ego-MC-Bench|HallusionBench", doc.text)
    ]
    doc = TypeVotes(lambda text: {})(doc)  # nothing from the vocabulary: the name alone decides
    assert {s.text: s.label_ for s in doc.spans["kg"]} == {
        "GPT-4o": "METHOD",
        "Ego-MC-Bench": "DATASET",
        "HallusionBench": "DATASET",
    }


def test_a_name_ending_in_a_known_name_takes_its_type(extractor):
    # "Generation" reads like a task's head; the name is a kind of retrieval-augmented generation, a method
    title = "FastGraph: Structured Memory for Cross-Task Retrieval-Augmented Generation"
    types = _types(extractor, title, "Retrieval-augmented generation (RAG) helps agents. We speed it up.")
    assert types["Cross-Task Retrieval-Augmented Generation"] == {"method"}


def test_a_name_and_its_lower_case_form_are_one_type(extractor):
    # the title's capitals make "Video World Models" a name whose head says method; the abstract's
    # lower-case "video world models" is the same name, whatever the NER guessed for it
    title = "StressTest: Steering Video World Models for Robust Policy Evaluation"
    abstract = "We steer video world models to stress robot policies before deployment on real hardware."
    types = _types(extractor, title, abstract)
    assert types["Video World Models"] == {"method"}
    assert types.get("video world models", {"method"}) == {"method"}


def test_a_task_ending_in_a_method_head_word_is_a_method(extractor):
    # no task ends in "tracker": whatever the NER guessed, the phrase names a method
    types = _types(extractor, "Reading scene text", "We build a video text tracker. The video text tracker is fast.")
    assert "task" not in types.get("video text tracker", {"method"})


def test_a_name_ending_in_an_agent_noun_is_a_method(extractor):
    # "Deconfounder" does the work: the paper proposes a method, whatever "Referring Expression" reads like
    abstract = "Referring Expression Deconfounder (RED) removes the language bias. RED helps visual grounding."
    types = _types(extractor, "Deconfounded grounding", abstract)
    assert types["Referring Expression Deconfounder"] == {"method"} and types["RED"] == {"method"}


def test_a_capitalised_name_the_paper_coins_with_an_acronym_is_a_method(extractor):
    # the long form ends in "Generation", a task's head word; the paper introduces it under a name
    abstract = (
        "Layout synthesis is hard. We introduce Structural Layout Generation (SLG), which places parts first. "
        "SLG beats strong baselines. We also study the Document Layout Analysis (DLA) task."
    )
    types = _types(extractor, "Parts first", abstract)
    assert types["Structural Layout Generation"] == {"method"} and types["SLG"] == {"method"}
    assert "method" not in types.get("Document Layout Analysis", {"task"})


def test_a_name_described_after_its_acronym_takes_that_type(extractor):
    # "X (XY), a ... paradigm": the description follows the acronym, and "via" joins the coined name's words
    abstract = (
        "We introduce Sparse Agreement via Token Voting (SATV), a decentralised decoding paradigm for "
        "ensembles of language models. SATV lowers the cost of agreement."
    )
    types = _types(extractor, "Agreeing cheaply", abstract)
    assert types["Sparse Agreement via Token Voting"] == {"method"}
    assert types["SATV"] == {"method"}


def test_a_coined_name_ending_in_a_known_task_is_the_method_the_text_says_it_is(extractor):
    # the name ends in "Domain Generalization", a task; the abstract says the paper proposes it, a framework
    title = "Shape-Guided Domain Generalization for Point Clouds"
    abstract = (
        "We propose Shape-Guided Domain Generalization (SGDG), a state-space in-context learning framework "
        "for point clouds. SGDG outperforms prior work on three benchmarks."
    )
    types = _types(extractor, title, abstract)
    assert types["Shape-Guided Domain Generalization"] == {"method"}
    assert types["SGDG"] == {"method"}


def test_a_task_acronym_before_a_dataset_noun_stays_the_task_its_long_form_names(extractor):
    # "CMF datasets" are data for the task CMF stands for, not a dataset named CMF
    abstract = (
        "We study the cloud mask forecasting (CMF) problem. Existing CMF datasets are small, so we "
        "introduce a dataset for CMF, named SkyMask-9, and compare 40 CMF methods on it."
    )
    types = _types(extractor, "Forecasting clouds", abstract)
    assert types["CMF"] == {"task"}
    assert types["cloud mask forecasting"] == {"task"}


def test_a_benchmark_whose_long_form_reads_like_a_task_stays_a_dataset(extractor):
    # "the GLUE benchmark" names one benchmark, though "... Language Understanding Evaluation" reads like a task
    abstract = (
        "We evaluate TinyNet on the General Language Understanding Evaluation (GLUE) benchmark. TinyNet "
        "matches its teacher on the GLUE benchmark while being 7x smaller, and beats BERT on all GLUE tasks."
    )
    types = _types(extractor, "Small students", abstract)
    assert types["GLUE"] == {"dataset"}


def test_an_example_of_methods_is_a_method_wherever_the_paper_names_it(extractor):
    # the bundled listing's "Revisiting Experience Replay": the NER reads the title's name as a task
    title = "Revisiting Experience Replay: Continual Learning by Adaptively Tuning Task-wise Relationship"
    abstract = (
        "Till now, rehearsal-based methods, such as experience replay, have achieved state-of-the-art "
        "performance. GLUE tasks such as MNLI and QNLI are harder."
    )
    types = _types(extractor, title, abstract)
    assert types["experience replay"] == {"method"}
    assert types["Experience Replay"] == {"method"}
    assert types["MNLI"] == {"dataset"}  # a benchmark's tasks are its datasets


def test_a_name_ending_in_benchmark_or_bench_and_a_short_part_is_a_dataset(extractor):
    import spacy

    from kg.extract.types import votes_of

    abstract = "We release the FooAT Benchmark for fast adversarial training. BarNet tops FooAT Benchmark."
    assert _types(extractor, "Fast adversarial training, measured", abstract)["FooAT Benchmark"] == {"dataset"}
    doc = spacy.blank("en")("Agents are scored on TxBench-QQ and SWE-Bench-CL, unlike BenchNet.")
    name = {t: doc.char_span(doc.text.index(t), doc.text.index(t) + len(t)) for t in ("TxBench-QQ", "SWE-Bench-CL")}
    assert votes_of(doc, name["TxBench-QQ"]) == ["DATASET"] and votes_of(doc, name["SWE-Bench-CL"]) == ["DATASET"]
    assert votes_of(doc, doc[-2:-1]) == []  # "BenchNet": a network


def test_what_a_name_is_called_right_after_it_or_before_it_types_it(extractor):
    item = extractor.extract_one(
        Paper(
            "2601.00001",
            None,
            "A study",
            "We further release Quorra-4K, the first paired 4K video dehazing benchmark. "
            "We also build a large multimodal dataset Zentrix-AD rich in defect captions.",
        )
    )
    types = {m.text: m.type.value for m in item.mentions}
    assert types.get("Quorra-4K") == "dataset" and types.get("Zentrix-AD") == "dataset"
