"""Extraction engines: papers in coarse chunks to worker processes (or a Dask cluster), mentions back in
input order.

Each worker builds one extraction pipeline when it starts and keeps it on its own process object (a
``multiprocessing`` worker) or in a ``WorkerPlugin`` (a Dask worker); chunks of ``Paper`` records go
out, lists of ``PaperMentions`` (small frozen records, never spaCy ``Doc``s) come back. At most a few
chunks per worker are in flight, so memory does not grow with the input, and results are yielded in
input order whatever finishes first, so outputs are the same bytes for any number of workers.

>>> from kg.records import Paper
>>> papers = [Paper(id=f"2201.0000{i}", version=1, title="PiFeNet for 3D object detection",
...                 abstract="We evaluate on KITTI.") for i in range(3)]
>>> with get_engine("local")(Config(use_model=False)) as engine:
...     chunks = list(engine.map_chunks([papers[:2], papers[2:]]))
>>> [len(c) for c in chunks], chunks[1][0].paper.id
([2, 1], '2201.00002')
>>> get_engine("spark")
Traceback (most recent call last):
kg.errors.ConfigError: unknown extraction engine 'spark'; valid: dask, local
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from types import MappingProxyType, TracebackType
from typing import IO, Any, Protocol, TypeVar

from kg.config import Config
from kg.errors import ConfigError, unknown_name
from kg.extract import Extractor
from kg.records import Paper, PaperMentions

T = TypeVar("T")
R = TypeVar("R")
PLUGIN_NAME = "kg-extractor"
_PROCESS_ATTRIBUTE = "kg_extractor"


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items (the last one shorter).

    >>> list(chunked(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    iterator = iter(items)
    while chunk := list(islice(iterator, max(1, size))):
        yield chunk


def ordered_map(submit: Callable[[T], Any], result: Callable[[Any], R], items: Iterable[T], window: int) -> Iterator[R]:
    """Submit items as earlier ones finish, at most ``window`` in flight; results in input order.

    >>> list(ordered_map(lambda x: x * 2, lambda handle: handle, range(4), window=2))
    [0, 2, 4, 6]
    """
    pending: deque = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


class Engine(Protocol):
    """Maps chunks of papers to chunks of mentions, in order; a context manager that frees its workers."""

    def map_chunks(self, chunks: Iterable[list[Paper]]) -> Iterator[list[PaperMentions]]: ...

    def __enter__(self) -> Engine: ...

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None: ...


# --------------------------------------------------------------------------------- local processes
def _context() -> Any:
    """The multiprocessing context of kg's pools: a fork server where there is one (forking a process that
    holds a pipeline or threads is not safe), else spawn.

    The server imports nothing of kg: each worker imports spaCy itself, in parallel with the others
    (extracting 500 papers on 2 workers took 2.7-2.8 s either way), and the server, which lives as long
    as the process that started it, holds 14 MB instead of 90 MB through the rest of a build,
    when the build's memory is at its largest.
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it terminates the pool


class ProcessMap:
    """A function applied to chunks in ``workers`` processes (in this one when ``workers == 1``); each
    chunk comes back with its result, in input order, with at most two chunks per worker in flight.

    >>> with ProcessMap(1) as pool:
    ...     list(pool.map(len, [[1, 2], [3]]))
    [([1, 2], 2), ([3], 1)]
    """

    def __init__(
        self, workers: int = 1, initializer: Callable[..., None] = _ignore_sigint, initargs: tuple[Any, ...] = ()
    ) -> None:
        self.workers = max(1, workers)
        self.initializer = initializer
        self.initargs = initargs
        self._pool: Any = None

    def __enter__(self) -> ProcessMap:
        if self.workers > 1:
            self._pool = _context().Pool(self.workers, initializer=self.initializer, initargs=self.initargs)
        return self

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[tuple[T, R]]:
        if self._pool is None:
            for chunk in chunks:
                yield chunk, function(chunk)
            return
        yield from ordered_map(
            lambda chunk: (chunk, self._pool.apply_async(function, (chunk,))),
            lambda pending: (pending[0], pending[1].get()),
            chunks,
            window=2 * self.workers,
        )

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._pool is not None:
            if kind is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None


def _init_worker(config: Config) -> None:
    """Pool initializer: one pipeline per worker process, kept on the process object. Ctrl-C is left to
    the parent, which terminates the pool. A failure is kept and raised by the first task (a raising
    initializer would make the pool respawn workers forever)."""
    _ignore_sigint()
    process = multiprocessing.current_process()
    try:
        setattr(process, _PROCESS_ATTRIBUTE, Extractor(config))
    except Exception as err:  # noqa: BLE001 - re-raised in extract_chunk
        setattr(process, _PROCESS_ATTRIBUTE, err)


def extract_chunk(papers: list[Paper]) -> list[PaperMentions]:
    """The task a pool worker runs: the mentions of a chunk of papers with the worker's pipeline."""
    extractor = getattr(multiprocessing.current_process(), _PROCESS_ATTRIBUTE)
    if isinstance(extractor, BaseException):
        raise extractor
    return list(extractor.extract(papers))


class LocalEngine:
    """``workers`` processes on this machine (``workers == 1``: in this process, no pool, with ``extractor``
    when one is given: a pipeline already loaded)."""

    def __init__(self, config: Config, workers: int | None = None, extractor: Extractor | None = None) -> None:
        self.config = config
        self.workers = max(1, workers or config.workers)
        self._pool: ProcessMap | None = None
        self._extractor: Extractor | None = None
        self._given = extractor

    def __enter__(self) -> LocalEngine:
        if self.workers == 1:
            self._extractor = self._given or Extractor(self.config)
        else:
            self._pool = ProcessMap(self.workers, _init_worker, (self.config,)).__enter__()
        return self

    def map_chunks(self, chunks: Iterable[list[Paper]]) -> Iterator[list[PaperMentions]]:
        if self._extractor is not None:
            for chunk in chunks:
                yield list(self._extractor.extract(chunk))
            return
        if self._pool is None:
            raise RuntimeError("use the engine as a context manager")
        for _, mentions in self._pool.map(extract_chunk, chunks):
            yield mentions

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.__exit__(kind, value, tb)
            self._pool = None
        self._extractor = None


# --------------------------------------------------------------------------------------------- Dask
def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as err:
        raise ConfigError("--engine dask needs Dask: pip install 'kg[dask]'") from err
    return distributed


def extractor_plugin(config: Config) -> Any:
    """A Dask ``WorkerPlugin`` that builds the pipeline once when a worker starts (or joins later) and
    holds it for the tasks that worker runs. (The class is made here, not at import, so that Dask stays
    optional; Dask pickles it by value.)"""
    plugin_base: Any = _import_distributed().WorkerPlugin

    class KGExtractorPlugin(plugin_base):
        name = PLUGIN_NAME
        idempotent = False

        def __init__(self, config: Config) -> None:
            self.config = config
            self.extractor: Extractor | None = None

        def setup(self, worker: Any) -> None:
            self.extractor = Extractor(self.config)

        def teardown(self, worker: Any) -> None:
            self.extractor = None

    return KGExtractorPlugin(config)


def extract_chunk_on_worker(papers: list[Paper]) -> list[PaperMentions]:
    """The task a Dask worker runs, with the pipeline its plugin holds."""
    from distributed import get_worker

    plugin: Any = get_worker().plugins[PLUGIN_NAME]  # the KGExtractorPlugin of extractor_plugin()
    return list(plugin.extractor.extract(papers))


class DaskEngine:
    """Extraction on a Dask cluster: ``scheduler`` is its address (``tcp://host:8786``); without one, a
    ``LocalCluster`` of ``config.workers`` single-threaded worker processes is started and stopped here."""

    def __init__(self, config: Config, scheduler: str | None = None, workers: int | None = None) -> None:
        self.config = config
        self.scheduler = scheduler if scheduler is not None else (config.scheduler or None)
        self.workers = max(1, workers or config.workers)
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskEngine:
        distributed = _import_distributed()
        if self.scheduler:
            self._client = distributed.Client(self.scheduler)
        else:
            self._cluster = distributed.LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self._client = distributed.Client(self._cluster)
        self._client.register_plugin(extractor_plugin(self.config), name=PLUGIN_NAME)
        return self

    def map_chunks(self, chunks: Iterable[list[Paper]]) -> Iterator[list[PaperMentions]]:
        if self._client is None:
            raise RuntimeError("use the engine as a context manager")
        n_workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        yield from ordered_map(
            lambda chunk: self._client.submit(extract_chunk_on_worker, chunk, pure=False),
            lambda future: future.result(),
            chunks,
            window=2 * n_workers,
        )

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._client is not None:
            try:
                self._client.unregister_worker_plugin(PLUGIN_NAME)
            except Exception:  # noqa: BLE001 - the cluster may be gone already
                pass
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


EngineFactory = Callable[..., Engine]
ENGINES: Mapping[str, EngineFactory] = MappingProxyType({"local": LocalEngine, "dask": DaskEngine})


def get_engine(name: str) -> EngineFactory:
    """The engine registered under ``name``; an unknown name raises ``ConfigError``."""
    try:
        return ENGINES[name]
    except KeyError:
        raise unknown_name("extraction engine", name, list(ENGINES)) from None


# ------------------------------------------------------------------------------------------ progress
class Progress:
    """A one-line progress report on stderr: count, rate and (when the total is known) ETA.

    Redrawn at most every ``every`` seconds; silent when ``enabled`` is false.

    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progress(total=10, desc="extract", enabled=True, stream=out, every=0)
    >>> bar.update(5); bar.close()
    >>> "extract" in out.getvalue() and "5/10" in out.getvalue() and "ETA" in out.getvalue()
    True
    """

    def __init__(
        self,
        total: int | None = None,
        desc: str = "",
        enabled: bool = False,
        stream: IO[str] | None = None,
        every: float = 0.5,
        unit: str = "papers",
    ) -> None:
        self.total = total
        self.desc = desc
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self.unit = unit
        self.n = 0
        self._start = time.monotonic()
        self._last = -1.0e9

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if self.enabled and now - self._last >= self.every:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._start, 1e-9)
        rate = self.n / elapsed
        text = f"{self.desc}: {self.n}" + (f"/{self.total}" if self.total else "") + f" {self.unit}, {rate:.1f}/s"
        if self.total:
            left = (self.total - self.n) / rate if rate > 0 else 0.0
            text += f", {100 * self.n / self.total:.0f}%, ETA {_clock(left)}"
        text += f", {_clock(elapsed)} elapsed"
        self.stream.write("\r" + text.ljust(78))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    """``h:mm:ss`` or ``m:ss``.

    >>> _clock(3725), _clock(59)
    ('1:02:05', '0:59')
    """
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
