package policy

import "strings"

// Service is the action prefix of every Secrets Manager action.
const Service = "secretsmanager"

// Actions lists every Secrets Manager action, so a policy naming one that
// does not exist (a typo such as GetSecretValues) is reported instead of
// silently granting nothing.
var Actions = []string{
	"BatchGetSecretValue",
	"CancelRotateSecret",
	"CreateSecret",
	"DeleteResourcePolicy",
	"DeleteSecret",
	"DescribeSecret",
	"GetRandomPassword",
	"GetResourcePolicy",
	"GetSecretValue",
	"ListSecretVersionIds",
	"ListSecrets",
	"PutResourcePolicy",
	"PutSecretValue",
	"RemoveRegionsFromReplication",
	"ReplicateSecretToRegions",
	"RestoreSecret",
	"RotateSecret",
	"StopReplicationToReplica",
	"TagResource",
	"UntagResource",
	"UpdateSecret",
	"UpdateSecretVersionStage",
	"ValidateResourcePolicy",
}

// knownAction reports whether pattern (already lower case, "service:name")
// names at least one Secrets Manager action. Patterns of other services are
// checked for shape only: an identity policy may legitimately mention them.
func knownAction(pattern string, resourcePolicy bool) bool {
	if pattern == "*" {
		return true
	}
	svc, name, ok := strings.Cut(pattern, ":")
	if !ok || name == "" || svc == "" || strings.ContainsAny(svc, "*?") {
		return false
	}
	if svc != Service {
		return !resourcePolicy
	}
	for _, a := range Actions {
		if globFold(name, a) {
			return true
		}
	}
	return false
}
