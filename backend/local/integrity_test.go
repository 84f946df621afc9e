package local

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// rawExec edits a closed store's file the way someone with the file but
// without its key could.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func rawQuery(t *testing.T, path, q string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out string
	if err := db.QueryRow(q).Scan(&out); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// keyStore makes a store unlocked by a raw key at a path of its own and
// returns the path and the credential.
func keyStore(t *testing.T, opts Options) (string, Credential) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	cred := Credential{Key: []byte("integrity-test-key-0123456789abc")}
	s, err := Init(context.Background(), path, cred, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return path, cred
}

func reopen(t *testing.T, path string, cred Credential, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, cred, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Swapping the names of two secrets in the file, without the key, must not
// make a read of one return the other's value.
func TestSwappedSecretNamesFailIntegrityCheck(t *testing.T) {
	ctx := context.Background()
	path, cred := keyStore(t, Options{})
	s := reopen(t, path, cred, Options{})
	db := mustCreate(t, s, "prod/db", "db-password")
	other := mustCreate(t, s, "prod/other", "other-password")
	s.Close()
	rawExec(t, path,
		`UPDATE secrets SET name = 'swap' WHERE name = 'prod/db'`,
		`UPDATE secrets SET name = 'prod/db' WHERE name = 'prod/other'`,
		`UPDATE secrets SET name = 'prod/other' WHERE name = 'swap'`)
	s = reopen(t, path, cred, Options{})
	for _, id := range []string{"prod/db", "prod/other", db.ARN, other.ARN} {
		v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: id})
		if !errors.Is(err, ErrIntegrity) {
			t.Fatalf("GetSecretValue(%s) = %v, %v; want ErrIntegrity", id, v, err)
		}
		if !strings.Contains(err.Error(), "changed outside secretary") {
			t.Fatalf("message %q does not say what happened", err)
		}
		if _, err := s.DescribeSecret(ctx, id); !errors.Is(err, ErrIntegrity) {
			t.Fatalf("DescribeSecret(%s) = %v; want ErrIntegrity", id, err)
		}
		if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: id, SecretString: str("x")}); !errors.Is(err, ErrIntegrity) {
			t.Fatalf("PutSecretValue(%s) = %v; want ErrIntegrity", id, err)
		}
	}
	bg, err := s.BatchGetSecretValue(ctx, &backend.BatchGetSecretValueInput{SecretIDList: []string{"prod/db"}})
	if err == nil && len(bg.SecretValues) != 0 {
		t.Fatalf("BatchGetSecretValue returned %+v", bg.SecretValues)
	}
	// The refusals are audited as failures.
	recs, err := s.AuditLog(ctx, backend.AuditQuery{Limit: 1})
	if err != nil || len(recs) != 1 || recs[0].Outcome != "error" {
		t.Fatalf("last audit record %+v %v, want a failure", recs, err)
	}
}

// A name edited in place, or a row added without the key, is refused too.
func TestEditedOrForgedSecretRowFailsIntegrityCheck(t *testing.T) {
	ctx := context.Background()
	path, cred := keyStore(t, Options{})
	s := reopen(t, path, cred, Options{})
	mustCreate(t, s, "prod/db", "db-password")
	s.Close()
	rawExec(t, path,
		`UPDATE secrets SET name = 'prod/renamed' WHERE name = 'prod/db'`,
		`INSERT INTO secrets(arn, name, created, last_changed, ident_mac)
			SELECT arn || 'x', 'prod/forged', created, last_changed, ident_mac FROM secrets WHERE name = 'prod/renamed'`)
	s = reopen(t, path, cred, Options{})
	for _, id := range []string{"prod/renamed", "prod/forged"} {
		if _, err := s.DescribeSecret(ctx, id); !errors.Is(err, ErrIntegrity) {
			t.Fatalf("DescribeSecret(%s) = %v; want ErrIntegrity", id, err)
		}
	}
}

// A schema version 1 file (made by the release before migrations) is
// upgraded on open and keeps its secrets, region and account.
func TestOpenUpgradesSchemaV1File(t *testing.T) {
	ctx := context.Background()
	fixture, err := os.ReadFile(filepath.Join("testdata", "store-v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "store.db")
	if err := os.WriteFile(path, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	cred := Credential{Key: []byte("schema-v1-fixture-key-0123456789")}
	s := reopen(t, path, cred, Options{})
	if got := rawQuery(t, path, `SELECT value FROM meta WHERE key = 'schema_version'`); got != strconv.Itoa(currentSchema()) {
		t.Fatalf("schema version %s after open, want %d", got, currentSchema())
	}
	if info := s.Info(); info.Region != "eu-west-1" || info.Account != "123456789012" {
		t.Fatalf("region/account %s/%s, want the ones the file's ARNs hold", info.Region, info.Account)
	}
	v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db"})
	if *v.SecretString != "v1-value" {
		t.Fatalf("value %q", *v.SecretString)
	}
	if err := s.UntagResource(ctx, &backend.UntagResourceInput{SecretID: "prod/db", TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if m, err := s.DescribeSecret(ctx, "prod/db"); err != nil || m.Tags == nil || len(m.Tags) != 0 {
		t.Fatalf("tags of a secret tagged before the upgrade, after untagging: %#v %v; want []", m.Tags, err)
	}
	if m, err := s.DescribeSecret(ctx, "prod/other"); err != nil || m.Tags != nil {
		t.Fatalf("tags of a secret never tagged: %#v %v; want none", m.Tags, err)
	}
	recs, err := s.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		found = found || r.Operation == "UpgradeStore"
	}
	if !found {
		t.Fatal("the upgrade left no audit record")
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit chain after the upgrade: %v", err)
	}
}

// A file from a newer secretary is refused, untouched, with ErrNewerSchema.
func TestOpenRefusesNewerSchema(t *testing.T) {
	path, cred := keyStore(t, Options{})
	rawExec(t, path, `UPDATE meta SET value = '`+strconv.Itoa(currentSchema()+1)+`' WHERE key = 'schema_version'`)
	before := rawQuery(t, path, `SELECT count(*) FROM audit`)
	_, err := Open(context.Background(), path, cred, Options{})
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade secretary") {
		t.Fatalf("Open = %v, want ErrNewerSchema saying to upgrade", err)
	}
	if after := rawQuery(t, path, `SELECT count(*) FROM audit`); after != before {
		t.Fatalf("refusing the file wrote to it: %s audit records, was %s", after, before)
	}
}

// An Argon2id cost edited into a keyslot is refused before any derivation
// runs, with a message naming the slot and the bound.
func TestOpenRefusesOutOfRangeKDFParameters(t *testing.T) {
	for _, tc := range []struct{ column, value, want string }{
		{"kdf_time", "4294967295", "passes"},
		{"kdf_time", "0", "passes"},
		{"kdf_mem", "4294967295", "memory"},
		{"kdf_threads", "255", "lanes"},
	} {
		t.Run(tc.column+"="+tc.value, func(t *testing.T) {
			s := newStore(t, Options{})
			path := s.Path()
			s.Close()
			rawExec(t, path, `UPDATE keyslots SET `+tc.column+` = `+tc.value+` WHERE kind = 'passphrase'`)
			start := time.Now()
			_, err := Open(context.Background(), path, testPass(), Options{})
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "keyslot") {
				t.Fatalf("Open = %v, want ErrCorrupt naming the keyslot's %s", err, tc.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("refusing took %v: the derivation ran", d)
			}
		})
	}
}

// Init refuses a cost outside the bounds instead of writing a slot that
// could not be opened again.
func TestInitRefusesOutOfRangeKDF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	_, err := Init(context.Background(), path, testPass(), Options{KDF: &KDFParams{Time: 1000, MemoryKiB: 64, Threads: 1}})
	if err == nil || !strings.Contains(err.Error(), "passes") {
		t.Fatalf("Init = %v, want a refusal of 1000 passes", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused Init left a file: %v", err)
	}
}

// A store's region and account are chosen at Init, recorded in the file
// and used in every ARN, whatever a later Open is given, so an
// application that builds ARNs for that region and account finds its
// secrets.
func TestRegionAndAccountChosenAtInit(t *testing.T) {
	ctx := context.Background()
	path, cred := keyStore(t, Options{Region: "us-west-2", Account: "123456789012"})
	s := reopen(t, path, cred, Options{})
	out := mustCreate(t, s, "app/db", "v")
	if !strings.HasPrefix(out.ARN, "arn:aws:secretsmanager:us-west-2:123456789012:secret:app/db-") {
		t.Fatalf("ARN %s", out.ARN)
	}
	if info := s.Info(); info.Region != "us-west-2" || info.Account != "123456789012" {
		t.Fatalf("Info %+v", info)
	}
	s.Close()
	s = reopen(t, path, cred, Options{Region: "eu-central-1", Account: "999999999999"})
	if got := s.Region(); got != "us-west-2" {
		t.Fatalf("Region() = %s after reopening, want the recorded us-west-2", got)
	}
	for _, id := range []string{out.ARN, "arn:aws:secretsmanager:us-west-2:123456789012:secret:app/db"} {
		if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: id}); v.ARN != out.ARN {
			t.Fatalf("GetSecretValue(%s) answered %s", id, v.ARN)
		}
	}
	// The same ARN for another region or account names no secret here.
	_, err := s.DescribeSecret(ctx, "arn:aws:secretsmanager:local:000000000000:secret:app/db")
	wantCode(t, err, backend.CodeResourceNotFound)
	if !bytes.Contains([]byte(rawQuery(t, path, `SELECT value FROM meta WHERE key = 'region'`)), []byte("us-west-2")) {
		t.Fatal("the region is not recorded in the store")
	}
}

// Moving AWSCURRENT back to an old version in the file, without the key,
// must not hand out the old value; the edit is refused whether only the
// stages table or also the listing copy was changed.
func TestEditedStagingLabelsFailIntegrityCheck(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		edits []string
	}{
		{"the stages table", []string{
			`UPDATE stages SET version_id = (SELECT version_id FROM stages WHERE stage = 'AWSPREVIOUS') WHERE stage = 'AWSCURRENT'`,
		}},
		{"the stages table and its listing copy", []string{
			`UPDATE stages SET version_id = (SELECT version_id FROM stages WHERE stage = 'AWSPREVIOUS') WHERE stage = 'AWSCURRENT'`,
			`UPDATE secrets SET stages_json = (SELECT json_group_object(version_id, json(labels)) FROM
				(SELECT version_id, json_group_array(stage) AS labels FROM stages GROUP BY version_id))`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, cred := keyStore(t, Options{})
			s := reopen(t, path, cred, Options{})
			mustCreate(t, s, "prod/db", "old-password")
			if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "prod/db", SecretString: str("new-password")}); err != nil {
				t.Fatal(err)
			}
			s.Close()
			rawExec(t, path, tc.edits...)
			s = reopen(t, path, cred, Options{})
			v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/db"})
			if !errors.Is(err, ErrIntegrity) {
				t.Fatalf("GetSecretValue = %+v, %v; want ErrIntegrity", v, err)
			}
			// A write must not launder the edit into a freshly sealed row.
			if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "prod/db", SecretString: str("x")}); !errors.Is(err, ErrIntegrity) {
				t.Fatalf("PutSecretValue = %v; want ErrIntegrity", err)
			}
			if _, err := s.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: "prod/db"}); !errors.Is(err, ErrIntegrity) {
				t.Fatalf("ListSecretVersionIds = %v; want ErrIntegrity", err)
			}
		})
	}
}
