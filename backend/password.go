package backend

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
)

// GetRandomPassword limits and defaults, as AWS documents them.
const (
	MinPasswordLength     = 1
	MaxPasswordLength     = 4096
	DefaultPasswordLength = 32
)

// Character classes GetRandomPassword draws from. Punctuation is AWS's set:
// every printable ASCII character that is not a letter, digit or space.
const (
	PasswordLowercase   = "abcdefghijklmnopqrstuvwxyz"
	PasswordUppercase   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	PasswordDigits      = "0123456789"
	PasswordPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

// RandomPassword generates a password as GetRandomPassword does. Both stores
// use it; validation errors carry AWS's exception names.
//
// Characters are drawn uniformly from crypto/rand. With
// RequireEachIncludedType (the default) the password holds at least one
// character of every class that is included and not emptied by
// ExcludeCharacters; the space (IncludeSpace) is never required, as AWS
// documents the requirement for letters, numbers and punctuation only.
func RandomPassword(in *GetRandomPasswordInput) (string, error) {
	if in == nil {
		in = &GetRandomPasswordInput{}
	}
	if err := ValidateGetRandomPassword(in); err != nil {
		return "", err
	}
	length := DefaultPasswordLength
	if in.PasswordLength != nil {
		length = *in.PasswordLength
	}
	requireEach := in.RequireEachIncludedType == nil || *in.RequireEachIncludedType

	keep := func(set string) string {
		return strings.Map(func(r rune) rune {
			if strings.ContainsRune(in.ExcludeCharacters, r) {
				return -1
			}
			return r
		}, set)
	}
	var classes []string
	for _, c := range []struct {
		excluded bool
		set      string
	}{
		{in.ExcludeLowercase, PasswordLowercase},
		{in.ExcludeUppercase, PasswordUppercase},
		{in.ExcludeNumbers, PasswordDigits},
		{in.ExcludePunctuation, PasswordPunctuation},
	} {
		if c.excluded {
			continue
		}
		if set := keep(c.set); set != "" {
			classes = append(classes, set)
		}
	}
	pool := strings.Join(classes, "")
	if in.IncludeSpace {
		pool += keep(" ")
	}
	if pool == "" {
		return "", EveryTypeExcludedError()
	}
	var required []string
	if requireEach {
		required = classes
	}
	if len(required) > length {
		return "", PasswordTooShortError()
	}

	out := make([]byte, length)
	for i, set := range required {
		c, err := pick(set)
		if err != nil {
			return "", err
		}
		out[i] = c
	}
	for i := len(required); i < length; i++ {
		c, err := pick(pool)
		if err != nil {
			return "", err
		}
		out[i] = c
	}
	// Shuffle so the required characters are not always at the front
	// (Fisher–Yates with crypto/rand).
	for i := length - 1; i > 0; i-- {
		j, err := uniform(i + 1)
		if err != nil {
			return "", err
		}
		out[i], out[j] = out[j], out[i]
	}
	return string(out), nil
}

// pick returns a uniformly chosen byte of set (all sets are ASCII).
func pick(set string) (byte, error) {
	i, err := uniform(len(set))
	if err != nil {
		return 0, err
	}
	return set[i], nil
}

// uniform returns a uniform integer in [0, n) from crypto/rand, rejecting
// the top of the range so there is no modulo bias.
func uniform(n int) (int, error) {
	if n <= 1 {
		return 0, nil
	}
	limit := ^uint32(0) - (^uint32(0) % uint32(n))
	var b [4]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return 0, fmt.Errorf("reading random bytes: %w", err)
		}
		v := binary.LittleEndian.Uint32(b[:])
		if v < limit {
			return int(v % uint32(n)), nil
		}
	}
}
