package schema

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
)

// The validator itself: each case is an object that the API server would
// reject, and the validator must say why.
func TestValidatorRejects(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	v, err := New(filepath.Join(filepath.Dir(file), "..", "..", "crds"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		yaml string
		want string
	}{
		"built-in unknown field": {`
apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers: [{name: a, image: a, livenessprobe: {}}]
`, `unknown field "spec.template.spec.containers[0].livenessprobe"`},
		"built-in wrong type": {`
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {ports: [{port: "80"}]}
`, `cannot unmarshal string`},
		"invalid name": {`
apiVersion: v1
kind: ConfigMap
metadata: {name: Not_A_Name}
`, `metadata.name`},
		"custom resource unknown field": {`
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: a}
spec: {type: state.redis, version: v1, metadata: [], secretStore: x}
`, `unknown field "spec.secretStore"`},
		"custom resource unknown metadata field": {`
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: a, label: {a: b}}
spec: {type: state.redis, version: v1, metadata: []}
`, `unknown field "metadata.label"`},
		"custom resource missing required field": {`
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: a}
spec: {type: state.redis, metadata: []}
`, `spec.version: Required value`},
		"custom resource wrong type": {`
apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: a}
spec: {partitions: "3"}
`, `spec.partitions: Invalid value: "string"`},
		"custom resource CEL rule": {`
apiVersion: kafka.strimzi.io/v1
kind: Kafka
metadata: {name: a}
spec:
  kafka:
    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
    metricsConfig: {type: jmxPrometheusExporter}
`, `valueFrom property is required`},
		"unserved version": {`
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata: {name: a}
`, `no schema for apiVersion "kafka.strimzi.io/v1beta2"`},
		"argo cd unknown field": {`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a, namespace: argocd}
spec:
  project: p
  destination: {server: https://kubernetes.default.svc}
  source: {repoURL: r, targetRevision: x}
  syncPolicy: {automated: {prune: true, selfheal: true}}
`, `unknown field "spec.syncPolicy.automated.selfheal"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			objects, err := manifest.Parse([]byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			problems := strings.Join(v.Validate(objects[0]), "\n")
			if !strings.Contains(problems, c.want) {
				t.Errorf("want a problem containing %q, got:\n%s", c.want, problems)
			}
		})
	}
}
