package checks

import (
	"path/filepath"
	"strings"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
	"todo.local/tools/manifests/internal/render"
)

// The directories that ./dev gives every local daprd (--resources-path):
// daprd loads the Dapr resources (apiVersion dapr.io/...) of their YAML files
// and skips everything else, such as the Strimzi resources and the
// kustomization of the in-cluster Kafka variant.
const localDaprFiles = "dapr-config/resources/*.yaml dapr-config/kafka/in-cluster/*.yaml"

func localDaprResources(t *testing.T) []manifest.Object {
	t.Helper()
	var objects []manifest.Object
	for _, pattern := range strings.Fields(localDaprFiles) {
		matches, err := filepath.Glob(filepath.Join(render.RepoRoot(), pattern))
		if err != nil {
			t.Fatal(err)
		}
		if len(matches) == 0 {
			t.Fatalf("no files match %s", pattern)
		}
		for _, m := range matches {
			rel, _ := filepath.Rel(render.RepoRoot(), m)
			for _, o := range parseFile(t, rel) {
				if o.GVK().Group == "dapr.io" {
					objects = append(objects, o)
				}
			}
		}
	}
	return objects
}

// deployMetadata is what the Kubernetes rendering adds to a Dapr resource on
// its way to the cluster and a local daprd never sees: the base's label and
// Argo CD's sync annotations.
func withoutDeployMetadata(o manifest.Object) any {
	content := manifest.DeepCopy(o.Content).(map[string]any)
	meta := manifest.Map(content, "metadata")
	if labels := manifest.Map(meta, "labels"); labels != nil {
		delete(labels, "app.kubernetes.io/part-of")
		if len(labels) == 0 {
			delete(meta, "labels")
		}
	}
	if annotations := manifest.Map(meta, "annotations"); annotations != nil {
		for k := range annotations {
			if strings.HasPrefix(k, "argocd.argoproj.io/") {
				delete(annotations, k)
			}
		}
		if len(annotations) == 0 {
			delete(meta, "annotations")
		}
	}
	return content
}

// TestLocalDaprResourcesAreTheRenderedOnes: the Dapr resources that the local
// platform loads are the very ones Kubernetes gets. dapr-config/ renders
// exactly its files, and the minikube overlay renders every local file (and
// no other Dapr resource) with nothing changed but deployment metadata.
func TestLocalDaprResourcesAreTheRenderedOnes(t *testing.T) {
	local := index(localDaprResources(t))

	compare := func(t *testing.T, rendered []manifest.Object, normalise func(manifest.Object) any, want map[string]manifest.Object) {
		got := map[string]manifest.Object{}
		for _, o := range rendered {
			if o.GVK().Group == "dapr.io" {
				got[objectKey(o)] = o
			}
		}
		for _, key := range unionKeys(got, want) {
			g, rendered := got[key]
			w, loaded := want[key]
			o := g
			if !rendered {
				o = w
			}
			t.Run(subtestName(o), func(t *testing.T) {
				switch {
				case !rendered:
					t.Fatalf("%s is loaded locally but not rendered for Kubernetes", o.ID())
				case !loaded:
					t.Fatalf("%s is rendered for Kubernetes but not loaded locally", o.ID())
				}
				if diffs := differences(normalise(w), normalise(g)); len(diffs) > 0 {
					t.Errorf("%s differs (local != rendered):\n  %s", o.ID(), strings.Join(diffs, "\n  "))
				}
			})
		}
	}

	t.Run("dapr-config", func(t *testing.T) {
		want := map[string]manifest.Object{}
		for k, o := range local {
			if !isKafkaObject(o) {
				want[k] = o
			}
		}
		compare(t, build(t, "dapr-config"), func(o manifest.Object) any { return o.Content }, want)
	})
	t.Run(minikubeOverlay, func(t *testing.T) {
		compare(t, build(t, minikubeOverlay), withoutDeployMetadata, local)
	})
}
