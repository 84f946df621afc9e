package local

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
	"github.com/secretary-sh/secretary/backend/rotation/schedule"
)

// The store runs rotations itself: the rotation functions named by
// RotationLambdaARN run in this process through the rotation engine, which
// calls the store's own operations (each a short transaction of its own).
// No SQLite transaction is held while a function talks to a database, so a
// slow server never blocks the store's other users.
var (
	_ backend.Rotator         = (*Store)(nil)
	_ backend.ProgressRotator = (*Store)(nil)
)

// Audit operation names for what a rotation does besides the API calls its
// function makes. RotationSucceeded and RotationFailed are the names
// CloudTrail uses for the same events on AWS.
const (
	auditRotationStep      = "RotationStep:" // + the step name
	auditRotationSucceeded = "RotationSucceeded"
	auditRotationFailed    = "RotationFailed"
)

// registry returns the configured rotation functions; without a
// configuration only "password" is known, which needs no driver and runs
// no program.
func (s *Store) registry() *rotation.Registry {
	if s.opts.Rotation != nil {
		return s.opts.Rotation
	}
	r := rotation.NewRegistry()
	rotation.RegisterBuiltins(r, nil)
	return r
}

// RotationFunctions lists the rotation function names RotateSecret accepts
// as RotationLambdaARN.
func (s *Store) RotationFunctions() []string { return s.registry().Names() }

// RotateSecret configures rotation and, unless RotateImmediately is false,
// rotates now, as Secrets Manager does.
func (s *Store) RotateSecret(ctx context.Context, in *backend.RotateSecretInput) (*backend.RotateSecretOutput, error) {
	return s.RotateSecretProgress(ctx, in, nil)
}

// rotationConfig is what RotateSecret saved and the engine runs.
type rotationConfig struct {
	arn, name, function, token string
}

// RotateSecretProgress is RotateSecret telling progress about each step.
//
// It saves the configuration (RotationLambdaARN, RotationRules,
// RotationEnabled, NextRotationDate) in one transaction, refusing the call as
// AWS does when another rotation is unfinished, then runs the four steps
// with ClientRequestToken (a new UUID when empty) as the pending version id.
// With RotateImmediately false only testSecret runs, on a copy of the
// AWSCURRENT value. A step that fails stops the rotation: AWSCURRENT stays
// where it was, the AWSPENDING version stays visible, and the error names the
// step (it wraps a *rotation.StepError). Rerunning with the same token, or
// with none once the rotation is resumed by rotate-due, continues it.
func (s *Store) RotateSecretProgress(ctx context.Context, in *backend.RotateSecretInput, progress func(backend.RotationProgress)) (*backend.RotateSecretOutput, error) {
	if in == nil {
		return nil, backend.Errorf(backend.CodeInvalidParameter, "RotateSecret needs a SecretId.")
	}
	cfg, err := s.configureRotation(ctx, in)
	if err != nil {
		return nil, err
	}
	out := &backend.RotateSecretOutput{ARN: cfg.arn, Name: cfg.name, VersionID: cfg.token}
	defer s.releaseRotation(ctx, cfg)
	defer s.heartbeat(ctx, cfg, leaseHeartbeat)()
	eng := s.engine(progress)
	immediately := in.RotateImmediately == nil || *in.RotateImmediately
	if !immediately {
		if _, err := eng.Test(ctx, cfg.arn, cfg.function, cfg.token); err != nil {
			return nil, s.rotationFailed(ctx, cfg, err)
		}
		return out, nil
	}
	if _, err := eng.Rotate(ctx, cfg.arn, cfg.function, cfg.token); err != nil {
		return nil, s.rotationFailed(ctx, cfg, err)
	}
	if err := s.rotationSucceeded(ctx, cfg); err != nil {
		return nil, err
	}
	return out, nil
}

// engine builds the rotation engine over this store. Its audit hook
// records each step's outcome (the exception name, never a message or a
// value) in a transaction of its own.
func (s *Store) engine(progress func(backend.RotationProgress)) *rotation.Engine {
	e := &rotation.Engine{
		Backend:   s,
		Functions: s.registry(),
		Now:       s.opts.Now,
		Audit: func(ctx context.Context, ev rotation.Event) error {
			var stepErr error
			if ev.Phase == rotation.Failed {
				stepErr = &backend.Error{Code: stepCode(ev.Err)}
			}
			return s.run(ctx, true, func(t *txn) error {
				return t.audit(auditRotationStep+ev.Step, ev.SecretID, ev.Token, stepErr)
			})
		},
	}
	if progress != nil {
		e.Progress = func(ev rotation.Event) {
			p := backend.RotationProgress{SecretID: ev.SecretID, VersionID: ev.Token, Step: ev.Step, Err: ev.Err, Time: ev.Time}
			switch ev.Phase {
			case rotation.Started:
				p.Phase = backend.RotationStarted
			case rotation.Finished:
				p.Phase = backend.RotationFinished
			case rotation.Failed:
				p.Phase = backend.RotationFailed
			}
			progress(p)
		}
	}
	return e
}

// configureRotation validates the request and saves the rotation settings.
// It refuses, before changing anything, a request that would start a
// rotation while another one is unfinished.
func (s *Store) configureRotation(ctx context.Context, in *backend.RotateSecretInput) (*rotationConfig, error) {
	if err := backend.ValidateRotateSecret(in); err != nil {
		return nil, err
	}
	var sched *schedule.Schedule
	if in.RotationRules != nil {
		var err error
		if sched, err = schedule.Parse(*in.RotationRules); err != nil {
			return nil, err
		}
	}
	cfg := &rotationConfig{token: in.ClientRequestToken}
	if cfg.token == "" {
		cfg.token = uuid.NewString()
	}
	reg := s.registry()
	err := s.run(ctx, true, func(t *txn) error {
		return t.op("RotateSecret", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			sec, err := t.findLive(in.SecretID)
			if err != nil {
				return arnOf(sec), "", err
			}
			cfg.arn, cfg.name = sec.arn, sec.name
			cfg.function = in.RotationLambdaARN
			if cfg.function == "" {
				cfg.function = sec.rotFunction
			}
			if cfg.function == "" {
				return sec.arn, "", backend.NoRotationFunctionError()
			}
			if _, err := reg.Lookup(cfg.function); err != nil {
				return sec.arn, "", err
			}
			rules := in.RotationRules
			if rules == nil && sec.rotRules != "" {
				var saved backend.RotationRules
				if err := json.Unmarshal([]byte(sec.rotRules), &saved); err != nil {
					return sec.arn, "", fmt.Errorf("%w: rotation rules of %s: %w", ErrCorrupt, sec.name, err)
				}
				rules = &saved
				if sched, err = schedule.Parse(saved); err != nil {
					return sec.arn, "", err
				}
			}
			labels, err := t.labels(sec.id)
			if err != nil {
				return sec.arn, "", err
			}
			cur, pend := labels[backend.StageCurrent], labels[backend.StagePending]
			if pend != "" && pend != cur && pend != cfg.token {
				return sec.arn, "", backend.RotationInProgressError()
			}
			if err := t.claimRotation(sec.arn, cfg.token); err != nil {
				return sec.arn, "", err
			}
			rulesJSON := ""
			var next sql.NullInt64
			if rules != nil {
				b, err := json.Marshal(rules)
				if err != nil {
					return sec.arn, "", err
				}
				rulesJSON = string(b)
				// The schedule counts from the last rotation, or from
				// now for a secret that never rotated.
				from := t.now
				if sec.lastRotated.Valid {
					from = nsTime(sec.lastRotated.Int64)
				}
				next = sql.NullInt64{Int64: sched.Next(from).UnixNano(), Valid: true}
			}
			_, err = t.exec(`UPDATE secrets SET rotation_enabled = 1, rotation_function = ?, rotation_rules = ?, next_rotation = ? WHERE id = ?`,
				cfg.function, rulesJSON, next, sec.id)
			if err != nil {
				return sec.arn, "", internal(err)
			}
			return sec.arn, cfg.token, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// rotationSucceeded sets LastRotatedDate and the next rotation date from it.
func (s *Store) rotationSucceeded(ctx context.Context, cfg *rotationConfig) error {
	// The rotation happened; recording it must not be lost to a caller
	// that gives up now.
	ctx = context.WithoutCancel(ctx)
	return s.run(ctx, true, func(t *txn) error {
		return t.op(auditRotationSucceeded, func() (string, string, error) {
			sec, err := t.find(cfg.arn)
			if err != nil {
				return cfg.arn, cfg.token, err
			}
			var next sql.NullInt64
			if sec.rotEnabled && sec.rotRules != "" {
				var rules backend.RotationRules
				if err := json.Unmarshal([]byte(sec.rotRules), &rules); err == nil {
					if sched, err := schedule.Parse(rules); err == nil {
						next = sql.NullInt64{Int64: sched.Next(t.now).UnixNano(), Valid: true}
					}
				}
			}
			_, err = t.exec(`UPDATE secrets SET last_rotated = ?, next_rotation = ? WHERE id = ?`, t.now.UnixNano(), next, sec.id)
			return sec.arn, cfg.token, internal(err)
		})
	})
}

// rotationFailed records the failure and returns an error an operator can
// act on: the exception name of the cause (InvalidRequestException when the
// cause has none, as for a database refusing a login), the step, and what
// state the secret is left in. It still wraps the *rotation.StepError.
func (s *Store) rotationFailed(ctx context.Context, cfg *rotationConfig, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		_ = s.run(context.WithoutCancel(ctx), true, func(t *txn) error {
			return t.audit(auditRotationFailed, cfg.arn, cfg.token, err)
		})
		return err
	}
	var stepErr *rotation.StepError
	if !errors.As(err, &stepErr) {
		// Refused before any step ran (the start rule, a deleted secret):
		// nothing changed, so the error stands as it is.
		return err
	}
	code := stepCode(stepErr.Err)
	after := fmt.Sprintf("AWSCURRENT is unchanged; the new version %s stays AWSPENDING until the rotation is retried with that ClientRequestToken or the label is removed", cfg.token)
	if stepErr.Step == rotation.StepCreate {
		after = "AWSCURRENT is unchanged"
	}
	out := &rotationError{
		be:   backend.Errorf(code, "Rotation step %s failed: %s. %s.", stepErr.Step, backend.Message(stepErr.Err), after),
		step: stepErr,
	}
	if aerr := s.run(context.WithoutCancel(ctx), true, func(t *txn) error {
		return t.audit(auditRotationFailed, cfg.arn, cfg.token, out)
	}); aerr != nil {
		return errors.Join(out, aerr)
	}
	return out
}

// stepCode is the exception name a failed step is reported with: its
// cause's, or InvalidRequestException for causes without one (a database
// refusing a login, a program exiting non-zero). That is a client error, so
// SDK clients of a served store do not retry it as they retry server errors.
func stepCode(err error) string {
	if code := backend.Code(err); code != "" {
		return code
	}
	return backend.CodeInvalidRequest
}

// rotationError is a failed rotation: an AWS error for the operator and the
// step error for code that wants the step.
type rotationError struct {
	be   *backend.Error
	step *rotation.StepError
}

func (e *rotationError) Error() string   { return e.be.Error() }
func (e *rotationError) Unwrap() []error { return []error{e.be, e.step} }

// CancelRotateSecret turns automatic rotation off. The rotation function and
// rules stay, so RotateSecret can turn it on again; an unfinished rotation's
// AWSPENDING version stays until an operator removes the label, and its id
// is returned, as Secrets Manager returns it.
func (s *Store) CancelRotateSecret(ctx context.Context, secretID string) (*backend.RotateSecretOutput, error) {
	var out *backend.RotateSecretOutput
	err := s.run(ctx, true, func(t *txn) error {
		return t.op("CancelRotateSecret", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			if err := backend.ValidateSecretID(secretID); err != nil {
				return "", "", err
			}
			sec, err := t.findLive(secretID)
			if err != nil {
				return arnOf(sec), "", err
			}
			labels, err := t.labels(sec.id)
			if err != nil {
				return sec.arn, "", err
			}
			out = &backend.RotateSecretOutput{ARN: sec.arn, Name: sec.name}
			if pend := labels[backend.StagePending]; pend != "" && pend != labels[backend.StageCurrent] {
				out.VersionID = pend
			}
			if _, err := t.exec(`UPDATE secrets SET rotation_enabled = 0, next_rotation = NULL WHERE id = ?`, sec.id); err != nil {
				return sec.arn, "", internal(err)
			}
			return sec.arn, out.VersionID, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// A rotation's claim is a lease its process keeps alive: it rewrites the
// claim's heartbeat every leaseHeartbeat while the steps run. Another
// caller may take the claim over at once when the holder is gone — a
// process id on this host that no longer exists, or a heartbeat older than
// leaseStale (a holder on another host, or one whose process id was
// reused) — so a rotation killed mid-way is resumed by rerunning it with
// its token, as Secrets Manager reattempts it, instead of being blocked.
const (
	leaseHeartbeat = 10 * time.Second
	leaseStale     = time.Minute
)

// claimKey is the meta row that says a rotation of arn is running.
func claimKey(arn string) string { return "rotating:" + arn }

// rotationClaim is a claim row's value: "TOKEN HOST PID HEARTBEAT-NS".
type rotationClaim struct {
	token, host string
	pid         int
	beat        int64
}

func (c rotationClaim) String() string {
	return c.token + " " + c.host + " " + strconv.Itoa(c.pid) + " " + strconv.FormatInt(c.beat, 10)
}

func parseClaim(v string) (rotationClaim, bool) {
	f := strings.Fields(v)
	if len(f) != 4 {
		return rotationClaim{}, false
	}
	pid, err1 := strconv.Atoi(f[2])
	beat, err2 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil {
		return rotationClaim{}, false
	}
	return rotationClaim{token: f[0], host: f[1], pid: pid, beat: beat}, true
}

// thisHost names this machine in claims; spaces would break the format.
func thisHost() string {
	h, _ := os.Hostname()
	if h == "" {
		return "localhost"
	}
	return strings.ReplaceAll(h, " ", "_")
}

// holderGone reports whether the process holding c can no longer be
// running the rotation. A claim in a format this code does not write is
// from a release that can no longer open the file, so it is gone too.
func holderGone(c rotationClaim, ok bool, now time.Time) bool {
	if !ok {
		return true
	}
	if c.host == thisHost() && processGone(c.pid) {
		return true
	}
	return now.UnixNano()-c.beat > int64(leaseStale)
}

// claimRotation records, in the transaction that checks the start rule,
// that this process is running the rotation with token. The start rule
// alone cannot stop two processes (serve's scheduler and a timer's
// rotate-due) that both see no AWSPENDING from starting two rotations
// whose steps would interleave and leave a database password no version
// holds; the claim makes the check and the start one step. A live claim is
// refused even for the same token, since two runs of one rotation at once
// would also interleave; a claim whose holder is gone is taken over.
func (t *txn) claimRotation(arn, token string) error {
	var held string
	err := t.queryRow(`SELECT value FROM meta WHERE key = ?`, claimKey(arn)).Scan(&held)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return internal(err)
	}
	if err == nil {
		c, ok := parseClaim(held)
		if !holderGone(c, ok, t.now) {
			return backend.RotationInProgressError()
		}
	}
	value := rotationClaim{token: token, host: thisHost(), pid: os.Getpid(), beat: t.now.UnixNano()}.String()
	_, err = t.exec(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, claimKey(arn), value)
	return internal(err)
}

// ownClaimPrefix is how this process's claim on a rotation with token
// starts: renewing and releasing touch only that one, never a claim
// another process took over.
func ownClaimPrefix(token string) string {
	return token + " " + thisHost() + " " + strconv.Itoa(os.Getpid()) + " "
}

// heartbeat keeps this process's claim on cfg's rotation fresh, every
// interval, until the returned function is called.
func (s *Store) heartbeat(ctx context.Context, cfg *rotationConfig, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	mine := ownClaimPrefix(cfg.token)
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			// Only a claim still ours is renewed; a failed beat is
			// retried on the next tick, and a missed one only lets
			// another caller take over after leaseStale.
			_ = s.run(ctx, true, func(t *txn) error {
				_, err := t.exec(`UPDATE meta SET value = ?1 WHERE key = ?2 AND substr(value, 1, length(?3)) = ?3`,
					mine+strconv.FormatInt(t.now.UnixNano(), 10), claimKey(cfg.arn), mine)
				return internal(err)
			})
		}
	}()
	return func() { cancel(); <-done }
}

// releaseRotation drops the claim once the rotation ended, however it ended.
func (s *Store) releaseRotation(ctx context.Context, cfg *rotationConfig) {
	_ = s.run(context.WithoutCancel(ctx), true, func(t *txn) error {
		_, err := t.exec(`DELETE FROM meta WHERE key = ?1 AND substr(value, 1, length(?2)) = ?2`, claimKey(cfg.arn), ownClaimPrefix(cfg.token))
		return internal(err)
	})
}
