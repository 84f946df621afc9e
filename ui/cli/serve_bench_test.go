package cli_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
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
// tries it. Budget: ≥ 5,000 req/s, p99 ≤ 10 ms.
func BenchmarkServeProcessGetSecretValue(b *testing.B) {
	needProc(b)
	const clients = 8
	e := newKeyFileStore(b)
	k := createKey(b, e, "load generator")
	const value = `{"user":"app","password":"correct horse battery staple"}`
	e.ok("create-secret", "--name", "prod/payments/postgres", "--secret-string", value)
	srv := startServe(b, e, "--addr", "127.0.0.1:0")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sdks := make([]*awsbackend.Backend, clients)
	for i := range sdks {
		c, err := awsbackend.New(ctx, awsbackend.Config{Region: "local", EndpointURL: srv.endpoint, MaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(k.id, k.secret, "")})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		// One call each before measuring: connections and credentials.
		if _, err := c.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/postgres"}); err != nil {
			b.Fatal(err)
		}
		sdks[i] = c
	}

	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	before := readProcStat(b, srv.cmd.Process.Pid)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range sdks {
		n := b.N / clients
		if i < b.N%clients {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[i] = make([]time.Duration, 0, n)
			for range n {
				t0 := time.Now()
				v, err := c.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/postgres"})
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
	b.StopTimer()
	after := readProcStat(b, srv.cmd.Process.Pid)
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
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64((after.cpu-before.cpu).Microseconds())/1000/float64(len(all)), "server-cpu-ms/op")
	b.ReportMetric(0, "ns/op")
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
