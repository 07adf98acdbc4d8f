// Package schema validates objects the way the API server would on create:
// built-in kinds by strict decoding into the Kubernetes API types, custom
// resources against the openAPIV3Schema of their vendored CRD (unknown
// fields, schema, list invariants and x-kubernetes-validations rules).
package schema

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"

	"todo.local/tools/manifests/internal/manifest"
)

// Validator knows the built-in kinds and the vendored CRDs.
type Validator struct {
	scheme   *runtime.Scheme
	strict   runtime.Decoder
	custom   map[k8sschema.GroupVersionKind]*customKind
	crdFiles map[k8sschema.GroupKind]string
}

type customKind struct {
	namespaced bool
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// clusterScoped lists the built-in kinds without a namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"CustomResourceDefinition": true, "MutatingWebhookConfiguration": true,
	"ValidatingWebhookConfiguration": true, "PriorityClass": true,
	"StorageClass": true, "PersistentVolume": true,
}

// New loads every CRD below crdDir (YAML files, any depth).
func New(crdDir string) (*Validator, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme,
		rbacv1.AddToScheme, batchv1.AddToScheme, networkingv1.AddToScheme,
		autoscalingv2.AddToScheme, admissionregistrationv1.AddToScheme,
		schedulingv1.AddToScheme, storagev1.AddToScheme, apiextensionsv1.AddToScheme,
	} {
		utilruntime.Must(add(scheme))
	}
	v := &Validator{
		scheme: scheme,
		strict: json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme,
			json.SerializerOptions{Strict: true}),
		custom:   map[k8sschema.GroupVersionKind]*customKind{},
		crdFiles: map[k8sschema.GroupKind]string{},
	}
	err := filepath.WalkDir(crdDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		objects, err := manifest.ParseFile(path)
		if err != nil {
			return err
		}
		for _, o := range objects {
			if o.Kind() != "CustomResourceDefinition" {
				continue
			}
			if err := v.addCRD(o, path); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(v.custom) == 0 {
		return nil, fmt.Errorf("no CRDs found below %s", crdDir)
	}
	return v, nil
}

func (v *Validator) addCRD(o manifest.Object, path string) error {
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if _, _, err := v.strict.Decode(o.JSON, nil, crd); err != nil {
		return fmt.Errorf("CRD %s: %w", o.Name(), err)
	}
	for _, ver := range crd.Spec.Versions {
		if !ver.Served || ver.Schema == nil || ver.Schema.OpenAPIV3Schema == nil {
			continue
		}
		internal := &apiextensions.JSONSchemaProps{}
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(ver.Schema.OpenAPIV3Schema, internal, nil); err != nil {
			return fmt.Errorf("CRD %s %s: %w", crd.Name, ver.Name, err)
		}
		structural, err := structuralschema.NewStructural(internal)
		if err != nil {
			return fmt.Errorf("CRD %s %s is not structural: %w", crd.Name, ver.Name, err)
		}
		validator, _, err := apiservervalidation.NewSchemaValidator(internal)
		if err != nil {
			return fmt.Errorf("CRD %s %s: %w", crd.Name, ver.Name, err)
		}
		gvk := k8sschema.GroupVersionKind{Group: crd.Spec.Group, Version: ver.Name, Kind: crd.Spec.Names.Kind}
		v.custom[gvk] = &customKind{
			namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
			structural: structural,
			validator:  validator,
			cel:        cel.NewValidator(structural, true, celconfig.PerCallLimit),
		}
		v.crdFiles[gvk.GroupKind()] = path
	}
	return nil
}

// Known reports whether the validator has a schema for the object's kind.
func (v *Validator) Known(gvk k8sschema.GroupVersionKind) bool {
	return v.scheme.Recognizes(gvk) || v.custom[gvk] != nil
}

// Validate returns every problem found with the object; nil means valid.
func (v *Validator) Validate(o manifest.Object) []string {
	gvk := o.GVK()
	switch {
	case v.scheme.Recognizes(gvk):
		return v.validateBuiltin(o, gvk)
	case v.custom[gvk] != nil:
		return v.validateCustom(o, v.custom[gvk])
	default:
		return []string{fmt.Sprintf("no schema for apiVersion %q kind %q: neither a built-in kind nor a vendored CRD version", o.APIVersion(), o.Kind())}
	}
}

func (v *Validator) validateBuiltin(o manifest.Object, gvk k8sschema.GroupVersionKind) []string {
	typed, err := v.scheme.New(gvk)
	if err != nil {
		return []string{err.Error()}
	}
	if _, _, err := v.strict.Decode(o.JSON, nil, typed); err != nil {
		return []string{err.Error()}
	}
	return metaProblems(o, !clusterScoped[gvk.Kind])
}

func (v *Validator) validateCustom(o manifest.Object, kind *customKind) []string {
	obj := manifest.DeepCopy(o.Content).(map[string]any)
	var problems []string

	// Strict field validation: what the API server would prune is an error.
	unknown := pruning.PruneWithOptions(obj, kind.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, path := range unknown {
		problems = append(problems, fmt.Sprintf("unknown field %q", path))
	}
	_, _, unknownMeta, err := schemaobjectmeta.GetObjectMetaWithOptions(obj, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		problems = append(problems, "metadata: "+err.Error())
	}
	for _, path := range unknownMeta {
		problems = append(problems, fmt.Sprintf("unknown field %q", path))
	}
	problems = append(problems, metaProblems(o, kind.namespaced)...)

	defaulting.Default(obj, kind.structural)
	var errs field.ErrorList
	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, kind.validator)...)
	errs = append(errs, schemaobjectmeta.Validate(nil, obj, kind.structural, false)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, kind.structural, obj)...)
	if len(errs) == 0 {
		celErrs, _ := kind.cel.Validate(context.Background(), nil, kind.structural, obj, nil, celconfig.RuntimeCELCostBudget)
		errs = append(errs, celErrs...)
	}
	for _, e := range errs {
		problems = append(problems, e.Error())
	}
	sort.Strings(problems)
	return problems
}

// metaProblems applies the API server's ObjectMeta validation. A namespaced
// object without a namespace gets the one kubectl or Argo CD would supply.
func metaProblems(o manifest.Object, namespaced bool) []string {
	u := &unstructured.Unstructured{Object: manifest.DeepCopy(o.Content).(map[string]any)}
	if namespaced && u.GetNamespace() == "" {
		u.SetNamespace("default")
	}
	var problems []string
	for _, e := range apivalidation.ValidateObjectMetaAccessor(u, namespaced, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata")) {
		problems = append(problems, e.Error())
	}
	return problems
}

// CRDSource returns the vendored file that defines a kind, for messages.
func (v *Validator) CRDSource(gk k8sschema.GroupKind) string { return v.crdFiles[gk] }
