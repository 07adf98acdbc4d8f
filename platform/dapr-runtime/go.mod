// Builds the pinned Dapr runtime (daprd and the scheduler) from the upstream
// Go module, so a machine without a Dapr installation gets the exact version
// the Kubernetes install pins. ./dev builds it; see platform/lib/dapr.sh.
module todo.local/platform/dapr-runtime

go 1.26.6

require github.com/dapr/dapr v1.18.3


// The upstream replace lines of github.com/dapr/dapr v1.18.3 (its go.mod):
// replace directives apply only in the main module, so they are repeated here.
replace (
	dubbo.apache.org/dubbo-go/v3 => dubbo.apache.org/dubbo-go/v3 v3.0.3-0.20230118042253-4f159a2b38f3
	github.com/apache/pulsar-client-go v0.18.0 => github.com/twmb/pulsar-client-go v0.20.1-0.20260624144353-90eefc81f70a
	gopkg.in/couchbaselabs/gocbconnstr.v1 => github.com/couchbaselabs/gocbconnstr v1.0.5
)

replace (
	github.com/chenzhuoyu/iasm => github.com/chenzhuoyu/iasm v0.9.0
	github.com/chzyer/logex => github.com/chzyer/logex v1.2.1
	github.com/gobwas/pool => github.com/gobwas/pool v0.2.1
	github.com/toolkits/concurrent => github.com/niean/gotools v0.0.0-20151221085310-ff3f51fc5c60
)

// The Go module proxy reachable here refuses durabletask-go v0.12.2-v0.12.4
// (403 "This module version is not available"); v0.12.1 is the nearest patch
// release it serves. It backs only the workflow engine, which this project
// does not use. Drop this line where v0.12.4 can be downloaded.
replace github.com/dapr/durabletask-go v0.12.4 => github.com/dapr/durabletask-go v0.12.1
