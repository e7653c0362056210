"""The score of `make mutation`, per set of rules: reads `mutmut results --all true` on
standard input and takes the sets as arguments, each `name=pattern,pattern` with mutmut's
mutant names (`*` for any part of a name).

Only killed mutants count: a timeout is not a kill until it is shown to be a real endless
loop, and a mutant that no test reaches is a survivor like any other."""

from __future__ import annotations

import sys
from collections import Counter
from fnmatch import fnmatchcase


def main(lines: list[str], sets: list[str]) -> int:
    results = {}
    for line in lines:
        name, sep, status = line.strip().rpartition(": ")
        if sep:
            results[name] = status
    print(f"{'set':<16}{'killed':>8}{'total':>7}{'score':>8}  not killed")
    for spec in sets:
        set_name, _, patterns = spec.partition("=")
        chosen = {
            name: status
            for name, status in results.items()
            if any(fnmatchcase(name, pattern) for pattern in patterns.split(","))
        }
        counts = Counter(chosen.values())
        total = len(chosen)
        killed = counts.pop("killed", 0)
        score = f"{100 * killed / total:.1f}%" if total else "-"
        others = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        print(f"{set_name:<16}{killed:>8}{total:>7}{score:>8}  {others}")
    survivors = sorted(name for name, status in results.items() if status != "killed")
    chosen_names = [
        name
        for name in survivors
        if any(
            fnmatchcase(name, pattern)
            for spec in sets
            for pattern in spec.partition("=")[2].split(",")
        )
    ]
    if chosen_names:
        print("\nNot killed (`.venv/bin/mutmut show NAME` shows the change):")
        for name in chosen_names:
            print(f"  {results[name]:<12} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.stdin.read().splitlines(), sys.argv[1:]))
