package cli

import (
	"context"
	"fmt"

	"github.com/secretary-sh/secretary/backend/local"
)

// accessKeyCommand is `secretary access-key create|list|delete`: the keys
// that sign requests to `secretary serve`. Its output has the shapes of
// `aws iam create-access-key` and `aws iam list-access-keys`.
func accessKeyCommand() *command {
	return &command{name: "access-key", usage: "create [--user-name U] [--description D] | list | delete --access-key-id ID",
		summary: "Create, list or delete the access keys that sign requests to `secretary serve`.",
		details: `
create prints a new key's AccessKeyId and SecretAccessKey. The secret is
shown this once: the store keeps it only encrypted, to check signatures.
Give it to the application as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
list prints every key's id, description, creation and last use, never a
secret. delete removes a key; requests signed with it are refused at once,
also by a server already running. Creating and deleting keys is audited.
A key made with --user-name acts as that user (see secretary iam) and may do
only what the user's and its groups' policies and the secrets' resource
policies allow; a key made without it acts as the built-in administrator.`,
		params: []param{
			{name: "description", kind: kString, help: "what the key is for (create)"},
			{name: "user-name", kind: kString, help: "the user the key acts as (create; default the administrator)"},
			{name: "access-key-id", kind: kString, help: "the key to delete (delete)"},
		},
		maxPos: 1,
		run:    runAccessKey}
}

func runAccessKey(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("access-key manages the local store's keys for `secretary serve`; on AWS use `aws iam create-access-key`")
	}
	action, err := parseAction("access-key", args, []actionSpec{
		{name: "create", allowed: []string{"description", "user-name"}},
		{name: "list"},
		{name: "delete", allowed: []string{"access-key-id"}, required: []string{"access-key-id"}},
	})
	if err != nil {
		return err
	}
	op := map[string]string{"create": "CreateAccessKey", "list": "ListAccessKeys", "delete": "DeleteAccessKey"}[action]
	s, err := a.openLocal(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch action {
	case "create":
		err = createAccessKey(ctx, a, s, args.str("user-name"), args.str("description"))
	case "list":
		err = listAccessKeys(ctx, a, s)
	case "delete":
		err = s.DeleteAccessKey(ctx, args.str("access-key-id"))
	}
	// One command, three operations: the error line names the one that
	// failed, as the AWS CLI's does.
	return a.opErr(op, err)
}

func createAccessKey(ctx context.Context, a *app, s *local.Store, user, description string) error {
	create := s.CreateAccessKey
	if user != "" {
		create = func(ctx context.Context, description string) (*local.NewAccessKey, error) {
			return s.CreateUserAccessKey(ctx, user, description)
		}
	}
	k, err := create(ctx, description)
	if err != nil {
		return err
	}
	out := object{}.add("AccessKey", object{}.
		add("UserName", user).
		add("AccessKeyId", k.ID).
		add("SecretAccessKey", k.Secret).
		add("Status", "Active").
		add("CreateDate", k.Created).
		add("Description", k.Description))
	if err := a.print(out); err != nil {
		return err
	}
	fmt.Fprintln(a.stderr, "Keep the SecretAccessKey now: it cannot be shown again.")
	return nil
}

func listAccessKeys(ctx context.Context, a *app, s *local.Store) error {
	keys, err := s.ListAccessKeys(ctx)
	if err != nil {
		return err
	}
	list := make([]any, 0, len(keys))
	for _, k := range keys {
		list = append(list, object{}.
			add("AccessKeyId", k.ID).
			add("Description", k.Description).
			add("Status", "Active").
			add("CreateDate", k.Created).
			add("LastUsedDate", k.LastUsed))
	}
	return a.print(object{}.addAlways("AccessKeyMetadata", list))
}
