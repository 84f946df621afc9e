package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/wire"
)

// TestShapesPrintTheMembersTheServerSends holds the CLI's reading of a
// wire shape to encoding/json's, which is what serve sends: the same
// members in the same order, the same values, and timestamps in the AWS
// CLI's form where the wire has epoch seconds.
func TestShapesPrintTheMembersTheServerSends(t *testing.T) {
	when := time.Unix(1700000000, 5e8)
	s := "v"
	full := backend.SecretMetadata{ARN: "arn", Name: "n", Description: "d", KmsKeyID: "k",
		RotationEnabled: true, RotationLambdaARN: "fn", RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 3, ScheduleExpression: "rate(3 days)"},
		LastRotatedDate: when, LastChangedDate: when, LastAccessedDate: when, DeletedDate: when, NextRotationDate: when,
		Tags: []backend.Tag{{Key: "a", Value: ""}}, VersionIdsToStages: map[string][]string{"v2": {"B"}, "v1": {"A", "C"}},
		OwningService: "o", CreatedDate: when, PrimaryRegion: "r",
		ReplicationStatus: []backend.ReplicationStatus{{Region: "r2", Status: "InSync", LastAccessedDate: when}}}
	for _, shape := range []any{
		wire.DescribeSecret(&full),
		wire.DescribeSecret(&backend.SecretMetadata{Name: "n"}),
		wire.DescribeSecret(&backend.SecretMetadata{Name: "n", Tags: []backend.Tag{}, RotationRules: &backend.RotationRules{}}),
		wire.ListSecrets(&backend.ListSecretsOutput{Secrets: []backend.SecretMetadata{full, {Name: "m"}}, NextToken: "t"}),
		wire.ListSecrets(&backend.ListSecretsOutput{}),
		wire.ListSecretVersionIds(&backend.ListSecretVersionIdsOutput{ARN: "arn", Name: "n", Versions: []backend.SecretVersion{{VersionID: "v", VersionStages: []string{"AWSCURRENT"}, CreatedDate: when, KmsKeyIDs: []string{"k"}}}}),
		wire.Value(&backend.SecretValue{ARN: "arn", Name: "n", VersionID: "v", SecretString: &s, VersionStages: []string{"AWSCURRENT"}, CreatedDate: when}),
		wire.Value(&backend.SecretValue{Name: "n", SecretBinary: []byte{0, 1, 0xff}}),
		wire.BatchGetSecretValue(&backend.BatchGetSecretValueOutput{Errors: []backend.APIError{{SecretID: "x", ErrorCode: "E", Message: "m"}}}),
		wire.DeleteSecret(&backend.DeleteSecretOutput{ARN: "arn", Name: "n", DeletionDate: when}),
		wire.ValidateResourcePolicy(nil),
		wire.GetRandomPasswordResponse{},
	} {
		raw, err := json.Marshal(shape)
		if err != nil {
			t.Fatal(err)
		}
		var sent []string
		walkJSON(json.NewDecoder(strings.NewReader(string(raw))), "", &sent)
		var printed []string
		walkPlain(plainValue(shape), "", &printed)
		if !slices.Equal(printed, sent) {
			t.Errorf("%T:\nprinted %q\nsent    %q", shape, printed, sent)
		}
	}
}

// walkJSON lists path=value for every leaf of a JSON document in order,
// with epoch-seconds timestamps (members named ...Date) in the AWS CLI's
// form.
func walkJSON(dec *json.Decoder, path string, out *[]string) {
	dec.UseNumber()
	tok, _ := dec.Token()
	switch tok {
	case json.Delim('{'):
		*out = append(*out, path+"{")
		for dec.More() {
			k, _ := dec.Token()
			walkJSON(dec, path+"."+k.(string), out)
		}
		dec.Token()
	case json.Delim('['):
		*out = append(*out, path+"[")
		for i := 0; dec.More(); i++ {
			walkJSON(dec, fmt.Sprintf("%s[%d]", path, i), out)
		}
		dec.Token()
	default:
		if n, ok := tok.(json.Number); ok && strings.HasSuffix(path, "Date") {
			f, _ := n.Float64()
			tok = formatTime(time.UnixMilli(int64(f * 1000)))
		} else if ok {
			tok, _ = n.Int64()
		}
		*out = append(*out, fmt.Sprintf("%s=%v", path, tok))
	}
}

func walkPlain(v any, path string, out *[]string) {
	switch x := v.(type) {
	case object:
		*out = append(*out, path+"{")
		for _, f := range x {
			walkPlain(f.val, path+"."+f.key, out)
		}
	case []any:
		*out = append(*out, path+"[")
		for i, e := range x {
			walkPlain(e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	default:
		*out = append(*out, fmt.Sprintf("%s=%v", path, x))
	}
}

// BenchmarkListEntryJSON prints one SecretListEntry of a streamed
// list-secrets: the wire shape read through its tags, then encoded as the
// AWS CLI prints it. At 100,000 secrets this runs 100,000 times.
func BenchmarkListEntryJSON(b *testing.B) {
	m := backend.SecretMetadata{ARN: "arn:aws:secretsmanager:local:000000000000:secret:app/db-AbCdEf", Name: "app/db", Description: "database",
		LastChangedDate: time.Unix(1700000000, 5e8), LastAccessedDate: time.Unix(1700000000, 0), CreatedDate: time.Unix(1600000000, 0),
		Tags: []backend.Tag{{Key: "team", Value: "payments"}}, VersionIdsToStages: map[string][]string{"v1": {"AWSCURRENT"}}}
	s := newListStream(io.Discard, "SecretList")
	for b.Loop() {
		s.add(wire.ListEntry(&m))
	}
	if err := s.close(); err != nil {
		b.Fatal(err)
	}
}
