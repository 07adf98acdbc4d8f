#!/usr/bin/env python3
"""Read and change the `images:` digests of the GitOps overlays.

One tool for the two writers of image digests: the release workflow sets the
digests it has just pushed into the Minikube overlay, and promotion copies the
digests one overlay runs into the next. Both change only the `digest:` (and,
where it differs, `newName:`) lines of an overlay's kustomization.yaml and
keep every comment, key order, quote and indentation, so a promotion diff is
exactly the digests that move. `kustomize edit set image` would do the same
job but rewrites the whole file (it sorts the images and drops comments).

Standard library only: this runs where neither kustomize nor PyYAML exists.

    overlay_images.py show <env>
    overlay_images.py set <env> <name>=<newName>@sha256:<hex> ...
    overlay_images.py promote [<from-env> [<to-env>]]     (minikube -> cloud)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

OVERLAYS_DIR = Path("gitops/overlays")
KUSTOMIZATION = "kustomization.yaml"
# Our services' images are named todo/<service> in the base; other images
# (for example an in-cluster Redis in one overlay only) are not promoted.
SERVICE_IMAGE_PREFIX = "todo/"
# What makes a folder of liberty-apps/ a service with an image (liberty-apps/Dockerfile).
LIBERTY_SERVER = Path("src/main/liberty/config/server.xml")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
ENV_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_IMAGES_KEY = re.compile(r"^images:[ \t]*(?:#.*)?$")
_IMAGES_FLOW = re.compile(r"^images:[ \t]*[\[{]")
_FIELD = re.compile(
    r"^(?P<lead>[ \t]*(?:-[ \t]+)?)(?P<key>[A-Za-z][A-Za-z0-9_]*):"
    r"(?P<sep>[ \t]*)(?P<value>[^#]*?)(?P<tail>[ \t]+#.*|[ \t]*)$"
)


class OverlayError(Exception):
    """A problem with an overlay that stops the change; nothing is written."""


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
    """One overlay's kustomization.yaml, kept as text lines."""

    def __init__(self, root: Path, env: str):
        if not ENV_NAME.match(env):
            raise OverlayError(f"bad environment name {env!r}: use lower-case letters, digits and '-'")
        self.env = env
        self.rel_path = OVERLAYS_DIR / env / KUSTOMIZATION
        self.path = root / self.rel_path
        if not self.path.is_file():
            raise OverlayError(f"environment {env!r} has no overlay: {self.rel_path} does not exist")
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

    def service_images(self) -> list[str]:
        return [n for n in self.images if n.startswith(SERVICE_IMAGE_PREFIX)]

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
            raise OverlayError(f"{self.rel_path}: image {name} has newTag:; overlays pin images by digest only")
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
        fd, tmp = tempfile.mkstemp(prefix=".kustomization.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write("".join(self.lines))
            shutil.copymode(self.path, tmp)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self._original = list(self.lines)


def _unquote(value: str) -> tuple[str, str]:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1], value[0]
    return value, ""


def liberty_services(root: Path) -> list[str]:
    """Image names of the services that release builds: every liberty-apps/<svc> with a Liberty
    server (src/main/liberty/config/server.xml), the same test as the POM's liberty-service profile."""
    apps = root / "liberty-apps"
    if not apps.is_dir():
        return []
    return sorted(SERVICE_IMAGE_PREFIX + d.name for d in apps.iterdir() if (d / LIBERTY_SERVER).is_file())


def promote(root: Path, source_env: str, target_env: str, out=sys.stdout) -> int:
    """Copy every service digest (and newName) of source_env into target_env."""
    if source_env == target_env:
        raise OverlayError(f"cannot promote {source_env} into itself")
    source = Overlay(root, source_env)
    target = Overlay(root, target_env)

    names = sorted(set(source.service_images()) | set(target.service_images()) | set(liberty_services(root)))
    if not names:
        raise OverlayError(f"no {SERVICE_IMAGE_PREFIX}* images in {source.rel_path} or {target.rel_path}")
    problems = []
    for name in names:
        for overlay in (source, target):
            if name not in overlay.images:
                problems.append(f"{name} is missing from {overlay.rel_path}")
        if name in source.images:
            digest = source.value(name, "digest")
            if digest is None or not DIGEST.match(digest):
                problems.append(f"{name} in {source.rel_path} has no sha256:<64 hex> digest (found {digest!r})")
    if problems:
        raise OverlayError(f"promote {source_env} -> {target_env}: " + "; ".join(problems))

    moved = 0
    for name in names:
        old = target.value(name, "digest")
        new = source.value(name, "digest")
        if target.set_image(name, source.value(name, "newName"), new):
            moved += 1
            print(f"{name}: {old} -> {new}", file=out)
        else:
            print(f"{name}: unchanged {new}", file=out)
    if target.changed():
        target.write()
    print(f"promoted {moved} of {len(names)} images from {source_env} to {target_env}", file=out)
    return moved


def set_images(root: Path, env: str, specs: list[str], out=sys.stdout) -> int:
    overlay = Overlay(root, env)
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


def show(root: Path, env: str, out=sys.stdout) -> None:
    overlay = Overlay(root, env)
    for name in overlay.images:
        print(f"{name} {overlay.value(name, 'newName') or '-'} {overlay.value(name, 'digest') or '-'}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2],
                        help="repository root (default: the one holding this script)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("show", help="print name, newName and digest of each image")
    p.add_argument("env")
    p = sub.add_parser("set", help="set images to <newName>@<digest>")
    p.add_argument("env")
    p.add_argument("images", nargs="+", metavar="NAME=NEWNAME@DIGEST")
    p = sub.add_parser("promote", help="copy the service image digests of one overlay into another")
    p.add_argument("source", nargs="?", default="minikube")
    p.add_argument("target", nargs="?", default="cloud")
    args = parser.parse_args(argv)
    try:
        if args.command == "show":
            show(args.root, args.env)
        elif args.command == "set":
            set_images(args.root, args.env, args.images)
        else:
            promote(args.root, args.source, args.target)
    except OverlayError as e:
        print(f"overlay_images: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
