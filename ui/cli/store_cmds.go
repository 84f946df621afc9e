package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/demo"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/ui"
	"github.com/secretary-sh/secretary/ui/scratch"
)

func initCommand() *command {
	return &command{name: "init", usage: "[--key-file PATH [--force]] [--region REGION] [--account-id ID]",
		summary: "Create the local store.",
		details: `Without --key-file the passphrase is typed twice on the terminal (or taken
from ` + envPassphrase + `). With --key-file PATH a random key is written to PATH
with mode 0600 (an existing key file is used as it is) and unlocks the store.
An existing key file that others can read is refused, as ssh refuses such a
private key, unless --force is given.
--region and --account-id choose what every ARN of the store holds (default
local and 000000000000), so applications that build ARNs for a real region
and account find their secrets; they cannot be changed later.`,
		params: []param{{name: "account-id", kind: kString, help: "12-digit account id in every ARN (default 000000000000)"},
			{name: "force", kind: kBool, help: "use an existing key file even if others can read it"}},
		run: runInit}
}

func runInit(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("init creates a local store; it has no meaning with --backend %s", a.cfg.Backend)
	}
	path, err := a.storePath()
	if err != nil {
		return err
	}
	exists, err := local.Exists(path)
	if err != nil {
		return &configError{fmt.Errorf("cannot use the store at %s: %w", path, err)}
	}
	if exists {
		return &configError{fmt.Errorf("a store already exists at %s", path)}
	}
	var cred local.Credential
	how := "passphrase"
	if kf := a.keyFile(); kf != "" {
		if _, err := os.Stat(kf); errors.Is(err, os.ErrNotExist) {
			if err := local.GenerateKeyFile(kf); err != nil {
				return &configError{fmt.Errorf("creating the key file %s: %w", kf, err)}
			}
			how = "new key file " + kf
		} else {
			problem, err := keyFileProblem(kf)
			if err != nil {
				return &configError{fmt.Errorf("cannot use the key file %s: %w", kf, err)}
			}
			if problem != "" {
				if !args.bools["force"] {
					return &configError{fmt.Errorf("%s; nothing was created (--force uses it anyway)", problem)}
				}
				fmt.Fprintf(a.stderr, "warning: %s\n", problem)
			}
			how = "key file " + kf
		}
		cred = local.Credential{KeyFile: kf}
	} else {
		pass, err := a.newPassphrase(ctx, envPassphrase)
		if err != nil {
			return err
		}
		defer wipe(pass)
		cred = local.Credential{Passphrase: pass}
	}
	opts := a.localOptions()
	opts.Region = a.cfg.Region
	opts.Account = args.strs["account-id"]
	s, err := local.Init(ctx, path, cred, opts)
	if err != nil {
		return storeError(path, err)
	}
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Created the secret store %s, unlocked by %s.\n", path, how)
	return nil
}

func demoDataCommand() *command {
	return &command{name: "demo-data", usage: "[--secrets N] [--seed S]",
		summary: "Fill the store with realistic demo secrets.",
		details: `Names, descriptions, tags and version histories depend only on --seed;
values are random. Prints counts of what was created.`,
		params: []param{{name: "secrets", kind: kInt, help: "how many secrets (default 1000)"},
			{name: "seed", kind: kInt, help: "seed for names and shapes (default 1)"}},
		run: runDemoData}
}

func demoOptions(args *args, defaultN int) (demo.Options, error) {
	n := defaultN
	if v, ok := args.ints["secrets"]; ok {
		n = v
	}
	if n < 0 || n > 10_000_000 {
		return demo.Options{}, usagef("argument --secrets: %d is out of range (0 to 10000000)", n)
	}
	seed := 1
	if v, ok := args.ints["seed"]; ok {
		seed = v
	}
	return demo.Options{Secrets: n, Seed: uint64(seed)}, nil
}

func runDemoData(ctx context.Context, a *app, args *args) error {
	opts, err := demoOptions(args, 1000)
	if err != nil {
		return err
	}
	return a.withBackend(ctx, func(b backend.Backend) error {
		start := time.Now()
		st, err := demo.Fill(ctx, b, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "Created %d secrets in %.1fs.\n", st.Secrets, time.Since(start).Seconds())
		return a.print(object{}.addAlways("Secrets", st.Secrets).addAlways("Versions", st.Versions).
			addAlways("CustomLabels", st.Labeled).addAlways("PendingRotations", st.Pending).
			addAlways("ScheduledForDeletion", st.Scheduled).addAlways("RotationEnabled", st.Rotating))
	})
}

// consoleSpecs are the options accepted when no command is given.
func consoleSpecs() []param {
	return []param{{name: "secrets", kind: kInt, help: "with --demo: how many secrets (default 2000)"},
		{name: "seed", kind: kInt, help: "with --demo: seed for names and shapes"}}
}

// console starts the terminal console on the configured store, or on a
// throwaway demo store.
func (a *app) console(ctx context.Context, argv []string, demoMode bool) error {
	args, err := parseArgs(argv, consoleSpecs(), 0)
	if err != nil {
		return err
	}
	if !demoMode && (args.has("secrets") || args.has("seed")) {
		return usagef("--secrets and --seed go with --demo (or with the demo-data command)")
	}
	// The console is what makes scratch directories (the $EDITOR file, the
	// demo store): clear those a killed or crashed run left behind. A
	// failure to remove one must not keep the console from starting.
	_ = scratch.SweepDead()
	a.interactive = true
	cfg := ui.Config{ReadOnly: a.cfg.ReadOnly, Theme: a.cfg.Theme, ClipboardClear: a.cfg.Clipboard, Version: a.build.String(), NoMouse: a.cfg.NoMouse}
	if demoMode {
		return a.demoConsole(ctx, args, cfg)
	}
	targets := &backendList{}
	defer targets.closeAll()
	cfg.OpenStore = a.storeOpener(targets)
	if a.configFile != nil && len(a.configFile.contexts) > 0 {
		switched := &backendList{}
		defer switched.closeAll()
		cfg.Contexts, cfg.Context, cfg.SwitchContext = a.configFile.contextInfos(), a.context, a.contextSwitcher(switched)
	}
	if a.cfg.Backend != "local" {
		b, err := a.openBackend(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		cfg.Backend = b
		cfg.Location = b.Info().Location
		if a.cfg.Backend == "aws" {
			var reopened []backend.Backend
			defer func() {
				for _, b := range reopened {
					b.Close()
				}
			}()
			cfg.ReopenAWS = func(ctx context.Context, profile, region string) (backend.Backend, error) {
				b, err := a.openAWS(ctx, profile, region)
				if err != nil {
					return nil, err
				}
				reopened = append(reopened, b)
				return b, nil
			}
		}
		return ui.Run(ctx, cfg)
	}
	path, err := a.storePath()
	if err != nil {
		return err
	}
	exists, err := local.Exists(path)
	if err != nil {
		return &configError{fmt.Errorf("cannot use the store at %s: %w", path, err)}
	}
	if exists {
		// A damaged or foreign file is reported before the unlock screen
		// asks for a passphrase it could never accept.
		if err := local.Check(path); err != nil {
			return storeError(path, err)
		}
	}
	cfg.Location = path
	cfg.NeedsInit = !exists
	var opened []backend.Backend
	defer func() {
		for _, b := range opened {
			b.Close()
		}
	}()
	opts := a.localOptions()
	cfg.Init = func(ctx context.Context, passphrase []byte, keyFile string) (backend.Backend, error) {
		cred := local.Credential{Passphrase: passphrase}
		if keyFile != "" {
			// As with `secretary init --key-file`: a new key file is
			// generated, an existing one is used as it is.
			if _, err := os.Stat(keyFile); errors.Is(err, os.ErrNotExist) {
				if err := local.GenerateKeyFile(keyFile); err != nil {
					return nil, err
				}
			}
			cred = local.Credential{KeyFile: keyFile}
		}
		s, err := local.Init(ctx, path, cred, opts)
		if err != nil {
			return nil, err
		}
		opened = append(opened, s)
		return s, nil
	}
	cfg.Unlock = func(ctx context.Context, passphrase []byte) (backend.Backend, error) {
		s, err := local.Open(ctx, path, local.Credential{Passphrase: passphrase}, opts)
		if err != nil {
			return nil, err
		}
		opened = append(opened, s)
		return s, nil
	}
	// With a key file, SECRETARY_KEY or SECRETARY_PASSPHRASE there is
	// nothing to ask: open the store first so the console starts on the list.
	cred, ok, err := a.nonInteractiveCredential()
	if err != nil {
		return err
	}
	if exists && ok {
		s, err := local.Open(ctx, path, cred, opts)
		if err != nil {
			return storeError(path, err)
		}
		opened = append(opened, s)
		cfg.Backend = s
	}
	return ui.Run(ctx, cfg)
}

// demoConsole creates a store in a private temporary directory, unlocked by
// a random key that only this process holds, fills it, runs the console,
// and removes the directory when the console exits.
func (a *app) demoConsole(ctx context.Context, args *args, cfg ui.Config) (err error) {
	opts, err := demoOptions(args, 2000)
	if err != nil {
		return err
	}
	dir, err := scratch.Mkdir(os.TempDir(), scratch.Demo)
	if err != nil {
		return fmt.Errorf("creating the demo directory: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = fmt.Errorf("removing the demo store: %w", rerr)
		}
	}()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("generating the demo key: %w", err)
	}
	clock := &demo.Clock{}
	path := filepath.Join(dir, "demo.db")
	lopts := a.localOptions()
	lopts.ReadOnly = false // filled first; the console enforces --read-only
	lopts.Now = clock.Now
	s, err := local.Init(ctx, path, local.Credential{Key: key}, lopts)
	wipe(key)
	if err != nil {
		return fmt.Errorf("creating the demo store: %w", err)
	}
	defer s.Close()
	opts.Clock = clock
	fmt.Fprintf(a.stderr, "Creating a throwaway store with %d demo secrets…\n", opts.Secrets)
	if _, err := demo.Fill(ctx, s, opts); err != nil {
		return err
	}
	cfg.Backend = s
	cfg.Location = "demo store (removed on exit)"
	return ui.Run(ctx, cfg)
}
