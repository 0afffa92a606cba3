"""The curated vocabulary of datasets, methods and tasks, and spaCy ruler patterns built from it.

The shipped vocabulary lives in ``ontologies/vocabulary/*.jsonl`` (one JSON object a line, see the
README there). ``curated.jsonl`` is written by hand and wins over generated rows with the same id.

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

import dataclasses
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kg.errors import ConfigError
from kg.records import EntityType

#: the file written by hand; its rows replace generated rows with the same id
CURATED_FILE = "curated.jsonl"

#: the span label the ruler gives each entity type
RULER_LABELS: Mapping[EntityType, str] = MappingProxyType(
    {
        EntityType.DATASET: "DATASET",
        EntityType.METHOD: "METHOD",
        EntityType.TASK: "TASK",
    }
)

_FIELDS = frozenset({"id", "type", "label", "alt", "broader", "source", "n", "case_sensitive", "generic"})
_REQUIRED = ("id", "type", "label")
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


@dataclass(frozen=True)
class Term:
    """One vocabulary entry: a dataset, method or task with its names."""

    id: str  # "dataset/cifar-10": entity_id(type, label)
    type: EntityType
    label: str  # preferred name
    alt: tuple[str, ...] = ()  # other names (variants, acronyms, expansions)
    broader: tuple[str, ...] = ()  # ids of broader terms
    source: str = ""  # "pwc", "openmmlab", "timm", "curated" (joined with "+")
    n: int = 0  # popularity in the source, 0 when unknown
    case_sensitive: bool = False  # only the exact case of label and alts matches
    generic: bool = False  # found in text (mention-level benchmarks mark it) but never a graph node

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Label first, then the alternative names, without duplicates."""
        return tuple(dict.fromkeys((self.label, *self.alt)))

    def to_json(self) -> dict[str, Any]:
        """The row as written in the ``*.jsonl`` files."""
        row: dict[str, Any] = {
            "id": self.id,
            "type": self.type.value,
            "label": self.label,
            "alt": list(self.alt),
            "broader": list(self.broader),
            "source": self.source,
            "n": self.n,
        }
        if self.case_sensitive:
            row["case_sensitive"] = True
        if self.generic:
            row["generic"] = True
        return row


def _priority(term: Term) -> tuple[int, int, str]:
    """Sort key: curated first, then the most popular, then by id (deterministic)."""
    return (0 if "curated" in term.source else 1, -term.n, term.id)


def _term_from_row(row: object, source: str, line: int) -> Term:
    """Validate one parsed JSON row; raise ``ConfigError`` naming the file and line."""

    def bad(why: str) -> ConfigError:
        return ConfigError(f"{source}:{line}: bad vocabulary row: {why}")

    if not isinstance(row, dict):
        raise bad("not a JSON object")
    unknown = set(row) - _FIELDS
    if unknown:
        raise bad(f"unknown field(s) {sorted(unknown)}; valid: {', '.join(sorted(_FIELDS))}")
    for name in _REQUIRED:
        if not isinstance(row.get(name), str) or not row[name].strip():
            raise bad(f"field {name!r} must be a non-empty string")
    try:
        type_ = EntityType(row["type"])
    except ValueError:
        raise bad(f"type {row['type']!r} is not one of {', '.join(t.value for t in EntityType)}") from None
    if not row["id"].startswith(f"{type_.value}/"):
        raise bad(f"id {row['id']!r} does not start with {type_.value + '/'!r}")
    lists = {}
    for name in ("alt", "broader"):
        value = row.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad(f"field {name!r} must be a list of non-empty strings")
        lists[name] = tuple(value)
    n = row.get("n", 0)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise bad("field 'n' must be a non-negative integer")
    if not isinstance(row.get("source", ""), str):
        raise bad("field 'source' must be a string")
    for flag in ("case_sensitive", "generic"):
        if not isinstance(row.get(flag, False), bool):
            raise bad(f"field {flag!r} must be true or false")
    return Term(
        id=row["id"],
        type=type_,
        label=row["label"],
        alt=lists["alt"],
        broader=lists["broader"],
        source=row.get("source", ""),
        n=n,
        case_sensitive=row.get("case_sensitive", False),
        generic=row.get("generic", False),
    )


def read_terms(path: Path) -> list[Term]:
    """The terms of one ``*.jsonl`` file; blank lines are skipped, a bad row raises ``ConfigError``."""
    terms: list[Term] = []
    seen: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read vocabulary file: {err}") from err
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}:{number}: bad vocabulary row: invalid JSON ({err.msg})") from None
        term = _term_from_row(row, str(path), number)
        if term.id in seen:
            raise ConfigError(f"{path}:{number}: bad vocabulary row: duplicate id {term.id!r}")
        seen.add(term.id)
        terms.append(term)
    return terms


@lru_cache(maxsize=1)
def shipped() -> Vocabulary:
    """The shipped vocabulary, read once per process."""
    return Vocabulary.load()


def default_folder() -> Path:
    """``kg.config.ontology_dir() / "vocabulary"``; in a source checkout that is not installed,
    the ``ontologies/vocabulary`` folder next to the ``kg`` package."""
    try:
        from kg.config import ontology_dir

        return ontology_dir() / "vocabulary"
    except (ImportError, TypeError):  # kg.ontologies is only a package once installed
        return Path(__file__).resolve().parent.parent / "ontologies" / "vocabulary"


class Vocabulary:
    """An index of terms by id, by exact surface form and by normalisation key (see ``surface_key``)."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._terms: dict[str, Term] = {}
        for term in terms:
            self._terms[term.id] = term
        exact: dict[str, list[Term]] = {}
        keyed: dict[str, list[Term]] = {}
        for term in self._terms.values():
            for surface in term.surfaces:
                exact.setdefault(surface, []).append(term)
                if not term.case_sensitive and not is_exact_surface(surface):
                    key = surface_key(surface)
                    if key:
                        keyed.setdefault(key, []).append(term)
        self._exact = {s: tuple(sorted(set(ts), key=_priority)) for s, ts in exact.items()}
        self._keyed = {k: tuple(sorted(set(ts), key=_priority)) for k, ts in keyed.items()}

    @classmethod
    def from_terms(cls, terms: Iterable[Term]) -> Vocabulary:
        """A vocabulary of the given terms (a later term replaces an earlier one with the same id)."""
        return cls(terms)

    @classmethod
    def load(cls, folder: Path | None = None) -> Vocabulary:
        """Read every ``*.jsonl`` in ``folder`` (default: the shipped vocabulary).

        Generated files may not share ids; ``curated.jsonl`` is read last and its rows replace
        generated rows with the same id (keeping their ``n`` when the curated ``n`` is 0).
        A bad row raises ``ConfigError`` with its file and line.
        """
        folder = Path(folder) if folder is not None else default_folder()
        if not folder.is_dir():
            raise ConfigError(f"{folder}: vocabulary folder not found")
        files = sorted(folder.glob("*.jsonl"), key=lambda p: (p.name == CURATED_FILE, p.name))
        if not files:
            raise ConfigError(f"{folder}: no *.jsonl vocabulary files")
        terms: dict[str, Term] = {}
        origin: dict[str, Path] = {}
        for path in files:
            curated = path.name == CURATED_FILE
            for term in read_terms(path):
                old = terms.get(term.id)
                if old is not None and not curated:
                    raise ConfigError(f"{path}: bad vocabulary row: id {term.id!r} also in {origin[term.id].name}")
                if old is not None and term.n == 0:  # a curated row keeps the popularity of the generated one
                    term = dataclasses.replace(term, n=old.n)
                terms[term.id] = term
                origin[term.id] = path
        return cls(terms.values())

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __contains__(self, term_id: object) -> bool:
        return term_id in self._terms

    def get(self, term_id: str) -> Term | None:
        """The term with this id, or ``None``."""
        return self._terms.get(term_id)

    def lookup(self, surface: str, type: EntityType | str | None = None) -> Term | None:  # noqa: A002
        """The best term named ``surface`` (of ``type`` if given), or ``None``.

        An exact match of a label or alt comes first; then a match on ``surface_key`` (case,
        hyphens, spaces and plurals ignored), which case-sensitive terms and all-caps names never take.
        Among several, curated terms win, then the most popular.
        """
        wanted = EntityType(type) if type is not None else None
        text = " ".join(surface.split())
        exact = self._exact.get(text, ())
        if not exact and _ACRONYM_PLURAL.fullmatch(text):  # "GANs"
            exact = self._exact.get(text[:-1], ())
        for candidates in (exact, self._keyed.get(surface_key(text), ())):
            for term in candidates:
                if wanted is None or term.type == wanted:
                    return term
        return None

    def terms_named(self, surface: str) -> dict[EntityType, Term]:
        """The best term of each type named ``surface``: ``lookup(surface, type)`` for every type at once.

        >>> sorted(t.value for t in Vocabulary.load().terms_named("ImageNet"))
        ['dataset']
        """
        text = " ".join(surface.split())
        exact = self._exact.get(text, ())
        if not exact and _ACRONYM_PLURAL.fullmatch(text):
            exact = self._exact.get(text[:-1], ())
        found: dict[EntityType, Term] = {}
        for candidates in (exact, self._keyed.get(surface_key(text), ())):
            for term in candidates:
                found.setdefault(term.type, term)
        return found

    def ruler_patterns(self) -> list[dict[str, Any]]:
        """spaCy ``SpanRuler`` patterns: ``{"label", "pattern", "id"}`` for every label and alt.

        Names are tokenized with ``spacy.blank("en").tokenizer``. Tokens match on ``LOWER``, or on
        ``ORTH`` for case-sensitive terms and all-caps words. A hyphen may be present or absent between
        words ("object-detection"), a hyphen inside one token may be dropped or spaced ("CIFAR10",
        "CIFAR 10"), and method names and multiword task names also match their plural ("GANs").
        When two terms of one type give the same pattern, the curated or more popular one keeps it.

        spaCy's ``Matcher`` tries every token pattern at every token: with the whole vocabulary that is
        about a second per abstract. For bulk extraction use ``phrase_patterns`` (same names, matched
        by two ``PhraseMatcher``-based rulers, hundreds of times faster).
        """
        import spacy

        tokenizer = spacy.blank("en").tokenizer
        jobs: list[tuple[Term, str]] = []
        for term in sorted(self._terms.values(), key=_priority):
            for surface in term.surfaces:
                for variant in _string_variants(surface):
                    jobs.append((term, variant))
        tokens = _tokenize_all([text for _, text in jobs], tokenizer)
        patterns: list[dict[str, Any]] = []
        seen: set[tuple[object, ...]] = set()
        for term, text in jobs:
            words = tokens[text]
            if not words:
                continue
            label = RULER_LABELS[term.type]
            signature = (
                label,
                term.type,
                term.case_sensitive,
                tuple(w if term.case_sensitive or is_exact_surface(w) else w.lower() for w in words),
            )
            if signature in seen:  # the same words give the same pattern
                continue
            seen.add(signature)
            patterns.append({"label": label, "pattern": _token_pattern(words, term), "id": term.id})
        return patterns

    def phrase_patterns(self) -> dict[str, list[dict[str, str]]]:
        """The same names as phrase patterns for two fast ``SpanRuler``s, keyed by the
        ``phrase_matcher_attr`` each needs: ``"LOWER"`` (case-insensitive names) and ``"ORTH"``
        (case-sensitive terms and names with an all-caps word, in the casings they are written in).

        Spelling variants are spelled out: hyphens dropped or spaced as in ``ruler_patterns``, words
        joined by a space or a hyphen ("object-detection"), and plurals ("GANs").

        >>> import spacy
        >>> vocab = Vocabulary.from_terms([Term("dataset/places", EntityType.DATASET, "Places", case_sensitive=True),
        ...                                Term("task/object-detection", EntityType.TASK, "Object Detection")])
        >>> nlp = spacy.blank("en")
        >>> patterns = vocab.phrase_patterns()
        >>> for attr, pats in patterns.items():
        ...     ruler = nlp.add_pipe("span_ruler", name=f"vocabulary_{attr.lower()}",
        ...                          config={"spans_key": "vocab", "phrase_matcher_attr": attr, "overwrite": False})
        ...     ruler.add_patterns(pats)
        >>> doc = nlp("Object-detection on Places, not in other places.")
        >>> sorted((s.text, s.id_) for s in doc.spans["vocab"])
        [('Object-detection', 'task/object-detection'), ('Places', 'dataset/places')]
        """
        out: dict[str, list[dict[str, str]]] = {"LOWER": [], "ORTH": []}
        seen: set[tuple[str, str, str]] = set()
        for term in sorted(self._terms.values(), key=_priority):
            label = RULER_LABELS[term.type]
            for surface in term.surfaces:
                has_exact_word = any(is_exact_surface(w) for w in _ALNUM_RUN.findall(surface))
                exact = term.case_sensitive or has_exact_word
                for text in _phrase_variants(surface, term, recase=has_exact_word and not term.case_sensitive):
                    attr = "ORTH" if exact else "LOWER"
                    key = (attr, label, text if exact else text.lower())
                    if key in seen:
                        continue
                    seen.add(key)
                    out[attr].append({"label": label, "pattern": text, "id": term.id})
        return out


def _phrase_variants(surface: str, term: Term, recase: bool) -> list[str]:
    """Spelled-out variants of one name for phrase patterns (see ``Vocabulary.phrase_patterns``).

    >>> t = Term("task/object-detection", EntityType.TASK, "Object Detection")
    >>> _phrase_variants("Object Detection", t, recase=False)
    ['Object Detection', 'Object-Detection']
    >>> m = Term("method/generative-adversarial-network", EntityType.METHOD, "GAN")
    >>> _phrase_variants("GAN", m, recase=False)
    ['GAN', 'GANs']
    """
    forms: list[str] = []
    for base in _string_variants(surface):
        forms.append(base)
        spaced = _HYPHEN.sub(" ", base)
        forms.append(spaced)
        if len(base.split()) == 2 and "-" not in base:
            forms.append(base.replace(" ", "-"))
    if term.type == EntityType.METHOD or (term.type == EntityType.TASK and len(surface.split()) > 1):
        plurals = []
        for form in forms:
            last = _ALNUM_RUN.findall(form)[-1] if _ALNUM_RUN.search(form) else ""
            plural = _plural(last) if form.endswith(last) else None
            if plural is not None:
                plurals.append(form[: len(form) - len(last)] + plural)
        forms += plurals
    if recase:  # names with an acronym match by exact case: also the lowercase and capitalised spellings
        cased = []
        for form in forms:
            cased.append(_ALNUM_RUN.sub(lambda m: m.group() if _is_exact_word(m.group()) else m.group().lower(), form))
            cased.append(
                _ALNUM_RUN.sub(
                    lambda m: m.group() if _is_exact_word(m.group()) else m.group()[:1].upper() + m.group()[1:], form
                )
            )
        forms += cased
    return list(dict.fromkeys(forms))


def _is_exact_word(word: str) -> bool:
    """An all-caps word, or its plural ("GANs")."""
    return is_exact_surface(word) or _ACRONYM_PLURAL.fullmatch(word) is not None


def _tokenize_all(texts: list[str], tokenizer: Any) -> dict[str, list[str]]:
    """Token texts of each text, as ``tokenizer`` splits them, but faster.

    spaCy's English tokenizer treats each space-separated chunk on its own, and leaves a chunk of
    letters alone unless it is a special case ("cannot"); only the other chunks go through it, once each.
    """
    special = tokenizer.rules or {}
    chunks = {chunk for text in texts for chunk in text.split()}
    hard = sorted(c for c in chunks if not (c.isascii() and c.isalpha()) or c in special)
    chunk_tokens = {c: [c] for c in chunks}
    for chunk, doc in zip(hard, tokenizer.pipe(hard, batch_size=1000)):
        chunk_tokens[chunk] = [t.text for t in doc]
    return {text: [tok for chunk in text.split() for tok in chunk_tokens[chunk]] for text in texts}


def _string_variants(surface: str) -> tuple[str, ...]:
    """The surface itself and its spelling variants around hyphens and numbers.

    A hyphen next to a number or after a part of one or two characters may be dropped or spaced
    ("CIFAR-10", "R-CNN", "Re-ID"); a number ending a word may be hyphenated or spaced ("ResNet50").
    A hyphen before a short letter suffix ("ViT-S") is kept: "ViTS" would read as a plural.

    >>> _string_variants("CIFAR-10")
    ('CIFAR-10', 'CIFAR10', 'CIFAR 10')
    >>> _string_variants("Mask R-CNN")
    ('Mask R-CNN', 'Mask RCNN', 'Mask R CNN')
    >>> _string_variants("ResNet50")
    ('ResNet50', 'ResNet-50', 'ResNet 50')
    >>> _string_variants("Few-Shot Object Detection"), _string_variants("ViT-S"), _string_variants("YOLOv3")
    (('Few-Shot Object Detection',), ('ViT-S',), ('YOLOv3',))
    """
    variants = [surface]
    if "-" in surface:
        joined = _HYPHEN.sub(lambda m: _join_hyphen(m, ""), surface)
        if joined != surface:
            variants += [joined, _HYPHEN.sub(lambda m: _join_hyphen(m, " "), surface)]
    if _WORD_NUMBER.search(surface):
        variants += [_WORD_NUMBER.sub(r"\1-\2", surface), _WORD_NUMBER.sub(r"\1 \2", surface)]
    return tuple(dict.fromkeys(variants))


def _join_hyphen(match: re.Match[str], by: str) -> str:
    """``by`` for a hyphen next to a number or after a word of one or two characters, else the hyphen."""
    text = match.string
    left = re.search(r"[A-Za-z0-9]+$", text[: match.start()])
    right = _ALNUM_RUN.match(text, match.end())
    left_word = left.group() if left else ""
    right_word = right.group() if right else ""
    if (left_word and (len(left_word) <= 2 or left_word[-1].isdigit())) or (right_word and right_word[0].isdigit()):
        return by
    return "-"


def _plural(word: str) -> str | None:
    """The plural of the last word of a name, or ``None`` when it takes none.

    >>> _plural("network"), _plural("GAN"), _plural("detection"), _plural("ResNet")
    ('networks', 'GANs', None, 'ResNets')
    """
    if not word.isalpha() or len(word) < 2:
        return None
    if word.isupper():
        return word + "s"
    if len(word) < 3 or _NO_PLURAL.search(word.lower()):
        return None
    return word + "s"


def _token_pattern(words: list[str], term: Term) -> list[dict[str, Any]]:
    """Token dicts for one tokenized name (see ``Vocabulary.ruler_patterns``)."""
    pattern: list[dict[str, Any]] = []
    last = len(words) - 1
    for i, word in enumerate(words):
        exact = term.case_sensitive or is_exact_surface(word)
        attr = "ORTH" if exact else "LOWER"
        value = word if exact else word.lower()
        if word == "-" and 0 < i < last:
            pattern.append({"ORTH": "-", "OP": "?"})
            continue
        if i > 0 and words[i - 1] != "-" and _WORD_TOKEN.match(words[i - 1][-1]) and _WORD_TOKEN.match(word[0]):
            pattern.append({"ORTH": "-", "OP": "?"})
        plural = None
        if i == last and (term.type == EntityType.METHOD or (term.type == EntityType.TASK and last > 0)):
            plural = _plural(word)
        if plural is not None:
            pattern.append({attr: {"IN": [value, plural if exact else plural.lower()]}})
        else:
            pattern.append({attr: value})
    return pattern
