"""The tasks of one paper at their most specific, and a task's name when the text words it as a verb.

A paper writes a task as a verb phrase as often as by its name: "recognizing English texts" is the task
"English text recognition", "Predict 3D Lane Shape" is "3D Lane Shape Prediction", and "Enhancing
Semantic Segmentation" names "Semantic Segmentation", and "Robust and Efficient Point Cloud Registration" is
point cloud registration done well; "T2I generation" is "text-to-image generation". :func:`task_name`
gives the name such a phrase stands for, so that it resolves to the same entity as the name; a phrase about the research itself
("Investigating Pose Representations") names no task (:func:`is_research_phrase`). The verbs are data
(``task_verbs`` and ``research_verbs`` in ``kg/data/words.json``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from kg.data import word_set
from kg.records import EntityType, Link, Mention
from kg.resolve.keys import _SEPARATORS, _singular

#: a name written as an acronym ("MDE", "LiDAR", "TTAs")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*s?")

#: words that end the object of a task verb: "predicting the future of X" is left as written
_OBJECT_BREAKS = frozenset("of for in on with from to by via using and or into under as at".split())
_ARTICLES = frozenset({"the", "a", "an"})
#: "T2I generation" is "text-to-image generation"; a shorthand glued into a name stays ("T2I-CompBench")
_MODALITIES = {"t": "text", "i": "image", "v": "video"}
#: a modality pair that, as a task's whole name, stands for the task it is short for
_MODALITY_TASKS = {
    "text-to-image": "generation",
    "text-to-video": "generation",
    "image-to-video": "generation",
    "image-to-image": "translation",
}
_MODALITY_PAIR = re.compile(r"(?<![\w\-])([tivTIV])2([tivTIV])(?![\w\-])")


@lru_cache(maxsize=1)
def _task_verbs() -> dict[str, str]:
    return dict(pair.split() for pair in word_set("task_verbs"))


@lru_cache(maxsize=1)
def _task_heads() -> frozenset[str]:
    from kg.extract.rules import Rules  # the head words extraction types tasks by

    return Rules.load().task_heads | frozenset(_task_verbs().values())


def names_a_task(words: Sequence[str]) -> bool:
    """Whether words end in a task's head word ("... Point Cloud Registration", "Gait Measurements")."""
    last = words[-1].lower() if words else ""
    return last in _task_heads() or _singular(last) in _task_heads()


def mention_name(mention: Mention) -> str:
    """The name a mention stands for: a task's :func:`task_name`, any other mention's text."""
    return task_name(mention.text) if mention.type is EntityType.TASK else mention.text


@lru_cache(maxsize=65536)
def task_name(text: str) -> str:
    """The name a task phrase stands for: a verb and its object become the object and the verb's noun;
    a research verb before a task's name goes; anything else is returned as written.

    >>> task_name("recognizing English texts"), task_name("Predict 3D Lane Shape")
    ('English text recognition', '3D Lane Shape Prediction')
    >>> task_name("Enhancing Semantic Segmentation"), task_name("predicting the future of videos")
    ('Semantic Segmentation', 'predicting the future of videos')
    >>> task_name("Robust and Efficient Point Cloud Registration"), task_name("real-time detection")
    ('Point Cloud Registration', 'real-time detection')
    >>> task_name("T2I generation"), task_name("T2V Generation"), task_name("T2I-CompBench"), task_name("T2I")
    ('text-to-image generation', 'Text-to-Video Generation', 'T2I-CompBench', 'text-to-image generation')
    """
    spelled = _MODALITY_PAIR.sub(_spelled_pair, text)
    if spelled != text:
        return task_name(spelled)
    if text.lower() in _MODALITY_TASKS:  # "text-to-image" alone is the task of generating images from text
        task_noun = _MODALITY_TASKS[text.lower()]
        return f"{text} {task_noun.title() if text[:1].isupper() else task_noun}"
    words = text.split()
    if len(words) < 2:
        return text
    unqualified = _without_qualities(words)
    if unqualified is not words:
        return task_name(" ".join(unqualified))
    verb, rest = words[0].lower(), words[1:]
    while rest and rest[0].lower() in _ARTICLES:
        rest = rest[1:]
    if not rest or len(rest) > 4 or any(w.lower() in _OBJECT_BREAKS for w in rest):
        return text
    if verb in word_set("research_verbs"):
        return " ".join(rest) if names_a_task(rest) else text
    noun = _task_verbs().get(verb)
    if noun is None or names_a_task(rest):
        return text
    last = rest[-1]
    singular = _singular(last) if last.islower() or last[1:].islower() else last
    titled = words[0][:1].isupper() and all(w[:1].isupper() or w[:1].isdigit() for w in rest)
    return " ".join([*rest[:-1], singular, noun.capitalize() if titled else noun])


def _spelled_pair(match: re.Match[str]) -> str:
    """A modality shorthand in words, in the case of the words around it ("T2V Generation": "Text-to-Video")."""
    source, target = _MODALITIES[match[1].lower()], _MODALITIES[match[2].lower()]
    others = (match.string[: match.start()] + match.string[match.end() :]).split()
    if others and all(w[:1].isupper() for w in others):
        return f"{source.capitalize()}-to-{target.capitalize()}"
    return f"{source}-to-{target}"


def _without_qualities(words: list[str]) -> list[str]:
    """A task's words less the qualities that open it ("Robust and Efficient", "High-Quality",
    "real-time"), when at least two words naming a task are left; else ``words`` itself."""
    i = 0
    while i < len(words) and (
        words[i].lower() in word_set("task_qualities") or (i and words[i].lower() in {"and", "&"})
    ):
        i += 1
    while i and words[i - 1].lower() in {"and", "&"}:
        i -= 1  # "Robust and" before a word that is no quality: "and" is part of the name
    rest = words[i:]
    if i == 0 or len(rest) < 2 or rest[0].lower() in {"and", "&"} or not names_a_task(rest):
        return words
    return rest


def is_research_phrase(text: str) -> bool:
    """Whether a task phrase is about the research, not a task: a research verb before words that name
    no task ("Investigating Pose Representations", "rethinking data curation").

    >>> is_research_phrase("Investigating Pose Representations"), is_research_phrase("Enhancing Semantic Segmentation")
    (True, False)
    """
    words = text.split()
    return len(words) >= 2 and words[0].lower() in word_set("research_verbs") and task_name(text) == text


def _words(text: str) -> frozenset[str]:
    return frozenset(_singular(w) for w in _SEPARATORS.split(text.lower()) if w)


def most_specific_tasks(links: Sequence[Link]) -> list[Link]:
    """A paper's links less each task whose names all lie within a more specific task of the paper with
    the same head word ("weakly supervised segmentation" within "weakly supervised histopathological
    image segmentation"): the text names one task, at its most specific. An acronym among a task's names
    does not keep it apart: "MDE" is the "monocular depth estimation" the paper also writes out, within
    "real-world monocular depth estimation".

    >>> from kg.records import Mention, Role, EntityType as T
    >>> def link(e, text):
    ...     return Link("p", e, Role.ADDRESSES, (Mention(T.TASK, "abstract", 0, len(text), text),))
    >>> [l.entity_id for l in most_specific_tasks([link("task/a", "image segmentation"),
    ...                                            link("task/b", "medical image segmentation"),
    ...                                            link("task/c", "image generation")])]
    ['task/b', 'task/c']
    >>> [l.entity_id for l in most_specific_tasks([link("task/mde", "monocular depth estimation"),
    ...                                            link("task/rw", "real-world monocular depth estimation")])]
    ['task/rw']
    """
    tasks = [link for link in links if link.mentions[0].type is EntityType.TASK]
    if len(tasks) < 2:
        return list(links)
    names = {id(link): [_words(mention_name(m)) for m in link.mentions] for link in tasks}
    heads = {id(link): {_head(mention_name(m)) for m in link.mentions} - {""} for link in tasks}
    # an acronym's letters lie within no name: the long form it stands for speaks for it ("MDE")
    worded = {
        id(link): [words for words, m in zip(names[id(link)], link.mentions) if not _ACRONYM.fullmatch(m.text)]
        for link in tasks
    }

    def within(small: Link, large: Link) -> bool:
        return (
            small is not large
            and bool(worded[id(small)])
            and bool(heads[id(small)] & heads[id(large)])
            and all(any(words < other for other in names[id(large)]) for words in worded[id(small)])
        )

    dropped = {id(link) for link in tasks if any(within(link, other) for other in tasks)}
    return [link for link in links if id(link) not in dropped]


def _head(name: str) -> str:
    """A task name's head word, singular ("question-answering": "answering")."""
    words = [w for w in _SEPARATORS.split(name.lower()) if w]
    return _singular(words[-1]) if words else ""
