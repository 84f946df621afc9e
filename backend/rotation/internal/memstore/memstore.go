// Package memstore is a small in-memory backend with Secrets Manager's
// version and staging-label semantics, enough for the rotation engine's
// tests to run while no other store is available to them. It is not a
// product store: no persistence, no encryption, no listing or deletion.
package memstore

import (
	"context"
	"crypto/rand"
	"math/big"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

type version struct {
	id      string
	str     *string
	bin     []byte
	stages  []string
	created time.Time
}

type secret struct {
	name     string
	versions map[string]*version
}

// Store is a concurrency-safe in-memory backend.
type Store struct {
	mu      sync.Mutex
	secrets map[string]*secret
	// FailPut, when set, is consulted before every PutSecretValue.
	FailPut func(in *backend.PutSecretValueInput) error
}

// New returns an empty store.
func New() *Store { return &Store{secrets: map[string]*secret{}} }

func arn(name string) string {
	return "arn:aws:secretsmanager:local:000000000000:secret:" + name + "-abcdef"
}

func (s *Store) find(id string) (*secret, error) {
	id = strings.TrimPrefix(id, "arn:aws:secretsmanager:local:000000000000:secret:")
	id = strings.TrimSuffix(id, "-abcdef")
	sec, ok := s.secrets[id]
	if !ok {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "Secrets Manager can't find the specified secret.")
	}
	return sec, nil
}

func (sec *secret) holder(stage string) *version {
	for _, v := range sec.versions {
		if slices.Contains(v.stages, stage) {
			return v
		}
	}
	return nil
}

func (v *version) drop(stage string) {
	v.stages = slices.DeleteFunc(v.stages, func(s string) bool { return s == stage })
}

// CreateSecret implements backend.Backend.
func (s *Store) CreateSecret(ctx context.Context, in *backend.CreateSecretInput) (*backend.CreateSecretOutput, error) {
	s.mu.Lock()
	if _, ok := s.secrets[in.Name]; ok {
		s.mu.Unlock()
		return nil, backend.Errorf(backend.CodeResourceExists, "The operation failed because the secret %s already exists.", in.Name)
	}
	s.secrets[in.Name] = &secret{name: in.Name, versions: map[string]*version{}}
	s.mu.Unlock()
	out := &backend.CreateSecretOutput{ARN: arn(in.Name), Name: in.Name}
	if in.SecretString != nil || in.SecretBinary != nil {
		tok := in.ClientRequestToken
		if tok == "" {
			tok = randomID()
		}
		p, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: in.Name, ClientRequestToken: tok, SecretString: in.SecretString, SecretBinary: in.SecretBinary})
		if err != nil {
			return nil, err
		}
		out.VersionID = p.VersionID
	}
	return out, nil
}

// DescribeSecret implements backend.Backend.
func (s *Store) DescribeSecret(ctx context.Context, id string) (*backend.SecretMetadata, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, err := s.find(id)
	if err != nil {
		return nil, err
	}
	m := &backend.SecretMetadata{ARN: arn(sec.name), Name: sec.name, VersionIdsToStages: map[string][]string{}}
	for id, v := range sec.versions {
		if len(v.stages) > 0 {
			st := slices.Clone(v.stages)
			sort.Strings(st)
			m.VersionIdsToStages[id] = st
		}
	}
	return m, nil
}

// ListSecrets is not supported.
func (s *Store) ListSecrets(context.Context, *backend.ListSecretsInput) (*backend.ListSecretsOutput, error) {
	return nil, backend.Errorf(backend.CodeInvalidRequest, "not supported")
}

// ListSecretVersionIds implements backend.Backend (no paging).
func (s *Store) ListSecretVersionIds(ctx context.Context, in *backend.ListSecretVersionIdsInput) (*backend.ListSecretVersionIdsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, err := s.find(in.SecretID)
	if err != nil {
		return nil, err
	}
	out := &backend.ListSecretVersionIdsOutput{ARN: arn(sec.name), Name: sec.name}
	for id, v := range sec.versions {
		if len(v.stages) > 0 || in.IncludeDeprecated {
			out.Versions = append(out.Versions, backend.SecretVersion{VersionID: id, VersionStages: slices.Clone(v.stages), CreatedDate: v.created})
		}
	}
	return out, nil
}

// GetSecretValue implements backend.Backend.
func (s *Store) GetSecretValue(ctx context.Context, in *backend.GetSecretValueInput) (*backend.SecretValue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, err := s.find(in.SecretID)
	if err != nil {
		return nil, err
	}
	var v *version
	switch {
	case in.VersionID != "":
		v = sec.versions[in.VersionID]
		if v != nil && in.VersionStage != "" && !slices.Contains(v.stages, in.VersionStage) {
			return nil, backend.Errorf(backend.CodeInvalidRequest, "You provided a VersionStage that is not associated to the provided VersionId.")
		}
	default:
		st := in.VersionStage
		if st == "" {
			st = backend.StageCurrent
		}
		v = sec.holder(st)
	}
	if v == nil {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "Secrets Manager can't find the specified secret value for staging label: %s", in.VersionStage)
	}
	out := &backend.SecretValue{ARN: arn(sec.name), Name: sec.name, VersionID: v.id, VersionStages: slices.Clone(v.stages), CreatedDate: v.created}
	if v.str != nil {
		c := *v.str
		out.SecretString = &c
	} else {
		out.SecretBinary = slices.Clone(v.bin)
	}
	return out, nil
}

// BatchGetSecretValue is not supported.
func (s *Store) BatchGetSecretValue(context.Context, *backend.BatchGetSecretValueInput) (*backend.BatchGetSecretValueOutput, error) {
	return nil, backend.Errorf(backend.CodeInvalidRequest, "not supported")
}

// PutSecretValue implements backend.Backend with AWS's label rules.
func (s *Store) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (*backend.PutSecretValueOutput, error) {
	if s.FailPut != nil {
		if err := s.FailPut(in); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, err := s.find(in.SecretID)
	if err != nil {
		return nil, err
	}
	tok := in.ClientRequestToken
	if tok == "" {
		tok = randomID()
	}
	if old, ok := sec.versions[tok]; ok {
		same := (old.str != nil && in.SecretString != nil && *old.str == *in.SecretString) || (old.str == nil && in.SecretString == nil && string(old.bin) == string(in.SecretBinary))
		if !same {
			return nil, backend.Errorf(backend.CodeResourceExists, "You can't modify an existing version, you can only create a new version.")
		}
		return &backend.PutSecretValueOutput{ARN: arn(sec.name), Name: sec.name, VersionID: tok, VersionStages: slices.Clone(old.stages)}, nil
	}
	stages := in.VersionStages
	if len(stages) == 0 || sec.holder(backend.StageCurrent) == nil {
		if !slices.Contains(stages, backend.StageCurrent) {
			stages = append(slices.Clone(stages), backend.StageCurrent)
		}
	}
	v := &version{id: tok, stages: nil, created: time.Now()}
	if in.SecretString != nil {
		c := *in.SecretString
		v.str = &c
	} else {
		v.bin = slices.Clone(in.SecretBinary)
	}
	for _, st := range stages {
		if st == backend.StageCurrent {
			if cur := sec.holder(backend.StageCurrent); cur != nil {
				if prev := sec.holder(backend.StagePrevious); prev != nil {
					prev.drop(backend.StagePrevious)
				}
				cur.drop(backend.StageCurrent)
				cur.stages = append(cur.stages, backend.StagePrevious)
			}
		} else if h := sec.holder(st); h != nil {
			h.drop(st)
		}
		v.stages = append(v.stages, st)
	}
	sec.versions[tok] = v
	return &backend.PutSecretValueOutput{ARN: arn(sec.name), Name: sec.name, VersionID: tok, VersionStages: slices.Clone(v.stages)}, nil
}

// UpdateSecret is not supported.
func (s *Store) UpdateSecret(context.Context, *backend.UpdateSecretInput) (*backend.UpdateSecretOutput, error) {
	return nil, backend.Errorf(backend.CodeInvalidRequest, "not supported")
}

// UpdateSecretVersionStage implements backend.Backend with AWS's rules.
func (s *Store) UpdateSecretVersionStage(ctx context.Context, in *backend.UpdateSecretVersionStageInput) (*backend.ARNName, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, err := s.find(in.SecretID)
	if err != nil {
		return nil, err
	}
	h := sec.holder(in.VersionStage)
	if in.MoveToVersionID == "" {
		if h == nil || h.id != in.RemoveFromVersionID {
			return nil, backend.Errorf(backend.CodeInvalidParameter, "The staging label %s is not attached to version %s.", in.VersionStage, in.RemoveFromVersionID)
		}
		h.drop(in.VersionStage)
		return &backend.ARNName{ARN: arn(sec.name), Name: sec.name}, nil
	}
	to := sec.versions[in.MoveToVersionID]
	if to == nil {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "Not a valid version: %s", in.MoveToVersionID)
	}
	if h == to {
		return &backend.ARNName{ARN: arn(sec.name), Name: sec.name}, nil
	}
	if h != nil {
		if h.id != in.RemoveFromVersionID {
			return nil, backend.Errorf(backend.CodeInvalidParameter, "The parameter RemoveFromVersionId can't be empty. Staging label %s is currently attached to version %s, so you must explicitly reference that version in RemoveFromVersionId.", in.VersionStage, h.id)
		}
		h.drop(in.VersionStage)
		if in.VersionStage == backend.StageCurrent {
			if prev := sec.holder(backend.StagePrevious); prev != nil {
				prev.drop(backend.StagePrevious)
			}
			to.drop(backend.StagePrevious)
			h.stages = append(h.stages, backend.StagePrevious)
		}
	}
	to.stages = append(to.stages, in.VersionStage)
	return &backend.ARNName{ARN: arn(sec.name), Name: sec.name}, nil
}

// DeleteSecret is not supported.
func (s *Store) DeleteSecret(context.Context, *backend.DeleteSecretInput) (*backend.DeleteSecretOutput, error) {
	return nil, backend.Errorf(backend.CodeInvalidRequest, "not supported")
}

// RestoreSecret is not supported.
func (s *Store) RestoreSecret(context.Context, string) (*backend.ARNName, error) {
	return nil, backend.Errorf(backend.CodeInvalidRequest, "not supported")
}

// TagResource is not supported.
func (s *Store) TagResource(context.Context, *backend.TagResourceInput) error {
	return backend.Errorf(backend.CodeInvalidRequest, "not supported")
}

// UntagResource is not supported.
func (s *Store) UntagResource(context.Context, *backend.UntagResourceInput) error {
	return backend.Errorf(backend.CodeInvalidRequest, "not supported")
}

// GetRandomPassword honours length and the exclusions (not the per-type
// requirement), which is what rotation needs.
func (s *Store) GetRandomPassword(ctx context.Context, in *backend.GetRandomPasswordInput) (string, error) {
	n := 32
	if in.PasswordLength != nil {
		n = *in.PasswordLength
	}
	var set []rune
	add := func(skip bool, chars string) {
		if skip {
			return
		}
		for _, r := range chars {
			if !strings.ContainsRune(in.ExcludeCharacters, r) {
				set = append(set, r)
			}
		}
	}
	add(in.ExcludeLowercase, "abcdefghijklmnopqrstuvwxyz")
	add(in.ExcludeUppercase, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	add(in.ExcludeNumbers, "0123456789")
	add(in.ExcludePunctuation, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
	add(!in.IncludeSpace, " ")
	if len(set) == 0 {
		return "", backend.Errorf(backend.CodeInvalidParameter, "no characters left to build a password from")
	}
	out := make([]rune, n)
	for i := range out {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return "", err
		}
		out[i] = set[k.Int64()]
	}
	return string(out), nil
}

// Info implements backend.Backend.
func (s *Store) Info() backend.Info { return backend.Info{Kind: "memory"} }

// Close implements backend.Backend.
func (s *Store) Close() error { return nil }

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
}
