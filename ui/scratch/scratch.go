// Package scratch makes the private directories that may hold plaintext for
// a moment (the file $EDITOR edits, the --demo store) and makes sure they do
// not outlive the process that made them.
//
// The owner's process id is part of each directory's name, so no registry
// is needed: a process removes its own directories on exit or on a signal
// (RemoveOwn), and a later one removes those whose process has died without
// doing so, killed or crashed (SweepDead).
package scratch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Kinds of directory; the name is Prefix+kind+"-"+pid+"-"+random.
const (
	Edit   = "edit"
	Demo   = "demo"
	Prefix = "secretary-"
)

// Mkdir creates a new 0700 directory of kind under base, named after this
// process.
func Mkdir(base, kind string) (string, error) {
	dir, err := os.MkdirTemp(base, fmt.Sprintf("%s%s-%d-", Prefix, kind, os.Getpid()))
	if err != nil {
		return "", err
	}
	// MkdirTemp uses 0700 already; say it explicitly in case that changes.
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// TmpfsBase is where an edit file goes: memory-backed where there is such a
// place ($XDG_RUNTIME_DIR, /dev/shm), so the value never reaches a disk.
func TmpfsBase() string {
	for _, d := range []string{os.Getenv("XDG_RUNTIME_DIR"), "/dev/shm"} {
		if d == "" {
			continue
		}
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	return os.TempDir()
}

// bases are the directories Mkdir is called with.
func bases() []string {
	b := []string{TmpfsBase()}
	if t := os.TempDir(); t != b[0] {
		b = append(b, t)
	}
	return b
}

// owner parses the process id out of a scratch directory's name.
func owner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, Prefix)
	if !ok {
		return 0, false
	}
	parts := strings.SplitN(rest, "-", 3)
	if len(parts) != 3 || (parts[0] != Edit && parts[0] != Demo) {
		return 0, false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

// remove deletes every scratch directory in the bases for which drop
// reports true, and returns what it could not delete.
func remove(drop func(pid int, fi os.FileInfo) bool) error {
	var errs []error
	for _, base := range bases() {
		entries, err := os.ReadDir(base)
		if err != nil {
			continue
		}
		for _, e := range entries {
			pid, ok := owner(e.Name())
			if !ok || !e.IsDir() {
				continue
			}
			fi, err := e.Info()
			if err != nil || !drop(pid, fi) {
				continue
			}
			if err := os.RemoveAll(filepath.Join(base, e.Name())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// RemoveOwn removes this process's scratch directories. It is safe to call
// more than once and from a signal handler's goroutine.
func RemoveOwn() error {
	me := os.Getpid()
	return remove(func(pid int, _ os.FileInfo) bool { return pid == me })
}

// SweepDead removes the scratch directories of this user's processes that
// no longer run: what a SIGKILL or a power cut left behind.
func SweepDead() error {
	me := os.Getpid()
	return remove(func(pid int, fi os.FileInfo) bool {
		return pid != me && ownedByMe(fi) && !alive(pid)
	})
}
