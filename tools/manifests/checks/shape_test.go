package checks

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"todo.local/tools/manifests/internal/render"
)

// TestServiceFoldersHoldOnlyWhatDiffers: each kustomize/<service>/ is a
// kustomization of one workload named after the service that applies the
// shared shape (serviceShape) and sets none of the fields the shape sets, so
// a change to the shape is one change, and a service folder shows at a glance
// how that service differs from the others.
func TestServiceFoldersHoldOnlyWhatDiffers(t *testing.T) {
	shape := loadShape(t)
	for _, name := range serviceNames() {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("kustomize", name)
			var k struct {
				Resources  []string `json:"resources"`
				Components []string `json:"components"`
			}
			readYAML(t, filepath.Join(dir, "kustomization.yaml"), &k)
			shapeRel, _ := filepath.Rel(dir, serviceShape)
			if !slices.Contains(k.Components, shapeRel) {
				t.Errorf("%s/kustomization.yaml: components: must list %s", dir, shapeRel)
			}
			if len(k.Resources) != 1 {
				t.Fatalf("%s/kustomization.yaml: resources: must be the service's one workload file, got %v", dir, k.Resources)
			}
			entries, err := os.ReadDir(filepath.Join(render.RepoRoot(), dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.Name() != "kustomization.yaml" && e.Name() != k.Resources[0] {
					t.Errorf("%s/%s: a service folder holds its kustomization and its workload only (Service and PodDisruptionBudget come from %s)", dir, e.Name(), serviceShape)
				}
			}

			file := filepath.Join(dir, k.Resources[0])
			var workload map[string]any
			readYAML(t, file, &workload)
			if kind := workload["kind"]; kind != "Deployment" && kind != "StatefulSet" {
				t.Errorf("%s: kind %v, want Deployment or StatefulSet", file, kind)
			}
			if got := mapAt(workload, "metadata")["name"]; got != name {
				t.Errorf("%s: metadata.name %v, want %s (the shape names everything else after it)", file, got, name)
			}
			for _, p := range shape.overlaps(workload) {
				t.Errorf("%s: sets %s, which %s sets for every service", file, p, serviceShape)
			}
		})
	}
}

// TestNoPortOutsideTheShape: the one service port is written once, in the
// shape; no other file of kustomize/ names a port, except NetworkPolicies and
// PodMonitors, whose ports are other programs' too (DNS, Dapr, data stores) and
// which name the service port by its name (http), never by number.
func TestNoPortOutsideTheShape(t *testing.T) {
	root := render.RepoRoot()
	portKeys := map[string]bool{"port": true, "containerPort": true, "targetPort": true, "hostPort": true,
		"dapr.io/app-port": true, "HTTP_PORT": true}
	err := filepath.WalkDir(filepath.Join(root, "kustomize"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() && rel == serviceShape {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, doc := range strings.Split(string(data), "\n---") {
			var tree any
			if err := yaml.Unmarshal([]byte(doc), &tree); err != nil {
				t.Errorf("%s: document %d: %v", rel, i+1, err)
				continue
			}
			kind := mapOf(tree)["kind"]
			policy := kind == "NetworkPolicy" || kind == "PodMonitor"
			walkTree(tree, nil, func(p []string, v any) {
				last := p[len(p)-1]
				if policy {
					if (last == "port" || last == "endPort") && fmt.Sprint(v) == fmt.Sprint(servicePort) {
						t.Errorf("%s: %s: %v: name the service port (http), its number belongs in %s only", rel, strings.Join(p, "."), v, serviceShape)
					}
					return
				}
				if portKeys[last] || (last == "name" && v == "HTTP_PORT") {
					t.Errorf("%s: %s: the service port belongs in %s only", rel, strings.Join(p, "."), serviceShape)
				}
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// shape holds what serviceShape sets on every workload.
type shape struct {
	workload  [][]string      // field paths of the workload's pod and rollout patches and of its replacements
	container map[string]bool // fields of the service's container
	env       map[string]bool // names of the shared environment variables
}

func loadShape(t *testing.T) shape {
	t.Helper()
	s := shape{container: map[string]bool{}, env: map[string]bool{}}
	var k struct {
		Patches []struct {
			Path string `json:"path"`
		} `json:"patches"`
		Replacements []struct {
			Targets []struct {
				Select     map[string]string `json:"select"`
				FieldPaths []string          `json:"fieldPaths"`
			} `json:"targets"`
		} `json:"replacements"`
	}
	readYAML(t, filepath.Join(serviceShape, "kustomization.yaml"), &k)
	if len(k.Patches) == 0 {
		t.Fatalf("%s/kustomization.yaml: no patches", serviceShape)
	}
	for _, p := range k.Patches {
		file := filepath.Join(serviceShape, p.Path)
		var tree any
		readYAML(t, file, &tree)
		switch v := tree.(type) {
		case map[string]any: // a strategic-merge patch of the workload
			delete(v, "apiVersion")
			delete(v, "kind")
			delete(v, "metadata")
			walkTree(v, nil, func(p []string, _ any) { s.workload = append(s.workload, p) })
		case []any: // a JSON patch of the container
			for _, op := range v {
				op, _ := op.(map[string]any)
				path, _ := op["path"].(string)
				field, ok := strings.CutPrefix(path, "/spec/template/spec/containers/0/")
				if !ok {
					t.Fatalf("%s: %s is not a field of the first container", file, path)
				}
				field, _, _ = strings.Cut(field, "/")
				if field != "env" {
					s.container[field] = true
				} else if value, _ := op["value"].(map[string]any); value != nil {
					s.env[fmt.Sprint(value["name"])] = true
				}
			}
		default:
			t.Fatalf("%s: neither a patch object nor a JSON patch", file)
		}
	}
	for _, r := range k.Replacements {
		for _, target := range r.Targets {
			if target.Select["group"] != "apps" {
				continue
			}
			for _, fp := range target.FieldPaths {
				s.workload = append(s.workload, splitFieldPath(fp))
			}
		}
	}
	return s
}

// overlaps lists the fields of a service's workload that the shape sets too.
func (s shape) overlaps(workload map[string]any) []string {
	var found []string
	walkTree(workload, nil, func(p []string, v any) {
		if slices.Equal(p, []string{"spec", "template", "spec", "containers"}) {
			for i, c := range v.([]any) {
				c, _ := c.(map[string]any)
				for field := range c {
					if s.container[field] {
						found = append(found, fmt.Sprintf("containers[%d].%s", i, field))
					}
				}
				for _, e := range listAt(c, "env") {
					if name := fmt.Sprint(mapOf(e)["name"]); s.env[name] {
						found = append(found, fmt.Sprintf("containers[%d].env %s", i, name))
					}
				}
			}
			return
		}
		for _, q := range s.workload {
			n := min(len(p), len(q))
			if slices.Equal(p[:n], q[:n]) {
				found = append(found, strings.Join(p, "."))
				return
			}
		}
	})
	sort.Strings(found)
	return found
}

// walkTree calls leaf for every value that is not an object, with its path.
func walkTree(tree any, path []string, leaf func(path []string, value any)) {
	m, ok := tree.(map[string]any)
	if !ok {
		if len(path) > 0 {
			leaf(path, tree)
		}
		if list, ok := tree.([]any); ok {
			for _, item := range list {
				walkTree(item, path, leaf)
			}
		}
		return
	}
	for key, value := range m {
		walkTree(value, append(slices.Clone(path), key), leaf)
	}
}

// splitFieldPath splits a kustomize field path: dots separate fields, except
// inside [brackets] ("metadata.labels.[app.kubernetes.io/name]").
func splitFieldPath(fp string) []string {
	var parts []string
	for fp != "" {
		var part string
		if strings.HasPrefix(fp, "[") {
			end := strings.Index(fp, "]")
			part, fp = fp[1:end], strings.TrimPrefix(fp[end+1:], ".")
		} else {
			part, fp, _ = strings.Cut(fp, ".")
		}
		parts = append(parts, part)
	}
	return parts
}

func readYAML(t *testing.T, rel string, into any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(render.RepoRoot(), rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

func mapOf(v any) map[string]any { m, _ := v.(map[string]any); return m }

func mapAt(m map[string]any, key string) map[string]any { return mapOf(m[key]) }

func listAt(m map[string]any, key string) []any { l, _ := m[key].([]any); return l }
