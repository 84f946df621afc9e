package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// reportPercentiles adds p50/p99 of the per-call durations to a benchmark.
func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// reportCPU adds the process CPU time per operation: unlike wall time it
// barely moves when other work shares the machine's cores.
func reportCPU(b *testing.B, start time.Duration, n int) {
	if start < 0 || n == 0 {
		return
	}
	b.ReportMetric(float64((processCPU()-start).Nanoseconds())/1e3/float64(n), "cpu-µs/op")
}

// BenchmarkGetSecretValue measures an in-process read of AWSCURRENT,
// including its audit record. Budget: p50 ≤ 100 µs.
func BenchmarkGetSecretValue(b *testing.B) {
	ctx := context.Background()
	s := newStore(b, Options{})
	for i := range 100 {
		mustCreate(b, s, fmt.Sprintf("app/%03d", i), `{"user":"u","password":"p"}`)
	}
	in := &backend.GetSecretValueInput{SecretID: "app/042"}
	durs := make([]time.Duration, 0, b.N)
	cpu0 := processCPU()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := s.GetSecretValue(ctx, in); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, durs)
	reportCPU(b, cpu0, len(durs))
}

// BenchmarkPutSecretValue measures a durable write (fsync of the WAL).
func BenchmarkPutSecretValue(b *testing.B) {
	ctx := context.Background()
	s := newStore(b, Options{})
	mustCreate(b, s, "app/put", "v0")
	durs := make([]time.Duration, 0, b.N)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		start := time.Now()
		if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "app/put", SecretString: str(fmt.Sprint("value-", i))}); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, durs)
}

const fixtureSecrets = 100_000

// fixture100k builds a store of 100,000 secrets once per test process and
// hands out copies of the file, so benchmark reruns (-count) skip the build.
type fixture struct {
	once sync.Once
	dir  string
	err  error
}

var fixture100k fixture // test-only cache; production code has no package state

func open100k(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	fixture100k.once.Do(func() {
		dir, err := os.MkdirTemp("", "secretary-bench-")
		if err != nil {
			fixture100k.err = err
			return
		}
		fixture100k.dir = dir
		s, err := Init(ctx, filepath.Join(dir, "store.db"), Credential{Key: make([]byte, 32)}, Options{KDF: cheapKDF, Actor: "bench"})
		if err != nil {
			fixture100k.err = err
			return
		}
		defer s.Close()
		const per = 5000
		for start := 0; start < fixtureSecrets; start += per {
			err = s.Batch(ctx, func(ctx context.Context, bk backend.Backend) error {
				for i := start; i < start+per; i++ {
					_, err := bk.CreateSecret(ctx, &backend.CreateSecretInput{
						Name:         fmt.Sprintf("env%d/team%02d/service-%06d", i%3, i%40, i),
						Description:  "bench secret",
						SecretString: str(`{"user":"svc","password":"hunter2"}`),
						Tags:         []backend.Tag{{Key: "team", Value: fmt.Sprintf("t%02d", i%40)}},
					})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				fixture100k.err = err
				return
			}
		}
	})
	if fixture100k.err != nil {
		b.Fatal(fixture100k.err)
	}
	s, err := Open(ctx, filepath.Join(fixture100k.dir, "store.db"), Credential{Key: make([]byte, 32)}, Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkListSecrets100k pages through all 100,000 secrets, 100 a page,
// sorted by name.
func BenchmarkListSecrets100k(b *testing.B) {
	ctx := context.Background()
	s := open100k(b)
	cpu0, runs := processCPU(), 0
	b.ResetTimer()
	for b.Loop() {
		runs++
		n, tok := 0, ""
		for {
			out, err := s.ListSecrets(ctx, &backend.ListSecretsInput{MaxResults: 100, NextToken: tok, SortBy: backend.SortByName})
			if err != nil {
				b.Fatal(err)
			}
			n += len(out.Secrets)
			if tok = out.NextToken; tok == "" {
				break
			}
		}
		if n != fixtureSecrets {
			b.Fatalf("listed %d secrets, want %d", n, fixtureSecrets)
		}
	}
	b.StopTimer()
	reportCPUms(b, cpu0, runs)
}

// reportCPUms adds the process CPU time per run in milliseconds.
func reportCPUms(b *testing.B, start time.Duration, n int) {
	if start < 0 || n == 0 {
		return
	}
	b.ReportMetric(float64((processCPU()-start).Milliseconds())/float64(n), "cpu-ms/op")
}

// BenchmarkStreamSecrets100k lists all 100,000 secrets the way the console
// does.
func BenchmarkStreamSecrets100k(b *testing.B) {
	ctx := context.Background()
	s := open100k(b)
	cpu0, runs := processCPU(), 0
	b.ResetTimer()
	for b.Loop() {
		runs++
		n := 0
		err := s.StreamSecrets(ctx, &backend.ListSecretsInput{}, func(batch []backend.SecretMetadata) error {
			n += len(batch)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != fixtureSecrets {
			b.Fatalf("streamed %d secrets, want %d", n, fixtureSecrets)
		}
	}
	b.StopTimer()
	reportCPUms(b, cpu0, runs)
}

// BenchmarkCreateSecretBatch measures bulk import: 1,000 CreateSecret calls
// with a value and a tag in one Batch, reported per secret.
func BenchmarkCreateSecretBatch(b *testing.B) {
	ctx := context.Background()
	s := newStore(b, Options{})
	n := 0
	for b.Loop() {
		err := s.Batch(ctx, func(ctx context.Context, bk backend.Backend) error {
			for range 1000 {
				n++
				if _, err := bk.CreateSecret(ctx, &backend.CreateSecretInput{
					Name:         fmt.Sprintf("bulk/%07d", n),
					SecretString: str(`{"user":"svc","password":"hunter2"}`),
					Tags:         []backend.Tag{{Key: "team", Value: "t1"}},
				}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/secret")
}

// BenchmarkOpenGetClose is what `secretary get` does with a key file:
// unlock, read one value, close.
func BenchmarkOpenGetClose(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	kf := filepath.Join(dir, "key")
	if err := GenerateKeyFile(kf); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "store.db")
	s, err := Init(ctx, path, Credential{KeyFile: kf}, Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	mustCreate(b, s, "app/db", `{"password":"p"}`)
	s.Close()
	durs := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		s, err := Open(ctx, path, Credential{KeyFile: kf}, Options{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "app/db"}); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	reportPercentiles(b, durs)
}
