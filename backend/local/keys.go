package local

import (
	"context"
	"crypto/cipher"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/secretary-sh/secretary/backend"
)

// CreateKey creates a named key-encryption key, the local analog of a KMS
// key, and returns its id. Secrets select it by KmsKeyId: the id, the alias
// or "alias/<alias>".
func (s *Store) CreateKey(ctx context.Context, alias string) (string, error) {
	alias = strings.TrimPrefix(alias, "alias/")
	if alias == "" || len(alias) > 256 || strings.ContainsAny(alias, " \t\r\n") {
		return "", backend.Errorf(backend.CodeInvalidParameter, "a key alias must be 1–256 characters without spaces")
	}
	var id string
	err := s.run(ctx, true, func(t *txn) error {
		return t.op("CreateKey", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			var err error
			id, err = t.createKey(alias)
			return "", "", err
		})
	})
	return id, err
}

func (t *txn) createKey(alias string) (string, error) {
	var n int
	if err := t.queryRow(`SELECT count(*) FROM keys WHERE alias = ?`, alias).Scan(&n); err != nil {
		return "", internal(err)
	}
	if n > 0 {
		return "", backend.Errorf(backend.CodeResourceExists, "a key with alias %s already exists", alias)
	}
	id := uuid.NewString()
	if _, err := t.exec(`INSERT INTO keys(id, alias, current_version, created) VALUES (?, ?, 1, ?)`,
		id, alias, t.now.UnixNano()); err != nil {
		return "", internal(err)
	}
	if err := t.addKeyVersion(id, 1); err != nil {
		return "", err
	}
	return id, nil
}

func (t *txn) addKeyVersion(id string, version int64) error {
	kek, err := randomBytes(keyLen)
	if err != nil {
		return err
	}
	defer wipe(kek)
	rootAEAD, err := t.s.rootAEAD()
	if err != nil {
		return err
	}
	w, err := wrap(rootAEAD, kek, kekAAD(t.s.storeID, id, version))
	if err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO key_versions(key_id, version, wrapped, created) VALUES (?, ?, ?, ?)`,
		id, version, w, t.now.UnixNano()); err != nil {
		return internal(err)
	}
	return nil
}

func (s *Store) rootAEAD() (cipher.AEAD, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.root == nil {
		return nil, errors.New("the store is closed")
	}
	return newGCM(s.root)
}

// keyInfo is a resolved key-encryption key.
type keyInfo struct {
	id      string
	alias   string
	version int64 // current version
}

// resolveKey finds the key a KmsKeyId names: "" means the default key.
func (t *txn) resolveKey(kmsKeyID string) (keyInfo, error) {
	ref := kmsKeyID
	if ref == "" {
		ref = defaultKeyAlias
	}
	ref = strings.TrimPrefix(ref, "alias/")
	// A KMS-style ARN ends in key/<id> or alias/<alias>.
	if strings.HasPrefix(ref, "arn:") {
		if i := strings.LastIndex(ref, ":key/"); i >= 0 {
			ref = ref[i+len(":key/"):]
		} else if i := strings.LastIndex(ref, ":alias/"); i >= 0 {
			ref = ref[i+len(":alias/"):]
		}
	}
	if k, ok := t.keyCache[ref]; ok {
		return k, nil
	}
	var k keyInfo
	var alias sql.NullString
	err := t.queryRow(`SELECT id, alias, current_version FROM keys WHERE id = ? OR alias = ?`, ref, ref).
		Scan(&k.id, &alias, &k.version)
	if errors.Is(err, sql.ErrNoRows) {
		return keyInfo{}, backend.KeyNotFoundError()
	}
	if err != nil {
		return keyInfo{}, internal(err)
	}
	k.alias = alias.String
	if t.keyCache == nil {
		t.keyCache = map[string]keyInfo{}
	}
	t.keyCache[ref] = k
	return k, nil
}

// kek returns the cipher of one key version, unwrapping it on first use.
func (t *txn) kek(id string, version int64) (cipher.AEAD, error) {
	ref := kekRef{id, version}
	t.s.keyMu.Lock()
	a, ok := t.s.keks[ref]
	t.s.keyMu.Unlock()
	if ok {
		return a, nil
	}
	var w []byte
	err := t.queryRow(`SELECT wrapped FROM key_versions WHERE key_id = ? AND version = ?`, id, version).Scan(&w)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, backend.Errorf(backend.CodeDecryptionFailure, "the key-encryption key %s version %d is missing", id, version)
	}
	if err != nil {
		return nil, internal(err)
	}
	rootAEAD, err := t.s.rootAEAD()
	if err != nil {
		return nil, err
	}
	kek, err := unwrap(rootAEAD, w, kekAAD(t.s.storeID, id, version))
	if err != nil {
		return nil, backend.Errorf(backend.CodeDecryptionFailure, "the key-encryption key %s version %d does not authenticate", id, version)
	}
	a, err = newGCM(kek)
	wipe(kek)
	if err != nil {
		return nil, err
	}
	t.s.keyMu.Lock()
	t.s.keks[ref] = a
	t.s.keyMu.Unlock()
	return a, nil
}

// RotateKey adds a new version of a key and re-wraps every data key under
// it. Values are not re-encrypted: their ciphertexts stay byte for byte.
func (s *Store) RotateKey(ctx context.Context, keyIDOrAlias string) error {
	return s.run(ctx, true, func(t *txn) error {
		return t.op("RotateKey", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			k, err := t.resolveKey(keyIDOrAlias)
			if err != nil {
				if backend.Code(err) == backend.CodeEncryptionFailure {
					return "", "", backend.Errorf(backend.CodeResourceNotFound, "no key %q in this store", keyIDOrAlias)
				}
				return "", "", err
			}
			next := k.version + 1
			if err := t.addKeyVersion(k.id, next); err != nil {
				return "", "", err
			}
			if _, err := t.exec(`UPDATE keys SET current_version = ? WHERE id = ?`, next, k.id); err != nil {
				return "", "", internal(err)
			}
			return "", "", t.rewrapAll(`v.key_id = ?`, k.id, k.id, next)
		})
	})
}

// rewrapAll re-wraps the data keys of the versions matching where (a
// condition on versions v joined with secrets s) under key id/version.
func (t *txn) rewrapAll(where string, arg any, id string, version int64) error {
	rows, err := t.query(`SELECT v.secret_id, v.version_id, s.arn, v.key_id, v.key_version, v.wrapped_dek
		FROM versions v JOIN secrets s ON s.id = v.secret_id WHERE `+where, arg)
	if err != nil {
		return internal(err)
	}
	type row struct {
		sid          int64
		vid, arn, kd string
		kv           int64
		w            []byte
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.sid, &r.vid, &r.arn, &r.kd, &r.kv, &r.w); err != nil {
			rows.Close()
			return internal(err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal(err)
	}
	stmt, err := t.tx.PrepareContext(t.ctx, `UPDATE versions SET key_id = ?, key_version = ?, wrapped_dek = ? WHERE secret_id = ? AND version_id = ?`)
	if err != nil {
		return internal(err)
	}
	defer stmt.Close()
	for _, r := range list {
		dek, err := t.unwrapDEK(r.kd, r.kv, r.arn, r.vid, r.w)
		if err != nil {
			return err
		}
		w, err := t.wrapDEK(id, version, r.arn, r.vid, dek)
		wipe(dek)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(t.ctx, id, version, w, r.sid, r.vid); err != nil {
			return internal(err)
		}
	}
	return nil
}

func (t *txn) wrapDEK(keyID string, version int64, arn, versionID string, dek []byte) ([]byte, error) {
	a, err := t.kek(keyID, version)
	if err != nil {
		return nil, err
	}
	return wrap(a, dek, dekAAD(t.s.storeID, keyID, version, arn, versionID))
}

func (t *txn) unwrapDEK(keyID string, version int64, arn, versionID string, w []byte) ([]byte, error) {
	a, err := t.kek(keyID, version)
	if err != nil {
		return nil, err
	}
	dek, err := unwrap(a, w, dekAAD(t.s.storeID, keyID, version, arn, versionID))
	if err != nil {
		return nil, backend.DecryptionFailedError()
	}
	return dek, nil
}

// keyLabel is how a version's key appears in KmsKeyIds.
func keyLabel(id, alias string) string {
	if alias == defaultKeyAlias {
		return "DefaultEncryptionKey"
	}
	if alias != "" {
		return "alias/" + alias
	}
	return id
}

// Key describes a named key-encryption key; it never holds key material.
type Key struct {
	ID      string
	Alias   string
	Version int64 // the current version; rotation adds one
	Created time.Time
	// Rotated is when the current version was made; zero before the
	// first rotation.
	Rotated time.Time
	// SecretVersions counts the secret versions whose data keys it wraps.
	SecretVersions int64
}

// ListKeys returns the store's keys, the default key first.
func (s *Store) ListKeys(ctx context.Context) ([]Key, error) {
	var keys []Key
	err := s.run(ctx, false, func(t *txn) error {
		return t.readOp("ListKeys", func() (string, string, error) {
			var err error
			keys, err = t.keys("")
			return "", "", err
		})
	})
	return keys, err
}

// DescribeKey returns one key by id, alias, "alias/<alias>" or KMS-style ARN.
func (s *Store) DescribeKey(ctx context.Context, keyIDOrAlias string) (Key, error) {
	var key Key
	err := s.run(ctx, false, func(t *txn) error {
		return t.readOp("DescribeKey", func() (string, string, error) {
			k, err := t.resolveKey(keyIDOrAlias)
			if err != nil {
				if backend.Code(err) == backend.CodeEncryptionFailure {
					return "", "", backend.Errorf(backend.CodeResourceNotFound, "no key %q in this store", keyIDOrAlias)
				}
				return "", "", err
			}
			keys, err := t.keys(k.id)
			if err != nil {
				return "", "", err
			}
			if len(keys) != 1 {
				return "", "", internal(fmt.Errorf("key %s has no current version", k.id))
			}
			key = keys[0]
			return "", "", nil
		})
	})
	return key, err
}

// keys lists the keys, or only the one with id when it is not empty.
func (t *txn) keys(id string) ([]Key, error) {
	rows, err := t.query(`SELECT k.id, k.alias, k.current_version, k.created, kv.created,
			(SELECT count(*) FROM versions v WHERE v.key_id = k.id)
		FROM keys k JOIN key_versions kv ON kv.key_id = k.id AND kv.version = k.current_version
		WHERE ? = '' OR k.id = ?
		ORDER BY k.alias <> ?, k.created, k.id`, id, id, defaultKeyAlias)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	keys := []Key{}
	for rows.Next() {
		var k Key
		var alias sql.NullString
		var created, rotated int64
		if err := rows.Scan(&k.ID, &alias, &k.Version, &created, &rotated, &k.SecretVersions); err != nil {
			return nil, internal(err)
		}
		k.Alias = alias.String
		k.Created = time.Unix(0, created).UTC()
		if k.Version > 1 {
			k.Rotated = time.Unix(0, rotated).UTC()
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	return keys, nil
}
