package migrate

// The backup archive
//
//	magic   "SECRETARY-BACKUP\n" (17 bytes)
//	header  uint32 big-endian length (at most 64 KiB), then JSON:
//	        {"format":1,"cipher":"AES-256-GCM","created":"…",
//	         "kdf":{"name":"argon2id","salt":"…","time":3,"memoryKiB":262144,"threads":2}}
//	        or, under a key file, {"name":"hkdf-sha256","salt":"…"}
//	records uint32 big-endian length (at most 16 MiB), then a 12-byte random
//	        nonce and the AES-256-GCM sealing of one JSON record:
//	        {"type":"begin","count":N}, then {"type":"secret","secret":{…}}
//	        per secret (metadata, every version's id, labels, dates and value),
//	        then {"type":"end","count":N}.
//
// The additional data of record i is SHA-256(magic ‖ header) ‖ uint64(i),
// so a record moved, dropped, repeated or taken from another backup fails to
// open, a file that stops before the end record is reported truncated, and a
// wrong passphrase or key file fails on the begin record, before anything is
// written. The key is derived per file (a fresh salt each time): Argon2id
// from a passphrase, HKDF-SHA256 from a key file. Nothing is on disk in
// plaintext: the file is written under a temporary name (mode 0600), synced,
// verified by reading it back, and only then renamed into place.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/secretary-sh/secretary/backend/local"
)

const (
	archiveMagic  = "SECRETARY-BACKUP\n"
	archiveFormat = 1
	maxHeaderLen  = 64 << 10
	maxRecordLen  = 16 << 20
	archiveKeyLen = 32
	hkdfInfo      = "secretary backup v1"
)

// KDF cost bounds a restore accepts, so a crafted file cannot make it
// allocate gigabytes or spin for hours before the passphrase is checked.
const (
	maxKDFTime      = 64
	maxKDFMemoryKiB = 1 << 20 // 1 GiB, four times the default
	maxKDFThreads   = 64
)

// ArchiveKey is how a backup is sealed and opened: exactly one of a
// passphrase or a key file (as `secretary init --key-file` writes one).
type ArchiveKey struct {
	Passphrase []byte
	KeyFile    string
	// KDF is the Argon2id cost for a passphrase; nil means the store's
	// default.
	KDF *local.KDFParams
}

type kdfHeader struct {
	Name      string `json:"name"`
	Salt      []byte `json:"salt"`
	Time      uint32 `json:"time,omitempty"`
	MemoryKiB uint32 `json:"memoryKiB,omitempty"`
	Threads   uint8  `json:"threads,omitempty"`
}

type archiveHeader struct {
	Format  int       `json:"format"`
	Cipher  string    `json:"cipher"`
	Created time.Time `json:"created"`
	KDF     kdfHeader `json:"kdf"`
}

type archiveRecord struct {
	Type   string  `json:"type"`
	Count  int     `json:"count,omitempty"`
	Secret *Secret `json:"secret,omitempty"`
}

// ErrArchive marks a backup file that cannot be read: damaged, truncated,
// of another format, or opened with the wrong key.
var ErrArchive = errors.New("unusable backup file")

func archiveErrorf(path, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", path, ErrArchive, fmt.Sprintf(format, args...))
}

// IsArchive reports whether the file at path starts like a backup.
func IsArchive(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(archiveMagic))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == archiveMagic
}

// deriveKey turns the operator's key into the file's AES key.
func (k ArchiveKey) derive(h kdfHeader) ([]byte, error) {
	switch h.Name {
	case "argon2id":
		if len(k.Passphrase) == 0 {
			return nil, errors.New("this backup is sealed with a passphrase; give the passphrase, not a key file")
		}
		if h.Time == 0 || h.Time > maxKDFTime || h.MemoryKiB < 8 || h.MemoryKiB > maxKDFMemoryKiB || h.Threads == 0 || h.Threads > maxKDFThreads {
			return nil, fmt.Errorf("the backup asks for an Argon2id cost out of bounds (time %d, memory %d KiB, threads %d)", h.Time, h.MemoryKiB, h.Threads)
		}
		return argon2.IDKey(k.Passphrase, h.Salt, h.Time, h.MemoryKiB, h.Threads, archiveKeyLen), nil
	case "hkdf-sha256":
		if k.KeyFile == "" {
			return nil, errors.New("this backup is sealed with a key file; give the key file, not a passphrase")
		}
		secret, err := local.ReadKeyFile(k.KeyFile)
		if err != nil {
			return nil, err
		}
		defer clear(secret)
		return hkdf.Key(sha256.New, secret, h.Salt, hkdfInfo, archiveKeyLen)
	}
	return nil, fmt.Errorf("unknown key derivation %q", h.Name)
}

func (k ArchiveKey) newHeader() (archiveHeader, error) {
	if (len(k.Passphrase) > 0) == (k.KeyFile != "") {
		return archiveHeader{}, errors.New("give exactly one of a passphrase or a key file for the backup")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return archiveHeader{}, err
	}
	h := archiveHeader{Format: archiveFormat, Cipher: "AES-256-GCM", Created: time.Now().UTC(), KDF: kdfHeader{Name: "hkdf-sha256", Salt: salt}}
	if len(k.Passphrase) > 0 {
		p := local.DefaultKDF()
		if k.KDF != nil {
			p = *k.KDF
		}
		h.KDF = kdfHeader{Name: "argon2id", Salt: salt, Time: p.Time, MemoryKiB: p.MemoryKiB, Threads: p.Threads}
	}
	return h, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(blk)
}

func recordAAD(hdrHash []byte, i uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(nil), hdrHash...), i)
}

// archiveWriter seals records into a file.
type archiveWriter struct {
	f       *os.File
	w       *bufio.Writer
	aead    cipher.AEAD
	hdrHash []byte
	n       uint64
}

func createArchive(path string, key ArchiveKey) (*archiveWriter, error) {
	h, err := key.newHeader()
	if err != nil {
		return nil, err
	}
	fk, err := key.derive(h.KDF)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(fk)
	clear(fk)
	if err != nil {
		return nil, err
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, fmt.Errorf("creating the backup: %w", err)
	}
	// CreateTemp makes the file 0600 already; say so for readers.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	sum := sha256.New()
	sum.Write([]byte(archiveMagic))
	sum.Write(hdr)
	aw := &archiveWriter{f: f, w: bufio.NewWriterSize(f, 1<<20), aead: aead, hdrHash: sum.Sum(nil)}
	aw.w.WriteString(archiveMagic)
	aw.w.Write(binary.BigEndian.AppendUint32(nil, uint32(len(hdr))))
	aw.w.Write(hdr)
	return aw, nil
}

func (aw *archiveWriter) write(rec *archiveRecord) error {
	plain, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	defer clear(plain)
	nonce := make([]byte, aw.aead.NonceSize(), aw.aead.NonceSize()+len(plain)+aw.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := aw.aead.Seal(nonce, nonce, plain, recordAAD(aw.hdrHash, aw.n))
	if len(sealed) > maxRecordLen {
		return fmt.Errorf("a record of %d bytes is larger than the format allows (%d)", len(sealed), maxRecordLen)
	}
	aw.n++
	if _, err := aw.w.Write(binary.BigEndian.AppendUint32(nil, uint32(len(sealed)))); err != nil {
		return err
	}
	_, err = aw.w.Write(sealed)
	return err
}

// finish flushes and syncs; the file keeps its temporary name.
func (aw *archiveWriter) finish() error {
	if err := aw.w.Flush(); err != nil {
		return err
	}
	if err := aw.f.Sync(); err != nil {
		return err
	}
	return aw.f.Close()
}

func (aw *archiveWriter) abandon() {
	aw.f.Close()
	os.Remove(aw.f.Name())
}

// archiveReader opens the records of a file one by one, with bounded reads.
type archiveReader struct {
	path    string
	f       *os.File
	r       *bufio.Reader
	aead    cipher.AEAD
	hdrHash []byte
	n       uint64
	Header  archiveHeader
	// Expected is the count the begin record announces.
	Expected int
}

func openArchive(path string, key ArchiveKey) (*archiveReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening the backup: %w", err)
	}
	ar := &archiveReader{path: path, f: f, r: bufio.NewReaderSize(f, 1<<20)}
	if err := ar.readHeader(key); err != nil {
		f.Close()
		return nil, err
	}
	return ar, nil
}

func (ar *archiveReader) readHeader(key ArchiveKey) error {
	magic := make([]byte, len(archiveMagic))
	if _, err := io.ReadFull(ar.r, magic); err != nil || string(magic) != archiveMagic {
		return archiveErrorf(ar.path, "not a secretary backup (it does not start with %q)", strings.TrimSpace(archiveMagic))
	}
	var lb [4]byte
	if _, err := io.ReadFull(ar.r, lb[:]); err != nil {
		return archiveErrorf(ar.path, "truncated in the header")
	}
	n := binary.BigEndian.Uint32(lb[:])
	if n > maxHeaderLen {
		return archiveErrorf(ar.path, "the header claims %d bytes; at most %d are allowed, so the file is damaged", n, maxHeaderLen)
	}
	hdr := make([]byte, n)
	if _, err := io.ReadFull(ar.r, hdr); err != nil {
		return archiveErrorf(ar.path, "truncated in the header")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ar.Header); err != nil {
		return archiveErrorf(ar.path, "the header is damaged: %v", err)
	}
	if ar.Header.Format != archiveFormat || ar.Header.Cipher != "AES-256-GCM" {
		return archiveErrorf(ar.path, "format %d with %s; this secretary reads format %d", ar.Header.Format, ar.Header.Cipher, archiveFormat)
	}
	fk, err := key.derive(ar.Header.KDF)
	if err != nil {
		return fmt.Errorf("%s: %w", ar.path, err)
	}
	ar.aead, err = newAEAD(fk)
	clear(fk)
	if err != nil {
		return err
	}
	sum := sha256.New()
	sum.Write([]byte(archiveMagic))
	sum.Write(hdr)
	ar.hdrHash = sum.Sum(nil)
	rec, err := ar.next()
	if err != nil {
		if errors.Is(err, errBadRecord) {
			return fmt.Errorf("%s: wrong passphrase or key file (or the file is damaged): %w", ar.path, ErrArchive)
		}
		return err
	}
	if rec.Type != "begin" {
		return archiveErrorf(ar.path, "the first record is %q, not the beginning of a backup", rec.Type)
	}
	ar.Expected = rec.Count
	return nil
}

var errBadRecord = errors.New("record does not open")

func (ar *archiveReader) next() (*archiveRecord, error) {
	var lb [4]byte
	if _, err := io.ReadFull(ar.r, lb[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, archiveErrorf(ar.path, "truncated after record %d: the end of the backup is missing", ar.n)
		}
		return nil, fmt.Errorf("%s: %w", ar.path, err)
	}
	n := binary.BigEndian.Uint32(lb[:])
	ns := uint32(ar.aead.NonceSize() + ar.aead.Overhead())
	if n > maxRecordLen || n < ns {
		return nil, archiveErrorf(ar.path, "record %d claims %d bytes, which the format does not allow; the file is damaged", ar.n, n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(ar.r, buf); err != nil {
		return nil, archiveErrorf(ar.path, "truncated inside record %d", ar.n)
	}
	nonce, sealed := buf[:ar.aead.NonceSize()], buf[ar.aead.NonceSize():]
	plain, err := ar.aead.Open(sealed[:0], nonce, sealed, recordAAD(ar.hdrHash, ar.n))
	if err != nil {
		if ar.n == 0 {
			return nil, errBadRecord
		}
		return nil, archiveErrorf(ar.path, "record %d is damaged or out of place (it does not authenticate)", ar.n)
	}
	defer clear(plain)
	ar.n++
	var rec archiveRecord
	if err := json.Unmarshal(plain, &rec); err != nil {
		return nil, archiveErrorf(ar.path, "record %d: %v", ar.n-1, err)
	}
	return &rec, nil
}

func (ar *archiveReader) Close() error { return ar.f.Close() }

// ArchiveSource restores secrets from a backup file.
type ArchiveSource struct {
	Path string
	Key  ArchiveKey
	// Workers hand secrets to the target in parallel (default 4).
	Workers int
}

// Stats implements Source: a file answers no requests.
func (a *ArchiveSource) Stats() (int64, int64) { return 0, 0 }

// Each implements Source. The whole file is authenticated record by
// record as it is read; a damaged or truncated file stops the run with an
// error naming the record (what came before it is already restored, and a
// re-run with a good file completes it).
func (a *ArchiveSource) Each(ctx context.Context, total func(int), fn func(context.Context, *Secret) error) error {
	ar, err := openArchive(a.Path, a.Key)
	if err != nil {
		return err
	}
	defer ar.Close()
	total(ar.Expected)
	workers := a.Workers
	if workers <= 0 {
		workers = 4
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan *Secret)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range jobs {
				err := fn(ctx, s)
				s.wipe()
				if err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	readErr := func() error {
		defer close(jobs)
		count := 0
		for {
			rec, err := ar.next()
			if err != nil {
				return err
			}
			switch rec.Type {
			case "secret":
				if rec.Secret == nil || rec.Secret.Name == "" {
					return archiveErrorf(a.Path, "record %d holds no secret", ar.n-1)
				}
				count++
				select {
				case jobs <- rec.Secret:
				case <-ctx.Done():
					return nil
				}
			case "end":
				if rec.Count != count {
					return archiveErrorf(a.Path, "the end record counts %d secrets, the file holds %d", rec.Count, count)
				}
				return nil
			default:
				return archiveErrorf(a.Path, "record %d has unknown type %q", ar.n-1, rec.Type)
			}
		}
	}()
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return readErr
}

// Backup writes every secret src yields into a new encrypted archive at
// path, reads the archive back to verify it against what was read, and
// only then puts it in place. An existing file at path is never replaced.
func Backup(ctx context.Context, src Source, path string, key ArchiveKey, opts Options) (*Report, error) {
	start := time.Now()
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%s already exists; choose another name (a backup never replaces a file)", path)
	}
	aw, err := createArchive(path, key)
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			aw.abandon()
		}
	}()
	rep := &Report{}
	var mu sync.Mutex
	sums := map[string]*Summary{}
	count, total := 0, -1
	begun := false
	begin := func() error {
		if begun {
			return nil
		}
		begun = true
		return aw.write(&archiveRecord{Type: "begin", Count: max(total, 0)})
	}
	err = src.Each(ctx, func(n int) {
		total = n
		if opts.Total != nil {
			opts.Total(n)
		}
	}, func(ctx context.Context, s *Secret) error {
		res := Result{Name: s.Name, Versions: len(s.Versions)}
		mu.Lock()
		defer mu.Unlock()
		if err := begin(); err != nil {
			return err
		}
		if s.NotCarried != "" {
			res.Outcome = NotCarried
			res.Notes = append(res.Notes, s.NotCarried)
		} else {
			if err := aw.write(&archiveRecord{Type: "secret", Secret: s}); err != nil {
				return fmt.Errorf("writing the backup: %w", err)
			}
			count++
			res.Outcome = Written
			sums[s.Name] = s.summarize()
		}
		rep.Results = append(rep.Results, res)
		if opts.Progress != nil {
			opts.Progress(Event{Result: &rep.Results[len(rep.Results)-1], Done: len(rep.Results), Total: total, Elapsed: time.Since(start)})
		}
		return nil
	})
	rep.SourceRequests, rep.SourceRetries = src.Stats()
	if err == nil {
		err = begin()
	}
	if err == nil {
		err = aw.write(&archiveRecord{Type: "end", Count: count})
	}
	if err == nil {
		err = aw.finish()
	}
	if err != nil {
		rep.Elapsed = time.Since(start)
		return rep, err
	}
	sortResults(rep)
	if err := verifyArchive(ctx, aw.f.Name(), key, rep, sums); err != nil {
		rep.Elapsed = time.Since(start)
		return rep, err
	}
	if rep.Differences > 0 {
		rep.Elapsed = time.Since(start)
		return rep, nil
	}
	if err := os.Link(aw.f.Name(), path); err != nil {
		return rep, fmt.Errorf("putting the backup in place: %w", err)
	}
	os.Remove(aw.f.Name())
	done = true
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// verifyArchive reads the written file back with the operator's key and
// compares every secret with what the source held.
func verifyArchive(ctx context.Context, path string, key ArchiveKey, rep *Report, sums map[string]*Summary) error {
	got := map[string]*Summary{}
	var mu sync.Mutex
	err := (&ArchiveSource{Path: path, Key: key, Workers: 2}).Each(ctx, func(int) {}, func(_ context.Context, s *Secret) error {
		sum := s.summarize()
		mu.Lock()
		got[s.Name] = sum
		mu.Unlock()
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading the backup back: %w", err)
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		want, ok := sums[r.Name]
		if !ok {
			continue
		}
		rep.Verified++
		if d := diff(want, got[r.Name], false); len(d) > 0 {
			r.Diffs = append(r.Diffs, d...)
			rep.Differences++
		}
	}
	return nil
}
