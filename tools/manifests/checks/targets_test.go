package checks

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
	"todo.local/tools/manifests/internal/render"
	"todo.local/tools/manifests/internal/schema"
)

// The environments: one overlay each, differing in the Kafka variant.
const (
	minikubeOverlay = "gitops/overlays/minikube"
	cloudOverlay    = "gitops/overlays/cloud"
)

var overlays = []string{minikubeOverlay, cloudOverlay}

// Everything Argo CD renders with kustomize, from the repository root.
var kustomizations = []string{
	minikubeOverlay,
	cloudOverlay,
	"gitops/argocd/minikube",
	"gitops/argocd/cloud",
	"gitops/releases/cloud",
	"gitops/platform/minikube",
	"kustomize",
	"dapr-config",
}

// Plain manifests applied by hand at bootstrap.
const plainManifests = "gitops/argocd/bootstrap/*.yaml gitops/argocd/install/*.yaml"

// The services; each is a folder of kustomize/ and the image todo/<service>.
var services = map[string]bool{
	"task-service":         true,
	"notification-service": true,
	"recurring-service":    true,
	"realtime-service":     true,
}

// servicePort is the one port every service's Liberty listens on in its pod
// (HTTP_PORT), so no manifest carries a port of its own per service.
const servicePort = 9080

// serviceShape is the Kustomize Component that every service folder applies.
const serviceShape = "kustomize/components/liberty-service"

func serviceNames() []string {
	names := make([]string, 0, len(services))
	for name := range services {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

var (
	validatorOnce sync.Once
	validator     *schema.Validator
	validatorErr  error
)

// schemas returns the validator with the CRDs vendored in tools/manifests/crds.
func schemas(t *testing.T) *schema.Validator {
	t.Helper()
	validatorOnce.Do(func() {
		validator, validatorErr = schema.New(filepath.Join(render.RepoRoot(), "tools", "manifests", "crds"))
	})
	if validatorErr != nil {
		t.Fatalf("loading the vendored CRDs: %v", validatorErr)
	}
	return validator
}

// build renders a kustomization or fails the test.
func build(t *testing.T, dir string) []manifest.Object {
	t.Helper()
	objects, err := render.Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(objects) == 0 {
		t.Fatalf("kustomize build %s rendered nothing", dir)
	}
	return objects
}

// plainFiles returns the hand-applied manifests, relative to the root.
func plainFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range strings.Fields(plainManifests) {
		matches, err := filepath.Glob(filepath.Join(render.RepoRoot(), pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			rel, _ := filepath.Rel(render.RepoRoot(), m)
			files = append(files, rel)
		}
	}
	if len(files) == 0 {
		t.Fatalf("no files match %s", plainManifests)
	}
	return files
}

func parseFile(t *testing.T, rel string) []manifest.Object {
	t.Helper()
	objects, err := manifest.ParseFile(filepath.Join(render.RepoRoot(), rel))
	if err != nil {
		t.Fatal(err)
	}
	return objects
}

// subtestName makes an object ID usable as a subtest name.
func subtestName(o manifest.Object) string {
	return strings.ReplaceAll(o.ID(), " ", ":")
}

// workloadKinds are the kinds whose pods the policies inspect.
var workloadKinds = map[string]bool{"Deployment": true, "StatefulSet": true, "DaemonSet": true}

var digestRef = regexp.MustCompile(`^[^@\s]+@sha256:[0-9a-f]{64}$`)
