#!/usr/bin/env python3
"""When release builds: tools/ci/release-plan.sh on small Git histories.

Images are built when their inputs changed since the last release; a merged
promotion, a GitOps or docs change and a reverted digest commit (rollback)
build nothing, so Minikube keeps what the operator chose.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/ci free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import passfail  # noqa: E402

PLAN = Path(__file__).resolve().parent / "release-plan.sh"
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
DEV = ("Dana Developer", "dana@example.org")


class ReleasePlan(unittest.TestCase):
    def setUp(self):
        self.repo = Path(tempfile.mkdtemp(prefix="release-plan."))
        self.git("init", "-q", "-b", "main")
        self.commit("source v1", {"pom.xml": "<project/>\n", "liberty-apps/task-service/App.java": "v1\n",
                                  "gitops/images/kustomization.yaml": "images: []\n"})

    def tearDown(self):
        shutil.rmtree(self.repo, ignore_errors=True)

    def git(self, *args: str, who=DEV) -> str:
        env = dict(os.environ, GIT_AUTHOR_NAME=who[0], GIT_AUTHOR_EMAIL=who[1],
                   GIT_COMMITTER_NAME=who[0], GIT_COMMITTER_EMAIL=who[1],
                   GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
        return subprocess.run(["git", "-C", str(self.repo), *args], check=True, capture_output=True,
                              text=True, env=env).stdout.strip()

    def commit(self, message: str, files: dict[str, str], who=DEV) -> str:
        for name, text in files.items():
            path = self.repo / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, who=who)
        return self.git("rev-parse", "HEAD")

    def release(self, source: str, digest: str) -> str:
        """What release's deploy job commits: new digests plus the Release-Source trailer."""
        return self.commit(
            f"deploy(minikube): images of {source[:12]}\n\nBuilt once by release run 1:\n"
            f"todo/task-service=ghcr.io/acme/task-service@sha256:{digest * 64}\n\nRelease-Source: {source}",
            {"gitops/images/kustomization.yaml": f"images: [{digest}]\n"}, who=BOT)

    def plan(self, source: str) -> str:
        result = subprocess.run(["bash", str(PLAN), source], cwd=self.repo, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def test_first_release_builds(self):
        self.assertEqual(self.plan("HEAD"), "release=true")

    def test_source_change_since_last_release_builds(self):
        self.release(self.git("rev-parse", "HEAD"), "a")
        v2 = self.commit("source v2", {"liberty-apps/task-service/App.java": "v2\n"})
        self.assertEqual(self.plan(v2), "release=true")

    def test_gitops_docs_and_promotion_changes_build_nothing(self):
        self.release(self.git("rev-parse", "HEAD"), "a")
        self.commit("docs", {"README.md": "# todo\n"})
        promoted = self.commit("promote(cloud)", {"gitops/releases/cloud/root.yaml": "targetRevision: a\n"})
        self.assertEqual(self.plan(promoted), "release=false")

    def test_reverted_digest_commit_stays_rolled_back(self):
        v1 = self.git("rev-parse", "HEAD")
        self.release(v1, "a")
        v2 = self.commit("source v2", {"liberty-apps/task-service/App.java": "v2\n"})
        bad = self.release(v2, "b")
        self.git("revert", "--no-edit", bad)
        rollback = self.git("rev-parse", "HEAD")
        self.assertEqual(self.plan(rollback), "release=false")
        v3 = self.commit("source v3 (the fix)", {"liberty-apps/task-service/App.java": "v3\n"})
        self.assertEqual(self.plan(v3), "release=true")

    def test_a_developer_commit_with_the_trailer_does_not_count(self):
        v1 = self.git("rev-parse", "HEAD")
        self.commit(f"hand edit\n\nRelease-Source: {v1}",
                    {"gitops/images/kustomization.yaml": "images: [x]\n"})
        self.assertEqual(self.plan("HEAD"), "release=true")


if __name__ == "__main__":
    passfail.main(__name__)
