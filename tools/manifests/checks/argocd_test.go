package checks

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
	"todo.local/tools/manifests/internal/render"
)

// The clusters and what their Argo CD kustomization must deploy.
var clusters = map[string]struct {
	overlay string
	apps    []string
}{
	"minikube": {minikubeOverlay, []string{"dapr", "data-services", "strimzi", "todo-platform"}},
	"cloud":    {cloudOverlay, []string{"dapr", "todo-platform"}},
}

// Pinned charts: the Dapr control plane everywhere, Strimzi on Minikube.
var pinnedCharts = map[string]string{
	"https://dapr.github.io/helm-charts/ dapr":          "1.18.3",
	"oci://quay.io/strimzi-helm/strimzi-kafka-operator": "1.2.0",
}

func syncWave(o manifest.Object) int {
	wave, _ := strconv.Atoi(o.Annotations()["argocd.argoproj.io/sync-wave"])
	return wave
}

// TestArgoCDApplications: per cluster, the expected applications exist, stay
// inside the AppProject, sync automatically with prune and self-heal, point
// at paths that exist and charts that are pinned, and come in waves: the
// Dapr control plane and the Kafka operator before the platform.
func TestArgoCDApplications(t *testing.T) {
	for _, cluster := range []string{"minikube", "cloud"} {
		want := clusters[cluster]
		t.Run(cluster, func(t *testing.T) {
			objects := build(t, "gitops/argocd/"+cluster)
			for _, f := range []string{"gitops/argocd/bootstrap/" + cluster + ".yaml"} {
				objects = append(objects, parseFile(t, f)...)
			}
			var project manifest.Object
			apps := map[string]manifest.Object{}
			for _, o := range objects {
				switch o.Kind() {
				case "AppProject":
					project = o
				case "Application":
					apps[o.Name()] = o
				}
			}
			if project.Content == nil {
				t.Fatal("no AppProject rendered")
			}
			t.Run("applications", func(t *testing.T) {
				for _, name := range append([]string{"root"}, want.apps...) {
					if _, ok := apps[name]; !ok {
						t.Errorf("no Application %s", name)
					}
				}
				if len(apps) != len(want.apps)+1 {
					t.Errorf("want Applications root and %v, got %d", want.apps, len(apps))
				}
				if path := manifest.String(apps["todo-platform"].Content, "spec", "source", "path"); path != want.overlay {
					t.Errorf("Application todo-platform deploys %q, want %q", path, want.overlay)
				}
			})
			for _, name := range append([]string{"root"}, want.apps...) {
				app, ok := apps[name]
				if !ok {
					continue
				}
				t.Run(subtestName(app), func(t *testing.T) { checkApplication(t, app, project) })
			}
			t.Run("sync waves", func(t *testing.T) {
				platform := syncWave(apps["todo-platform"])
				for _, name := range []string{"dapr", "strimzi", "data-services"} {
					if app, ok := apps[name]; ok && syncWave(app) >= platform {
						t.Errorf("Application %s (wave %d) must sync before todo-platform (wave %d)", name, syncWave(app), platform)
					}
				}
				if syncWave(project) >= syncWave(apps["dapr"]) {
					t.Errorf("AppProject must come before every Application")
				}
			})
		})
	}
}

func checkApplication(t *testing.T, app, project manifest.Object) {
	id := app.ID()
	spec := manifest.Map(app.Content, "spec")
	if p := manifest.String(spec, "project"); p != project.Name() {
		t.Errorf("%s: project is %q, want %q", id, p, project.Name())
	}
	if manifest.Get(spec, "syncPolicy", "automated", "prune") != true || manifest.Get(spec, "syncPolicy", "automated", "selfHeal") != true {
		t.Errorf("%s: needs syncPolicy.automated with prune and selfHeal", id)
	}
	source := manifest.Map(spec, "source")
	repo := manifest.String(source, "repoURL")
	var allowed []string
	for _, r := range manifest.List(project.Content, "spec", "sourceRepos") {
		allowed = append(allowed, r.(string))
	}
	if !slices.Contains(allowed, repo) {
		t.Errorf("%s: source %s is not among the AppProject's sourceRepos", id, repo)
	}
	namespace := manifest.String(spec, "destination", "namespace")
	server := manifest.String(spec, "destination", "server")
	permitted := false
	for _, d := range manifest.List(project.Content, "spec", "destinations") {
		if manifest.String(d, "namespace") == namespace && manifest.String(d, "server") == server {
			permitted = true
		}
	}
	if !permitted {
		t.Errorf("%s: destination %s namespace %s is not among the AppProject's destinations", id, server, namespace)
	}
	revision := manifest.String(source, "targetRevision")
	chart := manifest.String(source, "chart")
	switch {
	case strings.HasSuffix(repo, ".git"):
		path := manifest.String(source, "path")
		if info, err := os.Stat(filepath.Join(render.RepoRoot(), path, "kustomization.yaml")); err != nil || info.IsDir() {
			t.Errorf("%s: path %q has no kustomization.yaml in this repository", id, path)
		}
		if revision != "main" {
			t.Errorf("%s: targetRevision is %q; environments track main and differ by their overlay", id, revision)
		}
	default:
		key := strings.TrimSpace(repo + " " + chart)
		if pin, ok := pinnedCharts[key]; !ok || revision != pin {
			t.Errorf("%s: chart %s at %q, want one of the pinned charts %v", id, key, revision, pinnedCharts)
		}
	}
	if app.Name() == "dapr" {
		checkDaprIgnoreDifferences(t, app)
	}
}

// checkDaprIgnoreDifferences: what the Dapr control plane writes at runtime
// must be ignored in diffs and kept on sync.
func checkDaprIgnoreDifferences(t *testing.T, app manifest.Object) {
	ignored := map[string]bool{}
	for _, d := range manifest.List(app.Content, "spec", "ignoreDifferences") {
		ignored[manifest.String(d, "kind")+" "+manifest.String(d, "name")] = true
	}
	for _, want := range []string{"Secret dapr-trust-bundle", "ConfigMap dapr-trust-bundle",
		"MutatingWebhookConfiguration dapr-sidecar-injector", "CustomResourceDefinition subscriptions.dapr.io"} {
		if !ignored[want] {
			t.Errorf("%s: ignoreDifferences has no entry for %s", app.ID(), want)
		}
	}
	var options []string
	for _, o := range manifest.List(app.Content, "spec", "syncPolicy", "syncOptions") {
		options = append(options, o.(string))
	}
	if !slices.Contains(options, "RespectIgnoreDifferences=true") {
		t.Errorf("%s: needs syncOption RespectIgnoreDifferences=true, or a sync overwrites the generated certificates", app.ID())
	}
}

// TestSyncWavesInOverlays: inside the platform application, Kafka comes
// first, then the Dapr resources, then the services; every custom resource
// whose CRD arrives in the same bootstrap skips the dry run.
func TestSyncWavesInOverlays(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			for _, o := range build(t, dir) {
				group := o.GVK().Group
				t.Run(subtestName(o), func(t *testing.T) {
					wave := syncWave(o)
					switch {
					case group == "kafka.strimzi.io" && wave > -2:
						t.Errorf("%s: wave %d, want <= -2 (Kafka before the Dapr resources)", o.ID(), wave)
					case group == "dapr.io" && wave != -1:
						t.Errorf("%s: wave %d, want -1 (after Kafka, before the services)", o.ID(), wave)
					case workloadKinds[o.Kind()] && wave != 0:
						t.Errorf("%s: wave %d, want 0 (after the Dapr resources)", o.ID(), wave)
					}
					if group == "kafka.strimzi.io" || group == "dapr.io" {
						if !strings.Contains(o.Annotations()["argocd.argoproj.io/sync-options"], "SkipDryRunOnMissingResource=true") {
							t.Errorf("%s: needs argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true (its CRD arrives in the same sync)", o.ID())
						}
					}
				})
			}
		})
	}
}
