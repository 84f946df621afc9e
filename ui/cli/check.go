package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// keyFileProblem says why a key file is not private, as ssh refuses a
// private key others can read, or "" when it is. Windows has no such modes.
func keyFileProblem(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		return fmt.Sprintf("key file %s is a directory", path), nil
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Sprintf("key file %s has mode %04o: others can read it and unlock the store (chmod 600 %s)", path, fi.Mode().Perm(), path), nil
	}
	return "", nil
}

func checkCommand() *command {
	return &command{name: "check",
		summary: "Check that the local store and its key file are private (exit 1 if not).",
		details: `Looks at the files without unlocking the store: the store, its -wal and -shm
files and its directory must be readable by you alone (0600 and 0700), as
must the key file (--key-file or ` + envKeyFile + `), which should also not sit
in the store's directory, where one copy takes both. Prints one line per
check, "ok" or "problem", and exits 0 when all pass, 1 otherwise.
To check the audit log's chain, use ` + "`secretary audit verify`" + `.`,
		run: runCheck}
}

func runCheck(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("check looks at the local store's files; it has no meaning with --backend %s", a.cfg.Backend)
	}
	path, err := a.storePath()
	if err != nil {
		return err
	}
	problems := 0
	report := func(ok bool, msg string) {
		word := "ok     "
		if !ok {
			word = "problem"
			problems++
		}
		fmt.Fprintf(a.stdout, "%s  %s\n", word, msg)
	}
	private := func(p string, want fs.FileMode, what string, optional bool) {
		fi, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist) && optional:
			return
		case err != nil:
			report(false, fmt.Sprintf("%s %s: %v", what, p, err))
		case runtime.GOOS == "windows":
			report(true, fmt.Sprintf("%s %s exists (modes are not checked on Windows)", what, p))
		case fi.Mode().Perm()&^want != 0:
			report(false, fmt.Sprintf("%s %s has mode %04o; want %04o (chmod %o %s)", what, p, fi.Mode().Perm(), want, want, p))
		default:
			report(true, fmt.Sprintf("%s %s has mode %04o", what, p, fi.Mode().Perm()))
		}
	}
	private(path, 0o600, "store", false)
	private(path+"-wal", 0o600, "store journal", true)
	private(path+"-shm", 0o600, "store shared memory", true)
	private(filepath.Dir(path), 0o700, "store directory", false)
	if kf := a.keyFile(); kf != "" {
		problem, err := keyFileProblem(kf)
		switch {
		case err != nil:
			report(false, fmt.Sprintf("key file %s: %v", kf, err))
		case problem != "":
			report(false, problem)
		default:
			report(true, fmt.Sprintf("key file %s is readable by you alone", kf))
		}
		if err == nil && sameDir(kf, path) {
			report(false, fmt.Sprintf("key file %s is in the store's directory: whoever copies the directory can unlock the store", kf))
		}
	}
	if problems > 0 {
		return &exitCodeError{code: 1}
	}
	return nil
}

func sameDir(a, b string) bool {
	da, err1 := filepath.Abs(filepath.Dir(a))
	db, err2 := filepath.Abs(filepath.Dir(b))
	return err1 == nil && err2 == nil && da == db
}

func auditCommand() *command {
	return &command{name: "audit", usage: "verify | export [--since T] [--until T] [--to FILE] | prune [--export-to DIR] | retention [--max-age-days N] [--max-records N] [--archive-dir DIR]",
		summary: "Verify, export and prune the local store's audit log, and set how long it is kept.",
		details: `verify walks the whole hash chain of the audit log: every record must follow
the one before it, link to its hash and match its own (after a prune, the
first record kept must link to the checkpoint the prune left, which only the
store's key can write). It says the chain is intact and exits 0, or names the
first record that is missing, altered or unlinked and exits 1. Records removed
from the end of the log cannot be told from records never written; keep an
exported copy for that.

export writes records as JSON Lines in CloudTrail's event shape (eventTime,
eventName, userIdentity, requestParameters.secretId, errorCode …, with the
chain's seq and hashes under additionalEventData), oldest first, from --since
to --until (RFC 3339 dates or times; default: everything), to stdout or --to.

retention shows or sets the policy: records older than --max-age-days (default
90, as CloudTrail's event history; 0 keeps them) or beyond the newest
--max-records (default 0: no limit) are removed; with --archive-dir they are
first written there as audit-FIRST-LAST.jsonl (mode 0600, synced).
secretary serve applies the policy at start and every hour, rotate-due at each
run; prune applies it now (--export-to DIR archives the removed records there
first, whatever the policy says).`,
		params: []param{{name: "since", kind: kString, help: "export records from this time on (RFC 3339)"},
			{name: "until", kind: kString, help: "export records before this time (RFC 3339)"},
			{name: "to", kind: kString, help: "export to this file (mode 0600) instead of stdout"},
			{name: "export-to", kind: kString, help: "prune: archive the removed records in this directory first"},
			{name: "max-age-days", kind: kInt, help: "retention: keep records this many days (0: any age)"},
			{name: "max-records", kind: kInt, help: "retention: keep at most this many records (0: no limit)"},
			{name: "archive-dir", kind: kString, help: "retention: archive records here before they are removed (\"\" stops archiving)"}},
		maxPos: 1, run: runAudit}
}

func runAudit(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("audit works on the local store's audit log; it has no meaning with --backend %s", a.cfg.Backend)
	}
	verb, err := parseAction("audit", args, []actionSpec{{name: "verify"},
		{name: "export", allowed: []string{"since", "until", "to"}},
		{name: "prune", allowed: []string{"export-to"}},
		{name: "retention", allowed: []string{"max-age-days", "max-records", "archive-dir"}}})
	if err != nil {
		return err
	}
	var since, until time.Time
	for name, dst := range map[string]*time.Time{"since": &since, "until": &until} {
		if v, ok := args.strs[name]; ok {
			t, err := parseAuditTime(v)
			if err != nil {
				return usagef("argument --%s: %v", name, err)
			}
			*dst = t
		}
	}
	for _, name := range []string{"max-age-days", "max-records"} {
		if v, ok := args.ints[name]; ok && v < 0 {
			return usagef("argument --%s: %d is negative", name, v)
		}
	}
	s, err := a.openLocal(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch verb {
	case "export":
		w := a.stdout
		if path := args.str("to"); path != "" {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return &configError{fmt.Errorf("audit export: %w", err)}
			}
			defer f.Close()
			w = f
		}
		n, err := s.ExportAudit(ctx, since, until, w)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "secretary: exported %d audit records\n", n)
		return nil
	case "prune":
		var res local.PruneResult
		if dir := args.str("export-to"); dir != "" {
			r, err := s.AuditRetention(ctx)
			if err != nil {
				return err
			}
			res, err = s.PruneAudit(ctx, r, local.ArchiveTo(dir))
			if err != nil {
				return err
			}
			res.Archive = dir
		} else if res, err = s.PruneByPolicy(ctx); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, pruneSummary(res))
		return nil
	case "retention":
		r, err := s.AuditRetention(ctx)
		if err != nil {
			return err
		}
		if args.has("max-age-days") || args.has("max-records") || args.has("archive-dir") {
			if v, ok := args.ints["max-age-days"]; ok {
				r.MaxAge = time.Duration(v) * 24 * time.Hour
			}
			if v, ok := args.ints["max-records"]; ok {
				r.MaxRecords = int64(v)
			}
			if v, ok := args.strs["archive-dir"]; ok {
				r.ArchiveDir = v
			}
			if err := s.SetAuditRetention(ctx, r); err != nil {
				return err
			}
		}
		age := "any age"
		if r.MaxAge > 0 {
			age = fmt.Sprintf("%d days", int(r.MaxAge/(24*time.Hour)))
		}
		count := "no limit"
		if r.MaxRecords > 0 {
			count = fmt.Sprint(r.MaxRecords)
		}
		archive := "none (removed records are not kept)"
		if r.ArchiveDir != "" {
			archive = escaped.Line(r.ArchiveDir).String()
		}
		fmt.Fprintf(a.stdout, "keep records for: %s\nkeep at most:     %s records\narchive to:       %s\n", age, count, archive)
		return nil
	}
	err = s.VerifyAudit(ctx)
	var ae *local.AuditError
	if errors.As(err, &ae) {
		fmt.Fprintf(a.stderr, "audit log: record %d %s\n", ae.Seq, ae.Reason)
		return &exitCodeError{code: 1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "audit log: the chain is intact")
	return nil
}

// pruneSummary says what a prune did, in one line.
func pruneSummary(res local.PruneResult) string {
	if res.Removed == 0 {
		return "audit log: nothing is older than the retention policy keeps"
	}
	s := fmt.Sprintf("audit log: removed %d records, through record %d", res.Removed, res.Through)
	if res.Archive != "" {
		s += "; archived them first in " + escaped.Line(res.Archive).String()
	}
	return s
}

// parseAuditTime reads an RFC 3339 time or a date.
func parseAuditTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (2026-12-01) or an RFC 3339 time (2026-12-01T09:00:00Z)", v)
}
