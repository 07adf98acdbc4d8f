package checks

import (
	"regexp"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
)

// Metadata names that carry credentials in Dapr components.
var secretMetadataName = regexp.MustCompile(`(?i)(password|secret|token|username|accesskey|clientkey|privatekey|apikey|connectionstring|credential)`)

// Values that are credentials whatever their name.
var secretValue = regexp.MustCompile(`(?i)(SharedAccessKey=|-----BEGIN [A-Z ]*PRIVATE KEY-----|://[^/\s:@]+:[^/\s@]+@)`)

// TestDaprComponents: every Component is scoped to the app ids that use it,
// takes credentials only by secretKeyRef through a secret store, and is not
// renamed by a generator hash (Dapr refers to Secrets by name).
func TestDaprComponents(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objects := build(t, dir)
			secrets := map[string]bool{}
			for _, o := range objects {
				if o.Kind() == "Secret" || o.Kind() == "ConfigMap" {
					secrets[o.Name()] = true
				}
			}
			for _, o := range objects {
				if o.GVK().Group != "dapr.io" || o.Kind() != "Component" {
					continue
				}
				t.Run(subtestName(o), func(t *testing.T) { checkComponent(t, o, secrets) })
			}
		})
	}
}

func checkComponent(t *testing.T, o manifest.Object, rendered map[string]bool) {
	scopes := manifest.List(o.Content, "scopes")
	if len(scopes) == 0 {
		t.Errorf("%s: has no scopes; list the app ids that use it", o.ID())
	}
	for _, s := range scopes {
		if _, known := services[s.(string)]; !known {
			t.Errorf("%s: scope %q is not an app id of the platform", o.ID(), s)
		}
	}
	usesSecrets := false
	for _, item := range manifest.List(o.Content, "spec", "metadata") {
		name := manifest.String(item, "name")
		ref := manifest.Map(item, "secretKeyRef")
		value, hasValue := manifest.Map(item)["value"]
		if ref != nil {
			usesSecrets = true
			secretName := manifest.String(ref, "name")
			for candidate := range rendered {
				if hashSuffixed(candidate, secretName) {
					t.Errorf("%s: metadata %s refers to Secret %s, but the rendering names it %s (generator hash suffix)", o.ID(), name, secretName, candidate)
				}
			}
		}
		if hasValue && secretMetadataName.MatchString(name) {
			t.Errorf("%s: metadata %s is a credential in plaintext; use secretKeyRef", o.ID(), name)
		}
		if s, ok := value.(string); ok && secretValue.MatchString(s) {
			t.Errorf("%s: metadata %s holds what looks like a credential; use secretKeyRef", o.ID(), name)
		}
	}
	if usesSecrets && manifest.String(o.Content, "auth", "secretStore") == "" {
		t.Errorf("%s: uses secretKeyRef without auth.secretStore", o.ID())
	}
}

func hashSuffixed(candidate, name string) bool {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `-[a-z0-9]{10}$`).MatchString(candidate)
}
