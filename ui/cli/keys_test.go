package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// slotIDs returns `keyslot list`'s ids and, for each, its type and whether
// it unlocked the command: "1:passphrase" or "2:key*".
func slotIDs(t *testing.T, out map[string]any) []string {
	t.Helper()
	var ids []string
	for _, s := range out["KeySlots"].([]any) {
		m := s.(map[string]any)
		id := fmt.Sprint(int64(m["KeySlotId"].(float64)))
		v := id + ":" + m["Type"].(string)
		if m["UnlockedThisCommand"] == true {
			v += "*"
		}
		ids = append(ids, v)
	}
	return ids
}

func TestKeySlotCommands(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	keyFile := filepath.Join(dir, "ci.key")
	withPass := func(p string, extra ...string) *env {
		return &env{t: t, dir: dir, vars: append([]string{"SECRETARY_STORE=" + store, "SECRETARY_PASSPHRASE=" + p}, extra...)}
	}
	first := withPass("first passphrase")
	if r := first.run("", "init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	first.ok("create-secret", "--name", "prod/db", "--secret-string", "s3cret")

	// A key file for automation, made with mode 0600; its text is also a
	// SECRETARY_KEY.
	r := first.run("", "keyslot", "add", "--new-key-file", keyFile)
	if r.code != 0 || !strings.Contains(r.stderr, "Added keyslot 2: the new key file "+keyFile) {
		t.Fatalf("keyslot add --new-key-file: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	keyText, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	byKey := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store, "SECRETARY_KEY=" + strings.TrimSpace(string(keyText))}}
	if got := strings.Join(slotIDs(t, byKey.ok("keyslot", "list")), " "); got != "1:passphrase 2:key*" {
		t.Fatalf("keyslot list unlocked by SECRETARY_KEY: %s", got)
	}
	if r := byKey.run("", "get", "prod/db"); r.code != 0 || r.stdout != "s3cret" {
		t.Fatalf("get with SECRETARY_KEY: %q %s", r.stdout, r.stderr)
	}
	byKey.fails(254, "\nAn error occurred (ResourceExistsException) when calling the AddKeySlot operation: this key already unlocks keyslot 2\n",
		"keyslot", "add", "--new-key-file", keyFile)
	byKey.fails(254, "\nAn error occurred (InvalidRequestException) when calling the RemoveKeySlot operation: keyslot 2 is the one the store was unlocked with; to remove it, unlock the store with another passphrase or key\n",
		"keyslot", "remove", "--key-slot-id", "2")
	byKey.fails(254, "\nAn error occurred (ResourceNotFoundException) when calling the RemoveKeySlot operation: the store has no keyslot 9\n",
		"keyslot", "remove", "--key-slot-id", "9")
	withNew := &env{t: t, dir: dir, vars: append(append([]string{}, byKey.vars...), "SECRETARY_NEW_PASSPHRASE=x")}
	withNew.fails(254, "\nAn error occurred (InvalidRequestException) when calling the ChangePassphrase operation: the store was unlocked with a key, not a passphrase; to add a passphrase, use `keyslot add --passphrase`\n",
		"keyslot", "change-passphrase")

	// Changing the passphrase: the old one stops working, the new one and
	// the key file still open the store, and the value is intact.
	first.fails(253, "\nsecretary: there is no terminal to type the new passphrase on: set SECRETARY_NEW_PASSPHRASE\n",
		"keyslot", "change-passphrase")
	changing := withPass("first passphrase", "SECRETARY_NEW_PASSPHRASE=second passphrase")
	r = changing.run("", "keyslot", "change-passphrase")
	if r.code != 0 || !strings.Contains(r.stderr, "Changed the passphrase: keyslot 3 replaces") {
		t.Fatalf("change-passphrase: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	first.fails(253, "\nsecretary: "+store+": the passphrase or key does not unlock this store\n", "get", "prod/db")
	second := withPass("second passphrase")
	if r := second.run("", "get", "prod/db"); r.code != 0 || r.stdout != "s3cret" {
		t.Fatalf("get with the new passphrase: %q %s", r.stdout, r.stderr)
	}
	if got := strings.Join(slotIDs(t, byKey.ok("keyslot", "list")), " "); got != "2:key* 3:passphrase" {
		t.Fatalf("keyslot list after the change: %s", got)
	}
	// Unlocked by the key file, the passphrase slot can go.
	if r := byKey.run("", "keyslot", "remove", "--key-slot-id", "3"); r.code != 0 || r.stderr != "Removed keyslot 3.\n" {
		t.Fatalf("remove: code %d %q", r.code, r.stderr)
	}
	second.fails(253, "\nsecretary: "+store+": the passphrase or key does not unlock this store\n", "get", "prod/db")

	byKey.fails(252, usageHead+"keyslot add needs exactly one of --passphrase and --new-key-file PATH\n", "keyslot", "add")
	byKey.fails(252, usageHead+"keyslot add needs exactly one of --passphrase and --new-key-file PATH\n",
		"keyslot", "add", "--passphrase", "--new-key-file", filepath.Join(dir, "other.key"))
	byKey.fails(252, usageHead+"keyslot list does not take --key-slot-id\n", "keyslot", "list", "--key-slot-id", "1")
	byKey.fails(252, usageHead+"argument action: Invalid choice: \"drop\" (choose from 'list', 'add', 'remove', 'change-passphrase')\n", "keyslot", "drop")
	if _, err := os.Stat(filepath.Join(dir, "other.key")); err == nil {
		t.Fatal("a refused command created a key file")
	}
	garbled := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store, "SECRETARY_KEY=not a key"}}
	garbled.fails(253, "\nsecretary: SECRETARY_KEY: the key is not base64 text (as `secretary init --key-file` writes it)\n", "keyslot", "list")
}

func TestKMSKeyCommands(t *testing.T) {
	e := newKeyFileStore(t)
	created := e.ok("kms-key", "create", "--alias", "payments")["KeyMetadata"].(map[string]any)
	if created["AliasName"] != "alias/payments" || created["KeyVersion"] != 1.0 || !uuidRE.MatchString(created["KeyId"].(string)) {
		t.Fatalf("kms-key create: %v", created)
	}
	e.ok("create-secret", "--name", "prod/pay", "--secret-string", "v1", "--kms-key-id", "alias/payments")
	e.ok("put-secret-value", "--secret-id", "prod/pay", "--secret-string", "v2")
	r := e.run("", "kms-key", "rotate", "--key-id", "payments")
	if r.code != 0 || r.stderr != "Rotated alias/payments to version 2; re-wrapped the data keys of 2 secret versions.\n" {
		t.Fatalf("kms-key rotate: code %d %q", r.code, r.stderr)
	}
	if r := e.run("", "get", "prod/pay", "--version-stage", "AWSPREVIOUS"); r.stdout != "v1" {
		t.Fatalf("previous version after rotation: %q %s", r.stdout, r.stderr)
	}
	keys := e.ok("kms-key", "list")["Keys"].([]any)
	if len(keys) != 2 {
		t.Fatalf("kms-key list: %v", keys)
	}
	def, pay := keys[0].(map[string]any), keys[1].(map[string]any)
	if def["AliasName"] != "alias/aws/secretsmanager" || def["KeyVersion"] != 1.0 || def["LastRotatedDate"] != nil {
		t.Errorf("default key: %v", def)
	}
	if pay["KeyId"] != created["KeyId"] || pay["KeyVersion"] != 2.0 || pay["SecretVersions"] != 2.0 || !timeRE.MatchString(pay["LastRotatedDate"].(string)) {
		t.Errorf("rotated key: %v", pay)
	}
	e.fails(254, "\nAn error occurred (ResourceExistsException) when calling the CreateKey operation: a key with alias payments already exists\n",
		"kms-key", "create", "--alias", "alias/payments")
	e.fails(254, "\nAn error occurred (ResourceNotFoundException) when calling the RotateKey operation: no key \"nope\" in this store\n",
		"kms-key", "rotate", "--key-id", "nope")
	e.fails(252, usageHead+"the following arguments are required: --alias\n", "kms-key", "create")
}

// TestStderrEscapesStoreStrings: lines on stderr that quote what a store
// holds (a key alias, a staging label in an error) show escape sequences
// and bidi overrides as visible escapes, never as bytes the terminal obeys.
func TestStderrEscapesStoreStrings(t *testing.T) {
	e := newKeyFileStore(t)
	const hostile = "\x1b]0;pwned\x07\x1b]52;c;aGk=\x07\u202e\u009b2J"
	const shown = `\x1b]0;pwned\x07\x1b]52;c;aGk=\x07\u202e\u009b2J`
	e.ok("kms-key", "create", "--alias", "k"+hostile)
	r := e.run("", "kms-key", "rotate", "--key-id", "k"+hostile)
	if want := "Rotated alias/k" + shown + " to version 2; re-wrapped the data keys of 0 secret versions.\n"; r.code != 0 || r.stderr != want {
		t.Fatalf("kms-key rotate: code %d, stderr %q, want %q", r.code, r.stderr, want)
	}
	v1 := e.ok("create-secret", "--name", "s", "--secret-string", "v1")["VersionId"].(string)
	e.ok("put-secret-value", "--secret-id", "s", "--secret-string", "v2", "--version-stages", "AWSCURRENT", "l"+hostile)
	// The label is on the second version: removing it from the first is
	// refused with an error that quotes it.
	r = e.run("", "update-secret-version-stage", "--secret-id", "s", "--version-stage", "l"+hostile,
		"--remove-from-version-id", v1)
	if r.code == 0 || !strings.Contains(r.stderr, "l"+shown) {
		t.Fatalf("update-secret-version-stage: code %d, stderr %q: the label is not quoted escaped", r.code, r.stderr)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u009b"} {
		if strings.Contains(r.stderr, bad) {
			t.Fatalf("stderr holds %q: %q", bad, r.stderr)
		}
	}
}
