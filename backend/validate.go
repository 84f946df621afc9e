package backend

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Shared request validation. Every implementation that does its own
// checking (the embedded store, the HTTP server) calls these, so the checks
// run alike everywhere; the exception names and messages they return are
// the builders of errors.go, where each says where its text comes from.

// API limits from the Secrets Manager API model (2017-10-17, as botocore
// ships it).
const (
	MaxNameLength           = 512
	MaxSecretIDLength       = 2048
	MaxValueBytes           = 65536
	MaxDescriptionLength    = 2048
	MaxKmsKeyIDLength       = 2048
	MaxRotationLambdaARN    = 2048
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

// ValidateRotateSecret checks a RotateSecret request's members (the rules
// themselves are checked by the schedule parser).
func ValidateRotateSecret(in *RotateSecretInput) error {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return err
	}
	if err := validateToken(in.ClientRequestToken); err != nil {
		return err
	}
	return maxLen("rotationLambdaARN", in.RotationLambdaARN, MaxRotationLambdaARN)
}

// TokenRequired applies AWS's rule for requests as they arrive on the wire:
// CreateSecret, PutSecretValue, UpdateSecret with a value (hasValue) and
// RotateSecret must carry a ClientRequestToken, and one without is refused
// before the secret is looked up (MissingTokenError). SDKs and the AWS CLI
// always send one; a server checks it, while a store called in process
// makes a token up for a request without one (see the Backend contract).
func TokenRequired(operation, token string, hasValue bool) error {
	if token != "" {
		return nil
	}
	switch operation {
	case "CreateSecret", "PutSecretValue", "RotateSecret":
		return MissingTokenError(operation)
	case "UpdateSecret":
		if hasValue {
			return MissingTokenError(operation)
		}
	}
	return nil
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
		return BatchIDsOrFiltersError()
	}
	if len(in.SecretIDList) > MaxBatchResults {
		return TooLongError("secretIdList", JavaList(in.SecretIDList), true, MaxBatchResults)
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
		return BatchMaxResultsError()
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
		return NotInEnumError("sortOrder", in.SortOrder, "[asc, desc]")
	}
	switch in.SortBy {
	case "", SortByCreatedDate, SortByLastAccessedDate, SortByLastChangedDate, SortByName:
	default:
		return NotInEnumError("sortBy", in.SortBy, "[created-date, last-accessed-date, last-changed-date, name]")
	}
	return ValidateFilters(in.Filters)
}

// ValidateFilters checks ListSecrets/BatchGetSecretValue filters: known keys,
// at most 10 filters of at most 10 values, each value at most 512 characters
// of the allowed set.
func ValidateFilters(filters []Filter) error {
	if len(filters) > MaxFilters {
		return TooLongError("filters", "", false, MaxFilters)
	}
	for i, f := range filters {
		at := fmt.Sprintf("filters.%d.member", i+1)
		switch f.Key {
		case FilterName, FilterDescription, FilterTagKey, FilterTagValue,
			FilterPrimaryRegion, FilterOwningService, FilterAll:
		case "":
			return FilterKeyMissingError()
		default:
			return NotInEnumError(at+".key", f.Key, filterKeyEnum)
		}
		if len(f.Values) == 0 {
			return FilterValuesMissingError(f.Key)
		}
		if len(f.Values) > MaxFilterValues {
			return TooLongError(at+".values", JavaList(f.Values), true, MaxFilterValues)
		}
		for j, v := range f.Values {
			vat := fmt.Sprintf("%s.values.%d.member", at, j+1)
			if len(v) > MaxFilterValueLength {
				return TooLongError(vat, v, true, MaxFilterValueLength)
			}
			if !validFilterValue(v) {
				return PatternError(vat, v, filterValuePattern)
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
		return RecoveryWindowError()
	}
	if in.RecoveryWindowInDays != nil && in.ForceDeleteWithoutRecovery {
		return WindowWithForceError()
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
		return InvalidNameError()
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
			return BelowMinError("passwordLength", n, MinPasswordLength)
		}
		if n > MaxPasswordLength {
			return AboveMaxError("passwordLength", n, MaxPasswordLength)
		}
	}
	return maxLen("excludeCharacters", in.ExcludeCharacters, MaxPasswordLength)
}

func validateName(name string) error {
	if err := lenBetween("name", name, 1, MaxNameLength); err != nil {
		return err
	}
	if !validNameChars(name) {
		return InvalidNameError()
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
		return BothValuesError()
	}
	if s == nil && b == nil {
		if required {
			return NoValueError()
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
		return TooShortError(field, "", false, 1)
	}
	if n > MaxValueBytes {
		return TooLongError(field, "", false, MaxValueBytes)
	}
	return nil
}

func validateStages(stages []string) error {
	if len(stages) > MaxStagesPerVersion {
		return TooLongError("versionStages", JavaList(stages), true, MaxStagesPerVersion)
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
			return PatternError(at+".key", t.Key, tagPattern)
		}
		if err := maxLen(at+".value", t.Value, MaxTagValueLength); err != nil {
			return err
		}
		if !validTagChars(t.Value) {
			return PatternError(at+".value", t.Value, tagPattern)
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
		return BelowMinError("maxResults", n, 1)
	}
	if n > limit {
		return AboveMaxError("maxResults", n, limit)
	}
	return nil
}

func lenBetween(field, v string, lo, hi int) error {
	if len(v) < lo {
		return TooShortError(field, v, true, lo)
	}
	return maxLen(field, v, hi)
}

func maxLen(field, v string, hi int) error {
	if len(v) > hi {
		return TooLongError(field, v, true, hi)
	}
	return nil
}
