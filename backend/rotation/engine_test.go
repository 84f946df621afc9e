package rotation_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
)

// factory returns an empty store for a test.
type factory func(t *testing.T) backend.Backend

// TestEngine runs every engine scenario over the embedded store, the one
// rotation runs on in production, each in a new SQLite file.
func TestEngine(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(*testing.T, factory)
	}{
		{"PasswordRotationWholeString", testPasswordRotationWholeString},
		{"PasswordRotationJSONKeys", testPasswordRotationJSONKeys},
		{"PasswordRefusesToFlattenJSON", testPasswordRefusesToFlattenJSON},
		{"StartRule", testStartRule},
		{"CrashAfterEachStepConverges", testCrashAfterEachStepConverges},
		{"FailingSetSecretLeavesCurrent", testFailingSetSecretLeavesCurrent},
		{"AuditFailureFailsTheStep", testAuditFailureFailsTheStep},
		{"TestOnlyRunsTestSecret", testTestOnlyRunsTestSecret},
		{"ExecExampleRotatesAFileCredential", testExecExampleRotatesAFileCredential},
		{"ExecFailureNamesStepAndHidesValues", testExecFailureNamesStepAndHidesValues},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, newLocalStore) })
	}
}

func create(t *testing.T, b backend.Backend, name, value string) string {
	t.Helper()
	out, err := b.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: name, SecretString: &value, ClientRequestToken: uuid.NewString()})
	if err != nil {
		t.Fatal(err)
	}
	return out.VersionID
}

func value(t *testing.T, b backend.Backend, id, stage string) (string, string) {
	t.Helper()
	v, err := b.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: id, VersionStage: stage})
	if err != nil {
		t.Fatalf("get %s %s: %v", id, stage, err)
	}
	return *v.SecretString, v.VersionID
}

func stages(t *testing.T, b backend.Backend, id string) map[string][]string {
	t.Helper()
	m, err := b.DescribeSecret(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.VersionIdsToStages
}

func versionCount(t *testing.T, b backend.Backend, id string) int {
	t.Helper()
	out, err := b.ListSecretVersionIds(context.Background(), &backend.ListSecretVersionIdsInput{SecretID: id, IncludeDeprecated: true})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Versions)
}

func registry(t *testing.T) *rotation.Registry {
	r := rotation.NewRegistry()
	rotation.RegisterBuiltins(r, []string{})
	return r
}

type recorder struct {
	mu     sync.Mutex
	events []rotation.Event
}

func (r *recorder) progress(ev rotation.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recorder) trail() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.Step+":"+e.Phase.String())
	}
	return out
}

func testPasswordRotationWholeString(t *testing.T, newBackend factory) {
	ctx := context.Background()
	b := newBackend(t)
	oldID := create(t, b, "app/token", "old-token")
	rec := &recorder{}
	var audited []rotation.Event
	e := &rotation.Engine{Backend: b, Functions: registry(t), Progress: rec.progress,
		Audit: func(_ context.Context, ev rotation.Event) error { audited = append(audited, ev); return nil }}
	res, err := e.Rotate(ctx, "app/token", "password", "")
	if err != nil {
		t.Fatal(err)
	}
	got, curID := value(t, b, "app/token", backend.StageCurrent)
	if curID != res.VersionID || got == "old-token" || len(got) != 32 {
		t.Fatalf("AWSCURRENT is %s (%d chars), want the new version %s", curID, len(got), res.VersionID)
	}
	if _, prevID := value(t, b, "app/token", backend.StagePrevious); prevID != oldID {
		t.Fatalf("AWSPREVIOUS on %s, want %s", prevID, oldID)
	}
	want := map[string][]string{res.VersionID: {"AWSCURRENT"}, oldID: {"AWSPREVIOUS"}}
	if got := stages(t, b, "app/token"); !equalStages(got, want) {
		t.Fatalf("labels %v, want %v", got, want)
	}
	wantTrail := []string{
		"createSecret:started", "createSecret:finished", "setSecret:started", "setSecret:finished",
		"testSecret:started", "testSecret:finished", "finishSecret:started", "finishSecret:finished",
	}
	if !slices.Equal(rec.trail(), wantTrail) {
		t.Fatalf("progress %v", rec.trail())
	}
	if len(audited) != 4 || audited[3].Step != rotation.StepFinish || audited[3].Phase != rotation.Finished {
		t.Fatalf("audited %+v", audited)
	}
}

// A whole-value password rotation of a JSON credentials secret would leave
// clients with a bare password instead of host, username and password.
func testPasswordRefusesToFlattenJSON(t *testing.T, newBackend factory) {
	ctx := context.Background()
	b := newBackend(t)
	const val = `{"username":"app","password":"old-pw","host":"db"}`
	oldID := create(t, b, "app/db", val)
	e := &rotation.Engine{Backend: b, Functions: registry(t)}
	_, err := e.Rotate(ctx, "app/db", "password", "")
	var se *rotation.StepError
	if !errors.As(err, &se) || se.Step != rotation.StepCreate {
		t.Fatalf("err = %v, want a createSecret StepError", err)
	}
	if !strings.Contains(err.Error(), "password?keys=password") || strings.Contains(err.Error(), "old-pw") {
		t.Fatalf("message %q should name the keys option and hold no value", err)
	}
	if got, curID := value(t, b, "app/db", backend.StageCurrent); curID != oldID || got != val {
		t.Fatalf("AWSCURRENT moved to %s", curID)
	}
	if n := versionCount(t, b, "app/db"); n != 1 {
		t.Fatalf("%d versions, want the original only", n)
	}
}

func equalStages(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func testPasswordRotationJSONKeys(t *testing.T, newBackend factory) {
	ctx := context.Background()
	b := newBackend(t)
	create(t, b, "db", `{"username":"app","password":"p1","api_key":"k1","host":"db.internal","port":5432}`)
	e := &rotation.Engine{Backend: b, Functions: registry(t)}
	if _, err := e.Rotate(ctx, "db", "password?keys=password,api_key&length=20&exclude-punctuation=true", ""); err != nil {
		t.Fatal(err)
	}
	got, _ := value(t, b, "db", backend.StageCurrent)
	for _, keep := range []string{`"username":"app"`, `"host":"db.internal"`, `"port":5432`} {
		if !strings.Contains(got, keep) {
			t.Errorf("%s lost from the value", keep)
		}
	}
	for _, gone := range []string{`"p1"`, `"k1"`} {
		if strings.Contains(got, gone) {
			t.Errorf("%s still in the value", gone)
		}
	}
	p, err := rotation.NewPassword("keys=password")
	if err != nil || len(p.Keys) != 1 {
		t.Fatal(p, err)
	}
}

func TestPasswordOptionsRejected(t *testing.T) {
	r := registry(t)
	for _, name := range []string{"password?length=x", "password?colour=blue", "password?exclude-numbers=maybe"} {
		if _, err := r.Lookup(name); backend.Code(err) != backend.CodeInvalidParameter {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := r.Lookup("lambda-that-does-not-exist"); backend.Code(err) != backend.CodeAccessDenied {
		t.Errorf("unknown function: %v", err)
	}
	if _, err := r.Lookup(""); backend.Code(err) != backend.CodeInvalidRequest {
		t.Errorf("no function: %v", err)
	}
}

// The start rule: a rotation may start only when AWSPENDING is on no version
// or on the AWSCURRENT one.
func testStartRule(t *testing.T, newBackend factory) {
	ctx := context.Background()
	b := newBackend(t)
	curID := create(t, b, "s", "v1")
	pendingTok := uuid.NewString()
	if err := rotation.PutPending(ctx, b, "s", pendingTok, "half-done"); err != nil {
		t.Fatal(err)
	}
	e := &rotation.Engine{Backend: b, Functions: registry(t)}
	_, err := e.Rotate(ctx, "s", "password", "")
	if !errors.Is(err, backend.RotationInProgressError()) {
		t.Fatalf("second rotation: %v", err)
	}
	if got, id := value(t, b, "s", backend.StageCurrent); got != "v1" || id != curID {
		t.Fatal("the refused rotation changed AWSCURRENT")
	}
	if _, id := value(t, b, "s", backend.StagePending); id != pendingTok {
		t.Fatal("the refused rotation moved AWSPENDING")
	}
	// The pending rotation's own token continues it.
	res, err := e.Resume(ctx, "s", "password")
	if err != nil {
		t.Fatal(err)
	}
	if got, id := value(t, b, "s", backend.StageCurrent); id != pendingTok || res.VersionID != pendingTok || got != "half-done" {
		t.Fatalf("resume made %s current", id)
	}
	if _, ok := stagesHolding(stages(t, b, "s"), backend.StagePending); ok {
		t.Fatal("AWSPENDING left behind")
	}

	// AWSPENDING on the AWSCURRENT version does not block a rotation.
	_, curID = value(t, b, "s", backend.StageCurrent)
	if _, err := b.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{SecretID: "s", VersionStage: backend.StagePending, MoveToVersionID: curID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Rotate(ctx, "s", "password", ""); err != nil {
		t.Fatalf("rotation with AWSPENDING on AWSCURRENT: %v", err)
	}
}

func stagesHolding(m map[string][]string, stage string) (string, bool) {
	for id, st := range m {
		if slices.Contains(st, stage) {
			return id, true
		}
	}
	return "", false
}

// The engine is stopped right after each step in turn, as if the process
// died, then run again with the same token: the rotation converges to
// exactly one new AWSCURRENT version with the old one AWSPREVIOUS.
func testCrashAfterEachStepConverges(t *testing.T, newBackend factory) {
	for _, stop := range rotation.Steps() {
		t.Run("after "+stop, func(t *testing.T) {
			b := newBackend(t)
			oldID := create(t, b, "crash", "v1")
			ctx, cancel := context.WithCancel(context.Background())
			e := &rotation.Engine{Backend: b, Functions: registry(t), Progress: func(ev rotation.Event) {
				if ev.Step == stop && ev.Phase == rotation.Finished {
					cancel()
				}
			}}
			tok := uuid.NewString()
			_, err := e.Rotate(ctx, "crash", "password", tok)
			if stop != rotation.StepFinish && !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v", err)
			}
			if stop != rotation.StepFinish {
				if _, id := value(t, b, "crash", backend.StageCurrent); id != oldID {
					t.Fatal("AWSCURRENT moved before finishSecret")
				}
			}
			rerun := &rotation.Engine{Backend: b, Functions: registry(t)}
			if _, err := rerun.Rotate(context.Background(), "crash", "password", tok); err != nil {
				t.Fatalf("rerun: %v", err)
			}
			want := map[string][]string{tok: {"AWSCURRENT"}, oldID: {"AWSPREVIOUS"}}
			if got := stages(t, b, "crash"); !equalStages(got, want) {
				t.Fatalf("labels %v, want %v", got, want)
			}
			if n := versionCount(t, b, "crash"); n != 2 {
				t.Fatalf("%d versions, want 2", n)
			}
		})
	}
}

// failing wraps a function and fails one step.
type failing struct {
	rotation.Function
	step string
	err  error
	seen []string
}

func (f *failing) Step(ctx context.Context, req rotation.Request) error {
	f.seen = append(f.seen, req.Step)
	if req.Step == f.step {
		return f.err
	}
	return f.Function.Step(ctx, req)
}

func testFailingSetSecretLeavesCurrent(t *testing.T, newBackend factory) {
	ctx := context.Background()
	b := newBackend(t)
	oldID := create(t, b, "f", "v1")
	pw, _ := rotation.NewPassword("")
	fn := &failing{Function: pw, step: rotation.StepSet, err: errors.New("the service refused the new credential")}
	r := rotation.NewRegistry()
	r.Register("flaky", func(string) (rotation.Function, error) { return fn, nil })
	rec := &recorder{}
	var audited []rotation.Event
	e := &rotation.Engine{Backend: b, Functions: r, Progress: rec.progress,
		Audit: func(_ context.Context, ev rotation.Event) error { audited = append(audited, ev); return nil }}
	res, err := e.Rotate(ctx, "f", "flaky", "")
	var se *rotation.StepError
	if !errors.As(err, &se) || se.Step != rotation.StepSet {
		t.Fatalf("error %v, want a setSecret StepError", err)
	}
	if got, id := value(t, b, "f", backend.StageCurrent); got != "v1" || id != oldID {
		t.Fatal("AWSCURRENT changed after a failed setSecret")
	}
	if _, id := value(t, b, "f", backend.StagePending); id != res.VersionID {
		t.Fatalf("AWSPENDING on %s, want the failed rotation's version %s", id, res.VersionID)
	}
	if !slices.Equal(fn.seen, []string{rotation.StepCreate, rotation.StepSet}) {
		t.Fatalf("steps run: %v", fn.seen)
	}
	last := audited[len(audited)-1]
	if last.Step != rotation.StepSet || last.Phase != rotation.Failed || last.Err == nil {
		t.Fatalf("audit of the failure: %+v", last)
	}
	if tr := rec.trail(); tr[len(tr)-1] != "setSecret:failed" {
		t.Fatalf("progress %v", tr)
	}
	// Once the cause is fixed, the same rotation is retried and finishes.
	fn.step = ""
	if _, err := e.Resume(ctx, "f", "flaky"); err != nil {
		t.Fatal(err)
	}
	if _, id := value(t, b, "f", backend.StageCurrent); id != res.VersionID {
		t.Fatal("retry did not finish the rotation")
	}
}

func testAuditFailureFailsTheStep(t *testing.T, newBackend factory) {
	b := newBackend(t)
	oldID := create(t, b, "a", "v1")
	e := &rotation.Engine{Backend: b, Functions: registry(t), Audit: func(context.Context, rotation.Event) error {
		return errors.New("audit log is read-only")
	}}
	_, err := e.Rotate(context.Background(), "a", "password", "")
	var se *rotation.StepError
	if !errors.As(err, &se) || se.Step != rotation.StepCreate || !strings.Contains(err.Error(), "audit") {
		t.Fatalf("error %v", err)
	}
	if _, id := value(t, b, "a", backend.StageCurrent); id != oldID {
		t.Fatal("rotation went on without its audit record")
	}
}

// RotateImmediately=false: only testSecret runs, on an AWSPENDING copy of
// the current value that is removed afterwards.
func testTestOnlyRunsTestSecret(t *testing.T, newBackend factory) {
	ctx := context.Background()
	b := newBackend(t)
	oldID := create(t, b, "t", "v1")
	pw, _ := rotation.NewPassword("")
	fn := &failing{Function: pw}
	r := rotation.NewRegistry()
	r.Register("watched", func(string) (rotation.Function, error) { return fn, nil })
	e := &rotation.Engine{Backend: b, Functions: r}
	if _, err := e.Test(ctx, "t", "watched", ""); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fn.seen, []string{rotation.StepTest}) {
		t.Fatalf("steps run: %v", fn.seen)
	}
	want := map[string][]string{oldID: {"AWSCURRENT"}}
	if got := stages(t, b, "t"); !equalStages(got, want) {
		t.Fatalf("labels %v, want %v", got, want)
	}
	if got, _ := value(t, b, "t", backend.StageCurrent); got != "v1" {
		t.Fatal("value changed")
	}
	// A failing test is reported and still leaves no AWSPENDING behind.
	fn.step, fn.err = rotation.StepTest, errors.New("cannot log in")
	if _, err := e.Test(ctx, "t", "watched", ""); err == nil {
		t.Fatal("a failing testSecret passed")
	}
	if _, ok := stagesHolding(stages(t, b, "t"), backend.StagePending); ok {
		t.Fatal("AWSPENDING left behind by a failed test")
	}
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rotator.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

func testExecExampleRotatesAFileCredential(t *testing.T, newBackend factory) {
	ctx := context.Background()
	script, err := filepath.Abs("examples/file-credential.sh")
	if err != nil {
		t.Fatal(err)
	}
	credFile := filepath.Join(t.TempDir(), "tokens")
	t.Setenv("CREDENTIAL_FILE", credFile)
	b := newBackend(t)
	create(t, b, "svc", "InitialToken0123456789")
	if err := os.WriteFile(credFile, []byte("InitialToken0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &rotation.Engine{Backend: b, Functions: registry(t)}
	for round := 1; round <= 2; round++ {
		old, _ := value(t, b, "svc", backend.StageCurrent)
		if _, err := e.Rotate(ctx, "svc", "exec:"+script, ""); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		cur, _ := value(t, b, "svc", backend.StageCurrent)
		data, err := os.ReadFile(credFile)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != cur+"\n" || len(cur) != 40 || cur == old {
			t.Fatalf("round %d: file holds %q, AWSCURRENT is %q", round, data, cur)
		}
	}
}

// leakRotator quotes everything it was given, in every form it saw it in,
// the way a careless script does: the request as it arrived (JSON, so <
// is \u003c), a cut of the DSN, and base64 of the request.
const leakRotator = `
req=$(cat)
case "$req" in
*createSecret*) echo '{"SecretString":"{\\"dsn\\":\\"mysql://svc:Pend<7Wq>Zz@db9/app\\",\\"password\\":\\"Pj3kXw8Ht5Ns2Vb7\\"}"}' ;;
*setSecret*)
  echo "cannot apply the new credential; request: $req" >&2
  printf '%s' "$req" | base64 >&2
  printf 'dsn starts %s\n' "$(printf '%s' "$req" | sed 's/.*mysql:/mysql:/' | cut -c1-11)" >&2
  exit 3 ;;
esac
`

// leaked returns the first substring of at least 4 bytes of a value, in any
// form the rotator saw it in (raw, JSON-escaped, base64), found in text.
func leaked(text string, values ...string) string {
	for _, v := range values {
		esc, _ := json.Marshal(v)
		for _, form := range []string{v, string(esc[1 : len(esc)-1]), base64.StdEncoding.EncodeToString([]byte(v))} {
			for i := 0; i+4 <= len(form); i++ {
				if strings.Contains(text, form[i:i+4]) {
					return form[i : i+4]
				}
			}
		}
	}
	return ""
}

func testExecFailureNamesStepAndHidesValues(t *testing.T, newBackend factory) {
	ctx := context.Background()
	b := newBackend(t)
	cur := `{"dsn":"postgres://svc:Cur<9Kv>Yy@db8/app","password":"Cq9vRw2Lx8Mz4Tn6"}`
	create(t, b, "x", cur)
	script := writeScript(t, leakRotator)
	rec := &recorder{}
	e := &rotation.Engine{Backend: b, Functions: registry(t), Progress: rec.progress}
	_, err := e.Rotate(ctx, "x", "exec:"+script, "")
	if err == nil {
		t.Fatal("the failing rotator succeeded")
	}
	values := []string{cur, "postgres://svc:Cur<9Kv>Yy@db8/app", "Cq9vRw2Lx8Mz4Tn6",
		`{"dsn":"mysql://svc:Pend<7Wq>Zz@db9/app","password":"Pj3kXw8Ht5Ns2Vb7"}`, "mysql://svc:Pend<7Wq>Zz@db9/app", "Pj3kXw8Ht5Ns2Vb7"}
	for _, s := range []string{err.Error(), rec.events[len(rec.events)-1].Err.Error()} {
		if frag := leaked(s, values...); frag != "" {
			t.Fatalf("%q of a secret value leaked into %q", frag, s)
		}
	}
	var se *rotation.StepError
	if !errors.As(err, &se) || se.Step != rotation.StepSet || !strings.Contains(err.Error(), "exit status 3") ||
		!strings.Contains(err.Error(), "not shown because they may quote the secret; --debug-rotation shows them") {
		t.Fatalf("error %v", err)
	}
}

// TestExecDebugShowsOutput: with the operator's explicit opt-in the
// program's stderr is shown where the operator reads it, and still never
// in the error.
func TestExecDebugShowsOutput(t *testing.T) {
	ctx := context.Background()
	b := newLocalStore(t)
	create(t, b, "x", `{"password":"Cq9vRw2Lx8Mz4Tn6"}`)
	r := registry(t)
	var debug strings.Builder
	r.ShowExecOutput(&debug)
	e := &rotation.Engine{Backend: b, Functions: r}
	_, err := e.Rotate(ctx, "x", "exec:"+writeScript(t, leakRotator), "")
	if err == nil || strings.Contains(err.Error(), "Cq9vRw2Lx8Mz4Tn6") || strings.Contains(err.Error(), "cannot apply") {
		t.Fatalf("error %v", err)
	}
	if out := debug.String(); !strings.Contains(out, "this may show secrets") || !strings.Contains(out, "cannot apply the new credential") {
		t.Fatalf("debug output %q", out)
	}
}

func TestExecIsOptIn(t *testing.T) {
	script := writeScript(t, "exit 0\n")
	r := rotation.NewRegistry()
	rotation.RegisterBuiltins(r, nil)
	if _, err := r.Lookup("exec:" + script); backend.Code(err) != backend.CodeAccessDenied {
		t.Fatalf("exec without opting in: %v", err)
	}
	r = rotation.NewRegistry()
	rotation.RegisterBuiltins(r, []string{t.TempDir()})
	if _, err := r.Lookup("exec:" + script); err == nil || !strings.Contains(err.Error(), "outside the directories") {
		t.Fatalf("exec outside the allowed directory: %v", err)
	}
	r = rotation.NewRegistry()
	rotation.RegisterBuiltins(r, []string{filepath.Dir(script)})
	if _, err := r.Lookup("exec:" + script); err != nil {
		t.Fatalf("exec inside the allowed directory: %v", err)
	}
	if _, err := r.Lookup("exec:relative/path"); err == nil {
		t.Fatal("a relative path was accepted")
	}
}

func TestRedact(t *testing.T) {
	err := rotation.Redact(backend.Errorf(backend.CodeInvalidRequest, "bad value hunter2 here"), "hunter2")
	if backend.Code(err) != backend.CodeInvalidRequest || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("%v", err)
	}
	plain := errors.New("nothing secret")
	if rotation.Redact(plain, "hunter2") != plain {
		t.Fatal("an error without secrets was rewrapped")
	}
}
