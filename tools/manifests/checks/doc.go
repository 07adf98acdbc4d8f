// Package checks holds the delivery checks of the repository as Go tests:
// every object that an overlay or an Argo CD kustomization renders is valid
// against its schema, follows the project's policies, and the environments
// differ only where they must. Run them with tools/manifests/check.sh, which
// provides the pinned kustomize.
package checks
