package cli

import (
	"fmt"
	"strings"
)

// A secret's keys become variable names in the environment of the command
// `exec` runs, so whoever can write a secret would otherwise choose how that
// command starts: its dynamic loader (LD_PRELOAD), the file a shell sources
// first (BASH_ENV, ENV), where programs are found (PATH), or the options of
// an interpreter (NODE_OPTIONS, PERL5OPT). Those names are refused unless the
// operator names them with --allow-env.

// deniedEnvName reports whether a variable name is one a secret must not
// set: names that change how a program or its interpreter starts rather
// than pass it data, and families of them: the loaders (glibc, musl,
// macOS), Python's start-up hooks, git's hooks and helpers (GIT_SSH,
// GIT_EXEC_PATH, GIT_CONFIG_*), bash's exported functions, malloc hooks and
// secretary's own configuration.
func deniedEnvName(name string) bool {
	switch name {
	case "PATH", "IFS", "ENV", "BASH_ENV", "PS4", "SHELLOPTS", "BASHOPTS",
		"CDPATH", "GLOBIGNORE", "PROMPT_COMMAND", "ZDOTDIR", "HOME", "SHELL",
		"TMPDIR", "EDITOR", "VISUAL", "PAGER", "GCONV_PATH", "GLIBC_TUNABLES",
		"LOCPATH", "NLSPATH", "HOSTALIASES", "RESOLV_HOST_CONF",
		"NODE_OPTIONS", "NODE_PATH", "PERL5OPT", "PERL5LIB", "PERLLIB",
		"PERL5DB", "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
		"JDK_JAVA_OPTIONS", "CLASSPATH", "GOFLAGS", "SSH_ASKPASS", "SUDO_ASKPASS":
		return true
	}
	for _, p := range []string{"LD_", "DYLD_", "PYTHON", "GIT_", "BASH_FUNC_", "MALLOC_", "SECRETARY_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// validEnvName reports whether name is a portable environment variable
// name (POSIX: letters, digits and underscore, not starting with a digit).
func validEnvName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// checkEnvKey refuses a JSON key that is not a name at all (empty, or with
// control characters, spaces or '='): mapping it to _ would hide what the
// secret tried to set.
func checkEnvKey(key, source string) error {
	if key == "" {
		return fmt.Errorf("%s has an empty key, which is not an environment variable name", source)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c <= ' ' || c == '=' || c >= 0x7f {
			return fmt.Errorf("%s is not an environment variable name (it contains %q)", source, string(rune(c)))
		}
	}
	return nil
}

// execEnvRules are the operator's choices about the variables exec sets.
type execEnvRules struct {
	// prefix is put before every name (chamber's --prefix).
	prefix string
	// allow are names the operator accepts although they are denied.
	allow map[string]bool
	// keepStore keeps SECRETARY_STORE and SECRETARY_KEY_FILE for the child.
	keepStore bool
}

// name applies the prefix and refuses what is not allowed.
func (r execEnvRules) name(v envVar) (string, error) {
	name := r.prefix + v.name
	if !validEnvName(name) {
		return "", fmt.Errorf("%s would set %q, which is not a portable environment variable name", v.source, name)
	}
	if deniedEnvName(name) && !r.allow[name] {
		return "", fmt.Errorf("%s would set %s, which can change how the command starts or what it runs; nothing was run (if this is intended, pass --allow-env %s, or use --prefix to put a prefix before every name)", v.source, name, name)
	}
	return name, nil
}

// dropInherited reports whether an inherited variable is not passed on:
// the credentials that unlock a store always, and the store's location and
// key file unless the operator keeps them, so the child cannot open the
// store by accident.
func (r execEnvRules) dropInherited(name string) bool {
	if isCredentialEnv(name) {
		return true
	}
	return !r.keepStore && (name == envStore || name == envKeyFile)
}
