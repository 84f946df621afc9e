package cli

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/wire"
)

// maxParamFile bounds what a file:// parameter may read: far above any
// document the service accepts (a resource policy is at most 20,480
// characters), low enough that file:///dev/zero cannot exhaust memory.
const maxParamFile = 1 << 20

// textParam returns a text parameter, reading file://PATH as the AWS CLI
// does.
func textParam(args *args, name string) (string, error) {
	s := args.str(name)
	path, isFile := strings.CutPrefix(s, "file://")
	if !isFile {
		return s, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", usagef("Error parsing parameter '--%s': Unable to load paramfile %s: %v", name, s, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxParamFile+1))
	if err != nil {
		return "", usagef("Error parsing parameter '--%s': Unable to load paramfile %s: %v", name, s, err)
	}
	if len(data) > maxParamFile {
		return "", usagef("Error parsing parameter '--%s': paramfile %s is larger than %d bytes", name, s, maxParamFile)
	}
	return string(data), nil
}

// resourcePolicies returns the backend's resource-policy operations, or the
// error an operator sees when the backend has none.
func resourcePolicies(b backend.Backend) (backend.ResourcePolicies, error) {
	p, ok := b.(backend.ResourcePolicies)
	if !ok {
		return nil, backend.Errorf(backend.CodeInvalidRequest, "this store does not support resource policies")
	}
	return p, nil
}

func resourcePolicyCommands() []*command {
	pSecretID := param{name: "secret-id", kind: kString, required: true, help: "name or ARN of the secret"}
	pPolicy := param{name: "resource-policy", kind: kString, required: true, help: "policy document as JSON, or file://PATH"}
	return []*command{
		{name: "get-resource-policy", op: "GetResourcePolicy", usage: "--secret-id ID",
			summary: "Print the resource policy attached to a secret.",
			params:  []param{pSecretID}, run: runGetResourcePolicy},
		{name: "put-resource-policy", op: "PutResourcePolicy", usage: "--secret-id ID --resource-policy P [--block-public-policy]",
			summary: "Attach a resource policy to a secret, replacing any other.",
			details: "With --block-public-policy a policy that lets any principal in (\"*\") without a condition\nnarrowing the caller or the network is refused.",
			params: []param{pSecretID, pPolicy,
				{name: "block-public-policy", kind: kBool, help: "refuse a policy that grants access to everyone"}},
			run: runPutResourcePolicy},
		{name: "delete-resource-policy", op: "DeleteResourcePolicy", usage: "--secret-id ID",
			summary: "Remove a secret's resource policy.",
			params:  []param{pSecretID}, run: runDeleteResourcePolicy},
		{name: "validate-resource-policy", op: "ValidateResourcePolicy", usage: "--resource-policy P [--secret-id ID]",
			summary: "Check a resource policy without attaching it.",
			params:  []param{{name: "secret-id", kind: kString, help: "name or ARN of the secret the policy is for"}, pPolicy},
			run:     runValidateResourcePolicy},
	}
}

func runGetResourcePolicy(ctx context.Context, a *app, args *args) error {
	return a.withBackend(ctx, func(b backend.Backend) error {
		p, err := resourcePolicies(b)
		if err != nil {
			return err
		}
		out, err := p.GetResourcePolicy(ctx, args.str("secret-id"))
		if err != nil {
			return err
		}
		return a.print(wire.GetResourcePolicy(out))
	})
}

func runPutResourcePolicy(ctx context.Context, a *app, args *args) error {
	doc, err := textParam(args, "resource-policy")
	if err != nil {
		return err
	}
	in := &backend.PutResourcePolicyInput{SecretID: args.str("secret-id"), ResourcePolicy: doc, BlockPublicPolicy: args.bools["block-public-policy"]}
	return a.withBackend(ctx, func(b backend.Backend) error {
		p, err := resourcePolicies(b)
		if err != nil {
			return err
		}
		out, err := p.PutResourcePolicy(ctx, in)
		if err != nil {
			return err
		}
		return a.print(wire.SecretRef(out))
	})
}

func runDeleteResourcePolicy(ctx context.Context, a *app, args *args) error {
	return a.withBackend(ctx, func(b backend.Backend) error {
		p, err := resourcePolicies(b)
		if err != nil {
			return err
		}
		out, err := p.DeleteResourcePolicy(ctx, args.str("secret-id"))
		if err != nil {
			return err
		}
		return a.print(wire.SecretRef(out))
	})
}

func runValidateResourcePolicy(ctx context.Context, a *app, args *args) error {
	doc, err := textParam(args, "resource-policy")
	if err != nil {
		return err
	}
	return a.withBackend(ctx, func(b backend.Backend) error {
		p, err := resourcePolicies(b)
		if err != nil {
			return err
		}
		entries, err := p.ValidateResourcePolicy(ctx, args.str("secret-id"), doc)
		if err != nil {
			return err
		}
		return a.print(wire.ValidateResourcePolicy(entries))
	})
}
