// Package render builds kustomizations with the pinned kustomize binary, the
// same version that the pinned Argo CD bundles, so what the checks see is
// what Argo CD applies.
package render

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"todo.local/tools/manifests/internal/manifest"
)

// KustomizeVersion is the kustomize that Argo CD 3.5.1 bundles.
const KustomizeVersion = "v5.8.1"

// RepoRoot is the repository root: REPO_ROOT when set, otherwise found from
// this source file's location (tools/manifests/internal/render).
func RepoRoot() string {
	if root := os.Getenv("REPO_ROOT"); root != "" {
		return root
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", "..", ".."))
}

var (
	versionOnce sync.Once
	versionErr  error
	cache       sync.Map // dir -> result
)

type result struct {
	objects []manifest.Object
	err     error
}

func kustomize() (string, error) {
	bin := os.Getenv("KUSTOMIZE")
	if bin == "" {
		return "", fmt.Errorf("KUSTOMIZE is not set: run tools/manifests/check.sh, which builds kustomize %s", KustomizeVersion)
	}
	versionOnce.Do(func() {
		out, err := exec.Command(bin, "version").Output()
		if err != nil {
			versionErr = fmt.Errorf("%s version: %w", bin, err)
			return
		}
		if got := strings.TrimSpace(string(out)); got != KustomizeVersion {
			versionErr = fmt.Errorf("%s is kustomize %s, want %s", bin, got, KustomizeVersion)
		}
	})
	return bin, versionErr
}

// Build renders a kustomization directory, given relative to the repository
// root, and parses the output. Results are cached per directory.
func Build(dir string) ([]manifest.Object, error) {
	if r, ok := cache.Load(dir); ok {
		return r.(result).objects, r.(result).err
	}
	objects, err := build(dir)
	cache.Store(dir, result{objects, err})
	return objects, err
}

// BuildYAML renders a kustomization directory and returns the raw output.
func BuildYAML(dir string) ([]byte, error) {
	bin, err := kustomize()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "build", filepath.Join(RepoRoot(), dir))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func build(dir string) ([]manifest.Object, error) {
	out, err := BuildYAML(dir)
	if err != nil {
		return nil, err
	}
	objects, err := manifest.Parse(out)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	return objects, nil
}
