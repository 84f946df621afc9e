package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/secretary-sh/secretary/backend/local"
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
	return &command{name: "audit", usage: "verify",
		summary: "Verify the local store's audit log (exit 1 and the first bad record if it was altered).",
		details: `verify walks the whole hash chain of the audit log: every record must follow
the one before it, link to its hash and match its own. It says the chain is
intact and exits 0, or names the first record that is missing, altered or
unlinked and exits 1. Records removed from the end of the log
cannot be told from records never written; keep an exported copy for that.
The store is unlocked as usual.`,
		maxPos: 1, run: runAudit}
}

func runAudit(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("audit verify checks the local store's audit log; it has no meaning with --backend %s", a.cfg.Backend)
	}
	if len(args.pos) == 0 {
		return usagef("audit needs an action: verify")
	}
	if _, err := parseAction("audit", args, []actionSpec{{name: "verify"}}); err != nil {
		return err
	}
	s, err := a.openLocal(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
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
