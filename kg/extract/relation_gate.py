"""Structural checks a relation the pair classifier alone supports must pass (no cue pattern states it).

The classifier ranks *used-for* pairs barely above chance, so a method and a task of one sentence are
not taken as related merely for sharing it. A classifier-only candidate is dropped when

* an argument is a weak mention (kg's confidence below :data:`SURE`: a name the NER alone proposed and
  no vocabulary, abbreviation or repetition confirms);
* a clause boundary lies between the two arguments (";", ":", "whereas", "unlike", ...): each clause
  has its own subject;
* an argument is the abbreviation in parentheses right after its long form ("Global Convolutional
  Network ( GCN )"): SciER states the relation once, for the long form, and the pair with the long
  form is a candidate too.

Which labels and which arguments are checked is :data:`CHECKS`.

>>> words = "we use CNNs for parsing ; HMMs are used elsewhere".split()
>>> boundary_between(words, (2, 3, "method"), (4, 5, "task")), boundary_between(words, (6, 7, "method"), (4, 5, "task"))
(False, True)
"""

from __future__ import annotations

Arg = tuple[int, int, str]

CROWD = 12  # other pairs of the same types in the sentence (a table row, a list of related work)
SURE = 0.8  # the mention confidence an argument of a classifier-only relation needs
#: label -> the argument types that must be sure mentions
CHECKS: dict[str, frozenset[str]] = {
    "used-for": frozenset({"task"}),
    "benchmark-for": frozenset({"dataset"}),
    "evaluated-with": frozenset(),
}
#: words that, next to a dataset, name it as pre-training data ("pre - trained on ImageNet", "ImageNet initialisation")
PRETRAINING = frozenset(
    "pre pretrain pretrained pretraining pre-trained pre-training initialisation initialization initialise initialize "
    "initialised initialized initializing initialising".split()
)
BOUNDARIES = frozenset(
    ";  : whereas while but unlike although though however instead besides meanwhile whilst".split()
)


def boundary_between(words: list[str], head: Arg, tail: Arg) -> bool:
    """Whether a clause boundary word, or a full stop that is no decimal point, lies between the two
    arguments."""
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


def pretraining(words: list[str], method: Arg, dataset: Arg, window: int = 3) -> bool:
    """Whether a word within ``window`` words of ``dataset``, or just before a ``method`` named first,
    names the dataset as pre-training data ("pre - trained on ImageNet", "we pretrain X on ImageNet"):
    the method is then trained with it, not evaluated with it.

    >>> words = "we pretrain ResNet on ImageNet and test it on COCO".split()
    >>> pretraining(words, (2, 3, "method"), (4, 5, "dataset")), pretraining(words, (2, 3, "method"), (10, 11, "dataset"))
    (True, False)
    """
    near = words[max(0, dataset[0] - window) : dataset[0]] + words[dataset[1] : dataset[1] + window]
    if method[1] <= dataset[0] and dataset[0] - method[1] <= window:
        near += words[max(0, method[0] - window) : method[0]]
    return any(w.lower() in PRETRAINING for w in near)


NAMED = frozenset({"evaluated-with"})


def named(words: list[str], arg: Arg) -> bool:
    """Whether a mention is a name (a capital letter or a digit in it, the sentence's first letter
    aside), not a description ("sparse methods", "linear layers").

    >>> words = "Sparse methods and CNNs help".split()
    >>> named(words, (0, 2, "method")), named(words, (3, 4, "method"))
    (False, True)
    """
    text = " ".join(words[arg[0] : arg[1]])
    if arg[0] == 0:
        text = text[1:]
    return any(c.isupper() or c.isdigit() for c in text)


def passes(
    label: str,
    words: list[str],
    head: Arg,
    tail: Arg,
    spans: list[Arg],
    sure: dict[Arg, float] | None,
    rivals: int = 0,
) -> bool:
    """Whether a classifier-only relation of ``label`` between ``head`` and ``tail`` passes the checks
    (``sure``: each span's mention confidence; a span without one counts as sure).

    >>> words = "CNNs are popular ; object detection is hard".split()
    >>> passes("used-for", words, (0, 1, "method"), (4, 6, "task"), [(0, 1, "method"), (4, 6, "task")], {})
    False
    """
    checked = CHECKS.get(label)
    if checked is None:
        return True
    if rivals >= CROWD:
        return False
    sure = sure or {}
    if any(arg[2] in checked and sure.get(arg, 1.0) < SURE for arg in (head, tail)):
        return False
    if boundary_between(words, head, tail):
        return False
    if label in NAMED and not any(named(words, arg) for arg in (head, tail) if arg[2] == "method"):
        return False
    return not any(abbreviation_after(words, arg, spans) for arg in (head, tail))
