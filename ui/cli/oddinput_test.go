package cli_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestOddInputsFailFast: endless or unusable inputs get a clear error and
// the documented exit code instead of exhausting memory or a stack trace.
func TestOddInputsFailFast(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses /dev/zero")
	}
	e := newKeyFileStore(t)
	r := e.run("", "create-secret", "--name", "z", "--secret-string", "file:///dev/zero")
	if r.code != 252 || !strings.Contains(r.stderr, "Unable to load paramfile file:///dev/zero: the file holds more than 65536 bytes") {
		t.Fatalf("file:///dev/zero: code %d, stderr %q", r.code, r.stderr)
	}
	r = e.run("", "create-secret", "--name", "z", "--secret-binary", "fileb:///dev/zero")
	if r.code != 252 || !strings.Contains(r.stderr, "more than 65536 bytes") {
		t.Fatalf("fileb:///dev/zero: code %d, stderr %q", r.code, r.stderr)
	}
	store := filepath.Join(e.dir, "store.db")
	empty := filepath.Join(e.dir, "empty-key")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ keyFile, want string }{
		{"/dev/zero", "more than 65536 bytes"},
		{empty, "holds 0 bytes; at least 16 are needed"},
		{e.dir, "is a directory"},
	} {
		bad := &env{t: t, dir: e.dir, vars: []string{"SECRETARY_STORE=" + store, "SECRETARY_KEY_FILE=" + c.keyFile}}
		r := bad.run("", "list-secrets")
		if r.code != 253 || !strings.Contains(r.stderr, "cannot use the key file") || !strings.Contains(r.stderr, c.want) {
			t.Errorf("key file %s: code %d, stderr %q", c.keyFile, r.code, r.stderr)
		}
	}
	// A store written by a newer secretary is a configuration problem.
	db, err := sql.Open("sqlite", store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r = e.run("", "list-secrets")
	if r.code != 253 || !strings.Contains(r.stderr, "schema version 99") {
		t.Fatalf("newer schema: code %d, stderr %q", r.code, r.stderr)
	}
}

// TestParameterValidation: values below the service model's minimum are
// refused before anything is opened, in the AWS CLI's words and with its
// exit code, even with no store at all.
func TestParameterValidation(t *testing.T) {
	dir := t.TempDir()
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + filepath.Join(dir, "none.db"), "SECRETARY_KEY_FILE=" + filepath.Join(dir, "none")}}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"list-secrets", "--max-results", "0"}, "Invalid value for parameter MaxResults, value: 0, valid min value: 1"},
		{[]string{"list-secret-version-ids", "--secret-id", "x", "--max-results", "-5"}, "Invalid value for parameter MaxResults, value: -5, valid min value: 1"},
		{[]string{"batch-get-secret-value", "--filters", "Key=name,Values=a", "--max-results", "0"}, "Invalid value for parameter MaxResults, value: 0, valid min value: 1"},
		{[]string{"get-random-password", "--password-length", "0"}, "Invalid value for parameter PasswordLength, value: 0, valid min value: 1"},
		{[]string{"describe-secret", "--secret-id", ""}, "Invalid length for parameter SecretId, value: 0, valid min length: 1"},
		{[]string{"rotate-secret", "--secret-id", "x", "--rotation-rules", "AutomaticallyAfterDays=0"}, "Invalid value for parameter RotationRules.AutomaticallyAfterDays, value: 0, valid min value: 1"},
		{[]string{"rotate-secret", "--secret-id", "x", "--rotation-rules", `{"AutomaticallyAfterDays":-1}`}, "Invalid value for parameter RotationRules.AutomaticallyAfterDays, value: -1, valid min value: 1"},
	} {
		e.fails(252, "\nParameter validation failed:\n"+c.want+"\n", c.args...)
	}
}
