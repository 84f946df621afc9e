package local

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNewerSchema says the file was written by a newer secretary, whose
// layout this one would misread; it refuses the file instead.
var ErrNewerSchema = errors.New("the store was written by a newer secretary")

// migrations upgrade a store file one schema version at a time:
// migrations[0] takes version 1 to 2, migrations[1] takes 2 to 3, and so
// on. schema (tx.go) is version 1, so a new store is made by the same
// steps an old one is upgraded by. To change the layout, append a step;
// never edit one that has shipped, since files out there were upgraded by
// it. Every step of an upgrade runs in one immediate transaction with the
// store unlocked (a step may need the root key), so a file is either fully
// upgraded or untouched.
var migrations = []func(t *txn) error{
	migrateRegion,        // 1 → 2
	migrateTagged,        // 2 → 3
	migrateIdentityMAC,   // 3 → 4
	migrateLastSeen,      // 4 → 5
	migrateAccessControl, // 5 → 6
}

// currentSchema is the schema version this code writes and reads.
func currentSchema() int { return 1 + len(migrations) }

// parseSchemaVersion reads the meta row's text.
func parseSchemaVersion(path, text string) (int, error) {
	v, err := strconv.Atoi(text)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("%s: %w (schema version %q)", path, ErrCorrupt, text)
	}
	if v > currentSchema() {
		return 0, fmt.Errorf("%s has schema version %d; this secretary reads versions up to %d (upgrade secretary): %w",
			path, v, currentSchema(), ErrNewerSchema)
	}
	return v, nil
}

// upgrade applies the steps from version from to the current one inside t
// and records the new version. The caller holds the write transaction.
func (t *txn) upgrade(from int) error {
	for v := from; v < currentSchema(); v++ {
		if err := migrations[v-1](t); err != nil {
			return fatal(fmt.Errorf("upgrade the store from schema version %d to %d: %w", v, v+1, err))
		}
	}
	_, err := t.exec(`UPDATE meta SET value = ? WHERE key = 'schema_version'`, strconv.Itoa(currentSchema()))
	return internal(err)
}

// migrateRegion records the store's region and account, which every ARN
// holds. A store made before they were chosen at init keeps what its ARNs
// already say, so its secrets stay where they are.
func migrateRegion(t *txn) error {
	region, account := t.s.opts.Region, t.s.opts.Account
	var arn string
	err := t.queryRow(`SELECT arn FROM secrets ORDER BY id LIMIT 1`).Scan(&arn)
	if err == nil {
		// arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX
		parts := strings.SplitN(arn, ":", 7)
		if len(parts) == 7 && parts[5] == "secret" {
			region, account = parts[3], parts[4]
		}
	}
	_, err = t.exec(`INSERT INTO meta(key, value) VALUES ('region', ?), ('account', ?)`, region, account)
	return err
}

// migrateTagged adds the mark of a secret that has had tags: AWS answers
// "Tags": [] for it once the last tag is gone, and no Tags at all for a
// secret never tagged.
func migrateTagged(t *txn) error {
	if _, err := t.exec(`ALTER TABLE secrets ADD COLUMN tagged INTEGER NOT NULL DEFAULT 0`); err != nil {
		return err
	}
	_, err := t.exec(`UPDATE secrets SET tagged = 1 WHERE tags_json <> '[]'`)
	return err
}

// migrateLastSeen keeps each actor's latest audit time in a table of its
// own, so listing access keys with their last use stays one small read
// however long the audit log grows, and survives the records' pruning.
func migrateLastSeen(t *txn) error {
	if _, err := t.exec(`CREATE TABLE actor_last_seen (actor TEXT PRIMARY KEY, time INTEGER NOT NULL) WITHOUT ROWID`); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO actor_last_seen(actor, time) SELECT actor, max(time) FROM audit WHERE outcome <> '' GROUP BY actor`)
	return err
}

// migrateIdentityMAC adds the MAC that binds each secret's name and
// labels to its ARN (see identityMAC) and computes it for the secrets there are: whatever
// the file says at the upgrade is taken as true.
func migrateIdentityMAC(t *txn) error {
	if _, err := t.exec(`ALTER TABLE secrets ADD COLUMN ident_mac BLOB`); err != nil {
		return err
	}
	rows, err := t.query(`SELECT id, arn, name, stages_json FROM secrets`)
	if err != nil {
		return err
	}
	type ident struct {
		id        int64
		arn, name string
		stages    []byte
	}
	var all []ident
	for rows.Next() {
		var r ident
		if err := rows.Scan(&r.id, &r.arn, &r.name, &r.stages); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range all {
		mac, err := t.s.identityMAC(r.arn, r.name, r.stages)
		if err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE secrets SET ident_mac = ? WHERE id = ?`, mac, r.id); err != nil {
			return err
		}
	}
	return nil
}

// migrateAccessControl makes access control part of every store: the
// tables of principals and policies (made lazily by stores before it, so
// they may exist already), a built-in administrator user holding the
// AdministratorAccess inline policy, to which every access key that acts as
// no user is given (so an upgrade takes no access away), and two audit
// fields: the principal that acted and the statement that decided a
// denial.
func migrateAccessControl(t *txn) error {
	for _, q := range append(iamSchema, accessKeysTable) {
		if _, err := t.exec(q); err != nil {
			return err
		}
	}
	name, err := t.freeUserName(builtinAdmin)
	if err != nil {
		return err
	}
	id, err := newPrincipalID("AIDA")
	if err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO iam_users(name, id, created) VALUES (?, ?, ?)`, name, id, t.now.UnixNano()); err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO iam_policies(kind, owner, name, document) VALUES ('user', ?, ?, ?)`,
		name, adminPolicyName, adminPolicy); err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO meta(key, value) VALUES ('admin_user', ?)`, name); err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO iam_access_keys(key_id, user_name)
		SELECT id, ? FROM access_keys WHERE id NOT IN (SELECT key_id FROM iam_access_keys)`, name); err != nil {
		return err
	}
	for _, q := range []string{
		`ALTER TABLE audit ADD COLUMN principal TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE audit ADD COLUMN decided_by TEXT NOT NULL DEFAULT ''`,
	} {
		if _, err := t.exec(q); err != nil {
			return err
		}
	}
	return nil
}

// freeUserName returns name, or when a user of that name exists already
// (made by hand before the upgrade, with rights of its own) the first of
// name-2, name-3, … that is free.
func (t *txn) freeUserName(name string) (string, error) {
	for i := 1; ; i++ {
		try := name
		if i > 1 {
			try = fmt.Sprintf("%s-%d", name, i)
		}
		var n int
		if err := t.queryRow(`SELECT count(*) FROM iam_users WHERE name = ?`, try).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return try, nil
		}
	}
}
