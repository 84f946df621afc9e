package local

import (
	"context"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/policy"
)

// IAM's exception names (IAM's codes carry no "Exception" suffix).
const (
	CodeNoSuchEntity        = "NoSuchEntity"
	CodeEntityAlreadyExists = "EntityAlreadyExists"
	CodeDeleteConflict      = "DeleteConflict"
	CodeIAMMalformedPolicy  = "MalformedPolicyDocument"
	CodeIAMLimitExceeded    = "LimitExceeded"
	CodeIAMValidation       = "ValidationError"
)

// IAM's limits on inline policies: the sum of a principal's inline policy
// documents, white space not counted.
const (
	maxUserPolicyChars  = 2048
	maxGroupPolicyChars = 5120
)

// The built-in administrator: a user every store has from its creation
// (or its upgrade to schema 6) with one inline policy allowing everything.
// Access keys made without a user act as it. It is an ordinary user: its
// policy can be narrowed, and an explicit Deny in a resource policy applies
// to it, as to an IAM user with AdministratorAccess. Only whoever unlocks
// the store with its key acts as the account root, above every policy.
const (
	builtinAdmin    = "admin"
	adminPolicyName = "AdministratorAccess"
	adminPolicy     = `{"Version":"2012-10-17","Statement":[{"Sid":"AdministratorAccess","Effect":"Allow","Action":"*","Resource":"*"}]}`
)

// adminUser returns the name of the built-in administrator (admin, unless
// a user of that name existed before the upgrade).
func (t *txn) adminUser() (string, error) {
	var name string
	if err := t.queryRow(`SELECT value FROM meta WHERE key = 'admin_user'`).Scan(&name); err != nil {
		return "", internal(err)
	}
	return name, nil
}

// AdminUser returns the name of the built-in administrator user.
func (s *Store) AdminUser(ctx context.Context) (string, error) {
	var name string
	err := s.run(ctx, false, func(t *txn) (err error) {
		name, err = t.adminUser()
		return err
	})
	return name, err
}

// RootARN is the account root, as whoever unlocks the store with its key
// acts: allowed everything, and named so in the audit log.
func (s *Store) RootARN() string { return "arn:aws:iam::" + s.opts.Account + ":root" }

// Principal kinds that own inline policies.
const (
	KindUser  = "user"
	KindGroup = "group"
)

// User is an IAM user of the store: the principal its access keys act as.
type User struct {
	Name    string
	ID      string
	ARN     string
	Created time.Time
}

// Group is an IAM group; its inline policies apply to its members.
type Group struct {
	Name    string
	ID      string
	ARN     string
	Created time.Time
}

func (s *Store) principalARN(kind, name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:%s/%s", s.opts.Account, kind, name)
}

// validIAMName checks a user, group or policy name by IAM's rule: 1 to max
// characters from letters, digits and +=,.@_-.
func validIAMName(what, name string, max int) error {
	ok := name != "" && len(name) <= max
	for _, r := range name {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("+=,.@_-", r))) {
			ok = false
			break
		}
	}
	if !ok {
		return backend.Errorf(CodeIAMValidation, "The specified value for %s is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_- and be 1 to %d characters long.", what, max)
	}
	return nil
}

func newPrincipalID(prefix string) (string, error) {
	raw, err := randomBytes(11)
	if err != nil {
		return "", err
	}
	return prefix + base32.StdEncoding.EncodeToString(raw)[:17], nil
}

func noSuchUser(name string) error {
	return backend.Errorf(CodeNoSuchEntity, "The user with name %s cannot be found.", name)
}

func noSuchGroup(name string) error {
	return backend.Errorf(CodeNoSuchEntity, "The group with name %s cannot be found.", name)
}

// iamOp runs one audited change to principals or policies.
func (s *Store) iamOp(ctx context.Context, name string, fn func(t *txn) (arn string, err error)) error {
	return s.run(ctx, true, func(t *txn) error {
		return t.op(name, func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			arn, err := fn(t)
			return arn, "", err
		})
	})
}

// iamRead runs one read of principals or policies. Reads are audited like
// every other operation.
func (s *Store) iamRead(ctx context.Context, name string, fn func(t *txn) (arn string, err error)) error {
	return s.run(ctx, false, func(t *txn) error {
		return t.op(name, func() (string, string, error) {
			arn, err := fn(t)
			return arn, "", err
		})
	})
}

// CreateUser adds a user.
func (s *Store) CreateUser(ctx context.Context, name string) (*User, error) {
	var out *User
	err := s.iamOp(ctx, "CreateUser", func(t *txn) (string, error) {
		if err := validIAMName("userName", name, 64); err != nil {
			return "", err
		}
		arn := s.principalARN(KindUser, name)
		if _, err := t.user(name); err == nil {
			return arn, backend.Errorf(CodeEntityAlreadyExists, "User with name %s already exists.", name)
		} else if backend.Code(err) != CodeNoSuchEntity {
			return arn, err
		}
		id, err := newPrincipalID("AIDA")
		if err != nil {
			return arn, err
		}
		if _, err := t.exec(`INSERT INTO iam_users(name, id, created) VALUES (?, ?, ?)`, name, id, t.now.UnixNano()); err != nil {
			return arn, internal(err)
		}
		out = &User{Name: name, ID: id, ARN: arn, Created: t.now}
		return arn, nil
	})
	return out, err
}

func (t *txn) user(name string) (*User, error) {
	var u User
	var created int64
	err := t.queryRow(`SELECT name, id, created FROM iam_users WHERE name = ?`, name).Scan(&u.Name, &u.ID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, noSuchUser(name)
	}
	if err != nil {
		return nil, internal(err)
	}
	u.ARN, u.Created = t.s.principalARN(KindUser, name), nsTime(created)
	return &u, nil
}

func (t *txn) group(name string) (*Group, error) {
	var g Group
	var created int64
	err := t.queryRow(`SELECT name, id, created FROM iam_groups WHERE name = ?`, name).Scan(&g.Name, &g.ID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, noSuchGroup(name)
	}
	if err != nil {
		return nil, internal(err)
	}
	g.ARN, g.Created = t.s.principalARN(KindGroup, name), nsTime(created)
	return &g, nil
}

// GetUser returns one user.
func (s *Store) GetUser(ctx context.Context, name string) (*User, error) {
	var out *User
	err := s.iamRead(ctx, "GetUser", func(t *txn) (string, error) {
		u, err := t.user(name)
		if err != nil {
			return "", err
		}
		out = u
		return u.ARN, nil
	})
	return out, err
}

// ListUsers returns every user, by name.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	var out []User
	err := s.iamRead(ctx, "ListUsers", func(t *txn) (string, error) {
		rows, err := t.query(`SELECT name, id, created FROM iam_users ORDER BY name`)
		if err != nil {
			return "", internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var u User
			var created int64
			if err := rows.Scan(&u.Name, &u.ID, &created); err != nil {
				return "", internal(err)
			}
			u.ARN, u.Created = s.principalARN(KindUser, u.Name), nsTime(created)
			out = append(out, u)
		}
		return "", internal(rows.Err())
	})
	return out, err
}

// DeleteUser removes a user. As in IAM, a user that still has inline
// policies or group memberships is refused, so nothing is lost by accident.
func (s *Store) DeleteUser(ctx context.Context, name string) error {
	return s.iamOp(ctx, "DeleteUser", func(t *txn) (string, error) {
		u, err := t.user(name)
		if err != nil {
			return "", err
		}
		var n int
		if err := t.queryRow(`SELECT (SELECT count(*) FROM iam_policies WHERE kind = 'user' AND owner = ?) +
			(SELECT count(*) FROM iam_group_members WHERE user_name = ?)`, name, name).Scan(&n); err != nil {
			return u.ARN, internal(err)
		}
		if n > 0 {
			return u.ARN, backend.Errorf(CodeDeleteConflict, "Cannot delete entity, must remove users from group and delete policies first.")
		}
		// Keys deleted since leave their row behind; only live ones count.
		err = t.queryRow(`SELECT count(*) FROM iam_access_keys m JOIN access_keys k ON k.id = m.key_id WHERE m.user_name = ?`, name).Scan(&n)
		if err != nil && !noAccessKeysTable(err) {
			return u.ARN, internal(err)
		}
		if n > 0 {
			return u.ARN, backend.Errorf(CodeDeleteConflict, "Cannot delete entity, must delete access keys first.")
		}
		if _, err := t.exec(`DELETE FROM iam_access_keys WHERE user_name = ?`, name); err != nil {
			return u.ARN, internal(err)
		}
		if _, err := t.exec(`DELETE FROM iam_users WHERE name = ?`, name); err != nil {
			return u.ARN, internal(err)
		}
		return u.ARN, nil
	})
}

// CreateGroup adds a group.
func (s *Store) CreateGroup(ctx context.Context, name string) (*Group, error) {
	var out *Group
	err := s.iamOp(ctx, "CreateGroup", func(t *txn) (string, error) {
		if err := validIAMName("groupName", name, 128); err != nil {
			return "", err
		}
		arn := s.principalARN(KindGroup, name)
		if _, err := t.group(name); err == nil {
			return arn, backend.Errorf(CodeEntityAlreadyExists, "Group with name %s already exists.", name)
		} else if backend.Code(err) != CodeNoSuchEntity {
			return arn, err
		}
		id, err := newPrincipalID("AGPA")
		if err != nil {
			return arn, err
		}
		if _, err := t.exec(`INSERT INTO iam_groups(name, id, created) VALUES (?, ?, ?)`, name, id, t.now.UnixNano()); err != nil {
			return arn, internal(err)
		}
		out = &Group{Name: name, ID: id, ARN: arn, Created: t.now}
		return arn, nil
	})
	return out, err
}

// ListGroups returns every group, by name; with user set, the user's groups.
func (s *Store) ListGroups(ctx context.Context, user string) ([]Group, error) {
	var out []Group
	op := "ListGroups"
	if user != "" {
		op = "ListGroupsForUser"
	}
	err := s.iamRead(ctx, op, func(t *txn) (string, error) {
		arn := ""
		q, args := `SELECT name, id, created FROM iam_groups ORDER BY name`, []any{}
		if user != "" {
			u, err := t.user(user)
			if err != nil {
				return "", err
			}
			arn = u.ARN
			q = `SELECT g.name, g.id, g.created FROM iam_groups g JOIN iam_group_members m ON m.group_name = g.name
				WHERE m.user_name = ? ORDER BY g.name`
			args = append(args, user)
		}
		rows, err := t.query(q, args...)
		if err != nil {
			return arn, internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var g Group
			var created int64
			if err := rows.Scan(&g.Name, &g.ID, &created); err != nil {
				return arn, internal(err)
			}
			g.ARN, g.Created = s.principalARN(KindGroup, g.Name), nsTime(created)
			out = append(out, g)
		}
		return arn, internal(rows.Err())
	})
	return out, err
}

// DeleteGroup removes a group; like IAM it refuses while the group has
// members or inline policies.
func (s *Store) DeleteGroup(ctx context.Context, name string) error {
	return s.iamOp(ctx, "DeleteGroup", func(t *txn) (string, error) {
		g, err := t.group(name)
		if err != nil {
			return "", err
		}
		var n int
		if err := t.queryRow(`SELECT (SELECT count(*) FROM iam_policies WHERE kind = 'group' AND owner = ?) +
			(SELECT count(*) FROM iam_group_members WHERE group_name = ?)`, name, name).Scan(&n); err != nil {
			return g.ARN, internal(err)
		}
		if n > 0 {
			return g.ARN, backend.Errorf(CodeDeleteConflict, "Cannot delete entity, must remove users from group and delete policies first.")
		}
		if _, err := t.exec(`DELETE FROM iam_groups WHERE name = ?`, name); err != nil {
			return g.ARN, internal(err)
		}
		return g.ARN, nil
	})
}

// AddUserToGroup makes user a member of group (again is not an error).
func (s *Store) AddUserToGroup(ctx context.Context, group, user string) error {
	return s.iamOp(ctx, "AddUserToGroup", func(t *txn) (string, error) {
		g, err := t.group(group)
		if err != nil {
			return "", err
		}
		if _, err := t.user(user); err != nil {
			return g.ARN, err
		}
		if _, err := t.exec(`INSERT OR IGNORE INTO iam_group_members(group_name, user_name) VALUES (?, ?)`, group, user); err != nil {
			return g.ARN, internal(err)
		}
		return g.ARN, nil
	})
}

// RemoveUserFromGroup ends a membership.
func (s *Store) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	return s.iamOp(ctx, "RemoveUserFromGroup", func(t *txn) (string, error) {
		g, err := t.group(group)
		if err != nil {
			return "", err
		}
		if _, err := t.user(user); err != nil {
			return g.ARN, err
		}
		res, err := t.exec(`DELETE FROM iam_group_members WHERE group_name = ? AND user_name = ?`, group, user)
		if err != nil {
			return g.ARN, internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return g.ARN, backend.Errorf(CodeNoSuchEntity, "The user with name %s is not a member of group %s.", user, group)
		}
		return g.ARN, nil
	})
}

// owner resolves the user or group that owns inline policies.
func (t *txn) owner(kind, name string) (arn string, err error) {
	switch kind {
	case KindUser:
		u, err := t.user(name)
		if err != nil {
			return "", err
		}
		return u.ARN, nil
	case KindGroup:
		g, err := t.group(name)
		if err != nil {
			return "", err
		}
		return g.ARN, nil
	}
	return "", fmt.Errorf("unknown principal kind %q", kind)
}

func policyOp(kind, verb string) string {
	if kind == KindGroup {
		return verb + "GroupPolicy"
	}
	return verb + "UserPolicy"
}

// countedChars is a policy's size as IAM counts it: white space is free.
func countedChars(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// PutPrincipalPolicy adds or replaces an inline policy of a user or group
// (kind KindUser or KindGroup). The document must be a valid identity-based
// policy; it is refused with MalformedPolicyDocument otherwise.
func (s *Store) PutPrincipalPolicy(ctx context.Context, kind, owner, name, doc string) error {
	return s.iamOp(ctx, policyOp(kind, "Put"), func(t *txn) (string, error) {
		arn, err := t.owner(kind, owner)
		if err != nil {
			return "", err
		}
		if err := validIAMName("policyName", name, 128); err != nil {
			return arn, err
		}
		if _, err := policy.Parse(doc, policy.Identity); err != nil {
			return arn, backend.Errorf(CodeIAMMalformedPolicy, "%v", err)
		}
		var others sql.NullString
		if err := t.queryRow(`SELECT group_concat(document, '') FROM iam_policies WHERE kind = ? AND owner = ? AND name <> ?`,
			kind, owner, name).Scan(&others); err != nil {
			return arn, internal(err)
		}
		limit := maxUserPolicyChars
		if kind == KindGroup {
			limit = maxGroupPolicyChars
		}
		if countedChars(others.String)+countedChars(doc) > limit {
			return arn, backend.Errorf(CodeIAMLimitExceeded, "Maximum policy size of %d bytes exceeded for %s %s", limit, kind, owner)
		}
		if _, err := t.exec(`INSERT INTO iam_policies(kind, owner, name, document) VALUES (?, ?, ?, ?)
			ON CONFLICT(kind, owner, name) DO UPDATE SET document = excluded.document`, kind, owner, name, doc); err != nil {
			return arn, internal(err)
		}
		return arn, nil
	})
}

// GetPrincipalPolicy returns one inline policy document.
func (s *Store) GetPrincipalPolicy(ctx context.Context, kind, owner, name string) (string, error) {
	var out string
	err := s.iamRead(ctx, policyOp(kind, "Get"), func(t *txn) (string, error) {
		arn, err := t.owner(kind, owner)
		if err != nil {
			return "", err
		}
		err = t.queryRow(`SELECT document FROM iam_policies WHERE kind = ? AND owner = ? AND name = ?`, kind, owner, name).Scan(&out)
		if errors.Is(err, sql.ErrNoRows) {
			return arn, backend.Errorf(CodeNoSuchEntity, "The %s policy with name %s cannot be found.", kind, name)
		}
		if err != nil {
			return arn, internal(err)
		}
		return arn, nil
	})
	return out, err
}

// ListPrincipalPolicies returns the names of a user's or group's inline
// policies.
func (s *Store) ListPrincipalPolicies(ctx context.Context, kind, owner string) ([]string, error) {
	var out []string
	err := s.iamRead(ctx, policyOp(kind, "List")+"s", func(t *txn) (string, error) {
		arn, err := t.owner(kind, owner)
		if err != nil {
			return "", err
		}
		rows, err := t.query(`SELECT name FROM iam_policies WHERE kind = ? AND owner = ? ORDER BY name`, kind, owner)
		if err != nil {
			return arn, internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return arn, internal(err)
			}
			out = append(out, n)
		}
		return arn, internal(rows.Err())
	})
	return out, err
}

// DeletePrincipalPolicy removes an inline policy.
func (s *Store) DeletePrincipalPolicy(ctx context.Context, kind, owner, name string) error {
	return s.iamOp(ctx, policyOp(kind, "Delete"), func(t *txn) (string, error) {
		arn, err := t.owner(kind, owner)
		if err != nil {
			return "", err
		}
		res, err := t.exec(`DELETE FROM iam_policies WHERE kind = ? AND owner = ? AND name = ?`, kind, owner, name)
		if err != nil {
			return arn, internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return arn, backend.Errorf(CodeNoSuchEntity, "The %s policy with name %s cannot be found.", kind, name)
		}
		return arn, nil
	})
}

// CreateUserAccessKey creates an access key that acts as user, in one
// transaction, so no key ever exists with the administrator's rights by
// accident.
func (s *Store) CreateUserAccessKey(ctx context.Context, user, description string) (*NewAccessKey, error) {
	var out *NewAccessKey
	err := s.iamOp(ctx, "CreateAccessKey", func(t *txn) (string, error) {
		u, err := t.user(user)
		if err != nil {
			return "", err
		}
		if len(description) > maxKeyDescription || strings.IndexFunc(description, unicode.IsControl) >= 0 {
			return u.ARN, backend.Errorf(backend.CodeInvalidParameter,
				"an access key description must be at most %d characters without control characters", maxKeyDescription)
		}
		k, err := t.createAccessKey(description)
		if err != nil {
			return u.ARN, err
		}
		if _, err := t.exec(`INSERT INTO iam_access_keys(key_id, user_name) VALUES (?, ?)`, k.ID, user); err != nil {
			return u.ARN, internal(err)
		}
		out = k
		return u.ARN, nil
	})
	return out, err
}

// AccessKeyUser returns the user an access key acts as. Every key acts as
// a user (keys made without one as the built-in administrator); a key
// without one is refused rather than let through.
func (s *Store) AccessKeyUser(ctx context.Context, keyID string) (string, error) {
	var user string
	err := s.run(ctx, false, func(t *txn) error {
		err := t.queryRow(`SELECT user_name FROM iam_access_keys WHERE key_id = ?`, keyID).Scan(&user)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("the access key %s acts as no user", keyID)
		}
		return internal(err)
	})
	return user, err
}

// SecretARNPrefix is the ARN of a secret of this store without its name.
func (s *Store) SecretARNPrefix() string { return s.arnPrefix() }

// AuditDenial records a request that authorisation refused, under the
// actor and principal in ctx, as an AccessDeniedException of operation op,
// with decidedBy naming the statement that refused it.
func (s *Store) AuditDenial(ctx context.Context, op, arn, decidedBy string) error {
	return s.run(ctx, true, func(t *txn) error {
		return t.appendAudit(op, arn, "", backend.Errorf(backend.CodeAccessDenied, "denied"), decidedBy)
	})
}
