"""The normalisation key of a name (``surface_key``) and the names matched by their exact case."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_KEY_TOKEN = re.compile(r"[A-Za-z0-9+]+")
_UPPER_WORD = re.compile(r"[A-Z]{2,}")
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_WORD_TOKEN = re.compile(r"[A-Za-z0-9]")
_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z0-9])")
# a word of three or more letters (not ending in a version "v") followed by a number that ends the token
_WORD_NUMBER = re.compile(r"\b([A-Za-z]*[A-Za-z][A-Za-z][^\W\dvV_])(\d+)\b")
# last words that take no plural "s" (mass nouns, gerunds, -tion nouns, words already plural)
_NO_PLURAL = re.compile(r"(?:ing|tion|sion|ment|ness|ity|ics|sis|ss|s|x|z|ch|sh|y|[0-9])$")


def _singular(token: str) -> str:
    """Lowercase, and strip an English plural from a word that is not an all-caps acronym.

    >>> [_singular(w) for w in ("Networks", "GANs", "Categories", "Boxes", "Kinetics", "MSRS", "Analysis")]
    ['network', 'gan', 'category', 'box', 'kinetics', 'msrs', 'analysis']
    """
    low = token.lower()
    if len(token) < 4 or not token.isalpha() or token.isupper():
        return low
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("sses", "xes", "ches", "shes")):
        return low[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is", "ics", "ous")):
        return low[:-1]
    return low


@lru_cache(maxsize=65536)
def surface_key(text: str) -> str:
    """The normalisation key of a name: case, hyphens, spaces, punctuation and plurals do not count.

    >>> surface_key("CIFAR-10") == surface_key("CIFAR10") == surface_key("cifar 10")
    True
    >>> surface_key("Mask R-CNN"), surface_key("DeepLabV3+")
    ('maskrcnn', 'deeplabv3+')
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(_singular(tok) for tok in _KEY_TOKEN.findall(folded))


def is_exact_surface(surface: str) -> bool:
    """Whether a surface form is matched with its exact case whatever its term says: one all-caps word.

    All-caps words are acronyms, and their lowercase forms are often English words ("CLIP", "DROP").

    >>> is_exact_surface("CLIP"), is_exact_surface("NER"), is_exact_surface("CIFAR-10"), is_exact_surface("ImageNet")
    (True, True, False, False)
    """
    return _UPPER_WORD.fullmatch(surface) is not None
