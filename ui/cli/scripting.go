package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
	"github.com/secretary-sh/secretary/ui/fieldpath"
)

func getCommand() *command {
	return &command{name: "get", op: "GetSecretValue", usage: "NAME [--field KEY] [--version-stage S] [--version-id V]",
		summary: "Print only a secret's value, or one JSON key of it, for scripts.",
		details: `The value is written exactly, with no trailing newline; a binary value is
written as raw bytes. On a terminal, control characters and escape
sequences are shown as visible escapes instead. With --field the value must be a JSON object (or array): a string
field is printed as is, any other field as compact JSON. --field takes a
top-level key or a path into nested JSON: db.password, hosts[0],
["key.with.dots"].host (a top-level key that holds dots is found as it is).`,
		params: []param{{name: "field", kind: kString, help: "print only this JSON key, or the member at a path such as db.password or hosts[0]"},
			{name: "version-stage", kind: kString, help: "staging label (default AWSCURRENT)"},
			{name: "version-id", kind: kString, help: "version id"}},
		maxPos: 1, run: runGet}
}

func runGet(ctx context.Context, a *app, args *args) error {
	if len(args.pos) != 1 {
		return usagef("the following arguments are required: NAME")
	}
	in := &backend.GetSecretValueInput{SecretID: args.pos[0], VersionID: args.str("version-id"), VersionStage: args.str("version-stage")}
	return a.withBackend(ctx, func(b backend.Backend) error {
		v, err := b.GetSecretValue(ctx, in)
		if err != nil {
			return err
		}
		defer v.Wipe()
		field, wantField := args.strs["field"]
		if !wantField {
			switch {
			case a.terminalOutput():
				// A person is looking: control characters and escape
				// sequences in the value are shown, not obeyed.
				s := string(v.SecretBinary)
				if !v.IsBinary() {
					s = *v.SecretString
				}
				_, err = fmt.Fprint(a.stdout, escaped.Lines(s).String())
			case v.IsBinary():
				_, err = a.stdout.Write(v.SecretBinary)
			default:
				_, err = fmt.Fprint(a.stdout, *v.SecretString)
			}
			return err
		}
		if v.IsBinary() {
			return fmt.Errorf("%s holds a binary value; --field needs a JSON object", v.Name)
		}
		if _, isJSON := fieldpath.Tree(*v.SecretString); !isJSON {
			return fmt.Errorf("%s is not a JSON object, so it has no field %q", v.Name, field)
		}
		// A path (db.password, hosts[0]) as the console names and copies
		// it; a top-level key is a path of one step.
		raw, err := fieldpath.Lookup(*v.SecretString, field)
		if err != nil {
			return fmt.Errorf("%s has no field %q", v.Name, field)
		}
		text := fieldpath.Text(raw)
		if a.terminalOutput() {
			text = escaped.Lines(text).String()
		}
		_, err = fmt.Fprint(a.stdout, text)
		return err
	})
}

// jsonObject decodes a JSON object keeping each value's raw text, so numbers
// print exactly as stored.
func jsonObject(s string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errors.New("not an object")
	}
	return obj, nil
}

func execCommand() *command {
	return &command{name: "exec", op: "GetSecretValue", usage: "--secret NAME [--secret NAME...] -- COMMAND [ARG...]",
		summary: "Run a command with secrets in its environment.",
		details: `Each secret's AWSCURRENT value becomes environment variables:
  - a JSON object: one variable per top-level key; the name is the key in
    upper case with every character other than A-Z, 0-9 and _ replaced by _
    (a leading digit gets a _ prefix). String values are passed as they are,
    null as an empty string, anything else as compact JSON.
    {"username":"app","db-port":5432} gives USERNAME=app DB_PORT=5432.
  - any other string: one variable named the same way after the last path
    element of the secret's name: prod/payments/stripe-api-key gives
    STRIPE_API_KEY.
A key that is empty or holds spaces, control characters or '=' is refused.
Two values mapping to the same name is an error. The variables override the
inherited environment.

Names that change how the command starts instead of passing it data are
refused, and nothing is run: PATH, IFS, ENV, BASH_ENV, PS4, SHELLOPTS, HOME,
LD_*, DYLD_*, PYTHON*, NODE_OPTIONS, PERL5OPT, RUBYOPT, JAVA_TOOL_OPTIONS,
GIT_*, SECRETARY_* and the like; whoever can write a secret could otherwise
run code as you. --allow-env NAME accepts one of them; --prefix APP_ puts
APP_ before every name (APP_PATH is harmless).

` + envKey + `, ` + envPassphrase + ` and ` + envNewPassphrase + ` are never
passed on; ` + envStore + ` and ` + envKeyFile + ` only with
--keep-store-env. The command's exit code is secretary's.`,
		params: []param{{name: "secret", kind: kList, required: true, help: "secret to export (repeatable)"},
			{name: "prefix", kind: kString, help: "put this before every variable name (e.g. APP_)"},
			{name: "allow-env", kind: kList, help: "accept this variable although it can change how the command starts (repeatable)"},
			{name: "keep-store-env", kind: kBool, help: "pass " + envStore + " and " + envKeyFile + " on to the command"}},
		run: runExec}
}

// envName turns a JSON key or secret name element into a variable name.
func envName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	return out
}

// envVar is one variable exec sets and where it came from.
type envVar struct {
	name, value, source string
}

// secretEnv maps one secret value to variables.
func secretEnv(v *backend.SecretValue) ([]envVar, error) {
	if v.IsBinary() {
		return nil, fmt.Errorf("%s holds a binary value, which cannot be passed in the environment; use `secretary get`", v.Name)
	}
	s := *v.SecretString
	if obj, err := jsonObject(s); err == nil {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]envVar, 0, len(keys))
		for _, k := range keys {
			src := fmt.Sprintf("key %q of %s", k, v.Name)
			if err := checkEnvKey(k, src); err != nil {
				return nil, err
			}
			out = append(out, envVar{envName(k), fieldpath.Text(obj[k]), src})
		}
		return out, nil
	}
	return []envVar{{envName(path.Base(v.Name)), s, v.Name}}, nil
}

// buildEnv merges the secrets' variables over the inherited environment,
// dropping the variables that unlock a store and refusing names the rules
// do not allow.
func buildEnv(inherited []string, vars []envVar, rules execEnvRules) ([]string, error) {
	vars = slices.Clone(vars) // the names change below; the caller's stay
	seen := map[string]envVar{}
	for i, v := range vars {
		name, err := rules.name(v)
		if err != nil {
			return nil, err
		}
		v.name = name
		vars[i].name = name
		if strings.ContainsRune(v.value, 0) {
			return nil, fmt.Errorf("%s contains a NUL byte, which cannot be passed in the environment", v.source)
		}
		if prev, dup := seen[v.name]; dup {
			return nil, fmt.Errorf("environment variable %s would be set by both %s and %s", v.name, prev.source, v.source)
		}
		seen[v.name] = v
	}
	out := make([]string, 0, len(inherited)+len(vars))
	for _, kv := range inherited {
		name, _, _ := strings.Cut(kv, "=")
		if rules.dropInherited(name) {
			continue
		}
		if _, overridden := seen[name]; overridden {
			continue
		}
		out = append(out, kv)
	}
	for _, v := range vars {
		out = append(out, v.name+"="+v.value)
	}
	return out, nil
}

func runExec(ctx context.Context, a *app, args *args) error {
	if len(args.pos) > 0 {
		return usagef("unexpected argument %q: put the command after --", args.pos[0])
	}
	if len(args.rest) == 0 {
		return usagef("no command given: secretary exec --secret NAME -- COMMAND [ARG...]")
	}
	rules := execEnvRules{prefix: args.str("prefix"), keepStore: args.bools["keep-store-env"], allow: map[string]bool{}}
	for _, n := range args.lists["allow-env"] {
		rules.allow[n] = true
	}
	var vars []envVar
	err := a.withBackend(ctx, func(b backend.Backend) error {
		for _, id := range args.lists["secret"] {
			v, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: id})
			if err != nil {
				return err
			}
			ev, err := secretEnv(v)
			v.Wipe()
			if err != nil {
				return err
			}
			vars = append(vars, ev...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The store is closed before the command starts, so the command may
	// use it too.
	env, err := buildEnv(os.Environ(), vars, rules)
	if err != nil {
		return err
	}
	bin, err := exec.LookPath(args.rest[0])
	if err != nil {
		return &exitCodeError{code: a.printExecError(err, 127)}
	}
	cmd := exec.Command(bin, args.rest[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.stdin, a.stdout, a.stderr
	if err := cmd.Start(); err != nil {
		return &exitCodeError{code: a.printExecError(err, 126)}
	}
	// SIGINT from the terminal reaches the child through its process
	// group; signals sent to secretary alone are passed on.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	werr := cmd.Wait()
	signal.Stop(sigs)
	close(done)
	if werr != nil {
		var ee *exec.ExitError
		if !errors.As(werr, &ee) {
			return werr
		}
	}
	return &exitCodeError{code: exitStatus(cmd.ProcessState)}
}

func (a *app) printExecError(err error, code int) int {
	fmt.Fprintf(a.stderr, "secretary: %s\n", escaped.Line(err.Error()))
	return code
}

// exitStatus is the child's exit code, or 128+signal when a signal ended
// it, as shells report it.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
