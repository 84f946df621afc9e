package local

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/crypto/argon2"
)

// The key hierarchy mirrors KMS and LUKS:
//
//	keyslot secret (passphrase via Argon2id, key file or raw key via HKDF)
//	  └ wraps the root key (one per store)
//	      └ wraps every version of every key-encryption key (KEK)
//	          └ wraps one data key per secret version
//	              └ seals the value with AES-256-GCM
//
// Every wrap is AES-256-GCM with associated data naming what is wrapped and
// where it belongs, so a blob copied to another place fails to open.

const keyLen = 32

// Value kinds inside an envelope header.
const (
	kindString byte = 1
	kindBinary byte = 2
)

// envelope layout: magic "SV", format version, kind, 12-byte nonce, then the
// GCM ciphertext and tag. The header is authenticated as part of the AAD.
const (
	envMagic0    = 'S'
	envMagic1    = 'V'
	envVersion   = 1
	envHeaderLen = 4
	nonceLen     = 12
	tagLen       = 16
)

var errEnvelope = errors.New("malformed value envelope")

// envelope is a parsed value blob; it references the input slice.
type envelope struct {
	kind       byte
	nonce      []byte
	ciphertext []byte // includes the GCM tag
	header     []byte
}

// decodeEnvelope parses a stored value blob without decrypting it. It must
// never panic, whatever the input: a damaged file reaches it.
func decodeEnvelope(b []byte) (envelope, error) {
	if len(b) < envHeaderLen+nonceLen+tagLen {
		return envelope{}, fmt.Errorf("%w: %d bytes is too short", errEnvelope, len(b))
	}
	if b[0] != envMagic0 || b[1] != envMagic1 {
		return envelope{}, fmt.Errorf("%w: bad magic", errEnvelope)
	}
	if b[2] != envVersion {
		return envelope{}, fmt.Errorf("%w: unknown format version %d", errEnvelope, b[2])
	}
	if b[3] != kindString && b[3] != kindBinary {
		return envelope{}, fmt.Errorf("%w: unknown value kind %d", errEnvelope, b[3])
	}
	return envelope{
		kind:       b[3],
		header:     b[:envHeaderLen],
		nonce:      b[envHeaderLen : envHeaderLen+nonceLen],
		ciphertext: b[envHeaderLen+nonceLen:],
	}, nil
}

// aad joins length-prefixed parts so that no two different part lists
// produce the same bytes.
func aad(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += 4 + len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = binary.BigEndian.AppendUint32(out, uint32(len(p)))
		out = append(out, p...)
	}
	return out
}

func valueAAD(storeID []byte, arn, versionID string, header []byte) []byte {
	return aad([]byte("secretary/value/v1"), storeID, []byte(arn), []byte(versionID), header)
}

func dekAAD(storeID []byte, keyID string, keyVersion int64, arn, versionID string) []byte {
	return aad([]byte("secretary/dek/v1"), storeID, []byte(keyID),
		binary.BigEndian.AppendUint64(nil, uint64(keyVersion)), []byte(arn), []byte(versionID))
}

func kekAAD(storeID []byte, keyID string, keyVersion int64) []byte {
	return aad([]byte("secretary/kek/v1"), storeID, []byte(keyID),
		binary.BigEndian.AppendUint64(nil, uint64(keyVersion)))
}

func slotAAD(storeID []byte, kind string) []byte {
	return aad([]byte("secretary/slot/v1"), storeID, []byte(kind))
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("random: %w", err)
	}
	return b, nil
}

// wrap seals plaintext under aead as nonce||ciphertext.
func wrap(a cipher.AEAD, plaintext, ad []byte) ([]byte, error) {
	nonce, err := randomBytes(a.NonceSize())
	if err != nil {
		return nil, err
	}
	return a.Seal(nonce, nonce, plaintext, ad), nil
}

var errUnwrap = errors.New("authentication failed")

// unwrap opens a nonce||ciphertext blob made by wrap.
func unwrap(a cipher.AEAD, blob, ad []byte) ([]byte, error) {
	if len(blob) < a.NonceSize()+a.Overhead() {
		return nil, errUnwrap
	}
	pt, err := a.Open(nil, blob[:a.NonceSize()], blob[a.NonceSize():], ad)
	if err != nil {
		return nil, errUnwrap
	}
	return pt, nil
}

// sealValue encrypts one version's value under a fresh data key and returns
// the envelope and the data key (which the caller wraps, then wipes).
func sealValue(storeID []byte, arn, versionID string, kind byte, value []byte) (blob, dek []byte, err error) {
	dek, err = randomBytes(keyLen)
	if err != nil {
		return nil, nil, err
	}
	a, err := newGCM(dek)
	if err != nil {
		return nil, nil, err
	}
	nonce, err := randomBytes(nonceLen)
	if err != nil {
		return nil, nil, err
	}
	header := []byte{envMagic0, envMagic1, envVersion, kind}
	blob = make([]byte, 0, envHeaderLen+nonceLen+len(value)+tagLen)
	blob = append(blob, header...)
	blob = append(blob, nonce...)
	blob = a.Seal(blob, nonce, value, valueAAD(storeID, arn, versionID, header))
	return blob, dek, nil
}

// openValue decrypts an envelope with its data key.
func openValue(storeID []byte, arn, versionID string, blob, dek []byte) (kind byte, value []byte, err error) {
	env, err := decodeEnvelope(blob)
	if err != nil {
		return 0, nil, err
	}
	a, err := newGCM(dek)
	if err != nil {
		return 0, nil, err
	}
	pt, err := a.Open(nil, env.nonce, env.ciphertext, valueAAD(storeID, arn, versionID, env.header))
	if err != nil {
		return 0, nil, errUnwrap
	}
	return env.kind, pt, nil
}

// Keyslot kinds.
const (
	slotPassphrase = "passphrase"
	slotKey        = "key"
)

// DefaultKDF returns the Argon2id cost of a new passphrase slot: 256 MiB,
// three passes, two lanes. BenchmarkArgon2Default measured about 1.05 s of
// CPU per derivation on a 2-core AMD EPYC virtual machine, so about 0.5 s
// on two idle cores and 1 s on one: expensive to guess at, tolerable to
// type.
func DefaultKDF() KDFParams { return KDFParams{Time: 3, MemoryKiB: 256 * 1024, Threads: 2} }

// slotKeyFor derives the key that wraps the root key in one slot.
func slotKeyFor(cred Credential, secret []byte, salt []byte, p KDFParams) ([]byte, error) {
	if cred.Passphrase != nil {
		return argon2.IDKey(secret, salt, p.Time, p.MemoryKiB, p.Threads, keyLen), nil
	}
	return hkdf.Key(sha256.New, secret, salt, "secretary keyslot v1", keyLen)
}

// slotCipher returns the cipher that wraps the root key in one slot; the
// derived key is wiped once the cipher holds it.
func slotCipher(cred Credential, secret []byte, salt []byte, p KDFParams) (cipher.AEAD, error) {
	k, err := slotKeyFor(cred, secret, salt, p)
	if err != nil {
		return nil, err
	}
	defer wipe(k)
	return newGCM(k)
}

// Bounds on a passphrase keyslot's Argon2id cost. The cost is read from
// the file before anything is authenticated, so an edited slot could
// otherwise make unlocking allocate terabytes or run for days; the bounds
// sit far above DefaultKDF and any sensible choice.
const (
	maxKDFTime      = 32
	maxKDFMemoryKiB = 4 << 20 // 4 GiB
	maxKDFThreads   = 16
)

// checkKDF refuses an Argon2id cost outside the bounds.
func checkKDF(p KDFParams) error {
	switch {
	case p.Time < 1 || p.Time > maxKDFTime:
		return fmt.Errorf("Argon2id passes %d outside 1–%d", p.Time, maxKDFTime)
	case p.Threads < 1 || p.Threads > maxKDFThreads:
		return fmt.Errorf("Argon2id lanes %d outside 1–%d", p.Threads, maxKDFThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKDFMemoryKiB:
		return fmt.Errorf("Argon2id memory %d KiB outside %d–%d KiB", p.MemoryKiB, 8*uint32(p.Threads), maxKDFMemoryKiB)
	}
	return nil
}

// deriveIdentityKey derives the key of identityMAC from the root key, so
// nobody without a keyslot's secret can make a valid one.
func deriveIdentityKey(root []byte) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, root, nil, "secretary identity mac v1", keyLen)
	if err != nil {
		return nil, fmt.Errorf("derive identity key: %w", err)
	}
	return k, nil
}

// identityMAC authenticates that the secret with this ARN has this name
// and these staging labels (stagesJSON, the row's listing copy, in any
// order). Names, ARNs and labels are metadata in clear; values are bound
// to their ARN and version by the envelope's associated data, but without
// this a file edited to swap two names would answer a request for one
// secret with the other's value, and one edited to move AWSCURRENT would
// hand out an old password.
func (s *Store) identityMAC(arn, name string, stagesJSON []byte) ([]byte, error) {
	labels, err := labelMap(stagesJSON)
	if err != nil {
		return nil, err
	}
	parts := [][]byte{[]byte("secretary/identity/v1"), s.storeID, []byte(arn), []byte(name)}
	stages := make([]string, 0, len(labels))
	for st := range labels {
		stages = append(stages, st)
	}
	sort.Strings(stages)
	for _, st := range stages {
		parts = append(parts, []byte(st), []byte(labels[st]))
	}
	m := hmac.New(sha256.New, s.identKey)
	m.Write(aad(parts...))
	return m.Sum(nil), nil
}

// labelMap reads a listing copy of labels into stage → version.
func labelMap(stagesJSON []byte) (map[string]string, error) {
	out := map[string]string{}
	if len(stagesJSON) <= 2 {
		return out, nil
	}
	byVersion, err := decodeStages(stagesJSON)
	if err != nil {
		return nil, fmt.Errorf("%w: labels: %w", ErrCorrupt, err)
	}
	for v, stages := range byVersion {
		for _, st := range stages {
			out[st] = v
		}
	}
	return out, nil
}
