package checks

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"

	"todo.local/tools/manifests/internal/render"
)

// Fields that kustomize deprecated, each with what replaces it.
var deprecatedFields = map[string]string{
	"bases":                 "resources:",
	"commonLabels":          "labels:",
	"patchesStrategicMerge": "patches:",
	"patchesJson6902":       "patches:",
	"vars":                  "replacements:",
	"imageTags":             "images:",
}

// TestKustomizationFields: no kustomization uses deprecated fields, and the
// Kafka variants are Kustomize Components.
func TestKustomizationFields(t *testing.T) {
	root := render.RepoRoot()
	var files []string
	for _, top := range []string{"kustomize", "gitops", "dapr-config"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() == "kustomization.yaml" {
				rel, _ := filepath.Rel(root, path)
				files = append(files, rel)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, rel))
			if err != nil {
				t.Fatal(err)
			}
			var k map[string]any
			if err := yaml.Unmarshal(data, &k); err != nil {
				t.Fatal(err)
			}
			for field, instead := range deprecatedFields {
				if _, ok := k[field]; ok {
					t.Errorf("%s: %s is deprecated; use %s", rel, field, instead)
				}
			}
			if filepath.Base(filepath.Dir(filepath.Dir(rel))) == "kafka" && k["kind"] != "Component" {
				t.Errorf("%s: a Kafka variant must be a Kustomize Component (kind: Component)", rel)
			}
		})
	}
}
