package local

import (
	"crypto/hmac"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// maxVersions is how many versions a secret keeps before unlabelled ones
// older than pruneMinAge are removed, as AWS does.
const (
	maxVersions = backend.MaxDeprecatedVersions
	pruneMinAge = 24 * time.Hour
)

// secretRow is one row of the secrets table.
type secretRow struct {
	id            int64
	arn, name     string
	description   string
	kmsKeyID      string
	created       int64
	lastChanged   int64
	lastAccessed  int64
	deleted       sql.NullInt64
	deletion      sql.NullInt64
	owningService string
	primaryRegion string
	rotEnabled    bool
	rotFunction   string
	rotRules      string
	lastRotated   sql.NullInt64
	nextRotation  sql.NullInt64
	tagsJSON      []byte
	stagesJSON    []byte
	// tagged marks a secret that has had tags (AWS then answers "Tags":
	// [] once the last is removed); identMAC is identityMAC's.
	tagged   bool
	identMAC []byte
	// fresh marks a secret inserted by the running CreateSecret.
	fresh bool
}

const secretColumns = `id, arn, name, description, kms_key_id, created, last_changed, last_accessed, deleted, deletion,
	owning_service, primary_region, rotation_enabled, rotation_function, rotation_rules, last_rotated, next_rotation,
	tags_json, stages_json, tagged, ident_mac`

type scanner interface{ Scan(dest ...any) error }

func scanSecret(r scanner) (*secretRow, error) {
	var s secretRow
	err := r.Scan(&s.id, &s.arn, &s.name, &s.description, &s.kmsKeyID, &s.created, &s.lastChanged, &s.lastAccessed,
		&s.deleted, &s.deletion, &s.owningService, &s.primaryRegion, &s.rotEnabled, &s.rotFunction, &s.rotRules,
		&s.lastRotated, &s.nextRotation, &s.tagsJSON, &s.stagesJSON, &s.tagged, &s.identMAC)
	return &s, err
}

func (s *Store) arnPrefix() string {
	return "arn:aws:secretsmanager:" + s.opts.Region + ":" + s.opts.Account + ":secret:"
}

const suffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newARN builds an ARN with AWS's six random characters after the name.
func (s *Store) newARN(name string) (string, error) {
	var b [6]byte
	out := make([]byte, 6)
	for i := range out {
		// Rejection sampling keeps the suffix uniform.
		for {
			if _, err := rand.Read(b[:1]); err != nil {
				return "", fmt.Errorf("random: %w", err)
			}
			if int(b[0]) < 256-256%len(suffixAlphabet) {
				out[i] = suffixAlphabet[int(b[0])%len(suffixAlphabet)]
				break
			}
		}
	}
	return s.arnPrefix() + name + "-" + string(out), nil
}

func nsTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func nullTime(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return nsTime(n.Int64)
}

// day truncates to the UTC date: AWS reports LastAccessedDate per day.
func day(t time.Time) int64 {
	return t.UTC().Truncate(24 * time.Hour).UnixNano()
}

// secretKey says how a SecretId is matched, as Secrets Manager matches it:
// a full ARN (one that ends in "-" and six letters or digits) matches only
// the secret with exactly that ARN; a partial ARN (the ARN without the
// suffix) matches the secret of that name, and only under this store's
// region and account; anything else is a name. A name and an ARN are never
// tried in one lookup: a secret named like another's ARN tail
// ("prod/db-gv9Nh3") must not answer for that other secret. ok is false
// for an ARN no secret in this store can have.
func (s *Store) secretKey(secretID string) (column, key string, ok bool) {
	if !strings.HasPrefix(secretID, "arn:") {
		return "name", secretID, true
	}
	rest, found := strings.CutPrefix(secretID, s.arnPrefix())
	if !found || rest == "" {
		return "", "", false
	}
	if hasARNSuffix(rest) {
		return "arn", secretID, true
	}
	return "name", rest, true
}

// hasARNSuffix reports whether s ends in "-" and six characters of the
// random ARN suffix's alphabet.
func hasARNSuffix(s string) bool {
	if len(s) < 8 || s[len(s)-7] != '-' {
		return false
	}
	for _, c := range []byte(s[len(s)-6:]) {
		if strings.IndexByte(suffixAlphabet, c) < 0 {
			return false
		}
	}
	return true
}

// find resolves a SecretId (name, full ARN or partial ARN).
func (t *txn) find(secretID string) (*secretRow, error) {
	column, key, ok := t.s.secretKey(secretID)
	if !ok {
		return nil, backend.SecretNotFoundError()
	}
	// column is one of two fixed names, never caller text.
	q := `SELECT ` + secretColumns + ` FROM secrets WHERE ` + column + ` = ?`
	args := []any{key}
	row, err := scanSecret(t.queryRow(q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, backend.SecretNotFoundError()
	}
	if err != nil {
		return nil, internal(err)
	}
	if err := t.s.checkIdentity(row.arn, row.name, row.stagesJSON, row.identMAC); err != nil {
		return nil, err
	}
	if row.deletion.Valid && row.deletion.Int64 <= t.now.UnixNano() {
		// Past its deletion date: gone, even before the next purge.
		return nil, backend.SecretNotFoundError()
	}
	return row, nil
}

// findLive resolves a SecretId that must not be scheduled for deletion.
func (t *txn) findLive(secretID string) (*secretRow, error) {
	row, err := t.find(secretID)
	if err != nil {
		return nil, err
	}
	if row.deleted.Valid {
		return row, backend.MarkedForDeletionError()
	}
	return row, nil
}

// labels returns stage → version for one secret. They must agree with the
// row's listing copy, which the identity MAC covers (and find checked), so
// labels edited in the file are refused rather than built upon.
func (t *txn) labels(secretID int64) (map[string]string, error) {
	var copyJSON []byte
	if err := t.queryRow(`SELECT stages_json FROM secrets WHERE id = ?`, secretID).Scan(&copyJSON); err != nil {
		return nil, internal(err)
	}
	out, err := t.tableLabels(secretID)
	if err != nil {
		return nil, err
	}
	want, err := labelMap(copyJSON)
	if err != nil {
		return nil, internal(err)
	}
	if !maps.Equal(out, want) {
		return nil, fmt.Errorf("%w: the staging labels of a secret were changed outside secretary; they are not used (restore the store from a backup)", ErrIntegrity)
	}
	return out, nil
}

// tableLabels reads stage → version from the stages table.
func (t *txn) tableLabels(secretID int64) (map[string]string, error) {
	rows, err := t.query(`SELECT stage, version_id FROM stages WHERE secret_id = ?`, secretID)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var st, v string
		if err := rows.Scan(&st, &v); err != nil {
			return nil, internal(err)
		}
		out[st] = v
	}
	return out, internal(rows.Err())
}

func stagesOf(labels map[string]string, versionID string) []string {
	var out []string
	for st, v := range labels {
		if v == versionID {
			out = append(out, st)
		}
	}
	sort.Strings(out)
	return out
}

// setLabel attaches stage to versionID, taking it off whichever version
// held it.
func (t *txn) setLabel(secretID int64, stage, versionID string) error {
	return t.attachLabel(secretID, stage, versionID, true)
}

// attachLabel is setLabel; checkLimit false skips counting the version's
// labels, for a version written in this operation that is given no more
// than the limit.
func (t *txn) attachLabel(secretID int64, stage, versionID string, checkLimit bool) error {
	if !checkLimit {
		_, err := t.exec(`INSERT INTO stages(secret_id, stage, version_id) VALUES (?, ?, ?)
		ON CONFLICT (secret_id, stage) DO UPDATE SET version_id = excluded.version_id`, secretID, stage, versionID)
		return internal(err)
	}
	var n int
	if err := t.queryRow(`SELECT count(*) FROM stages WHERE secret_id = ? AND version_id = ? AND stage <> ?`,
		secretID, versionID, stage).Scan(&n); err != nil {
		return internal(err)
	}
	if n >= backend.MaxStagesPerVersion {
		return backend.TooManyStagesError()
	}
	_, err := t.exec(`INSERT INTO stages(secret_id, stage, version_id) VALUES (?, ?, ?)
		ON CONFLICT (secret_id, stage) DO UPDATE SET version_id = excluded.version_id`, secretID, stage, versionID)
	return internal(err)
}

func (t *txn) removeLabel(secretID int64, stage string) error {
	_, err := t.exec(`DELETE FROM stages WHERE secret_id = ? AND stage = ?`, secretID, stage)
	return internal(err)
}

// touchChanged sets LastChangedDate and refreshes the listing copies of
// tags and labels; every change to either ends here.
func (t *txn) touchChanged(secretID int64) error {
	return t.reseal(secretID, t.queryRow(`UPDATE secrets SET last_changed = ?2, `+refreshMetaSQL+` WHERE id = ?1
		RETURNING arn, name, stages_json`, secretID, t.now.UnixNano()))
}

// refreshMeta refreshes the listing copies without touching the dates.
func (t *txn) refreshMeta(secretID int64) error {
	return t.reseal(secretID, t.queryRow(`UPDATE secrets SET `+refreshMetaSQL+` WHERE id = ?1
		RETURNING arn, name, stages_json`, secretID))
}

// reseal recomputes the identity MAC over the labels just refreshed.
func (t *txn) reseal(secretID int64, row scanner) error {
	var arn, name string
	var stages []byte
	if err := row.Scan(&arn, &name, &stages); err != nil {
		return internal(err)
	}
	mac, err := t.s.identityMAC(arn, name, stages)
	if err != nil {
		return internal(err)
	}
	_, err = t.exec(`UPDATE secrets SET ident_mac = ? WHERE id = ?`, mac, secretID)
	return internal(err)
}

const refreshMetaSQL = `
	tags_json = coalesce((SELECT json_group_array(json_array(pos, key, value)) FROM tags WHERE secret_id = ?1), '[]'),
	stages_json = coalesce((SELECT json_group_object(version_id, json(labels)) FROM
		(SELECT version_id, json_group_array(stage) AS labels FROM stages WHERE secret_id = ?1 GROUP BY version_id)), '{}')`

// valueKind splits the two value fields into a kind and bytes; ok is false
// when neither is set.
func valueKind(str *string, bin []byte) (kind byte, data []byte, ok bool) {
	switch {
	case str != nil:
		return kindString, []byte(*str), true
	case bin != nil:
		return kindBinary, bin, true
	}
	return 0, nil, false
}

// versionRow is a stored version.
type versionRow struct {
	versionID  string
	created    int64
	accessed   int64
	keyID      string
	keyVersion int64
	wrappedDEK []byte
	ciphertext []byte
}

func (t *txn) version(secretID int64, versionID string) (*versionRow, error) {
	var v versionRow
	err := t.queryRow(`SELECT version_id, created, last_accessed, key_id, key_version, wrapped_dek, ciphertext
		FROM versions WHERE secret_id = ? AND version_id = ?`, secretID, versionID).
		Scan(&v.versionID, &v.created, &v.accessed, &v.keyID, &v.keyVersion, &v.wrappedDEK, &v.ciphertext)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, internal(err)
	}
	return &v, nil
}

// decrypt opens a version's value.
func (t *txn) decrypt(sec *secretRow, v *versionRow) (kind byte, value []byte, err error) {
	dek, err := t.unwrapDEK(v.keyID, v.keyVersion, sec.arn, v.versionID, v.wrappedDEK)
	if err != nil {
		return 0, nil, err
	}
	defer wipe(dek)
	kind, value, err = openValue(t.s.storeID, sec.arn, v.versionID, v.ciphertext, dek)
	if err != nil {
		return 0, nil, backend.DecryptionFailedError()
	}
	return kind, value, nil
}

// writeVersion stores a new version and applies AWS's label rules: each
// named stage moves to it; when AWSCURRENT moves, AWSPREVIOUS follows the
// version that lost it; the first version of a secret always becomes
// AWSCURRENT.
func (t *txn) writeVersion(sec *secretRow, versionID string, kind byte, value []byte, stages []string) ([]string, error) {
	key, err := t.resolveKey(sec.kmsKeyID)
	if err != nil {
		return nil, err
	}
	blob, dek, err := sealValue(t.s.storeID, sec.arn, versionID, kind, value)
	if err != nil {
		return nil, backend.Errorf(backend.CodeEncryptionFailure, "the value could not be encrypted")
	}
	w, err := t.wrapDEK(key.id, key.version, sec.arn, versionID, dek)
	wipe(dek)
	if err != nil {
		return nil, err
	}
	if _, err := t.exec(`INSERT INTO versions(secret_id, version_id, created, key_id, key_version, wrapped_dek, ciphertext)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, sec.id, versionID, t.now.UnixNano(), key.id, key.version, w, blob); err != nil {
		return nil, internal(err)
	}
	if sec.fresh {
		// The first version of a secret created in this operation: no
		// labels to move, nothing to prune, last_changed already set.
		if _, err := t.exec(`INSERT INTO stages(secret_id, stage, version_id) VALUES (?, ?, ?)`,
			sec.id, backend.StageCurrent, versionID); err != nil {
			return nil, internal(err)
		}
		return []string{backend.StageCurrent}, nil
	}
	labels, err := t.labels(sec.id)
	if err != nil {
		return nil, err
	}
	if _, ok := labels[backend.StageCurrent]; !ok && !contains(stages, backend.StageCurrent) {
		stages = append(append([]string(nil), stages...), backend.StageCurrent)
	}
	for _, st := range stages {
		if st == backend.StageCurrent {
			if old, ok := labels[backend.StageCurrent]; ok && old != versionID {
				if err := t.setLabel(sec.id, backend.StagePrevious, old); err != nil {
					return nil, err
				}
				// As recorded from AWS: a version that loses AWSCURRENT
				// to a new value loses AWSPENDING with it, so no finished
				// rotation's pending label outlives its turn as current.
				if labels[backend.StagePending] == old && !contains(stages, backend.StagePending) {
					if err := t.removeLabel(sec.id, backend.StagePending); err != nil {
						return nil, err
					}
				}
			}
		}
		// The new version starts with no labels, so the limit can only be
		// reached if more stages than it allows are given.
		if err := t.attachLabel(sec.id, st, versionID, len(stages) > backend.MaxStagesPerVersion); err != nil {
			return nil, err
		}
	}
	if err := t.touchChanged(sec.id); err != nil {
		return nil, err
	}
	if err := t.prune(sec.id); err != nil {
		return nil, err
	}
	out := append([]string(nil), stages...)
	sort.Strings(out)
	return dedupe(out), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// prune removes unlabelled (deprecated) versions beyond maxVersions,
// oldest first, but never one younger than pruneMinAge. Labelled versions
// do not count.
func (t *txn) prune(secretID int64) error {
	const deprecated = `FROM versions v WHERE v.secret_id = ?1
		AND NOT EXISTS (SELECT 1 FROM stages s WHERE s.secret_id = v.secret_id AND s.version_id = v.version_id)`
	var n int
	if err := t.queryRow(`SELECT count(*) `+deprecated, secretID).Scan(&n); err != nil {
		return internal(err)
	}
	if n <= maxVersions {
		return nil
	}
	_, err := t.exec(`DELETE FROM versions WHERE secret_id = ?1 AND version_id IN (
		SELECT v.version_id `+deprecated+` AND v.created <= ?2
		ORDER BY v.created, v.version_id LIMIT ?3)`,
		secretID, t.now.Add(-pruneMinAge).UnixNano(), n-maxVersions)
	return internal(err)
}

// putValue is PutSecretValue and the value half of CreateSecret and
// UpdateSecret, with AWS's idempotency: a token that names an existing
// version succeeds when the value is the same and fails otherwise.
func (t *txn) putValue(sec *secretRow, token string, kind byte, value []byte, stages []string) (versionID string, outStages []string, err error) {
	generated := token == ""
	if generated {
		token = newVersionID()
	}
	var existing *versionRow
	// A version id made here is new; only a caller's token can name an
	// existing version.
	if !sec.fresh && !generated {
		existing, err = t.version(sec.id, token)
		if err != nil {
			return "", nil, err
		}
	}
	if existing != nil {
		k, v, err := t.decrypt(sec, existing)
		if err != nil {
			return "", nil, err
		}
		same := k == kind && constantTimeEqual(v, value)
		wipe(v)
		if !same {
			return "", nil, backend.VersionExistsError()
		}
		labels, err := t.labels(sec.id)
		if err != nil {
			return "", nil, err
		}
		return token, stagesOf(labels, token), nil
	}
	if len(stages) == 0 {
		stages = []string{backend.StageCurrent}
	}
	outStages, err = t.writeVersion(sec, token, kind, value, stages)
	return token, outStages, err
}

// checkIdentity refuses a secret row whose name, ARN and labels are not
// what the store wrote (see identityMAC).
func (s *Store) checkIdentity(arn, name string, stagesJSON, mac []byte) error {
	want, err := s.identityMAC(arn, name, stagesJSON)
	if err != nil || len(mac) == 0 || !hmac.Equal(mac, want) {
		return fmt.Errorf("%w: the record of secret %q (%s) was changed outside secretary; it is not used (restore the store from a backup)",
			ErrIntegrity, name, arn)
	}
	return nil
}
