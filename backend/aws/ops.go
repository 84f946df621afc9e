package aws

import (
	"context"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/secretary-sh/secretary/backend"
)

// pageSize is the largest page ListSecrets serves; fewer round trips make
// the console's listing of a large estate faster.
const pageSize = 100

// CreateSecret implements backend.Backend.
func (b *Backend) CreateSecret(ctx context.Context, in *backend.CreateSecretInput) (*backend.CreateSecretOutput, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name:               awssdk.String(in.Name),
		Description:        optString(in.Description),
		KmsKeyId:           optString(in.KmsKeyID),
		ClientRequestToken: optString(in.ClientRequestToken),
		SecretString:       in.SecretString,
		SecretBinary:       in.SecretBinary,
		Tags:               toSDKTags(in.Tags),
	})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.CreateSecretOutput{
		ARN:       awssdk.ToString(out.ARN),
		Name:      awssdk.ToString(out.Name),
		VersionID: awssdk.ToString(out.VersionId),
	}, nil
}

// DescribeSecret implements backend.Backend.
func (b *Backend) DescribeSecret(ctx context.Context, secretID string) (*backend.SecretMetadata, error) {
	out, err := b.client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: awssdk.String(secretID)})
	if err != nil {
		return nil, mapError(err)
	}
	m := &backend.SecretMetadata{
		ARN:                awssdk.ToString(out.ARN),
		Name:               awssdk.ToString(out.Name),
		Description:        awssdk.ToString(out.Description),
		KmsKeyID:           awssdk.ToString(out.KmsKeyId),
		RotationEnabled:    awssdk.ToBool(out.RotationEnabled),
		RotationLambdaARN:  awssdk.ToString(out.RotationLambdaARN),
		RotationRules:      fromSDKRules(out.RotationRules),
		CreatedDate:        toTime(out.CreatedDate),
		LastChangedDate:    toTime(out.LastChangedDate),
		LastAccessedDate:   toTime(out.LastAccessedDate),
		LastRotatedDate:    toTime(out.LastRotatedDate),
		NextRotationDate:   toTime(out.NextRotationDate),
		DeletedDate:        toTime(out.DeletedDate),
		Tags:               fromSDKTags(out.Tags),
		OwningService:      awssdk.ToString(out.OwningService),
		PrimaryRegion:      awssdk.ToString(out.PrimaryRegion),
		ReplicationStatus:  fromSDKReplication(out.ReplicationStatus),
		VersionIdsToStages: out.VersionIdsToStages,
	}
	return m, nil
}

// ListSecrets implements backend.Backend: one page.
func (b *Backend) ListSecrets(ctx context.Context, in *backend.ListSecretsInput) (*backend.ListSecretsOutput, error) {
	out, err := b.client.ListSecrets(ctx, toSDKList(in, in.MaxResults, in.NextToken))
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.ListSecretsOutput{
		Secrets:   fromSDKList(out.SecretList),
		NextToken: awssdk.ToString(out.NextToken),
	}, nil
}

// StreamSecrets implements backend.Streamer by following NextToken with the
// largest page size, handing each page to fn as soon as it arrives so the
// console shows the first rows while later pages load.
func (b *Backend) StreamSecrets(ctx context.Context, in *backend.ListSecretsInput, fn func([]backend.SecretMetadata) error) error {
	token := in.NextToken
	for {
		out, err := b.client.ListSecrets(ctx, toSDKList(in, pageSize, token))
		if err != nil {
			return mapError(err)
		}
		if len(out.SecretList) > 0 {
			if err := fn(fromSDKList(out.SecretList)); err != nil {
				return err
			}
		}
		token = awssdk.ToString(out.NextToken)
		if token == "" {
			return nil
		}
	}
}

func toSDKList(in *backend.ListSecretsInput, maxResults int, token string) *secretsmanager.ListSecretsInput {
	req := &secretsmanager.ListSecretsInput{
		Filters:                toSDKFilters(in.Filters),
		IncludePlannedDeletion: optBool(in.IncludePlannedDeletion),
		NextToken:              optString(token),
		SortOrder:              types.SortOrderType(in.SortOrder),
		SortBy:                 types.SortByType(in.SortBy),
	}
	if maxResults != 0 {
		req.MaxResults = awssdk.Int32(int32(maxResults))
	}
	return req
}

func fromSDKList(list []types.SecretListEntry) []backend.SecretMetadata {
	res := make([]backend.SecretMetadata, len(list))
	for i, e := range list {
		res[i] = backend.SecretMetadata{
			ARN:                awssdk.ToString(e.ARN),
			Name:               awssdk.ToString(e.Name),
			Description:        awssdk.ToString(e.Description),
			KmsKeyID:           awssdk.ToString(e.KmsKeyId),
			RotationEnabled:    awssdk.ToBool(e.RotationEnabled),
			RotationLambdaARN:  awssdk.ToString(e.RotationLambdaARN),
			RotationRules:      fromSDKRules(e.RotationRules),
			CreatedDate:        toTime(e.CreatedDate),
			LastChangedDate:    toTime(e.LastChangedDate),
			LastAccessedDate:   toTime(e.LastAccessedDate),
			LastRotatedDate:    toTime(e.LastRotatedDate),
			NextRotationDate:   toTime(e.NextRotationDate),
			DeletedDate:        toTime(e.DeletedDate),
			Tags:               fromSDKTags(e.Tags),
			OwningService:      awssdk.ToString(e.OwningService),
			PrimaryRegion:      awssdk.ToString(e.PrimaryRegion),
			VersionIdsToStages: e.SecretVersionsToStages,
		}
	}
	return res
}

// ListSecretVersionIds implements backend.Backend.
func (b *Backend) ListSecretVersionIds(ctx context.Context, in *backend.ListSecretVersionIdsInput) (*backend.ListSecretVersionIdsOutput, error) {
	req := &secretsmanager.ListSecretVersionIdsInput{
		SecretId:          awssdk.String(in.SecretID),
		IncludeDeprecated: optBool(in.IncludeDeprecated),
		NextToken:         optString(in.NextToken),
	}
	if in.MaxResults != 0 {
		req.MaxResults = awssdk.Int32(int32(in.MaxResults))
	}
	out, err := b.client.ListSecretVersionIds(ctx, req)
	if err != nil {
		return nil, mapError(err)
	}
	res := &backend.ListSecretVersionIdsOutput{
		ARN:       awssdk.ToString(out.ARN),
		Name:      awssdk.ToString(out.Name),
		NextToken: awssdk.ToString(out.NextToken),
		Versions:  make([]backend.SecretVersion, len(out.Versions)),
	}
	for i, v := range out.Versions {
		res.Versions[i] = backend.SecretVersion{
			VersionID:        awssdk.ToString(v.VersionId),
			VersionStages:    v.VersionStages,
			CreatedDate:      toTime(v.CreatedDate),
			LastAccessedDate: toTime(v.LastAccessedDate),
			KmsKeyIDs:        v.KmsKeyIds,
		}
	}
	return res, nil
}

// GetSecretValue implements backend.Backend.
func (b *Backend) GetSecretValue(ctx context.Context, in *backend.GetSecretValueInput) (*backend.SecretValue, error) {
	out, err := b.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId:     awssdk.String(in.SecretID),
		VersionId:    optString(in.VersionID),
		VersionStage: optString(in.VersionStage),
	})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.SecretValue{
		ARN:           awssdk.ToString(out.ARN),
		Name:          awssdk.ToString(out.Name),
		VersionID:     awssdk.ToString(out.VersionId),
		SecretString:  out.SecretString,
		SecretBinary:  out.SecretBinary,
		VersionStages: out.VersionStages,
		CreatedDate:   toTime(out.CreatedDate),
	}, nil
}

// BatchGetSecretValue implements backend.Backend.
func (b *Backend) BatchGetSecretValue(ctx context.Context, in *backend.BatchGetSecretValueInput) (*backend.BatchGetSecretValueOutput, error) {
	req := &secretsmanager.BatchGetSecretValueInput{
		SecretIdList: in.SecretIDList,
		Filters:      toSDKFilters(in.Filters),
		NextToken:    optString(in.NextToken),
	}
	if in.MaxResults != 0 {
		req.MaxResults = awssdk.Int32(int32(in.MaxResults))
	}
	out, err := b.client.BatchGetSecretValue(ctx, req)
	if err != nil {
		return nil, mapError(err)
	}
	res := &backend.BatchGetSecretValueOutput{NextToken: awssdk.ToString(out.NextToken)}
	for _, v := range out.SecretValues {
		res.SecretValues = append(res.SecretValues, backend.SecretValue{
			ARN:           awssdk.ToString(v.ARN),
			Name:          awssdk.ToString(v.Name),
			VersionID:     awssdk.ToString(v.VersionId),
			SecretString:  v.SecretString,
			SecretBinary:  v.SecretBinary,
			VersionStages: v.VersionStages,
			CreatedDate:   toTime(v.CreatedDate),
		})
	}
	for _, e := range out.Errors {
		res.Errors = append(res.Errors, backend.APIError{
			SecretID:  awssdk.ToString(e.SecretId),
			ErrorCode: awssdk.ToString(e.ErrorCode),
			Message:   awssdk.ToString(e.Message),
		})
	}
	return res, nil
}

// PutSecretValue implements backend.Backend.
func (b *Backend) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (*backend.PutSecretValueOutput, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId:           awssdk.String(in.SecretID),
		ClientRequestToken: optString(in.ClientRequestToken),
		SecretString:       in.SecretString,
		SecretBinary:       in.SecretBinary,
		VersionStages:      in.VersionStages,
	})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.PutSecretValueOutput{
		ARN:           awssdk.ToString(out.ARN),
		Name:          awssdk.ToString(out.Name),
		VersionID:     awssdk.ToString(out.VersionId),
		VersionStages: out.VersionStages,
	}, nil
}

// UpdateSecret implements backend.Backend.
func (b *Backend) UpdateSecret(ctx context.Context, in *backend.UpdateSecretInput) (*backend.UpdateSecretOutput, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{
		SecretId:           awssdk.String(in.SecretID),
		ClientRequestToken: optString(in.ClientRequestToken),
		Description:        in.Description,
		KmsKeyId:           in.KmsKeyID,
		SecretString:       in.SecretString,
		SecretBinary:       in.SecretBinary,
	})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.UpdateSecretOutput{
		ARN:       awssdk.ToString(out.ARN),
		Name:      awssdk.ToString(out.Name),
		VersionID: awssdk.ToString(out.VersionId),
	}, nil
}

// UpdateSecretVersionStage implements backend.Backend.
func (b *Backend) UpdateSecretVersionStage(ctx context.Context, in *backend.UpdateSecretVersionStageInput) (*backend.ARNName, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId:            awssdk.String(in.SecretID),
		VersionStage:        awssdk.String(in.VersionStage),
		MoveToVersionId:     optString(in.MoveToVersionID),
		RemoveFromVersionId: optString(in.RemoveFromVersionID),
	})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.ARNName{ARN: awssdk.ToString(out.ARN), Name: awssdk.ToString(out.Name)}, nil
}

// DeleteSecret implements backend.Backend.
func (b *Backend) DeleteSecret(ctx context.Context, in *backend.DeleteSecretInput) (*backend.DeleteSecretOutput, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	req := &secretsmanager.DeleteSecretInput{
		SecretId:                   awssdk.String(in.SecretID),
		ForceDeleteWithoutRecovery: optBool(in.ForceDeleteWithoutRecovery),
	}
	if in.RecoveryWindowInDays != nil {
		req.RecoveryWindowInDays = awssdk.Int64(int64(*in.RecoveryWindowInDays))
	}
	out, err := b.client.DeleteSecret(ctx, req)
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.DeleteSecretOutput{
		ARN:          awssdk.ToString(out.ARN),
		Name:         awssdk.ToString(out.Name),
		DeletionDate: toTime(out.DeletionDate),
	}, nil
}

// RestoreSecret implements backend.Backend.
func (b *Backend) RestoreSecret(ctx context.Context, secretID string) (*backend.ARNName, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: awssdk.String(secretID)})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.ARNName{ARN: awssdk.ToString(out.ARN), Name: awssdk.ToString(out.Name)}, nil
}

// TagResource implements backend.Backend.
func (b *Backend) TagResource(ctx context.Context, in *backend.TagResourceInput) error {
	if err := b.writable(); err != nil {
		return err
	}
	tags := toSDKTags(in.Tags)
	if tags == nil {
		// Tags is required on the wire; an empty list is the caller's
		// choice for the service to judge.
		tags = []types.Tag{}
	}
	_, err := b.client.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: awssdk.String(in.SecretID), Tags: tags})
	return mapError(err)
}

// UntagResource implements backend.Backend.
func (b *Backend) UntagResource(ctx context.Context, in *backend.UntagResourceInput) error {
	if err := b.writable(); err != nil {
		return err
	}
	keys := in.TagKeys
	if keys == nil {
		keys = []string{}
	}
	_, err := b.client.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: awssdk.String(in.SecretID), TagKeys: keys})
	return mapError(err)
}

// GetRandomPassword implements backend.Backend.
func (b *Backend) GetRandomPassword(ctx context.Context, in *backend.GetRandomPasswordInput) (string, error) {
	req := &secretsmanager.GetRandomPasswordInput{
		ExcludeCharacters:       optString(in.ExcludeCharacters),
		ExcludeNumbers:          optBool(in.ExcludeNumbers),
		ExcludePunctuation:      optBool(in.ExcludePunctuation),
		ExcludeUppercase:        optBool(in.ExcludeUppercase),
		ExcludeLowercase:        optBool(in.ExcludeLowercase),
		IncludeSpace:            optBool(in.IncludeSpace),
		RequireEachIncludedType: in.RequireEachIncludedType,
	}
	if in.PasswordLength != nil {
		req.PasswordLength = awssdk.Int64(int64(*in.PasswordLength))
	}
	out, err := b.client.GetRandomPassword(ctx, req)
	if err != nil {
		return "", mapError(err)
	}
	return awssdk.ToString(out.RandomPassword), nil
}

// RotateSecret implements backend.Rotator.
func (b *Backend) RotateSecret(ctx context.Context, in *backend.RotateSecretInput) (*backend.RotateSecretOutput, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.RotateSecret(ctx, &secretsmanager.RotateSecretInput{
		SecretId:           awssdk.String(in.SecretID),
		ClientRequestToken: optString(in.ClientRequestToken),
		RotationLambdaARN:  optString(in.RotationLambdaARN),
		RotationRules:      toSDKRules(in.RotationRules),
		RotateImmediately:  in.RotateImmediately,
	})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.RotateSecretOutput{
		ARN:       awssdk.ToString(out.ARN),
		Name:      awssdk.ToString(out.Name),
		VersionID: awssdk.ToString(out.VersionId),
	}, nil
}

// CancelRotateSecret implements backend.Rotator.
func (b *Backend) CancelRotateSecret(ctx context.Context, secretID string) (*backend.RotateSecretOutput, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.CancelRotateSecret(ctx, &secretsmanager.CancelRotateSecretInput{SecretId: awssdk.String(secretID)})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.RotateSecretOutput{
		ARN:       awssdk.ToString(out.ARN),
		Name:      awssdk.ToString(out.Name),
		VersionID: awssdk.ToString(out.VersionId),
	}, nil
}

// GetResourcePolicy implements backend.ResourcePolicies.
func (b *Backend) GetResourcePolicy(ctx context.Context, secretID string) (*backend.ResourcePolicy, error) {
	out, err := b.client.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: awssdk.String(secretID)})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.ResourcePolicy{
		ARN:    awssdk.ToString(out.ARN),
		Name:   awssdk.ToString(out.Name),
		Policy: awssdk.ToString(out.ResourcePolicy),
	}, nil
}

// PutResourcePolicy implements backend.ResourcePolicies.
func (b *Backend) PutResourcePolicy(ctx context.Context, in *backend.PutResourcePolicyInput) (*backend.ARNName, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{
		SecretId:          awssdk.String(in.SecretID),
		ResourcePolicy:    awssdk.String(in.ResourcePolicy),
		BlockPublicPolicy: optBool(in.BlockPublicPolicy),
	})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.ARNName{ARN: awssdk.ToString(out.ARN), Name: awssdk.ToString(out.Name)}, nil
}

// DeleteResourcePolicy implements backend.ResourcePolicies.
func (b *Backend) DeleteResourcePolicy(ctx context.Context, secretID string) (*backend.ARNName, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	out, err := b.client.DeleteResourcePolicy(ctx, &secretsmanager.DeleteResourcePolicyInput{SecretId: awssdk.String(secretID)})
	if err != nil {
		return nil, mapError(err)
	}
	return &backend.ARNName{ARN: awssdk.ToString(out.ARN), Name: awssdk.ToString(out.Name)}, nil
}

// ValidateResourcePolicy implements backend.ResourcePolicies.
func (b *Backend) ValidateResourcePolicy(ctx context.Context, secretID, policy string) ([]backend.ValidationEntry, error) {
	out, err := b.client.ValidateResourcePolicy(ctx, &secretsmanager.ValidateResourcePolicyInput{
		SecretId:       optString(secretID),
		ResourcePolicy: awssdk.String(policy),
	})
	if err != nil {
		return nil, mapError(err)
	}
	var res []backend.ValidationEntry
	for _, e := range out.ValidationErrors {
		res = append(res, backend.ValidationEntry{
			CheckName:         awssdk.ToString(e.CheckName),
			ValidationMessage: awssdk.ToString(e.ErrorMessage),
		})
	}
	return res, nil
}

// optString maps "" to nil so that absent fields stay absent on the wire.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optBool maps false to nil: every boolean in this API defaults to false
// except RequireEachIncludedType and RotateImmediately, which are pointers
// in our types.
func optBool(v bool) *bool {
	if !v {
		return nil
	}
	return &v
}

func toTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func toSDKTags(tags []backend.Tag) []types.Tag {
	if tags == nil {
		return nil
	}
	res := make([]types.Tag, len(tags))
	for i, t := range tags {
		res[i] = types.Tag{Key: awssdk.String(t.Key), Value: awssdk.String(t.Value)}
	}
	return res
}

func fromSDKTags(tags []types.Tag) []backend.Tag {
	if tags == nil {
		return nil
	}
	res := make([]backend.Tag, len(tags))
	for i, t := range tags {
		res[i] = backend.Tag{Key: awssdk.ToString(t.Key), Value: awssdk.ToString(t.Value)}
	}
	return res
}

func toSDKFilters(fs []backend.Filter) []types.Filter {
	if fs == nil {
		return nil
	}
	res := make([]types.Filter, len(fs))
	for i, f := range fs {
		res[i] = types.Filter{Key: types.FilterNameStringType(f.Key), Values: f.Values}
	}
	return res
}

func fromSDKRules(r *types.RotationRulesType) *backend.RotationRules {
	if r == nil {
		return nil
	}
	return &backend.RotationRules{
		AutomaticallyAfterDays: int(awssdk.ToInt64(r.AutomaticallyAfterDays)),
		ScheduleExpression:     awssdk.ToString(r.ScheduleExpression),
		Duration:               awssdk.ToString(r.Duration),
	}
}

func toSDKRules(r *backend.RotationRules) *types.RotationRulesType {
	if r == nil {
		return nil
	}
	res := &types.RotationRulesType{
		ScheduleExpression: optString(r.ScheduleExpression),
		Duration:           optString(r.Duration),
	}
	if r.AutomaticallyAfterDays != 0 {
		res.AutomaticallyAfterDays = awssdk.Int64(int64(r.AutomaticallyAfterDays))
	}
	return res
}

func fromSDKReplication(rs []types.ReplicationStatusType) []backend.ReplicationStatus {
	if rs == nil {
		return nil
	}
	res := make([]backend.ReplicationStatus, len(rs))
	for i, r := range rs {
		res[i] = backend.ReplicationStatus{
			Region:           awssdk.ToString(r.Region),
			KmsKeyID:         awssdk.ToString(r.KmsKeyId),
			Status:           string(r.Status),
			StatusMessage:    awssdk.ToString(r.StatusMessage),
			LastAccessedDate: toTime(r.LastAccessedDate),
		}
	}
	return res
}
