package checks

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"todo.local/tools/manifests/internal/manifest"
)

// unionKeys returns the keys of a and b together, sorted, so comparisons report in a stable order.
func unionKeys[V any](a, b map[string]V) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	return sorted
}

// objectKey identifies an object across renderings: group, kind, namespace, name.
func objectKey(o manifest.Object) string {
	return o.GVK().Group + "/" + o.ID()
}

func index(objects []manifest.Object) map[string]manifest.Object {
	out := make(map[string]manifest.Object, len(objects))
	for _, o := range objects {
		out[objectKey(o)] = o
	}
	return out
}

// differences lists the paths at which two JSON trees differ (at most 10).
func differences(a, b any) []string {
	var out []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		if len(out) >= 10 || reflect.DeepEqual(a, b) {
			return
		}
		switch at := a.(type) {
		case map[string]any:
			bt, ok := b.(map[string]any)
			if !ok {
				break
			}
			for _, k := range unionKeys(at, bt) {
				walk(path+"."+k, at[k], bt[k])
			}
			return
		case []any:
			bt, ok := b.([]any)
			if !ok || len(at) != len(bt) {
				break
			}
			for i := range at {
				walk(fmt.Sprintf("%s[%d]", path, i), at[i], bt[i])
			}
			return
		}
		out = append(out, fmt.Sprintf("%s: %s != %s", strings.TrimPrefix(path, "."), brief(a), brief(b)))
	}
	walk("", a, b)
	return out
}

func brief(v any) string {
	if v == nil {
		return "(absent)"
	}
	s := fmt.Sprintf("%v", v)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
