package wire

// Shapes shared by several operations.

// Tag is the Tag shape. Its members are pointers because a request may
// leave one out, which authorisation tells from an empty string.
type Tag struct {
	Key   *string `json:"Key,omitempty"`
	Value *string `json:"Value,omitempty"`
}

// Filter is the Filter shape of ListSecrets and BatchGetSecretValue.
type Filter struct {
	Key    string   `json:"Key,omitempty"`
	Values []string `json:"Values,omitempty"`
}

// RotationRules is the RotationRulesType shape.
type RotationRules struct {
	AutomaticallyAfterDays *int64 `json:"AutomaticallyAfterDays,omitempty"`
	Duration               string `json:"Duration,omitempty"`
	ScheduleExpression     string `json:"ScheduleExpression,omitempty"`
}

// ReplicationStatus is the ReplicationStatusType shape.
type ReplicationStatus struct {
	Region           string `json:"Region,omitempty"`
	KmsKeyId         string `json:"KmsKeyId,omitempty"`
	Status           string `json:"Status,omitempty"`
	StatusMessage    string `json:"StatusMessage,omitempty"`
	LastAccessedDate Time   `json:"LastAccessedDate,omitzero"`
}

// SecretIDRequest is the request of the operations whose only member is
// SecretId: DescribeSecret, RestoreSecret, CancelRotateSecret,
// GetResourcePolicy and DeleteResourcePolicy.
type SecretIDRequest struct {
	SecretId *string `json:"SecretId"`
}

// ARNName is the response of the operations that answer with the secret
// alone: UpdateSecretVersionStage, RestoreSecret, PutResourcePolicy and
// DeleteResourcePolicy.
type ARNName struct {
	ARN  string `json:"ARN,omitempty"`
	Name string `json:"Name,omitempty"`
}

// ARNNameVersion is the response of the operations that answer with the
// secret and a version: CreateSecret (which would add ReplicationStatus
// for replicas, never created here), UpdateSecret, RotateSecret and
// CancelRotateSecret.
type ARNNameVersion struct {
	ARN       string `json:"ARN,omitempty"`
	Name      string `json:"Name,omitempty"`
	VersionId string `json:"VersionId,omitempty"`
}

// ErrorResponse is the body of every error: the exception's name and its
// message.
type ErrorResponse struct {
	Type    string `json:"__type"`
	Message string `json:"Message,omitempty"`
}

// Operations, in the API reference's order.

type BatchGetSecretValueRequest struct {
	SecretIdList []string `json:"SecretIdList"`
	Filters      []Filter `json:"Filters"`
	MaxResults   *int     `json:"MaxResults"`
	NextToken    string   `json:"NextToken"`
}

// APIError is the APIErrorType shape: one secret BatchGetSecretValue could
// not read.
type APIError struct {
	SecretId  string `json:"SecretId,omitempty"`
	ErrorCode string `json:"ErrorCode,omitempty"`
	Message   string `json:"Message,omitempty"`
}

// BatchGetSecretValueResponse always has its two lists, empty or not.
type BatchGetSecretValueResponse struct {
	SecretValues []SecretValue `json:"SecretValues"`
	NextToken    string        `json:"NextToken,omitempty"`
	Errors       []APIError    `json:"Errors"`
}

type CreateSecretRequest struct {
	Name               *string  `json:"Name"`
	ClientRequestToken string   `json:"ClientRequestToken"`
	Description        string   `json:"Description"`
	KmsKeyId           string   `json:"KmsKeyId"`
	SecretBinary       []byte   `json:"SecretBinary"`
	SecretString       *string  `json:"SecretString"`
	Tags               []Tag    `json:"Tags"`
	AddReplicaRegions  []Region `json:"AddReplicaRegions"`
}

// Region is the ReplicaRegionType shape, as far as this store reads it:
// a request naming any replica region is refused.
type Region struct {
	Region string `json:"Region"`
}

type DeleteSecretRequest struct {
	SecretId                   *string `json:"SecretId"`
	RecoveryWindowInDays       *int    `json:"RecoveryWindowInDays"`
	ForceDeleteWithoutRecovery bool    `json:"ForceDeleteWithoutRecovery"`
}

type DeleteSecretResponse struct {
	ARN          string `json:"ARN,omitempty"`
	Name         string `json:"Name,omitempty"`
	DeletionDate Time   `json:"DeletionDate,omitzero"`
}

// DescribeSecretResponse differs from SecretListEntry in two members:
// VersionIdsToStages (SecretVersionsToStages there) and ReplicationStatus.
type DescribeSecretResponse struct {
	ARN                string              `json:"ARN,omitempty"`
	Name               string              `json:"Name,omitempty"`
	Description        string              `json:"Description,omitempty"`
	KmsKeyId           string              `json:"KmsKeyId,omitempty"`
	RotationEnabled    *bool               `json:"RotationEnabled,omitempty"`
	RotationLambdaARN  string              `json:"RotationLambdaARN,omitempty"`
	RotationRules      *RotationRules      `json:"RotationRules,omitempty"`
	LastRotatedDate    Time                `json:"LastRotatedDate,omitzero"`
	LastChangedDate    Time                `json:"LastChangedDate,omitzero"`
	LastAccessedDate   Time                `json:"LastAccessedDate,omitzero"`
	DeletedDate        Time                `json:"DeletedDate,omitzero"`
	NextRotationDate   Time                `json:"NextRotationDate,omitzero"`
	Tags               []Tag               `json:"Tags,omitzero"`
	VersionIdsToStages map[string][]string `json:"VersionIdsToStages,omitempty"`
	OwningService      string              `json:"OwningService,omitempty"`
	CreatedDate        Time                `json:"CreatedDate,omitzero"`
	PrimaryRegion      string              `json:"PrimaryRegion,omitempty"`
	ReplicationStatus  []ReplicationStatus `json:"ReplicationStatus,omitempty"`
}

type GetRandomPasswordRequest struct {
	PasswordLength          *int   `json:"PasswordLength"`
	ExcludeCharacters       string `json:"ExcludeCharacters"`
	ExcludeNumbers          bool   `json:"ExcludeNumbers"`
	ExcludePunctuation      bool   `json:"ExcludePunctuation"`
	ExcludeUppercase        bool   `json:"ExcludeUppercase"`
	ExcludeLowercase        bool   `json:"ExcludeLowercase"`
	IncludeSpace            bool   `json:"IncludeSpace"`
	RequireEachIncludedType *bool  `json:"RequireEachIncludedType"`
}

type GetRandomPasswordResponse struct {
	RandomPassword string `json:"RandomPassword"`
}

type GetResourcePolicyResponse struct {
	ARN            string `json:"ARN,omitempty"`
	Name           string `json:"Name,omitempty"`
	ResourcePolicy string `json:"ResourcePolicy,omitempty"`
}

type GetSecretValueRequest struct {
	SecretId     *string `json:"SecretId"`
	VersionId    string  `json:"VersionId"`
	VersionStage string  `json:"VersionStage"`
}

// SecretValue is GetSecretValueResponse and SecretValueEntry, which have
// the same members.
type SecretValue struct {
	ARN           string   `json:"ARN,omitempty"`
	Name          string   `json:"Name,omitempty"`
	VersionId     string   `json:"VersionId,omitempty"`
	SecretBinary  []byte   `json:"SecretBinary,omitempty"`
	SecretString  *string  `json:"SecretString,omitempty"`
	VersionStages []string `json:"VersionStages,omitempty"`
	CreatedDate   Time     `json:"CreatedDate,omitzero"`
}

type ListSecretVersionIdsRequest struct {
	SecretId          *string `json:"SecretId"`
	MaxResults        *int    `json:"MaxResults"`
	NextToken         string  `json:"NextToken"`
	IncludeDeprecated bool    `json:"IncludeDeprecated"`
}

// ListSecretVersionIdsResponse always has Versions, empty or not.
type ListSecretVersionIdsResponse struct {
	Versions  []SecretVersionsListEntry `json:"Versions"`
	NextToken string                    `json:"NextToken,omitempty"`
	ARN       string                    `json:"ARN,omitempty"`
	Name      string                    `json:"Name,omitempty"`
}

type SecretVersionsListEntry struct {
	VersionId        string   `json:"VersionId,omitempty"`
	VersionStages    []string `json:"VersionStages,omitempty"`
	LastAccessedDate Time     `json:"LastAccessedDate,omitzero"`
	CreatedDate      Time     `json:"CreatedDate,omitzero"`
	KmsKeyIds        []string `json:"KmsKeyIds,omitempty"`
}

type ListSecretsRequest struct {
	IncludePlannedDeletion bool     `json:"IncludePlannedDeletion"`
	MaxResults             *int     `json:"MaxResults"`
	NextToken              string   `json:"NextToken"`
	Filters                []Filter `json:"Filters"`
	SortOrder              string   `json:"SortOrder"`
	SortBy                 string   `json:"SortBy"`
}

// ListSecretsResponse always has SecretList, empty or not.
type ListSecretsResponse struct {
	SecretList []SecretListEntry `json:"SecretList"`
	NextToken  string            `json:"NextToken,omitempty"`
}

type SecretListEntry struct {
	ARN                    string              `json:"ARN,omitempty"`
	Name                   string              `json:"Name,omitempty"`
	Description            string              `json:"Description,omitempty"`
	KmsKeyId               string              `json:"KmsKeyId,omitempty"`
	RotationEnabled        *bool               `json:"RotationEnabled,omitempty"`
	RotationLambdaARN      string              `json:"RotationLambdaARN,omitempty"`
	RotationRules          *RotationRules      `json:"RotationRules,omitempty"`
	LastRotatedDate        Time                `json:"LastRotatedDate,omitzero"`
	LastChangedDate        Time                `json:"LastChangedDate,omitzero"`
	LastAccessedDate       Time                `json:"LastAccessedDate,omitzero"`
	DeletedDate            Time                `json:"DeletedDate,omitzero"`
	NextRotationDate       Time                `json:"NextRotationDate,omitzero"`
	Tags                   []Tag               `json:"Tags,omitzero"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages,omitempty"`
	OwningService          string              `json:"OwningService,omitempty"`
	CreatedDate            Time                `json:"CreatedDate,omitzero"`
	PrimaryRegion          string              `json:"PrimaryRegion,omitempty"`
}

type PutResourcePolicyRequest struct {
	SecretId          *string `json:"SecretId"`
	ResourcePolicy    *string `json:"ResourcePolicy"`
	BlockPublicPolicy bool    `json:"BlockPublicPolicy"`
}

type PutSecretValueRequest struct {
	SecretId           *string  `json:"SecretId"`
	ClientRequestToken string   `json:"ClientRequestToken"`
	SecretBinary       []byte   `json:"SecretBinary"`
	SecretString       *string  `json:"SecretString"`
	VersionStages      []string `json:"VersionStages"`
}

type PutSecretValueResponse struct {
	ARN           string   `json:"ARN,omitempty"`
	Name          string   `json:"Name,omitempty"`
	VersionId     string   `json:"VersionId,omitempty"`
	VersionStages []string `json:"VersionStages,omitempty"`
}

type RotateSecretRequest struct {
	SecretId           *string        `json:"SecretId"`
	ClientRequestToken string         `json:"ClientRequestToken"`
	RotationLambdaARN  string         `json:"RotationLambdaARN"`
	RotationRules      *RotationRules `json:"RotationRules"`
	RotateImmediately  *bool          `json:"RotateImmediately"`
}

type TagResourceRequest struct {
	SecretId *string `json:"SecretId"`
	Tags     []Tag   `json:"Tags"`
}

type UntagResourceRequest struct {
	SecretId *string  `json:"SecretId"`
	TagKeys  []string `json:"TagKeys"`
}

type UpdateSecretRequest struct {
	SecretId           *string `json:"SecretId"`
	ClientRequestToken string  `json:"ClientRequestToken"`
	Description        *string `json:"Description"`
	KmsKeyId           *string `json:"KmsKeyId"`
	SecretBinary       []byte  `json:"SecretBinary"`
	SecretString       *string `json:"SecretString"`
}

type UpdateSecretVersionStageRequest struct {
	SecretId            *string `json:"SecretId"`
	VersionStage        *string `json:"VersionStage"`
	RemoveFromVersionId string  `json:"RemoveFromVersionId"`
	MoveToVersionId     string  `json:"MoveToVersionId"`
}

type ValidateResourcePolicyRequest struct {
	SecretId       string  `json:"SecretId"`
	ResourcePolicy *string `json:"ResourcePolicy"`
}

// ValidateResourcePolicyResponse always has ValidationErrors, empty or
// not.
type ValidateResourcePolicyResponse struct {
	PolicyValidationPassed bool                    `json:"PolicyValidationPassed"`
	ValidationErrors       []ValidationErrorsEntry `json:"ValidationErrors"`
}

type ValidationErrorsEntry struct {
	CheckName    string `json:"CheckName,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}
