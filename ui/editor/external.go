package editor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/secretary-sh/secretary/ui/diff"
	"github.com/secretary-sh/secretary/ui/scratch"
)

// SavedMsg carries the value the operator saved in the external editor.
type SavedMsg struct{ Value []byte }

// CancelledMsg says the external editor changed nothing (or exited with an
// error status, as vim's :cq does), with the reason for the status bar.
type CancelledMsg struct{ Reason string }

// ErrorMsg says the edit could not run: no editor, no temporary directory.
// It never contains the value.
type ErrorMsg struct{ Err error }

func (m ErrorMsg) Error() string { return m.Err.Error() }

// EditorFromEnv picks the editor the operator configured: $VISUAL, then
// $EDITOR, then vi.
func EditorFromEnv(getenv func(string) string) string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if e := strings.TrimSpace(getenv(v)); e != "" {
			return e
		}
	}
	return "vi"
}

// External edits value in the operator's editor (editor, or
// EditorFromEnv(os.Getenv) when empty; split on spaces, so "code --wait"
// works) through tea.ExecProcess, which hands the terminal to the editor.
//
// The value is written to a 0600 file in a fresh 0700 directory on tmpfs
// ($XDG_RUNTIME_DIR or /dev/shm where they exist, else os.TempDir()) so it
// is not left on a disk; the directory, with any swap or backup files the
// editor made in it, is removed afterwards, also on error.
//
// The result is SavedMsg, CancelledMsg (content unchanged, or the editor
// exited with an error) or ErrorMsg. An editor that adds a final newline
// the original did not have (vi does) does not count as a change.
func External(ctx context.Context, value []byte, editor string) tea.Cmd {
	if strings.TrimSpace(editor) == "" {
		editor = EditorFromEnv(os.Getenv)
	}
	args := strings.Fields(editor)
	return func() tea.Msg {
		dir, path, err := writePrivate(value)
		if err != nil {
			return ErrorMsg{Err: err}
		}
		cmd := exec.CommandContext(ctx, args[0], append(args[1:], path)...)
		cmd.Env = editorEnv(os.Environ())
		done := func(runErr error) tea.Msg {
			// Runs once the editor has exited; the file is small and on
			// tmpfs, and it must go before anything else happens.
			defer os.RemoveAll(dir)
			if runErr != nil {
				var exitErr *exec.ExitError
				if errors.As(runErr, &exitErr) {
					return CancelledMsg{Reason: fmt.Sprintf("%s exited with status %d; nothing saved", args[0], exitErr.ExitCode())}
				}
				return ErrorMsg{Err: fmt.Errorf("run editor %q: %w", args[0], runErr)}
			}
			edited, err := os.ReadFile(path)
			if err != nil {
				return ErrorMsg{Err: fmt.Errorf("read the edited value back: %w", err)}
			}
			if len(value) > 0 && value[len(value)-1] != '\n' {
				edited = []byte(strings.TrimSuffix(string(edited), "\n"))
			}
			if string(edited) == string(value) {
				return CancelledMsg{Reason: "value unchanged; nothing saved"}
			}
			return SavedMsg{Value: edited}
		}
		// ExecProcess's message asks the program to hand over the
		// terminal; returning it from this command delivers it.
		return tea.ExecProcess(cmd, done)()
	}
}

// editorEnv is the console's environment without secretary's own
// variables: the editor, its plugins and whatever it runs have no business
// with the store's passphrase or key, as with exec and rotation functions.
func editorEnv(environ []string) []string {
	env := make([]string, 0, len(environ))
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "SECRETARY_") {
			env = append(env, kv)
		}
	}
	return env
}

// writePrivate writes value to a new 0600 file in a new 0700 directory.
func writePrivate(value []byte) (dir, path string, err error) {
	// Named after this process, so a hang-up or a crash cannot leave it
	// behind for long (see package scratch).
	dir, err = scratch.Mkdir(scratch.TmpfsBase(), scratch.Edit)
	if err != nil {
		return "", "", fmt.Errorf("create a private directory for the editor: %w", err)
	}
	// A .json name gives editors JSON highlighting.
	name := "secret.txt"
	if diff.IsObject(string(value)) {
		name = "secret.json"
	}
	path = filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("create the editor file: %w", err)
	}
	_, werr := f.Write(value)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("write the editor file: %w", err)
	}
	return dir, path, nil
}
