package local

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
	"github.com/secretary-sh/secretary/backend/rotation/schedule"
)

// Outcomes of a scheduled rotation, as RotateDue reports them.
const (
	// DueRotate: the rotation window is open (with DryRun: would rotate).
	DueRotate = "rotate"
	// DueResume: an earlier rotation is unfinished and is reattempted
	// with its own token, as Secrets Manager reattempts it.
	DueResume = "resume"
	// DueMissedWindow: the secret's explicit Duration window passed while
	// nothing ran; it waits for the next window (NextRotationDate).
	DueMissedWindow = "missed-window"
	// DueBusy: another caller (another process's scheduler, an operator)
	// started this rotation first; it was left to them.
	DueBusy = "in-progress"
)

// DueRotation is one secret the scheduler acts on, and how it went.
type DueRotation struct {
	ARN      string
	Name     string
	Function string
	// Action is DueRotate, DueResume or DueMissedWindow.
	Action string
	// ScheduledDate is when the window opened (NextRotationDate before
	// the run); zero for DueResume without a schedule.
	ScheduledDate time.Time
	// VersionID is the version the rotation made AWSCURRENT, or the
	// pending version a failed rotation left behind.
	VersionID string
	// NextRotationDate is the secret's next window after the run.
	NextRotationDate time.Time
	// Err is why the rotation failed; it never holds a secret value.
	Err error
}

// RotateDueOptions tune RotateDue.
type RotateDueOptions struct {
	// DryRun lists what is due without rotating or changing anything.
	DryRun bool
	// Progress, when set, is told about each step of each rotation.
	Progress func(backend.RotationProgress)
	// Skip, when set, leaves out the secrets (by ARN) it returns true for.
	Skip func(arn string) bool
}

// dueRow is what the scheduler reads about a secret with rotation on.
type dueRow struct {
	arn, name, function, rules string
	next                       sql.NullInt64
	stages                     []byte
}

// RotateDue rotates every secret whose rotation window has opened and
// reattempts every unfinished rotation, one secret after the other, and
// reports each. Secrets without rotation turned on, and those without
// rules (rotated only on demand), are left alone. A failed rotation is
// reported in its DueRotation; the returned error is for failures to read
// the store at all.
func (s *Store) RotateDue(ctx context.Context, opts RotateDueOptions) ([]DueRotation, error) {
	plan, err := s.dueRotations(ctx)
	if err != nil {
		return nil, err
	}
	if opts.Skip != nil {
		kept := plan[:0]
		for _, d := range plan {
			if !opts.Skip(d.ARN) {
				kept = append(kept, d)
			}
		}
		plan = kept
	}
	for i := range plan {
		d := &plan[i]
		if err := ctx.Err(); err != nil {
			return plan[:i], err
		}
		if opts.DryRun {
			continue
		}
		switch d.Action {
		case DueMissedWindow:
			d.Err = s.reschedule(ctx, d.ARN, d.NextRotationDate)
		case DueRotate, DueResume:
			if d.Action == DueRotate {
				// Chosen here so that a failure can name the version
				// it left AWSPENDING.
				d.VersionID = uuid.NewString()
			}
			in := &backend.RotateSecretInput{SecretID: d.ARN, ClientRequestToken: d.VersionID}
			out, err := s.RotateSecretProgress(ctx, in, opts.Progress)
			if err != nil && errors.Is(err, backend.RotationInProgressError()) {
				// The plan saw no other rotation running, so one started
				// since: whoever started it finishes it.
				d.Action, d.VersionID = DueBusy, ""
				continue
			}
			if err != nil {
				d.Err = err
				var stepErr *rotation.StepError
				if d.Action == DueRotate && (!errors.As(err, &stepErr) || stepErr.Step == rotation.StepCreate) {
					d.VersionID = "" // no pending version was left behind
				}
				continue
			}
			d.VersionID = out.VersionID
			if meta, err := s.DescribeSecret(ctx, d.ARN); err == nil {
				d.NextRotationDate = meta.NextRotationDate
			}
		}
	}
	return plan, nil
}

// dueRotations lists what the scheduler would do now, oldest window first.
func (s *Store) dueRotations(ctx context.Context) ([]DueRotation, error) {
	var rows []dueRow
	var now time.Time
	err := s.run(ctx, false, func(t *txn) error {
		now = t.now
		return t.readOp("ListDueRotations", func() (string, string, error) {
			r, err := t.query(`SELECT arn, name, rotation_function, rotation_rules, next_rotation, stages_json
				FROM secrets WHERE rotation_enabled = 1 AND deleted IS NULL`)
			if err != nil {
				return "", "", internal(err)
			}
			defer r.Close()
			for r.Next() {
				var d dueRow
				if err := r.Scan(&d.arn, &d.name, &d.function, &d.rules, &d.next, &d.stages); err != nil {
					return "", "", internal(err)
				}
				rows = append(rows, d)
			}
			return "", "", internal(r.Err())
		})
	})
	if err != nil {
		return nil, err
	}
	var plan []DueRotation
	for _, r := range rows {
		d := DueRotation{ARN: r.arn, Name: r.name, Function: r.function, NextRotationDate: nullTime(r.next)}
		stages, err := decodeStages(r.stages)
		if err != nil {
			return nil, fmt.Errorf("%w: labels of %s: %w", ErrCorrupt, r.name, err)
		}
		var cur, pend string
		for v, labels := range stages {
			for _, l := range labels {
				switch l {
				case backend.StageCurrent:
					cur = v
				case backend.StagePending:
					pend = v
				}
			}
		}
		if pend != "" && pend != cur {
			d.Action, d.VersionID, d.ScheduledDate = DueResume, pend, d.NextRotationDate
			plan = append(plan, d)
			continue
		}
		if r.rules == "" || !r.next.Valid {
			continue
		}
		var rules backend.RotationRules
		if err := json.Unmarshal([]byte(r.rules), &rules); err != nil {
			return nil, fmt.Errorf("%w: rotation rules of %s: %w", ErrCorrupt, r.name, err)
		}
		sched, err := schedule.Parse(rules)
		if err != nil {
			// Saved rules were valid when saved; a stricter parser must
			// not stop every other secret's rotation.
			d.Action, d.Err = DueRotate, err
			plan = append(plan, d)
			continue
		}
		due, open := sched.Decide(d.NextRotationDate, now)
		switch {
		case due:
			d.Action, d.ScheduledDate = DueRotate, d.NextRotationDate
		case !open.Equal(d.NextRotationDate):
			d.Action, d.ScheduledDate, d.NextRotationDate = DueMissedWindow, d.NextRotationDate, open
		default:
			continue
		}
		plan = append(plan, d)
	}
	sort.SliceStable(plan, func(i, j int) bool {
		if !plan[i].ScheduledDate.Equal(plan[j].ScheduledDate) {
			return plan[i].ScheduledDate.Before(plan[j].ScheduledDate)
		}
		return plan[i].Name < plan[j].Name
	})
	return plan, nil
}

// reschedule moves NextRotationDate to the next window after a missed one.
func (s *Store) reschedule(ctx context.Context, arn string, next time.Time) error {
	return s.run(ctx, true, func(t *txn) error {
		return t.op("RescheduleRotation", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return arn, "", err
			}
			_, err := t.exec(`UPDATE secrets SET next_rotation = ? WHERE arn = ? AND rotation_enabled = 1`, next.UnixNano(), arn)
			return arn, "", internal(err)
		})
	})
}

// maxRetryDelay caps how long the scheduler waits before retrying a
// secret whose rotation keeps failing.
const maxRetryDelay = time.Hour

// RunRotationScheduler runs RotateDue now and then every interval until ctx
// ends, as `secretary serve` does in the background. report, when set, is
// told about every secret acted on; a failure to read the store is
// reported as a DueRotation with only Err set, and the scheduler carries
// on. A secret whose rotation failed is retried after twice the interval,
// then four times, and so on up to an hour, so a database that refuses
// every login is not hammered every minute. An interval of zero or less
// disables the scheduler: it returns at once. It returns nil when ctx ends.
func (s *Store) RunRotationScheduler(ctx context.Context, interval time.Duration, report func(DueRotation)) error {
	if interval <= 0 {
		return nil
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	type backoff struct {
		failures int
		until    time.Time
	}
	retry := map[string]*backoff{}
	skip := func(arn string) bool {
		b := retry[arn]
		return b != nil && s.opts.Now().Before(b.until)
	}
	for {
		results, err := s.RotateDue(ctx, RotateDueOptions{Skip: skip})
		for _, r := range results {
			switch {
			case r.Err != nil:
				b := retry[r.ARN]
				if b == nil {
					b = &backoff{}
					retry[r.ARN] = b
				}
				b.failures++
				delay := maxRetryDelay
				if b.failures < 12 {
					delay = min(interval<<b.failures, maxRetryDelay)
				}
				b.until = s.opts.Now().Add(delay)
			case r.Action != DueBusy:
				delete(retry, r.ARN)
			}
		}
		if report != nil {
			for _, r := range results {
				report(r)
			}
			if err != nil && ctx.Err() == nil {
				report(DueRotation{Err: err})
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
