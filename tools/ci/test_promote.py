#!/usr/bin/env python3
"""The promotion contract, checked on a copy of this repository.

Promotion (tools/ci/promote.sh, run by the promote workflow) moves the cloud's
pinned revision, the two `# pinned revision` lines of
gitops/releases/cloud/root.yaml, to a commit, and changes nothing else: the
commit brings its configuration and its image digests (gitops/images) with it.
The main test copies the repository into a fresh git repository, runs the
copy's own promote.sh there, and diffs the copy against an untouched snapshot:
the only difference allowed is those two lines, now the commit's sha; a
rollback (promoting the earlier commit) restores the file byte for byte.
Release (tools/ci/images.py) changes only digest and newName lines of
gitops/images.
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
PIN = "gitops/releases/cloud/root.yaml"
IMAGES = "gitops/images/kustomization.yaml"
SERVICES = ["task-service", "notification-service", "recurring-service", "realtime-service"]
SCRIPTS = ("promote.sh", "release_pin.py", "images.py", "textfile.py")
# Build output and local platform state: not part of the repository.
SKIP_DIRS = {".git", "target", ".dev", "node_modules"}
SHA = re.compile(r"^[0-9a-f]{40}$")


def fake_digest(seed: str) -> str:
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def fixture_images(digest_seed: str, services=SERVICES, registry="ghcr.io/todo-platform") -> str:
    entries = "".join(
        f"  - name: todo/{svc}\n"
        f"    newName: {registry}/{svc}\n"
        f"    digest: {fake_digest(digest_seed + svc)}\n"
        for svc in services
    )
    return (
        "# Fixture images component (tools/ci/test_promote.py).\n"
        "apiVersion: kustomize.config.k8s.io/v1alpha1\n"
        "kind: Component\n"
        "images:\n"
        f"{entries}"
    )


def fixture_pin(sha: str, other: str | None = None) -> str:
    return (
        "# Fixture pin (tools/ci/test_promote.py).\n"
        "apiVersion: argoproj.io/v1alpha1\n"
        "kind: Application\n"
        "metadata:\n"
        "  name: root\n"
        "spec:\n"
        "  source:\n"
        f"    targetRevision: {sha} # pinned revision\n"
        "    kustomize:\n"
        "      patches:\n"
        "        - patch: |-\n"
        "            - op: replace\n"
        "              path: /spec/source/targetRevision\n"
        f"              value: {other or sha}   # pinned revision\n"
    )


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
         "-c", "commit.gpgsign=false", *args],
        check=True, capture_output=True, text=True,
    ).stdout.strip()


def init_repo(repo: Path) -> str:
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot")
    return git(repo, "rev-parse", "HEAD")


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
    for script in SCRIPTS:
        (dest / "tools/ci").mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "tools/ci" / script, dest / "tools/ci" / script)


def run_promote(repo: Path, *args: str) -> subprocess.CompletedProcess:
    # Run from elsewhere: the script must find its repository on its own.
    return subprocess.run(
        ["bash", str(repo / "tools/ci/promote.sh"), *args],
        cwd=tempfile.gettempdir(), capture_output=True, text=True,
    )


def diff_tree(a: Path, b: Path) -> str:
    return subprocess.run(["diff", "-r", "-U0", "-x", ".git", str(a), str(b)], capture_output=True, text=True).stdout


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
    """Runs promote.sh (default: cloud, HEAD) on a git copy of the real repository."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="promote-contract."))
        cls.work = cls.tmp / "work"
        cls.baseline = cls.tmp / "baseline"
        copy_repo(ROOT, cls.work)
        cls.first = init_repo(cls.work)
        # a later commit on main, the one Minikube runs now
        (cls.work / "README.md").write_text((cls.work / "README.md").read_text() + "\nlater\n")
        git(cls.work, "commit", "-q", "-am", "later")
        cls.head = git(cls.work, "rev-parse", "HEAD")
        shutil.copytree(cls.work, cls.baseline, symlinks=True)
        cls.pinned_before = (cls.work / PIN).read_bytes()
        cls.result = run_promote(cls.work)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_promote_succeeds(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr + self.result.stdout)

    def test_the_pin_is_the_commit_minikube_runs(self):
        text = (self.work / PIN).read_text()
        pinned = re.findall(r"(?:targetRevision|value):\s*(\S+)\s+# pinned revision", text)
        self.assertEqual(pinned, [self.head, self.head], text)

    def test_only_the_two_pinned_lines_changed(self):
        diff = diff_tree(self.baseline, self.work)
        self.assertEqual(changed_files(diff, self.work), {PIN}, diff)
        lines = changed_lines(diff)
        self.assertEqual(len([l for l in lines if l.startswith("-")]), 2, diff)
        self.assertEqual(len([l for l in lines if l.startswith("+")]), 2, diff)
        for line in lines:
            self.assertRegex(line, r"^[-+]\s*(targetRevision|value):\s*[0-9a-f]{40}\s+# pinned revision\s*$",
                             f"unexpected change: {line}")

    def test_second_promotion_changes_nothing(self):
        again = run_promote(self.work)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("already at", again.stdout)
        self.assertEqual(diff_tree(self.baseline, self.work).count("+++"), 1)

    def test_rollback_restores_the_file_byte_for_byte(self):
        rolled = self.tmp / "rolled"
        shutil.copytree(self.work, rolled, symlinks=True)
        before = re.search(r"targetRevision:\s*(\S+)", self.pinned_before.decode()).group(1)
        # the earlier pin is a commit of the real repository, not of the copy: pin it directly
        result = subprocess.run([sys.executable, str(rolled / "tools/ci/release_pin.py"), "--root", str(rolled),
                                 "set", "cloud", before], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual((rolled / PIN).read_bytes(), self.pinned_before)

    def test_a_ref_that_is_not_a_commit_fails_and_writes_nothing(self):
        bad = run_promote(self.work, "cloud", "no-such-branch")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("is not a commit", bad.stderr)
        self.assertEqual(diff_tree(self.baseline, self.work).count("+++"), 1)

    def test_a_branch_is_pinned_as_its_sha(self):
        branchy = self.tmp / "branchy"
        shutil.copytree(self.work, branchy, symlinks=True)
        git(branchy, "branch", "-f", "candidate", self.first)
        result = run_promote(branchy, "cloud", "candidate")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"targetRevision: {self.first} # pinned revision", (branchy / PIN).read_text())


class PinRules(unittest.TestCase):
    """Edge cases of release_pin.py and images.py on small fixture repositories."""

    def setUp(self):
        self.repo = Path(tempfile.mkdtemp(prefix="promote-rules."))
        (self.repo / "tools/ci").mkdir(parents=True)
        for script in SCRIPTS:
            shutil.copy2(ROOT / "tools/ci" / script, self.repo / "tools/ci" / script)

    def tearDown(self):
        shutil.rmtree(self.repo, ignore_errors=True)

    def write(self, rel: str, text: str) -> Path:
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def pin(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(self.repo / "tools/ci/release_pin.py"), *args],
                              capture_output=True, text=True)

    def assert_pin_fails_untouched(self, needle: str, *args: str):
        before = (self.repo / PIN).read_bytes()
        result = self.pin(*args)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn(needle, result.stderr)
        self.assertEqual((self.repo / PIN).read_bytes(), before, "a failed promotion must write nothing")

    def test_comments_and_spacing_are_kept(self):
        old, new = "a" * 40, "b" * 40
        self.write(PIN, fixture_pin(old))
        result = self.pin("set", "cloud", new)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual((self.repo / PIN).read_text(), fixture_pin(new))

    def test_only_a_full_sha_is_pinned(self):
        self.write(PIN, fixture_pin("a" * 40))
        for ref in ("main", "v1.2.0", "abc1234", "A" * 40):
            self.assert_pin_fails_untouched("is not a full 40-hex commit sha", "set", "cloud", ref)

    def test_lines_that_disagree_fail(self):
        self.write(PIN, fixture_pin("a" * 40, "c" * 40))
        self.assert_pin_fails_untouched("the pinned lines disagree", "set", "cloud", "b" * 40)

    def test_a_missing_pinned_line_fails(self):
        self.write(PIN, fixture_pin("a" * 40).replace("   # pinned revision", ""))
        self.assert_pin_fails_untouched("want exactly two", "set", "cloud", "b" * 40)

    def test_unknown_environment_fails(self):
        self.write(PIN, fixture_pin("a" * 40))
        self.assert_pin_fails_untouched("environment 'staging' is not pinned", "set", "staging", "b" * 40)

    def test_release_sets_digests_keeping_everything_else(self):
        original = fixture_images("m-")
        self.write(IMAGES, original)
        new = fake_digest("release")
        result = subprocess.run(
            [sys.executable, str(self.repo / "tools/ci/images.py"), "set",
             f"todo/task-service=ghcr.io/acme/task-service@{new}"],
            capture_output=True, text=True,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = original.replace(fake_digest("m-task-service"), new).replace(
            "ghcr.io/todo-platform/task-service", "ghcr.io/acme/task-service")
        self.assertEqual((self.repo / IMAGES).read_text(), expected)

    def test_release_refuses_an_image_the_component_does_not_list(self):
        self.write(IMAGES, fixture_images("m-"))
        result = subprocess.run(
            [sys.executable, str(self.repo / "tools/ci/images.py"), "set",
             f"todo/audit-service=ghcr.io/acme/audit-service@{fake_digest('x')}"],
            capture_output=True, text=True,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no images: entry named todo/audit-service", result.stderr)

    def test_release_refuses_a_tag(self):
        self.write(IMAGES, fixture_images("m-"))
        result = subprocess.run(
            [sys.executable, str(self.repo / "tools/ci/images.py"), "set",
             "todo/task-service=ghcr.io/acme/task-service@latest"],
            capture_output=True, text=True,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("is not a sha256:<64 hex> digest", result.stderr)


if __name__ == "__main__":
    passfail.main(__name__)
