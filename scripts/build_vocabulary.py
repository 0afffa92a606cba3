#!/usr/bin/env python
"""Build ``ontologies/vocabulary/{datasets,methods,tasks}.jsonl`` from the shared name lists.

Usage (from the repository root)::

    python scripts/build_vocabulary.py [VOCAB_DIR | --shared DIR] [--corpus CORPUS] [--out OUT_DIR]

``VOCAB_DIR`` (default ``vocab/`` in the shared data folder: ``shared/`` beside the repository, or
``--shared DIR``) holds the Papers-with-Code and OpenMMLab/timm lists.
``CORPUS`` (default ``VOCAB_DIR/../corpus/arxiv-2025-2026.jsonl.gz``) is only read to count how often
each word appears in lowercase in arXiv titles and abstracts: that tells common English/technical words
("Places", "Flowers", "Dropout") from names, for the case-sensitivity flag and the generic-word filter.
``OUT_DIR`` (default ``ontologies/vocabulary`` next to this script's parent) also holds the hand-written
``curated.jsonl``, which this script reads but never writes: a generated group that shares a name with a
curated term is written under the curated id and label, so that the curated row replaces it at load time.

The output is deterministic for the same inputs. The cleaning rules are listed in
``ontologies/vocabulary/README.md``; the script prints what each rule removed.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # the shared data, a sibling of the repository
sys.path.insert(0, str(ROOT))

from spacy.lang.en.stop_words import STOP_WORDS  # noqa: E402

from kg.slug import entity_id  # noqa: E402
from kg.vocabulary import CURATED_FILE, _singular, read_terms, surface_key  # noqa: E402

DATASET, METHOD, TASK = "dataset", "method", "task"

#: a lowercase word seen this often in the corpus is a common word (not a name)
COMMON = 5
#: ... and this often, a generic one: a single-word name made of it is dropped
GENERIC = 300

#: single words that are never a name on their own, whatever the corpus says
GENERIC_WORDS = set(
    """
all average baseline base benchmark benchmarks corpus custom data dataset datasets default dev eval
full general image images large medium mixed misc miscellaneous model models mean network networks
none other others overall real set simple single small standard synthetic test text total train
training unknown val validation video videos audio speech accuracy method methods task tasks tiny
original various multiple object objects scene scenes detection segmentation classification
recognition retrieval prediction reconstruction translation regression clustering generation
estimation tracking learning question questions answer answers sentence sentences document documents
graph graphs dialogue dialog language languages english chinese code math science physics chemistry
biology medicine medical clinical health news web wikipedia books book reviews review movies music
faces face people person human humans animals animal cars car birds bird food shapes
""".split()
)

#: data split words stripped from the end of dataset names ("COCO test-dev" -> "COCO")
SPLIT_WORDS = set(
    """
test val valid validation dev train training test-dev test-std test-standard test-challenge testfinal
testa testb minival trainval eval holdout unseen seen split subset full
""".split()
)

#: platforms and companies: as a one-word dataset name they would tag every mention of the platform
PLATFORMS = set(
    """
google reddit amazon twitter facebook instagram youtube flickr github wikipedia weibo tiktok linkedin
bing baidu apple microsoft openai nvidia meta douban stackoverflow tumblr pinterest
""".split()
)

#: last words that make a name of common words a description rather than a dataset name
DATA_NOUNS = set(
    """
data dataset set corpus benchmark bench collection challenge image images video videos graph graphs
sample samples record records text texts database
""".split()
)

#: single words accepted as task names (a multiword task needs a task-like last word instead)
SINGLE_WORD_TASKS = set(
    """
colorization deblurring demosaicking demosaicing dehazing deraining desnowing inpainting
outpainting matting lipreading pansharpening retrosynthesis summarization transliteration
lemmatization uncropping imputation binarization diarization reranking re-ranking super-resolution
meta-learning text-to-sql speech-to-text learning-to-rank de-identification geo-localization
steganalysis decipherment derendering
""".split()
)

#: last words that make a multiword name a task ("... Detection", "... Search"); also any word
#: ending in one of TASK_HEAD_SUFFIXES ("-tion", "-ing", ...)
TASK_HEAD_WORDS = set(
    """
search transfer regression discovery inference removal retrieval odometry slam qa vqa asr ner nli
mrc nmt ocr tts reid re-id similarity robustness attack attacks defense forensics steganography
diagnosis prognosis recovery control design synthesis analysis correspondence constancy proposal
repair capture rephrase embeddings
""".split()
)
TASK_HEAD_SUFFIXES = ("tion", "sion", "ing", "ment", "sis")

#: multiword task names too generic to match in abstracts
GENERIC_TASKS = set(
    """
deep learning|machine learning|general classification|decision making|problem solving|data mining|
computer vision|natural language processing|image processing|signal processing|model selection|
feature extraction|feature selection|data analysis|data processing|knowledge graphs|data integration|
data visualization|data collection|data annotation|data labeling|data augmentation|image analysis|
video analysis|text analysis|decision support|multi-task learning|transfer learning|supervised learning|
self-supervised learning|unsupervised learning|semi-supervised learning|online learning|
active learning|representation learning|ensemble learning|federated learning|continual learning|
metric learning|contrastive learning|reinforcement learning|deep reinforcement learning|
few-shot learning|zero-shot learning|one-shot learning|meta learning|curriculum learning|
imitation learning|incremental learning|multimodal learning|multi-modal learning|
low-latency processing|long-range modeling|point of interests|knowledge distillation|
neural architecture search|remote sensing|privacy preserving|privacy-preserving|image caption|
earth observation|in-context learning|prompt learning|prompt engineering|visual prompting|
parameter-efficient fine-tuning|multiple instance learning|graph attention|variational inference|
dictionary learning|weakly supervised learning|weakly-supervised learning|multimodal deep learning|
model optimization|global optimization|edge computing|binary classification|multi-class classification|
""".replace("\n", "").split("|")
) - {""}
# The learning paradigms above are kept as curated *methods* where useful, not as tasks, so that the
# ruler does not tag every "self-supervised learning" as a task.

#: multiword method names that name a generic component, not a method
GENERIC_METHODS = set(
    """
simple head|classic head|decoupled head|generic roi extractor|spatial attention|channel self-attention|
design space design|cross stage partia stage|tokens to token|class attention|local patch interaction|
dense connections|attention pooling|diffusers pipeline|controlnet animation|control net|
empirical attention|positional encoding in gans|instance-aware image colorization|1x1 convolution|
pyramid convolution|large-kernel convolution|global response normalization|sub layer normalization|
linear warmup with cosine annealing|polynomial learning rate decay|sgd with nesterov|sgd with momentum|
affine|debias|reversible|softmax|naive|linear|mask|audio|pooling|convolution|
""".replace("\n", "").split("|")
) - {""}

#: implementation-specific prefixes of timm collection names ("Gloun ResNet", "TF EfficientNet")
METHOD_IMPL_PREFIX = re.compile(r"^(Gloun|Gluon|Legacy|TF|SSL|SWSL|IG|Ensemble)\s")
#: backbone/config codes of OpenMMLab ("R-50-D8", "HRNetV2p-W18", "MIT-B0")
METHOD_CONFIG = re.compile(r"-D\d+\b|-W\d+\b|-MG\d+|@|^[A-Z]{1,2}-V?\d|^MIT-B\d|^[A-Z]-\d+")
#: code identifiers such as "Anchor3DHead", "NRTRDecoder"
METHOD_CODE_NAME = re.compile(r"^\S+[a-z0-9A-Z](Head|Decoder|Encoder|Fuser|Model|Module|Stage)$")
METHOD_PARTS = re.compile(r"\b(Inception|Reduction)\b.*-[A-C]$")

STOP_CONNECTORS = {
    DATASET: (" for ", " on ", " with ", " using ", " from ", " et al", " vs ", " versus ", " + ", " - "),
    METHOD: (" for ", " on ", " with ", " using ", " via ", " vs ", " + "),
    TASK: (
        " for ",
        " on ",
        " with ",
        " using ",
        " via ",
        " within ",
        " without ",
        " under ",
        " by ",
        " vs ",
        " versus ",
        " beyond ",
    ),
}
MAX_WORDS = {DATASET: 6, METHOD: 6, TASK: 8}
ALLOWED_CHARS = {
    DATASET: re.compile(r"[A-Za-z0-9][A-Za-z0-9 .+'&/-]*"),
    METHOD: re.compile(r"[A-Za-z0-9][A-Za-z0-9 .+'/-]*"),
    TASK: re.compile(r"[A-Za-z0-9][A-Za-z0-9 '-]*"),
}
SIZE = r"\d+(?:\s?[xX×]\s?\d+)"
DATASET_STRIP = [
    re.compile(rf"(?:\s+|(?<=[A-Za-z])){SIZE}$"),  # "FFHQ 256x256", "ImageNet64x64"
    re.compile(r"\s+(?:Data\s?Set|Dataset)$", re.I),  # "Hyper-Kvasir Dataset"
]
DATASET_VERSION_SUFFIX = re.compile(
    r"^(?P<base>.*?[A-Za-z][A-Za-z0-9.+]*?)(?:[- ]+(?P<tail>[vV]?\d+(?:\.\d+)*[kKmMbB]?|\d{4}|LT|HQ|[A-Z])"
    r"|(?P<digits>[vV]?\d+(?:\.\d+)*[kKmMbB]?))$"
)
METHOD_VERSION_SUFFIX = re.compile(
    r"^(?P<base>.*?[A-Za-z].*?)(?:[- ]?(?:[vV]\d+(?:\.\d+)?|\d+|\+\+?)|[- ](?:[TSMBLHG]|XL|XXL|Tiny|Small|Base|"
    r"Large|Huge|Giant|Lite)|[- ](?:[TSMBLHG]|XL|Tiny|Small|Base|Large|Huge)/\d+|[- ][TSBLH]_?\d+)$"
)
ACRONYM_SIDE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")
PAREN = re.compile(r"^(?P<out>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*(?P<rest>.*)$")
LANG_PAIR = re.compile(r"^[a-z]{2,3}([- _][a-z]{2,3})+$")


@dataclass
class Clean:
    """One cleaned name: the label, extra names, where it came from, and how popular it is."""

    type: str
    label: str
    alts: list[str]
    source: str
    count: int


@dataclass
class Group:
    """Names of one type that normalise to the same keys, merged into one term."""

    type: str
    names: collections.Counter = field(default_factory=collections.Counter)  # primary surface -> count
    alts: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # source -> count
    sources: set[str] = field(default_factory=set)
    curated_id: str = ""
    curated_label: str = ""


class Report:
    """Counts and examples of what each rule removed."""

    def __init__(self) -> None:
        self.rejects: dict[tuple[str, str], list[str]] = collections.defaultdict(list)

    def reject(self, type_: str, why: str, name: str) -> None:
        self.rejects[(type_, why)].append(name)

    def print(self) -> None:
        for (type_, why), names in sorted(self.rejects.items()):
            uniq = sorted(set(names))
            print(f"  {type_:8s} {why:28s} {len(uniq):5d}  e.g. {'; '.join(uniq[:6])}")


# --------------------------------------------------------------------------- corpus statistics


def word_counts(corpus: Path) -> collections.Counter:
    """How often each all-lowercase word appears in the corpus titles and abstracts (tokens), and in
    how many papers each all-caps word (an acronym, "HAR", "E2E") appears."""
    word = re.compile(r"[A-Za-z][A-Za-z0-9'-]*")
    counts: collections.Counter = collections.Counter()
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            found = word.findall(f"{row.get('title', '')} {row.get('abstract', '')}")
            counts.update(w for w in found if w.islower())
            counts.update({w for w in found if w.isupper()})
    return counts


class Words:
    """Questions about words, answered from the corpus counts."""

    def __init__(self, counts: collections.Counter) -> None:
        self.counts = counts

    def freq(self, word: str) -> int:
        low = word.lower()
        return max(self.counts.get(low, 0), self.counts.get(_singular(low), 0))

    def generic(self, word: str) -> bool:
        """A very frequent word, or a dimension such as "3D"."""
        return bool(re.fullmatch(r"\d+D", word)) or self.freq(word) >= GENERIC

    def alpha_words(self, label: str) -> list[str]:
        return [w for w in re.split(r"[\s/-]+", label) if w]

    def all_common(self, label: str) -> bool:
        """Every word of the name is a common lowercase word or a dimension ("3D"), whatever its case."""
        words = self.alpha_words(label)
        return bool(words) and all((w.isalpha() and self.freq(w) >= COMMON) or re.fullmatch(r"\d+D", w) for w in words)

    def generic_single(self, label: str) -> bool:
        """A one-word name that is a stop word or a generic word. An all-caps or mixed-case word
        ("MATH", "DetectoRS") is a name unless it is a stop word or in GENERIC_WORDS."""
        words = self.alpha_words(label)
        if len(words) != 1 or not words[0].isalpha():
            return False
        word = words[0]
        low = word.lower()
        if low in STOP_WORDS:
            return True
        plain = word.islower() or (word[0].isupper() and word[1:].islower())
        if low in GENERIC_WORDS:
            return plain
        return plain and self.freq(low) >= GENERIC


# --------------------------------------------------------------------------- reading the sources


def read_tsv(path: Path) -> list[tuple[str, int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        return [(row[0], int(row[1]) if len(row) > 1 and row[1].isdigit() else 0) for row in reader if row]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def raw_names(vocab: Path) -> tuple[list[tuple[str, str, str, int]], list[tuple[str, str]]]:
    """``(type, name, source, count)`` for every name in the sources, and raw task (child, parent) pairs."""
    raw: list[tuple[str, str, str, int]] = []
    for name, n in read_tsv(vocab / "pwc-datasets.tsv"):
        raw.append((DATASET, name, "pwc", n))
    for name, n in read_tsv(vocab / "openmmlab-datasets.tsv"):
        raw.append((DATASET, name, "openmmlab", n))
    for name, n in read_tsv(vocab / "openmmlab-tasks.tsv"):
        raw.append((TASK, name, "openmmlab", n))
    for name, n in read_tsv(vocab / "openmmlab-methods.tsv"):
        raw.append((METHOD, name, "openmmlab", n))

    for line in (vocab / "pwc-tasks.txt").read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1].replace('""', '"')
        raw.append((TASK, name, "pwc", 0))

    tables = vocab / "pwc-task-tables"
    pairs: list[tuple[str, str]] = []
    for path in sorted(tables.glob("*__*_tasks*.csv")) + [tables / "all_tasks_detailed.csv"]:
        for row in read_csv(path):
            count = row.get("Dataset Count", "")
            raw.append((TASK, row["Task Name"], "pwc", int(count) if count.isdigit() else 0))
            for child in (row.get("Subtasks") or "").split(";"):
                if child.strip():
                    pairs.append((child.strip(), row["Task Name"]))
    for path in sorted(tables.glob("hierarchical__*.csv")):
        for row in read_csv(path):
            count = row.get("Dataset Count", "")
            raw.append((TASK, row["Task Name"], "pwc", int(count) if count.isdigit() else 0))
            if row.get("Parent Task"):
                pairs.append((row["Task Name"], row["Parent Task"]))
    for row in read_csv(tables / "task_hierarchy.csv"):
        for child in row["Child Tasks"].split(";"):
            child = child.strip().rstrip(".").strip()
            if child:
                pairs.append((child, row["Parent Task"]))

    papers = read_jsonl(vocab / "openmmlab-papers.jsonl")
    collections_seen = collections.Counter(p["collection"] for p in papers)
    for name, n in sorted(collections_seen.items()):
        raw.append((METHOD, name, "openmmlab", n))
    for paper in papers:
        for name in paper.get("architecture", []):
            raw.append((METHOD, name, "openmmlab", 0))
        for name in paper.get("tasks", []):
            raw.append((TASK, name, "openmmlab", 0))
        for name in paper.get("training_data", []) + paper.get("eval_datasets", []):
            raw.append((DATASET, name, "openmmlab", 0))

    timm = read_jsonl(vocab / "timm-pwc-models.jsonl")
    counts: collections.Counter = collections.Counter()
    for record in timm:
        counts[(METHOD, record["collection"])] += 1
        for name in record.get("architecture", []) + record.get("training_techniques", []):
            counts[(METHOD, name)] += 1
        for name in record.get("tasks", []):
            counts[(TASK, name)] += 1
        for name in set(record.get("training_data", []) + record.get("eval_datasets", [])):
            counts[(DATASET, name)] += 1
    for (type_, name), n in sorted(counts.items()):
        raw.append((type_, name, "timm", n))
    return raw, pairs


# --------------------------------------------------------------------------- cleaning one name


def is_acronym_of(short: str, long: str) -> bool:
    """``short`` abbreviates ``long``: its letters appear in order, the first at a word start."""
    letters = [c.lower() for c in short if c.isalnum()]
    words = re.split(r"[\s/-]+", long.strip())
    if not letters or len(words) < 2 or len(letters) > len(long):
        return False
    if words[0][:1].lower() != letters[0]:
        return False
    text = long.lower()
    pos = 0
    for char in letters:
        pos = text.find(char, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def split_parenthesis(name: str) -> tuple[str, list[str]] | str:
    """``"Named Entity Recognition (NER)"`` -> ``("Named Entity Recognition", ["NER"])``; a reason string
    when the parenthesis is not an abbreviation or expansion of the rest (a variant or split)."""
    match = PAREN.match(name)
    if not match:
        return name, []
    out, inner, rest = match["out"].strip(), match["inner"].strip(), match["rest"].strip()
    if rest or not out:
        return "parenthesis"
    if inner.lower() in SPLIT_WORDS:
        return out, []
    if " " not in inner and is_acronym_of(inner, out):
        return out, [inner]
    if " " not in out and is_acronym_of(out, inner):
        return out, [inner]
    return "parenthesis"


def clean_name(type_: str, name: str, words: Words, report: Report) -> tuple[str, list[str]] | None:
    """The cleaned label and extra names of one raw name, or ``None`` (and a report line)."""
    text = " ".join(name.replace("\u00a0", " ").split())
    if not text or text.upper() in {"N/A", "NA", "-", "NONE"}:
        report.reject(type_, "empty or N/A", text or "''")
        return None
    if not text.isascii():
        report.reject(type_, "non-ASCII", text)
        return None
    parsed = split_parenthesis(text)
    if isinstance(parsed, str):
        report.reject(type_, "parenthesised variant", text)
        return None
    label, alts = parsed

    if type_ == DATASET:
        for pattern in DATASET_STRIP:
            label = pattern.sub("", label)
        tokens = label.split()
        while len(tokens) > 1 and tokens[-1].lower() in SPLIT_WORDS:
            tokens.pop()
        label = " ".join(tokens)
        label = re.sub(r"[-_ ](?:test|val|dev|train)$", "", label, flags=re.I)
        if label.lower() in SPLIT_WORDS:
            report.reject(type_, "split name", text)
            return None
    if (
        type_ == TASK
        and label.islower()
        and " " not in label
        and label.count("-") >= 1
        and label not in SINGLE_WORD_TASKS
    ):
        parts = label.split("-")
        if all(p.isalpha() and len(p) > 2 for p in parts):
            label = " ".join(parts)  # "object-detection" -> "object detection"

    if not re.search(r"[A-Za-z].*[A-Za-z]", label):
        report.reject(type_, "number or code only", text)
        return None
    if not ALLOWED_CHARS[type_].fullmatch(label) or label.endswith(("-", "/", ".")) or "  " in label:
        report.reject(type_, "odd characters", text)
        return None
    if LANG_PAIR.match(label) and type_ != METHOD:
        report.reject(type_, "language pair", text)
        return None
    padded = f" {label.lower()} "
    if any(c in padded for c in STOP_CONNECTORS[type_]) or re.match(r"^(a|an)\s", label, re.I):
        report.reject(type_, "descriptive phrase", text)
        return None
    n_words = len(label.split())
    if n_words > MAX_WORDS[type_]:
        report.reject(type_, "too long", text)
        return None
    if n_words == 1 and words.generic_single(label) and not (type_ == TASK and label.lower() in SINGLE_WORD_TASKS):
        report.reject(type_, "generic word", text)
        return None

    if type_ == DATASET:
        if label.islower() and (words.all_common(label) or "/" in label or n_words > 1 or label.count("-") > 1):
            report.reject(type_, "lowercase phrase", text)
            return None
        if re.search(r"[A-Za-z0-9]\+[A-Za-z0-9]+\+[A-Za-z0-9]", label):
            report.reject(type_, "combination of datasets", text)
            return None
        if label.lower() in PLATFORMS:
            report.reject(type_, "platform name", text)
            return None
        last = _singular(re.split(r"[\s-]+", label)[-1])
        content = [w for w in label.split() if w.lower() not in STOP_WORDS]
        lowercase_word = any(w.replace("-", "").isalpha() and w.islower() for w in content)
        if n_words > 1 and (
            lowercase_word
            or (
                words.all_common(label)
                and (last in DATA_NOUNS or last in TASK_HEAD_WORDS or last.endswith(TASK_HEAD_SUFFIXES))
            )
        ):
            report.reject(type_, "descriptive phrase", text)
            return None
    elif type_ == METHOD:
        if (
            METHOD_IMPL_PREFIX.match(label)
            or METHOD_CONFIG.search(label)
            or METHOD_CODE_NAME.match(label)
            or METHOD_PARTS.search(label)
            or label.lower().startswith("rethinking")
        ):
            report.reject(type_, "implementation or config", text)
            return None
        if label.lower() in GENERIC_METHODS:
            report.reject(type_, "generic component", text)
            return None
        if label.islower() and "-" not in label and n_words == 1 and len(label) <= 5:
            report.reject(type_, "lowercase code", text)
            return None
    else:  # TASK
        if label.isupper() and " " in label:
            label = label.title()
        low = label.lower()
        if low in GENERIC_TASKS:
            report.reject(type_, "generic task", text)
            return None
        last = re.split(r"[\s-]+", low)[-1]
        is_single = n_words == 1 and "-" not in label
        if is_single and low not in SINGLE_WORD_TASKS:
            report.reject(type_, "single word not a task", text)
            return None
        if low not in SINGLE_WORD_TASKS and last not in TASK_HEAD_WORDS and not last.endswith(TASK_HEAD_SUFFIXES):
            report.reject(type_, "not a task phrase", text)
            return None
        if re.search(r"\b(task|track|subtask|challenge)\s*\d", low) or re.search(r"\d+-\d+$", low):
            report.reject(type_, "benchmark setting", text)
            return None
    good_alts = [
        a
        for a in alts
        if ALLOWED_CHARS[DATASET].fullmatch(a)
        and len(a.split()) <= MAX_WORDS[type_]
        and re.search(r"[A-Za-z]", a)
        and not words.generic_single(a)
    ]
    return label, good_alts


# --------------------------------------------------------------------------- grouping


class Keys:
    """Union-find over normalisation keys of one type."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def choose_label(names: collections.Counter) -> str:
    """The most popular name; names with capitals before all-lowercase ones; then the shortest."""
    return min(names, key=lambda s: (s.islower(), -names[s], "-" not in s and any(c.isdigit() for c in s), len(s), s))


def content_words(label: str) -> frozenset[str]:
    stop = {"and", "of", "the", "in", "to", "a", "an"}
    return frozenset(_singular(w) for w in re.split(r"[\s-]+", label) if w and w.lower() not in stop)


def build(vocab: Path, corpus: Path, out: Path) -> dict[str, list[dict]]:
    words = Words(word_counts(corpus))
    report = Report()
    raw, raw_pairs = raw_names(vocab)
    curated_path = out / CURATED_FILE
    curated = read_terms(curated_path) if curated_path.exists() else []

    # 1. clean every raw name
    cleaned: list[Clean] = []
    cache: dict[tuple[str, str], tuple[str, list[str]] | None] = {}
    for type_, name, source, count in raw:
        if (type_, name) not in cache:
            cache[(type_, name)] = clean_name(type_, name, words, report)
        result = cache[(type_, name)]
        if result is not None:
            cleaned.append(Clean(type_, result[0], result[1], source, count))

    # 2. group by normalisation key (labels and alts), per type; curated names join their term
    groups: dict[str, dict[str, Group]] = {}
    curated_by_key: dict[tuple[str, str], object] = {}
    for term in curated:
        for surface in term.surfaces:
            curated_by_key.setdefault((term.type.value, surface_key(surface)), term)
    for type_ in (DATASET, METHOD, TASK):
        keys = Keys()
        mine = [c for c in cleaned if c.type == type_]
        for c in mine:
            first = surface_key(c.label)
            keys.find(first)
            for alt in c.alts:
                keys.union(first, surface_key(alt))
        by_root: dict[str, Group] = {}
        for c in mine:
            group = by_root.setdefault(keys.find(surface_key(c.label)), Group(type_))
            group.names[c.label] += max(c.count, 0) + 1  # +1: a name seen with no count still counts
            group.alts.extend(c.alts)
            group.sources.add(c.source)
        # per source the largest count of a name (tables repeat the same count); summed over names
        per_source_name: dict[tuple[str, str, str], int] = {}
        for c in mine:
            root = keys.find(surface_key(c.label))
            k = (root, c.source, c.label)
            per_source_name[k] = max(per_source_name.get(k, 0), c.count)
        for (root, source, _), count in per_source_name.items():
            by_root[root].counts[source] = by_root[root].counts.get(source, 0) + count
        # merge groups that name the same curated term; drop those that name a curated term of another type
        merged: dict[str, Group] = {}
        for root, group in sorted(by_root.items()):
            term = None
            keys_of_group = sorted({surface_key(s) for s in (*group.names, *group.alts)})
            for key in keys_of_group:
                term = curated_by_key.get((type_, key))
                if term is not None:
                    break
            if term is None:
                other = next(
                    (
                        curated_by_key[(t, k)]
                        for k in keys_of_group
                        for t in (DATASET, METHOD, TASK)
                        if t != type_ and (t, k) in curated_by_key
                    ),
                    None,
                )
                if other is not None:
                    report.reject(type_, f"curated as {other.type.value}", choose_label(group.names))
                    continue
                merged[root] = group
                continue
            target = merged.setdefault("curated:" + term.id, Group(type_, curated_id=term.id, curated_label=term.label))
            target.names.update(group.names)
            target.alts.extend(group.alts)
            target.sources |= group.sources
            for source, count in group.counts.items():
                target.counts[source] = target.counts.get(source, 0) + count
        groups[type_] = merged

    # 3. one row per group
    rows: dict[str, dict[str, dict]] = {}
    key_to_id: dict[tuple[str, str], str] = {}
    flags: dict[str, str] = {}
    for term in curated:
        for surface in term.surfaces:
            key_to_id.setdefault((term.type.value, surface_key(surface)), term.id)
    task_keys = {surface_key(s) for g in groups[TASK].values() for s in (*g.names, *g.alts)}
    for type_, by_root in groups.items():
        rows[type_] = {}
        for group in by_root.values():
            label = group.curated_label or choose_label(group.names)
            if type_ == DATASET and not group.curated_id and surface_key(label) in task_keys:
                report.reject(type_, "named like a task", label)
                continue
            term_id = group.curated_id or entity_id(type_, label)
            surfaces = sorted(group.names, key=lambda s: (-group.names[s], s)) + sorted(set(group.alts))
            case_sensitive, flag = case_flag(type_, label, words)
            sources = sorted(group.sources)
            n = sum(group.counts.values())
            if not group.curated_id:
                why = weak_name(type_, label, flag, n, words)
                if why:
                    report.reject(type_, why, f"{label} [{n}]")
                    continue
            alts: list[str] = []
            seen = {label if case_sensitive else label.lower()}
            label_key = surface_key(label)
            for surface in surfaces:
                mark = surface if case_sensitive else surface.lower()
                redundant = surface_key(surface) == label_key and (type_ == TASK or surface.islower())
                if mark in seen:
                    continue
                if not group.curated_id and re.fullmatch(r"[A-Z0-9]{1,4}", surface) and n < 10:
                    report.reject(type_, "acronym alt of a rare term", f"{surface} ({label})")
                    continue
                if mark not in seen and not (redundant and not case_sensitive):
                    seen.add(mark)
                    alts.append(surface)
            if term_id in rows[type_]:  # two groups with one slug: keep the more popular
                report.reject(type_, "slug clash", label)
                if rows[type_][term_id]["n"] >= n:
                    continue
            row = {
                "id": term_id,
                "type": type_,
                "label": label,
                "alt": alts,
                "broader": [],
                "source": "+".join(sources),
                "n": n,
            }
            if case_sensitive:
                row["case_sensitive"] = True
            rows[type_][term_id] = row
            flags[term_id] = flag
            for surface in [label, *alts]:
                key_to_id.setdefault((type_, surface_key(surface)), term_id)

    # 4. broader terms
    labels = {row["id"]: row["label"] for by_id in rows.values() for row in by_id.values()}
    labels.update({t.id: t.label for t in curated})
    pairs: set[tuple[str, str]] = set()
    for child, parent in raw_pairs:
        c = cache.get((TASK, child)) or clean_name(TASK, child, words, Report())
        p = cache.get((TASK, parent)) or clean_name(TASK, parent, words, Report())
        if c and p:
            cid, pid = key_to_id.get((TASK, surface_key(c[0]))), key_to_id.get((TASK, surface_key(p[0])))
            if cid and pid and cid != pid:
                pairs.add((cid, pid))
    hierarchy: dict[str, set[str]] = collections.defaultdict(set)
    for cid, pid in pairs:
        if content_words(labels[pid]) < content_words(labels[cid]):
            hierarchy[cid].add(pid)
        else:
            report.reject(TASK, "hierarchy link dropped", f"{labels[cid]} < {labels[pid]}")
    for row in rows[TASK].values():
        parents = set(hierarchy.get(row["id"], set()))
        parts = re.split(r"[\s-]+", row["label"])
        for start in range(1, len(parts) - 1 + 1):
            pid = key_to_id.get((TASK, surface_key(" ".join(parts[start:]))))
            if pid and pid != row["id"] and len(parts) - start >= 2:
                parents.add(pid)
                break
        parents = {
            p
            for p in parents
            if not any(q != p and content_words(labels[p]) < content_words(labels[q]) for q in parents)
        }
        row["broader"] = sorted(parents)
    for type_, pattern in ((DATASET, DATASET_VERSION_SUFFIX), (METHOD, METHOD_VERSION_SUFFIX)):
        for row in rows[type_].values():
            bases = []
            match = pattern.match(row["label"])
            if match:
                bases.append(match["base"].rstrip(" -"))
            parts = re.split(r"(?<=[A-Za-z0-9])[ -](?=[A-Za-z0-9])", row["label"])
            if type_ == DATASET and len(parts) > 1 and len(parts[-1]) <= 10:
                bases.append(row["label"][: len(row["label"]) - len(parts[-1]) - 1])  # "COCO-Stuff" -> "COCO"
            for base in bases:
                pid = key_to_id.get((type_, surface_key(base)))
                if pid and pid != row["id"] and len(base) >= 3 and flags.get(pid) != "common words":
                    row["broader"] = [pid]
                    break

    print(f"read {len(raw)} raw names; curated terms: {len(curated)}")
    print("removed:")
    report.print()
    return {type_: sorted(by_id.values(), key=lambda r: r["id"]) for type_, by_id in rows.items()}


def weak_name(type_: str, label: str, flag: str, n: int, words: Words) -> str:
    """Why a generated dataset or method name is too weakly attested to keep, or "".

    Names made of common words match ordinary words in titles (where every word is capitalised), and
    a dataset named by a common acronym ("SOTA", "CPU") matches that acronym everywhere."""
    if type_ == TASK:
        return ""
    papers = words.counts.get(label, 0) if label.isupper() else 0  # papers using it as an acronym
    if type_ == DATASET and re.fullmatch(r"(?=.*[A-Z])[A-Z0-9]{2,3}", label) and papers >= 10 and n < 10:
        return "ambiguous short acronym"
    if (
        type_ == DATASET
        and re.fullmatch(r"[A-Z]{4,}", label)
        and n < 5
        and (papers >= 10 or words.freq(label) >= COMMON)
    ):
        return "acronym in other use"
    plain = label.isalpha() and (label.islower() or label[1:].islower())
    if type_ == DATASET and plain and n < 3 and words.freq(label) >= 1:
        return "English word"
    if type_ == METHOD and re.fullmatch(r"[A-Z]{2,3}", label) and n < 5:
        return "short acronym, rare name"
    if flag != "common words":
        return ""
    parts = words.alpha_words(label)
    if plain and (type_ == DATASET or n < 5):
        return "common word"
    content = [w for w in parts if w.lower() not in STOP_WORDS]
    if len(parts) > 1 and (n < 3 or (n < 10 and all(words.generic(w) for w in content))):
        return "common words, rare name"
    return ""


def case_flag(type_: str, label: str, words: Words) -> tuple[bool, str]:
    """Whether a generated term only matches its exact case, and why."""
    if re.fullmatch(r"[A-Z]{2,3}", label):
        return True, "short acronym"
    if type_ == DATASET and label.isalpha() and label[0].isupper() and label[1:].islower():
        return True, "one capitalised word"
    if type_ == TASK or (type_ == METHOD and len(words.alpha_words(label)) > 1):
        return False, ""
    if words.all_common(label):
        return True, "common words"
    return False, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vocab", nargs="?", type=Path, help="folder of the shared name lists (default SHARED/vocab)")
    parser.add_argument(
        "--shared", type=Path, default=SHARED, help="the shared data folder (default: shared/ beside the repository)"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="arXiv jsonl.gz for word statistics (default VOCAB/../corpus/arxiv-2025-2026.jsonl.gz)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "ontologies" / "vocabulary")
    args = parser.parse_args(argv)
    args.vocab = args.vocab or args.shared / "vocab"
    corpus = args.corpus or args.vocab / ".." / "corpus" / "arxiv-2025-2026.jsonl.gz"
    for path in (args.vocab, corpus):
        if not path.exists():
            print(
                f"error: {path} not found: put the shared data in {SHARED} or pass --shared DIR "
                "(or VOCAB_DIR and --corpus FILE)",
                file=sys.stderr,
            )
            return 2
    tables = build(args.vocab, corpus, args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    for type_, rows in tables.items():
        path = args.out / f"{type_}s.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"wrote {path} ({len(rows)} terms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
