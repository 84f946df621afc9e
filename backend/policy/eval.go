package policy

import (
	"fmt"
	"strings"
	"sync"
)

// Principal is the caller a request is evaluated for.
type Principal struct {
	// ARN is the caller's ARN, arn:aws:iam::ACCOUNT:user/NAME.
	ARN string
	// Account is the caller's 12-digit account id.
	Account string
	// Name and ID are the user's name and unique id (aws:username,
	// aws:userid); Tags are its tags (aws:PrincipalTag/KEY).
	Name string
	ID   string
	Tags map[string]string
}

// NewRequest starts a request for p with the principal's condition keys
// filled in; the caller adds the keys of the operation.
func NewRequest(p Principal, action, resource string) *Request {
	ctx := make(Context, 8+len(p.Tags))
	ctx.Set("aws:PrincipalArn", p.ARN)
	ctx.Set("aws:PrincipalAccount", p.Account)
	ctx.Set("aws:PrincipalType", "User")
	if p.Name != "" {
		ctx.Set("aws:username", p.Name)
	}
	if p.ID != "" {
		ctx.Set("aws:userid", p.ID)
	}
	for k, v := range p.Tags {
		ctx.Set("aws:PrincipalTag/"+k, v)
	}
	return &Request{Principal: p, Action: action, Resource: resource, Context: ctx}
}

// Context holds a request's condition keys, by lower-case key (condition key
// names ignore case in IAM). A key may hold several values (aws:TagKeys).
type Context map[string][]string

// Set stores the values of key.
func (c Context) Set(key string, values ...string) { c[strings.ToLower(key)] = values }

// Get returns the values of key; nil when the request does not carry it.
func (c Context) Get(key string) []string {
	if v, ok := c[key]; ok {
		return v
	}
	return c[strings.ToLower(key)]
}

// Request is one authorisation question: may Principal perform Action on
// Resource, given the condition keys in Context?
type Request struct {
	Principal Principal
	// Action is "secretsmanager:GetSecretValue" and so on.
	Action string
	// Resource is the secret's ARN, or "*" for actions without a resource
	// (ListSecrets, GetRandomPassword, BatchGetSecretValue itself).
	Resource string
	Context  Context

	// substituted caches resolved policy variables for this request: the
	// same pattern (arn:…:secret:${aws:username}/*) tends to recur across a
	// user's and its groups' policies.
	substituted map[substKey]substResult
	// resourceParts is Resource split into its ARN components, once.
	resourceParts *splitARN
}

type splitARN struct {
	parts [6]string
	ok    bool
}

type substKey struct {
	pattern string
	escape  bool
}

type substResult struct {
	value string
	ok    bool
}

// resolve returns pattern with its policy variables substituted (see
// substitute), once per request and pattern.
func (r *Request) resolve(pattern string, escape bool) (string, bool) {
	k := substKey{pattern, escape}
	if res, ok := r.substituted[k]; ok {
		return res.value, res.ok
	}
	v, ok := substitute(pattern, r, escape)
	if r.substituted == nil {
		r.substituted = make(map[substKey]substResult, 4)
	}
	r.substituted[k] = substResult{v, ok}
	return v, ok
}

// Attached is a policy in force for a request: the caller's identity
// policies (its own and its groups') and the secret's resource policy.
type Attached struct {
	Kind Kind
	// Name identifies the policy in explanations and audit records, e.g.
	// "user/payments/read-prod" or "secret resource policy".
	Name     string
	Document *Document
}

// Outcome is the result of an evaluation.
type Outcome int

const (
	// ImplicitDeny means no statement allowed the request.
	ImplicitDeny Outcome = iota
	// Allowed means a statement allowed it and none denied it.
	Allowed
	// ExplicitDeny means a Deny statement applied.
	ExplicitDeny
)

func (o Outcome) String() string {
	switch o {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// StatementRef names the statement that decided a request.
type StatementRef struct {
	Policy string
	Kind   Kind
	// Index is the statement's position in its policy, from 0.
	Index int
	Sid   string
}

func (s StatementRef) String() string {
	if s.Sid != "" {
		return fmt.Sprintf("%s statement %q", s.Policy, s.Sid)
	}
	return fmt.Sprintf("%s statement %d", s.Policy, s.Index+1)
}

// Decision is the outcome and, unless the request was implicitly denied,
// the statement that decided it.
type Decision struct {
	Outcome Outcome
	By      *StatementRef
}

// Allowed reports whether the request may proceed.
func (d Decision) Allowed() bool { return d.Outcome == Allowed }

// Evaluate decides req against the policies in force, by AWS's logic for a
// request inside one account: the first applicable Deny (identity policies
// in order, then the resource policy) decides; otherwise the first
// applicable Allow; otherwise the request is implicitly denied. A resource
// policy's Allow counts only when it names the caller itself (or "*"): one
// that names the account delegates to the identity policies, as in AWS.
func Evaluate(req *Request, policies []Attached) Decision {
	var allow *StatementRef
	for pi := range policies {
		pol := &policies[pi]
		if pol.Document == nil {
			continue
		}
		for si := range pol.Document.Statements {
			st := &pol.Document.Statements[si]
			if st.Effect == Allow && allow != nil {
				continue // an Allow is already found; only a Deny can change the outcome
			}
			if !st.applies(req, pol.Kind, pol.Document.variables) {
				continue
			}
			ref := &StatementRef{Policy: pol.Name, Kind: pol.Kind, Index: si, Sid: st.Sid}
			if st.Effect == Deny {
				return Decision{Outcome: ExplicitDeny, By: ref}
			}
			allow = ref
		}
	}
	if allow != nil {
		return Decision{Outcome: Allowed, By: allow}
	}
	return Decision{Outcome: ImplicitDeny}
}

// applies reports whether the statement matches the request: principal,
// action, resource and every condition.
func (st *Statement) applies(r *Request, kind Kind, variables bool) bool {
	if !st.matchesAction(r.Action) {
		return false
	}
	if kind == Resource && !st.matchesPrincipal(r.Principal) {
		return false
	}
	if !st.matchesResource(r, variables) {
		return false
	}
	for i := range st.Conditions {
		if !st.Conditions[i].matches(r, variables) {
			return false
		}
	}
	return true
}

func (st *Statement) matchesAction(action string) bool {
	if c := st.compiled; c != nil {
		for i := range c.actions {
			if c.actions[i].matchFold(action) {
				return st.NotAction == nil
			}
		}
		return st.NotAction != nil
	}
	if st.NotAction != nil {
		for _, a := range st.NotAction {
			if globFold(a, action) {
				return false
			}
		}
		return true
	}
	for _, a := range st.Action {
		if globFold(a, action) {
			return true
		}
	}
	return false
}

func (st *Statement) matchesResource(r *Request, variables bool) bool {
	list, negate := st.Resource, false
	if st.NotResource != nil {
		list, negate = st.NotResource, true
	}
	c := st.compiled
	for i, pat := range list {
		if c != nil && !c.hasVar[i] {
			if r.resourceParts == nil {
				parts, ok := arnParts(r.Resource)
				r.resourceParts = &splitARN{parts, ok}
			}
			if c.resources[i].match(r.Resource, r.resourceParts.parts, r.resourceParts.ok) {
				return !negate
			}
			continue
		}
		escapes := false
		if variables && hasVariable(pat) {
			var ok bool
			if pat, ok = r.resolve(pat, true); !ok {
				// An unresolvable variable makes the whole element fail to
				// match, for Resource and NotResource alike.
				return false
			}
			escapes = true
		}
		if r.resourceParts == nil {
			parts, ok := arnParts(r.Resource)
			r.resourceParts = &splitARN{parts, ok}
		}
		if arnMatchParts(pat, r.Resource, r.resourceParts.parts, r.resourceParts.ok, escapes) {
			return !negate
		}
	}
	return negate
}

// matchesPrincipal decides whether a resource policy statement applies to
// the caller. An Allow that names only the caller's account does not apply:
// in AWS it delegates the decision to the account's identity policies. A
// Deny that names the account applies to everyone in it.
func (st *Statement) matchesPrincipal(p Principal) bool {
	if st.NotPrincipal != nil {
		return !st.NotPrincipal.contains(p, true)
	}
	if st.Principal == nil {
		return false
	}
	return st.Principal.contains(p, st.Effect == Deny)
}

func (ps *Principals) contains(p Principal, accountCounts bool) bool {
	if ps.Any {
		return true
	}
	for _, a := range ps.AWS {
		if a == p.ARN {
			return true
		}
		if accountCounts && (a == p.Account || a == "arn:aws:iam::"+p.Account+":root") {
			return true
		}
	}
	return false
}

// DeniedMessage is AWS's AccessDeniedException message for a denied request.
func (d Decision) DeniedMessage(principalARN, action, resource string) string {
	prefix := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", principalARN, action, resource)
	if d.Outcome == ExplicitDeny && d.By != nil {
		article := "an"
		if d.By.Kind == Resource {
			article = "a"
		}
		return fmt.Sprintf("%s with an explicit deny in %s %s policy", prefix, article, d.By.Kind)
	}
	return fmt.Sprintf("%s because no identity-based policy allows the %s action", prefix, action)
}

// IsPublic reports whether the document grants access to any principal
// without a condition that narrows who or where the caller is: what
// PutResourcePolicy refuses when BlockPublicPolicy is set.
func (d *Document) IsPublic() bool {
	for i := range d.Statements {
		st := &d.Statements[i]
		if st.Effect != Allow {
			continue
		}
		broad := st.NotPrincipal != nil || (st.Principal != nil && st.Principal.Any)
		if broad && !st.narrowed() {
			return true
		}
	}
	return false
}

// narrowingKeys are the condition keys that pin a statement to known
// callers or networks; a positive condition on one makes "*" not public.
var narrowingKeys = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"aws:principalarn":      true,
		"aws:principalaccount":  true,
		"aws:principalorgid":    true,
		"aws:principalorgpaths": true,
		"aws:sourceaccount":     true,
		"aws:sourcearn":         true,
		"aws:sourceip":          true,
		"aws:sourcevpc":         true,
		"aws:sourcevpce":        true,
		"aws:userid":            true,
		"aws:username":          true,
	}
})

func (st *Statement) narrowed() bool {
	for i := range st.Conditions {
		c := &st.Conditions[i]
		if !narrowingKeys()[c.key] || c.op.negate || c.ifExists || c.op.family == famNull || c.set == setAllValues {
			continue
		}
		for _, v := range c.Values {
			if v != "*" {
				return true
			}
		}
	}
	return false
}
