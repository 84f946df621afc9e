package backend

import (
	"errors"

	"github.com/secretary-sh/secretary/backend/policy"
)

// The rules of PutResourcePolicy and ValidateResourcePolicy, shared by every
// store that keeps resource policies itself (the AWS backend lets the
// service apply them).

// ValidateResourcePolicyInput checks the members of a ValidateResourcePolicy
// request: SecretId is optional, the policy 1–20480 characters.
func ValidateResourcePolicyInput(secretID, doc string) error {
	if secretID != "" {
		if err := ValidateSecretID(secretID); err != nil {
			return err
		}
	}
	return lenBetween("resourcePolicy", doc, 1, policy.MaxResourcePolicySize)
}

// ResourcePolicyFindings returns ValidateResourcePolicy's answer for doc:
// no entries means PolicyValidationPassed.
func ResourcePolicyFindings(doc string) []ValidationEntry {
	var out []ValidationEntry
	for _, f := range policy.Validate(doc, policy.Resource) {
		out = append(out, ValidationEntry{CheckName: f.CheckName, ValidationMessage: f.Message})
	}
	return out
}

// CheckPutResourcePolicy validates a PutResourcePolicy request and returns
// the parsed policy: a document with findings is a
// MalformedPolicyDocumentException naming the first (and how many more),
// a public one under BlockPublicPolicy a PublicPolicyException.
func CheckPutResourcePolicy(in *PutResourcePolicyInput) (*policy.Document, error) {
	if err := ValidateSecretID(in.SecretID); err != nil {
		return nil, err
	}
	if err := lenBetween("resourcePolicy", in.ResourcePolicy, 1, policy.MaxResourcePolicySize); err != nil {
		return nil, err
	}
	doc, err := policy.Parse(in.ResourcePolicy, policy.Resource)
	if err != nil {
		var inv *policy.InvalidError
		if errors.As(err, &inv) {
			return nil, MalformedPolicyError(inv.Error())
		}
		return nil, err
	}
	if in.BlockPublicPolicy && doc.IsPublic() {
		return nil, PublicPolicyError()
	}
	return doc, nil
}

// SecretAccess is what a secret contributes to an authorisation decision.
type SecretAccess struct {
	ARN  string
	Name string
	Tags []Tag
	// Policy is the secret's resource policy; nil when it has none.
	Policy *policy.Document
}

// SetSecretContext adds the condition keys a secret supplies to a request:
// its name, its ARN as secretsmanager:SecretId (whichever form the caller
// used, so one policy value matches), and its tags under both of AWS's tag
// key prefixes.
func (a *SecretAccess) SetSecretContext(req *policy.Request) {
	req.Context.Set("secretsmanager:Name", a.Name)
	req.Context.Set("secretsmanager:SecretId", a.ARN)
	for _, tag := range a.Tags {
		req.Context.Set("secretsmanager:ResourceTag/"+tag.Key, tag.Value)
		req.Context.Set("aws:ResourceTag/"+tag.Key, tag.Value)
	}
}

// Attach returns identity followed by the secret's resource policy, if any.
func (a *SecretAccess) Attach(identity []policy.Attached) []policy.Attached {
	if a.Policy == nil {
		return identity
	}
	out := make([]policy.Attached, 0, len(identity)+1)
	out = append(out, identity...)
	return append(out, policy.Attached{Kind: policy.Resource, Name: "resource policy of " + a.Name, Document: a.Policy})
}
