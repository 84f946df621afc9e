package backend_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

func ptr[T any](v T) *T { return &v }

// wantErr checks the exception name and the exact message; code "" means
// the call must succeed.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error; want %s: %s", code, msg)
	}
	var e *backend.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) carries no exception name; want %s", err, err, code)
	}
	if e.Code != code || e.Message != msg {
		t.Fatalf("got %s: %q\nwant %s: %q", e.Code, e.Message, code, msg)
	}
}

const token32 = "0123456789abcdef0123456789abcdef"

const invalidName = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"

func TestValidateCreateSecretName(t *testing.T) {
	cases := []struct {
		name       string
		secretName string
		code, msg  string
	}{
		{"every allowed character", "Valid/_+=.@-Name09", "", ""},
		{"512 characters", strings.Repeat("a", 512), "", ""},
		{"513 characters", strings.Repeat("a", 513), backend.CodeValidation,
			"1 validation error detected: Value '" + strings.Repeat("a", 513) + "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"empty", "", backend.CodeValidation,
			"1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"space", "Inv Name", backend.CodeValidation, invalidName},
		{"star and question mark", "Inv*Name?", backend.CodeValidation, invalidName},
		{"exclamation mark", "name!", backend.CodeValidation, invalidName},
		{"hash", "name#1", backend.CodeValidation, invalidName},
		{"backslash", `a\b`, backend.CodeValidation, invalidName},
		{"colon", "a:b", backend.CodeValidation, invalidName},
		{"non-ASCII letter", "naïve", backend.CodeValidation, invalidName},
		{"escape sequence", "a\x1b[2Jb", backend.CodeValidation, invalidName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: c.secretName, SecretString: ptr("v")})
			wantErr(t, err, c.code, c.msg)
		})
	}
}

func TestValidateValues(t *testing.T) {
	both := "You can't specify both a binary secret value and a string secret value in the same secret."
	tooLong := func(f string) string {
		return "1 validation error detected: Value at '" + f + "' failed to satisfy constraint: Member must have length less than or equal to 65536"
	}
	max := strings.Repeat("x", 65536)
	over := strings.Repeat("x", 65537)
	t.Run("create with 65536 bytes", func(t *testing.T) {
		wantErr(t, backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", SecretString: &max}), "", "")
	})
	t.Run("create with 65537 bytes", func(t *testing.T) {
		err := backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", SecretString: &over})
		wantErr(t, err, backend.CodeValidation, tooLong("secretString"))
	})
	t.Run("size counts bytes, not characters", func(t *testing.T) {
		s := strings.Repeat("é", 32769) // 65538 bytes, 32769 characters
		err := backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretString: &s})
		wantErr(t, err, backend.CodeValidation, tooLong("secretString"))
	})
	t.Run("binary 65537 bytes", func(t *testing.T) {
		err := backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretBinary: make([]byte, 65537)})
		wantErr(t, err, backend.CodeValidation, tooLong("secretBinary"))
	})
	t.Run("binary 65536 bytes", func(t *testing.T) {
		err := backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretBinary: make([]byte, 65536)})
		wantErr(t, err, "", "")
	})
	t.Run("the message never holds the value", func(t *testing.T) {
		v := "hunter2-" + strings.Repeat("s", 65536)
		err := backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretString: &v})
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("error %v must exist and must not quote the value", err)
		}
	})
	t.Run("empty string", func(t *testing.T) {
		err := backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretString: ptr("")})
		wantErr(t, err, backend.CodeValidation,
			"1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length greater than or equal to 1")
	})
	for _, op := range []struct {
		name string
		call func(s *string, b []byte) error
	}{
		{"create", func(s *string, b []byte) error {
			return backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", SecretString: s, SecretBinary: b})
		}},
		{"put", func(s *string, b []byte) error {
			return backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretString: s, SecretBinary: b})
		}},
		{"update", func(s *string, b []byte) error {
			return backend.ValidateUpdateSecret(&backend.UpdateSecretInput{SecretID: "n", SecretString: s, SecretBinary: b})
		}},
	} {
		t.Run(op.name+" with both string and binary", func(t *testing.T) {
			wantErr(t, op.call(ptr("s"), []byte{1}), backend.CodeInvalidParameter, both)
		})
	}
	t.Run("put with neither", func(t *testing.T) {
		err := backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n"})
		wantErr(t, err, backend.CodeInvalidRequest, "You must provide either SecretString or SecretBinary.")
	})
	t.Run("create and update without a value are fine", func(t *testing.T) {
		wantErr(t, backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n"}), "", "")
		wantErr(t, backend.ValidateUpdateSecret(&backend.UpdateSecretInput{SecretID: "n", Description: ptr("d")}), "", "")
	})
}

func TestValidateClientRequestToken(t *testing.T) {
	for _, c := range []struct {
		name, token, msg string
	}{
		{"31 characters", token32[:31], "1 validation error detected: Value '" + token32[:31] + "' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32"},
		{"65 characters", token32 + token32 + "x", "1 validation error detected: Value '" + token32 + token32 + "x' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"32 characters", token32, ""},
		{"64 characters", token32 + token32, ""},
		{"a UUID", "4d9b2f54-9a7e-4c4e-9d0a-3f1c0e8b7a21", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code := ""
			if c.msg != "" {
				code = backend.CodeValidation
			}
			err := backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", ClientRequestToken: c.token, SecretString: ptr("v")})
			wantErr(t, err, code, c.msg)
			err = backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", ClientRequestToken: c.token})
			wantErr(t, err, code, c.msg)
		})
	}
}

func TestValidateDescriptionAndKms(t *testing.T) {
	d := strings.Repeat("d", 2049)
	err := backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", Description: d})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value '"+d+"' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048")
	wantErr(t, backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", Description: d[:2048]}), "", "")
	err = backend.ValidateUpdateSecret(&backend.UpdateSecretInput{SecretID: "n", Description: &d})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value '"+d+"' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048")
	k := strings.Repeat("k", 2049)
	err = backend.ValidateUpdateSecret(&backend.UpdateSecretInput{SecretID: "n", KmsKeyID: &k})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value '"+k+"' at 'kmsKeyId' failed to satisfy constraint: Member must have length less than or equal to 2048")
}

func TestValidateSecretID(t *testing.T) {
	wantErr(t, backend.ValidateSecretID("prod/db"), "", "")
	wantErr(t, backend.ValidateSecretID("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123"), "", "")
	wantErr(t, backend.ValidateSecretID("bad name"), backend.CodeValidation, invalidName)
	wantErr(t, backend.ValidateSecretID(""), backend.CodeValidation,
		"1 validation error detected: Value '' at 'secretId' failed to satisfy constraint: Member must have length greater than or equal to 1")
	long := strings.Repeat("a", 2049)
	wantErr(t, backend.ValidateSecretID(long), backend.CodeValidation,
		"1 validation error detected: Value '"+long+"' at 'secretId' failed to satisfy constraint: Member must have length less than or equal to 2048")
	// Every operation taking a SecretId checks it.
	for name, err := range map[string]error{
		"get":            backend.ValidateGetSecretValue(&backend.GetSecretValueInput{SecretID: "a b"}),
		"put":            backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "a b", SecretString: ptr("v")}),
		"update":         backend.ValidateUpdateSecret(&backend.UpdateSecretInput{SecretID: "a b"}),
		"stage":          backend.ValidateUpdateSecretVersionStage(&backend.UpdateSecretVersionStageInput{SecretID: "a b", VersionStage: "S"}),
		"versions":       backend.ValidateListSecretVersionIds(&backend.ListSecretVersionIdsInput{SecretID: "a b"}),
		"delete":         backend.ValidateDeleteSecret(&backend.DeleteSecretInput{SecretID: "a b"}),
		"tag":            backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "a b"}),
		"untag":          backend.ValidateUntagResource(&backend.UntagResourceInput{SecretID: "a b"}),
		"batch id lists": backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{SecretIDList: []string{"ok", "a b"}}),
	} {
		t.Run(name, func(t *testing.T) { wantErr(t, err, backend.CodeValidation, invalidName) })
	}
}

func TestValidateStages(t *testing.T) {
	stages := make([]string, 21)
	for i := range stages {
		stages[i] = "S" + strings.Repeat("x", i)
	}
	err := backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretString: ptr("v"), VersionStages: stages})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value '["+strings.Join(stages, ", ")+"]' at 'versionStages' failed to satisfy constraint: Member must have length less than or equal to 20")
	err = backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretString: ptr("v"), VersionStages: stages[:20]})
	wantErr(t, err, "", "")
	long := strings.Repeat("L", 257)
	err = backend.ValidatePutSecretValue(&backend.PutSecretValueInput{SecretID: "n", SecretString: ptr("v"), VersionStages: []string{"A", long}})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value '"+long+"' at 'versionStages.2.member' failed to satisfy constraint: Member must have length less than or equal to 256")
	err = backend.ValidateUpdateSecretVersionStage(&backend.UpdateSecretVersionStageInput{SecretID: "n"})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value '' at 'versionStage' failed to satisfy constraint: Member must have length greater than or equal to 1")
	err = backend.ValidateUpdateSecretVersionStage(&backend.UpdateSecretVersionStageInput{SecretID: "n", VersionStage: "S", MoveToVersionID: "short"})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value 'short' at 'moveToVersionId' failed to satisfy constraint: Member must have length greater than or equal to 32")
	err = backend.ValidateUpdateSecretVersionStage(&backend.UpdateSecretVersionStageInput{SecretID: "n", VersionStage: "S", RemoveFromVersionID: "short"})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value 'short' at 'removeFromVersionId' failed to satisfy constraint: Member must have length greater than or equal to 32")
	err = backend.ValidateUpdateSecretVersionStage(&backend.UpdateSecretVersionStageInput{SecretID: "n", VersionStage: "S", MoveToVersionID: token32, RemoveFromVersionID: token32})
	wantErr(t, err, "", "")
	err = backend.ValidateGetSecretValue(&backend.GetSecretValueInput{SecretID: "n", VersionID: "v1"})
	wantErr(t, err, backend.CodeValidation, "1 validation error detected: Value 'v1' at 'versionId' failed to satisfy constraint: Member must have length greater than or equal to 32")
}

func TestValidateTags(t *testing.T) {
	tags := make([]backend.Tag, 51)
	for i := range tags {
		tags[i] = backend.Tag{Key: "k" + strings.Repeat("x", i), Value: "v"}
	}
	wantErr(t, backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", Tags: tags[:50]}), "", "")
	wantErr(t, backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", Tags: tags}), backend.CodeInvalidParameter,
		"A secret can have at most 50 tags.")
	wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: tags}), backend.CodeInvalidParameter,
		"A secret can have at most 50 tags.")
	k := strings.Repeat("k", 129)
	wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: []backend.Tag{{Key: "a"}, {Key: k}}}), backend.CodeValidation,
		"1 validation error detected: Value '"+k+"' at 'tags.2.member.key' failed to satisfy constraint: Member must have length less than or equal to 128")
	v := strings.Repeat("v", 257)
	wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: []backend.Tag{{Key: "a", Value: v}}}), backend.CodeValidation,
		"1 validation error detected: Value '"+v+"' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256")
	wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: []backend.Tag{{Key: ""}}}), backend.CodeValidation,
		"1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1")
	wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: []backend.Tag{{Key: "a", Value: ""}}}), "", "")
}

// TestValidateTagCharacters checks AWS's documented pattern for tags,
// ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$: what it allows passes, controls,
// escape sequences and format characters are refused in keys and values.
func TestValidateTagCharacters(t *testing.T) {
	const pattern = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`
	for _, ok := range []string{"team", "Team Name", "a_b.c:d/e=f+g-h@i", "café", "東京", "١٢٣", "a\u00a0b", "x\u3000y", "Ⅻ"} {
		wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: []backend.Tag{{Key: ok, Value: ok}}}), "", "")
		wantErr(t, backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", Tags: []backend.Tag{{Key: ok, Value: ok}}}), "", "")
	}
	for _, bad := range []string{
		"a\x1b]52;c;aGk=\x07", "\x1b[2J", "tab\there", "new\nline", "cr\r", "nul\x00", "del\x7f",
		"c1\u009b2J", "rlo\u202egnp", "iso\u2066", "lrm\u200e", "alm\u061c", "zwj\u200d", "bad\xff",
		"quote\"", "star*", "semi;colon", "emoji🔑", "#hash",
	} {
		wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: []backend.Tag{{Key: "ok", Value: "v"}, {Key: bad, Value: "v"}}}),
			backend.CodeValidation, "1 validation error detected: Value '"+bad+"' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: "+pattern)
		wantErr(t, backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", Tags: []backend.Tag{{Key: "k", Value: bad}}}),
			backend.CodeValidation, "1 validation error detected: Value '"+bad+"' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: "+pattern)
	}
	// Removing a key that a store written before the rule holds stays
	// possible.
	wantErr(t, backend.ValidateUntagResource(&backend.UntagResourceInput{SecretID: "n", TagKeys: []string{"old\x1b]0;t\x07"}}), "", "")
	for _, key := range []string{"aws:cloudformation:stack-name", "AWS:x", "Aws:"} {
		wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: []backend.Tag{{Key: key, Value: "v"}}}),
			backend.CodeInvalidParameter, "You can't modify system tags. Tag key: '"+key+"'.")
		wantErr(t, backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: "n", Tags: []backend.Tag{{Key: key, Value: "v"}}}),
			backend.CodeInvalidParameter, "You can't modify system tags. Tag key: '"+key+"'.")
		wantErr(t, backend.ValidateUntagResource(&backend.UntagResourceInput{SecretID: "n", TagKeys: []string{"ok", key}}),
			backend.CodeInvalidParameter, "You can't modify system tags. Tag key: '"+key+"'.")
	}
	wantErr(t, backend.ValidateTagResource(&backend.TagResourceInput{SecretID: "n", Tags: []backend.Tag{{Key: "awsx", Value: "v"}}}), "", "")
}

func TestValidateDeleteSecret(t *testing.T) {
	rangeMsg := "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
	for _, c := range []struct {
		window    *int
		force     bool
		code, msg string
	}{
		{nil, false, "", ""},
		{ptr(7), false, "", ""},
		{ptr(30), false, "", ""},
		{ptr(6), false, backend.CodeInvalidParameter, rangeMsg},
		{ptr(31), false, backend.CodeInvalidParameter, rangeMsg},
		{ptr(0), false, backend.CodeInvalidParameter, rangeMsg},
		{nil, true, "", ""},
		{ptr(10), true, backend.CodeInvalidParameter, "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."},
		{ptr(3), true, backend.CodeInvalidParameter, rangeMsg},
	} {
		err := backend.ValidateDeleteSecret(&backend.DeleteSecretInput{SecretID: "n", RecoveryWindowInDays: c.window, ForceDeleteWithoutRecovery: c.force})
		wantErr(t, err, c.code, c.msg)
	}
}

func TestValidateListSecrets(t *testing.T) {
	ok := func(in backend.ListSecretsInput) {
		t.Helper()
		wantErr(t, backend.ValidateListSecrets(&in), "", "")
	}
	bad := func(in backend.ListSecretsInput, code, msg string) {
		t.Helper()
		wantErr(t, backend.ValidateListSecrets(&in), code, msg)
	}
	ok(backend.ListSecretsInput{})
	ok(backend.ListSecretsInput{MaxResults: 100, SortOrder: "desc", SortBy: "name"})
	bad(backend.ListSecretsInput{MaxResults: 101}, backend.CodeValidation,
		"1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100")
	bad(backend.ListSecretsInput{MaxResults: -1}, backend.CodeValidation,
		"1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1")
	bad(backend.ListSecretsInput{SortOrder: "up"}, backend.CodeValidation,
		"1 validation error detected: Value 'up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]")
	bad(backend.ListSecretsInput{SortBy: "size"}, backend.CodeValidation,
		"1 validation error detected: Value 'size' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [created-date, last-accessed-date, last-changed-date, name]")

	f := func(key string, values ...string) backend.Filter { return backend.Filter{Key: key, Values: values} }
	ok(backend.ListSecretsInput{Filters: []backend.Filter{f("name", "prod/"), f("tag-key", "!env"), f("all", "a b:c_d@e/f+g=h.i-j!k")}})
	bad(backend.ListSecretsInput{Filters: []backend.Filter{f("colour", "red")}}, backend.CodeValidation,
		"1 validation error detected: Value 'colour' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [all, name, tag-key, description, tag-value, primary-region, owning-service]")
	bad(backend.ListSecretsInput{Filters: []backend.Filter{f("name", "a"), f("Name", "a")}}, backend.CodeValidation,
		"1 validation error detected: Value 'Name' at 'filters.2.member.key' failed to satisfy constraint: Member must satisfy enum value set: [all, name, tag-key, description, tag-value, primary-region, owning-service]")
	bad(backend.ListSecretsInput{Filters: []backend.Filter{f("")}}, backend.CodeInvalidParameter, "Invalid filter key")
	bad(backend.ListSecretsInput{Filters: []backend.Filter{f("name")}}, backend.CodeInvalidParameter, "Invalid filter values for key: name")
	eleven := make([]backend.Filter, 11)
	for i := range eleven {
		eleven[i] = f("name", "a")
	}
	ok(backend.ListSecretsInput{Filters: eleven[:10]})
	bad(backend.ListSecretsInput{Filters: eleven}, backend.CodeValidation,
		"1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10")
	values := strings.Split("a b c d e f g h i j k", " ")
	ok(backend.ListSecretsInput{Filters: []backend.Filter{f("name", values[:10]...)}})
	bad(backend.ListSecretsInput{Filters: []backend.Filter{f("name", values...)}}, backend.CodeValidation,
		"1 validation error detected: Value '[a, b, c, d, e, f, g, h, i, j, k]' at 'filters.1.member.values' failed to satisfy constraint: Member must have length less than or equal to 10")
	long := strings.Repeat("v", 513)
	ok(backend.ListSecretsInput{Filters: []backend.Filter{f("name", long[:512])}})
	bad(backend.ListSecretsInput{Filters: []backend.Filter{f("name", "ok", long)}}, backend.CodeValidation,
		"1 validation error detected: Value '"+long+"' at 'filters.1.member.values.2.member' failed to satisfy constraint: Member must have length less than or equal to 512")
	for _, v := range []string{"a#b", "a*", "naïve", "tab\there", `x\y`} {
		bad(backend.ListSecretsInput{Filters: []backend.Filter{f("description", v)}}, backend.CodeValidation,
			"1 validation error detected: Value '"+v+`' at 'filters.1.member.values.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$`)
	}
}

func TestValidateListSecretVersionIds(t *testing.T) {
	wantErr(t, backend.ValidateListSecretVersionIds(&backend.ListSecretVersionIdsInput{SecretID: "n", MaxResults: 100}), "", "")
	wantErr(t, backend.ValidateListSecretVersionIds(&backend.ListSecretVersionIdsInput{SecretID: "n", MaxResults: 101}), backend.CodeValidation,
		"1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100")
}

func TestValidateBatchGetSecretValue(t *testing.T) {
	either := "Either 'SecretIdList' or 'Filters' must be provided, but not both."
	wantErr(t, backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{}), backend.CodeInvalidParameter, either)
	wantErr(t, backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{
		SecretIDList: []string{"a"}, Filters: []backend.Filter{{Key: "name", Values: []string{"a"}}},
	}), backend.CodeInvalidParameter, either)
	ids := make([]string, 21)
	for i := range ids {
		ids[i] = "s"
	}
	wantErr(t, backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{SecretIDList: ids[:20]}), "", "")
	wantErr(t, backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{SecretIDList: ids}), backend.CodeValidation,
		"1 validation error detected: Value '["+strings.Join(ids, ", ")+"]' at 'secretIdList' failed to satisfy constraint: Member must have length less than or equal to 20")
	filters := []backend.Filter{{Key: "name", Values: []string{"a"}}}
	wantErr(t, backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{Filters: filters, MaxResults: 20}), "", "")
	wantErr(t, backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{Filters: filters, MaxResults: 21}), backend.CodeValidation,
		"1 validation error detected: Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20")
	wantErr(t, backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{SecretIDList: []string{"a"}, MaxResults: 5}), backend.CodeInvalidParameter,
		"'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.")
	wantErr(t, backend.ValidateBatchGetSecretValue(&backend.BatchGetSecretValueInput{Filters: []backend.Filter{{Key: "nope", Values: []string{"a"}}}}), backend.CodeValidation,
		"1 validation error detected: Value 'nope' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [all, name, tag-key, description, tag-value, primary-region, owning-service]")
}
