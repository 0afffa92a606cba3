"""The curated vocabulary of datasets, methods and tasks, and spaCy ruler patterns built from it.

The shipped vocabulary lives in ``ontologies/vocabulary/*.jsonl`` (one JSON object a line, see the
README there). ``curated.jsonl`` is written by hand and wins over generated rows with the same id.

The modules: ``keys`` (``surface_key``), ``terms`` (``Term``, reading the files), ``index`` (``Vocabulary``,
``shipped``) and ``patterns`` (the spaCy ruler patterns of every name and its spelling variants).

>>> vocab = Vocabulary.from_terms([
...     Term("dataset/cifar-10", EntityType.DATASET, "CIFAR-10", alt=("CIFAR10",), n=77),
...     Term("dataset/places", EntityType.DATASET, "Places", case_sensitive=True),
...     Term("task/object-detection", EntityType.TASK, "Object Detection"),
... ])
>>> len(vocab)
3
>>> vocab.lookup("cifar 10").id
'dataset/cifar-10'
>>> vocab.lookup("object-detection", EntityType.TASK).label
'Object Detection'
>>> vocab.lookup("places") is None, vocab.lookup("Places").id
(True, 'dataset/places')
>>> surface_key("Generative Adversarial Networks") == surface_key("generative-adversarial network")
True
"""

from __future__ import annotations

from kg.records import EntityType
from kg.vocabulary.index import Vocabulary, default_folder, shipped
from kg.vocabulary.keys import _singular, is_exact_surface, surface_key
from kg.vocabulary.patterns import RULER_LABELS, _plural, _string_variants
from kg.vocabulary.terms import CURATED_FILE, Term, _priority, read_terms

__all__ = [
    "EntityType",
    "CURATED_FILE",
    "RULER_LABELS",
    "Term",
    "Vocabulary",
    "_plural",
    "_priority",
    "_singular",
    "_string_variants",
    "default_folder",
    "is_exact_surface",
    "read_terms",
    "shipped",
    "surface_key",
]
