package server

import (
	"context"

	"github.com/secretary-sh/secretary/backend"
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
	var req createSecretRequest
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
		Tags:               fromWireTags(req.Tags),
	})
	if err != nil {
		return nil, err
	}
	return arnNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID}, nil
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
	return describeSecretResponse{
		ARN:                m.ARN,
		Name:               m.Name,
		Description:        m.Description,
		KmsKeyId:           m.KmsKeyID,
		RotationEnabled:    rotationEnabled(m),
		RotationLambdaARN:  m.RotationLambdaARN,
		RotationRules:      toWireRules(m.RotationRules),
		LastRotatedDate:    ts(m.LastRotatedDate),
		LastChangedDate:    ts(m.LastChangedDate),
		LastAccessedDate:   ts(m.LastAccessedDate),
		DeletedDate:        ts(m.DeletedDate),
		NextRotationDate:   ts(m.NextRotationDate),
		Tags:               toWireTags(m.Tags),
		VersionIdsToStages: m.VersionIdsToStages,
		OwningService:      m.OwningService,
		CreatedDate:        ts(m.CreatedDate),
		PrimaryRegion:      m.PrimaryRegion,
		ReplicationStatus:  toWireReplication(m.ReplicationStatus),
	}, nil
}

func listSecrets(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req listSecretsRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	in := &backend.ListSecretsInput{
		Filters:                fromWireFilters(req.Filters),
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
	res := listSecretsResponse{SecretList: make([]secretListEntry, len(out.Secrets)), NextToken: out.NextToken}
	for i := range out.Secrets {
		res.SecretList[i] = toListEntry(&out.Secrets[i])
	}
	return res, nil
}

func listSecretVersionIds(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req listSecretVersionIdsRequest
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
	res := listSecretVersionIdsResponse{ARN: out.ARN, Name: out.Name, NextToken: out.NextToken, Versions: make([]versionEntry, len(out.Versions))}
	for i, v := range out.Versions {
		res.Versions[i] = versionEntry{
			VersionId:        v.VersionID,
			VersionStages:    v.VersionStages,
			LastAccessedDate: ts(v.LastAccessedDate),
			CreatedDate:      ts(v.CreatedDate),
			KmsKeyIds:        v.KmsKeyIDs,
		}
	}
	return res, nil
}

func getSecretValue(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req getSecretValueRequest
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
	return toValueEntry(v), nil
}

func batchGetSecretValue(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req batchGetSecretValueRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	in := &backend.BatchGetSecretValueInput{
		SecretIDList: req.SecretIdList,
		Filters:      fromWireFilters(req.Filters),
		NextToken:    req.NextToken,
	}
	if req.MaxResults != nil {
		in.MaxResults = *req.MaxResults
	}
	out, err := b.BatchGetSecretValue(ctx, in)
	if err != nil {
		return nil, err
	}
	res := batchGetSecretValueResponse{
		SecretValues: make([]secretValueEntry, len(out.SecretValues)),
		Errors:       make([]apiErrorEntry, len(out.Errors)),
		NextToken:    out.NextToken,
	}
	for i := range out.SecretValues {
		res.SecretValues[i] = toValueEntry(&out.SecretValues[i])
	}
	for i, e := range out.Errors {
		res.Errors[i] = apiErrorEntry{SecretId: e.SecretID, ErrorCode: e.ErrorCode, Message: e.Message}
	}
	return res, nil
}

func putSecretValue(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req putSecretValueRequest
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
	return putSecretValueResponse{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID, VersionStages: out.VersionStages}, nil
}

func updateSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req updateSecretRequest
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
	return arnNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID}, nil
}

func updateSecretVersionStage(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req updateSecretVersionStageRequest
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
	return arnName{ARN: out.ARN, Name: out.Name}, nil
}

func deleteSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req deleteSecretRequest
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
	return deleteSecretResponse{ARN: out.ARN, Name: out.Name, DeletionDate: ts(out.DeletionDate)}, nil
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
	return arnName{ARN: out.ARN, Name: out.Name}, nil
}

func tagResource(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req tagResourceRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return nil, err
	}
	if err := required("Tags", req.Tags != nil); err != nil {
		return nil, err
	}
	return struct{}{}, b.TagResource(ctx, &backend.TagResourceInput{SecretID: *req.SecretId, Tags: fromWireTags(req.Tags)})
}

func untagResource(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	var req untagResourceRequest
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
	var req getRandomPasswordRequest
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
	return getRandomPasswordResponse{RandomPassword: pw}, nil
}

func rotateSecret(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	r, ok := b.(backend.Rotator)
	if !ok {
		return nil, unsupported("RotateSecret", "rotation")
	}
	var req rotateSecretRequest
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
		RotationRules:      fromWireRules(req.RotationRules),
		RotateImmediately:  req.RotateImmediately,
	})
	if err != nil {
		return nil, err
	}
	return arnNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID}, nil
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
	return arnNameVersion{ARN: out.ARN, Name: out.Name, VersionId: out.VersionID}, nil
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
	return getResourcePolicyResponse{ARN: out.ARN, Name: out.Name, ResourcePolicy: out.Policy}, nil
}

func putResourcePolicy(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	p, ok := b.(backend.ResourcePolicies)
	if !ok {
		return nil, unsupported("PutResourcePolicy", "resource policies")
	}
	var req putResourcePolicyRequest
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
	return arnName{ARN: out.ARN, Name: out.Name}, nil
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
	return arnName{ARN: out.ARN, Name: out.Name}, nil
}

func validateResourcePolicy(ctx context.Context, b backend.Backend, body []byte) (any, error) {
	p, ok := b.(backend.ResourcePolicies)
	if !ok {
		return nil, unsupported("ValidateResourcePolicy", "resource policies")
	}
	var req validateResourcePolicyRequest
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
	res := validateResourcePolicyResponse{PolicyValidationPassed: len(entries) == 0, ValidationErrors: make([]validationErrorsEntry, len(entries))}
	for i, e := range entries {
		res.ValidationErrors[i] = validationErrorsEntry{CheckName: e.CheckName, ErrorMessage: e.ValidationMessage}
	}
	return res, nil
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
	var req secretIDRequest
	if err := decode(body, &req); err != nil {
		return "", err
	}
	if err := required("SecretId", req.SecretId != nil); err != nil {
		return "", err
	}
	return *req.SecretId, nil
}
