//go:build tools

// Keeps the CLI's module in go.mod and go.sum (`go mod tidy`); the CLI is built with
// `go build github.com/dapr/cli`.
package tools

import _ "github.com/dapr/cli"
