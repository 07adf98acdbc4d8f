#!/usr/bin/env python3
"""Read and change the service image digests every environment runs (gitops/images).

The release workflow sets the digests it has just pushed; every overlay uses
the component, so an environment runs the digests of the revision it runs, and
promotion moves a revision, never a digest (tools/ci/release_pin.py). Only the
`digest:` (and, where it differs, `newName:`) lines change; every comment, key
order, quote and indentation stays, so a release diff is exactly the digests
that move. `kustomize edit set image` would do the same job but rewrites the
whole file (it sorts the images and drops comments).

Standard library only: this runs where neither kustomize nor PyYAML exists.

    images.py show
    images.py set <name>=<newName>@sha256:<hex> ...
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/ci free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
from textfile import replace_lines  # noqa: E402

IMAGES_FILE = Path("gitops/images/kustomization.yaml")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")

_IMAGES_KEY = re.compile(r"^images:[ \t]*(?:#.*)?$")
_IMAGES_FLOW = re.compile(r"^images:[ \t]*[\[{]")
_FIELD = re.compile(
    r"^(?P<lead>[ \t]*(?:-[ \t]+)?)(?P<key>[A-Za-z][A-Za-z0-9_]*):"
    r"(?P<sep>[ \t]*)(?P<value>[^#]*?)(?P<tail>[ \t]+#.*|[ \t]*)$"
)


class OverlayError(Exception):
    """A problem with the images file that stops the change; nothing is written."""


@dataclass
class Field:
    line: int  # index into Overlay.lines
    value: str  # unquoted
    quote: str  # '', '"' or "'"


@dataclass
class ImageEntry:
    first_line: int
    key_column: int  # column where this entry's keys start
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        f = self.fields.get("name")
        return f.value if f else None


class Overlay:
    """The images component's kustomization.yaml, kept as text lines."""

    def __init__(self, root: Path):
        self.rel_path = IMAGES_FILE
        self.path = root / self.rel_path
        if not self.path.is_file():
            raise OverlayError(f"{self.rel_path} does not exist")
        with open(self.path, encoding="utf-8", newline="") as f:
            self.lines = f.read().splitlines(keepends=True)
        self._original = list(self.lines)
        self.images = self._parse_images()

    # -- reading -----------------------------------------------------------

    def _parse_images(self) -> dict[str, ImageEntry]:
        start = None
        for i, raw in enumerate(self.lines):
            line = raw.rstrip("\r\n")
            if _IMAGES_FLOW.match(line):
                raise OverlayError(f"{self.rel_path}: write images: as a block list, not in flow style")
            if _IMAGES_KEY.match(line):
                if start is not None:
                    raise OverlayError(f"{self.rel_path}: images: appears twice")
                start = i
        if start is None:
            raise OverlayError(f"{self.rel_path}: no images: list")

        entries: list[ImageEntry] = []
        item_column = None
        for i in range(start + 1, len(self.lines)):
            line = self.lines[i].rstrip("\r\n")
            stripped = line.lstrip(" \t")
            if not stripped or stripped.startswith("#"):
                continue
            column = len(line) - len(stripped)
            is_item = stripped == "-" or stripped.startswith(("- ", "-\t"))
            if column == 0 and not is_item:
                break  # the next top-level key ends the list
            if is_item and (item_column is None or column == item_column):
                item_column = column
                rest = stripped[1:]
                key_column = column + 1 + (len(rest) - len(rest.lstrip(" \t")))
                entries.append(ImageEntry(first_line=i, key_column=key_column))
                if not rest.strip():
                    continue
            elif not entries:
                raise OverlayError(f"{self.rel_path}:{i + 1}: expected a list item under images:")
            entry = entries[-1]
            m = _FIELD.match(line)
            if not m or len(m.group("lead")) != entry.key_column:
                continue  # deeper or unrelated content; image entries hold only scalars
            value, quote = _unquote(m.group("value"))
            key = m.group("key")
            if key in entry.fields:
                raise OverlayError(f"{self.rel_path}:{i + 1}: {key}: given twice in one image entry")
            entry.fields[key] = Field(line=i, value=value, quote=quote)

        images: dict[str, ImageEntry] = {}
        for entry in entries:
            if not entry.name:
                raise OverlayError(f"{self.rel_path}:{entry.first_line + 1}: image entry without a name:")
            if entry.name in images:
                raise OverlayError(f"{self.rel_path}: image {entry.name} is listed twice")
            images[entry.name] = entry
        return images

    def value(self, name: str, key: str) -> str | None:
        f = self.images[name].fields.get(key)
        return f.value if f else None

    # -- changing ----------------------------------------------------------

    def set_image(self, name: str, new_name: str | None, digest: str) -> bool:
        """Point image `name` at `new_name@digest`; return True when it changed."""
        entry = self.images.get(name)
        if entry is None:
            raise OverlayError(f"{self.rel_path}: no images: entry named {name}; add one (name, newName, digest)")
        if not DIGEST.match(digest):
            raise OverlayError(f"{name}: {digest!r} is not a sha256:<64 hex> digest")
        if "newTag" in entry.fields:
            raise OverlayError(f"{self.rel_path}: image {name} has newTag:; images are pinned by digest only")
        if "digest" not in entry.fields:
            raise OverlayError(f"{self.rel_path}: image {name} has no digest: line to update")
        changed = self._replace(entry.fields["digest"], digest)
        if new_name is not None and new_name != self.value(name, "newName"):
            if "newName" in entry.fields:
                changed = self._replace(entry.fields["newName"], new_name) or changed
            else:
                self._insert_after(entry, entry.fields["name"].line, f"newName: {new_name}")
                changed = True
        return changed

    def _replace(self, f: Field, new_value: str) -> bool:
        raw = self.lines[f.line]
        body = raw.rstrip("\r\n")
        m = _FIELD.match(body)
        assert m is not None
        old = m.group("value")
        new = f"{f.quote}{new_value}{f.quote}"
        if old == new:
            return False
        self.lines[f.line] = body[: m.start("value")] + new + body[m.end("value") :] + raw[len(body) :]
        f.value = new_value
        return True

    def _insert_after(self, entry: ImageEntry, index: int, text: str) -> None:
        eol = self.lines[index][len(self.lines[index].rstrip("\r\n")) :] or "\n"
        self.lines.insert(index + 1, " " * entry.key_column + text + eol)
        # Line numbers after the insertion moved by one: parse again.
        self.images = self._parse_images()

    def changed(self) -> bool:
        return self.lines != self._original

    def write(self) -> None:
        """Replace the file atomically, keeping its mode."""
        replace_lines(self.path, self.lines)
        self._original = list(self.lines)


def _unquote(value: str) -> tuple[str, str]:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1], value[0]
    return value, ""


def set_images(root: Path, specs: list[str], out=sys.stdout) -> int:
    overlay = Overlay(root)
    changes = []
    for spec in specs:
        m = re.match(r"^(?P<name>[^=\s]+)=(?P<new_name>[^@\s]+)@(?P<digest>\S+)$", spec)
        if not m:
            raise OverlayError(f"bad image spec {spec!r}: expected <name>=<newName>@sha256:<hex>")
        changes.append((m.group("name"), m.group("new_name"), m.group("digest")))
    moved = 0
    for name, new_name, digest in changes:
        if overlay.set_image(name, new_name, digest):
            moved += 1
            print(f"{name}: {new_name}@{digest}", file=out)
        else:
            print(f"{name}: unchanged {new_name}@{digest}", file=out)
    if overlay.changed():
        overlay.write()
    return moved


def show(root: Path, out=sys.stdout) -> None:
    overlay = Overlay(root)
    for name in overlay.images:
        print(f"{name} {overlay.value(name, 'newName') or '-'} {overlay.value(name, 'digest') or '-'}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2],
                        help="repository root (default: the one holding this script)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("show", help="print name, newName and digest of each image")
    p = sub.add_parser("set", help="set images to <newName>@<digest>")
    p.add_argument("images", nargs="+", metavar="NAME=NEWNAME@DIGEST")
    args = parser.parse_args(argv)
    try:
        if args.command == "show":
            show(args.root)
        else:
            set_images(args.root, args.images)
    except OverlayError as e:
        print(f"images: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
