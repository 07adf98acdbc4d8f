package checks

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"todo.local/tools/manifests/internal/manifest"
	"todo.local/tools/manifests/internal/render"
)

// observabilityProblems: every service pod is scraped (Liberty's /metrics on http, its sidecar's
// dapr-metrics) by a PodMonitor whose ports the pod has; every service's sidecar sends a share of
// its traces to one otel endpoint, and its Liberty (mpTelemetry) sends its spans there too, under
// the service's name, sampled parent-based at the sidecars' rate; an in-cluster Kafka exports its
// broker metrics and its consumer lag (Kafka Exporter) to a PodMonitor.
func observabilityProblems(objects []manifest.Object) []string {
	var problems []string
	type monitor struct {
		name     string
		selector metav1.LabelSelector
		ports    map[string]string // port name -> path
	}
	var monitors []monitor
	for _, o := range objects {
		if o.Kind() != "PodMonitor" {
			continue
		}
		m := monitor{name: o.Name(), ports: map[string]string{}}
		raw, _ := json.Marshal(manifest.Get(o.Content, "spec", "selector"))
		if err := json.Unmarshal(raw, &m.selector); err != nil {
			problems = append(problems, fmt.Sprintf("%s: selector: %v", o.ID(), err))
		}
		for _, e := range manifest.List(o.Content, "spec", "podMetricsEndpoints") {
			path := manifest.String(e, "path")
			if path == "" {
				path = "/metrics"
			}
			m.ports[manifest.String(e, "port")] = path
		}
		monitors = append(monitors, m)
	}
	scraped := func(podLabels map[string]string, podPorts map[string]bool, port, path string) bool {
		for _, m := range monitors {
			if selectorMatches(&m.selector, podLabels) && m.ports[port] == path && podPorts[port] {
				return true
			}
		}
		return false
	}
	endpoints := map[string]bool{}
	rates := map[string]bool{}
	libertyEnv := map[string]map[string]string{} // Dapr-enabled workload -> its service container's env
	for _, o := range objects {
		switch {
		case o.GVK().Group == "dapr.io" && o.Kind() == "Configuration":
			endpoint := manifest.String(o.Content, "spec", "tracing", "otel", "endpointAddress")
			rate, err := strconv.ParseFloat(manifest.String(o.Content, "spec", "tracing", "samplingRate"), 64)
			if endpoint == "" || err != nil || rate <= 0 || rate > 1 {
				problems = append(problems, fmt.Sprintf("%s: needs tracing.otel.endpointAddress and a samplingRate in (0, 1]", o.ID()))
			}
			endpoints[endpoint] = true
			rates[manifest.String(o.Content, "spec", "tracing", "samplingRate")] = true
		case workloadKinds[o.Kind()] && manifest.String(o.Content, "spec", "template", "metadata", "annotations", "dapr.io/enabled") == "true":
			podLabels := map[string]string{}
			for k, v := range manifest.Map(o.Content, "spec", "template", "metadata", "labels") {
				podLabels[k] = fmt.Sprint(v)
			}
			ports := map[string]bool{}
			for name := range sidecarPorts {
				ports[name] = true
			}
			for i, c := range manifest.List(o.Content, "spec", "template", "spec", "containers") {
				for _, p := range manifest.List(c, "ports") {
					ports[manifest.String(p, "name")] = true
				}
				if i == 0 {
					env := map[string]string{}
					for _, e := range manifest.List(c, "env") {
						env[manifest.String(e, "name")] = manifest.String(e, "value")
					}
					libertyEnv[o.ID()+"|"+o.Name()] = env
				}
			}
			for _, want := range [][2]string{{"http", "/metrics"}, {"dapr-metrics", "/metrics"}} {
				if !scraped(podLabels, ports, want[0], want[1]) {
					problems = append(problems, fmt.Sprintf("%s: no PodMonitor scrapes %s on its port %s", o.ID(), want[1], want[0]))
				}
			}
		case o.GVK().Group == "kafka.strimzi.io" && o.Kind() == "Kafka":
			if manifest.Map(o.Content, "spec", "kafkaExporter") == nil {
				problems = append(problems, fmt.Sprintf("%s: needs spec.kafkaExporter (consumer lag)", o.ID()))
			}
			if manifest.Map(o.Content, "spec", "kafka", "metricsConfig") == nil {
				problems = append(problems, fmt.Sprintf("%s: needs spec.kafka.metricsConfig (broker metrics)", o.ID()))
			}
			pod := map[string]string{"strimzi.io/cluster": o.Name(), "strimzi.io/name": o.Name() + "-kafka-exporter"}
			if !scraped(pod, map[string]bool{"tcp-prometheus": true}, "tcp-prometheus", "/metrics") {
				problems = append(problems, fmt.Sprintf("%s: no PodMonitor scrapes its pods' tcp-prometheus", o.ID()))
			}
		}
	}
	if len(endpoints) != 1 {
		problems = append(problems, fmt.Sprintf("the services' Configurations name %d otel endpoints, want one", len(endpoints)))
	}
	for key, env := range libertyEnv {
		id, name, _ := strings.Cut(key, "|")
		want := map[string]string{
			"OTEL_SDK_DISABLED":           "false",
			"OTEL_SERVICE_NAME":           name,
			"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
			"OTEL_TRACES_SAMPLER":         "parentbased_traceidratio",
		}
		for endpoint := range endpoints {
			if len(endpoints) == 1 {
				want["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://" + endpoint
			}
		}
		for rate := range rates {
			if len(rates) == 1 {
				want["OTEL_TRACES_SAMPLER_ARG"] = rate
			}
		}
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if env[k] != want[k] {
				problems = append(problems, fmt.Sprintf("%s: Liberty's %s is %q, want %q (its spans go where the sidecars' go)", id, k, env[k], want[k]))
			}
		}
	}
	return problems
}

// TestObservability: the rules above on both environments, and the otel endpoint is written in
// one file of the repository's manifests.
func TestObservability(t *testing.T) {
	var endpoint string
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objects := build(t, dir)
			for _, p := range observabilityProblems(objects) {
				t.Error(p)
			}
			for _, o := range objects {
				if e := manifest.String(o.Content, "spec", "tracing", "otel", "endpointAddress"); e != "" {
					endpoint = e
				}
			}
		})
	}
	t.Run("otel endpoint written once", func(t *testing.T) {
		if endpoint == "" {
			t.Fatal("no otel endpoint rendered")
		}
		var files []string
		for _, top := range []string{"kustomize", "dapr-config", "gitops"} {
			err := filepath.WalkDir(filepath.Join(render.RepoRoot(), top), func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
					return err
				}
				data, err := os.ReadFile(path)
				if err == nil && strings.Contains(string(data), strings.Split(endpoint, ".")[0]+".") {
					rel, _ := filepath.Rel(render.RepoRoot(), path)
					files = append(files, rel)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if len(files) != 1 {
			t.Errorf("the otel collector's address %s appears in %v, want one file", endpoint, files)
		}
	})
}

// TestObservabilityRulesFailOnBrokenManifests: the Minikube rendering broken one way at a time.
func TestObservabilityRulesFailOnBrokenManifests(t *testing.T) {
	good := build(t, minikubeOverlay)
	if problems := observabilityProblems(good); len(problems) > 0 {
		t.Fatalf("the rendering fails already:\n  %s", strings.Join(problems, "\n  "))
	}
	for _, c := range []struct {
		name, kind, object string
		change             func(map[string]any)
		want               string
	}{
		{"no service monitor", "PodMonitor", "todo-services", func(c map[string]any) { clear(c) }, "no PodMonitor scrapes /metrics on its port http"},
		{"a port the pods lack", "PodMonitor", "todo-services", func(c map[string]any) {
			manifest.List(c, "spec", "podMetricsEndpoints")[1].(map[string]any)["port"] = "metrics"
		}, "on its port dapr-metrics"},
		{"no consumer lag", "Kafka", "todo-kafka", func(c map[string]any) { delete(c["spec"].(map[string]any), "kafkaExporter") }, "kafkaExporter"},
		{"no Kafka monitor", "PodMonitor", "kafka-metrics", func(c map[string]any) { clear(c) }, "tcp-prometheus"},
		{"tracing off", "Configuration", "recurring-service", func(c map[string]any) {
			manifest.Map(c, "spec", "tracing")["samplingRate"] = "0"
		}, "samplingRate"},
		{"Liberty's spans off", "Deployment", "task-service", func(c map[string]any) {
			setEnv(c, "OTEL_SDK_DISABLED", "true")
		}, "OTEL_SDK_DISABLED"},
		{"Liberty's spans elsewhere", "StatefulSet", "realtime-service", func(c map[string]any) {
			setEnv(c, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger.tracing:4317")
		}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{"Liberty sampling at another rate", "Deployment", "notification-service", func(c map[string]any) {
			setEnv(c, "OTEL_TRACES_SAMPLER_ARG", "1")
		}, "OTEL_TRACES_SAMPLER_ARG"},
		{"Liberty's spans under another name", "Deployment", "recurring-service", func(c map[string]any) {
			setEnv(c, "OTEL_SERVICE_NAME", "service")
		}, "OTEL_SERVICE_NAME"},
		{"two endpoints", "Configuration", "realtime-service", func(c map[string]any) {
			manifest.Map(c, "spec", "tracing", "otel")["endpointAddress"] = "jaeger.tracing:4317"
		}, "2 otel endpoints"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var broken []manifest.Object
			found := false
			for _, o := range good {
				if o.Kind() == c.kind && o.Name() == c.object {
					found = true
					content := manifest.DeepCopy(o.Content).(map[string]any)
					c.change(content)
					if len(content) == 0 {
						continue
					}
					o = manifest.Object{Content: content}
				}
				broken = append(broken, o)
			}
			if !found {
				t.Fatalf("no %s %s", c.kind, c.object)
			}
			problems := observabilityProblems(broken)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, c.want) }) {
				t.Errorf("want a problem with %q, got:\n  %s", c.want, strings.Join(problems, "\n  "))
			}
		})
	}
}

// setEnv sets the value of a variable of a workload's first container (the service's).
func setEnv(workload map[string]any, name, value string) {
	container := manifest.List(workload, "spec", "template", "spec", "containers")[0]
	for _, e := range manifest.List(container, "env") {
		if manifest.String(e, "name") == name {
			e.(map[string]any)["value"] = value
		}
	}
}
