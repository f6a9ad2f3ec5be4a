"""Which English glossary entries (kg/resources/question.toml) have a rendering that occurs in no policy
text we hold? Such an entry can only ever make a question "not found": it translates into nothing.

    python bench/glossary_audit.py [TEXT_DIR ...]   (default: corpus/ and ../shared/corpus/{seed,extra})

Prints the entries none of whose renderings occur, and a count.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or [ROOT / "corpus", ROOT.parent / "shared" / "corpus" / "seed",
                                           ROOT.parent / "shared" / "corpus" / "extra"]
    text = "".join(re.sub(r"\s+", "", p.read_text("utf-8", errors="replace"))
                   for folder in folders for p in folder.rglob("*") if p.suffix in (".txt", ".md"))
    config = tomllib.loads((ROOT / "kg" / "resources" / "question.toml").read_text("utf-8"))
    absent = []
    for table in ("phrases", "glossary"):
        for word, renderings in config[table].items():
            if not any(r in text for r in renderings):
                absent.append((table, word, renderings))
    for table, word, renderings in absent:
        print(f"{table}\t{word}\t{'、'.join(renderings)}")
    total = len(config["phrases"]) + len(config["glossary"])
    print(f"{len(absent)} of {total} entries translate into nothing in {len(text):,} characters of text")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
