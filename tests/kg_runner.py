"""Runs ``kg`` commands as separate processes, fast: forked children of one warm process that has kg
imported and the extraction pipeline loaded (a fresh ``kg build`` spends ~3 s on that alone). For the
tests that start many builds: concurrent updates, SIGKILL at random points.

Protocol (JSON lines): the runner prints ``{"ready": true}``; then each line it reads is a list of jobs
``{"argv": [...], "log": PATH, "kill_after": SECONDS or null, "fsize": BYTES (optional)}``, all started
at once (each in its own process, stdout and stderr into ``log``, files limited to ``fsize`` bytes when
asked), SIGKILLed ``kill_after`` seconds after the start when asked;
it answers with a list of ``{"rc": exit code (-9 when killed), "log": text, "seconds": wall time}``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _warm() -> None:
    """Load the extraction pipeline once; every build of a child reuses it."""
    from kg.build import parallel
    from kg.config import Config
    from kg.extract import Extractor

    loaded: dict[object, Extractor] = {}

    def extractor(config: Config) -> Extractor:
        key = (config.use_model, config.min_confidence, config.ner_confidence, config.max_abstract_chars)
        if key not in loaded:
            loaded[key] = Extractor(config)
        return loaded[key]

    parallel.Extractor = extractor  # type: ignore[assignment]
    extractor(Config(use_model=False))
    from kg import vocabulary

    shipped, read = vocabulary.Vocabulary.load(), vocabulary.Vocabulary.load.__func__  # type: ignore[attr-defined]
    # each child has its own copy of the shipped vocabulary (copy on write), read once here
    vocabulary.Vocabulary.load = classmethod(  # type: ignore[method-assign]
        lambda cls, folder=None: shipped if folder is None else read(cls, folder)
    )
    import gc

    import kg.cli  # noqa: F401

    gc.freeze()  # what is loaded stays: the builds' gc.collect() calls then skip it (0.1 s each, not 0.001 s)


def _child(job: dict) -> None:
    """Run one command in this (forked) process and exit with its code; never returns."""
    code = 99
    try:
        fd = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if job.get("fsize") is not None:  # a file size limit: a write past it fails with EFBIG
            import resource

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (job["fsize"], job["fsize"]))
        from kg.cli import main

        code = main(job["argv"])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run(jobs: list[dict]) -> list[dict]:
    """Start every job at once, kill those asked at their time, wait for all."""
    started = time.monotonic()
    pids = []
    for job in jobs:
        pid = os.fork()
        if pid == 0:
            _child(job)
        pids.append(pid)
    for at, pid in sorted(
        (job["kill_after"], pid) for job, pid in zip(jobs, pids) if job.get("kill_after") is not None
    ):
        time.sleep(max(0.0, started + at - time.monotonic()))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    results = []
    for job, pid in zip(jobs, pids):
        _, status = os.waitpid(pid, 0)
        results.append(
            {
                "rc": os.waitstatus_to_exitcode(status),
                "seconds": round(time.monotonic() - started, 3),
                "log": Path(job["log"]).read_text(encoding="utf-8", errors="replace"),
            }
        )
    return results


def main() -> None:
    _warm()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        print(json.dumps(run(json.loads(line))), flush=True)


class Runner:
    """The test side: starts the runner process and sends it jobs.

    >>> Runner  # doctest: +ELLIPSIS
    <class '...Runner'>
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())],
            cwd=ROOT,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert json.loads(self._line())["ready"]

    def _line(self, timeout: float = 300) -> str:
        import select

        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError("the kg runner did not answer")
        return self.proc.stdout.readline()  # type: ignore[union-attr]

    def run(self, jobs: list[dict], timeout: float = 300) -> list[dict]:
        self.proc.stdin.write(json.dumps(jobs) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        return json.loads(self._line(timeout))

    def kg(self, *argv: str, log: Path, kill_after: float | None = None, fsize: int | None = None) -> dict:
        """One command (``kg ARGV``); its result."""
        return self.run([{"argv": list(argv), "log": str(log), "kill_after": kill_after, "fsize": fsize}])[0]

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(timeout=60)


if __name__ == "__main__":
    main()
