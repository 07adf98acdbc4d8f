#!/usr/bin/env python3
"""Policy of .github/: what actionlint does not check.

Actions pinned to full commit SHAs with a version comment, one SHA per action,
least-privilege permissions per job, releases that never race, no secret in a
build argument, and the pieces the delivery depends on (ci runs ./dev test,
release builds every service with the one Dockerfile, promote uses a token
that starts workflows, Dependabot watches Maven, Actions and Docker).
"""

from __future__ import annotations

import re
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/ci free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import passfail  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github/workflows"
CONTRACT_SERVICES = {"task-service", "notification-service", "recurring-service", "realtime-service"}
# A folder of liberty-apps/ with a Liberty server is a service (as for the POM's liberty-service profile).
LIBERTY_SERVER = Path("src/main/liberty/config/server.xml")

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$")
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})$")
VERSION_COMMENT = re.compile(r"^\s+#\s+v\d+\.\d+\.\d+\s*$")


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def jobs(text: str) -> dict[str, str]:
    """job id -> the text of its block (jobs are at two-space indent under jobs:)."""
    result: dict[str, list[str]] = {}
    inside, current = False, None
    for line in text.splitlines():
        if re.match(r"^jobs:\s*$", line):
            inside = True
            continue
        if not inside:
            continue
        if line and not line[0].isspace() and not line.startswith("#"):
            break
        m = re.match(r"^  ([A-Za-z_][\w-]*):\s*$", line)
        if m:
            current = m.group(1)
            result[current] = []
        elif current:
            result[current].append(line)
    return {k: "\n".join(v) for k, v in result.items()}


class WorkflowPolicy(unittest.TestCase):
    def test_workflows_exist(self):
        names = {p.stem for p in workflow_files()}
        self.assertTrue({"ci", "release", "promote"} <= names, names)

    def test_actions_pinned_to_commit_sha_with_version_comment(self):
        for path in workflow_files():
            for number, line in enumerate(read(path).splitlines(), 1):
                m = USES.match(line)
                if not m or m.group("ref").startswith("./"):
                    continue
                where = f"{path.relative_to(ROOT)}:{number}"
                self.assertRegex(m.group("ref"), PINNED, f"{where}: pin to a full 40-hex commit SHA")
                self.assertRegex(m.group("comment"), VERSION_COMMENT, f"{where}: add '# vX.Y.Z' after the SHA")

    def test_one_sha_per_action(self):
        seen: dict[str, set[str]] = {}
        for path in workflow_files():
            for line in read(path).splitlines():
                m = USES.match(line)
                p = m and PINNED.match(m.group("ref"))
                if p:
                    seen.setdefault(p.group("action"), set()).add(p.group("sha") + m.group("comment").strip())
        for action, pins in seen.items():
            self.assertEqual(len(pins), 1, f"{action} is pinned differently across workflows: {pins}")

    def test_permissions_empty_by_default_and_set_per_job(self):
        for path in workflow_files():
            text = read(path)
            self.assertRegex(text, r"(?m)^permissions:\s*\{\}\s*$",
                             f"{path.name}: start from 'permissions: {{}}' at the top")
            found = jobs(text)
            self.assertTrue(found, f"{path.name}: no jobs found")
            for job, body in found.items():
                self.assertRegex(body, r"(?m)^    permissions:", f"{path.name}: job {job} sets no permissions:")
                self.assertNotRegex(body, r"(?m)^\s+[a-z-]+:\s*write-all|^    permissions:\s*write-all",
                                    f"{path.name}: job {job}")

    def test_run_steps_use_bash_with_pipefail(self):
        for path in workflow_files():
            self.assertRegex(read(path), r"(?m)^defaults:\n  run:\n    shell: bash$", path.name)

    def test_no_secret_in_a_build_argument(self):
        for path in workflow_files():
            lines = read(path).splitlines()
            for i, line in enumerate(lines):
                if re.search(r"--build-arg\b", line):
                    self.assertNotIn("secrets.", line, f"{path.name}:{i + 1}")
                m = re.match(r"^(\s*)build-args:", line)
                if not m:
                    continue
                block = [line]
                for following in lines[i + 1:]:
                    if following.strip() and len(following) - len(following.lstrip()) <= len(m.group(1)):
                        break
                    block.append(following)
                self.assertNotIn("secrets.", "\n".join(block), f"{path.name}:{i + 1}: use build secrets, not build-args")

    def test_release_runs_one_at_a_time_after_ci_on_main(self):
        text = read(WORKFLOWS / "release.yml")
        self.assertRegex(text, r"(?m)^concurrency:\n  group: [^\n$]+\n  cancel-in-progress: false$")
        self.assertRegex(text, r"workflow_run:\n    workflows: \[ci\]\n    types: \[completed\]\n    branches: \[main\]")
        self.assertIn("github.event.workflow_run.conclusion == 'success'", text)
        self.assertIn("tools/ci/release-plan.sh", text)
        self.assertIn("Release-Source: ${SOURCE_SHA}", text)
        self.assertIn("tools/ci/images.py set", text)
        self.assertIn("provenance: mode=max", text)
        self.assertIn("sbom: true", text)

    def test_release_builds_every_service_image(self):
        m = re.search(r"(?m)^\s+service: \[([^\]]*)\]", read(WORKFLOWS / "release.yml"))
        self.assertIsNotNone(m, "release.yml: no matrix.service list")
        matrix = {s.strip() for s in m.group(1).split(",")}
        apps = ROOT / "liberty-apps"
        with_server = {d.name for d in apps.iterdir() if (d / LIBERTY_SERVER).is_file()} if apps.is_dir() else set()
        # A service with a Liberty server that release does not build would never ship.
        self.assertLessEqual(with_server, matrix, "add these services to release.yml's matrix")
        self.assertEqual(matrix, CONTRACT_SERVICES | with_server)

    def test_one_dockerfile_builds_every_service(self):
        apps = ROOT / "liberty-apps"
        self.assertTrue((apps / "Dockerfile").is_file(), "liberty-apps/Dockerfile is missing")
        own = sorted(str(p.relative_to(ROOT)) for p in apps.glob("*/Dockerfile"))
        self.assertEqual(own, [], "a service has no Dockerfile of its own: liberty-apps/Dockerfile builds them all")
        text = read(WORKFLOWS / "release.yml")
        self.assertRegex(text, r"(?m)^\s+context: \.\s*$", "the build context is the repository root")
        self.assertRegex(text, r"(?m)^\s+file: liberty-apps/Dockerfile\s*$", "release builds with liberty-apps/Dockerfile")
        self.assertRegex(text, r"(?m)^\s+SERVICE=\$\{\{ matrix\.service \}\}\s*$", "the service is a build argument")

    def test_ci_runs_what_developers_run(self):
        text = read(WORKFLOWS / "ci.yml")
        self.assertRegex(text, r"(?m)^\s+run: \./dev test\s*$")
        self.assertIn("**/target/surefire-reports", text)
        self.assertIn("**/target/failsafe-reports", text)
        self.assertIn("java-version: \"17\"", text)
        self.assertIn("cache: maven", text)

    def test_promote_moves_the_pin_with_a_token_that_starts_workflows(self):
        text = read(WORKFLOWS / "promote.yml")
        self.assertIn("workflow_dispatch:", text)
        self.assertIn('tools/ci/promote.sh "$TARGET_ENV" "$revision"', text)
        self.assertIn("gitops/releases/${TARGET_ENV}", text)
        self.assertIn("secrets.PROMOTE_TOKEN", text)
        self.assertNotIn("secrets.GITHUB_TOKEN", text)
        self.assertNotRegex(text, r"mvn |docker/build-push-action|buildx", "promotion must not rebuild")

    def test_dependabot_watches_maven_actions_and_docker(self):
        text = read(ROOT / ".github/dependabot.yml")
        for ecosystem in ("maven", "github-actions", "docker"):
            self.assertRegex(text, rf'(?m)^\s+- package-ecosystem: "?{ecosystem}"?\s*$', ecosystem)


if __name__ == "__main__":
    passfail.main(__name__)
