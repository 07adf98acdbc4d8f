package checks

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"

	"todo.local/tools/manifests/internal/manifest"
)

// podTemplate returns the pod template of a workload object.
func podTemplate(t *testing.T, o manifest.Object) corev1.PodTemplateSpec {
	t.Helper()
	var w struct {
		Spec struct {
			Template corev1.PodTemplateSpec `json:"template"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(o.JSON, &w); err != nil {
		t.Fatalf("%s: %v", o.ID(), err)
	}
	return w.Spec.Template
}

func allContainers(spec corev1.PodSpec) []corev1.Container {
	return append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
}

// TestWorkloads: every pod that Git deploys has probes, requests and limits,
// and runs as non-root without privileges. Covers the overlays and the
// Minikube data services.
func TestWorkloads(t *testing.T) {
	for _, dir := range append(append([]string{}, overlays...), "gitops/platform/minikube") {
		t.Run(dir, func(t *testing.T) {
			for _, o := range build(t, dir) {
				if !workloadKinds[o.Kind()] {
					continue
				}
				t.Run(subtestName(o), func(t *testing.T) { checkPod(t, o, podTemplate(t, o).Spec) })
			}
		})
	}
}

func checkPod(t *testing.T, o manifest.Object, spec corev1.PodSpec) {
	pod := spec.SecurityContext
	if pod == nil {
		pod = &corev1.PodSecurityContext{}
	}
	if pod.SeccompProfile == nil || pod.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod securityContext.seccompProfile must be RuntimeDefault", o.ID())
	}
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		t.Errorf("%s: pod shares host namespaces", o.ID())
	}
	for _, c := range allContainers(spec) {
		where := fmt.Sprintf("%s container %s", o.ID(), c.Name)
		if c.LivenessProbe == nil || c.ReadinessProbe == nil {
			t.Errorf("%s: needs a livenessProbe and a readinessProbe", where)
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				t.Errorf("%s: no %s request", where, r)
			}
			if _, ok := c.Resources.Limits[r]; !ok {
				t.Errorf("%s: no %s limit", where, r)
			}
		}
		sc := c.SecurityContext
		if sc == nil {
			sc = &corev1.SecurityContext{}
		}
		nonRoot := pod.RunAsNonRoot
		if sc.RunAsNonRoot != nil {
			nonRoot = sc.RunAsNonRoot
		}
		user := pod.RunAsUser
		if sc.RunAsUser != nil {
			user = sc.RunAsUser
		}
		if nonRoot == nil || !*nonRoot {
			t.Errorf("%s: must run with runAsNonRoot: true", where)
		}
		if user != nil && *user == 0 {
			t.Errorf("%s: runAsUser is 0 (root)", where)
		}
		if sc.Privileged != nil && *sc.Privileged {
			t.Errorf("%s: is privileged", where)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			t.Errorf("%s: needs allowPrivilegeEscalation: false", where)
		}
		if sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) > 0 {
			t.Errorf("%s: must drop ALL capabilities and add none", where)
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			t.Errorf("%s: needs readOnlyRootFilesystem: true", where)
		}
	}
}

// TestServices: each of the four services is a Dapr-enabled workload with the
// agreed app id, the one service port, configuration, health check, tokens
// and sidecar limits, reachable through a Service and protected by a
// PodDisruptionBudget.
func TestServices(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objects := build(t, dir)
			for _, name := range serviceNames() {
				t.Run(name, func(t *testing.T) { checkService(t, objects, name, servicePort) })
			}
		})
	}
}

func checkService(t *testing.T, objects []manifest.Object, name string, port int) {
	var workload *manifest.Object
	for i, o := range objects {
		if workloadKinds[o.Kind()] && o.Name() == name {
			workload = &objects[i]
		}
	}
	if workload == nil {
		t.Fatalf("no Deployment or StatefulSet %s", name)
	}
	id := workload.ID()
	tmpl := podTemplate(t, *workload)
	a := tmpl.Annotations
	want := map[string]string{
		"dapr.io/enabled":                 "true",
		"dapr.io/app-id":                  name,
		"dapr.io/app-port":                strconv.Itoa(port),
		"dapr.io/config":                  name,
		"dapr.io/enable-app-health-check": "true",
		"dapr.io/app-health-check-path":   "/health/ready",
		"dapr.io/api-token-secret":        name + "-dapr-api-token",
		"dapr.io/app-token-secret":        name + "-app-api-token",
	}
	for key, value := range want {
		if a[key] != value {
			t.Errorf("%s: annotation %s is %q, want %q", id, key, a[key], value)
		}
	}
	for _, key := range []string{"dapr.io/sidecar-cpu-request", "dapr.io/sidecar-memory-request",
		"dapr.io/sidecar-cpu-limit", "dapr.io/sidecar-memory-limit", "dapr.io/graceful-shutdown-seconds"} {
		if a[key] == "" {
			t.Errorf("%s: annotation %s is missing", id, key)
		}
	}
	if !strings.Contains(a["dapr.io/env"], "GOMEMLIMIT=") {
		t.Errorf("%s: annotation dapr.io/env must set GOMEMLIMIT for the sidecar", id)
	}
	grace, _ := strconv.Atoi(a["dapr.io/graceful-shutdown-seconds"])
	if tmpl.Spec.TerminationGracePeriodSeconds == nil || *tmpl.Spec.TerminationGracePeriodSeconds <= int64(grace) {
		t.Errorf("%s: terminationGracePeriodSeconds must exceed the sidecar's graceful shutdown (%ds)", id, grace)
	}

	if len(tmpl.Spec.Containers) != 1 {
		t.Fatalf("%s: want one app container (the injector adds daprd), got %d", id, len(tmpl.Spec.Containers))
	}
	app := tmpl.Spec.Containers[0]
	if len(app.Ports) != 1 || int(app.Ports[0].ContainerPort) != port {
		t.Errorf("%s: container port must be %d", id, port)
	}
	for _, probe := range []struct {
		kind  string
		probe *corev1.Probe
		path  string
	}{{"liveness", app.LivenessProbe, "/health/live"}, {"readiness", app.ReadinessProbe, "/health/ready"}} {
		if probe.probe == nil || probe.probe.HTTPGet == nil || probe.probe.HTTPGet.Path != probe.path {
			t.Errorf("%s: %s probe must GET %s (MicroProfile Health)", id, probe.kind, probe.path)
		}
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range app.Env {
		env[e.Name] = e
	}
	if env["HTTP_PORT"].Value != strconv.Itoa(port) {
		t.Errorf("%s: env HTTP_PORT must be %d (server.xml variable http.port)", id, port)
	}
	for envName, secret := range map[string]string{"DAPR_API_TOKEN": name + "-dapr-api-token", "APP_API_TOKEN": name + "-app-api-token"} {
		ref := env[envName].ValueFrom
		if ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Name != secret || ref.SecretKeyRef.Key != "token" {
			t.Errorf("%s: env %s must come from Secret %s key token", id, envName, secret)
		}
	}
	for _, e := range app.Env {
		if e.Value != "" && strings.Contains(strings.ToUpper(e.Name), "PASSWORD") {
			t.Errorf("%s: env %s is a plaintext password", id, e.Name)
		}
	}

	selected := func(selector map[string]string) bool {
		if len(selector) == 0 {
			return false
		}
		return labels.SelectorFromSet(selector).Matches(labels.Set(tmpl.Labels))
	}
	var hasService, hasBudget bool
	for _, o := range objects {
		switch o.Kind() {
		case "Service":
			var s corev1.Service
			if err := json.Unmarshal(o.JSON, &s); err == nil && selected(s.Spec.Selector) {
				hasService = true
				if len(s.Spec.Ports) != 1 || int(s.Spec.Ports[0].Port) != port || s.Spec.Ports[0].TargetPort.String() != "http" {
					t.Errorf("%s: Service %s must expose port %d to the container port named http", id, s.Name, port)
				}
			}
		case "PodDisruptionBudget":
			var p policyv1.PodDisruptionBudget
			if err := json.Unmarshal(o.JSON, &p); err == nil && p.Spec.Selector != nil && selected(p.Spec.Selector.MatchLabels) {
				hasBudget = true
			}
		}
	}
	if !hasService {
		t.Errorf("%s: no Service selects its pods", id)
	}
	if !hasBudget {
		t.Errorf("%s: no PodDisruptionBudget selects its pods", id)
	}
	if workload.Kind() == "Deployment" {
		var d appsv1.Deployment
		if err := json.Unmarshal(workload.JSON, &d); err != nil {
			t.Fatal(err)
		}
		if ru := d.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
			t.Errorf("%s: a rollout must not take a ready pod away before its replacement is ready (maxUnavailable: 0)", id)
		}
	}
}
