#!/usr/bin/env python3
"""Policy of .github/: what actionlint does not check.

Actions pinned to full commit SHAs with a version comment, one SHA per action,
least-privilege permissions per job, releases that never race, no secret in a
build argument, and the pieces the delivery depends on (ci runs ./dev test,
release builds every service with the one Dockerfile, promote uses a token
that starts workflows, Renovate watches every pinned dependency), and the
image rules: every image built is smoke-tested and scanned before anything
uses it, only release pushes, for linux/amd64 and linux/arm64, weekly too.
"""

from __future__ import annotations

import json
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

    def test_renovate_alone_watches_every_pinned_dependency(self):
        self.assertEqual(renovate_problems(read(RENOVATE), (ROOT / ".github/dependabot.yml").is_file()), [])

    def test_images_are_tested_before_use_and_pushed_only_by_release(self):
        texts = {p.name: read(p) for p in workflow_files()}
        self.assertEqual(image_problems(texts), [])


RENOVATE = ROOT / ".github/renovate.json"


def renovate_problems(text: str, dependabot: bool) -> list[str]:
    """Renovate manages Actions, Maven, the Go modules of tools/, the Argo CD Applications' charts
    and the base image's digest; Dependabot does not manage the same (no version updates)."""
    try:
        config = json.loads(text)
    except ValueError as e:
        return [f"renovate.json: {e}"]
    problems = []
    managers = set(config.get("enabledManagers", []))
    for manager in ("github-actions", "maven", "gomod", "argocd", "custom.regex"):
        if manager not in managers:
            problems.append(f"renovate.json: enabledManagers lacks {manager}")
    if "/^tools/" not in json.dumps(config.get("gomod", {}).get("managerFilePatterns", [])):
        problems.append("renovate.json: gomod must cover the Go modules of tools/")
    if "gitops/argocd" not in json.dumps(config.get("argocd", {}).get("managerFilePatterns", [])):
        problems.append("renovate.json: argocd must cover gitops/argocd (its managerFilePatterns has no default)")
    base = [m for m in config.get("customManagers", []) if "liberty-apps/Dockerfile" in json.dumps(m)]
    if not base or "currentDigest" not in json.dumps(base) or "docker" != base[0].get("datasourceTemplate"):
        problems.append("renovate.json: a custom manager must keep the Dockerfile's base image (tag and digest)")
    if not any(r.get("pinDigests") for r in config.get("packageRules", [])):
        problems.append("renovate.json: the base image's digest must be pinned (pinDigests)")
    if dependabot:
        problems.append(".github/dependabot.yml: Renovate manages the dependencies; two bots would open two pull requests each")
    return problems


def steps(job: str) -> list[str]:
    """The steps of a job's text, each as its lines (a step starts at '      - ')."""
    out: list[list[str]] = []
    for line in job.splitlines():
        if re.match(r"^      - ", line):
            out.append([line])
        elif out:
            out[-1].append(line)
    return ["\n".join(s) for s in out]


def first(found: list[int]) -> int:
    return found[0] if found else -1


def image_problems(texts: dict[str, str]) -> list[str]:
    """Every image a workflow builds is run as Kubernetes runs it (tools/ci/smoke-image.sh) and
    scanned (fails on fixable CRITICAL vulnerabilities) in the same job before it is tagged,
    attested or recorded; ci builds every service on pull requests without pushing (amd64, loaded
    into the runner's Docker); release alone pushes, by digest, for linux/amd64 and linux/arm64,
    and also runs weekly; attestation is skipped where it is unavailable."""
    problems = []
    for name, text in texts.items():
        for job_id, job in jobs(text).items():
            where = f"{name} job {job_id}"
            body = steps(job)
            builds = [i for i, st in enumerate(body) if "docker/build-push-action@" in st]
            pushes = [i for i, st in enumerate(body)
                      if re.search(r"push: true|push=true|docker push|imagetools create", st)]
            if pushes and name != "release.yml":
                problems.append(f"{where}: pushes an image; only release pushes")
            for b in builds:
                smoke = first([i for i, st in enumerate(body) if i > b and "tools/ci/smoke-image.sh" in st])
                scan = first([i for i, st in enumerate(body) if i > b and "aquasecurity/trivy-action@" in st])
                if smoke < 0:
                    problems.append(f"{where}: the image built is not smoke-tested (tools/ci/smoke-image.sh) after its build")
                if scan < 0:
                    problems.append(f"{where}: the image built is not scanned (aquasecurity/trivy-action) after its build")
                else:
                    for setting in ("severity: CRITICAL", "ignore-unfixed: true", 'exit-code: "1"'):
                        if setting not in body[scan]:
                            problems.append(f"{where}: the scan must fail on fixable criticals ({setting})")
                for i, st in enumerate(body):
                    uses = re.search(r"imagetools create|attest-build-provenance@|Record the digest", st)
                    if uses and i > b and not (0 <= smoke < i and 0 <= scan < i):
                        problems.append(f"{where}: step {i + 1} ({uses.group(0)}) comes before the smoke test and the scan")
                    if "attest-build-provenance@" in st and not re.search(r"(?m)^\s+if:", st):
                        problems.append(f"{where}: attestation needs an if: (unavailable for private repositories on free plans)")
                if name == "ci.yml":
                    for setting in ("push: false", "load: true", "platforms: linux/amd64"):
                        if not re.search(rf"(?m)^\s+{re.escape(setting)}\s*$", body[b]):
                            problems.append(f"{where}: the pull-request build needs {setting}")
                if name == "release.yml":
                    if not re.search(r"(?m)^\s+platforms: linux/amd64,linux/arm64\s*$", body[b]):
                        problems.append(f"{where}: release builds platforms: linux/amd64,linux/arm64")
                    if not any("docker/setup-qemu-action@" in st for st in body[:b]):
                        problems.append(f"{where}: arm64 needs docker/setup-qemu-action before the build")
                    if "push-by-digest=true" not in body[b]:
                        problems.append(f"{where}: push by digest, tag only after the tests")
    ci_jobs = [j for j in jobs(texts.get("ci.yml", "")).values() if "docker/build-push-action@" in j]
    release_jobs = [j for j in jobs(texts.get("release.yml", "")).values() if "docker/build-push-action@" in j]
    matrix = re.compile(r"(?m)^\s+service: \[([^\]]*)\]")
    for label, found in (("ci", ci_jobs), ("release", release_jobs)):
        m = found and matrix.search(found[0])
        if not m or {x.strip() for x in m.group(1).split(",")} != CONTRACT_SERVICES:
            problems.append(f"{label}: one job builds every service image (matrix.service)")
    if ci_jobs and "pull_request" not in texts["ci.yml"]:
        problems.append("ci.yml: the images are built on pull requests")
    if not re.search(r"(?m)^  schedule:\n    - cron: \S", texts.get("release.yml", "")):
        problems.append("release.yml: a weekly schedule rebuilds the images (base image and OS fixes)")
    return problems


class RuleFixtures(unittest.TestCase):
    """The image and Renovate rules reject broken copies of this repository's files."""

    def setUp(self):
        self.texts = {p.name: read(p) for p in workflow_files()}

    def broken(self, name: str, old: str, new: str, count: int = 1) -> dict[str, str]:
        self.assertIn(old, self.texts[name], f"{name} lacks {old!r}")
        return dict(self.texts, **{name: self.texts[name].replace(old, new, count)})

    def assertProblem(self, texts: dict[str, str], fragment: str):
        problems = image_problems(texts)
        self.assertTrue(any(fragment in p for p in problems), f"want {fragment!r} in {problems}")

    def test_pull_request_build_that_pushes(self):
        self.assertProblem(self.broken("ci.yml", "push: false", "push: true"), "only release pushes")

    def test_build_without_smoke_test(self):
        self.assertProblem(self.broken("ci.yml", 'run: tools/ci/smoke-image.sh "todo/${SERVICE}:ci"', "run: echo skipped"),
                           "not smoke-tested")

    def test_scan_that_does_not_fail(self):
        self.assertProblem(self.broken("release.yml", 'exit-code: "1"', 'exit-code: "0"'), "fail on fixable criticals")

    def test_release_for_one_platform(self):
        self.assertProblem(self.broken("release.yml", "platforms: linux/amd64,linux/arm64", "platforms: linux/amd64"),
                           "linux/amd64,linux/arm64")

    def test_tag_before_the_tests(self):
        text = self.texts["release.yml"]
        smoke = text.index("      - name: Smoke test the pushed image")
        tag = text.index("      - name: Tag the tested image")
        attest = text.index("      - name: Attestations available?")
        moved = text[:smoke] + text[tag:attest] + text[smoke:tag] + text[attest:]
        self.assertProblem(dict(self.texts, **{"release.yml": moved}), "comes before the smoke test")

    def test_attestation_without_condition(self):
        self.assertProblem(self.broken("release.yml", "        if: steps.attest.outputs.available == 'true'\n", ""),
                           "attestation needs an if:")

    def test_no_weekly_rebuild(self):
        self.assertProblem(self.broken("release.yml", '  schedule:\n    - cron: "23 5 * * 1" # Mondays 05:23 UTC\n', ""),
                           "weekly schedule")

    def test_a_service_not_built_on_pull_requests(self):
        self.assertProblem(self.broken("ci.yml", "service: [task-service, notification-service, recurring-service, realtime-service]",
                                       "service: [task-service]"), "ci: one job builds every service")

    def test_renovate_without_base_image_or_with_dependabot(self):
        config = json.loads(read(RENOVATE))
        config["customManagers"] = []
        problems = renovate_problems(json.dumps(config), dependabot=True)
        self.assertTrue(any("base image" in p for p in problems), problems)
        self.assertTrue(any("dependabot" in p for p in problems), problems)


if __name__ == "__main__":
    passfail.main(__name__)
