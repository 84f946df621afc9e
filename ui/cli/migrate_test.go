package cli_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// storeDump reads every secret of a store in process: description, tags,
// and every version's labels and value, deprecated versions included.
func storeDump(t *testing.T, e *env) map[string]string {
	t.Helper()
	ctx := context.Background()
	s := e.open(local.Options{})
	defer s.Close()
	out := map[string]string{}
	tok := ""
	for {
		page, err := s.ListSecrets(ctx, &backend.ListSecretsInput{MaxResults: 100, NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Secrets {
			tags := slices.Clone(m.Tags)
			slices.SortFunc(tags, func(a, b backend.Tag) int { return strings.Compare(a.Key, b.Key) })
			out[m.Name] = fmt.Sprintf("desc=%q tags=%v", m.Description, tags)
			vs, err := s.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: m.Name, IncludeDeprecated: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs.Versions {
				val, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: m.Name, VersionID: v.VersionID})
				if err != nil {
					t.Fatal(err)
				}
				st := slices.Clone(v.VersionStages)
				slices.Sort(st)
				value := fmt.Sprintf("%x", val.SecretBinary)
				if val.SecretString != nil {
					value = *val.SecretString
				}
				out[m.Name+" "+v.VersionID] = fmt.Sprintf("%v %q", st, value)
			}
		}
		if page.NextToken == "" {
			return out
		}
		tok = page.NextToken
	}
}

func sameDump(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s = %q, want %q", what, k, got[k], w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: extra %s", what, k)
		}
	}
}

func storeArgs(flag string, e *env) []string {
	return []string{"--" + flag, filepath.Join(e.dir, "store.db"), "--" + flag + "-key-file", filepath.Join(e.dir, "key")}
}

// TestMigrateThroughServeAndBackup: local → serve (through --backend aws's
// client, the real SDK) → a second local store, and local → backup file →
// local, all with the real binary, each compared version by version; no
// value ever reaches the output.
func TestMigrateThroughServeAndBackup(t *testing.T) {
	src := newKeyFileStore(t)
	v1 := src.ok("create-secret", "--name", "prod/db", "--description", "primary", "--secret-string", `{"password":"hunter-one"}`, "--tags", "Key=env,Value=prod")["VersionId"].(string)
	src.ok("put-secret-value", "--secret-id", "prod/db", "--secret-string", `{"password":"hunter-two"}`)
	src.ok("put-secret-value", "--secret-id", "prod/db", "--secret-string", `{"password":"hunter-three"}`)
	src.ok("update-secret-version-stage", "--secret-id", "prod/db", "--version-stage", "blue", "--move-to-version-id", v1)
	src.ok("create-secret", "--name", "prod/blob", "--secret-binary", "AAEC/w==")
	src.ok("put-secret-value", "--secret-id", "prod/blob", "--secret-string", "pending-value", "--version-stages", "AWSPENDING")
	want := storeDump(t, src)

	mid := newKeyFileStore(t)
	srv := serveStore(t, mid)
	id, secret := srv.KeyID, srv.SecretKey
	awsVars := []string{"AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_CONFIG_FILE=" + filepath.Join(mid.dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(mid.dir, "none"), "AWS_EC2_METADATA_DISABLED=true"}
	runner := &env{t: t, dir: t.TempDir(), vars: awsVars}
	noValue := func(r result) {
		t.Helper()
		for _, v := range []string{"hunter", "pending-value"} {
			if strings.Contains(r.stdout+r.stderr, v) {
				t.Errorf("a value reached the output:\n%s\n%s", r.stdout, r.stderr)
			}
		}
	}

	r := runner.run("", append([]string{"migrate", "--include-deprecated", "--yes", "--to", "aws", "--to-region", "local", "--to-endpoint-url", srv.Endpoint}, storeArgs("from", src)...)...)
	if r.code != 0 {
		t.Fatalf("migrate to serve: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	noValue(r)
	if !strings.Contains(r.stdout, "2 created") || !strings.Contains(r.stdout, "Verified 2 secrets: 0 differ.") {
		t.Errorf("report:\n%s", r.stdout)
	}
	sameDump(t, "served copy", storeDump(t, mid), want)

	dst := newKeyFileStore(t)
	r = runner.run("", append([]string{"migrate", "--include-deprecated", "--yes", "--from", "aws", "--from-region", "local", "--from-endpoint-url", srv.Endpoint}, storeArgs("to", dst)...)...)
	if r.code != 0 {
		t.Fatalf("migrate from serve: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	sameDump(t, "second local copy", storeDump(t, dst), want)

	// Backup and restore under a key file.
	keyFile := filepath.Join(t.TempDir(), "backup.key")
	if err := local.GenerateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "team.backup")
	r = runner.run("", append([]string{"backup", "--to", file, "--backup-key-file", keyFile, "--include-deprecated"}, storeArgs("from", src)...)...)
	if r.code != 0 {
		t.Fatalf("backup: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	noValue(r)
	restored := newKeyFileStore(t)
	r = runner.run("", append([]string{"migrate", "--from", file, "--backup-key-file", keyFile, "--yes"}, storeArgs("to", restored)...)...)
	if r.code != 0 {
		t.Fatalf("restore: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	sameDump(t, "restored", storeDump(t, restored), want)

	// A second run changes nothing; a dry run against a conflicting
	// target says so and exits non-zero.
	r = runner.run("", append([]string{"migrate", "--from", file, "--backup-key-file", keyFile, "--yes"}, storeArgs("to", restored)...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "2 unchanged") {
		t.Errorf("second restore: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	other := newKeyFileStore(t)
	other.ok("create-secret", "--name", "prod/db", "--secret-string", "theirs")
	before := storeDump(t, other)
	r = runner.run("", append(append([]string{"migrate", "--yes"}, storeArgs("from", src)...), storeArgs("to", other)...)...)
	if r.code == 0 || !strings.Contains(r.stdout, "conflict  prod/db") {
		t.Errorf("conflict: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if after := storeDump(t, other); after["prod/db"] != before["prod/db"] {
		t.Error("the conflicting secret was changed")
	}
	// Without --yes and without a terminal nothing is written.
	r = runner.run("", append(append([]string{"migrate"}, storeArgs("from", src)...), storeArgs("to", dst)...)...)
	if r.code != 252 || !strings.Contains(r.stderr, "add --yes") {
		t.Errorf("without --yes: %d %s", r.code, r.stderr)
	}
}

// TestMigrateKilledAtRandomFinishesOnRerun kills the migrate process at
// random moments, several times, then lets a run finish: the target must
// equal the source, and one more run must find nothing to do.
func TestMigrateKilledAtRandomFinishesOnRerun(t *testing.T) {
	src := newKeyFileStore(t)
	src.ok("demo-data", "--secrets", "60", "--seed", "7")
	dst := newKeyFileStore(t)
	argv := append(append([]string{"migrate", "--include-deprecated", "--yes"}, storeArgs("from", src)...), storeArgs("to", dst)...)
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill points from seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	// Each run is killed after a random number of secrets (it prints one
	// line per secret when stderr is not a terminal) plus a random delay,
	// so the kills land anywhere in the work, mid-secret included.
	for i := range 6 {
		cmd := exec.Command(binary, argv...)
		cmd.Env = cleanEnviron()
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		k := rng.IntN(60)
		sc := bufio.NewScanner(stderr)
		for n := 0; n < k && sc.Scan(); n++ {
		}
		delay := time.Duration(rng.IntN(30)) * time.Millisecond
		time.Sleep(delay)
		cmd.Process.Kill()
		io.Copy(io.Discard, stderr)
		err = cmd.Wait()
		t.Logf("run %d killed after %d secrets and %v: %v", i, k, delay, err)
	}
	r := dst.run("", argv...)
	if r.code != 0 {
		t.Fatalf("final run: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("final run: %s", r.stdout[strings.LastIndex(r.stdout, "→"):])
	want := storeDump(t, src)
	// Secrets scheduled for deletion cannot be read, so never travel.
	got := storeDump(t, dst)
	for k := range want {
		if _, ok := got[k]; !ok && strings.Contains(k, " ") {
			t.Errorf("missing %s", k)
		}
	}
	sameDump(t, "after kills", got, want)
	r = dst.run("", argv...)
	if r.code != 0 || strings.Contains(r.stdout, " created") || strings.Contains(r.stdout, " completed") {
		t.Errorf("run after completion: %d\n%s", r.code, r.stdout)
	}
}
