package wire

import "github.com/secretary-sh/secretary/backend"

// Conversions between the wire shapes and the backend contract's types.
// Responses are built here only, so the server's answer and the CLI's
// output of the same call hold the same members.

// FromTags converts a request's tags; a member left out is empty.
func FromTags(tags []Tag) []backend.Tag {
	if tags == nil {
		return nil
	}
	res := make([]backend.Tag, len(tags))
	for i, t := range tags {
		res[i] = backend.Tag{Key: deref(t.Key), Value: deref(t.Value)}
	}
	return res
}

// Tags keeps AWS's distinction: nil (no Tags member) for a secret never
// tagged, an empty list for one whose last tag was removed.
func Tags(tags []backend.Tag) []Tag {
	if tags == nil {
		return nil
	}
	res := make([]Tag, len(tags))
	for i := range tags {
		res[i] = Tag{Key: &tags[i].Key, Value: &tags[i].Value}
	}
	return res
}

// FromFilters converts a request's filters.
func FromFilters(fs []Filter) []backend.Filter {
	if fs == nil {
		return nil
	}
	res := make([]backend.Filter, len(fs))
	for i, f := range fs {
		res[i] = backend.Filter{Key: f.Key, Values: f.Values}
	}
	return res
}

// Rules converts rotation rules; AutomaticallyAfterDays 0 is absent.
func Rules(r *backend.RotationRules) *RotationRules {
	if r == nil {
		return nil
	}
	w := &RotationRules{Duration: r.Duration, ScheduleExpression: r.ScheduleExpression}
	if r.AutomaticallyAfterDays != 0 {
		d := int64(r.AutomaticallyAfterDays)
		w.AutomaticallyAfterDays = &d
	}
	return w
}

// FromRules converts a request's rotation rules.
func FromRules(w *RotationRules) *backend.RotationRules {
	if w == nil {
		return nil
	}
	r := &backend.RotationRules{Duration: w.Duration, ScheduleExpression: w.ScheduleExpression}
	if w.AutomaticallyAfterDays != nil {
		r.AutomaticallyAfterDays = int(*w.AutomaticallyAfterDays)
	}
	return r
}

func replication(rs []backend.ReplicationStatus) []ReplicationStatus {
	if len(rs) == 0 {
		return nil
	}
	res := make([]ReplicationStatus, len(rs))
	for i, r := range rs {
		res[i] = ReplicationStatus{Region: r.Region, KmsKeyId: r.KmsKeyID, Status: r.Status, StatusMessage: r.StatusMessage, LastAccessedDate: Time(r.LastAccessedDate)}
	}
	return res
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

// DescribeSecret is the DescribeSecret response for m.
func DescribeSecret(m *backend.SecretMetadata) DescribeSecretResponse {
	return DescribeSecretResponse{
		ARN:                m.ARN,
		Name:               m.Name,
		Description:        m.Description,
		KmsKeyId:           m.KmsKeyID,
		RotationEnabled:    rotationEnabled(m),
		RotationLambdaARN:  m.RotationLambdaARN,
		RotationRules:      Rules(m.RotationRules),
		LastRotatedDate:    Time(m.LastRotatedDate),
		LastChangedDate:    Time(m.LastChangedDate),
		LastAccessedDate:   Time(m.LastAccessedDate),
		DeletedDate:        Time(m.DeletedDate),
		NextRotationDate:   Time(m.NextRotationDate),
		Tags:               Tags(m.Tags),
		VersionIdsToStages: m.VersionIdsToStages,
		OwningService:      m.OwningService,
		CreatedDate:        Time(m.CreatedDate),
		PrimaryRegion:      m.PrimaryRegion,
		ReplicationStatus:  replication(m.ReplicationStatus),
	}
}

// ListEntry is m as one entry of a ListSecrets response.
func ListEntry(m *backend.SecretMetadata) SecretListEntry {
	return SecretListEntry{
		ARN:                    m.ARN,
		Name:                   m.Name,
		Description:            m.Description,
		KmsKeyId:               m.KmsKeyID,
		RotationEnabled:        rotationEnabled(m),
		RotationLambdaARN:      m.RotationLambdaARN,
		RotationRules:          Rules(m.RotationRules),
		LastRotatedDate:        Time(m.LastRotatedDate),
		LastChangedDate:        Time(m.LastChangedDate),
		LastAccessedDate:       Time(m.LastAccessedDate),
		DeletedDate:            Time(m.DeletedDate),
		NextRotationDate:       Time(m.NextRotationDate),
		Tags:                   Tags(m.Tags),
		SecretVersionsToStages: m.VersionIdsToStages,
		OwningService:          m.OwningService,
		CreatedDate:            Time(m.CreatedDate),
		PrimaryRegion:          m.PrimaryRegion,
	}
}

// ListSecrets is the ListSecrets response for out.
func ListSecrets(out *backend.ListSecretsOutput) ListSecretsResponse {
	res := ListSecretsResponse{SecretList: make([]SecretListEntry, len(out.Secrets)), NextToken: out.NextToken}
	for i := range out.Secrets {
		res.SecretList[i] = ListEntry(&out.Secrets[i])
	}
	return res
}

// Version is v as one entry of a ListSecretVersionIds response.
func Version(v *backend.SecretVersion) SecretVersionsListEntry {
	return SecretVersionsListEntry{
		VersionId:        v.VersionID,
		VersionStages:    v.VersionStages,
		LastAccessedDate: Time(v.LastAccessedDate),
		CreatedDate:      Time(v.CreatedDate),
		KmsKeyIds:        v.KmsKeyIDs,
	}
}

// ListSecretVersionIds is the ListSecretVersionIds response for out.
func ListSecretVersionIds(out *backend.ListSecretVersionIdsOutput) ListSecretVersionIdsResponse {
	res := ListSecretVersionIdsResponse{ARN: out.ARN, Name: out.Name, NextToken: out.NextToken, Versions: make([]SecretVersionsListEntry, len(out.Versions))}
	for i := range out.Versions {
		res.Versions[i] = Version(&out.Versions[i])
	}
	return res
}

// Value is the GetSecretValue response, or a SecretValueEntry, for v. It
// shares v's value, so wiping v wipes it too.
func Value(v *backend.SecretValue) SecretValue {
	return SecretValue{
		ARN:           v.ARN,
		Name:          v.Name,
		VersionId:     v.VersionID,
		SecretBinary:  v.SecretBinary,
		SecretString:  v.SecretString,
		VersionStages: v.VersionStages,
		CreatedDate:   Time(v.CreatedDate),
	}
}

// BatchGetSecretValue is the BatchGetSecretValue response for out.
func BatchGetSecretValue(out *backend.BatchGetSecretValueOutput) BatchGetSecretValueResponse {
	res := BatchGetSecretValueResponse{
		SecretValues: make([]SecretValue, len(out.SecretValues)),
		Errors:       make([]APIError, len(out.Errors)),
		NextToken:    out.NextToken,
	}
	for i := range out.SecretValues {
		res.SecretValues[i] = Value(&out.SecretValues[i])
	}
	for i, e := range out.Errors {
		res.Errors[i] = APIError{SecretId: e.SecretID, ErrorCode: e.ErrorCode, Message: e.Message}
	}
	return res
}

// PutSecretValue is the PutSecretValue response for out.
func PutSecretValue(out *backend.PutSecretValueOutput) PutSecretValueResponse {
	return PutSecretValueResponse{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID, VersionStages: out.VersionStages}
}

// DeleteSecret is the DeleteSecret response for out.
func DeleteSecret(out *backend.DeleteSecretOutput) DeleteSecretResponse {
	return DeleteSecretResponse{ARN: out.ARN, Name: out.Name, DeletionDate: Time(out.DeletionDate)}
}

// SecretRef is the response of the operations answering with ARN and Name.
func SecretRef(out *backend.ARNName) ARNName { return ARNName{ARN: out.ARN, Name: out.Name} }

// GetResourcePolicy is the GetResourcePolicy response for p.
func GetResourcePolicy(p *backend.ResourcePolicy) GetResourcePolicyResponse {
	return GetResourcePolicyResponse{ARN: p.ARN, Name: p.Name, ResourcePolicy: p.Policy}
}

// ValidateResourcePolicy is the ValidateResourcePolicy response for the
// problems found.
func ValidateResourcePolicy(entries []backend.ValidationEntry) ValidateResourcePolicyResponse {
	res := ValidateResourcePolicyResponse{PolicyValidationPassed: len(entries) == 0, ValidationErrors: make([]ValidationErrorsEntry, len(entries))}
	for i, e := range entries {
		res.ValidationErrors[i] = ValidationErrorsEntry{CheckName: e.CheckName, ErrorMessage: e.ValidationMessage}
	}
	return res
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
