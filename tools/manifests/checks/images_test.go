package checks

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"sigs.k8s.io/yaml"

	"todo.local/tools/manifests/internal/render"
)

// overlayImage is one entry of an overlay's images: list, in the shape that
// `kustomize edit set image` writes and the promotion script copies.
type overlayImage struct {
	Name    string `json:"name"`
	NewName string `json:"newName"`
	NewTag  string `json:"newTag,omitempty"`
	Digest  string `json:"digest"`
}

var digestValue = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func overlayImages(t *testing.T, dir string) []overlayImage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(render.RepoRoot(), dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		Images []overlayImage `json:"images"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		t.Fatalf("%s/kustomization.yaml: %v", dir, err)
	}
	return k.Images
}

// imagesComponent holds the service images of every environment: release writes its digests,
// and an environment runs those of the revision it runs (gitops/releases pins the cloud's).
const imagesComponent = "gitops/images"

// TestImagesByDigest: the images component names the four services with newName and digest
// only (what release writes); every overlay uses it and lists no images of its own (an
// environment's images come with its revision, never from a digest of its own); every container
// image that an overlay renders is pinned by digest.
func TestImagesByDigest(t *testing.T) {
	t.Run(imagesComponent, func(t *testing.T) {
		dir := imagesComponent
		images := overlayImages(t, dir)
		byName := map[string]overlayImage{}
		for _, img := range images {
			byName[img.Name] = img
		}
		if len(images) != len(services) || len(byName) != len(services) {
			t.Errorf("%s/kustomization.yaml: images: must list each of the %d services once", dir, len(services))
		}
		for _, svc := range serviceNames() {
			img, ok := byName["todo/"+svc]
			switch {
			case !ok:
				t.Errorf("%s/kustomization.yaml: images: has no entry for todo/%s", dir, svc)
			case img.NewName != "ghcr.io/todo-platform/"+svc:
				t.Errorf("%s/kustomization.yaml: todo/%s newName is %q, want ghcr.io/todo-platform/%s", dir, svc, img.NewName, svc)
			case img.NewTag != "":
				t.Errorf("%s/kustomization.yaml: todo/%s has newTag %q; images are pinned by digest only", dir, svc, img.NewTag)
			case !digestValue.MatchString(img.Digest):
				t.Errorf("%s/kustomization.yaml: todo/%s digest %q is not sha256:<64 hex>", dir, svc, img.Digest)
			}
		}
	})
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			t.Run("kustomization images", func(t *testing.T) {
				if images := overlayImages(t, dir); len(images) != 0 {
					t.Errorf("%s/kustomization.yaml: lists images %v; the images come from %s only", dir, images, imagesComponent)
				}
				data, err := os.ReadFile(filepath.Join(render.RepoRoot(), dir, "kustomization.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				var k struct {
					Components []string `json:"components"`
				}
				if err := yaml.Unmarshal(data, &k); err != nil {
					t.Fatal(err)
				}
				uses := false
				for _, c := range k.Components {
					if filepath.Clean(filepath.Join(dir, c)) == imagesComponent {
						uses = true
					}
				}
				if !uses {
					t.Errorf("%s/kustomization.yaml: components: must include %s", dir, imagesComponent)
				}
			})
			for _, o := range build(t, dir) {
				if !workloadKinds[o.Kind()] {
					continue
				}
				t.Run(subtestName(o), func(t *testing.T) {
					for _, c := range allContainers(podTemplate(t, o).Spec) {
						if !digestRef.MatchString(c.Image) {
							t.Errorf("%s container %s: image %q is not pinned by digest", o.ID(), c.Name, c.Image)
						}
					}
				})
			}
		})
	}
}

// TestOverlaysLeaveNamespaceToArgoCD: the overlays name no namespace; the
// Argo CD Application's destination decides it, the same way everywhere.
func TestOverlaysLeaveNamespaceToArgoCD(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			var named []string
			for _, o := range build(t, dir) {
				if o.Namespace() != "" {
					named = append(named, o.ID())
				}
			}
			if len(named) > 0 {
				t.Errorf("objects with a namespace: %v", named)
			}
		})
	}
}
