package local

import (
	"context"
	"fmt"
	"sync"

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
			d, err := s.parsed.parse(doc, policy.Identity)
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
		if out.Policy, err = s.parsed.parse(doc, policy.Resource); err != nil {
			return fmt.Errorf("the stored resource policy of %s cannot be read: %w", sec.name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

var _ backend.AccessSimulator = (*Store)(nil)

// rootDecidedBy is what a decision of the account root says decided it.
const rootDecidedBy = "account root: holds the store's key"

// WhoCan decides actions on secretID for the account root (always
// allowed: whoever holds the store's key is above every policy) and for
// every user, with the evaluator serve uses. A plain read counts as one of
// AWSCURRENT, as serve decides it; conditions on the network, the time or
// the request's own members see no value, as for a request without them.
func (s *Store) WhoCan(ctx context.Context, secretID string, actions []string) ([]backend.PrincipalAccess, error) {
	sa, err := s.SecretAuthorization(ctx, secretID)
	if err != nil {
		return nil, err
	}
	users, err := s.userNames(ctx)
	if err != nil {
		return nil, err
	}
	root := backend.PrincipalAccess{Name: "root", ARN: s.RootARN()}
	for _, a := range actions {
		root.Decisions = append(root.Decisions, backend.AccessDecision{Action: a, Allowed: true, Outcome: policy.Allowed.String(), By: rootDecidedBy})
	}
	out := []backend.PrincipalAccess{root}
	for _, name := range users {
		p, identity, err := s.UserAuthorization(ctx, name)
		if err != nil {
			return nil, err
		}
		pa := backend.PrincipalAccess{Name: name, ARN: p.ARN}
		attached := sa.Attach(identity)
		for _, a := range actions {
			req := policy.NewRequest(p, a, sa.ARN)
			sa.SetSecretContext(req)
			if a == "secretsmanager:GetSecretValue" {
				req.Context.Set("secretsmanager:VersionStage", "AWSCURRENT")
			}
			d := policy.Evaluate(req, attached)
			ad := backend.AccessDecision{Action: a, Allowed: d.Allowed(), Outcome: d.Outcome.String()}
			if d.By != nil {
				ad.By = d.By.String()
			}
			pa.Decisions = append(pa.Decisions, ad)
		}
		out = append(out, pa)
	}
	return out, nil
}

// userNames lists the users by name, without an audit record of its own:
// WhoCan is a read of the policies, like serve's.
func (s *Store) userNames(ctx context.Context) ([]string, error) {
	var out []string
	err := s.run(ctx, false, func(t *txn) error {
		rows, err := t.query(`SELECT name FROM iam_users ORDER BY name`)
		if err != nil {
			return internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return internal(err)
			}
			out = append(out, n)
		}
		return internal(rows.Err())
	})
	return out, err
}

// parsedPolicies remembers policy documents parsed for authorisation, by
// their text. Serve reads a caller's policies again every second (its
// cache's lifetime); parsing 20 policies of 10 statements each time cost
// more than evaluating them, and the text rarely changes. A parsed
// Document is never modified, so one may serve every request at once.
type parsedPolicies struct {
	mu   sync.Mutex
	docs map[parsedKey]*policy.Document
}

type parsedKey struct {
	kind policy.Kind
	text string
}

// maxParsedPolicies bounds the memory; past it the cache starts over.
const maxParsedPolicies = 4096

func (p *parsedPolicies) parse(text string, kind policy.Kind) (*policy.Document, error) {
	k := parsedKey{kind, text}
	p.mu.Lock()
	d, ok := p.docs[k]
	p.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := policy.Parse(text, kind)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.docs == nil || len(p.docs) >= maxParsedPolicies {
		p.docs = map[parsedKey]*policy.Document{}
	}
	p.docs[k] = d
	p.mu.Unlock()
	return d, nil
}
