package cli_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// init --region and --account-id choose what every ARN holds, so an
// application that builds an ARN for that region and account finds the
// secret.
func TestInitChoosesRegionAndAccount(t *testing.T) {
	dir := t.TempDir()
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + filepath.Join(dir, "store.db"), "SECRETARY_KEY_FILE=" + filepath.Join(dir, "key")}}
	if r := e.run("", "init", "--region", "us-west-2", "--account-id", "123456789012"); r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	out := e.ok("create-secret", "--name", "app/db", "--secret-string", "v")
	arn, _ := out["ARN"].(string)
	if !strings.HasPrefix(arn, "arn:aws:secretsmanager:us-west-2:123456789012:secret:app/db-") {
		t.Fatalf("ARN %q", arn)
	}
	if r := e.run("", "get", "arn:aws:secretsmanager:us-west-2:123456789012:secret:app/db"); r.code != 0 || r.stdout != "v" {
		t.Fatalf("get by the partial ARN an application builds: %d %q %q", r.code, r.stdout, r.stderr)
	}

	bad := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + filepath.Join(dir, "bad.db"), "SECRETARY_KEY_FILE=" + filepath.Join(dir, "key")}}
	r := bad.run("", "init", "--account-id", "12345")
	if r.code == 0 || !strings.Contains(r.stderr, "12 digits") {
		t.Fatalf("init with a 5-digit account id: %d %q", r.code, r.stderr)
	}
}

// A store written by a newer secretary is configuration the operator must
// fix (upgrade secretary): exit 253, as for a missing store.
func TestNewerSchemaExits253(t *testing.T) {
	e := newKeyFileStore(t)
	db, err := sql.Open("sqlite", filepath.Join(e.dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE meta SET value = '999' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := e.run("", "list-secrets")
	if r.code != 253 || !strings.Contains(r.stderr, "upgrade secretary") {
		t.Fatalf("list-secrets on a newer store: %d %q", r.code, r.stderr)
	}
}

// Swapping two secrets' names in the file, without the key, makes get
// fail with an integrity error instead of printing the other secret.
func TestGetRefusesSwappedNames(t *testing.T) {
	e := newKeyFileStore(t)
	e.ok("create-secret", "--name", "prod/db", "--secret-string", "db-password")
	e.ok("create-secret", "--name", "prod/other", "--secret-string", "other-password")
	db, err := sql.Open("sqlite", filepath.Join(e.dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE secrets SET name = 'swap' WHERE name = 'prod/db'`,
		`UPDATE secrets SET name = 'prod/db' WHERE name = 'prod/other'`,
		`UPDATE secrets SET name = 'prod/other' WHERE name = 'swap'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	r := e.run("", "get", "prod/db")
	if r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, "changed outside secretary") {
		t.Fatalf("get after a swap: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
