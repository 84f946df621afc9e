package local

import (
	"context"
	"fmt"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/policy"
)

// The store's side of authorisation: what evaluating a request needs to
// know about its caller and its secret. These reads are not audited on
// their own; the decision they feed is.

// UserAuthorization returns a user as a policy principal and its identity
// policies: its own inline policies, then its groups'. Policy names read
// "user/NAME/POLICY" and "group/NAME/POLICY".
func (s *Store) UserAuthorization(ctx context.Context, userName string) (policy.Principal, []policy.Attached, error) {
	var p policy.Principal
	var out []policy.Attached
	err := s.run(ctx, false, func(t *txn) error {
		u, err := t.user(userName)
		if err != nil {
			return err
		}
		p = policy.Principal{ARN: u.ARN, Account: s.opts.Account, Name: u.Name, ID: u.ID}
		rows, err := t.query(`SELECT 'user', owner, name, document FROM iam_policies WHERE kind = 'user' AND owner = ?1
			UNION ALL
			SELECT 'group', p.owner, p.name, p.document FROM iam_policies p JOIN iam_group_members m ON p.kind = 'group' AND p.owner = m.group_name
			WHERE m.user_name = ?1
			ORDER BY 1 DESC, 2, 3`, userName)
		if err != nil {
			return internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var kind, owner, name, doc string
			if err := rows.Scan(&kind, &owner, &name, &doc); err != nil {
				return internal(err)
			}
			d, err := policy.Parse(doc, policy.Identity)
			if err != nil {
				// Stored policies were valid when put; one that no longer
				// parses (a newer store, a damaged file) must not drop
				// silently out of the decision.
				return fmt.Errorf("the stored policy %s/%s/%s cannot be read: %w", kind, owner, name, err)
			}
			out = append(out, policy.Attached{Kind: policy.Identity, Name: kind + "/" + owner + "/" + name, Document: d})
		}
		return internal(rows.Err())
	})
	if err != nil {
		return policy.Principal{}, nil, err
	}
	return p, out, nil
}

// SecretAuthorization returns what a decision about secretID needs; the
// error is ResourceNotFoundException when there is no such secret.
func (s *Store) SecretAuthorization(ctx context.Context, secretID string) (*backend.SecretAccess, error) {
	var out *backend.SecretAccess
	err := s.run(ctx, false, func(t *txn) error {
		sec, err := t.find(secretID)
		if err != nil {
			return err
		}
		var m backend.SecretMetadata
		if err := decodeListingCopies(&m, sec); err != nil {
			return err
		}
		out = &backend.SecretAccess{ARN: sec.arn, Name: sec.name, Tags: m.Tags}
		doc, err := t.resourcePolicy(sec.id)
		if err != nil || doc == "" {
			return err
		}
		if out.Policy, err = policy.Parse(doc, policy.Resource); err != nil {
			return fmt.Errorf("the stored resource policy of %s cannot be read: %w", sec.name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

