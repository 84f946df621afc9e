package backend

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Shared request validation with AWS's exception names and messages. Every
// implementation that does its own checking (the embedded store, the HTTP
// server) calls these so the messages match everywhere.
//
// Where the messages come from:
//   - Texts marked "observed" were recorded from real AWS responses
//     (LocalStack's snapshot tests, which are validated against AWS, and
//     operator reports quoting the service).
//   - Length, range and enum checks use the format of AWS's request
//     validation layer ("1 validation error detected: Value '…' at '…'
//     failed to satisfy constraint: …") with the limits of the published API
//     model. Sensitive members (SecretString, SecretBinary) are reported
//     without their value, so a value never reaches an error message.
//   - Texts marked "moto" follow getmoto/moto's secretsmanager backend where
//     AWS's own text is not known to us.

// API limits from the Secrets Manager API model (2017-10-17, as botocore
// ships it).
const (
	MaxNameLength           = 512
	MaxSecretIDLength       = 2048
	MaxValueBytes           = 65536
	MaxDescriptionLength    = 2048
	MaxKmsKeyIDLength       = 2048
	MinClientTokenLength    = 32
	MaxClientTokenLength    = 64
	MaxStageLength          = 256
	MaxStagesPerVersion     = 20
	MaxTagsPerSecret        = 50
	MaxTagKeyLength         = 128
	MaxTagValueLength       = 256
	MaxListResults          = 100
	MaxBatchResults         = 20
	MaxFilters              = 10
	MaxFilterValues         = 10
	MaxFilterValueLength    = 512
	MinRecoveryWindowInDays = 7
	MaxRecoveryWindowInDays = 30
	// DefaultRecoveryWindowInDays applies when DeleteSecret names no window.
	DefaultRecoveryWindowInDays = 30
	// MaxDeprecatedVersions is how many unlabelled versions a secret keeps
	// once they are older than a day (AWS prunes the rest).
	MaxDeprecatedVersions = 100
)

// filterValuePattern is the FilterValueStringType pattern of the API model,
// quoted verbatim in the validation message.
const filterValuePattern = `^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$`

// tagPattern is the pattern AWS documents for tag keys and values:
// letters, separators (spaces), numbers and _.:/=+-@ only. A tag is shown
// wherever secrets are listed, so what it refuses (control characters,
// escape sequences, bidi and other format characters) matters. The
// Secrets Manager API model sets only lengths on tags; the message uses the
// format of AWS's request validation layer for a pattern.
const tagPattern = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`

// filterKeyEnum is the enum as AWS lists it in validation messages (moto
// recorded the first five in this order; primary-region and owning-service
// were added to the API later).
const filterKeyEnum = "[all, name, tag-key, description, tag-value, primary-region, owning-service]"

// ValidateCreateSecret checks a CreateSecret request.
func ValidateCreateSecret(in *CreateSecretInput) error {
	if err := validateName(in.Name); err != nil {
		return err
	}
	if err := validateToken(in.ClientRequestToken); err != nil {
		return err
	}
	if err := maxLen("description", in.Description, MaxDescriptionLength); err != nil {
		return err
	}
	if err := maxLen("kmsKeyId", in.KmsKeyID, MaxKmsKeyIDLength); err != nil {
		return err
	}
	if err := validateValue(in.SecretString, in.SecretBinary, false); err != nil {
		return err
	}
	return validateTags(in.Tags)
}

// ValidatePutSecretValue checks a PutSecretValue request.
func ValidatePutSecretValue(in *PutSecretValueInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	if err := validateToken(in.ClientRequestToken); err != nil {
		return err
	}
	if err := validateStages(in.VersionStages); err != nil {
		return err
	}
	return validateValue(in.SecretString, in.SecretBinary, true)
}

// ValidateUpdateSecret checks an UpdateSecret request.
func ValidateUpdateSecret(in *UpdateSecretInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	if err := validateToken(in.ClientRequestToken); err != nil {
		return err
	}
	if in.Description != nil {
		if err := maxLen("description", *in.Description, MaxDescriptionLength); err != nil {
			return err
		}
	}
	if in.KmsKeyID != nil {
		if err := maxLen("kmsKeyId", *in.KmsKeyID, MaxKmsKeyIDLength); err != nil {
			return err
		}
	}
	return validateValue(in.SecretString, in.SecretBinary, false)
}

// ValidateUpdateSecretVersionStage checks an UpdateSecretVersionStage request
// (shape only; the store checks it against the current labels).
func ValidateUpdateSecretVersionStage(in *UpdateSecretVersionStageInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	if err := lenBetween("versionStage", in.VersionStage, 1, MaxStageLength); err != nil {
		return err
	}
	if in.MoveToVersionID != "" {
		if err := lenBetween("moveToVersionId", in.MoveToVersionID, MinClientTokenLength, MaxClientTokenLength); err != nil {
			return err
		}
	}
	if in.RemoveFromVersionID != "" {
		if err := lenBetween("removeFromVersionId", in.RemoveFromVersionID, MinClientTokenLength, MaxClientTokenLength); err != nil {
			return err
		}
	}
	return nil
}

// ValidateGetSecretValue checks a GetSecretValue request (shape only).
func ValidateGetSecretValue(in *GetSecretValueInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	if in.VersionID != "" {
		if err := lenBetween("versionId", in.VersionID, MinClientTokenLength, MaxClientTokenLength); err != nil {
			return err
		}
	}
	if in.VersionStage != "" {
		if err := maxLen("versionStage", in.VersionStage, MaxStageLength); err != nil {
			return err
		}
	}
	return nil
}

// ValidateBatchGetSecretValue checks a BatchGetSecretValue request.
func ValidateBatchGetSecretValue(in *BatchGetSecretValueInput) error {
	if (len(in.SecretIDList) == 0) == (len(in.Filters) == 0) {
		// moto.
		return Errorf(CodeInvalidParameter, "Either 'SecretIdList' or 'Filters' must be provided, but not both.")
	}
	if len(in.SecretIDList) > MaxBatchResults {
		return validationf("secretIdList", javaList(in.SecretIDList), true, "Member must have length less than or equal to %d", MaxBatchResults)
	}
	for _, id := range in.SecretIDList {
		if err := ValidateSecretID(id); err != nil {
			return err
		}
	}
	if err := validateMaxResults(in.MaxResults, MaxBatchResults); err != nil {
		return err
	}
	if in.MaxResults != 0 && len(in.Filters) == 0 {
		// moto.
		return Errorf(CodeInvalidParameter, "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.")
	}
	return ValidateFilters(in.Filters)
}

// ValidateListSecrets checks a ListSecrets request (filters, max results,
// sort).
func ValidateListSecrets(in *ListSecretsInput) error {
	if err := validateMaxResults(in.MaxResults, MaxListResults); err != nil {
		return err
	}
	switch in.SortOrder {
	case "", SortAsc, SortDesc:
	default:
		return validationf("sortOrder", in.SortOrder, true, "Member must satisfy enum value set: [asc, desc]")
	}
	switch in.SortBy {
	case "", SortByCreatedDate, SortByLastAccessedDate, SortByLastChangedDate, SortByName:
	default:
		return validationf("sortBy", in.SortBy, true,
			"Member must satisfy enum value set: [created-date, last-accessed-date, last-changed-date, name]")
	}
	return ValidateFilters(in.Filters)
}

// ValidateFilters checks ListSecrets/BatchGetSecretValue filters: known keys,
// at most 10 filters of at most 10 values, each value at most 512 characters
// of the allowed set.
func ValidateFilters(filters []Filter) error {
	if len(filters) > MaxFilters {
		return validationf("filters", "", false, "Member must have length less than or equal to %d", MaxFilters)
	}
	for i, f := range filters {
		at := fmt.Sprintf("filters.%d.member", i+1)
		switch f.Key {
		case FilterName, FilterDescription, FilterTagKey, FilterTagValue,
			FilterPrimaryRegion, FilterOwningService, FilterAll:
		case "":
			// moto.
			return Errorf(CodeInvalidParameter, "Invalid filter key")
		default:
			return validationf(at+".key", f.Key, true, "Member must satisfy enum value set: %s", filterKeyEnum)
		}
		if len(f.Values) == 0 {
			// moto.
			return Errorf(CodeInvalidParameter, "Invalid filter values for key: %s", f.Key)
		}
		if len(f.Values) > MaxFilterValues {
			return validationf(at+".values", javaList(f.Values), true, "Member must have length less than or equal to %d", MaxFilterValues)
		}
		for j, v := range f.Values {
			vat := fmt.Sprintf("%s.values.%d.member", at, j+1)
			if len(v) > MaxFilterValueLength {
				return validationf(vat, v, true, "Member must have length less than or equal to %d", MaxFilterValueLength)
			}
			if !validFilterValue(v) {
				return validationf(vat, v, true, "Member must satisfy regular expression pattern: %s", filterValuePattern)
			}
		}
	}
	return nil
}

// validFilterValue implements filterValuePattern: an optional leading "!",
// then letters, digits, space and :_@/+=.-! only.
func validFilterValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte(" :_@/+=.-!", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// ValidateListSecretVersionIds checks a ListSecretVersionIds request.
func ValidateListSecretVersionIds(in *ListSecretVersionIdsInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	return validateMaxResults(in.MaxResults, MaxListResults)
}

// ValidateDeleteSecret checks a DeleteSecret request (window range, mutual
// exclusion with force). The range is checked first, as moto does.
func ValidateDeleteSecret(in *DeleteSecretInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	if w := in.RecoveryWindowInDays; w != nil && (*w < MinRecoveryWindowInDays || *w > MaxRecoveryWindowInDays) {
		return Errorf(CodeInvalidParameter, "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
	}
	if in.RecoveryWindowInDays != nil && in.ForceDeleteWithoutRecovery {
		return Errorf(CodeInvalidParameter, "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	return nil
}

// ValidateTagResource checks a TagResource request.
func ValidateTagResource(in *TagResourceInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	return validateTags(in.Tags)
}

// ValidateUntagResource checks an UntagResource request. Keys are not held
// to tagPattern: a store written before that rule may hold a key outside
// it, and removing it must stay possible.
func ValidateUntagResource(in *UntagResourceInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	for i, k := range in.TagKeys {
		if err := lenBetween(fmt.Sprintf("tagKeys.%d.member", i+1), k, 1, MaxTagKeyLength); err != nil {
			return err
		}
		if isSystemTag(k) {
			return SystemTagError(k)
		}
	}
	return nil
}

// ValidateSecretID checks the SecretId parameter common to most operations:
// 1–2048 characters, and for a name (not an ARN) the characters a name may
// hold.
func ValidateSecretID(id string) error {
	if err := lenBetween("secretId", id, 1, MaxSecretIDLength); err != nil {
		return err
	}
	if !strings.HasPrefix(id, "arn:") && !validNameChars(id) {
		return invalidNameError()
	}
	return nil
}

// ValidateGetRandomPassword checks a GetRandomPassword request's ranges.
// RandomPassword calls it; it is exported for servers that validate before
// dispatching.
func ValidateGetRandomPassword(in *GetRandomPasswordInput) error {
	if in.PasswordLength != nil {
		n := *in.PasswordLength
		if n < MinPasswordLength {
			return validationf("passwordLength", fmt.Sprint(n), true, "Member must have value greater than or equal to %d", MinPasswordLength)
		}
		if n > MaxPasswordLength {
			// Observed (quoted by moto).
			return validationf("passwordLength", fmt.Sprint(n), true, "Member must have value less than or equal to %d", MaxPasswordLength)
		}
	}
	return maxLen("excludeCharacters", in.ExcludeCharacters, MaxPasswordLength)
}

func validateName(name string) error {
	if err := lenBetween("name", name, 1, MaxNameLength); err != nil {
		return err
	}
	if !validNameChars(name) {
		return invalidNameError()
	}
	return nil
}

// validNameChars reports whether s holds only ASCII letters, digits and
// /_+=.@- (the characters a secret name may contain).
func validNameChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("/_+=.@-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// invalidNameError is observed: AWS answers every operation given a name
// with other characters this way (the "!" is part of AWS's text).
func invalidNameError() *Error {
	return Errorf(CodeValidation, "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
}

func validateToken(token string) error {
	if token == "" {
		return nil
	}
	return lenBetween("clientRequestToken", token, MinClientTokenLength, MaxClientTokenLength)
}

// validateValue checks the SecretString/SecretBinary pair. required is true
// for PutSecretValue, which must carry a value.
func validateValue(s *string, b []byte, required bool) error {
	if s != nil && b != nil {
		// Observed.
		return Errorf(CodeInvalidParameter, "You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	if s == nil && b == nil {
		if required {
			// Observed (LocalStack, moto).
			return Errorf(CodeInvalidRequest, "You must provide either SecretString or SecretBinary.")
		}
		return nil
	}
	field, n := "secretString", 0
	if s != nil {
		n = len(*s)
	} else {
		field, n = "secretBinary", len(b)
	}
	if n < 1 {
		return validationf(field, "", false, "Member must have length greater than or equal to 1")
	}
	if n > MaxValueBytes {
		return validationf(field, "", false, "Member must have length less than or equal to %d", MaxValueBytes)
	}
	return nil
}

func validateStages(stages []string) error {
	if len(stages) > MaxStagesPerVersion {
		return validationf("versionStages", javaList(stages), true, "Member must have length less than or equal to %d", MaxStagesPerVersion)
	}
	for i, s := range stages {
		if err := lenBetween(fmt.Sprintf("versionStages.%d.member", i+1), s, 1, MaxStageLength); err != nil {
			return err
		}
	}
	return nil
}

func validateTags(tags []Tag) error {
	if len(tags) > MaxTagsPerSecret {
		// The API model sets no length on tag lists: the quota of 50 is
		// enforced by the service, not by request validation.
		return TooManyTagsError()
	}
	for i, t := range tags {
		at := fmt.Sprintf("tags.%d.member", i+1)
		if err := lenBetween(at+".key", t.Key, 1, MaxTagKeyLength); err != nil {
			return err
		}
		if !validTagChars(t.Key) {
			return validationf(at+".key", t.Key, true, "Member must satisfy regular expression pattern: %s", tagPattern)
		}
		if err := maxLen(at+".value", t.Value, MaxTagValueLength); err != nil {
			return err
		}
		if !validTagChars(t.Value) {
			return validationf(at+".value", t.Value, true, "Member must satisfy regular expression pattern: %s", tagPattern)
		}
	}
	for _, t := range tags {
		if isSystemTag(t.Key) {
			return SystemTagError(t.Key)
		}
	}
	return nil
}

// validTagChars reports whether s matches tagPattern. Invalid UTF-8 does
// not: it decodes to U+FFFD, a symbol.
func validTagChars(s string) bool {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' '):
		case strings.ContainsRune("_.:/=+-@", r):
		case r >= utf8.RuneSelf && unicode.In(r, unicode.L, unicode.Z, unicode.N):
		default:
			return false
		}
	}
	return true
}

// isSystemTag reports whether a tag key uses the prefix AWS reserves.
func isSystemTag(key string) bool { return strings.HasPrefix(strings.ToLower(key), "aws:") }

func validateMaxResults(n, limit int) error {
	// 0 means "not given" in our types; AWS would reject an explicit 0 the
	// same way as a negative number.
	if n < 0 {
		return validationf("maxResults", fmt.Sprint(n), true, "Member must have value greater than or equal to 1")
	}
	if n > limit {
		return validationf("maxResults", fmt.Sprint(n), true, "Member must have value less than or equal to %d", limit)
	}
	return nil
}

func lenBetween(field, v string, lo, hi int) error {
	if len(v) < lo {
		return validationf(field, v, true, "Member must have length greater than or equal to %d", lo)
	}
	return maxLen(field, v, hi)
}

func maxLen(field, v string, hi int) error {
	if len(v) > hi {
		return validationf(field, v, true, "Member must have length less than or equal to %d", hi)
	}
	return nil
}

// javaList renders a list of strings as AWS's validation messages quote
// one: "[a, b, c]".
func javaList(items []string) string { return "[" + strings.Join(items, ", ") + "]" }

// validationf builds a ValidationException in the format of AWS's request
// validation layer. showValue is false for sensitive members and lists.
func validationf(field, value string, showValue bool, constraint string, args ...any) *Error {
	c := fmt.Sprintf(constraint, args...)
	if !showValue {
		return Errorf(CodeValidation, "1 validation error detected: Value at '%s' failed to satisfy constraint: %s", field, c)
	}
	return Errorf(CodeValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, c)
}

// Errors that depend on a store's state. Stores return these so every
// backend words them alike; the conformance suite checks the texts.

// SecretNotFoundError is observed: the secret does not exist.
func SecretNotFoundError() *Error {
	return Errorf(CodeResourceNotFound, "Secrets Manager can't find the specified secret.")
}

// MarkedForDeletionError is observed: the operation is not allowed while the
// secret is scheduled for deletion.
func MarkedForDeletionError() *Error {
	return Errorf(CodeInvalidRequest, "You can't perform this operation on the secret because it was marked for deletion.")
}

// AlreadyScheduledError (moto) answers DeleteSecret without force on a
// secret already scheduled for deletion.
func AlreadyScheduledError() *Error {
	return Errorf(CodeInvalidRequest, "You tried to perform the operation on a secret that's currently marked deleted.")
}

// NameScheduledForDeletionError is observed: CreateSecret with the name of a
// secret scheduled for deletion.
func NameScheduledForDeletionError() *Error {
	return Errorf(CodeInvalidRequest, "You can't create this secret because a secret with this name is already scheduled for deletion.")
}

// SecretExistsError is observed: CreateSecret with a name in use.
func SecretExistsError(name string) *Error {
	return Errorf(CodeResourceExists, "The operation failed because the secret %s already exists.", name)
}

// VersionExistsError answers a ClientRequestToken reused with a different
// value (text used by AWS's documentation of the idempotency rule).
func VersionExistsError() *Error {
	return Errorf(CodeResourceExists, "You can't modify an existing version, you can only create a new version.")
}

// StageValueNotFoundError is observed: no version holds the staging label
// (also what GetSecretValue answers on a secret that has no value yet).
func StageValueNotFoundError(stage string) *Error {
	return Errorf(CodeResourceNotFound, "Secrets Manager can't find the specified secret value for staging label: %s", stage)
}

// VersionValueNotFoundError is observed: no version has this id.
func VersionValueNotFoundError(versionID string) *Error {
	return Errorf(CodeResourceNotFound, "Secrets Manager can't find the specified secret value for VersionId: %s", versionID)
}

// StageVersionMismatchError is observed: GetSecretValue's VersionId and
// VersionStage name different versions.
func StageVersionMismatchError() *Error {
	return Errorf(CodeInvalidRequest, "You provided a VersionStage that is not associated to the provided VersionId.")
}

// RemoveFromVersionRequiredError (moto, after AWS's text) answers
// UpdateSecretVersionStage moving a label held by another version without
// naming that version in RemoveFromVersionId.
func RemoveFromVersionRequiredError(stage, holderVersionID string) *Error {
	return Errorf(CodeInvalidParameter,
		"The parameter RemoveFromVersionId can't be empty. Staging label %s is currently attached to version %s, so you must explicitly reference that version in RemoveFromVersionId.",
		stage, holderVersionID)
}

// StageNotOnVersionError (moto) answers UpdateSecretVersionStage whose
// RemoveFromVersionId does not hold the label.
func StageNotOnVersionError(stage, versionID string) *Error {
	return Errorf(CodeInvalidParameter, "Version stage %s not found in version %s", stage, versionID)
}

// InvalidVersionError (moto) answers UpdateSecretVersionStage naming a
// version the secret does not have.
func InvalidVersionError(versionID string) *Error {
	return Errorf(CodeInvalidParameter, "Not a valid version: %s", versionID)
}

// TooManyStagesError answers a change that would leave a version with more
// than 20 staging labels (unverified text; UpdateSecretVersionStage lists
// LimitExceededException for quotas).
func TooManyStagesError() *Error {
	return Errorf(CodeLimitExceeded, "A version can have at most %d staging labels.", MaxStagesPerVersion)
}

// TooManyTagsError answers a request that would leave a secret with more
// than 50 tags. The text is unverified; the exception name is the one the
// API model lists for TagResource's bad parameters.
func TooManyTagsError() *Error {
	return Errorf(CodeInvalidParameter, "A secret can have at most %d tags.", MaxTagsPerSecret)
}

// SystemTagError is observed: a tag key with the reserved "aws:" prefix.
func SystemTagError(key string) *Error {
	return Errorf(CodeInvalidParameter, "You can't modify system tags. Tag key: '%s'.", key)
}
