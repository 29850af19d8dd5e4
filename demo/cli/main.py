"""The command line: `python -m demo [COMMAND] ...`, a registry of commands, one module each.

Each command module (demo/cli/<module>.py) has `add_arguments(parser)` and `run(args) -> int`;
the registry below names it and holds its help. Only the chosen command's module is imported
(`importlib`), so the live server does not load the lab's benchmarks and plots. Errors from the
stages are printed with their fix and a non-zero exit status, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from dataclasses import dataclass

from demo.errors import DemoError


@dataclass(frozen=True)
class Command:
    name: str
    module: str                    # demo/cli/<module>.py
    help: str
    aliases: tuple[str, ...] = ()  # old spellings, kept for one release


COMMANDS = (
    Command("run", "run", "start the demo server (the default command)"),
    Command("pose-models", "pose_models", "download or build the pose model files", aliases=("models",)),
    Command("extract", "extract", "turn videos into landmark recordings"),
    Command("mocap", "mocap", "turn HDM05 ASF/AMC clips into one landmark recording"),
    Command("actions", "actions", "list, show, add, remove, export or import action classes"),
    Command("classify", "classify", "classify clips with the action library"),
    Command("eval", "eval", "measure the recogniser on labelled clips"),
    Command("skeletons", "skeletons", "goal vs meaningless on Kinect skeleton sets (MSR, UTKinect, GTU)"),
    Command("mirror", "mirror", "the mirror-unit model: plot its typical responses", aliases=("model",)),
    Command("bench", "bench", "measure pose, pipeline and round-trip speed"),
    Command("figures", "figures", "measure again, or check, the figures quoted in README and docs"),
    Command("soak", "soak", "run both paths for a long time; print memory, latency and errors"),
)
BY_NAME = {n: c for c in COMMANDS for n in (c.name, *c.aliases)}


def _default_command_help() -> str:
    """`run`'s options, for the top-level help: with no command, the server starts."""
    p = argparse.ArgumentParser(prog="python -m demo [run]", add_help=False,
                                description="With no command, the server starts; its options:")
    importlib.import_module(f"demo.cli.{BY_NAME['run'].module}").add_arguments(p)
    return p.format_help()


def build_parser(chosen: Command | None = None, full_help: bool = False) -> argparse.ArgumentParser:
    """Every command with its help; the arguments of `chosen` only (its module is imported);
    `full_help`: the default command's options too (only `python -m demo --help` asks)."""
    parser = argparse.ArgumentParser(prog="python -m demo", description="Mirror: a live mirror-neuron demo.",
                                     epilog=_default_command_help() if full_help else None,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    for c in COMMANDS:
        p = sub.add_parser(c.name, aliases=list(c.aliases), help=c.help)
        if c is chosen:
            importlib.import_module(f"demo.cli.{c.module}").add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in BY_NAME and argv[0] not in ("-h", "--help")):
        argv.insert(0, "run")
    chosen = BY_NAME.get(argv[0])
    args = build_parser(chosen, full_help=argv[0] in ("-h", "--help")).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return importlib.import_module(f"demo.cli.{chosen.module}").run(args)
    except DemoError as e:
        print(f"error: {e.message}", file=sys.stderr)
        if e.fix:
            print(f"  fix: {e.fix}", file=sys.stderr)
        return 2
    except OSError as e:  # a missing or unreadable file named on the command line
        print(f"error: {e.strerror or e}: {e.filename or ''}", file=sys.stderr)
        print("  fix: check the path and the file's permissions.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
