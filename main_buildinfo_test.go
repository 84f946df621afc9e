package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionFromBuildInfo builds the binary without -ldflags, as `go build`
// in a checkout does, and checks that --version falls back to what the Go
// toolchain recorded: the module version (a pseudo-version from the
// commit), the commit and its time.
func TestVersionFromBuildInfo(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI runs in a git checkout, but git rev-parse HEAD failed: %v", err)
		}
		t.Skipf("skipping: not a git checkout (%v), so the toolchain records no commit", err)
	}
	bin := filepath.Join(t.TempDir(), "secretary")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	// GOFLAGS may turn VCS stamping off; the flag above turns it back on.
	build.Env = append(build.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "(commit " + strings.TrimSpace(string(head)) + ", built "
	if !strings.HasPrefix(string(out), "secretary v") || !strings.Contains(string(out), want) {
		t.Fatalf("--version printed %q, want the module version and the commit from build info (%q)", out, want)
	}
}
