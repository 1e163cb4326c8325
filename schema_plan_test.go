package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/qsync/qsync/internal/qualysemu"
)

// TestPlanJSONMatchesSchemaPlan: what qsync plan writes (a saved plan of a port change, and the
// plan of every example file against the demo estate: creates, updates, deletes, unmanaged and
// refused objects, vault references) is valid against what qsync schema --plan prints.
func TestPlanJSONMatchesSchemaPlan(t *testing.T) {
	var schemaOut, stderr bytes.Buffer
	if code := run([]string{"schema", "--plan"}, &Env{Stdout: &schemaOut, Stderr: &stderr, Getenv: os.Getenv}); code != 0 {
		t.Fatalf("schema --plan exited %d: %s", code, stderr.String())
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.LoadURL = func(u string) (io.ReadCloser, error) { return nil, fmt.Errorf("refusing to load %s", u) }
	if err := c.AddResource("plan.schema.json", &schemaOut); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("plan.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(name string, b []byte) {
		t.Helper()
		var v any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("%s: %#v", name, err)
		}
	}

	_, saved, _ := savedPlanEnv(t)
	b, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	validate("saved plan", b)

	srv, err := qualysemu.New(qualysemu.Config{Username: "tester", Password: "s3cret-login", RateUnlimited: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeedFile("scripts/demo-seed.yaml"); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	examples, _ := filepath.Glob("examples/*.yaml")
	var stdout bytes.Buffer
	stderr.Reset()
	args := append([]string{"plan", "--api-url", hs.URL, "--without-secrets", "--format", "json"}, examples...)
	if code := run(args, &Env{Stdout: &stdout, Stderr: &stderr, Getenv: os.Getenv}); code != 0 {
		t.Fatalf("plan of the examples exited %d: %s", code, stderr.String())
	}
	validate("plan of the examples", stdout.Bytes())
}
