package local

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
)

const (
	tokenA = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa"
	tokenB = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb"
)

func boolp(b bool) *bool { return &b }

// stagesOfSecret returns label → version of a secret.
func stagesOfSecret(t *testing.T, s *Store, id string) map[string]string {
	t.Helper()
	meta, err := s.DescribeSecret(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for v, labels := range meta.VersionIdsToStages {
		for _, l := range labels {
			out[l] = v
		}
	}
	return out
}

func TestRotateSecretWithPasswordFunction(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	created, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/app", SecretString: str(`{"username":"app","password":"old-Password-1"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	out, err := s.RotateSecretProgress(ctx, &backend.RotateSecretInput{
		SecretID: "prod/app", ClientRequestToken: tokenA,
		RotationLambdaARN: "password?keys=password&length=40",
		RotationRules:     &backend.RotationRules{AutomaticallyAfterDays: 30},
	}, func(p backend.RotationProgress) {
		if p.SecretID != created.ARN || p.VersionID != tokenA {
			t.Errorf("progress for %s/%s", p.SecretID, p.VersionID)
		}
		steps = append(steps, p.Step+"/"+map[backend.RotationPhase]string{backend.RotationStarted: "started", backend.RotationFinished: "finished", backend.RotationFailed: "failed"}[p.Phase])
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.VersionID != tokenA || out.ARN != created.ARN || out.Name != "prod/app" {
		t.Fatalf("RotateSecret = %+v", out)
	}
	want := []string{"createSecret/started", "createSecret/finished", "setSecret/started", "setSecret/finished",
		"testSecret/started", "testSecret/finished", "finishSecret/started", "finishSecret/finished"}
	if !slices.Equal(steps, want) {
		t.Fatalf("progress = %v, want %v", steps, want)
	}
	st := stagesOfSecret(t, s, "prod/app")
	if st[backend.StageCurrent] != tokenA || st[backend.StagePrevious] != created.VersionID || st[backend.StagePending] != "" {
		t.Fatalf("labels after rotation = %v", st)
	}
	v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "prod/app"})
	var val map[string]string
	if err := json.Unmarshal([]byte(*v.SecretString), &val); err != nil {
		t.Fatal(err)
	}
	if val["username"] != "app" || len(val["password"]) != 40 || val["password"] == "old-Password-1" {
		t.Fatalf("rotated value has username %q and a password of %d characters", val["username"], len(val["password"]))
	}

	meta, err := s.DescribeSecret(ctx, "prod/app")
	if err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	if !meta.RotationEnabled || meta.RotationLambdaARN != "password?keys=password&length=40" ||
		meta.RotationRules == nil || meta.RotationRules.AutomaticallyAfterDays != 30 {
		t.Fatalf("rotation settings = %v %q %+v", meta.RotationEnabled, meta.RotationLambdaARN, meta.RotationRules)
	}
	if !meta.LastRotatedDate.Equal(now) {
		t.Fatalf("LastRotatedDate = %v, want %v", meta.LastRotatedDate, now)
	}
	// 30 days from the rotation, at the start of that UTC day.
	if want := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC); !meta.NextRotationDate.Equal(want) {
		t.Fatalf("NextRotationDate = %v, want %v", meta.NextRotationDate, want)
	}
	// ListSecrets reports the same fields.
	list, err := s.ListSecrets(ctx, &backend.ListSecretsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Secrets) != 1 || !list.Secrets[0].RotationEnabled || !list.Secrets[0].NextRotationDate.Equal(meta.NextRotationDate) ||
		!list.Secrets[0].LastRotatedDate.Equal(now) {
		t.Fatalf("ListSecrets entry = %+v", list.Secrets)
	}

	// Rerunning a finished rotation with its token changes nothing.
	if _, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "prod/app", ClientRequestToken: tokenA}); err != nil {
		t.Fatalf("rerun with the same token: %v", err)
	}
	if again := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "prod/app"}); *again.SecretString != *v.SecretString {
		t.Fatal("rerunning a finished rotation changed the value")
	}
}

// flaky is a rotation function whose setSecret fails while failSet is true,
// with an error quoting the pending password through rotation.Redact, as a
// database function's would.
type flaky struct {
	mu      sync.Mutex
	failSet bool
	value   string
}

func (f *flaky) Step(ctx context.Context, req rotation.Request) error {
	switch req.Step {
	case rotation.StepCreate:
		p, err := rotation.GetPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
		if err != nil || p != nil {
			return err
		}
		return rotation.PutPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken, f.value)
	case rotation.StepSet:
		f.mu.Lock()
		fail := f.failSet
		f.mu.Unlock()
		if fail {
			return rotation.Redact(errors.New(`pq: password "`+f.value+`" rejected by the server`), f.value)
		}
	case rotation.StepFinish:
		return rotation.Finish(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
	}
	return nil
}

func (f *flaky) set(fail bool) { f.mu.Lock(); f.failSet = fail; f.mu.Unlock() }

func flakyStore(t *testing.T, clock *fakeClock) (*Store, *flaky) {
	t.Helper()
	f := &flaky{failSet: true, value: "Pending-Secret-Value-7f3a"}
	reg := rotation.NewRegistry()
	reg.Register("flaky", func(string) (rotation.Function, error) { return f, nil })
	opts := Options{Rotation: reg}
	if clock != nil {
		opts.Now = clock.Now
	}
	return newStore(t, opts), f
}

func TestRotateSecretFailedStepKeepsCurrentAndRefusesAnotherRotation(t *testing.T) {
	ctx := context.Background()
	s, f := flakyStore(t, nil)
	created := mustCreate(t, s, "db/app", "Current-Secret-Value-19c2")

	_, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "db/app", ClientRequestToken: tokenA, RotationLambdaARN: "flaky"})
	var stepErr *rotation.StepError
	if !errors.As(err, &stepErr) || stepErr.Step != rotation.StepSet {
		t.Fatalf("error = %v, want a StepError for setSecret", err)
	}
	wantCode(t, err, backend.CodeInvalidRequest)
	if msg := backend.Message(err); !strings.Contains(msg, "setSecret") || !strings.Contains(msg, tokenA) || strings.Contains(msg, f.value) {
		t.Fatalf("message = %q: want the step and the pending version, never the value", msg)
	}
	st := stagesOfSecret(t, s, "db/app")
	if st[backend.StageCurrent] != created.VersionID || st[backend.StagePending] != tokenA {
		t.Fatalf("labels after a failed setSecret = %v", st)
	}
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "db/app"}); *v.SecretString != "Current-Secret-Value-19c2" {
		t.Fatal("AWSCURRENT's value changed after a failed rotation")
	}
	if meta, _ := s.DescribeSecret(ctx, "db/app"); !meta.LastRotatedDate.IsZero() {
		t.Fatalf("LastRotatedDate set after a failed rotation: %v", meta.LastRotatedDate)
	}

	// The start rule: another rotation is refused as AWS refuses it.
	_, err = s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "db/app", ClientRequestToken: tokenB})
	wantCode(t, err, backend.CodeInvalidRequest)
	if !errors.Is(err, backend.RotationInProgressError()) {
		t.Fatalf("second rotation: %v", err)
	}
	_, err = s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "db/app"})
	wantCode(t, err, backend.CodeInvalidRequest)

	// A retry with the rotation's own token continues it.
	f.set(false)
	out, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "db/app", ClientRequestToken: tokenA})
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	st = stagesOfSecret(t, s, "db/app")
	if out.VersionID != tokenA || st[backend.StageCurrent] != tokenA || st[backend.StagePrevious] != created.VersionID || st[backend.StagePending] != "" {
		t.Fatalf("after the retry: %+v, labels %v", out, st)
	}

	// Each step's outcome is in the audit log, by exception name only.
	recs, err := s.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		if strings.HasPrefix(r.Operation, "Rotation") {
			got = append(got, r.Operation+"="+r.Outcome+r.ErrorCode)
		}
	}
	want := []string{
		"RotationStep:createSecret=ok", "RotationStep:setSecret=errorInvalidRequestException", "RotationFailed=errorInvalidRequestException",
		"RotationStep:createSecret=ok", "RotationStep:setSecret=ok", "RotationStep:testSecret=ok", "RotationStep:finishSecret=ok", "RotationSucceeded=ok",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("rotation audit records = %v, want %v", got, want)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCancelRotateSecretKeepsRulesAndReportsPendingVersion(t *testing.T) {
	ctx := context.Background()
	s, _ := flakyStore(t, nil)
	mustCreate(t, s, "db/app", "v1")
	_, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "db/app", ClientRequestToken: tokenA, RotationLambdaARN: "flaky",
		RotationRules: &backend.RotationRules{ScheduleExpression: "rate(10 days)", Duration: "3h"}})
	if err == nil {
		t.Fatal("the flaky rotation succeeded")
	}
	out, err := s.CancelRotateSecret(ctx, "db/app")
	if err != nil {
		t.Fatal(err)
	}
	if out.VersionID != tokenA || out.Name != "db/app" {
		t.Fatalf("CancelRotateSecret = %+v, want the pending version %s", out, tokenA)
	}
	meta, err := s.DescribeSecret(ctx, "db/app")
	if err != nil {
		t.Fatal(err)
	}
	if meta.RotationEnabled || meta.RotationLambdaARN != "flaky" || meta.RotationRules == nil ||
		meta.RotationRules.ScheduleExpression != "rate(10 days)" || meta.RotationRules.Duration != "3h" || !meta.NextRotationDate.IsZero() {
		t.Fatalf("after cancel: enabled=%v function=%q rules=%+v next=%v", meta.RotationEnabled, meta.RotationLambdaARN, meta.RotationRules, meta.NextRotationDate)
	}
	if stagesOfSecret(t, s, "db/app")[backend.StagePending] != tokenA {
		t.Fatal("cancelling removed AWSPENDING; it stays until an operator removes it")
	}
}

func TestRotateSecretRefusals(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "app", "v1")
	cases := []struct {
		name string
		in   backend.RotateSecretInput
		code string
		msg  string
	}{
		{"no function", backend.RotateSecretInput{SecretID: "app"}, backend.CodeInvalidRequest, "No Lambda rotation function ARN is associated with this secret."},
		{"unknown function", backend.RotateSecretInput{SecretID: "app", RotationLambdaARN: "nope"}, backend.CodeAccessDenied, ""},
		{"exec not allowed", backend.RotateSecretInput{SecretID: "app", RotationLambdaARN: "exec:/bin/true"}, backend.CodeAccessDenied, ""},
		{"bad options", backend.RotateSecretInput{SecretID: "app", RotationLambdaARN: "password?length=x"}, backend.CodeInvalidParameter, ""},
		{"both rules", backend.RotateSecretInput{SecretID: "app", RotationLambdaARN: "password",
			RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 3, ScheduleExpression: "rate(3 days)"}}, backend.CodeInvalidParameter,
			"You can't specify both RotationRules.AutomaticallyAfterDays and RotationRules.ScheduleExpression."},
		{"days out of range", backend.RotateSecretInput{SecretID: "app", RotationLambdaARN: "password",
			RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 1001}}, backend.CodeInvalidParameter, "RotationRules.AutomaticallyAfterDays must be within 1-1000."},
		{"missing secret", backend.RotateSecretInput{SecretID: "nope", RotationLambdaARN: "password"}, backend.CodeResourceNotFound, "Secrets Manager can't find the specified secret."},
		{"short token", backend.RotateSecretInput{SecretID: "app", RotationLambdaARN: "password", ClientRequestToken: "short"}, backend.CodeValidation, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.RotateSecret(ctx, &c.in)
			wantCode(t, err, c.code)
			if c.msg != "" && backend.Message(err) != c.msg {
				t.Fatalf("message = %q, want %q", backend.Message(err), c.msg)
			}
		})
	}
	if meta, _ := s.DescribeSecret(ctx, "app"); meta.RotationEnabled || meta.RotationLambdaARN != "" {
		t.Fatal("a refused RotateSecret changed the settings")
	}
	if _, err := s.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: "app"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "app", RotationLambdaARN: "password"})
	wantCode(t, err, backend.CodeInvalidRequest)
	_, err = s.CancelRotateSecret(ctx, "app")
	wantCode(t, err, backend.CodeInvalidRequest)
}

func TestRotateSecretNotImmediatelyOnlyTests(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	created := mustCreate(t, s, "app", "Unchanged-Value")
	out, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "app", ClientRequestToken: tokenA, RotationLambdaARN: "password",
		RotationRules: &backend.RotationRules{ScheduleExpression: "cron(0 4 ? * MON *)"}, RotateImmediately: boolp(false)})
	if err != nil {
		t.Fatal(err)
	}
	if out.VersionID != tokenA {
		t.Fatalf("VersionId = %q", out.VersionID)
	}
	st := stagesOfSecret(t, s, "app")
	if st[backend.StageCurrent] != created.VersionID || st[backend.StagePending] != "" {
		t.Fatalf("labels after a test run = %v", st)
	}
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app"}); *v.SecretString != "Unchanged-Value" {
		t.Fatal("a test run changed the value")
	}
	meta, _ := s.DescribeSecret(ctx, "app")
	// 2026-03-01 is a Sunday: the next Monday 04:00 UTC.
	if !meta.RotationEnabled || !meta.LastRotatedDate.IsZero() || !meta.NextRotationDate.Equal(time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)) {
		t.Fatalf("enabled=%v last=%v next=%v", meta.RotationEnabled, meta.LastRotatedDate, meta.NextRotationDate)
	}
}

func TestRotateDueRotatesOnlyDueSecrets(t *testing.T) {
	ctx := context.Background()
	clock := newClock() // 2026-03-01 12:00 UTC
	s := newStore(t, Options{Now: clock.Now})
	for _, n := range []string{"daily", "monthly", "manual", "off"} {
		mustCreate(t, s, n, "initial-"+n)
	}
	rotate := func(name string, rules *backend.RotationRules) {
		t.Helper()
		if _, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: name, RotationLambdaARN: "password", RotationRules: rules, RotateImmediately: boolp(false)}); err != nil {
			t.Fatal(err)
		}
	}
	rotate("daily", &backend.RotationRules{AutomaticallyAfterDays: 1})
	rotate("monthly", &backend.RotationRules{AutomaticallyAfterDays: 30})
	rotate("manual", nil)

	if got, err := s.RotateDue(ctx, RotateDueOptions{}); err != nil || len(got) != 0 {
		t.Fatalf("before any window opened: %+v, %v", got, err)
	}
	clock.Advance(12 * time.Hour) // 2026-03-02 00:00, daily's window opens
	dry, err := s.RotateDue(ctx, RotateDueOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry) != 1 || dry[0].Name != "daily" || dry[0].Action != DueRotate {
		t.Fatalf("dry run = %+v", dry)
	}
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "daily"}); *v.SecretString != "initial-daily" {
		t.Fatal("a dry run rotated")
	}
	clock.Advance(time.Hour)
	got, err := s.RotateDue(ctx, RotateDueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "daily" || got[0].Err != nil || got[0].VersionID == "" {
		t.Fatalf("RotateDue = %+v", got)
	}
	if want := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC); !got[0].NextRotationDate.Equal(want) || !got[0].ScheduledDate.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("scheduled %v, next %v", got[0].ScheduledDate, got[0].NextRotationDate)
	}
	for name, rotated := range map[string]bool{"daily": true, "monthly": false, "manual": false, "off": false} {
		v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: name})
		if (*v.SecretString != "initial-"+name) != rotated {
			t.Errorf("%s rotated = %v, want %v", name, !rotated, rotated)
		}
	}
	if again, err := s.RotateDue(ctx, RotateDueOptions{}); err != nil || len(again) != 0 {
		t.Fatalf("a second run in the same window: %+v, %v", again, err)
	}
}

func TestRotateDueResumesFailedRotationAndReportsFailure(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s, f := flakyStore(t, clock)
	created := mustCreate(t, s, "db", "v1")
	if _, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "db", ClientRequestToken: tokenA, RotationLambdaARN: "flaky",
		RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 7}}); err == nil {
		t.Fatal("the flaky rotation succeeded")
	}
	got, err := s.RotateDue(ctx, RotateDueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Action != DueResume || got[0].VersionID != tokenA || got[0].Err == nil {
		t.Fatalf("RotateDue while setSecret still fails = %+v", got)
	}
	if strings.Contains(got[0].Err.Error(), f.value) {
		t.Fatal("the failure quotes the pending value")
	}
	f.set(false)
	got, err = s.RotateDue(ctx, RotateDueOptions{})
	if err != nil || len(got) != 1 || got[0].Err != nil || got[0].VersionID != tokenA {
		t.Fatalf("RotateDue after the fault cleared = %+v, %v", got, err)
	}
	st := stagesOfSecret(t, s, "db")
	if st[backend.StageCurrent] != tokenA || st[backend.StagePrevious] != created.VersionID || st[backend.StagePending] != "" {
		t.Fatalf("labels = %v", st)
	}
}

func TestRotateDueMissedExplicitWindowWaitsForTheNext(t *testing.T) {
	ctx := context.Background()
	clock := newClock() // Sunday 2026-03-01 12:00
	s := newStore(t, Options{Now: clock.Now})
	mustCreate(t, s, "nightly", "v1")
	if _, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "nightly", RotationLambdaARN: "password", RotateImmediately: boolp(false),
		RotationRules: &backend.RotationRules{ScheduleExpression: "cron(0 2 * * ? *)", Duration: "2h"}}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(17 * time.Hour) // 05:00 on the 2nd: the 02:00–04:00 window has passed
	got, err := s.RotateDue(ctx, RotateDueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC)
	if len(got) != 1 || got[0].Action != DueMissedWindow || !got[0].NextRotationDate.Equal(want) {
		t.Fatalf("RotateDue = %+v", got)
	}
	if meta, _ := s.DescribeSecret(ctx, "nightly"); !meta.NextRotationDate.Equal(want) || !meta.LastRotatedDate.IsZero() {
		t.Fatalf("next %v, last %v", meta.NextRotationDate, meta.LastRotatedDate)
	}
	clock.Advance(22 * time.Hour) // 03:00 on the 3rd, inside the window
	got, err = s.RotateDue(ctx, RotateDueOptions{})
	if err != nil || len(got) != 1 || got[0].Action != DueRotate || got[0].Err != nil {
		t.Fatalf("inside the window: %+v, %v", got, err)
	}
}

// TestRotationLeaksNoValue rotates with an exec rotator that prints the
// values it gets on stderr before failing, and checks that neither the
// error nor the audit log holds them.
func TestRotationLeaksNoValue(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	prog := filepath.Join(dir, "leaky.sh")
	script := "#!/bin/sh\nreq=$(cat)\ncase \"$req\" in\n*'\"Step\":\"createSecret\"'*) echo '{\"SecretString\":\"Pending-Leak-Candidate-51\"}' ;;\n*'\"Step\":\"setSecret\"'*) echo \"cannot set: $req\" >&2; exit 3 ;;\nesac\n"
	if err := os.WriteFile(prog, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	reg := rotation.NewRegistry()
	rotation.RegisterBuiltins(reg, []string{dir})
	s := newStore(t, Options{Rotation: reg})
	mustCreate(t, s, "svc", "Current-Leak-Candidate-42")
	values := []string{"Current-Leak-Candidate-42", "Pending-Leak-Candidate-51"}

	_, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "svc", RotationLambdaARN: "exec:" + prog})
	var stepErr *rotation.StepError
	if !errors.As(err, &stepErr) || stepErr.Step != rotation.StepSet {
		t.Fatalf("error = %v, want setSecret to fail", err)
	}
	for _, v := range values {
		if strings.Contains(err.Error(), v) {
			t.Fatalf("the error quotes a value: %v", err)
		}
	}
	recs, err := s.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(recs)
	for _, v := range values {
		if strings.Contains(string(b), v) {
			t.Fatalf("the audit log holds a value")
		}
	}
	if !strings.Contains(string(b), "RotationStep:setSecret") {
		t.Fatal("the failed step is not in the audit log")
	}
}

func TestRotationSchedulerRunsUntilCancelled(t *testing.T) {
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	mustCreate(t, s, "daily", "initial")
	if _, err := s.RotateSecret(context.Background(), &backend.RotateSecretInput{SecretID: "daily", RotationLambdaARN: "password",
		RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 1}, RotateImmediately: boolp(false)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RunRotationScheduler(context.Background(), 0, nil); err != nil {
		t.Fatalf("a disabled scheduler: %v", err)
	}
	clock.Advance(24 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	reports := make(chan DueRotation, 10)
	done := make(chan error, 1)
	go func() { done <- s.RunRotationScheduler(ctx, 10*time.Millisecond, func(d DueRotation) { reports <- d }) }()
	select {
	case d := <-reports:
		if d.Name != "daily" || d.Action != DueRotate || d.Err != nil {
			t.Fatalf("report %+v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler rotated nothing")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler did not stop when its context ended")
	}
	if len(reports) != 0 {
		t.Fatalf("the secret rotated again within its window: %+v", <-reports)
	}
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "daily"}); *v.SecretString == "initial" {
		t.Fatal("not rotated")
	}
}

// gate is a rotation function whose first setSecret waits until released,
// so a test can start a second rotation while the first is inside its steps.
type gate struct {
	entered, release chan struct{}
	once             sync.Once
}

func (g *gate) Step(ctx context.Context, req rotation.Request) error {
	switch req.Step {
	case rotation.StepCreate:
		p, err := rotation.GetPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
		if err != nil || p != nil {
			return err
		}
		return rotation.PutPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken, "new-"+req.ClientRequestToken)
	case rotation.StepSet:
		first := false
		g.once.Do(func() { first = true; close(g.entered) })
		if first {
			<-g.release
		}
	case rotation.StepFinish:
		return rotation.Finish(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
	}
	return nil
}

// Two processes on one store (serve's scheduler and a timer's rotate-due)
// find the same secret due: one rotates it, the other leaves it alone.
func TestRotateDueInTwoProcessesRotatesOnce(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	g := &gate{entered: make(chan struct{}), release: make(chan struct{})}
	reg := rotation.NewRegistry()
	reg.Register("gate", func(string) (rotation.Function, error) { return g, nil })
	a := newStore(t, Options{Now: clock.Now, Rotation: reg})
	b, err := Open(ctx, a.Path(), testPass(), Options{Now: clock.Now, Rotation: reg, KDF: cheapKDF, Actor: "other@test"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	created := mustCreate(t, a, "shared", "v1")
	if _, err := a.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "shared", RotationLambdaARN: "gate",
		RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 1}, RotateImmediately: boolp(false)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)

	first := make(chan []DueRotation, 1)
	go func() {
		got, err := a.RotateDue(ctx, RotateDueOptions{})
		if err != nil {
			t.Error(err)
		}
		first <- got
	}()
	<-g.entered
	second, err := b.RotateDue(ctx, RotateDueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 1 || second[0].Action != DueBusy || second[0].Err != nil {
		t.Fatalf("the second process: %+v", second)
	}
	close(g.release)
	got := <-first
	if len(got) != 1 || got[0].Action != DueRotate || got[0].Err != nil {
		t.Fatalf("the first process: %+v", got)
	}
	st := stagesOfSecret(t, a, "shared")
	if st[backend.StageCurrent] != got[0].VersionID || st[backend.StagePrevious] != created.VersionID || st[backend.StagePending] != "" {
		t.Fatalf("labels = %v", st)
	}
	list, err := a.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: "shared", IncludeDeprecated: true})
	if err != nil {
		t.Fatal(err)
	}
	// v1, the copy the configuration test made, and the one rotation.
	if len(list.Versions) != 3 {
		t.Fatalf("%d versions, want 3", len(list.Versions))
	}
}

// A rotation that keeps failing is retried after a growing delay, not on
// every tick.
func TestRotationSchedulerBacksOffAfterFailure(t *testing.T) {
	clock := newClock()
	s, f := flakyStore(t, clock)
	mustCreate(t, s, "db", "v1")
	if _, err := s.RotateSecret(context.Background(), &backend.RotateSecretInput{SecretID: "db", RotationLambdaARN: "flaky",
		RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 1}, RotateImmediately: boolp(false)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	reports := make(chan DueRotation, 100)
	stopped := make(chan struct{})
	go func() {
		s.RunRotationScheduler(ctx, 5*time.Millisecond, func(d DueRotation) { reports <- d })
		close(stopped)
	}()
	defer func() { cancel(); <-stopped }()
	next := func() DueRotation {
		t.Helper()
		select {
		case d := <-reports:
			return d
		case <-time.After(10 * time.Second):
			t.Fatal("no report")
		}
		return DueRotation{}
	}
	if d := next(); d.Err == nil {
		t.Fatalf("first attempt: %+v", d)
	}
	// The store's clock stands still: many ticks pass, none retries.
	time.Sleep(100 * time.Millisecond)
	if len(reports) != 0 {
		t.Fatalf("retried %d times within the back-off", len(reports))
	}
	f.set(false)
	clock.Advance(time.Hour)
	if d := next(); d.Err != nil || d.Action != DueResume {
		t.Fatalf("retry after the back-off: %+v", d)
	}
}

// A rotation asked for by full ARN rotates that secret, not one whose name
// is the ARN's tail.
func TestRotateSecretByFullARNIgnoresSecretNamedLikeItsTail(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	real := mustCreate(t, s, "prod/db", `{"password":"real-Password-1"}`)
	decoyName := strings.TrimPrefix(real.ARN, s.arnPrefix())
	decoy := mustCreate(t, s, decoyName, `{"password":"decoy-Password-1"}`)
	out, err := s.RotateSecret(ctx, &backend.RotateSecretInput{
		SecretID: real.ARN, ClientRequestToken: tokenA, RotationLambdaARN: "password?keys=password",
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.ARN != real.ARN {
		t.Fatalf("rotated %s, want %s", out.ARN, real.ARN)
	}
	if got := stagesOfSecret(t, s, real.ARN)[backend.StageCurrent]; got != tokenA {
		t.Fatalf("AWSCURRENT of the real secret is %s, want the rotation's %s", got, tokenA)
	}
	if got := *mustGet(t, s, &backend.GetSecretValueInput{SecretID: decoyName}).SecretString; got != `{"password":"decoy-Password-1"}` {
		t.Fatalf("the decoy was rotated: %s", got)
	}
	if m, err := s.DescribeSecret(ctx, decoy.ARN); err != nil || m.RotationEnabled {
		t.Fatalf("the decoy's rotation settings changed: %+v %v", m, err)
	}
}
