//go:build unix

package local

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(writerModeEnv); mode != "" {
		// The test binary re-executed as a writer process.
		os.Exit(runWriter(mode))
	}
	code := m.Run()
	if fixture100k.dir != "" {
		os.RemoveAll(fixture100k.dir)
	}
	os.Exit(code)
}

// The durability tests re-execute this test binary as writer processes,
// selected by these environment variables.
const (
	writerModeEnv  = "SECRETARY_TEST_WRITER_MODE"
	writerStoreEnv = "SECRETARY_TEST_WRITER_STORE"
	writerKeyEnv   = "SECRETARY_TEST_WRITER_KEY"
	writerNameEnv  = "SECRETARY_TEST_WRITER_SECRET"
	writerCountEnv = "SECRETARY_TEST_WRITER_COUNT"
)

// runWriter is the writer process: "put" stores COUNT versions and prints
// "<version-id> <value>" after each PutSecretValue returns; "incr" adds one
// to a counter COUNT times, each read-modify-write in one Batch.
func runWriter(mode string) int {
	ctx := context.Background()
	key, err := hex.DecodeString(os.Getenv(writerKeyEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "writer: key:", err)
		return 2
	}
	s, err := Open(ctx, os.Getenv(writerStoreEnv), Credential{Key: key}, Options{Actor: "writer-" + strconv.Itoa(os.Getpid())})
	if err != nil {
		fmt.Fprintln(os.Stderr, "writer: open:", err)
		return 2
	}
	defer s.Close()
	name := os.Getenv(writerNameEnv)
	if mode == "rotate-hang" {
		return runHangingRotation(ctx, os.Getenv(writerStoreEnv), key, name)
	}
	n, _ := strconv.Atoi(os.Getenv(writerCountEnv))
	for i := range n {
		switch mode {
		case "put":
			v := fmt.Sprintf("value-%d-%d", os.Getpid(), i)
			out, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: name, SecretString: &v})
			if err != nil {
				fmt.Fprintln(os.Stderr, "writer: put:", err)
				return 1
			}
			fmt.Printf("%s %s\n", out.VersionID, v)
		case "incr":
			err := s.Batch(ctx, func(ctx context.Context, b backend.Backend) error {
				cur, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
				if err != nil {
					return err
				}
				k, err := strconv.Atoi(*cur.SecretString)
				if err != nil {
					return err
				}
				next := strconv.Itoa(k + 1)
				_, err = b.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: name, SecretString: &next})
				return err
			})
			if err != nil {
				fmt.Fprintln(os.Stderr, "writer: incr:", err)
				return 1
			}
			fmt.Println(i)
		default:
			fmt.Fprintln(os.Stderr, "writer: unknown mode", mode)
			return 2
		}
	}
	return 0
}

func writerCmd(t *testing.T, mode, path string, key []byte, secret string, count int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		writerModeEnv+"="+mode,
		writerStoreEnv+"="+path,
		writerKeyEnv+"="+hex.EncodeToString(key),
		writerNameEnv+"="+secret,
		writerCountEnv+"="+strconv.Itoa(count),
	)
	return cmd
}

func keyedStore(t *testing.T) (path string, key []byte) {
	t.Helper()
	key = []byte("0123456789abcdef0123456789abcdef")
	path = filepath.Join(t.TempDir(), "store.db")
	s, err := Init(context.Background(), path, Credential{Key: key}, Options{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "counter", "0")
	if _, err := s.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: "log"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path, key
}

// TestKilledWriterLosesNoAcknowledgedWrite kills a writer with SIGKILL in
// the middle of hundreds of writes and checks that every write it reported
// as done is in the store and the audit chain is intact.
func TestKilledWriterLosesNoAcknowledgedWrite(t *testing.T) {
	path, key := keyedStore(t)
	cmd := writerCmd(t, "put", path, key, "log", 1000)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			t.Fatalf("writer printed %q", sc.Text())
		}
		acked[f[0]] = f[1]
		if len(acked) == 300 {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	// Lines already in the pipe were acknowledged too.
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 {
			acked[f[0]] = f[1]
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("writer was not killed mid-way (err %v, stderr %q); raise the count", err, stderr.String())
	}
	if len(acked) < 300 {
		t.Fatalf("only %d writes acknowledged", len(acked))
	}

	s, err := Open(context.Background(), path, Credential{Key: key}, Options{Actor: "test"})
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer s.Close()
	for vid, want := range acked {
		v, err := s.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "log", VersionID: vid})
		if err != nil {
			t.Fatalf("acknowledged version %s lost: %v", vid, err)
		}
		if *v.SecretString != want {
			t.Fatalf("version %s = %q, want %q", vid, *v.SecretString, want)
		}
	}
	if err := s.VerifyAudit(context.Background()); err != nil {
		t.Fatalf("audit chain after SIGKILL: %v", err)
	}
	t.Logf("%d acknowledged writes survived SIGKILL", len(acked))
}

// TestConcurrentProcessesLoseNoUpdate runs two processes that each
// increment one counter 150 times (read and write in one transaction) and
// two that append versions, all at once. No increment may be lost and no
// process may see "database is locked".
func TestConcurrentProcessesLoseNoUpdate(t *testing.T) {
	path, key := keyedStore(t)
	const n = 150
	type result struct {
		out, errOut string
		err         error
	}
	cmds := []*exec.Cmd{
		writerCmd(t, "incr", path, key, "counter", n),
		writerCmd(t, "incr", path, key, "counter", n),
		writerCmd(t, "put", path, key, "log", n),
		writerCmd(t, "put", path, key, "log", n),
	}
	results := make([]result, len(cmds))
	var wg sync.WaitGroup
	start := time.Now()
	for i, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errOut strings.Builder
			c.Stdout, c.Stderr = &out, &errOut
			err := c.Run()
			results[i] = result{out.String(), errOut.String(), err}
		}()
	}
	wg.Wait()
	t.Logf("4 processes, %d operations each, in %v", n, time.Since(start))
	for i, r := range results {
		if r.err != nil || strings.Contains(r.errOut, "locked") || strings.Contains(r.errOut, "busy") {
			t.Fatalf("writer %d: %v, stderr %q", i, r.err, r.errOut)
		}
		if lines := strings.Count(r.out, "\n"); lines != n {
			t.Fatalf("writer %d acknowledged %d operations, want %d", i, lines, n)
		}
	}
	s, err := Open(context.Background(), path, Credential{Key: key}, Options{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "counter"})
	if *v.SecretString != strconv.Itoa(2*n) {
		t.Fatalf("counter = %s after 2×%d increments: updates were lost", *v.SecretString, n)
	}
	vs, err := s.ListSecretVersionIds(context.Background(), &backend.ListSecretVersionIdsInput{SecretID: "log", IncludeDeprecated: true, MaxResults: 100})
	if err != nil {
		t.Fatal(err)
	}
	total := len(vs.Versions)
	for tok := vs.NextToken; tok != ""; {
		page, err := s.ListSecretVersionIds(context.Background(), &backend.ListSecretVersionIdsInput{SecretID: "log", IncludeDeprecated: true, MaxResults: 100, NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		total += len(page.Versions)
		tok = page.NextToken
	}
	if total != 2*n {
		t.Fatalf("log has %d versions, want %d (none is older than 24 h, so none may be pruned)", total, 2*n)
	}
	if err := s.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}
