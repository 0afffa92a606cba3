"""Builds the spaCy ``Language`` that kg extracts with.

    tokenizer -> sentencizer -> kg_paragraphs -> kg_vocabulary (SpanRuler) -> [tok2vec -> ner]
              -> kg_cues -> kg_abbreviations -> kg_merge -> kg_roles

The trained ``tok2vec``/``ner`` come from the shipped model when it is present and ``config.use_model``.
"""
from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from kg import vocabulary as vocabulary_module
from kg.config import Config
from kg.errors import ModelError
from kg.extract import components  # noqa: F401  (registers the factories)


def has_model(path: Path) -> bool:
    """Whether a trained spaCy pipeline lies at ``path``."""
    return (path / "config.cfg").is_file() and (path / "ner").is_dir()


def make_nlp(config: Config = Config()) -> Language:
    """The extraction pipeline: the trained NER when available, rules and vocabulary always.

    >>> nlp = make_nlp(Config(use_model=False))
    >>> [p for p in nlp.pipe_names if p.startswith("kg_")]
    ['kg_paragraphs', 'kg_vocabulary', 'kg_cues', 'kg_abbreviations', 'kg_merge', 'kg_roles']
    """
    model_path = config.model_path
    if config.use_model and has_model(model_path):
        try:
            nlp = spacy.load(model_path, exclude=["senter", "parser", "tagger", "lemmatizer"])
        except (OSError, ValueError) as err:
            raise ModelError(f"cannot load the extraction model at {model_path}: {err}") from err
        first = nlp.pipe_names[0] if nlp.pipe_names else None
    else:
        if config.use_model and config.model_dir:
            raise ModelError(f"no trained model at {model_path}", )
        nlp = spacy.blank("en")
        first = None
    nlp.max_length = max(nlp.max_length, config.max_abstract_chars * 2)
    nlp.add_pipe("sentencizer", before=first) if first else nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_paragraphs", after="sentencizer")
    ruler = nlp.add_pipe("span_ruler", name="kg_vocabulary", after="kg_paragraphs",
                         config={"spans_key": "kg_vocabulary", "validate": False, "overwrite": True})
    ruler.add_patterns(vocabulary_module.Vocabulary.load().ruler_patterns())  # type: ignore[attr-defined]
    for name in ("kg_cues", "kg_abbreviations", "kg_merge", "kg_roles"):
        nlp.add_pipe(name)
    return nlp
