package rotation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
)

// Phase says where a step is.
type Phase int

// Phases of a step.
const (
	Started Phase = iota + 1
	Finished
	Failed
)

func (p Phase) String() string {
	switch p {
	case Started:
		return "started"
	case Finished:
		return "finished"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// Event reports one step's progress. Err is set when Phase is Failed and
// never contains a secret value.
type Event struct {
	SecretID string
	Function string
	Token    string
	Step     string
	Phase    Phase
	Err      error
	Time     time.Time
}

// StepError is returned when a step fails; it names the step.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return "rotation step " + e.Step + " failed: " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// Result identifies the version a rotation made AWSCURRENT (or, for a test
// run, the version it tested).
type Result struct {
	ARN       string
	Name      string
	VersionID string
}

// Engine runs rotations over a backend.
type Engine struct {
	Backend   backend.Backend
	Functions *Registry
	// Now is the clock for events; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is told when each step starts, finishes or fails,
	// so a console can show the four steps live. It must not block.
	Progress func(Event)
	// Audit, when set, records each step's outcome (Finished or Failed). An
	// error from it fails the step: an operation that cannot be audited does
	// not happen silently.
	Audit func(ctx context.Context, ev Event) error
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

// plan checks the start rule and resolves the token. It returns done=true
// when the token's version is already AWSCURRENT (a finished rotation being
// rerun).
func (e *Engine) plan(ctx context.Context, secretID, token string) (meta *backend.SecretMetadata, tok string, done bool, err error) {
	meta, err = e.Backend.DescribeSecret(ctx, secretID)
	if err != nil {
		return nil, "", false, err
	}
	if meta.Deleted() {
		return nil, "", false, backend.MarkedForDeletionError()
	}
	cur, pend := CurrentVersion(meta), PendingVersion(meta)
	if token != "" && token == cur {
		return meta, token, true, nil
	}
	// The start rule: AWSPENDING on no version, or on the AWSCURRENT one.
	// A rotation whose pending version is another one is unfinished; only a
	// retry with that rotation's own token may continue it.
	if pend != "" && pend != cur && pend != token {
		return nil, "", false, backend.RotationInProgressError()
	}
	if token == "" {
		token = uuid.NewString()
	}
	return meta, token, false, nil
}

// Rotate runs the four steps of function on secretID with token as the
// pending version id (a new UUID when token is empty). Rerunning it with the
// token of an interrupted rotation continues that rotation; starting another
// rotation while one is pending is refused with InvalidRequestException, as
// Secrets Manager refuses it. A failing step stops the rotation: AWSCURRENT
// stays where it was and the pending version stays visible.
func (e *Engine) Rotate(ctx context.Context, secretID, function, token string) (*Result, error) {
	fn, err := e.Functions.Lookup(function)
	if err != nil {
		return nil, err
	}
	meta, token, done, err := e.plan(ctx, secretID, token)
	if err != nil {
		return nil, err
	}
	res := &Result{ARN: meta.ARN, Name: meta.Name, VersionID: token}
	if !done {
		for _, step := range Steps() {
			if err := e.step(ctx, fn, function, meta.ARN, token, step); err != nil {
				return res, err
			}
		}
	}
	return res, e.clearPending(ctx, meta.ARN, token)
}

// Resume reattempts the unfinished rotation of secretID, if there is one,
// with its own token. It returns nil, nil when nothing is pending.
func (e *Engine) Resume(ctx context.Context, secretID, function string) (*Result, error) {
	meta, err := e.Backend.DescribeSecret(ctx, secretID)
	if err != nil {
		return nil, err
	}
	pend := PendingVersion(meta)
	if pend == "" || pend == CurrentVersion(meta) {
		return nil, nil
	}
	return e.Rotate(ctx, meta.ARN, function, pend)
}

// Test checks a rotation configuration without rotating, as RotateSecret
// does with RotateImmediately=false: it stores a copy of the AWSCURRENT
// value as an AWSPENDING version with id token, runs testSecret on it, and
// removes AWSPENDING again (the copy is left deprecated, visible with
// IncludeDeprecated). The credential itself never changes.
func (e *Engine) Test(ctx context.Context, secretID, function, token string) (*Result, error) {
	fn, err := e.Functions.Lookup(function)
	if err != nil {
		return nil, err
	}
	meta, token, done, err := e.plan(ctx, secretID, token)
	if err != nil {
		return nil, err
	}
	res := &Result{ARN: meta.ARN, Name: meta.Name, VersionID: token}
	if done {
		return res, nil
	}
	cur, err := GetStage(ctx, e.Backend, meta.ARN, backend.StageCurrent)
	if err != nil {
		return res, err
	}
	defer cur.Wipe()
	_, err = e.Backend.PutSecretValue(ctx, &backend.PutSecretValueInput{
		SecretID: meta.ARN, ClientRequestToken: token,
		SecretString: cur.SecretString, SecretBinary: cur.SecretBinary,
		VersionStages: []string{backend.StagePending},
	})
	if err != nil {
		return res, fmt.Errorf("store the test version: %w", err)
	}
	stepErr := e.step(ctx, fn, function, meta.ARN, token, StepTest)
	if err := e.clearPending(context.WithoutCancel(ctx), meta.ARN, token); err != nil && stepErr == nil {
		return res, err
	}
	return res, stepErr
}

// step runs one step with progress and audit around it.
func (e *Engine) step(ctx context.Context, fn Function, function, arn, token, step string) error {
	ev := Event{SecretID: arn, Function: function, Token: token, Step: step}
	if err := ctx.Err(); err != nil {
		return &StepError{Step: step, Err: err}
	}
	e.report(ev, Started, nil)
	err := fn.Step(ctx, Request{Step: step, SecretID: arn, ClientRequestToken: token, Backend: e.Backend})
	if err == nil && step != StepCreate {
		// Every step but createSecret works on a version that must exist by
		// now; a function that forgot to check must not pass silently.
		err = e.checkVersion(ctx, arn, token, step)
	}
	phase := Finished
	if err != nil {
		phase = Failed
	}
	ev.Phase, ev.Err, ev.Time = phase, err, e.now()
	if e.Audit != nil {
		// Record the outcome even when the caller's context has just been
		// cancelled: the step did happen.
		if aerr := e.Audit(context.WithoutCancel(ctx), ev); aerr != nil {
			err = errors.Join(err, fmt.Errorf("record the step in the audit log: %w", aerr))
			phase = Failed
		}
	}
	e.report(ev, phase, err)
	if err != nil {
		return &StepError{Step: step, Err: err}
	}
	return nil
}

func (e *Engine) checkVersion(ctx context.Context, arn, token, step string) error {
	meta, err := e.Backend.DescribeSecret(ctx, arn)
	if err != nil {
		return err
	}
	stages := meta.VersionIdsToStages[token]
	want := backend.StagePending
	if step == StepFinish {
		want = backend.StageCurrent
	}
	for _, s := range stages {
		if s == want {
			return nil
		}
	}
	if step == StepFinish {
		return backend.Errorf(backend.CodeInvalidRequest, "the rotation function returned from finishSecret without making version %s AWSCURRENT", token)
	}
	return backend.Errorf(backend.CodeInvalidRequest, "version %s is not AWSPENDING: the rotation function did not create it", token)
}

func (e *Engine) report(ev Event, p Phase, err error) {
	if e.Progress == nil {
		return
	}
	ev.Phase, ev.Err, ev.Time = p, err, e.now()
	e.Progress(ev)
}

// clearPending removes AWSPENDING from version token once the rotation is
// over, as Secrets Manager does after finishSecret.
func (e *Engine) clearPending(ctx context.Context, arn, token string) error {
	meta, err := e.Backend.DescribeSecret(ctx, arn)
	if err != nil {
		return err
	}
	if PendingVersion(meta) != token {
		return nil
	}
	_, err = e.Backend.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
		SecretID: arn, VersionStage: backend.StagePending, RemoveFromVersionID: token,
	})
	if err != nil {
		return fmt.Errorf("remove AWSPENDING after the rotation: %w", err)
	}
	return nil
}
