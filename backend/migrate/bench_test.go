package migrate

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// populate2 fills s with n secrets of two versions each (AWSPREVIOUS and
// AWSCURRENT), in large transactions so the set-up is not the benchmark.
func populate2(b *testing.B, s *local.Store, n int) {
	b.Helper()
	ctx := context.Background()
	const per = 5000
	for start := 0; start < n; start += per {
		err := s.Batch(ctx, func(ctx context.Context, bk backend.Backend) error {
			for i := start; i < min(start+per, n); i++ {
				name := fmt.Sprintf("env%d/team%02d/service-%06d", i%3, i%40, i)
				if _, err := bk.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, Description: "bench secret",
					SecretString: str(fmt.Sprintf(`{"user":"svc%d","password":"first-%d"}`, i, i)),
					Tags:         []backend.Tag{{Key: "team", Value: fmt.Sprintf("t%02d", i%40)}}}); err != nil {
					return err
				}
				if _, err := bk.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: name,
					SecretString: str(fmt.Sprintf(`{"user":"svc%d","password":"second-%d"}`, i, i))}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// reportRun adds the run's wall time, throughput and the CPU time the
// process used (server included, where it runs in process): on a shared
// machine the CPU time says what the work costs, the wall time what the
// neighbours left.
func reportRun(b *testing.B, rep *Report, n int, cpu0 time.Duration) {
	b.ReportMetric(rep.Elapsed.Seconds(), "s/run")
	b.ReportMetric(float64(n)/rep.Elapsed.Seconds(), "secrets/s")
	if cpu0 >= 0 {
		b.ReportMetric((processCPU() - cpu0).Seconds(), "cpu-s/run")
	}
}

// BenchmarkBackup100k backs up 100,000 secrets of two versions each from
// a real store file into an archive under a key file, including the
// verification pass that reads the whole archive back. Budget: under 60 s.
func BenchmarkBackup100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	src := newStore(b)
	populate2(b, src, n)
	keyFile := filepath.Join(b.TempDir(), "backup.key")
	if err := local.GenerateKeyFile(keyFile); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		path := filepath.Join(dir, fmt.Sprintf("b%d.backup", i))
		cpu0 := processCPU()
		rep, err := Backup(ctx, NewBackendSource(src, SourceOptions{}), path, ArchiveKey{KeyFile: keyFile}, Options{})
		if err != nil || !rep.OK() || rep.Count(Written) != n {
			b.Fatalf("backup: %v, %d written, ok %v", err, rep.Count(Written), rep.OK())
		}
		b.StopTimer()
		reportRun(b, rep, n, cpu0)
		if fi, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
		}
		os.Remove(path)
		b.StartTimer()
	}
}

// BenchmarkMigrate10kThroughServe migrates 10,000 secrets of two versions
// each from a store file into a second store served over the Secrets
// Manager API, through the real SDK, verification included. It reports the
// HTTP requests the server answered and the retries (the SDK's, seen as
// requests beyond the engine's calls, and the engine's own).
func BenchmarkMigrate10kThroughServe(b *testing.B) {
	const n = 10_000
	ctx := context.Background()
	src := newStore(b)
	populate2(b, src, n)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		dst := newStore(b)
		var served atomic.Int64
		remote := serveCounting(b, dst, &served)
		b.StartTimer()
		cpu0 := processCPU()
		rep, err := Migrate(ctx, NewBackendSource(src, SourceOptions{}), remote, Options{})
		if err != nil || !rep.OK() || rep.Count(Created) != n {
			b.Fatalf("migrate: %v, %d created, ok %v", err, rep.Count(Created), rep.OK())
		}
		b.StopTimer()
		reportRun(b, rep, n, cpu0)
		b.ReportMetric(float64(served.Load()), "requests")
		b.ReportMetric(float64(served.Load()-rep.TargetRequests+rep.TargetRetries), "retries")
		b.StartTimer()
	}
}

// serveCounting is serve with a count of the HTTP requests answered.
func serveCounting(b *testing.B, st backend.Backend, served *atomic.Int64) backend.Backend {
	b.Helper()
	return serveWith(b, st, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			served.Add(1)
			h.ServeHTTP(w, r)
		})
	})
}
