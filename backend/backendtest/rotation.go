package backendtest

import (
	"strings"

	"github.com/secretary-sh/secretary/backend"
)

func rotationCases() []testCase {
	return []testCase{
		// Recorded from AWS: the Lambda named cannot be invoked. Rotation
		// stays off and no version is created.
		{name: "RotateSecret naming a function that cannot be invoked is AccessDenied and changes nothing", fn: func(e *env) {
			r, ok := e.B.(backend.Rotator)
			if !ok {
				e.Skip("the backend does not rotate")
			}
			e.createValue("s", "v1")
			id := e.name("s")
			before := e.versions(id, true)
			_, err := r.RotateSecret(e.ctx, &backend.RotateSecretInput{SecretID: id, ClientRequestToken: token(),
				RotationLambdaARN: "arn:aws:lambda:us-east-1:123456789012:function:secretary-conformance-missing",
				RotationRules:     &backend.RotationRules{AutomaticallyAfterDays: 30}})
			e.wantErr("RotateSecret with a missing function", err, backend.CodeAccessDenied, "")
			const want = msgCannotInvoke
			if !strings.HasPrefix(backend.Message(err), want) {
				e.Fatalf("message %q, want it to start with %q", backend.Message(err), want)
			}
			if m := e.describe(id); m.RotationEnabled {
				e.Fatalf("rotation is on after a refused RotateSecret: %+v", m)
			}
			e.wantStages("versions after the refusal", e.versions(id, true), before)
		}},
	}
}
