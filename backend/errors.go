package backend

import (
	"errors"
	"fmt"
	"strings"
)

// AWS exception names. Both backends report failures with these codes so the
// console, the CLI and the conformance suite can treat them uniformly.
const (
	CodeResourceNotFound        = "ResourceNotFoundException"
	CodeInvalidRequest          = "InvalidRequestException"
	CodeInvalidParameter        = "InvalidParameterException"
	CodeResourceExists          = "ResourceExistsException"
	CodeLimitExceeded           = "LimitExceededException"
	CodeDecryptionFailure       = "DecryptionFailure"
	CodeEncryptionFailure       = "EncryptionFailure"
	CodeInternalServiceError    = "InternalServiceError"
	CodeMalformedPolicyDocument = "MalformedPolicyDocumentException"
	CodePreconditionNotMet      = "PreconditionNotMetException"
	CodeInvalidNextToken        = "InvalidNextTokenException"
	CodePublicPolicy            = "PublicPolicyException"
	CodeValidation              = "ValidationException"
	CodeThrottling              = "ThrottlingException"
	CodeAccessDenied            = "AccessDeniedException"
	CodeUnrecognizedClient      = "UnrecognizedClientException"
	CodeInvalidSignature        = "InvalidSignatureException"
	CodeIncompleteSignature     = "IncompleteSignatureException"
	CodeMissingAuthToken        = "MissingAuthenticationTokenException"
	CodeSignatureDoesNotMatch   = "SignatureDoesNotMatch"
)

// Error is a failure with an AWS exception name. Message is meant for
// operators and never contains a secret value.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same code. A sentinel with
// an empty message matches every error of its code, so
// errors.Is(err, backend.ErrResourceNotFound) works whatever the message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Sentinels for errors.Is. They carry no message and must never be returned
// directly: return Errorf(Code…, "…") so the operator learns what went wrong.
var (
	ErrResourceNotFound  = &Error{Code: CodeResourceNotFound}
	ErrInvalidRequest    = &Error{Code: CodeInvalidRequest}
	ErrInvalidParameter  = &Error{Code: CodeInvalidParameter}
	ErrResourceExists    = &Error{Code: CodeResourceExists}
	ErrLimitExceeded     = &Error{Code: CodeLimitExceeded}
	ErrDecryptionFailure = &Error{Code: CodeDecryptionFailure}
	ErrEncryptionFailure = &Error{Code: CodeEncryptionFailure}
	ErrInternal          = &Error{Code: CodeInternalServiceError}
	ErrValidation        = &Error{Code: CodeValidation}
	ErrThrottling        = &Error{Code: CodeThrottling}
	ErrAccessDenied      = &Error{Code: CodeAccessDenied}
)

// Errorf builds an *Error with the given exception name.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Code returns the AWS exception name carried by err, or "" when err carries
// none (a plain Go error such as a cancelled context).
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Message returns the operator-facing message of err without its code.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// The rules. Every AWS rule a store checks has its exception name and its
// message here, once: the embedded store, the server that serves it, the
// rotation engine and the console return these builders' errors, so a
// text cannot drift between them. Each entry says where its text comes
// from:
//
//   - observed: recorded from real AWS responses (LocalStack's snapshot
//     tests, which are validated against AWS, and operator reports quoting
//     the service);
//   - model: the format of AWS's request validation layer ("1 validation
//     error detected: …") with the limits of the published API model;
//   - moto / LocalStack: the emulator's text where AWS's is not known to us;
//   - secretary: no source knows AWS's text (or AWS has no such rule); the
//     exception name is the one the API model lists for the operation.
//
// backend/AWS-DIFFERENCES.md lists the cases where the behaviour itself,
// not only the text, is secretary's choice.

// ---- Secrets and versions ------------------------------------------------

// SecretNotFoundError (observed): the secret does not exist, or its
// recovery window has passed.
func SecretNotFoundError() *Error {
	return &Error{CodeResourceNotFound, "Secrets Manager can't find the specified secret."}
}

// MarkedForDeletionError (observed): the operation is not allowed while the
// secret is scheduled for deletion.
func MarkedForDeletionError() *Error {
	return &Error{CodeInvalidRequest, "You can't perform this operation on the secret because it was marked for deletion."}
}

// AlreadyScheduledError (moto, LocalStack): DeleteSecret without force on a
// secret already scheduled for deletion.
func AlreadyScheduledError() *Error {
	return &Error{CodeInvalidRequest, "You tried to perform the operation on a secret that's currently marked deleted."}
}

// NameScheduledForDeletionError (observed): CreateSecret with the name of a
// secret scheduled for deletion.
func NameScheduledForDeletionError() *Error {
	return &Error{CodeInvalidRequest, "You can't create this secret because a secret with this name is already scheduled for deletion."}
}

// SecretExistsError (observed): CreateSecret with a name in use.
func SecretExistsError(name string) *Error {
	return Errorf(CodeResourceExists, "The operation failed because the secret %s already exists.", name)
}

// VersionExistsError (observed): a ClientRequestToken reused with a
// different value.
func VersionExistsError() *Error {
	return &Error{CodeResourceExists, "You can't modify an existing version, you can only create a new version."}
}

// MissingTokenError (LocalStack; see AWS-DIFFERENCES.md): a request on the wire
// to CreateSecret, PutSecretValue, UpdateSecret with a value or
// RotateSecret without a ClientRequestToken. SDKs and the AWS CLI always
// send one, so only a hand-made request meets it. RotateSecret answers
// InvalidParameterException, the others InvalidRequestException.
func MissingTokenError(operation string) *Error {
	code := CodeInvalidRequest
	if operation == "RotateSecret" {
		code = CodeInvalidParameter
	}
	return &Error{code, "You must provide a ClientRequestToken value. We recommend a UUID-type value."}
}

// BothValuesError (observed): SecretString and SecretBinary in one request.
func BothValuesError() *Error {
	return &Error{CodeInvalidParameter, "You can't specify both a binary secret value and a string secret value in the same secret."}
}

// NoValueError (observed): PutSecretValue with neither SecretString nor
// SecretBinary.
func NoValueError() *Error {
	return &Error{CodeInvalidRequest, "You must provide either SecretString or SecretBinary."}
}

// StageValueNotFoundError (observed): no version holds the staging label
// (also what GetSecretValue answers on a secret that has no value yet).
func StageValueNotFoundError(stage string) *Error {
	return Errorf(CodeResourceNotFound, "Secrets Manager can't find the specified secret value for staging label: %s", stage)
}

// VersionValueNotFoundError (observed): GetSecretValue naming a VersionId
// the secret does not have.
func VersionValueNotFoundError(versionID string) *Error {
	return Errorf(CodeResourceNotFound, "Secrets Manager can't find the specified secret value for VersionId: %s", versionID)
}

// StageVersionMismatchError (observed): GetSecretValue's VersionId and
// VersionStage name different versions.
func StageVersionMismatchError() *Error {
	return &Error{CodeInvalidRequest, "You provided a VersionStage that is not associated to the provided VersionId."}
}

// DecryptionFailedError (observed): the value cannot be decrypted with its
// key.
func DecryptionFailedError() *Error {
	return &Error{CodeDecryptionFailure, "Secrets Manager can't decrypt the protected secret text using the provided KMS key."}
}

// KeyNotFoundError (secretary): a KmsKeyId that names no key. See
// AWS-DIFFERENCES.md.
func KeyNotFoundError() *Error {
	return &Error{CodeEncryptionFailure, "Secrets Manager can't find the specified encryption key."}
}

// ---- Staging labels (UpdateSecretVersionStage) ----------------------------

// RemoveFromVersionRequiredError (observed, quoted by moto): moving a label
// another version holds without naming that version in RemoveFromVersionId.
func RemoveFromVersionRequiredError(stage, holderVersionID string) *Error {
	return Errorf(CodeInvalidParameter,
		"The parameter RemoveFromVersionId can't be empty. Staging label %s is currently attached to version %s, so you must explicitly reference that version in RemoveFromVersionId.",
		stage, holderVersionID)
}

// StageNotOnVersionError (moto): RemoveFromVersionId names a version that
// does not hold the label.
func StageNotOnVersionError(stage, versionID string) *Error {
	return Errorf(CodeInvalidParameter, "Version stage %s not found in version %s", stage, versionID)
}

// InvalidVersionError (moto): MoveToVersionId or RemoveFromVersionId names a
// version the secret does not have. See AWS-DIFFERENCES.md.
func InvalidVersionError(versionID string) *Error {
	return Errorf(CodeInvalidParameter, "Not a valid version: %s", versionID)
}

// MoveOrRemoveRequiredError (secretary): UpdateSecretVersionStage with
// neither MoveToVersionId nor RemoveFromVersionId.
func MoveOrRemoveRequiredError() *Error {
	return &Error{CodeInvalidParameter, "You must specify MoveToVersionId or RemoveFromVersionId."}
}

// TooManyStagesError (secretary): a change that would leave a version with
// more than 20 staging labels (UpdateSecretVersionStage lists
// LimitExceededException for quotas).
func TooManyStagesError() *Error {
	return Errorf(CodeLimitExceeded, "A version can have at most %d staging labels.", MaxStagesPerVersion)
}

// ---- Tags -------------------------------------------------------------------

// TooManyTagsError (secretary): a request that would leave a secret with
// more than 50 tags. The quota is the service's (the API model sets no
// length on tag lists); the exception is the one the model lists for
// TagResource's bad parameters.
func TooManyTagsError() *Error {
	return Errorf(CodeInvalidParameter, "A secret can have at most %d tags.", MaxTagsPerSecret)
}

// SystemTagError (observed): a tag key with the reserved "aws:" prefix.
func SystemTagError(key string) *Error {
	return Errorf(CodeInvalidParameter, "You can't modify system tags. Tag key: '%s'.", key)
}

// ---- Deletion -------------------------------------------------------------

// RecoveryWindowError (observed): RecoveryWindowInDays outside 7–30.
func RecoveryWindowError() *Error {
	return Errorf(CodeInvalidParameter, "The RecoveryWindowInDays value must be between %d and %d days (inclusive).",
		MinRecoveryWindowInDays, MaxRecoveryWindowInDays)
}

// WindowWithForceError (observed): RecoveryWindowInDays together with
// ForceDeleteWithoutRecovery.
func WindowWithForceError() *Error {
	return &Error{CodeInvalidParameter, "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."}
}

// ---- Listing --------------------------------------------------------------

// InvalidNextTokenError (secretary): a NextToken this store did not issue,
// or one issued for another listing.
func InvalidNextTokenError() *Error {
	return &Error{CodeInvalidNextToken, "The NextToken value is invalid."}
}

// BatchIDsOrFiltersError (moto): BatchGetSecretValue with both or neither
// of SecretIdList and Filters.
func BatchIDsOrFiltersError() *Error {
	return &Error{CodeInvalidParameter, "Either 'SecretIdList' or 'Filters' must be provided, but not both."}
}

// BatchMaxResultsError (moto): BatchGetSecretValue with MaxResults but no
// Filters.
func BatchMaxResultsError() *Error {
	return &Error{CodeInvalidParameter, "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided."}
}

// FilterKeyMissingError (moto): a filter without a Key.
func FilterKeyMissingError() *Error {
	return &Error{CodeInvalidParameter, "Invalid filter key"}
}

// FilterValuesMissingError (moto): a filter without Values.
func FilterValuesMissingError(key string) *Error {
	return Errorf(CodeInvalidParameter, "Invalid filter values for key: %s", key)
}

// ---- Rotation -------------------------------------------------------------

// NoRotationFunctionError (observed): RotateSecret on a secret with no
// rotation function, naming none.
func NoRotationFunctionError() *Error {
	return &Error{CodeInvalidRequest, "No Lambda rotation function ARN is associated with this secret."}
}

// RotationInProgressError (observed): the start rule's refusal, AWSPENDING
// on a version other than AWSCURRENT's. errors.Is(err,
// RotationInProgressError()) tells it apart from other
// InvalidRequestExceptions.
func RotationInProgressError() *Error {
	return &Error{CodeInvalidRequest, "A previous rotation isn't complete. That rotation will be reattempted."}
}

// CannotInvokeError (observed): RotateSecret naming a rotation function the
// service cannot run. detail, when not empty, is a sentence of secretary's
// appended to AWS's text (what this store can run instead).
func CannotInvokeError(detail string) *Error {
	msg := "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com."
	if detail != "" {
		msg += " " + detail
	}
	return &Error{CodeAccessDenied, msg}
}

// ---- Resource policies ----------------------------------------------------

// PublicPolicyError (observed): PutResourcePolicy with BlockPublicPolicy and
// a policy that grants broad access.
func PublicPolicyError() *Error {
	return &Error{CodePublicPolicy, "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret."}
}

// MalformedPolicyError (secretary): a resource policy that does not parse or
// breaks a rule of the policy grammar; reason names the first problem.
func MalformedPolicyError(reason string) *Error {
	return Errorf(CodeMalformedPolicyDocument, "The resource policy is not valid: %s", reason)
}

// ---- GetRandomPassword ----------------------------------------------------

// EveryTypeExcludedError (secretary): every character type is excluded.
func EveryTypeExcludedError() *Error {
	return &Error{CodeInvalidParameter, "The password can't be generated because every character type is excluded."}
}

// PasswordTooShortError (moto): fewer characters than required types.
func PasswordTooShortError() *Error {
	return &Error{CodeInvalidParameter, "Password length is too short based on the required types."}
}

// ---- The request validation layer (model) ----------------------------------
//
// AWS checks each member against the API model before the service sees the
// request and reports the first failure in one format. Sensitive members
// (SecretString, SecretBinary) and lists are reported without their value,
// so a value never reaches an error message.

// InvalidNameError (observed): a name (or a SecretId that is not an ARN)
// with characters a name may not hold. The "!" is part of AWS's text.
func InvalidNameError() *Error {
	return &Error{CodeValidation, "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"}
}

// NullMemberError is a required member missing from the request.
func NullMemberError(field string) *Error {
	return Errorf(CodeValidation, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

// TooShortError is a string or list member shorter than min.
func TooShortError(field, value string, shown bool, min int) *Error {
	return validationf(field, value, shown, "Member must have length greater than or equal to %d", min)
}

// TooLongError is a string or list member longer than max.
func TooLongError(field, value string, shown bool, max int) *Error {
	return validationf(field, value, shown, "Member must have length less than or equal to %d", max)
}

// BelowMinError is a number member smaller than min.
func BelowMinError(field string, n, min int) *Error {
	return validationf(field, fmt.Sprint(n), true, "Member must have value greater than or equal to %d", min)
}

// AboveMaxError is a number member larger than max.
func AboveMaxError(field string, n, max int) *Error {
	return validationf(field, fmt.Sprint(n), true, "Member must have value less than or equal to %d", max)
}

// NotInEnumError is a member outside its enum; set is the enum as AWS
// lists it ("[asc, desc]").
func NotInEnumError(field, value, set string) *Error {
	return validationf(field, value, true, "Member must satisfy enum value set: %s", set)
}

// PatternError is a member that does not match its pattern.
func PatternError(field, value, pattern string) *Error {
	return validationf(field, value, true, "Member must satisfy regular expression pattern: %s", pattern)
}

// JavaList renders a list of strings as AWS's validation messages quote
// one: "[a, b, c]".
func JavaList(items []string) string { return "[" + strings.Join(items, ", ") + "]" }

func validationf(field, value string, shown bool, constraint string, args ...any) *Error {
	c := fmt.Sprintf(constraint, args...)
	if !shown {
		return Errorf(CodeValidation, "1 validation error detected: Value at '%s' failed to satisfy constraint: %s", field, c)
	}
	return Errorf(CodeValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, c)
}
