package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/policy"
)

// iamCommand is `secretary iam ACTION`: the local store's users, groups and
// their inline policies, with the parameters and output of the AWS CLI's
// `aws iam` commands of the same names.
func iamCommand() *command {
	return &command{name: "iam", usage: "ACTION [--user-name U] [--group-name G] [--policy-name P --policy-document D]",
		summary: "Manage the local store's users, groups and their policies, as `aws iam` does.",
		details: `
Actions: create-user, get-user, list-users, delete-user, create-group,
list-groups, list-groups-for-user, delete-group, add-user-to-group,
remove-user-from-group, put-user-policy, get-user-policy, list-user-policies,
delete-user-policy, put-group-policy, get-group-policy, list-group-policies,
delete-group-policy, simulate-principal-policy.

Policies are identity-based policies in IAM's JSON grammar (--policy-document
as JSON or file://PATH); an invalid one is refused with the reason.
simulate-principal-policy --policy-source-arn USER_ARN --action-names A...
[--resource-arns R...] evaluates the user's and its groups' policies and the
secrets' resource policies and names the statement that decided. Every change
is audited.`,
		params: []param{
			{name: "user-name", kind: kString, help: "user name"},
			{name: "group-name", kind: kString, help: "group name"},
			{name: "policy-name", kind: kString, help: "inline policy name"},
			{name: "policy-document", kind: kString, help: "policy as JSON, or file://PATH"},
			{name: "policy-source-arn", kind: kString, help: "the user to simulate (simulate-principal-policy)"},
			{name: "action-names", kind: kList, help: "actions to simulate, e.g. secretsmanager:GetSecretValue"},
			{name: "resource-arns", kind: kList, help: "secrets to simulate on (default *)"},
		},
		maxPos: 1,
		run:    runIAM}
}

var iamActions = []actionSpec{
	{name: "create-user", allowed: []string{"user-name"}, required: []string{"user-name"}},
	{name: "get-user", allowed: []string{"user-name"}, required: []string{"user-name"}},
	{name: "list-users"},
	{name: "delete-user", allowed: []string{"user-name"}, required: []string{"user-name"}},
	{name: "create-group", allowed: []string{"group-name"}, required: []string{"group-name"}},
	{name: "list-groups"},
	{name: "list-groups-for-user", allowed: []string{"user-name"}, required: []string{"user-name"}},
	{name: "delete-group", allowed: []string{"group-name"}, required: []string{"group-name"}},
	{name: "add-user-to-group", allowed: []string{"group-name", "user-name"}, required: []string{"group-name", "user-name"}},
	{name: "remove-user-from-group", allowed: []string{"group-name", "user-name"}, required: []string{"group-name", "user-name"}},
	{name: "put-user-policy", allowed: []string{"user-name", "policy-name", "policy-document"}, required: []string{"user-name", "policy-name", "policy-document"}},
	{name: "get-user-policy", allowed: []string{"user-name", "policy-name"}, required: []string{"user-name", "policy-name"}},
	{name: "list-user-policies", allowed: []string{"user-name"}, required: []string{"user-name"}},
	{name: "delete-user-policy", allowed: []string{"user-name", "policy-name"}, required: []string{"user-name", "policy-name"}},
	{name: "put-group-policy", allowed: []string{"group-name", "policy-name", "policy-document"}, required: []string{"group-name", "policy-name", "policy-document"}},
	{name: "get-group-policy", allowed: []string{"group-name", "policy-name"}, required: []string{"group-name", "policy-name"}},
	{name: "list-group-policies", allowed: []string{"group-name"}, required: []string{"group-name"}},
	{name: "delete-group-policy", allowed: []string{"group-name", "policy-name"}, required: []string{"group-name", "policy-name"}},
	{name: "simulate-principal-policy", allowed: []string{"policy-source-arn", "action-names", "resource-arns"}, required: []string{"policy-source-arn", "action-names"}},
}

// operationName turns an action into its IAM operation: create-user →
// CreateUser, for error lines.
func operationName(action string) string {
	var b strings.Builder
	for _, w := range strings.Split(action, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func runIAM(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("iam manages the local store's users and policies; on AWS use `aws iam`")
	}
	action, err := parseAction("iam", args, iamActions)
	if err != nil {
		return err
	}
	var doc string
	if args.has("policy-document") {
		if doc, err = textParam(args, "policy-document"); err != nil {
			return err
		}
	}
	s, err := a.openLocal(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return a.opErr(operationName(action), runIAMAction(ctx, a, s, action, args, doc))
}

func userJSON(u *local.User) object {
	return object{}.add("Path", "/").add("UserName", u.Name).add("UserId", u.ID).add("Arn", u.ARN).add("CreateDate", u.Created)
}

func groupJSON(g *local.Group) object {
	return object{}.add("Path", "/").add("GroupName", g.Name).add("GroupId", g.ID).add("Arn", g.ARN).add("CreateDate", g.Created)
}

func runIAMAction(ctx context.Context, a *app, s *local.Store, action string, args *args, doc string) error {
	user, group, name := args.str("user-name"), args.str("group-name"), args.str("policy-name")
	switch action {
	case "create-user":
		u, err := s.CreateUser(ctx, user)
		if err != nil {
			return err
		}
		return a.print(object{}.add("User", userJSON(u)))
	case "get-user":
		u, err := s.GetUser(ctx, user)
		if err != nil {
			return err
		}
		return a.print(object{}.add("User", userJSON(u)))
	case "list-users":
		users, err := s.ListUsers(ctx)
		if err != nil {
			return err
		}
		list := make([]any, 0, len(users))
		for i := range users {
			list = append(list, userJSON(&users[i]))
		}
		return a.print(object{}.addAlways("Users", list))
	case "delete-user":
		return s.DeleteUser(ctx, user)
	case "create-group":
		g, err := s.CreateGroup(ctx, group)
		if err != nil {
			return err
		}
		return a.print(object{}.add("Group", groupJSON(g)))
	case "list-groups", "list-groups-for-user":
		groups, err := s.ListGroups(ctx, user)
		if err != nil {
			return err
		}
		list := make([]any, 0, len(groups))
		for i := range groups {
			list = append(list, groupJSON(&groups[i]))
		}
		return a.print(object{}.addAlways("Groups", list))
	case "delete-group":
		return s.DeleteGroup(ctx, group)
	case "add-user-to-group":
		return s.AddUserToGroup(ctx, group, user)
	case "remove-user-from-group":
		return s.RemoveUserFromGroup(ctx, group, user)
	case "put-user-policy":
		return s.PutPrincipalPolicy(ctx, local.KindUser, user, name, doc)
	case "put-group-policy":
		return s.PutPrincipalPolicy(ctx, local.KindGroup, group, name, doc)
	case "get-user-policy", "get-group-policy":
		kind, owner, ownerKey := local.KindUser, user, "UserName"
		if action == "get-group-policy" {
			kind, owner, ownerKey = local.KindGroup, group, "GroupName"
		}
		text, err := s.GetPrincipalPolicy(ctx, kind, owner, name)
		if err != nil {
			return err
		}
		// The AWS CLI prints the document decoded, as JSON in the output.
		decoded, err := orderedJSON(text)
		if err != nil {
			return err
		}
		return a.print(object{}.add(ownerKey, owner).add("PolicyName", name).add("PolicyDocument", decoded))
	case "list-user-policies", "list-group-policies":
		kind, owner := local.KindUser, user
		if action == "list-group-policies" {
			kind, owner = local.KindGroup, group
		}
		names, err := s.ListPrincipalPolicies(ctx, kind, owner)
		if err != nil {
			return err
		}
		return a.print(object{}.addAlways("PolicyNames", append([]string{}, names...)))
	case "delete-user-policy":
		return s.DeletePrincipalPolicy(ctx, local.KindUser, user, name)
	case "delete-group-policy":
		return s.DeletePrincipalPolicy(ctx, local.KindGroup, group, name)
	case "simulate-principal-policy":
		return simulatePrincipalPolicy(ctx, a, s, args)
	}
	return fmt.Errorf("unhandled iam action %q", action)
}

// simulatePrincipalPolicy evaluates, for every action and resource, the
// user's identity policies and the secret's resource policy, and prints
// the decisions in the shape of `aws iam simulate-principal-policy`, plus
// the deciding statement's Sid or position (which AWS gives as a character
// range instead).
func simulatePrincipalPolicy(ctx context.Context, a *app, s *local.Store, args *args) error {
	arn := args.str("policy-source-arn")
	userName, ok := strings.CutPrefix(arn, "arn:aws:iam::"+s.Info().Account+":user/")
	if !ok || userName == "" {
		return backend.Errorf(local.CodeIAMValidation, "The policy source %s is not a user of this store (arn:aws:iam::%s:user/NAME).", arn, s.Info().Account)
	}
	principal, identity, err := s.UserAuthorization(ctx, userName)
	if err != nil {
		return err
	}
	actions, err := parseStringList("action-names", args.lists["action-names"])
	if err != nil {
		return &usageError{err.Error()}
	}
	resources := []string{"*"}
	if args.has("resource-arns") {
		if resources, err = parseStringList("resource-arns", args.lists["resource-arns"]); err != nil {
			return &usageError{err.Error()}
		}
	}
	var results []any
	for _, action := range actions {
		for _, res := range resources {
			req := policy.NewRequest(principal, action, res)
			attached := identity
			if res != "*" {
				sa, err := s.SecretAuthorization(ctx, res)
				switch {
				case err == nil:
					sa.SetSecretContext(req)
					req.Resource = sa.ARN
					attached = sa.Attach(identity)
				case backend.Code(err) != backend.CodeResourceNotFound:
					return err
				}
			}
			d := policy.Evaluate(req, attached)
			matched := []any{}
			if d.By != nil {
				// Identity policies are named KIND/OWNER/NAME; AWS reports
				// the type and the policy name.
				typ, id := "resource", "ResourcePolicy"
				if d.By.Kind == policy.Identity {
					typ, id = d.By.Policy, d.By.Policy
					if parts := strings.SplitN(d.By.Policy, "/", 3); len(parts) == 3 {
						typ, id = parts[0], parts[2]
					}
				}
				stmt := d.By.Sid
				if stmt == "" {
					stmt = fmt.Sprintf("Statement %d", d.By.Index+1)
				}
				matched = append(matched, object{}.add("SourcePolicyId", id).add("SourcePolicyType", typ).add("StatementId", stmt))
			}
			results = append(results, object{}.add("EvalActionName", action).add("EvalResourceName", res).
				add("EvalDecision", d.Outcome.String()).addAlways("MatchedStatements", matched).addAlways("MissingContextValues", []any{}))
		}
	}
	return a.print(object{}.addAlways("EvaluationResults", results).addAlways("IsTruncated", false))
}

// orderedJSON decodes a JSON document into the output encoder's types,
// keeping the order of object keys as written.
func orderedJSON(text string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := orderedValue(dec)
	if err != nil {
		return nil, fmt.Errorf("the stored policy is not JSON: %w", err)
	}
	return v, nil
}

func orderedValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := object{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := k.(string)
				v, err := orderedValue(dec)
				if err != nil {
					return nil, err
				}
				obj = obj.addAlways(key, v)
			}
			_, err := dec.Token()
			return obj, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := orderedValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n, nil
		}
		f, err := t.Float64()
		return f, err
	case string, bool, nil:
		return t, nil
	}
	return nil, errors.New("unexpected JSON token")
}
