package backend

// Shared request validation with AWS's exception names and messages. Every
// implementation that does its own checking (the embedded store, the HTTP
// server) calls these so the messages match everywhere.
//
// TODO(semantics): implement with AWS's exact exception names and messages.

// ValidateCreateSecret checks a CreateSecret request.
func ValidateCreateSecret(in *CreateSecretInput) error { return nil }

// ValidatePutSecretValue checks a PutSecretValue request.
func ValidatePutSecretValue(in *PutSecretValueInput) error { return nil }

// ValidateUpdateSecret checks an UpdateSecret request.
func ValidateUpdateSecret(in *UpdateSecretInput) error { return nil }

// ValidateUpdateSecretVersionStage checks an UpdateSecretVersionStage request
// (shape only; the store checks it against the current labels).
func ValidateUpdateSecretVersionStage(in *UpdateSecretVersionStageInput) error { return nil }

// ValidateGetSecretValue checks a GetSecretValue request (shape only).
func ValidateGetSecretValue(in *GetSecretValueInput) error { return nil }

// ValidateBatchGetSecretValue checks a BatchGetSecretValue request.
func ValidateBatchGetSecretValue(in *BatchGetSecretValueInput) error { return nil }

// ValidateListSecrets checks a ListSecrets request (filters, max results,
// sort).
func ValidateListSecrets(in *ListSecretsInput) error { return nil }

// ValidateListSecretVersionIds checks a ListSecretVersionIds request.
func ValidateListSecretVersionIds(in *ListSecretVersionIdsInput) error { return nil }

// ValidateDeleteSecret checks a DeleteSecret request (window range, mutual
// exclusion with force).
func ValidateDeleteSecret(in *DeleteSecretInput) error { return nil }

// ValidateTagResource checks a TagResource request.
func ValidateTagResource(in *TagResourceInput) error { return nil }

// ValidateUntagResource checks an UntagResource request.
func ValidateUntagResource(in *UntagResourceInput) error { return nil }

// ValidateSecretID checks the SecretId parameter common to most operations.
func ValidateSecretID(id string) error { return nil }
