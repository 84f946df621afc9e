// Package migrate copies secrets, with their whole version history, from one
// store to another, or into and out of an encrypted backup file. It works
// only through the backend.Backend interface (and the optional interfaces
// found by type assertion), so every store the project has, and any store
// that speaks the Secrets Manager API, can be a source or a target.
//
// What travels: name, description, tags, the KMS key choice (by alias),
// every version's value under its own version id (passed as
// ClientRequestToken, which the target keeps as the VersionId), every
// staging label on the same version as in the source, deprecated versions
// when asked, rotation configuration where the target can run the same
// function, and the resource policy where both sides hold one. What does not
// travel: the dates the target sets itself (CreatedDate, LastChangedDate,
// LastAccessedDate, LastRotatedDate) and secrets scheduled for deletion
// (their values cannot be read).
package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// Secret is one secret with its history, as read from a source. Values are
// held only while the secret is being copied.
type Secret struct {
	Name              string                 `json:"name"`
	Description       string                 `json:"description,omitempty"`
	KmsKeyID          string                 `json:"kmsKeyId,omitempty"`
	Tags              []backend.Tag          `json:"tags,omitempty"`
	RotationEnabled   bool                   `json:"rotationEnabled,omitempty"`
	RotationLambdaARN string                 `json:"rotationLambdaArn,omitempty"`
	RotationRules     *backend.RotationRules `json:"rotationRules,omitempty"`
	// Policy is the resource policy; "" means none (or a source without
	// policies, which PolicyUnknown then says).
	Policy        string `json:"policy,omitempty"`
	PolicyUnknown bool   `json:"policyUnknown,omitempty"`
	// CreatedDate is informative: a target sets its own.
	CreatedDate time.Time `json:"createdDate"`
	// Versions are oldest first, the order they are recreated in.
	Versions []Version `json:"versions"`
	// NotCarried, when set, says why the secret is reported but not copied.
	NotCarried string `json:"-"`
}

// Version is one version of a secret.
type Version struct {
	ID           string    `json:"id"`
	Stages       []string  `json:"stages,omitempty"`
	CreatedDate  time.Time `json:"createdDate"`
	SecretString *string   `json:"string,omitempty"`
	SecretBinary []byte    `json:"binary,omitempty"`
}

// wipe drops the values of every version.
func (s *Secret) wipe() {
	for i := range s.Versions {
		v := &backend.SecretValue{SecretString: s.Versions[i].SecretString, SecretBinary: s.Versions[i].SecretBinary}
		v.Wipe()
		s.Versions[i].SecretString, s.Versions[i].SecretBinary = nil, nil
	}
}

// digest identifies a value without revealing it: SHA-256 over a type byte
// and the bytes, so a string and a binary with the same bytes differ.
func digest(str *string, bin []byte) string {
	h := sha256.New()
	if str != nil {
		h.Write([]byte{'s'})
		h.Write([]byte(*str))
	} else {
		h.Write([]byte{'b'})
		h.Write(bin)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Summary is what the verification pass compares: everything that travels
// except the values themselves, which are compared by digest.
type Summary struct {
	Name        string
	Description string
	Tags        []backend.Tag
	// Versions maps each version id to its sorted labels and value digest.
	Versions map[string]VersionSummary
}

// VersionSummary is one version in a Summary.
type VersionSummary struct {
	Stages []string
	Digest string
}

func sortedTags(tags []backend.Tag) []backend.Tag {
	out := slices.Clone(tags)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func sortedStages(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

// summarize returns the summary of a secret read from a source.
func (s *Secret) summarize() *Summary {
	sum := &Summary{Name: s.Name, Description: s.Description, Tags: sortedTags(s.Tags), Versions: map[string]VersionSummary{}}
	for _, v := range s.Versions {
		sum.Versions[v.ID] = VersionSummary{Stages: sortedStages(v.Stages), Digest: digest(v.SecretString, v.SecretBinary)}
	}
	return sum
}

// diff lists the differences between a source summary and a target one,
// in words an operator can act on. extraOK accepts versions in the target
// that the source lacks when they carry no label (an overwritten secret
// keeps its old versions deprecated: there is no call that deletes one).
func diff(src, dst *Summary, extraOK bool) []string {
	var out []string
	if dst == nil {
		return []string{"missing in the target"}
	}
	if src.Description != dst.Description {
		out = append(out, "description differs")
	}
	if !slices.Equal(src.Tags, dst.Tags) {
		out = append(out, "tags differ")
	}
	ids := make([]string, 0, len(src.Versions))
	for id := range src.Versions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		sv := src.Versions[id]
		dv, ok := dst.Versions[id]
		switch {
		case !ok:
			out = append(out, "version "+id+" missing")
		case sv.Digest != dv.Digest:
			out = append(out, "version "+id+" has a different value")
		case !slices.Equal(sv.Stages, dv.Stages):
			out = append(out, "version "+id+" has labels "+stageList(dv.Stages)+", the source "+stageList(sv.Stages))
		}
	}
	extra := make([]string, 0)
	for id, dv := range dst.Versions {
		if _, ok := src.Versions[id]; !ok && (!extraOK || len(dv.Stages) > 0) {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		out = append(out, "version "+id+" is only in the target")
	}
	return out
}

func stageList(s []string) string {
	if len(s) == 0 {
		return "[] (deprecated)"
	}
	out := "["
	for i, l := range s {
		if i > 0 {
			out += " "
		}
		out += l
	}
	return out + "]"
}
