package local

import (
	"context"
	"database/sql"
	"errors"

	"github.com/secretary-sh/secretary/backend"
)

var _ backend.ResourcePolicies = (*Store)(nil)

// iamSchema holds the tables of access control, made by the schema
// migration migrateAccessControl. IF NOT EXISTS because stores of schema 5
// made them lazily, on their first write of a policy or a principal; the
// statements must not change, since files were upgraded by them.
var iamSchema = []string{
	`CREATE TABLE IF NOT EXISTS resource_policies (
		secret_id INTEGER PRIMARY KEY REFERENCES secrets(id) ON DELETE CASCADE,
		policy TEXT NOT NULL,
		updated INTEGER NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS iam_users (
		name TEXT PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		created INTEGER NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS iam_groups (
		name TEXT PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		created INTEGER NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS iam_group_members (
		group_name TEXT NOT NULL REFERENCES iam_groups(name),
		user_name TEXT NOT NULL REFERENCES iam_users(name),
		PRIMARY KEY (group_name, user_name))`,
	// Inline policies of users (kind 'user') and groups (kind 'group').
	`CREATE TABLE IF NOT EXISTS iam_policies (
		kind TEXT NOT NULL CHECK (kind IN ('user', 'group')),
		owner TEXT NOT NULL,
		name TEXT NOT NULL,
		document TEXT NOT NULL,
		PRIMARY KEY (kind, owner, name))`,
	// The user an access key acts as. Every key has a row: the upgrade
	// gave keys made before principals existed to the built-in
	// administrator, and a key made without a user is given to it too.
	`CREATE TABLE IF NOT EXISTS iam_access_keys (
		key_id TEXT PRIMARY KEY,
		user_name TEXT NOT NULL REFERENCES iam_users(name))`,
}

// resourcePolicy returns the secret's policy document, "" when it has none.
func (t *txn) resourcePolicy(secretID int64) (string, error) {
	var doc string
	err := t.queryRow(`SELECT policy FROM resource_policies WHERE secret_id = ?`, secretID).Scan(&doc)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", internal(err)
	}
	return doc, nil
}

// GetResourcePolicy returns the secret's resource policy; Policy is empty
// when the secret has none, as AWS omits ResourcePolicy.
func (s *Store) GetResourcePolicy(ctx context.Context, secretID string) (*backend.ResourcePolicy, error) {
	return call(s, ctx, false, func(b *txBackend) (*backend.ResourcePolicy, error) { return b.GetResourcePolicy(ctx, secretID) })
}

// PutResourcePolicy attaches a resource policy, replacing any other.
func (s *Store) PutResourcePolicy(ctx context.Context, in *backend.PutResourcePolicyInput) (*backend.ARNName, error) {
	return call(s, ctx, true, func(b *txBackend) (*backend.ARNName, error) { return b.PutResourcePolicy(ctx, in) })
}

// DeleteResourcePolicy removes the secret's resource policy, if any.
func (s *Store) DeleteResourcePolicy(ctx context.Context, secretID string) (*backend.ARNName, error) {
	return call(s, ctx, true, func(b *txBackend) (*backend.ARNName, error) { return b.DeleteResourcePolicy(ctx, secretID) })
}

// ValidateResourcePolicy checks a policy without attaching it.
func (s *Store) ValidateResourcePolicy(ctx context.Context, secretID, doc string) ([]backend.ValidationEntry, error) {
	return call(s, ctx, false, func(b *txBackend) ([]backend.ValidationEntry, error) {
		return b.ValidateResourcePolicy(ctx, secretID, doc)
	})
}

func (b *txBackend) GetResourcePolicy(ctx context.Context, secretID string) (out *backend.ResourcePolicy, err error) {
	t := b.t
	err = t.op("GetResourcePolicy", func() (string, string, error) {
		if err := backend.ValidateSecretID(secretID); err != nil {
			return "", "", err
		}
		sec, err := t.find(secretID)
		if err != nil {
			return "", "", err
		}
		doc, err := t.resourcePolicy(sec.id)
		if err != nil {
			return sec.arn, "", err
		}
		out = &backend.ResourcePolicy{ARN: sec.arn, Name: sec.name, Policy: doc}
		return sec.arn, "", nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) PutResourcePolicy(ctx context.Context, in *backend.PutResourcePolicyInput) (out *backend.ARNName, err error) {
	t := b.t
	err = t.op("PutResourcePolicy", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if _, err := backend.CheckPutResourcePolicy(in); err != nil {
			return "", "", err
		}
		sec, err := t.findLive(in.SecretID)
		if err != nil {
			return arnOf(sec), "", err
		}
		if _, err := t.exec(`INSERT INTO resource_policies(secret_id, policy, updated) VALUES (?, ?, ?)
			ON CONFLICT(secret_id) DO UPDATE SET policy = excluded.policy, updated = excluded.updated`,
			sec.id, in.ResourcePolicy, t.now.UnixNano()); err != nil {
			return sec.arn, "", internal(err)
		}
		out = &backend.ARNName{ARN: sec.arn, Name: sec.name}
		return sec.arn, "", t.touchChanged(sec.id)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) DeleteResourcePolicy(ctx context.Context, secretID string) (out *backend.ARNName, err error) {
	t := b.t
	err = t.op("DeleteResourcePolicy", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidateSecretID(secretID); err != nil {
			return "", "", err
		}
		sec, err := t.findLive(secretID)
		if err != nil {
			return arnOf(sec), "", err
		}
		res, err := t.exec(`DELETE FROM resource_policies WHERE secret_id = ?`, sec.id)
		if err != nil {
			return sec.arn, "", internal(err)
		}
		out = &backend.ARNName{ARN: sec.arn, Name: sec.name}
		if n, _ := res.RowsAffected(); n == 0 {
			return sec.arn, "", nil // nothing changed: the secret keeps its LastChangedDate
		}
		return sec.arn, "", t.touchChanged(sec.id)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) ValidateResourcePolicy(ctx context.Context, secretID, doc string) (out []backend.ValidationEntry, err error) {
	t := b.t
	err = t.op("ValidateResourcePolicy", func() (string, string, error) {
		if err := backend.ValidateResourcePolicyInput(secretID, doc); err != nil {
			return "", "", err
		}
		arn := ""
		if secretID != "" {
			sec, err := t.find(secretID)
			if err != nil {
				return "", "", err
			}
			arn = sec.arn
		}
		out = backend.ResourcePolicyFindings(doc)
		return arn, "", nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
