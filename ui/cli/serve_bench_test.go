package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/secretary-sh/secretary/backend"
	awsbackend "github.com/secretary-sh/secretary/backend/aws"
)

// procStat reads what /proc says about a process: CPU time (user+system)
// and resident memory. The server-side figures of the serve benchmarks
// come from here rather than from the client, which shares the machine.
type procStat struct {
	cpu time.Duration
	rss int64 // bytes
}

// needProc skips on systems without /proc, except in CI, which runs Linux
// and must measure.
func needProc(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat("/proc/self/stat"); err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("this benchmark reads the server's CPU time and memory from /proc, which %s lacks", runtime.GOOS)
	}
	tb.Skipf("skipping: the server's CPU time and memory are read from /proc, which %s lacks", runtime.GOOS)
}

func readProcStat(tb testing.TB, pid int) procStat {
	tb.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The command name (field 2) may hold spaces; the fields after its
	// closing parenthesis start with field 3 (state).
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	rssPages, _ := strconv.ParseInt(f[21], 10, 64)
	// Linux reports CPU time in USER_HZ ticks, 100 a second on every
	// architecture Go supports.
	return procStat{
		cpu: time.Duration(utime+stime) * (time.Second / 100),
		rss: rssPages * int64(os.Getpagesize()),
	}
}

// BenchmarkServeProcessGetSecretValue is the load generator for
// `secretary serve` as users run it: the release-built binary with its
// default logging to stderr, a store with a key file, and 8 clients of the
// AWS SDK on loopback, each with its own connection pool, calling
// GetSecretValue b.N times in all. It reports the throughput, the
// latency the clients see (p50, p99) and the server's CPU time per
// request. Client and server share the machine, as when a user first
// tries it. Budget: ≥ 5,000 req/s, p99 ≤ 10 ms, ≤ 0.12 ms server CPU per
// request.
//
// The same clients then send the same signed requests, as many, to a floor:
// a Go HTTP server of a dozen lines, built with the same flags, that reads
// each body and answers 200 with the same response without checking
// anything. Its figures (floor-*) and the ratios of serve's to them
// (*-x-floor) say how far serve is from the least any Go server on this
// machine could do, which moves less with the machine than the absolute
// figures do.
//
//	go test ./ui/cli -run '^$' -bench ServeProcessGetSecretValue -benchtime 20000x
func BenchmarkServeProcessGetSecretValue(b *testing.B) {
	needProc(b)
	e := newKeyFileStore(b)
	k := createKey(b, e, "load generator")
	const value = `{"user":"app","password":"correct horse battery staple"}`
	e.ok("create-secret", "--name", "prod/payments/postgres", "--secret-string", value)
	srv := startServe(b, e, "--addr", "127.0.0.1:0")
	floor := startFloorServer(b, value)

	b.ResetTimer()
	served := loadGetSecretValue(b, srv.endpoint, srv.cmd.Process.Pid, k, "prod/payments/postgres", value, b.N)
	b.StopTimer()
	base := loadGetSecretValue(b, floor.endpoint, floor.cmd.Process.Pid, k, "prod/payments/postgres", value, b.N)

	b.ReportMetric(served.rate, "req/s")
	b.ReportMetric(served.p50, "p50-ms")
	b.ReportMetric(served.p99, "p99-ms")
	b.ReportMetric(served.cpu, "server-cpu-ms/op")
	b.ReportMetric(base.rate, "floor-req/s")
	b.ReportMetric(base.p99, "floor-p99-ms")
	b.ReportMetric(base.cpu, "floor-cpu-ms/op")
	b.ReportMetric(served.cpu/base.cpu, "cpu-x-floor")
	b.ReportMetric(served.rate/base.rate, "req/s-x-floor")
	b.ReportMetric(0, "ns/op")
}

// loadFigures is what one run of the load generator measured.
type loadFigures struct {
	rate     float64 // requests a second
	p50, p99 float64 // milliseconds, as the clients see them
	cpu      float64 // the server's CPU milliseconds per request
}

// loadGetSecretValue has 8 AWS SDK clients send n GetSecretValue requests
// of name in all to endpoint, and measures them and the server process pid.
func loadGetSecretValue(b *testing.B, endpoint string, pid int, k createdKey, name, value string, n int) loadFigures {
	b.Helper()
	const clients = 8
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sdks := make([]*awsbackend.Backend, clients)
	for i := range sdks {
		c, err := awsbackend.New(ctx, awsbackend.Config{Region: "local", EndpointURL: endpoint, MaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(k.id, k.secret, "")})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		// One call each before measuring: connections and credentials.
		if _, err := c.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name}); err != nil {
			b.Fatal(err)
		}
		sdks[i] = c
	}

	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	before := readProcStat(b, pid)
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range sdks {
		m := n / clients
		if i < n%clients {
			m++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[i] = make([]time.Duration, 0, m)
			for range m {
				t0 := time.Now()
				v, err := c.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
				if err == nil && (v.SecretString == nil || *v.SecretString != value) {
					err = fmt.Errorf("GetSecretValue returned %+v", v)
				}
				if err != nil {
					errs[i] = err
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	after := readProcStat(b, pid)
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return loadFigures{
		rate: float64(len(all)) / elapsed.Seconds(),
		p50:  float64(all[len(all)/2].Microseconds()) / 1000,
		p99:  float64(all[len(all)*99/100].Microseconds()) / 1000,
		cpu:  float64((after.cpu - before.cpu).Microseconds()) / 1000 / float64(len(all)),
	}
}

// floorServer is the source of the floor the serve benchmark compares
// with: it answers every request with 200 and the response given as its
// first argument, after reading the body, and logs nothing.
const floorServer = `package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	resp := []byte(os.Args[1])
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Printf("http://%s\n", l.Addr())
	panic(http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Write(resp)
	})))
}
`

type floorProc struct {
	cmd      *exec.Cmd
	endpoint string
}

// startFloorServer builds and starts the floor server with the response
// serve gives to GetSecretValue of a secret holding value.
func startFloorServer(b *testing.B, value string) *floorProc {
	b.Helper()
	dir := b.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte(floorServer), 0o600); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "floor")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, src)
	build.Env = append(os.Environ(), "GO111MODULE=off", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building the floor server: %v\n%s", err, out)
	}
	resp, err := json.Marshal(map[string]any{
		"ARN":           "arn:aws:secretsmanager:local:000000000000:secret:prod/payments/postgres-AbCdEf",
		"Name":          "prod/payments/postgres",
		"VersionId":     "6f0c3b43-3b5e-4b6e-9a1e-0d4b1f6a2c11",
		"SecretString":  value,
		"VersionStages": []string{"AWSCURRENT"},
		"CreatedDate":   1764633600.123,
	})
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, string(resp))
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("the floor server printed no address: %v", err)
	}
	return &floorProc{cmd: cmd, endpoint: strings.TrimSpace(line)}
}

// BenchmarkServeProcessRSSUnauthenticatedBodies measures what an attack
// without a valid signature costs the real serve process in memory: 500
// connections at once, each sending a 1 MB body with a request signed by
// an access key id the store does not have. It reports the server's RSS
// growth at the peak (sampled every 10 ms) and 2 s after the last
// connection. Budget: +50 MB. b.N repeats the attack on the same server.
func BenchmarkServeProcessRSSUnauthenticatedBodies(b *testing.B) {
	needProc(b)
	const conns, bodySize = 500, 1 << 20
	e := newKeyFileStore(b)
	k := createKey(b, e, "legitimate")
	srv := startServe(b, e, "--addr", "127.0.0.1:0", "--quiet")
	addr := strings.TrimPrefix(srv.endpoint, "http://")
	// One signed request first, so that the baseline includes what every
	// server has once it has served.
	if r := sdkClient(b, srv.endpoint, k.id, k.secret)("list-secrets"); r.code != 0 {
		b.Fatalf("list-secrets: %d %s", r.code, r.stderr)
	}
	pid := srv.cmd.Process.Pid
	base := readProcStat(b, pid).rss
	body := make([]byte, bodySize)
	var peak int64
	b.ResetTimer()
	for range b.N {
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for {
				if rss := readProcStat(b, pid).rss; rss > peak {
					peak = rss
				}
				select {
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}()
		var wg sync.WaitGroup
		var answered atomic.Int64
		for range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := net.DialTimeout("tcp", addr, 30*time.Second)
				if err != nil {
					return
				}
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(60 * time.Second))
				now := time.Now().UTC()
				head := "POST / HTTP/1.1\r\nHost: " + addr + "\r\n" +
					"Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: secretsmanager.GetSecretValue\r\n" +
					"X-Amz-Date: " + now.Format("20060102T150405Z") + "\r\n" +
					"Authorization: AWS4-HMAC-SHA256 Credential=SKIAAAAAAAAAAAAAAAAA/" + now.Format("20060102") +
					"/local/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("0", 64) + "\r\n" +
					"Content-Length: " + strconv.Itoa(bodySize) + "\r\n\r\n"
				if _, err := c.Write([]byte(head)); err != nil {
					return
				}
				// The server may answer and close before the body is sent.
				go func() { _, _ = c.Write(body) }()
				if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
					resp.Body.Close()
					answered.Add(1)
				}
			}()
		}
		wg.Wait()
		time.Sleep(2 * time.Second)
		close(stop)
		<-sampled
		if answered.Load() == 0 {
			b.Fatal("the server answered none of the requests")
		}
	}
	b.StopTimer()
	after := readProcStat(b, pid).rss
	b.ReportMetric(float64(peak-base)/(1<<20), "peak-rss-growth-MB")
	b.ReportMetric(float64(after-base)/(1<<20), "after-rss-growth-MB")
	b.ReportMetric(0, "ns/op")
}
