package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/migrate"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// envBackupPassphrase seals and opens backups for automation, as
// SECRETARY_PASSPHRASE unlocks a store.
const envBackupPassphrase = "SECRETARY_BACKUP_PASSPHRASE"

// endpointParams are the --from-… and --to-… options naming one side.
func endpointParams(side string) []param {
	return []param{
		{name: side, kind: kString, help: "current (the store or AWS chosen by the global options), aws, context:NAME (a context of the configuration file), a local store path" + map[string]string{"from": ", or a backup file", "to": ""}[side]},
		{name: side + "-profile", kind: kString, help: "AWS profile (with aws)"},
		{name: side + "-region", kind: kString, help: "AWS region (with aws)"},
		{name: side + "-endpoint-url", kind: kString, help: "Secrets Manager endpoint URL (with aws)"},
		{name: side + "-key-file", kind: kString, help: "key file that unlocks the store at the path (else " + envPassphrase + " or a prompt)"},
	}
}

// copyParams are shared by migrate and backup.
func copyParams() []param {
	return []param{
		{name: "filters", kind: kList, help: "only secrets matching, as list-secrets --filters"},
		{name: "include-deprecated", kind: kBool, help: "also copy versions without labels"},
		{name: "include-planned-deletion", kind: kBool, help: "report secrets scheduled for deletion (they cannot be read, so are not copied)"},
		{name: "rate", kind: kString, help: "at most this many requests per second to each side (default: no cap)"},
		{name: "backup-key-file", kind: kString, help: "seal or open the backup with this key file (else " + envBackupPassphrase + " or a prompt)"},
	}
}

func migrateCommand() *command {
	params := append(append(endpointParams("from"), endpointParams("to")...), copyParams()...)
	params = append(params,
		param{name: "dry-run", kind: kBool, help: "print the plan; write nothing"},
		param{name: "overwrite", kind: kBool, help: "bring target secrets with another history level with the source"},
		param{name: "yes", kind: kBool, help: "write without asking"})
	return &command{name: "migrate", usage: "--from SOURCE --to TARGET [--filters F...] [--dry-run] [--include-deprecated] [--include-planned-deletion] [--overwrite] [--rate N] [--yes]",
		summary: "Copy secrets with their whole history to another store, or restore a backup.",
		details: `
Copies each selected secret: name, description, tags, KMS key (by alias;
otherwise the target's default, reported), every version under its own
version id, every staging label on the same version, deprecated versions
with --include-deprecated, rotation where the target can run the same
function, and the resource policy where both sides hold one. The target
sets CreatedDate and LastChangedDate itself: they are not preserved.

A re-run after an interruption finishes the work and writes nothing that
is already equal. A secret that exists in the target with another history
is reported and left untouched unless --overwrite. The run ends by
reading every copied secret back and comparing labels per version id and
value digests; any difference exits non-zero. Values are never printed.

SOURCE and TARGET are current, aws (with --from-profile, --from-region,
--from-endpoint-url and their --to- forms), context:NAME (a context of the
configuration file, its own settings winning over the environment), or the
path of a local store;
SOURCE may also be a backup file written by ` + "`secretary backup`" + `.
Without --yes the plan is shown and confirmed on a terminal first.`,
		params: params, run: runMigrate}
}

func backupCommand() *command {
	params := append(endpointParams("from"), copyParams()...)
	params = append(params, param{name: "to", kind: kString, required: true, help: "the backup file to write (never replaced)"})
	return &command{name: "backup", usage: "--to FILE [--from SOURCE] [--backup-key-file K] [--filters F...] [--include-deprecated]",
		summary: "Write secrets with their whole history to an encrypted backup file.",
		details: `
Writes the selected secrets (the current store or AWS by default) to FILE,
sealed with AES-256-GCM under a key derived from a passphrase (Argon2id;
asked twice on a terminal, or ` + envBackupPassphrase + `) or from
--backup-key-file. Metadata is sealed too. The file is written under a
temporary name, read back and compared with the source, and only then
put in place; an existing FILE is never replaced. Restore with
` + "`secretary migrate --from FILE --to TARGET`" + `.`,
		params: params, run: runBackup}
}

// side is one opened end of a copy.
type side struct {
	b     backend.Backend
	label string
	file  string // a backup file (source only)
}

func (s *side) close() {
	if s.b != nil {
		s.b.Close()
	}
}

// openSide opens what --from or --to names.
func (a *app) openSide(ctx context.Context, args *args, name string, allowFile bool) (*side, error) {
	spec := args.str(name)
	switch spec {
	case "", "current":
		b, err := a.openBackend(ctx)
		if err != nil {
			return nil, err
		}
		return &side{b: b, label: "the current " + b.Info().Kind + " store " + b.Info().Location}, nil
	case "aws":
		b, err := aws.New(ctx, aws.Config{Profile: args.str(name + "-profile"), Region: args.str(name + "-region"),
			EndpointURL: args.str(name + "-endpoint-url")})
		if err != nil {
			return nil, &configError{fmt.Errorf("configuring AWS for --%s: %w", name, err)}
		}
		return &side{b: b, label: "AWS " + b.Info().Location}, nil
	}
	for _, o := range []string{"-profile", "-region", "-endpoint-url"} {
		if args.has(name + o) {
			return nil, usagef("--%s%s goes with --%s aws", name, o, name)
		}
	}
	if cname, ok := strings.CutPrefix(spec, "context:"); ok {
		b, err := a.openContext(ctx, cname)
		if err != nil {
			return nil, err
		}
		return &side{b: b, label: "context " + cname + " (" + b.Info().Kind + " " + b.Info().Location + ")"}, nil
	}
	if allowFile && migrate.IsArchive(spec) {
		return &side{file: spec, label: "the backup " + spec}, nil
	}
	sub := *a
	sub.cfg.Backend, sub.cfg.Store, sub.cfg.KeyFile = "local", spec, args.str(name+"-key-file")
	s, err := sub.openLocal(ctx)
	if err != nil {
		return nil, err
	}
	return &side{b: s, label: "the local store " + spec}, nil
}

// backupKey returns the key of a backup: --backup-key-file, the
// environment, or a passphrase typed on the terminal (twice when sealing).
func (a *app) backupKey(ctx context.Context, args *args, sealing bool) (migrate.ArchiveKey, error) {
	if kf := args.str("backup-key-file"); kf != "" {
		return migrate.ArchiveKey{KeyFile: kf}, nil
	}
	if p := os.Getenv(envBackupPassphrase); p != "" {
		return migrate.ArchiveKey{Passphrase: []byte(p)}, nil
	}
	if !a.terminalInput() {
		return migrate.ArchiveKey{}, &configError{fmt.Errorf("a backup needs a key and there is no terminal to ask for a passphrase: use --backup-key-file or %s", envBackupPassphrase)}
	}
	p, err := a.promptPassphrase(ctx, "Backup passphrase: ")
	if err != nil {
		return migrate.ArchiveKey{}, err
	}
	if sealing {
		again, err := a.promptPassphrase(ctx, "Backup passphrase again: ")
		if err != nil {
			return migrate.ArchiveKey{}, err
		}
		same := bytes.Equal(p, again)
		wipe(again)
		if !same {
			wipe(p)
			return migrate.ArchiveKey{}, &configError{errors.New("the passphrases differ; nothing was written")}
		}
	}
	return migrate.ArchiveKey{Passphrase: p}, nil
}

func sourceOptions(args *args) (migrate.SourceOptions, error) {
	filters, err := parseFilters(args.lists["filters"])
	if err != nil {
		return migrate.SourceOptions{}, err
	}
	rate, err := parseRate(args)
	if err != nil {
		return migrate.SourceOptions{}, err
	}
	return migrate.SourceOptions{Filters: filters, IncludeDeprecated: args.bools["include-deprecated"],
		IncludePlannedDeletion: args.bools["include-planned-deletion"], Rate: rate}, nil
}

func parseRate(args *args) (float64, error) {
	if !args.has("rate") {
		return 0, nil
	}
	r, err := strconv.ParseFloat(args.str("rate"), 64)
	if err != nil || r <= 0 || r > 1e6 {
		return 0, usagef("argument --rate: %q is not a number of requests per second (for example 20)", args.str("rate"))
	}
	return r, nil
}

func (a *app) sourceOf(ctx context.Context, s *side, args *args, opts migrate.SourceOptions) (migrate.Source, error) {
	if s.file == "" {
		return migrate.NewBackendSource(s.b, opts), nil
	}
	if args.has("filters") || args.bools["include-deprecated"] {
		return nil, usagef("--filters and --include-deprecated select from a store; a backup is restored whole")
	}
	key, err := a.backupKey(ctx, args, false)
	if err != nil {
		return nil, err
	}
	return &migrate.ArchiveSource{Path: s.file, Key: key}, nil
}

func runMigrate(ctx context.Context, a *app, args *args) error {
	if !args.has("from") || !args.has("to") {
		return usagef("migrate needs --from and --to (current, aws, a store path; --from may be a backup file)")
	}
	if args.str("from") == args.str("to") && args.str("from") != "aws" {
		return usagef("--from and --to name the same store")
	}
	opts, err := sourceOptions(args)
	if err != nil {
		return err
	}
	from, err := a.openSide(ctx, args, "from", true)
	if err != nil {
		return err
	}
	defer from.close()
	to, err := a.openSide(ctx, args, "to", false)
	if err != nil {
		return err
	}
	defer to.close()
	if from.b != nil && to.b != nil && from.b.Info().Kind == "local" && to.b.Info().Kind == "local" &&
		sameFile(from.b.Info().Location, to.b.Info().Location) {
		return usagef("--from and --to name the same store (%s)", to.b.Info().Location)
	}
	src, err := a.sourceOf(ctx, from, args, opts)
	if err != nil {
		return err
	}
	run := migrate.Options{Overwrite: args.bools["overwrite"], Rate: opts.Rate}
	dry := args.bools["dry-run"]
	if dry || !args.bools["yes"] {
		if !dry && !a.terminalInput() {
			return usagef("migrate writes to %s: add --yes to go ahead without a terminal (or --dry-run to see the plan)", to.label)
		}
		plan := run
		plan.DryRun = true
		rep, err := migrate.Migrate(ctx, src, to.b, plan)
		if err != nil {
			return err
		}
		a.printPlan(rep, from.label, to.label)
		if dry {
			return reportError(rep)
		}
		if !a.confirm(fmt.Sprintf("Copy %d secrets to %s? [y/N] ", rep.Count(migrate.Planned), to.label)) {
			return errors.New("nothing was written")
		}
	}
	p := a.newProgress()
	run.Progress, run.Total = p.event, p.total
	rep, err := migrate.Migrate(ctx, src, to.b, run)
	p.finish()
	if rep != nil {
		a.printReport(rep, from.label, to.label)
	}
	if err != nil {
		return err
	}
	return reportError(rep)
}

func runBackup(ctx context.Context, a *app, args *args) error {
	opts, err := sourceOptions(args)
	if err != nil {
		return err
	}
	path := args.str("to")
	if _, err := os.Lstat(path); err == nil {
		return usagef("argument --to: %s already exists; a backup never replaces a file", path)
	}
	from, err := a.openSide(ctx, args, "from", false)
	if err != nil {
		return err
	}
	defer from.close()
	key, err := a.backupKey(ctx, args, true)
	if err != nil {
		return err
	}
	p := a.newProgress()
	rep, err := migrate.Backup(ctx, migrate.NewBackendSource(from.b, opts), path, key,
		migrate.Options{Progress: p.event, Total: p.total})
	wipe(key.Passphrase)
	p.finish()
	if rep != nil {
		a.printReport(rep, from.label, "the backup "+path)
	}
	if err != nil {
		return err
	}
	return reportError(rep)
}

// reportError turns a report with conflicts, failures or differences into
// the command's failure.
func reportError(rep *migrate.Report) error {
	if rep.OK() {
		return nil
	}
	return fmt.Errorf("%d conflicts, %d failures, %d differences after verification; see above", rep.Count(migrate.Conflict), rep.Count(migrate.Failed), rep.Differences)
}

// confirm asks a yes/no question on the terminal; anything but y is no.
func (a *app) confirm(q string) bool {
	in, out, closeTTY, err := openTTY(a.stdin, a.stderr)
	if err != nil {
		return false
	}
	defer closeTTY()
	fmt.Fprint(out, q)
	var buf [16]byte
	n, _ := in.Read(buf[:])
	ans := strings.ToLower(strings.TrimSpace(string(buf[:n])))
	return ans == "y" || ans == "yes"
}

func (a *app) printPlan(rep *migrate.Report, from, to string) {
	w := a.stdout
	fmt.Fprintf(w, "Plan: %s → %s\n", escaped.Line(from).String(), escaped.Line(to).String())
	for _, r := range rep.Results {
		fmt.Fprintf(w, "%s  %s (%d versions)\n", r.Outcome, escaped.Line(r.Name).String(), r.Versions)
		for _, s := range r.Steps {
			fmt.Fprintf(w, "    %s\n", escaped.Line(s).String())
		}
		printDetails(w, &r)
	}
	fmt.Fprintf(w, "%d to write, %d unchanged, %d conflicts, %d not carried, %d failed. Nothing was written.\n",
		rep.Count(migrate.Planned), rep.Count(migrate.Unchanged), rep.Count(migrate.Conflict), rep.Count(migrate.NotCarried), rep.Count(migrate.Failed))
}

func printDetails(w io.Writer, r *migrate.Result) {
	for _, n := range r.Notes {
		fmt.Fprintf(w, "    note: %s\n", escaped.Line(n).String())
	}
	for _, d := range r.Diffs {
		fmt.Fprintf(w, "    differs: %s\n", escaped.Line(d).String())
	}
	if r.Err != nil {
		fmt.Fprintf(w, "    error: %s\n", escaped.Line(r.Err.Error()).String())
	}
}

func (a *app) printReport(rep *migrate.Report, from, to string) {
	w := a.stdout
	for _, r := range rep.Results {
		if len(r.Notes) == 0 && len(r.Diffs) == 0 && r.Err == nil {
			continue
		}
		fmt.Fprintf(w, "%s  %s\n", r.Outcome, escaped.Line(r.Name).String())
		printDetails(w, &r)
	}
	var counts []string
	for _, o := range []migrate.Outcome{migrate.Created, migrate.Completed, migrate.Written, migrate.Unchanged, migrate.Conflict, migrate.NotCarried, migrate.Failed} {
		if n := rep.Count(o); n > 0 || o == migrate.Failed {
			counts = append(counts, fmt.Sprintf("%d %s", n, o))
		}
	}
	fmt.Fprintf(w, "%s → %s: %s in %.1fs.\n", escaped.Line(from).String(), escaped.Line(to).String(), strings.Join(counts, ", "), rep.Elapsed.Seconds())
	fmt.Fprintf(w, "Requests: %d to the source (%d retried), %d to the target (%d retried).\n",
		rep.SourceRequests, rep.SourceRetries, rep.TargetRequests, rep.TargetRetries)
	fmt.Fprintf(w, "Verified %d secrets: %d differ.\n", rep.Verified, rep.Differences)
	fmt.Fprintln(w, "Not preserved: CreatedDate and LastChangedDate (the target sets its own).")
}

// progress shows a bar with counts and throughput on a terminal, one line
// per secret otherwise. It writes to stderr, never a value.
type progress struct {
	w     io.Writer
	tty   bool
	n     int
	last  time.Time
	drawn bool
}

func (a *app) newProgress() *progress {
	f, ok := a.stderr.(*os.File)
	return &progress{w: a.stderr, tty: ok && term.IsTerminal(int(f.Fd())), n: -1}
}

func (p *progress) total(n int) { p.n = n }

func (p *progress) event(e migrate.Event) {
	if !p.tty {
		fmt.Fprintf(p.w, "%s %s\n", e.Result.Outcome, escaped.Line(e.Result.Name).String())
		return
	}
	if time.Since(p.last) < 100*time.Millisecond && e.Done != e.Total {
		return
	}
	p.last = time.Now()
	rate := float64(e.Done) / max(e.Elapsed.Seconds(), 0.001)
	if e.Total > 0 {
		const width = 30
		fill := width * e.Done / e.Total
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d secrets  %.0f/s ", strings.Repeat("#", fill), strings.Repeat("-", width-fill), e.Done, e.Total, rate)
	} else {
		fmt.Fprintf(p.w, "\r%d secrets  %.0f/s ", e.Done, rate)
	}
	p.drawn = true
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// openContext opens the backend a context of the configuration file
// names. The context's own settings win over the environment here: the
// operator named it for one side of a migration, and SECRETARY_STORE must
// not quietly turn both sides into the same store.
func (a *app) openContext(ctx context.Context, name string) (backend.Backend, error) {
	sub := &app{stdin: a.stdin, stdout: a.stdout, stderr: a.stderr, build: a.build}
	g := &args{strs: map[string]string{"context": name}, bools: map[string]bool{}}
	if err := sub.loadSettings(g); err != nil {
		return nil, err
	}
	if err := sub.configure(g); err != nil {
		return nil, err
	}
	for key, s := range sub.configFile.contexts[name] {
		v := expandHome(key, s.value)
		switch key {
		case "backend":
			sub.cfg.Backend = v
		case "store":
			sub.cfg.Store = v
		case "key-file":
			sub.cfg.KeyFile = v
		case "profile":
			sub.cfg.Profile = v
		case "region":
			sub.cfg.Region = v
		case "endpoint-url":
			sub.cfg.EndpointURL = v
		}
	}
	return sub.openBackend(ctx)
}

// sameFile reports whether two paths name one file (through links too).
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
