package migrate

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/secretary-sh/secretary/backend"
)

// Source yields the secrets to copy, each with its history.
type Source interface {
	// Each calls total once with the number of secrets when it is known
	// before the first one (or -1), then fn for every selected secret. fn
	// may run on several goroutines at once; an error from fn stops Each.
	Each(ctx context.Context, total func(n int), fn func(ctx context.Context, s *Secret) error) error
	// Stats reports the requests made to the source and the throttled
	// ones retried.
	Stats() (requests, retries int64)
}

// SourceOptions selects what a BackendSource reads.
type SourceOptions struct {
	// Filters use the ListSecrets filter syntax.
	Filters []backend.Filter
	// Names, when set, selects exactly these secrets instead of listing:
	// each is described by name, so "a" never brings "ab" along (a name
	// filter matches prefixes) and no listing of a large store is needed
	// to copy a handful. Filters do not apply to them.
	Names []string
	// IncludeDeprecated also copies versions without labels.
	IncludeDeprecated bool
	// IncludePlannedDeletion lists secrets scheduled for deletion in the
	// report. Their values cannot be read (Secrets Manager refuses), so
	// they are reported as not carried rather than silently left out.
	IncludePlannedDeletion bool
	// Workers read secrets in parallel (default 4).
	Workers int
	// Rate caps the requests per second to the source (0: no cap).
	Rate float64
}

// BackendSource reads secrets from a store.
type BackendSource struct {
	b     backend.Backend
	opts  SourceOptions
	meter *meter
}

// NewBackendSource reads from b.
func NewBackendSource(b backend.Backend, opts SourceOptions) *BackendSource {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	return &BackendSource{b: b, opts: opts, meter: newMeter(opts.Rate)}
}

// Stats implements Source.
func (s *BackendSource) Stats() (int64, int64) {
	return s.meter.requests.Load(), s.meter.retries.Load()
}

// Each implements Source: it lists the selection first (so progress knows
// the total), then reads each secret's versions and values on workers.
// Secrets are read oldest first, the order a store keeps them on disk, so
// reads of a large store stay near each other instead of jumping about.
func (s *BackendSource) Each(ctx context.Context, total func(int), fn func(context.Context, *Secret) error) error {
	metas, err := s.list(ctx)
	if err != nil {
		return fmt.Errorf("listing the source: %w", err)
	}
	total(len(metas))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan []backend.SecretMetadata)
	var wg sync.WaitGroup
	for range s.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range jobs {
				secs, err := s.readChunk(ctx, chunk)
				for _, sec := range secs {
					if err == nil {
						err = fn(ctx, sec)
					}
					sec.wipe()
				}
				if err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	chunk := 1
	if _, ok := s.b.(batcher); ok {
		chunk = readChunk
	}
feed:
	for i := 0; i < len(metas); i += chunk {
		select {
		case jobs <- metas[i:min(i+chunk, len(metas))]:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	return context.Cause(ctx)
}

// batcher is implemented by stores that run many operations in one
// transaction (the embedded store): reading a few hundred secrets per
// transaction spares a commit, and its sync, per read.
type batcher interface {
	Batch(ctx context.Context, fn func(ctx context.Context, b backend.Backend) error) error
}

// readChunk is how many secrets one transaction reads from a batcher.
const readChunk = 256

// readChunk reads a chunk of secrets, in one transaction where the store
// allows it.
func (s *BackendSource) readChunk(ctx context.Context, metas []backend.SecretMetadata) ([]*Secret, error) {
	read := func(ctx context.Context, b backend.Backend) ([]*Secret, error) {
		out := make([]*Secret, 0, len(metas))
		for i := range metas {
			sec, err := s.read(ctx, b, &metas[i])
			if err != nil {
				for _, o := range out {
					o.wipe()
				}
				return nil, err
			}
			out = append(out, sec)
		}
		return out, nil
	}
	bt, ok := s.b.(batcher)
	if !ok || len(metas) == 1 {
		return read(ctx, s.b)
	}
	var out []*Secret
	err := bt.Batch(ctx, func(ctx context.Context, b backend.Backend) (err error) {
		out, err = read(ctx, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	// A store whose batches lack an optional interface the store has
	// answers for it outside the transaction.
	if rp, ok := s.b.(backend.ResourcePolicies); ok {
		for _, sec := range out {
			if sec.PolicyUnknown && sec.NotCarried == "" {
				if err := s.readPolicy(ctx, rp, sec); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

func (s *BackendSource) list(ctx context.Context) ([]backend.SecretMetadata, error) {
	if len(s.opts.Names) > 0 {
		return s.describe(ctx)
	}
	in := &backend.ListSecretsInput{Filters: s.opts.Filters, IncludePlannedDeletion: s.opts.IncludePlannedDeletion, SortOrder: backend.SortAsc}
	var out []backend.SecretMetadata
	if st, ok := s.b.(backend.Streamer); ok {
		err := s.meter.do(ctx, func() error {
			out = out[:0]
			return st.StreamSecrets(ctx, in, func(b []backend.SecretMetadata) error {
				out = append(out, b...)
				return nil
			})
		})
		return out, err
	}
	in.MaxResults = 100
	for {
		var page *backend.ListSecretsOutput
		err := s.meter.do(ctx, func() (err error) {
			page, err = s.b.ListSecrets(ctx, in)
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Secrets...)
		if page.NextToken == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// describe returns the metadata of the secrets named in the options, in
// their order, each once. One scheduled for deletion is left out unless
// IncludePlannedDeletion asks for it to be reported.
func (s *BackendSource) describe(ctx context.Context) ([]backend.SecretMetadata, error) {
	out := make([]backend.SecretMetadata, 0, len(s.opts.Names))
	seen := make(map[string]bool, len(s.opts.Names))
	for _, name := range s.opts.Names {
		if seen[name] {
			continue
		}
		seen[name] = true
		var m *backend.SecretMetadata
		err := s.meter.do(ctx, func() (err error) {
			m, err = s.b.DescribeSecret(ctx, name)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("describing %s: %w", name, err)
		}
		if m.Deleted() && !s.opts.IncludePlannedDeletion {
			continue
		}
		out = append(out, *m)
	}
	return out, nil
}

// read fetches one secret's versions, values and policy.
func (s *BackendSource) read(ctx context.Context, b backend.Backend, m *backend.SecretMetadata) (*Secret, error) {
	sec := &Secret{Name: m.Name, Description: m.Description, KmsKeyID: m.KmsKeyID, Tags: m.Tags,
		RotationEnabled: m.RotationEnabled, RotationLambdaARN: m.RotationLambdaARN, RotationRules: m.RotationRules,
		CreatedDate: m.CreatedDate}
	if m.Deleted() {
		sec.NotCarried = "scheduled for deletion in the source: Secrets Manager refuses to read its values (restore it to copy it)"
		return sec, nil
	}
	// The listing already names every labelled version; only deprecated
	// ones need ListSecretVersionIds.
	var versions []backend.SecretVersion
	if s.opts.IncludeDeprecated {
		var err error
		if versions, err = listVersions(ctx, b, s.meter, m.Name); err != nil {
			return nil, fmt.Errorf("%s: listing versions: %w", m.Name, err)
		}
	} else {
		for id, st := range m.VersionIdsToStages {
			versions = append(versions, backend.SecretVersion{VersionID: id, VersionStages: st})
		}
	}
	for _, v := range versions {
		var val *backend.SecretValue
		err := s.meter.do(ctx, func() (err error) {
			val, err = b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: m.Name, VersionID: v.VersionID})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: reading version %s: %w", m.Name, v.VersionID, err)
		}
		created := v.CreatedDate
		if created.IsZero() {
			created = val.CreatedDate
		}
		sec.Versions = append(sec.Versions, Version{ID: v.VersionID, Stages: sortedStages(v.VersionStages),
			CreatedDate: created, SecretString: val.SecretString, SecretBinary: val.SecretBinary})
	}
	sortVersions(sec.Versions)
	sec.PolicyUnknown = true
	if rp, ok := b.(backend.ResourcePolicies); ok {
		if err := s.readPolicy(ctx, rp, sec); err != nil {
			return nil, err
		}
	}
	return sec, nil
}

func (s *BackendSource) readPolicy(ctx context.Context, rp backend.ResourcePolicies, sec *Secret) error {
	var pol *backend.ResourcePolicy
	err := s.meter.do(ctx, func() (err error) {
		pol, err = rp.GetResourcePolicy(ctx, sec.Name)
		return err
	})
	switch {
	case err == nil:
		sec.Policy, sec.PolicyUnknown = pol.Policy, false
	case unsupported(err):
		sec.PolicyUnknown = true
	default:
		return fmt.Errorf("%s: reading the resource policy: %w", sec.Name, err)
	}
	return nil
}

// unsupported reports whether a store answered that it has no such
// operation (a server without resource policies, for example).
func unsupported(err error) bool {
	c := backend.Code(err)
	// The project's server names the operation and says the store lacks
	// it, as an InvalidRequestException.
	return c == "UnknownOperationException" || c == "NotImplemented" ||
		c == backend.CodeInvalidRequest && strings.Contains(backend.Message(err), "does not support")
}

// sortVersions puts versions oldest first; versions written in the same
// instant keep a stable order by id.
func sortVersions(v []Version) {
	sort.SliceStable(v, func(i, j int) bool {
		if !v[i].CreatedDate.Equal(v[j].CreatedDate) {
			return v[i].CreatedDate.Before(v[j].CreatedDate)
		}
		return v[i].ID < v[j].ID
	})
}

// listVersions lists every version of a secret, deprecated ones included.
func listVersions(ctx context.Context, b backend.Backend, m *meter, name string) ([]backend.SecretVersion, error) {
	in := &backend.ListSecretVersionIdsInput{SecretID: name, IncludeDeprecated: true, MaxResults: 100}
	var out []backend.SecretVersion
	for {
		var page *backend.ListSecretVersionIdsOutput
		err := m.do(ctx, func() (err error) {
			page, err = b.ListSecretVersionIds(ctx, in)
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Versions...)
		if page.NextToken == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}
