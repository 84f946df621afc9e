package cli_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// BenchmarkMigrateProcess10kToServe migrates 10,000 secrets of two
// versions each from a store file to a separate `secretary serve` process,
// as an operator does: the real binary runs `secretary migrate --to aws
// --to-endpoint-url …` against the real server, through the AWS SDK,
// verification included. It reports the wall time, the CPU time of each
// process, the HTTP requests the server answered (its log lines) and the
// retries migrate counted.
//
//	go test ./ui/cli -run '^$' -bench MigrateProcess10kToServe -benchtime 1x
func BenchmarkMigrateProcess10kToServe(b *testing.B) {
	needProc(b)
	const n = 10_000
	src := newKeyFileStore(b)
	fill2(b, src, n)
	for b.Loop() {
		b.StopTimer()
		dst := newKeyFileStore(b)
		k := createKey(b, dst, "migration")
		srv := startServe(b, dst, "--addr", "127.0.0.1:0")
		dir := b.TempDir()
		cmd := exec.Command(binary, append([]string{"migrate", "--yes", "--to", "aws", "--to-region", "local", "--to-endpoint-url", srv.endpoint},
			storeArgs("from", src)...)...)
		cmd.Env = append(cleanEnviron(), "AWS_ACCESS_KEY_ID="+k.id, "AWS_SECRET_ACCESS_KEY="+k.secret,
			"AWS_CONFIG_FILE="+filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"), "AWS_EC2_METADATA_DISABLED=true")
		served0 := readProcStat(b, srv.cmd.Process.Pid).cpu
		b.StartTimer()
		start := time.Now()
		out, err := cmd.CombinedOutput()
		wall := time.Since(start)
		b.StopTimer()
		if err != nil || !strings.Contains(string(out), fmt.Sprintf("%d created", n)) {
			b.Fatalf("migrate: %v\n%s", err, out)
		}
		served := readProcStat(b, srv.cmd.Process.Pid).cpu - served0
		m := regexp.MustCompile(`Requests: \d+ to the source \((\d+) retried\), (\d+) to the target \((\d+) retried\)`).FindStringSubmatch(string(out))
		if m == nil {
			b.Fatalf("migrate printed no request counts:\n%s", out)
		}
		srcRetries, _ := strconv.Atoi(m[1])
		dstRetries, _ := strconv.Atoi(m[3])
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric((cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds(), "migrate-cpu-s")
		b.ReportMetric(served.Seconds(), "serve-cpu-s")
		b.ReportMetric(float64(strings.Count(srv.stderr.String(), `msg=request `)), "requests")
		b.ReportMetric(float64(srcRetries+dstRetries), "retries")
		b.ReportMetric(0, "ns/op")
		srv.stop(syscall.SIGTERM)
		b.StartTimer()
	}
}

// fill2 creates n secrets of two versions each in e's store, in batches.
func fill2(b *testing.B, e *env, n int) {
	b.Helper()
	ctx := context.Background()
	s, err := local.Open(ctx, filepath.Join(e.dir, "store.db"), local.Credential{KeyFile: filepath.Join(e.dir, "key")}, local.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const per = 5000
	for start := 0; start < n; start += per {
		err := s.Batch(ctx, func(ctx context.Context, bk backend.Backend) error {
			for i := start; i < min(start+per, n); i++ {
				name := fmt.Sprintf("env%d/team%02d/service-%06d", i%3, i%40, i)
				first, second := fmt.Sprintf(`{"user":"svc%d","password":"first-%d"}`, i, i), fmt.Sprintf(`{"user":"svc%d","password":"second-%d"}`, i, i)
				if _, err := bk.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, Description: "bench secret", SecretString: &first,
					Tags: []backend.Tag{{Key: "team", Value: fmt.Sprintf("t%02d", i%40)}}}); err != nil {
					return err
				}
				if _, err := bk.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: name, SecretString: &second}); err != nil {
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
