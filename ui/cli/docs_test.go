package cli

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated manual pages, completion scripts and command reference")

// repoRoot is the repository's root, two levels above this package.
const repoRoot = "../.."

// TestGeneratedDocs fails when a committed manual page, completion script
// or the command reference no longer matches the command table: the
// binary's --help and its documentation are one source.
func TestGeneratedDocs(t *testing.T) {
	files := generatedDocs()
	if *updateDocs {
		if err := writeAll(files, func(p, content string) error {
			full := filepath.Join(repoRoot, p)
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			return os.WriteFile(full, []byte(content), 0o644)
		}); err != nil {
			t.Fatal(err)
		}
	}
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(repoRoot, p))
		if err != nil {
			t.Errorf("%s: %v (regenerate with: go test ./ui/cli -run TestGeneratedDocs -update)", p, err)
			continue
		}
		if string(got) != want {
			t.Errorf("%s is stale (regenerate with: go test ./ui/cli -run TestGeneratedDocs -update)", p)
		}
	}
	// A page for a command that no longer exists is stale too.
	pages, _ := filepath.Glob(filepath.Join(repoRoot, "docs/man/*.1"))
	for _, full := range pages {
		rel := "docs/man/" + filepath.Base(full)
		if _, ok := files[rel]; !ok {
			t.Errorf("%s names no command any more; remove it", rel)
		}
	}
}

// TestManPagesRender runs man(1) on every generated page and fails on any
// warning groff gives, so a page that man shows wrongly does not ship.
func TestManPagesRender(t *testing.T) {
	if _, err := exec.LookPath("man"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("man is not installed; CI must install it (.ci/run installs man-db)")
		}
		t.Skip("man is not installed (.ci/run installs man-db); this test renders the manual pages with it")
	}
	dir := t.TempDir()
	files := generatedDocs()
	n := 0
	for p, content := range files {
		if !strings.HasSuffix(p, ".1") {
			continue
		}
		path := filepath.Join(dir, filepath.Base(p))
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("man", "--warnings=all", "-l", path)
		cmd.Env = append(os.Environ(), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=80", "LANG=C.UTF-8")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Errorf("man -l %s: %v\n%s", p, err, stderr.String())
			continue
		}
		name := strings.TrimSuffix(filepath.Base(p), ".1")
		if !strings.Contains(string(out), strings.ToUpper(name)) || !strings.Contains(string(out), "NAME") {
			t.Errorf("man -l %s shows no title or NAME section:\n%s", p, out)
		}
		n++
	}
	if n < len(commandTable())+1 {
		t.Fatalf("rendered %d pages, want one per command plus secretary(1): %d", n, len(commandTable())+1)
	}
}

// TestHelpAndManualAgree checks that every parameter --help lists for a
// command appears in its manual page, so they come from one table.
func TestHelpAndManualAgree(t *testing.T) {
	for _, c := range commandTable() {
		var help bytes.Buffer
		(&app{}).printCommandHelp(&help, c)
		page := manCommand(c)
		for _, p := range c.params {
			if !strings.Contains(help.String(), "--"+p.name) {
				t.Errorf("%s --help does not list --%s", c.name, p.name)
			}
			if !strings.Contains(page, roff("--"+p.name)) {
				t.Errorf("the manual page of %s does not list --%s", c.name, p.name)
			}
		}
	}
}
