package backend_test

import (
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

func classesOf(p string) (lower, upper, digit, punct, space int) {
	for _, r := range p {
		switch {
		case strings.ContainsRune(backend.PasswordLowercase, r):
			lower++
		case strings.ContainsRune(backend.PasswordUppercase, r):
			upper++
		case strings.ContainsRune(backend.PasswordDigits, r):
			digit++
		case strings.ContainsRune(backend.PasswordPunctuation, r):
			punct++
		case r == ' ':
			space++
		}
	}
	return
}

func TestRandomPasswordDefaults(t *testing.T) {
	if len(backend.PasswordPunctuation) != 32 {
		t.Fatalf("punctuation set has %d characters, AWS's has 32", len(backend.PasswordPunctuation))
	}
	for i := 0; i < 200; i++ {
		p, err := backend.RandomPassword(&backend.GetRandomPasswordInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 32 {
			t.Fatalf("default length %d, want 32", len(p))
		}
		l, u, d, pu, sp := classesOf(p)
		if l == 0 || u == 0 || d == 0 || pu == 0 {
			t.Fatalf("%q lacks a required type (lower %d upper %d digit %d punct %d)", p, l, u, d, pu)
		}
		if sp != 0 || l+u+d+pu != 32 {
			t.Fatalf("%q holds characters outside the four classes", p)
		}
	}
	if p, _ := backend.RandomPassword(nil); len(p) != 32 {
		t.Fatalf("nil input gave %q", p)
	}
}

func TestRandomPasswordLength(t *testing.T) {
	for _, n := range []int{4, 5, 100, 4096} {
		p, err := backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(n)})
		if err != nil || len(p) != n {
			t.Fatalf("length %d: got %d characters, err %v", n, len(p), err)
		}
	}
	p, err := backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(1), RequireEachIncludedType: ptr(false)})
	if err != nil || len(p) != 1 {
		t.Fatalf("length 1 without required types: %q, %v", p, err)
	}
	_, err = backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(0)})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(4097)})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096")
	_, err = backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(3)})
	wantErr(t, err, backend.CodeInvalidParameter, "Password length is too short based on the required types.")
	// Three types left, three characters: enough.
	p, err = backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(3), ExcludePunctuation: true})
	if err != nil {
		t.Fatal(err)
	}
	if l, u, d, _, _ := classesOf(p); l != 1 || u != 1 || d != 1 {
		t.Fatalf("%q must hold one of each remaining type", p)
	}
}

func TestRandomPasswordExclusions(t *testing.T) {
	check := func(name string, in backend.GetRandomPasswordInput, allowed string) {
		t.Run(name, func(t *testing.T) {
			in.PasswordLength = ptr(4096)
			p, err := backend.RandomPassword(&in)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[rune]bool{}
			for _, r := range p {
				if !strings.ContainsRune(allowed, r) {
					t.Fatalf("character %q is not allowed here", r)
				}
				seen[r] = true
			}
			// 4096 uniform draws from at most 95 characters miss one with
			// probability below 1e-15: every allowed character shows up.
			for _, r := range allowed {
				if !seen[r] {
					t.Fatalf("character %q never drawn in 4096 characters", r)
				}
			}
		})
	}
	all := backend.PasswordLowercase + backend.PasswordUppercase + backend.PasswordDigits + backend.PasswordPunctuation
	check("exclude numbers", backend.GetRandomPasswordInput{ExcludeNumbers: true},
		backend.PasswordLowercase+backend.PasswordUppercase+backend.PasswordPunctuation)
	check("exclude punctuation", backend.GetRandomPasswordInput{ExcludePunctuation: true},
		backend.PasswordLowercase+backend.PasswordUppercase+backend.PasswordDigits)
	check("exclude upper and lower case", backend.GetRandomPasswordInput{ExcludeUppercase: true, ExcludeLowercase: true},
		backend.PasswordDigits+backend.PasswordPunctuation)
	check("punctuation only is AWS's set", backend.GetRandomPasswordInput{ExcludeUppercase: true, ExcludeLowercase: true, ExcludeNumbers: true},
		backend.PasswordPunctuation)
	check("include space", backend.GetRandomPasswordInput{IncludeSpace: true}, all+" ")
	pg := `:/@"'\`
	keep := strings.Map(func(r rune) rune {
		if strings.ContainsRune(pg, r) {
			return -1
		}
		return r
	}, all)
	check("exclude characters (PostgreSQL rotation set)", backend.GetRandomPasswordInput{ExcludeCharacters: pg}, keep)
	check("excluding a whole class by characters", backend.GetRandomPasswordInput{ExcludeCharacters: backend.PasswordDigits},
		backend.PasswordLowercase+backend.PasswordUppercase+backend.PasswordPunctuation)

	t.Run("required types with a class emptied by exclusions", func(t *testing.T) {
		// Digits are all excluded, so they are no longer a required type and
		// a 3-character password is possible.
		p, err := backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(3), ExcludeCharacters: backend.PasswordDigits})
		if err != nil {
			t.Fatal(err)
		}
		if l, u, d, pu, _ := classesOf(p); l != 1 || u != 1 || pu != 1 || d != 0 {
			t.Fatalf("%q", p)
		}
	})
	t.Run("every type excluded", func(t *testing.T) {
		_, err := backend.RandomPassword(&backend.GetRandomPasswordInput{ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true})
		wantErr(t, err, backend.CodeInvalidParameter, "The password can't be generated because every character type is excluded.")
		_, err = backend.RandomPassword(&backend.GetRandomPasswordInput{ExcludeCharacters: all})
		wantErr(t, err, backend.CodeInvalidParameter, "The password can't be generated because every character type is excluded.")
	})
	t.Run("space alone", func(t *testing.T) {
		p, err := backend.RandomPassword(&backend.GetRandomPasswordInput{ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true, IncludeSpace: true, PasswordLength: ptr(5)})
		if err != nil || p != "     " {
			t.Fatalf("%q, %v", p, err)
		}
	})
}

func TestRandomPasswordRequireEachType(t *testing.T) {
	// With four characters and every type required, each type appears
	// exactly once; the positions must vary (the required characters are
	// shuffled in, not always first).
	firsts := map[int]bool{}
	for i := 0; i < 300; i++ {
		p, err := backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(4)})
		if err != nil {
			t.Fatal(err)
		}
		l, u, d, pu, _ := classesOf(p)
		if l != 1 || u != 1 || d != 1 || pu != 1 {
			t.Fatalf("%q does not hold one character of each type", p)
		}
		switch {
		case strings.ContainsRune(backend.PasswordLowercase, rune(p[0])):
			firsts[0] = true
		case strings.ContainsRune(backend.PasswordUppercase, rune(p[0])):
			firsts[1] = true
		case strings.ContainsRune(backend.PasswordDigits, rune(p[0])):
			firsts[2] = true
		default:
			firsts[3] = true
		}
	}
	if len(firsts) != 4 {
		t.Fatalf("the first character came from only %d types in 300 draws", len(firsts))
	}
	// Without the requirement short passwords may miss types: over many
	// 4-character draws from 94 characters, some must.
	missing := false
	for i := 0; i < 300 && !missing; i++ {
		p, err := backend.RandomPassword(&backend.GetRandomPasswordInput{PasswordLength: ptr(4), RequireEachIncludedType: ptr(false)})
		if err != nil {
			t.Fatal(err)
		}
		l, u, d, pu, _ := classesOf(p)
		missing = l == 0 || u == 0 || d == 0 || pu == 0
	}
	if !missing {
		t.Fatal("RequireEachIncludedType=false never produced a password missing a type")
	}
}

func TestRandomPasswordsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		p, err := backend.RandomPassword(&backend.GetRandomPasswordInput{})
		if err != nil {
			t.Fatal(err)
		}
		if seen[p] {
			t.Fatalf("password %q repeated", p)
		}
		seen[p] = true
	}
}

func BenchmarkRandomPassword32(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := backend.RandomPassword(&backend.GetRandomPasswordInput{}); err != nil {
			b.Fatal(err)
		}
	}
}
