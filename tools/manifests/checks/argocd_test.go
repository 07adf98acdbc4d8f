package checks

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"todo.local/tools/manifests/internal/manifest"
	"todo.local/tools/manifests/internal/render"
)

// The clusters and what their Argo CD kustomization must deploy.
var clusters = map[string]struct {
	overlay string
	apps    []string
}{
	"minikube": {minikubeOverlay, []string{"dapr", "data-services", "namespaces", "strimzi", "todo-platform"}},
	"cloud":    {cloudOverlay, []string{"dapr", "namespaces", "todo-platform"}},
}

// The project of each Application: least privilege (gitops/argocd/apps/projects.yaml).
var applicationProject = map[string]string{
	"root":          "bootstrap",
	"release":       "bootstrap",
	"dapr":          "infrastructure",
	"strimzi":       "infrastructure",
	"namespaces":    "infrastructure",
	"todo-platform": "todo",
	"data-services": "todo",
}

// Applications that must not carry the resources finalizer: deleting them must not delete the
// CRDs (and with them every custom resource), the namespace, or the applications they hold.
var noCascadeDelete = map[string]bool{"root": true, "release": true, "dapr": true, "strimzi": true, "namespaces": true}

// The clusters that run a pinned revision (gitops/releases/<cluster>), promoted from Minikube;
// the others follow main.
var pinnedClusters = map[string]bool{"cloud": true}

// The label of the Applications that source this repository: a pinned cluster's root gives
// them its revision.
const sourceLabel = "todo.dev/source"

var commitSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// applyPin does what Argo CD does with the pinned root's kustomize patches: every Application
// labelled todo.dev/source=repository gets the root's revision. It accepts only that one shape of
// patch, so that this simulation is the whole truth, and returns the pinned revision.
func applyPin(t *testing.T, root manifest.Object, objects []manifest.Object) string {
	t.Helper()
	source := manifest.Map(root.Content, "spec", "source")
	pin := manifest.String(source, "targetRevision")
	if !commitSHA.MatchString(pin) {
		t.Fatalf("%s: targetRevision %q is not a 40-hex commit sha; a pinned cluster runs one commit", root.ID(), pin)
	}
	patches := manifest.List(source, "kustomize", "patches")
	if len(patches) != 1 {
		t.Fatalf("%s: want exactly one kustomize patch (the revision of the Applications it renders), got %d", root.ID(), len(patches))
	}
	target := manifest.Map(patches[0], "target")
	if manifest.String(target, "kind") != "Application" || manifest.String(target, "labelSelector") != sourceLabel+"=repository" {
		t.Fatalf("%s: the patch must target kind Application with labelSelector %s=repository, got %v", root.ID(), sourceLabel, target)
	}
	var ops []map[string]any
	if err := yaml.Unmarshal([]byte(manifest.String(patches[0], "patch")), &ops); err != nil {
		t.Fatalf("%s: patch: %v", root.ID(), err)
	}
	if len(ops) != 1 || ops[0]["op"] != "replace" || ops[0]["path"] != "/spec/source/targetRevision" || ops[0]["value"] != pin {
		t.Fatalf("%s: the patch must be one replace of /spec/source/targetRevision with the root's revision %s, got %v", root.ID(), pin, ops)
	}
	for _, o := range objects {
		if o.Kind() == "Application" && o.Labels()[sourceLabel] == "repository" {
			manifest.Map(o.Content, "spec", "source")["targetRevision"] = pin
		}
	}
	return pin
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
			roots := []string{"root"}
			revision := map[string]string{} // what each Application must track: main, or the pin
			if pinnedClusters[cluster] {
				roots = append(roots, "release")
				release := build(t, "gitops/releases/"+cluster)
				if len(release) != 1 || release[0].Kind() != "Application" || release[0].Name() != "root" {
					t.Fatalf("gitops/releases/%s must render exactly the Application root", cluster)
				}
				pin := applyPin(t, release[0], objects)
				t.Run("pinned revision is in main's history", func(t *testing.T) {
					shallow, err := exec.Command("git", "-C", render.RepoRoot(), "rev-parse", "--is-shallow-repository").Output()
					if err != nil || strings.TrimSpace(string(shallow)) != "false" {
						t.Skip("not a full clone: the pin's ancestry cannot be checked here")
					}
					if err := exec.Command("git", "-C", render.RepoRoot(), "merge-base", "--is-ancestor", pin, "HEAD").Run(); err != nil {
						t.Errorf("the %s pin %s is not a commit of this branch's history", cluster, pin)
					}
				})
				for _, o := range objects {
					if o.Kind() == "Application" {
						revision[o.Name()] = pin
					}
				}
				revision["root"] = pin
				objects = append(objects, release...)
			}
			objects = append(objects, parseFile(t, "gitops/argocd/bootstrap/"+cluster+".yaml")...)
			projects := map[string]manifest.Object{}
			apps := map[string]manifest.Object{}
			for _, o := range objects {
				switch o.Kind() {
				case "AppProject":
					projects[o.Name()] = o
				case "Application":
					apps[o.Name()] = o
				}
			}
			for _, name := range []string{"bootstrap", "infrastructure", "todo"} {
				if _, ok := projects[name]; !ok {
					t.Fatalf("no AppProject %s rendered", name)
				}
			}
			t.Run("applications", func(t *testing.T) {
				for _, name := range append(slices.Clone(roots), want.apps...) {
					if _, ok := apps[name]; !ok {
						t.Errorf("no Application %s", name)
					}
				}
				if len(apps) != len(want.apps)+len(roots) {
					t.Errorf("want Applications %v and %v, got %d", roots, want.apps, len(apps))
				}
				if path := manifest.String(apps["todo-platform"].Content, "spec", "source", "path"); path != want.overlay {
					t.Errorf("Application todo-platform deploys %q, want %q", path, want.overlay)
				}
			})
			for _, name := range append(slices.Clone(roots), want.apps...) {
				app, ok := apps[name]
				if !ok {
					continue
				}
				wantRevision := revision[name]
				if wantRevision == "" {
					wantRevision = "main"
				}
				t.Run(subtestName(app), func(t *testing.T) { checkApplication(t, app, projects, wantRevision) })
			}
			t.Run("sync waves", func(t *testing.T) {
				platform := syncWave(apps["todo-platform"])
				for _, name := range []string{"namespaces", "dapr", "strimzi", "data-services"} {
					if app, ok := apps[name]; ok && syncWave(app) >= platform {
						t.Errorf("Application %s (wave %d) must sync before todo-platform (wave %d)", name, syncWave(app), platform)
					}
				}
				for _, project := range projects {
					for _, app := range apps {
						if !slices.Contains(roots, app.Name()) && syncWave(project) >= syncWave(app) {
							t.Errorf("AppProject %s must come before Application %s", project.Name(), app.Name())
						}
					}
				}
			})
		})
	}
}

func checkApplication(t *testing.T, app manifest.Object, projects map[string]manifest.Object, wantRevision string) {
	id := app.ID()
	spec := manifest.Map(app.Content, "spec")
	want, known := applicationProject[app.Name()]
	if !known {
		t.Fatalf("%s: no project is decided for this Application (applicationProject)", id)
	}
	if p := manifest.String(spec, "project"); p != want {
		t.Errorf("%s: project is %q, want %q", id, p, want)
	}
	project, ok := projects[manifest.String(spec, "project")]
	if !ok {
		t.Fatalf("%s: its project %q is not rendered", id, manifest.String(spec, "project"))
	}
	var finalizers []string
	for _, f := range manifest.List(app.Content, "metadata", "finalizers") {
		finalizers = append(finalizers, f.(string))
	}
	if noCascadeDelete[app.Name()] && slices.Contains(finalizers, "resources-finalizer.argocd.argoproj.io") {
		t.Errorf("%s: must not carry the resources finalizer: deleting it would delete what it installed", id)
	}
	if manifest.Get(spec, "syncPolicy", "retry") == nil {
		t.Errorf("%s: needs syncPolicy.retry (a first sync races the CRDs and webhooks of other applications)", id)
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
		if revision != wantRevision {
			t.Errorf("%s: targetRevision is %q, want %q (Minikube tracks main; a pinned cluster runs its pin everywhere: label %s=repository)", id, revision, wantRevision, sourceLabel)
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

// clusterScopedKinds: the cluster-scoped kinds any manifest here could carry.
var clusterScopedKinds = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "CustomResourceDefinition": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true, "PersistentVolume": true,
	"StorageClass": true, "PriorityClass": true, "IngressClass": true, "APIService": true,
}

func groupKinds(list []any) []string {
	var out []string
	for _, gk := range list {
		out = append(out, manifest.String(gk, "group")+"/"+manifest.String(gk, "kind"))
	}
	return out
}

// TestArgoCDProjects: the three projects keep least privilege. bootstrap only makes
// Applications in argocd; infrastructure holds the cluster-scoped kinds and no Argo CD objects;
// todo deploys namespaced kinds into todo only, never an Argo CD object; no project has a
// wildcard.
func TestArgoCDProjects(t *testing.T) {
	projects := map[string]manifest.Object{}
	for _, o := range parseFile(t, "gitops/argocd/apps/projects.yaml") {
		if o.Kind() == "AppProject" {
			projects[o.Name()] = o
		}
	}
	destinations := func(p manifest.Object) []string {
		var out []string
		for _, d := range manifest.List(p.Content, "spec", "destinations") {
			out = append(out, manifest.String(d, "namespace"))
		}
		return out
	}
	argoKinds := []string{"argoproj.io/Application", "argoproj.io/ApplicationSet", "argoproj.io/AppProject"}
	for name, p := range projects {
		t.Run(name+"/no wildcard", func(t *testing.T) {
			for _, field := range []string{"sourceRepos", "destinations", "clusterResourceWhitelist", "namespaceResourceWhitelist"} {
				for _, v := range manifest.List(p.Content, "spec", field) {
					if strings.Contains(brief(v), "*") {
						t.Errorf("AppProject %s: %s has a wildcard: %s", name, field, brief(v))
					}
				}
			}
		})
	}
	t.Run("bootstrap", func(t *testing.T) {
		p := projects["bootstrap"]
		if d := destinations(p); !slices.Equal(d, []string{"argocd"}) {
			t.Errorf("destinations %v, want only argocd", d)
		}
		if c := manifest.List(p.Content, "spec", "clusterResourceWhitelist"); len(c) != 0 {
			t.Errorf("clusterResourceWhitelist %v, want none", groupKinds(c))
		}
		allowed := groupKinds(manifest.List(p.Content, "spec", "namespaceResourceWhitelist"))
		if len(allowed) == 0 {
			t.Error("needs a namespaceResourceWhitelist (Applications only), or it may create anything in argocd")
		}
		for _, gk := range allowed {
			if !slices.Contains(argoKinds, gk) {
				t.Errorf("may create %s; only Argo CD objects", gk)
			}
		}
	})
	for _, name := range []string{"infrastructure", "todo"} {
		t.Run(name+"/no Argo CD objects", func(t *testing.T) {
			p := projects[name]
			if slices.Contains(destinations(p), "argocd") {
				t.Error("may deploy into argocd")
			}
			denied := groupKinds(manifest.List(p.Content, "spec", "namespaceResourceBlacklist"))
			for _, gk := range argoKinds {
				if !slices.Contains(denied, gk) {
					t.Errorf("namespaceResourceBlacklist must deny %s", gk)
				}
			}
		})
	}
	t.Run("todo", func(t *testing.T) {
		p := projects["todo"]
		if d := destinations(p); !slices.Equal(d, []string{"todo"}) {
			t.Errorf("destinations %v, want only todo", d)
		}
		if c := manifest.List(p.Content, "spec", "clusterResourceWhitelist"); len(c) != 0 {
			t.Errorf("clusterResourceWhitelist %v, want none: namespaced kinds only", groupKinds(c))
		}
	})
}

// TestWorkloadStaysInItsProject: what project todo deploys (both overlays, and Redis and
// PostgreSQL on Minikube) has no cluster-scoped object and no Argo CD object, so nothing under
// kustomize/ can create an Application or bind a cluster role; Kafka survives the deletion of
// its Application (Delete=false) with its volume (deleteClaim: false).
func TestWorkloadStaysInItsProject(t *testing.T) {
	for _, dir := range append(slices.Clone(overlays), "gitops/platform/minikube") {
		t.Run(dir, func(t *testing.T) {
			for _, o := range build(t, dir) {
				if clusterScopedKinds[o.Kind()] {
					t.Errorf("%s: cluster-scoped; project todo deploys namespaced kinds only", o.ID())
				}
				if o.GVK().Group == "argoproj.io" {
					t.Errorf("%s: an Argo CD object in the workload", o.ID())
				}
				if o.GVK().Group == "kafka.strimzi.io" && !strings.Contains(o.Annotations()["argocd.argoproj.io/sync-options"], "Delete=false") {
					t.Errorf("%s: needs argocd.argoproj.io/sync-options Delete=false (kept when its Application is deleted)", o.ID())
				}
				if o.Kind() == "KafkaNodePool" {
					for _, v := range manifest.List(o.Content, "spec", "storage", "volumes") {
						if manifest.Get(v, "deleteClaim") != false {
							t.Errorf("%s: volume %v needs deleteClaim: false", o.ID(), manifest.Get(v, "id"))
						}
					}
				}
			}
		})
	}
	t.Run("namespace todo", func(t *testing.T) {
		for _, o := range build(t, "gitops/namespaces") {
			if o.Kind() != "Namespace" || o.Name() != "todo" {
				continue
			}
			if o.Labels()["pod-security.kubernetes.io/enforce"] != "restricted" {
				t.Errorf("%s: needs pod-security.kubernetes.io/enforce: restricted", o.ID())
			}
			if !strings.Contains(o.Annotations()["argocd.argoproj.io/sync-options"], "Delete=false") {
				t.Errorf("%s: needs argocd.argoproj.io/sync-options Delete=false", o.ID())
			}
			return
		}
		t.Error("gitops/namespaces renders no Namespace todo")
	})
}
