package local

import (
	"bytes"
	"testing"
)

// FuzzDecodeEnvelope feeds arbitrary blobs to the value decoder and to
// decryption: a damaged or hostile file must give an error, never a panic,
// and nothing but the genuine blob may decrypt.
func FuzzDecodeEnvelope(f *testing.F) {
	storeID := bytes.Repeat([]byte{1}, 16)
	const arn = "arn:aws:secretsmanager:local:000000000000:secret:app-AbCdEf"
	const vid = "11111111-2222-3333-4444-555555555555"
	blob, dek, err := sealValue(storeID, arn, vid, kindString, []byte("hello"))
	if err != nil {
		f.Fatal(err)
	}
	bin, _, err := sealValue(storeID, arn, vid, kindBinary, []byte{0, 1, 2})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(blob)
	f.Add(bin)
	f.Add([]byte{})
	f.Add([]byte("SV"))
	f.Add([]byte{'S', 'V', 1, 1})
	f.Add(append([]byte{'S', 'V', 2, 1}, make([]byte, 40)...))
	f.Add(append([]byte{'S', 'V', 1, 9}, make([]byte, 40)...))
	f.Add(blob[:len(blob)-1])
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := decodeEnvelope(b)
		if err == nil {
			if env.kind != kindString && env.kind != kindBinary {
				t.Fatalf("accepted kind %d", env.kind)
			}
			if len(env.nonce) != nonceLen || len(env.ciphertext) < tagLen {
				t.Fatalf("bad slices: nonce %d, ciphertext %d", len(env.nonce), len(env.ciphertext))
			}
		}
		kind, value, err := openValue(storeID, arn, vid, b, dek)
		if err == nil {
			if !bytes.Equal(b, blob) {
				t.Fatalf("a blob other than the sealed one decrypted (kind %d, %q)", kind, value)
			}
			if kind != kindString || string(value) != "hello" {
				t.Fatalf("decrypted to kind %d %q", kind, value)
			}
		}
	})
}
