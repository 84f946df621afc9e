package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"golang.org/x/term"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/abandon"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/local"
)

// Environment variables. SECRETARY_KEY and the passphrases are for
// automation only: the environment of a process can be read by other
// processes of the same user (/proc/PID/environ) and is inherited by every
// child, so `exec` removes them from the command it runs.
const (
	envStore         = "SECRETARY_STORE"
	envKeyFile       = "SECRETARY_KEY_FILE"
	envKey           = "SECRETARY_KEY"
	envPassphrase    = "SECRETARY_PASSPHRASE"
	envNewPassphrase = "SECRETARY_NEW_PASSPHRASE"
)

// isCredentialEnv reports whether an environment variable unlocks a store;
// `exec` never passes those on.
func isCredentialEnv(name string) bool {
	return name == envKey || name == envPassphrase || name == envNewPassphrase
}

// Config is what the global flags and the environment select.
type Config struct {
	// Backend is "local" or "aws".
	Backend  string
	Store    string
	KeyFile  string
	ReadOnly bool
	// NoMouse leaves the mouse to the terminal in the console.
	NoMouse     bool
	Theme       string
	Clipboard   time.Duration
	Profile     string
	Region      string
	EndpointURL string
	// Timeouts are --cli-connect-timeout and --cli-read-timeout.
	Timeouts Timeouts
	Output   string
	// NoPaginate makes a paginated command one call (--no-paginate).
	NoPaginate bool
	// RotationExecDirs are where exec: rotation functions may live; none
	// means exec: is refused.
	RotationExecDirs []string
	// DebugRotation shows exec rotators' stderr, which may quote secrets.
	DebugRotation bool
}

// configError is a problem with the environment or configuration (no
// store, no way to unlock it); it exits 253 as the AWS CLI does for missing
// configuration or credentials.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// storePath returns the local store's path: --store, SECRETARY_STORE, or
// the default location.
func (a *app) storePath() (string, error) {
	if a.cfg.Store != "" {
		return a.cfg.Store, nil
	}
	if p := os.Getenv(envStore); p != "" {
		return p, nil
	}
	p, err := local.DefaultPath()
	if err != nil {
		return "", &configError{fmt.Errorf("cannot find the default store location: %w", err)}
	}
	return p, nil
}

// keyFile returns --key-file or SECRETARY_KEY_FILE.
func (a *app) keyFile() string {
	if a.cfg.KeyFile != "" {
		return a.cfg.KeyFile
	}
	return os.Getenv(envKeyFile)
}

// openBackend opens the backend the global flags chose. Adding a backend is
// one case here.
func (a *app) openBackend(ctx context.Context) (backend.Backend, error) {
	switch a.cfg.Backend {
	case "local":
		s, err := a.openLocal(ctx)
		if err != nil {
			return nil, err
		}
		return s, nil
	case "aws":
		b, err := a.openAWS(ctx, a.cfg.Profile, a.cfg.Region)
		if err != nil {
			return nil, err
		}
		return b, nil
	default:
		return nil, usagef("argument --backend: invalid choice: %q (choose from 'local', 'aws')", a.cfg.Backend)
	}
}

// openAWS opens the AWS backend with a profile and region (the flags', or
// those the console's switcher chose) and the other global flags.
// Credentials and the account resolve in the background; nothing here
// touches the network.
func (a *app) openAWS(ctx context.Context, profile, region string) (*aws.Backend, error) {
	b, err := aws.New(ctx, aws.Config{Profile: profile, Region: region,
		EndpointURL: a.cfg.EndpointURL, ReadOnly: a.cfg.ReadOnly, Timeouts: a.cfg.Timeouts.forAWS(a.interactive)})
	if err != nil {
		return nil, &configError{fmt.Errorf("configuring AWS: %w", err)}
	}
	return b, nil
}

// localOptions are the store options every command uses.
func (a *app) localOptions() local.Options {
	return local.Options{ReadOnly: a.cfg.ReadOnly, Rotation: a.rotationRegistry()}
}

// nonInteractiveCredential returns a credential that needs no prompt (key
// file, SECRETARY_KEY or SECRETARY_PASSPHRASE), or ok=false.
func (a *app) nonInteractiveCredential() (cred local.Credential, ok bool, err error) {
	if kf := a.keyFile(); kf != "" {
		return local.Credential{KeyFile: kf}, true, nil
	}
	if k, set := os.LookupEnv(envKey); set && k != "" {
		key, err := local.DecodeKey(k)
		if err != nil {
			return local.Credential{}, false, &configError{fmt.Errorf("%s: %w", envKey, err)}
		}
		return local.Credential{Key: key}, true, nil
	}
	if p, set := os.LookupEnv(envPassphrase); set && p != "" {
		return local.Credential{Passphrase: []byte(p)}, true, nil
	}
	return local.Credential{}, false, nil
}

// openLocal unlocks the local store with a key file, SECRETARY_PASSPHRASE,
// or a passphrase typed on the terminal.
func (a *app) openLocal(ctx context.Context) (*local.Store, error) {
	path, err := a.storePath()
	if err != nil {
		return nil, err
	}
	exists, err := local.Exists(path)
	if err != nil {
		return nil, &configError{fmt.Errorf("cannot use the store at %s: %w", path, err)}
	}
	if !exists {
		return nil, &configError{fmt.Errorf("no secret store at %s; create one with `secretary init` (or choose one with --store or %s)", path, envStore)}
	}
	if err := local.Check(path); err != nil {
		return nil, storeError(path, err)
	}
	cred, ok, err := a.nonInteractiveCredential()
	if err != nil {
		return nil, err
	}
	if !ok {
		pass, err := a.promptPassphrase(ctx, fmt.Sprintf("Passphrase for %s: ", path))
		if err != nil {
			return nil, err
		}
		cred = local.Credential{Passphrase: pass}
	}
	// Argon2id takes about a second and reading a key file may block (a
	// FIFO); neither can be cancelled, so Ctrl-C abandons them.
	s, err := abandon.Run(ctx, func() (*local.Store, error) {
		defer wipe(cred.Passphrase)
		defer wipe(cred.Key)
		return local.Open(ctx, path, cred, a.localOptions())
	}, func(s *local.Store) { s.Close() })
	if err != nil {
		return nil, storeError(path, err)
	}
	return s, nil
}

// storeError turns the store's opening errors into configuration errors
// with the path in the message.
func storeError(path string, err error) error {
	switch {
	case errors.Is(err, local.ErrWrongCredential):
		return &configError{fmt.Errorf("%s: %w", path, local.ErrWrongCredential)}
	case errors.Is(err, local.ErrStoreNotFound), errors.Is(err, local.ErrCorrupt),
		errors.Is(err, local.ErrKeyFile), errors.Is(err, local.ErrNewerSchema):
		// The store's own errors already name the file.
		return &configError{err}
	}
	return err
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

// terminalInput reports whether stdin is a terminal: a passphrase prompt is
// offered only then, so a script never hangs waiting for one.
func (a *app) terminalInput() bool {
	f, ok := a.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminalOutput reports whether stdout is a terminal, where a value's
// escape sequences would be obeyed rather than shown.
func (a *app) terminalOutput() bool {
	f, ok := a.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// promptPassphrase reads a passphrase from the controlling terminal without
// echo. Reading /dev/tty rather than stdin keeps piped input for the
// command itself.
func (a *app) promptPassphrase(ctx context.Context, prompt string) ([]byte, error) {
	if !a.terminalInput() {
		return nil, &configError{fmt.Errorf("the store is locked and there is no terminal to ask for its passphrase: use --key-file, %s, %s or %s", envKeyFile, envKey, envPassphrase)}
	}
	in, out, closeTTY, err := openTTY(a.stdin, a.stderr)
	if err != nil {
		return nil, &configError{fmt.Errorf("cannot open the terminal to read the passphrase: %w", err)}
	}
	defer closeTTY()
	fmt.Fprint(out, prompt)
	// Ctrl-C still raises SIGINT while echo is off, but ReadPassword does
	// not return on it; abandon it and put the terminal back as it was, or
	// the operator's shell is left without echo.
	fd := int(in.Fd())
	state, stateErr := term.GetState(fd)
	pass, err := abandon.Run(ctx, func() ([]byte, error) { return term.ReadPassword(fd) }, wipe)
	if ctx.Err() != nil && stateErr == nil {
		_ = term.Restore(fd, state)
	}
	fmt.Fprintln(out)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, &configError{fmt.Errorf("reading the passphrase: %w", err)}
	}
	if len(pass) == 0 {
		return nil, &configError{errors.New("empty passphrase")}
	}
	return pass, nil
}

// openTTY opens the controlling terminal for a prompt; on Windows, where
// there is no /dev/tty, it falls back to stdin and stderr.
func openTTY(stdin io.Reader, stderr io.Writer) (in *os.File, out io.Writer, closeFn func(), err error) {
	if runtime.GOOS == "windows" {
		f, _ := stdin.(*os.File)
		return f, stderr, func() {}, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	return tty, tty, func() { tty.Close() }, nil
}

// newPassphrase asks for a new passphrase twice, unless the environment
// variable env holds it.
func (a *app) newPassphrase(ctx context.Context, env string) ([]byte, error) {
	if p, ok := os.LookupEnv(env); ok && p != "" {
		return []byte(p), nil
	}
	if !a.terminalInput() {
		return nil, &configError{fmt.Errorf("there is no terminal to type the new passphrase on: set %s", env)}
	}
	first, err := a.promptPassphrase(ctx, "New passphrase: ")
	if err != nil {
		return nil, err
	}
	second, err := a.promptPassphrase(ctx, "Repeat passphrase: ")
	if err != nil {
		wipe(first)
		return nil, err
	}
	defer wipe(second)
	if string(first) != string(second) {
		wipe(first)
		return nil, &configError{errors.New("the passphrases do not match")}
	}
	return first, nil
}

// validTheme checks --theme.
func validTheme(t string) bool {
	switch t {
	case "auto", "dark", "light", "mono":
		return true
	}
	return false
}
