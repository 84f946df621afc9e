// Package policy parses, validates and evaluates AWS IAM JSON policy
// documents as Secrets Manager uses them: identity-based policies attached to
// users and groups, and resource-based policies attached to secrets.
//
// It depends on nothing but the standard library, so the embedded store, the
// server and the CLI share one evaluator and one set of validation rules.
// Evaluation follows AWS's documented logic for requests inside one account:
// an explicit Deny in any applicable policy wins; otherwise an Allow in an
// identity-based policy, or in the resource-based policy naming the caller,
// allows; otherwise the request is implicitly denied.
//
// Well-kept Go packages exist that only model the policy grammar (for
// JSON round trips) or evaluate one service's dialect with its own action
// set; none validates and evaluates Secrets Manager's actions, ARNs and
// condition keys, so the evaluator lives here, small and fuzzed.
package policy
