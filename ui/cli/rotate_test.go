package cli_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/rotation/builtin"
)

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The rotation commands print what `aws secretsmanager` prints: the same
// members, and describe-secret's rotation fields as the service reports
// them before, during and after rotation.
func TestRotateSecretCancelAndDescribeShapes(t *testing.T) {
	e := newKeyFileStore(t)
	created := e.ok("create-secret", "--name", "prod/db", "--secret-string", `{"username":"app","password":"Old-Password-123"}`)

	out := e.ok("rotate-secret", "--secret-id", "prod/db", "--rotation-lambda-arn", "password?keys=password",
		"--rotation-rules", `{"ScheduleExpression":"rate(10 days)","Duration":"3h"}`)
	if !reflect.DeepEqual(keys(out), []string{"ARN", "Name", "VersionId"}) || out["ARN"] != created["ARN"] || !uuidRE.MatchString(out["VersionId"].(string)) {
		t.Fatalf("rotate-secret output %v", out)
	}
	d := e.ok("describe-secret", "--secret-id", "prod/db")
	if d["RotationEnabled"] != true || d["RotationLambdaARN"] != "password?keys=password" {
		t.Fatalf("describe-secret after rotate-secret: %v", d)
	}
	if !reflect.DeepEqual(d["RotationRules"], map[string]any{"ScheduleExpression": "rate(10 days)", "Duration": "3h"}) {
		t.Fatalf("RotationRules = %#v", d["RotationRules"])
	}
	for _, k := range []string{"LastRotatedDate", "NextRotationDate"} {
		if s, _ := d[k].(string); !timeRE.MatchString(s) {
			t.Fatalf("%s = %v", k, d[k])
		}
	}
	stages := d["VersionIdsToStages"].(map[string]any)
	if !reflect.DeepEqual(stages[out["VersionId"].(string)], []any{"AWSCURRENT"}) || !reflect.DeepEqual(stages[created["VersionId"].(string)], []any{"AWSPREVIOUS"}) {
		t.Fatalf("VersionIdsToStages = %v", stages)
	}
	if r := e.run("", "get", "prod/db", "--field", "password"); r.code != 0 || r.stdout == "Old-Password-123" || len(r.stdout) != 32 {
		t.Fatalf("the password did not rotate: %d %q", r.code, r.stderr)
	}

	c := e.ok("cancel-rotate-secret", "--secret-id", "prod/db")
	if !reflect.DeepEqual(keys(c), []string{"ARN", "Name"}) {
		t.Fatalf("cancel-rotate-secret output %v (no rotation pending: no VersionId)", c)
	}
	d = e.ok("describe-secret", "--secret-id", "prod/db")
	if d["RotationEnabled"] != false || d["RotationLambdaARN"] != "password?keys=password" || d["RotationRules"] == nil {
		t.Fatalf("describe-secret after cancel: %v", d)
	}
	if _, ok := d["NextRotationDate"]; ok {
		t.Fatalf("NextRotationDate after cancel: %v", d["NextRotationDate"])
	}

	e.fails(254, "\nAn error occurred (InvalidParameterException) when calling the RotateSecret operation: RotationRules.AutomaticallyAfterDays must be within 1-1000.\n",
		"rotate-secret", "--secret-id", "prod/db", "--rotation-rules", "AutomaticallyAfterDays=1001")
	e.fails(254, "\nAn error occurred (InvalidRequestException) when calling the RotateSecret operation: No Lambda rotation function ARN is associated with this secret.\n",
		"rotate-secret", "--secret-id", e.ok("create-secret", "--name", "plain", "--secret-string", "x")["ARN"].(string))
	r := e.run("", "rotate-secret", "--secret-id", "plain", "--rotation-lambda-arn", "exec:/bin/true")
	if r.code != 254 || !strings.Contains(r.stderr, "(AccessDeniedException)") || !strings.Contains(r.stderr, "Secrets Manager cannot invoke the specified Lambda function.") {
		t.Fatalf("exec without --rotation-exec-dir: %d %q", r.code, r.stderr)
	}
}

// prepareDueStore makes a store whose rotation schedules were set up with
// a clock in the past, so their windows are open now.
func prepareDueStore(t *testing.T, e *env, execDir string) {
	t.Helper()
	ctx := context.Background()
	path, key := filepath.Join(e.dir, "store.db"), filepath.Join(e.dir, "key")
	past := func() time.Time { return time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC) }
	open := func(now func() time.Time) *local.Store {
		s, err := local.Open(ctx, path, local.Credential{KeyFile: key}, local.Options{Now: now, Rotation: builtin.Registry([]string{execDir})})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	no := false
	configure := func(s *local.Store, name, function string, rules *backend.RotationRules) {
		t.Helper()
		if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, SecretString: ptr("initial-" + name)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: name, RotationLambdaARN: function, RotationRules: rules, RotateImmediately: &no}); err != nil {
			t.Fatal(err)
		}
	}
	s := open(past)
	configure(s, "due/app", "password", &backend.RotationRules{AutomaticallyAfterDays: 1})
	configure(s, "manual/app", "password", nil)
	if execDir != "" {
		configure(s, "due/broken", "exec:"+filepath.Join(execDir, "broken.sh"), &backend.RotationRules{ScheduleExpression: "rate(4 hours)"})
	}
	s.Close()
	s = open(time.Now)
	configure(s, "later/app", "password", &backend.RotationRules{AutomaticallyAfterDays: 30})
	s.Close()
}

func ptr(s string) *string { return &s }

// dueLines decodes rotate-due's JSON lines by secret name.
func dueLines(t *testing.T, stdout string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("rotate-due line %q: %v", line, err)
		}
		out[m["Name"].(string)] = m
	}
	return out
}

func TestRotateDueRotatesOnlyDueSecrets(t *testing.T) {
	e := newKeyFileStore(t)
	prepareDueStore(t, e, "")

	r := e.run("", "rotate-due", "--dry-run")
	lines := dueLines(t, r.stdout)
	if r.code != 0 || len(lines) != 1 || lines["due/app"]["Outcome"] != "due" {
		t.Fatalf("rotate-due --dry-run: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if got := e.run("", "get", "due/app"); got.stdout != "initial-due/app" {
		t.Fatal("a dry run rotated")
	}

	r = e.run("", "rotate-due")
	lines = dueLines(t, r.stdout)
	if r.code != 0 || len(lines) != 1 {
		t.Fatalf("rotate-due: %d %q %q", r.code, r.stdout, r.stderr)
	}
	l := lines["due/app"]
	if l["Outcome"] != "rotated" || !uuidRE.MatchString(l["VersionId"].(string)) || l["RotationLambdaARN"] != "password" ||
		!timeRE.MatchString(l["ScheduledDate"].(string)) || !timeRE.MatchString(l["NextRotationDate"].(string)) {
		t.Fatalf("rotate-due line %v", l)
	}
	for name, rotated := range map[string]bool{"due/app": true, "manual/app": false, "later/app": false} {
		if got := e.run("", "get", name).stdout; (got != "initial-"+name) != rotated {
			t.Errorf("%s rotated = %v, want %v", name, !rotated, rotated)
		}
	}
	if r := e.run("", "rotate-due"); r.code != 0 || r.stdout != "" {
		t.Fatalf("second rotate-due: %d %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestRotateDueReportsFailureWithoutValues(t *testing.T) {
	e := newKeyFileStore(t)
	dir := t.TempDir()
	// Fails setSecret, printing its whole request (with both values) on
	// stderr, as a careless rotator might.
	// The last line quotes a cut of the pending value, which a mask of
	// whole values does not find.
	script := "#!/bin/sh\nreq=$(cat)\ncase \"$req\" in\n*'\"Step\":\"createSecret\"'*) echo '{\"SecretString\":\"Pending-Value-For-Leak-Test\"}' ;;\n" +
		"*'\"Step\":\"setSecret\"'*) echo \"refused: $req\" >&2; printf '%s' \"$req\" | base64 >&2; echo \"cannot use $(printf '%s' \"$req\" | sed 's/.*Pending/Pending/' | cut -c1-11)\" >&2; exit 1 ;;\nesac\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.sh"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	prepareDueStore(t, e, dir)

	r := e.run("", "--rotation-exec-dir", dir, "rotate-due")
	lines := dueLines(t, r.stdout)
	if r.code != 254 || r.stderr != "\nsecretary: 1 of 2 rotations failed\n" || lines["due/app"]["Outcome"] != "rotated" {
		t.Fatalf("rotate-due: %d %q %q", r.code, r.stdout, r.stderr)
	}
	l := lines["due/broken"]
	errObj, _ := l["Error"].(map[string]any)
	if l["Outcome"] != "failed" || errObj["Code"] != "InvalidRequestException" || !strings.Contains(errObj["Message"].(string), "setSecret") {
		t.Fatalf("failed line %v", l)
	}
	for _, v := range []string{"Pending-Value-For-Leak-Test", "initial-due/broken", "Pending-Val", base64.StdEncoding.EncodeToString([]byte("Pending-Value-For-Leak-Test"))[:8]} {
		if strings.Contains(r.stdout+r.stderr, v) {
			t.Fatalf("rotate-due printed (part of) a secret value %q: %q %q", v, r.stdout, r.stderr)
		}
	}
	// Asked for explicitly, the rotator's output is shown, with a warning.
	r = e.run("", "--rotation-exec-dir", dir, "--debug-rotation", "rotate-due")
	if r.code != 254 || !strings.Contains(r.stderr, "wrote on stderr (this may show secrets)") || !strings.Contains(r.stderr, "cannot use Pending-Val") {
		t.Fatalf("--debug-rotation: %d %q", r.code, r.stderr)
	}
	if got := e.run("", "get", "due/broken").stdout; got != "initial-due/broken" {
		t.Fatalf("AWSCURRENT changed after a failed rotation: %q", got)
	}
	// The unfinished rotation is resumed (and fails again) on the next run;
	// without --rotation-exec-dir its function is refused outright.
	r = e.run("", "rotate-due")
	lines = dueLines(t, r.stdout)
	if r.code != 254 || lines["due/broken"]["Outcome"] != "failed" || lines["due/broken"]["VersionId"] != l["VersionId"] {
		t.Fatalf("second rotate-due: %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// serve rotates due secrets in the background and logs each one.
func TestServeRunsTheRotationScheduler(t *testing.T) {
	e := newKeyFileStore(t)
	prepareDueStore(t, e, "")
	if r := e.run("", "access-key", "create"); r.code != 0 {
		t.Fatalf("access-key create: %d %s", r.code, r.stderr)
	}
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--rotation-interval", "100ms")
	cmd.Env = append(cleanEnviron(), e.vars...)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for e.run("", "get", "due/app").stdout == "initial-due/app" {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not rotate the due secret; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, stderr.String())
	}
	log := stderr.String()
	if !strings.Contains(log, "msg=rotation secret=due/app function=password outcome=rotated") {
		t.Fatalf("no rotation line in serve's log:\n%s", log)
	}
	if strings.Contains(log, "later/app") || strings.Contains(log, "manual/app") {
		t.Fatalf("serve acted on a secret that was not due:\n%s", log)
	}
	if got := e.run("", "get", "due/app").stdout; strings.Contains(log, got) {
		t.Fatal("serve's log holds the new value")
	}
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
