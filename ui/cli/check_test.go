package cli_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestInitRefusesAKeyFileOthersCanRead: as ssh refuses an unprotected
// private key, init refuses an existing key file with group or other
// access, creates nothing, and goes ahead only with --force.
func TestInitRefusesAKeyFileOthersCanRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes on Windows")
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "key")
	if err := os.WriteFile(key, []byte("c2l4dGVlbiBieXRlcyBsb25nIGF0IGxlYXN0Cg==\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "store.db")
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store, "SECRETARY_KEY_FILE=" + key}}
	e.fails(253, "\nsecretary: key file "+key+" has mode 0644: others can read it and unlock the store (chmod 600 "+key+"); nothing was created (--force uses it anyway)\n", "init")
	if _, err := os.Stat(store); !os.IsNotExist(err) {
		t.Fatalf("a store was created: %v", err)
	}
	r := e.run("", "init", "--force")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: key file "+key+" has mode 0644") {
		t.Fatalf("init --force: code %d, stderr %q", r.code, r.stderr)
	}
}

// TestCheck: check passes a private store and key file, and names each
// problem (a store others can read, a key file beside the store) with exit 1.
func TestCheck(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes on Windows")
	}
	storeDir, keyDir := filepath.Join(t.TempDir(), "store"), t.TempDir()
	store, key := filepath.Join(storeDir, "store.db"), filepath.Join(keyDir, "key")
	e := &env{t: t, dir: storeDir, vars: []string{"SECRETARY_STORE=" + store, "SECRETARY_KEY_FILE=" + key}}
	if r := e.run("", "init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	r := e.run("", "check")
	if r.code != 0 || strings.Contains(r.stdout, "problem") || !strings.Contains(r.stdout, "ok       store "+store+" has mode 0600") ||
		!strings.Contains(r.stdout, "ok       key file "+key+" is readable by you alone") {
		t.Fatalf("check of a private store: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if err := os.Chmod(store, 0o644); err != nil {
		t.Fatal(err)
	}
	beside := filepath.Join(storeDir, "key")
	if err := os.Rename(key, beside); err != nil {
		t.Fatal(err)
	}
	e.vars = []string{"SECRETARY_STORE=" + store, "SECRETARY_KEY_FILE=" + beside}
	r = e.run("", "check")
	if r.code != 1 || !strings.Contains(r.stdout, "problem  store "+store+" has mode 0644; want 0600 (chmod 600 "+store+")") ||
		!strings.Contains(r.stdout, "problem  key file "+beside+" is in the store's directory") {
		t.Fatalf("check of an exposed store: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestAuditVerify: an intact chain exits 0; an altered record exits 1 and
// is named.
func TestAuditVerify(t *testing.T) {
	e := newKeyFileStore(t)
	e.ok("create-secret", "--name", "a", "--secret-string", "v1")
	e.ok("put-secret-value", "--secret-id", "a", "--secret-string", "v2")
	r := e.run("", "audit", "verify")
	if r.code != 0 || r.stdout != "audit log: the chain is intact\n" {
		t.Fatalf("intact: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	db, err := sql.Open("sqlite", filepath.Join(e.dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit SET outcome = 'failure' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r = e.run("", "audit", "verify")
	if r.code != 1 || r.stderr != "audit log: record 2 contents do not match its hash (altered)\n" || r.stdout != "" {
		t.Fatalf("altered: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	e.fails(252, usageHead+"audit needs an action: verify, export, prune or retention\n", "audit")
}

// TestAuditRetentionCommands: a policy set from the command line prunes
// the log, archiving what it removes first; the chain still verifies and
// the export reads as CloudTrail events.
func TestAuditRetentionCommands(t *testing.T) {
	e := newKeyFileStore(t)
	e.ok("create-secret", "--name", "a", "--secret-string", "v1")
	for i := 0; i < 5; i++ {
		e.ok("get-secret-value", "--secret-id", "a")
	}
	archive := filepath.Join(e.dir, "archive")
	r := e.run("", "audit", "retention")
	if r.code != 0 || r.stdout != "keep records for: 90 days\nkeep at most:     no limit records\narchive to:       none (removed records are not kept)\n" {
		t.Fatalf("default retention: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = e.run("", "audit", "retention", "--max-records", "3", "--archive-dir", archive)
	if r.code != 0 || !strings.Contains(r.stdout, "keep at most:     3 records") || !strings.Contains(r.stdout, "archive to:       "+archive) {
		t.Fatalf("set retention: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = e.run("", "audit", "prune")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "audit log: removed ") || !strings.Contains(r.stdout, "archived them first in "+archive) {
		t.Fatalf("prune: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(archive, "audit-*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("archive files: %q", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("archive mode: %v %v", fi, err)
	}
	data, _ := os.ReadFile(files[0])
	var removed int
	if _, err := fmt.Sscanf(strings.TrimPrefix(r.stdout, "audit log: removed "), "%d", &removed); err != nil || removed < 5 ||
		strings.Count(string(data), "\n") != removed || !strings.Contains(string(data), `"eventName":"CreateSecret"`) {
		t.Fatalf("archive holds %d lines for %d removed:\n%s", strings.Count(string(data), "\n"), removed, data)
	}
	if strings.Contains(string(data), "v1") {
		t.Fatal("the archive holds a value")
	}
	if r := e.run("", "audit", "verify"); r.code != 0 {
		t.Fatalf("verify after prune: code %d, stderr %q", r.code, r.stderr)
	}
	r = e.run("", "audit", "export", "--since", "2000-01-01")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var last map[string]any
	if r.code != 0 || len(lines) < 3 || json.Unmarshal([]byte(lines[len(lines)-1]), &last) != nil ||
		last["eventSource"] != "secretsmanager.amazonaws.com" || !strings.Contains(r.stderr, "exported") {
		t.Fatalf("export: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	e.fails(252, usageHead+"argument --since: \"yesterday\" is not a date (2026-12-01) or an RFC 3339 time (2026-12-01T09:00:00Z)\n", "audit", "export", "--since", "yesterday")
	e.fails(252, usageHead+"audit verify does not take --max-records\n", "audit", "verify", "--max-records", "3")
}
