"""Builds the spaCy ``Language`` that kg extracts with.

    tokenizer -> kg_sized_names -> sentencizer -> kg_paragraphs -> kg_vocabulary (SpanRuler) -> [tok2vec -> ner]
              -> kg_cues -> kg_abbreviations -> kg_merge -> kg_versions -> kg_task_heads -> kg_coined_names -> kg_listed_names -> kg_type_votes -> kg_roles

The trained ``tok2vec``/``ner`` come from the shipped model when it is present and ``config.use_model``.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_prefix_regex

from kg import vocabulary as vocabulary_module
from kg.config import Config
from kg.errors import ModelError
from kg.extract import biluo, coined, components, listed, relations, task_heads, types, versions  # noqa: F401  (register the factories)


def _names_a_part(form: str, term: vocabulary_module.Term, vocabulary: vocabulary_module.Vocabulary) -> bool:
    """Whether a name is its broader term's name and more words ("KITTI Pedestrian" of "KITTI"): it names
    the part only written as such; "KITTI pedestrian" is KITTI and a word, not a wider name."""
    for broader_id in term.broader:
        broader = vocabulary.get(broader_id)
        if broader is not None and any(form.lower().startswith(s.lower() + " ") for s in broader.surfaces):
            return True
    return False


def phrase_patterns(vocabulary: vocabulary_module.Vocabulary) -> tuple[list[dict], list[dict]]:
    """SpanRuler phrase patterns for every name of every term and its spelling variants (hyphens,
    numbers, a plural last word): (case-insensitive, exact-case). The first term to claim a form keeps it.

    >>> from kg.vocabulary import Term, Vocabulary
    >>> from kg.records import EntityType
    >>> folded, exact = phrase_patterns(Vocabulary.from_terms([Term("dataset/cifar-10", EntityType.DATASET, "CIFAR-10"),
    ...                                                         Term("method/gan", EntityType.METHOD, "GAN")]))
    >>> sorted(p["pattern"] for p in folded), sorted(p["pattern"] for p in exact)
    (['CIFAR 10', 'CIFAR-10', 'CIFAR10'], ['GAN', 'GANs'])
    """
    priority = vocabulary_module._priority
    variants = vocabulary_module._string_variants
    plural = vocabulary_module._plural
    folded: list[dict] = []
    exact: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for term in sorted(vocabulary, key=priority):
        label = vocabulary_module.RULER_LABELS[term.type]
        for surface in term.surfaces:
            forms = list(variants(surface))
            if term.type.value == "method" or (term.type.value == "task" and " " in surface):
                for form in list(forms):
                    head, _, last = form.rpartition(" ")
                    plural_last = plural(last)
                    if plural_last:
                        forms.append(f"{head} {plural_last}".strip())
            for form in forms:
                if len(form) < 3:
                    continue  # "ID", "IS": two letters name too many things
                if " " not in form and form.isalpha() and form[1:].islower() and "curated" not in term.source:
                    continue  # one plain word ("Geo", "Places") is English far more often than a name
                case_sensitive = (
                    term.case_sensitive
                    or vocabulary_module.is_exact_surface(form)
                    or (form.endswith("s") and vocabulary_module.is_exact_surface(form[:-1]))
                    or _names_a_part(form, term, vocabulary)
                )
                signature = (label, form if case_sensitive else form.lower())
                if signature in seen:
                    continue
                seen.add(signature)
                (exact if case_sensitive else folded).append({"label": label, "pattern": form, "id": term.id})
    return folded, exact


def has_model(path: Path) -> bool:
    """Whether a trained spaCy pipeline lies at ``path``."""
    return (path / "config.cfg").is_file() and (path / "ner").is_dir()


def use_numpy_gemm(nlp: Language, threads: int = 1) -> None:
    """Run the trained layers' matrix products through numpy's BLAS instead of thinc's bundled BLIS,
    with at most ``threads`` BLAS threads in this process.

    On the machines kg was measured on, BLIS picked a generic kernel and reached ~27 GFLOP/s on one
    core where numpy's OpenBLAS reaches ~80: the trained NER, most of extraction time, runs ~1.5x faster.

    >>> nlp = spacy.blank("en"); nlp.add_pipe("tok2vec") and None; nlp.initialize()  # doctest: +ELLIPSIS
    <...>
    >>> use_numpy_gemm(nlp)
    >>> nlp.get_pipe("tok2vec").model.ops.use_blis
    False
    """
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=max(1, threads), user_api="blas")  # a process-wide setting, made once per pipeline
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def split_latex_commands(nlp: Language) -> None:
    r"""Let the tokenizer split LaTeX markup off the word it wraps ("\emph{DCCD" -> "\emph{", "DCCD"):
    arXiv abstracts keep it, and a name is the word, not the markup; and a "the" glued to the name after
    it by a missing space ("theImageNet-1000").

    >>> nlp = spacy.blank("en"); split_latex_commands(nlp)
    >>> [t.text for t in nlp(r"We propose \textit{FooNet} on theImageNet-1000 set, not theta.")]
    ['We', 'propose', '\\textit{', 'FooNet', '}', 'on', 'the', 'ImageNet-1000', 'set', ',', 'not', 'theta', '.']
    """
    tokenizer = cast(Tokenizer, nlp.tokenizer)  # spaCy types it as any callable; a pipeline's is a Tokenizer
    prefixes = [r"\\[A-Za-z]+\{", r"the(?=[A-Z])", *(nlp.Defaults.prefixes or ())]
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search


#: the rule components after the NER, in order
RULE_COMPONENTS = (
    "kg_cues",
    "kg_abbreviations",
    "kg_merge",
    "kg_versions",
    "kg_task_heads",
    "kg_coined_names",
    "kg_listed_names",
    "kg_type_votes",
    "kg_roles",
)


def make_nlp(config: Config = Config()) -> Language:
    """The extraction pipeline: the trained NER when available, rules and vocabulary always.

    >>> nlp = make_nlp(Config(use_model=False, relations=False))
    >>> [p for p in nlp.pipe_names if p.startswith("kg_")]
    ['kg_sized_names', 'kg_paragraphs', 'kg_vocabulary', 'kg_vocabulary_exact', 'kg_cues', 'kg_abbreviations', 'kg_merge', 'kg_versions', 'kg_task_heads', 'kg_coined_names', 'kg_listed_names', 'kg_type_votes', 'kg_roles']
    """
    model_path = config.model_path
    if config.use_model and has_model(model_path):
        try:
            nlp = spacy.load(model_path, exclude=["senter", "parser", "tagger", "lemmatizer"])
        except (OSError, ValueError) as err:
            raise ModelError(f"cannot load the extraction model at {model_path}: {err}") from err
        use_numpy_gemm(nlp, config.blas_threads)
    else:
        if config.use_model and config.model_dir:
            raise ModelError(
                f"no trained model at {model_path}",
            )
        nlp = spacy.blank("en")
    nlp.max_length = max(nlp.max_length, config.max_abstract_chars * 2)
    split_latex_commands(nlp)
    folded, exact = phrase_patterns(vocabulary_module.shipped())
    # The rulers tokenize their ~21,000 phrase patterns with nlp.tokenizer; afterwards that tokenizer
    # runs about 3x slower on abstracts (its cache is left full of pattern chunks; flushing does not
    # help). A scratch copy that shares the vocabulary takes the patterns instead.
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    nlp.tokenizer = Tokenizer(nlp.vocab).from_bytes(tokenizer.to_bytes())
    # a ruler runs the components before it on each of its patterns: only kg_sized_names, so that a
    # pattern is tokenized as a text is ("ADE20K" one token in both, not "ADE20" + "K" in the pattern)
    nlp.add_pipe("kg_sized_names", first=True)
    # two phrase rulers: PhraseMatcher is fast at any vocabulary size (a token Matcher over 10k
    # patterns is not); one compares lowercase, one exact case for acronyms and case-sensitive names
    for name, attr, patterns, after in (
        ("kg_vocabulary", "LOWER", folded, "kg_sized_names"),
        ("kg_vocabulary_exact", "ORTH", exact, "kg_vocabulary"),
    ):
        ruler = nlp.add_pipe(
            "span_ruler",
            name=name,
            after=after,
            config={
                "spans_key": "kg_vocabulary",
                "validate": False,
                "overwrite": name == "kg_vocabulary",
                "phrase_matcher_attr": attr,
            },
        )
        ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.tokenizer = tokenizer
    nlp.add_pipe("sentencizer", before="kg_vocabulary")  # after kg_sized_names: its full stops are the sentencizer's
    nlp.add_pipe("kg_paragraphs", after="sentencizer")
    for name in RULE_COMPONENTS:
        nlp.add_pipe(name)
    if config.relations:
        nlp.add_pipe("kg_relations", config={"min_mention_confidence": config.min_confidence})
    return nlp
