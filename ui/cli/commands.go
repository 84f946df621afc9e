package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/boundedread"
	"github.com/secretary-sh/secretary/backend/wire"
)

// command is one subcommand. op is the Secrets Manager operation named in
// error messages.
type command struct {
	name    string
	op      string
	usage   string
	summary string
	details string
	params  []param
	maxPos  int
	run     func(ctx context.Context, a *app, args *args) error
}

func findCommand(name string) *command {
	for _, c := range commandTable() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// commandTable lists every command. It is a function, not a variable, so
// the table stays immutable and may refer to the help printer.
func commandTable() []*command {
	// Parameters shared by several commands.
	pSecretID := param{name: "secret-id", kind: kString, required: true, help: "name or ARN of the secret", member: "SecretId", min: 1}
	pToken := param{name: "client-request-token", kind: kString, help: "idempotency token, becomes the version id (a UUID is generated when absent)"}
	pString := param{name: "secret-string", kind: kString, help: "text value, or file://PATH"}
	pBinary := param{name: "secret-binary", kind: kString, help: "binary value as base64, or fileb://PATH for raw bytes"}
	pDesc := param{name: "description", kind: kString, help: "description"}
	pKms := param{name: "kms-key-id", kind: kString, help: "encryption key id or alias"}
	pMaxResults := param{name: "max-results", kind: kInt, help: "page size; disables automatic paging", member: "MaxResults", min: 1}
	pNextToken := param{name: "next-token", kind: kString, help: "continue from this token; disables automatic paging"}
	pFilters := param{name: "filters", kind: kList, help: "Key=name,Values=prod/,dev/ (repeat) or JSON"}
	return append([]*command{
		{name: "create-secret", op: "CreateSecret", usage: "--name NAME [--secret-string S | --secret-binary B] [...]",
			summary: "Create a secret, optionally with a first value.",
			params: []param{{name: "name", kind: kString, required: true, help: "name of the new secret", member: "Name", min: 1}, pToken, pDesc, pKms, pBinary, pString,
				{name: "tags", kind: kList, help: "Key=env,Value=prod (repeat) or JSON"}},
			run: runCreateSecret},
		{name: "get-secret-value", op: "GetSecretValue", usage: "--secret-id ID [--version-id V] [--version-stage S]",
			summary: "Print a version's value (AWSCURRENT by default).",
			params:  []param{pSecretID, {name: "version-id", kind: kString, help: "version id"}, {name: "version-stage", kind: kString, help: "staging label"}},
			run:     runGetSecretValue},
		{name: "batch-get-secret-value", op: "BatchGetSecretValue", usage: "--secret-id-list ID... | --filters F...",
			summary: "Print the values of several secrets.",
			params: []param{{name: "secret-id-list", kind: kList, help: "names or ARNs"}, pFilters,
				{name: "max-results", kind: kInt, help: "page size (with --filters)", member: "MaxResults", min: 1}, pNextToken},
			run: runBatchGet},
		{name: "put-secret-value", op: "PutSecretValue", usage: "--secret-id ID (--secret-string S | --secret-binary B) [--version-stages L...]",
			summary: "Store a new version of a secret.",
			params:  []param{pSecretID, pToken, pBinary, pString, {name: "version-stages", kind: kList, help: "labels for the new version (default AWSCURRENT)"}},
			run:     runPutSecretValue},
		{name: "update-secret", op: "UpdateSecret", usage: "--secret-id ID [--description D] [--kms-key-id K] [--secret-string S | --secret-binary B]",
			summary: "Change a secret's metadata and optionally store a new AWSCURRENT value.",
			params:  []param{pSecretID, pToken, pDesc, pKms, pBinary, pString},
			run:     runUpdateSecret},
		{name: "update-secret-version-stage", op: "UpdateSecretVersionStage", usage: "--secret-id ID --version-stage L [--move-to-version-id V] [--remove-from-version-id V]",
			summary: "Move or remove a staging label (roll back by moving AWSCURRENT).",
			params: []param{pSecretID, {name: "version-stage", kind: kString, required: true, help: "label to move"},
				{name: "remove-from-version-id", kind: kString, help: "version the label leaves"},
				{name: "move-to-version-id", kind: kString, help: "version the label goes to"}},
			run: runUpdateStage},
		{name: "describe-secret", op: "DescribeSecret", usage: "--secret-id ID",
			summary: "Print a secret's metadata.", params: []param{pSecretID}, run: runDescribe},
		{name: "list-secrets", op: "ListSecrets", usage: "[--filters F...] [--include-planned-deletion] [--sort-order asc|desc]",
			summary: "List secrets (every page unless --max-results or --next-token is given).",
			params: []param{{name: "include-planned-deletion", kind: kBool, help: "include secrets scheduled for deletion"},
				pMaxResults, pNextToken, pFilters,
				{name: "sort-order", kind: kString, help: "asc or desc"},
				{name: "sort-by", kind: kString, help: "created-date, last-accessed-date, last-changed-date or name"},
				pagingParams()[0], pagingParams()[1], pagingParams()[2]},
			run: runListSecrets},
		{name: "list-secret-version-ids", op: "ListSecretVersionIds", usage: "--secret-id ID [--include-deprecated]",
			summary: "List a secret's versions and their labels.",
			params: append([]param{pSecretID, pMaxResults, pNextToken, {name: "include-deprecated", kind: kBool, help: "include versions without labels"}},
				pagingParams()...),
			run: runListVersions},
		{name: "delete-secret", op: "DeleteSecret", usage: "--secret-id ID [--recovery-window-in-days N | --force-delete-without-recovery]",
			summary: "Schedule a secret for deletion (30 days by default) or delete it at once.",
			params: []param{pSecretID, {name: "recovery-window-in-days", kind: kInt, help: "7 to 30"},
				{name: "force-delete-without-recovery", kind: kBool, help: "delete now, without recovery"}},
			run: runDelete},
		{name: "restore-secret", op: "RestoreSecret", usage: "--secret-id ID",
			summary: "Cancel a scheduled deletion.", params: []param{pSecretID}, run: runRestore},
		{name: "tag-resource", op: "TagResource", usage: "--secret-id ID --tags T...",
			summary: "Add or overwrite tags.",
			params:  []param{pSecretID, {name: "tags", kind: kList, required: true, help: "Key=env,Value=prod (repeat) or JSON"}},
			run:     runTag},
		{name: "untag-resource", op: "UntagResource", usage: "--secret-id ID --tag-keys K...",
			summary: "Remove tags by key.",
			params:  []param{pSecretID, {name: "tag-keys", kind: kList, required: true, help: "keys to remove"}},
			run:     runUntag},
		{name: "get-random-password", op: "GetRandomPassword", usage: "[--password-length N] [--exclude-...]",
			summary: "Generate a random password.",
			params: []param{{name: "password-length", kind: kInt, help: "1 to 4096 (default 32)", member: "PasswordLength", min: 1},
				{name: "exclude-characters", kind: kString, help: "characters to leave out"},
				{name: "exclude-numbers", kind: kBool, help: "no digits"},
				{name: "exclude-punctuation", kind: kBool, help: "no punctuation"},
				{name: "exclude-uppercase", kind: kBool, help: "no uppercase letters"},
				{name: "exclude-lowercase", kind: kBool, help: "no lowercase letters"},
				{name: "include-space", kind: kBool, help: "allow spaces"},
				{name: "require-each-included-type", kind: kBool, help: "at least one of each included type (default on)"}},
			run: runRandomPassword},
		{name: "rotate-secret", op: "RotateSecret", usage: "--secret-id ID [--rotation-lambda-arn F] [--rotation-rules R] [--no-rotate-immediately]",
			summary: "Configure rotation and/or rotate now.",
			params: []param{pSecretID, pToken, {name: "rotation-lambda-arn", kind: kString, help: "rotation function (a local function name in the embedded store)"},
				{name: "rotation-rules", kind: kString, help: "AutomaticallyAfterDays=N | ScheduleExpression=...,Duration=... or JSON"},
				{name: "rotate-immediately", kind: kBool, help: "rotate now (default on)"}},
			run: runRotate},
		{name: "cancel-rotate-secret", op: "CancelRotateSecret", usage: "--secret-id ID",
			summary: "Turn rotation off.", params: []param{pSecretID}, run: runCancelRotate},
		rotateDueCommand(),
		getCommand(), execCommand(), initCommand(), demoDataCommand(),
		serveCommand(), accessKeyCommand(), keyslotCommand(), kmsKeyCommand(), iamCommand(),
		migrateCommand(), backupCommand(),
		checkCommand(), auditCommand(),
		completionCommand(), configCommand(), doctorCommand(),
	}, resourcePolicyCommands()...)
}

// withBackend opens the configured backend, runs fn, and closes it.
func (a *app) withBackend(ctx context.Context, fn func(b backend.Backend) error) error {
	b, err := a.openBackend(ctx)
	if err != nil {
		return err
	}
	defer b.Close()
	return fn(b)
}

// token returns --client-request-token or a new UUID, as the AWS CLI
// generates one for idempotent operations.
func token(args *args) string {
	if t, ok := args.strs["client-request-token"]; ok {
		return t
	}
	return uuid.NewString()
}

// readValue reads --secret-string and --secret-binary: file:// reads a
// file as text, fileb:// as raw bytes, and a binary value given inline (or
// through file://) is base64, as with AWS CLI v2's default binary format.
// Files are read only up to the largest value a secret can hold, and the
// read is abandoned on Ctrl-C (a FIFO, /dev/stdin).
func readValue(ctx context.Context, args *args) (str *string, bin []byte, err error) {
	if s, ok := args.strs["secret-string"]; ok {
		if path, isFile := strings.CutPrefix(s, "file://"); isFile {
			data, err := readParamFile(ctx, "--secret-string", s, path, backend.MaxValueBytes)
			if err != nil {
				return nil, nil, err
			}
			s = string(data)
		}
		str = &s
	}
	if s, ok := args.strs["secret-binary"]; ok {
		if path, isFile := strings.CutPrefix(s, "fileb://"); isFile {
			data, err := readParamFile(ctx, "--secret-binary", s, path, backend.MaxValueBytes)
			if err != nil {
				return nil, nil, err
			}
			if data == nil {
				data = []byte{}
			}
			return str, data, nil
		}
		if path, isFile := strings.CutPrefix(s, "file://"); isFile {
			// base64 of the largest value, and a line ending.
			data, err := readParamFile(ctx, "--secret-binary", s, path, int64(base64.StdEncoding.EncodedLen(backend.MaxValueBytes))+2)
			if err != nil {
				return nil, nil, err
			}
			s = strings.TrimSpace(string(data))
		}
		dec, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, nil, usagef("Invalid base64 for --secret-binary: %v (use fileb://PATH for raw bytes)", err)
		}
		bin = dec
	}
	return str, bin, nil
}

// readParamFile reads a file:// or fileb:// parameter of at most max bytes.
func readParamFile(ctx context.Context, flag, arg, path string, max int64) ([]byte, error) {
	data, err := boundedread.File(ctx, path, max)
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, boundedread.ErrTooLarge):
		return nil, usagef("Error parsing parameter '%s': Unable to load paramfile %s: the file holds more than %d bytes, more than a secret value can hold", flag, arg, max)
	case err != nil:
		return nil, usagef("Error parsing parameter '%s': Unable to load paramfile %s: %v", flag, arg, err)
	}
	return data, nil
}

func optString(args *args, name string) *string {
	if v, ok := args.strs[name]; ok {
		return &v
	}
	return nil
}

func runCreateSecret(ctx context.Context, a *app, args *args) error {
	str, bin, err := readValue(ctx, args)
	if err != nil {
		return err
	}
	tags, err := parseTags(args.lists["tags"])
	if err != nil {
		return &usageError{err.Error()}
	}
	in := &backend.CreateSecretInput{Name: args.str("name"), Description: args.str("description"),
		KmsKeyID: args.str("kms-key-id"), ClientRequestToken: token(args), SecretString: str, SecretBinary: bin, Tags: tags}
	return a.withBackend(ctx, func(b backend.Backend) error {
		out, err := b.CreateSecret(ctx, in)
		if err != nil {
			return err
		}
		return a.print(wire.ARNNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID})
	})
}

func runGetSecretValue(ctx context.Context, a *app, args *args) error {
	in := &backend.GetSecretValueInput{SecretID: args.str("secret-id"), VersionID: args.str("version-id"), VersionStage: args.str("version-stage")}
	return a.withBackend(ctx, func(b backend.Backend) error {
		v, err := b.GetSecretValue(ctx, in)
		if err != nil {
			return err
		}
		defer v.Wipe()
		return a.print(wire.Value(v))
	})
}

func runBatchGet(ctx context.Context, a *app, args *args) error {
	filters, err := parseFilters(args.lists["filters"])
	if err != nil {
		return &usageError{err.Error()}
	}
	ids, err := parseStringList("secret-id-list", args.lists["secret-id-list"])
	if err != nil {
		return &usageError{err.Error()}
	}
	in := &backend.BatchGetSecretValueInput{SecretIDList: ids, Filters: filters, MaxResults: args.ints["max-results"], NextToken: args.str("next-token")}
	return a.withBackend(ctx, func(b backend.Backend) error {
		out, err := b.BatchGetSecretValue(ctx, in)
		if err != nil {
			return err
		}
		err = a.print(wire.BatchGetSecretValue(out))
		for i := range out.SecretValues {
			out.SecretValues[i].Wipe()
		}
		return err
	})
}

func runPutSecretValue(ctx context.Context, a *app, args *args) error {
	str, bin, err := readValue(ctx, args)
	if err != nil {
		return err
	}
	stages, err := parseStringList("version-stages", args.lists["version-stages"])
	if err != nil {
		return &usageError{err.Error()}
	}
	in := &backend.PutSecretValueInput{SecretID: args.str("secret-id"), ClientRequestToken: token(args), SecretString: str, SecretBinary: bin, VersionStages: stages}
	return a.withBackend(ctx, func(b backend.Backend) error {
		out, err := b.PutSecretValue(ctx, in)
		if err != nil {
			return err
		}
		return a.print(wire.PutSecretValue(out))
	})
}

func runUpdateSecret(ctx context.Context, a *app, args *args) error {
	str, bin, err := readValue(ctx, args)
	if err != nil {
		return err
	}
	in := &backend.UpdateSecretInput{SecretID: args.str("secret-id"), ClientRequestToken: token(args),
		Description: optString(args, "description"), KmsKeyID: optString(args, "kms-key-id"), SecretString: str, SecretBinary: bin}
	return a.withBackend(ctx, func(b backend.Backend) error {
		out, err := b.UpdateSecret(ctx, in)
		if err != nil {
			return err
		}
		return a.print(wire.ARNNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID})
	})
}

func runUpdateStage(ctx context.Context, a *app, args *args) error {
	in := &backend.UpdateSecretVersionStageInput{SecretID: args.str("secret-id"), VersionStage: args.str("version-stage"),
		MoveToVersionID: args.str("move-to-version-id"), RemoveFromVersionID: args.str("remove-from-version-id")}
	return a.withBackend(ctx, func(b backend.Backend) error {
		out, err := b.UpdateSecretVersionStage(ctx, in)
		if err != nil {
			return err
		}
		return a.print(wire.SecretRef(out))
	})
}

func runDescribe(ctx context.Context, a *app, args *args) error {
	return a.withBackend(ctx, func(b backend.Backend) error {
		m, err := b.DescribeSecret(ctx, args.str("secret-id"))
		if err != nil {
			return err
		}
		return a.print(wire.DescribeSecret(m))
	})
}

// paginate reports whether a list command fetches every page, as the AWS
// CLI does unless told not to: --no-paginate, or the operation's own
// --max-results or --next-token, ask for exactly one call.
func paginate(a *app, args *args) bool {
	return !a.cfg.NoPaginate && !args.has("max-results") && !args.has("next-token")
}

func pagingOf(args *args) pagingArgs {
	return pagingArgs{startingToken: args.str("starting-token"), maxItems: args.ints["max-items"]}
}

func runListSecrets(ctx context.Context, a *app, args *args) error {
	filters, err := parseFilters(args.lists["filters"])
	if err != nil {
		return &usageError{err.Error()}
	}
	in := &backend.ListSecretsInput{Filters: filters, IncludePlannedDeletion: args.bools["include-planned-deletion"],
		MaxResults: args.ints["max-results"], NextToken: args.str("next-token"), SortOrder: args.str("sort-order"), SortBy: args.str("sort-by")}
	if err := checkPaging(a, args); err != nil {
		return err
	}
	if n, ok := args.ints["page-size"]; ok {
		in.MaxResults = n
	}
	entries := func(out *backend.ListSecretsOutput) []any {
		list := make([]any, 0, len(out.Secrets))
		for i := range out.Secrets {
			list = append(list, wire.ListEntry(&out.Secrets[i]))
		}
		return list
	}
	return a.withBackend(ctx, func(b backend.Backend) error {
		if !paginate(a, args) {
			out, err := b.ListSecrets(ctx, in)
			if err != nil {
				return err
			}
			return a.print(wire.ListSecrets(out))
		}
		p := pagingOf(args)
		if !a.streams() || p.maxItems > 0 {
			return a.printPaged(ctx, "SecretList", p, func(ctx context.Context, token string) (page, error) {
				in.NextToken = token
				out, err := b.ListSecrets(ctx, in)
				if err != nil {
					return page{}, err
				}
				return page{items: entries(out), next: out.NextToken}, nil
			})
		}
		token, skip := decodeResume(p.startingToken)
		in.NextToken = token
		out, err := b.ListSecrets(ctx, in)
		if err != nil {
			return err
		}
		out.Secrets = out.Secrets[min(skip, len(out.Secrets)):]
		// Paging through everything as JSON: stream it. A failure on the
		// first page prints nothing, as with the AWS CLI; one on a later
		// page leaves JSON cut short on stdout, which no parser accepts,
		// and the error on stderr with a non-zero exit.
		stream := newListStream(a.stdout, "SecretList")
		for {
			for i := range out.Secrets {
				stream.add(wire.ListEntry(&out.Secrets[i]))
			}
			if out.NextToken == "" {
				return stream.close()
			}
			in.NextToken = out.NextToken
			if out, err = b.ListSecrets(ctx, in); err != nil {
				return err
			}
		}
	})
}

func runListVersions(ctx context.Context, a *app, args *args) error {
	in := &backend.ListSecretVersionIdsInput{SecretID: args.str("secret-id"), IncludeDeprecated: args.bools["include-deprecated"],
		MaxResults: args.ints["max-results"], NextToken: args.str("next-token")}
	if err := checkPaging(a, args); err != nil {
		return err
	}
	if n, ok := args.ints["page-size"]; ok {
		in.MaxResults = n
	}
	versions := func(out *backend.ListSecretVersionIdsOutput) []any {
		list := make([]any, 0, len(out.Versions))
		for i := range out.Versions {
			list = append(list, wire.Version(&out.Versions[i]))
		}
		return list
	}
	return a.withBackend(ctx, func(b backend.Backend) error {
		if !paginate(a, args) {
			out, err := b.ListSecretVersionIds(ctx, in)
			if err != nil {
				return err
			}
			return a.print(wire.ListSecretVersionIds(out))
		}
		return a.printPaged(ctx, "Versions", pagingOf(args), func(ctx context.Context, token string) (page, error) {
			in.NextToken = token
			out, err := b.ListSecretVersionIds(ctx, in)
			if err != nil {
				return page{}, err
			}
			return page{items: versions(out), rest: object{}.add("ARN", out.ARN).add("Name", out.Name), next: out.NextToken}, nil
		})
	})
}

func runDelete(ctx context.Context, a *app, args *args) error {
	in := &backend.DeleteSecretInput{SecretID: args.str("secret-id"), ForceDeleteWithoutRecovery: args.bools["force-delete-without-recovery"]}
	if n, ok := args.ints["recovery-window-in-days"]; ok {
		in.RecoveryWindowInDays = &n
	}
	return a.withBackend(ctx, func(b backend.Backend) error {
		out, err := b.DeleteSecret(ctx, in)
		if err != nil {
			return err
		}
		return a.print(wire.DeleteSecret(out))
	})
}

func runRestore(ctx context.Context, a *app, args *args) error {
	return a.withBackend(ctx, func(b backend.Backend) error {
		out, err := b.RestoreSecret(ctx, args.str("secret-id"))
		if err != nil {
			return err
		}
		return a.print(wire.SecretRef(out))
	})
}

func runTag(ctx context.Context, a *app, args *args) error {
	tags, err := parseTags(args.lists["tags"])
	if err != nil {
		return &usageError{err.Error()}
	}
	return a.withBackend(ctx, func(b backend.Backend) error {
		return b.TagResource(ctx, &backend.TagResourceInput{SecretID: args.str("secret-id"), Tags: tags})
	})
}

func runUntag(ctx context.Context, a *app, args *args) error {
	keys, err := parseStringList("tag-keys", args.lists["tag-keys"])
	if err != nil {
		return &usageError{err.Error()}
	}
	return a.withBackend(ctx, func(b backend.Backend) error {
		return b.UntagResource(ctx, &backend.UntagResourceInput{SecretID: args.str("secret-id"), TagKeys: keys})
	})
}

func runRandomPassword(ctx context.Context, a *app, args *args) error {
	in := &backend.GetRandomPasswordInput{ExcludeCharacters: args.str("exclude-characters"),
		ExcludeNumbers: args.bools["exclude-numbers"], ExcludePunctuation: args.bools["exclude-punctuation"],
		ExcludeUppercase: args.bools["exclude-uppercase"], ExcludeLowercase: args.bools["exclude-lowercase"],
		IncludeSpace: args.bools["include-space"]}
	if n, ok := args.ints["password-length"]; ok {
		in.PasswordLength = &n
	}
	if v, ok := args.bools["require-each-included-type"]; ok {
		in.RequireEachIncludedType = &v
	}
	var pw string
	var err error
	if a.cfg.Backend == "local" {
		// The embedded store generates passwords with the shared
		// generator; there is no reason to unlock a store for it.
		pw, err = backend.RandomPassword(in)
	} else {
		err = a.withBackend(ctx, func(b backend.Backend) error {
			var err error
			pw, err = b.GetRandomPassword(ctx, in)
			return err
		})
	}
	if err != nil {
		return err
	}
	return a.print(wire.GetRandomPasswordResponse{RandomPassword: pw})
}

func parseRotationRules(s string) (*backend.RotationRules, error) {
	var r wire.RotationRules
	if isJSONArg(s) {
		if err := decodeStrict(s, &r); err != nil {
			return nil, fmt.Errorf("invalid JSON for --rotation-rules: %w", err)
		}
	} else {
		pairs, err := parseShorthand(s)
		if err != nil {
			return nil, fmt.Errorf("error parsing parameter '--rotation-rules': %w", err)
		}
		for _, p := range pairs {
			if p.val.isList {
				return nil, fmt.Errorf("error parsing parameter '--rotation-rules': %s takes one value", p.key)
			}
			switch p.key {
			case "AutomaticallyAfterDays":
				var n int64
				if _, err := fmt.Sscanf(p.val.scalar, "%d", &n); err != nil {
					return nil, fmt.Errorf("error parsing parameter '--rotation-rules': AutomaticallyAfterDays must be an integer")
				}
				r.AutomaticallyAfterDays = &n
			case "Duration":
				r.Duration = p.val.scalar
			case "ScheduleExpression":
				r.ScheduleExpression = p.val.scalar
			default:
				return nil, fmt.Errorf("error parsing parameter '--rotation-rules': unknown key %q, valid keys are: AutomaticallyAfterDays, Duration, ScheduleExpression", p.key)
			}
		}
	}
	// Given, AutomaticallyAfterDays must be at least 1: the AWS CLI checks
	// this itself.
	if n := r.AutomaticallyAfterDays; n != nil && *n < 1 {
		return nil, &paramValidationError{[]string{minValueProblem("RotationRules.AutomaticallyAfterDays", int(*n), 1)}}
	}
	return wire.FromRules(&r), nil
}

// rotator returns the backend's rotation capability or the error AWS gives
// when rotation cannot be used.
func rotator(b backend.Backend) (backend.Rotator, error) {
	r, ok := b.(backend.Rotator)
	if !ok {
		return nil, backend.Errorf(backend.CodeInvalidRequest, "this store does not support rotation")
	}
	return r, nil
}

func runRotate(ctx context.Context, a *app, args *args) error {
	in := &backend.RotateSecretInput{SecretID: args.str("secret-id"), ClientRequestToken: token(args), RotationLambdaARN: args.str("rotation-lambda-arn")}
	if s, ok := args.strs["rotation-rules"]; ok {
		r, err := parseRotationRules(s)
		var pe *paramValidationError
		if errors.As(err, &pe) {
			return err
		}
		if err != nil {
			return &usageError{err.Error()}
		}
		in.RotationRules = r
	}
	if v, ok := args.bools["rotate-immediately"]; ok {
		in.RotateImmediately = &v
	}
	return a.withBackend(ctx, func(b backend.Backend) error {
		r, err := rotator(b)
		if err != nil {
			return err
		}
		out, err := r.RotateSecret(ctx, in)
		if err != nil {
			return err
		}
		return a.print(wire.ARNNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID})
	})
}

func runCancelRotate(ctx context.Context, a *app, args *args) error {
	return a.withBackend(ctx, func(b backend.Backend) error {
		r, err := rotator(b)
		if err != nil {
			return err
		}
		out, err := r.CancelRotateSecret(ctx, args.str("secret-id"))
		if err != nil {
			return err
		}
		return a.print(wire.ARNNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID})
	})
}
