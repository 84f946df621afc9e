package backend

import "time"

// Well-known staging labels.
const (
	StageCurrent  = "AWSCURRENT"
	StagePrevious = "AWSPREVIOUS"
	StagePending  = "AWSPENDING"
)

// Tag is a key/value pair attached to a secret.
type Tag struct {
	Key   string
	Value string
}

// RotationRules says when a secret rotates. AutomaticallyAfterDays and
// ScheduleExpression are mutually exclusive; Duration is an optional window
// such as "2h".
type RotationRules struct {
	AutomaticallyAfterDays int
	ScheduleExpression     string
	Duration               string
}

// ReplicationStatus describes one replica region of a secret.
type ReplicationStatus struct {
	Region           string
	KmsKeyID         string
	Status           string
	StatusMessage    string
	LastAccessedDate time.Time
}

// SecretMetadata is what DescribeSecret returns and what ListSecrets returns
// for each secret. Zero times mean "absent" and are omitted on output.
type SecretMetadata struct {
	ARN               string
	Name              string
	Description       string
	KmsKeyID          string
	RotationEnabled   bool
	RotationLambdaARN string
	RotationRules     *RotationRules
	CreatedDate       time.Time
	LastChangedDate   time.Time
	LastAccessedDate  time.Time
	LastRotatedDate   time.Time
	NextRotationDate  time.Time
	// DeletedDate is set while the secret is scheduled for deletion.
	DeletedDate time.Time
	// DeletionDate is when a scheduled secret will be removed for good. AWS
	// does not report it from DescribeSecret, so the AWS backend may leave it
	// zero; the local store fills it in.
	DeletionDate      time.Time
	Tags              []Tag
	OwningService     string
	PrimaryRegion     string
	ReplicationStatus []ReplicationStatus
	// VersionIdsToStages maps each labelled version to its sorted labels.
	// Deprecated (unlabelled) versions are not listed, as in AWS.
	VersionIdsToStages map[string][]string
}

// Deleted reports whether the secret is scheduled for deletion.
func (m *SecretMetadata) Deleted() bool { return !m.DeletedDate.IsZero() }

// SecretValue is one version's value. Exactly one of SecretString and
// SecretBinary is set.
type SecretValue struct {
	ARN           string
	Name          string
	VersionID     string
	SecretString  *string
	SecretBinary  []byte
	VersionStages []string
	CreatedDate   time.Time
}

// IsBinary reports whether the value is a SecretBinary.
func (v *SecretValue) IsBinary() bool { return v.SecretString == nil && v.SecretBinary != nil }

// Wipe overwrites the value's bytes where Go allows it and drops the
// references, so a value the operator navigated away from does not linger.
func (v *SecretValue) Wipe() {
	if v == nil {
		return
	}
	for i := range v.SecretBinary {
		v.SecretBinary[i] = 0
	}
	v.SecretBinary = nil
	v.SecretString = nil
}

// SecretVersion is one entry of ListSecretVersionIds.
type SecretVersion struct {
	VersionID        string
	VersionStages    []string
	CreatedDate      time.Time
	LastAccessedDate time.Time
	KmsKeyIDs        []string
}

// Filter is a ListSecrets filter: Key is one of name, description, tag-key,
// tag-value, primary-region, owning-service, all. A value starting with "!"
// negates. Values within a filter OR together; filters AND together.
type Filter struct {
	Key    string
	Values []string
}

// Filter keys.
const (
	FilterName          = "name"
	FilterDescription   = "description"
	FilterTagKey        = "tag-key"
	FilterTagValue      = "tag-value"
	FilterPrimaryRegion = "primary-region"
	FilterOwningService = "owning-service"
	FilterAll           = "all"
)

// Sort orders and keys for ListSecrets.
const (
	SortAsc  = "asc"
	SortDesc = "desc"

	SortByCreatedDate      = "created-date"
	SortByLastAccessedDate = "last-accessed-date"
	SortByLastChangedDate  = "last-changed-date"
	SortByName             = "name"
)

// CreateSecretInput creates a secret, optionally with a first value.
type CreateSecretInput struct {
	Name               string
	Description        string
	KmsKeyID           string
	ClientRequestToken string
	SecretString       *string
	SecretBinary       []byte
	Tags               []Tag
}

// CreateSecretOutput identifies the new secret and, when a value was given,
// its first version.
type CreateSecretOutput struct {
	ARN       string
	Name      string
	VersionID string
}

// ListSecretsInput lists secrets. MaxResults 0 means the service default.
type ListSecretsInput struct {
	Filters                []Filter
	IncludePlannedDeletion bool
	MaxResults             int
	NextToken              string
	SortOrder              string
	SortBy                 string
}

// ListSecretsOutput is one page. A page may be short and still carry
// NextToken.
type ListSecretsOutput struct {
	Secrets   []SecretMetadata
	NextToken string
}

// ListSecretVersionIdsInput lists the versions of one secret.
type ListSecretVersionIdsInput struct {
	SecretID          string
	IncludeDeprecated bool
	MaxResults        int
	NextToken         string
}

// ListSecretVersionIdsOutput is one page of versions.
type ListSecretVersionIdsOutput struct {
	ARN       string
	Name      string
	Versions  []SecretVersion
	NextToken string
}

// GetSecretValueInput selects a version by id and/or stage; with neither,
// AWSCURRENT.
type GetSecretValueInput struct {
	SecretID     string
	VersionID    string
	VersionStage string
}

// BatchGetSecretValueInput takes either SecretIDList or Filters.
type BatchGetSecretValueInput struct {
	SecretIDList []string
	Filters      []Filter
	MaxResults   int
	NextToken    string
}

// APIError is a per-secret failure inside a batch response.
type APIError struct {
	SecretID  string
	ErrorCode string
	Message   string
}

// BatchGetSecretValueOutput holds the values found and the per-secret errors.
type BatchGetSecretValueOutput struct {
	SecretValues []SecretValue
	Errors       []APIError
	NextToken    string
}

// PutSecretValueInput stores a new version. Without VersionStages the new
// version becomes AWSCURRENT.
type PutSecretValueInput struct {
	SecretID           string
	ClientRequestToken string
	SecretString       *string
	SecretBinary       []byte
	VersionStages      []string
}

// PutSecretValueOutput identifies the version written and its labels.
type PutSecretValueOutput struct {
	ARN           string
	Name          string
	VersionID     string
	VersionStages []string
}

// UpdateSecretInput changes metadata and, when a value is given, stores a new
// AWSCURRENT version. Nil pointers leave fields unchanged.
type UpdateSecretInput struct {
	SecretID           string
	ClientRequestToken string
	Description        *string
	KmsKeyID           *string
	SecretString       *string
	SecretBinary       []byte
}

// UpdateSecretOutput identifies the secret and the version written, if any.
type UpdateSecretOutput struct {
	ARN       string
	Name      string
	VersionID string
}

// UpdateSecretVersionStageInput moves or removes one staging label.
type UpdateSecretVersionStageInput struct {
	SecretID            string
	VersionStage        string
	MoveToVersionID     string
	RemoveFromVersionID string
}

// ARNName identifies a secret in responses that return nothing else.
type ARNName struct {
	ARN  string
	Name string
}

// DeleteSecretInput schedules a deletion (RecoveryWindowInDays, nil means
// 30) or deletes at once (ForceDeleteWithoutRecovery).
type DeleteSecretInput struct {
	SecretID                   string
	RecoveryWindowInDays       *int
	ForceDeleteWithoutRecovery bool
}

// DeleteSecretOutput says when the secret will be gone.
type DeleteSecretOutput struct {
	ARN          string
	Name         string
	DeletionDate time.Time
}

// TagResourceInput adds or overwrites tags.
type TagResourceInput struct {
	SecretID string
	Tags     []Tag
}

// UntagResourceInput removes tags by key.
type UntagResourceInput struct {
	SecretID string
	TagKeys  []string
}

// GetRandomPasswordInput mirrors the AWS request; nil pointers take AWS's
// defaults (length 32, each included type required).
type GetRandomPasswordInput struct {
	PasswordLength          *int
	ExcludeCharacters       string
	ExcludeNumbers          bool
	ExcludePunctuation      bool
	ExcludeUppercase        bool
	ExcludeLowercase        bool
	IncludeSpace            bool
	RequireEachIncludedType *bool
}

// RotateSecretInput configures and/or starts a rotation.
type RotateSecretInput struct {
	SecretID           string
	ClientRequestToken string
	// RotationLambdaARN names the rotation function: a Lambda ARN on AWS, a
	// local rotation function name in the embedded store.
	RotationLambdaARN string
	RotationRules     *RotationRules
	// RotateImmediately nil means true.
	RotateImmediately *bool
}

// RotateSecretOutput identifies the pending version a rotation created.
type RotateSecretOutput struct {
	ARN       string
	Name      string
	VersionID string
}

// ResourcePolicy is a secret's resource-based policy document.
type ResourcePolicy struct {
	ARN    string
	Name   string
	Policy string
}

// PutResourcePolicyInput attaches a policy.
type PutResourcePolicyInput struct {
	SecretID          string
	ResourcePolicy    string
	BlockPublicPolicy bool
}

// ValidationEntry is one finding of ValidateResourcePolicy.
type ValidationEntry struct {
	CheckName         string
	ValidationMessage string
}

// AuditRecord is one entry of the embedded store's audit log. It never holds
// a secret value.
type AuditRecord struct {
	Seq       int64
	Time      time.Time
	Actor     string
	Operation string
	SecretARN string
	VersionID string
	// Outcome is "ok" or "error"; ErrorCode holds the exception name.
	Outcome   string
	ErrorCode string
	// Principal is the IAM identity that acted: the account root
	// (arn:aws:iam::ACCOUNT:root) for whoever unlocked the store with its
	// key, the user an access key acts as for a request through serve;
	// empty in records written before principals were recorded and for
	// requests refused before their key was known.
	Principal string
	// DecidedBy names the policy statement that denied a request refused
	// by access control ("POLICY statement \"SID\"" or "POLICY statement
	// N"), or says that no statement allowed it.
	DecidedBy string
	PrevHash  string
	Hash      string
}

// AuditQuery selects audit records; zero values mean "all".
type AuditQuery struct {
	SecretID string
	Limit    int
}

// Info describes a backend for the status bar.
type Info struct {
	// Kind is "local" or "aws".
	Kind string
	// Location is the store path, or the profile/region for AWS.
	Location string
	Region   string
	Account  string
	ReadOnly bool
	// Endpoint is the URL requests go to, for a remote store; empty for a
	// local one. The console names it when it stops answering.
	Endpoint string
}
