"""Stable, IRI-safe slugs for entity ids.

>>> slugify("CIFAR-10")
'cifar-10'
>>> slugify("Scene-Adaptive Attention Network (SAANet)")
'scene-adaptive-attention-network-saanet'
>>> slugify("Mask R-CNN") == slugify("mask  r-cnn")
True
>>> slugify("√x")
'x'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9+]+")


def slugify(text: str, max_len: int = 80) -> str:
    """Lowercase ASCII slug with ``-`` separators; spells ``+`` as ``plus`` (``C++`` -> ``cplusplus``).

    Never empty: a text with no ASCII letters or digits gets a short hash instead.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_SLUG.sub("-", folded).strip("-")
    slug = slug.replace("+", "plus")
    if not slug:
        slug = "x" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if len(slug) > max_len:
        digest = hashlib.sha1(slug.encode("ascii")).hexdigest()[:8]
        slug = slug[: max_len - 9].rstrip("-") + "-" + digest
    return slug


def entity_id(type_: str, label: str) -> str:
    """``type/slug``: the id of an entity, also the tail of its IRI.

    >>> entity_id("dataset", "ImageNet")
    'dataset/imagenet'
    """
    return f"{type_}/{slugify(label)}"
