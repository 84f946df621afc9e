package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestVersionInjectedByLinker builds the binary the way .goreleaser.yaml
// does and checks that --version reports what was injected.
func TestVersionInjectedByLinker(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "secretary")
	ldflags := "-s -w -X main.version=1.2.3 -X main.commit=abc1234 -X main.date=2026-01-02T03:04:05Z"
	build := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, ".")
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "secretary 1.2.3 (commit abc1234, built 2026-01-02T03:04:05Z)\n"
	if string(out) != want {
		t.Fatalf("--version printed %q, want %q", out, want)
	}
}
