//go:build linux

package cli_test

import (
	"io"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// BenchmarkListSecretsProcess100k runs `secretary list-secrets` as a whole
// process over 100,000 demo secrets (about 113 MB of JSON) and reports its
// wall time and peak RSS. Filling the store takes most of a minute and is
// not timed.
func BenchmarkListSecretsProcess100k(b *testing.B) {
	e := newKeyFileStore(b)
	e.ok("demo-data", "--secrets", "100000")
	environ := append(cleanEnviron(), e.vars...)
	var wall time.Duration
	var peakKB int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(binary, "list-secrets")
		cmd.Env = environ
		cmd.Stdout = io.Discard
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("list-secrets: %v", err)
		}
		wall += time.Since(start)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peakKB {
			peakKB = ru.Maxrss // kilobytes on Linux
		}
	}
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "ms/list")
	b.ReportMetric(float64(peakKB)/1024, "MB-peak-RSS")
}
