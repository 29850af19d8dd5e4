"""Check that imports follow the pipeline: no cycle, no edge against the flow, imports at the top.

`python -m demo.lab.imports` prints the package graph and every breach, and exits non-zero on
one; tests/unit/test_layers.py runs the same check. It reads source files with `ast` and
imports nothing it checks.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent

# What each package may import from demo (besides itself). "demo" is the shared vocabulary at
# the top of the package (config, errors, validate, landmarks, recording): every package may use it.
# The main line flows sources -> pose -> recognition -> mirror -> live -> web; synth and datasets
# are side wings that feed recognition's examples; lab and cli sit on top and are never imported.
ALLOWED: dict[str, set[str]] = {
    "demo": set(),
    "sources": {"demo"},
    "pose": {"demo", "sources"},
    "recognition": {"demo"},
    "datasets": {"demo"},
    "synth": {"demo", "datasets", "recognition"},
    "mirror": {"demo", "synth"},
    "live": {"demo", "sources", "pose", "recognition", "mirror"},
    "web": {"demo", "sources", "live"},
    "lab": {"demo", "sources", "pose", "recognition", "datasets", "synth", "mirror", "live", "web"},
    "cli": {"demo", "sources", "pose", "recognition", "datasets", "synth", "mirror", "live", "web", "lab"},
}
# Third-party imports allowed inside a function, because they are heavy and only some commands
# need them (each costs start-up time or memory the live server must not pay for).
LAZY_OK = {"matplotlib", "mediapipe", "scipy"}


@dataclass(frozen=True)
class Edge:
    """One import: from module `source` (dotted) to `target`, at `line`, `top` if at module level."""

    source: str
    target: str
    line: int
    top: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str) -> str:
    if module == "demo.__main__":  # `python -m demo` is the command line's door
        return "cli"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE_ROOT / parts[1]).is_dir()) else "demo"


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def edges(root: Path = PACKAGE_ROOT) -> list[Edge]:
    """Every import of every module below `root`, demo's own and third-party alike."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path)
        tree = ast.parse(path.read_text(), str(path))
        # A top-level `try: import x / except ImportError` is still at the top (an optional package).
        top_level = {id(n) for n in tree.body}
        top_level |= {id(n) for t in tree.body if isinstance(t, ast.Try) for n in t.body}
        for node in ast.walk(tree):
            top = id(node) in top_level or _in_type_checking(tree, node)
            if isinstance(node, ast.Import):
                found += [Edge(module, a.name, node.lineno, top) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(node, module, path.name == "__init__.py")
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    is_module = (PACKAGE_ROOT.parent / (sub.replace(".", "/") + ".py")).is_file() or \
                        (PACKAGE_ROOT.parent / sub.replace(".", "/")).is_dir()
                    found.append(Edge(module, sub if is_module else target, node.lineno, top))
    return found


def _in_type_checking(tree: ast.Module, node: ast.AST) -> bool:
    return any(isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING" and node in ast.walk(n)
               for n in tree.body)


def breaches(found: list[Edge]) -> list[str]:
    """Edges against the flow, imports hidden in functions, and cycles between modules."""
    out = []
    for e in found:
        own = e.target.startswith("demo")
        if own:
            src, dst = package_of(e.source), package_of(e.target)
            if src != dst and dst not in ALLOWED[src]:
                out.append(f"{e.source}:{e.line} imports {e.target}: {src} may not import {dst}")
        if not e.top and (own or e.target.split(".")[0] not in LAZY_OK):
            out.append(f"{e.source}:{e.line} imports {e.target} inside a function: import it at the top")
    out = list(dict.fromkeys(out))  # `from x import a, b` is one breach, not two
    out += [f"import cycle: {' -> '.join(c)}" for c in cycles(found)]
    return out


def cycles(found: list[Edge]) -> list[list[str]]:
    """Cycles among demo's modules (each reported once, from its smallest member)."""
    graph: dict[str, set[str]] = {}
    for e in found:
        if e.target.startswith("demo") and e.target != e.source:
            graph.setdefault(e.source, set()).add(e.target)
    seen_cycles = []
    for start in sorted(graph):
        stack = [(start, [start])]
        visited = set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    if start == min(path):
                        seen_cycles.append([*path, start])
                elif nxt not in visited and nxt > start:
                    visited.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return seen_cycles


def package_graph(found: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for e in found:
        if e.target.startswith("demo"):
            src, dst = package_of(e.source), package_of(e.target)
            if src != dst:
                graph.setdefault(src, set()).add(dst)
    return graph


def main() -> int:
    found = edges()
    for package, targets in sorted(package_graph(found).items()):
        print(f"{package:12s} -> {', '.join(sorted(targets))}")
    problems = breaches(found)
    for p in problems:
        print(p)
    print(f"{len({e.source for e in found})} modules, {sum(e.target.startswith('demo') for e in found)} "
          f"imports of demo's own, {len(problems)} breaches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
