"""The persistent graph store: a pyoxigraph (RocksDB) folder, bulk-loaded from N-Triples.

Flows in: N-Triples text (a build's write pass, or files) and deltas (``kg.build.delta``). Flows out: a
store folder swapped in for the previous one, which ``kg.query`` opens. ``loader`` loads, updates and marks
stores; ``swap`` puts a new one in place and tells whether another program holds one open.

A store is never changed in place. A new one is loaded into a temporary folder beside the target and
swapped in with two renames (signals held off in between), so a build that is interrupted leaves the
previous store as it was, and readers never see a half-loaded one. An update starts from a checkpoint of
the previous store (``Store.backup``: hard links, instant) and applies the removed and added triples
(``update_store``, with the delta of ``kg.build.delta``).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> nt = folder / "g.nt"
>>> _ = nt.write_text('<https://x/p> <https://x/q> "1" .\\n', encoding="utf-8")
>>> load_store([nt], folder / "store").name
'store'
>>> len(list(open_store(folder / "store")))
1
"""

from __future__ import annotations

from kg.store.loader import (
    STORE_ID,
    StoreLoader,
    is_store,
    load_store,
    new_store_dir,
    open_store,
    pieces,
    read_store_id,
    release_memory,
    trim_heap,
    update_store,
    write_store_id,
)
from kg.store.swap import check_not_held, exchange, holder_pid, signals_held, swap, swap_back, swap_in

__all__ = [
    "STORE_ID",
    "StoreLoader",
    "check_not_held",
    "exchange",
    "holder_pid",
    "is_store",
    "load_store",
    "new_store_dir",
    "open_store",
    "pieces",
    "read_store_id",
    "release_memory",
    "signals_held",
    "swap",
    "swap_back",
    "swap_in",
    "trim_heap",
    "update_store",
    "write_store_id",
]
