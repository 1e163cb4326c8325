package gen

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedDocsUpToDate fails when docs/configuration.md or docs/inferred-elements.md differs
// from what the tables in internal/spec generate now. Only `go generate ./...` rewrites them;
// -update does not.
func TestGeneratedDocsUpToDate(t *testing.T) {
	reference, err := GenerateConfigReference()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		path string
		want []byte
	}{
		{ConfigReferenceFile, reference},
		{InferredElementsFile, GenerateInferredElements()},
	} {
		got, err := os.ReadFile("../../../" + f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.want) {
			t.Errorf("%s is not what internal/spec/kinds*.go generates: run `go generate ./...` and commit the result", f.path)
		}
	}
}
