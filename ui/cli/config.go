package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/BurntSushi/toml"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui"
)

// The configuration file holds defaults for the global flags, and named
// contexts — sets of those flags — chosen with --context or
// SECRETARY_CONTEXT, as kubectl's contexts are:
//
//	backend = "local"
//	theme = "dark"
//
//	[context.prod-aws]
//	backend = "aws"
//	profile = "prod"
//	region = "eu-west-1"
//
//	[context.lab]
//	store = "~/lab/store.db"
//	key-file = "~/lab/store.key"
//
// Keys are named exactly as the global flags. Precedence: flags, then
// environment variables, then the chosen context, then the file's
// top-level defaults.

const (
	envConfig  = "SECRETARY_CONFIG"
	envContext = "SECRETARY_CONTEXT"
)

// notInConfig are global flags that make no sense as a saved setting.
var notInConfig = map[string]bool{"version": true, "demo": true, "context": true}

// settingEnv names the environment variables that set the same thing as a
// configuration key, and so take precedence over the file.
func settingEnv(key string) []string {
	switch key {
	case "store":
		return []string{envStore}
	case "key-file":
		return []string{envKeyFile}
	case "profile":
		return []string{"AWS_PROFILE"}
	case "region":
		return []string{"AWS_REGION", "AWS_DEFAULT_REGION"}
	case "endpoint-url":
		return []string{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"}
	}
	return nil
}

// configFile is a parsed configuration file.
type configFile struct {
	path     string
	defaults map[string]setting
	contexts map[string]map[string]setting
	// current is the file's own choice of context (`context = "lab"`).
	current string
}

// setting is one value from the file and where it stands.
type setting struct {
	value string
	line  int
}

// configPath is where the configuration file is looked for.
func configPath() (string, error) {
	if p := os.Getenv(envConfig); p != "" {
		return p, nil
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "secretary", "config.toml"), nil
}

// configFileError is a file secretary refuses, with the place at fault.
func configFileError(path string, line, col int, format string, a ...any) error {
	where := path
	if line > 0 {
		where = fmt.Sprintf("%s:%d:%d", path, line, col)
	}
	return &configError{fmt.Errorf("configuration file %s: %s; nothing was run", where, fmt.Sprintf(format, a...))}
}

// maxConfigSize bounds what is read: a configuration file is a few lines.
const maxConfigSize = 1 << 20

// loadConfig reads and checks the configuration file; a missing file is
// an empty configuration.
func loadConfig(path string) (*configFile, error) {
	cf := &configFile{path: path, defaults: map[string]setting{}, contexts: map[string]map[string]setting{}}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return cf, nil
	}
	if err != nil {
		return nil, &configError{fmt.Errorf("cannot read the configuration file: %w", err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, &configError{fmt.Errorf("cannot read the configuration file %s: %w", path, err)}
	}
	if len(data) > maxConfigSize {
		return nil, configFileError(path, 0, 0, "larger than %d bytes", maxConfigSize)
	}
	text := string(data)
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, configFileError(path, pe.Position.Line, pe.Position.Col, "%s", pe.Message)
		}
		return nil, configFileError(path, 0, 0, "%v", err)
	}
	specs := map[string]param{}
	for _, p := range globalSpecs() {
		if !notInConfig[p.name] {
			specs[p.name] = p
		}
	}
	for key, v := range raw {
		switch key {
		case "context":
			switch c := v.(type) {
			case string: // the file's chosen context
				cf.current = c
			case map[string]any:
				for name, body := range c {
					table, ok := body.(map[string]any)
					if !ok {
						line, col := locate(text, "context", name)
						return nil, configFileError(path, line, col, "context.%s must be a table ([context.%s])", name, name)
					}
					ctx := map[string]setting{}
					for k, val := range table {
						s, err := checkSetting(text, path, "context."+name, k, val, specs)
						if err != nil {
							return nil, err
						}
						ctx[k] = s
					}
					cf.contexts[name] = ctx
				}
			default:
				line, col := locate(text, "", key)
				return nil, configFileError(path, line, col, `"context" is either the name of a context or a table of contexts`)
			}
		default:
			s, err := checkSetting(text, path, "", key, v, specs)
			if err != nil {
				return nil, err
			}
			cf.defaults[key] = s
		}
	}
	if cf.current != "" {
		if _, ok := cf.contexts[cf.current]; !ok {
			line, col := locate(text, "", "context")
			return nil, configFileError(path, line, col, "context %q is chosen but not defined%s", cf.current, cf.contextList())
		}
	}
	return cf, nil
}

// checkSetting checks one key against the global flags: its name, and that
// its type is the flag's.
func checkSetting(text, path, table, key string, v any, specs map[string]param) (setting, error) {
	line, col := locate(text, table, key)
	p, ok := specs[key]
	if !ok {
		names := make([]string, 0, len(specs))
		for n := range specs {
			names = append(names, n)
		}
		sort.Strings(names)
		return setting{}, configFileError(path, line, col, "unknown setting %q (settings are named as the global flags: %s)", key, strings.Join(names, ", "))
	}
	var s string
	switch val := v.(type) {
	case bool:
		if p.kind != kBool {
			return setting{}, configFileError(path, line, col, "%s takes a value, not true or false", key)
		}
		s = strconv.FormatBool(val)
	case string:
		if p.kind == kBool {
			return setting{}, configFileError(path, line, col, "%s is true or false", key)
		}
		s = val
	case int64:
		if p.kind == kBool {
			return setting{}, configFileError(path, line, col, "%s is true or false", key)
		}
		s = strconv.FormatInt(val, 10)
	default:
		return setting{}, configFileError(path, line, col, "%s must be a string", key)
	}
	if choices := paramChoices(key); choices != nil && !contains(choices, s) {
		return setting{}, configFileError(path, line, col, "%s = %q: choose from %s", key, s, strings.Join(choices, ", "))
	}
	return setting{value: s, line: line}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tableHeader is compiled on first use: only an error message needs it.
var tableHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[\s*([^\]]*?)\s*\]`) })

// locate finds the line and column where key is set inside table ("" for
// the top level), for messages; 0, 0 when it cannot tell.
func locate(text, table, key string) (line, col int) {
	current := ""
	keyRE := regexp.MustCompile(`^(\s*)("?)` + regexp.QuoteMeta(key) + `("?)\s*=`)
	for i, l := range strings.Split(text, "\n") {
		if m := tableHeader().FindStringSubmatch(l); m != nil {
			current = strings.ReplaceAll(strings.ReplaceAll(m[1], `"`, ""), " ", "")
			if table == "context" && current == "context."+key {
				return i + 1, strings.Index(l, "[") + 1
			}
			continue
		}
		if current == table {
			if m := keyRE.FindStringSubmatch(l); m != nil {
				return i + 1, len(m[1]) + 1
			}
		}
	}
	return 0, 0
}

func (cf *configFile) contextList() string {
	if len(cf.contexts) == 0 {
		return " (the file defines no context)"
	}
	names := make([]string, 0, len(cf.contexts))
	for n := range cf.contexts {
		names = append(names, n)
	}
	sort.Strings(names)
	return " (defined: " + strings.Join(names, ", ") + ")"
}

// effective is one global setting's value and where it came from.
type effective struct {
	key, value, source string
}

// applyConfig fills the global flags the command line left out from the
// chosen context and the file's defaults, unless an environment variable
// sets the same thing. It returns every setting with its source.
func applyConfig(g *args, cf *configFile, contextName, contextSource string) ([]effective, error) {
	var ctx map[string]setting
	if contextName != "" {
		var ok bool
		ctx, ok = cf.contexts[contextName]
		if !ok {
			return nil, &configError{fmt.Errorf("no context %q in %s%s", contextName, cf.path, cf.contextList())}
		}
	}
	var out []effective
	for _, p := range globalSpecs() {
		if notInConfig[p.name] {
			continue
		}
		e := effective{key: p.name}
		_, flagStr := g.strs[p.name]
		_, flagBool := g.bools[p.name]
		var envName string
		for _, name := range settingEnv(p.name) {
			if os.Getenv(name) != "" {
				envName = name
				break
			}
		}
		fromFile, inCtx := ctx[p.name]
		where := "context " + contextName + " (" + contextSource + ")"
		if !inCtx {
			fromFile, inCtx = cf.defaults[p.name]
			where = "configuration file"
		}
		switch {
		case flagStr:
			e.value, e.source = g.strs[p.name], "flag --"+p.name
		case flagBool:
			e.value, e.source = strconv.FormatBool(g.bools[p.name]), "flag --"+p.name
		case envName != "":
			e.value, e.source = os.Getenv(envName), "environment "+envName
		case inCtx:
			e.value = fromFile.value
			e.source = fmt.Sprintf("%s, %s:%d", where, cf.path, fromFile.line)
			if p.kind == kBool {
				g.bools[p.name] = fromFile.value == "true"
			} else {
				g.strs[p.name] = expandHome(p.name, fromFile.value)
			}
		default:
			e.source = "default"
		}
		out = append(out, e)
	}
	return out, nil
}

// expandHome lets paths in the file start with ~/, as they would in a
// shell.
func expandHome(key, v string) string {
	if !pathParam(key) || !strings.HasPrefix(v, "~/") {
		return v
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, v[2:])
	}
	return v
}

// chooseContext returns the context in force and what chose it.
func chooseContext(g *args, cf *configFile) (name, source string) {
	if v, ok := g.strs["context"]; ok {
		return v, "--context"
	}
	if v := os.Getenv(envContext); v != "" {
		return v, envContext
	}
	if cf.current != "" {
		return cf.current, "chosen in the file"
	}
	return "", ""
}

// loadSettings applies the configuration file to the parsed global flags.
func (a *app) loadSettings(g *args) error {
	path, err := configPath()
	if err != nil {
		return nil // no home: no file
	}
	cf, err := loadConfig(path)
	if err != nil {
		return err
	}
	name, source := chooseContext(g, cf)
	eff, err := applyConfig(g, cf, name, source)
	if err != nil {
		return err
	}
	a.settings, a.context, a.configFile = eff, name, cf
	return nil
}

// defaultSettings are the values configure gives the settings no flag,
// variable or file sets, as config list shows them.
func defaultSettings() map[string]string {
	var d app
	_ = d.configure(&args{strs: map[string]string{}, bools: map[string]bool{}})
	store, _ := d.storePath()
	return map[string]string{"backend": d.cfg.Backend, "theme": d.cfg.Theme, "output": d.cfg.Output,
		"clipboard-clear": d.cfg.Clipboard.String(), "read-only": "false", "no-mouse": "false", "store": store}
}

func configCommand() *command {
	return &command{name: "config", usage: "list | contexts",
		summary: "Show the effective settings and where each came from, or the contexts the configuration file defines.",
		details: `The configuration file is $XDG_CONFIG_HOME/secretary/config.toml
(~/.config/secretary/config.toml), or SECRETARY_CONFIG. Its keys are named
as the global flags; [context.NAME] tables hold named sets of them, chosen
with --context NAME or SECRETARY_CONTEXT (or context = "NAME" at the top of
the file). Precedence: flags, environment, context, the file's top level.

  backend = "local"

  [context.prod-aws]
  backend = "aws"
  profile = "prod"
  region = "eu-west-1"

  [context.lab]
  store = "~/lab/store.db"
  key-file = "~/lab/store.key"`,
		maxPos: 1, run: runConfig}
}

func runConfig(_ context.Context, a *app, args *args) error {
	if len(args.pos) != 1 {
		return usagef("config: choose list or contexts")
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	switch args.pos[0] {
	case "list":
		path, _ := configPath()
		fmt.Fprintf(tw, "configuration file\t%s\n", path)
		ctx := a.context
		if ctx == "" {
			ctx = "(none)"
		}
		fmt.Fprintf(tw, "context\t%s\n\n", ctx)
		fmt.Fprintf(tw, "SETTING\tVALUE\tFROM\n")
		defaults := defaultSettings()
		for _, e := range a.settings {
			v := e.value
			if e.source == "default" {
				v = defaults[e.key]
			}
			if v == "" {
				v = "—"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", e.key, v, e.source)
		}
	case "contexts":
		names := make([]string, 0, len(a.configFile.contexts))
		for n := range a.configFile.contexts {
			names = append(names, n)
		}
		sort.Strings(names)
		if len(names) == 0 {
			fmt.Fprintf(tw, "%s defines no context\n", a.configFile.path)
		}
		for _, n := range names {
			mark := " "
			if n == a.context {
				mark = "*"
			}
			fmt.Fprintf(tw, "%s %s\t%s\n", mark, n, contextSummary(a.configFile.contexts[n]))
		}
	default:
		return usagef("config: unknown action %q (choose from 'list', 'contexts')", args.pos[0])
	}
	return tw.Flush()
}

// contextSummary is a context's settings on one line, key=value sorted.
func contextSummary(settings map[string]setting) string {
	keys := make([]string, 0, len(settings))
	for k, s := range settings {
		keys = append(keys, k+"="+s.value)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

// contextInfos lists the contexts for the console's switcher.
func (cf *configFile) contextInfos() []ui.ContextInfo {
	names := make([]string, 0, len(cf.contexts))
	for n := range cf.contexts {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]ui.ContextInfo, len(names))
	for i, n := range names {
		out[i] = ui.ContextInfo{Name: n, Summary: contextSummary(cf.contexts[n])}
	}
	return out
}

// backendList holds the backends the console switched to, closed when it
// exits; switches run in the console's background commands.
type backendList struct {
	mu sync.Mutex
	bs []backend.Backend
}

func (l *backendList) add(b backend.Backend) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bs = append(l.bs, b)
}

func (l *backendList) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, b := range l.bs {
		b.Close()
	}
	l.bs = nil
}

// contextSwitcher opens the backend of a named context for the console,
// with the same precedence as --context NAME on the command line (the
// environment still wins over the context). It never prompts: the console
// owns the terminal.
func (a *app) contextSwitcher(opened *backendList) ui.SwitchContextFunc {
	return func(ctx context.Context, name string) (backend.Backend, error) {
		// interactive: the console's shorter network waits apply to the
		// backend it switches to, as to the one it started on.
		n := &app{stdin: a.stdin, stdout: io.Discard, stderr: io.Discard, build: a.build, interactive: true}
		g := &args{strs: map[string]string{"context": name}, bools: map[string]bool{}}
		if err := n.loadSettings(g); err != nil {
			return nil, err
		}
		if err := n.configure(g); err != nil {
			return nil, err
		}
		n.cfg.ReadOnly = n.cfg.ReadOnly || a.cfg.ReadOnly
		if n.cfg.Backend == "local" {
			_, ok, err := n.nonInteractiveCredential()
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("context %s opens a store that needs its passphrase, which cannot be asked for here: give the context a key-file, or start secretary --context %s", name, name)
			}
		}
		b, err := n.openBackend(ctx)
		if err != nil {
			return nil, err
		}
		opened.add(b)
		return b, nil
	}
}

// storeOpener opens an existing local store by path and key file for the
// console, as the target of a copy. It never prompts (the console owns
// the terminal): without a key file it refuses. Every store it opens is
// added to opened, which the caller closes.
func (a *app) storeOpener(opened *backendList) ui.OpenStoreFunc {
	return func(ctx context.Context, path, keyFile string) (backend.Backend, error) {
		if keyFile == "" {
			return nil, errors.New("a store opened from the console needs its key file")
		}
		sub := *a
		sub.stdout, sub.stderr = io.Discard, io.Discard
		sub.cfg.Backend, sub.cfg.Store, sub.cfg.KeyFile = "local", expandHome("store", path), expandHome("key-file", keyFile)
		s, err := sub.openLocal(ctx)
		if err != nil {
			return nil, err
		}
		opened.add(s)
		return s, nil
	}
}
