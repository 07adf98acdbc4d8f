package checks

import (
	"strings"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
)

// TestSchemas validates every rendered object: built-in kinds by strict
// decoding into the Kubernetes API types (unknown or duplicate fields fail),
// custom resources against the openAPIV3Schema of their vendored CRD
// (unknown fields, types, enums, required fields, CEL rules).
func TestSchemas(t *testing.T) {
	v := schemas(t)
	validate := func(t *testing.T, objects []manifest.Object) {
		seen := map[string]bool{}
		for _, o := range objects {
			name := subtestName(o)
			t.Run(name, func(t *testing.T) {
				if seen[o.APIVersion()+" "+name] {
					t.Fatalf("%s (%s) is rendered twice", o.ID(), o.APIVersion())
				}
				seen[o.APIVersion()+" "+name] = true
				if problems := v.Validate(o); len(problems) > 0 {
					t.Errorf("%s (%s) is invalid:\n  %s", o.ID(), o.APIVersion(), strings.Join(problems, "\n  "))
				}
			})
		}
	}
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) { validate(t, build(t, dir)) })
	}
	for _, file := range plainFiles(t) {
		t.Run(file, func(t *testing.T) { validate(t, parseFile(t, file)) })
	}
}
