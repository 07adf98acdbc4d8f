#!/usr/bin/env python3
"""Read and move the revision a pinned environment runs (gitops/releases/<env>/root.yaml).

A pinned environment (the cloud) runs one commit of this repository, everything
included: Application definitions, charts and their values, the overlay,
dapr-config/ and the image digests of gitops/images at that commit. Its pin is
the two lines marked `# pinned revision` in root.yaml (the root Application's
targetRevision, and the patch that gives the same commit to every Application
that sources this repository). Promotion moves both to a commit Minikube ran;
rollback moves them back. Nothing else in the file changes, so a promotion
diff is exactly the revision that moves.

Standard library only.

    release_pin.py show [<env>]
    release_pin.py set <env> <commit sha, 40 hex>
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/ci free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
from textfile import replace_lines  # noqa: E402

RELEASES_DIR = Path("gitops/releases")
ENV_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SHA = re.compile(r"^[0-9a-f]{40}$")
MARKER = "# pinned revision"
_PINNED = re.compile(
    r"^(?P<lead>[ \t]*(?:targetRevision|value):[ \t]*)(?P<sha>\S+)(?P<tail>[ \t]+# pinned revision[ \t]*)$"
)


class PinError(Exception):
    """A problem with the pin that stops the change; nothing is written."""


class Pin:
    """One environment's root.yaml, kept as text lines."""

    def __init__(self, root: Path, env: str):
        if not ENV_NAME.match(env):
            raise PinError(f"bad environment name {env!r}: use lower-case letters, digits and '-'")
        self.rel_path = RELEASES_DIR / env / "root.yaml"
        self.path = root / self.rel_path
        if not self.path.is_file():
            raise PinError(f"environment {env!r} is not pinned: {self.rel_path} does not exist")
        with open(self.path, encoding="utf-8", newline="") as f:
            self.lines = f.read().splitlines(keepends=True)
        self.pinned = []  # (index, match)
        for i, raw in enumerate(self.lines):
            body = raw.rstrip("\r\n")
            if MARKER in body:
                m = _PINNED.match(body)
                if not m:
                    raise PinError(f"{self.rel_path}:{i + 1}: a {MARKER!r} line must be 'targetRevision: <sha>' or 'value: <sha>'")
                self.pinned.append((i, m))
        if len(self.pinned) != 2:
            raise PinError(f"{self.rel_path}: want exactly two {MARKER!r} lines (the root's targetRevision and its patch), found {len(self.pinned)}")
        shas = {m.group("sha") for _, m in self.pinned}
        if len(shas) != 1:
            raise PinError(f"{self.rel_path}: the pinned lines disagree: {sorted(shas)}")
        self.revision = shas.pop()
        if not SHA.match(self.revision):
            raise PinError(f"{self.rel_path}: pinned revision {self.revision!r} is not a 40-hex commit sha")

    def set(self, revision: str) -> bool:
        if not SHA.match(revision):
            raise PinError(f"{revision!r} is not a full 40-hex commit sha (a branch or tag would move by itself)")
        if revision == self.revision:
            return False
        for i, m in self.pinned:
            raw = self.lines[i]
            body = raw.rstrip("\r\n")
            self.lines[i] = m.group("lead") + revision + m.group("tail") + raw[len(body):]
        replace_lines(self.path, self.lines)
        self.revision = revision
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2],
                        help="repository root (default: the one holding this script)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("show", help="print the pinned revision")
    p.add_argument("env", nargs="?", default="cloud")
    p = sub.add_parser("set", help="pin the environment to a commit")
    p.add_argument("env")
    p.add_argument("revision")
    args = parser.parse_args(argv)
    try:
        pin = Pin(args.root, args.env)
        if args.command == "show":
            print(pin.revision)
        else:
            old = pin.revision
            if pin.set(args.revision):
                print(f"{args.env}: {old} -> {args.revision}")
            else:
                print(f"{args.env}: already at {args.revision}")
    except PinError as e:
        print(f"release_pin: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
