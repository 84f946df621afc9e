package migrate

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// Outcome is what happened to one secret.
type Outcome string

// Outcomes, as the report and the progress lines name them.
const (
	Created    Outcome = "created"     // new in the target
	Completed  Outcome = "completed"   // existed (an earlier run, or --overwrite) and was brought level
	Unchanged  Outcome = "unchanged"   // already equal; nothing written
	Conflict   Outcome = "conflict"    // exists with another history; left untouched
	Failed     Outcome = "failed"      // an error stopped this secret
	NotCarried Outcome = "not carried" // the source cannot hand it over
	Planned    Outcome = "planned"     // dry run: would be created or completed
	Written    Outcome = "written"     // backup: stored in the file
)

// Result is the report of one secret. It never holds a value.
type Result struct {
	Name    string
	Outcome Outcome
	// Steps are the writes made (or, in a dry run, planned), in order.
	Steps []string
	// Notes say what could not be carried and what was chosen instead.
	Notes []string
	// Diffs are the reasons for a conflict, or what the verification pass
	// found different.
	Diffs []string
	Err   error
	// Versions counts the versions read from the source.
	Versions int
}

// Report is the outcome of a migration or a backup.
type Report struct {
	Results []Result
	// Requests and Retries count the calls to each side, throttled ones
	// retried included.
	SourceRequests, SourceRetries int64
	TargetRequests, TargetRetries int64
	Elapsed                       time.Duration
	// Verified counts the secrets the verification pass compared;
	// Differences those it found different.
	Verified, Differences int
	DryRun                bool
}

// Count returns how many results have the outcome.
func (r *Report) Count(o Outcome) int {
	n := 0
	for i := range r.Results {
		if r.Results[i].Outcome == o {
			n++
		}
	}
	return n
}

// OK reports whether everything selected arrived and verified equal: no
// conflict, failure or difference. Secrets the source cannot hand over
// (scheduled for deletion) do not make a run fail; they are reported.
func (r *Report) OK() bool {
	return r.Count(Conflict) == 0 && r.Count(Failed) == 0 && r.Differences == 0
}

// Event is one progress report.
type Event struct {
	Result *Result
	// Done counts secrets handled so far; Total is -1 while unknown.
	Done, Total int
	Elapsed     time.Duration
}

// Options controls Migrate.
type Options struct {
	// Overwrite brings secrets that exist in the target with another
	// history level with the source. Without it they are reported as
	// conflicts and left untouched.
	Overwrite bool
	// DryRun plans without writing.
	DryRun bool
	// Rate caps the requests per second to the target (0: no cap).
	Rate float64
	// Progress, when set, is called after each secret (from one goroutine
	// at a time).
	Progress func(Event)
	// Total is called once the number of secrets is known.
	Total func(n int)
}

// Migrate copies every secret src yields into dst, then verifies the
// target against what was read. It returns an error only when the run
// itself could not go on (listing failed, the context ended); per-secret
// problems are in the report.
func Migrate(ctx context.Context, src Source, dst backend.Backend, opts Options) (*Report, error) {
	start := time.Now()
	m := newMeter(opts.Rate)
	rep := &Report{DryRun: opts.DryRun}
	var mu sync.Mutex
	sums := map[string]*Summary{}
	total := -1
	err := src.Each(ctx, func(n int) {
		total = n
		if opts.Total != nil {
			opts.Total(n)
		}
	}, func(ctx context.Context, s *Secret) error {
		res := Result{Name: s.Name, Versions: len(s.Versions)}
		if s.NotCarried != "" {
			res.Outcome = NotCarried
			res.Notes = append(res.Notes, s.NotCarried)
		} else {
			apply(ctx, dst, m, s, opts, &res)
		}
		if res.Err != nil && ctx.Err() != nil {
			// Interrupted: the run stops; a re-run picks the secret up.
			return ctx.Err()
		}
		mu.Lock()
		defer mu.Unlock()
		if res.Outcome == Created || res.Outcome == Completed || res.Outcome == Unchanged {
			sums[s.Name] = s.summarize()
		}
		rep.Results = append(rep.Results, res)
		if opts.Progress != nil {
			opts.Progress(Event{Result: &rep.Results[len(rep.Results)-1], Done: len(rep.Results), Total: total, Elapsed: time.Since(start)})
		}
		return nil
	})
	rep.SourceRequests, rep.SourceRetries = src.Stats()
	if err != nil {
		rep.TargetRequests, rep.TargetRetries = m.requests.Load(), m.retries.Load()
		rep.Elapsed = time.Since(start)
		return rep, err
	}
	sortResults(rep)
	if !opts.DryRun {
		if err := verify(ctx, dst, m, rep, sums, opts.Overwrite); err != nil {
			return rep, err
		}
	}
	rep.TargetRequests, rep.TargetRetries = m.requests.Load(), m.retries.Load()
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func sortResults(rep *Report) {
	sort.Slice(rep.Results, func(i, j int) bool { return rep.Results[i].Name < rep.Results[j].Name })
}

// verify re-reads every copied secret from the target and compares it with
// what the source held: labels per version id, value digests, tags and
// description.
func verify(ctx context.Context, dst backend.Backend, m *meter, rep *Report, sums map[string]*Summary, overwrite bool) error {
	for i := range rep.Results {
		r := &rep.Results[i]
		want, ok := sums[r.Name]
		if !ok {
			continue
		}
		ts, err := readTarget(ctx, dst, m, r.Name)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.Diffs = append(r.Diffs, "cannot be read back: "+err.Error())
			rep.Differences++
			rep.Verified++
			continue
		}
		rep.Verified++
		// Label-less versions of the target's own are accepted after an
		// overwrite, and where configuring rotation tested the function.
		extraOK := overwrite || (ts.meta != nil && ts.meta.RotationEnabled && ts.meta.RotationLambdaARN != "")
		if d := diff(want, ts.summary(r.Name), extraOK); len(d) > 0 {
			r.Diffs = append(r.Diffs, d...)
			rep.Differences++
		}
	}
	return nil
}

// targetState is what the target holds of one secret.
type targetState struct {
	exists  bool
	meta    *backend.SecretMetadata
	stages  map[string][]string // version id → labels, deprecated versions included
	digests map[string]string
	policy  string // read only when the source has a policy
}

func (ts *targetState) summary(name string) *Summary {
	if !ts.exists {
		return nil
	}
	sum := &Summary{Name: name, Description: ts.meta.Description, Tags: sortedTags(ts.meta.Tags), Versions: map[string]VersionSummary{}}
	for id, st := range ts.stages {
		sum.Versions[id] = VersionSummary{Stages: sortedStages(st), Digest: ts.digests[id]}
	}
	return sum
}

// readTarget reads a secret's metadata, versions and value digests from
// the target; a secret that does not exist is not an error.
func readTarget(ctx context.Context, b backend.Backend, m *meter, name string) (*targetState, error) {
	ts := &targetState{stages: map[string][]string{}, digests: map[string]string{}}
	err := m.do(ctx, func() (err error) {
		ts.meta, err = b.DescribeSecret(ctx, name)
		return err
	})
	if errors.Is(err, backend.ErrResourceNotFound) {
		return ts, nil
	}
	if err != nil {
		return nil, err
	}
	ts.exists = true
	if ts.meta.Deleted() {
		return ts, nil
	}
	versions, err := listVersions(ctx, b, m, name)
	if err != nil {
		return nil, fmt.Errorf("listing versions: %w", err)
	}
	for _, v := range versions {
		ts.stages[v.VersionID] = v.VersionStages
		var val *backend.SecretValue
		err := m.do(ctx, func() (err error) {
			val, err = b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name, VersionID: v.VersionID})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("reading version %s: %w", v.VersionID, err)
		}
		ts.digests[v.VersionID] = digest(val.SecretString, val.SecretBinary)
		val.Wipe()
	}
	return ts, nil
}
