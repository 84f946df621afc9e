package rotation

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/secretary-sh/secretary/backend"
)

// Factory builds a rotation function from the options written after its
// name: "password?keys=password&length=40" calls the password factory with
// "keys=password&length=40", "exec:/path" the exec factory with "/path".
type Factory func(options string) (Function, error)

// Registry maps rotation function names (the local RotationLambdaARN) to
// factories. It is built explicitly by the program and passed to the engine.
type Registry struct {
	factories map[string]Factory
	// execDebug receives exec rotators' stderr when the operator asked to
	// see it (it may quote secrets); nil keeps it unseen.
	execDebug io.Writer
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{factories: map[string]Factory{}} }

// Register adds a factory under name (letters, digits and '-').
func (r *Registry) Register(name string, f Factory) { r.factories[name] = f }

// ShowExecOutput sends what exec rotators write on stderr to w, unredacted,
// for an operator debugging a rotator; errors never carry it.
func (r *Registry) ShowExecOutput(w io.Writer) { r.execDebug = w }

// Names lists the registered names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.factories))
	for n := range r.factories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup resolves a rotation function name with its options.
func (r *Registry) Lookup(name string) (Function, error) {
	if name == "" {
		return nil, backend.NoRotationFunctionError()
	}
	if r == nil {
		return nil, backend.CannotInvokeError("No rotation functions are configured here.")
	}
	base, opts := name, ""
	if i := strings.IndexAny(name, ":?"); i >= 0 {
		base, opts = name[:i], name[i+1:]
	}
	f, ok := r.factories[base]
	if !ok {
		// AWS's answer when it cannot invoke the named Lambda; the second
		// sentence says what this store can run instead.
		return nil, backend.CannotInvokeError("The functions this store can run are: " + strings.Join(r.Names(), ", ") + ".")
	}
	fn, err := f(opts)
	if err != nil {
		return nil, backend.Errorf(backend.CodeInvalidParameter, "rotation function %q: %v", name, err)
	}
	return fn, nil
}

// RegisterBuiltins adds the functions that need no database driver:
// "password" always, and "exec" when execDirs is not nil. exec runs any
// program, so it is opt-in: with execDirs empty every absolute path is
// allowed; otherwise only programs inside one of execDirs (after resolving
// symbolic links). A store served to the network should allow none, or a
// directory only its administrator can write.
func RegisterBuiltins(r *Registry, execDirs []string) {
	r.Register("password", func(opts string) (Function, error) { return NewPassword(opts) })
	if execDirs == nil {
		return
	}
	r.Register("exec", func(path string) (Function, error) {
		if err := allowedProgram(path, execDirs); err != nil {
			return nil, err
		}
		return &Exec{Path: path, Debug: r.execDebug}, nil
	})
}

func allowedProgram(path string, dirs []string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("the program path must be absolute")
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("the program: %w", err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("the program: %w", err)
	}
	if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	if len(dirs) == 0 {
		return nil
	}
	for _, d := range dirs {
		rd, err := filepath.EvalSymlinks(d)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(rd, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil
		}
	}
	return fmt.Errorf("%s is outside the directories allowed for exec rotators", path)
}
