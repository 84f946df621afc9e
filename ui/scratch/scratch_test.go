package scratch

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

func TestTmpfsBase(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "")
	want := os.TempDir()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		want = "/dev/shm"
	}
	if got := TmpfsBase(); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	t.Setenv("XDG_RUNTIME_DIR", "/nonexistent/runtime")
	if got := TmpfsBase(); got != want {
		t.Errorf("missing XDG_RUNTIME_DIR: got %s, want %s", got, want)
	}
}

func TestOwner(t *testing.T) {
	for name, want := range map[string]int{
		"secretary-edit-123-456789": 123, "secretary-demo-9-x": 9,
		"secretary-edit-abc-1": 0, "secretary-other-5-1": 0, "secretary-edit-5": 0, "elsewhere-edit-5-1": 0,
	} {
		if got, _ := owner(name); got != want {
			t.Errorf("%s: %d, want %d", name, got, want)
		}
	}
}

// TestRemoveOwnAndSweepDead: a process removes its own directories; a later
// one removes those of a process that died, and leaves a live one's alone.
func TestRemoveOwnAndSweepDead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("liveness of other processes is checked on Unix only")
	}
	runDir, tmpDir := t.TempDir(), t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", runDir)
	t.Setenv("TMPDIR", tmpDir)
	edit, err := Mkdir(TmpfsBase(), Edit)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(edit); err != nil || fi.Mode().Perm() != 0o700 || filepath.Dir(edit) != runDir {
		t.Fatalf("edit dir %s: %v %v", edit, fi, err)
	}
	if err := os.WriteFile(filepath.Join(edit, ".secret.txt.swp"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	demo, err := Mkdir(os.TempDir(), Demo)
	if err != nil || filepath.Dir(demo) != tmpDir {
		t.Fatalf("demo dir %s: %v", demo, err)
	}
	// A process that has exited, and one that runs (the parent of the
	// test, which outlives it).
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadDir := filepath.Join(runDir, "secretary-edit-"+itoa(dead.Process.Pid)+"-1")
	liveDir := filepath.Join(tmpDir, "secretary-demo-"+itoa(os.Getppid())+"-1")
	unrelated := filepath.Join(runDir, "secretary-notes")
	for _, d := range []string{deadDir, liveDir, unrelated} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := SweepDead(); err != nil {
		t.Fatal(err)
	}
	for d, want := range map[string]bool{deadDir: false, liveDir: true, unrelated: true, edit: true, demo: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("after SweepDead, %s exists = %v, want %v", d, err == nil, want)
		}
	}
	if err := RemoveOwn(); err != nil {
		t.Fatal(err)
	}
	for d, want := range map[string]bool{liveDir: true, unrelated: true, edit: false, demo: false} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("after RemoveOwn, %s exists = %v, want %v", d, err == nil, want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
