package local

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/secretary-sh/secretary/backend"
)

var (
	_ backend.Backend  = (*Store)(nil)
	_ backend.Auditor  = (*Store)(nil)
	_ backend.Streamer = (*Store)(nil)
	_ backend.Backend  = (*txBackend)(nil)
)

func newVersionID() string { return uuid.NewString() }

// txBackend runs the operations inside one transaction: the Store's
// methods wrap each call in its own, Batch shares one across many.
type txBackend struct{ t *txn }

func (t *txn) b() *txBackend { return &txBackend{t} }

// Batch runs fn's operations in one write transaction: all or nothing. An
// error from fn rolls back every change; each operation is still audited
// (its records roll back with it, and the failure of the batch is
// recorded).
//
// The batch's statements do not watch ctx: with a context that can be
// cancelled, the SQLite driver starts a goroutine per statement to watch
// it, and a batch runs thousands of statements. ctx is checked before each
// operation instead, and its end rolls the whole batch back.
func (s *Store) Batch(ctx context.Context, fn func(ctx context.Context, b backend.Backend) error) error {
	// A batch runs alone: any failure in it rolls back its whole
	// transaction, which would take a group's other members with it.
	err := s.runTx(ctx, true, false, func(t *txn) error {
		t.shared = true
		t.ctx = context.WithoutCancel(ctx)
		if err := fn(ctx, t.b()); err != nil {
			return fatal(err)
		}
		return t.audit("Batch", "", "", nil)
	})
	if err != nil && ctx.Err() == nil {
		_ = s.run(ctx, true, func(t *txn) error { return t.audit("Batch", "", "", err) })
	}
	return err
}

// call runs one operation in its own transaction. Mutations commit on the
// fully synced pool, reads on the other (see Store.db).
func call[T any](s *Store, ctx context.Context, durable bool, fn func(b *txBackend) (T, error)) (T, error) {
	var out T
	err := s.run(ctx, durable, func(t *txn) error {
		var err error
		out, err = fn(t.b())
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// CreateSecret creates a secret and, when given a value, its first AWSCURRENT version.
func (s *Store) CreateSecret(ctx context.Context, in *backend.CreateSecretInput) (*backend.CreateSecretOutput, error) {
	return call(s, ctx, true, func(b *txBackend) (*backend.CreateSecretOutput, error) { return b.CreateSecret(ctx, in) })
}

// DescribeSecret returns a secret's metadata, also while it is scheduled for deletion.
func (s *Store) DescribeSecret(ctx context.Context, secretID string) (*backend.SecretMetadata, error) {
	return call(s, ctx, false, func(b *txBackend) (*backend.SecretMetadata, error) { return b.DescribeSecret(ctx, secretID) })
}

// ListSecrets returns one page of secrets in the requested order.
func (s *Store) ListSecrets(ctx context.Context, in *backend.ListSecretsInput) (*backend.ListSecretsOutput, error) {
	return call(s, ctx, false, func(b *txBackend) (*backend.ListSecretsOutput, error) { return b.ListSecrets(ctx, in) })
}

// ListSecretVersionIds returns one page of a secret's versions, newest first.
func (s *Store) ListSecretVersionIds(ctx context.Context, in *backend.ListSecretVersionIdsInput) (*backend.ListSecretVersionIdsOutput, error) {
	return call(s, ctx, false, func(b *txBackend) (*backend.ListSecretVersionIdsOutput, error) {
		return b.ListSecretVersionIds(ctx, in)
	})
}

// GetSecretValue decrypts one version (AWSCURRENT by default) and records the read.
func (s *Store) GetSecretValue(ctx context.Context, in *backend.GetSecretValueInput) (*backend.SecretValue, error) {
	return call(s, ctx, false, func(b *txBackend) (*backend.SecretValue, error) { return b.GetSecretValue(ctx, in) })
}

// BatchGetSecretValue reads the AWSCURRENT value of several secrets; per-secret failures come back in Errors.
func (s *Store) BatchGetSecretValue(ctx context.Context, in *backend.BatchGetSecretValueInput) (*backend.BatchGetSecretValueOutput, error) {
	return call(s, ctx, false, func(b *txBackend) (*backend.BatchGetSecretValueOutput, error) { return b.BatchGetSecretValue(ctx, in) })
}

// PutSecretValue stores a new version and moves its labels as AWS does.
func (s *Store) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (*backend.PutSecretValueOutput, error) {
	return call(s, ctx, true, func(b *txBackend) (*backend.PutSecretValueOutput, error) { return b.PutSecretValue(ctx, in) })
}

// UpdateSecret changes the description or key and, with a value, stores a new AWSCURRENT version.
func (s *Store) UpdateSecret(ctx context.Context, in *backend.UpdateSecretInput) (*backend.UpdateSecretOutput, error) {
	return call(s, ctx, true, func(b *txBackend) (*backend.UpdateSecretOutput, error) { return b.UpdateSecret(ctx, in) })
}

// UpdateSecretVersionStage moves or removes one staging label.
func (s *Store) UpdateSecretVersionStage(ctx context.Context, in *backend.UpdateSecretVersionStageInput) (*backend.ARNName, error) {
	return call(s, ctx, true, func(b *txBackend) (*backend.ARNName, error) { return b.UpdateSecretVersionStage(ctx, in) })
}

// DeleteSecret schedules a deletion, or deletes at once when forced.
func (s *Store) DeleteSecret(ctx context.Context, in *backend.DeleteSecretInput) (*backend.DeleteSecretOutput, error) {
	return call(s, ctx, true, func(b *txBackend) (*backend.DeleteSecretOutput, error) { return b.DeleteSecret(ctx, in) })
}

// RestoreSecret cancels a scheduled deletion.
func (s *Store) RestoreSecret(ctx context.Context, secretID string) (*backend.ARNName, error) {
	return call(s, ctx, true, func(b *txBackend) (*backend.ARNName, error) { return b.RestoreSecret(ctx, secretID) })
}

// TagResource adds or overwrites tags.
func (s *Store) TagResource(ctx context.Context, in *backend.TagResourceInput) error {
	_, err := call(s, ctx, true, func(b *txBackend) (struct{}, error) { return struct{}{}, b.TagResource(ctx, in) })
	return err
}

// UntagResource removes tags by key.
func (s *Store) UntagResource(ctx context.Context, in *backend.UntagResourceInput) error {
	_, err := call(s, ctx, true, func(b *txBackend) (struct{}, error) { return struct{}{}, b.UntagResource(ctx, in) })
	return err
}

// GetRandomPassword generates a password with AWS's rules.
func (s *Store) GetRandomPassword(ctx context.Context, in *backend.GetRandomPasswordInput) (string, error) {
	return call(s, ctx, false, func(b *txBackend) (string, error) { return b.GetRandomPassword(ctx, in) })
}

// ---- operations inside a transaction ----

func (b *txBackend) Info() backend.Info { return b.t.s.Info() }

// Close does nothing: the store outlives a batch.
func (b *txBackend) Close() error { return nil }

func (b *txBackend) CreateSecret(ctx context.Context, in *backend.CreateSecretInput) (out *backend.CreateSecretOutput, err error) {
	t := b.t
	err = t.op("CreateSecret", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidateCreateSecret(in); err != nil {
			return "", "", err
		}
		kind, value, hasValue := valueKind(in.SecretString, in.SecretBinary)
		arn, err := t.s.newARN(in.Name)
		if err != nil {
			return "", "", err
		}
		// Sealed with no labels yet; refreshMeta below reseals it with
		// the first version's.
		mac, err := t.s.identityMAC(arn, in.Name, nil)
		if err != nil {
			return "", "", err
		}
		// Insert first and look the name up only when it is taken: a new
		// name is the common case, and a bulk import pays for every
		// statement. The ARN holds the name, so only a taken name
		// conflicts. A failure below rolls the insert back.
		now := t.now.UnixNano()
		res, err := t.exec(`INSERT INTO secrets(arn, name, description, kms_key_id, created, last_changed, ident_mac)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, arn, in.Name, in.Description, in.KmsKeyID, now, now, mac)
		if err != nil {
			return "", "", internal(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return "", "", internal(err)
		} else if n == 0 {
			prev, err := t.find(in.Name)
			if err != nil {
				return "", "", err
			}
			if prev.deleted.Valid {
				return prev.arn, "", backend.NameScheduledForDeletionError()
			}
			// A retry of the same request (same token, same value) succeeds, as in AWS.
			if hasValue && in.ClientRequestToken != "" {
				if v, verr := t.version(prev.id, in.ClientRequestToken); verr == nil && v != nil {
					if k, old, derr := t.decrypt(prev, v); derr == nil {
						same := k == kind && constantTimeEqual(old, value)
						wipe(old)
						if same {
							out = &backend.CreateSecretOutput{ARN: prev.arn, Name: prev.name, VersionID: v.versionID}
							return prev.arn, v.versionID, nil
						}
					}
				}
			}
			return prev.arn, "", backend.SecretExistsError(in.Name)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return "", "", internal(err)
		}
		if _, err := t.resolveKey(in.KmsKeyID); err != nil {
			return "", "", err
		}
		if err := t.upsertTags(id, in.Tags, true); err != nil {
			return arn, "", err
		}
		out = &backend.CreateSecretOutput{ARN: arn, Name: in.Name}
		if hasValue {
			sec := &secretRow{id: id, arn: arn, name: in.Name, kmsKeyID: in.KmsKeyID, created: now, lastChanged: now, fresh: true}
			vid, _, err := t.putValue(sec, in.ClientRequestToken, kind, value, nil)
			if err != nil {
				return arn, "", err
			}
			out.VersionID = vid
		}
		if err := t.refreshMeta(id); err != nil {
			return arn, out.VersionID, err
		}
		return arn, out.VersionID, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// upsertTags adds or overwrites tags; fresh says the secret has none yet,
// so positions are known and the count was checked by validation.
func (t *txn) upsertTags(secretID int64, tags []backend.Tag, fresh bool) error {
	if len(tags) > 0 {
		if _, err := t.exec(`UPDATE secrets SET tagged = 1 WHERE id = ? AND tagged = 0`, secretID); err != nil {
			return internal(err)
		}
	}
	if fresh {
		if len(tags) == 0 {
			return nil
		}
		// One statement for all the tags. A repeated key overwrites the
		// value and keeps the first position, as TagResource would.
		list := make([][2]string, len(tags))
		for i, tg := range tags {
			list[i] = [2]string{tg.Key, tg.Value}
		}
		j, err := json.Marshal(list)
		if err != nil {
			return internal(err)
		}
		if _, err := t.exec(`INSERT INTO tags(secret_id, key, value, pos)
			SELECT ?1, j.value ->> 0, j.value ->> 1, j.key + 1 FROM json_each(?2) AS j WHERE true
			ON CONFLICT (secret_id, key) DO UPDATE SET value = excluded.value`, secretID, string(j)); err != nil {
			return internal(err)
		}
		return nil
	}
	for _, tg := range tags {
		if _, err := t.exec(`INSERT INTO tags(secret_id, key, value, pos)
			VALUES (?1, ?2, ?3, (SELECT coalesce(max(pos), 0) + 1 FROM tags WHERE secret_id = ?1))
			ON CONFLICT (secret_id, key) DO UPDATE SET value = excluded.value`, secretID, tg.Key, tg.Value); err != nil {
			return internal(err)
		}
	}
	var n int
	if err := t.queryRow(`SELECT count(*) FROM tags WHERE secret_id = ?`, secretID).Scan(&n); err != nil {
		return internal(err)
	}
	if n > backend.MaxTagsPerSecret {
		return backend.TooManyTagsError()
	}
	return nil
}

func (b *txBackend) DescribeSecret(ctx context.Context, secretID string) (out *backend.SecretMetadata, err error) {
	t := b.t
	err = t.op("DescribeSecret", func() (string, string, error) {
		if err := backend.ValidateSecretID(secretID); err != nil {
			return "", "", err
		}
		sec, err := t.find(secretID)
		if err != nil {
			return "", "", err
		}
		metas, err := toMeta([]*secretRow{sec})
		if err != nil {
			return sec.arn, "", err
		}
		out = &metas[0]
		return sec.arn, "", nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) GetSecretValue(ctx context.Context, in *backend.GetSecretValueInput) (out *backend.SecretValue, err error) {
	t := b.t
	err = t.op("GetSecretValue", func() (string, string, error) {
		if err := backend.ValidateGetSecretValue(in); err != nil {
			return "", "", err
		}
		stage := in.VersionStage
		if stage == "" && in.VersionID == "" {
			stage = backend.StageCurrent
		}
		sec, v, err := t.lookupValue(in.SecretID, in.VersionID, stage)
		if err != nil {
			return arnOf(sec), "", err
		}
		out, err = t.getValue(sec, v, in.VersionID, stage)
		if err != nil {
			return sec.arn, in.VersionID, err
		}
		return sec.arn, out.VersionID, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func arnOf(sec *secretRow) string {
	if sec == nil {
		return ""
	}
	return sec.arn
}

// lookupValue resolves a SecretId and the version a read asks for in one
// query: on the read path every statement counts against the 100 µs
// budget. The version is nil when the id or stage names none. The secret
// row carries only what reads use (id, ARN, name, dates, labels).
func (t *txn) lookupValue(secretID, versionID, stage string) (*secretRow, *versionRow, error) {
	column, key, ok := t.s.secretKey(secretID)
	if !ok {
		return nil, nil, backend.SecretNotFoundError()
	}
	// Only the columns a read needs: the driver converts every column name
	// of every query it runs, so each one costs.
	row := t.queryRow(`SELECT s.id, s.arn, s.name, s.ident_mac, s.last_accessed, s.deleted, s.deletion, s.stages_json,
		v.version_id, v.created, v.last_accessed, v.key_id, v.key_version, v.wrapped_dek, v.ciphertext
		FROM secrets s LEFT JOIN versions v ON v.secret_id = s.id AND v.version_id = CASE WHEN ?2 <> '' THEN ?2
			ELSE (SELECT st.version_id FROM stages st WHERE st.secret_id = s.id AND st.stage = ?3) END
		WHERE s.`+column+` = ?1`, key, versionID, stage)
	var sec secretRow
	var vid, keyID sql.NullString
	var created, accessed, keyVersion sql.NullInt64
	var v versionRow
	err := row.Scan(&sec.id, &sec.arn, &sec.name, &sec.identMAC, &sec.lastAccessed, &sec.deleted, &sec.deletion, &sec.stagesJSON,
		&vid, &created, &accessed, &keyID, &keyVersion, &v.wrappedDEK, &v.ciphertext)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && sec.deletion.Valid && sec.deletion.Int64 <= t.now.UnixNano()) {
		return nil, nil, backend.SecretNotFoundError()
	}
	if err != nil {
		return nil, nil, internal(err)
	}
	if err := t.s.checkIdentity(sec.arn, sec.name, sec.stagesJSON, sec.identMAC); err != nil {
		return nil, nil, err
	}
	if sec.deleted.Valid {
		return &sec, nil, backend.MarkedForDeletionError()
	}
	if !vid.Valid {
		return &sec, nil, nil
	}
	v.versionID, v.created, v.accessed, v.keyID, v.keyVersion = vid.String, created.Int64, accessed.Int64, keyID.String, keyVersion.Int64
	return &sec, &v, nil
}

// getValue checks the version a read selected (AWSCURRENT by default),
// decrypts it and records the access date.
func (t *txn) getValue(sec *secretRow, v *versionRow, versionID, stage string) (*backend.SecretValue, error) {
	if v == nil {
		if versionID == "" {
			return nil, backend.StageValueNotFoundError(stage)
		}
		return nil, backend.VersionValueNotFoundError(versionID)
	}
	requested := versionID
	versionID = v.versionID
	var labels map[string][]string
	if err := json.Unmarshal(sec.stagesJSON, &labels); err != nil {
		return nil, internal(fmt.Errorf("%w: labels of %s: %w", ErrCorrupt, sec.name, err))
	}
	stages := labels[versionID]
	sort.Strings(stages)
	if requested == "" && stage != "" && !contains(stages, stage) {
		// The version came from the stages table by this label, and the
		// MAC-covered copy disagrees: the table was edited.
		return nil, fmt.Errorf("%w: the staging labels of %q were changed outside secretary; they are not used (restore the store from a backup)", ErrIntegrity, sec.name)
	}
	if stage != "" && !contains(stages, stage) {
		return nil, backend.StageVersionMismatchError()
	}
	kind, value, err := t.decrypt(sec, v)
	if err != nil {
		return nil, err
	}
	// A frozen store cannot record the access date (see Store.frozen).
	if d := day(t.now); !t.s.frozen {
		if sec.lastAccessed != d {
			if _, err := t.exec(`UPDATE secrets SET last_accessed = ? WHERE id = ?`, d, sec.id); err != nil {
				return nil, internal(err)
			}
		}
		if v.accessed != d {
			if _, err := t.exec(`UPDATE versions SET last_accessed = ? WHERE secret_id = ? AND version_id = ?`,
				d, sec.id, versionID); err != nil {
				return nil, internal(err)
			}
		}
	}
	out := &backend.SecretValue{
		ARN:           sec.arn,
		Name:          sec.name,
		VersionID:     versionID,
		VersionStages: stages,
		CreatedDate:   nsTime(v.created),
	}
	if kind == kindString {
		s := string(value)
		wipe(value)
		out.SecretString = &s
	} else {
		out.SecretBinary = value
	}
	return out, nil
}

func (b *txBackend) BatchGetSecretValue(ctx context.Context, in *backend.BatchGetSecretValueInput) (out *backend.BatchGetSecretValueOutput, err error) {
	t := b.t
	out = &backend.BatchGetSecretValueOutput{}
	var ids []string
	err = t.op("BatchGetSecretValue", func() (string, string, error) {
		if err := backend.ValidateBatchGetSecretValue(in); err != nil {
			return "", "", err
		}
		if len(in.SecretIDList) > 0 {
			ids = in.SecretIDList
			return "", "", nil
		}
		max := in.MaxResults
		if max <= 0 {
			max = 20
		}
		page, err := t.s.listPage(t.ctx, t.tx, t.now, &backend.ListSecretsInput{Filters: in.Filters, MaxResults: max, NextToken: in.NextToken})
		if err != nil {
			return "", "", err
		}
		for _, m := range page.Secrets {
			ids = append(ids, m.ARN)
		}
		out.NextToken = page.NextToken
		return "", "", nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		var v *backend.SecretValue
		gerr := t.readOp("GetSecretValue", func() (string, string, error) {
			sec, ver, err := t.lookupValue(id, "", backend.StageCurrent)
			if err != nil {
				return arnOf(sec), "", err
			}
			v, err = t.getValue(sec, ver, "", backend.StageCurrent)
			if err != nil {
				return sec.arn, "", err
			}
			return sec.arn, v.VersionID, nil
		})
		if gerr != nil {
			if backend.Code(gerr) == "" {
				return nil, gerr
			}
			out.Errors = append(out.Errors, backend.APIError{SecretID: id, ErrorCode: backend.Code(gerr), Message: backend.Message(gerr)})
			continue
		}
		out.SecretValues = append(out.SecretValues, *v)
	}
	return out, nil
}

func (b *txBackend) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (out *backend.PutSecretValueOutput, err error) {
	t := b.t
	err = t.op("PutSecretValue", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidatePutSecretValue(in); err != nil {
			return "", "", err
		}
		sec, err := t.findLive(in.SecretID)
		if err != nil {
			return arnOf(sec), "", err
		}
		kind, value, ok := valueKind(in.SecretString, in.SecretBinary)
		if !ok {
			return sec.arn, "", backend.NoValueError()
		}
		vid, stages, err := t.putValue(sec, in.ClientRequestToken, kind, value, in.VersionStages)
		if err != nil {
			return sec.arn, in.ClientRequestToken, err
		}
		out = &backend.PutSecretValueOutput{ARN: sec.arn, Name: sec.name, VersionID: vid, VersionStages: stages}
		return sec.arn, vid, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) UpdateSecret(ctx context.Context, in *backend.UpdateSecretInput) (out *backend.UpdateSecretOutput, err error) {
	t := b.t
	err = t.op("UpdateSecret", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidateUpdateSecret(in); err != nil {
			return "", "", err
		}
		sec, err := t.findLive(in.SecretID)
		if err != nil {
			return arnOf(sec), "", err
		}
		out = &backend.UpdateSecretOutput{ARN: sec.arn, Name: sec.name}
		changed := false
		if in.Description != nil && *in.Description != sec.description {
			if _, err := t.exec(`UPDATE secrets SET description = ? WHERE id = ?`, *in.Description, sec.id); err != nil {
				return sec.arn, "", internal(err)
			}
			changed = true
		}
		if in.KmsKeyID != nil && *in.KmsKeyID != sec.kmsKeyID {
			key, err := t.resolveKey(*in.KmsKeyID)
			if err != nil {
				return sec.arn, "", err
			}
			if _, err := t.exec(`UPDATE secrets SET kms_key_id = ? WHERE id = ?`, *in.KmsKeyID, sec.id); err != nil {
				return sec.arn, "", internal(err)
			}
			sec.kmsKeyID = *in.KmsKeyID
			// As AWS does, the labelled versions move to the new key
			// (deprecated ones stay under the old); only their data keys
			// are re-wrapped, the values are not re-encrypted.
			if err := t.rewrapAll(`v.secret_id = ?1 AND EXISTS (SELECT 1 FROM stages st
				WHERE st.secret_id = v.secret_id AND st.version_id = v.version_id)`, sec.id, key.id, key.version); err != nil {
				return sec.arn, "", err
			}
			changed = true
		}
		if kind, value, ok := valueKind(in.SecretString, in.SecretBinary); ok {
			vid, _, err := t.putValue(sec, in.ClientRequestToken, kind, value, nil)
			if err != nil {
				return sec.arn, in.ClientRequestToken, err
			}
			out.VersionID = vid
		} else if changed {
			if err := t.touchChanged(sec.id); err != nil {
				return sec.arn, "", err
			}
		}
		return sec.arn, out.VersionID, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) UpdateSecretVersionStage(ctx context.Context, in *backend.UpdateSecretVersionStageInput) (out *backend.ARNName, err error) {
	t := b.t
	err = t.op("UpdateSecretVersionStage", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidateUpdateSecretVersionStage(in); err != nil {
			return "", "", err
		}
		sec, err := t.findLive(in.SecretID)
		if err != nil {
			return arnOf(sec), "", err
		}
		labels, err := t.labels(sec.id)
		if err != nil {
			return sec.arn, "", err
		}
		holder, held := labels[in.VersionStage]
		if in.RemoveFromVersionID != "" && holder != in.RemoveFromVersionID {
			v, err := t.version(sec.id, in.RemoveFromVersionID)
			if err != nil {
				return sec.arn, "", err
			}
			if v == nil {
				return sec.arn, in.RemoveFromVersionID, backend.InvalidVersionError(in.RemoveFromVersionID)
			}
			return sec.arn, in.RemoveFromVersionID, backend.StageNotOnVersionError(in.VersionStage, in.RemoveFromVersionID)
		}
		if in.MoveToVersionID == "" {
			if in.RemoveFromVersionID == "" {
				return sec.arn, "", backend.MoveOrRemoveRequiredError()
			}
			if err := t.removeLabel(sec.id, in.VersionStage); err != nil {
				return sec.arn, "", err
			}
		} else {
			v, err := t.version(sec.id, in.MoveToVersionID)
			if err != nil {
				return sec.arn, "", err
			}
			if v == nil {
				return sec.arn, in.MoveToVersionID, backend.InvalidVersionError(in.MoveToVersionID)
			}
			if held && holder != in.MoveToVersionID && in.RemoveFromVersionID != holder {
				return sec.arn, in.MoveToVersionID, backend.RemoveFromVersionRequiredError(in.VersionStage, holder)
			}
			if in.VersionStage == backend.StageCurrent && held && holder != in.MoveToVersionID {
				if err := t.setLabel(sec.id, backend.StagePrevious, holder); err != nil {
					return sec.arn, "", err
				}
			}
			if err := t.setLabel(sec.id, in.VersionStage, in.MoveToVersionID); err != nil {
				return sec.arn, "", err
			}
		}
		if err := t.touchChanged(sec.id); err != nil {
			return sec.arn, "", err
		}
		out = &backend.ARNName{ARN: sec.arn, Name: sec.name}
		ver := in.MoveToVersionID
		if ver == "" {
			ver = in.RemoveFromVersionID
		}
		return sec.arn, ver, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) DeleteSecret(ctx context.Context, in *backend.DeleteSecretInput) (out *backend.DeleteSecretOutput, err error) {
	t := b.t
	err = t.op("DeleteSecret", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidateDeleteSecret(in); err != nil {
			return "", "", err
		}
		sec, err := t.find(in.SecretID)
		if err != nil && in.ForceDeleteWithoutRecovery && backend.Code(err) == backend.CodeResourceNotFound {
			// Secrets Manager answers a forced delete of a secret that does
			// not exist as if it had existed, so that a retried or
			// idempotent cleanup succeeds.
			out, err = t.s.phantomDeletion(in.SecretID, t.now)
			if err != nil {
				return "", "", err
			}
			return out.ARN, "", nil
		}
		if err != nil {
			return "", "", err
		}
		if in.ForceDeleteWithoutRecovery {
			if err := t.deleteSecretRow(sec.id); err != nil {
				return sec.arn, "", err
			}
			out = &backend.DeleteSecretOutput{ARN: sec.arn, Name: sec.name, DeletionDate: t.now}
			return sec.arn, "", nil
		}
		if sec.deleted.Valid {
			return sec.arn, "", backend.AlreadyScheduledError()
		}
		days := 30
		if in.RecoveryWindowInDays != nil {
			days = *in.RecoveryWindowInDays
		}
		deletion := t.now.Add(time.Duration(days) * 24 * time.Hour)
		if _, err := t.exec(`UPDATE secrets SET deleted = ?, deletion = ? WHERE id = ?`,
			t.now.UnixNano(), deletion.UnixNano(), sec.id); err != nil {
			return sec.arn, "", internal(err)
		}
		out = &backend.DeleteSecretOutput{ARN: sec.arn, Name: sec.name, DeletionDate: deletion}
		return sec.arn, "", nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) RestoreSecret(ctx context.Context, secretID string) (out *backend.ARNName, err error) {
	t := b.t
	err = t.op("RestoreSecret", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidateSecretID(secretID); err != nil {
			return "", "", err
		}
		sec, err := t.find(secretID)
		if err != nil {
			return "", "", err
		}
		if sec.deleted.Valid {
			if _, err := t.exec(`UPDATE secrets SET deleted = NULL, deletion = NULL WHERE id = ?`, sec.id); err != nil {
				return sec.arn, "", internal(err)
			}
		}
		out = &backend.ARNName{ARN: sec.arn, Name: sec.name}
		return sec.arn, "", nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (b *txBackend) TagResource(ctx context.Context, in *backend.TagResourceInput) error {
	t := b.t
	return t.op("TagResource", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidateTagResource(in); err != nil {
			return "", "", err
		}
		sec, err := t.findLive(in.SecretID)
		if err != nil {
			return arnOf(sec), "", err
		}
		if err := t.upsertTags(sec.id, in.Tags, false); err != nil {
			return sec.arn, "", err
		}
		return sec.arn, "", t.touchChanged(sec.id)
	})
}

func (b *txBackend) UntagResource(ctx context.Context, in *backend.UntagResourceInput) error {
	t := b.t
	return t.op("UntagResource", func() (string, string, error) {
		if err := t.writable(); err != nil {
			return "", "", err
		}
		if err := backend.ValidateUntagResource(in); err != nil {
			return "", "", err
		}
		sec, err := t.findLive(in.SecretID)
		if err != nil {
			return arnOf(sec), "", err
		}
		for _, k := range in.TagKeys {
			if _, err := t.exec(`DELETE FROM tags WHERE secret_id = ? AND key = ?`, sec.id, k); err != nil {
				return sec.arn, "", internal(err)
			}
		}
		return sec.arn, "", t.touchChanged(sec.id)
	})
}

func (b *txBackend) GetRandomPassword(ctx context.Context, in *backend.GetRandomPasswordInput) (pw string, err error) {
	t := b.t
	err = t.op("GetRandomPassword", func() (string, string, error) {
		var err error
		pw, err = backend.RandomPassword(in)
		return "", "", err
	})
	return pw, err
}

func (b *txBackend) ListSecretVersionIds(ctx context.Context, in *backend.ListSecretVersionIdsInput) (out *backend.ListSecretVersionIdsOutput, err error) {
	t := b.t
	err = t.op("ListSecretVersionIds", func() (string, string, error) {
		if err := backend.ValidateListSecretVersionIds(in); err != nil {
			return "", "", err
		}
		sec, err := t.find(in.SecretID)
		if err != nil {
			return "", "", err
		}
		out, err = t.listVersions(sec, in)
		return sec.arn, "", err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (t *txn) listVersions(sec *secretRow, in *backend.ListSecretVersionIdsInput) (*backend.ListSecretVersionIdsOutput, error) {
	labels, err := t.labels(sec.id)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT v.version_id, v.created, v.last_accessed, v.key_id, k.alias
		FROM versions v JOIN keys k ON k.id = v.key_id WHERE v.secret_id = ? ORDER BY v.created DESC, v.version_id`, sec.id)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var all []backend.SecretVersion
	for rows.Next() {
		var v backend.SecretVersion
		var created, accessed int64
		var keyID string
		var alias *string
		if err := rows.Scan(&v.VersionID, &created, &accessed, &keyID, &alias); err != nil {
			return nil, internal(err)
		}
		v.VersionStages = stagesOf(labels, v.VersionID)
		if len(v.VersionStages) == 0 && !in.IncludeDeprecated {
			continue
		}
		v.CreatedDate = nsTime(created)
		v.LastAccessedDate = nsTime(accessed)
		a := ""
		if alias != nil {
			a = *alias
		}
		v.KmsKeyIDs = []string{keyLabel(keyID, a)}
		all = append(all, v)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	start := 0
	if in.NextToken != "" {
		var tok offsetToken
		if err := decodeToken(in.NextToken, &tok); err != nil || tok.Secret != sec.arn || tok.Offset < 0 || tok.Offset > len(all) {
			return nil, backend.InvalidNextTokenError()
		}
		start = tok.Offset
	}
	max := in.MaxResults
	if max <= 0 {
		max = 100
	}
	end := min(start+max, len(all))
	out := &backend.ListSecretVersionIdsOutput{ARN: sec.arn, Name: sec.name, Versions: all[start:end]}
	if end < len(all) {
		out.NextToken = encodeToken(offsetToken{Secret: sec.arn, Offset: end})
	}
	return out, nil
}

type offsetToken struct {
	Secret string `json:"s"`
	Offset int    `json:"o"`
}

// phantomDeletion is the answer to a forced delete of a missing secret: the
// ARN the id names, or a new one for a name, the name, and now.
func (s *Store) phantomDeletion(secretID string, now time.Time) (*backend.DeleteSecretOutput, error) {
	column, key, ok := s.secretKey(secretID)
	if !ok {
		return nil, backend.SecretNotFoundError()
	}
	out := &backend.DeleteSecretOutput{Name: key, ARN: key, DeletionDate: now}
	if column == "arn" {
		out.Name = strings.TrimPrefix(key, s.arnPrefix())
		out.Name = out.Name[:len(out.Name)-7]
		return out, nil
	}
	arn, err := s.newARN(key)
	if err != nil {
		return nil, err
	}
	out.ARN = arn
	return out, nil
}
