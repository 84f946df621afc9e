// Package cli is secretary's command line: global flags, the AWS CLI–style
// secretsmanager commands, `get` and `exec` for scripts, `init`,
// `demo-data`, and starting the console.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// Exit codes, as the AWS CLI v2 uses them.
const (
	exitOK      = 0
	exitUsage   = 252 // bad command line
	exitConfig  = 253 // no store, cannot unlock, bad configuration
	exitService = 254 // the backend returned an error
	exitOther   = 255 // anything else
)

// Build identifies the binary for --version.
type Build struct {
	Version string
	Commit  string
	Date    string
}

func (b Build) String() string {
	v := b.Version
	if v == "" {
		v = "dev"
	}
	s := "secretary " + v
	var extra []string
	if b.Commit != "" {
		extra = append(extra, "commit "+b.Commit)
	}
	if b.Date != "" {
		extra = append(extra, "built "+b.Date)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

// app is one invocation: its streams, global configuration and build.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cfg    Config
	build  Build
	out    printer
	// settings are the global settings in force and where each came
	// from; context and configFile are the configuration that chose them.
	settings   []effective
	context    string
	configFile *configFile
	// interactive says the console runs, not one command: network waits
	// get the console's shorter defaults.
	interactive bool
}

// globalSpecs are the flags accepted before or after the command, as the
// AWS CLI accepts its global options anywhere.
func globalSpecs() []param {
	return []param{
		{name: "store", kind: kString, help: "path of the local store (env " + envStore + ")"},
		{name: "key-file", kind: kString, help: "unlock the store with this key file (env " + envKeyFile + ")"},
		{name: "read-only", kind: kBool, help: "refuse every change"},
		{name: "theme", kind: kString, help: "console colours: auto, dark, light or mono"},
		{name: "clipboard-clear", kind: kString, help: "how long a copied value stays on the clipboard (default 30s)"},
		{name: "no-mouse", kind: kBool, help: "console: leave the mouse to the terminal (no wheel scrolling or click-to-select)"},
		{name: "backend", kind: kString, help: "local (default) or aws"},
		{name: "profile", kind: kString, help: "AWS profile (aws backend)"},
		{name: "region", kind: kString, help: "AWS region (aws backend); with init, the local store's region"},
		{name: "endpoint-url", kind: kString, help: "Secrets Manager endpoint URL (aws backend)"},
		{name: "cli-connect-timeout", kind: kInt, help: "seconds to wait for a connection, 0 for no limit (aws backend; default 10, console 5)"},
		{name: "cli-read-timeout", kind: kInt, help: "seconds to wait for an answer, 0 for no limit (aws backend; default 30, console 15)"},
		{name: "output", kind: kString, help: "output format: json (default), text, table, yaml or yaml-stream"},
		{name: "query", kind: kString, help: "JMESPath expression applied to the response (the whole of a paginated one)"},
		{name: "no-paginate", kind: kBool, help: "make one call and print its response, with its NextToken, instead of fetching every page"},
		{name: "rotation-exec-dir", kind: kString, help: "allow exec: rotation functions from these directories (separated by " + string(filepath.ListSeparator) + "); off by default"},
		{name: "debug-rotation", kind: kBool, help: "show what exec: rotators write on stderr; it MAY SHOW SECRETS (commands only)"},
		{name: "demo", kind: kBool, help: "open the console on a throwaway store full of demo data"},
		{name: "context", kind: kString, help: "use this context of the configuration file (env " + envContext + ")"},
		{name: "version", kind: kBool, help: "print the version and exit"},
	}
}

// splitGlobals takes the global flags out of argv, wherever they are, up to
// a "--" (after which everything belongs to exec's command).
func splitGlobals(argv []string) (globals, rest []string, err error) {
	byName := map[string]param{}
	for _, p := range globalSpecs() {
		byName[p.name] = p
	}
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		if arg == "--" {
			rest = append(rest, argv[i:]...)
			break
		}
		if !strings.HasPrefix(arg, "--") {
			rest = append(rest, arg)
			continue
		}
		name, _, hasValue := strings.Cut(arg[2:], "=")
		p, ok := byName[name]
		if !ok {
			if q, ok2 := byName[strings.TrimPrefix(name, "no-")]; ok2 && q.kind == kBool && strings.HasPrefix(name, "no-") {
				globals = append(globals, arg)
				continue
			}
			rest = append(rest, arg)
			continue
		}
		globals = append(globals, arg)
		if p.kind != kBool && !hasValue {
			if i+1 >= len(argv) {
				return nil, nil, usagef("argument --%s: expected one argument", name)
			}
			i++
			globals = append(globals, argv[i])
		}
	}
	return globals, rest, nil
}

// Main runs secretary with argv (without the program name) and returns the
// exit code.
func Main(ctx context.Context, argv []string, stdin io.Reader, stdout, stderr io.Writer, build Build) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, build: build}
	return a.run(ctx, argv)
}

func (a *app) run(ctx context.Context, argv []string) int {
	if len(argv) > 0 && argv[0] == completeCommand {
		return a.runComplete(ctx, argv[1:])
	}
	globals, rest, err := splitGlobals(argv)
	if err != nil {
		return a.fail("", err)
	}
	g, err := parseArgs(globals, globalSpecs(), 0)
	if err != nil {
		return a.fail("", err)
	}
	if g.bools["version"] {
		fmt.Fprintln(a.stdout, a.build.String())
		return exitOK
	}
	if err := a.loadSettings(g); err != nil {
		return a.fail("", err)
	}
	if err := a.configure(g); err != nil {
		return a.fail("", err)
	}
	// Without a command (only options such as --secrets for --demo, or
	// nothing at all) the console starts.
	if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
		if len(rest) > 0 && (rest[0] == "--help" || rest[0] == "-h") {
			a.printHelp(a.stdout)
			return exitOK
		}
		if a.cfg.DebugRotation {
			// Its output would be drawn over the console.
			return a.fail("", usagef("--debug-rotation is for commands such as rotate-secret and rotate-due, not the console"))
		}
		return a.finish("", a.console(ctx, rest, g.bools["demo"]))
	}
	name, cmdArgs := rest[0], rest[1:]
	if name == "help" {
		if len(cmdArgs) > 0 {
			c := findCommand(cmdArgs[0])
			if c == nil {
				return a.fail("", usagef("argument command: Invalid choice: %q; run `secretary help` for the commands", cmdArgs[0]))
			}
			a.printCommandHelp(a.stdout, c)
			return exitOK
		}
		a.printHelp(a.stdout)
		return exitOK
	}
	c := findCommand(name)
	if c == nil {
		return a.fail("", usagef("argument command: Invalid choice: %q; run `secretary help` for the commands", name))
	}
	if g.bools["demo"] {
		return a.fail("", usagef("--demo starts the console; it cannot be combined with %s", name))
	}
	a.out.op = c.op
	args, err := parseArgs(cmdArgs, c.params, c.maxPos)
	if err != nil {
		return a.fail(c.op, err)
	}
	if args.help {
		a.printCommandHelp(a.stdout, c)
		return exitOK
	}
	if err := validateParams(args, c.params); err != nil {
		return a.fail(c.op, err)
	}
	return a.finish(c.op, c.run(ctx, a, args))
}

// configure applies the global flags over the defaults.
func (a *app) configure(g *args) error {
	a.cfg = Config{Backend: "local", Theme: "auto", Clipboard: 30 * time.Second, Output: "json"}
	if v, ok := g.strs["backend"]; ok {
		a.cfg.Backend = v
	}
	switch a.cfg.Backend {
	case "local", "aws":
	default:
		return usagef("argument --backend: invalid choice: %q (choose from 'local', 'aws')", a.cfg.Backend)
	}
	a.cfg.Store = g.strs["store"]
	a.cfg.KeyFile = g.strs["key-file"]
	a.cfg.ReadOnly = g.bools["read-only"]
	a.cfg.NoMouse = g.bools["no-mouse"]
	a.cfg.Profile = g.strs["profile"]
	a.cfg.Region = g.strs["region"]
	a.cfg.EndpointURL = g.strs["endpoint-url"]
	if err := a.cfg.Timeouts.parse(g); err != nil {
		return err
	}
	if v, ok := g.strs["theme"]; ok {
		if !validTheme(v) {
			return usagef("argument --theme: invalid choice: %q (choose from 'auto', 'dark', 'light', 'mono')", v)
		}
		a.cfg.Theme = v
	}
	if v, ok := g.strs["clipboard-clear"]; ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return usagef("argument --clipboard-clear: invalid duration %q (for example 30s or 2m)", v)
		}
		a.cfg.Clipboard = d
	}
	if v, ok := g.strs["rotation-exec-dir"]; ok {
		dirs, err := parseExecDirs(v)
		if err != nil {
			return err
		}
		a.cfg.RotationExecDirs = dirs
	}
	a.cfg.DebugRotation = g.bools["debug-rotation"]
	if v, ok := g.strs["output"]; ok {
		if !slices.Contains(outputFormats, v) {
			return outputChoiceError()
		}
		a.cfg.Output = v
	}
	a.out.format = a.cfg.Output
	if v, ok := g.strs["query"]; ok {
		q, err := compileQuery(v)
		if err != nil {
			return err
		}
		a.out.query = q
	}
	a.cfg.NoPaginate = g.bools["no-paginate"]
	return nil
}

// finish reports err (if any) and returns the exit code.
func (a *app) finish(op string, err error) int {
	if err == nil {
		return exitOK
	}
	return a.fail(op, err)
}

// exitCodeError carries an exit code chosen by the command (exec passes
// its child's through).
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// fail prints err the way the AWS CLI would and returns the exit code.
func (a *app) fail(op string, err error) int {
	var ec *exitCodeError
	var ue *usageError
	var ce *configError
	var pe *paramValidationError
	var oe *outputUsageError
	var qe *queryRunError
	switch {
	case errors.As(err, &ec):
		return ec.code
	case errors.As(err, &pe):
		fmt.Fprintf(a.stderr, "\n%s\n", escaped.Lines(pe.Error()))
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(a.stderr, "\nusage: secretary [options] <command> [parameters]\nTo see help text, you can run:\n\n  secretary help\n  secretary <command> --help\n\nsecretary: error: %s\n", escaped.Line(ue.msg).String())
		return exitUsage
	case errors.As(err, &oe):
		if oe.bare {
			fmt.Fprintf(a.stderr, "\n%s\n", escaped.Lines(oe.msg))
			return exitUsage
		}
		fmt.Fprintf(a.stderr, "\nusage: secretary [options] <command> [parameters]\nTo see help text, you can run:\n\n  secretary help\n  secretary <command> --help\n\nsecretary: error: %s\n", escaped.Lines(oe.msg))
		return exitUsage
	case errors.As(err, &qe):
		fmt.Fprintf(a.stderr, "\n%s\n", escaped.Line(qe.Error()).String())
		return exitOther
	case errors.As(err, &ce):
		fmt.Fprintf(a.stderr, "\nsecretary: %s\n", escaped.Line(ce.err.Error()).String())
		return exitConfig
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(a.stderr)
		return 130
	}
	// The AWS CLI's own words for an endpoint that did not answer.
	var te *aws.TimeoutError
	if errors.As(err, &te) {
		fmt.Fprintf(a.stderr, "\n%s\n", escaped.Line(te.Error()).String())
		return exitOther
	}
	// Missing or unusable AWS credentials are configuration, as for the
	// AWS CLI (253), not a failure of the service.
	var cred *aws.CredentialsError
	if errors.As(err, &cred) {
		fmt.Fprintf(a.stderr, "\nsecretary: %s\n", escaped.Line(err.Error()).String())
		return exitConfig
	}
	if code := backend.Code(err); code != "" {
		if op == "" {
			op = "secretary"
		}
		// Messages can carry text from the store or the service (names,
		// keys); escapes in it are shown, never obeyed.
		fmt.Fprintf(a.stderr, "\nAn error occurred (%s) when calling the %s operation: %s\n", code, op, escaped.Line(backend.Message(err)).String())
		return exitService
	}
	fmt.Fprintf(a.stderr, "\nsecretary: %s\n", escaped.Line(err.Error()).String())
	return exitOther
}

func (a *app) printHelp(w io.Writer) {
	fmt.Fprintf(w, `secretary — a terminal console and AWS-compatible CLI for secrets

Usage:
  secretary [options]                       open the console
  secretary --demo [--secrets N]            open the console on a throwaway demo store
  secretary <command> [parameters]          run one command

Commands:
`)
	table := commandTable()
	names := make([]string, 0, len(table))
	for _, c := range table {
		names = append(names, c.name)
	}
	sort.Strings(names)
	for _, n := range names {
		c := findCommand(n)
		fmt.Fprintf(w, "  %-30s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nGlobal options:\n")
	for _, p := range globalSpecs() {
		arg := "--" + p.name
		if p.kind != kBool {
			arg += " VALUE"
		}
		fmt.Fprintf(w, "  %-30s %s\n", arg, p.help)
	}
	fmt.Fprintf(w, `
Unlocking the local store, in order: --key-file or %s; %s (a key
as a key file holds it) or %s (both for automation only: other processes
of the same user can read them); otherwise a passphrase prompt on the
terminal. `+"`secretary check`"+` checks that the store and the key file are
private; `+"`secretary audit verify`"+` checks the audit log's hash chain.

Exit codes: %s
`, envKeyFile, envKey, envPassphrase, exitCodesText)
}

func (a *app) printCommandHelp(w io.Writer, c *command) {
	if c == nil {
		a.printHelp(w)
		return
	}
	fmt.Fprintf(w, "secretary %s %s\n\n%s\n", c.name, c.usage, c.summary)
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.details))
	}
	if len(c.params) > 0 {
		fmt.Fprintf(w, "\nParameters:\n")
		for _, p := range c.params {
			arg := "--" + p.name
			switch p.kind {
			case kBool:
				arg += " | --no-" + p.name
			case kList:
				arg += " VALUE..."
			default:
				arg += " VALUE"
			}
			req := ""
			if p.required {
				req = " (required)"
			}
			fmt.Fprintf(w, "  %-44s %s%s\n", arg, p.help, req)
		}
	}
}
