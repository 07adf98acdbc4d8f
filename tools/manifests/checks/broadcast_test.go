package checks

import (
	"testing"

	"todo.local/tools/manifests/internal/manifest"
)

// TestRealtimeBroadcast: every replica of realtime-service consumes every event: its
// subscriptions use the Component pubsub-broadcast, whose Kafka consumer group is the pod name,
// scoped to realtime-service alone; it runs as a StatefulSet (stable pod names, so a restarted pod
// resumes its group) whose pods keep their own consumed positions (INBOX_CONSUMER = pod name).
func TestRealtimeBroadcast(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objects := build(t, dir)
			var broadcast *manifest.Object
			for i, o := range objects {
				switch {
				case o.Kind() == "Component" && o.Name() == "pubsub-broadcast":
					broadcast = &objects[i]
				case o.Kind() == "Subscription":
					scopes := manifest.List(o.Content, "scopes")
					realtime := len(scopes) == 1 && scopes[0] == "realtime-service"
					pubsub := manifest.String(o.Content, "spec", "pubsubname")
					if realtime && pubsub != "pubsub-broadcast" {
						t.Errorf("%s: realtime-service subscribes through %q, want pubsub-broadcast", o.ID(), pubsub)
					}
					if !realtime && pubsub == "pubsub-broadcast" {
						t.Errorf("%s: only realtime-service subscribes through pubsub-broadcast", o.ID())
					}
				case workloadKinds[o.Kind()] && o.Name() == "realtime-service":
					if o.Kind() != "StatefulSet" {
						t.Errorf("%s: must be a StatefulSet (stable pod names keep each pod's consumer group)", o.ID())
					}
					found := false
					for _, c := range podTemplate(t, o).Spec.Containers {
						for _, e := range c.Env {
							if e.Name == "INBOX_CONSUMER" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil &&
								e.ValueFrom.FieldRef.FieldPath == "metadata.name" {
								found = true
							}
						}
					}
					if !found {
						t.Errorf("%s: needs env INBOX_CONSUMER from metadata.name (each pod its own consumed positions)", o.ID())
					}
				}
			}
			if broadcast == nil {
				t.Fatal("no Component pubsub-broadcast")
			}
			group := ""
			for _, m := range manifest.List(broadcast.Content, "spec", "metadata") {
				if manifest.String(m, "name") == "consumerGroup" {
					group = manifest.String(m, "value")
				}
			}
			if group != "{podName}" {
				t.Errorf("%s: consumerGroup %q, want \"{podName}\"", broadcast.ID(), group)
			}
			if scopes := manifest.List(broadcast.Content, "scopes"); len(scopes) != 1 || scopes[0] != "realtime-service" {
				t.Errorf("%s: scopes %v, want only realtime-service", broadcast.ID(), scopes)
			}
		})
	}
}
