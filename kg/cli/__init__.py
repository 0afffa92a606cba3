"""The ``kg`` command: a thin layer over ``kg.build`` and ``kg.query``. Only here do errors become
exit codes (1 general, an environment fault or a busy output folder, 2 bad input or usage, 3 validation
failed) and one-line messages (``--debug`` shows the traceback too)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kg.cli.parser import parser
from kg.errors import KGError

__all__ = ["main", "parser"]


def _report(error: object, debug: bool) -> None:
    """An error in one line on stderr; with ``--debug``, the traceback before it."""
    if debug:
        import traceback

        traceback.print_exc()
    print(f"kg: error: {error}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    import signal
    import threading

    args = parser().parse_args(argv)

    class Terminated(KeyboardInterrupt):
        """SIGTERM, raised like Ctrl-C so that ``finally`` blocks (the staging folder's removal) run."""

    def on_sigterm(signum: int, frame: object) -> None:
        raise Terminated()

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, on_sigterm) if in_main_thread else None
    try:
        return args.func(args)
    except KGError as err:
        _report(err, args.debug)
        return err.exit_code
    except OSError as err:  # an environment fault outside a build (a build says more: kg.build.faults)
        from kg.build.faults import describe

        problem, hint = describe(err)
        where = f" ({err.filename})" if err.filename else ""
        _report(f"{problem} while running `kg {args.command}`{where}: {hint}", args.debug)
        return 1
    except KeyboardInterrupt as err:
        print("kg: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 143 if isinstance(err, Terminated) else 130
    finally:
        if in_main_thread and previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
