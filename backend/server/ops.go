package server

import (
	"context"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/wire"
)

// opFunc decodes one operation's request, calls the backend and returns the
// response shape to encode.
type opFunc func(ctx context.Context, b backend.Backend, body []byte) (any, error)

// operation returns the handler of an X-Amz-Target operation, or nil.
func operation(name string) opFunc {
	switch name {
	case "CreateSecret":
		return createSecret
	case "DescribeSecret":
		return describeSecret
	case "ListSecrets":
		return listSecrets
	case "ListSecretVersionIds":
		return listSecretVersionIds
	case "GetSecretValue":
		return getSecretValue
	case "BatchGetSecretValue":
		return batchGetSecretValue
	case "PutSecretValue":
		return putSecretValue
	case "UpdateSecret":
		return updateSecret
	case "UpdateSecretVersionStage":
		return updateSecretVersionStage
	case "DeleteSecret":
		return deleteSecret
	case "RestoreSecret":
		return restoreSecret
	case "TagResource":
		return tagResource
	case "UntagResource":
		return untagResource
	case "GetRandomPassword":
		return getRandomPassword
	case "RotateSecret":
		return rotateSecret
	case "CancelRotateSecret":
		return cancelRotateSecret
	case "GetResourcePolicy":
		return getResourcePolicy
	case "PutResourcePolicy":
		return putResourcePolicy
	case "DeleteResourcePolicy":
		return deleteResourcePolicy
	case "ValidateResourcePolicy":
		return validateResourcePolicy
	case "ReplicateSecretToRegions", "RemoveRegionsFromReplication", "StopReplicationToReplica":
		return replication
	}
	return nil
}

func createSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.CreateSecretRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("Name", req.Name != nil); err != nil {
		return nil, err
	}
	// AWS refuses it before looking the secret up; SDKs always send one.
	if err := backend.TokenRequired("CreateSecret", req.ClientRequestToken, true); err != nil {
		return nil, err
	}
	if len(req.AddReplicaRegions) > 0 {
		return nil, errNoReplication()
	}
	out, err := b.CreateSecret(ctx, &backend.CreateSecretInput{
		Name:               *req.Name,
		Description:        req.Description,
		KmsKeyID:           req.KmsKeyId,
		ClientRequestToken: req.ClientRequestToken,
		SecretString:       req.SecretString,
		SecretBinary:       req.SecretBinary,
		Tags:               wire.FromTags(req.Tags),
	})
	if err != nil {
		return nil, err
	}
	return wire.ARNNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID}, nil
}

func describeSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	id, err := secretID(body)
	if err != nil {
		return nil, err
	}
	m, err := b.DescribeSecret(ctx, id)
	if err != nil {
		return nil, err
	}
	return wire.DescribeSecret(m), nil
}

func listSecrets(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.ListSecretsRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	in := &backend.ListSecretsInput{
		Filters:                wire.FromFilters(req.Filters),
		IncludePlannedDeletion: req.IncludePlannedDeletion,
		NextToken:              req.NextToken,
		SortOrder:              req.SortOrder,
		SortBy:                 req.SortBy,
	}
	if req.MaxResults != nil {
		in.MaxResults = *req.MaxResults
		if in.MaxResults == 0 {
			// 0 means "service default" in our types; on the wire it
			// is an explicit, invalid value.
			return nil, backend.BelowMinError("maxResults", 0, 1)
		}
	}
	out, err := b.ListSecrets(ctx, in)
	if err != nil {
		return nil, err
	}
	return wire.ListSecrets(out), nil
}

func listSecretVersionIds(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.ListSecretVersionIdsRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	in := &backend.ListSecretVersionIdsInput{
		SecretID:          *req.SecretId,
		IncludeDeprecated: req.IncludeDeprecated,
		NextToken:         req.NextToken,
	}
	if req.MaxResults != nil {
		in.MaxResults = *req.MaxResults
		if in.MaxResults == 0 {
			return nil, backend.BelowMinError("maxResults", 0, 1)
		}
	}
	out, err := b.ListSecretVersionIds(ctx, in)
	if err != nil {
		return nil, err
	}
	return wire.ListSecretVersionIds(out), nil
}

func getSecretValue(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.GetSecretValueRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	v, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: *req.SecretId, VersionID: req.VersionId, VersionStage: req.VersionStage})
	if err != nil {
		return nil, err
	}
	return wire.Value(v), nil
}

func batchGetSecretValue(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.BatchGetSecretValueRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	in := &backend.BatchGetSecretValueInput{
		SecretIDList: req.SecretIdList,
		Filters:      wire.FromFilters(req.Filters),
		NextToken:    req.NextToken,
	}
	if req.MaxResults != nil {
		in.MaxResults = *req.MaxResults
	}
	out, err := b.BatchGetSecretValue(ctx, in)
	if err != nil {
		return nil, err
	}
	return wire.BatchGetSecretValue(out), nil
}

func putSecretValue(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.PutSecretValueRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	// AWS refuses it before looking the secret up; SDKs always send one.
	if err := backend.TokenRequired("PutSecretValue", req.ClientRequestToken, true); err != nil {
		return nil, err
	}
	out, err := b.PutSecretValue(ctx, &backend.PutSecretValueInput{
		SecretID:           *req.SecretId,
		ClientRequestToken: req.ClientRequestToken,
		SecretString:       req.SecretString,
		SecretBinary:       req.SecretBinary,
		VersionStages:      req.VersionStages,
	})
	if err != nil {
		return nil, err
	}
	return wire.PutSecretValue(out), nil
}

func updateSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.UpdateSecretRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	// AWS refuses it before looking the secret up; SDKs always send one.
	if err := backend.TokenRequired("UpdateSecret", req.ClientRequestToken, req.SecretString != nil || req.SecretBinary != nil); err != nil {
		return nil, err
	}
	out, err := b.UpdateSecret(ctx, &backend.UpdateSecretInput{
		SecretID:           *req.SecretId,
		ClientRequestToken: req.ClientRequestToken,
		Description:        req.Description,
		KmsKeyID:           req.KmsKeyId,
		SecretString:       req.SecretString,
		SecretBinary:       req.SecretBinary,
	})
	if err != nil {
		return nil, err
	}
	return wire.ARNNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID}, nil
}

func updateSecretVersionStage(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.UpdateSecretVersionStageRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	if err := required("VersionStage", req.VersionStage != nil); err != nil {
		return nil, err
	}
	out, err := b.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
		SecretID:            *req.SecretId,
		VersionStage:        *req.VersionStage,
		MoveToVersionID:     req.MoveToVersionId,
		RemoveFromVersionID: req.RemoveFromVersionId,
	})
	if err != nil {
		return nil, err
	}
	return wire.SecretRef(out), nil
}

func deleteSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.DeleteSecretRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	out, err := b.DeleteSecret(ctx, &backend.DeleteSecretInput{
		SecretID:                   *req.SecretId,
		RecoveryWindowInDays:       req.RecoveryWindowInDays,
		ForceDeleteWithoutRecovery: req.ForceDeleteWithoutRecovery,
	})
	if err != nil {
		return nil, err
	}
	return wire.DeleteSecret(out), nil
}

func restoreSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	id, err := secretID(body)
	if err != nil {
		return nil, err
	}
	out, err := b.RestoreSecret(ctx, id)
	if err != nil {
		return nil, err
	}
	return wire.SecretRef(out), nil
}

func tagResource(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.TagResourceRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	if err := required("Tags", req.Tags != nil); err != nil {
		return nil, err
	}
	return struct{}{}, b.TagResource(ctx, &backend.TagResourceInput{SecretID: *req.SecretId, Tags: wire.FromTags(req.Tags)})
}

func untagResource(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.UntagResourceRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	if err := required("TagKeys", req.TagKeys != nil); err != nil {
		return nil, err
	}
	return struct{}{}, b.UntagResource(ctx, &backend.UntagResourceInput{SecretID: *req.SecretId, TagKeys: req.TagKeys})
}

func getRandomPassword(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req wire.GetRandomPasswordRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	pw, err := b.GetRandomPassword(ctx, &backend.GetRandomPasswordInput{
		PasswordLength:          req.PasswordLength,
		ExcludeCharacters:       req.ExcludeCharacters,
		ExcludeNumbers:          req.ExcludeNumbers,
		ExcludePunctuation:      req.ExcludePunctuation,
		ExcludeUppercase:        req.ExcludeUppercase,
		ExcludeLowercase:        req.ExcludeLowercase,
		IncludeSpace:            req.IncludeSpace,
		RequireEachIncludedType: req.RequireEachIncludedType,
	})
	if err != nil {
		return nil, err
	}
	return wire.GetRandomPasswordResponse{RandomPassword: pw}, nil
}

func rotateSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	r, ok := b.(backend.Rotator)
	if !ok {
		return nil, unsupported("RotateSecret", "rotation")
	}
	var req wire.RotateSecretRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	// AWS refuses it before looking the secret up; SDKs always send one.
	if err := backend.TokenRequired("RotateSecret", req.ClientRequestToken, false); err != nil {
		return nil, err
	}
	out, err := r.RotateSecret(ctx, &backend.RotateSecretInput{
		SecretID:           *req.SecretId,
		ClientRequestToken: req.ClientRequestToken,
		RotationLambdaARN:  req.RotationLambdaARN,
		RotationRules:      wire.FromRules(req.RotationRules),
		RotateImmediately:  req.RotateImmediately,
	})
	if err != nil {
		return nil, err
	}
	return wire.ARNNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID}, nil
}

func cancelRotateSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	r, ok := b.(backend.Rotator)
	if !ok {
		return nil, unsupported("CancelRotateSecret", "rotation")
	}
	id, err := secretID(body)
	if err != nil {
		return nil, err
	}
	out, err := r.CancelRotateSecret(ctx, id)
	if err != nil {
		return nil, err
	}
	return wire.ARNNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID}, nil
}

func getResourcePolicy(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	p, ok := b.(backend.ResourcePolicies)
	if !ok {
		return nil, unsupported("GetResourcePolicy", "resource policies")
	}
	id, err := secretID(body)
	if err != nil {
		return nil, err
	}
	out, err := p.GetResourcePolicy(ctx, id)
	if err != nil {
		return nil, err
	}
	return wire.GetResourcePolicy(out), nil
}

func putResourcePolicy(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	p, ok := b.(backend.ResourcePolicies)
	if !ok {
		return nil, unsupported("PutResourcePolicy", "resource policies")
	}
	var req wire.PutResourcePolicyRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	if err := required("ResourcePolicy", req.ResourcePolicy != nil); err != nil {
		return nil, err
	}
	out, err := p.PutResourcePolicy(ctx, &backend.PutResourcePolicyInput{SecretID: *req.SecretId, ResourcePolicy: *req.ResourcePolicy, BlockPublicPolicy: req.BlockPublicPolicy})
	if err != nil {
		return nil, err
	}
	return wire.SecretRef(out), nil
}

func deleteResourcePolicy(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	p, ok := b.(backend.ResourcePolicies)
	if !ok {
		return nil, unsupported("DeleteResourcePolicy", "resource policies")
	}
	id, err := secretID(body)
	if err != nil {
		return nil, err
	}
	out, err := p.DeleteResourcePolicy(ctx, id)
	if err != nil {
		return nil, err
	}
	return wire.SecretRef(out), nil
}

func validateResourcePolicy(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	p, ok := b.(backend.ResourcePolicies)
	if !ok {
		return nil, unsupported("ValidateResourcePolicy", "resource policies")
	}
	var req wire.ValidateResourcePolicyRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("ResourcePolicy", req.ResourcePolicy != nil); err != nil {
		return nil, err
	}
	entries, err := p.ValidateResourcePolicy(ctx, req.SecretId, *req.ResourcePolicy)
	if err != nil {
		return nil, err
	}
	return wire.ValidateResourcePolicy(entries), nil
}

func errNoReplication() error {
	return backend.Errorf(backend.CodeInvalidRequest, "This store does not replicate secrets to other regions.")
}

func replication(context.Context, backend.Backend, []byte) (any, error) {
	return nil, errNoReplication()
}

func unsupported(op, what string) error {
	return backend.Errorf(backend.CodeInvalidRequest, "%s is not available: this store does not support %s.", op, what)
}

// secretID decodes the request of operations whose only member is SecretId.
func secretID(body []byte) (string, error) {
	var req wire.SecretIDRequest
	if err := decode(body, &req); err != nil {
		return "", err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return "", err
	}
	return *req.SecretId, nil
}
