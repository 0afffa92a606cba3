"""Comparison keys of surface forms: ``normalize`` (case, hyphens and spaces, Unicode variants, plural
heads, generic trailing words) and ``compact``; ``Key`` is (entity type value, normalized surface)."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐-―_/·]+")
_GENERIC_TAIL = {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "database", "data set", "challenge"}


def _singular(word: str) -> str:
    if len(word) < 4 or not word.endswith("s") or word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1]


def normalize(surface: str) -> str:
    """The comparison key of a surface form (see ``_normalize_once``), applied until it no longer changes:
    a key is its own key, except that a name written in capitals keeps a last "S" that its lowercase key,
    read again, would lose ("WILDS", "EPIC-KITCHENS"; :func:`keeps_last_s`).

    >>> [normalize(s) for s in ["CIFAR10", "CIFAR-10", "cifar 10", "the KITTI dataset", "Mask R-CNN", "CNNs"]]
    ['cifar10', 'cifar10', 'cifar10', 'kitti', 'mask rcnn', 'cnn']
    """
    key = _normalize_once(surface)
    # a name written in capitals keeps its last "S" on every pass ("WILDS" is not "wilds" made plural)
    acronym_tail = keeps_last_s(surface)
    for _ in range(10):
        again = _normalize_once(key, acronym_tail)
        if again == key:
            break
        key = again
    return key


_ACRONYM_TAIL = re.compile(r"(?:^|[\s\-])[A-Z0-9]{2,}$")


def keeps_last_s(surface: str) -> bool:
    """Whether a name ends in a word written in capitals, whose last "S" is no plural ("WILDS").

    >>> keeps_last_s("WILDS"), keeps_last_s("EPIC-KITCHENS"), keeps_last_s("wilds")
    (True, True, False)
    """
    return _ACRONYM_TAIL.search(unicodedata.normalize("NFKC", surface).strip()) is not None


def _normalize_once(surface: str, acronym_tail: bool = False) -> str:
    """The comparison key of a surface form: NFKC, lowercase, one space between words, a single
    letter or a number joined to its neighbour (``R-CNN`` -> ``rcnn``, ``CIFAR 10`` -> ``cifar10``),
    a plural last word made singular, generic trailing words (``dataset``, ``benchmark``) removed.

    >>> [normalize(s) for s in ["CIFAR10", "CIFAR-10", "cifar 10", "the KITTI dataset", "Mask R-CNN", "CNNs"]]
    ['cifar10', 'cifar10', 'cifar10', 'kitti', 'mask rcnn', 'cnn']
    >>> normalize("convolutional neural networks") == normalize("Convolutional Neural Network")
    True
    >>> normalize("EPOS"), normalize("GANs"), normalize("WILDS")
    ('epos', 'gan', 'wilds')
    """
    original = unicodedata.normalize("NFKC", surface).strip()
    acronym_tail = acronym_tail or _ACRONYM_TAIL.search(original) is not None  # EPOS, CAOS: no plural to strip
    text = original.lower()
    text = re.sub(r"^(?:the|a|an)\s+", "", text)
    parts = [p.strip(" .,;:()[]'\"") for p in _SEPARATORS.split(text)]
    parts = [p for p in parts if p]
    # "Vision and Language Navigation" = "Vision-Language Navigation": an inner "and" is a joiner
    parts = [p for i, p in enumerate(parts) if p not in ("and", "&") or i in (0, len(parts) - 1)]
    while len(parts) > 1 and (parts[-1] in _GENERIC_TAIL or " ".join(parts[-2:]) in _GENERIC_TAIL):
        parts = parts[:-2] if " ".join(parts[-2:]) in _GENERIC_TAIL else parts[:-1]
    joined: list[str] = []
    pending = ""
    for i, part in enumerate(parts):
        if joined and not pending and re.fullmatch(r"\d+[km]?", part):
            joined[-1] += part  # CIFAR 10, ImageNet 1k
            continue
        part, pending = pending + part, ""
        if len(part) == 1 and i < len(parts) - 1:
            pending = part  # a single letter prefixes the next word: R-CNN, U-Net, t-SNE
        elif len(part) == 1 and joined:
            joined[-1] += part  # ... or suffixes the last one: Swin-T
        else:
            joined.append(part)
    if joined and re.search(r"[A-Z]{2,}s$", original):
        joined[-1] = joined[-1][:-1]  # CNNs, GANs: an acronym's plural
    elif joined and not acronym_tail and len(joined[-1]) >= 5:
        joined[-1] = _singular(joined[-1])
    return " ".join(joined)


def compact(key: str) -> str:
    """A key with no spaces: ``mask rcnn`` and ``maskrcnn`` meet here."""
    return key.replace(" ", "")


Key = tuple[str, str]  #: (entity type value, normalized surface): plain values, so a build can save them
