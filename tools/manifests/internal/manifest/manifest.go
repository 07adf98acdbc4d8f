// Package manifest parses rendered Kubernetes YAML into objects that the
// checks can address by kind, namespace and name.
package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Object is one Kubernetes object: its JSON text (for strict typed decoding)
// and the same content as a generic tree (for schemas and policies).
type Object struct {
	JSON    []byte
	Content map[string]any
}

// Parse splits a multi-document YAML stream into objects. Duplicate keys are
// an error, as they are for the API server's strict field validation.
func Parse(data []byte) ([]Object, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objects []Object
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		js, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", len(objects)+1, err)
		}
		var content map[string]any
		if err := utiljson.Unmarshal(js, &content); err != nil {
			return nil, fmt.Errorf("document %d: %w", len(objects)+1, err)
		}
		if content == nil {
			continue
		}
		objects = append(objects, Object{JSON: js, Content: content})
	}
}

// ParseFile reads and parses one YAML file.
func ParseFile(path string) ([]Object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	objects, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return objects, nil
}

func stripComments(doc []byte) []byte {
	var out bytes.Buffer
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			out.WriteString(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// APIVersion returns the object's apiVersion.
func (o Object) APIVersion() string { return String(o.Content, "apiVersion") }

// Kind returns the object's kind.
func (o Object) Kind() string { return String(o.Content, "kind") }

// Name returns metadata.name.
func (o Object) Name() string { return String(o.Content, "metadata", "name") }

// Namespace returns metadata.namespace.
func (o Object) Namespace() string { return String(o.Content, "metadata", "namespace") }

// GVK returns the group, version and kind.
func (o Object) GVK() schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(o.APIVersion(), o.Kind())
}

// ID names the object in messages: "Deployment todo/task-service".
func (o Object) ID() string {
	if ns := o.Namespace(); ns != "" {
		return o.Kind() + " " + ns + "/" + o.Name()
	}
	return o.Kind() + " " + o.Name()
}

// Annotations returns metadata.annotations (never nil).
func (o Object) Annotations() map[string]string {
	return stringMap(o.Content, "metadata", "annotations")
}

// Labels returns metadata.labels (never nil).
func (o Object) Labels() map[string]string { return stringMap(o.Content, "metadata", "labels") }

// Get walks a path of map keys and returns the value found, or nil.
func Get(tree any, path ...string) any {
	cur := tree
	for _, key := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[key]
	}
	return cur
}

// String is Get for a string value ("" when absent or not a string).
func String(tree any, path ...string) string {
	s, _ := Get(tree, path...).(string)
	return s
}

// Map is Get for an object value (nil when absent).
func Map(tree any, path ...string) map[string]any {
	m, _ := Get(tree, path...).(map[string]any)
	return m
}

// List is Get for a list value (nil when absent).
func List(tree any, path ...string) []any {
	l, _ := Get(tree, path...).([]any)
	return l
}

func stringMap(tree any, path ...string) map[string]string {
	out := map[string]string{}
	for k, v := range Map(tree, path...) {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// DeepCopy copies a generic JSON tree.
func DeepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = DeepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = DeepCopy(e)
		}
		return out
	default:
		return v
	}
}
