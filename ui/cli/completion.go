package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// Shell completion: the shells' scripts are thin wrappers that call
// `secretary __complete WORDS…` and offer what it prints, one candidate a
// line, so every rule lives here, once, next to the command table it reads.

// completeCommand is the hidden command the completion scripts call.
const completeCommand = "__complete"

// completionBudget bounds the lookup of secret names: a TAB must answer
// at once, so a slow store or a stalled network yields no names rather
// than a hung shell. SECRETARY_COMPLETION_TIMEOUT (a duration) changes it,
// for a slow link to AWS where waiting a second is worth the names.
const completionBudget = 250 * time.Millisecond

const envCompletionTimeout = "SECRETARY_COMPLETION_TIMEOUT"

func completionTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(envCompletionTimeout)); err == nil && d > 0 {
		return d
	}
	return completionBudget
}

// paramChoices are the values a parameter accepts, where it accepts a fixed
// set. The global flags' checks in configure use the same lists.
func paramChoices(name string) []string {
	switch name {
	case "backend":
		return []string{"local", "aws"}
	case "theme":
		return []string{"auto", "dark", "light", "mono"}
	case "output":
		return slices.Clone(outputFormats)
	case "sort-order":
		return []string{"asc", "desc"}
	case "sort-by":
		return []string{"created-date", "last-accessed-date", "last-changed-date", "name"}
	case "filters":
		return []string{"Key=name,Values=", "Key=description,Values=", "Key=tag-key,Values=",
			"Key=tag-value,Values=", "Key=primary-region,Values=", "Key=owning-service,Values=", "Key=all,Values="}
	}
	return nil
}

// secretIDParam reports whether a parameter names secrets.
func secretIDParam(name string) bool {
	return name == "secret-id" || name == "secret-id-list" || name == "secret"
}

// pathParam reports whether a parameter takes a local path.
func pathParam(name string) bool {
	switch name {
	case "store", "key-file", "rotation-exec-dir", "new-key-file", "to", "from", "cert", "key":
		return true
	}
	return false
}

// completionCommand prints a shell's completion script.
func completionCommand() *command {
	return &command{name: "completion", op: "", usage: "bash|zsh|fish",
		summary: "Print the shell completion script for bash, zsh or fish.",
		details: `Load it for the current shell, or install it where the shell looks:

  bash: source <(secretary completion bash)
        or save it as /usr/share/bash-completion/completions/secretary
  zsh:  secretary completion zsh > "${fpath[1]}/_secretary"
  fish: secretary completion fish > ~/.config/fish/completions/secretary.fish

Commands, parameters, fixed choices and file:// paths complete everywhere.
Secret names complete for --secret-id when the store opens without a prompt
(a key file, SECRETARY_KEY_FILE or SECRETARY_KEY) or the backend is aws;
completion never asks for a passphrase and gives up after a quarter second
(SECRETARY_COMPLETION_TIMEOUT, a duration such as 2s, changes that).`,
		maxPos: 1, run: runCompletion}
}

func runCompletion(_ context.Context, a *app, args *args) error {
	if len(args.pos) != 1 {
		return usagef("completion: name the shell: bash, zsh or fish")
	}
	script, ok := completionScripts[args.pos[0]]
	if !ok {
		return usagef("completion: unknown shell %q (choose from 'bash', 'zsh', 'fish')", args.pos[0])
	}
	_, err := io.WriteString(a.stdout, script)
	return err
}

// runComplete answers one completion request. words are the words after
// the program name up to the cursor; the last is the one being completed
// (empty after a space).
func (a *app) runComplete(ctx context.Context, words []string) int {
	// The global flags before the cursor choose the store or backend to
	// read names from; a half-typed or wrong one leaves the defaults.
	g := &args{strs: map[string]string{}, bools: map[string]bool{}}
	if len(words) > 0 {
		if globals, _, err := splitGlobals(words[:len(words)-1]); err == nil {
			if parsed, err := parseArgs(globals, globalSpecs(), 0); err == nil {
				g = parsed
			}
		}
	}
	_ = a.loadSettings(g)
	if err := a.configure(g); err != nil {
		_ = a.configure(&args{strs: map[string]string{}, bools: map[string]bool{}})
	}
	for _, c := range a.complete(ctx, words) {
		fmt.Fprintln(a.stdout, c)
	}
	return exitOK
}

// complete returns the candidates for the last of words.
func (a *app) complete(ctx context.Context, words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	cur := words[len(words)-1]
	before := words[:len(words)-1]

	globals := map[string]param{}
	for _, p := range globalSpecs() {
		globals[p.name] = p
	}
	// Find the command and the flag whose value is being typed, if any.
	var cmd *command
	var open *param // the flag that takes the word at the cursor
	var pos int     // positional words after the command
	afterDashes := false
	for i := 0; i < len(before); i++ {
		w := before[i]
		if afterDashes {
			continue
		}
		if w == "--" {
			afterDashes = true
			continue
		}
		if name, ok := strings.CutPrefix(w, "--"); ok {
			name, _, hasValue := strings.Cut(name, "=")
			p, found := lookupParam(cmd, globals, name)
			open = nil
			if found && p.kind != kBool && !hasValue {
				pp := p
				open = &pp
			}
			continue
		}
		if open != nil && open.kind != kList {
			open = nil
			continue
		}
		if open != nil { // another value of a list
			continue
		}
		if cmd == nil {
			cmd = findCommand(w)
			if cmd == nil && w != "help" && w != "completion" {
				return nil
			}
			if w == "help" {
				cmd = &command{name: "help", maxPos: 1}
			}
			continue
		}
		pos++
	}
	if afterDashes {
		return nil // exec's command: the shell's own completion is better
	}

	// A flag's value.
	if open != nil && !(open.kind == kList && strings.HasPrefix(cur, "--")) {
		return a.completeValue(ctx, *open, cur)
	}
	if strings.HasPrefix(cur, "-") {
		var names []string
		if cmd != nil {
			for _, p := range cmd.params {
				names = append(names, "--"+p.name)
			}
		}
		for _, p := range globalSpecs() {
			names = append(names, "--"+p.name)
		}
		return withPrefix(names, cur)
	}
	switch {
	case cmd == nil:
		names := []string{"help"}
		for _, c := range commandTable() {
			names = append(names, c.name)
		}
		return withPrefix(names, cur)
	case cmd.name == "help" && pos == 0:
		var names []string
		for _, c := range commandTable() {
			names = append(names, c.name)
		}
		return withPrefix(names, cur)
	case cmd.name == "completion" && pos == 0:
		return withPrefix([]string{"bash", "fish", "zsh"}, cur)
	case cmd.name == "get" && pos == 0:
		return a.completeSecretNames(ctx, cur)
	}
	return nil
}

// lookupParam finds a flag of the command or a global one, accepting the
// --no- form of booleans.
func lookupParam(cmd *command, globals map[string]param, name string) (param, bool) {
	if cmd != nil {
		for _, p := range cmd.params {
			if p.name == name || (p.kind == kBool && "no-"+p.name == name) {
				return p, true
			}
		}
	}
	if p, ok := globals[name]; ok {
		return p, true
	}
	if p, ok := globals[strings.TrimPrefix(name, "no-")]; ok && p.kind == kBool {
		return p, true
	}
	return param{}, false
}

// completeValue completes the value of p.
func (a *app) completeValue(ctx context.Context, p param, cur string) []string {
	if choices := paramChoices(p.name); choices != nil {
		return withPrefix(choices, cur)
	}
	for _, scheme := range []string{"file://", "fileb://"} {
		if rest, ok := strings.CutPrefix(cur, scheme); ok {
			return prefixAll(scheme, completePath(rest))
		}
	}
	if secretIDParam(p.name) {
		return a.completeSecretNames(ctx, cur)
	}
	if p.name == "context" {
		path, err := configPath()
		if err != nil {
			return nil
		}
		cf, err := loadConfig(path)
		if err != nil {
			return nil
		}
		var names []string
		for _, c := range cf.contextInfos() {
			names = append(names, c.Name)
		}
		return withPrefix(names, cur)
	}
	if pathParam(p.name) {
		return completePath(cur)
	}
	if strings.HasPrefix("file://", cur) && (p.name == "secret-string" || p.name == "secret-binary" ||
		p.name == "resource-policy" || p.name == "policy-document") {
		return []string{"file://"}
	}
	return nil
}

// completeSecretNames lists the names starting with cur, when the store can
// be read without asking anything. Names are printed as the store holds
// them, less any control character, which a shell would act on.
func (a *app) completeSecretNames(ctx context.Context, cur string) []string {
	if a.cfg.Backend == "local" {
		if _, ok, err := a.nonInteractiveKey(); !ok || err != nil {
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout())
	defer cancel()
	type result struct{ names []string }
	done := make(chan result, 1)
	go func() {
		done <- result{a.listNames(ctx, cur)}
	}()
	select {
	case r := <-done:
		return r.names
	case <-ctx.Done():
		return nil
	}
}

// nonInteractiveKey is nonInteractiveCredential without the passphrase:
// Argon2id costs a second, far past what a TAB may take.
func (a *app) nonInteractiveKey() (string, bool, error) {
	if kf := a.keyFile(); kf != "" {
		return kf, true, nil
	}
	if k := os.Getenv(envKey); k != "" {
		return "", true, nil
	}
	return "", false, nil
}

func (a *app) listNames(ctx context.Context, cur string) []string {
	var b backend.Backend
	var err error
	if a.cfg.Backend == "local" {
		b, err = a.openLocal(ctx)
	} else {
		b, err = a.openBackend(ctx)
	}
	if err != nil {
		return nil
	}
	defer b.Close()
	in := &backend.ListSecretsInput{MaxResults: 100, SortBy: "name", SortOrder: "asc"}
	if cur != "" {
		in.Filters = []backend.Filter{{Key: backend.FilterName, Values: []string{cur}}}
	}
	out, err := b.ListSecrets(ctx, in)
	if err != nil {
		return nil
	}
	var names []string
	for _, s := range out.Secrets {
		name := escaped.Line(s.Name).String()
		if name != s.Name || !strings.HasPrefix(name, cur) {
			continue // a name a shell would mangle is not offered
		}
		names = append(names, name)
	}
	if strings.HasPrefix(cur, "arn:") {
		for _, s := range out.Secrets {
			if strings.HasPrefix(s.ARN, cur) {
				names = append(names, s.ARN)
			}
		}
	}
	return names
}

// completePath lists the entries of the directory part of cur whose names
// start with its last element; directories end in "/".
func completePath(cur string) []string {
	dir, base := filepath.Split(cur)
	readDir := dir
	if readDir == "" {
		readDir = "."
	}
	if strings.HasPrefix(readDir, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			readDir = filepath.Join(home, readDir[2:])
		}
	}
	entries, err := os.ReadDir(readDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		if escaped.Line(name).String() != name {
			continue
		}
		full := dir + name
		if e.IsDir() {
			full += "/"
		} else if e.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(readDir, name)); err == nil && fi.IsDir() {
				full += "/"
			}
		}
		out = append(out, full)
	}
	sort.Strings(out)
	return out
}

func withPrefix(all []string, prefix string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range all {
		if strings.HasPrefix(s, prefix) && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func prefixAll(prefix string, items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = prefix + s
	}
	return out
}

// completionScripts are the shells' wrappers around __complete. A
// candidate ending in "/" (a directory) or "=" leaves the cursor on the
// word, so a path or a shorthand value goes on being typed.
var completionScripts = map[string]string{
	"bash": `# bash completion for secretary                          -*- shell-script -*-
_secretary() {
    # Split the line as the user sees it: bash's own words break at ':' and
    # '=', which would cut file://PATH and ARNs apart.
    local line="${COMP_LINE:0:COMP_POINT}"
    local -a words
    read -ra words <<< "$line"
    [[ "$line" =~ [[:space:]]$ ]] && words+=("")
    local cur="${words[${#words[@]}-1]}"
    local IFS=$'\n'
    local -a cands
    cands=($(secretary __complete "${words[@]:1}" 2>/dev/null))
    # bash replaces only the part of the word after its last break.
    local cw="${COMP_WORDS[COMP_CWORD]}" strip="" c
    [[ "$cur" == *"$cw" ]] && strip="${cur%"$cw"}"
    COMPREPLY=()
    for c in "${cands[@]}"; do
        COMPREPLY+=("${c#"$strip"}")
        case "$c" in */|*=) compopt -o nospace 2>/dev/null ;; esac
    done
}
complete -F _secretary secretary
`,
	"zsh": `#compdef secretary
# zsh completion for secretary
_secretary() {
    local -a candidates
    candidates=("${(@f)$(secretary __complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null)}")
    candidates=(${candidates:#})
    (( ${#candidates} )) || return 1
    local -a dirs others
    local c
    for c in $candidates; do
        case $c in */|*=) dirs+=("$c") ;; *) others+=("$c") ;; esac
    done
    (( ${#others} )) && compadd -Q -- $others
    (( ${#dirs} )) && compadd -Q -S '' -- $dirs
    return 0
}
if [ "$funcstack[1]" = "_secretary" ]; then
    _secretary "$@"
else
    compdef _secretary secretary
fi
`,
	"fish": `# fish completion for secretary
function __secretary_complete
    set -l words (commandline -opc)
    set -e words[1]
    secretary __complete $words (commandline -ct) 2>/dev/null
end
complete -c secretary -f -a '(__secretary_complete)'
`,
}
