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
// no other Dapr resource) with nothing changed but deployment metadata; the
// one exception is the Configuration, which each service gets as its own with
// the Kubernetes-only fields added (checkServiceConfigurations).
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
		rendered := build(t, minikubeOverlay)
		var others []manifest.Object
		for _, o := range rendered {
			if !(o.GVK().Group == "dapr.io" && o.Kind() == "Configuration") {
				others = append(others, o)
			}
		}
		want := map[string]manifest.Object{}
		for k, o := range local {
			if o.Kind() != "Configuration" {
				want[k] = o
			}
		}
		compare(t, others, withoutDeployMetadata, want)
		t.Run("Configurations", func(t *testing.T) {
			checkServiceConfigurations(t, local, rendered)
		})
	})
}

// kubernetesOnlyConfiguration lists what a service's Configuration in Kubernetes may add to the
// local one (kustomize/dapr): access control by mTLS identity (the local sidecars have none),
// the cluster's trace exporter and the secret scopes of the Kubernetes secret store.
var kubernetesOnlyConfiguration = []string{"accessControl", "tracing", "secrets"}

// checkServiceConfigurations: the local platform's one Configuration (--config of every local
// daprd) is not deployed; each service's Configuration in Kubernetes is it, field for field,
// apart from kubernetesOnlyConfiguration: a setting added locally and not to the cluster (or the
// reverse) fails here.
func checkServiceConfigurations(t *testing.T, local map[string]manifest.Object, rendered []manifest.Object) {
	var localConfig *manifest.Object
	for _, o := range local {
		if o.Kind() == "Configuration" {
			if localConfig != nil {
				t.Fatalf("two local Configurations: %s and %s", localConfig.ID(), o.ID())
			}
			localConfig = &o
		}
	}
	if localConfig == nil {
		t.Fatal("no local Configuration")
	}
	strip := func(o manifest.Object) any {
		content := withoutDeployMetadata(o).(map[string]any)
		delete(manifest.Map(content, "metadata"), "name")
		for _, field := range kubernetesOnlyConfiguration {
			delete(manifest.Map(content, "spec"), field)
		}
		return content
	}
	want := strip(*localConfig)
	count := 0
	for _, o := range rendered {
		if o.GVK().Group != "dapr.io" || o.Kind() != "Configuration" {
			continue
		}
		count++
		if o.Name() == localConfig.Name() {
			t.Errorf("%s: the local Configuration is deployed; the services name their own", o.ID())
		}
		if diffs := differences(want, strip(o)); len(diffs) > 0 {
			t.Errorf("%s differs from the local %s beyond %v (local != rendered):\n  %s", o.ID(), localConfig.ID(), kubernetesOnlyConfiguration, strings.Join(diffs, "\n  "))
		}
	}
	if count != len(services) {
		t.Errorf("%d Configurations rendered, want one per service (%d)", count, len(services))
	}
}
