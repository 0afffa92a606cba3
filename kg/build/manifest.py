"""``build.json``: what a build kept for the next ``--update`` (its settings' fingerprint, its papers and
versions, the id of the store it wrote) and its summary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.config import Config
from kg.errors import StoreError

MANIFEST = "build.json"
#: Config fields whose change invalidates the extracted mentions or the written triples of a build
_FINGERPRINT = (
    "use_model",
    "model_dir",
    "min_confidence",
    "ner_confidence",
    "max_abstract_chars",
    "base_iri",
    "cooccurrence_min_support",
)


def fingerprint(config: Config) -> dict[str, object]:
    """The settings a build's mentions and triples depend on: an update must use the same."""
    return {name: getattr(config, name) for name in _FINGERPRINT}


def read_manifest(out_dir: str | Path) -> dict[str, Any] | None:
    """The ``build.json`` of a build in ``out_dir``, or ``None`` when there is none."""
    path = Path(out_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"{path}: cannot read the build manifest: {err}; rebuild without --update") from err


def write_manifest(
    staging: Path,
    config: Config,
    summary: dict[str, object],
    store_id: str | None,
    spool_records: int,
    papers: list[tuple[str, int | None]],
) -> None:
    """``build.json`` into ``staging``: the fingerprint, the summary, the store's id, the number of records
    in ``mentions.spool`` and every paper with its version, in the order built."""
    (staging / MANIFEST).write_text(
        json.dumps(
            {
                "format": 1,
                "fingerprint": fingerprint(config),
                "summary": summary,
                "store_id": store_id,
                "spool_records": spool_records,
                "papers": [[pid, version] for pid, version in papers],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
        newline="\n",
    )
