package checks

import (
	"fmt"
	"strings"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
)

// inboundProblems: no Resiliency gives an inbound pub/sub target both a timeout and a retry.
// daprd 1.18.3 retries a bulk delivery that outlasts its timeout while the abandoned attempt
// still runs, and both write one unguarded map (dapr/dapr#10512): the sidecar dies with "fatal
// error: concurrent map iteration and map write" (seen in session 14 under ./dev bench).
func inboundProblems(objects []manifest.Object) []string {
	var problems []string
	for _, o := range objects {
		if o.Kind() != "Resiliency" {
			continue
		}
		for name, target := range manifest.Map(o.Content, "spec", "targets", "components") {
			inbound := manifest.Map(target, "inbound")
			if inbound["timeout"] != nil && inbound["retry"] != nil {
				problems = append(problems, fmt.Sprintf(
					"%s: component %s has an inbound timeout (%v) and retry: a delivery slower than the timeout runs twice at once and can kill daprd 1.18 (dapr/dapr#10512)",
					o.ID(), name, inbound["timeout"]))
			}
		}
	}
	return problems
}

// TestInboundDeliveriesHaveNoTimeoutWithRetry: the rule above on both environments.
func TestInboundDeliveriesHaveNoTimeoutWithRetry(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objects := build(t, dir)
			found := false
			for _, o := range objects {
				if o.Kind() == "Resiliency" {
					found = true
				}
			}
			if !found {
				t.Fatal("no Resiliency rendered")
			}
			for _, p := range inboundProblems(objects) {
				t.Error(p)
			}
		})
	}
}

// TestInboundRuleFailsOnABrokenResiliency: the rendering with an inbound timeout put back.
func TestInboundRuleFailsOnABrokenResiliency(t *testing.T) {
	objects := build(t, minikubeOverlay)
	broken := false
	for _, o := range objects {
		if o.Kind() != "Resiliency" {
			continue
		}
		if inbound := manifest.Map(o.Content, "spec", "targets", "components", "pubsub", "inbound"); inbound != nil {
			inbound["timeout"] = "15s"
			broken = true
		}
	}
	if !broken {
		t.Fatal("no inbound target for pubsub to break")
	}
	problems := inboundProblems(objects)
	if len(problems) != 1 || !strings.Contains(problems[0], "component pubsub has an inbound timeout") {
		t.Errorf("want one problem about pubsub's inbound timeout, got %v", problems)
	}
}
