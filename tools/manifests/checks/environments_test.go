package checks

import (
	"strings"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
)

// isKafkaObject tells the objects that belong to a Kafka variant: the Strimzi
// resources, the pub/sub Components, the Secret with the broker address and the
// NetworkPolicies and PodMonitors named kafka-*.
func isKafkaObject(o manifest.Object) bool {
	switch {
	case o.GVK().Group == "kafka.strimzi.io":
		return true
	case o.GVK().Group == "dapr.io" && o.Kind() == "Component" && (o.Name() == "pubsub" || o.Name() == "pubsub-broadcast"):
		return true
	case o.Kind() == "Secret" && o.Name() == "kafka-connection":
		return true
	case (o.Kind() == "NetworkPolicy" || o.Kind() == "PodMonitor") && strings.HasPrefix(o.Name(), "kafka-"):
		// the variant's network rules (the broker's pods or the managed broker's port) and
		// the in-cluster broker's scrape target
		return true
	case o.Kind() == "ConfigMap" && strings.HasPrefix(o.Name(), daprConfigRevision+"-"):
		// the Dapr resources, pub/sub Component included, hashed into its name
		return true
	}
	return false
}

// withoutConfigRevision replaces the hashed name of the Dapr configuration's ConfigMap in a
// workload's volumes: it differs with the Kafka variant's pub/sub Component.
func withoutConfigRevision(content any) any {
	for _, v := range manifest.List(content, "spec", "template", "spec", "volumes") {
		if cm, ok := manifest.Get(v, "configMap").(map[string]any); ok {
			if name, _ := cm["name"].(string); strings.HasPrefix(name, daprConfigRevision+"-") {
				cm["name"] = daprConfigRevision + "-<hash>"
			}
		}
	}
	return content
}

// withoutHosts replaces the host names of an Ingress, which each overlay sets
// (the page's origin in that environment, kustomize/web).
func withoutHosts(o manifest.Object, content any) any {
	if o.Kind() != "Ingress" {
		return content
	}
	for _, rule := range manifest.List(content, "spec", "rules") {
		if m, ok := rule.(map[string]any); ok && m["host"] != nil {
			m["host"] = "<host>"
		}
	}
	for _, tls := range manifest.List(content, "spec", "tls") {
		if m, ok := tls.(map[string]any); ok && m["hosts"] != nil {
			m["hosts"] = "<hosts>"
		}
	}
	return content
}

// TestEnvironmentsDifferOnlyInKafka: apart from the Kafka objects (and the hash
// of the Dapr configuration they change) and the Ingress hosts, Minikube and the cloud render the same objects, field for
// field, image digests included (both come from gitops/images at the revision
// each runs). Anything else that differs would be an untested difference.
func TestEnvironmentsDifferOnlyInKafka(t *testing.T) {
	minikube, cloud := index(build(t, minikubeOverlay)), index(build(t, cloudOverlay))
	for _, key := range unionKeys(minikube, cloud) {
		m, inMinikube := minikube[key]
		c, inCloud := cloud[key]
		o := m
		if !inMinikube {
			o = c
		}
		if isKafkaObject(o) {
			continue
		}
		t.Run(subtestName(o), func(t *testing.T) {
			switch {
			case !inCloud:
				t.Fatalf("%s is rendered for minikube only", o.ID())
			case !inMinikube:
				t.Fatalf("%s is rendered for cloud only", o.ID())
			}
			if diffs := differences(withoutHosts(m, withoutConfigRevision(manifest.DeepCopy(m.Content))), withoutHosts(c, withoutConfigRevision(manifest.DeepCopy(c.Content)))); len(diffs) > 0 {
				t.Errorf("%s differs between minikube and cloud (minikube != cloud):\n  %s", o.ID(), strings.Join(diffs, "\n  "))
			}
		})
	}
	t.Run("Kafka variants", func(t *testing.T) {
		for name, objects := range map[string]map[string]manifest.Object{"minikube": minikube, "cloud": cloud} {
			for _, component := range []string{"pubsub", "pubsub-broadcast"} {
				if _, ok := objects["dapr.io/Component "+component]; !ok {
					t.Errorf("%s renders no pub/sub Component %s", name, component)
				}
			}
		}
		for _, o := range minikube {
			if o.GVK().Group == "kafka.strimzi.io" && o.Kind() == "Kafka" {
				return
			}
		}
		t.Errorf("minikube renders no Strimzi Kafka")
	})
}
