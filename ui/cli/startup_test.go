package cli_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The start-up budget is stated against a Go hello world built as the
// release is (static, -trimpath, -ldflags=-s -w), so that a faster or
// slower machine moves both alike: `secretary get` ≤ 2.5× and
// `secretary --version` ≤ 1.3× the hello world.

// buildHello builds the hello world the start-up figures are ratios to.
func buildHello(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	hello := filepath.Join(dir, "hello")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", hello, src)
	build.Env = append(os.Environ(), "GO111MODULE=off", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("building hello world: %v\n%s", err, out)
	}
	return hello
}

// BenchmarkStartupRatio measures `secretary --version` and `secretary get`
// as whole processes against a Go hello world built with the same flags,
// runs interleaved so that a busy or slow machine slows all three alike,
// and reports the medians' ratios, which is how the budget is stated:
// get ≤ 2.5× and --version ≤ 1.3× a hello world. It reports the ratios of
// the processes' CPU time (user + system) too: on a shared machine those
// move less than wall time, which also holds the time spent waiting for
// the disk (the store's write-ahead log is checkpointed, with fsyncs, when
// the last connection closes).
//
//	go test ./ui/cli -run '^$' -bench StartupRatio -benchtime 200x
func BenchmarkStartupRatio(b *testing.B) {
	hello := buildHello(b)
	e := newKeyFileStore(b)
	e.ok("create-secret", "--name", "prod/payments/postgres", "--secret-string", `{"username":"app","password":"x"}`)
	environ := append(cleanEnviron(), e.vars...)
	type sample struct{ wall, cpu []time.Duration }
	run := func(s *sample, name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = environ
		start := time.Now()
		if out, err := cmd.Output(); err != nil {
			b.Fatalf("%s %q: %v %q", name, args, err, out)
		}
		s.wall = append(s.wall, time.Since(start))
		s.cpu = append(s.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
	}
	var tHello, tVersion, tGet sample
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run(&tHello, hello)
		run(&tVersion, binary, "--version")
		run(&tGet, binary, "get", "prod/payments/postgres", "--field", "password")
	}
	b.StopTimer()
	median := func(ds []time.Duration) float64 {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return float64(ds[len(ds)/2])
	}
	h, hc := median(tHello.wall), median(tHello.cpu)
	b.ReportMetric(h/1e6, "ms-hello")
	b.ReportMetric(median(tVersion.wall)/h, "version/hello")
	b.ReportMetric(median(tGet.wall)/h, "get/hello")
	b.ReportMetric(hc/1e6, "cpu-ms-hello")
	b.ReportMetric(median(tVersion.cpu)/hc, "version/hello-cpu")
	b.ReportMetric(median(tGet.cpu)/hc, "get/hello-cpu")
}

// initRecord is one line of GODEBUG=inittrace=1: a package's initialisers.
type initRecord struct {
	pkg   string
	clock time.Duration
	bytes int64
}

// initTrace runs the binary with GODEBUG=inittrace=1 and returns what each
// package's initialisers cost.
func initTrace(tb testing.TB, args ...string) []initRecord {
	tb.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(cleanEnviron(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("secretary %q: %v\n%s", args, err, stderr.String())
	}
	// init github.com/x/y @2.1 ms, 0.004 ms clock, 2000 bytes, 8 allocs
	var recs []initRecord
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 11 || f[0] != "init" || f[6] != "clock," || f[8] != "bytes," {
			continue
		}
		ms, err1 := strconv.ParseFloat(f[4], 64)
		n, err2 := strconv.ParseInt(f[7], 10, 64)
		if err1 != nil || err2 != nil {
			tb.Fatalf("unreadable inittrace line %q", sc.Text())
		}
		recs = append(recs, initRecord{pkg: f[1], clock: time.Duration(ms * 1e6), bytes: n})
	}
	if len(recs) == 0 {
		tb.Fatalf("GODEBUG=inittrace=1 printed no initialisers:\n%s", stderr.String())
	}
	return recs
}

const modulePath = "github.com/secretary-sh/secretary"

// TestOwnInitializersBuildNothing keeps tables, regular expressions and
// maps of secretary's own packages out of start-up, where every command,
// `--version` included, would pay for them: they are built on first use
// (sync.OnceValue) instead. What the dependencies' initialisers cost is
// measured, not asserted, by BenchmarkStartupInits.
func TestOwnInitializersBuildNothing(t *testing.T) {
	// A handful of small maps and errors.New values remain; a compiled
	// regular expression alone allocates several kilobytes.
	const budget = 8 << 10
	var total int64
	var detail []string
	for _, r := range initTrace(t, "--version") {
		if r.pkg == modulePath || strings.HasPrefix(r.pkg, modulePath+"/") {
			total += r.bytes
			detail = append(detail, fmt.Sprintf("%s %d bytes", r.pkg, r.bytes))
		}
	}
	if total > budget {
		t.Fatalf("secretary's own packages allocate %d bytes at start-up (budget %d); build what they need on first use:\n%s", total, budget, strings.Join(detail, "\n"))
	}
}

// initGroup names the part of the binary a package belongs to.
func initGroup(pkg string) string {
	first, _, _ := strings.Cut(pkg, "/")
	switch {
	case pkg == modulePath || strings.HasPrefix(pkg, modulePath+"/"):
		return "secretary"
	case strings.HasPrefix(pkg, "github.com/aws/"):
		return "aws-sdk"
	case strings.HasPrefix(pkg, "modernc.org/"):
		return "sqlite"
	case strings.HasPrefix(pkg, "github.com/jackc/"), strings.HasPrefix(pkg, "github.com/go-sql-driver/"), strings.HasPrefix(pkg, "filippo.io/"):
		return "db-drivers"
	case !strings.Contains(first, "."):
		return "stdlib"
	case strings.HasPrefix(pkg, "golang.org/x/"):
		return "x"
	default:
		return "console" // bubbletea, lipgloss, termenv, clipboard and what they use
	}
}

// BenchmarkStartupInits reports what the package initialisers of
// `secretary --version` cost, by part of the binary (medians over the
// runs, from GODEBUG=inittrace=1), and logs the costliest packages: the
// share of start-up that no change to secretary's own start-up path can
// remove while the binary links these dependencies.
//
//	go test ./ui/cli -run '^$' -bench StartupInits -benchtime 100x
func BenchmarkStartupInits(b *testing.B) {
	groups := map[string][]time.Duration{}
	pkgs := map[string][]time.Duration{}
	var totals []time.Duration
	var bytesTotal []int64
	for i := 0; i < b.N; i++ {
		sum := map[string]time.Duration{}
		var total time.Duration
		var n int64
		for _, r := range initTrace(b, "--version") {
			sum[initGroup(r.pkg)] += r.clock
			pkgs[r.pkg] = append(pkgs[r.pkg], r.clock)
			total += r.clock
			n += r.bytes
		}
		for g, d := range sum {
			groups[g] = append(groups[g], d)
		}
		totals = append(totals, total)
		bytesTotal = append(bytesTotal, n)
	}
	median := func(ds []time.Duration) time.Duration {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	b.ReportMetric(float64(median(totals))/1e6, "init-ms")
	for g, ds := range groups {
		b.ReportMetric(float64(median(ds))/1e6, g+"-init-ms")
	}
	slices.Sort(bytesTotal)
	b.ReportMetric(float64(bytesTotal[len(bytesTotal)/2])/1024, "init-KiB")
	type cost struct {
		pkg string
		d   time.Duration
	}
	var costs []cost
	for p, ds := range pkgs {
		costs = append(costs, cost{p, median(ds)})
	}
	sort.Slice(costs, func(i, j int) bool { return costs[i].d > costs[j].d })
	if b.N == 1 {
		return // the probe run; the figures come from the real one
	}
	// The testing package shows ten lines of a benchmark's log.
	var top strings.Builder
	for _, c := range costs[:min(8, len(costs))] {
		fmt.Fprintf(&top, "\n  %6.3f ms  %s", float64(c.d)/1e6, c.pkg)
	}
	b.Logf("costliest initialisers (median of %d runs of --version):%s", b.N, top.String())
}
