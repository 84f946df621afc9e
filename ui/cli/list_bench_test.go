//go:build linux

package cli_test

import (
	"io"
	"os/exec"
	"slices"
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

// BenchmarkCompleteProcess100k runs what a shell runs when the operator
// presses Tab after --secret-id: `secretary __complete describe-secret
// --secret-id PREFIX` as a whole process, over 100,000 demo secrets, with a
// prefix and with none, interleaved with a Go hello world so the medians
// are also reported as ratios to it. Budget: 300 ms. Filling the store
// takes most of a minute and is not timed.
//
//	go test ./ui/cli -run '^$' -bench CompleteProcess100k -benchtime 20x
func BenchmarkCompleteProcess100k(b *testing.B) {
	hello := buildHello(b)
	e := newKeyFileStore(b)
	e.ok("demo-data", "--secrets", "100000")
	// The default timeout would cut a slow completion short and hide it.
	environ := append(cleanEnviron(), append(e.vars, "SECRETARY_COMPLETION_TIMEOUT=30s")...)
	run := func(name string, args ...string) time.Duration {
		cmd := exec.Command(name, args...)
		cmd.Env = environ
		start := time.Now()
		out, err := cmd.Output()
		if err != nil || len(out) == 0 {
			b.Fatalf("%s %q: %v, %d bytes of output", name, args, err, len(out))
		}
		return time.Since(start)
	}
	var tHello, tPrefix, tAll []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tHello = append(tHello, run(hello))
		tPrefix = append(tPrefix, run(binary, "__complete", "describe-secret", "--secret-id", "prod/"))
		tAll = append(tAll, run(binary, "__complete", "describe-secret", "--secret-id", ""))
	}
	b.StopTimer()
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2])
	}
	h := median(tHello)
	p, a := median(tPrefix), median(tAll)
	b.ReportMetric(p/1e6, "ms-prefix")
	b.ReportMetric(a/1e6, "ms-no-prefix")
	b.ReportMetric(p/h, "prefix/hello")
	b.ReportMetric(a/h, "no-prefix/hello")
}
