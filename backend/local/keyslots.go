package local

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// KeySlot describes one way to unlock a store. It never holds the slot's
// secret or the wrapped root key.
type KeySlot struct {
	ID      int64
	Kind    string // "passphrase" or "key" (a key file or a raw key)
	Created time.Time
	// KDF is the Argon2id cost of a passphrase slot; zero for a key slot.
	KDF KDFParams
	// Current reports whether this slot unlocked the open store.
	Current bool
}

// KeySlotKinds of KeySlot.Kind.
const (
	KeySlotPassphrase = slotPassphrase
	KeySlotKey        = slotKey
)

// ListKeySlots returns the store's keyslots, oldest first.
func (s *Store) ListKeySlots(ctx context.Context) ([]KeySlot, error) {
	var slots []KeySlot
	err := s.run(ctx, false, func(t *txn) error {
		return t.readOp("ListKeySlots", func() (string, string, error) {
			rows, err := t.query(`SELECT id, kind, kdf_time, kdf_mem, kdf_threads, created FROM keyslots ORDER BY id`)
			if err != nil {
				return "", "", internal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var k KeySlot
				var ns int64
				if err := rows.Scan(&k.ID, &k.Kind, &k.KDF.Time, &k.KDF.MemoryKiB, &k.KDF.Threads, &ns); err != nil {
					return "", "", internal(err)
				}
				k.Created = time.Unix(0, ns).UTC()
				k.Current = k.ID == s.slot
				slots = append(slots, k)
			}
			if err := rows.Err(); err != nil {
				return "", "", internal(err)
			}
			return "", "", nil
		})
	})
	return slots, err
}

// AddKeySlot adds another way to unlock the store: a second passphrase, a
// key file or a raw key. It returns the new slot's id. A key that already
// unlocks a slot is refused rather than stored twice.
func (s *Store) AddKeySlot(ctx context.Context, cred Credential) (int64, error) {
	secret, kind, err := credSecret(cred)
	if err != nil {
		return 0, backend.Errorf(backend.CodeInvalidParameter, "%s", err.Error())
	}
	defer wipe(secret)
	var id int64
	err = s.run(ctx, true, func(t *txn) error {
		return t.op("AddKeySlot", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			if kind == slotKey {
				// Deriving a key slot's key is cheap (HKDF), so a duplicate
				// can be found by trying it; passphrase slots would cost a
				// second of Argon2id each and are not checked.
				dup, err := t.slotOpenedBy(cred, secret)
				if err != nil {
					return "", "", err
				}
				if dup != 0 {
					return "", "", backend.Errorf(backend.CodeResourceExists, "this key already unlocks keyslot %d", dup)
				}
			}
			id, err = t.addSlot(kind, secret, cred, s.kdf())
			return "", "", err
		})
	})
	return id, err
}

// RemoveKeySlot removes a keyslot. The slot that unlocked this store is
// refused: open the store with another credential to remove it. That rule
// also means the last slot can never be removed, and whoever removes one
// has just shown that another still works.
func (s *Store) RemoveKeySlot(ctx context.Context, id int64) error {
	return s.run(ctx, true, func(t *txn) error {
		return t.op("RemoveKeySlot", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			if id == s.slot {
				return "", "", backend.Errorf(backend.CodeInvalidRequest,
					"keyslot %d is the one the store was unlocked with; to remove it, unlock the store with another passphrase or key", id)
			}
			res, err := t.exec(`DELETE FROM keyslots WHERE id = ?`, id)
			if err != nil {
				return "", "", internal(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return "", "", backend.Errorf(backend.CodeResourceNotFound, "the store has no keyslot %d", id)
			}
			return "", "", nil
		})
	})
}

// ChangePassphrase replaces the passphrase slot that unlocked the store
// with one for a new passphrase, in one transaction: at every moment the
// store opens with the old passphrase or the new one, never neither. It
// returns the new slot's id.
func (s *Store) ChangePassphrase(ctx context.Context, passphrase []byte) (int64, error) {
	secret, kind, err := credSecret(Credential{Passphrase: passphrase})
	if err != nil {
		return 0, backend.Errorf(backend.CodeInvalidParameter, "%s", err.Error())
	}
	defer wipe(secret)
	var id int64
	err = s.run(ctx, true, func(t *txn) error {
		return t.op("ChangePassphrase", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			var current string
			err := t.queryRow(`SELECT kind FROM keyslots WHERE id = ?`, s.slot).Scan(&current)
			if errors.Is(err, sql.ErrNoRows) {
				return "", "", backend.Errorf(backend.CodeInvalidRequest,
					"the keyslot that unlocked this session has been removed meanwhile; open the store again")
			}
			if err != nil {
				return "", "", internal(err)
			}
			if current != slotPassphrase {
				return "", "", backend.Errorf(backend.CodeInvalidRequest,
					"the store was unlocked with a key, not a passphrase; to add a passphrase, use `keyslot add --passphrase`")
			}
			id, err = t.addSlot(kind, secret, Credential{Passphrase: passphrase}, s.kdf())
			if err != nil {
				return "", "", err
			}
			if _, err := t.exec(`DELETE FROM keyslots WHERE id = ?`, s.slot); err != nil {
				return "", "", internal(err)
			}
			return "", "", nil
		})
	})
	if err == nil {
		// run has released mu; the new slot is now the one in use.
		s.mu.Lock()
		s.slot = id
		s.mu.Unlock()
	}
	return id, err
}

// kdf is the Argon2id cost of new passphrase slots.
func (s *Store) kdf() KDFParams {
	if s.opts.KDF != nil {
		return *s.opts.KDF
	}
	return DefaultKDF()
}

// slotOpenedBy returns the id of the key slot that a key credential opens,
// or 0.
func (t *txn) slotOpenedBy(cred Credential, secret []byte) (int64, error) {
	rows, err := t.query(`SELECT id, salt, wrapped FROM keyslots WHERE kind = ?`, slotKey)
	if err != nil {
		return 0, internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var salt, wrapped []byte
		if err := rows.Scan(&id, &salt, &wrapped); err != nil {
			return 0, internal(err)
		}
		a, err := slotCipher(cred, secret, salt, KDFParams{})
		if err != nil {
			return 0, err
		}
		if root, err := unwrap(a, wrapped, slotAAD(t.s.storeID, slotKey)); err == nil {
			wipe(root)
			return id, nil
		}
	}
	return 0, rows.Err()
}
