package checks

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"todo.local/tools/manifests/internal/manifest"
	"todo.local/tools/manifests/internal/render"
)

// The service invocations the platform makes: callee -> caller -> "VERB /operation" (Dapr
// access-control operation names: "*" is one path segment). Everything else is denied.
var invocations = map[string]map[string][]string{
	"task-service": {"recurring-service": {"POST /internal/series/*/occurrences/*"}},
}

// The Java resource each allowed operation reaches: its @Path, with {parameters} as "*", must be
// the operation, so a moved endpoint fails here instead of being denied in the cluster.
var invocationEndpoints = map[string]string{
	"POST /internal/series/*/occurrences/*": "liberty-apps/task-service/src/main/java/com/todo/task/interfaces/sidecar/OccurrencesEndpoint.java",
}

// The app ids that use each Dapr Component (its scopes, exactly): the state store is used by the
// consumers (liberty-apps/*/src/main: ReminderService, SeriesService, EventLog and the shared
// inbox of dapr-client), not task-service, whose data is in PostgreSQL; every service publishes
// or subscribes through pubsub; only realtime-service subscribes through pubsub-broadcast.
var componentUsers = map[string][]string{
	"statestore":       {"notification-service", "realtime-service", "recurring-service"},
	"pubsub":           {"notification-service", "realtime-service", "recurring-service", "task-service"},
	"pubsub-broadcast": {"realtime-service"},
}

// The namespace the platform application deploys into (the access-control policies name it).
func platformNamespace(t *testing.T) string {
	t.Helper()
	for _, o := range parseFile(t, "gitops/argocd/apps/todo-platform.yaml") {
		if ns := manifest.String(o.Content, "spec", "destination", "namespace"); ns != "" {
			return ns
		}
	}
	t.Fatal("gitops/argocd/apps/todo-platform.yaml: no destination namespace")
	return ""
}

// daprWorkloads returns the Dapr-enabled workloads of a rendering with their pod annotations.
func daprWorkloads(objects []manifest.Object) []manifest.Object {
	var out []manifest.Object
	for _, o := range objects {
		if workloadKinds[o.Kind()] && manifest.String(o.Content, "spec", "template", "metadata", "annotations", "dapr.io/enabled") == "true" {
			out = append(out, o)
		}
	}
	return out
}

func podAnnotation(o manifest.Object, key string) string {
	return manifest.String(o.Content, "spec", "template", "metadata", "annotations", key)
}

// appEnvSecret is the Secret name of an environment variable of the workload's app container.
func appEnvSecret(o manifest.Object, env string) (name, key string) {
	containers := manifest.List(o.Content, "spec", "template", "spec", "containers")
	if len(containers) == 0 {
		return "", ""
	}
	for _, e := range manifest.List(containers[0], "env") {
		if manifest.String(e, "name") == env {
			return manifest.String(e, "valueFrom", "secretKeyRef", "name"), manifest.String(e, "valueFrom", "secretKeyRef", "key")
		}
	}
	return "", ""
}

// tokenProblems: each service has its own pair of Dapr tokens, Secrets <app-id>-dapr-api-token
// (app -> sidecar) and <app-id>-app-api-token (sidecar -> app), named by the sidecar's
// annotations and given to the app container from the same Secrets (key token); no two services
// share one, and no token Secret is rendered (values are created at bootstrap, never in Git).
func tokenProblems(objects []manifest.Object) []string {
	var problems []string
	users := map[string][]string{}
	for _, o := range daprWorkloads(objects) {
		app := podAnnotation(o, "dapr.io/app-id")
		for _, token := range []struct{ annotation, env, suffix string }{
			{"dapr.io/api-token-secret", "DAPR_API_TOKEN", "-dapr-api-token"},
			{"dapr.io/app-token-secret", "APP_API_TOKEN", "-app-api-token"},
		} {
			secret := podAnnotation(o, token.annotation)
			if secret != app+token.suffix {
				problems = append(problems, fmt.Sprintf("%s: annotation %s is %q, want %q (one token per service)", o.ID(), token.annotation, secret, app+token.suffix))
			}
			if name, key := appEnvSecret(o, token.env); name != secret || key != "token" {
				problems = append(problems, fmt.Sprintf("%s: env %s comes from Secret %q key %q, want the sidecar's Secret %q key token", o.ID(), token.env, name, key, secret))
			}
			if secret != "" {
				users[secret] = append(users[secret], o.ID())
			}
		}
	}
	for _, secret := range slices.Sorted(maps.Keys(users)) {
		if len(users[secret]) > 1 {
			problems = append(problems, fmt.Sprintf("Secret %s is the token of %s: one token per service", secret, strings.Join(users[secret], " and ")))
		}
	}
	for _, o := range objects {
		if o.Kind() == "Secret" && users[o.Name()] != nil {
			problems = append(problems, fmt.Sprintf("%s: a token's value is rendered from Git; create it at bootstrap (gitops/README.md)", o.ID()))
		}
	}
	return problems
}

// accessControlProblems: each Dapr-enabled workload names a Configuration of its own
// (dapr.io/config) that denies every service invocation by default and allows exactly the
// invocations of the table (caller, namespace, verb and operation), and denies the apps the
// Dapr secrets API of the Kubernetes secret store (no service reads a secret through it).
func accessControlProblems(objects []manifest.Object, namespace string, table map[string]map[string][]string) []string {
	var problems []string
	configurations := map[string]manifest.Object{}
	for _, o := range objects {
		if o.GVK().Group == "dapr.io" && o.Kind() == "Configuration" {
			configurations[o.Name()] = o
		}
	}
	usedBy := map[string]string{}
	for _, w := range daprWorkloads(objects) {
		app := podAnnotation(w, "dapr.io/app-id")
		name := podAnnotation(w, "dapr.io/config")
		c, ok := configurations[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: annotation dapr.io/config names %q, which is not rendered", w.ID(), name))
			continue
		}
		if other, shared := usedBy[name]; shared {
			problems = append(problems, fmt.Sprintf("%s: Configuration %s is %s's too: each service has its own (its access control)", w.ID(), name, other))
		}
		usedBy[name] = app
		acl := manifest.Map(c.Content, "spec", "accessControl")
		if acl == nil || manifest.String(acl, "defaultAction") != "deny" {
			problems = append(problems, fmt.Sprintf("%s (of %s): spec.accessControl.defaultAction must be deny", c.ID(), app))
		}
		if td := manifest.String(acl, "trustDomain"); td != "" && td != "public" {
			problems = append(problems, fmt.Sprintf("%s: trustDomain %q: the platform's identities are in trust domain public", c.ID(), td))
		}
		allowed := map[string][]string{}
		for _, p := range manifest.List(acl, "policies") {
			caller := manifest.String(p, "appId")
			if manifest.String(p, "defaultAction") != "deny" {
				problems = append(problems, fmt.Sprintf("%s: policy of %s needs defaultAction: deny (only the operations listed)", c.ID(), caller))
			}
			if ns := manifest.String(p, "namespace"); ns != namespace {
				problems = append(problems, fmt.Sprintf("%s: policy of %s names namespace %q, want %q (the platform's)", c.ID(), caller, ns, namespace))
			}
			for _, op := range manifest.List(p, "operations") {
				if action := manifest.String(op, "action"); action != "" && action != "allow" {
					continue
				}
				verbs := manifest.List(op, "httpVerb")
				if len(verbs) == 0 {
					problems = append(problems, fmt.Sprintf("%s: %s may call %s with any verb: list the verbs", c.ID(), caller, manifest.String(op, "name")))
				}
				for _, v := range verbs {
					allowed[caller] = append(allowed[caller], fmt.Sprintf("%v %s", v, manifest.String(op, "name")))
				}
			}
		}
		for _, caller := range slices.Sorted(maps.Keys(unionSet(allowed, table[app]))) {
			got, want := slices.Sorted(slices.Values(allowed[caller])), slices.Sorted(slices.Values(table[app][caller]))
			if !slices.Equal(got, want) {
				problems = append(problems, fmt.Sprintf("%s: %s may invoke %s with %v, want %v", c.ID(), caller, app, got, want))
			}
		}
		denied := false
		for _, s := range manifest.List(c.Content, "spec", "secrets", "scopes") {
			if manifest.String(s, "storeName") == "kubernetes" && manifest.String(s, "defaultAccess") == "deny" && len(manifest.List(s, "allowedSecrets")) == 0 {
				denied = true
			}
		}
		if !denied {
			problems = append(problems, fmt.Sprintf("%s: spec.secrets.scopes must deny store kubernetes (defaultAccess: deny, nothing allowed)", c.ID()))
		}
	}
	return problems
}

// scopeProblems: each Component is visible to exactly the apps that use it (the table), and a
// Subscription only to apps that see its pub/sub Component.
func scopeProblems(objects []manifest.Object, users map[string][]string) []string {
	var problems []string
	scopes := map[string][]string{}
	for _, o := range objects {
		if o.GVK().Group != "dapr.io" || o.Kind() != "Component" {
			continue
		}
		got := stringList(manifest.List(o.Content, "scopes"))
		scopes[o.Name()] = got
		want, known := users[o.Name()]
		if !known {
			problems = append(problems, fmt.Sprintf("%s: not in the table of Component users (componentUsers)", o.ID()))
			continue
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			problems = append(problems, fmt.Sprintf("%s: scopes %v, want exactly the apps that use it %v", o.ID(), got, want))
		}
	}
	for _, o := range objects {
		if o.GVK().Group != "dapr.io" || o.Kind() != "Subscription" {
			continue
		}
		pubsub := manifest.String(o.Content, "spec", "pubsubname")
		for _, app := range stringList(manifest.List(o.Content, "scopes")) {
			if !slices.Contains(scopes[pubsub], app) {
				problems = append(problems, fmt.Sprintf("%s: scoped to %s, which does not see Component %s", o.ID(), app, pubsub))
			}
		}
	}
	return problems
}

func stringList(items []any) []string {
	out := make([]string, 0, len(items))
	for _, i := range items {
		out = append(out, fmt.Sprint(i))
	}
	return out
}

func unionSet(a, b map[string][]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// TestDaprSecurity: the rules above on both overlays.
func TestDaprSecurity(t *testing.T) {
	namespace := platformNamespace(t)
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objects := build(t, dir)
			if len(daprWorkloads(objects)) != len(services) {
				t.Fatalf("%d Dapr-enabled workloads, want %d", len(daprWorkloads(objects)), len(services))
			}
			for name, problems := range map[string][]string{
				"tokens":         tokenProblems(objects),
				"access control": accessControlProblems(objects, namespace, invocations),
				"scopes":         scopeProblems(objects, componentUsers),
			} {
				t.Run(name, func(t *testing.T) {
					for _, p := range problems {
						t.Error(p)
					}
				})
			}
		})
	}
}

// TestInvocationsReachTheirEndpoints: every allowed operation is the @Path of the resource it
// is for, with its {parameters} as single-segment wildcards.
func TestInvocationsReachTheirEndpoints(t *testing.T) {
	pathAnnotation := regexp.MustCompile(`(?m)^@Path\("([^"]+)"\)`)
	parameter := regexp.MustCompile(`\{[^}/]+\}`)
	for _, callers := range invocations {
		for _, ops := range callers {
			for _, op := range ops {
				file, ok := invocationEndpoints[op]
				if !ok {
					t.Errorf("%s: no endpoint in invocationEndpoints", op)
					continue
				}
				data, err := os.ReadFile(filepath.Join(render.RepoRoot(), file))
				if err != nil {
					t.Fatal(err)
				}
				m := pathAnnotation.FindSubmatch(data)
				if m == nil {
					t.Errorf("%s: no class-level @Path", file)
					continue
				}
				_, name, _ := strings.Cut(op, " ")
				if got := parameter.ReplaceAllString(string(m[1]), "*"); got != name {
					t.Errorf("%s: @Path %s is operation %s, but the access control allows %s", file, m[1], got, name)
				}
			}
		}
	}
}

const goodDaprFixture = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: task-service}
spec:
  template:
    metadata:
      annotations:
        dapr.io/enabled: "true"
        dapr.io/app-id: task-service
        dapr.io/config: task-service
        dapr.io/api-token-secret: task-service-dapr-api-token
        dapr.io/app-token-secret: task-service-app-api-token
    spec:
      containers:
        - name: task-service
          env:
            - {name: DAPR_API_TOKEN, valueFrom: {secretKeyRef: {name: task-service-dapr-api-token, key: token}}}
            - {name: APP_API_TOKEN, valueFrom: {secretKeyRef: {name: task-service-app-api-token, key: token}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: recurring-service}
spec:
  template:
    metadata:
      annotations:
        dapr.io/enabled: "true"
        dapr.io/app-id: recurring-service
        dapr.io/config: recurring-service
        dapr.io/api-token-secret: recurring-service-dapr-api-token
        dapr.io/app-token-secret: recurring-service-app-api-token
    spec:
      containers:
        - name: recurring-service
          env:
            - {name: DAPR_API_TOKEN, valueFrom: {secretKeyRef: {name: recurring-service-dapr-api-token, key: token}}}
            - {name: APP_API_TOKEN, valueFrom: {secretKeyRef: {name: recurring-service-app-api-token, key: token}}}
---
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: {name: task-service}
spec:
  secrets: {scopes: [{storeName: kubernetes, defaultAccess: deny}]}
  accessControl:
    defaultAction: deny
    trustDomain: public
    policies:
      - appId: recurring-service
        namespace: todo
        trustDomain: public
        defaultAction: deny
        operations: [{name: /internal/x/*, httpVerb: [POST], action: allow}]
---
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: {name: recurring-service}
spec:
  secrets: {scopes: [{storeName: kubernetes, defaultAccess: deny}]}
  accessControl: {defaultAction: deny}
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: statestore}
scopes: [recurring-service]
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: pubsub}
scopes: [recurring-service, task-service]
---
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata: {name: recurring-service-task-events}
spec: {pubsubname: pubsub}
scopes: [recurring-service]
`

// TestDaprSecurityRulesFailOnBrokenManifests: each rule accepts the good fixture and rejects
// it broken one way at a time.
func TestDaprSecurityRulesFailOnBrokenManifests(t *testing.T) {
	table := map[string]map[string][]string{"task-service": {"recurring-service": {"POST /internal/x/*"}}}
	users := map[string][]string{"statestore": {"recurring-service"}, "pubsub": {"recurring-service", "task-service"}}
	check := func(objects []manifest.Object) []string {
		return slices.Concat(tokenProblems(objects), accessControlProblems(objects, "todo", table), scopeProblems(objects, users))
	}
	parse := func(t *testing.T, text string) []manifest.Object {
		objects, err := manifest.Parse([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return objects
	}
	if problems := check(parse(t, goodDaprFixture)); len(problems) > 0 {
		t.Fatalf("the good fixture fails:\n  %s", strings.Join(problems, "\n  "))
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"shared API token", "dapr.io/api-token-secret: task-service-dapr-api-token", "dapr.io/api-token-secret: recurring-service-dapr-api-token", "one token per service"},
		{"app env from another Secret", "{name: APP_API_TOKEN, valueFrom: {secretKeyRef: {name: task-service-app-api-token", "{name: APP_API_TOKEN, valueFrom: {secretKeyRef: {name: app-api-token", "env APP_API_TOKEN"},
		{"token value in Git", "---\napiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: statestore}", "---\napiVersion: v1\nkind: Secret\nmetadata: {name: task-service-app-api-token}\n---\napiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: statestore}", "rendered from Git"},
		{"invocation allowed by default", "accessControl: {defaultAction: deny}", "accessControl: {defaultAction: allow}", "defaultAction must be deny"},
		{"no access control", "  accessControl: {defaultAction: deny}\n", "", "defaultAction must be deny"},
		{"caller outside the table", "appId: recurring-service", "appId: notification-service", "may invoke task-service"},
		{"any verb", "httpVerb: [POST]", "httpVerb: ['*']", "may invoke task-service"},
		{"wider operation", "name: /internal/x/*,", "name: /internal/**,", "may invoke task-service"},
		{"policy in another namespace", "namespace: todo", "namespace: default", "names namespace"},
		{"shared configuration", "dapr.io/config: recurring-service", "dapr.io/config: task-service", "each service has its own"},
		{"configuration not rendered", "dapr.io/config: task-service", "dapr.io/config: daprconfig", "not rendered"},
		{"secrets API open", "metadata: {name: recurring-service}\nspec:\n  secrets: {scopes: [{storeName: kubernetes, defaultAccess: deny}]}", "metadata: {name: recurring-service}\nspec:\n  secrets: {scopes: [{storeName: kubernetes, defaultAccess: allow}]}", "must deny store kubernetes"},
		{"component visible to an app that does not use it", "scopes: [recurring-service]\n---\napiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: pubsub}", "scopes: [recurring-service, task-service]\n---\napiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: pubsub}", "want exactly the apps that use it"},
		{"subscription of an app that does not see its pub/sub", "spec: {pubsubname: pubsub}\nscopes: [recurring-service]", "spec: {pubsubname: statestore}\nscopes: [task-service]", "does not see Component"},
	} {
		t.Run(c.name, func(t *testing.T) {
			broken := strings.Replace(goodDaprFixture, c.from, c.to, 1)
			if broken == goodDaprFixture {
				t.Fatalf("the fixture does not contain %q", c.from)
			}
			problems := check(parse(t, broken))
			joined := strings.Join(problems, "\n")
			if !strings.Contains(joined, c.want) {
				t.Errorf("want a problem with %q, got:\n  %s", c.want, strings.Join(problems, "\n  "))
			}
		})
	}
}
