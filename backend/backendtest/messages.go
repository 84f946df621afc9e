package backendtest

// AWS's texts as the suite expects them, written here apart from the
// builders in package backend on purpose: the suite is the oracle the
// stores are checked against, and it runs against AWS itself too. Where a
// text is not AWS's own (moto's, or secretary's where nothing is recorded),
// the case that uses it says so.

// Observed (recorded from AWS).
const (
	msgInvalidName   = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"
	msgNotFound      = "Secrets Manager can't find the specified secret."
	msgBothValues    = "You can't specify both a binary secret value and a string secret value in the same secret."
	msgNoValue       = "You must provide either SecretString or SecretBinary."
	msgMarked        = "You can't perform this operation on the secret because it was marked for deletion."
	msgWindow        = "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
	msgWindowForce   = "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
	msgVersionExists = "You can't modify an existing version, you can only create a new version."
	msgNameScheduled = "You can't create this secret because a secret with this name is already scheduled for deletion."
	msgStageMismatch = "You provided a VersionStage that is not associated to the provided VersionId."
	msgPublicPolicy  = "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret."
	msgCannotInvoke  = "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com."
	// msgMissingToken: LocalStack, whose snapshots are validated against AWS.
	msgMissingToken = "You must provide a ClientRequestToken value. We recommend a UUID-type value."
)

func msgSecretExists(name string) string {
	return "The operation failed because the secret " + name + " already exists."
}

func msgStageNotFound(stage string) string {
	return "Secrets Manager can't find the specified secret value for staging label: " + stage
}

func msgVersionNotFound(versionID string) string {
	return "Secrets Manager can't find the specified secret value for VersionId: " + versionID
}

func msgRemoveFromRequired(stage, holder string) string {
	return "The parameter RemoveFromVersionId can't be empty. Staging label " + stage + " is currently attached to version " +
		holder + ", so you must explicitly reference that version in RemoveFromVersionId."
}

func msgSystemTag(key string) string { return "You can't modify system tags. Tag key: '" + key + "'." }

// msgInvalidVersion is moto's text: AWS's answer to a version id naming no
// version in UpdateSecretVersionStage is not recorded.
func msgInvalidVersion(versionID string) string { return "Not a valid version: " + versionID }

// validation is AWS's request-validation message for one failed constraint.
func validation(value, field, constraint string) string {
	return "1 validation error detected: Value '" + value + "' at '" + field + "' failed to satisfy constraint: " + constraint
}

// validationHidden is the same for sensitive members and lists, whose value
// is not quoted.
func validationHidden(field, constraint string) string {
	return "1 validation error detected: Value at '" + field + "' failed to satisfy constraint: " + constraint
}
