package backend

import "context"

// AccessSimulator is implemented by backends that can say who may do what
// to a secret without anyone trying: the embedded store evaluates its
// users' policies and the secret's resource policy. The AWS backend would
// need iam:SimulatePrincipalPolicy, which it does not call, so it does not
// implement it and the console says so rather than guess.
type AccessSimulator interface {
	// WhoCan decides each action, on the secret, for the account root
	// and for every user, as a request without a version, network or
	// time conditions would be decided.
	WhoCan(ctx context.Context, secretID string, actions []string) ([]PrincipalAccess, error)
}

// PrincipalAccess is what one principal may do to a secret.
type PrincipalAccess struct {
	// Name is "root" for the account root, else the user's name.
	Name string
	ARN  string
	// Decisions follow the actions asked, in order.
	Decisions []AccessDecision
}

// AccessDecision is the outcome of one action.
type AccessDecision struct {
	Action  string
	Allowed bool
	// Outcome is "allowed", "explicitDeny" or "implicitDeny".
	Outcome string
	// By names the statement that decided ("POLICY statement \"SID\"" or
	// "POLICY statement N"); empty for an implicit deny.
	By string
}
