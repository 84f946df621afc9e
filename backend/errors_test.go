package backend_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// TestRules pins every rule's exception name and message. Stores return
// these builders' errors and the conformance suite repeats the texts it
// knows literally, so a change here must be deliberate.
func TestRules(t *testing.T) {
	for _, c := range []struct {
		name      string
		err       *backend.Error
		code, msg string
	}{
		{"secret not found", backend.SecretNotFoundError(), backend.CodeResourceNotFound, "Secrets Manager can't find the specified secret."},
		{"marked for deletion", backend.MarkedForDeletionError(), backend.CodeInvalidRequest, "You can't perform this operation on the secret because it was marked for deletion."},
		{"already scheduled", backend.AlreadyScheduledError(), backend.CodeInvalidRequest, "You tried to perform the operation on a secret that's currently marked deleted."},
		{"name scheduled", backend.NameScheduledForDeletionError(), backend.CodeInvalidRequest, "You can't create this secret because a secret with this name is already scheduled for deletion."},
		{"secret exists", backend.SecretExistsError("prod/db"), backend.CodeResourceExists, "The operation failed because the secret prod/db already exists."},
		{"version exists", backend.VersionExistsError(), backend.CodeResourceExists, "You can't modify an existing version, you can only create a new version."},
		{"no token, CreateSecret", backend.MissingTokenError("CreateSecret"), backend.CodeInvalidRequest, "You must provide a ClientRequestToken value. We recommend a UUID-type value."},
		{"no token, PutSecretValue", backend.MissingTokenError("PutSecretValue"), backend.CodeInvalidRequest, "You must provide a ClientRequestToken value. We recommend a UUID-type value."},
		{"no token, UpdateSecret", backend.MissingTokenError("UpdateSecret"), backend.CodeInvalidRequest, "You must provide a ClientRequestToken value. We recommend a UUID-type value."},
		{"no token, RotateSecret", backend.MissingTokenError("RotateSecret"), backend.CodeInvalidParameter, "You must provide a ClientRequestToken value. We recommend a UUID-type value."},
		{"both values", backend.BothValuesError(), backend.CodeInvalidParameter, "You can't specify both a binary secret value and a string secret value in the same secret."},
		{"no value", backend.NoValueError(), backend.CodeInvalidRequest, "You must provide either SecretString or SecretBinary."},
		{"no version with label", backend.StageValueNotFoundError("AWSPENDING"), backend.CodeResourceNotFound, "Secrets Manager can't find the specified secret value for staging label: AWSPENDING"},
		{"no version with id", backend.VersionValueNotFoundError("v"), backend.CodeResourceNotFound, "Secrets Manager can't find the specified secret value for VersionId: v"},
		{"stage and version disagree", backend.StageVersionMismatchError(), backend.CodeInvalidRequest, "You provided a VersionStage that is not associated to the provided VersionId."},
		{"decryption", backend.DecryptionFailedError(), backend.CodeDecryptionFailure, "Secrets Manager can't decrypt the protected secret text using the provided KMS key."},
		{"no such key", backend.KeyNotFoundError(), backend.CodeEncryptionFailure, "Secrets Manager can't find the specified encryption key."},
		{"RemoveFromVersionId needed", backend.RemoveFromVersionRequiredError("AWSCURRENT", "v1"), backend.CodeInvalidParameter,
			"The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version v1, so you must explicitly reference that version in RemoveFromVersionId."},
		{"label not on version", backend.StageNotOnVersionError("BLUE", "v2"), backend.CodeInvalidParameter, "Version stage BLUE not found in version v2"},
		{"no such version", backend.InvalidVersionError("v3"), backend.CodeInvalidParameter, "Not a valid version: v3"},
		{"move or remove", backend.MoveOrRemoveRequiredError(), backend.CodeInvalidParameter, "You must specify MoveToVersionId or RemoveFromVersionId."},
		{"too many labels", backend.TooManyStagesError(), backend.CodeLimitExceeded, "A version can have at most 20 staging labels."},
		{"too many tags", backend.TooManyTagsError(), backend.CodeInvalidParameter, "A secret can have at most 50 tags."},
		{"system tag", backend.SystemTagError("aws:x"), backend.CodeInvalidParameter, "You can't modify system tags. Tag key: 'aws:x'."},
		{"recovery window", backend.RecoveryWindowError(), backend.CodeInvalidParameter, "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."},
		{"window and force", backend.WindowWithForceError(), backend.CodeInvalidParameter, "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."},
		{"next token", backend.InvalidNextTokenError(), backend.CodeInvalidNextToken, "The NextToken value is invalid."},
		{"ids or filters", backend.BatchIDsOrFiltersError(), backend.CodeInvalidParameter, "Either 'SecretIdList' or 'Filters' must be provided, but not both."},
		{"max results needs filters", backend.BatchMaxResultsError(), backend.CodeInvalidParameter, "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided."},
		{"filter key", backend.FilterKeyMissingError(), backend.CodeInvalidParameter, "Invalid filter key"},
		{"filter values", backend.FilterValuesMissingError("name"), backend.CodeInvalidParameter, "Invalid filter values for key: name"},
		{"no rotation function", backend.NoRotationFunctionError(), backend.CodeInvalidRequest, "No Lambda rotation function ARN is associated with this secret."},
		{"rotation in progress", backend.RotationInProgressError(), backend.CodeInvalidRequest, "A previous rotation isn't complete. That rotation will be reattempted."},
		{"cannot invoke", backend.CannotInvokeError(""), backend.CodeAccessDenied,
			"Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com."},
		{"cannot invoke, with detail", backend.CannotInvokeError("Try password."), backend.CodeAccessDenied,
			"Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com. Try password."},
		{"public policy", backend.PublicPolicyError(), backend.CodePublicPolicy,
			"The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret."},
		{"malformed policy", backend.MalformedPolicyError("no Statement"), backend.CodeMalformedPolicyDocument, "The resource policy is not valid: no Statement"},
		{"every type excluded", backend.EveryTypeExcludedError(), backend.CodeInvalidParameter, "The password can't be generated because every character type is excluded."},
		{"password too short", backend.PasswordTooShortError(), backend.CodeInvalidParameter, "Password length is too short based on the required types."},
		{"invalid name", backend.InvalidNameError(), backend.CodeValidation,
			"Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"},
		{"null member", backend.NullMemberError("secretId"), backend.CodeValidation,
			"1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null"},
		{"too short", backend.TooShortError("name", "", true, 1), backend.CodeValidation,
			"1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too long, value hidden", backend.TooLongError("secretString", "s3cr3t", false, 65536), backend.CodeValidation,
			"1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536"},
		{"below min", backend.BelowMinError("maxResults", 0, 1), backend.CodeValidation,
			"1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"above max", backend.AboveMaxError("maxResults", 101, 100), backend.CodeValidation,
			"1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{"enum", backend.NotInEnumError("sortOrder", "up", "[asc, desc]"), backend.CodeValidation,
			"1 validation error detected: Value 'up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]"},
		{"pattern", backend.PatternError("tags.1.member.key", "a\tb", `^x$`), backend.CodeValidation,
			"1 validation error detected: Value 'a\tb' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^x$"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantErr(t, c.err, c.code, c.msg)
			if !errors.Is(c.err, &backend.Error{Code: c.code}) {
				t.Errorf("%v does not match the %s sentinel", c.err, c.code)
			}
		})
	}
}

// TestTooLongHidesTheValue: a sensitive member's value never reaches a
// message.
func TestTooLongHidesTheValue(t *testing.T) {
	if msg := backend.TooLongError("secretString", "s3cr3t", false, 1).Message; msg == "" || strings.Contains(msg, "s3cr3t") {
		t.Fatalf("message %q", msg)
	}
}

// TestTokenRequired: which requests on the wire need a ClientRequestToken.
func TestTokenRequired(t *testing.T) {
	const tok = "0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		op       string
		token    string
		hasValue bool
		code     string
	}{
		{"CreateSecret", "", false, backend.CodeInvalidRequest},
		{"CreateSecret", "", true, backend.CodeInvalidRequest},
		{"PutSecretValue", "", true, backend.CodeInvalidRequest},
		{"UpdateSecret", "", true, backend.CodeInvalidRequest},
		{"UpdateSecret", "", false, ""},
		{"RotateSecret", "", false, backend.CodeInvalidParameter},
		{"CreateSecret", tok, true, ""},
		{"PutSecretValue", tok, true, ""},
		{"UpdateSecret", tok, true, ""},
		{"RotateSecret", tok, false, ""},
		{"DeleteSecret", "", false, ""},
	} {
		err := backend.TokenRequired(c.op, c.token, c.hasValue)
		if got := backend.Code(err); got != c.code {
			t.Errorf("%s token=%q value=%v: %v, want %q", c.op, c.token, c.hasValue, err, c.code)
		}
	}
}
