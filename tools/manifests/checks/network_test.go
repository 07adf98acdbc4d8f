package checks

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"todo.local/tools/manifests/internal/manifest"
)

// The platform's namespace as the NetworkPolicies see it (the Application's destination).
const todoNamespace = "todo"

// The ports the Dapr injector (1.18) gives the sidecar container, by name; 3501 (health, the
// kubelet's) has none.
var sidecarPorts = map[string]int32{"dapr-http": 3500, "dapr-grpc": 50001, "dapr-internal": 50002, "dapr-metrics": 9090}

// The Dapr control plane ports a sidecar dials: Sentry, operator, scheduler.
var controlPlanePorts = []int32{50001, 6500, 50006}

// peer is a pod (or an address outside the cluster) that sends or receives.
type peer struct {
	name      string
	namespace string // "" outside the cluster
	podLabels map[string]string
	ports     map[string]int32 // its named ports, for policies that name them
	ip        string           // outside the cluster
}

func (p peer) nsLabels() map[string]string {
	l := map[string]string{"kubernetes.io/metadata.name": p.namespace}
	if p.name == "ingress-controller" {
		l["todo.dev/ingress-controller"] = "true"
	}
	return l
}

func selectorMatches(s *metav1.LabelSelector, l map[string]string) bool {
	sel, err := metav1.LabelSelectorAsSelector(s)
	return err == nil && sel.Matches(labels.Set(l))
}

func peerMatches(rule networkingv1.NetworkPolicyPeer, p peer) bool {
	if rule.IPBlock != nil {
		// ipBlock is for addresses outside the cluster (Cilium ignores it for pods)
		_, cidr, err := net.ParseCIDR(rule.IPBlock.CIDR)
		return err == nil && p.ip != "" && cidr.Contains(net.ParseIP(p.ip))
	}
	if p.namespace == "" {
		return false
	}
	if rule.NamespaceSelector != nil {
		if !selectorMatches(rule.NamespaceSelector, p.nsLabels()) {
			return false
		}
	} else if p.namespace != todoNamespace {
		return false
	}
	return rule.PodSelector == nil || selectorMatches(rule.PodSelector, p.podLabels)
}

func portMatches(ports []networkingv1.NetworkPolicyPort, dst peer, port int32, protocol corev1.Protocol) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		proto := corev1.ProtocolTCP
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		if proto != protocol {
			continue
		}
		switch {
		case p.Port == nil:
			return true
		case p.Port.Type == intstr.String:
			if n, ok := dst.ports[p.Port.StrVal]; ok && n == port {
				return true
			}
		case p.EndPort != nil:
			if port >= p.Port.IntVal && port <= *p.EndPort {
				return true
			}
		case p.Port.IntVal == port:
			return true
		}
	}
	return false
}

func hasPolicyType(np networkingv1.NetworkPolicy, t networkingv1.PolicyType) bool {
	if len(np.Spec.PolicyTypes) == 0 {
		return t == networkingv1.PolicyTypeIngress || (t == networkingv1.PolicyTypeEgress && len(np.Spec.Egress) > 0)
	}
	return slices.Contains(np.Spec.PolicyTypes, t)
}

// allowed: may src open a connection to dst on port? As the API defines it: a pod selected by
// no policy of a direction is open in that direction; else some rule of a policy that selects it
// must allow the peer and the port. Only pods of the platform's namespace carry policies here.
func allowed(policies []networkingv1.NetworkPolicy, src, dst peer, port int32, protocol corev1.Protocol) bool {
	direction := func(self, other peer, t networkingv1.PolicyType) bool {
		if self.namespace != todoNamespace {
			return true
		}
		isolated := false
		for _, np := range policies {
			if !hasPolicyType(np, t) || !selectorMatches(&np.Spec.PodSelector, self.podLabels) {
				continue
			}
			isolated = true
			if t == networkingv1.PolicyTypeIngress {
				for _, r := range np.Spec.Ingress {
					if (len(r.From) == 0 || slices.ContainsFunc(r.From, func(p networkingv1.NetworkPolicyPeer) bool { return peerMatches(p, other) })) &&
						portMatches(r.Ports, dst, port, protocol) {
						return true
					}
				}
			} else {
				for _, r := range np.Spec.Egress {
					if (len(r.To) == 0 || slices.ContainsFunc(r.To, func(p networkingv1.NetworkPolicyPeer) bool { return peerMatches(p, other) })) &&
						portMatches(r.Ports, dst, port, protocol) {
						return true
					}
				}
			}
		}
		return !isolated
	}
	return direction(src, dst, networkingv1.PolicyTypeEgress) && direction(dst, src, networkingv1.PolicyTypeIngress)
}

// networkProblems: with the NetworkPolicies of a rendering, each service is reachable by exactly
// what needs it and reaches exactly what it needs; every other pod of the namespace is closed.
// invocations and componentUsers (daprsecurity_test.go) say who invokes whom and who uses the
// state store; the Ingress todo-web which services the ingress controller reaches; the
// Configurations' otel endpoint where the traces go; a rendered Strimzi Kafka whether the
// broker is in the namespace (else it is outside); a rendered Redis and PostgreSQL (Minikube's
// data services) whether they are too.
func networkProblems(objects []manifest.Object) []string {
	var problems []string
	var policies []networkingv1.NetworkPolicy
	backends := map[string]bool{}
	otelNamespace, otelPort := "", int32(0)
	inClusterKafka, inClusterData := false, false
	var services []peer
	databaseUsers := map[string]bool{}
	for _, o := range objects {
		switch {
		case o.Kind() == "NetworkPolicy":
			var np networkingv1.NetworkPolicy
			if err := json.Unmarshal(o.JSON, &np); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", o.ID(), err))
				continue
			}
			policies = append(policies, np)
		case o.Kind() == "Ingress":
			for _, r := range manifest.List(o.Content, "spec", "rules") {
				for _, p := range manifest.List(r, "http", "paths") {
					backends[manifest.String(p, "backend", "service", "name")] = true
				}
			}
		case o.Kind() == "Configuration" && o.GVK().Group == "dapr.io":
			endpoint := manifest.String(o.Content, "spec", "tracing", "otel", "endpointAddress")
			host, port, err := net.SplitHostPort(endpoint)
			parts := strings.Split(host, ".")
			n, _ := strconv.Atoi(port)
			if err != nil || len(parts) < 2 || n == 0 {
				problems = append(problems, fmt.Sprintf("%s: otel endpoint %q is not <service>.<namespace>[.svc...]:<port>", o.ID(), endpoint))
				continue
			}
			if otelNamespace != "" && (otelNamespace != parts[1] || otelPort != int32(n)) {
				problems = append(problems, fmt.Sprintf("%s: otel endpoint %q differs from another service's: write it once", o.ID(), endpoint))
			}
			otelNamespace, otelPort = parts[1], int32(n)
		case o.Kind() == "Kafka" && o.GVK().Group == "kafka.strimzi.io":
			inClusterKafka = true
		case o.Kind() == "StatefulSet" && (o.Name() == "redis" || o.Name() == "postgres"):
			inClusterData = true
		case workloadKinds[o.Kind()]:
			var w struct {
				Spec struct {
					Template corev1.PodTemplateSpec `json:"template"`
				} `json:"spec"`
			}
			if err := json.Unmarshal(o.JSON, &w); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", o.ID(), err))
				continue
			}
			if w.Spec.Template.Annotations["dapr.io/enabled"] != "true" {
				continue
			}
			p := peer{name: o.Name(), namespace: todoNamespace, podLabels: w.Spec.Template.Labels, ports: map[string]int32{}}
			for n, port := range sidecarPorts {
				p.ports[n] = port
			}
			for _, c := range w.Spec.Template.Spec.Containers {
				for _, cp := range c.Ports {
					p.ports[cp.Name] = cp.ContainerPort
				}
				for _, e := range c.Env {
					if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Name == "postgres-connection" {
						databaseUsers[o.Name()] = true
					}
				}
			}
			services = append(services, p)
		}
	}
	if len(services) == 0 {
		return append(problems, "no Dapr-enabled workloads")
	}
	if inClusterKafka {
		// what the Strimzi operator adds for the listener plain (no networkPolicyPeers: any pod)
		port := intstr.FromInt32(9092)
		policies = append(policies, networkingv1.NetworkPolicy{Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"strimzi.io/cluster": "todo-kafka", "strimzi.io/kind": "Kafka"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: &port}}}},
		}})
	}

	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	ingressController := peer{name: "ingress-controller", namespace: "ingress-nginx", podLabels: map[string]string{"app.kubernetes.io/name": "ingress-nginx"}}
	prometheus := peer{name: "prometheus", namespace: "monitoring", podLabels: map[string]string{"app.kubernetes.io/name": "prometheus"}}
	otel := peer{name: "otel collector", namespace: otelNamespace, podLabels: map[string]string{"app.kubernetes.io/name": "otel-collector"}}
	dns := peer{name: "kube-dns", namespace: "kube-system", podLabels: map[string]string{"k8s-app": "kube-dns"}}
	controlPlane := peer{name: "dapr control plane", namespace: "dapr-system", podLabels: map[string]string{"app": "dapr-sentry"}}
	stranger := peer{name: "another pod of the namespace", namespace: todoNamespace, podLabels: map[string]string{"app.kubernetes.io/name": "stranger"}}
	elsewhere := peer{name: "a pod of namespace default", namespace: "default", podLabels: map[string]string{}}
	internet := peer{name: "an address outside the cluster", ip: "203.0.113.10"}
	redis := peer{name: "Redis pod", namespace: todoNamespace, podLabels: map[string]string{"app.kubernetes.io/name": "redis"}, ports: map[string]int32{"redis": 6379}}
	postgres := peer{name: "PostgreSQL pod", namespace: todoNamespace, podLabels: map[string]string{"app.kubernetes.io/name": "postgres"}, ports: map[string]int32{"postgres": 5432}}
	broker := internet
	if inClusterKafka {
		broker = peer{name: "Kafka broker pod", namespace: todoNamespace, podLabels: map[string]string{
			"strimzi.io/cluster": "todo-kafka", "strimzi.io/kind": "Kafka", "strimzi.io/broker-role": "true"}}
	}

	expect := func(want bool, src, dst peer, port int32, protocol corev1.Protocol, why string) {
		if got := allowed(policies, src, dst, port, protocol); got != want {
			verb := "must not"
			if want {
				verb = "must"
			}
			problems = append(problems, fmt.Sprintf("%s %s reach %s on %d/%s (%s), but the NetworkPolicies say %v", src.name, verb, dst.name, port, protocol, why, got))
		}
	}

	// every pod of the namespace is closed unless a policy opens it
	expect(false, elsewhere, stranger, 8080, tcp, "ingress is denied by default")
	if inClusterData {
		expect(false, stranger, redis, 6379, tcp, "Redis takes only the state store's users")
		expect(false, stranger, postgres, 5432, tcp, "PostgreSQL takes only task-service")
	}

	for _, s := range services {
		app := s.name
		// ingress to the service
		sources := append([]peer{ingressController, prometheus, stranger, elsewhere, controlPlane}, services...)
		for _, src := range sources {
			if src.name == app {
				continue
			}
			for portName, port := range s.ports {
				want, why := false, "nobody needs it"
				switch {
				case portName == "http" && src.name == ingressController.name && backends[app]:
					want, why = true, "a backend of Ingress todo-web"
				case (portName == "http" || portName == "dapr-metrics") && src.name == prometheus.name:
					want, why = true, "metrics scrape"
				case portName == "dapr-internal" && len(invocations[app][src.name]) > 0:
					want, why = true, "service invocation"
				}
				expect(want, src, s, port, tcp, portName+": "+why)
			}
			expect(false, src, s, 3501, tcp, "sidecar health, the kubelet's")
		}
		// egress of the service
		expect(true, s, dns, 53, udp, "DNS")
		expect(true, s, dns, 53, tcp, "DNS")
		for _, port := range controlPlanePorts {
			expect(true, s, controlPlane, port, tcp, "Dapr control plane")
		}
		if otelPort != 0 {
			expect(true, s, otel, otelPort, tcp, "traces to the otel endpoint of its Configuration")
		}
		expect(slices.Contains(componentUsers["pubsub"], app), s, broker, 9092, tcp, "Kafka")
		stateStore := slices.Contains(componentUsers["statestore"], app)
		if inClusterData {
			expect(stateStore, s, redis, 6379, tcp, "state store")
			expect(databaseUsers[app], s, postgres, 5432, tcp, "PostgreSQL")
		}
		// managed data stores (and Minikube's, whose address is the same Secret's): by port
		expect(stateStore, s, internet, 6379, tcp, "a managed state store")
		expect(databaseUsers[app], s, internet, 5432, tcp, "a managed PostgreSQL")
		expect(false, s, internet, 443, tcp, "nothing on the internet")
		expect(false, s, stranger, 8080, tcp, "no other pod")
		expect(false, s, elsewhere, 8080, tcp, "no other namespace")
	}
	return problems
}

// networkRendering is what the NetworkPolicies of an environment act on: its overlay, and on
// Minikube the data services (their policies, in namespace todo too).
func networkRendering(t *testing.T, dir string) []manifest.Object {
	objects := build(t, dir)
	if dir == minikubeOverlay {
		return slices.Concat(objects, build(t, "gitops/platform/minikube"))
	}
	return objects
}

// TestNetworkPolicies: the rules of networkProblems on both environments, and the policies are
// part of the base (not of an overlay, except each Kafka variant's kafka-* policies).
func TestNetworkPolicies(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			for _, p := range networkProblems(networkRendering(t, dir)) {
				t.Error(p)
			}
		})
	}
}

// TestNetworkPolicyRulesFailOnBrokenManifests: the Minikube rendering, broken one way at a
// time, fails the rules.
func TestNetworkPolicyRulesFailOnBrokenManifests(t *testing.T) {
	good := networkRendering(t, minikubeOverlay)
	if problems := networkProblems(good); len(problems) > 0 {
		t.Fatalf("the rendering fails already:\n  %s", strings.Join(problems, "\n  "))
	}
	edit := func(objects []manifest.Object, kind, name string, change func(content map[string]any)) []manifest.Object {
		var out []manifest.Object
		found := false
		for _, o := range objects {
			if o.Kind() == kind && o.Name() == name {
				found = true
				content := manifest.DeepCopy(o.Content).(map[string]any)
				change(content)
				if content == nil || len(content) == 0 {
					continue
				}
				js, err := json.Marshal(content)
				if err != nil {
					t.Fatal(err)
				}
				o = manifest.Object{JSON: js, Content: content}
			}
			out = append(out, o)
		}
		if !found {
			t.Fatalf("no %s %s to break", kind, name)
		}
		return out
	}
	drop := func(content map[string]any) { clear(content) }
	for _, c := range []struct {
		name          string
		kind, object  string
		change        func(map[string]any)
		wantSubstring string
	}{
		{"no default deny", "NetworkPolicy", "default-deny-ingress", drop, "a pod of namespace default must not reach another pod of the namespace"},
		{"scrape from anywhere", "NetworkPolicy", "services-from-monitoring", func(c map[string]any) {
			delete(manifest.List(c, "spec", "ingress")[0].(map[string]any), "from")
		}, "another pod of the namespace must not reach"},
		{"invocation from every pod", "NetworkPolicy", "task-service-from-its-callers", func(c map[string]any) {
			manifest.List(c, "spec", "ingress")[0].(map[string]any)["from"] = []any{map[string]any{"podSelector": map[string]any{}}}
		}, "must not reach task-service on 50002"},
		{"ingress controller to every service", "NetworkPolicy", "services-from-ingress-controller", func(c map[string]any) {
			c["spec"].(map[string]any)["podSelector"] = map[string]any{}
		}, "ingress-controller must not reach recurring-service on 9080"},
		{"egress open", "NetworkPolicy", "services-egress", func(c map[string]any) {
			c["spec"].(map[string]any)["egress"] = append(manifest.List(c, "spec", "egress"), map[string]any{})
		}, "must not reach an address outside the cluster on 443"},
		{"state store for task-service", "NetworkPolicy", "statestore-egress", func(c map[string]any) {
			c["spec"].(map[string]any)["podSelector"] = map[string]any{}
		}, "task-service must not reach an address outside the cluster on 6379"},
		{"no Kafka", "NetworkPolicy", "kafka-egress", drop, "must reach Kafka broker pod on 9092"},
		{"no DNS", "NetworkPolicy", "services-egress", func(c map[string]any) {
			c["spec"].(map[string]any)["egress"] = manifest.List(c, "spec", "egress")[1:]
		}, "must reach kube-dns on 53/UDP"},
		{"traces elsewhere", "Configuration", "task-service", func(c map[string]any) {
			manifest.Map(c, "spec", "tracing", "otel")["endpointAddress"] = "collector.observability.svc:4317"
		}, "write it once"},
		{"Redis closed to its clients", "NetworkPolicy", "redis-from-its-clients", drop, "notification-service must reach Redis pod"},
		{"PostgreSQL open to all", "NetworkPolicy", "postgres-from-task-service", func(c map[string]any) {
			delete(manifest.List(c, "spec", "ingress")[0].(map[string]any), "from")
		}, "another pod of the namespace must not reach PostgreSQL pod"},
	} {
		t.Run(c.name, func(t *testing.T) {
			problems := networkProblems(edit(good, c.kind, c.object, c.change))
			if !strings.Contains(strings.Join(problems, "\n"), c.wantSubstring) {
				t.Errorf("want a problem with %q, got:\n  %s", c.wantSubstring, strings.Join(problems, "\n  "))
			}
		})
	}
}
