// Command testsummary reads `go test -json` on stdin, prints the output of
// every failing test and ends with one line, "N passed, M failed", counting
// leaf tests (a test with subtests counts through them). A package that fails
// without a failing test (a build error) counts as one failure, and so does
// a failing `go test` (-go-test-status) that reported no failing test.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	goTestStatus := flag.Int("go-test-status", 0, "exit status of go test")
	flag.Parse()

	status := map[string]string{}      // package + test -> pass/fail/skip
	output := map[string][]string{}    // package + test -> lines
	pkgOutput := map[string][]string{} // package -> lines outside tests
	pkgFailed := map[string]bool{}

	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		var e event
		if err := json.Unmarshal(scanner.Bytes(), &e); err != nil {
			fmt.Println(scanner.Text()) // not JSON: pass through (e.g. a go command error)
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch e.Action {
		case "output", "build-output":
			if e.Test == "" {
				pkgOutput[e.Package] = append(pkgOutput[e.Package], e.Output)
			} else {
				output[key] = append(output[key], e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				pkgFailed[e.Package] = e.Action == "fail"
			} else {
				status[key] = e.Action
			}
		case "build-fail":
			pkgFailed[e.Package] = true
		}
	}

	// a test is a leaf when no other test of its package is below it
	keys := make([]string, 0, len(status))
	for k := range status {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	isParent := map[string]bool{}
	for _, k := range keys {
		pkg, test, _ := strings.Cut(k, "\x00")
		for i := strings.LastIndex(test, "/"); i > 0; i = strings.LastIndex(test[:i], "/") {
			isParent[pkg+"\x00"+test[:i]] = true
		}
	}
	passed, failed := 0, 0
	failedByPackage := map[string]int{}
	for _, k := range keys {
		if isParent[k] {
			continue
		}
		pkg, _, _ := strings.Cut(k, "\x00")
		switch status[k] {
		case "pass":
			passed++
		case "fail":
			failed++
			failedByPackage[pkg]++
			fmt.Print(strings.Join(output[k], ""))
		}
	}
	for pkg, bad := range pkgFailed {
		if bad && failedByPackage[pkg] == 0 {
			failed++
			fmt.Printf("FAIL %s (no test failed: build or setup error)\n", pkg)
			fmt.Print(strings.Join(pkgOutput[pkg], ""))
		}
	}
	if *goTestStatus != 0 && failed == 0 {
		failed++
		fmt.Printf("go test exited with status %d without a failing test\n", *goTestStatus)
	}
	if passed+failed == 0 {
		failed++
		fmt.Println("no tests ran")
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
