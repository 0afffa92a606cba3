"""Structural checks on relations between two entities of a sentence, beyond what the words between
them say: the pair classifier ranks *used-for* pairs barely above chance, so a method and a task (or a
dataset) are not taken as related merely for sharing a sentence.

A relation of a label in :data:`CHECKS` that the classifier alone supports (no cue pattern states it)
is dropped (:func:`passes`) when

* the sentence is crowded: :data:`CROWD` or more other pairs of the same types (a table row, a list of
  related work), where sharing the sentence says little;
* an argument of a type the label checks is a weak mention (kg's confidence below :data:`SURE`: a name
  the NER alone proposed that no vocabulary, abbreviation or repetition confirms);
* a clause boundary lies between the two arguments (";", ":", "whereas", "unlike", a full stop that is
  no decimal point): each clause has its own subject;
* for *evaluated-with*, the method is a description, not a name ("random initialisation");
* an argument is the abbreviation in parentheses right after its long form ("Global Convolutional
  Network ( GCN )"): SciER states a relation once, for the long form, itself a candidate.

Whatever states it, a method is not *evaluated-with* a dataset named as pre-training data
(:func:`pretraining`): "pre - trained on ImageNet", "we pretrain X on ImageNet".

>>> words = "we use CNNs for parsing ; HMMs are used elsewhere".split()
>>> boundary_between(words, (2, 3, "method"), (4, 5, "task")), boundary_between(words, (6, 7, "method"), (4, 5, "task"))
(False, True)
"""

from __future__ import annotations

Arg = tuple[int, int, str]

CROWD = 12  # other pairs of the same types in the sentence from which a classifier-only relation is not kept
SURE = 0.8  # the mention confidence a checked argument of a classifier-only relation needs
#: label -> the argument types that must be sure mentions (the labels checked at all)
CHECKS: dict[str, frozenset[str]] = {
    "used-for": frozenset({"task"}),
    "benchmark-for": frozenset({"dataset"}),
    "evaluated-with": frozenset(),
}
#: labels whose method argument must be a name
NAMED = frozenset({"evaluated-with"})
BOUNDARIES = frozenset("; : whereas while but unlike although though however instead besides meanwhile whilst".split())
#: words that, next to a dataset, name it as pre-training data
PRETRAINING = frozenset(
    "pre pretrain pretrained pretraining pre-trained pre-training initialisation initialization initialise "
    "initialize initialised initialized initialising initializing".split()
)


def boundary_between(words: list[str], head: Arg, tail: Arg) -> bool:
    """Whether a clause boundary word, or a full stop that is no decimal point ("3 4 . 4" in
    tokenised text), lies between the two arguments."""
    first, second = sorted((head, tail))
    for i in range(first[1], second[0]):
        w = words[i].lower()
        if w in BOUNDARIES or w == "." and not (words[i - 1][-1:].isdigit() and words[i + 1][:1].isdigit()):
            return True
    return False


def abbreviation_after(words: list[str], arg: Arg, spans: list[Arg]) -> bool:
    """Whether ``arg`` is a parenthesised name right after another span of its type ("X ( Y )").

    >>> words = "Global Convolutional Network ( GCN ) for segmentation".split()
    >>> abbreviation_after(words, (4, 5, "method"), [(0, 3, "method"), (4, 5, "method")])
    True
    """
    start = arg[0]
    if start < 2 or words[start - 1] != "(":
        return False
    return any(s[1] == start - 1 and s[2] == arg[2] for s in spans)


def named(words: list[str], arg: Arg) -> bool:
    """Whether a mention is a name (a capital letter or a digit in it, the sentence's first letter
    aside), not a description ("sparse methods", "random initialisation").

    >>> words = "Sparse methods and CNNs help".split()
    >>> named(words, (0, 2, "method")), named(words, (3, 4, "method"))
    (False, True)
    """
    text = " ".join(words[arg[0] : arg[1]])
    if arg[0] == 0:
        text = text[1:]
    return any(c.isupper() or c.isdigit() for c in text)


def pretraining(words: list[str], method: Arg, dataset: Arg, window: int = 3) -> bool:
    """Whether a word within ``window`` words of ``dataset``, or just before a ``method`` named close
    before it, names the dataset as pre-training data: the method is then trained with it, not
    evaluated with it.

    >>> words = "we pretrain ResNet on ImageNet and test it on COCO".split()
    >>> pretraining(words, (2, 3, "method"), (4, 5, "dataset")), pretraining(words, (2, 3, "method"), (10, 11, "dataset"))
    (True, False)
    """
    near = words[max(0, dataset[0] - window) : dataset[0]] + words[dataset[1] : dataset[1] + window]
    if method[1] <= dataset[0] and dataset[0] - method[1] <= window:
        near += words[max(0, method[0] - window) : method[0]]
    return any(w.lower() in PRETRAINING for w in near)


def passes(
    label: str,
    words: list[str],
    head: Arg,
    tail: Arg,
    spans: list[Arg],
    sure: dict[Arg, float] | None = None,
    rivals: int = 0,
) -> bool:
    """Whether a classifier-only relation of ``label`` between ``head`` and ``tail`` passes the checks
    (``spans``: the sentence's mentions; ``sure``: their confidences, a span without one, such as a
    reference to the title's method, counts as a sure name; ``rivals``: the other pairs of the same types).

    >>> words = "CNNs are popular ; object detection is hard".split()
    >>> passes("used-for", words, (0, 1, "method"), (4, 6, "task"), [(0, 1, "method"), (4, 6, "task")])
    False
    """
    checked = CHECKS.get(label)
    if checked is None:
        return True
    sure = sure or {}
    if rivals >= CROWD or boundary_between(words, head, tail):
        return False
    if any(arg[2] in checked and sure.get(arg, 1.0) < SURE for arg in (head, tail)):
        return False
    methods = [arg for arg in (head, tail) if arg[2] == "method"]
    if label in NAMED and not any(arg not in sure or named(words, arg) for arg in methods):
        return False
    return not any(abbreviation_after(words, arg, spans) for arg in (head, tail))
