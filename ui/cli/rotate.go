package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/rotation"
	"github.com/secretary-sh/secretary/backend/rotation/builtin"
)

// rotateDueCommand is `secretary rotate-due`, for cron or a systemd timer
// (backend/rotation/examples has a unit pair).
func rotateDueCommand() *command {
	return &command{name: "rotate-due", op: "RotateSecret", usage: "[--dry-run]",
		summary: "Rotate every secret whose rotation window has opened (for cron or a systemd timer).",
		details: `
Rotates, one after the other, every secret of the local store with rotation
turned on whose NextRotationDate has come, and reattempts every rotation a
failure or a crash left unfinished (its AWSPENDING version). A secret whose
explicit Duration window passed while nothing ran waits for its next window.
Prints one JSON object per line for each secret acted on, with Outcome
rotated, resumed, failed, rescheduled, in-progress (another process got to
it first) or, with --dry-run, due or missed-window; exits 254 if any
rotation failed. exec: rotators run only from the directories named by
--rotation-exec-dir. Each run also applies the audit log's retention
policy (see secretary audit retention); a prune is audited, not printed.`,
		params: []param{{name: "dry-run", kind: kBool, help: "list what is due without rotating"}},
		run:    runRotateDue}
}

func runRotateDue(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("rotate-due rotates the local store's secrets; AWS Secrets Manager runs its own rotation schedule")
	}
	s, err := a.openLocal(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	dry := args.bools["dry-run"]
	results, err := s.RotateDue(ctx, local.RotateDueOptions{DryRun: dry})
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
		if werr := writeJSONLine(a.stdout, dueJSON(r, dry)); werr != nil {
			return werr
		}
	}
	if err != nil {
		return err
	}
	if !dry && !a.cfg.ReadOnly {
		// A timer runs rotate-due on every store that rotates: the audit
		// log's retention is applied with it, so the log stays bounded.
		// Quietly, as cron wants: the prune is on the audit record itself.
		if _, perr := s.PruneByPolicy(ctx); perr != nil {
			return perr
		}
	}
	if failed > 0 {
		fmt.Fprintf(a.stderr, "\nsecretary: %d of %d rotations failed\n", failed, len(results))
		return &exitCodeError{code: exitService}
	}
	return nil
}

// dueJSON is one rotate-due line: what was due, what happened, and the
// error by exception name and message (never a value).
func dueJSON(r local.DueRotation, dry bool) object {
	outcome := map[string]string{local.DueRotate: "rotated", local.DueResume: "resumed", local.DueMissedWindow: "rescheduled",
		local.DueBusy: "in-progress"}[r.Action]
	switch {
	case r.Err != nil:
		outcome = "failed"
	case dry:
		outcome = "due"
		if r.Action == local.DueMissedWindow {
			outcome = "missed-window"
		}
	}
	o := object{}.add("ARN", r.ARN).add("Name", r.Name).add("RotationLambdaARN", r.Function).
		addAlways("Outcome", outcome).add("VersionId", r.VersionID).
		add("ScheduledDate", r.ScheduledDate).add("NextRotationDate", r.NextRotationDate)
	if r.Err != nil {
		code := backend.Code(r.Err)
		if code == "" {
			code = backend.CodeInternalServiceError
		}
		o = o.add("Error", object{}.add("Code", code).add("Message", backend.Message(r.Err)))
	}
	return o
}

// writeJSONLine writes v on one line, escaped as writeJSON escapes it, so
// a log collector gets one record per secret.
func writeJSONLine(w interface{ Write([]byte) (int, error) }, v any) error {
	var buf, line bytes.Buffer
	encodeValue(&buf, v, 0)
	if err := json.Compact(&line, buf.Bytes()); err != nil {
		return err
	}
	line.WriteByte('\n')
	_, err := w.Write(line.Bytes())
	return err
}

// rotationRegistry is the set of rotation functions the local store
// accepts: the built-in ones, and exec: only from --rotation-exec-dir.
func (a *app) rotationRegistry() *rotation.Registry {
	r := builtin.Registry(a.cfg.RotationExecDirs)
	if a.cfg.DebugRotation {
		r.ShowExecOutput(a.stderr)
	}
	return r
}

// parseExecDirs splits --rotation-exec-dir (a list separated like PATH)
// into absolute directories.
func parseExecDirs(v string) ([]string, error) {
	var dirs []string
	for _, d := range filepath.SplitList(v) {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if !filepath.IsAbs(d) {
			return nil, usagef("argument --rotation-exec-dir: %q is not an absolute path", d)
		}
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			return nil, usagef("argument --rotation-exec-dir: %q is not a directory", d)
		}
		dirs = append(dirs, d)
	}
	return dirs, nil
}

// defaultRotationInterval is how often `serve` looks for due rotations:
// windows open on the hour, so a minute is prompt without being busy.
const defaultRotationInterval = time.Minute

// rotationInterval reads serve's --rotation-interval.
func rotationInterval(args *args) (time.Duration, error) {
	v, ok := args.strs["rotation-interval"]
	if !ok {
		return defaultRotationInterval, nil
	}
	if v == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, usagef("argument --rotation-interval: invalid duration %q (for example 1m or 30s; 0 turns rotation off)", v)
	}
	return d, nil
}

// logRotation logs one scheduled rotation as serve logs requests: names,
// outcome and exception name, never a value.
func logRotation(l *slog.Logger, r local.DueRotation) {
	if r.ARN == "" && r.Err != nil {
		l.Error("rotation scheduler", "error", r.Err.Error())
		return
	}
	attrs := []any{"secret", r.Name, "function", r.Function}
	for _, f := range dueJSON(r, false) {
		switch f.key {
		case "Outcome":
			attrs = append(attrs, "outcome", f.val)
		case "VersionId":
			attrs = append(attrs, "version", f.val)
		}
	}
	if !r.NextRotationDate.IsZero() {
		attrs = append(attrs, "next", r.NextRotationDate.UTC().Format(time.RFC3339))
	}
	if r.Err != nil {
		code := backend.Code(r.Err)
		if code == "" {
			code = backend.CodeInternalServiceError
		}
		l.Error("rotation", append(attrs, "error", code, "message", backend.Message(r.Err))...)
		return
	}
	l.Info("rotation", attrs...)
}
