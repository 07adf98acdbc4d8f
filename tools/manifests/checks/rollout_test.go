package checks

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
	"todo.local/tools/manifests/internal/render"
)

// daprConfigRevision is the ConfigMap generated from the Dapr resources (dapr-config/
// kustomization.yaml, and the pub/sub Component of the Kafka variant), its name suffixed with a
// hash of their content.
const daprConfigRevision = "dapr-config-revision"

// TestDaprConfigurationRollsThePods: the sidecars load the Dapr resources only at start, so a
// change to any of them must change every workload's pod template: the generated ConfigMap holds
// every file of dapr-config/resources and kustomize/dapr and the variant's pub/sub Components, and every workload names it
// (its hashed name) in a volume.
func TestDaprConfigurationRollsThePods(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(render.RepoRoot(), "dapr-config", "resources"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			want = append(want, e.Name())
		}
	}
	// the services' Kubernetes-only Configurations (kustomize/dapr)
	kubernetesOnly, err := os.ReadDir(filepath.Join(render.RepoRoot(), "kustomize", "dapr"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range kubernetesOnly {
		if strings.HasSuffix(e.Name(), ".yaml") && e.Name() != "kustomization.yaml" {
			want = append(want, e.Name())
		}
	}
	want = append(want, "pubsub.yaml", "pubsub-broadcast.yaml")
	sort.Strings(want)
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objects := build(t, dir)
			var configMap string
			for _, o := range objects {
				if o.Kind() != "ConfigMap" || !strings.HasPrefix(o.Name(), daprConfigRevision+"-") {
					continue
				}
				if configMap != "" {
					t.Fatalf("two ConfigMaps %s and %s", configMap, o.Name())
				}
				configMap = o.Name()
				var keys []string
				for k := range manifest.Map(o.Content, "data") {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				if !slices.Equal(keys, want) {
					t.Errorf("%s holds %v, want every Dapr resource file %v (add new ones to dapr-config/kustomization.yaml's configMapGenerator)", o.ID(), keys, want)
				}
			}
			if configMap == "" {
				t.Fatalf("no ConfigMap %s-<hash> rendered", daprConfigRevision)
			}
			for _, o := range objects {
				if !workloadKinds[o.Kind()] {
					continue
				}
				named := false
				for _, v := range podTemplate(t, o).Spec.Volumes {
					if v.ConfigMap != nil && v.ConfigMap.Name == configMap {
						named = true
					}
				}
				if !named {
					t.Errorf("%s: no volume names ConfigMap %s: a change to the Dapr resources would not roll it", o.ID(), configMap)
				}
			}
		})
	}
}

// TestServiceAccounts: each service runs as a ServiceAccount of its own name, rendered beside
// it, with no API token mounted (on the ServiceAccount and in the pod).
func TestServiceAccounts(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objects := build(t, dir)
			accounts := map[string]manifest.Object{}
			for _, o := range objects {
				if o.Kind() == "ServiceAccount" {
					accounts[o.Name()] = o
				}
			}
			for _, o := range objects {
				if !workloadKinds[o.Kind()] {
					continue
				}
				spec := podTemplate(t, o).Spec
				if spec.ServiceAccountName != o.Name() {
					t.Errorf("%s: serviceAccountName %q, want its own %q", o.ID(), spec.ServiceAccountName, o.Name())
				}
				if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
					t.Errorf("%s: needs automountServiceAccountToken: false", o.ID())
				}
				sa, ok := accounts[o.Name()]
				if !ok {
					t.Errorf("%s: no ServiceAccount %s rendered", o.ID(), o.Name())
					continue
				}
				if manifest.Get(sa.Content, "automountServiceAccountToken") != false {
					t.Errorf("%s: needs automountServiceAccountToken: false", sa.ID())
				}
			}
		})
	}
}
