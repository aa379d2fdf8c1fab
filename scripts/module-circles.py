#!/usr/bin/env python3
"""Import circles between the modules of each crate (`make lint` runs it).

A module that names another (`use crate::a::b`, `super::x`, a path in code) depends on it; a
circle is a set of modules that depend on each other, directly or through others. Children
naming their ancestors' items, SeaORM's entity relations (`store/entities`) and tests do not
count: those are how Rust nests modules, how the ORM declares relations, and code that is not
shipped. Prints each circle and
exits 1 when there is one.

Usage: scripts/module-circles.py [CRATE_SRC_DIR ...]   (default: every crate of the workspace)
"""
import os
import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
COMMENT = re.compile(r"//[^\n]*")
IGNORED = ("store::entities",)


def modules(src):
    """Module path (tuple) for each .rs file under src."""
    found = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, name), src)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"):
                rel = rel[:-1]
            found[tuple(rel)] = os.path.join(root, name)
    return found


def paths_in(text):
    """Every path the text names, with `use` groups expanded: `a::{b, c::d}` gives a::b, a::c::d."""
    text = COMMENT.sub("", text)
    out = []
    for match in re.finditer(r"\b(crate|super|self)((?:::(?:" + IDENT + r"|\{))+)", text):
        start = match.start()
        head = match.group(1)
        i = match.end(1)
        out.extend(expand(text, i, [head]))
    return out


def expand(text, i, prefix):
    """Paths starting at text[i:] (which begins with `::`), below `prefix`."""
    segs = list(prefix)
    while text.startswith("::", i):
        i += 2
        if i < len(text) and text[i] == "{":
            depth, j = 0, i
            while j < len(text):
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = text[i + 1 : j]
            items, depth, cur = [], 0, ""
            for c in inner:
                depth += c == "{"
                depth -= c == "}"
                if c == "," and depth == 0:
                    items.append(cur)
                    cur = ""
                else:
                    cur += c
            items.append(cur)
            out = []
            for item in items:
                item = item.strip()
                m = re.match(IDENT, item)
                if not m:
                    continue
                first = m.group(0)
                rest = item[m.end() :]
                if first == "self":
                    out.append(segs)
                    continue
                if rest.startswith("::"):
                    out.extend(expand(item, m.end(), segs + [first]))
                else:
                    out.append(segs + [first])
            return out
        m = re.match(IDENT, text[i:])
        if not m:
            break
        segs.append(m.group(0))
        i += m.end()
    return [segs]


def resolve(path, here, known):
    """The module a path names, as the longest known module prefix of its absolute form."""
    absolute = list(here)
    head, rest = path[0], path[1:]
    if head == "crate":
        absolute = []
    elif head == "super":
        absolute = absolute[:-1]
        while rest and rest[0] == "super":
            absolute = absolute[:-1]
            rest = rest[1:]
    absolute = absolute + rest
    for n in range(len(absolute), -1, -1):
        if tuple(absolute[:n]) in known:
            return tuple(absolute[:n])
    return ()


def graph(src):
    known = modules(src)
    edges = {m: set() for m in known}
    for module, file in known.items():
        if module and (module[-1] == "tests" or module[-1].endswith("_tests")):
            continue
        with open(file, encoding="utf-8") as f:
            text = f.read()
        # Test code may use any helper (`testing`): only what the module itself needs counts.
        text = text.split("#[cfg(test)]\nmod ")[0]
        for path in paths_in(text):
            target = resolve(path, module, known)
            # A module's own items, its ancestors' (nesting) and its descendants' are not edges.
            if target[: len(module)] == module or module[: len(target)] == target:
                continue
            name = "::".join(module)
            if any(i in name for i in IGNORED) and any(i in "::".join(target) for i in IGNORED):
                continue
            edges[module].add(target)
    return edges


def circles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, result, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            visit(v)
    return result


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dirs = sys.argv[1:] or [os.path.join(root, d) for d in ("src", "server/src", "app/src", "types/src", "migration/src", "frontend/src")]
    found = 0
    for src in dirs:
        if not os.path.isdir(src):
            continue
        edges = graph(src)
        for component in circles(edges):
            found += 1
            names = ["::".join(m) or "(crate root)" for m in component]
            print(f"{os.path.relpath(src, root)}: " + " <-> ".join(names))
            for m in component:
                inside = sorted("::".join(t) or "(crate root)" for t in edges[m] if t in component)
                print(f"    {'::'.join(m) or '(crate root)'} names {', '.join(inside)}")
    if found:
        print(f"{found} import circle(s)")
        sys.exit(1)
    print("no import circles")


if __name__ == "__main__":
    main()
