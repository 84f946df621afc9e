package server

import (
	"strconv"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// Request and response shapes of the Secrets Manager JSON 1.1 protocol, with
// the member names of the service's API model (secretsmanager 2017-10-17).
// Optional members are pointers or omitempty so that absent stays absent.

// epoch is a timestamp encoded as epoch seconds with a millisecond fraction,
// the precision the SDKs parse.
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(e).UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	b := strconv.AppendInt(nil, sec, 10)
	if frac != 0 {
		b = append(b, '.')
		b = append(b, byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	}
	return b, nil
}

// ts returns nil for the zero time so the member is omitted.
func ts(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

type wireTag struct {
	Key   *string `json:"Key,omitempty"`
	Value *string `json:"Value,omitempty"`
}

type wireFilter struct {
	Key    string   `json:"Key,omitempty"`
	Values []string `json:"Values,omitempty"`
}

type wireRules struct {
	AutomaticallyAfterDays *int64 `json:"AutomaticallyAfterDays,omitempty"`
	Duration               string `json:"Duration,omitempty"`
	ScheduleExpression     string `json:"ScheduleExpression,omitempty"`
}

type wireReplication struct {
	Region           string `json:"Region,omitempty"`
	KmsKeyId         string `json:"KmsKeyId,omitempty"`
	Status           string `json:"Status,omitempty"`
	StatusMessage    string `json:"StatusMessage,omitempty"`
	LastAccessedDate *epoch `json:"LastAccessedDate,omitempty"`
}

type createSecretRequest struct {
	Name               *string   `json:"Name"`
	ClientRequestToken string    `json:"ClientRequestToken"`
	Description        string    `json:"Description"`
	KmsKeyId           string    `json:"KmsKeyId"`
	SecretBinary       []byte    `json:"SecretBinary"`
	SecretString       *string   `json:"SecretString"`
	Tags               []wireTag `json:"Tags"`
	AddReplicaRegions  []struct {
		Region string `json:"Region"`
	} `json:"AddReplicaRegions"`
}

type arnNameVersion struct {
	ARN       string `json:"ARN,omitempty"`
	Name      string `json:"Name,omitempty"`
	VersionId string `json:"VersionId,omitempty"`
}

type secretIDRequest struct {
	SecretId *string `json:"SecretId"`
}

type describeSecretResponse struct {
	ARN                string              `json:"ARN,omitempty"`
	Name               string              `json:"Name,omitempty"`
	Description        string              `json:"Description,omitempty"`
	KmsKeyId           string              `json:"KmsKeyId,omitempty"`
	RotationEnabled    *bool               `json:"RotationEnabled,omitempty"`
	RotationLambdaARN  string              `json:"RotationLambdaARN,omitempty"`
	RotationRules      *wireRules          `json:"RotationRules,omitempty"`
	LastRotatedDate    *epoch              `json:"LastRotatedDate,omitempty"`
	LastChangedDate    *epoch              `json:"LastChangedDate,omitempty"`
	LastAccessedDate   *epoch              `json:"LastAccessedDate,omitempty"`
	DeletedDate        *epoch              `json:"DeletedDate,omitempty"`
	NextRotationDate   *epoch              `json:"NextRotationDate,omitempty"`
	Tags               *[]wireTag          `json:"Tags,omitempty"`
	VersionIdsToStages map[string][]string `json:"VersionIdsToStages,omitempty"`
	OwningService      string              `json:"OwningService,omitempty"`
	CreatedDate        *epoch              `json:"CreatedDate,omitempty"`
	PrimaryRegion      string              `json:"PrimaryRegion,omitempty"`
	ReplicationStatus  []wireReplication   `json:"ReplicationStatus,omitempty"`
}

type listSecretsRequest struct {
	IncludePlannedDeletion bool         `json:"IncludePlannedDeletion"`
	MaxResults             *int         `json:"MaxResults"`
	NextToken              string       `json:"NextToken"`
	Filters                []wireFilter `json:"Filters"`
	SortOrder              string       `json:"SortOrder"`
	SortBy                 string       `json:"SortBy"`
}

type secretListEntry struct {
	ARN                    string              `json:"ARN,omitempty"`
	Name                   string              `json:"Name,omitempty"`
	Description            string              `json:"Description,omitempty"`
	KmsKeyId               string              `json:"KmsKeyId,omitempty"`
	RotationEnabled        *bool               `json:"RotationEnabled,omitempty"`
	RotationLambdaARN      string              `json:"RotationLambdaARN,omitempty"`
	RotationRules          *wireRules          `json:"RotationRules,omitempty"`
	LastRotatedDate        *epoch              `json:"LastRotatedDate,omitempty"`
	LastChangedDate        *epoch              `json:"LastChangedDate,omitempty"`
	LastAccessedDate       *epoch              `json:"LastAccessedDate,omitempty"`
	DeletedDate            *epoch              `json:"DeletedDate,omitempty"`
	NextRotationDate       *epoch              `json:"NextRotationDate,omitempty"`
	Tags                   *[]wireTag          `json:"Tags,omitempty"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages,omitempty"`
	OwningService          string              `json:"OwningService,omitempty"`
	CreatedDate            *epoch              `json:"CreatedDate,omitempty"`
	PrimaryRegion          string              `json:"PrimaryRegion,omitempty"`
}

type listSecretsResponse struct {
	SecretList []secretListEntry `json:"SecretList"`
	NextToken  string            `json:"NextToken,omitempty"`
}

type listSecretVersionIdsRequest struct {
	SecretId          *string `json:"SecretId"`
	MaxResults        *int    `json:"MaxResults"`
	NextToken         string  `json:"NextToken"`
	IncludeDeprecated bool    `json:"IncludeDeprecated"`
}

type versionEntry struct {
	VersionId        string   `json:"VersionId,omitempty"`
	VersionStages    []string `json:"VersionStages,omitempty"`
	LastAccessedDate *epoch   `json:"LastAccessedDate,omitempty"`
	CreatedDate      *epoch   `json:"CreatedDate,omitempty"`
	KmsKeyIds        []string `json:"KmsKeyIds,omitempty"`
}

type listSecretVersionIdsResponse struct {
	Versions  []versionEntry `json:"Versions"`
	NextToken string         `json:"NextToken,omitempty"`
	ARN       string         `json:"ARN,omitempty"`
	Name      string         `json:"Name,omitempty"`
}

type getSecretValueRequest struct {
	SecretId     *string `json:"SecretId"`
	VersionId    string  `json:"VersionId"`
	VersionStage string  `json:"VersionStage"`
}

type secretValueEntry struct {
	ARN           string   `json:"ARN,omitempty"`
	Name          string   `json:"Name,omitempty"`
	VersionId     string   `json:"VersionId,omitempty"`
	SecretBinary  []byte   `json:"SecretBinary,omitempty"`
	SecretString  *string  `json:"SecretString,omitempty"`
	VersionStages []string `json:"VersionStages,omitempty"`
	CreatedDate   *epoch   `json:"CreatedDate,omitempty"`
}

type batchGetSecretValueRequest struct {
	SecretIdList []string     `json:"SecretIdList"`
	Filters      []wireFilter `json:"Filters"`
	MaxResults   *int         `json:"MaxResults"`
	NextToken    string       `json:"NextToken"`
}

type apiErrorEntry struct {
	SecretId  string `json:"SecretId,omitempty"`
	ErrorCode string `json:"ErrorCode,omitempty"`
	Message   string `json:"Message,omitempty"`
}

type batchGetSecretValueResponse struct {
	SecretValues []secretValueEntry `json:"SecretValues"`
	NextToken    string             `json:"NextToken,omitempty"`
	Errors       []apiErrorEntry    `json:"Errors"`
}

type putSecretValueRequest struct {
	SecretId           *string  `json:"SecretId"`
	ClientRequestToken string   `json:"ClientRequestToken"`
	SecretBinary       []byte   `json:"SecretBinary"`
	SecretString       *string  `json:"SecretString"`
	VersionStages      []string `json:"VersionStages"`
}

type putSecretValueResponse struct {
	ARN           string   `json:"ARN,omitempty"`
	Name          string   `json:"Name,omitempty"`
	VersionId     string   `json:"VersionId,omitempty"`
	VersionStages []string `json:"VersionStages,omitempty"`
}

type updateSecretRequest struct {
	SecretId           *string `json:"SecretId"`
	ClientRequestToken string  `json:"ClientRequestToken"`
	Description        *string `json:"Description"`
	KmsKeyId           *string `json:"KmsKeyId"`
	SecretBinary       []byte  `json:"SecretBinary"`
	SecretString       *string `json:"SecretString"`
}

type updateSecretVersionStageRequest struct {
	SecretId            *string `json:"SecretId"`
	VersionStage        *string `json:"VersionStage"`
	RemoveFromVersionId string  `json:"RemoveFromVersionId"`
	MoveToVersionId     string  `json:"MoveToVersionId"`
}

type arnName struct {
	ARN  string `json:"ARN,omitempty"`
	Name string `json:"Name,omitempty"`
}

type deleteSecretRequest struct {
	SecretId                   *string `json:"SecretId"`
	RecoveryWindowInDays       *int    `json:"RecoveryWindowInDays"`
	ForceDeleteWithoutRecovery bool    `json:"ForceDeleteWithoutRecovery"`
}

type deleteSecretResponse struct {
	ARN          string `json:"ARN,omitempty"`
	Name         string `json:"Name,omitempty"`
	DeletionDate *epoch `json:"DeletionDate,omitempty"`
}

type tagResourceRequest struct {
	SecretId *string   `json:"SecretId"`
	Tags     []wireTag `json:"Tags"`
}

type untagResourceRequest struct {
	SecretId *string  `json:"SecretId"`
	TagKeys  []string `json:"TagKeys"`
}

type getRandomPasswordRequest struct {
	PasswordLength          *int   `json:"PasswordLength"`
	ExcludeCharacters       string `json:"ExcludeCharacters"`
	ExcludeNumbers          bool   `json:"ExcludeNumbers"`
	ExcludePunctuation      bool   `json:"ExcludePunctuation"`
	ExcludeUppercase        bool   `json:"ExcludeUppercase"`
	ExcludeLowercase        bool   `json:"ExcludeLowercase"`
	IncludeSpace            bool   `json:"IncludeSpace"`
	RequireEachIncludedType *bool  `json:"RequireEachIncludedType"`
}

type getRandomPasswordResponse struct {
	RandomPassword string `json:"RandomPassword"`
}

type rotateSecretRequest struct {
	SecretId           *string    `json:"SecretId"`
	ClientRequestToken string     `json:"ClientRequestToken"`
	RotationLambdaARN  string     `json:"RotationLambdaARN"`
	RotationRules      *wireRules `json:"RotationRules"`
	RotateImmediately  *bool      `json:"RotateImmediately"`
}

type getResourcePolicyResponse struct {
	ARN            string `json:"ARN,omitempty"`
	Name           string `json:"Name,omitempty"`
	ResourcePolicy string `json:"ResourcePolicy,omitempty"`
}

type putResourcePolicyRequest struct {
	SecretId          *string `json:"SecretId"`
	ResourcePolicy    *string `json:"ResourcePolicy"`
	BlockPublicPolicy bool    `json:"BlockPublicPolicy"`
}

type validateResourcePolicyRequest struct {
	SecretId       string  `json:"SecretId"`
	ResourcePolicy *string `json:"ResourcePolicy"`
}

type validationErrorsEntry struct {
	CheckName    string `json:"CheckName,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

type validateResourcePolicyResponse struct {
	PolicyValidationPassed bool                    `json:"PolicyValidationPassed"`
	ValidationErrors       []validationErrorsEntry `json:"ValidationErrors"`
}

type errorResponse struct {
	Type    string `json:"__type"`
	Message string `json:"Message,omitempty"`
}

// Conversions between wire shapes and the contract's types.

func fromWireTags(tags []wireTag) []backend.Tag {
	if tags == nil {
		return nil
	}
	res := make([]backend.Tag, len(tags))
	for i, t := range tags {
		res[i] = backend.Tag{Key: deref(t.Key), Value: deref(t.Value)}
	}
	return res
}

// toWireTags keeps AWS's distinction: no Tags key for a secret never
// tagged (nil), "Tags": [] for one whose last tag was removed.
func toWireTags(tags []backend.Tag) *[]wireTag {
	if tags == nil {
		return nil
	}
	res := make([]wireTag, len(tags))
	for i := range tags {
		res[i] = wireTag{Key: &tags[i].Key, Value: &tags[i].Value}
	}
	return &res
}

func fromWireFilters(fs []wireFilter) []backend.Filter {
	if fs == nil {
		return nil
	}
	res := make([]backend.Filter, len(fs))
	for i, f := range fs {
		res[i] = backend.Filter{Key: f.Key, Values: f.Values}
	}
	return res
}

func toWireRules(r *backend.RotationRules) *wireRules {
	if r == nil {
		return nil
	}
	w := &wireRules{Duration: r.Duration, ScheduleExpression: r.ScheduleExpression}
	if r.AutomaticallyAfterDays != 0 {
		d := int64(r.AutomaticallyAfterDays)
		w.AutomaticallyAfterDays = &d
	}
	return w
}

func fromWireRules(w *wireRules) *backend.RotationRules {
	if w == nil {
		return nil
	}
	r := &backend.RotationRules{Duration: w.Duration, ScheduleExpression: w.ScheduleExpression}
	if w.AutomaticallyAfterDays != nil {
		r.AutomaticallyAfterDays = int(*w.AutomaticallyAfterDays)
	}
	return r
}

func toWireReplication(rs []backend.ReplicationStatus) []wireReplication {
	if len(rs) == 0 {
		return nil
	}
	res := make([]wireReplication, len(rs))
	for i, r := range rs {
		res[i] = wireReplication{Region: r.Region, KmsKeyId: r.KmsKeyID, Status: r.Status, StatusMessage: r.StatusMessage, LastAccessedDate: ts(r.LastAccessedDate)}
	}
	return res
}

func toListEntry(m *backend.SecretMetadata) secretListEntry {
	e := secretListEntry{
		ARN:                    m.ARN,
		Name:                   m.Name,
		Description:            m.Description,
		KmsKeyId:               m.KmsKeyID,
		RotationLambdaARN:      m.RotationLambdaARN,
		RotationRules:          toWireRules(m.RotationRules),
		LastRotatedDate:        ts(m.LastRotatedDate),
		LastChangedDate:        ts(m.LastChangedDate),
		LastAccessedDate:       ts(m.LastAccessedDate),
		DeletedDate:            ts(m.DeletedDate),
		NextRotationDate:       ts(m.NextRotationDate),
		Tags:                   toWireTags(m.Tags),
		SecretVersionsToStages: m.VersionIdsToStages,
		OwningService:          m.OwningService,
		CreatedDate:            ts(m.CreatedDate),
		PrimaryRegion:          m.PrimaryRegion,
	}
	e.RotationEnabled = rotationEnabled(m)
	return e
}

func toValueEntry(v *backend.SecretValue) secretValueEntry {
	return secretValueEntry{
		ARN:           v.ARN,
		Name:          v.Name,
		VersionId:     v.VersionID,
		SecretBinary:  v.SecretBinary,
		SecretString:  v.SecretString,
		VersionStages: v.VersionStages,
		CreatedDate:   ts(v.CreatedDate),
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// rotationEnabled reports RotationEnabled the way AWS does: absent for a
// secret that never had rotation configured, false after cancellation.
func rotationEnabled(m *backend.SecretMetadata) *bool {
	if !m.RotationEnabled && m.RotationLambdaARN == "" && m.RotationRules == nil {
		return nil
	}
	v := m.RotationEnabled
	return &v
}
