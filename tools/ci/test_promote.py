#!/usr/bin/env python3
"""The promotion contract, checked on a copy of this repository.

Promotion (tools/ci/promote.sh, run by the promote workflow) copies exactly
the `images:` digests that one overlay runs into the next and changes nothing
else. The main test copies the repository, runs the copy's own promote.sh in
the copy, and diffs the copy against an untouched snapshot: the only
difference allowed is the digest (and differing newName) lines of
gitops/overlays/cloud/kustomization.yaml. While the real overlays do not exist
yet, fixture overlays stand in for them (the test says so in its output).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/ci free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import passfail  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "gitops/overlays/minikube/kustomization.yaml"
TARGET = "gitops/overlays/cloud/kustomization.yaml"
SERVICES = ["task-service", "notification-service", "recurring-service", "realtime-service"]
# Build output and local platform state: not part of the repository.
SKIP_DIRS = {".git", "target", ".dev", "node_modules"}


def fake_digest(seed: str) -> str:
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def fixture_overlay(env: str, digest_seed: str, services=SERVICES, registry="ghcr.io/todo-platform") -> str:
    entries = "".join(
        f"  - name: todo/{svc}\n"
        f"    newName: {registry}/{svc}\n"
        f"    digest: {fake_digest(digest_seed + svc)}\n"
        for svc in services
    )
    return (
        f"# Fixture {env} overlay (tools/ci/test_promote.py).\n"
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
        "kind: Kustomization\n"
        "resources:\n"
        "  - ../../../kustomize  # the base\n"
        "# Images by digest: release sets minikube, promote copies to cloud.\n"
        "images:\n"
        f"{entries}"
        "labels:\n"
        "  - pairs:\n"
        f"      todo.dev/environment: {env}\n"
    )


def image_digests(text: str) -> dict[str, tuple[str | None, str | None]]:
    """name -> (newName, digest) of the images: block; a reader independent of overlay_images.py."""
    images: dict[str, list] = {}
    current = None
    inside = False
    for line in text.splitlines():
        if re.match(r"^images:\s*(#.*)?$", line):
            inside = True
            continue
        if not inside or not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            break
        m = re.match(r"^\s*(?:-\s+)?(name|newName|digest):\s*['\"]?([^'\"\s#]+)", line)
        if re.match(r"^\s*-\s", line):
            current = [None, None, None]
        if m and current is not None:
            current[["name", "newName", "digest"].index(m.group(1))] = m.group(2)
            if current[0]:
                images[current[0]] = current
    return {name: (v[1], v[2]) for name, v in images.items()}


def repo_files(root: Path) -> list[str]:
    """Files of the working tree that belong to the repository (tracked or not ignored)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True,
        ).stdout.decode()
        names = [n for n in out.split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            names += [os.path.relpath(os.path.join(dirpath, f), root) for f in filenames]
    return sorted({n for n in names if not SKIP_DIRS.intersection(Path(n).parts)})


def copy_repo(root: Path, dest: Path) -> None:
    for name in repo_files(root):
        src = root / name
        if not (src.is_file() or src.is_symlink()):
            continue  # deleted in the working tree
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / name, follow_symlinks=False)
    # The scripts under test always come from this checkout, even if not listed.
    for script in ("promote.sh", "overlay_images.py"):
        (dest / "tools/ci").mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "tools/ci" / script, dest / "tools/ci" / script)


def run_promote(repo: Path, *args: str) -> subprocess.CompletedProcess:
    # Run from elsewhere: the script must find its repository on its own.
    return subprocess.run(
        ["bash", str(repo / "tools/ci/promote.sh"), *args],
        cwd=tempfile.gettempdir(), capture_output=True, text=True,
    )


def diff_tree(a: Path, b: Path) -> str:
    return subprocess.run(["diff", "-r", "-U0", str(a), str(b)], capture_output=True, text=True).stdout


def changed_lines(diff: str) -> list[str]:
    return [l for l in diff.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---"))]


def changed_files(diff: str, base: Path) -> set[str]:
    files = set()
    for line in diff.splitlines():
        if line.startswith("+++ "):
            files.add(os.path.relpath(line[4:].split("\t")[0], base))
        elif line.startswith("Only in ") or line.startswith("Binary files "):
            files.add(line)
    return files


class PromotionContractOnThisRepository(unittest.TestCase):
    """Runs promote.sh (default minikube -> cloud) on a copy of the real repository."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="promote-contract."))
        cls.baseline = cls.tmp / "baseline"
        cls.work = cls.tmp / "work"
        copy_repo(ROOT, cls.baseline)
        for rel, env, seed in ((SOURCE, "minikube", "m-"), (TARGET, "cloud", "c-")):
            path = cls.baseline / rel
            if not path.exists():
                print(f"NOTE {rel} does not exist yet: the contract runs on a fixture overlay", flush=True)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(fixture_overlay(env, seed))
        # Give minikube fresh digests so that the promotion has something to move,
        # whatever the two overlays hold today. Only the digest values change.
        source = cls.baseline / SOURCE
        counter = iter(range(1_000_000))
        source.write_text(re.sub(
            r"(digest:\s*['\"]?)sha256:[0-9a-f]{64}",
            lambda m: m.group(1) + fake_digest(f"contract-{next(counter)}"),
            source.read_text(),
        ))
        shutil.copytree(cls.baseline, cls.work, symlinks=True)
        cls.result = run_promote(cls.work)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_promote_succeeds(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr + self.result.stdout)

    def test_cloud_runs_exactly_the_minikube_digests(self):
        source = image_digests((self.work / SOURCE).read_text())
        target = image_digests((self.work / TARGET).read_text())
        services = {n for n in source if n.startswith("todo/")}
        self.assertTrue(services, "no todo/* images in the minikube overlay")
        self.assertEqual(services, {n for n in target if n.startswith("todo/")})
        for name in services:
            self.assertEqual(target[name], source[name], name)

    def test_only_the_cloud_digest_lines_changed(self):
        diff = diff_tree(self.baseline, self.work)
        self.assertEqual(changed_files(diff, self.work), {TARGET}, diff)
        lines = changed_lines(diff)
        self.assertTrue(lines, "promotion changed nothing although minikube had new digests")
        for line in lines:
            self.assertRegex(line, r"^[-+]\s*(- )?(digest|newName):\s", f"unexpected change: {line}")
        removed = [l for l in lines if l.startswith("-")]
        added = [l for l in lines if l.startswith("+")]
        self.assertEqual(len(removed), len(added), diff)

    def test_second_promotion_changes_nothing(self):
        after_first = self.tmp / "after-first"
        shutil.copytree(self.work, after_first, symlinks=True)
        again = run_promote(after_first)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(diff_tree(self.work, after_first), "")
        self.assertIn("promoted 0 of", again.stdout)


class PromotionRules(unittest.TestCase):
    """Edge cases on small fixture repositories."""

    def setUp(self):
        self.repo = Path(tempfile.mkdtemp(prefix="promote-rules."))
        (self.repo / "tools/ci").mkdir(parents=True)
        for script in ("promote.sh", "overlay_images.py"):
            shutil.copy2(ROOT / "tools/ci" / script, self.repo / "tools/ci" / script)

    def tearDown(self):
        shutil.rmtree(self.repo, ignore_errors=True)

    def write(self, rel: str, text: str) -> Path:
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def assert_fails_untouched(self, needle: str, *args: str):
        before = (self.repo / TARGET).read_bytes()
        result = run_promote(self.repo, *args)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn(needle, result.stderr)
        self.assertEqual((self.repo / TARGET).read_bytes(), before, "a failed promotion must write nothing")
        return result

    def test_service_missing_from_target_fails_clearly(self):
        self.write(SOURCE, fixture_overlay("minikube", "m-"))
        self.write(TARGET, fixture_overlay("cloud", "c-", services=SERVICES[:3]))
        result = self.assert_fails_untouched("todo/realtime-service is missing from gitops/overlays/cloud")
        self.assertIn("promote minikube -> cloud", result.stderr)

    def test_service_missing_from_source_fails_clearly(self):
        self.write(SOURCE, fixture_overlay("minikube", "m-", services=SERVICES[1:]))
        self.write(TARGET, fixture_overlay("cloud", "c-"))
        self.assert_fails_untouched("todo/task-service is missing from gitops/overlays/minikube")

    def test_service_with_a_liberty_server_but_no_image_entry_fails(self):
        self.write(SOURCE, fixture_overlay("minikube", "m-"))
        self.write(TARGET, fixture_overlay("cloud", "c-"))
        self.write("liberty-apps/audit-service/src/main/liberty/config/server.xml", "<server/>\n")
        self.assert_fails_untouched("todo/audit-service is missing from gitops/overlays/minikube")

    def test_source_without_a_real_digest_fails(self):
        self.write(SOURCE, fixture_overlay("minikube", "m-").replace(fake_digest("m-task-service"), "sha256:abc"))
        self.write(TARGET, fixture_overlay("cloud", "c-"))
        self.assert_fails_untouched("todo/task-service in gitops/overlays/minikube/kustomization.yaml has no sha256")

    def test_unknown_environment_fails(self):
        self.write(SOURCE, fixture_overlay("minikube", "m-"))
        self.write(TARGET, fixture_overlay("cloud", "c-"))
        self.assert_fails_untouched("environment 'staging' has no overlay", "minikube", "staging")

    def test_comments_order_quotes_and_other_images_are_kept(self):
        a, b = fake_digest("new-a"), fake_digest("new-b")
        self.write(SOURCE, (
            "images:\n"
            "- name: todo/task-service\n"
            "  newName: ghcr.io/todo-platform/task-service\n"
            f"  digest: {a}\n"
            "- name: todo/realtime-service\n"
            "  newName: ghcr.io/todo-platform/realtime-service\n"
            f"  digest: {b}\n"
            "- name: redis\n"
            "  newTag: 7.4-alpine\n"
        ))
        cloud = (
            "# Cloud: managed Kafka and PostgreSQL.\n"
            "resources:\n"
            "  - ../../../kustomize\n"
            "images:  # set by promotion only\n"
            "  # realtime first, on purpose\n"
            "  - newName: ghcr.io/todo-platform/realtime-service\n"
            "    name: todo/realtime-service   # broadcast consumer\n"
            f"    digest: \"{fake_digest('old-b')}\"   # keep this comment\n"
            "\n"
            "  - name: todo/task-service\n"
            "    newName: ghcr.io/other-registry/task-service\n"
            f"    digest: '{fake_digest('old-a')}'\n"
            "  - name: postgres-proxy\n"
            f"    digest: {fake_digest('proxy')}\n"
            "patches:\n"
            "  - path: sizing.yaml\n"
        )
        self.write(TARGET, cloud)
        result = run_promote(self.repo)
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = (
            cloud.replace(fake_digest("old-b"), b)
            .replace(fake_digest("old-a"), a)
            .replace("ghcr.io/other-registry/task-service", "ghcr.io/todo-platform/task-service")
        )
        self.assertEqual((self.repo / TARGET).read_text(), expected)

    def test_missing_newname_is_added_under_the_name(self):
        self.write(SOURCE, fixture_overlay("minikube", "m-"))
        self.write(TARGET, fixture_overlay("cloud", "c-").replace("    newName: ghcr.io/todo-platform/task-service\n", ""))
        result = run_promote(self.repo)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual((self.repo / TARGET).read_text(), fixture_overlay("cloud", "m-"))

    def test_release_sets_digests_the_same_way(self):
        original = fixture_overlay("minikube", "m-")
        self.write(SOURCE, original)
        new = fake_digest("release")
        result = subprocess.run(
            [sys.executable, str(self.repo / "tools/ci/overlay_images.py"), "set", "minikube",
             f"todo/task-service=ghcr.io/acme/task-service@{new}"],
            capture_output=True, text=True,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = original.replace(fake_digest("m-task-service"), new).replace(
            "ghcr.io/todo-platform/task-service", "ghcr.io/acme/task-service")
        self.assertEqual((self.repo / SOURCE).read_text(), expected)

    def test_release_refuses_an_image_the_overlay_does_not_list(self):
        self.write(SOURCE, fixture_overlay("minikube", "m-"))
        result = subprocess.run(
            [sys.executable, str(self.repo / "tools/ci/overlay_images.py"), "set", "minikube",
             f"todo/audit-service=ghcr.io/acme/audit-service@{fake_digest('x')}"],
            capture_output=True, text=True,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no images: entry named todo/audit-service", result.stderr)


if __name__ == "__main__":
    passfail.main(__name__)
