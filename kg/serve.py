"""``kg serve``: a graph as a SPARQL 1.1 Protocol endpoint, on the ``oxigraph`` server (``pip install
'kg[serve]'``), the server of the store format kg writes.

A store folder is served as it is (read-only by default: any number of readers, no copy); a graph file
(Turtle, N-Triples, JSON-LD) is first loaded into a temporary store, removed when the server stops. The
server listens on 127.0.0.1 unless told otherwise, answers SPARQL at ``/query`` (GET or POST, every
standard result format) and has a query page at ``/``. A store that a build is writing (its build lock
is held, ``kg.build.lock``) is refused.

>>> endpoint_url("127.0.0.1", 7878)
'http://127.0.0.1:7878/query'
>>> endpoint_url("::", 8000)
'http://[::1]:8000/query'
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.errors import BusyError, ConfigError, KGError, StoreError

INSTALL_HINT = "pip install 'kg[serve]' (the oxigraph server)"
#: seconds to wait for the server to answer once started, and for it to stop once asked
START_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0
_GRAPH_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".jsonld": "JSON_LD", ".json": "JSON_LD"}
_ALL_INTERFACES = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


@dataclass(frozen=True)
class Server:
    """A running endpoint: its URL, the server process and the store folder it serves."""

    url: str
    process: subprocess.Popen
    store: Path
    writable: bool

    def wait(self) -> int:
        """Block until the server process ends; its exit status."""
        return self.process.wait()


def endpoint_url(host: str, port: int) -> str:
    """The query URL of a server bound to ``host``: a wildcard address is reached through loopback."""
    shown = _ALL_INTERFACES.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/query"


def find_server() -> str:
    """The ``oxigraph`` server program: beside this Python (a virtual environment's ``bin``) or on PATH.

    Raises ``KGError`` saying how to install it when it is in neither place.
    """
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise KGError(f"kg serve needs the oxigraph server, which is not installed: {INSTALL_HINT}")
    return found


def server_version(program: str) -> str:
    """The version the server program reports (``oxigraph 0.5.13`` -> ``0.5.13``)."""
    try:
        text = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as err:
        raise KGError(f"{program} does not run ({err}); reinstall it: {INSTALL_HINT}") from err
    return text.split()[-1] if text.split() else "?"


def check_compatible(server: str, library: str) -> None:
    """The server must read the stores pyoxigraph writes: the same major and minor version.

    >>> check_compatible("0.5.13", "0.5.9")
    >>> check_compatible("0.4.11", "0.5.13")
    Traceback (most recent call last):
    kg.errors.KGError: the oxigraph server is 0.4.11 but kg writes stores with pyoxigraph 0.5.13: install the same version, pip install 'oxigraph==0.5.13'
    """
    if server.split(".")[:2] != library.split(".")[:2]:
        raise KGError(
            f"the oxigraph server is {server} but kg writes stores with pyoxigraph {library}: "
            f"install the same version, pip install 'oxigraph=={library}'"
        )


def check_port(host: str, port: int) -> int:
    """``port`` if it is free on ``host`` (0: a free port chosen now), else a ``ConfigError`` saying what
    to do.

    >>> with socket.socket() as taken:
    ...     taken.bind(("127.0.0.1", 0)); taken.listen()
    ...     check_port("127.0.0.1", taken.getsockname()[1])
    Traceback (most recent call last):
    kg.errors.ConfigError: port ... on 127.0.0.1 is taken (another server is listening there): choose another with --port N, or --port 0 for any free one
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"port {port} on {host} is taken (another server is listening there): "
                    "choose another with --port N, or --port 0 for any free one"
                ) from err
            raise ConfigError(f"cannot listen on {host} port {port}: {err.strerror}; check --host and --port") from err
        return probe.getsockname()[1]


def refuse_if_building(store: Path) -> None:
    """A ``BusyError`` when a kg build holds the store's lock (it is writing the store). The lock file is
    only read: a shared ``flock``, tried and let go at once, writes nothing.

    >>> import tempfile
    >>> from kg.build.lock import build_lock
    >>> out = Path(tempfile.mkdtemp())
    >>> with build_lock(out, out / "store"):
    ...     refuse_if_building(out / "store")
    Traceback (most recent call last):
    kg.errors.BusyError: .../store is being written by a kg build (pid ...) while opening the store to serve it ...
    >>> refuse_if_building(out / "store")
    """
    from kg.build.lock import fcntl, lock_path, read_holder

    path = lock_path(store, store=True)
    if fcntl is None:  # pragma: no cover - not POSIX: builds are not locked
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    except BlockingIOError:
        holder = read_holder(path) or "a build starting now"
        raise BusyError(
            f"{store} is being written by a kg build ({holder})",
            "opening the store to serve it",
            path,
            "serve it once the build has ended (or serve an earlier copy)",
        ) from None
    finally:
        os.close(fd)


def load_temporary_store(graph: Path, folder: Path) -> Path:
    """Load a graph file into a new store in ``folder``; the store's path."""
    import pyoxigraph as ox

    if graph.suffix not in _GRAPH_FORMATS:
        from kg.errors import unknown_name

        raise unknown_name("graph file extension", graph.suffix, list(_GRAPH_FORMATS))
    target = folder / "store"
    store = ox.Store(str(target))
    try:
        store.bulk_load(path=str(graph), format=getattr(ox.RdfFormat, _GRAPH_FORMATS[graph.suffix]))
        store.flush()
    except (OSError, SyntaxError, ValueError) as err:
        raise StoreError(f"{graph}: cannot read graph: {err}") from err
    finally:
        del store  # closes the store (and its lock) for the server to open
    return target


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """Linux: the server gets SIGTERM when kg dies, however it dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start(program: str, store: Path, host: str, port: int, writable: bool, log: Path) -> subprocess.Popen:
    mode = ["serve"] if writable else ["serve-read-only"]
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    with open(log, "wb") as out:
        return subprocess.Popen(
            [program, *mode, "--location", str(store), "--bind", address],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )


def _wait_until_listening(process: subprocess.Popen, host: str, port: int, log: Path) -> None:
    """Return once the server accepts connections; a ``StoreError`` with its last words if it ends first."""
    deadline = time.monotonic() + START_TIMEOUT
    target = _ALL_INTERFACES.get(host, host)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            last = said[-1] if said else f"exit status {process.returncode}"
            raise StoreError(f"the oxigraph server stopped at once: {last}")
        try:
            with socket.create_connection((target, port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.05)
    raise StoreError(f"the oxigraph server did not answer within {START_TIMEOUT:g} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running(
    graph: str | Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    writable: bool = False,
    notify: Callable[[str], None] | None = None,
) -> Iterator[Server]:
    """Serve ``graph`` (a store folder or a graph file) for the block; the server is stopped and any
    temporary store removed when it ends, however it ends.

    ``writable`` serves it for SPARQL Update too (a store folder then holds its build lock, so that no
    build writes it meanwhile; a graph file's temporary store is dropped with its changes).
    """
    import pyoxigraph

    from kg.store import is_store

    graph = Path(graph)
    program = find_server()
    check_compatible(server_version(program), pyoxigraph.__version__)
    if not graph.exists():
        raise StoreError(f"{graph}: no such graph file or store folder; run `kg build` first")
    if graph.is_dir() and not is_store(graph):
        raise StoreError(f"{graph}: not a kg store; build one with `kg build --store {graph}`")
    port = check_port(host, port)
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-serve-")))
        if graph.is_dir():
            refuse_if_building(graph)
            if writable:
                stack.enter_context(_held_build_lock(graph))
            store = graph
        else:
            if notify is not None:
                notify(f"kg: loading {graph} into a temporary store")
            store = load_temporary_store(graph, scratch)
        log = scratch / "server.log"
        process = _start(program, store, host, port, writable, log)
        stack.callback(_stop, process)
        _wait_until_listening(process, host, port, log)
        yield Server(endpoint_url(host, port), process, store, writable)


@contextmanager
def _held_build_lock(store: Path) -> Iterator[None]:
    from kg.build.lock import FileLock, lock_path

    lock = FileLock(lock_path(store, store=True))
    if lock.try_acquire() is not None:  # pragma: no cover - checked just before
        raise BusyError(
            f"{store} is locked by a kg build",
            "opening the store to serve it",
            lock.path,
            "serve it once the build has ended",
        )
    try:
        yield
    finally:
        lock.release()


def examples(url: str) -> str:
    """Ready-to-paste uses of the endpoint (curl, SPARQLWrapper), from ``kg/data/serve-examples.txt``.

    >>> "curl -s http://127.0.0.1:7878/query" in examples("http://127.0.0.1:7878/query")
    True
    """
    template = (Path(__file__).parent / "data" / "serve-examples.txt").read_text(encoding="utf-8")
    return string.Template(template).substitute(url=url, page=url.rsplit("/", 1)[0] + "/")


def _say(line: str) -> None:
    print(line, flush=True)


def serve(
    graph: str | Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    writable: bool = False,
    say: Callable[[str], None] = _say,
) -> int:
    """Serve ``graph`` until Ctrl-C or SIGTERM (then stop the server, remove any temporary store and
    return 0), or until the server ends by itself (1)."""
    with running(graph, host, port, writable, notify=say) as server:
        mode = "read-write" if writable else "read-only"
        try:  # from the first line printed on: a client may stop it as soon as it reads the URL
            say(f"kg: serving {graph} ({mode}) at {server.url}\n\n{examples(server.url)}\nCtrl-C stops the server.")
            status = server.wait()
        except KeyboardInterrupt:
            status = -signal.SIGINT
        if status in (-signal.SIGINT, -signal.SIGTERM):  # Ctrl-C reaches the server too
            say("kg: server stopped")
            return 0
        say(f"kg: the oxigraph server ended by itself (exit status {status})")
        return 1
