package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
)

// tempLabelBase names the label that carries a version which ends up
// without labels (deprecated): PutSecretValue with VersionStages cannot
// create a version with no label at all, so each such version is put with
// this label, which the next put moves on and the last step removes.
const tempLabelBase = "secretary-migrate"

// tempLabel returns a temporary label the source does not use. It depends
// only on the source, so a re-run after an interruption picks the same one
// and finds it where the earlier run left it.
func tempLabel(s *Secret) string {
	used := map[string]bool{}
	for _, v := range s.Versions {
		for _, l := range v.Stages {
			used[l] = true
		}
	}
	l := tempLabelBase
	for i := 2; used[l]; i++ {
		l = fmt.Sprintf("%s-%d", tempLabelBase, i)
	}
	return l
}

// step is one write of a plan.
type step struct {
	desc string
	run  func(ctx context.Context) error
}

// labels models where each staging label sits in the target, so the plan
// can be computed before anything is written (and shown by a dry run).
type labels map[string]string // label → version id

func (l labels) move(label, to string) {
	if to == "" {
		delete(l, label)
		return
	}
	l[label] = to
}

// moveCurrent applies UpdateSecretVersionStage's rule: AWSPREVIOUS follows
// to the version that lost AWSCURRENT.
func (l labels) moveCurrent(to string) {
	if from := l[backend.StageCurrent]; from != "" && from != to {
		l[backend.StagePrevious] = from
	}
	l[backend.StageCurrent] = to
}

// apply plans the writes that bring dst level with s and, unless this is a
// dry run, makes them. The result says what happened.
func apply(ctx context.Context, dst backend.Backend, m *meter, s *Secret, opts Options, res *Result) {
	ts, err := readTarget(ctx, dst, m, s.Name)
	if err != nil {
		res.Outcome, res.Err = Failed, fmt.Errorf("reading the target: %w", err)
		return
	}
	if ts.exists && ts.meta.Deleted() {
		res.Outcome = Conflict
		res.Diffs = append(res.Diffs, "scheduled for deletion in the target; restore it there first")
		return
	}
	tmp := tempLabel(s)
	if ts.exists && s.Policy != "" {
		if rp, ok := dst.(backend.ResourcePolicies); ok {
			err := m.do(ctx, func() error {
				pol, err := rp.GetResourcePolicy(ctx, s.Name)
				if err == nil {
					ts.policy = pol.Policy
				}
				return err
			})
			if err != nil && !unsupported(err) {
				res.Outcome, res.Err = Failed, fmt.Errorf("reading the target's resource policy: %w", err)
				return
			}
		}
	}
	if ts.exists {
		conflicts, fatal := compare(s, ts, tmp)
		if len(fatal) > 0 || (len(conflicts) > 0 && !opts.Overwrite) {
			res.Outcome = Conflict
			res.Diffs = append(append(res.Diffs, fatal...), conflicts...)
			if len(fatal) > 0 && opts.Overwrite {
				res.Notes = append(res.Notes, "--overwrite cannot help: a version id cannot take another value")
			}
			return
		}
	}
	steps := plan(dst, m, s, ts, tmp, res)
	if len(steps) == 0 {
		res.Outcome = Unchanged
		return
	}
	for _, st := range steps {
		res.Steps = append(res.Steps, st.desc)
	}
	if opts.DryRun {
		res.Outcome = Planned
		return
	}
	for i, st := range steps {
		if err := st.run(ctx); err != nil {
			res.Outcome, res.Err = Failed, fmt.Errorf("%s: %w", st.desc, err)
			res.Steps = res.Steps[:i]
			return
		}
	}
	if ts.exists {
		res.Outcome = Completed
	} else {
		res.Outcome = Created
	}
}

// compare decides whether the target's copy of a secret is an earlier,
// unfinished copy of the source (every version it holds is a source version
// with the same value, and its own labels sit where the source has them),
// which a run completes, or another history. fatal lists differences that
// even --overwrite cannot mend.
func compare(s *Secret, ts *targetState, tmp string) (conflicts, fatal []string) {
	src := map[string]*Version{}
	holder := map[string]string{}
	for i := range s.Versions {
		v := &s.Versions[i]
		src[v.ID] = v
		for _, l := range v.Stages {
			holder[l] = v.ID
		}
	}
	ids := make([]string, 0, len(ts.stages))
	for id := range ts.stages {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		v, ok := src[id]
		if !ok {
			if rotationTest(s, ts, id) {
				continue
			}
			conflicts = append(conflicts, "version "+id+" is only in the target")
			continue
		}
		if digest(v.SecretString, v.SecretBinary) != ts.digests[id] {
			fatal = append(fatal, "version "+id+" holds a different value in the target")
		}
		for _, l := range ts.stages[id] {
			if l == backend.StageCurrent || l == backend.StagePrevious || l == tmp {
				// Where an unfinished copy leaves these depends on where
				// it stopped; the run places them.
				continue
			}
			if holder[l] != id {
				conflicts = append(conflicts, fmt.Sprintf("label %s is on version %s in the target", l, id))
			}
		}
	}
	if ts.meta.Description != s.Description {
		conflicts = append(conflicts, "description differs")
	}
	if !slices.Equal(sortedTags(ts.meta.Tags), sortedTags(s.Tags)) {
		conflicts = append(conflicts, "tags differ")
	}
	return conflicts, fatal
}

// plan lists the writes that bring the target level with the source:
//
//  1. create the secret without a value (name, description, tags, key);
//  2. put each missing version, oldest first, with ClientRequestToken set
//     to its id and VersionStages set to its own labels other than
//     AWSCURRENT and AWSPREVIOUS, or to the temporary label when it has
//     none (the first version also gets AWSCURRENT, as Secrets Manager
//     gives the first value of a secret; no label is ever asked on two
//     versions, so no intermediate state breaks a rule);
//  3. move labels onto versions that existed already;
//  4. place AWSCURRENT and AWSPREVIOUS with UpdateSecretVersionStage:
//     AWSCURRENT goes first to the source's AWSPREVIOUS version and then to
//     its AWSCURRENT version, so AWSPREVIOUS follows to the right place;
//  5. remove the temporary label, leaving deprecated versions without any;
//  6. rotation and the resource policy, where the target can take them.
func plan(dst backend.Backend, m *meter, s *Secret, ts *targetState, tmp string, res *Result) []step {
	var steps []step
	at := labels{}
	for id, st := range ts.stages {
		for _, l := range st {
			at[l] = id
		}
	}
	want := labels{}
	for _, v := range s.Versions {
		for _, l := range v.Stages {
			want[l] = v.ID
		}
	}
	name := s.Name
	if !ts.exists {
		steps = append(steps, createStep(dst, m, s, res))
	} else {
		steps = append(steps, metadataSteps(dst, m, s, ts)...)
	}

	// 2. Missing versions, oldest first.
	for i := range s.Versions {
		v := &s.Versions[i]
		if _, ok := ts.stages[v.ID]; ok {
			continue
		}
		var stages []string
		for _, l := range v.Stages {
			if l != backend.StageCurrent && l != backend.StagePrevious {
				stages = append(stages, l)
			}
		}
		if len(stages) == 0 {
			stages = []string{tmp}
		}
		for _, l := range stages {
			at.move(l, v.ID)
		}
		if at[backend.StageCurrent] == "" {
			at[backend.StageCurrent] = v.ID
		}
		in := &backend.PutSecretValueInput{SecretID: name, ClientRequestToken: v.ID,
			SecretString: v.SecretString, SecretBinary: v.SecretBinary, VersionStages: stages}
		steps = append(steps, step{desc: fmt.Sprintf("put version %s with %s", v.ID, stageList(stages)),
			run: func(ctx context.Context) error {
				return m.do(ctx, func() error { _, err := dst.PutSecretValue(ctx, in); return err })
			}})
	}

	// 3. Labels other than AWSCURRENT/AWSPREVIOUS onto existing versions,
	// and (when overwriting) off versions the source does not label so.
	for _, v := range s.Versions {
		for _, l := range v.Stages {
			if l == backend.StageCurrent || l == backend.StagePrevious || at[l] == v.ID {
				continue
			}
			steps = append(steps, stageStep(dst, m, name, l, v.ID, at[l]))
			at.move(l, v.ID)
		}
	}
	for _, l := range sortedKeys(at) {
		if l == backend.StageCurrent || l == backend.StagePrevious || l == tmp || want[l] != "" {
			continue
		}
		steps = append(steps, stageStep(dst, m, name, l, "", at[l]))
		at.move(l, "")
	}

	// 4. AWSCURRENT and AWSPREVIOUS.
	c, p := want[backend.StageCurrent], want[backend.StagePrevious]
	if c != "" && (at[backend.StageCurrent] != c || at[backend.StagePrevious] != p) {
		if p != "" && at[backend.StageCurrent] != p {
			steps = append(steps, stageStep(dst, m, name, backend.StageCurrent, p, at[backend.StageCurrent]))
			at.moveCurrent(p)
		}
		if at[backend.StageCurrent] != c {
			steps = append(steps, stageStep(dst, m, name, backend.StageCurrent, c, at[backend.StageCurrent]))
			at.moveCurrent(c)
		}
		if p == "" && at[backend.StagePrevious] != "" {
			steps = append(steps, stageStep(dst, m, name, backend.StagePrevious, "", at[backend.StagePrevious]))
			at.move(backend.StagePrevious, "")
		}
	}
	if c == "" && len(s.Versions) > 0 {
		res.Notes = append(res.Notes, "the source has no AWSCURRENT version; the target's first version carries it")
	}

	// 5. The temporary label.
	if at[tmp] != "" {
		steps = append(steps, stageStep(dst, m, name, tmp, "", at[tmp]))
		at.move(tmp, "")
	}

	steps = append(steps, rotationSteps(dst, m, s, ts, res)...)
	steps = append(steps, policySteps(dst, m, s, ts, res)...)
	return steps
}

func sortedKeys(l labels) []string {
	out := make([]string, 0, len(l))
	for k := range l {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// stageStep moves label to version to (from the version from), or removes
// it from from when to is empty.
func stageStep(dst backend.Backend, m *meter, name, label, to, from string) step {
	in := &backend.UpdateSecretVersionStageInput{SecretID: name, VersionStage: label, MoveToVersionID: to, RemoveFromVersionID: from}
	desc := fmt.Sprintf("move %s to version %s", label, to)
	switch {
	case to == "":
		desc = fmt.Sprintf("remove %s from version %s", label, from)
	case from != "":
		desc = fmt.Sprintf("move %s from version %s to %s", label, from, to)
	}
	return step{desc: desc, run: func(ctx context.Context) error {
		return m.do(ctx, func() error { _, err := dst.UpdateSecretVersionStage(ctx, in); return err })
	}}
}

// mapKey chooses the target's KmsKeyId for a source's: the same alias, or
// the default key (reported) when the source names a key by id, which
// means nothing in another account or store.
func mapKey(kmsKeyID string) (string, string) {
	switch {
	case kmsKeyID == "", kmsKeyID == "alias/aws/secretsmanager":
		return "", ""
	case strings.HasPrefix(kmsKeyID, "alias/"):
		return kmsKeyID, ""
	}
	if i := strings.LastIndex(kmsKeyID, ":alias/"); i >= 0 {
		return mapKey(kmsKeyID[i+1:])
	}
	return "", fmt.Sprintf("key %s has no alias to look up in the target; the target's default key is used", kmsKeyID)
}

func createStep(dst backend.Backend, m *meter, s *Secret, res *Result) step {
	key, note := mapKey(s.KmsKeyID)
	if note != "" {
		res.Notes = append(res.Notes, note)
	}
	// Always a token: a served target refuses CreateSecret without one, as
	// AWS does, and a retried step then answers as the first did.
	in := &backend.CreateSecretInput{Name: s.Name, Description: s.Description, KmsKeyID: key, Tags: s.Tags, ClientRequestToken: uuid.NewString()}
	desc := fmt.Sprintf("create secret (%d tags", len(s.Tags))
	if key != "" {
		desc += ", key " + key
	}
	desc += ")"
	return step{desc: desc, run: func(ctx context.Context) error {
		err := m.do(ctx, func() error { _, err := dst.CreateSecret(ctx, in); return err })
		if key != "" && (errors.Is(err, backend.ErrEncryptionFailure) || isKMSNotFound(err)) {
			res.Notes = append(res.Notes, fmt.Sprintf("the target has no key %s; its default key is used", key))
			in.KmsKeyID = ""
			err = m.do(ctx, func() error { _, err := dst.CreateSecret(ctx, in); return err })
		}
		return err
	}}
}

// isKMSNotFound recognises AWS's answers for a key that does not exist.
func isKMSNotFound(err error) bool {
	if err == nil {
		return false
	}
	msg := backend.Message(err)
	return backend.Code(err) == backend.CodeInvalidParameter && strings.Contains(strings.ToLower(msg), "kms")
}

// metadataSteps bring the description and tags level when overwriting
// (an unfinished copy already has them from CreateSecret).
func metadataSteps(dst backend.Backend, m *meter, s *Secret, ts *targetState) []step {
	var steps []step
	name := s.Name
	if ts.meta.Description != s.Description {
		d := s.Description
		in := &backend.UpdateSecretInput{SecretID: name, Description: &d}
		steps = append(steps, step{desc: "update the description", run: func(ctx context.Context) error {
			return m.do(ctx, func() error { _, err := dst.UpdateSecret(ctx, in); return err })
		}})
	}
	if !slices.Equal(sortedTags(ts.meta.Tags), sortedTags(s.Tags)) {
		keep := map[string]bool{}
		for _, t := range s.Tags {
			keep[t.Key] = true
		}
		var drop []string
		for _, t := range ts.meta.Tags {
			if !keep[t.Key] {
				drop = append(drop, t.Key)
			}
		}
		if len(drop) > 0 {
			in := &backend.UntagResourceInput{SecretID: name, TagKeys: drop}
			steps = append(steps, step{desc: fmt.Sprintf("remove %d tags", len(drop)), run: func(ctx context.Context) error {
				return m.do(ctx, func() error { return dst.UntagResource(ctx, in) })
			}})
		}
		if len(s.Tags) > 0 {
			in := &backend.TagResourceInput{SecretID: name, Tags: s.Tags}
			steps = append(steps, step{desc: fmt.Sprintf("set %d tags", len(s.Tags)), run: func(ctx context.Context) error {
				return m.do(ctx, func() error { return dst.TagResource(ctx, in) })
			}})
		}
	}
	return steps
}

// rotationSteps carry the rotation configuration when the target can run
// the same function; otherwise the report says so and rotation stays off.
func rotationSteps(dst backend.Backend, m *meter, s *Secret, ts *targetState, res *Result) []step {
	if !s.RotationEnabled || s.RotationLambdaARN == "" {
		return nil
	}
	if ts.exists && ts.meta.RotationEnabled && ts.meta.RotationLambdaARN == s.RotationLambdaARN {
		return nil
	}
	pr, ok := dst.(backend.ProgressRotator)
	fn, _, _ := strings.Cut(s.RotationLambdaARN, ":")
	if !ok || !slices.Contains(pr.RotationFunctions(), fn) {
		res.Notes = append(res.Notes, fmt.Sprintf("rotation with %s not carried: the target cannot run that function; rotation left off", s.RotationLambdaARN))
		return nil
	}
	no := false
	in := &backend.RotateSecretInput{SecretID: s.Name, ClientRequestToken: uuid.NewString(),
		RotationLambdaARN: s.RotationLambdaARN, RotationRules: s.RotationRules, RotateImmediately: &no}
	return []step{{desc: "configure rotation with " + s.RotationLambdaARN, run: func(ctx context.Context) error {
		return m.do(ctx, func() error { _, err := pr.RotateSecret(ctx, in); return err })
	}}}
}

// policySteps carry the resource policy when both sides hold policies.
func policySteps(dst backend.Backend, m *meter, s *Secret, ts *targetState, res *Result) []step {
	if s.PolicyUnknown || s.Policy == "" {
		return nil
	}
	rp, ok := dst.(backend.ResourcePolicies)
	if !ok {
		res.Notes = append(res.Notes, "resource policy not carried: the target holds no resource policies")
		return nil
	}
	if ts.exists && ts.policy == s.Policy {
		return nil
	}
	in := &backend.PutResourcePolicyInput{SecretID: s.Name, ResourcePolicy: s.Policy}
	return []step{{desc: "put the resource policy", run: func(ctx context.Context) error {
		err := m.do(ctx, func() error { _, err := rp.PutResourcePolicy(ctx, in); return err })
		if unsupported(err) {
			res.Notes = append(res.Notes, "resource policy not carried: the target holds no resource policies")
			return nil
		}
		return err
	}}}
}

// rotationTest reports whether the target's version id, which the source
// does not have, is what configuring rotation left behind: RotateSecret
// without RotateImmediately runs the function's testSecret step, which (on
// AWS as here) creates a version and takes its AWSPENDING label away again.
// Such a version holds no label, and only a target that rotates with the
// source's function has one.
func rotationTest(s *Secret, ts *targetState, id string) bool {
	return len(ts.stages[id]) == 0 && s.RotationEnabled && ts.meta != nil &&
		ts.meta.RotationEnabled && ts.meta.RotationLambdaARN == s.RotationLambdaARN
}
